/*
 * mss_merge.c: MS-HREF-UNIQUE's merge of two propstat-form responses
 * (rules.md 2.4: "two propstat-form responses -> move the later one's
 * propstats into the first, provided no property name ends up with two
 * different statuses"), in Rewrite mode.
 *
 * A streaming rewriter cannot move properties into a response that has
 * gone out, so a plain propstat-form response (one href, propstats and
 * nothing else) goes out but for its end tag (and the whitespace before
 * it), which waits until the next child of the multistatus shows whether
 * it names the same resource.  When the next one is a plain
 * propstat-form response whose href has the same key and whose property
 * names are not the held one's, the held end tag, what lies between and
 * the next one's start tag and href go, so its propstats join the
 * response before, under that one's end tag.  Its propstats keep their
 * namespace bindings: where the two start tags bind a prefix differently,
 * the propstats declare it.  The start tags must carry no other attribute
 * (xml:lang would change the meaning of values), and only whitespace may
 * lie between the two responses and before the href (nothing is
 * dropped), or text that MS-MULTISTATUS-CHILDREN or MS-NO-STRAY-TEXT
 * removes anyway.  The held end tag does not count against the held-bytes
 * bound (mss_rw_room), so no decision depends on sizes: a second run of
 * the output decides as the first did.
 *
 * Only adjacent duplicates merge; a repeat further on stays logged.
 */
#include <string.h>

#include <apr_strings.h>

#include "mss_state.h"

static int merging(const mss_validator_t *v)
{
    return v->rw != NULL && v->prop_once && v->propstat_ok && v->cl.rules == 0
           && mss_rw_on(v, MSS_R_MS_HREF_UNIQUE);
}

void mss_mg_response_start(mss_validator_t *v, int nattrs)
{
    mss_mg_t *mg = &v->mg;

    mg->decls = NULL;
    mg->merged = 0;
    mg->cur_nown = -1;
    mg->cur_nn = 0;
    mg->cur_over = 0;
    if (!merging(v) || nattrs > 0) {
        return;
    }
    {
        const char *const *own;
        int n = mss_xml_ns_own(v->xml, &own);

        if (n > MSS_MG_NS) {
            return;
        }
        if (n > 0) {
            memcpy(mg->cur_own, own, 2 * (size_t)n * sizeof(char *));
        }
        mg->cur_nown = n;
    }
    if (mg->on) {
        /* the same declarations as the held one (mod_dav_fs writes the
         * same on every response; the parser's dictionary gives the same
         * strings): nothing to declare */
        mg->decls =
            mg->cur_nown == mg->nown
                    && memcmp(mg->cur_own, mg->own,
                              2 * (size_t)mg->nown * sizeof(char *))
                           == 0
                ? ""
                : mss_xml_ns_rebind(v->xml, v->rpool, mg->own, mg->nown);
    }
}

/* A propstat of a response that may merge ends: its property names, as
 * the response goes out.  A propstat MS-STATUS-1XX removes (when another
 * is left: else the response is not plain) names none, and a name
 * PF-PROP-ONCE repeats counts once, so that both runs count alike. */
void mss_mg_propstat(mss_validator_t *v)
{
    mss_mg_t *mg = &v->mg;
    const apr_array_header_t *names = v->ps.names;
    int i;

    if (mg->cur_nown < 0 || mg->cur_over || v->ps.drop_1xx || names == NULL) {
        return;
    }
    if (!v->resp.name_repeat) {
        /* no name came twice in the response (PF-PROP-ONCE looked): these
         * are new */
        if (mg->cur_nn + (unsigned int)names->nelts > MSS_NAMES_LINEAR) {
            mg->cur_over = 1;
        }
        else if (names->nelts > 0) {
            memcpy(mg->cur_names + mg->cur_nn, names->elts,
                   (size_t)names->nelts * sizeof(prop_name_t));
            mg->cur_nn += (unsigned int)names->nelts;
        }
        return;
    }
    for (i = 0; i < names->nelts; i++) {
        const prop_name_t *pn = &APR_ARRAY_IDX(names, i, prop_name_t);
        unsigned int j;

        for (j = 0; j < mg->cur_nn; j++) {
            if (mg->cur_names[j].local == pn->local
                && mss_same_name(mg->cur_names[j].uri, pn->uri)) {
                break;
            }
        }
        if (j < mg->cur_nn) {
            continue;
        }
        if (mg->cur_nn == MSS_NAMES_LINEAR) {
            mg->cur_over = 1;
            return;
        }
        mg->cur_names[mg->cur_nn++] = *pn;
    }
}

/* The held end tag goes out (no edit lies after it yet). */
void mss_mg_release(mss_validator_t *v)
{
    if (v->mg.on) {
        v->mg.on = 0;
        mss_rw_commit(v, v->mg.end);
    }
}

void mss_mg_root_child(mss_validator_t *v, apr_off_t lt, int response)
{
    /* anything but a response after the held one, or markup between */
    if (v->mg.on
        && (!response || lt < 0
            || !mss_rw_gap_goes(v, v->mg.end, lt,
                                MSS_R_MS_MULTISTATUS_CHILDREN))) {
        mss_mg_release(v);
    }
}

/* Whether the propstat at [@p a, ...) is one MS-STATUS-1XX removes. */
static int dropped_1xx(const response_t *r, apr_off_t a)
{
    int i;

    for (i = 0; r->ps_1xx != NULL && i < r->ps_1xx->nelts; i += 2) {
        if (APR_ARRAY_IDX(r->ps_1xx, i, apr_off_t) == a) {
            return 1;
        }
    }
    return 0;
}

/* The response that ends here is plain as it goes out: one href, its
 * propstats (less those MS-STATUS-1XX removes, which must leave one) and
 * nothing else, no fix that changes its shape, names few enough. */
static const href_t *plain(const mss_validator_t *v)
{
    const response_t *r = &v->resp;
    const href_t *h;

    if (!merging(v) || v->mg.cur_nown < 0 || v->rw == NULL || r->nstatus > 0
        || r->npropstat == 0 || r->nhref != 1 || r->hrefs == NULL
        || r->hrefs->nelts != 1 || r->children != 1 + r->npropstat || r->stray
        || r->drop != 0
        || (r->ps_1xx != NULL
            && (unsigned int)r->ps_1xx->nelts / 2 >= r->npropstat)
        || r->ps_ranges == NULL
        || (unsigned int)r->ps_ranges->nelts != 2 * r->npropstat
        || v->mg.cur_over || r->names_off || v->digests->nelts != 1) {
        return NULL;
    }
    h = &APR_ARRAY_IDX(r->hrefs, 0, href_t);
    if (h->len == 0 || !h->checked || h->remove || h->ea < 0
        || h->eb <= h->ea) {
        return NULL;
    }
    return h;
}

static int names_apart(const mss_validator_t *v)
{
    unsigned int i;
    unsigned int j;

    for (i = 0; i < v->mg.cur_nn; i++) {
        const prop_name_t *a = &v->mg.cur_names[i];

        for (j = 0; j < v->mg.nn; j++) {
            const prop_name_t *b = &v->mg.names[j];

            if (a->local == b->local && mss_same_name(a->uri, b->uri)) {
                return 0;
            }
        }
    }
    return 1;
}

int mss_mg_try(mss_validator_t *v, apr_off_t end)
{
    mss_mg_t *mg = &v->mg;
    response_t *r = &v->resp;
    const href_t *h;
    apr_off_t et;
    const char *own_et;
    pending_t *pv;
    int i;

    if (!mg->on || mg->decls == NULL || v->digests->nelts != 1
        || APR_ARRAY_IDX(v->digests, 0, apr_uint64_t) != mg->digest
        || (h = plain(v)) == NULL || r->restype_2xx || !names_apart(v)
        || !mss_rw_gap_goes(v, r->tag + 1, h->ea, MSS_R_MS_NO_STRAY_TEXT)) {
        return 0;
    }
    /* the finding to fix: the duplicate (not the INFO slash variant) */
    for (pv = r->head; pv != NULL; pv = pv->next) {
        if (pv->rule == MSS_R_MS_HREF_UNIQUE && pv->sev != MSS_SEV_INFO) {
            break;
        }
    }
    et = mss_rw_end_tag(v, end);
    own_et = et >= 0 ? mss_rw_bytes(v, et, end) : NULL;
    if (pv == NULL || own_et == NULL) {
        return 0;
    }
    for (i = 0; mg->decls[0] != '\0' && i < r->ps_ranges->nelts; i += 2) {
        apr_off_t a = APR_ARRAY_IDX(r->ps_ranges, i, apr_off_t);

        if (!dropped_1xx(r, a) && mss_rw_after_name(v, a) < 0) {
            return 0;
        }
    }
    /* the held end tag (and the whitespace before it), what lies
     * between, this one's start tag and href go; its propstats stay,
     * under the held end tag */
    mss_rw_edit(v, mg->cut, h->eb, "");
    for (i = 0; mg->decls[0] != '\0' && i < r->ps_ranges->nelts; i += 2) {
        apr_off_t a = APR_ARRAY_IDX(r->ps_ranges, i, apr_off_t);

        if (!dropped_1xx(r, a)) {
            apr_off_t at = mss_rw_after_name(v, a);

            mss_rw_edit(v, at, at, mg->decls);
        }
    }
    pv->msg = apr_pstrcat(v->rpool, pv->msg,
                          "; its propstats were moved into the previous "
                          "response",
                          NULL);
    pv->action = "fixed";
    mg->merged = 1;
    return 1;
}

/* A response whose propstats joined the held one ends at @p end: the
 * held end tag replaces its own, and the whole is held again, as a second
 * run holds the merged response (so a third repeat joins too): its names
 * are both ones', its tail its own whitespace and the held end tag. */
static void merged_commit(mss_validator_t *v, apr_off_t end)
{
    mss_mg_t *mg = &v->mg;
    apr_off_t et = mss_rw_end_tag(v, end);
    apr_off_t cut = et >= 0 ? mss_rw_ws_back(v, et, 0) : -1;
    const char *etb = et >= 0 ? mss_rw_bytes(v, et, end) : NULL;
    int hold;
    int differs;

    if (etb == NULL) {
        mss_rw_commit(v, end); /* (mss_mg_try saw it) */
        return;
    }
    differs = (apr_size_t)(end - et) != mg->et_len
              || memcmp(mg->et, etb, mg->et_len) != 0;
    hold = mg->nn + mg->cur_nn <= MSS_NAMES_LINEAR
           && (apr_size_t)(et - cut) + mg->et_len <= MSS_MG_TAIL
           && mss_rw_untouched(v, cut, end + 1);
    if (hold) {
        mss_rw_commit(v, cut);
        if (mg->cur_nn > 0) {
            memcpy(mg->names + mg->nn, mg->cur_names,
                   mg->cur_nn * sizeof(prop_name_t));
        }
        mg->nn += mg->cur_nn;
        mg->on = 1;
        mg->end = end;
        mg->cut = cut;
    }
    if (differs) {
        mss_rw_edit(v, et, end, apr_pstrmemdup(v->rpool, mg->et, mg->et_len));
    }
    if (!hold) {
        mss_rw_commit(v, end);
    }
}

void mss_mg_commit(mss_validator_t *v, apr_off_t end)
{
    mss_mg_t *mg = &v->mg;
    apr_off_t et;
    apr_off_t cut;
    const char *etb;

    /* (the held end tag of the response before, if any, goes out now, or
     * went with this one's start tag and href) */
    mg->on = 0;
    if (mg->merged) {
        mg->merged = 0;
        merged_commit(v, end);
        return;
    }
    et = plain(v) != NULL ? mss_rw_end_tag(v, end) : -1;
    cut = et >= 0 ? mss_rw_ws_back(v, et, 0) : -1;
    etb = et >= 0 ? mss_rw_bytes(v, et, end) : NULL;
    if (etb == NULL || end - cut > MSS_MG_TAIL
        || !mss_rw_untouched(v, cut, end + 1)) {
        mss_rw_commit(v, end);
        return;
    }
    /* all of it goes out but its end tag (and the whitespace before it),
     * which waits for the next response */
    mss_rw_commit(v, cut);
    mg->on = 1;
    mg->end = end;
    mg->cut = cut;
    mg->et_len = (apr_size_t)(end - et);
    memcpy(mg->et, etb, mg->et_len);
    mg->digest = APR_ARRAY_IDX(v->digests, 0, apr_uint64_t);
    mg->nown = mg->cur_nown;
    memcpy(mg->own, mg->cur_own, 2 * (size_t)mg->nown * sizeof(char *));
    mg->nn = mg->cur_nn;
    if (mg->cur_nn > 0) {
        memcpy(mg->names, mg->cur_names, mg->cur_nn * sizeof(prop_name_t));
    }
}
