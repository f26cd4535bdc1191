/*
 * test_rewrite.c: Rewrite mode over every fixture under t/data, whatever
 * mode its .req names:
 *   - the properties of t/fuzz/rewrite_props.h (split in two, verbatim
 *     when unchanged, idempotence, clean re-check, conservation, no
 *     failure lost, a second parse);
 *   - split invariance in full: one byte at a time and split at every
 *     offset give the output and the report of the whole feed;
 *   - Reject mode is Rewrite with a veto (design.md 1): with no rule set
 *     to reject it gives Rewrite's bytes and report; with every rule set
 *     to reject it fixes nothing, so the body comes out as it went in,
 *     and any finding rejects;
 *   - the CLI's fail-open contract: a feed that fails (the fault hook)
 *     has written every byte of the earlier feeds, unchanged from where
 *     rewriting stopped.
 * Usage: test_rewrite TOP
 */
#include <apr_general.h>

#include "tap.h"
#include "fixtures.h"
#include "../fuzz/rewrite_props.h"

static int same_run(const rw_run_t *x, const rw_run_t *y)
{
    return x->len == y->len && memcmp(x->out, y->out, x->len) == 0
           && strcmp(x->report, y->report) == 0;
}

int main(int argc, char **argv)
{
    apr_pool_t *root;
    apr_array_header_t *files;
    const char *top = argc > 1 ? argv[1] : ".";
    int i;
    unsigned long changed = 0;

    apr_initialize();
    mss_global_init();
    apr_pool_create(&root, NULL);
    files = all_fixtures(root, top);
    ok(files->nelts > 0, "found %d fixtures", files->nelts);

    for (i = 0; i < files->nelts; i++) {
        const char *path = APR_ARRAY_IDX(files, i, const char *);
        const char *name = path + strlen(top) + 1;
        apr_pool_t *p;
        fixture_t fx;
        const char *why;
        rw_run_t whole;
        rw_run_t t;
        apr_size_t k;
        int same = 1;

        apr_pool_create(&p, root);
        if (load_fixture(p, path, &fx) != NULL) {
            ok(0, "%s loads", name);
            apr_pool_destroy(p);
            continue;
        }
        why = rw_props(p, &fx.opts, &fx.req, fx.body, fx.len);
        ok(why == NULL, "%s: rewrite properties hold%s%s", name,
           why ? ": " : "", why ? why : "");
        if (!rw_run(p, &fx.opts, &fx.req, fx.body, fx.len, fx.len, &whole)) {
            ok(0, "%s: rewrite runs", name);
            apr_pool_destroy(p);
            continue;
        }
        changed += whole.res.rewritten;
        for (k = 0; k <= fx.len && same; k++) {
            apr_pool_t *sp;

            apr_pool_create(&sp, p);
            if (!rw_run(sp, &fx.opts, &fx.req, fx.body, fx.len, k, &t)
                || !same_run(&t, &whole)) {
                same = 0;
                diag("split at %lu:\n%s%s\n# whole:\n%s%s", (unsigned long)k,
                     t.report, t.out, whole.report, whole.out);
            }
            apr_pool_destroy(sp);
        }
        ok(same, "%s: rewrite split at each of %lu offsets is the same", name,
           (unsigned long)fx.len + 1);
        {
            /* one byte at a time */
            mss_options_t o = fx.opts;
            mss_validator_t *v;
            apr_pool_t *bp;
            apr_size_t j;
            int good = 1;

            apr_pool_create(&bp, p);
            memset(&t, 0, sizeof(t));
            t.pool = bp;
            t.report = "";
            t.out = "";
            o.mode = MSS_MODE_REWRITE;
            good = mss_validator_create(&v, bp, &o, &fx.req, rw_collect, &t)
                       == APR_SUCCESS
                   && mss_validator_set_output(v, rw_write, &t) == APR_SUCCESS;
            for (j = 0; good && j < fx.len; j++) {
                good = mss_validator_feed(v, fx.body + j, 1) == APR_SUCCESS;
            }
            good = good && mss_validator_finish(v, &t.res) == APR_SUCCESS;
            ok(good && same_run(&t, &whole),
               "%s: rewrite one byte at a time is the same", name);
            apr_pool_destroy(bp);
        }
        {
            /* Reject mode: the fixture's rule actions, then all rules
             * set to reject */
            mss_options_t o = fx.opts;
            apr_pool_t *jp;
            int r;

            apr_pool_create(&jp, p);
            if (rw_run_mode(jp, &o, MSS_MODE_REJECT, &fx.req, fx.body, fx.len,
                            fx.len, &t)) {
                ok(t.res.rejected > 0 || same_run(&t, &whole),
                   "%s: reject mode, nothing rejected: Rewrite's bytes and "
                   "report (%lu rejected)",
                   name, (unsigned long)t.res.rejected);
            }
            else {
                ok(0, "%s: reject mode runs", name);
            }
            for (r = 0; r < MSS_RULE_COUNT; r++) {
                o.rule_action[r] = MSS_ACTION_REJECT;
            }
            if (rw_run_mode(jp, &o, MSS_MODE_REJECT, &fx.req, fx.body, fx.len,
                            fx.len, &t)) {
                ok(t.res.fixed == 0 && t.res.dropped == 0 && t.len == fx.len
                       && memcmp(t.out, fx.body, fx.len) == 0
                       && (t.res.rejected > 0) == (t.res.violations > 0),
                   "%s: reject mode, every rule set to reject: nothing "
                   "fixed, the body as it came, %lu of %lu rejected",
                   name, (unsigned long)t.res.rejected,
                   (unsigned long)t.res.violations);
            }
            else {
                ok(0, "%s: reject mode (all reject) runs", name);
            }
            apr_pool_destroy(jp);
        }
        apr_pool_destroy(p);
    }
    ok(changed > 0, "rewriting changed %lu of %d fixtures", changed,
       files->nelts);

    /* fail open on an internal failure: the fault hook fails the feed
     * that crosses byte 200; every earlier byte has been written, and the
     * caller passes the rest, so the client gets a whole body */
    {
        apr_pool_t *p;
        fixture_t fx;
        const char *path = apr_pstrcat(root, top,
                                       "/t/data/MS-STATUS-SYNTAX/"
                                       "bad-no-version.xml",
                                       NULL);
        mss_validator_t *v;
        rw_run_t t;
        mss_options_t o;
        apr_status_t rv1;
        apr_status_t rv2;

        apr_pool_create(&p, root);
        if (ok(load_fixture(p, path, &fx) == NULL && fx.len > 300,
               "fault fixture loads")) {
            memset(&t, 0, sizeof(t));
            t.pool = p;
            t.report = "";
            t.out = "";
            o = fx.opts;
            o.mode = MSS_MODE_REWRITE;
            o.fail_after = 200;
            mss_validator_create(&v, p, &o, &fx.req, rw_collect, &t);
            mss_validator_set_output(v, rw_write, &t);
            rv1 = mss_validator_feed(v, fx.body, 150);
            rv2 = mss_validator_feed(v, fx.body + 150, fx.len - 150);
            ok(rv1 == APR_SUCCESS && rv2 == APR_ENOMEM,
               "the feed that crosses fail_after fails (%d, %d)", rv1, rv2);
            ok(t.len == 150 && memcmp(t.out, fx.body, 150) == 0,
               "what was held (150 bytes) went out unchanged first (%lu)",
               (unsigned long)t.len);
        }
        apr_pool_destroy(p);
    }
    apr_pool_destroy(root);
    apr_terminate();
    return done();
}
