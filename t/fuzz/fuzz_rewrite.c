/*
 * fuzz_rewrite.c: libFuzzer target over the core in Rewrite mode.
 *
 * Same input layout as fuzz_check.c (byte 0 picks the request; byte 1,
 * when odd, turns every opt-in fix on (--rule ID=fix for the N1 opt-in
 * and N3 rules); byte 2 nothing here: rw_props splits in two by itself;
 * the rest is the body).
 * Every input must satisfy the properties of rewrite_props.h: split
 * invariance, verbatim when unchanged, and for a body that parses
 * idempotence, a clean re-check, conservation, no failure lost and a
 * second parse.  A failure aborts, so the fuzzer reports it.  Linked into
 * replay.c as build/fuzz/replay_rewrite for the normal test run.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_tables.h>

#include "mss.h"
#include "fuzz_req.h"
#include "rewrite_props.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int initialised = 0;
    apr_pool_t *pool;
    mss_options_t opts;
    mss_request_t req = {0};
    const char *why;
    unsigned sel;
    int opt_in;
    int r;

    if (!initialised) {
        apr_initialize();
        mss_global_init();
        initialised = 1;
    }
    if (size < 3) {
        return 0;
    }
    sel = data[0];
    opt_in = data[1] & 1;
    data += 3;
    size -= 3;
    if (apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        abort();
    }
    fuzz_setup(pool, sel, &opts, &req);
    for (r = 0; opt_in && r < MSS_RULE_COUNT; r++) {
        /* every opt-in fix (N1 opt-in, N3, MS-EMPTY's collapse) */
        mss_fix_e fx = mss_rule_info((mss_rule_e)r)->fix;

        if (fx == MSS_FIX_N3 || fx == MSS_FIX_N1OPT || r == MSS_R_MS_EMPTY) {
            opts.rule_action[r] = MSS_ACTION_FIX;
        }
    }
    opts.max_violations = 1000000; /* the re-check compares every finding */
    why = rw_props(pool, &opts, &req, (const char *)data, size);
    if (why != NULL) {
        fprintf(stderr, "rewrite property failed: %s\n", why);
        abort();
    }
    apr_pool_destroy(pool);
    return 0;
}
