/*
 * mss_hset.c: a set of 64-bit digests, for the checks that compare hrefs
 * across a whole multistatus (MS-HREF-UNIQUE, PF-ANCESTORS-LISTED) without
 * keeping a copy of any href: 8 bytes a response, in an open-addressing
 * table at most half full, beside a byte per slot (a fingerprint of the
 * digest there, 0 = empty) that a probe reads first: a lookup touches the
 * dense byte array, and a digest only where its byte matches, so a large
 * set costs about one cache line per lookup that misses.  The table is
 * malloc'ed and freed by a cleanup on the caller's pool, so growing it
 * frees the old one (a pool could not, and would hold every size it went
 * through).
 */
#include <stdlib.h>
#include <string.h>

#include "mss_private.h"

struct mss_hset_t {
    apr_pool_t *pool;
    apr_uint64_t *slots; /* digests (stored values are never 0); one block */
    unsigned char *fp;   /* with the fingerprints after the slots */
    apr_size_t cap;      /* a power of two */
    apr_size_t n;
};

/* Never 0; from bits the slot index does not use below 2^24 slots (at
 * any size it only decides which digests are compared). */
static unsigned char fingerprint(apr_uint64_t h)
{
    unsigned char f = (unsigned char)(h >> 56);

    return f != 0 ? f : 1;
}

/* cap slots and their fingerprints, zeroed, in one block */
static int alloc_table(mss_hset_t *s, apr_size_t cap)
{
    apr_uint64_t *block = calloc(cap, sizeof(apr_uint64_t) + 1);

    if (block == NULL) {
        return 0;
    }
    s->slots = block;
    s->fp = (unsigned char *)(block + cap);
    s->cap = cap;
    return 1;
}

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

static apr_status_t hset_cleanup(void *data)
{
    mss_hset_t *s = data;

    free(s->slots);
    s->slots = NULL;
    return APR_SUCCESS;
}

mss_hset_t *mss_hset_make(apr_pool_t *p)
{
    mss_hset_t *s = apr_pcalloc(p, sizeof(*s));

    s->pool = p;
    if (!alloc_table(s, 64)) {
        return NULL;
    }
    apr_pool_cleanup_register(p, s, hset_cleanup, apr_pool_cleanup_null);
    return s;
}

/* The slot holding @p h, or the empty slot where it would go. */
static apr_size_t find(const mss_hset_t *s, apr_uint64_t h)
{
    apr_size_t mask = s->cap - 1;
    apr_size_t i = (apr_size_t)(h ^ (h >> 32)) & mask;
    unsigned char f = fingerprint(h);

    while (s->fp[i] != 0 && (s->fp[i] != f || s->slots[i] != h)) {
        i = (i + 1) & mask;
    }
    return i;
}

void mss_hset_prefetch(const mss_hset_t *s, apr_uint64_t h)
{
#if defined(__GNUC__)
    apr_size_t i = (apr_size_t)(h ^ (h >> 32)) & (s->cap - 1);

    __builtin_prefetch(&s->fp[i], 1);
    __builtin_prefetch(&s->slots[i], 1);
#else
    (void)s;
    (void)h;
#endif
}

int mss_hset_has(const mss_hset_t *s, apr_uint64_t h)
{
    return s->fp[find(s, h)] != 0;
}

int mss_hset_add(mss_hset_t *s, apr_uint64_t h)
{
    apr_size_t i;

    if ((s->n + 1) * 2 > s->cap) {
        apr_uint64_t *old = s->slots;
        const unsigned char *oldfp = s->fp;
        apr_size_t oldcap = s->cap;
        apr_size_t j;

        if (!alloc_table(s, oldcap * 2)) {
            return -1; /* out of memory: the caller stops checking */
        }
        for (j = 0; j < oldcap; j++) {
            if (oldfp[j] != 0) {
                i = find(s, old[j]);
                s->slots[i] = old[j];
                s->fp[i] = oldfp[j];
            }
        }
        free(old);
    }
    i = find(s, h);
    if (s->fp[i] != 0) {
        return 0;
    }
    s->slots[i] = h;
    s->fp[i] = fingerprint(h);
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
