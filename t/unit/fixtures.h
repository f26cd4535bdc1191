/*
 * fixtures.h: load a fixture (body + .req request facts) and run it through
 * the core with a chosen feed pattern, collecting the violations as text.
 *
 * A fixture is t/data/<DIR>/<name>.xml with optional <name>.req beside it:
 *     method: PROPFIND          request method (default PROPFIND)
 *     uri: /c/                  Request-URI (default /)
 *     depth: 1                  Depth header (default absent)
 *     scheme: https             (default http)
 *     req: Host: example.com    a request header (repeatable)
 *     resp: Content-Type: ...   a response header (repeatable); with none,
 *                               the response headers are unknown
 *     propstat-methods: LIST    --propstat-methods
 *     rule: ID=off              --rule (repeatable)
 *     limits: depth=8           --limits
 *     status: 409               --status (the response's HTTP status)
 *     proxy-map: /be/=/fe/      --map (repeatable)
 *     origin-map: http://be:8080   --origin-map (repeatable)
 *     mode: rewrite             --mode rewrite (the output is collected)
 * and <name>.expect, one violation per line: "RULE-ID RESPONSE LINE"
 * (RESPONSE 0 = the document or headers, LINE 0 = not tied to the body);
 * '#' starts a comment.  In rewrite mode, <name>.out, when present, is
 * the expected output body and <name>.hdr the expected header changes,
 * one per line, "set Name: value" or "unset Name" (golden files, each
 * reviewed by hand against rules.md).  The CLI
 * test (t/cli/cli.pl) reads the same files.
 */
#ifndef MSS_FIXTURES_H
#define MSS_FIXTURES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "mss.h"

typedef struct {
    const char *path; /* of the .xml */
    char *body;
    apr_size_t len;
    mss_options_t opts;
    mss_request_t req;
    char *expect; /* normalised expected short trace, or NULL */
    char *golden; /* expected rewritten body (.out), or NULL */
    apr_size_t golden_len;
    char *golden_hdr; /* expected header changes (.hdr), or NULL */
} fixture_t;

typedef struct {
    apr_pool_t *pool;
    char *full;  /* every field of every violation */
    char *brief; /* "RULE RESPONSE LINE\n" lines */
    apr_size_t n;
    char *out; /* rewrite mode: the output body */
    apr_size_t olen;
    apr_size_t ocap;
    const apr_array_header_t *headers; /* rewrite: header changes */
    char *hdr;                         /* ... as .hdr lines */
} trace_t;

static char *slurp(apr_pool_t *p, const char *path, apr_size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0
        || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = apr_palloc(p, (apr_size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    *len = (apr_size_t)n;
    return buf;
}

static char *sibling(apr_pool_t *p, const char *xml, const char *ext)
{
    size_t n = strlen(xml);

    return apr_pstrcat(p, apr_pstrmemdup(p, xml, n - 4), ext, NULL);
}

static const char *trim_ws(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t') {
        s++;
    }
    e = s + strlen(s);
    while (
        e > s
        && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) {
        *--e = '\0';
    }
    return s;
}

/* Parse the .req file; returns NULL or an error message. */
static const char *parse_req(apr_pool_t *p, fixture_t *fx, char *text)
{
    char *last = NULL;
    char *line;

    for (line = apr_strtok(text, "\n", &last); line != NULL;
         line = apr_strtok(NULL, "\n", &last)) {
        char *colon;
        const char *key;
        const char *val;

        if (line[0] == '#' || *trim_ws(line) == '\0') {
            continue;
        }
        colon = strchr(line, ':');
        if (colon == NULL) {
            return apr_psprintf(p, "bad .req line '%s'", line);
        }
        *colon = '\0';
        key = trim_ws(line);
        val = trim_ws(colon + 1);
        if (strcmp(key, "method") == 0) {
            fx->req.method = val;
        }
        else if (strcmp(key, "uri") == 0) {
            fx->req.uri = val;
        }
        else if (strcmp(key, "depth") == 0) {
            fx->req.depth = val;
        }
        else if (strcmp(key, "scheme") == 0) {
            fx->req.scheme = val;
        }
        else if (strcmp(key, "req") == 0 || strcmp(key, "resp") == 0) {
            char *hc = strchr(val, ':');
            apr_table_t *t;

            if (hc == NULL) {
                return apr_psprintf(p, "bad header '%s'", val);
            }
            if (strcmp(key, "resp") == 0) {
                if (fx->req.resp_headers == NULL) {
                    fx->req.resp_headers = apr_table_make(p, 4);
                }
                t = fx->req.resp_headers;
            }
            else {
                t = fx->req.req_headers;
            }
            *hc = '\0';
            apr_table_add(t, trim_ws((char *)val), trim_ws(hc + 1));
        }
        else if (strcmp(key, "propstat-methods") == 0) {
            fx->opts.propstat_methods = val;
        }
        else if (strcmp(key, "rule") == 0) {
            char *eq = strchr(val, '=');
            const mss_rule_info_t *r;

            if (eq == NULL) {
                return apr_psprintf(p, "bad rule '%s'", val);
            }
            *eq = '\0';
            r = mss_rule_find(val);
            if (r == NULL) {
                return apr_psprintf(p, "unknown rule '%s'", val);
            }
            fx->opts.rule_action[r->rule] =
                (unsigned char)mss_action_parse(eq + 1);
        }
        else if (strcmp(key, "status") == 0) {
            fx->req.status = atoi(val);
        }
        else if (strcmp(key, "proxy-map") == 0) {
            fx->opts.proxy_map =
                fx->opts.proxy_map == NULL
                    ? val
                    : apr_pstrcat(p, fx->opts.proxy_map, " ", val, NULL);
        }
        else if (strcmp(key, "origin-map") == 0) {
            fx->opts.origin_map =
                fx->opts.origin_map == NULL
                    ? val
                    : apr_pstrcat(p, fx->opts.origin_map, " ", val, NULL);
        }
        else if (strcmp(key, "mode") == 0) {
            if (strcmp(val, "rewrite") == 0) {
                fx->opts.mode = MSS_MODE_REWRITE;
            }
            else if (strcmp(val, "reject") == 0) {
                fx->opts.mode = MSS_MODE_REJECT;
            }
            else if (strcmp(val, "log") != 0) {
                return apr_psprintf(p, "bad mode '%s'", val);
            }
        }
        else if (strcmp(key, "limits") == 0) {
            const char *err = mss_options_parse_limits(&fx->opts, val, p);

            if (err != NULL) {
                return err;
            }
        }
        else {
            return apr_psprintf(p, "unknown .req key '%s'", key);
        }
    }
    return NULL;
}

/* Normalise an .expect text: drop comments and blank lines. */
static char *norm_expect(apr_pool_t *p, char *text)
{
    char *last = NULL;
    char *line;
    char *out = "";

    for (line = apr_strtok(text, "\n", &last); line != NULL;
         line = apr_strtok(NULL, "\n", &last)) {
        char *hash = strchr(line, '#');
        const char *t;
        char rule[64];
        unsigned long resp;
        unsigned long ln;

        if (hash != NULL) {
            *hash = '\0';
        }
        t = trim_ws(line);
        if (*t == '\0') {
            continue;
        }
        if (sscanf(t, "%63s %lu %lu", rule, &resp, &ln) != 3) {
            return apr_psprintf(p, "!bad .expect line '%s'", t);
        }
        out = apr_psprintf(p, "%s%s %lu %lu\n", out, rule, resp, ln);
    }
    return out;
}

static const char *load_fixture(apr_pool_t *p, const char *xml, fixture_t *fx)
{
    char *req;
    char *exp;
    apr_size_t n;
    const char *err;

    memset(fx, 0, sizeof(*fx));
    fx->path = xml;
    fx->body = slurp(p, xml, &fx->len);
    if (fx->body == NULL) {
        return apr_psprintf(p, "cannot read %s", xml);
    }
    mss_options_init(&fx->opts);
    fx->req.method = "PROPFIND";
    fx->req.uri = "/";
    fx->req.scheme = "http";
    fx->req.req_headers = apr_table_make(p, 4);
    /* a fixed clock for the Expires checks: 2026-01-01T00:00:00Z */
    fx->req.now = apr_time_from_sec(1767225600);
    req = slurp(p, sibling(p, xml, ".req"), &n);
    if (req != NULL && (err = parse_req(p, fx, req)) != NULL) {
        return err;
    }
    exp = slurp(p, sibling(p, xml, ".expect"), &n);
    if (exp == NULL) {
        return apr_psprintf(p, "%s has no .expect file", xml);
    }
    fx->golden = slurp(p, sibling(p, xml, ".out"), &fx->golden_len);
    fx->golden_hdr = slurp(p, sibling(p, xml, ".hdr"), &n);
    fx->expect = norm_expect(p, exp);
    if (fx->expect[0] == '!') {
        return fx->expect + 1;
    }
    return NULL;
}

static apr_status_t collect(void *baton, const mss_violation_t *v)
{
    trace_t *t = baton;

    t->n++;
    t->brief = apr_psprintf(t->pool, "%s%s %lu %lu\n", t->brief, v->rule->id,
                            v->response, v->line);
    t->full = apr_psprintf(t->pool, "%s%s %lu %lu:%lu %d [%s] %s (%s)\n",
                           t->full, v->rule->id, v->response, v->line, v->col,
                           (int)v->severity, v->href ? v->href : "-",
                           v->message, v->action);
    return APR_SUCCESS;
}

/* Rewrite mode: collect the output. */
static apr_status_t collect_out(void *baton, const char *buf, apr_size_t len)
{
    trace_t *t = baton;

    if (t->olen + len + 1 > t->ocap) {
        apr_size_t cap = t->ocap > 0 ? t->ocap * 2 : 4096;
        char *nb;

        while (cap < t->olen + len + 1) {
            cap *= 2;
        }
        nb = apr_palloc(t->pool, cap);
        if (t->olen > 0) {
            memcpy(nb, t->out, t->olen);
        }
        t->out = nb;
        t->ocap = cap;
    }
    memcpy(t->out + t->olen, buf, len);
    t->olen += len;
    t->out[t->olen] = '\0';
    return APR_SUCCESS;
}

/* Feed patterns: 0 = whole, 1 = one byte at a time, k >= 2 = split at
 * offset k - 2. */
__attribute__((unused)) static int run_fixture(apr_pool_t *p,
                                               const fixture_t *fx,
                                               apr_size_t pattern, trace_t *t,
                                               mss_result_t *res)
{
    mss_validator_t *v;
    apr_status_t rv;

    t->pool = p;
    t->full = "";
    t->brief = "";
    t->n = 0;
    t->out = "";
    t->olen = t->ocap = 0;
    t->headers = NULL;
    t->hdr = NULL;
    rv = mss_validator_create(&v, p, &fx->opts, &fx->req, collect, t);
    if (rv == APR_SUCCESS && fx->opts.mode == MSS_MODE_REWRITE) {
        rv = mss_validator_set_output(v, collect_out, t);
    }
    if (rv != APR_SUCCESS) {
        return 0;
    }
    if (pattern == 0) {
        rv = mss_validator_feed(v, fx->body, fx->len);
    }
    else if (pattern == 1) {
        apr_size_t i;

        for (i = 0; i < fx->len && rv == APR_SUCCESS; i++) {
            rv = mss_validator_feed(v, fx->body + i, 1);
        }
    }
    else {
        apr_size_t k = pattern - 2;

        if (k > fx->len) {
            k = fx->len;
        }
        rv = mss_validator_feed(v, fx->body, k);
        if (rv == APR_SUCCESS) {
            rv = mss_validator_feed(v, fx->body + k, fx->len - k);
        }
    }
    if (rv == APR_SUCCESS) {
        rv = mss_validator_finish(v, res);
    }
    t->full = apr_psprintf(p, "%soutcome=%s violations=%lu responses=%lu\n",
                           t->full, mss_outcome_name(res->outcome),
                           (unsigned long)res->violations,
                           (unsigned long)res->responses);
    if (fx->opts.mode == MSS_MODE_REWRITE) {
        int i;

        t->headers = mss_validator_header_changes(v);
        /* a status of its own first (mss_validator_status), as the CLI
         * prints it */
        t->hdr =
            res->status != 0 ? apr_psprintf(p, "status %d\n", res->status) : "";
        for (i = 0; i < t->headers->nelts; i++) {
            const mss_header_change_t *h =
                &APR_ARRAY_IDX(t->headers, i, mss_header_change_t);

            t->hdr = h->value != NULL
                         ? apr_psprintf(p, "%sset %s: %s\n", t->hdr, h->name,
                                        h->value)
                         : apr_psprintf(p, "%sunset %s\n", t->hdr, h->name);

            t->full = apr_psprintf(p, "%sheader %s: %s\n", t->full, h->name,
                                   h->value != NULL ? h->value : "(removed)");
        }
        t->full =
            apr_psprintf(p, "%sfixed=%lu dropped=%lu out=%lu\n%s\n", t->full,
                         (unsigned long)res->fixed, (unsigned long)res->dropped,
                         (unsigned long)t->olen, t->out);
    }
    return rv == APR_SUCCESS;
}

/* Every .xml below dir (recursively), sorted. */
static void list_fixtures(apr_pool_t *p, const char *dir,
                          apr_array_header_t *out)
{
    apr_dir_t *d;
    apr_finfo_t fi;

    if (apr_dir_open(&d, dir, p) != APR_SUCCESS) {
        return;
    }
    while (apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_TYPE, d)
           == APR_SUCCESS) {
        const char *path;
        size_t n;

        if (fi.name[0] == '.') {
            continue;
        }
        path = apr_pstrcat(p, dir, "/", fi.name, NULL);
        n = strlen(fi.name);
        if (fi.filetype == APR_DIR) {
            list_fixtures(p, path, out);
        }
        else if (n > 4 && strcmp(fi.name + n - 4, ".xml") == 0) {
            APR_ARRAY_PUSH(out, const char *) = path;
        }
    }
    apr_dir_close(d);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static apr_array_header_t *all_fixtures(apr_pool_t *p, const char *top)
{
    apr_array_header_t *a = apr_array_make(p, 64, sizeof(const char *));

    list_fixtures(p, apr_pstrcat(p, top, "/t/data", NULL), a);
    qsort(a->elts, (size_t)a->nelts, sizeof(const char *), cmp_str);
    return a;
}

#endif
