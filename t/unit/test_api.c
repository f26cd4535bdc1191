/*
 * test_api.c: the core's API contract beyond the fixtures: the violations
 * limit at its boundary, callback errors, option parsing, the rule table,
 * and outcomes.
 */
#include <string.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "tap.h"
#include "mss_private.h"

typedef struct {
    int n;
    int fail_at; /* return an error on this call (1-based), 0 = never */
} counter_t;

static apr_status_t count(void *baton, const mss_violation_t *v)
{
    counter_t *c = baton;

    (void)v;
    c->n++;
    return c->n == c->fail_at ? APR_EGENERAL : APR_SUCCESS;
}

/* A multistatus with n responses whose status lacks the HTTP-version:
 * exactly n MS-STATUS-SYNTAX violations. */
static char *body_with(apr_pool_t *p, int n)
{
    char *b = "<D:multistatus xmlns:D=\"DAV:\">";
    int i;

    for (i = 0; i < n; i++) {
        b = apr_psprintf(p,
                         "%s<D:response><D:href>/c/%d</D:href>"
                         "<D:status>200 OK</D:status></D:response>",
                         b, i);
    }
    return apr_pstrcat(p, b, "</D:multistatus>", NULL);
}

static mss_result_t check(apr_pool_t *p, const mss_options_t *o,
                          const char *body, counter_t *c, apr_status_t *rv)
{
    mss_request_t req;
    mss_validator_t *v;
    mss_result_t res;

    memset(&req, 0, sizeof(req));
    memset(&res, 0, sizeof(res));
    /* REPORT: no Depth or root rules, so exactly one MS-STATUS-SYNTAX
     * per response of body_with() */
    req.method = "REPORT";
    req.uri = "/c/";
    *rv = mss_validator_create(&v, p, o, &req, count, c);
    if (*rv == APR_SUCCESS) {
        *rv = mss_validator_feed(v, body, strlen(body));
    }
    if (*rv == APR_SUCCESS) {
        *rv = mss_validator_finish(v, &res);
    }
    return res;
}

int main(int argc, char **argv)
{
    apr_pool_t *p;
    mss_options_t o;
    mss_result_t res;
    counter_t c;
    apr_status_t rv;
    const char *err;
    int i;

    (void)argc;
    (void)argv;
    apr_initialize();
    mss_global_init();
    apr_pool_create(&p, NULL);

    /* violations=N: N reported, the rest counted as suppressed */
    mss_options_init(&o);
    ok(mss_options_parse_limits(&o, "violations=5", p) == NULL
           && o.max_violations == 5,
       "violations=5 parses");
    memset(&c, 0, sizeof(c));
    res = check(p, &o, body_with(p, 5), &c, &rv);
    ok(rv == APR_SUCCESS && c.n == 5 && res.violations == 5
           && res.suppressed == 0,
       "5 violations at violations=5: all reported");
    memset(&c, 0, sizeof(c));
    res = check(p, &o, body_with(p, 6), &c, &rv);
    ok(rv == APR_SUCCESS && c.n == 5 && res.violations == 6
           && res.suppressed == 1 && res.outcome == MSS_OUTCOME_VIOLATIONS,
       "6 violations at violations=5: 5 reported, 1 suppressed");

    /* the report callback's error stops the run and comes back */
    mss_options_init(&o);
    memset(&c, 0, sizeof(c));
    c.fail_at = 2;
    res = check(p, &o, body_with(p, 4), &c, &rv);
    ok(rv == APR_EGENERAL && c.n == 2,
       "a callback error is returned and no further violation reported");

    /* a clean body */
    memset(&c, 0, sizeof(c));
    res = check(p, &o,
                "<D:multistatus xmlns:D=\"DAV:\"><D:response><D:href>/c/"
                "</D:href><D:status>HTTP/1.1 200 OK</D:status>"
                "</D:response></D:multistatus>",
                &c, &rv);
    ok(rv == APR_SUCCESS && c.n == 0 && res.outcome == MSS_OUTCOME_CLEAN
           && res.responses == 1,
       "clean body: outcome clean, one response");

    /* malformed: outcome malformed, the count of bytes still complete */
    memset(&c, 0, sizeof(c));
    res = check(p, &o, "<D:multistatus xmlns:D=\"DAV:\"><D:response>&x;", &c,
                &rv);
    ok(rv == APR_SUCCESS && res.outcome == MSS_OUTCOME_MALFORMED
           && res.bytes == 45 && c.n == 1,
       "malformed body: one XML-WELLFORMED, outcome malformed, bytes %ld",
       (long)res.bytes);

    /* option parsing */
    mss_options_init(&o);
    err = mss_options_parse_limits(&o, "depth=16 text=1K response=2M", p);
    ok(err == NULL && o.max_depth == 16 && o.max_text == 1024
           && o.max_response == 2 * 1024 * 1024,
       "limits with K and M suffixes");
    ok(mss_options_parse_limits(&o, "depth=251", p) != NULL,
       "depth above the libxml2-safe maximum is refused");
    ok(mss_options_parse_limits(&o, "depth=0", p) != NULL, "depth=0 refused");
    ok(mss_options_parse_limits(&o, "text=-1", p) != NULL, "negative");
    ok(mss_options_parse_limits(&o, "bogus=1", p) != NULL, "unknown name");
    ok(mss_options_parse_limits(&o, "depth", p) != NULL, "no value");
    ok(mss_action_parse("Reject") == MSS_ACTION_REJECT
           && mss_action_parse("off") == MSS_ACTION_OFF
           && mss_action_parse("maybe") == MSS_ACTION_DEFAULT,
       "rule actions");

    /* the rule table: unique ids, rows, sections, lookups */
    for (i = 0; i < MSS_RULE_COUNT; i++) {
        const mss_rule_info_t *r = mss_rule_info((mss_rule_e)i);
        int j;
        int dup = 0;

        for (j = 0; j < i; j++) {
            dup |= strcmp(mss_rule_info((mss_rule_e)j)->id, r->id) == 0
                   || mss_rule_info((mss_rule_e)j)->row == r->row;
        }
        ok(r->rule == (mss_rule_e)i && !dup && r->row >= 1 && r->row <= 108
               && r->rfc[0] != '\0' && mss_rule_find(r->id) == r,
           "rule table row %s (row %d) is well-formed", r->id, r->row);
    }
    ok(mss_rule_find("ms-status-syntax") != NULL, "ids match any case");
    ok(mss_rule_find("NO-SUCH-RULE") == NULL, "unknown id");
    ok(mss_rule_info(MSS_RULE_COUNT) == NULL, "out of range");

    /* rule off: not reported, not counted */
    mss_options_init(&o);
    o.rule_action[MSS_R_MS_STATUS_SYNTAX] = MSS_ACTION_OFF;
    memset(&c, 0, sizeof(c));
    res = check(p, &o, body_with(p, 3), &c, &rv);
    ok(rv == APR_SUCCESS && c.n == 0 && res.violations == 0,
       "a rule set to off is neither reported nor counted");

    /* PF-PROP-ONCE past the linear scan (MSS_NAMES_LINEAR = 32): 40
     * distinct properties and one repeat, under two statuses */
    {
        char *b = "<D:multistatus xmlns:D=\"DAV:\" xmlns:Z=\"urn:z\">"
                  "<D:response><D:href>/c/</D:href><D:propstat><D:prop>";
        mss_request_t req;
        mss_validator_t *v;
        int k;

        for (k = 0; k < 40; k++) {
            b = apr_psprintf(p, "%s<Z:p%d/>", b, k);
        }
        b = apr_pstrcat(p, b,
                        "</D:prop><D:status>HTTP/1.1 404 Not Found"
                        "</D:status></D:propstat><D:propstat><D:prop>"
                        "<Z:p7/><Z:p39/><Z:q/></D:prop><D:status>HTTP/1.1 "
                        "404 Not Found</D:status></D:propstat></D:response>"
                        "</D:multistatus>",
                        NULL);
        memset(&req, 0, sizeof(req));
        req.method = "PROPFIND";
        req.uri = "/c/";
        req.depth = "0";
        mss_options_init(&o);
        memset(&c, 0, sizeof(c));
        rv = mss_validator_create(&v, p, &o, &req, count, &c);
        rv = rv == APR_SUCCESS ? mss_validator_feed(v, b, strlen(b)) : rv;
        rv = rv == APR_SUCCESS ? mss_validator_finish(v, &res) : rv;
        ok(rv == APR_SUCCESS && c.n == 2 && res.violations == 2,
           "PF-PROP-ONCE past 32 names: two repeats found (%d)", c.n);
    }

    /* digests: no collision over a million patterned hrefs (a weaker
     * word hash once made /dav/tree/file080000.txt equal to
     * /dav/tree/file020003.txt) */
    {
        static const char *const pats[] = {"/dav/tree/file%06d.txt", "/c/%d/",
                                           "/a/b/%012d.ics"};
        size_t pi;

        for (pi = 0; pi < sizeof(pats) / sizeof(pats[0]); pi++) {
            apr_pool_t *hp;
            mss_hset_t *hs;
            int k;
            int fresh = 1;
            char buf[64];

            apr_pool_create(&hp, p);
            hs = mss_hset_make(hp);
            for (k = 0; k < 1000000 && fresh; k++) {
                int n = pi == 0 ? snprintf(buf, sizeof(buf),
                                           "/dav/tree/file%06d.txt", k)
                        : pi == 1
                            ? snprintf(buf, sizeof(buf), "/c/%d/", k)
                            : snprintf(buf, sizeof(buf), "/a/b/%012d.ics", k);

                fresh = mss_hset_add(hs, mss_digest(buf, (apr_size_t)n)) == 1;
            }
            ok(fresh && mss_hset_count(hs) == 1000000,
               "a million distinct digests for %s", pats[pi]);
            apr_pool_destroy(hp);
        }
    }

    /* digest sets across the switch from pooled to malloc'ed tables: 4,096
     * digests fill the last pooled table (8,192 slots, 64 KiB, at most
     * half full), the 4,097th grows it into a malloc'ed one; every digest
     * is still there on both sides, a repeat is not new, and clearing and
     * destroying the pool free either kind (test-asan and test-valgrind
     * would report a leak or a double free) */
    {
        int kinds;

        for (kinds = 0; kinds < 2; kinds++) {
            apr_pool_t *hp;
            mss_hset_t *hs;
            int k;
            int all = 1;
            int n = kinds == 0 ? 4096 : 4097;

            apr_pool_create(&hp, p);
            hs = mss_hset_make(hp);
            for (k = 0; k < n; k++) {
                all &= mss_hset_add(hs, (apr_uint64_t)k * 7919 + 1) == 1;
            }
            for (k = 0; k < n; k++) {
                all &= mss_hset_has(hs, (apr_uint64_t)k * 7919 + 1);
            }
            all &= mss_hset_add(hs, 1) == 0 && !mss_hset_has(hs, 2);
            ok(all && mss_hset_count(hs) == (apr_size_t)n,
               "digest set of %d: every digest found, a repeat not new", n);
            apr_pool_clear(hp);
            hs = mss_hset_make(hp);
            ok(hs != NULL && mss_hset_add(hs, 5) == 1
                   && mss_hset_count(hs) == 1,
               "digest set of %d: the pool cleared, a new set starts empty", n);
            apr_pool_destroy(hp);
        }
    }

    /* the fault-injection hook: the feed past fail_after bytes fails with
     * APR_ENOMEM, later feeds and finish keep failing, and nothing before
     * the fault is lost from the report */
    {
        mss_options_t fo;
        mss_request_t req;
        mss_validator_t *v = NULL;
        mss_result_t fres;
        counter_t fc = {0, 0};
        const char *body = body_with(p, 3);
        apr_size_t half = strlen(body) / 2;
        apr_status_t r1;
        apr_status_t r2;
        apr_status_t r3;
        apr_status_t r4;

        mss_options_init(&fo);
        fo.fail_after = (apr_off_t)half + 1;
        memset(&req, 0, sizeof(req));
        req.method = "REPORT";
        req.uri = "/c/";
        r1 = mss_validator_create(&v, p, &fo, &req, count, &fc);
        r2 = mss_validator_feed(v, body, half);
        r3 = mss_validator_feed(v, body + half, strlen(body) - half);
        r4 = mss_validator_finish(v, &fres);
        ok(r1 == APR_SUCCESS && r2 == APR_SUCCESS,
           "fail_after: bytes before the fault are checked");
        ok(r3 == APR_ENOMEM && r4 == APR_ENOMEM,
           "fail_after: the feed past it fails with APR_ENOMEM, so does "
           "finish");
        ok(fc.n >= 1 && fc.n < 3,
           "fail_after: responses before the fault were reported (%d)", fc.n);
    }

    apr_pool_destroy(p);
    apr_terminate();
    return done();
}
