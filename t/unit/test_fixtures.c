/*
 * test_fixtures.c: every fixture under t/data.
 *   - the report matches the fixture's .expect (rule, response, line);
 *   - split invariance: fed whole, one byte at a time and split at every
 *     offset, the full report (every field, in order) and the outcome are
 *     identical;
 *   - coverage: every rule of the table has a violating fixture and a
 *     clean one in t/data/<RULE-ID>/ (PASS rules: a clean one).
 * Usage: test_fixtures TOP   (TOP = the source tree)
 */
#include <apr_general.h>

#include "tap.h"
#include "fixtures.h"

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sort the lines of s (for order-free comparison with .expect). */
static char *sorted(apr_pool_t *p, const char *s)
{
    apr_array_header_t *a = apr_array_make(p, 8, sizeof(char *));
    char *copy = apr_pstrdup(p, s);
    char *last = NULL;
    char *line;
    char *out = "";
    int i;

    for (line = apr_strtok(copy, "\n", &last); line != NULL;
         line = apr_strtok(NULL, "\n", &last)) {
        APR_ARRAY_PUSH(a, char *) = line;
    }
    qsort(a->elts, (size_t)a->nelts, sizeof(char *), cmp_line);
    for (i = 0; i < a->nelts; i++) {
        out = apr_pstrcat(p, out, APR_ARRAY_IDX(a, i, char *), "\n", NULL);
    }
    return out;
}

static int has_rule(const char *brief, const char *id)
{
    size_t n = strlen(id);
    const char *s = brief;

    while ((s = strstr(s, id)) != NULL) {
        if ((s == brief || s[-1] == '\n') && s[n] == ' ') {
            return 1;
        }
        s += n;
    }
    return 0;
}

int main(int argc, char **argv)
{
    apr_pool_t *root;
    apr_array_header_t *files;
    int i;
    int r;
    int *violating;
    int *clean;
    const char *top = argc > 1 ? argv[1] : ".";

    apr_initialize();
    mss_global_init();
    apr_pool_create(&root, NULL);
    files = all_fixtures(root, top);
    ok(files->nelts > 0, "found %d fixtures under %s/t/data", files->nelts,
       top);
    violating = calloc(MSS_RULE_COUNT, sizeof(int));
    clean = calloc(MSS_RULE_COUNT, sizeof(int));

    for (i = 0; i < files->nelts; i++) {
        const char *path = APR_ARRAY_IDX(files, i, const char *);
        const char *name = path + strlen(top) + 1;
        apr_pool_t *p;
        fixture_t fx;
        const char *err;
        trace_t whole;
        trace_t t;
        mss_result_t res_whole;
        mss_result_t res;
        char *got;
        char *want;
        apr_size_t k;
        int same = 1;
        apr_size_t bad_k = 0;

        apr_pool_create(&p, root);
        err = load_fixture(p, path, &fx);
        if (!ok(err == NULL, "%s loads", name)) {
            diag("%s", err);
            apr_pool_destroy(p);
            continue;
        }
        if (!ok(run_fixture(p, &fx, 0, &whole, &res_whole), "%s runs", name)) {
            apr_pool_destroy(p);
            continue;
        }
        got = sorted(p, whole.brief);
        want = sorted(p, fx.expect);
        if (!ok(strcmp(got, want) == 0, "%s reports what .expect says", name)) {
            diag("expected:\n%s# got:\n%s# full report:\n%s", want, got,
                 whole.full);
        }
        if (fx.golden != NULL) {
            int same_out = whole.olen == fx.golden_len
                           && memcmp(whole.out, fx.golden, fx.golden_len) == 0;

            if (!ok(fx.opts.mode == MSS_MODE_REWRITE && same_out,
                    "%s: the rewritten body is the .out file", name)) {
                diag("got (%lu bytes):\n%s", (unsigned long)whole.olen,
                     whole.out);
            }
        }
        if (fx.golden_hdr != NULL) {
            const char *got_hdr = whole.hdr != NULL ? whole.hdr : "";

            if (!ok(strcmp(got_hdr, fx.golden_hdr) == 0,
                    "%s: the header changes are the .hdr file", name)) {
                diag("got:\n%s", got_hdr);
            }
        }
        run_fixture(p, &fx, 1, &t, &res);
        if (!ok(strcmp(t.full, whole.full) == 0,
                "%s: one byte at a time gives the same report", name)) {
            diag("whole:\n%s# bytes:\n%s", whole.full, t.full);
        }
        for (k = 0; k <= fx.len && same; k++) {
            apr_pool_t *sp;

            apr_pool_create(&sp, p);
            run_fixture(sp, &fx, k + 2, &t, &res);
            if (strcmp(t.full, whole.full) != 0) {
                same = 0;
                bad_k = k;
                diag("split at %lu:\n%s# whole:\n%s", (unsigned long)k, t.full,
                     whole.full);
            }
            apr_pool_destroy(sp);
        }
        ok(same, "%s: split at each of %lu offsets gives the same report%s",
           name, (unsigned long)fx.len + 1,
           same ? ""
                : apr_psprintf(p, " (differs at %lu)", (unsigned long)bad_k));

        /* coverage bookkeeping: t/data/<RULE-ID>/... */
        for (r = 0; r < MSS_RULE_COUNT; r++) {
            const mss_rule_info_t *ri = mss_rule_info((mss_rule_e)r);
            const char *dir = apr_pstrcat(p, "t/data/", ri->id, "/", NULL);

            if (has_rule(whole.brief, ri->id)) {
                violating[r]++;
            }
            else if (strncmp(name, dir, strlen(dir)) == 0) {
                clean[r]++;
            }
        }
        apr_pool_destroy(p);
    }

    for (r = 0; r < MSS_RULE_COUNT; r++) {
        const mss_rule_info_t *ri = mss_rule_info((mss_rule_e)r);

        if (ri->level != MSS_LEVEL_PASS) {
            ok(violating[r] > 0, "%s has a violating fixture (%d)", ri->id,
               violating[r]);
        }
        else {
            ok(violating[r] == 0, "PASS rule %s is never reported", ri->id);
        }
        ok(clean[r] > 0, "%s has a clean fixture in t/data/%s/ (%d)", ri->id,
           ri->id, clean[r]);
    }
    free(violating);
    free(clean);
    apr_pool_destroy(root);
    apr_terminate();
    return done();
}
