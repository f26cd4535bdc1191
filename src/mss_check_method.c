/*
 * mss_check_method.c: the rules that read a response against the request
 * (rules.md 2.4 comparisons, 2.8-2.12): href uniqueness and origin, the
 * scope of each href against the Request-URI (and Destination), and what
 * each method's 207 may and must contain.
 *
 * Scope classification and the canonical key are those of rules.md 0.4
 * (mss_href.c).  An "entry" is one top-level response: status form gives
 * its status; propstat form fails when any propstat fails.  Whole-body
 * facts are counters and one digest per href, never copies of hrefs.
 */
#include <string.h>

#include <apr_strings.h>

#include "mss_state.h"

static int is_2xx(int code)
{
    return code >= 200 && code < 300;
}

/* ---- at create: what the request alone decides ------------------- */

void mss_method_create(mss_validator_t *v)
{
    if (!(v->m == MSS_M_LOCK)) {
        return;
    }
    /* LOCK-DEPTH0: RFC 4918 9.10.3, a multistatus arises from depth
     * locking only */
    if (v->status == 207 && v->depth != NULL && v->depth_kind == 0) {
        if (mss_cl_wanted(v, MSS_R_LOCK_DEPTH0)) {
            v->cl.depth0_late = 1; /* the collapse decides at the end */
        }
        else {
            mss_v_doc(v, MSS_R_LOCK_DEPTH0,
                      mss_rule_info(MSS_R_LOCK_DEPTH0)->severity, 0, 0,
                      MSS_CL_DEPTH0);
        }
    }
    /* LOCK-2518-409 is decided at the root element: only a multistatus
     * body makes a 409 the RFC 2518 shape */
}

/* ---- at each propstat's end --------------------------------------- */

/* The digest of a property name.  libxml2 hands out the same pointers for
 * the same names, so a small cache keyed by the pointers saves hashing
 * the strings of every property of every response; the digest itself is
 * always computed from the strings. */
static apr_uint64_t name_digest(mss_validator_t *v, const prop_name_t *pn)
{
    apr_size_t i =
        (((apr_size_t)pn->local >> 3) ^ ((apr_size_t)pn->uri >> 5)) & 63;

    if (v->names[i].local != pn->local || v->names[i].uri != pn->uri) {
        v->names[i].local = pn->local;
        v->names[i].uri = pn->uri;
        v->names[i].digest = mss_digest_name(pn->uri, pn->local);
    }
    return v->names[i].digest;
}

/* Rewrite, PF-PROP-ONCE with the same status (rules.md: N1 keep the
 * first): the repeat's element goes, with the whitespace before it (its
 * line).  Called right after the finding, which it marks fixed. */
static void drop_repeat(mss_validator_t *v, const prop_name_t *pn)
{
    apr_off_t a = pn->a >= 0 ? mss_rw_lt(v, pn->a) : -1;

    if (!mss_rw_on(v, MSS_R_PF_PROP_ONCE) || a < 0 || pn->b <= a
        || mss_rw_bytes(v, a, pn->b) == NULL) {
        return;
    }
    mss_rw_edit(v, mss_rw_ws_back(v, a, 0), pn->b, "");
    mss_v_mark_last(v, MSS_R_PF_PROP_ONCE);
}

/* Rewrite (PF-ERROR-PROPS-EMPTY, PP-NAMES-ONLY): empty the property
 * elements of this propstat, keeping their names: "<X:a ...>value</X:a>"
 * becomes "<X:a .../>".  Values held in attributes would stay, so such a
 * propstat is left as it is.  Called right after the finding. */
static int empty_values(mss_validator_t *v, mss_rule_e rule)
{
    apr_array_header_t *rg = v->prop_ranges;
    int i;

    if (!mss_rw_on(v, rule) || rg == NULL || v->ps.attr_values > 0
        || (unsigned int)rg->nelts != 2 * v->ps.with_content) {
        return 0;
    }
    for (i = 0; i + 1 < rg->nelts; i += 2) {
        mss_rw_edit(v, APR_ARRAY_IDX(rg, i, apr_off_t),
                    APR_ARRAY_IDX(rg, i + 1, apr_off_t), "/>");
    }
    mss_v_mark(v, rule, v->ps.content_line, 0, "fixed");
    return 1;
}

void mss_method_propstat(mss_validator_t *v)
{
    propstat_t *ps = &v->ps;
    response_t *r = &v->resp;
    int code = ps->nstatus == 1 ? ps->code : -1;
    int emptied = 0; /* Rewrite emptied its values (PP-NAMES-ONLY) */
    int i;

    if (code < 0) {
        r->ps_unknown++;
    }
    else if (is_2xx(code)) {
        r->ps_2xx++;
    }
    else {
        r->ps_fail++;
        if (code == 424) {
            r->ps_424++;
        }
        if (code == 404 && ps->properties == 0) {
            r->ps_empty_404++;
        }
    }
    if (ps->properties > 0 && ps->lockdiscovery == ps->properties) {
        r->ps_lockdiscovery_only++;
    }

    /* PF-208-DEPTH: RFC 5842 7.1 uses 208 inside a propstat too */
    if (v->m == MSS_M_PROPFIND && code == 208
        && v->depth_kind != MSS_DEPTH_INFINITY) {
        mss_v_violation(v, MSS_R_PF_208_DEPTH, ps->line, ps->col,
                        "208 Already Reported under Depth: 0 or 1 (RFC 5842 "
                        "7.1 uses it within Depth: infinity)");
    }
    /* PF-ERROR-PROPS-EMPTY: RFC 4918 14.22, only successful entries carry
     * values (PROPFIND and the REPORT/SEARCH results that reuse it) */
    if (v->prop_once && code >= 0 && !is_2xx(code) && ps->with_content > 0) {
        mss_v_violation(
            v, MSS_R_PF_ERROR_PROPS_EMPTY, ps->content_line, 0,
            apr_psprintf(v->rpool,
                         "%u propert%s under status %d carr%s a value "
                         "(first: %s); RFC 4918 14.22: a failed propstat "
                         "names properties only",
                         ps->with_content, ps->with_content == 1 ? "y" : "ies",
                         code, ps->with_content == 1 ? "ies" : "y",
                         mss_v_esc(v, ps->first_with_content,
                                   strlen(ps->first_with_content))));
        empty_values(v, MSS_R_PF_ERROR_PROPS_EMPTY);
    }
    /* PP-NAMES-ONLY: RFC 4918 14.22, example 9.2.2 */
    if ((v->m == MSS_M_PROPPATCH) && ps->with_content > 0) {
        mss_v_violation(
            v, MSS_R_PP_NAMES_ONLY, ps->content_line, 0,
            apr_psprintf(v->rpool,
                         "%u propert%s in a PROPPATCH propstat carr%s a "
                         "value (first: %s); RFC 4918 14.22: names only",
                         ps->with_content, ps->with_content == 1 ? "y" : "ies",
                         ps->with_content == 1 ? "ies" : "y",
                         mss_v_esc(v, ps->first_with_content,
                                   strlen(ps->first_with_content))));
        emptied = empty_values(v, MSS_R_PP_NAMES_ONLY);
    }
    /* a resourcetype tells the resource's kind only as a value: in a 2xx
     * propstat where no property has a value (a propname answer, RFC 4918
     * 9.1.4), or where Rewrite empties the values, an empty
     * DAV:resourcetype is just a name (what a second run sees) */
    if (code >= 0 && is_2xx(code) && ps->restype
        && (ps->collection || ps->with_content > 0) && !emptied
        && !r->restype_2xx) {
        /* the first one decides (PF-PROP-ONCE keeps it) */
        r->restype_2xx = 1;
        r->collection = ps->collection;
    }
    /* PF-PROP-ONCE: RFC 4918 9.1, 4.4 (one value per property name) */
    for (i = 0; ps->names != NULL && !r->names_off && i < ps->names->nelts;
         i++) {
        const prop_name_t *pn = &APR_ARRAY_IDX(ps->names, i, prop_name_t);
        int seen = 0;
        int same = 0;

        if (r->names != NULL) {
            apr_uint64_t d = name_digest(v, pn);
            apr_uint64_t dc =
                d
                ^ ((apr_uint64_t)(code + 2) * APR_UINT64_C(0x9e3779b97f4a7c15));

            seen = !mss_hset_add(r->names, d);
            same = !mss_hset_add(r->names_code, dc != 0 ? dc : 1);
        }
        else {
            unsigned int j;
            apr_uint64_t bit = APR_UINT64_C(1)
                               << (((apr_size_t)pn->local >> 4) & 63);

            /* the scan runs only when the local name's bit is taken */
            for (j = (r->nn_mask & bit) ? 0 : r->nn; j < r->nn; j++) {
                const prop_name_t *o = &r->nn_names[j];

                if (o->local == pn->local && mss_same_name(o->uri, pn->uri)) {
                    seen = 1;
                    same |= r->ncode[j] == code;
                }
            }
            if (r->nn == r->ncap) {
                if (r->ncap == MSS_NAMES_LINEAR) {
                    /* many names: move to digest sets */
                    r->names = mss_hset_make(v->rpool);
                    r->names_code = mss_hset_make(v->rpool);
                    if (r->names == NULL || r->names_code == NULL) {
                        /* out of memory: stop tracking names here */
                        r->names = NULL;
                        r->names_off = 1;
                        break;
                    }
                    for (j = 0; j < r->nn; j++) {
                        apr_uint64_t d = name_digest(v, &r->nn_names[j]);
                        apr_uint64_t dc =
                            d
                            ^ ((apr_uint64_t)(r->ncode[j] + 2)
                               * APR_UINT64_C(0x9e3779b97f4a7c15));

                        mss_hset_add(r->names, d);
                        mss_hset_add(r->names_code, dc != 0 ? dc : 1);
                    }
                    i--; /* this name again, through the sets */
                    continue;
                }
                r->ncap = r->ncap == 0 ? 16 : MSS_NAMES_LINEAR;
                {
                    prop_name_t *nm =
                        apr_palloc(v->rpool, r->ncap * sizeof(*nm));
                    int *nc = apr_palloc(v->rpool, r->ncap * sizeof(*nc));

                    if (r->nn > 0) {
                        memcpy(nm, r->nn_names, r->nn * sizeof(*nm));
                        memcpy(nc, r->ncode, r->nn * sizeof(*nc));
                    }
                    r->nn_names = nm;
                    r->ncode = nc;
                }
            }
            r->nn_mask |= bit;
            r->nn_names[r->nn] = *pn;
            r->ncode[r->nn] = code;
            r->nn++;
        }
        if (seen) {
            r->name_repeat = 1; /* (the merge's record of names dedupes) */
            mss_v_violation(
                v, MSS_R_PF_PROP_ONCE, ps->line, ps->col,
                apr_psprintf(
                    v->rpool,
                    "property {%s}%s appears again in this "
                    "response, %s (RFC 4918 9.1)",
                    pn->uri != NULL ? mss_v_esc(v, pn->uri, strlen(pn->uri))
                                    : "",
                    mss_v_esc(v, pn->local, strlen(pn->local)),
                    same ? "with the same status" : "with a different status"));
            if (same) {
                drop_repeat(v, pn);
            }
        }
    }
}

/* ---- at each response's end --------------------------------------- */

/* Digest of a key for the uniqueness set: the slash-stripped key, with
 * the lowest bit telling whether it had the final "/". */
static apr_uint64_t key_digest(const char *k)
{
    size_t n = strlen(k);
    int slash = n > 1 && k[n - 1] == '/';
    apr_uint64_t d = mss_digest(k, slash ? n - 1 : n);

    d = (d & ~APR_UINT64_C(1)) | (apr_uint64_t)slash;
    return d != 0 ? d : 2;
}

void mss_method_href(mss_validator_t *v, href_t *h)
{
    h->digest = 0;
    if (h->plain && h->checked && h->len > 0) {
        /* a plain href is its own key (href_rules) */
        h->digest = key_digest(h->s);
        mss_hset_prefetch(v->href_set, h->digest);
    }
}

/* The digest of the parent collection of key k, either slash form. */
static apr_uint64_t parent_digest(const char *k)
{
    size_t n = strlen(k);
    const char *e;

    if (n > 1 && k[n - 1] == '/') {
        n--;
    }
    e = k + n;
    while (e > k && e[-1] != '/') {
        e--;
    }
    /* k[0..e) ends in "/": strip it for the digest */
    n = (size_t)(e - k);
    if (n > 1) {
        n--;
    }
    return (mss_digest(k, n) & ~APR_UINT64_C(1)) | 1;
}

static int listed(const mss_validator_t *v, apr_uint64_t d)
{
    return mss_hset_has(v->href_set, d)
           || mss_hset_has(v->href_set, d ^ APR_UINT64_C(1));
}

static const char *scope_name(mss_scope_e s)
{
    switch (s) {
    case MSS_SCOPE_SELF:
        return "the Request-URI";
    case MSS_SCOPE_CHILD:
        return "a member";
    case MSS_SCOPE_DESCENDANT:
        return "a member below the first level";
    case MSS_SCOPE_OUTSIDE:
        return "outside the Request-URI";
    }
    return "?";
}

/* MS-HREF-UNIQUE merges: an href digest mixed with a status code */
static apr_uint64_t sf_key(apr_uint64_t d, int code)
{
    apr_uint64_t k =
        d ^ ((apr_uint64_t)(code + 1) * APR_UINT64_C(0x9e3779b97f4a7c15));

    return k != 0 ? k : 1;
}

/* Remember the href of digest @p d as listed by a status-form response
 * with @p code; 0 when out of memory */
static int sf_add(mss_validator_t *v, apr_uint64_t d, int code)
{
    if (v->sf_set == NULL) {
        v->sf_set = mss_hset_make(v->pool);
    }
    /* (out of memory: later duplicates stay, logged) */
    return v->sf_set != NULL && mss_hset_add(v->sf_set, sf_key(d, code)) >= 0;
}

/* Remember the hrefs of the response that ends (v->digests) as listed by
 * a status-form response with @p code */
static void sf_record(mss_validator_t *v, int code)
{
    int i;

    v->resp.sf_code = code; /* (an href Rewrite inserts joins them) */
    for (i = 0; i < v->digests->nelts; i++) {
        if (!sf_add(v, APR_ARRAY_IDX(v->digests, i, apr_uint64_t), code)) {
            break;
        }
    }
}

int mss_method_sf_merge(mss_validator_t *v, int code)
{
    if (!mss_rw_on(v, MSS_R_MS_HREF_UNIQUE)) {
        return 0;
    }
    if (v->digests->nelts == 1 && v->sf_set != NULL
        && mss_hset_has(
            v->sf_set,
            sf_key(APR_ARRAY_IDX(v->digests, 0, apr_uint64_t), code))) {
        return 1;
    }
    sf_record(v, code);
    return 0;
}

/* The per-href rules: origin, uniqueness, scope. */
static void href_rules(mss_validator_t *v, const href_t *h,
                       apr_array_header_t *digests, int *self_here,
                       int *root_here)
{
    int same;
    char *key;
    apr_uint64_t d;
    mss_scope_e scope = MSS_SCOPE_OUTSIDE;
    mss_scope_e dscope = MSS_SCOPE_OUTSIDE;

    same = 1;
    key = h->plain ? (char *)h->s
                   : mss_resolve_key(v->rpool, h->s, v->uri, &v->origin, &same);
    if (key == NULL) {
        return; /* not http(s): MS-HREF-HTTP speaks of it */
    }
/* the href, escaped for a message (only when there is one) */
#define HS mss_v_esc(v, h->s, h->len)

    /* MS-HREF-ORIGIN: RFC 4918 8.3; COPY/MOVE may also name the
     * Destination's origin; REPORT, SEARCH, UPDATE, MERGE results may
     * live elsewhere (RFC 3253 3.7.1, RFC 5323 2.3.4): reported, but not
     * a scope failure for them */
    if (same == 2) {
        /* a back-end origin the configuration maps to the request's: the
         * proxy let it through; Rewrite writes the request's origin */
        mss_v_violation(
            v, MSS_R_MS_HREF_ORIGIN, h->line, h->col,
            apr_psprintf(v->rpool,
                         "href \"%s\" has a back-end origin (mapped to "
                         "%s://%s:%d), not the request's (RFC 4918 8.3)",
                         HS, v->origin.scheme, v->origin.host, v->origin.port));
        if (h->origin_fixed) {
            mss_v_mark_last(v, MSS_R_MS_HREF_ORIGIN);
        }
    }
    else if (!same) {
        int allowed = 0;

        if (((v->m == MSS_M_COPY) || (v->m == MSS_M_MOVE))
            && v->dest_origin.scheme != NULL) {
            mss_origin_t ho;

            mss_origin_of(&ho, v->rpool, h->s);
            allowed = ho.scheme != NULL
                      && strcmp(ho.scheme, v->dest_origin.scheme) == 0
                      && strcmp(ho.host, v->dest_origin.host) == 0
                      && ho.port == v->dest_origin.port;
        }
        if (!allowed) {
            mss_v_violation(
                v, MSS_R_MS_HREF_ORIGIN, h->line, h->col,
                apr_psprintf(v->rpool,
                             "href \"%s\" has another origin than the "
                             "request (%s://%s:%d) (RFC 4918 8.3)",
                             HS, v->origin.scheme, v->origin.host,
                             v->origin.port));
        }
    }

    /* MS-HREF-UNIQUE: RFC 4918 14.24; slash variants are probable
     * aliases (INFO) */
    d = h->digest != 0 ? h->digest : key_digest(key);
    if (mss_hset_has(v->href_set, d)) {
        if (v->resp.sf_plain && v->sf_set != NULL
            && mss_hset_has(v->sf_set, sf_key(d, v->resp.code))) {
            ((href_t *)h)->dup_same = 1;
            v->resp.ndup_same++;
        }
        mss_v_violation(v, MSS_R_MS_HREF_UNIQUE, h->line, h->col,
                        apr_psprintf(v->rpool,
                                     "href \"%s\" already appeared in an "
                                     "earlier response (RFC 4918 14.24)",
                                     HS));
    }
    else if (mss_hset_has(v->href_set, d ^ APR_UINT64_C(1))) {
        mss_v_violation_sev(
            v, MSS_R_MS_HREF_UNIQUE, MSS_SEV_INFO, h->line, h->col,
            apr_psprintf(v->rpool,
                         "href \"%s\" differs from an earlier response's "
                         "only by the final '/': a probable alias",
                         HS));
    }
    *MSS_PUSH(digests, apr_uint64_t) = d;

    if (v->req_key == NULL) {
        return;
    }
    /* a configured back-end prefix names the front-end resource
     * (MS-HREF-PROXY-MAP reports it; the scope rules judge the mapped
     * href) */
    if (v->proxy_map != NULL && same) {
        int j = mss_map_prefix(v, key);

        if (j >= 0) {
            key = apr_pstrcat(
                v->rpool, APR_ARRAY_IDX(v->proxy_map, j + 1, const char *),
                key + strlen(APR_ARRAY_IDX(v->proxy_map, j, const char *)),
                NULL);
        }
    }
    scope = mss_href_scope(key, v->req_key);
    if (v->dest_key != NULL) {
        dscope = mss_href_scope(key, v->dest_key);
    }
    if (scope == MSS_SCOPE_SELF) {
        *self_here = 1;
    }
    if (scope == MSS_SCOPE_SELF || dscope == MSS_SCOPE_SELF) {
        *root_here = 1;
    }

    if (v->m == MSS_M_PROPFIND) {
        /* PF-DEPTH-SCOPE: RFC 4918 9.1, 10.2 */
        int bad = scope == MSS_SCOPE_OUTSIDE
                  || (v->depth_kind == 0 && scope != MSS_SCOPE_SELF)
                  || (v->depth_kind == 1 && scope == MSS_SCOPE_DESCENDANT);

        /* Rewrite (N2): deeper than asked, inside the subtree: surplus the
         * client did not ask for; under Depth 0 only beside a response
         * for the Request-URI itself; outside hrefs stay (LOG) */
        if (bad && scope != MSS_SCOPE_OUTSIDE && v->resp.nhref == 1
            && (v->depth_kind != 0 || v->self_responses > 0)
            && mss_rw_on(v, MSS_R_PF_DEPTH_SCOPE)) {
            v->resp.drop = MSS_R_PF_DEPTH_SCOPE;
        }
        if (bad) {
            mss_v_violation(v, MSS_R_PF_DEPTH_SCOPE, h->line, h->col,
                            apr_psprintf(v->rpool,
                                         "href \"%s\" is %s, beyond Depth: %s "
                                         "(RFC 4918 9.1, 10.2)",
                                         HS, scope_name(scope),
                                         v->depth_kind == 0   ? "0"
                                         : v->depth_kind == 1 ? "1"
                                                              : "infinity"));
        }
        /* PF-ANCESTORS-LISTED: RFC 4918 9.1 (heuristic; INFO) */
        if (scope == MSS_SCOPE_DESCENDANT
            && v->depth_kind == MSS_DEPTH_INFINITY) {
            apr_uint64_t pd = parent_digest(key);

            if (!listed(v, pd)) {
                orphan_t *o;

                if (v->orphans == NULL) {
                    v->orphans = apr_array_make(v->pool, 4, sizeof(orphan_t));
                }
                o = &APR_ARRAY_PUSH(v->orphans, orphan_t);
                o->parent = pd;
                o->index = v->resp.index;
                o->line = h->line;
                o->col = h->col;
            }
        }
    }
    else if (v->m == MSS_M_PROPPATCH) {
        /* PP-SINGLE-TARGET: RFC 4918 9.2 */
        if (scope != MSS_SCOPE_SELF) {
            mss_v_violation(v, MSS_R_PP_SINGLE_TARGET, h->line, h->col,
                            apr_psprintf(v->rpool,
                                         "PROPPATCH response for \"%s\", "
                                         "%s (RFC 4918 9.2)",
                                         HS, scope_name(scope)));
        }
    }
    else if (v->m == MSS_M_DELETE) {
        /* DEL-MEMBERS-ONLY: RFC 4918 9.6.1 */
        if (scope == MSS_SCOPE_OUTSIDE) {
            mss_v_violation(v, MSS_R_DEL_MEMBERS_ONLY, h->line, h->col,
                            apr_psprintf(v->rpool,
                                         "DELETE 207 names \"%s\", outside "
                                         "the deleted collection (RFC 4918 "
                                         "9.6.1)",
                                         HS));
        }
    }
    else if ((v->m == MSS_M_COPY) || (v->m == MSS_M_MOVE)) {
        /* CM-HREF-SCOPE: RFC 4918 9.8.5, 9.9.4 */
        int in_src = scope != MSS_SCOPE_OUTSIDE;
        int in_dst = v->dest_key != NULL && dscope != MSS_SCOPE_OUTSIDE;

        if ((v->m == MSS_M_COPY) && v->depth != NULL && v->depth_kind == 0) {
            in_src = scope == MSS_SCOPE_SELF;
            in_dst = dscope == MSS_SCOPE_SELF;
        }
        if (!in_src && !in_dst) {
            mss_v_violation(
                v, MSS_R_CM_HREF_SCOPE, h->line, h->col,
                apr_psprintf(v->rpool,
                             "%s 207 names \"%s\", in neither the source "
                             "nor the destination %s (RFC 4918 9.8.5, "
                             "9.9.4)",
                             v->method, HS,
                             v->depth_kind == 0 && v->depth != NULL
                                 ? "root (Depth: 0)"
                                 : "tree"));
        }
    }
    else if (v->m == MSS_M_LOCK) {
        /* LOCK-SCOPE: RFC 4918 9.10.3 */
        if (scope == MSS_SCOPE_OUTSIDE) {
            mss_v_violation(v, MSS_R_LOCK_SCOPE, h->line, h->col,
                            apr_psprintf(v->rpool,
                                         "LOCK 207 names \"%s\", outside "
                                         "the locked hierarchy (RFC 4918 "
                                         "9.10.3)",
                                         HS));
        }
    }
}
#undef HS

/* Rewrite, MS-HREF-COLLECTION-SLASH (N1): "/" before any query of the
 * response's first href, unless the slash form is already listed (then it
 * is MS-HREF-UNIQUE's). */
static void slash_fix(mss_validator_t *v, response_t *r)
{
    int i;
    int same;
    href_t *h = NULL;
    const char *cur;
    char *k;
    apr_size_t q;

    if (!mss_rw_on(v, MSS_R_MS_HREF_COLLECTION_SLASH)) {
        return;
    }
    /* (the href the check judged: the first that goes out) */
    for (i = 0; r->hrefs != NULL && i < r->hrefs->nelts; i++) {
        h = &APR_ARRAY_IDX(r->hrefs, i, href_t);
        if (h->len > 0 && !h->remove) {
            break;
        }
    }
    if (h == NULL || h->len == 0 || h->remove || h->ca < 0) {
        return;
    }
    k = mss_resolve_key(v->rpool, h->s, v->uri, &v->origin, &same);
    if (k == NULL || mss_hset_has(v->href_set, key_digest(k) | 1)) {
        return;
    }
    cur = h->fix != NULL ? h->fix : h->s;
    if (h->fix != NULL) {
        /* the fix may keep whitespace around the value: the "/" goes
         * after its last non-space byte before any query */
        const char *t = cur;
        apr_size_t tl = strlen(cur);

        mss_trim(&t, &tl);
        q = (apr_size_t)(t - cur) + strcspn(t, "?");
        if (q > (apr_size_t)(t - cur) + tl) {
            q = (apr_size_t)(t - cur) + tl;
        }
    }
    else {
        q = strcspn(cur, "?");
    }
    h->fix = apr_pstrcat(v->rpool, apr_pstrmemdup(v->rpool, cur, q), "/",
                         cur + q, NULL);
    mss_v_mark(v, MSS_R_MS_HREF_COLLECTION_SLASH, r->line, r->col, "fixed");
}

/* DEL-NO-424/DEL-NO-204, CM-NO-424/CM-NO-201-204 on a status entry. */
static void redundant_status(mss_validator_t *v, response_t *r, int copymove)
{
    mss_rule_e r424 = copymove ? MSS_R_CM_NO_424 : MSS_R_DEL_NO_424;
    mss_rule_e rok = copymove ? MSS_R_CM_NO_201_204 : MSS_R_DEL_NO_204;
    int named = copymove ? (r->code == 201 || r->code == 204) : r->code == 204;

    /* Rewrite (N2): a 424 goes only when a failure that is not 424 has
     * already been listed, and a listed success always may
     * (RW-KEEP-FAILURE: a failure is never the last to go) */
    if (r->code == 424 && v->fails_real > 0 && mss_rw_on(v, r424)) {
        r->drop = r424;
    }
    else if (named && mss_rw_on(v, rok)) {
        r->drop = rok;
    }
    if (r->code == 424) {
        mss_v_violation(v, r424, r->line, r->col,
                        apr_psprintf(v->rpool,
                                     "424 in a %s 207: the failure is "
                                     "implied by the member's error "
                                     "(RFC 4918 %s)",
                                     v->method,
                                     copymove ? "9.8.3, 9.9.2" : "9.6.1"));
    }
    else if (named) {
        mss_v_violation(v, rok, r->line, r->col,
                        apr_psprintf(v->rpool,
                                     "%d in a %s 207: success is the "
                                     "default for unlisted resources "
                                     "(RFC 4918 %s)",
                                     r->code, v->method,
                                     copymove ? "9.8.3, 9.9.2" : "9.6.1"));
    }
    else if (is_2xx(r->code)) {
        /* rules.md A22: other 2xx are kept, and noted */
        mss_v_violation_sev(v, rok, MSS_SEV_INFO, r->line, r->col,
                            apr_psprintf(v->rpool,
                                         "%d listed in a %s 207, which "
                                         "reports failures",
                                         r->code, v->method));
    }
}

void mss_method_423(mss_validator_t *v, int code)
{
    /* CM-423-ERROR: RFC 4918 9.8.5, 9.9.4, 11.3 (also DELETE); an empty
     * DAV:error carries no condition either */
    const response_t *r = &v->resp;

    if (code == 423 && r->nerror_cond == 0
        && ((v->m == MSS_M_DELETE) || (v->m == MSS_M_COPY)
            || (v->m == MSS_M_MOVE))) {
        mss_v_violation(v, MSS_R_CM_423_ERROR, r->line, r->col,
                        "423 without DAV:error (RFC 4918 11.3: SHOULD carry "
                        "lock-token-submitted or no-conflicting-lock)");
    }
}

void mss_method_response(mss_validator_t *v)
{
    response_t *r = &v->resp;
    int status_form = r->nstatus > 0 && r->npropstat == 0;
    int fail = 0;
    int ok = 0;
    int self_here = 0;
    int i;
    apr_array_header_t *digests = v->digests;

    if (status_form) {
        fail = r->code >= 0 && !is_2xx(r->code);
        ok = r->code >= 0 && is_2xx(r->code);
    }
    else if (r->npropstat > 0) {
        fail = r->ps_fail > 0;
        ok = !fail && r->ps_unknown == 0;
    }
    if (fail) {
        v->entries_fail++;
    }
    if (status_form ? fail && r->code != 424 : r->ps_fail > r->ps_424) {
        v->fails_real++; /* counted before this response's own rules:
                          * harmless, a 424 is not counted */
    }
    else if (!ok) {
        v->entries_unknown++;
    }

    /* MS-HREF-UNIQUE (N1 merge): a response of href(s) and one status
     * only can lose what an earlier status-form response listed with the
     * same status */
    r->sf_plain = status_form && r->code >= 0 && r->nstatus == 1 && !r->stray
                  && r->children - (unsigned int)r->loc_goes == r->nhref + 1
                  && mss_rw_on(v, MSS_R_MS_HREF_UNIQUE);
    r->ndup_same = 0;
    /* the digests of this response's hrefs join the set after all of them
     * are checked (a repeat within one response is not a duplicate) */
    digests->nelts = 0;
    for (i = 0; r->hrefs != NULL && i < r->hrefs->nelts; i++) {
        const href_t *h = &APR_ARRAY_IDX(r->hrefs, i, href_t);
        int self_one = 0;
        int root_one = 0;

        if (h->len == 0 || !h->checked) {
            continue;
        }
        href_rules(v, h, digests, &self_one, &root_one);
        self_here |= self_one;

        if (fail && !root_one) {
            v->fail_nonroot++;
        }
    }
    for (i = 0; i < digests->nelts; i++) {
        mss_hset_add(v->href_set, APR_ARRAY_IDX(digests, i, apr_uint64_t));
    }
    if (r->ndup_same > 0 && r->drop == 0) {
        if (r->nhref == 1) {
            /* an identical status-form duplicate: the first stays */
            r->drop = MSS_R_MS_HREF_UNIQUE;
        }
        else if (r->ndup_same < r->nhref_nonempty) {
            /* the repeated hrefs go; the others keep the response */
            for (i = 0; i < r->hrefs->nelts; i++) {
                href_t *h = &APR_ARRAY_IDX(r->hrefs, i, href_t);

                h->remove = h->dup_same && h->ea >= 0;
            }
        }
    }
    if (self_here) {
        v->self_responses++;
    }
    if (r->index == 1) {
        v->first_self = self_here;
    }

    /* MS-HREF-COLLECTION-SLASH: RFC 4918 8.3, 5.2 */
    if (r->restype_2xx && r->href != NULL) {
        const char *hs = r->href;
        apr_size_t hl = r->href_len;
        const char *pp;
        apr_size_t path;
        int slash;

        for (i = 0; v->rw != NULL && r->hrefs != NULL && i < r->hrefs->nelts;
             i++) {
            const href_t *h = &APR_ARRAY_IDX(r->hrefs, i, href_t);

            if (h->len > 0 && !h->remove) {
                /* Rewrite: the first href as it goes out, which a second
                 * run reads (MS-HREF-FRAGMENT's %23 can move where the
                 * path begins; a repeat MS-HREF-UNIQUE removes is not
                 * there) */
                hs = mss_href_out(h, &hl);
                break;
            }
        }
        mss_href_path(hs, hl, &pp, &path);
        /* an empty path is "/" (RFC 3986 6.2.3) */
        slash = path == 0 || pp[path - 1] == '/';

        if (r->collection && !slash) {
            mss_v_violation(v, MSS_R_MS_HREF_COLLECTION_SLASH, r->line, r->col,
                            "a collection's href does not end in '/' "
                            "(RFC 4918 8.3, 5.2)");
            slash_fix(v, r);
        }
        else if (!r->collection && slash && path > 1) {
            /* rules.md: LOG only.  RFC 4918 8.3 asks the slash of
             * collections and forbids it nowhere (an iCloud principal's
             * href ends in '/'), so a note at info, not a warning */
            mss_v_violation_sev(v, MSS_R_MS_HREF_COLLECTION_SLASH, MSS_SEV_INFO,
                                r->line, r->col,
                                "the href of a resource that is not a "
                                "collection ends in '/' (RFC 4918 8.3 asks "
                                "it of collections; a client may take it "
                                "for one)");
        }
    }

    if (v->m == MSS_M_PROPFIND) {
        /* PF-208-DEPTH: RFC 5842 7.1 */
        if (status_form && r->code == 208
            && v->depth_kind != MSS_DEPTH_INFINITY) {
            mss_v_violation(v, MSS_R_PF_208_DEPTH, r->line, r->col,
                            "208 Already Reported under Depth: 0 or 1 "
                            "(RFC 5842 7.1 uses it within Depth: infinity)");
        }
        /* PF-UNMAPPED-404 candidate: RFC 4918 9.6 */
        if (r->index == 1 && self_here
            && ((status_form && r->code == 404)
                || (r->npropstat == 1 && r->ps_empty_404 == 1))) {
            v->first_unmapped = 1;
        }
    }
    else if (v->m == MSS_M_PROPPATCH) {
        /* PP-PROPSTAT-FORM: RFC 4918 9.2, 9.2.1 */
        if (status_form) {
            const char *msg = apr_psprintf(v->rpool,
                                           "PROPPATCH response in status "
                                           "form (%d); RFC 4918 9.2.1 "
                                           "reports per property",
                                           r->code);

            if (r->index == 1 && mss_cl_wanted(v, MSS_R_PP_PROPSTAT_FORM)) {
                /* the collapse decides at the end (the one copy in the
                 * validator's pool) */
                v->cl.pp_msg = apr_pstrdup(v->pool, msg);
                v->cl.pp_line = r->line;
                v->cl.pp_col = r->col;
            }
            else {
                mss_v_violation(v, MSS_R_PP_PROPSTAT_FORM, r->line, r->col,
                                msg);
            }
        }
        /* PP-ATOMIC: RFC 4918 9.2 */
        if (r->ps_2xx > 0 && r->ps_fail > 0) {
            mss_v_violation(v, MSS_R_PP_ATOMIC, r->line, r->col,
                            "PROPPATCH reports both success and failure: "
                            "all instructions succeed or none does "
                            "(RFC 4918 9.2)");
        }
        /* PP-424-NEEDS-CAUSE: RFC 4918 9.2.1, 11.4 */
        if (r->ps_fail > 0 && r->ps_424 == r->ps_fail) {
            mss_v_violation(v, MSS_R_PP_424_NEEDS_CAUSE, r->line, r->col,
                            "every failed property is 424: no failure is "
                            "reported for them to depend on (RFC 4918 "
                            "9.2.1)");
        }
        /* PP-SINGLE-TARGET: RFC 4918 9.2, one response */
        if (r->index == 2) {
            mss_v_violation(v, MSS_R_PP_SINGLE_TARGET, r->line, r->col,
                            "a second response in a PROPPATCH 207 "
                            "(RFC 4918 9.2: the Request-URI only)");
        }
    }
    else if (v->m == MSS_M_DELETE) {
        if (status_form) {
            redundant_status(v, r, 0);
        }
        if (r->nstatus > 0) {
            /* its own status, whatever else it holds (a status beside
             * propstats is MS-RESPONSE-FORM's) */
            mss_method_423(v, r->code);
        }
    }
    else if ((v->m == MSS_M_COPY) || (v->m == MSS_M_MOVE)) {
        if (status_form) {
            redundant_status(v, r, 1);
        }
        if (r->nstatus > 0) {
            mss_method_423(v, r->code);
        }
    }
    else if (v->m == MSS_M_LOCK) {
        /* LOCK-LEGACY-PROPSTAT: RFC 2518 8.10.10 vs RFC 4918 9.10.9 */
        if (r->npropstat > 0 && r->ps_lockdiscovery_only == r->npropstat) {
            mss_v_violation(v, MSS_R_LOCK_LEGACY_PROPSTAT, r->line, r->col,
                            "RFC 2518 shape: propstat with "
                            "DAV:lockdiscovery; RFC 4918 9.10.9 uses status "
                            "form");
        }
    }
    /* Rewrite: a status-form response that goes out is what a later
     * duplicate can be merged into (MS-HREF-UNIQUE) */
    if (status_form && r->code >= 0 && r->drop == 0
        && mss_rw_on(v, MSS_R_MS_HREF_UNIQUE)) {
        sf_record(v, r->code);
    }
}

/* ---- at the document's end ---------------------------------------- */

static int lock_424_fix(mss_validator_t *v);

void mss_method_document(mss_validator_t *v)
{
    int i;
    int any = v->responses > 0;
    int no_failure = any && v->entries_fail == 0 && v->entries_unknown == 0;

    if (!v->root_ok) {
        return;
    }
    if (v->m == MSS_M_PROPFIND) {
        /* PF-ROOT-PRESENT: RFC 4918 9.1; RFC 8144 4 (an empty multistatus
         * is MS-EMPTY's) */
        if (any && v->self_responses == 0 && !v->noroot && v->req_key != NULL) {
            mss_v_doc(v, MSS_R_PF_ROOT_PRESENT, MSS_SEV_WARN, 0, 0,
                      "no response for the Request-URI itself "
                      "(RFC 4918 9.1)");
        }
        /* PF-UNMAPPED-404: RFC 4918 9.6 */
        if (v->responses == 1 && v->first_unmapped) {
            mss_cl_report(v, MSS_R_PF_UNMAPPED_404, 1, 0, 0,
                          "207 whose only response says the Request-URI "
                          "does not exist (404): RFC 4918 9.6 answers a "
                          "plain 404");
        }
        /* PF-ANCESTORS-LISTED: RFC 4918 9.1 */
        for (i = 0; v->orphans != NULL && i < v->orphans->nelts; i++) {
            const orphan_t *o = &APR_ARRAY_IDX(v->orphans, i, orphan_t);

            if (!listed(v, o->parent)) {
                mss_v_at(v, MSS_R_PF_ANCESTORS_LISTED, MSS_SEV_INFO, o->index,
                         o->line, o->col,
                         "the collection holding this member is not "
                         "listed in the Depth: infinity answer");
            }
        }
    }
    else if (v->m == MSS_M_PROPPATCH) {
        /* PP-PROPSTAT-FORM of response 1, when its collapse was asked
         * for */
        if (v->cl.pp_msg != NULL) {
            mss_cl_report(v, MSS_R_PP_PROPSTAT_FORM, 1, v->cl.pp_line,
                          v->cl.pp_col, v->cl.pp_msg);
        }
    }
    else if (v->m == MSS_M_DELETE) {
        /* DEL-HAS-FAILURE: RFC 4918 9.6.1, App. B */
        if (no_failure) {
            mss_cl_report(v, MSS_R_DEL_HAS_FAILURE, 0, 0, 0,
                          "DELETE 207 without a failure: success is 204 "
                          "(RFC 4918 9.6.1)");
        }
        /* DEL-MEMBERS-ONLY: RFC 4918 9.6.1, only the Request-URI */
        if (v->responses == 1 && v->first_self) {
            mss_cl_report(v, MSS_R_DEL_MEMBERS_ONLY, 1, 0, 0,
                          "DELETE 207 about the Request-URI alone: a plain "
                          "status says the same (RFC 4918 9.6.1)");
        }
    }
    else if ((v->m == MSS_M_COPY) || (v->m == MSS_M_MOVE)) {
        /* CM-HAS-FAILURE: RFC 4918 9.8.5, 9.9.4 */
        if (no_failure) {
            mss_v_doc(v, MSS_R_CM_HAS_FAILURE, MSS_SEV_WARN, 0, 0,
                      apr_psprintf(v->pool,
                                   "%s 207 without a failure (RFC 4918 "
                                   "9.8.5, 9.9.4)",
                                   v->method));
        }
        /* CM-OTHER-RESOURCE: RFC 4918 9.8.3, 9.9.2 */
        if (v->entries_fail == 1 && v->fail_nonroot == 0
            && v->req_key != NULL) {
            mss_cl_report(v, MSS_R_CM_OTHER_RESOURCE, 0, 0, 0,
                          apr_psprintf(v->pool,
                                       "the only failure of this %s 207 is "
                                       "on the source or destination root: a "
                                       "plain status says the same (RFC 4918 "
                                       "9.8.3, 9.9.2)",
                                       v->method));
        }
    }
    else if (v->m == MSS_M_LOCK) {
        /* LOCK-DEPTH0, when its collapse was asked for */
        if (v->cl.depth0_late) {
            mss_cl_report(v, MSS_R_LOCK_DEPTH0, 0, 0, 0, MSS_CL_DEPTH0);
        }
        /* LOCK-IS-FAILURE: RFC 4918 9.10.3, 9.10.6 */
        if (no_failure) {
            mss_v_doc(v, MSS_R_LOCK_IS_FAILURE, MSS_SEV_WARN, 0, 0,
                      "LOCK 207 without a failing resource (RFC 4918 "
                      "9.10.6: success is 200 or 201)");
        }
        /* LOCK-424-REQUEST-URI: RFC 4918 9.10.3 */
        if (any && v->self_responses == 0 && v->req_key != NULL) {
            static const char msg[] = "LOCK 207 does not list the Request-URI "
                                      "with 424 (RFC 4918 9.10.3)";

            if (lock_424_fix(v)) {
                mss_v_emit(v, MSS_R_LOCK_424_REQUEST_URI, MSS_SEV_WARN, 0, NULL,
                           0, 0, 0, msg, "fixed");
            }
            else {
                mss_v_doc(v, MSS_R_LOCK_424_REQUEST_URI, MSS_SEV_WARN, 0, 0,
                          msg);
            }
        }
    }
}

/* Rewrite, LOCK-424-REQUEST-URI (rules.md: N2, derivable insertion; a
 * LOCK is all or nothing, so the Request-URI certainly was not locked):
 * a response for the Request-URI with 424 goes before the multistatus end
 * tag, in the root's prefix and the hrefs' form.  1 when inserted. */
static int lock_424_fix(mss_validator_t *v)
{
    const char *q = v->root_qual;
    const char *u;

    if (!mss_rw_on(v, MSS_R_LOCK_424_REQUEST_URI) || v->root_end < 0
        || q == NULL || v->uri == NULL || v->uri[0] != '/'
        || mss_rw_bytes(v, v->root_end, v->root_end + 1) == NULL) {
        return 0;
    }
    u = mss_href_in_form(v, v->uri);
    u = mss_rw_escape(v->pool, u, strlen(u));
    mss_rw_edit(v, v->root_end, v->root_end,
                apr_psprintf(v->pool,
                             "<%sresponse><%shref>%s</%shref><%sstatus>"
                             "HTTP/1.1 424 Failed Dependency</%sstatus>"
                             "</%sresponse>\n",
                             q, q, u, q, q, q, q));
    return 1;
}

/* Rewrite inserted @p href into the response that ends here (MS-HREF-
 * REQUIRED): later responses are judged against the body as it goes out,
 * so a later one naming it again is a duplicate. */
void mss_method_note_href(mss_validator_t *v, const char *href)
{
    int sf_code = v->resp.sf_code;
    int same;
    char *k = mss_resolve_key(v->rpool, href, v->uri, &v->origin, &same);

    if (k != NULL) {
        apr_uint64_t d = key_digest(k);

        mss_hset_add(v->href_set, d);
        if (sf_code > 0) {
            /* listed by a status-form response with that status (its
             * other hrefs were remembered so), as a second run records
             * it */
            sf_add(v, d, sf_code);
        }
        if (v->req_key != NULL
            && mss_href_scope(k, v->req_key) == MSS_SCOPE_SELF) {
            v->self_responses++;
        }
    }
}
