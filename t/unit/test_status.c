/*
 * test_status.c: DAV:status parsing (RFC 4918 14.28; RFC 9112 4) and the
 * reason-phrase registry.
 */
#include <string.h>

#include <apr_general.h>

#include "tap.h"
#include "mss_private.h"

typedef struct {
    const char *in;
    int syntax_ok;
    int code;
    const char *phrase;
} case_t;

static const case_t cases[] = {
    {"HTTP/1.1 200 OK", 1, 200, "OK"},
    {"HTTP/1.0 404 Not Found", 1, 404, "Not Found"},
    {"HTTP/1.1 200 ", 1, 200, ""}, /* phrase optional, SP kept */
    {"HTTP/1.1 999 Custom", 1, 999, "Custom"},
    {"HTTP/1.1 207 Multi-Status", 1, 207, "Multi-Status"},
    {"HTTP/1.1 200 \xc3\x9c", 1, 200, "\xc3\x9c"}, /* obs-text */
    {"HTTP/1.1 200 a\tb", 1, 200, "a\tb"},         /* HTAB allowed */
    {"HTTP/1.1 200", 0, 200, NULL},                /* no SP after the code */
    {"200 OK", 0, 200, NULL},
    {"http/1.1 200 OK", 0, 200, NULL}, /* HTTP is case-sensitive */
    {"HTTP/2 200", 0, 200, NULL},
    {"HTTP/2 200 OK", 0, 200, NULL},
    {" HTTP/1.1 200 OK", 0, 200, NULL},  /* surrounding whitespace */
    {"HTTP/1.1 200 OK\n", 0, 200, NULL}, /* LF is not a phrase char */
    {"\n  HTTP/1.1 404\n", 0, 404, NULL},
    {"HTTP/1.1 20 OK", 0, -1, NULL}, /* no 3-digit code */
    {"OK", 0, -1, NULL},
    {"", 0, -1, NULL},
    {"200 or 404", 0, -1, NULL}, /* ambiguous */
    {"HTTP/1.1 1000 X", 0, -1, NULL},
    {"HTTP/1.1 102 Processing", 1, 102, "Processing"},
};

typedef struct {
    int code;
    const char *phrase;
    int ok;
} phrase_t;

static const phrase_t phrases[] = {
    {200, "OK", 1},
    {200, "ok", 1}, /* case-insensitive */
    {200, "", 1},   /* empty: optional (RFC 9112 4) */
    {200, "Not Found", 0},
    {207, "Multistatus", 0}, /* rules.md MS-STATUS-REASON */
    {207, "Multi-Status", 1},
    {404, "Resource not found", 0},       /* RFC 6352 8.7.1 wording */
    {413, "Request Entity Too Large", 1}, /* httpd's phrase */
    {413, "Content Too Large", 1},
    {414, "Request-URI Too Long", 1},
    {422, "Unprocessable Entity", 1},
    {418, "I'm a teapot", 1}, /* unregistered code: anything */
    {299, "Whatever", 1},
    {424, "Failed Dependency", 1},
    {507, "Insufficient Storage", 1},
};

/* Printable form of a test input for the TAP line. */
static const char *show(const char *in, char *buf, size_t cap)
{
    size_t o = 0;

    for (; *in != '\0' && o + 5 < cap; in++) {
        if (*in == '\n') {
            buf[o++] = '\\';
            buf[o++] = 'n';
        }
        else if (*in == '\t') {
            buf[o++] = '\\';
            buf[o++] = 't';
        }
        else {
            buf[o++] = *in;
        }
    }
    buf[o] = '\0';
    return buf;
}

int main(int argc, char **argv)
{
    size_t i;
    char sbuf[128];

    (void)argc;
    (void)argv;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        mss_status_t st;
        const case_t *c = &cases[i];
        int pass;

        mss_status_parse(c->in, strlen(c->in), &st);
        pass = st.syntax_ok == c->syntax_ok && st.code == c->code;
        if (pass && c->phrase != NULL) {
            pass = st.phrase_len == strlen(c->phrase)
                   && memcmp(st.phrase, c->phrase, st.phrase_len) == 0;
        }
        if (!ok(pass, "status '%s': syntax %d code %d",
                show(c->in, sbuf, sizeof(sbuf)), c->syntax_ok, c->code)) {
            diag("got syntax %d code %d", st.syntax_ok, st.code);
        }
    }
    for (i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++) {
        const phrase_t *c = &phrases[i];

        ok(mss_status_phrase_ok(c->code, c->phrase, strlen(c->phrase)) == c->ok,
           "reason '%d %s' acceptable: %d", c->code,
           show(c->phrase, sbuf, sizeof(sbuf)), c->ok);
    }
    ok(strcmp(mss_status_reason(424), "Failed Dependency") == 0,
       "registry phrase for 424");
    ok(mss_status_reason(299) == NULL, "no registry phrase for 299");
    return done();
}
