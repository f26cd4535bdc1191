/*
 * mss_hset.c: a set of 64-bit digests, for the checks that compare hrefs
 * across a whole multistatus (MS-HREF-UNIQUE, PF-ANCESTORS-LISTED) without
 * keeping a copy of any href: 8 bytes a response, in an open-addressing
 * table at most half full.  Each table lives in a subpool of its own, so
 * growing destroys the old one: its memory goes back to the pool's
 * allocator (the request's, in httpd), which hands it out again, where
 * malloc'ed tables came from fresh pages (a page fault for every 4 KiB
 * touched) in every request.
 */
#include <string.h>

#include "mss_private.h"

struct mss_hset_t {
    apr_pool_t *pool;    /* the caller's */
    apr_pool_t *gen;     /* the table's own, a subpool of pool */
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

/* a zeroed table of @p cap slots in a new subpool of @p s's pool */
static apr_uint64_t *table(const mss_hset_t *s, apr_size_t cap,
                           apr_pool_t **gen)
{
    apr_uint64_t *t;

    if (apr_pool_create(gen, s->pool) != APR_SUCCESS) {
        return NULL;
    }
    t = apr_pcalloc(*gen, cap * sizeof(apr_uint64_t));
    if (t == NULL) {
        apr_pool_destroy(*gen);
    }
    return t;
}

mss_hset_t *mss_hset_make(apr_pool_t *p)
{
    mss_hset_t *s = apr_pcalloc(p, sizeof(*s));

    s->pool = p;
    s->cap = 64;
    s->slots = table(s, s->cap, &s->gen);
    return s->slots != NULL ? s : NULL;
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
        apr_pool_destroy(oldgen);
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
