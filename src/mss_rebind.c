/*
 * mss_rebind.c: XML-ROOT's N3 fix (rules.md 2.2, opt-in with
 * --rule XML-ROOT=fix): a root {W}multistatus, W no namespace or DAV:
 * in the wrong case, has its structural elements rebound to DAV:, and
 * nothing else.
 *
 * The element names stay as they are; their namespace declarations
 * change.  W is bound by a declaration on the root (or, for no namespace,
 * by none): the root's declaration of W becomes DAV: (without one, it
 * gains xmlns="DAV:"), and so does any declaration of W on a rebound
 * element further in.  Structural elements written with the same prefix
 * are then in DAV:.  Every element inside a rebound one that is not
 * rebound itself (a property, a condition, a value, a foreign element)
 * declares again what its parent's scope rebound, so it and all it holds
 * keep their namespace: property names in W may be genuine (rules.md).
 *
 * Rebound are the structural elements of rules.md (multistatus,
 * response, href, status, propstat, prop, error, responsedescription,
 * location) in W, in their place in the grammar, inside a rebound parent
 * (mss_validate.c decides).  The checks see them as DAV:, and everything
 * else as it is, which is what the output holds: a second run agrees.
 */
#include <string.h>

#include <apr_strings.h>

#include "mss_state.h"

int mss_rb_w(const mss_validator_t *v, const char *uri)
{
    return mss_same_name(uri, v->rb_uri);
}

/* In the start tag [lt, tag] (tag: its ">" or the "/" of "/>"), the
 * value of the declaration of @p pre (NULL: the default namespace):
 * [*a, *b) between its quotes.  0 when there is none. */
static int decl_value(const mss_validator_t *v, apr_off_t lt, apr_off_t tag,
                      const char *pre, apr_off_t *a, apr_off_t *b)
{
    const char *s = mss_rw_bytes(v, lt, tag + 1);
    apr_size_t n = (apr_size_t)(tag + 1 - lt);
    apr_size_t i = 1;
    apr_size_t plen = pre != NULL ? strlen(pre) : 0;

    if (s == NULL) {
        return 0;
    }
    while (i < n && !mss_is_xml_space(s + i, 1) && s[i] != '>' && s[i] != '/') {
        i++; /* the element's name */
    }
    for (;;) {
        apr_size_t name;
        apr_size_t nlen;
        char q;
        apr_size_t vs;

        while (i < n && mss_is_xml_space(s + i, 1)) {
            i++;
        }
        if (i >= n || s[i] == '>' || s[i] == '/') {
            return 0;
        }
        name = i;
        while (i < n && !mss_is_xml_space(s + i, 1) && s[i] != '=') {
            i++;
        }
        nlen = i - name;
        while (i < n && mss_is_xml_space(s + i, 1)) {
            i++;
        }
        if (i >= n || s[i] != '=') {
            return 0;
        }
        i++;
        while (i < n && mss_is_xml_space(s + i, 1)) {
            i++;
        }
        if (i >= n || (s[i] != '"' && s[i] != '\'')) {
            return 0;
        }
        q = s[i++];
        vs = i;
        while (i < n && s[i] != q) {
            i++;
        }
        if (i >= n) {
            return 0;
        }
        if (pre == NULL ? nlen == 5 && memcmp(s + name, "xmlns", 5) == 0
                        : nlen == 6 + plen && memcmp(s + name, "xmlns:", 6) == 0
                              && memcmp(s + name + 6, pre, plen) == 0) {
            *a = lt + (apr_off_t)vs;
            *b = lt + (apr_off_t)i;
            return 1;
        }
        i++;
    }
}

/* does an element with the own declarations @p own declare @p p? */
static int declares(const char *const *own, int nown, const char *p)
{
    int j;

    for (j = 0; j < nown; j++) {
        if (mss_same_name(own[2 * j], p)) {
            return 1;
        }
    }
    return 0;
}

/* the prefixes W is rebound for at depth @p d: @p d - 1's, less those the
 * element declares otherwise, plus those it declares to W.  0, and no
 * edit made, when it cannot be followed. */
int mss_rb_rebound(mss_validator_t *v, apr_off_t tag, unsigned int d)
{
    const char *const *own;
    int nown = mss_xml_ns_own(v->xml, &own);
    apr_off_t lt = mss_rw_lt(v, tag);
    apr_off_t val[2 * MSS_RB_PRE]; /* the values to rewrite, [a, b) */
    const char **set;
    int n = 0;
    int nval = 0;
    int i;
    int j;

    if (lt < 0 || d == 0 || d > MSS_RB_DEPTH) {
        return 0;
    }
    set = v->rb_pre[d - 1];
    if (d > 1) {
        for (i = 0; i < v->rb_npre[d - 2]; i++) {
            if (!declares(own, nown, v->rb_pre[d - 2][i])) {
                set[n++] = v->rb_pre[d - 2][i];
            }
        }
    }
    for (j = 0; j < nown; j++) {
        const char *u = own[2 * j + 1];

        /* (no namespace: the default undeclared, xmlns="") */
        if (!(v->rb_uri == NULL
                  ? own[2 * j] == NULL && u != NULL && u[0] == '\0'
                  : mss_rb_w(v, u))) {
            continue;
        }
        if (n == MSS_RB_PRE
            || !decl_value(v, lt, tag, own[2 * j], &val[2 * nval],
                           &val[2 * nval + 1])) {
            return 0;
        }
        nval++;
        set[n++] = own[2 * j];
    }
    if (d == 1 && v->rb_uri == NULL && n == 0) {
        /* the root, in no namespace and without a declaration */
        apr_off_t at = mss_rw_after_name(v, lt);

        if (at < 0) {
            return 0;
        }
        mss_rw_edit(v, at, at, " xmlns=\"DAV:\"");
        set[n++] = NULL;
    }
    for (i = 0; i < nval; i++) {
        mss_rw_edit(v, val[2 * i], val[2 * i + 1], "DAV:");
    }
    v->rb_npre[d - 1] = n;
    return 1;
}

int mss_rb_root(mss_validator_t *v, const char *uri, apr_off_t tag)
{
    v->rb_uri = uri;
    if (!mss_rb_rebound(v, tag, 1)) {
        v->rb_uri = NULL;
        return 0;
    }
    v->rb = 1;
    return 1;
}

void mss_rb_boundary(mss_validator_t *v, apr_off_t tag, unsigned int d)
{
    const char *const *own;
    int nown;
    const char *s = "";
    apr_off_t lt;
    apr_off_t at;
    int i;

    if (d < 2 || d - 1 > MSS_RB_DEPTH || v->rb_npre[d - 2] == 0) {
        return;
    }
    nown = mss_xml_ns_own(v->xml, &own);
    for (i = 0; i < v->rb_npre[d - 2]; i++) {
        const char *p = v->rb_pre[d - 2][i];

        if (!declares(own, nown, p)) {
            s = apr_pstrcat(v->rpool, s, p != NULL ? " xmlns:" : " xmlns",
                            p != NULL ? p : "", "=\"",
                            v->rb_uri != NULL ? v->rb_uri : "", "\"", NULL);
        }
    }
    lt = mss_rw_lt(v, tag);
    at = lt >= 0 ? mss_rw_after_name(v, lt) : -1;
    if (at >= 0 && s[0] != '\0') {
        mss_rw_edit(v, at, at, s);
    }
}
