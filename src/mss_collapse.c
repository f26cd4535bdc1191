/*
 * mss_collapse.c: Rewrite mode, the N3 actions that answer a 207 with a
 * plain status instead (rules.md 2.8-2.12), each opt-in with --rule ID=fix
 * or DAVMSStrictRule ID fix:
 *   PF-UNMAPPED-404    the only response says the Request-URI is not
 *                      mapped: 404 (RFC 4918 9.6);
 *   PP-PROPSTAT-FORM   the one PROPPATCH response is a failure in status
 *                      form: that status (RFC 4918 9.2);
 *   DEL-MEMBERS-ONLY   the only response is the Request-URI's failure:
 *                      that status (RFC 4918 9.6.1);
 *   DEL-HAS-FAILURE    no failure at all: 204 (RFC 4918 9.6.1, App. B);
 *   MS-EMPTY           an empty DELETE multistatus: 204;
 *   CM-OTHER-RESOURCE  the only response left is the failure of the
 *                      source or destination root: that status (RFC 4918
 *                      9.8.3, 9.9.2);
 *   LOCK-DEPTH0        the one response of a Depth: 0 LOCK is the
 *                      Request-URI's failure: that status (9.10.3).
 * The response's DAV:error, if it has one, becomes the body, a document of
 * its own with the namespace declarations it had in scope; otherwise there
 * is no body.
 *
 * The decision needs the whole body, and the status line goes before it,
 * so while a collapse is still possible the rewriter holds its output
 * (mss_rw_hold), bounded as one response is (twice response=).  The hold
 * ends as soon as no collapse is possible any more: a second response
 * that goes out, a failure where none may be, a child of the multistatus
 * other than a response, the bound.  The collapse is taken only where
 * nothing but the outcome is lost: the response has one href, its status
 * (RFC 4918 14.24: status form; a status a fix gave it counts), no
 * responsedescription or location, at most one DAV:error, which goes as
 * it would in the body (with the fixes inside it: a second run sees
 * it so).  424 never stands alone (RFC 4918 11.4: it names no cause).
 */
#include <string.h>

#include <apr_strings.h>

#include "mss_state.h"

int mss_cl_wanted(const mss_validator_t *v, mss_rule_e rule)
{
    return v->opts.mode != MSS_MODE_LOG
           && v->opts.rule_action[rule] == MSS_ACTION_FIX;
}

static unsigned int bit_of(mss_rule_e rule)
{
    switch (rule) {
    case MSS_R_PF_UNMAPPED_404:
        return MSS_CL_UNMAPPED;
    case MSS_R_PP_PROPSTAT_FORM:
        return MSS_CL_PP;
    case MSS_R_DEL_MEMBERS_ONLY:
        return MSS_CL_DEL_SELF;
    case MSS_R_DEL_HAS_FAILURE:
        return MSS_CL_DEL_OK;
    case MSS_R_MS_EMPTY:
        return MSS_CL_DEL_EMPTY;
    case MSS_R_CM_OTHER_RESOURCE:
        return MSS_CL_CM;
    case MSS_R_LOCK_DEPTH0:
        return MSS_CL_LOCK0;
    default:
        return 0;
    }
}

/* At the output's set-up: the collapses this request could see. */
void mss_cl_start(mss_validator_t *v)
{
    static const mss_rule_e del[] = {MSS_R_DEL_MEMBERS_ONLY,
                                     MSS_R_DEL_HAS_FAILURE, MSS_R_MS_EMPTY};
    unsigned int b = 0;
    size_t i;

    if (v->status != 207) {
        return;
    }
    switch (v->m) {
    case MSS_M_PROPFIND:
        b = mss_rw_on(v, MSS_R_PF_UNMAPPED_404) ? MSS_CL_UNMAPPED : 0;
        break;
    case MSS_M_PROPPATCH:
        b = mss_rw_on(v, MSS_R_PP_PROPSTAT_FORM) ? MSS_CL_PP : 0;
        break;
    case MSS_M_DELETE:
        for (i = 0; i < sizeof(del) / sizeof(del[0]); i++) {
            b |= mss_rw_on(v, del[i]) ? bit_of(del[i]) : 0;
        }
        break;
    case MSS_M_COPY:
    case MSS_M_MOVE:
        b = mss_rw_on(v, MSS_R_CM_OTHER_RESOURCE) ? MSS_CL_CM : 0;
        break;
    case MSS_M_LOCK:
        b = v->depth != NULL && v->depth_kind == 0
                    && mss_rw_on(v, MSS_R_LOCK_DEPTH0)
                ? MSS_CL_LOCK0
                : 0;
        break;
    default:
        break;
    }
    v->cl.rules = b;
    v->cl.code = -1;
    v->cl.body = "";
    if (b != 0) {
        mss_rw_hold(v);
    }
}

static void settle(mss_validator_t *v)
{
    if (v->cl.rules == 0 && mss_validator_holding(v)) {
        mss_validator_release(v);
    }
}

static void settle_all(mss_validator_t *v)
{
    v->cl.rules = 0;
    settle(v);
}

/* A child of the multistatus other than a response: a plain status
 * could not carry it. */
void mss_cl_root_child(mss_validator_t *v)
{
    settle_all(v);
}

/* The response's DAV:error as a document of its own, or NULL when it
 * cannot go as it came. */
static const char *error_body(mss_validator_t *v)
{
    const response_t *r = &v->resp;
    apr_off_t a;
    apr_off_t b;
    const char *s;
    apr_size_t n;
    apr_size_t name;

    if (r->nerror == r->err_removed && r->bare.n == 0) {
        return ""; /* none, or none left (MS-ERR-CONTENT) */
    }
    if (r->nerror == 0 && r->bare.n == 1) {
        /* a condition without its error, which MS-ERR-PLACEMENT wraps in
         * one (the response's prefix): the error as it goes out, with
         * the fixes inside it (MS-ERR-LOCK-TOKEN-HREF's href), as a
         * second run reads it */
        const char *q = mss_rw_qual(v, mss_rw_lt(v, r->tag));

        a = r->bare.a;
        b = r->bare.b;
        if (q == NULL || r->bare_ns == NULL
            || !mss_rw_on(v, MSS_R_MS_ERR_PLACEMENT) || a < 0 || b <= a
            || (s = mss_rw_bytes_out(v, v->pool, a, b, &n)) == NULL) {
            return NULL;
        }
        return apr_pstrcat(
            v->pool, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<", q,
            "error", r->bare_ns, ">", s, "</", q, "error>\n", NULL);
    }
    if (r->nerror != 1 || r->err_removed != 0 || r->bare.n != 0) {
        return NULL;
    }
    if (r->nerror > 1 || r->errors4 == NULL || r->errors4->nelts != 4
        || r->err_ns == NULL) {
        return NULL;
    }
    a = APR_ARRAY_IDX(r->errors4, 0, apr_off_t);
    b = APR_ARRAY_IDX(r->errors4, 3, apr_off_t);
    if (a < 0 || b <= a
        || (s = mss_rw_bytes_out(v, v->pool, a, b, &n)) == NULL) {
        return NULL;
    }
    /* the declarations go right after the element's name */
    for (name = 1;
         name < n && s[name] != ' ' && s[name] != '\t' && s[name] != '\r'
         && s[name] != '\n' && s[name] != '/' && s[name] != '>';
         name++) {
    }
    return apr_pstrcat(v->pool, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n",
                       apr_pstrndup(v->pool, s, name), r->err_ns,
                       apr_pstrndup(v->pool, s + name, n - name), "\n", NULL);
}

/* A top-level response has ended, its fixes decided. */
void mss_cl_response(mss_validator_t *v)
{
    const response_t *r = &v->resp;
    unsigned int keep = v->cl.rules;

    if (keep == 0) {
        return;
    }
    keep &= ~(unsigned int)MSS_CL_DEL_EMPTY;
    if (v->entries_fail > 0 || v->entries_unknown > 0) {
        keep &= ~(unsigned int)MSS_CL_DEL_OK;
    }
    if (v->entries_fail > 1 || v->fail_nonroot > 0) {
        keep &= ~(unsigned int)MSS_CL_CM;
    }
    if (v->responses > 1) {
        /* "the only response" */
        keep &= ~(unsigned int)(MSS_CL_UNMAPPED | MSS_CL_PP | MSS_CL_DEL_SELF
                                | MSS_CL_LOCK0);
    }
    if (r->drop == 0 && ++v->cl.out == 1 && (keep & MSS_CL_ONE) != 0) {
        const char *body = NULL;
        int code = r->out_code > 0                        ? r->out_code
                   : r->nstatus == 1 && r->npropstat == 0 ? r->code
                                                          : -1;

        /* (an href MS-HREF-REQUIRED put in is the Request-URI) */
        const char *href = r->href_added ? v->uri : r->href;
        apr_size_t hlen = r->href_added ? strlen(v->uri) : r->href_len;

        /* nothing in it but its href, its status (or the propstats a fix
         * turned into one) and one error, as it goes out */
        if (((r->nhref == 1 && r->href != NULL) || r->href_added)
            && r->ndesc == 0 && r->nlocation == r->loc_gone && !r->stray
            && r->children
                   == r->nhref + r->nstatus + r->npropstat + r->nerror
                          - r->err_removed + r->bare.n) {
            body = error_body(v);
        }
        v->cl.code = code;
        v->cl.unmapped = code == 404
                         || (r->nstatus == 0 && r->npropstat == 1
                             && r->ps_empty_404 == 1 && r->nerror == 0);
        if (body == NULL) {
            keep &= ~(unsigned int)MSS_CL_ONE;
        }
        else {
            int same;
            char *k =
                v->req_key != NULL
                    ? mss_resolve_key(v->rpool, href, v->uri, &v->origin, &same)
                    : NULL;

            v->cl.body = body;
            v->cl.self =
                k != NULL && mss_href_scope(k, v->req_key) == MSS_SCOPE_SELF;
            v->cl.root =
                v->cl.self
                || (k != NULL && v->dest_key != NULL
                    && mss_href_scope(k, v->dest_key) == MSS_SCOPE_SELF);
            v->cl.href = apr_pstrndup(v->pool, href, hlen);
            v->cl.href_len = hlen;
        }
    }
    else if (r->drop == 0) {
        keep &= ~(unsigned int)MSS_CL_ONE; /* a second one goes out */
    }
    v->cl.rules = keep;
    settle(v);
}

/* The status @p rule's collapse answers with, or 0 when it cannot. */
static int collapse_status(const mss_validator_t *v, unsigned int bit)
{
    const mss_cl_t *c = &v->cl;
    /* a failure that a plain status carries (RFC 4918 11.4: a 424 alone
     * names no cause) */
    int failure = c->code >= 400 && c->code <= 599 && c->code != 424;

    if ((c->rules & bit) == 0 || !mss_validator_holding(v)) {
        return 0;
    }
    switch (bit) {
    case MSS_CL_DEL_OK:
        return v->responses > 0 ? 204 : 0;
    case MSS_CL_DEL_EMPTY:
        return v->responses == 0 ? 204 : 0;
    case MSS_CL_UNMAPPED:
        return c->out == 1 && c->self && c->unmapped ? 404 : 0;
    case MSS_CL_CM:
        return c->out == 1 && c->root && failure ? c->code : 0;
    default: /* PP, DEL_SELF, LOCK0: the Request-URI's own failure */
        return c->out == 1 && v->responses == 1 && c->self && failure ? c->code
                                                                      : 0;
    }
}

/* At the end, whatever became of the body: the findings that waited for
 * a decision that never came (not well-formed, another root) */
void mss_cl_flush(mss_validator_t *v)
{
    if (v->cl.pp_msg != NULL) {
        mss_v_at(v, MSS_R_PP_PROPSTAT_FORM, MSS_SEV_WARN, 1, v->cl.pp_line,
                 v->cl.pp_col, v->cl.pp_msg);
        v->cl.pp_msg = NULL;
    }
    if (v->cl.depth0_late) {
        mss_v_doc(v, MSS_R_LOCK_DEPTH0, MSS_SEV_WARN, 0, 0, MSS_CL_DEPTH0);
        v->cl.depth0_late = 0;
    }
}

int mss_cl_report(mss_validator_t *v, mss_rule_e rule, unsigned long index,
                  unsigned long line, unsigned long col, const char *msg)
{
    unsigned int bit = bit_of(rule);
    int st = mss_validator_status(v) == 0 ? collapse_status(v, bit) : 0;
    const mss_rule_info_t *ri = mss_rule_info(rule);
    int body =
        st != 0 && st != 204 && v->cl.body != NULL && v->cl.body[0] != '\0';

    if (rule == MSS_R_PP_PROPSTAT_FORM) {
        v->cl.pp_msg = NULL;
    }
    if (rule == MSS_R_LOCK_DEPTH0) {
        v->cl.depth0_late = 0;
    }
    if (v->opts.rule_action[rule] == MSS_ACTION_OFF) {
        return 0;
    }
    if (st == 0 && bit != 0 && mss_cl_wanted(v, rule) && mss_rw_hold_over(v)) {
        /* it might have collapsed, but the output could not wait */
        msg = apr_pstrcat(v->pool, msg,
                          "; not answered with a plain status: the body "
                          "outgrew what Rewrite holds (twice response=)",
                          NULL);
    }
    if (st == 0) {
        if (index > 0 && v->cl.href != NULL) {
            mss_v_emit(v, rule, ri->severity, index, v->cl.href, v->cl.href_len,
                       line, col, msg, NULL);
        }
        else if (index > 0) {
            mss_v_at(v, rule, ri->severity, index, line, col, msg);
        }
        else {
            mss_v_doc(v, rule, ri->severity, line, col, msg);
        }
        return 0;
    }
    mss_rw_set_status(v, st, st == 204 ? "" : v->cl.body);
    mss_v_emit(v, rule, ri->severity, index, index > 0 ? v->cl.href : NULL,
               index > 0 ? v->cl.href_len : 0, line, col,
               apr_psprintf(v->pool, "%s; answered %d instead%s", msg, st,
                            body ? ", its DAV:error as the body" : ""),
               "fixed");
    return 1;
}
