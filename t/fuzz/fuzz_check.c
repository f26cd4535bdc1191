/*
 * fuzz_check.c: libFuzzer target over the core in check (Log) mode.
 *
 * Input layout: byte 0 picks the request (method, Depth, headers), bytes
 * 1-2 pick the split offset, the rest is the body.  The body is fed in two
 * pieces split there, then finish.  The same function is linked into the
 * replay driver (replay.c), which the normal test run uses to replay the
 * committed corpus and every fixture.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_tables.h>

#include "mss.h"
#include "fuzz_req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static apr_status_t count(void *baton, const mss_violation_t *v)
{
    size_t *n = baton;

    /* touch every field so the sanitizers see them */
    if (v->rule == NULL || v->rule->id == NULL || v->message == NULL
        || v->action == NULL) {
        abort();
    }
    if (v->href != NULL && v->href[0] == '\0' && v->response == 0) {
        abort();
    }
    (*n)++;
    return APR_SUCCESS;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int initialised = 0;
    apr_pool_t *pool;
    mss_options_t opts;
    mss_request_t req = {0};
    mss_validator_t *v;
    mss_result_t res;
    size_t n = 0;
    size_t split;
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
    split = ((size_t)data[1] << 8 | data[2]);
    data += 3;
    size -= 3;
    if (split > size) {
        split = size ? split % (size + 1) : 0;
    }
    if (apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        abort();
    }
    fuzz_setup(pool, sel, &opts, &req);
    if (mss_validator_create(&v, pool, &opts, &req, count, &n) != APR_SUCCESS) {
        abort();
    }
    if (mss_validator_feed(v, (const char *)data, split) != APR_SUCCESS
        || mss_validator_feed(v, (const char *)data + split, size - split)
               != APR_SUCCESS
        || mss_validator_finish(v, &res) != APR_SUCCESS) {
        abort();
    }
    if (res.violations != n + res.suppressed) {
        abort();
    }
    apr_pool_destroy(pool);
    return 0;
}
