/*
 * rewrite_props.h: the properties every Rewrite-mode output must have
 * (issue "Rewrite and Reject", item 6), shared by the unit test
 * (t/unit/test_rewrite.c, every fixture) and the rewrite fuzz target
 * (t/fuzz/fuzz_rewrite.c, every corpus file and every fuzzer input).
 *
 * rw_props() runs one body and returns NULL when all hold, or says which
 * failed:
 *   - split invariance: whole and split in two give the same output, and
 *     for a UTF-8 body the same outcome and, if it is well-formed, the
 *     same report;
 *   - verbatim: a run that changed nothing writes the input byte for byte;
 * and, for a body that parsed (not malformed, no limit hit):
 *   - idempotence: rewriting the output (with the header changes applied)
 *     gives the same bytes;
 *   - clean re-check: that second run fixes and drops nothing, and reports
 *     no N1/N2 rule the first run did not (the rewrite introduces no
 *     violation; what a fix only partly covers stays reported, as logged).
 *     One exception, which rules.md prescribes: a relative or network-path
 *     href that MS-HREF-SIMPLE-REF resolved takes a form, and that can
 *     reveal an MS-HREF-SAME-FORM mix its unresolved spelling hid (a
 *     streaming rewriter cannot know the dominant form of later hrefs);
 *   - conservation: every response comes out, or was reported "dropped"
 *     under a rule that allows it (DEL-NO-424, DEL-NO-204, CM-NO-424,
 *     CM-NO-201-204, PF-DEPTH-SCOPE, MS-HREF-UNIQUE), one finding per
 *     removed response;
 *     the only responses added are LOCK-424-REQUEST-URI's (one per "fixed"
 *     finding of it) and the copies of an MS-MULTI-HREF split (N3: one
 *     response per href; a copy of a failing response fails too); a
 *     response MS-HREF-UNIQUE merged into the one before (its propstats
 *     moved there, "fixed") is one fewer;
 *   - no failure lost: the failing responses of the output are those of
 *     the input less the removed 424s (DEL-NO-424, CM-NO-424), plus the
 *     added 424 (LOCK-424-REQUEST-URI) and less at most the duplicates
 *     MS-HREF-UNIQUE removed (an earlier response lists the same href
 *     with the same status, so the failure is still reported) and the
 *     responses MS-RESPONSE-FORM left in one form (an empty 418 propstat
 *     beside a 2xx status is no failure; a failing status beside a 2xx
 *     placeholder is one) or whose 1xx propstats MS-STATUS-1XX (N3)
 *     removed, either way, and less at most one per merge (two failing
 *     responses become one, their failing propstats kept), unless
 *     PF-DEPTH-SCOPE removed some (under PROPFIND an absent entry is "not
 *     reported", rules.md RW-KEEP-FAILURE);
 *   - a second parse of the output (libxml2's reader, DOM, not our SAX
 *     layer) finds it well-formed and namespace-well-formed whenever it
 *     finds the input so;
 *   - a collapse (an opt-in N3 fix answers with a plain status,
 *     mss_collapse.c): the status changed exactly when one of those rules
 *     reports "fixed"; it is 204 only for a body without a failure (and
 *     then no body), otherwise the status of the body's one failure, and
 *     the body (the DAV:error) parses.  The re-check sees the output with
 *     the new status (a 409 made 207 too).
 */
#ifndef MSS_REWRITE_PROPS_H
#define MSS_REWRITE_PROPS_H

#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <apr_tables.h>
#include <libxml/parser.h>

#include "mss.h"

typedef struct {
    apr_pool_t *pool;
    char *out;
    size_t len;
    size_t cap;
    char *report;             /* "RULE RESPONSE ACTION\n" per finding */
    unsigned long dropped;    /* findings with action "dropped" */
    unsigned long drop_424;   /* ... under DEL-NO-424 / CM-NO-424 */
    unsigned long drop_scope; /* ... under PF-DEPTH-SCOPE */
    unsigned long drop_dup;   /* ... under MS-HREF-UNIQUE */
    unsigned long form_fix;   /* "fixed" findings of MS-RESPONSE-FORM and
                               * MS-STATUS-1XX (a 1xx propstat removed) */
    unsigned long drop_bad;   /* ... under any other rule */
    unsigned long fixed;      /* findings with action "fixed" */
    unsigned long inserted;   /* ... under LOCK-424-REQUEST-URI */
    unsigned long collapse;   /* ... that answer with another status */
    unsigned long split;      /* responses MS-MULTI-HREF added (copies) */
    unsigned long merged;     /* responses MS-HREF-UNIQUE moved into the
                               * one before */
    mss_result_t res;
    const apr_array_header_t *headers;
} rw_run_t;

static apr_status_t rw_collect(void *baton, const mss_violation_t *v)
{
    rw_run_t *r = baton;
    const char *id = v->rule->id;

    r->report =
        apr_psprintf(r->pool, "%s%s %lu %lu:%lu %s %s\n", r->report, id,
                     v->response, v->line, v->col, v->action, v->message);
    if (strcmp(v->action, "dropped") == 0) {
        r->dropped++;
        if (strcmp(id, "DEL-NO-424") == 0 || strcmp(id, "CM-NO-424") == 0) {
            r->drop_424++;
        }
        else if (strcmp(id, "PF-DEPTH-SCOPE") == 0) {
            r->drop_scope++;
        }
        else if (strcmp(id, "MS-HREF-UNIQUE") == 0) {
            r->drop_dup++;
        }
        else if (strcmp(id, "DEL-NO-204") != 0
                 && strcmp(id, "CM-NO-201-204") != 0) {
            r->drop_bad++;
        }
    }
    else if (strcmp(v->action, "fixed") == 0) {
        r->fixed++;
        if (strcmp(id, "MS-RESPONSE-FORM") == 0
            || strcmp(id, "MS-STATUS-1XX") == 0) {
            r->form_fix++;
        }
        if (strcmp(id, "LOCK-424-REQUEST-URI") == 0) {
            r->inserted++;
        }
        if (strcmp(id, "MS-HREF-UNIQUE") == 0
            && strstr(v->message, "moved into the previous response") != NULL) {
            r->merged++; /* its propstats joined the response before */
        }
        if (strcmp(id, "MS-MULTI-HREF") == 0) {
            unsigned int n = 0;

            /* split into one response per href: the message (ours)
             * begins with their number */
            if (sscanf(v->message, "%u hrefs", &n) == 1 && n > 1) {
                r->split += n - 1;
            }
        }
        if (strcmp(id, "PF-UNMAPPED-404") == 0
            || strcmp(id, "PP-PROPSTAT-FORM") == 0
            || strcmp(id, "DEL-MEMBERS-ONLY") == 0
            || strcmp(id, "DEL-HAS-FAILURE") == 0 || strcmp(id, "MS-EMPTY") == 0
            || strcmp(id, "CM-OTHER-RESOURCE") == 0
            || strcmp(id, "LOCK-DEPTH0") == 0) {
            r->collapse++; /* their only fix: a plain status instead */
        }
    }
    return APR_SUCCESS;
}

static apr_status_t rw_write(void *baton, const char *buf, apr_size_t n)
{
    rw_run_t *r = baton;

    if (r->len + n + 1 > r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 4096;
        char *nb;

        while (cap < r->len + n + 1) {
            cap *= 2;
        }
        nb = apr_palloc(r->pool, cap);
        if (r->len > 0) {
            memcpy(nb, r->out, r->len);
        }
        r->out = nb;
        r->cap = cap;
    }
    memcpy(r->out + r->len, buf, n);
    r->len += n;
    r->out[r->len] = '\0';
    return APR_SUCCESS;
}

/* One run in @p mode (Rewrite or Reject, which rewrites too), split at
 * @p split (>= len: whole). 0 on an API error. */
static int rw_run_mode(apr_pool_t *p, const mss_options_t *o, mss_mode_e mode,
                       const mss_request_t *req, const char *body, size_t len,
                       size_t split, rw_run_t *r)
{
    mss_options_t opts = *o;
    mss_validator_t *v;

    memset(r, 0, sizeof(*r));
    r->pool = p;
    r->report = "";
    r->out = "";
    opts.mode = mode;
    if (mss_validator_create(&v, p, &opts, req, rw_collect, r) != APR_SUCCESS
        || mss_validator_set_output(v, rw_write, r) != APR_SUCCESS) {
        return 0;
    }
    if (split > len) {
        split = len;
    }
    if (mss_validator_feed(v, body, split) != APR_SUCCESS
        || mss_validator_feed(v, body + split, len - split) != APR_SUCCESS
        || mss_validator_finish(v, &r->res) != APR_SUCCESS) {
        return 0;
    }
    r->headers = mss_validator_header_changes(v);
    return 1;
}

/* One Rewrite run, split at @p split (>= len: whole). 0 on an API error. */
static int rw_run(apr_pool_t *p, const mss_options_t *o,
                  const mss_request_t *req, const char *body, size_t len,
                  size_t split, rw_run_t *r)
{
    return rw_run_mode(p, o, MSS_MODE_REWRITE, req, body, len, split, r);
}

/* The response headers after the header changes. */
static apr_table_t *rw_headers_after(apr_pool_t *p, const apr_table_t *t,
                                     const apr_array_header_t *ch)
{
    apr_table_t *n = t != NULL ? apr_table_copy(p, t) : NULL;
    int i;

    for (i = 0; n != NULL && ch != NULL && i < ch->nelts; i++) {
        const mss_header_change_t *h =
            &APR_ARRAY_IDX(ch, i, mss_header_change_t);

        if (h->value != NULL) {
            apr_table_set(n, h->name, h->value);
        }
        else {
            apr_table_unset(n, h->name);
        }
    }
    return n;
}

/* Does @p report hold rule @p id at all? */
static int rw_has_rule(const char *report, const char *id)
{
    size_t n = strlen(id);
    const char *s = report;

    while ((s = strstr(s, id)) != NULL) {
        if ((s == report || s[-1] == '\n') && s[n] == ' ') {
            return 1;
        }
        s += n;
    }
    return 0;
}

static void rw_quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static int rw_second_parse(const char *s, size_t n)
{
    xmlParserCtxtPtr c = xmlNewParserCtxt();
    xmlDocPtr d;
    int good;

    if (c == NULL) {
        return 0;
    }
    /* transcoding errors go to the generic handler: not to stderr */
    xmlSetGenericErrorFunc(NULL, rw_quiet);
    d = xmlCtxtReadMemory(c, s, (int)n, "out.xml", NULL,
                          XML_PARSE_NONET | XML_PARSE_NOERROR
                              | XML_PARSE_NOWARNING);
    good = d != NULL && c->wellFormed && c->nsWellFormed;
    if (d != NULL) {
        xmlFreeDoc(d);
    }
    xmlFreeParserCtxt(c);
    return good;
}

static const char *rw_props(apr_pool_t *p, const mss_options_t *o,
                            const mss_request_t *req, const char *body,
                            size_t len)
{
    rw_run_t a;
    rw_run_t b;
    rw_run_t c;
    mss_request_t req2 = *req;
    const char *line;

    if (!rw_run(p, o, req, body, len, len, &a)
        || !rw_run(p, o, req, body, len, len / 2, &b)) {
        return "a run failed";
    }
    if (a.len != b.len || memcmp(a.out, b.out, a.len) != 0) {
        return "split invariance: split in two gives another output";
    }
    /* a body libxml2 transcodes (not UTF-8, passed on unchanged): where
     * its push parser finds an encoding error, if at all, depends on how
     * much it converted at once, so only the output is compared (README,
     * "Known limits") */
    if (strstr(a.report, "not in UTF-8") != NULL) {
        return NULL;
    }
    if (a.res.outcome != b.res.outcome) {
        return "split invariance: split in two gives another outcome";
    }
    /* the report too, except for a body that is not well-formed: where
     * libxml2's push parser reports some errors (an encoding error, an
     * open CDATA section before extra content, ...) and in what words can
     * depend on how much input it had, and with it what was checked
     * before; the output, passed on unchanged from there, may not differ
     * (README, "Known limits") */
    if (a.res.outcome != MSS_OUTCOME_MALFORMED
        && strcmp(a.report, b.report) != 0) {
        return "split invariance: the report differs when split in two";
    }
    if (!a.res.rewritten && (a.len != len || memcmp(a.out, body, len) != 0)) {
        return "verbatim: nothing changed, yet the output differs";
    }
    if (a.res.bytes_out != (apr_off_t)a.len) {
        return "bytes_out disagrees with the output";
    }
    if (a.res.outcome == MSS_OUTCOME_MALFORMED
        || a.res.outcome == MSS_OUTCOME_OVERFLOW || len == 0) {
        return NULL; /* fail open: nothing more to hold it to */
    }
    if (a.dropped != a.res.dropped || a.drop_bad > 0) {
        return "conservation: a removal not reported under a rule that "
               "allows it";
    }
    if (a.res.status != 0) {
        /* the response goes out with another status (mss_collapse.c,
         * LOCK-2518-409): the re-check sees it with that status */
        if (a.collapse != (a.res.status != 207)) {
            return "collapse: another status without a collapse reported "
                   "\"fixed\" (or the reverse)";
        }
        req2.status = a.res.status;
    }
    else if (a.collapse) {
        return "collapse: reported \"fixed\", yet the status is the same";
    }
    req2.resp_headers = rw_headers_after(p, req->resp_headers, a.headers);
    if (!rw_run(p, o, &req2, a.out, a.len, a.len, &c)) {
        return "the re-check run failed";
    }
    if (c.len != a.len || memcmp(c.out, a.out, a.len) != 0) {
        return "idempotence: rewriting the output changes it again";
    }
    if (c.fixed > 0 || c.dropped > 0 || c.res.rewritten) {
        return apr_psprintf(p,
                            "clean re-check: the second run still fixes "
                            "something:\n%s",
                            c.report);
    }
    for (line = c.report; *line != '\0'; line = strchr(line, '\n') + 1) {
        char id[64];
        const mss_rule_info_t *ri;

        if (sscanf(line, "%63s", id) == 1 && (ri = mss_rule_find(id)) != NULL
            && (ri->fix == MSS_FIX_N1 || ri->fix == MSS_FIX_N2)
            && !rw_has_rule(a.report, id)
            && !(strcmp(id, "MS-HREF-SAME-FORM") == 0
                 && strstr(a.report, "MS-HREF-SIMPLE-REF") != NULL)) {
            return apr_psprintf(p, "clean re-check: the output has a new %s",
                                id);
        }
    }
    if (a.collapse) {
        /* no failure lost: 204 only where nothing failed; otherwise the
         * status is that of the one failure, and its DAV:error (if any)
         * the body */
        if (a.res.status == 204 ? a.res.failures != 0 || a.len != 0
                                : a.res.failures != 1 || a.res.status < 400) {
            return "collapse: the status does not carry the one outcome";
        }
        if (a.len > 0 && !rw_second_parse(a.out, a.len)) {
            return "collapse: the body does not parse (second parser)";
        }
        return NULL;
    }
    if (c.res.responses + a.res.dropped + a.merged
        != a.res.responses + a.inserted + a.split) {
        return "conservation: responses in + inserted != responses out + "
               "dropped";
    }
    if (a.drop_scope == 0
        && (a.res.failures + a.inserted + a.form_fix + a.split
                < c.res.failures + a.drop_424
            || a.res.failures + a.inserted > c.res.failures + a.drop_424
                                                 + a.drop_dup + a.form_fix
                                                 + a.merged)) {
        return "no failure lost: a failing response went missing";
    }
    /* where the two libxml2 parsers disagree on the input (its push
     * parser accepts some transcoding errors the reader does not), the
     * second one has nothing to say about the rewrite */
    if (!rw_second_parse(a.out, a.len) && rw_second_parse(body, len)) {
        return "the output does not parse (second parser)";
    }
    return NULL;
}

#endif
