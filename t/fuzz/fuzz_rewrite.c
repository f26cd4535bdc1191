/*
 * fuzz_rewrite.c: libFuzzer target over the core in Rewrite mode.
 *
 * Same input layout as fuzz_check.c (byte 0 picks the request, bytes 1-2
 * nothing here: rw_props splits in two by itself, the rest is the body).
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

    if (!initialised) {
        apr_initialize();
        mss_global_init();
        initialised = 1;
    }
    if (size < 3) {
        return 0;
    }
    sel = data[0];
    data += 3;
    size -= 3;
    if (apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        abort();
    }
    fuzz_setup(pool, sel, &opts, &req);
    opts.max_violations = 1000000; /* the re-check compares every finding */
    why = rw_props(pool, &opts, &req, (const char *)data, size);
    if (why != NULL) {
        fprintf(stderr, "rewrite property failed: %s\n", why);
        abort();
    }
    apr_pool_destroy(pool);
    return 0;
}
