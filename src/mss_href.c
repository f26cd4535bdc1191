/*
 * mss_href.c: href forms, the canonical href key and scope classification
 * (rules.md 0.4), implemented once here for every rule that compares
 * hrefs.
 *
 * RFC 4918 8.3: Simple-ref = absolute-URI | ( path-absolute [ "?" query ] ).
 * RFC 3986 3.3: path-absolute begins with "/" but not "//".
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <apr_strings.h>

#include "mss_private.h"

static int xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void mss_trim(const char **s, size_t *len)
{
    while (*len > 0 && xml_space(**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && xml_space((*s)[*len - 1])) {
        (*len)--;
    }
}

/* RFC 3986 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." );
 * returns the length of the scheme when followed by ':', else 0. */
static size_t scheme_len(const char *s, size_t len)
{
    size_t i;

    if (len == 0 || !isalpha((unsigned char)s[0])) {
        return 0;
    }
    for (i = 1; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == ':') {
            return i;
        }
        if (!isalnum(c) && c != '+' && c != '-' && c != '.') {
            return 0;
        }
    }
    return 0;
}

mss_href_form_e mss_href_form(const char *s, size_t len)
{
    if (len == 0) {
        return MSS_HREF_EMPTY;
    }
    if (scheme_len(s, len) > 0) {
        return MSS_HREF_ABSOLUTE;
    }
    if (s[0] == '/') {
        return (len > 1 && s[1] == '/') ? MSS_HREF_NETWORK_PATH
                                        : MSS_HREF_PATH_ABSOLUTE;
    }
    return MSS_HREF_RELATIVE;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* RFC 3986 2.3 */
static int unreserved(int c)
{
    return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* RFC 3986 2.2 and 2.3: may the byte stand in a URI as it is? */
static int uri_byte(unsigned char c)
{
    return c < 0x80 && c > 0x20 && c != 0x7F
           && (unreserved(c) || strchr(":/?#[]@!$&'()*+,;=", c) != NULL);
}

/* RFC 2396 2.3 marks that RFC 3986 made reserved (sub-delims).  RFC 4918
 * 8.3 compares an href with the Request-URI by RFC 2616 3.2.3, under
 * which every character outside RFC 2396's reserved and unsafe sets is
 * equivalent to its escape: "'" and "%27" are one name (servers and
 * clients differ on escaping them). */
static int mark2396(int c)
{
    return c == '!' || c == '*' || c == '\'' || c == '(' || c == ')';
}

/* The canonical percent-encoding of s into out (room for 3 * len):
 * upper-case hex and unreserved characters decoded (RFC 3986 2.1, 6.2.2.2;
 * also RFC 2396's marks, mark2396; reserved escapes such as %2F stay),
 * and every byte a URI cannot hold
 * (space, controls, non-ASCII, a '%' that starts no escape, ...) encoded
 * as the octet it is (rules.md A16), so that the raw and the encoded
 * spelling of one name get one key. */
static size_t pct_canon(const char *s, size_t len, char *out)
{
    static const char hexd[] = "0123456789ABCDEF";
    size_t i = 0;
    size_t o = 0;

    while (i < len) {
        unsigned char c = (unsigned char)s[i];

        if (c == '%' && i + 2 < len && hexval(s[i + 1]) >= 0
            && hexval(s[i + 2]) >= 0) {
            int d = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);

            if (unreserved(d) || mark2396(d)) {
                out[o++] = (char)d;
            }
            else {
                out[o++] = '%';
                out[o++] = hexd[d >> 4];
                out[o++] = hexd[d & 15];
            }
            i += 3;
        }
        else if (!uri_byte(c) || c == '#' || c == '[' || c == ']') {
            /* '#' too: in a DAV href it is part of a name (rules.md A15),
             * so "/a#b" and "/a%23b" name one resource; and '[', ']',
             * which a path cannot hold (RFC 3986 3.3) */
            out[o++] = '%';
            out[o++] = hexd[c >> 4];
            out[o++] = hexd[c & 15];
            i++;
        }
        else {
            out[o++] = (char)c;
            i++;
        }
    }
    return o;
}

/* RFC 3986 5.2.4 remove_dot_segments, on a path that starts with "/".
 * In place; returns the new length. */
size_t mss_remove_dots(char *s, size_t len)
{
    size_t i = 0; /* input cursor */
    size_t o = 0; /* output length */

    while (i < len) {
        /* at a "/" here */
        if (i + 2 <= len && s[i + 1] == '.'
            && (i + 2 == len || s[i + 2] == '/')) {
            /* "/./" or "/." at the end: replace by "/" */
            i += 2;
            if (i == len) {
                s[o++] = '/';
            }
            continue;
        }
        if (i + 3 <= len && s[i + 1] == '.' && s[i + 2] == '.'
            && (i + 3 == len || s[i + 3] == '/')) {
            /* "/../" or "/..": drop the last output segment */
            i += 3;
            while (o > 0 && s[o - 1] != '/') {
                o--;
            }
            if (o > 0) {
                o--;
            }
            if (i == len) {
                s[o++] = '/';
            }
            continue;
        }
        /* copy "/segment" */
        s[o++] = s[i++];
        while (i < len && s[i] != '/') {
            s[o++] = s[i++];
        }
    }
    if (o == 0) {
        s[o++] = '/';
    }
    return o;
}

void mss_origin_from_host(mss_origin_t *o, apr_pool_t *p, const char *scheme,
                          const char *host)
{
    const char *colon;
    char *h;

    memset(o, 0, sizeof(*o));
    if (host == NULL || *host == '\0') {
        return;
    }
    o->scheme =
        (scheme != NULL && strcasecmp(scheme, "https") == 0) ? "https" : "http";
    o->port = strcmp(o->scheme, "https") == 0 ? 443 : 80;
    if (host[0] == '[') {
        const char *rb = strchr(host, ']');

        colon = (rb != NULL && rb[1] == ':') ? rb + 1 : NULL;
    }
    else {
        colon = strrchr(host, ':');
    }
    if (colon != NULL) {
        h = apr_pstrmemdup(p, host, (apr_size_t)(colon - host));
        if (colon[1] != '\0') {
            o->port = atoi(colon + 1);
        }
    }
    else {
        h = apr_pstrdup(p, host);
    }
    mss_lower_host(h);
    o->host = h;
}

char *mss_href_key(apr_pool_t *p, const char *href, size_t len,
                   const mss_origin_t *origin, int *same_origin)
{
    size_t sl = scheme_len(href, len);
    const char *path;
    size_t plen;
    char *scheme = NULL;
    char *host = NULL;
    int port = 0;
    char *buf;
    char *q;
    size_t n;
    size_t pathlen;

    *same_origin = 1;
    if (sl == 0 && len > 0 && href[0] == '/' && (len == 1 || href[1] != '/')) {
        /* the common case: an absolute path with no escape and no dot
         * segment is its own key */
        apr_size_t i;

        for (i = 0; i < len; i++) {
            if (href[i] == '%' || (href[i] == '.' && href[i - 1] == '/')
                || href[i] == '#' || href[i] == '[' || href[i] == ']'
                || !uri_byte((unsigned char)href[i])) {
                break;
            }
        }
        if (i == len) {
            return apr_pstrmemdup(p, href, len);
        }
    }
    if (sl > 0) {
        const char *auth;
        const char *auth_end;
        const char *hp;
        const char *colon = NULL;

        scheme = apr_pstrmemdup(p, href, sl);
        mss_lower(scheme);
        if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
            return NULL;
        }
        if (len < sl + 3 || href[sl + 1] != '/' || href[sl + 2] != '/') {
            return NULL;
        }
        auth = href + sl + 3;
        auth_end = auth;
        while (auth_end < href + len && *auth_end != '/' && *auth_end != '?'
               && *auth_end != '#') {
            auth_end++;
        }
        hp = auth;
        for (q = (char *)auth; q < auth_end; q++) {
            if (*q == '@') {
                hp = q + 1; /* drop userinfo */
            }
        }
        if (hp < auth_end && *hp == '[') {
            const char *rb = memchr(hp, ']', (size_t)(auth_end - hp));

            if (rb != NULL && rb + 1 < auth_end && rb[1] == ':') {
                colon = rb + 1;
            }
        }
        else {
            const char *c;

            for (c = hp; c < auth_end; c++) {
                if (*c == ':') {
                    colon = c;
                }
            }
        }
        port = strcmp(scheme, "https") == 0 ? 443 : 80;
        if (colon != NULL) {
            host = apr_pstrmemdup(p, hp, (size_t)(colon - hp));
            if (colon + 1 < auth_end) {
                char *pstr = apr_pstrmemdup(p, colon + 1,
                                            (size_t)(auth_end - colon - 1));
                port = atoi(pstr);
            }
        }
        else {
            host = apr_pstrmemdup(p, hp, (size_t)(auth_end - hp));
        }
        mss_lower_host(host);
        path = auth_end;
        plen = (size_t)(href + len - auth_end);
    }
    else if (len > 0 && href[0] == '/' && !(len > 1 && href[1] == '/')) {
        path = href;
        plen = len;
    }
    else {
        return NULL;
    }

    /* "/" + path + NUL; an empty path becomes "/" (RFC 3986 6.2.3) */
    buf = apr_palloc(p, 3 * plen + 2);
    n = 0;
    if (plen == 0 || path[0] != '/') {
        buf[n++] = '/';
    }
    n += pct_canon(path, plen, buf + n);
    /* dot segments only in the path, not in the query */
    q = memchr(buf, '?', n);
    pathlen = q != NULL ? (size_t)(q - buf) : n;
    {
        size_t newlen = mss_remove_dots(buf, pathlen);

        memmove(buf + newlen, buf + pathlen, n - pathlen);
        n = newlen + (n - pathlen);
    }
    buf[n] = '\0';

    if (scheme == NULL) {
        return buf;
    }
    if (origin == NULL || origin->scheme == NULL
        || (strcmp(origin->scheme, scheme) == 0
            && strcmp(origin->host, host) == 0 && origin->port == port)) {
        return buf;
    }
    {
        int i;

        for (i = 0; i < origin->nalias; i++) {
            const mss_origin_t *a = &origin->alias[i];

            if (strcmp(a->scheme, scheme) == 0 && strcmp(a->host, host) == 0
                && a->port == port) {
                *same_origin = 2; /* a back-end origin mapped to it */
                return buf;
            }
        }
    }
    *same_origin = 0;
    if (port == (strcmp(scheme, "https") == 0 ? 443 : 80)) {
        return apr_pstrcat(p, scheme, "://", host, buf, NULL);
    }
    return apr_psprintf(p, "%s://%s:%d%s", scheme, host, port, buf);
}

/* strcspn(s, "?"), without its set machinery */
static size_t path_len(const char *s)
{
    const char *q = strchr(s, '?');

    return q != NULL ? (size_t)(q - s) : strlen(s);
}

mss_scope_e mss_href_scope(const char *k, const char *r)
{
    /* the path only: a query does not name another member (RFC 3986
     * 3.3, 3.4) */
    size_t kl = path_len(k);
    size_t rl = path_len(r);
    const char *rest;
    const char *slash;
    size_t restl;

    /* self: equal, or the slash variant (rules.md A20) */
    if (kl == rl && memcmp(k, r, kl) == 0) {
        return MSS_SCOPE_SELF;
    }
    if (kl == rl + 1 && k[kl - 1] == '/' && memcmp(k, r, rl) == 0) {
        return MSS_SCOPE_SELF;
    }
    if (rl == kl + 1 && r[rl - 1] == '/' && memcmp(k, r, kl) == 0) {
        return MSS_SCOPE_SELF;
    }
    /* prefix test against R with a final "/" */
    if (rl > 0 && r[rl - 1] == '/') {
        if (kl <= rl || memcmp(k, r, rl) != 0) {
            return MSS_SCOPE_OUTSIDE;
        }
        rest = k + rl;
    }
    else {
        if (kl <= rl + 1 || memcmp(k, r, rl) != 0 || k[rl] != '/') {
            return MSS_SCOPE_OUTSIDE;
        }
        rest = k + rl + 1;
    }
    restl = (size_t)(k + kl - rest);
    slash = memchr(rest, '/', restl);
    if (slash == NULL || slash == rest + restl - 1) {
        return slash == rest ? MSS_SCOPE_OUTSIDE : MSS_SCOPE_CHILD;
    }
    return MSS_SCOPE_DESCENDANT;
}

int mss_origin_valid(const char *s)
{
    size_t len = strlen(s);
    size_t sl = scheme_len(s, len);
    const char *auth;
    size_t al;
    size_t i;

    if (sl == 0 || len < sl + 4 || s[sl + 1] != '/' || s[sl + 2] != '/'
        || !((sl == 4 && strncasecmp(s, "http", 4) == 0)
             || (sl == 5 && strncasecmp(s, "https", 5) == 0))) {
        return 0;
    }
    auth = s + sl + 3;
    al = strcspn(auth, "/?#");
    if (al == 0 || auth[0] == ':'
        || (auth[al] != '\0' && strcmp(auth + al, "/") != 0)) {
        return 0;
    }
    for (i = 0; i < al; i++) {
        unsigned char c = (unsigned char)auth[i];

        if (c <= 0x20 || c >= 0x7f || c == '@' || c == '"' || c == ',') {
            return 0;
        }
    }
    return 1;
}

void mss_origin_of(mss_origin_t *o, apr_pool_t *p, const char *uri)
{
    size_t len = strlen(uri);
    size_t sl = scheme_len(uri, len);
    const char *auth;
    const char *end;
    char *scheme;

    memset(o, 0, sizeof(*o));
    if (sl == 0 || len < sl + 3 || uri[sl + 1] != '/' || uri[sl + 2] != '/') {
        return;
    }
    scheme = apr_pstrmemdup(p, uri, sl);
    mss_lower(scheme);
    if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
        return;
    }
    auth = uri + sl + 3;
    end = auth + strcspn(auth, "/?#");
    mss_origin_from_host(o, p, scheme,
                         apr_pstrmemdup(p, auth, (size_t)(end - auth)));
}

/* The path of an absolute URI or absolute path (query and fragment cut),
 * for use as a base; "/" when there is none. */
static const char *base_path(apr_pool_t *p, const char *base)
{
    size_t len;
    size_t sl;
    const char *path = base;

    if (base == NULL) {
        return "/";
    }
    len = strlen(base);
    sl = scheme_len(base, len);
    if (sl > 0 && len >= sl + 3 && base[sl + 1] == '/' && base[sl + 2] == '/') {
        path = base + sl + 3;
        path += strcspn(path, "/?#");
    }
    if (*path != '/') {
        return "/";
    }
    return apr_pstrmemdup(p, path, strcspn(path, "?#"));
}

char *mss_resolve_key(apr_pool_t *p, const char *ref, const char *base,
                      const mss_origin_t *origin, int *same_origin)
{
    const char *s = ref;
    size_t len = strlen(ref);
    const char *bp;
    const char *slash;
    char *abs;

    *same_origin = 1;
    mss_trim(&s, &len);
    switch (mss_href_form(s, len)) {
    case MSS_HREF_EMPTY:
        return NULL;
    case MSS_HREF_ABSOLUTE:
    case MSS_HREF_PATH_ABSOLUTE:
        return mss_href_key(p, s, len, origin, same_origin);
    case MSS_HREF_NETWORK_PATH:
        /* RFC 3986 5.2.2: the base's scheme */
        abs = apr_pstrcat(
            p,
            origin != NULL && origin->scheme != NULL ? origin->scheme : "http",
            ":", apr_pstrmemdup(p, s, len), NULL);
        return mss_href_key(p, abs, strlen(abs), origin, same_origin);
    case MSS_HREF_RELATIVE:
        break;
    }
    /* RFC 3986 5.2.2-5.2.3 for a relative path, "?query" or "#frag" */
    bp = base_path(p, base);
    if (s[0] == '#') {
        abs = apr_pstrdup(p, bp);
    }
    else if (s[0] == '?') {
        abs = apr_pstrcat(p, bp, apr_pstrmemdup(p, s, len), NULL);
    }
    else {
        slash = strrchr(bp, '/');
        abs = apr_pstrcat(p, apr_pstrmemdup(p, bp, (size_t)(slash - bp) + 1),
                          apr_pstrmemdup(p, s, len), NULL);
    }
    return mss_href_key(p, abs, strlen(abs), origin, same_origin);
}

void mss_href_path(const char *href, size_t len, const char **path,
                   size_t *plen)
{
    size_t sl = scheme_len(href, len);
    const char *p = href;
    const char *e;

    if (sl > 0 && len >= sl + 3 && href[sl + 1] == '/' && href[sl + 2] == '/') {
        p = href + sl + 3;
        while (p < href + len && *p != '/' && *p != '?' && *p != '#') {
            p++;
        }
    }
    e = href + len;
    {
        /* the path ends at the first '?' or '#' */
        const char *q = memchr(p, '?', (size_t)(e - p));
        const char *h = memchr(p, '#', (size_t)((q != NULL ? q : e) - p));

        e = h != NULL ? h : q != NULL ? q : e;
    }
    *path = p;
    *plen = (size_t)(e - p);
}
