/*
 * mss_rewrite.c: the streaming normaliser of Rewrite mode (rules.md 0.2,
 * 2.19).
 *
 * The rewriter never re-serialises a document.  It holds the body bytes
 * since the last boundary (the root's start tag, the end of each child of
 * the root), and the checks register byte edits against them: replace
 * [a, b) with new text.  At each boundary the held bytes go out with their
 * edits applied, so a response that needs no fix leaves as its original
 * bytes, and in a fixed one every byte outside an edit, property values
 * and namespace declarations among them, is the original
 * (RW-PRESERVE-VALUES, RW-NS-SCOPE).  Inserted markup reuses a prefix that
 * the enclosing element itself is written with, so it is in scope there.
 *
 * Offsets come from the parser (mss_xml_offset).  They are offsets into
 * the body only while libxml2 reads it without a transcoder, i.e. UTF-8:
 * a body in another encoding is passed through unchanged (transcoding is
 * not done here) and the report says so.  Whatever stops the parse (not
 * well-formed, a limit, a callback error) makes the rewriter fail open:
 * what is held goes out unchanged and so does the rest (RW-FAIL-OPEN).
 */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "mss_state.h"

typedef struct {
    apr_off_t a;
    apr_off_t b;
    const char *s;
    apr_size_t len;
    unsigned long seq; /* insertion order, for a stable sort */
    int first;         /* before other insertions at a (mss_rw_edit_first) */
    /* a split (mss_rw_split): [a, b) goes out once per range of dels,
     * each time without the other ranges, s between two copies */
    const apr_off_t *dels;
    int ndel;
} edit_t;

struct mss_rw_t {
    mss_write_fn write;
    void *wbaton;
    char *buf;  /* the heap block */
    char *data; /* within it: the body bytes from offset base on */
    apr_size_t len;
    apr_size_t cap;
    apr_off_t base;
    apr_size_t max; /* held-bytes bound */
    apr_array_header_t *edits;
    apr_pool_t *epool; /* edit texts; cleared at each commit */
    unsigned long seq;
    int pass;         /* failed open: bytes go out unchanged */
    int headers_done; /* the header decision is made */
    int changed;      /* an edit or a header change was made */
    int finished;
    apr_off_t out;
    apr_array_header_t *hdrs; /* mss_header_change_t */
    const char *ct_charset;   /* a charset added to Content-Type */
    /* the output held while a collapse of the 207 into a plain status may
     * still come (mss_collapse.c), on the heap, bounded by max */
    char *hold;
    apr_size_t hlen;
    apr_size_t hcap;
    int holding;
    int hold_over;       /* the hold ended at its bound */
    int status;          /* the status the response goes out with, or 0 */
    const char *cl_body; /* a collapse's body ("" = none), or NULL */
};

/* ---- set-up -------------------------------------------------------- */

/* The held bytes live on the heap (they grow and shrink by response, which
 * a pool cannot give back); the validator's pool frees them. */
static apr_status_t rw_cleanup(void *data)
{
    mss_rw_t *rw = data;

    free(rw->buf);
    rw->buf = NULL;
    free(rw->hold);
    rw->hold = NULL;
    return APR_SUCCESS;
}

apr_status_t mss_validator_set_output(mss_validator_t *v, mss_write_fn write,
                                      void *baton)
{
    mss_rw_t *rw;
    apr_status_t rv;

    if (v->opts.mode == MSS_MODE_LOG || write == NULL || v->rw != NULL
        || v->bytes > 0) {
        return APR_EINVAL;
    }
    rw = apr_pcalloc(v->pool, sizeof(*rw));
    rv = apr_pool_create(&rw->epool, v->pool);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    rw->write = write;
    rw->wbaton = baton;
    /* one response, and as much again for what may stand between two
     * (whitespace, comments, the parser's look-ahead) */
    rw->max = 2 * v->opts.max_response;
    rw->cap = 16 * 1024;
    rw->buf = rw->data = malloc(rw->cap);
    if (rw->buf == NULL) {
        return APR_ENOMEM;
    }
    apr_pool_cleanup_register(v->pool, rw, rw_cleanup, apr_pool_cleanup_null);
    rw->edits = apr_array_make(v->pool, 16, sizeof(edit_t));
    rw->hdrs = apr_array_make(v->pool, 4, sizeof(mss_header_change_t));
    v->prop_ranges = apr_array_make(v->pool, 16, sizeof(apr_off_t));
    v->rw = rw;
    mss_xml_watch(v->xml, &v->rw_tight);
    v->doctype_off = -1;
    v->root_end = -1;
    mss_cl_start(v);
    return APR_SUCCESS;
}

const apr_array_header_t *mss_validator_header_changes(const mss_validator_t *v)
{
    static const apr_array_header_t none = {NULL, 0, 0, 0, NULL};

    return v->rw != NULL ? v->rw->hdrs : &none;
}

int mss_rw_on(const mss_validator_t *v, mss_rule_e rule)
{
    mss_fix_e fix;

    if (v->rw == NULL || v->rw->pass) {
        return 0;
    }
    switch ((mss_action_e)v->opts.rule_action[rule]) {
    case MSS_ACTION_FIX:
        return 1;
    case MSS_ACTION_DEFAULT:
        fix = mss_rule_info(rule)->fix;
        return fix == MSS_FIX_N1 || fix == MSS_FIX_N2;
    default:
        return 0;
    }
}

int mss_rule_fixable(mss_rule_e rule)
{
    switch (rule) {
    case MSS_R_HDR_CT_XML:
    case MSS_R_HDR_CT_APPXML:
    case MSS_R_HDR_CHARSET:
    case MSS_R_HDR_ENCODING_UTF:
    case MSS_R_HDR_DELTAV_NOCACHE:
    case MSS_R_PF_NO_CACHE:
    case MSS_R_XML_NO_DTD:
    case MSS_R_MS_HREF_REQUIRED:
    case MSS_R_MS_HREF_SIMPLE_REF:
    case MSS_R_MS_HREF_DOT_SEGMENTS:
    case MSS_R_MS_HREF_PROXY_MAP:
    case MSS_R_MS_HREF_PCT_ENCODE:
    case MSS_R_MS_HREF_PCT_CANON:
    case MSS_R_MS_HREF_FRAGMENT:
    case MSS_R_MS_HREF_COLLECTION_SLASH:
    case MSS_R_MS_HREF_SAME_FORM:
    case MSS_R_MS_HREF_ORIGIN:
    case MSS_R_MS_HREF_UNIQUE:
    case MSS_R_MS_MULTISTATUS_CHILDREN:
    case MSS_R_MS_RESPONSE_FORM:
    case MSS_R_MS_STATUS_1XX:
    case MSS_R_MS_NO_STRAY_TEXT:
    case MSS_R_MS_ERR_CONTENT:
    case MSS_R_MS_LOC_CONTENT:
    case MSS_R_MS_TRUNCATION_507:
    case MSS_R_MS_ERR_PLACEMENT:
    case MSS_R_MS_ERR_IN_DESCRIPTION:
    case MSS_R_MS_PCDATA_ONLY:
    case MSS_R_MS_PROPSTAT_CONTENT:
    case MSS_R_MS_RESPONSE_SINGLETONS:
    case MSS_R_MS_LOC_HREF_FORM:
    case MSS_R_MS_LOC_STATUS:
    case MSS_R_CM_423_ERROR:
    case MSS_R_MS_ERR_LOCK_TOKEN_HREF:
    case MSS_R_MS_STATUS_SYNTAX:
    case MSS_R_MS_STATUS_REASON:
    case MSS_R_PF_DEPTH_SCOPE:
    case MSS_R_PF_ERROR_PROPS_EMPTY:
    case MSS_R_PF_PROP_ONCE:
    case MSS_R_LOCK_424_REQUEST_URI:
    case MSS_R_LOCK_LEGACY_PROPSTAT:
    case MSS_R_MS_PROPSTAT_METHOD:
    case MSS_R_PP_NAMES_ONLY:
    case MSS_R_DEL_NO_424:
    case MSS_R_DEL_NO_204:
    case MSS_R_CM_NO_424:
    case MSS_R_CM_NO_201_204:
    /* a plain status instead of the 207 (mss_collapse.c) */
    case MSS_R_PF_UNMAPPED_404:
    case MSS_R_PP_PROPSTAT_FORM:
    case MSS_R_DEL_MEMBERS_ONLY:
    case MSS_R_DEL_HAS_FAILURE:
    case MSS_R_MS_EMPTY:
    case MSS_R_CM_OTHER_RESOURCE:
    case MSS_R_LOCK_DEPTH0:
    case MSS_R_LOCK_2518_409:
    case MSS_R_MS_MULTI_HREF:
        return 1;
    default:
        return 0;
    }
}

/* ---- held bytes ---------------------------------------------------- */

static apr_status_t emit_out(mss_validator_t *v, const char *s, apr_size_t n)
{
    apr_status_t rv;

    if (n == 0 || v->cb_status != APR_SUCCESS) {
        return v->cb_status;
    }
    rv = v->rw->write(v->rw->wbaton, s, n);
    if (rv != APR_SUCCESS) {
        v->cb_status = rv;
        mss_xml_stop(v->xml);
        return rv;
    }
    v->rw->out += (apr_off_t)n;
    return APR_SUCCESS;
}

/* Room for @p need held output bytes; 0 past the bound or out of memory */
static int hold_room(mss_rw_t *rw, apr_size_t need)
{
    apr_size_t cap = rw->hcap > 0 ? rw->hcap : 4096;
    char *nb;

    if (need > rw->max) {
        return 0;
    }
    if (need <= rw->hcap) {
        return 1;
    }
    while (cap < need) {
        cap *= 2;
    }
    nb = realloc(rw->hold, cap);
    if (nb == NULL) {
        return 0;
    }
    rw->hold = nb;
    rw->hcap = cap;
    return 1;
}

static apr_status_t out(mss_validator_t *v, const char *s, apr_size_t n)
{
    mss_rw_t *rw = v->rw;

    if (rw->holding && n > 0 && v->cb_status == APR_SUCCESS) {
        if (hold_room(rw, rw->hlen + n)) {
            memcpy(rw->hold + rw->hlen, s, n);
            rw->hlen += n;
            return APR_SUCCESS;
        }
        /* RW-LIMITS: no collapse of a body this large; what is held goes
         * now */
        rw->hold_over = 1;
        mss_validator_release(v);
    }
    return emit_out(v, s, n);
}

void mss_rw_hold(mss_validator_t *v)
{
    if (v->rw != NULL && !v->rw->pass && v->rw->out == 0) {
        v->rw->holding = 1;
    }
}

int mss_validator_holding(const mss_validator_t *v)
{
    return v->rw != NULL && v->rw->holding;
}

apr_status_t mss_validator_release(mss_validator_t *v)
{
    mss_rw_t *rw = v->rw;

    if (rw != NULL && rw->holding) {
        rw->holding = 0;
        if (rw->hlen > 0 && !rw->headers_done) {
            mss_rw_headers(v);
        }
        emit_out(v, rw->hold, rw->hlen);
        rw->hlen = 0;
    }
    return v->cb_status;
}

int mss_rw_hold_over(const mss_validator_t *v)
{
    return v->rw != NULL && v->rw->hold_over;
}

int mss_rw_untouched(const mss_validator_t *v, apr_off_t a, apr_off_t b)
{
    int i;

    for (i = 0; i < v->rw->edits->nelts; i++) {
        const edit_t *e = &APR_ARRAY_IDX(v->rw->edits, i, edit_t);

        if (e->a == e->b ? e->a > a && e->a < b : e->a < b && e->b > a) {
            return 0;
        }
    }
    return 1;
}

void mss_rw_set_status(mss_validator_t *v, int status, const char *body)
{
    mss_rw_t *rw = v->rw;

    rw->status = status;
    rw->cl_body = body;
    rw->changed = 1;
}

int mss_validator_status(const mss_validator_t *v)
{
    return v->rw != NULL ? v->rw->status : 0;
}

const char *mss_rw_bytes(const mss_validator_t *v, apr_off_t a, apr_off_t b)
{
    const mss_rw_t *rw = v->rw;

    if (rw == NULL || a < rw->base || b < a
        || b > rw->base + (apr_off_t)rw->len) {
        return NULL;
    }
    return rw->data + (a - rw->base);
}

apr_off_t mss_rw_after_name(const mss_validator_t *v, apr_off_t lt)
{
    apr_off_t at = lt + 1;
    const char *s;

    while ((s = mss_rw_bytes(v, at, at + 1)) != NULL && *s != ' ' && *s != '\t'
           && *s != '\r' && *s != '\n' && *s != '>' && *s != '/') {
        at++;
    }
    return s != NULL ? at : -1;
}

apr_off_t mss_rw_end_tag(const mss_validator_t *v, apr_off_t end)
{
    apr_off_t et = mss_rw_lt(v, end - 1);
    const char *b = et >= 0 ? mss_rw_bytes(v, et, et + 2) : NULL;

    return b != NULL && b[1] == '/' ? et : -1;
}

apr_off_t mss_rw_ws_back(const mss_validator_t *v, apr_off_t a, apr_off_t floor)
{
    const char *s;

    while (a > floor && (s = mss_rw_bytes(v, a - 1, a)) != NULL
           && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
        a--;
    }
    return a;
}

apr_off_t mss_rw_lt(const mss_validator_t *v, apr_off_t at)
{
    const mss_rw_t *rw = v->rw;

    /* no "<" can occur inside a tag (attribute values escape it), so the
     * last one before the tag's end opens it */
    if (rw == NULL || at >= rw->base + (apr_off_t)rw->len || at < rw->base) {
        return -1;
    }
#ifdef _GNU_SOURCE
    {
        /* glibc's memrchr: a start tag with namespace declarations is
         * 70 bytes and more (mod_dav_fs writes three on every response) */
        const char *p = memrchr(rw->data, '<', (size_t)(at - rw->base) + 1);

        return p != NULL ? rw->base + (apr_off_t)(p - rw->data) : -1;
    }
#else
    {
        apr_off_t i;

        for (i = at; i >= rw->base; i--) {
            if (rw->data[i - rw->base] == '<') {
                return i;
            }
        }
        return -1;
    }
#endif
}

int mss_rw_gap_goes(const mss_validator_t *v, apr_off_t a, apr_off_t b,
                    mss_rule_e rule)
{
    const char *g;
    apr_size_t n;
    apr_size_t i = 0;
    int text_goes;

    if (a == b) {
        return 1;
    }
    if (b < a || (g = mss_rw_bytes(v, a, b)) == NULL) {
        return 0;
    }
    n = (apr_size_t)(b - a);
    text_goes = mss_rw_on(v, rule);
    while (i < n) {
        mss_rt_e k;
        apr_size_t next = mss_rw_token(g, n, i, &k);
        apr_size_t j;
        int ws = 1;

        if (next == 0 || (k != MSS_RT_TEXT && k != MSS_RT_CDATA)) {
            return 0;
        }
        for (j = k == MSS_RT_CDATA ? i + 9 : i;
             j < (k == MSS_RT_CDATA ? next - 3 : next); j++) {
            ws &= g[j] == ' ' || g[j] == '\t' || g[j] == '\r' || g[j] == '\n';
        }
        if (ws ? k == MSS_RT_CDATA : !text_goes) {
            return 0;
        }
        i = next;
    }
    return 1;
}

const char *mss_rw_qual(mss_validator_t *v, apr_off_t lt)
{
    const char *s = mss_rw_bytes(v, lt, lt + 1);
    apr_size_t i;
    apr_size_t held;

    if (s == NULL || s[0] != '<') {
        return NULL;
    }
    held = (apr_size_t)(v->rw->base + (apr_off_t)v->rw->len - lt);
    for (i = 1; i < held; i++) {
        char c = s[i];

        if (c == ':') {
            return apr_pstrmemdup(v->rw->epool, s + 1, i); /* "P:" */
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '>'
            || c == '/') {
            return "";
        }
    }
    return NULL;
}

const char *mss_rw_escape(apr_pool_t *p, const char *s, apr_size_t len)
{
    apr_size_t i;
    apr_size_t n = 0;
    char *o;
    char *d;

    for (i = 0; i < len; i++) {
        n += s[i] == '&' ? 5 : (s[i] == '<' || s[i] == '>') ? 4 : 1;
    }
    o = d = apr_palloc(p, n + 1);
    for (i = 0; i < len; i++) {
        switch (s[i]) {
        case '&':
            memcpy(d, "&amp;", 5);
            d += 5;
            break;
        case '<':
            memcpy(d, "&lt;", 4);
            d += 4;
            break;
        case '>':
            memcpy(d, "&gt;", 4);
            d += 4;
            break;
        default:
            *d++ = s[i];
        }
    }
    *d = '\0';
    return o;
}

void mss_rw_edit(mss_validator_t *v, apr_off_t a, apr_off_t b, const char *s)
{
    mss_rw_t *rw = v->rw;
    edit_t *e;

    if (rw == NULL || rw->pass || a < rw->base || b < a) {
        return;
    }
    e = &APR_ARRAY_PUSH(rw->edits, edit_t);
    e->a = a;
    e->b = b;
    e->len = strlen(s);
    e->s = apr_pstrmemdup(rw->epool, s, e->len);
    e->seq = rw->seq++;
    e->first = 0;
    e->dels = NULL;
    e->ndel = 0;
}

void mss_rw_edit_first(mss_validator_t *v, apr_off_t a, const char *s)
{
    mss_rw_t *rw = v->rw;
    int n = rw != NULL ? rw->edits->nelts : 0;

    mss_rw_edit(v, a, a, s);
    if (rw != NULL && rw->edits->nelts > n) {
        APR_ARRAY_IDX(rw->edits, n, edit_t).first = 1;
    }
}

void mss_rw_split(mss_validator_t *v, apr_off_t a, apr_off_t b,
                  const apr_off_t *dels, int n, const char *sep)
{
    mss_rw_t *rw = v->rw;
    edit_t *e;

    if (rw == NULL || rw->pass || a < rw->base || b < a || n < 2) {
        return;
    }
    mss_rw_edit(v, a, b, sep);
    e = &APR_ARRAY_IDX(rw->edits, rw->edits->nelts - 1, edit_t);
    e->dels = apr_pmemdup(rw->epool, dels, (apr_size_t)n * 2 * sizeof(*dels));
    e->ndel = n;
}

static int edit_cmp(const void *x, const void *y)
{
    const edit_t *p = x;
    const edit_t *q = y;

    if (p->a != q->a) {
        return p->a < q->a ? -1 : 1;
    }
    if ((p->a == p->b) != (q->a == q->b)) {
        /* an insertion where a replacement begins goes in before it (an
         * href inserted after a start tag whose stray text goes) */
        return p->a == p->b ? -1 : 1;
    }
    if (p->b != q->b) {
        return p->b > q->b ? -1 : 1; /* the wider one first */
    }
    if (p->first != q->first) {
        return p->first ? -1 : 1;
    }
    return p->seq < q->seq ? -1 : p->seq > q->seq ? 1 : 0;
}

const char *mss_rw_bytes_out(const mss_validator_t *v, apr_pool_t *p,
                             apr_off_t a, apr_off_t b, apr_size_t *len)
{
    const mss_rw_t *rw = v->rw;
    const char *s = mss_rw_bytes(v, a, b);
    edit_t *in;
    char *o;
    apr_size_t n = 0;
    apr_off_t at = a;
    int k = 0;
    int i;

    if (s == NULL || b <= a) {
        return NULL;
    }
    in = apr_palloc(p, sizeof(*in) * (apr_size_t)(rw->edits->nelts + 1));
    for (i = 0; i < rw->edits->nelts; i++) {
        const edit_t *e = &APR_ARRAY_IDX(rw->edits, i, edit_t);

        if (e->a == e->b ? e->a <= a || e->a >= b : e->b <= a || e->a >= b) {
            continue; /* outside */
        }
        if (e->a < a || e->b > b || e->dels != NULL) {
            return NULL;
        }
        in[k++] = *e;
    }
    if (k > 1) {
        qsort(in, (size_t)k, sizeof(edit_t), edit_cmp);
    }
    /* (as mss_rw_commit applies them: one inside a wider one is not) */
    for (i = 0; i < k; i++) {
        if (in[i].a >= at) {
            n += (apr_size_t)(in[i].a - at) + in[i].len;
            at = in[i].b;
        }
    }
    n += (apr_size_t)(b - at);
    o = apr_palloc(p, n + 1);
    n = 0;
    at = a;
    for (i = 0; i < k; i++) {
        if (in[i].a >= at) {
            memcpy(o + n, s + (at - a), (apr_size_t)(in[i].a - at));
            n += (apr_size_t)(in[i].a - at);
            memcpy(o + n, in[i].s, in[i].len);
            n += in[i].len;
            at = in[i].b;
        }
    }
    memcpy(o + n, s + (at - a), (apr_size_t)(b - at));
    n += (apr_size_t)(b - at);
    o[n] = '\0';
    *len = n;
    return o;
}

/* ---- the header decision (RW-HEADERS, rules.md 2.1) ----------------- */

static pending_t *held_find(mss_validator_t *v, mss_rule_e rule)
{
    pending_t *pv;

    for (pv = v->dhead; pv != NULL; pv = pv->next) {
        if (pv->rule == rule) {
            return pv;
        }
    }
    return NULL;
}

static void held_mark(mss_validator_t *v, mss_rule_e rule)
{
    pending_t *pv;

    for (pv = v->dhead; pv != NULL; pv = pv->next) {
        if (pv->rule == rule) {
            pv->action = "fixed";
        }
    }
}

int mss_rw_hold_doc(mss_validator_t *v, mss_rule_e rule, mss_severity_e sev,
                    unsigned long line, unsigned long col, const char *msg)
{
    if (v->rw->headers_done) {
        return 0;
    }
    mss_v_queue(v->pool, &v->dhead, &v->dtail, rule, sev, line, col, msg);
    return 1;
}

static void set_header(mss_validator_t *v, const char *name, const char *value)
{
    mss_header_change_t *h = &APR_ARRAY_PUSH(v->rw->hdrs, mss_header_change_t);

    h->name = name;
    h->value = value;
    v->rw->changed = 1;
}

/* The body reads as UTF-8 for a recipient too: the parser needs no
 * transcoder, and the labels (RFC 7303 3.2 precedence) say UTF-8 or
 * US-ASCII, or the charset parameter is the ISO-8859-1 that server-wide
 * defaults add while the body itself declares UTF-8 (rules.md A14). */
static int body_utf8(const mss_validator_t *v)
{
    const char *e = v->eff_enc;

    if (!mss_xml_raw_offsets(v->xml)) {
        return 0;
    }
    if (v->tc_state == MSS_TC_ON) {
        return 1; /* transcoded to UTF-8 (mss_transcode.c) */
    }
    if (e == NULL || strcmp(e, "utf8") == 0 || strcmp(e, "usascii") == 0) {
        return 1;
    }
    return strcmp(e, "iso88591") == 0 && v->bom == NULL && v->decl_enc != NULL
           && strcmp(v->decl_enc, "utf8") == 0;
}

void mss_rw_headers(mss_validator_t *v)
{
    mss_rw_t *rw = v->rw;
    pending_t *pv;
    const char *mt = v->media_type;
    const char *cs = v->charset;
    int ct_changed = 0;
    int utf8;

    if (rw == NULL || rw->headers_done) {
        return;
    }
    rw->headers_done = 1;
    utf8 = !rw->pass && v->root_ok && body_utf8(v);
    if (v->resp_headers != NULL) {
        /* HDR-CT-XML: RFC 4918 8.2; the charset follows (HDR-CHARSET) */
        if (utf8 && held_find(v, MSS_R_HDR_CT_XML) != NULL
            && mss_rw_on(v, MSS_R_HDR_CT_XML)) {
            held_mark(v, MSS_R_HDR_CT_XML);
            mt = "application/xml";
            cs = "utf-8";
            ct_changed = 1;
            held_mark(v, MSS_R_HDR_CHARSET);
            held_mark(v, MSS_R_HDR_ENCODING_UTF);
        }
        /* HDR-CT-APPXML (N1 opt-in): the media type only */
        if (mt != NULL && strcmp(mt, "text/xml") == 0
            && held_find(v, MSS_R_HDR_CT_APPXML) != NULL
            && mss_rw_on(v, MSS_R_HDR_CT_APPXML)) {
            held_mark(v, MSS_R_HDR_CT_APPXML);
            mt = "application/xml";
            ct_changed = 1;
        }
        /* HDR-CHARSET: label a UTF-8 body as such (RFC 7303 3.2) */
        if (utf8 && mt != NULL && mss_rw_on(v, MSS_R_HDR_CHARSET)) {
            if (held_find(v, MSS_R_HDR_CHARSET) != NULL && v->bom == NULL) {
                held_mark(v, MSS_R_HDR_CHARSET);
                cs = "utf-8";
                ct_changed = 1;
                /* the ISO-8859-1 label was the only non-UTF-8 thing about
                 * a body that is UTF-8 (HDR-ENCODING-UTF's aim) */
                held_mark(v, MSS_R_HDR_ENCODING_UTF);
            }
            else if (v->scan_ascii && cs == NULL) {
                /* text/xml without charset: whether the body has
                 * non-ASCII bytes is known at its end only, and the label
                 * is right either way */
                cs = "utf-8";
                ct_changed = 1;
                rw->ct_charset = cs;
            }
        }
        if (v->tc_state == MSS_TC_ON) {
            /* transcoded (whatever the root): the label follows the bytes
             * that go out */
            if (mt != NULL && (cs == NULL || strcmp(cs, "utf-8") != 0)) {
                cs = "utf-8";
                ct_changed = 1;
            }
            held_mark(v, MSS_R_HDR_CHARSET);
            held_mark(v, MSS_R_HDR_ENCODING_UTF);
        }
        if (ct_changed) {
            set_header(v, "Content-Type",
                       cs != NULL
                           ? apr_psprintf(v->pool, "%s; charset=\"%s\"", mt, cs)
                           : mt);
        }
        /* HDR-DELTAV-NOCACHE: RFC 3253 7.1, 8.2, 11.2 */
        if (held_find(v, MSS_R_HDR_DELTAV_NOCACHE) != NULL
            && mss_rw_on(v, MSS_R_HDR_DELTAV_NOCACHE)) {
            const char *cc = apr_table_get(v->resp_headers, "Cache-Control");

            held_mark(v, MSS_R_HDR_DELTAV_NOCACHE);
            set_header(v, "Cache-Control",
                       cc != NULL && *cc != '\0'
                           ? apr_pstrcat(v->pool, cc, ", no-cache", NULL)
                           : "no-cache");
        }
        /* PF-NO-CACHE (N1 opt-in): RFC 4918 9.1, the directives that made
         * the PROPFIND result cacheable go, and Expires with them */
        if (held_find(v, MSS_R_PF_NO_CACHE) != NULL
            && mss_rw_on(v, MSS_R_PF_NO_CACHE)) {
            held_mark(v, MSS_R_PF_NO_CACHE);
            set_header(v, "Cache-Control",
                       mss_cc_no_cache(v->pool,
                                       apr_table_getm(v->pool, v->resp_headers,
                                                      "Cache-Control")));
            if (apr_table_get(v->resp_headers, "Expires") != NULL) {
                set_header(v, "Expires", NULL);
            }
        }
    }
    /* RW-HEADERS: RFC 9110 8.6, 8.8.3.  What later responses need is not
     * known yet, so unless the whole body is in and unchanged, the length,
     * digests and validators of the original no longer hold. */
    if (v->resp_headers != NULL
        && !(rw->finished && rw->edits->nelts == 0 && !rw->changed)) {
        static const char *const gone[] = {"Content-Length", "Content-MD5",
                                           "Digest", "Content-Digest",
                                           "Repr-Digest"};
        const char *etag = apr_table_get(v->resp_headers, "ETag");
        size_t i;

        for (i = 0; i < sizeof(gone) / sizeof(gone[0]); i++) {
            if (apr_table_get(v->resp_headers, gone[i]) != NULL) {
                mss_header_change_t *h =
                    &APR_ARRAY_PUSH(rw->hdrs, mss_header_change_t);

                h->name = gone[i];
                h->value = NULL;
            }
        }
        /* a changed representation needs another entity tag: as
         * mod_deflate does, a suffix inside the quotes ("x" becomes
         * "x-msstrict"); an ETag that is not a quoted string goes */
        if (etag != NULL) {
            mss_header_change_t *h =
                &APR_ARRAY_PUSH(rw->hdrs, mss_header_change_t);
            size_t n = strlen(etag);

            h->name = "ETag";
            h->value = n >= 2 && etag[n - 1] == '"' ? apr_psprintf(
                           v->pool, "%.*s-msstrict\"", (int)(n - 1), etag)
                                                    : NULL;
        }
    }
    /* the held document-level findings, in order */
    for (pv = v->dhead; pv != NULL; pv = pv->next) {
        mss_v_emit(v, pv->rule, pv->sev, 0, NULL, 0, pv->line, pv->col, pv->msg,
                   pv->action);
    }
    v->dhead = v->dtail = NULL;
}

/* ---- the prolog (XML-NO-DTD) --------------------------------------- */

static apr_size_t skip_to(const char *s, apr_size_t i, apr_size_t n,
                          const char *end)
{
    size_t el = strlen(end);

    while (i + el <= n) {
        if (memcmp(s + i, end, el) == 0) {
            return i + el;
        }
        i++;
    }
    return n;
}

/* XML-NO-DTD: RFC 4918 17, 20.6.  The parse got this far, so the DOCTYPE
 * declared no entity and the body referenced none beyond the predefined
 * five: it can go, unless it has an internal subset (left as it is). */
static void prolog_edits(mss_validator_t *v, apr_off_t end)
{
    mss_rw_t *rw = v->rw;
    const char *s = rw->data;
    apr_size_t n = (apr_size_t)(end - rw->base);
    apr_size_t i = 0;
    apr_size_t k;

    if (rw->base != 0 || v->doctype_off < 0
        || !mss_rw_on(v, MSS_R_XML_NO_DTD)) {
        return;
    }
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        i = 3;
    }
    while (i < n) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
            i++;
        }
        else if (i + 4 <= n && memcmp(s + i, "<!--", 4) == 0) {
            i = skip_to(s, i + 4, n, "-->");
        }
        else if (i + 2 <= n && memcmp(s + i, "<?", 2) == 0) {
            i = skip_to(s, i + 2, n, "?>");
        }
        else {
            break;
        }
    }
    if (i + 9 > n || memcmp(s + i, "<!DOCTYPE", 9) != 0) {
        return;
    }
    /* after the name and external id (where the parser reported it), the
     * next significant byte is ">" or the "[" of an internal subset */
    k = (apr_size_t)(v->doctype_off - rw->base);
    while (k < n
           && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r' || s[k] == '\n')) {
        k++;
    }
    if (k >= n || s[k] != '>') {
        return;
    }
    k++;
    if (k < n && s[k] == '\n') {
        k++; /* the line it stood on */
    }
    mss_rw_edit(v, rw->base + (apr_off_t)i, rw->base + (apr_off_t)k, "");
    held_mark(v, MSS_R_XML_NO_DTD);
}

/* ---- commit, fail open, feed, finish -------------------------------- */

/* The raw markup tokens (mss_state.h), for the small scans of the fixes
 * that edit text (MS-NO-STRAY-TEXT, MS-PCDATA-ONLY) and for "]]>" below. */
apr_size_t mss_rw_token(const char *s, apr_size_t n, apr_size_t i,
                        mss_rt_e *kind)
{
    static const struct {
        const char *open;
        const char *close;
        mss_rt_e kind;
    } special[] = {{"<!--", "-->", MSS_RT_COMMENT},
                   {"<![CDATA[", "]]>", MSS_RT_CDATA},
                   {"<?", "?>", MSS_RT_PI}};
    apr_size_t k;
    char q = 0;

    if (s[i] != '<') {
        while (i < n && s[i] != '<') {
            i++;
        }
        *kind = MSS_RT_TEXT;
        return i;
    }
    for (k = 0; k < sizeof(special) / sizeof(special[0]); k++) {
        apr_size_t ol = strlen(special[k].open);
        apr_size_t cl = strlen(special[k].close);
        apr_size_t j;

        if (n - i < ol || memcmp(s + i, special[k].open, ol) != 0) {
            continue;
        }
        for (j = i + ol; j + cl <= n; j++) {
            if (memcmp(s + j, special[k].close, cl) == 0) {
                *kind = special[k].kind;
                return j + cl;
            }
        }
        return 0;
    }
    *kind = n - i >= 2 && s[i + 1] == '/' ? MSS_RT_END : MSS_RT_START;
    for (i++; i < n && (q != 0 || s[i] != '>'); i++) {
        if (q != 0) {
            q = s[i] == q ? 0 : q;
        }
        else if (s[i] == '"' || s[i] == '\'') {
            q = s[i];
        }
    }
    if (i >= n) {
        return 0;
    }
    if (*kind == MSS_RT_START && s[i - 1] == '/') {
        *kind = MSS_RT_EMPTY;
    }
    return i + 1;
}

/* XML 1.0 2.4: "]]>" must not stand in character data.  libxml2's push
 * parser misses it when a chunk ends inside it, so whether a body is
 * well-formed there would depend on how it was split, and the output
 * with it.  Held bytes from @p from to @p end (content of the root, at a
 * boundary) that hold it outside markup make the rewriter fail open, as
 * the parser's own error does when it sees it.  1 when found. */
static int cdata_end_in_text(const mss_validator_t *v, apr_off_t from,
                             apr_off_t end)
{
    const char *s = mss_rw_bytes(v, from, end);
    apr_size_t n = s != NULL ? (apr_size_t)(end - from) : 0;
    apr_size_t i = 0;

    if (s == NULL || n < 3) {
        return 0;
    }
    {
        /* the common case: no "]]>" at all */
        const char *p = s;

        while ((p = memchr(p, ']', n - (apr_size_t)(p - s))) != NULL
               && (apr_size_t)(p - s) + 2 < n
               && !(p[1] == ']' && p[2] == '>')) {
            p++;
        }
        if (p == NULL || (apr_size_t)(p - s) + 2 >= n) {
            return 0;
        }
    }
    while (i < n) {
        mss_rt_e k;
        apr_size_t next = mss_rw_token(s, n, i, &k);
        apr_size_t j;

        if (next == 0) {
            return 0;
        }
        for (j = i; k == MSS_RT_TEXT && j + 2 < next; j++) {
            if (s[j] == ']' && s[j + 1] == ']' && s[j + 2] == '>') {
                return 1;
            }
        }
        i = next;
    }
    return 0;
}

/* A split (mss_rw_split, edit @p k): one copy of its bytes per range,
 * the edits inside it applied, the other ranges left out. */
static void split_out(mss_validator_t *v, int k)
{
    mss_rw_t *rw = v->rw;
    const edit_t *sp = &APR_ARRAY_IDX(rw->edits, k, edit_t);
    int c;

    for (c = 0; c < sp->ndel; c++) {
        apr_off_t at = sp->a;
        int i = k + 1;
        int d = 0;

        if (c > 0) {
            out(v, sp->s, sp->len);
        }
        for (;;) {
            const edit_t *e = NULL;
            apr_off_t da = -1;
            apr_off_t db = -1;

            while (i < rw->edits->nelts) {
                e = &APR_ARRAY_IDX(rw->edits, i, edit_t);
                if (e->a >= sp->b || e->b > sp->b || e->a >= at) {
                    break;
                }
                i++; /* inside an earlier one */
            }
            if (i >= rw->edits->nelts || e->a >= sp->b || e->b > sp->b) {
                e = NULL;
            }
            while (d < sp->ndel && (d == c || sp->dels[2 * d] < at)) {
                d++;
            }
            if (d < sp->ndel) {
                da = sp->dels[2 * d];
                db = sp->dels[2 * d + 1];
            }
            if (e == NULL && da < 0) {
                break;
            }
            if (e != NULL
                && (da < 0 || e->a < da || (e->a == da && e->a == e->b))) {
                out(v, rw->data + (at - rw->base), (apr_size_t)(e->a - at));
                out(v, e->s, e->len);
                at = e->b;
                i++;
            }
            else {
                out(v, rw->data + (at - rw->base), (apr_size_t)(da - at));
                at = db;
                d++;
            }
        }
        out(v, rw->data + (at - rw->base), (apr_size_t)(sp->b - at));
    }
}

void mss_rw_commit(mss_validator_t *v, apr_off_t end)
{
    mss_rw_t *rw = v->rw;
    apr_size_t n;
    apr_off_t at;
    int i;

    if (rw == NULL || rw->pass || end <= rw->base
        || end > rw->base + (apr_off_t)rw->len) {
        return;
    }
    if (!mss_rw_room(v, end)) {
        return;
    }
    if (v->root_content > 0 && end > v->root_content
        && cdata_end_in_text(
            v, rw->base > v->root_content ? rw->base : v->root_content, end)) {
        mss_rw_fail_open(v, "\"]]>\" in character data (XML 1.0 2.4): "
                            "not well-formed, the rest is passed on "
                            "unchanged");
        /* as when the parser sees it (it may not, depending on the
         * split): checking stops, the body is malformed */
        mss_v_malformed(v, "Sequence ']]>' not allowed in content");
        return;
    }
    if (!rw->headers_done) {
        if (!mss_xml_raw_offsets(v->xml)) {
            mss_rw_fail_open(
                v, "the body is not in UTF-8: it is passed on "
                   "unchanged (not transcoded: see HDR-ENCODING-UTF)");
            return;
        }
        prolog_edits(v, end);
        mss_rw_headers(v);
    }
    n = (apr_size_t)(end - rw->base);
    at = rw->base;
    if (rw->edits->nelts > 1) {
        qsort(rw->edits->elts, (size_t)rw->edits->nelts, sizeof(edit_t),
              edit_cmp);
    }
    for (i = 0; i < rw->edits->nelts; i++) {
        const edit_t *e = &APR_ARRAY_IDX(rw->edits, i, edit_t);

        if (e->a < at || e->b > end) {
            continue; /* inside a wider edit, or beyond this commit */
        }
        out(v, rw->data + (at - rw->base), (apr_size_t)(e->a - at));
        if (e->dels != NULL) {
            split_out(v, i);
        }
        else {
            out(v, e->s, e->len);
        }
        at = e->b;
        rw->changed = 1;
    }
    out(v, rw->data + (at - rw->base), (apr_size_t)(end - at));
    rw->data += n; /* the block is compacted at the next feed */
    rw->len -= n;
    v->rw_tight = rw->len > rw->max;
    rw->base = end;
    rw->edits->nelts = 0;
    apr_pool_clear(rw->epool);
}

void mss_rw_fail_open(mss_validator_t *v, const char *why)
{
    mss_rw_t *rw = v->rw;

    if (rw == NULL || rw->pass) {
        return;
    }
    mss_mg_release(v); /* (a held end tag goes as it came) */
    rw->pass = 1;
    rw->edits->nelts = 0;
    mss_validator_release(v);
    {
        /* the fixes found so far in the open response are never applied */
        pending_t *pv;

        for (pv = v->resp.head; pv != NULL; pv = pv->next) {
            pv->action = NULL;
        }
        v->resp.dropping = 0;
    }
    if (why != NULL) {
        mss_rw_hold_doc(v, MSS_R_RW_FAIL_OPEN, MSS_SEV_WARN, 0, 0, why);
        if (rw->headers_done) {
            mss_v_emit(v, MSS_R_RW_FAIL_OPEN, MSS_SEV_WARN, 0, NULL, 0, 0, 0,
                       why, NULL);
        }
    }
    mss_rw_headers(v);
    out(v, rw->data, rw->len);
    rw->base += (apr_off_t)rw->len;
    rw->len = 0;
    v->rw_tight = 0;
    rw->data = rw->buf;
}

apr_status_t mss_rw_feed(mss_validator_t *v, const char *buf, apr_size_t len)
{
    mss_rw_t *rw = v->rw;

    if (rw->pass) {
        return out(v, buf, len);
    }
    if (rw->data != rw->buf) {
        /* once per feed, not once per response */
        memmove(rw->buf, rw->data, rw->len);
        rw->data = rw->buf;
    }
    if (rw->len + len > rw->cap) {
        apr_size_t cap = rw->cap;
        char *nb;

        while (cap < rw->len + len) {
            cap *= 2;
        }
        nb = realloc(rw->buf, cap);
        if (nb == NULL) {
            mss_rw_fail_open(v, NULL);
            return out(v, buf, len);
        }
        rw->buf = rw->data = nb;
        rw->cap = cap;
    }
    memcpy(rw->data + rw->len, buf, len);
    rw->len += len;
    v->rw_tight = rw->len > rw->max;
    return APR_SUCCESS;
}

/* RW-LIMITS: what is held between two boundaries stays within rw->max.
 * Checked at parse events and at each commit, by offset, so the decision
 * does not depend on how the body was split; 0 when it failed open. */
int mss_rw_room(mss_validator_t *v, apr_off_t end)
{
    mss_rw_t *rw = v->rw;
    /* a held end tag (mss_merge.c) is the boundary's: the bound counts
     * from the end of the response it closes, as without it */
    apr_off_t from = v->mg.on ? v->mg.end : rw->base;

    if (rw->pass || end - from <= (apr_off_t)rw->max) {
        return !rw->pass;
    }
    mss_rw_fail_open(v, apr_psprintf(v->pool,
                                     "more than %" APR_SIZE_T_FMT
                                     " bytes between two response "
                                     "boundaries (twice response=): the "
                                     "rest is passed on unchanged",
                                     rw->max));
    return 0;
}

void mss_rw_finish(mss_validator_t *v)
{
    mss_rw_t *rw = v->rw;

    rw->finished = 1;
    if (!rw->pass && rw->cl_body != NULL) {
        /* a collapse (mss_collapse.c): what was held and what is left
         * give way to the plain status and its body */
        rw->hlen = 0;
        rw->holding = 0;
        rw->base += (apr_off_t)rw->len;
        rw->len = 0;
        rw->edits->nelts = 0;
        mss_rw_headers(v);
        if (rw->cl_body[0] != '\0') {
            set_header(v, "Content-Type", "application/xml; charset=\"utf-8\"");
        }
        else {
            set_header(v, "Content-Type", NULL);
        }
        emit_out(v, rw->cl_body, strlen(rw->cl_body));
        return;
    }
    if (!rw->pass) {
        /* what follows the root (comments, whitespace) */
        if (rw->len > 0) {
            mss_rw_commit(v, rw->base + (apr_off_t)rw->len);
        }
        mss_rw_headers(v);
    }
    mss_validator_release(v);
}

void mss_rw_changed(mss_validator_t *v)
{
    if (v->rw != NULL) {
        v->rw->changed = 1;
    }
}

int mss_rw_result(const mss_validator_t *v, apr_off_t *bytes_out)
{
    *bytes_out = v->rw != NULL ? v->rw->out : 0;
    return v->rw != NULL && v->rw->changed;
}

const char *mss_rw_ct_charset(const mss_validator_t *v)
{
    return v->rw != NULL ? v->rw->ct_charset : NULL;
}

apr_size_t mss_validator_responses_done(const mss_validator_t *v)
{
    return v->responses - (v->in_response ? 1 : 0);
}
