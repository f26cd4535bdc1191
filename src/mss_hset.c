/*
 * mss_hset.c: a set of 64-bit digests, for the checks that compare hrefs
 * across a whole multistatus (MS-HREF-UNIQUE, PF-ANCESTORS-LISTED) without
 * keeping a copy of any href: 8 bytes a response, in an open-addressing
 * table at most half full.  A small table (up to HSET_POOLED bytes, 4,096
 * hrefs) lives in a subpool of its own, which growing destroys: its memory
 * goes back to the pool's allocator (the request's, in httpd), which hands
 * it out again, where malloc would touch fresh pages (a page fault for
 * every 4 KiB) in every request.  A larger one is malloc'ed and freed as
 * it grows, so the memory held stays the one table (8-16 bytes an href;
 * a pool would keep every size it went through); its page faults are
 * spread over thousands of responses.
 */
#include <stdlib.h>
#include <string.h>

#include "mss_private.h"

struct mss_hset_t {
    apr_pool_t *pool;    /* the caller's */
    apr_pool_t *gen;     /* the table's own subpool; NULL: malloc'ed */
    apr_uint64_t *slots; /* 0 = empty; stored values are never 0 */
    apr_size_t cap;      /* a power of two */
    apr_size_t n;
};

static apr_uint64_t mix(apr_uint64_t h)
{
    /* the splitmix64 finaliser */
    h ^= h >> 30;
    h *= APR_UINT64_C(0xbf58476d1ce4e5b9);
    h ^= h >> 27;
    h *= APR_UINT64_C(0x94d049bb133111eb);
    h ^= h >> 31;
    return h;
}

apr_uint64_t mss_digest(const char *s, apr_size_t len)
{
    /* eight bytes at a time, each folded in through a full avalanche mix
     * (a difference in any bit of a word spreads to every bit of the
     * state before the next word comes); the length goes in first, so
     * trailing NULs cannot collide */
    apr_uint64_t h = APR_UINT64_C(0x9e3779b97f4a7c15) ^ (apr_uint64_t)len;
    apr_size_t i = 0;

    for (; i + 8 <= len; i += 8) {
        apr_uint64_t w;

        memcpy(&w, s + i, 8);
        h = mix(h ^ w);
    }
    if (i < len) {
        apr_uint64_t w = 0;

        memcpy(&w, s + i, len - i);
        h = mix(h ^ w ^ APR_UINT64_C(0x8cb92ba72f3d8dd7));
    }
    h = mix(h);
    return h != 0 ? h : 1;
}

#define HSET_POOLED 65536

/* a zeroed table of @p cap slots: small, in a new subpool of @p s's pool
 * (*@p gen); larger, malloc'ed (*@p gen NULL) */
static apr_uint64_t *table(const mss_hset_t *s, apr_size_t cap,
                           apr_pool_t **gen)
{
    apr_uint64_t *t;

    *gen = NULL;
    if (cap * sizeof(apr_uint64_t) > HSET_POOLED) {
        return calloc(cap, sizeof(apr_uint64_t));
    }
    if (apr_pool_create(gen, s->pool) != APR_SUCCESS) {
        *gen = NULL;
        return NULL;
    }
    t = apr_pcalloc(*gen, cap * sizeof(apr_uint64_t));
    if (t == NULL) {
        apr_pool_destroy(*gen);
        *gen = NULL;
    }
    return t;
}

static void table_free(apr_uint64_t *t, apr_pool_t *gen)
{
    if (gen != NULL) {
        apr_pool_destroy(gen);
    }
    else {
        free(t);
    }
}

/* (subpools go before the pool's cleanups run: only a malloc'ed table is
 * left to free) */
static apr_status_t hset_cleanup(void *data)
{
    mss_hset_t *s = data;

    if (s->gen == NULL) {
        free(s->slots);
    }
    s->slots = NULL;
    return APR_SUCCESS;
}

mss_hset_t *mss_hset_make(apr_pool_t *p)
{
    mss_hset_t *s = apr_pcalloc(p, sizeof(*s));

    s->pool = p;
    s->cap = 64;
    s->slots = table(s, s->cap, &s->gen);
    if (s->slots == NULL) {
        return NULL;
    }
    apr_pool_cleanup_register(p, s, hset_cleanup, apr_pool_cleanup_null);
    return s;
}

static apr_size_t find(const mss_hset_t *s, apr_uint64_t h)
{
    apr_size_t mask = s->cap - 1;
    apr_size_t i = (apr_size_t)(h ^ (h >> 32)) & mask;

    while (s->slots[i] != 0 && s->slots[i] != h) {
        i = (i + 1) & mask;
    }
    return i;
}

void mss_hset_prefetch(const mss_hset_t *s, apr_uint64_t h)
{
#if defined(__GNUC__)
    apr_size_t i = (apr_size_t)(h ^ (h >> 32)) & (s->cap - 1);

    __builtin_prefetch(&s->slots[i], 1);
#else
    (void)s;
    (void)h;
#endif
}

int mss_hset_has(const mss_hset_t *s, apr_uint64_t h)
{
    return s->slots[find(s, h)] == h;
}

int mss_hset_add(mss_hset_t *s, apr_uint64_t h)
{
    apr_size_t i;

    if ((s->n + 1) * 2 > s->cap) {
        apr_uint64_t *old = s->slots;
        apr_pool_t *oldgen = s->gen;
        apr_size_t oldcap = s->cap;
        apr_pool_t *gen;
        apr_uint64_t *grown = table(s, oldcap * 2, &gen);
        apr_size_t j;

        if (grown == NULL) {
            return -1; /* out of memory: the caller stops checking */
        }
        s->slots = grown;
        s->gen = gen;
        s->cap = oldcap * 2;
        for (j = 0; j < oldcap; j++) {
            if (old[j] != 0) {
                s->slots[find(s, old[j])] = old[j];
            }
        }
        table_free(old, oldgen);
    }
    i = find(s, h);
    if (s->slots[i] == h) {
        return 0;
    }
    s->slots[i] = h;
    s->n++;
    return 1;
}

apr_size_t mss_hset_count(const mss_hset_t *s)
{
    return s->n;
}

apr_uint64_t mss_digest_name(const char *uri, const char *local)
{
    apr_uint64_t a = uri != NULL ? mss_digest(uri, strlen(uri)) : 0;
    apr_uint64_t b = mss_digest(local, strlen(local));
    apr_uint64_t h = a * APR_UINT64_C(0x9e3779b97f4a7c15) ^ b;

    return h != 0 ? h : 1;
}
