/*
 * mod_dav_msstrict.c: the httpd glue of mod_dav_msstrict.
 *
 * An output filter (MSSTRICT, AP_FTYPE_RESOURCE) that checks every HTTP
 * 207 Multi-Status body leaving the server against RFC 4918, using the
 * httpd-free core in src/ (see src/mss.h).  This file holds httpd glue
 * only: configuration and merge, the directives, the insert_filter hook,
 * the filter, and the bridge from the core's report callback to the error
 * log, the JSON audit log and r->notes.
 *
 * Modes (DAVMSStrict):
 *   Off      the filter is not inserted;
 *   Log      every bucket passes downstream unchanged and at once (zero
 *            copy); the parser reads the same bytes on the side.
 *   Rewrite  the core's streaming rewriter re-emits the body one
 *            DAV:response at a time (fixed ones with byte edits, the rest
 *            verbatim).  Headers are held until the first response is
 *            complete, the body ends, or DAVMSStrictMaxBuffer bytes came
 *            in; then the core's header changes are applied (a body that
 *            ended by then gets an exact Content-Length).
 *   Reject   Rewrite, with the output held (up to DAVMSStrictMaxBuffer
 *            bytes of body in); if a rule set to reject fires, the client
 *            gets 502 (proxied) or 500 instead, and nothing of the body.
 *            A body that outgrows the buffer before any such rule fires is
 *            released and carries on in Rewrite mode ("could not
 *            enforce"); one that outgrows it after is discarded as it
 *            comes, and rejected at its end.
 *
 * Fail open: a violation, a malformed body, a limit or an internal error
 * of the checker never changes the bytes the client receives or turns the
 * response into an error.
 *
 * Log tags: MSS00100-MSS00199 are ours, numbered here (httpd's AH numbers
 * belong to httpd).
 */
#include "apr_atomic.h"
#include "apr_lib.h"
#include "apr_shm.h"
#include "apr_strings.h"
#include "apr_time.h"

/* httpd.h first: the other httpd headers need its types */
#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_filter.h"

#include "mod_status.h"

#include "mss.h"

module AP_MODULE_DECLARE_DATA dav_msstrict_module;
APLOG_USE_MODULE(dav_msstrict);

static const char msstrict_filter_name[] = "MSSTRICT";

/* Error-log lines per 207 for single violations; the rest are counted in
 * the summary line and all of them (up to the violations limit) go to the
 * audit log. */
#define MSSTRICT_LOG_CAP 10
/* Bytes of body text (hrefs, messages) in one error-log line. */
#define MSSTRICT_TEXT_CAP 256
#define MSSTRICT_DEFAULT_MAX_BUFFER (1024 * 1024)

/* ---- configuration ---------------------------------------------------- */

/* Modes; "unset" (-1) survives the merge and reads as Off. */
enum {
    MSSTRICT_UNSET = -1,
    MSSTRICT_OFF = 0,
    MSSTRICT_LOG,
    MSSTRICT_REWRITE,
    MSSTRICT_REJECT
};

typedef struct {
    int mode;
    /* mss_action_e per rule; MSS_ACTION_DEFAULT (0) = unset */
    unsigned char rule_action[MSS_RULE_COUNT];
    const char *propstat_methods; /* NULL = unset */
    const char *proxy_map;        /* "/BE/=/FE/ ..."; NULL = unset */
    const char *origin_map;       /* "http://be:8080 ..."; NULL = unset */
    apr_off_t max_buffer;         /* -1 = unset */
    /* DAVMSStrictLimits; 0 = unset, each inherited on its own */
    apr_size_t max_depth;
    apr_size_t max_text;
    apr_size_t max_response;
    apr_size_t max_violations;
} msstrict_dir_conf;

/* Counters, for mod_status: one block of shared memory for the whole
 * server (every child and thread adds to it with atomic operations),
 * created in post_config, so they start from zero at each (graceful)
 * restart.  "skipped" counts 207s not inspected (HEAD, gzip, ...) and
 * 207s whose checking stopped on an internal failure. */
static const struct {
    const char *note; /* msstrict-result */
    const char *key;  /* mod_status ?auto */
} msstrict_results[] = {
    {"clean", "MSStrictClean"},         {"violations", "MSStrictViolations"},
    {"fixed", "MSStrictFixed"},         {"rejected", "MSStrictRejected"},
    {"malformed", "MSStrictMalformed"}, {"overflow", "MSStrictOverflow"},
    {"skipped", "MSStrictSkipped"}};
#define MSSTRICT_NRESULTS                                                      \
    (sizeof(msstrict_results) / sizeof(msstrict_results[0]))

typedef struct {
    volatile apr_uint64_t inspected; /* 207s the checker read */
    volatile apr_uint64_t result[MSSTRICT_NRESULTS];
    volatile apr_uint64_t unenforced; /* Reject over the buffer: Rewrite */
    volatile apr_uint64_t violations; /* found, beyond the limit included */
    volatile apr_uint64_t bytes_in;
    volatile apr_uint64_t bytes_out;
    volatile apr_uint64_t rule[MSS_RULE_COUNT]; /* 207s the rule fired in */
} msstrict_counters_t;

typedef struct {
    const char *audit_path;        /* as configured; NULL = unset */
    apr_file_t *audit;             /* opened in post_config */
    msstrict_counters_t *counters; /* post_config; shared by all servers */
} msstrict_srv_conf;

static void *msstrict_create_dir_conf(apr_pool_t *p, char *dir)
{
    msstrict_dir_conf *c = apr_pcalloc(p, sizeof(*c));

    (void)dir;
    c->mode = MSSTRICT_UNSET;
    c->max_buffer = -1;
    return c;
}

/* A child inherits every field it leaves unset. */
#define MSSTRICT_MERGE(field, unset)                                           \
    c->field = (add->field != (unset)) ? add->field : base->field

static void *msstrict_merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    const msstrict_dir_conf *base = basev;
    const msstrict_dir_conf *add = addv;
    msstrict_dir_conf *c = apr_pcalloc(p, sizeof(*c));
    int i;

    MSSTRICT_MERGE(mode, MSSTRICT_UNSET);
    MSSTRICT_MERGE(propstat_methods, NULL);
    MSSTRICT_MERGE(proxy_map, NULL);
    MSSTRICT_MERGE(origin_map, NULL);
    MSSTRICT_MERGE(max_buffer, -1);
    MSSTRICT_MERGE(max_depth, 0);
    MSSTRICT_MERGE(max_text, 0);
    MSSTRICT_MERGE(max_response, 0);
    MSSTRICT_MERGE(max_violations, 0);
    for (i = 0; i < MSS_RULE_COUNT; i++) {
        MSSTRICT_MERGE(rule_action[i], MSS_ACTION_DEFAULT);
    }
    return c;
}

static void *msstrict_create_srv_conf(apr_pool_t *p, server_rec *s)
{
    (void)s;
    return apr_pcalloc(p, sizeof(msstrict_srv_conf));
}

static void *msstrict_merge_srv_conf(apr_pool_t *p, void *basev, void *addv)
{
    const msstrict_srv_conf *base = basev;
    const msstrict_srv_conf *add = addv;
    msstrict_srv_conf *c = apr_pcalloc(p, sizeof(*c));

    MSSTRICT_MERGE(audit_path, NULL);
    return c;
}

/* ---- directives ------------------------------------------------------- */

static const char *msstrict_set_mode(cmd_parms *cmd, void *dv, const char *arg)
{
    msstrict_dir_conf *c = dv;

    if (strcasecmp(arg, "Off") == 0) {
        c->mode = MSSTRICT_OFF;
    }
    else if (strcasecmp(arg, "Log") == 0) {
        c->mode = MSSTRICT_LOG;
    }
    else if (strcasecmp(arg, "Reject") == 0) {
        c->mode = MSSTRICT_REJECT;
    }
    else if (strcasecmp(arg, "Rewrite") == 0) {
        c->mode = MSSTRICT_REWRITE;
    }
    else {
        return apr_psprintf(cmd->pool,
                            "%s: '%s' is not Off, Log, Rewrite or "
                            "Reject",
                            cmd->cmd->name, arg);
    }
    return NULL;
}

static const char *msstrict_set_rule(cmd_parms *cmd, void *dv, const char *id,
                                     const char *action)
{
    msstrict_dir_conf *c = dv;
    const mss_rule_info_t *ri = mss_rule_find(id);
    mss_action_e a = mss_action_parse(action);

    if (ri == NULL) {
        return apr_psprintf(cmd->pool,
                            "%s: unknown rule id '%s' (msstrict "
                            "--list-rules lists them)",
                            cmd->cmd->name, id);
    }
    if (a == MSS_ACTION_DEFAULT) {
        return apr_psprintf(cmd->pool,
                            "%s %s: '%s' is not off, log, fix or "
                            "reject",
                            cmd->cmd->name, ri->id, action);
    }
    c->rule_action[ri->rule] = (unsigned char)a;
    return NULL;
}

/* An RFC 9110 token. */
static int msstrict_is_token(const char *s)
{
    if (*s == '\0') {
        return 0;
    }
    for (; *s != '\0'; s++) {
        if (!apr_isalnum(*s) && strchr("!#$%&'*+-.^_`|~", *s) == NULL) {
            return 0;
        }
    }
    return 1;
}

static const char *msstrict_set_propstat_methods(cmd_parms *cmd, void *dv,
                                                 const char *args)
{
    msstrict_dir_conf *c = dv;
    const char *list = args;
    char *m;

    while (*(m = ap_getword_conf(cmd->temp_pool, &list)) != '\0') {
        if (!msstrict_is_token(m)) {
            return apr_psprintf(cmd->pool, "%s: '%s' is not a method name",
                                cmd->cmd->name, m);
        }
    }
    c->propstat_methods = apr_pstrdup(cmd->pool, args);
    return NULL;
}

/* @p list with @p item appended, space-separated (NULL: none yet) */
static const char *msstrict_list_add(apr_pool_t *p, const char *list,
                                     const char *item)
{
    return list == NULL ? item : apr_pstrcat(p, list, " ", item, NULL);
}

/* DAVMSStrictProxyMap /BACKEND/ /FRONTEND/: a path prefix a reverse proxy
 * maps (MS-HREF-PROXY-MAP); repeatable, the lines of one section add up */
static const char *msstrict_set_proxy_map(cmd_parms *cmd, void *dv,
                                          const char *from, const char *to)
{
    msstrict_dir_conf *c = dv;
    const char *pair;

    if (from[0] != '/' || to[0] != '/' || strpbrk(from, " \t=") != NULL
        || strpbrk(to, " \t=") != NULL) {
        return apr_psprintf(cmd->pool,
                            "%s: '%s' '%s' is not /BACKEND/ /FRONTEND/ "
                            "(absolute paths, no '=' or space)",
                            cmd->cmd->name, from, to);
    }
    pair = apr_pstrcat(cmd->pool, from, "=", to, NULL);
    c->proxy_map = msstrict_list_add(cmd->pool, c->proxy_map, pair);
    return NULL;
}

/* DAVMSStrictOriginMap ORIGIN...: back-end origins a reverse proxy maps
 * to the request's (MS-HREF-ORIGIN); the lines of one section add up */
static const char *msstrict_set_origin_map(cmd_parms *cmd, void *dv,
                                           const char *arg)
{
    msstrict_dir_conf *c = dv;

    if (!mss_origin_valid(arg)) {
        return apr_psprintf(cmd->pool,
                            "%s: '%s' is not an origin "
                            "(http://HOST[:PORT] or https://HOST[:PORT])",
                            cmd->cmd->name, arg);
    }
    c->origin_map = msstrict_list_add(cmd->pool, c->origin_map,
                                      apr_pstrdup(cmd->pool, arg));
    return NULL;
}

/* "N", "NK" or "NM": a positive byte count. */
static const char *msstrict_parse_bytes(cmd_parms *cmd, const char *arg,
                                        apr_off_t *out)
{
    char *end = NULL;
    apr_int64_t n;

    if (!apr_isdigit(*arg)) {
        return apr_psprintf(cmd->pool, "%s: '%s' is not a positive byte count",
                            cmd->cmd->name, arg);
    }
    n = apr_strtoi64(arg, &end, 10);
    if (*end == 'k' || *end == 'K') {
        n = n > APR_INT64_MAX / 1024 ? -1 : n * 1024;
        end++;
    }
    else if (*end == 'm' || *end == 'M') {
        n = n > APR_INT64_MAX / (1024 * 1024) ? -1 : n * 1024 * 1024;
        end++;
    }
    if (*end != '\0' || n <= 0 || n > (apr_int64_t)1024 * 1024 * 1024) {
        return apr_psprintf(cmd->pool,
                            "%s: '%s' is not a byte count between "
                            "1 and 1G (K and M suffixes allowed)",
                            cmd->cmd->name, arg);
    }
    *out = (apr_off_t)n;
    return NULL;
}

static const char *msstrict_set_max_buffer(cmd_parms *cmd, void *dv,
                                           const char *arg)
{
    msstrict_dir_conf *c = dv;

    return msstrict_parse_bytes(cmd, arg, &c->max_buffer);
}

static const char *msstrict_set_limits(cmd_parms *cmd, void *dv,
                                       const char *args)
{
    msstrict_dir_conf *c = dv;
    mss_options_t o;
    const char *err;

    /* parse into zeros, so that what the line leaves out stays unset and
     * is inherited */
    memset(&o, 0, sizeof(o));
    err = mss_options_parse_limits(&o, args, cmd->temp_pool);
    if (err != NULL) {
        return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err);
    }
    if (o.max_depth != 0) {
        c->max_depth = o.max_depth;
    }
    if (o.max_text != 0) {
        c->max_text = o.max_text;
    }
    if (o.max_response != 0) {
        c->max_response = o.max_response;
    }
    if (o.max_violations != 0) {
        c->max_violations = o.max_violations;
    }
    return NULL;
}

static const char *msstrict_set_audit_log(cmd_parms *cmd, void *dv,
                                          const char *arg)
{
    msstrict_srv_conf *sc =
        ap_get_module_config(cmd->server->module_config, &dav_msstrict_module);
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);

    (void)dv;
    if (err != NULL) {
        return err;
    }
    if (*arg == '\0' || (arg[0] == '|' && arg[1] == '\0')) {
        return apr_psprintf(cmd->pool, "%s: needs a file name or \"|program\"",
                            cmd->cmd->name);
    }
    sc->audit_path = arg;
    return NULL;
}

static const command_rec msstrict_cmds[] = {
    AP_INIT_TAKE1("DAVMSStrict", msstrict_set_mode, NULL,
                  RSRC_CONF | ACCESS_CONF,
                  "Off | Log | Rewrite | Reject: check HTTP 207 bodies "
                  "against RFC 4918"),
    AP_INIT_TAKE2("DAVMSStrictRule", msstrict_set_rule, NULL,
                  RSRC_CONF | ACCESS_CONF,
                  "RULE-ID off|log|fix|reject: per-rule override"),
    AP_INIT_RAW_ARGS(
        "DAVMSStrictPropstatMethods", msstrict_set_propstat_methods, NULL,
        RSRC_CONF | ACCESS_CONF, "methods whose 207 may use DAV:propstat"),
    AP_INIT_TAKE2("DAVMSStrictProxyMap", msstrict_set_proxy_map, NULL,
                  RSRC_CONF | ACCESS_CONF,
                  "/BACKEND/ /FRONTEND/: a path prefix a reverse proxy maps"),
    AP_INIT_ITERATE("DAVMSStrictOriginMap", msstrict_set_origin_map, NULL,
                    RSRC_CONF | ACCESS_CONF,
                    "back-end origins (http://host:port) a reverse proxy "
                    "maps to the request's"),
    AP_INIT_TAKE1("DAVMSStrictMaxBuffer", msstrict_set_max_buffer, NULL,
                  RSRC_CONF | ACCESS_CONF,
                  "bytes held for header decisions and Reject (K, M)"),
    AP_INIT_RAW_ARGS("DAVMSStrictLimits", msstrict_set_limits, NULL,
                     RSRC_CONF | ACCESS_CONF,
                     "depth=N text=N response=N violations=N"),
    AP_INIT_TAKE1("DAVMSStrictAuditLog", msstrict_set_audit_log, NULL,
                  RSRC_CONF, "file or \"|program\" for the JSON audit log"),
    {NULL}};

/* ---- audit log -------------------------------------------------------- */

static apr_status_t msstrict_open_audit(apr_pool_t *p, server_rec *s,
                                        const char *path, apr_file_t **out)
{
    apr_status_t rv;

    if (path[0] == '|') {
        piped_log *pl = ap_open_piped_log(p, path + 1);

        if (pl == NULL) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                         "MSS00101: DAVMSStrictAuditLog: cannot start '%s'",
                         path + 1);
            return APR_EGENERAL;
        }
        *out = ap_piped_log_write_fd(pl);
        return APR_SUCCESS;
    }
    path = ap_server_root_relative(p, path);
    if (path == NULL) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     "MSS00102: DAVMSStrictAuditLog: invalid path");
        return APR_EBADPATH;
    }
    /* unbuffered and O_APPEND: each record is one write() */
    rv = apr_file_open(out, path,
                       APR_FOPEN_WRITE | APR_FOPEN_CREATE | APR_FOPEN_APPEND,
                       APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_GREAD, p);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     "MSS00103: DAVMSStrictAuditLog: cannot open %s", path);
    }
    return rv;
}

static int msstrict_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                                apr_pool_t *ptemp, server_rec *main_s)
{
    msstrict_srv_conf *main_c =
        ap_get_module_config(main_s->module_config, &dav_msstrict_module);
    server_rec *s;

    (void)plog;
    (void)ptemp;
    /* libxml2 set-up, once, in the parent; never xmlCleanupParser */
    mss_global_init();

    {
        /* the counters: anonymous shared memory, inherited by the
         * children; gone with pconf at the next restart */
        apr_shm_t *shm;
        apr_status_t rv =
            apr_shm_create(&shm, sizeof(msstrict_counters_t), NULL, pconf);

        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_ERR, rv, main_s,
                         "MSS00126: cannot create the shared memory for the "
                         "counters; mod_status will not show them");
        }
        else {
            msstrict_counters_t *cnt = apr_shm_baseaddr_get(shm);

            memset(cnt, 0, sizeof(*cnt));
            for (s = main_s; s != NULL; s = s->next) {
                msstrict_srv_conf *c = ap_get_module_config(
                    s->module_config, &dav_msstrict_module);

                c->counters = cnt;
            }
        }
    }

    /* one handle per distinct path; virtual hosts that inherit the main
     * server's audit log share its handle */
    for (s = main_s; s != NULL; s = s->next) {
        msstrict_srv_conf *c =
            ap_get_module_config(s->module_config, &dav_msstrict_module);
        server_rec *o;

        if (c->audit_path == NULL) {
            continue;
        }
        if (s != main_s && main_c->audit != NULL
            && strcmp(c->audit_path, main_c->audit_path) == 0) {
            c->audit = main_c->audit;
            continue;
        }
        for (o = main_s->next; o != NULL && o != s; o = o->next) {
            msstrict_srv_conf *oc =
                ap_get_module_config(o->module_config, &dav_msstrict_module);

            if (oc->audit != NULL
                && strcmp(oc->audit_path, c->audit_path) == 0) {
                c->audit = oc->audit;
                break;
            }
        }
        if (c->audit == NULL
            && msstrict_open_audit(pconf, s, c->audit_path, &c->audit)
                   != APR_SUCCESS) {
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    return OK;
}

/* ---- the filter ------------------------------------------------------- */

typedef struct {
    request_rec *r;
    apr_pool_t *pool; /* the validator's; destroyed at EOS */
    mss_validator_t *v;
    int mode;
    int stopped; /* internal failure: no more checking, bytes still pass */
    int finished;
    apr_size_t logged;
    apr_size_t reported;
    int any_warn;
    unsigned char fired[MSS_RULE_COUNT];
    apr_array_header_t *records; /* JSON violation records (char *) */
    apr_off_t bytes_in;
    apr_off_t bytes_out;
    apr_size_t brigades; /* filter calls with data, for the trace line */
    apr_size_t buckets;  /* data buckets read */
    /* Reject */
    apr_off_t max_buffer;
    int discarding;      /* over the buffer with a reject pending: drop bytes */
    int unenforced;      /* over the buffer first: carried on in Rewrite mode */
    apr_size_t rejected; /* reject-level violations, at the end */
    /* Rewrite and Reject */
    apr_bucket_brigade *out; /* what the core wrote, not yet passed */
    int released;            /* the headers are decided and out */
    int passthrough;         /* the checker failed: bytes go as they are */
    int rewrote;             /* the core changed the body or a header */
} msstrict_ctx;

static msstrict_counters_t *msstrict_counters(const request_rec *r)
{
    const msstrict_srv_conf *sc =
        ap_get_module_config(r->server->module_config, &dav_msstrict_module);

    return sc->counters;
}

/* One 207 under @p result; with @p ctx, one the checker read. */
static void msstrict_count(const request_rec *r, const char *result,
                           const msstrict_ctx *ctx, apr_size_t violations)
{
    msstrict_counters_t *cnt = msstrict_counters(r);
    apr_size_t i;

    if (cnt == NULL) {
        return;
    }
    for (i = 0; i < MSSTRICT_NRESULTS; i++) {
        if (strcmp(msstrict_results[i].note, result) == 0) {
            apr_atomic_inc64(&cnt->result[i]);
            break;
        }
    }
    if (ctx == NULL) {
        return;
    }
    apr_atomic_inc64(&cnt->inspected);
    apr_atomic_add64(&cnt->violations, violations);
    apr_atomic_add64(&cnt->bytes_in, (apr_uint64_t)ctx->bytes_in);
    apr_atomic_add64(&cnt->bytes_out, (apr_uint64_t)ctx->bytes_out);
    for (i = 0; i < MSS_RULE_COUNT; i++) {
        if (ctx->fired[i]) {
            apr_atomic_inc64(&cnt->rule[i]);
        }
    }
}

static const char *msstrict_mode_name(int mode)
{
    switch (mode) {
    case MSSTRICT_REWRITE:
        return "rewrite";
    case MSSTRICT_REJECT:
        return "reject";
    default:
        return "log";
    }
}

/* Text from the request or the body, fit for one error-log line: at most
 * MSSTRICT_TEXT_CAP bytes, and every control character (CR, LF, ESC ...),
 * DEL and non-ASCII byte written as \xHH, so that a body can never forge
 * a log line or smuggle terminal escapes.  Quotes and backslashes are left
 * alone: the core's hrefs and messages arrive already escaped, and doing
 * it twice would only make them unreadable. */
static const char *msstrict_log_text(apr_pool_t *p, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    apr_size_t len;
    apr_size_t use;
    apr_size_t i;
    apr_size_t o = 0;
    char *out;

    if (s == NULL) {
        return "";
    }
    len = strlen(s);
    use = len > MSSTRICT_TEXT_CAP ? MSSTRICT_TEXT_CAP : len;
    out = apr_palloc(p, use * 4 + 4);
    for (i = 0; i < use; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c < 0x20 || c >= 0x7f) {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
        else {
            out[o++] = (char)c;
        }
    }
    if (use < len) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return out;
}

static apr_status_t msstrict_report(void *baton, const mss_violation_t *v)
{
    msstrict_ctx *ctx = baton;
    request_rec *r = ctx->r;
    apr_pool_t *p = r->pool;
    int level = v->severity == MSS_SEV_INFO ? APLOG_INFO : APLOG_WARNING;
    /* a reject that can no longer be enforced is only a log entry */
    const char *action = ctx->unenforced && strcmp(v->action, "rejected") == 0
                             ? "logged"
                             : v->action;

    ctx->reported++;
    ctx->fired[v->rule->rule] = 1;
    if (v->severity != MSS_SEV_INFO) {
        ctx->any_warn = 1;
    }
    if (ctx->logged < MSSTRICT_LOG_CAP && APLOG_R_IS_LEVEL(r, level)) {
        ctx->logged++;
        /* "response 2 href /x at 13:14", "document at 1:1", or for
         * header and whole-body rules (no position) "document" */
        const char *where =
            v->response > 0 ? apr_psprintf(
                p, "response %lu%s%s", v->response,
                v->href != NULL ? " href " : "",
                v->href != NULL ? msstrict_log_text(p, v->href) : "")
                            : "document";
        const char *at =
            v->line > 0 ? apr_psprintf(p, " at %lu:%lu", v->line, v->col) : "";

        ap_log_rerror(APLOG_MARK, level, 0, r,
                      "MSS00110: %s [%s; RFC %s] %s%s: %s (%s %s)%s",
                      v->rule->id, mss_level_name(v->rule->level), v->rule->rfc,
                      where, at, msstrict_log_text(p, v->message),
                      msstrict_log_text(p, r->method),
                      msstrict_log_text(p, r->unparsed_uri),
                      strcmp(action, "logged") == 0
                          ? ""
                          : apr_pstrcat(p, " [", action, "]", NULL));
    }
    *(const char **)apr_array_push(ctx->records) = apr_psprintf(
        p,
        "{\"rule\":%s,\"level\":%s,\"rfc\":%s,\"response\":%lu,\"href\":%s,"
        "\"line\":%lu,\"col\":%lu,\"message\":%s,\"action\":%s}",
        mss_json_quote(p, v->rule->id),
        mss_json_quote(p, mss_level_name(v->rule->level)),
        mss_json_quote(p, v->rule->rfc), v->response,
        mss_json_quote(p, v->href), v->line, v->col,
        mss_json_quote(p, v->message), mss_json_quote(p, action));
    return APR_SUCCESS;
}

static const char *msstrict_fired_list(apr_pool_t *p, const msstrict_ctx *ctx)
{
    apr_array_header_t *ids = apr_array_make(p, 8, sizeof(const char *));
    int i;

    for (i = 0; i < MSS_RULE_COUNT; i++) {
        if (ctx->fired[i]) {
            *(const char **)apr_array_push(ids) =
                mss_rule_info((mss_rule_e)i)->id;
        }
    }
    return apr_array_pstrcat(p, ids, ',');
}

static void msstrict_audit(msstrict_ctx *ctx, const char *result,
                           const char *fired)
{
    request_rec *r = ctx->r;
    apr_pool_t *p = r->pool;
    msstrict_srv_conf *sc =
        ap_get_module_config(r->server->module_config, &dav_msstrict_module);
    char ts[APR_RFC822_DATE_LEN + 32];
    apr_time_exp_t t;
    apr_size_t tslen = 0;
    const char *rid;
    char *line;
    apr_size_t len;
    apr_status_t rv;

    (void)fired;
    if (sc->audit == NULL) {
        return;
    }
    if (apr_time_exp_gmt(&t, r->request_time) != APR_SUCCESS
        || apr_strftime(ts, &tslen, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &t)
               != APR_SUCCESS) {
        ts[0] = '\0';
    }
    rid = apr_table_get(r->subprocess_env, "UNIQUE_ID");
    if (rid == NULL) {
        rid = r->log_id;
    }
    line = apr_psprintf(
        p,
        "{\"time\":%s,\"request_id\":%s,\"client\":%s,\"vhost\":%s,"
        "\"method\":%s,\"uri\":%s,\"depth\":%s,\"proxied\":%s,\"mode\":%s,"
        "\"result\":%s,\"bytes_in\":%" APR_OFF_T_FMT
        ",\"bytes_out\":%" APR_OFF_T_FMT ",\"violations\":[%s]}\n",
        mss_json_quote(p, ts), mss_json_quote(p, rid),
        mss_json_quote(p, r->useragent_ip),
        mss_json_quote(p, r->server->server_hostname),
        mss_json_quote(p, r->method), mss_json_quote(p, r->unparsed_uri),
        mss_json_quote(p, apr_table_get(r->headers_in, "Depth")),
        r->proxyreq != PROXYREQ_NONE ? "true" : "false",
        mss_json_quote(p, msstrict_mode_name(ctx->mode)),
        mss_json_quote(p, result), ctx->bytes_in, ctx->bytes_out,
        apr_array_pstrcat(p, ctx->records, ','));
    len = strlen(line);
    rv = apr_file_write_full(sc->audit, line, len, NULL);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                      "MSS00120: DAVMSStrictAuditLog: write failed");
    }
}

/* design.md 1: 502 Bad Gateway when a back-end produced the body, else 500 */
static int msstrict_reject_status(const request_rec *r)
{
    return r->proxyreq != PROXYREQ_NONE ? HTTP_BAD_GATEWAY
                                        : HTTP_INTERNAL_SERVER_ERROR;
}

static void msstrict_release(msstrict_ctx *ctx, int complete);
static apr_status_t msstrict_write(void *baton, const char *buf,
                                   apr_size_t len);

/* Reject mode, at the end of the body: whether the client gets 502/500.
 * Discarding means the verdict was in before the buffer filled: it stands
 * even if the checker failed afterwards (what was held is gone, so passing
 * is no longer an option).  Otherwise an internal failure never rejects. */
static int msstrict_rejecting(const msstrict_ctx *ctx)
{
    return ctx->mode == MSSTRICT_REJECT
           && (ctx->discarding || (!ctx->stopped && ctx->rejected > 0));
}

/* End of body: whole-body checks, the summary line, notes and audit. */
static void msstrict_finish(msstrict_ctx *ctx)
{
    request_rec *r = ctx->r;
    mss_result_t res;
    const char *result;
    const char *fired;
    apr_status_t rv;

    ctx->finished = 1;
    memset(&res, 0, sizeof(res));
    if (!ctx->stopped) {
        rv = mss_validator_finish(ctx->v, &res);
        if (rv != APR_SUCCESS) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                          "MSS00121: checker failed at the end of the body; "
                          "the body was passed unchanged");
            ctx->stopped = 1;
        }
    }
    ctx->rejected = res.rejected;
    if (ctx->out != NULL) {
        ctx->rewrote = res.rewritten;
        if (!ctx->released && !msstrict_rejecting(ctx)) {
            /* the whole body is in: its exact length can be said */
            msstrict_release(ctx, 1);
        }
    }
    if (ctx->discarding) {
        /* Reject: the verdict came before the buffer filled, and stands
         * even if the checker failed later */
        result = "rejected";
        ctx->bytes_out = 0;
        if (ctx->stopped) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          "MSS00112: 207 rejected on a verdict reached "
                          "before the checker failed; the client gets %d "
                          "and none of the body (%s %s)",
                          msstrict_reject_status(r),
                          msstrict_log_text(r->pool, r->method),
                          msstrict_log_text(r->pool, r->unparsed_uri));
        }
    }
    else if (ctx->stopped) {
        result = "skipped";
    }
    else if (ctx->mode == MSSTRICT_REJECT && res.rejected > 0) {
        result = "rejected";
        ctx->bytes_out = 0;
    }
    else if (ctx->out != NULL && res.fixed > 0) {
        result = "fixed";
    }
    else {
        result = mss_outcome_name(res.outcome);
    }
    fired = msstrict_fired_list(r->pool, ctx);
    apr_table_setn(r->notes, "msstrict-result", result);
    apr_table_setn(r->notes, "msstrict-rules", fired);
    apr_table_setn(r->notes, "msstrict-count",
                   apr_psprintf(r->pool, "%" APR_SIZE_T_FMT,
                                ctx->stopped ? ctx->reported : res.violations));
    msstrict_count(r, result, ctx,
                   ctx->stopped ? ctx->reported : res.violations);
    if (!ctx->stopped && res.outcome == MSS_OUTCOME_CLEAN) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      "MSS00111: 207 clean: %" APR_SIZE_T_FMT
                      " responses, %" APR_OFF_T_FMT " bytes",
                      res.responses, ctx->bytes_in);
    }
    else if (!ctx->stopped) {
        int level = ctx->any_warn || res.outcome != MSS_OUTCOME_VIOLATIONS
                            || res.rejected > 0
                        ? APLOG_WARNING
                        : APLOG_INFO;

        ap_log_rerror(
            APLOG_MARK, level, 0, r,
            "MSS00112: 207 %s: %" APR_SIZE_T_FMT
            " violation(s) [%s]%s in %" APR_SIZE_T_FMT
            " responses, %" APR_OFF_T_FMT " bytes%s%s%s, "
            "mode %s (%s %s)",
            result, res.violations, fired,
            res.suppressed > 0 ? apr_psprintf(
                r->pool, " (%" APR_SIZE_T_FMT " over the violations limit)",
                res.suppressed)
                               : "",
            res.responses, ctx->bytes_in,
            res.outcome == MSS_OUTCOME_MALFORMED
                    || res.outcome == MSS_OUTCOME_OVERFLOW
                ? apr_psprintf(r->pool, ", checking stopped at %lu:%lu",
                               res.stop_line, res.stop_col)
                : "",
            ctx->logged < ctx->reported
                ? apr_psprintf(r->pool,
                               ", %" APR_SIZE_T_FMT
                               " not in the error log (see the audit log)",
                               ctx->reported - ctx->logged)
                : "",
            strcmp(result, "rejected") == 0 ? apr_psprintf(
                r->pool, "; the client gets %d and none of the body",
                msstrict_reject_status(r))
            : res.status != 0
                ? apr_psprintf(r->pool, "; answered %d instead", res.status)
                : "",
            msstrict_mode_name(ctx->mode),
            msstrict_log_text(r->pool, r->method),
            msstrict_log_text(r->pool, r->unparsed_uri));
    }
    if (ctx->stopped || res.outcome != MSS_OUTCOME_CLEAN) {
        msstrict_audit(ctx, result, fired);
    }
    ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, r,
                  "MSS00118: body came in %" APR_SIZE_T_FMT
                  " brigades, %" APR_SIZE_T_FMT " data buckets",
                  ctx->brigades, ctx->buckets);
    /* the parser's memory goes now, not with the request */
    apr_pool_destroy(ctx->pool);
    ctx->pool = NULL;
    ctx->v = NULL;
}

/* Request pool (pre-)cleanup: a 207 whose end-of-stream never came (the
 * client went away, or a back-end broke off without httpd closing the
 * response) is said to be unchecked rather than silently dropped. */
static apr_status_t msstrict_cleanup(void *data)
{
    msstrict_ctx *ctx = data;

    if (!ctx->finished) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, ctx->r,
                      "MSS00124: 207 ended without its end-of-stream after "
                      "%" APR_OFF_T_FMT " bytes (the connection went away); "
                      "checking incomplete (%s %s)",
                      ctx->bytes_in,
                      msstrict_log_text(ctx->r->pool, ctx->r->method),
                      msstrict_log_text(ctx->r->pool, ctx->r->unparsed_uri));
    }
    return APR_SUCCESS;
}

/* Why a 207 is not inspected, or NULL when it is. */
static const char *msstrict_skip_reason(request_rec *r)
{
    const char *enc;

    if (r->main != NULL) {
        return "subrequest";
    }
    if (r->header_only) {
        return "HEAD request: no body";
    }
    enc = r->content_encoding;
    if (enc == NULL) {
        enc = apr_table_get(r->headers_out, "Content-Encoding");
    }
    if (enc == NULL) {
        enc = apr_table_get(r->err_headers_out, "Content-Encoding");
    }
    if (enc != NULL && strcasecmp(enc, "identity") != 0) {
        return apr_psprintf(r->pool, "Content-Encoding: %s",
                            msstrict_log_text(r->pool, enc));
    }
    return NULL;
}

/* The options for this request, defaults applied when read. */
static void msstrict_options(const msstrict_dir_conf *c, int mode,
                             mss_options_t *o)
{
    int i;

    mss_options_init(o);
    o->mode = mode == MSSTRICT_REWRITE  ? MSS_MODE_REWRITE
              : mode == MSSTRICT_REJECT ? MSS_MODE_REJECT
                                        : MSS_MODE_LOG;
    o->propstat_methods = c->propstat_methods;
    o->proxy_map = c->proxy_map;
    o->origin_map = c->origin_map;
    for (i = 0; i < MSS_RULE_COUNT; i++) {
        o->rule_action[i] = c->rule_action[i];
    }
    if (c->max_depth != 0) {
        o->max_depth = c->max_depth;
    }
    if (c->max_text != 0) {
        o->max_text = c->max_text;
    }
    if (c->max_response != 0) {
        o->max_response = c->max_response;
    }
    if (c->max_violations != 0) {
        o->max_violations = c->max_violations;
    }
}

/* The response headers as the client will see them. */
static apr_table_t *msstrict_resp_headers(request_rec *r)
{
    apr_table_t *t =
        apr_table_overlay(r->pool, r->err_headers_out, r->headers_out);

    /* r->content_type becomes the header only in the HTTP header filter */
    if (r->content_type != NULL) {
        apr_table_setn(t, "Content-Type", r->content_type);
    }
    return t;
}

/* First call: decide whether to inspect, and set up the checker. */
static apr_status_t msstrict_start(ap_filter_t *f, msstrict_ctx **out)
{
    request_rec *r = f->r;
    const msstrict_dir_conf *c =
        ap_get_module_config(r->per_dir_config, &dav_msstrict_module);
    msstrict_ctx *ctx;
    mss_options_t opts;
    mss_request_t req;
    const char *why;
    apr_status_t rv;
    int mode = c->mode;

    *out = NULL;
    if (r->status != HTTP_MULTI_STATUS
        && !(r->status == HTTP_CONFLICT && r->method_number == M_LOCK
             && r->content_type != NULL
             && ap_strcasestr(r->content_type, "xml") != NULL)) {
        /* (a LOCK 409 with an XML body may be RFC 2518's failed depth
         * lock, LOCK-2518-409; the core leaves any other body alone) */
        return APR_SUCCESS;
    }
    /* SetOutputFilter MSSTRICT without DAVMSStrict means Log; an explicit
     * DAVMSStrict Off wins */
    if (mode == MSSTRICT_UNSET) {
        mode = MSSTRICT_LOG;
    }
    if (mode == MSSTRICT_OFF) {
        return APR_SUCCESS;
    }
    why = msstrict_skip_reason(r);
    if (why != NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      "MSS00113: 207 not inspected (%s); passed unchanged",
                      why);
        apr_table_setn(r->notes, "msstrict-result", "skipped");
        msstrict_count(r, "skipped", NULL, 0);
        return APR_SUCCESS;
    }

    ctx = apr_pcalloc(r->pool, sizeof(*ctx));
    ctx->r = r;
    ctx->mode = mode;
    ctx->records = apr_array_make(r->pool, 8, sizeof(const char *));
    ctx->max_buffer =
        c->max_buffer > 0 ? c->max_buffer : MSSTRICT_DEFAULT_MAX_BUFFER;
    msstrict_options(c, mode, &opts);
    {
        /* test hook (README, "Fault injection"): SetEnv
         * MSSTRICT_TEST_FAIL_AFTER N makes the checker fail after N body
         * bytes, as an allocation failure would */
        const char *fa =
            apr_table_get(r->subprocess_env, "MSSTRICT_TEST_FAIL_AFTER");

        if (fa != NULL) {
            opts.fail_after = apr_atoi64(fa);
        }
    }

    memset(&req, 0, sizeof(req));
    req.method = r->method;
    req.uri = r->unparsed_uri;
    req.scheme = ap_http_scheme(r);
    req.depth = apr_table_get(r->headers_in, "Depth");
    req.req_headers = r->headers_in;
    req.resp_headers = msstrict_resp_headers(r);
    req.status = r->status;
    req.proxied = r->proxyreq != PROXYREQ_NONE;
    req.now = r->request_time;

    rv = apr_pool_create(&ctx->pool, r->pool);
    if (rv == APR_SUCCESS) {
        apr_pool_tag(ctx->pool, "msstrict");
        rv = mss_validator_create(&ctx->v, ctx->pool, &opts, &req,
                                  msstrict_report, ctx);
    }
    if (rv == APR_SUCCESS
        && (mode == MSSTRICT_REWRITE || mode == MSSTRICT_REJECT)) {
        /* Reject rewrites too (design.md 1); its output is held */
        ctx->out = apr_brigade_create(r->pool, r->connection->bucket_alloc);
        rv = mss_validator_set_output(ctx->v, msstrict_write, ctx);
    }
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                      "MSS00114: cannot start the checker; the 207 is passed "
                      "unchanged");
        apr_table_setn(r->notes, "msstrict-result", "skipped");
        msstrict_count(r, "skipped", NULL, 0);
        return APR_SUCCESS;
    }
    apr_pool_pre_cleanup_register(r->pool, ctx, msstrict_cleanup);
    ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, r,
                  "MSS00115: inspecting 207 in %s mode%s",
                  msstrict_mode_name(mode), req.proxied ? " (proxied)" : "");
    *out = ctx;
    return APR_SUCCESS;
}

static void msstrict_feed(msstrict_ctx *ctx, const char *data, apr_size_t len)
{
    apr_status_t rv;

    ctx->bytes_in += (apr_off_t)len;
    if (ctx->out == NULL || ctx->stopped) {
        ctx->bytes_out += (apr_off_t)len; /* Rewrite: msstrict_write counts */
    }
    if (ctx->stopped || len == 0) {
        return;
    }
    rv = mss_validator_feed(ctx->v, data, len);
    if (rv != APR_SUCCESS) {
        /* fail open: the bytes still go to the client */
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, ctx->r,
                      "MSS00116: checker failed after %" APR_OFF_T_FMT
                      " bytes; the rest of the 207 passes unchecked",
                      ctx->bytes_in);
        ctx->stopped = 1;
    }
}

/* Rewrite and Reject: a collapse into a plain status (opt-in N3) can
 * wait for the end of the body only while no more than
 * DAVMSStrictMaxBuffer bytes came.  The hold ends at that byte, wherever
 * the buckets end, so whether a body collapses does not depend on how it
 * was split (a whole body in one brigade would otherwise collapse). */
static void msstrict_feed_rw(msstrict_ctx *ctx, const char *data,
                             apr_size_t len)
{
    if (!ctx->released && !ctx->stopped && ctx->v != NULL
        && ctx->bytes_in + (apr_off_t)len > ctx->max_buffer
        && mss_validator_holding(ctx->v)) {
        apr_size_t k = ctx->bytes_in < ctx->max_buffer
                           ? (apr_size_t)(ctx->max_buffer - ctx->bytes_in)
                           : 0;
        apr_status_t rv;

        msstrict_feed(ctx, data, k);
        if (!ctx->stopped && mss_validator_holding(ctx->v)
            && (rv = mss_validator_release(ctx->v)) != APR_SUCCESS) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, ctx->r,
                          "MSS00116: checker failed after %" APR_OFF_T_FMT
                          " bytes; the rest of the 207 passes unchecked",
                          ctx->bytes_in);
            ctx->stopped = 1;
        }
        data += k;
        len -= k;
    }
    msstrict_feed(ctx, data, len);
}

/* Log mode: read every bucket on the side and pass the brigade on
 * unchanged.  A bucket that would block (a CGI pipe) first lets what is
 * already here go to the client with a FLUSH, so the client sees bytes as
 * soon as it would without the module. */
static apr_status_t msstrict_pass(ap_filter_t *f, msstrict_ctx *ctx,
                                  apr_bucket_brigade *bb)
{
    apr_bucket *e;
    apr_status_t rv;

    for (e = APR_BRIGADE_FIRST(bb); e != APR_BRIGADE_SENTINEL(bb);
         e = APR_BUCKET_NEXT(e)) {
        const char *data;
        apr_size_t len;

        if (APR_BUCKET_IS_EOS(e)) {
            msstrict_finish(ctx);
            break;
        }
        if (APR_BUCKET_IS_METADATA(e)) {
            /* FLUSH and other metadata go downstream where they are */
            continue;
        }
        rv = apr_bucket_read(e, &data, &len, APR_NONBLOCK_READ);
        if (APR_STATUS_IS_EAGAIN(rv)) {
            apr_bucket_brigade *rest = apr_brigade_split_ex(bb, e, NULL);

            APR_BRIGADE_INSERT_TAIL(
                bb, apr_bucket_flush_create(f->c->bucket_alloc));
            rv = ap_pass_brigade(f->next, bb);
            apr_brigade_cleanup(bb);
            APR_BRIGADE_CONCAT(bb, rest);
            apr_brigade_destroy(rest);
            if (rv != APR_SUCCESS) {
                return rv;
            }
            e = APR_BRIGADE_FIRST(bb);
            rv = apr_bucket_read(e, &data, &len, APR_BLOCK_READ);
        }
        if (rv != APR_SUCCESS) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, f->r,
                          "MSS00117: reading the 207 body failed");
            return rv;
        }
        ctx->buckets++;
        msstrict_feed(ctx, data, len);
    }
    return ap_pass_brigade(f->next, bb);
}

/* A blocking read of a data bucket (Reject and Rewrite hold or copy the
 * body anyway, so waiting costs the client nothing); a failure is logged. */
static apr_status_t msstrict_read(request_rec *r, apr_bucket *e,
                                  const char **data, apr_size_t *len)
{
    apr_status_t rv = apr_bucket_read(e, data, len, APR_BLOCK_READ);

    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                      "MSS00117: reading the 207 body failed");
    }
    return rv;
}

/* Reject: answer 502/500 in place of the held body.  The filter leaves the
 * chain first, so that the error document httpd generates (ap_die, through
 * the HTTP header filter's error bucket) does not come through it. */
static apr_status_t msstrict_reject(ap_filter_t *f, msstrict_ctx *ctx)
{
    request_rec *r = f->r;
    apr_bucket_brigade *bb;

    apr_brigade_cleanup(ctx->out);
    ap_remove_output_filter(f);
    /* the handler still returns into a failed pass: do not let the client
     * reuse the connection after the error document */
    r->connection->keepalive = AP_CONN_CLOSE;
    bb = apr_brigade_create(r->pool, f->c->bucket_alloc);
    APR_BRIGADE_INSERT_TAIL(
        bb, ap_bucket_error_create(msstrict_reject_status(r), NULL, r->pool,
                                   f->c->bucket_alloc));
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(f->c->bucket_alloc));
    return ap_pass_brigade(f->next, bb);
}

/* Rewrite: the core's write callback.  The bytes are copied into heap
 * buckets of ctx->out, which the filter passes on after each brigade once
 * the headers are out. */
static apr_status_t msstrict_write(void *baton, const char *buf, apr_size_t len)
{
    msstrict_ctx *ctx = baton;

    ctx->bytes_out += (apr_off_t)len;
    return apr_brigade_write(ctx->out, NULL, NULL, buf, len);
}

/* Rewrite: apply the core's header changes (rules.md RW-HEADERS) before
 * the first byte leaves.  With the whole body in (@p complete), the length
 * is known: Content-Length is set to it rather than dropped, and an
 * unchanged body keeps its headers as they were. */
static void msstrict_release(msstrict_ctx *ctx, int complete)
{
    request_rec *r = ctx->r;
    const apr_array_header_t *hc;
    int i;

    ctx->released = 1;
    if (ctx->v == NULL) {
        return;
    }
    /* after a failure of the checker too: the core made its header
     * decision when it failed open, and the bytes it wrote before may have
     * been edited */
    hc = mss_validator_header_changes(ctx->v);
    for (i = 0; i < hc->nelts; i++) {
        const mss_header_change_t *h =
            &APR_ARRAY_IDX(hc, i, mss_header_change_t);

        if (complete && h->value == NULL
            && strcasecmp(h->name, "Content-Length") == 0) {
            continue; /* set below */
        }
        if (complete && !ctx->rewrote) {
            break; /* nothing changed: the original headers hold */
        }
        if (strcasecmp(h->name, "Content-Type") == 0 && h->value != NULL) {
            ap_set_content_type(r, apr_pstrdup(r->pool, h->value));
        }
        if (h->value != NULL) {
            apr_table_set(r->headers_out, h->name, h->value);
        }
        else {
            apr_table_unset(r->headers_out, h->name);
            apr_table_unset(r->err_headers_out, h->name);
        }
    }
    if (mss_validator_status(ctx->v) != 0) {
        /* an opt-in N3 fix answers with a plain status (or makes a LOCK
         * 409 a 207): the status line follows it */
        r->status = mss_validator_status(ctx->v);
        r->status_line = ap_get_status_line(r->status);
    }
    if (r->status == HTTP_NO_CONTENT) {
        /* RFC 9110 8.6: no Content-Length in a 204 (nor a body) */
        apr_table_unset(r->headers_out, "Content-Length");
        r->clength = 0;
    }
    else if (complete && ctx->rewrote) {
        ap_set_content_length(r, ctx->bytes_out);
    }
    else if (!complete) {
        /* streamed: the length of what goes out is not known yet */
        apr_table_unset(r->headers_out, "Content-Length");
    }
}

/* Reject mode, after each brigade that did not end the body: hold on, or
 * at DAVMSStrictMaxBuffer either discard (a verdict is in) or give up
 * enforcing and carry on in Rewrite mode.  1 when the caller is done with
 * the brigade (holding or discarding), 0 when Rewrite takes it from here. */
static int msstrict_reject_hold(msstrict_ctx *ctx)
{
    request_rec *r = ctx->r;

    if (ctx->discarding) {
        apr_brigade_cleanup(ctx->out);
        return 1;
    }
    if (ctx->stopped) {
        /* the checker failed before any verdict: an internal failure
         * never rejects, so what is held goes now and the rest follows */
        ctx->unenforced = 1;
        ctx->mode = MSSTRICT_REWRITE;
        return 0;
    }
    if (ctx->bytes_in <= ctx->max_buffer) {
        return 1;
    }
    if (mss_validator_rejected(ctx->v) > 0) {
        /* the verdict is in and nothing was sent: hold no more */
        ctx->discarding = 1;
        apr_brigade_cleanup(ctx->out);
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      "MSS00123: 207 over DAVMSStrictMaxBuffer with a "
                      "reject pending: discarding the rest");
        return 1;
    }
    /* design.md 1: the module cannot reject any more; it carries on in
     * Rewrite mode and says so */
    ap_log_rerror(
        APLOG_MARK, APLOG_WARNING, 0, r,
        "MSS00119: 207 body over DAVMSStrictMaxBuffer (%" APR_OFF_T_FMT
        " bytes) before any reject-level violation: Reject cannot "
        "be enforced, the body goes on in Rewrite mode (%s %s)",
        ctx->max_buffer, msstrict_log_text(r->pool, r->method),
        msstrict_log_text(r->pool, r->unparsed_uri));
    ctx->unenforced = 1;
    ctx->mode = MSSTRICT_REWRITE;
    if (msstrict_counters(r) != NULL) {
        apr_atomic_inc64(&msstrict_counters(r)->unenforced);
    }
    return 0;
}

/* Rewrite and Reject: the core re-emits the body; see the file comment. */
static apr_status_t msstrict_rewrite(ap_filter_t *f, msstrict_ctx *ctx,
                                     apr_bucket_brigade *bb)
{
    request_rec *r = f->r;
    apr_bucket *e;
    apr_bucket *next;
    apr_status_t rv;
    int eos = 0;

    for (e = APR_BRIGADE_FIRST(bb); e != APR_BRIGADE_SENTINEL(bb); e = next) {
        const char *data;
        apr_size_t len;

        next = APR_BUCKET_NEXT(e);
        if (APR_BUCKET_IS_EOS(e)) {
            /* the core writes what it held; then the EOS, after it */
            msstrict_finish(ctx);
            APR_BUCKET_REMOVE(e);
            APR_BRIGADE_INSERT_TAIL(ctx->out, e);
            eos = 1;
            break;
        }
        if (APR_BUCKET_IS_METADATA(e) || ctx->passthrough) {
            /* metadata, or bytes after a failure of the checker, go on
             * in their place in the output */
            if (!APR_BUCKET_IS_METADATA(e)) {
                rv = msstrict_read(r, e, &data, &len);
                if (rv != APR_SUCCESS) {
                    return rv;
                }
                ctx->bytes_in += (apr_off_t)len;
                ctx->bytes_out += (apr_off_t)len;
            }
            APR_BUCKET_REMOVE(e);
            if (APR_BUCKET_IS_FLUSH(e) && !ctx->released) {
                /* a FLUSH cannot be honoured while the headers are held */
                apr_bucket_destroy(e);
                continue;
            }
            APR_BRIGADE_INSERT_TAIL(ctx->out, e);
            continue;
        }
        rv = msstrict_read(r, e, &data, &len);
        if (rv != APR_SUCCESS) {
            return rv;
        }
        ctx->buckets++;
        msstrict_feed_rw(ctx, data, len);
        if (ctx->stopped && !ctx->discarding) {
            /* fail open (mss.h): every earlier byte has been written;
             * this bucket and the rest go on unchanged */
            ctx->passthrough = 1;
            ctx->bytes_out += (apr_off_t)len;
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          "MSS00125: %s stopped after %" APR_OFF_T_FMT
                          " bytes; the rest of the 207 passes unchanged "
                          "(%s %s)",
                          ctx->mode == MSSTRICT_REJECT ? "Reject" : "Rewrite",
                          ctx->bytes_in, msstrict_log_text(r->pool, r->method),
                          msstrict_log_text(r->pool, r->unparsed_uri));
            APR_BUCKET_REMOVE(e);
            APR_BRIGADE_INSERT_TAIL(ctx->out, e);
            continue;
        }
        apr_bucket_delete(e);
    }
    if (ctx->mode == MSSTRICT_REJECT) {
        if (eos) {
            if (msstrict_rejecting(ctx)) {
                return msstrict_reject(f, ctx);
            }
        }
        else if (msstrict_reject_hold(ctx)) {
            return APR_SUCCESS;
        }
    }
    if (!ctx->released && ctx->v != NULL && mss_validator_holding(ctx->v)
        && ctx->passthrough) {
        /* a collapse into a plain status (opt-in N3) could still come,
         * but the checker failed: the 207 stays (past DAVMSStrictMaxBuffer
         * msstrict_feed_rw let it go) */
        mss_validator_release(ctx->v);
    }
    if (!ctx->released
        && (ctx->bytes_in > ctx->max_buffer || ctx->passthrough
            || (ctx->v != NULL && mss_validator_responses_done(ctx->v) > 0
                && !mss_validator_holding(ctx->v)))) {
        msstrict_release(ctx, 0);
    }
    if (!ctx->released && !eos) {
        return APR_SUCCESS; /* holding: the output waits in ctx->out */
    }
    rv = ap_pass_brigade(f->next, ctx->out);
    apr_brigade_cleanup(ctx->out);
    if (eos) {
        apr_brigade_cleanup(bb);
    }
    return rv;
}

static apr_status_t msstrict_out_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    msstrict_ctx *ctx = f->ctx;
    apr_status_t rv;

    if (APR_BRIGADE_EMPTY(bb)) {
        return APR_SUCCESS;
    }
    if (ctx == NULL) {
        rv = msstrict_start(f, &ctx);
        if (rv != APR_SUCCESS || ctx == NULL) {
            ap_remove_output_filter(f);
            return ap_pass_brigade(f->next, bb);
        }
        f->ctx = ctx;
    }
    if (ctx->finished) {
        return ap_pass_brigade(f->next, bb);
    }
    ctx->brigades++;
    if (ctx->out != NULL) {
        return msstrict_rewrite(f, ctx, bb);
    }
    return msstrict_pass(f, ctx, bb);
}

/* ---- mod_status ------------------------------------------------------- */

/* The counters on /server-status: a table, or "Key: value" lines for
 * ?auto (rules only once they fired).  Each is read atomically once. */
static int msstrict_status_hook(request_rec *r, int flags)
{
    msstrict_counters_t *cnt = msstrict_counters(r);
    msstrict_counters_t c;
    apr_size_t i;

    if (cnt == NULL) {
        return OK;
    }
    c.inspected = apr_atomic_read64(&cnt->inspected);
    c.unenforced = apr_atomic_read64(&cnt->unenforced);
    c.violations = apr_atomic_read64(&cnt->violations);
    c.bytes_in = apr_atomic_read64(&cnt->bytes_in);
    c.bytes_out = apr_atomic_read64(&cnt->bytes_out);
    for (i = 0; i < MSSTRICT_NRESULTS; i++) {
        c.result[i] = apr_atomic_read64(&cnt->result[i]);
    }
    for (i = 0; i < MSS_RULE_COUNT; i++) {
        c.rule[i] = apr_atomic_read64(&cnt->rule[i]);
    }
    if (flags & AP_STATUS_SHORT) {
        ap_rprintf(r, "MSStrictInspected: %" APR_UINT64_T_FMT "\n",
                   c.inspected);
        for (i = 0; i < MSSTRICT_NRESULTS; i++) {
            ap_rprintf(r, "%s: %" APR_UINT64_T_FMT "\n",
                       msstrict_results[i].key, c.result[i]);
        }
        ap_rprintf(r,
                   "MSStrictUnenforced: %" APR_UINT64_T_FMT "\n"
                   "MSStrictViolationsFound: %" APR_UINT64_T_FMT "\n"
                   "MSStrictBytesIn: %" APR_UINT64_T_FMT "\n"
                   "MSStrictBytesOut: %" APR_UINT64_T_FMT "\n",
                   c.unenforced, c.violations, c.bytes_in, c.bytes_out);
        for (i = 0; i < MSS_RULE_COUNT; i++) {
            if (c.rule[i] > 0) {
                ap_rprintf(r, "MSStrictRule %s: %" APR_UINT64_T_FMT "\n",
                           mss_rule_info((mss_rule_e)i)->id, c.rule[i]);
            }
        }
        return OK;
    }
    ap_rputs("<hr />\n<h2>mod_dav_msstrict</h2>\n", r);
    ap_rprintf(r,
               "<dl><dt>207 bodies inspected: %" APR_UINT64_T_FMT "</dt>\n"
               "<dt>violations found: %" APR_UINT64_T_FMT "</dt>\n"
               "<dt>body bytes in: %" APR_UINT64_T_FMT
               ", out: %" APR_UINT64_T_FMT "</dt>\n"
               "<dt>Reject could not be enforced (over "
               "DAVMSStrictMaxBuffer): %" APR_UINT64_T_FMT "</dt></dl>\n",
               c.inspected, c.violations, c.bytes_in, c.bytes_out,
               c.unenforced);
    ap_rputs("<table border=\"0\"><tr><th>msstrict-result</th>"
             "<th>207s</th></tr>\n",
             r);
    for (i = 0; i < MSSTRICT_NRESULTS; i++) {
        ap_rprintf(r, "<tr><td>%s</td><td>%" APR_UINT64_T_FMT "</td></tr>\n",
                   msstrict_results[i].note, c.result[i]);
    }
    ap_rputs("</table>\n<table border=\"0\"><tr><th>rule</th>"
             "<th>207s it fired in</th></tr>\n",
             r);
    for (i = 0; i < MSS_RULE_COUNT; i++) {
        if (c.rule[i] > 0) {
            ap_rprintf(r,
                       "<tr><td>%s</td><td>%" APR_UINT64_T_FMT "</td></tr>\n",
                       mss_rule_info((mss_rule_e)i)->id, c.rule[i]);
        }
    }
    ap_rputs("</table>\n", r);
    return OK;
}

/* ---- hooks ------------------------------------------------------------ */

static void msstrict_insert_filter(request_rec *r)
{
    const msstrict_dir_conf *c =
        ap_get_module_config(r->per_dir_config, &dav_msstrict_module);
    ap_filter_t *f;

    if (c->mode == MSSTRICT_UNSET || c->mode == MSSTRICT_OFF) {
        return;
    }
    /* SetOutputFilter MSSTRICT may already have added it */
    for (f = r->output_filters; f != NULL; f = f->next) {
        if (f->frec != NULL && f->frec->name != NULL
            && strcasecmp(f->frec->name, msstrict_filter_name) == 0) {
            return;
        }
    }
    ap_add_output_filter(msstrict_filter_name, NULL, r, r->connection);
}

static void msstrict_register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_register_output_filter(msstrict_filter_name, msstrict_out_filter, NULL,
                              AP_FTYPE_RESOURCE);
    ap_hook_post_config(msstrict_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    /* after core's insert_filter, which adds SetOutputFilter's filters */
    ap_hook_insert_filter(msstrict_insert_filter, NULL, NULL, APR_HOOK_LAST);
    /* runs only when mod_status is loaded */
    APR_OPTIONAL_HOOK(ap, status_hook, msstrict_status_hook, NULL, NULL,
                      APR_HOOK_MIDDLE);
}

module AP_MODULE_DECLARE_DATA dav_msstrict_module = {
    STANDARD20_MODULE_STUFF,
    msstrict_create_dir_conf, /* per-directory config */
    msstrict_merge_dir_conf,  /* merge per-directory config */
    msstrict_create_srv_conf, /* per-server config */
    msstrict_merge_srv_conf,  /* merge per-server config */
    msstrict_cmds,            /* directives */
    msstrict_register_hooks,  /* hooks */
    AP_MODULE_FLAG_NONE       /* flags */
};
