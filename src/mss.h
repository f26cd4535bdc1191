/*
 * mss.h: the one public header of the mod_dav_msstrict core.
 *
 * The core checks one HTTP 207 Multi-Status body against RFC 4918 (and the
 * extension RFCs named in rules.md).  It is httpd-free: it depends on C, APR
 * and libxml2 only, so the httpd glue, the msstrict CLI, the unit tests and
 * the fuzzers all drive the same code.
 *
 * Shape (the libsed model): bytes go in through mss_validator_feed() and
 * mss_validator_finish(); violations come out through a report callback
 * handed to each instance.  The core never logs and keeps no global state:
 * every allocation comes from the pool given to mss_validator_create().
 *
 * Nothing from httpd, apr-util buckets or libxml2 appears in this header.
 */
#ifndef MSS_H
#define MSS_H

#include <apr.h>
#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MSS_VERSION "0.1.0"

/** Rule ids, generated from mss_rules.def (MSS_R_HDR_CT_XML, ...). */
typedef enum {
#define MSS_RULE(e, id, row, rfc, lvl, sev, fix, act, sum) MSS_R_##e,
#include "mss_rules.def"
#undef MSS_RULE
    MSS_RULE_COUNT
} mss_rule_e;

/** Requirement level, as printed in reports and JSON. */
typedef enum {
    MSS_LEVEL_MUST,
    MSS_LEVEL_SHOULD,
    MSS_LEVEL_DTD,
    MSS_LEVEL_DERIVED,
    MSS_LEVEL_PASS
} mss_level_e;

/** Log severity of a violation (design.md 4: INFO rules log at info). */
typedef enum { MSS_SEV_INFO, MSS_SEV_WARN } mss_severity_e;

/** Rewrite class of a rule's default action (rules.md 0.2). */
typedef enum {
    MSS_FIX_NONE,  /* PASS or invariant: nothing to do */
    MSS_FIX_LOG,   /* report only */
    MSS_FIX_N1,    /* equivalence-preserving, on in Rewrite mode */
    MSS_FIX_N1OPT, /* N1 that is opt-in */
    MSS_FIX_N2,    /* conformance fix, on in Rewrite mode */
    MSS_FIX_N3     /* semantic rewrite, opt-in */
} mss_fix_e;

/** Per-rule setting (DAVMSStrictRule / --rule). */
typedef enum {
    MSS_ACTION_DEFAULT = 0, /* as the rule table says */
    MSS_ACTION_OFF,
    MSS_ACTION_LOG,
    MSS_ACTION_FIX,
    MSS_ACTION_REJECT
} mss_action_e;

/** Operating mode. */
typedef enum { MSS_MODE_LOG = 0, MSS_MODE_REWRITE, MSS_MODE_REJECT } mss_mode_e;

/** A row of the rule table. */
typedef struct {
    mss_rule_e rule;
    const char *id;  /* stable id, e.g. "MS-HREF-REQUIRED" */
    int row;         /* index row in rules.md */
    const char *rfc; /* e.g. "4918 13, 14.24, 9.1" */
    mss_level_e level;
    mss_severity_e severity;
    mss_fix_e fix;
    const char *default_action; /* as written in rules.md */
    const char *summary;
} mss_rule_info_t;

/** What the report callback receives.  Valid only during the call. */
typedef struct {
    const mss_rule_info_t *rule;
    mss_severity_e severity; /* may differ from the rule's default */
    unsigned long response;  /* 1-based top-level response, 0 = document */
    const char *href;        /* first href of that response, or NULL */
    unsigned long line;      /* 0 when not tied to a body position */
    unsigned long col;
    const char *message; /* one line, no control characters */
    const char *action;  /* "logged", "fixed", "dropped", "rejected" */
} mss_violation_t;

/** Report callback.  Return APR_SUCCESS; anything else aborts the feed. */
typedef apr_status_t (*mss_report_fn)(void *baton, const mss_violation_t *v);

/** Request and response facts (all plain data; NULL means unknown). */
typedef struct {
    const char *method;        /* "PROPFIND"; NULL = PROPFIND */
    const char *uri;           /* Request-URI as sent (r->unparsed_uri) */
    const char *scheme;        /* "http" or "https"; NULL = http */
    const char *depth;         /* raw Depth header value, NULL = absent */
    apr_table_t *req_headers;  /* Host, Destination, Prefer, Brief, ... */
    apr_table_t *resp_headers; /* NULL = not known: header rules skipped */
    int status;                /* HTTP status of the response; 0 = 207 */
    int proxied;               /* from mod_proxy: for the caller's records;
                                * no rule depends on it */
    apr_time_t now;            /* 0 = apr_time_now(); for Expires checks */
} mss_request_t;

/** Limits (DAVMSStrictLimits).  Each has a default and a defined outcome. */
#define MSS_DEFAULT_MAX_DEPTH 128              /* element nesting */
#define MSS_HARD_MAX_DEPTH 250                 /* libxml2 stops at 256 */
#define MSS_DEFAULT_MAX_TEXT (16 * 1024)       /* href/status text, bytes */
#define MSS_DEFAULT_MAX_RESPONSE (1024 * 1024) /* one DAV:response */
#define MSS_DEFAULT_MAX_VIOLATIONS 100         /* reported per body */

/** Options (mode, rule settings, limits). */
typedef struct {
    mss_mode_e mode;
    /* methods whose 207 may use propstat; space or comma separated.
     * NULL = "PROPFIND PROPPATCH REPORT SEARCH". */
    const char *propstat_methods;
    /* back-end to front-end path prefixes behind a reverse proxy, as
     * "FROM=TO" pairs separated by spaces (MS-HREF-PROXY-MAP), or NULL */
    const char *proxy_map;
    /* back-end origins ("http://10.0.0.5:8080") that a reverse proxy maps
     * to the request's, separated by spaces (MS-HREF-ORIGIN), or NULL */
    const char *origin_map;
    unsigned char rule_action[MSS_RULE_COUNT]; /* mss_action_e */
    apr_size_t max_depth;
    apr_size_t max_text;
    apr_size_t max_response;
    apr_size_t max_violations;
    /* Test hook (fault injection): when non-zero, the feed that takes the
     * body past this many bytes fails with APR_ENOMEM, as an allocation
     * failure inside the checker would.  0 (the default) = off. */
    apr_off_t fail_after;
} mss_options_t;

/** How a body ended up. */
typedef enum {
    MSS_OUTCOME_CLEAN,
    MSS_OUTCOME_VIOLATIONS,
    MSS_OUTCOME_MALFORMED, /* not well-formed: checking stopped there */
    MSS_OUTCOME_OVERFLOW   /* a limit stopped checking */
} mss_outcome_e;

typedef struct {
    mss_outcome_e outcome;
    apr_size_t violations;   /* all found, including suppressed ones */
    apr_size_t suppressed;   /* found but not reported (max_violations) */
    apr_size_t rejected;     /* Reject mode: violations of rules set to
                              * reject (reported with action "rejected") */
    apr_size_t responses;    /* top-level DAV:response elements seen */
    apr_size_t failures;     /* of which report a failure (non-2xx) */
    apr_off_t bytes;         /* body bytes fed */
    apr_size_t fixed;        /* Rewrite: violations reported "fixed" */
    apr_size_t dropped;      /* Rewrite: responses removed */
    apr_off_t bytes_out;     /* Rewrite: body bytes written */
    int rewritten;           /* Rewrite: the body or a header changed */
    int status;              /* Rewrite: the HTTP status to send instead
                              * (mss_validator_status), or 0 */
    unsigned long stop_line; /* where checking stopped (MALFORMED/...) */
    unsigned long stop_col;
} mss_result_t;

typedef struct mss_validator_t mss_validator_t;

/** Rewrite mode: receives the output body, in order.  Return APR_SUCCESS;
 *  anything else aborts the feed. */
typedef apr_status_t (*mss_write_fn)(void *baton, const char *buf,
                                     apr_size_t len);

/** A header change decided in Rewrite mode: set @p name to @p value, or
 *  remove the header when @p value is NULL. */
typedef struct {
    const char *name;
    const char *value;
} mss_header_change_t;

/**
 * @brief Process-wide set-up of libxml2.  Call once at start-up from the
 * main thread (the glue's post_config, the CLI's main).  Never call
 * xmlCleanupParser: other modules share libxml2.
 */
void mss_global_init(void);

/** @brief Fill @p o with the defaults. */
void mss_options_init(mss_options_t *o);

/**
 * @brief Parse a "depth=N text=N response=N violations=N" list into @p o.
 * Sizes accept K and M suffixes.
 * @return NULL on success, or an error message allocated from @p p.
 */
const char *mss_options_parse_limits(mss_options_t *o, const char *spec,
                                     apr_pool_t *p);

/** @return the rule table row for @p rule (never NULL for valid ids). */
const mss_rule_info_t *mss_rule_info(mss_rule_e rule);

/** @return 1 when Rewrite mode applies a fix for @p rule (all of its
 *  N1/N2/N3 action, or the part README.md names), 0 when it only logs. */
int mss_rule_fixable(mss_rule_e rule);

/** 1 when @p s is an origin for mss_options_t.origin_map:
 *  "http://HOST[:PORT]" or "https://...", at most a "/" after it. */
int mss_origin_valid(const char *s);

/** @return the row whose id is @p id (case-insensitive), or NULL. */
const mss_rule_info_t *mss_rule_find(const char *id);

/** @return "MUST", "SHOULD", "DTD", "DERIVED" or "PASS". */
const char *mss_level_name(mss_level_e level);

/** @return "clean", "violations", "malformed" or "overflow". */
const char *mss_outcome_name(mss_outcome_e outcome);

/**
 * @brief Quote @p s as a JSON string (RFC 8259), or "null" when NULL.
 * Quotes, backslashes and controls are escaped; bytes that are not UTF-8
 * become U+FFFD, so the result is always valid JSON text.
 */
char *mss_json_quote(apr_pool_t *p, const char *s);

/**
 * @brief Parse "off|log|fix|reject".
 * @return the action, or MSS_ACTION_DEFAULT when @p s is not one of them.
 */
mss_action_e mss_action_parse(const char *s);

/**
 * @brief Create a validator for one body.
 * @param v      receives the validator (allocated from @p p)
 * @param p      pool; the validator and its libxml2 context live until the
 *               pool is cleared or destroyed
 * @param opts   options (copied)
 * @param req    request facts (strings are copied)
 * @param report violation callback, called from create, feed and finish
 * @param baton  passed to @p report
 * @return APR_SUCCESS, APR_ENOMEM, or the report callback's error
 */
apr_status_t mss_validator_create(mss_validator_t **v, apr_pool_t *p,
                                  const mss_options_t *opts,
                                  const mss_request_t *req,
                                  mss_report_fn report, void *baton);

/**
 * @brief Feed the next @p len bytes of the body.  The outcome does not
 * depend on how the body is split.  A body that is malformed or over a
 * limit is not an error: it is reported, and later bytes are only counted.
 * @return APR_SUCCESS, APR_ENOMEM, or the report callback's error
 */
apr_status_t mss_validator_feed(mss_validator_t *v, const char *buf,
                                apr_size_t len);

/**
 * @brief End of body: run the whole-body checks and fill @p res.
 * @return APR_SUCCESS, APR_ENOMEM, or the report callback's error
 */
apr_status_t mss_validator_finish(mss_validator_t *v, mss_result_t *res);

/**
 * @brief Rewrite mode: send the body, normalised, to @p write.  Call once,
 * after mss_validator_create() and before the first feed, with opts.mode
 * MSS_MODE_REWRITE or MSS_MODE_REJECT (MSS_MODE_LOG: APR_EINVAL).  Reject
 * mode rewrites as Rewrite does (a rule set to reject is never fixed, so
 * it is still there to reject); the caller holds the output until it
 * knows mss_validator_rejected() is 0, or cannot enforce any more
 * (design.md 1: it then carries on in Rewrite mode).
 *
 * The body goes out one top-level DAV:response at a time: a response that
 * needs no fix as its original bytes, a fixed one with byte edits only
 * (property values are never touched, RW-PRESERVE-VALUES).  What is held
 * is bounded by twice opts.max_response (one response and what stands
 * between two); a
 * body over that bound, not well-formed, or not in UTF-8 is passed on
 * unchanged from that point (RW-FAIL-OPEN) and the report says so.
 *
 * When mss_validator_feed() returns an error, every byte of the earlier
 * feeds has been written: the caller passes the failed chunk and the rest
 * of the body through unchanged.
 */
apr_status_t mss_validator_set_output(mss_validator_t *v, mss_write_fn write,
                                      void *baton);

/**
 * @brief Rewrite mode: the header changes (mss_header_change_t), final
 * from the first call of the write callback on (or from finish, for a body
 * that wrote nothing).  Apply them before sending the first body byte.
 * Never NULL.
 */
const apr_array_header_t *
mss_validator_header_changes(const mss_validator_t *v);

/**
 * @brief Rewrite mode: the HTTP status the response goes out with, or 0
 * when it keeps its own.  An opt-in N3 fix may answer a 207 with a plain
 * status (PF-UNMAPPED-404, PP-PROPSTAT-FORM, DEL-MEMBERS-ONLY,
 * DEL-HAS-FAILURE, MS-EMPTY, CM-OTHER-RESOURCE, LOCK-DEPTH0: the body is
 * then the response's DAV:error, or empty, with a header change for
 * Content-Type), or a 409 with 207 (LOCK-2518-409).  Final, as the
 * header changes are, from the first call of the write callback on (or
 * from finish): while such a fix may still come, the core holds its
 * output (mss_validator_holding).
 */
int mss_validator_status(const mss_validator_t *v);

/** @brief Rewrite mode: 1 while the core holds its output because a
 *  collapse into a plain status may still come (see above). */
int mss_validator_holding(const mss_validator_t *v);

/**
 * @brief Rewrite mode: stop holding for a collapse (a caller that cannot
 * wait any longer, DAVMSStrictMaxBuffer): what is held goes to the write
 * callback now and the 207 stays a 207.
 * @return APR_SUCCESS, or the write callback's error
 */
apr_status_t mss_validator_release(mss_validator_t *v);

/** @brief Top-level responses seen to their end so far (Rewrite: each has
 *  gone to the write callback by then, unless the body failed open). */
apr_size_t mss_validator_responses_done(const mss_validator_t *v);

/**
 * @brief Reject mode: how many violations of rules set to reject were
 * found so far, reported or not.  Lets a caller that holds the body decide
 * before the end (DAVMSStrictMaxBuffer).
 */
apr_size_t mss_validator_rejected(const mss_validator_t *v);

#ifdef __cplusplus
}
#endif

#endif /* MSS_H */
