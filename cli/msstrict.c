/*
 * msstrict: check a captured 207 Multi-Status body offline, with the same
 * core the httpd module uses.
 *
 * msstrict [-m METHOD] [-d 0|1|infinity] [-u REQUEST-URI] [-Q 'Name: value']...
 *          [-H 'Name: value']... [--scheme http|https]
 *          [--propstat-methods LIST] [--mode log|rewrite|reject]
 *          [--rule ID=off|log|fix|reject]... [--limits SPEC] [--json]
 *          [-o OUT] [--list-rules] [FILE|-]
 *
 * Exit codes (design.md 4): 0 no violations, 1 violations found, 2 usage or
 * I/O error, 3 rejected (reject mode).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "mss.h"

#define EXIT_CLEAN 0
#define EXIT_VIOLATIONS 1
#define EXIT_USAGE 2
#define EXIT_REJECTED 3

typedef struct {
    int json;
    FILE *out;
    const char *name;
} cli_t;

static void usage(FILE *f)
{
    fputs(
        "usage: msstrict [-m METHOD] [-d 0|1|infinity] [-u REQUEST-URI]\n"
        "                [-Q 'Name: value']... [-H 'Name: value']...\n"
        "                [--scheme http|https] [--propstat-methods LIST]\n"
        "                [--mode log|rewrite|reject]\n"
        "                [--rule ID=off|log|fix|reject]... [--limits SPEC]\n"
        "                [--status CODE] [--map /BACKEND/=/FRONTEND/]...\n"
        "                [--origin-map http[s]://BACKEND[:PORT]]...\n"
        "                [--json] [-o OUT] [--list-rules] [FILE|-]\n"
        "\n"
        "Checks one HTTP 207 Multi-Status body against RFC 4918.\n"
        "  -m METHOD          request method (default PROPFIND)\n"
        "  -d DEPTH           request Depth: 0, 1, infinity (also 1,noroot\n"
        "                     and infinity,noroot); default absent\n"
        "  -u URI             Request-URI as sent (default /)\n"
        "  -Q 'Name: value'   a request header (Host, Destination, Prefer,\n"
        "                     Brief, ...); repeatable\n"
        "  -H 'Name: value'   a response header (Content-Type, ...);\n"
        "                     repeatable. Without any -H the header rules\n"
        "                     are not evaluated (the headers are unknown)\n"
        "  --scheme S         http (default) or https\n"
        "  --propstat-methods LIST  methods whose 207 may use propstat\n"
        "                     (default \"PROPFIND PROPPATCH REPORT SEARCH\")\n"
        "  --mode M           log (default), rewrite or reject.  rewrite:\n"
        "                     the N1/N2 fixes (and --rule ID=fix ones) are\n"
        "                     applied and the body goes to -o OUT; reject:\n"
        "                     as rewrite, but a violation of a rule set to\n"
        "                     reject (--rule ID=reject) exits 3, no body\n"
        "                     written\n"
        "  -o OUT             rewrite or reject mode: where the body goes\n"
        "                     (- = stdout, the report then goes to stderr)\n"
        "  --rule ID=ACTION   per-rule override: off, log, fix, reject\n"
        "  --limits SPEC      depth=N text=N response=N violations=N\n"
        "  --status CODE      the response's HTTP status (default 207; 409\n"
        "                     checks an RFC 2518 LOCK multistatus)\n"
        "  --map /BE/=/FE/    a back-end path prefix a reverse proxy maps\n"
        "                     to a front-end one (MS-HREF-PROXY-MAP);\n"
        "                     repeatable\n"
        "  --origin-map ORIGIN  a back-end origin a reverse proxy maps to\n"
        "                     the request's (MS-HREF-ORIGIN); repeatable\n"
        "  --json             one JSON object per violation\n"
        "  --list-rules       print the rule table and exit\n"
        "Exit: 0 clean, 1 violations, 2 usage or I/O error, 3 rejected.\n",
        f);
}

/* JSON string body: escapes quotes, backslashes and controls. */
static void json_str(FILE *f, const char *s)
{
    apr_pool_t *p = NULL;

    /* a scratch pool per string: the CLI's output is small */
    if (apr_pool_create(&p, NULL) != APR_SUCCESS) {
        fputs("null", f);
        return;
    }
    fputs(mss_json_quote(p, s), f);
    apr_pool_destroy(p);
}

static apr_status_t report(void *baton, const mss_violation_t *v)
{
    cli_t *c = baton;

    if (c->json) {
        fputs("{\"rule\":", c->out);
        json_str(c->out, v->rule->id);
        fputs(",\"level\":", c->out);
        json_str(c->out, mss_level_name(v->rule->level));
        fputs(",\"rfc\":", c->out);
        json_str(c->out, v->rule->rfc);
        fprintf(c->out, ",\"response\":%lu,\"href\":", v->response);
        json_str(c->out, v->href);
        fprintf(c->out, ",\"line\":%lu,\"col\":%lu,\"message\":", v->line,
                v->col);
        json_str(c->out, v->message);
        fputs(",\"action\":", c->out);
        json_str(c->out, v->action);
        fputs("}\n", c->out);
    }
    else {
        fprintf(c->out, "%s:%lu:%lu: %s [%s; RFC %s] ", c->name, v->line,
                v->col, v->rule->id, mss_level_name(v->rule->level),
                v->rule->rfc);
        if (v->response > 0) {
            fprintf(c->out, "response %lu", v->response);
            if (v->href != NULL) {
                fprintf(c->out, " <%s>", v->href);
            }
        }
        else {
            fputs("document", c->out);
        }
        fprintf(c->out, ": %s (%s)\n", v->message, v->action);
    }
    return ferror(c->out) ? APR_EGENERAL : APR_SUCCESS;
}

static void list_rules(int json)
{
    int i;

    for (i = 0; i < MSS_RULE_COUNT; i++) {
        const mss_rule_info_t *r = mss_rule_info((mss_rule_e)i);

        if (json) {
            fputs("{\"rule\":", stdout);
            json_str(stdout, r->id);
            fprintf(stdout, ",\"row\":%d,\"level\":", r->row);
            json_str(stdout, mss_level_name(r->level));
            fputs(",\"rfc\":", stdout);
            json_str(stdout, r->rfc);
            fputs(",\"default_action\":", stdout);
            json_str(stdout, r->default_action);
            fprintf(stdout, ",\"rewrites\":%s",
                    mss_rule_fixable((mss_rule_e)i) ? "true" : "false");
            fputs(",\"log_level\":", stdout);
            json_str(stdout, r->severity == MSS_SEV_INFO ? "info" : "warn");
            fputs(",\"summary\":", stdout);
            json_str(stdout, r->summary);
            fputs("}\n", stdout);
        }
        else {
            printf("%-24s %3d  %-7s  RFC %-34s  %s\n", r->id, r->row,
                   mss_level_name(r->level), r->rfc, r->default_action);
        }
    }
}

/* "Name: value" into a table; 0 when malformed. */
static int add_header(apr_table_t *t, apr_pool_t *p, const char *arg)
{
    const char *colon = strchr(arg, ':');
    char *name;
    const char *val;

    if (colon == NULL || colon == arg) {
        return 0;
    }
    name = apr_pstrmemdup(p, arg, (apr_size_t)(colon - arg));
    if (strpbrk(name, " \t") != NULL) {
        return 0;
    }
    val = colon + 1;
    while (*val == ' ' || *val == '\t') {
        val++;
    }
    apr_table_add(t, name, val);
    return 1;
}

/* The body held in reject mode (grown by doubling, from the pool). */
typedef struct {
    char *buf;
    apr_size_t len;
    apr_size_t cap;
    int on;
} hold_t;

static apr_status_t hold_add(hold_t *h, apr_pool_t *p, const char *data,
                             apr_size_t n)
{
    if (h->len + n > h->cap) {
        apr_size_t cap = h->cap > 0 ? h->cap : 65536;
        char *nb;

        while (cap < h->len + n) {
            cap *= 2;
        }
        nb = apr_palloc(p, cap);
        if (nb == NULL) {
            return APR_ENOMEM;
        }
        if (h->len > 0) {
            memcpy(nb, h->buf, h->len);
        }
        h->buf = nb;
        h->cap = cap;
    }
    memcpy(h->buf + h->len, data, n);
    h->len += n;
    return APR_SUCCESS;
}

/* Rewrite and reject mode: where the core's output goes.  Rewrite writes
 * it to the file as it comes; reject holds it (@c held.on) until the body
 * is known not to be rejected, or drops it when there is no -o. */
typedef struct {
    FILE *f;
    const char *name;
    int failed;
    hold_t held;
    apr_pool_t *pool;
} wr_t;

static apr_status_t body_write(void *baton, const char *data, apr_size_t n)
{
    wr_t *w = baton;

    if (w->failed) {
        return APR_EGENERAL;
    }
    if (w->held.on) {
        if (hold_add(&w->held, w->pool, data, n) != APR_SUCCESS) {
            w->failed = 1;
            return APR_ENOMEM;
        }
        return APR_SUCCESS;
    }
    if (w->f == NULL) {
        return APR_SUCCESS; /* reject mode without -o: the report only */
    }
    if (fwrite(data, 1, n, w->f) != n) {
        w->failed = 1;
        return APR_EGENERAL;
    }
    return APR_SUCCESS;
}

/* Write the held body to OUT ("-" = stdout); 0 on success. */
static int write_body(const char *out, const char *data, apr_size_t len)
{
    FILE *f = strcmp(out, "-") == 0 ? stdout : fopen(out, "wb");

    if (f == NULL) {
        fprintf(stderr, "msstrict: cannot write %s: %s\n", out,
                strerror(errno));
        return -1;
    }
    if ((len > 0 && fwrite(data, 1, len, f) != len)
        || (f == stdout ? fflush(f) : fclose(f)) != 0) {
        fprintf(stderr, "msstrict: cannot write %s: %s\n", out,
                strerror(errno));
        return -1;
    }
    return 0;
}

static int fail_usage(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* @p list with @p item appended, space-separated (NULL: none yet) */
static const char *list_add(apr_pool_t *p, const char *list, const char *item)
{
    return list == NULL ? item : apr_pstrcat(p, list, " ", item, NULL);
}

static int fail_usage(const char *fmt, ...)
{
    va_list ap;

    fputs("msstrict: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n(msstrict --help for usage)\n", stderr);
    return EXIT_USAGE;
}

static int run(apr_pool_t *pool, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"scheme", required_argument, NULL, 's'},
        {"propstat-methods", required_argument, NULL, 'P'},
        {"mode", required_argument, NULL, 'M'},
        {"rule", required_argument, NULL, 'R'},
        {"limits", required_argument, NULL, 'L'},
        {"status", required_argument, NULL, 'S'},
        {"map", required_argument, NULL, 'X'},
        {"origin-map", required_argument, NULL, 'O'},
        {"json", no_argument, NULL, 'j'},
        {"list-rules", no_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    mss_options_t opts;
    mss_request_t req;
    mss_validator_t *v = NULL;
    mss_result_t res;
    cli_t cli;
    const char *file = "-";
    const char *out = NULL;
    wr_t wr = {NULL, NULL, 0, {NULL, 0, 0, 0}, pool}; /* the output */
    int list = 0;
    int c;
    FILE *in;
    char buf[65536];
    size_t n;
    apr_status_t rv;

    mss_options_init(&opts);
    memset(&req, 0, sizeof(req));
    memset(&cli, 0, sizeof(cli));
    req.method = "PROPFIND";
    req.uri = "/";
    req.scheme = "http";
    req.req_headers = apr_table_make(pool, 8);

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":m:d:u:Q:H:o:h", longopts, NULL))
           != -1) {
        switch (c) {
        case 'm':
            if (*optarg == '\0' || strpbrk(optarg, " \t,") != NULL) {
                return fail_usage("-m: '%s' is not a method token", optarg);
            }
            req.method = optarg;
            break;
        case 'd':
            if (strcmp(optarg, "0") != 0 && strcmp(optarg, "1") != 0
                && strcasecmp(optarg, "infinity") != 0
                && strcasecmp(optarg, "1,noroot") != 0
                && strcasecmp(optarg, "infinity,noroot") != 0) {
                return fail_usage("-d: '%s' is not 0, 1 or infinity", optarg);
            }
            req.depth = optarg;
            break;
        case 'u':
            if (*optarg == '\0') {
                return fail_usage("-u: empty Request-URI%s", "");
            }
            req.uri = optarg;
            break;
        case 'Q':
            if (!add_header(req.req_headers, pool, optarg)) {
                return fail_usage("-Q: '%s' is not 'Name: value'", optarg);
            }
            break;
        case 'H':
            if (req.resp_headers == NULL) {
                req.resp_headers = apr_table_make(pool, 8);
            }
            if (!add_header(req.resp_headers, pool, optarg)) {
                return fail_usage("-H: '%s' is not 'Name: value'", optarg);
            }
            break;
        case 'o':
            out = optarg;
            break;
        case 's':
            if (strcasecmp(optarg, "http") != 0
                && strcasecmp(optarg, "https") != 0) {
                return fail_usage("--scheme: '%s' is not http or https",
                                  optarg);
            }
            req.scheme = optarg;
            break;
        case 'P':
            opts.propstat_methods = optarg;
            break;
        case 'M':
            if (strcasecmp(optarg, "log") == 0) {
                opts.mode = MSS_MODE_LOG;
            }
            else if (strcasecmp(optarg, "reject") == 0) {
                opts.mode = MSS_MODE_REJECT;
            }
            else if (strcasecmp(optarg, "rewrite") == 0) {
                opts.mode = MSS_MODE_REWRITE;
            }
            else {
                return fail_usage("--mode: '%s' is not log, rewrite or "
                                  "reject",
                                  optarg);
            }
            break;
        case 'R': {
            char *eq = strchr(optarg, '=');
            const mss_rule_info_t *r;
            mss_action_e a;

            if (eq == NULL) {
                return fail_usage("--rule: '%s' is not ID=off|log|fix|reject",
                                  optarg);
            }
            *eq = '\0';
            r = mss_rule_find(optarg);
            if (r == NULL) {
                return fail_usage("--rule: unknown rule id '%s' "
                                  "(msstrict --list-rules)",
                                  optarg);
            }
            a = mss_action_parse(eq + 1);
            if (a == MSS_ACTION_DEFAULT) {
                return fail_usage("--rule: '%s' is not off, log, fix or "
                                  "reject",
                                  eq + 1);
            }
            opts.rule_action[r->rule] = (unsigned char)a;
            break;
        }
        case 'L': {
            const char *err = mss_options_parse_limits(&opts, optarg, pool);

            if (err != NULL) {
                return fail_usage("--limits: %s", err);
            }
            break;
        }
        case 'S': {
            char *end = NULL;
            long st = strtol(optarg, &end, 10);

            if (end == optarg || *end != '\0' || st < 100 || st > 599) {
                return fail_usage("--status: '%s' is not an HTTP status code",
                                  optarg);
            }
            req.status = (int)st;
            break;
        }
        case 'O':
            if (!mss_origin_valid(optarg)) {
                return fail_usage("--origin-map: '%s' is not "
                                  "http[s]://HOST[:PORT]",
                                  optarg);
            }
            opts.origin_map = list_add(pool, opts.origin_map, optarg);
            break;
        case 'X':
            if (strchr(optarg, '=') == NULL || optarg[0] != '/'
                || strpbrk(optarg, " \t") != NULL) {
                return fail_usage("--map: '%s' is not /BACKEND/=/FRONTEND/",
                                  optarg);
            }
            opts.proxy_map = list_add(pool, opts.proxy_map, optarg);
            break;
        case 'j':
            cli.json = 1;
            break;
        case 'l':
            list = 1;
            break;
        case 'h':
            usage(stdout);
            return EXIT_CLEAN;
        case 'V':
            printf("msstrict %s\n", MSS_VERSION);
            return EXIT_CLEAN;
        case ':':
            return fail_usage("option %s needs a value", argv[optind - 1]);
        default:
            return fail_usage("unknown option %s", argv[optind - 1]);
        }
    }
    if (list) {
        list_rules(cli.json);
        return EXIT_CLEAN;
    }
    if (optind < argc) {
        file = argv[optind++];
    }
    if (optind < argc) {
        return fail_usage("one body at a time (extra argument '%s')",
                          argv[optind]);
    }
    if (out != NULL && opts.mode == MSS_MODE_LOG) {
        return fail_usage("-o %s needs --mode rewrite or --mode reject", out);
    }
    if (out == NULL && opts.mode == MSS_MODE_REWRITE) {
        return fail_usage("--mode rewrite needs -o OUT (- = stdout)");
    }

    if (strcmp(file, "-") == 0) {
        in = stdin;
        cli.name = "-";
    }
    else {
        in = fopen(file, "rb");
        if (in == NULL) {
            fprintf(stderr, "msstrict: cannot read %s: %s\n", file,
                    strerror(errno));
            return EXIT_USAGE;
        }
        cli.name = file;
    }
    /* with -o - the body owns stdout and the report goes to stderr */
    cli.out = out != NULL && strcmp(out, "-") == 0 ? stderr : stdout;
    if (out != NULL && opts.mode == MSS_MODE_REJECT) {
        /* Reject holds the whole (rewritten) body: nothing is written
         * unless it passes (the module holds up to DAVMSStrictMaxBuffer) */
        wr.held.on = 1;
        wr.name = out;
    }

    rv = mss_validator_create(&v, pool, &opts, &req, report, &cli);
    if (rv == APR_SUCCESS && opts.mode == MSS_MODE_REWRITE) {
        wr.f = strcmp(out, "-") == 0 ? stdout : fopen(out, "wb");
        wr.name = out;
        if (wr.f == NULL) {
            fprintf(stderr, "msstrict: cannot write %s: %s\n", out,
                    strerror(errno));
            return EXIT_USAGE;
        }
    }
    if (rv == APR_SUCCESS && opts.mode != MSS_MODE_LOG) {
        /* reject mode rewrites too (design.md 1), with or without -o, so
         * that its report says what a pass would have fixed */
        rv = mss_validator_set_output(v, body_write, &wr);
    }
    while (rv == APR_SUCCESS && (n = fread(buf, 1, sizeof(buf), in)) > 0) {
        rv = mss_validator_feed(v, buf, n);
        if (opts.mode != MSS_MODE_LOG && rv != APR_SUCCESS && !wr.failed) {
            /* fail open (mss.h): this chunk and the rest unchanged */
            apr_status_t wv = body_write(&wr, buf, n);

            while (wv == APR_SUCCESS
                   && (n = fread(buf, 1, sizeof(buf), in)) > 0) {
                wv = body_write(&wr, buf, n);
            }
        }
    }
    if (ferror(in)) {
        fprintf(stderr, "msstrict: error reading %s: %s\n", cli.name,
                strerror(errno));
        if (in != stdin) {
            fclose(in);
        }
        return EXIT_USAGE;
    }
    if (in != stdin) {
        fclose(in);
    }
    if (rv == APR_SUCCESS) {
        rv = mss_validator_finish(v, &res);
    }
    if (fflush(cli.out) != 0 || rv != APR_SUCCESS) {
        fprintf(stderr, "msstrict: cannot write the report\n");
        return EXIT_USAGE;
    }
    if (wr.failed) {
        fprintf(stderr, "msstrict: cannot write %s\n", wr.name);
        return EXIT_USAGE;
    }
    if (wr.held.on && res.rejected == 0
        && write_body(out, wr.held.buf, wr.held.len) != 0) {
        return EXIT_USAGE;
    }
    if (out != NULL && res.rejected == 0) {
        const apr_array_header_t *hc = mss_validator_header_changes(v);
        int i;

        if (wr.f != NULL
            && (wr.f == stdout ? fflush(wr.f) : fclose(wr.f)) != 0) {
            fprintf(stderr, "msstrict: cannot write %s\n", wr.name);
            return EXIT_USAGE;
        }
        if (res.status != 0) {
            /* an N3 fix answers with a plain status (or 409 becomes 207) */
            fprintf(stderr, "msstrict: status %d\n", res.status);
        }
        for (i = 0; i < hc->nelts; i++) {
            const mss_header_change_t *h =
                &APR_ARRAY_IDX(hc, i, mss_header_change_t);

            if (h->value != NULL) {
                fprintf(stderr, "msstrict: header set %s: %s\n", h->name,
                        h->value);
            }
            else {
                fprintf(stderr, "msstrict: header removed %s\n", h->name);
            }
        }
    }
    fprintf(stderr,
            "msstrict: %s: result=%s violations=%" APR_SIZE_T_FMT
            " suppressed=%" APR_SIZE_T_FMT " responses=%" APR_SIZE_T_FMT
            " bytes=%" APR_OFF_T_FMT "%s",
            cli.name,
            res.rejected > 0 ? "rejected" : mss_outcome_name(res.outcome),
            res.violations, res.suppressed, res.responses, res.bytes,
            res.rejected > 0 ? " (no body written)" : "");
    if (out != NULL && res.rejected == 0) {
        fprintf(stderr,
                " fixed=%" APR_SIZE_T_FMT " dropped=%" APR_SIZE_T_FMT
                " bytes_out=%" APR_OFF_T_FMT " changed=%s",
                res.fixed, res.dropped, res.bytes_out,
                res.rewritten ? "yes" : "no");
    }
    fputc('\n', stderr);
    if (res.rejected > 0) {
        return EXIT_REJECTED;
    }
    return res.violations > 0 ? EXIT_VIOLATIONS : EXIT_CLEAN;
}

int main(int argc, char **argv)
{
    apr_pool_t *pool;
    int rc;

    if (apr_initialize() != APR_SUCCESS
        || apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        fputs("msstrict: cannot initialise APR\n", stderr);
        return EXIT_USAGE;
    }
    mss_global_init();
    rc = run(pool, argc, argv);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
