/*
 * test_href.c: href forms (RFC 4918 8.3, RFC 3986 3.3), the canonical key
 * of rules.md 0.4, and scope classification.
 */
#include <string.h>

#include <apr_general.h>

#include "tap.h"
#include "mss_private.h"

typedef struct {
    const char *in;
    mss_href_form_e form;
} form_t;

static const form_t forms[] = {
    {"/dav/a.txt", MSS_HREF_PATH_ABSOLUTE},
    {"/", MSS_HREF_PATH_ABSOLUTE},
    {"http://h/a", MSS_HREF_ABSOLUTE},
    {"urn:uuid:1234", MSS_HREF_ABSOLUTE},
    {"//h/a", MSS_HREF_NETWORK_PATH},
    {"a/b", MSS_HREF_RELATIVE},
    {"./a", MSS_HREF_RELATIVE},
    {"?q", MSS_HREF_RELATIVE},
    {"#f", MSS_HREF_RELATIVE},
    {"a:b", MSS_HREF_ABSOLUTE},  /* scheme "a" */
    {"1a:b", MSS_HREF_RELATIVE}, /* a scheme starts with ALPHA */
    {"", MSS_HREF_EMPTY},
};

typedef struct {
    const char *in;
    const char *key; /* NULL = not keyable */
    int same;
} hkey_t;

/* origin: http://dav.example.com (port 80) */
static const hkey_t keys[] = {
    {"/c/a.txt", "/c/a.txt", 1},
    {"http://dav.example.com/c/a.txt", "/c/a.txt", 1},
    {"HTTP://DAV.Example.COM:80/c/a.txt", "/c/a.txt", 1},
    {"http://dav.example.com", "/", 1}, /* empty path is "/" */
    {"http://dav.example.com:8080/c/", "http://dav.example.com:8080/c/", 0},
    {"https://dav.example.com/c/", "https://dav.example.com/c/", 0},
    {"http://other.example/c/", "http://other.example/c/", 0},
    {"/c/%7euser/%c3%bc", "/c/~user/%C3%BC", 1}, /* 2.3, 6.2.2.2 */
    {"/c/a%2Fb", "/c/a%2Fb", 1},                 /* reserved stays */
    {"/c/a%2fb", "/c/a%2Fb", 1},
    {"/c/./sub/../a.txt", "/c/a.txt", 1}, /* 5.2.4 */
    {"/c/%2E%2E/x", "/x", 1},             /* %2E is "." */
    {"/c/..", "/", 1},
    {"/c/sub/..", "/c/", 1},
    {"/c/?q=../x", "/c/?q=../x", 1}, /* query untouched */
    {"/%", "/%25", 1},               /* stray % is a literal */
    {"/c/a b", "/c/a%20b", 1},       /* raw and encoded: one key */
    {"/c/\xc3\xbc", "/c/%C3%BC", 1}, /* (rules.md A16) */
    {"/c/%c3%bc", "/c/%C3%BC", 1},
    {"/c/a\"b", "/c/a%22b", 1},
    /* RFC 2396 marks equal their escapes (RFC 4918 8.3 by RFC 2616
     * 3.2.3) */
    {"/c/Mom%27s%20(2024)", "/c/Mom's%20(2024)", 1},
    {"/c/Mom's%20%282024%29%21%2a", "/c/Mom's%20(2024)!*", 1},
    {"/c/a%2b%40", "/c/a%2B%40", 1}, /* '+' and '@' are reserved: stay */
    /* brackets belong to an IP-literal host, never to a path */
    {"/c/[x]", "/c/%5Bx%5D", 1},
    {"/c/a#b", "/c/a%23b", 1}, /* '#' is part of a name (rules.md A15) */
    {"/c/%5bx%5d", "/c/%5Bx%5D", 1},
    {"a/b", NULL, 1},
    {"//dav.example.com/x", NULL, 1},
    {"urn:uuid:x", NULL, 1},
};

typedef struct {
    const char *k;
    const char *r;
    mss_scope_e scope;
} scope_t;

static const scope_t scopes[] = {
    {"/c/", "/c/", MSS_SCOPE_SELF},
    {"/c", "/c/", MSS_SCOPE_SELF}, /* slash variant (rules.md A20) */
    {"/c/", "/c", MSS_SCOPE_SELF},
    {"/c/a", "/c/", MSS_SCOPE_CHILD},
    {"/c/a/", "/c/", MSS_SCOPE_CHILD},
    {"/c/a", "/c", MSS_SCOPE_CHILD},
    {"/c/a/b", "/c/", MSS_SCOPE_DESCENDANT},
    {"/c/a/b/", "/c", MSS_SCOPE_DESCENDANT},
    {"/cx", "/c", MSS_SCOPE_OUTSIDE},
    {"/cx/a", "/c/", MSS_SCOPE_OUTSIDE},
    {"/", "/c/", MSS_SCOPE_OUTSIDE},
    {"/c//", "/c/", MSS_SCOPE_SELF},
    {"http://o/c/a", "/c/", MSS_SCOPE_OUTSIDE},
};

int main(int argc, char **argv)
{
    apr_pool_t *p;
    mss_origin_t o;
    mss_origin_t unknown;
    size_t i;
    int same;
    char *k;

    (void)argc;
    (void)argv;
    apr_initialize();
    apr_pool_create(&p, NULL);

    for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        ok(mss_href_form(forms[i].in, strlen(forms[i].in)) == forms[i].form,
           "form of '%s'", forms[i].in);
    }

    mss_origin_from_host(&o, p, "http", "DAV.example.com:80");
    ok(o.scheme != NULL && strcmp(o.host, "dav.example.com") == 0
           && o.port == 80,
       "origin from Host with the default port");
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        k = mss_href_key(p, keys[i].in, strlen(keys[i].in), &o, &same);
        if (keys[i].key == NULL) {
            ok(k == NULL, "'%s' has no key", keys[i].in);
        }
        else if (!ok(k != NULL && strcmp(k, keys[i].key) == 0
                         && same == keys[i].same,
                     "key of '%s' is '%s'", keys[i].in, keys[i].key)) {
            diag("got '%s' same=%d", k ? k : "(null)", same);
        }
    }
    mss_origin_from_host(&o, p, "https", "[::1]:8443");
    ok(strcmp(o.host, "[::1]") == 0 && o.port == 8443, "IPv6 Host");
    k = mss_href_key(p, "https://[::1]:8443/a", 20, &o, &same);
    ok(k != NULL && strcmp(k, "/a") == 0 && same, "IPv6 origin dropped");

    memset(&unknown, 0, sizeof(unknown));
    k = mss_href_key(p, "http://any.example/c/", 21, &unknown, &same);
    ok(k != NULL && strcmp(k, "/c/") == 0,
       "with no known origin an http href keys by its path");

    for (i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
        ok(mss_href_scope(scopes[i].k, scopes[i].r) == scopes[i].scope,
           "scope of '%s' under '%s' is %d", scopes[i].k, scopes[i].r,
           (int)scopes[i].scope);
    }
    apr_pool_destroy(p);
    apr_terminate();
    return done();
}
