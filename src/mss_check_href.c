/*
 * mss_check_href.c: the checks on one href value (rules.md 2.4) that need
 * nothing but the value, the request's origin and the form of earlier
 * hrefs: percent-encoding, fragments, dot segments, the Simple-ref grammar
 * (RFC 4918 8.3), the scheme, one form per multistatus, and back-end
 * prefixes behind a proxy.  The checks that compare hrefs with each other
 * or with the Request-URI are in mss_check_method.c.
 *
 * Scope (rules.md A4): response/href and location/href, never hrefs inside
 * property values or condition elements.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <apr_strings.h>

#include "mss_state.h"

static int hex(int c)
{
    return isxdigit(c);
}

static int hexval(char c)
{
    return isdigit((unsigned char)c) ? c - '0'
                                     : tolower((unsigned char)c) - 'a' + 10;
}

/* Byte classes for the one pass over an href (RFC 3986 2.1-2.4):
 * 0 unreserved or reserved, 1 '%', 2 '.', 3 '#', 4 '/', 5 must be
 * percent-encoded (controls, space, '"', '<', '>', '\\', '^', '`', '{',
 * '|', '}', DEL and every non-ASCII byte), 6 '[' or ']' (gen-delims that
 * only an IP-literal host may hold: RFC 3986 3.2.2; not a path, 3.3) */
enum { B_OK, B_PCT, B_DOT, B_HASH, B_SLASH, B_BAD, B_BRACKET };

/* Where the path of @p s begins: after "scheme://authority" or
 * "//authority" (whose IP-literal may hold brackets), else 0. */
static apr_size_t path_from(const char *s, apr_size_t n)
{
    apr_size_t i = 0;

    while (i < n
           && (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-'
               || s[i] == '.')) {
        i++;
    }
    i = i > 0 && i < n && s[i] == ':' ? i + 1 : 0;
    if (i + 1 < n && s[i] == '/' && s[i + 1] == '/') {
        i += 2;
        while (i < n && s[i] != '/' && s[i] != '?' && s[i] != '#') {
            i++;
        }
    }
    return i;
}
static const unsigned char byte_class[256] = {
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    5, 5, 5, 5, 5, 5, 5, 5, 5, 0, 5, 3, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 4,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 5, 6, 5, 0,
    5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 5, 5, 5, 0, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
};

static int unreserved(int c)
{
    return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* Does the path of s contain a "." or ".." segment (with %2E decoded)?
 * @p form is the form of s. */
static int has_dot_segment(const char *s, apr_size_t len, int form)
{
    apr_size_t i = 0;
    apr_size_t end;

    /* the path: after the authority of an absolute URI, up to ? or # */
    if (form == MSS_HREF_ABSOLUTE) {
        const char *c = memchr(s, ':', len);

        i = (apr_size_t)(c - s) + 1;
        if (i + 1 < len && s[i] == '/' && s[i + 1] == '/') {
            i += 2;
            while (i < len && s[i] != '/' && s[i] != '?' && s[i] != '#') {
                i++;
            }
        }
    }
    for (end = i; end < len && s[end] != '?' && s[end] != '#'; end++) {
    }
    while (i < end) {
        apr_size_t seg = i;
        int dots = 0;
        int other = 0;

        while (i < end && s[i] != '/') {
            if (s[i] == '.') {
                dots++;
                i++;
            }
            else if (s[i] == '%' && i + 2 < end && s[i + 1] == '2'
                     && (s[i + 2] == 'e' || s[i + 2] == 'E')) {
                dots++;
                i += 3;
            }
            else {
                other = 1;
                i++;
            }
        }
        if (i > seg && !other && (dots == 1 || dots == 2)) {
            return 1;
        }
        i++; /* the "/" */
    }
    return 0;
}

/* @p s (@p n bytes) starts with an http or https scheme */
static int is_http(const char *s, apr_size_t n)
{
    return (n > 5 && strncasecmp(s, "http:", 5) == 0)
           || (n > 6 && strncasecmp(s, "https:", 6) == 0);
}

int mss_map_prefix(const mss_validator_t *v, const char *key)
{
    int j;

    for (j = 0; v->proxy_map != NULL && j + 1 < v->proxy_map->nelts; j += 2) {
        const char *from = APR_ARRAY_IDX(v->proxy_map, j, const char *);
        const char *to = APR_ARRAY_IDX(v->proxy_map, j + 1, const char *);

        /* a key already under the front-end prefix is not a leak, even
         * when the prefixes overlap (/dav/=/dav/files/) */
        if (from[0] == '/' && strncmp(key, from, strlen(from)) == 0
            && strncmp(key, to, strlen(to)) != 0) {
            return j;
        }
    }
    return -1;
}

/* MS-HREF-SAME-FORM (rules.md 2.4, N1).  A stream cannot wait for the dominant form:
 * the first href has gone out, so its form is the target.  An absolute
 * URI of the effective request origin becomes its path (and query); an
 * absolute path gets that origin in front.  Both need a known origin. */
const char *mss_href_same_form(mss_validator_t *v, const char *s, apr_size_t n,
                               mss_href_form_e form)
{
    if (v->origin.scheme == NULL || v->first_form == 0
        || v->first_form == (int)form) {
        return NULL;
    }
    if (form == MSS_HREF_PATH_ABSOLUTE) {
        return mss_href_in_form(v, apr_pstrmemdup(v->rpool, s, n));
    }
    if (form == MSS_HREF_ABSOLUTE) {
        int same = 0;
        const char *c = memchr(s, ':', n);
        const char *rest;
        apr_size_t restl;

        if (c == NULL || mss_href_key(v->rpool, s, n, &v->origin, &same) == NULL
            || !same) {
            return NULL; /* another origin: no path names it */
        }
        rest = c + 3; /* "scheme://" (mss_href_key checked it) */
        restl = n - (apr_size_t)(rest - s);
        rest += strcspn(rest, "/?#") < restl ? strcspn(rest, "/?#") : restl;
        restl = n - (apr_size_t)(rest - s);
        if (restl > 0 && rest[0] == '#') {
            return NULL; /* a bare fragment: MS-HREF-FRAGMENT's case */
        }
        if (restl > 1 && rest[0] == '/' && rest[1] == '/') {
            return NULL; /* "//x" as a path would be a network-path */
        }
        return restl > 0 && rest[0] == '/'
                   ? apr_pstrmemdup(v->rpool, rest, restl)
                   : apr_pstrcat(v->rpool, "/",
                                 apr_pstrmemdup(v->rpool, rest, restl), NULL);
    }
    return NULL;
}

/* @p s (@p n bytes; "scheme://authority..." of an http(s) URI) with the
 * effective request origin in place of its own */
static const char *origin_swap(mss_validator_t *v, const char *s, apr_size_t n)
{
    const char *c = memchr(s, ':', n);
    const char *rest = c + 3;
    apr_size_t restl = n - (apr_size_t)(rest - s);
    apr_size_t a = strcspn(rest, "/?#");
    int dflt =
        (strcmp(v->origin.scheme, "http") == 0 && v->origin.port == 80)
        || (strcmp(v->origin.scheme, "https") == 0 && v->origin.port == 443);
    const char *front =
        dflt ? apr_pstrcat(v->rpool, v->origin.scheme, "://", v->origin.host,
                           NULL)
             : apr_psprintf(v->rpool, "%s://%s:%d", v->origin.scheme,
                            v->origin.host, v->origin.port);

    if (a > restl) {
        a = restl;
    }
    rest += a;
    restl -= a;
    return apr_pstrcat(v->rpool, front, restl == 0 || rest[0] != '/' ? "/" : "",
                       apr_pstrmemdup(v->rpool, rest, restl), NULL);
}

int mss_href_checks(mss_validator_t *v, const char *raw, apr_size_t len,
                    int in_location, unsigned long line, unsigned long col)
{
    int pct = 0;
    const char *s = raw;
    apr_size_t n = len;
    apr_size_t i;
    const char *bad = NULL;
    int lower_hex = 0;
    int escaped_unreserved = 0;
    int hash = 0;
    int brackets = 0;
    int maybe_dots = 0;
    int http = 0;
    mss_href_form_e form;
    const char *what = in_location ? "location href" : "href";

    mss_trim(&s, &n);
    if (n == 0) {
        return 0; /* MS-HREF-REQUIRED and MS-LOC-CONTENT speak of it */
    }

    /* one pass over the characters: RFC 3986 2.1-2.4 */
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int cls = byte_class[c];

        if ((cls & ~B_SLASH) == 0) {
            continue; /* B_OK or B_SLASH: most bytes, no work */
        }
        switch (cls) {
        case B_PCT:
            pct = 1;
            if (i + 2 < n && hex((unsigned char)s[i + 1])
                && hex((unsigned char)s[i + 2])) {
                int d = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);

                lower_hex |= (s[i + 1] >= 'a' && s[i + 1] <= 'f')
                             || (s[i + 2] >= 'a' && s[i + 2] <= 'f');
                escaped_unreserved |= unreserved(d);
                maybe_dots |= d == '.' && i > 0 && s[i - 1] == '/';
                i += 2;
            }
            else if (bad == NULL) {
                bad = "a '%' that starts no %XX escape";
            }
            break;
        case B_DOT:
            /* a segment can be "." or ".." only if it starts with one */
            maybe_dots |= i > 0 && s[i - 1] == '/';
            break;
        case B_HASH:
            hash = 1;
            break;
        case B_BRACKET:
            brackets = 1;
            break;
        default:
            if (bad == NULL) {
                bad = c >= 0x80  ? "a non-ASCII character"
                      : c == ' ' ? "a space"
                      : c < 0x20 || c == 0x7F
                          ? "a control character"
                          : apr_psprintf(v->rpool, "'%c'", c);
            }
            break;
        }
    }
    if (brackets && bad == NULL) {
        /* '[' and ']' stand only in an IP-literal host (RFC 3986 3.2.2),
         * never in a path or query (3.3, 3.4) */
        for (i = path_from(s, n); i < n && bad == NULL; i++) {
            if (s[i] == '[' || s[i] == ']') {
                bad = s[i] == '[' ? "'['" : "']'";
            }
        }
    }

    /* MS-HREF-PCT-ENCODE: RFC 4918 8.3.1; RFC 3986 2.1, 2.4, App. C */
    if (n != len) {
        mss_v_violation(v, MSS_R_MS_HREF_PCT_ENCODE, line, col,
                        apr_psprintf(v->rpool,
                                     "%s \"%s\" has surrounding whitespace "
                                     "(RFC 3986 App. C: not part of the URI)",
                                     what, mss_v_esc(v, raw, len)));
    }
    if (bad != NULL) {
        mss_v_violation(v, MSS_R_MS_HREF_PCT_ENCODE, line, col,
                        apr_psprintf(v->rpool,
                                     "%s \"%s\" holds %s that must be "
                                     "percent-encoded (RFC 4918 8.3.1, "
                                     "RFC 3986 2.1)",
                                     what, mss_v_esc(v, s, n), bad));
    }
    /* MS-HREF-PCT-CANON: RFC 3986 2.1, 6.2.2.2 */
    if (lower_hex || escaped_unreserved) {
        mss_v_violation(
            v, MSS_R_MS_HREF_PCT_CANON, line, col,
            apr_psprintf(v->rpool, "%s \"%s\" %s (RFC 3986 2.1, 6.2.2.2)", what,
                         mss_v_esc(v, s, n),
                         lower_hex ? "uses lower-case hex in an escape"
                                   : "escapes an unreserved character"));
    }
    /* MS-HREF-FRAGMENT: RFC 4918 8.3 (Simple-ref has no fragment) */
    if (hash) {
        mss_v_violation(v, MSS_R_MS_HREF_FRAGMENT, line, col,
                        apr_psprintf(v->rpool,
                                     "%s \"%s\" holds '#': a fragment, or "
                                     "an unescaped '#' in a name (RFC 4918 "
                                     "8.3)",
                                     what, mss_v_esc(v, s, n)));
    }

    form = mss_href_form(s, n);
    http = form == MSS_HREF_ABSOLUTE && is_http(s, n);
    if (!in_location) {
        /* MS-HREF-SIMPLE-REF: RFC 4918 8.3 (location/href: MS-LOC-HREF-FORM) */
        if (form == MSS_HREF_RELATIVE || form == MSS_HREF_NETWORK_PATH) {
            mss_v_violation(
                v, MSS_R_MS_HREF_SIMPLE_REF, line, col,
                apr_psprintf(v->rpool,
                             "href \"%s\" is a %s, not an absolute URI or "
                             "an absolute path (RFC 4918 8.3)",
                             mss_v_esc(v, s, n),
                             form == MSS_HREF_NETWORK_PATH
                                 ? "network-path reference"
                                 : "relative reference"));
        }
        /* MS-HREF-HTTP: RFC 4918 14.24 */
        if (form == MSS_HREF_ABSOLUTE && !http) {
            mss_v_violation(v, MSS_R_MS_HREF_HTTP, line, col,
                            apr_psprintf(v->rpool,
                                         "href \"%s\" is not an http or "
                                         "https URL (RFC 4918 14.24)",
                                         mss_v_esc(v, s, n)));
        }
    }
    /* MS-HREF-DOT-SEGMENTS: RFC 4918 8.3; RFC 3986 5.2.4, 6.2.2.2 */
    if (maybe_dots && (http || form == MSS_HREF_PATH_ABSOLUTE)
        && has_dot_segment(s, n, (int)form)) {
        mss_v_violation(v, MSS_R_MS_HREF_DOT_SEGMENTS, line, col,
                        apr_psprintf(v->rpool,
                                     "%s \"%s\" has a '.' or '..' segment "
                                     "(RFC 4918 8.3)",
                                     what, mss_v_esc(v, s, n)));
    }
    /* MS-HREF-SAME-FORM: RFC 4918 8.3, one form per multistatus; only
     * http(s) absolute URIs and absolute paths take part */
    if (form == MSS_HREF_PATH_ABSOLUTE || http) {
        if (v->first_form == 0) {
            v->first_form = (int)form;
        }
        else if (v->first_form != (int)form
                 && (!v->same_form_done || !v->same_form_left)) {
            /* Rewrite converts what it can (mss_href_fix; loc_href_fix):
             * reported once, and once more for the first href that stays
             * in the other form */
            int fixable = mss_rw_on(v, MSS_R_MS_HREF_SAME_FORM)
                          && mss_href_same_form(v, s, n, form) != NULL;

            if (!(fixable && v->same_form_done)) {
                v->same_form_done = 1;
                v->same_form_left = !fixable;
                mss_v_violation(
                    v, MSS_R_MS_HREF_SAME_FORM, line, col,
                    apr_psprintf(v->rpool,
                                 "%s \"%s\" is an %s, earlier hrefs are %ss "
                                 "(RFC 4918 8.3: one format per multistatus)",
                                 what, mss_v_esc(v, s, n),
                                 form == MSS_HREF_ABSOLUTE ? "absolute URI"
                                                           : "absolute path",
                                 form == MSS_HREF_ABSOLUTE ? "absolute path"
                                                           : "absolute URI"));
            }
        }
    }
    /* MS-HREF-PROXY-MAP: rules.md 2.4, a back-end prefix behind a proxy */
    if (v->proxy_map != NULL
        && (form == MSS_HREF_PATH_ABSOLUTE || form == MSS_HREF_ABSOLUTE)) {
        int same;
        char *key = mss_href_key(v->rpool, s, n, &v->origin, &same);
        int j = key != NULL && same ? mss_map_prefix(v, key) : -1;

        if (j >= 0) {
            const char *from = APR_ARRAY_IDX(v->proxy_map, j, const char *);
            const char *to = APR_ARRAY_IDX(v->proxy_map, j + 1, const char *);

            mss_v_violation(
                v, MSS_R_MS_HREF_PROXY_MAP, line, col,
                apr_psprintf(v->rpool,
                             "%s \"%s\" uses the back-end prefix %s; "
                             "clients know it as %s (RFC 4918 8.3)",
                             what, mss_v_esc(v, s, n),
                             mss_v_esc(v, from, strlen(from)),
                             mss_v_esc(v, to, strlen(to))));
        }
    }
    /* (a '#' or a bracket is escaped in the key) */
    return form == MSS_HREF_PATH_ABSOLUTE && !pct && !maybe_dots && bad == NULL
           && !hash;
}

/* ---- Rewrite: the href fixes (rules.md 2.4) ------------------------- */

const char *mss_href_in_form(mss_validator_t *v, const char *path)
{
    int dflt;

    if (v->first_form != MSS_HREF_ABSOLUTE || v->origin.scheme == NULL) {
        return path;
    }
    dflt = (strcmp(v->origin.scheme, "http") == 0 && v->origin.port == 80)
           || (strcmp(v->origin.scheme, "https") == 0 && v->origin.port == 443);
    return dflt ? apr_psprintf(v->rpool, "%s://%s%s", v->origin.scheme,
                               v->origin.host, path)
                : apr_psprintf(v->rpool, "%s://%s:%d%s", v->origin.scheme,
                               v->origin.host, v->origin.port, path);
}

/* Append s[0..n) to the growing string *o (pool-allocated, room n*3). */
static char *pct_pass(apr_pool_t *p, const char *s, apr_size_t n, int enc,
                      int frag, int canon, int *did_enc, int *did_frag,
                      int *did_canon)
{
    apr_size_t from = path_from(s, n); /* brackets before it: a host's */
    static const char hexd[] = "0123456789ABCDEF";
    char *o = apr_palloc(p, n * 3 + 1);
    apr_size_t i;
    apr_size_t k = 0;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int cls = byte_class[c];

        if (cls == B_PCT && i + 2 < n && hex((unsigned char)s[i + 1])
            && hex((unsigned char)s[i + 2])) {
            int d = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
            int lower = islower((unsigned char)s[i + 1])
                        || islower((unsigned char)s[i + 2]);

            if (canon && unreserved(d)) {
                o[k++] = (char)d;
                *did_canon = 1;
            }
            else {
                o[k++] = '%';
                o[k++] = canon ? hexd[d >> 4] : s[i + 1];
                o[k++] = canon ? hexd[d & 15] : s[i + 2];
                *did_canon |= canon && lower;
            }
            i += 2;
        }
        else if ((cls == B_PCT && enc) || (cls == B_BAD && enc)
                 || (cls == B_BRACKET && enc && i >= from)
                 || (cls == B_HASH && frag)) {
            o[k++] = '%';
            o[k++] = hexd[c >> 4];
            o[k++] = hexd[c & 15];
            if (cls == B_HASH) {
                *did_frag = 1;
            }
            else {
                *did_enc = 1;
            }
        }
        else {
            o[k++] = (char)c;
        }
    }
    o[k] = '\0';
    return o;
}

const char *mss_href_fix(mss_validator_t *v, const char *raw, apr_size_t len,
                         unsigned long line, unsigned long col)
{
    const char *s = raw;
    apr_size_t n = len;
    int enc = mss_rw_on(v, MSS_R_MS_HREF_PCT_ENCODE);
    int did_enc = 0;
    int did_frag = 0;
    int did_canon = 0;
    int frag_ok = 1;
    int trimmed;
    char *r;
    apr_size_t rl;
    mss_href_form_e form;

    if (len > 0 && raw[0] == '/' && (len == 1 || raw[1] != '/')
        && v->proxy_map == NULL
        && !(v->first_form == MSS_HREF_ABSOLUTE && v->origin.scheme != NULL)) {
        /* the common case: an absolute path of plain characters, no
         * escape, no dot segment, no '#', no whitespace around: none of
         * the fixes below changes it */
        apr_size_t i;

        for (i = 1; i < len; i++) {
            int c = byte_class[(unsigned char)raw[i]];

            if (!(c == B_OK || c == B_SLASH
                  || (c == B_DOT && raw[i - 1] != '/'))) {
                break;
            }
        }
        if (i == len) {
            return NULL;
        }
    }
    mss_trim(&s, &n);
    if (n == 0) {
        return NULL; /* MS-HREF-REQUIRED: nothing to correct */
    }
    trimmed = n != len && enc;
    {
        /* MS-HREF-FRAGMENT reads a '#' as part of a name (rules.md A15),
         * and so do the canonical keys; but a reference that starts with
         * '#' is "this document" (RFC 3986 5.2.2), the Request-URI: as a
         * name it would be a member.  That one stays as it is. */
        if (s[0] == '#') {
            frag_ok = 0;
        }
    }
    /* MS-HREF-PCT-ENCODE (trim; UTF-8 bytes and stray '%' encoded, never
     * an existing escape decoded), MS-HREF-FRAGMENT ('#' is %23: rules.md
     * A15), MS-HREF-PCT-CANON (opt-in) */
    r = pct_pass(
        v->rpool, s, n, enc, frag_ok && mss_rw_on(v, MSS_R_MS_HREF_FRAGMENT),
        mss_rw_on(v, MSS_R_MS_HREF_PCT_CANON), &did_enc, &did_frag, &did_canon);
    rl = strlen(r);
    form = mss_href_form(r, rl);

    /* MS-HREF-SIMPLE-REF: resolve against the Request-URI (RFC 3986 5.2),
     * in the form of the earlier hrefs */
    if ((form == MSS_HREF_RELATIVE || form == MSS_HREF_NETWORK_PATH)
        && mss_rw_on(v, MSS_R_MS_HREF_SIMPLE_REF)) {
        int same;
        char *k = mss_resolve_key(v->rpool, r, v->uri, &v->origin, &same);

        if (k != NULL) {
            if (same && k[0] == '/') {
                k = (char *)mss_href_in_form(v, k);
            }
            r = k;
            rl = strlen(r);
            form = mss_href_form(r, rl);
            mss_v_mark(v, MSS_R_MS_HREF_SIMPLE_REF, line, col, "fixed");
            if (v->first_form == 0
                && (form == MSS_HREF_PATH_ABSOLUTE
                    || (form == MSS_HREF_ABSOLUTE && is_http(r, rl)))) {
                /* the first href that goes out sets the form the others
                 * are written in (MS-HREF-SAME-FORM) */
                v->first_form = (int)form;
            }
            if (!frag_ok && strchr(r, '#') == NULL) {
                /* "#x" resolved to the Request-URI: the fragment is gone */
                did_frag = 1;
            }
        }
    }
    /* MS-HREF-DOT-SEGMENTS: RFC 3986 5.2.4 on the path ("%2E" is ".") */
    if ((form == MSS_HREF_PATH_ABSOLUTE || form == MSS_HREF_ABSOLUTE)
        && has_dot_segment(r, rl, (int)form)
        && mss_rw_on(v, MSS_R_MS_HREF_DOT_SEGMENTS)) {
        apr_size_t ps = 0;
        apr_size_t pe;
        char *path;
        apr_size_t i;
        apr_size_t k = 0;

        if (form == MSS_HREF_ABSOLUTE) {
            const char *c = strchr(r, ':');

            ps = (apr_size_t)(c - r) + 1;
            if (r[ps] == '/' && r[ps + 1] == '/') {
                ps += 2;
                ps += strcspn(r + ps, "/?#");
            }
        }
        pe = ps + strcspn(r + ps, "?#");
        if (pe > ps && r[ps] == '/') {
            path = apr_palloc(v->rpool, pe - ps + 1);
            for (i = ps; i < pe; i++) {
                if (r[i] == '%' && i + 2 < pe && r[i + 1] == '2'
                    && (r[i + 2] == 'e' || r[i + 2] == 'E')) {
                    path[k++] = '.';
                    i += 2;
                }
                else {
                    path[k++] = r[i];
                }
            }
            k = mss_remove_dots(path, k);
            r = apr_pstrcat(v->rpool, apr_pstrmemdup(v->rpool, r, ps),
                            apr_pstrmemdup(v->rpool, path, k), r + pe, NULL);
            rl = strlen(r);
            mss_v_mark(v, MSS_R_MS_HREF_DOT_SEGMENTS, line, col, "fixed");
        }
    }
    /* MS-HREF-ORIGIN (N1 with a map): a mapped back-end origin becomes the
     * request's */
    if (form == MSS_HREF_ABSOLUTE && v->origin.nalias > 0
        && mss_rw_on(v, MSS_R_MS_HREF_ORIGIN) && is_http(r, rl)) {
        int same = 0;

        if (mss_href_key(v->rpool, r, rl, &v->origin, &same) != NULL
            && same == 2) {
            r = (char *)origin_swap(v, r, rl);
            rl = strlen(r);
            v->href_origin_fixed = 1;
        }
    }
    /* MS-HREF-SAME-FORM (N1): an absolute URI of this origin becomes its
     * path before the proxy map looks at it; an absolute path gets the
     * origin after (below) */
    if (form == MSS_HREF_ABSOLUTE && mss_rw_on(v, MSS_R_MS_HREF_SAME_FORM)
        && is_http(r, rl)) {
        const char *c = mss_href_same_form(v, r, rl, form);

        if (c != NULL) {
            r = (char *)c;
            rl = strlen(r);
            form = mss_href_form(r, rl);
            mss_v_mark(v, MSS_R_MS_HREF_SAME_FORM, line, col, "fixed");
        }
    }
    /* MS-HREF-PROXY-MAP (N1 with a map): the front-end prefix */
    if (form == MSS_HREF_PATH_ABSOLUTE && v->proxy_map != NULL
        && mss_rw_on(v, MSS_R_MS_HREF_PROXY_MAP)) {
        int j = mss_map_prefix(v, r);

        if (j >= 0) {
            const char *from = APR_ARRAY_IDX(v->proxy_map, j, const char *);
            const char *to = APR_ARRAY_IDX(v->proxy_map, j + 1, const char *);

            r = apr_pstrcat(v->rpool, to, r + strlen(from), NULL);
            rl = strlen(r);
            mss_v_mark(v, MSS_R_MS_HREF_PROXY_MAP, line, col, "fixed");
        }
    }
    /* MS-HREF-SAME-FORM (N1): an absolute path in the form of the first
     * href, an absolute URI */
    if (form == MSS_HREF_PATH_ABSOLUTE
        && mss_rw_on(v, MSS_R_MS_HREF_SAME_FORM)) {
        const char *c = mss_href_same_form(v, r, rl, form);

        if (c != NULL) {
            r = (char *)c;
            rl = strlen(r);
            mss_v_mark(v, MSS_R_MS_HREF_SAME_FORM, line, col, "fixed");
        }
    }
    if (did_enc || trimmed) {
        mss_v_mark(v, MSS_R_MS_HREF_PCT_ENCODE, line, col, "fixed");
    }
    if (did_frag) {
        mss_v_mark(v, MSS_R_MS_HREF_FRAGMENT, line, col, "fixed");
    }
    if (did_canon) {
        mss_v_mark(v, MSS_R_MS_HREF_PCT_CANON, line, col, "fixed");
    }
    if (!trimmed && n != len) {
        /* the whitespace stays where the rule for it is not on */
        r = apr_pstrcat(
            v->rpool, apr_pstrmemdup(v->rpool, raw, (apr_size_t)(s - raw)), r,
            apr_pstrmemdup(v->rpool, s + n, len - (apr_size_t)(s - raw) - n),
            NULL);
        rl = strlen(r);
    }
    if (rl == len && memcmp(r, raw, len) == 0) {
        return NULL;
    }
    return r;
}
