/*
 * bench_core.c: the validator's throughput against libxml2's bare SAX2
 * push parse (namespace-aware, no-op callbacks), same chunk size, same
 * process, interleaved rounds; and the CLI's peak RSS on a large body.
 *
 *   bench_core [ROUNDS]              throughput table for the generated
 *                                    bodies (1,000 and 10,000 responses,
 *                                    and a 100 MB one)
 *   bench_core --write FILE MB       write a generated body of ~MB MiB
 *   bench_core --rss CLI FILE        run CLI on FILE, print its peak RSS
 *
 *   bench_core --rss-rewrite CLI FILE  the same in --mode rewrite
 *
 * Bodies look like mod_dav_fs PROPFIND Depth: 1 allprop answers: per
 * response an href, resourcetype, creationdate, getcontentlength,
 * getlastmodified, getetag, executable, supportedlock, lockdiscovery and
 * getcontenttype in one 200 propstat, with lp1/lp2 prefixes.  The Rewrite
 * rows run the same bodies through Rewrite mode (output to a counting
 * sink): as they are (nothing to fix, every response goes out verbatim)
 * and with every status written "200 OK" (MS-STATUS-SYNTAX: every response
 * needs a fix).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>

#include <apr_general.h>
#include <apr_pools.h>

#include "mss.h"

#define CHUNK 8192

typedef struct {
    char *buf;
    size_t len;
    size_t cap;
} sbuf_t;

static void put(sbuf_t *b, const char *s)
{
    size_t n = strlen(s);

    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->buf = realloc(b->buf, b->cap);
        if (b->buf == NULL) {
            perror("realloc");
            exit(2);
        }
    }
    memcpy(b->buf + b->len, s, n + 1);
    b->len += n;
}

static int g_broken; /* write "200 OK" status lines (Rewrite rows) */

static void response(sbuf_t *b, unsigned long i, int collection)
{
    char tmp[2048];
    char name[64];

    /* the first response is the Request-URI, the collection itself */
    if (collection) {
        name[0] = '\0';
    }
    else {
        snprintf(name, sizeof(name), "file%06lu.txt", i);
    }
    snprintf(tmp, sizeof(tmp),
             "<D:response xmlns:lp1=\"DAV:\" "
             "xmlns:lp2=\"http://apache.org/dav/props/\">\n"
             "<D:href>/dav/tree/%s</D:href>\n"
             "<D:propstat>\n<D:prop>\n"
             "<lp1:resourcetype>%s</lp1:resourcetype>\n"
             "<lp1:creationdate>2026-11-01T10:00:00Z</lp1:creationdate>\n"
             "<lp1:getcontentlength>%lu</lp1:getcontentlength>\n"
             "<lp1:getlastmodified>Sun, 01 Nov 2026 10:00:00 GMT"
             "</lp1:getlastmodified>\n"
             "<lp1:getetag>\"%lx-5f0a1b2c3d4e5\"</lp1:getetag>\n"
             "<lp2:executable>F</lp2:executable>\n"
             "<D:supportedlock>\n<D:lockentry>\n"
             "<D:lockscope><D:exclusive/></D:lockscope>\n"
             "<D:locktype><D:write/></D:locktype>\n"
             "</D:lockentry>\n<D:lockentry>\n"
             "<D:lockscope><D:shared/></D:lockscope>\n"
             "<D:locktype><D:write/></D:locktype>\n"
             "</D:lockentry>\n</D:supportedlock>\n"
             "<D:lockdiscovery/>\n"
             "<D:getcontenttype>text/plain</D:getcontenttype>\n"
             "</D:prop>\n<D:status>%s200 OK</D:status>\n"
             "</D:propstat>\n</D:response>\n",
             name, collection ? "<D:collection/>" : "", i * 37 % 100000, i,
             g_broken ? "" : "HTTP/1.1 ");
    put(b, tmp);
}

static void body(sbuf_t *b, unsigned long n)
{
    unsigned long i;

    b->len = 0;
    put(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
           "<D:multistatus xmlns:D=\"DAV:\" xmlns:ns0=\"DAV:\">\n");
    for (i = 0; i < n; i++) {
        response(b, i, i == 0);
    }
    put(b, "</D:multistatus>\n");
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- baseline: bare SAX2 push parse, no-op callbacks ---------------- */

static void noop_start(void *ctx, const xmlChar *l, const xmlChar *p,
                       const xmlChar *u, int nn, const xmlChar **ns, int na,
                       int nd, const xmlChar **at)
{
    (void)ctx, (void)l, (void)p, (void)u, (void)nn, (void)ns, (void)na;
    (void)nd, (void)at;
}

static void noop_end(void *ctx, const xmlChar *l, const xmlChar *p,
                     const xmlChar *u)
{
    (void)ctx, (void)l, (void)p, (void)u;
}

static void noop_text(void *ctx, const xmlChar *c, int n)
{
    (void)ctx, (void)c, (void)n;
}

static double bare(const sbuf_t *b)
{
    xmlSAXHandler sax;
    xmlParserCtxtPtr ctxt;
    size_t off;
    double t0 = now();

    memset(&sax, 0, sizeof(sax));
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = noop_start;
    sax.endElementNs = noop_end;
    sax.characters = noop_text;
    sax.ignorableWhitespace = noop_text;
    ctxt = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, NULL);
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET);
    for (off = 0; off < b->len; off += CHUNK) {
        size_t n = b->len - off < CHUNK ? b->len - off : CHUNK;

        xmlParseChunk(ctxt, b->buf + off, (int)n, 0);
    }
    xmlParseChunk(ctxt, "", 0, 1);
    if (!ctxt->wellFormed) {
        fprintf(stderr, "bare parse failed\n");
        exit(2);
    }
    xmlFreeParserCtxt(ctxt);
    return now() - t0;
}

/* ---- the validator -------------------------------------------------- */

static apr_status_t count(void *baton, const mss_violation_t *v)
{
    (void)v;
    (*(unsigned long *)baton)++;
    return APR_SUCCESS;
}

static apr_status_t sink(void *baton, const char *buf, apr_size_t len)
{
    (void)buf;
    *(apr_size_t *)baton += len;
    return APR_SUCCESS;
}

static int g_rewrite; /* run the validator in Rewrite mode */

static double validate(const sbuf_t *b, apr_pool_t *parent,
                       unsigned long *violations)
{
    apr_size_t out = 0;
    apr_pool_t *p;
    mss_options_t o;
    mss_request_t req;
    mss_validator_t *v = NULL;
    mss_result_t res;
    size_t off;
    double t0 = now();

    apr_pool_create(&p, parent);
    mss_options_init(&o);
    memset(&req, 0, sizeof(req));
    req.method = "PROPFIND";
    req.uri = "/dav/tree/";
    req.depth = "1";
    *violations = 0;
    if (g_rewrite) {
        o.mode = MSS_MODE_REWRITE;
    }
    mss_validator_create(&v, p, &o, &req, count, violations);
    if (g_rewrite) {
        mss_validator_set_output(v, sink, &out);
    }
    for (off = 0; off < b->len; off += CHUNK) {
        size_t n = b->len - off < CHUNK ? b->len - off : CHUNK;

        mss_validator_feed(v, b->buf + off, n);
    }
    mss_validator_finish(v, &res);
    apr_pool_destroy(p);
    if (res.outcome != (g_broken ? MSS_OUTCOME_VIOLATIONS : MSS_OUTCOME_CLEAN)
        || (g_rewrite
            && (out == 0 || res.fixed != (g_broken ? res.responses : 0)))) {
        fprintf(stderr, "validator: outcome %s, %lu fixed\n",
                mss_outcome_name(res.outcome), (unsigned long)res.fixed);
        exit(2);
    }
    return now() - t0;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void run(const char *name, unsigned long n, int rounds, apr_pool_t *p)
{
    sbuf_t b = {0};
    double *tb = calloc((size_t)rounds, sizeof(double));
    double *tv = calloc((size_t)rounds, sizeof(double));
    unsigned long viol = 0;
    int i;
    double mb;

    body(&b, n);
    mb = (double)b.len / (1024.0 * 1024.0);
    bare(&b); /* warm-up */
    validate(&b, p, &viol);
    for (i = 0; i < rounds; i++) { /* interleaved */
        tb[i] = bare(&b);
        tv[i] = validate(&b, p, &viol);
    }
    qsort(tb, (size_t)rounds, sizeof(double), cmp_d);
    qsort(tv, (size_t)rounds, sizeof(double), cmp_d);
    printf("%-40s %7.1f MiB  bare %8.1f MB/s  validator %8.1f MB/s  "
           "ratio %.2f  (median of %d)\n",
           name, mb, mb / tb[rounds / 2], mb / tv[rounds / 2],
           tb[rounds / 2] / tv[rounds / 2], rounds);
    fflush(stdout);
    free(tb);
    free(tv);
    free(b.buf);
}

static int write_body(const char *file, unsigned long mib)
{
    FILE *f = fopen(file, "wb");
    sbuf_t b = {0};
    unsigned long i;
    unsigned long written = 0;

    if (f == NULL) {
        perror(file);
        return 2;
    }
    fputs("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
          "<D:multistatus xmlns:D=\"DAV:\" xmlns:ns0=\"DAV:\">\n",
          f);
    for (i = 0; written < mib * 1024 * 1024; i++) {
        b.len = 0;
        response(&b, i, i == 0);
        fwrite(b.buf, 1, b.len, f);
        written += b.len;
    }
    fputs("</D:multistatus>\n", f);
    free(b.buf);
    return fclose(f) == 0 ? 0 : 2;
}

static int rss(const char *cli, const char *file, int rewrite)
{
    pid_t pid = fork();
    int status;
    struct rusage ru;

    if (pid == 0) {
        if (rewrite) {
            execl(cli, cli, "-d", "1", "-u", "/dav/tree/", "--mode", "rewrite",
                  "-o", "/dev/null", file, (char *)NULL);
        }
        else {
            execl(cli, cli, "-d", "1", "-u", "/dav/tree/", file, (char *)NULL);
        }
        _exit(127);
    }
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
        perror("wait4");
        return 2;
    }
    printf("CLI%s peak RSS on %s: %.1f MiB (exit %d)\n",
           rewrite ? " --mode rewrite" : "", file,
           (double)ru.ru_maxrss / 1024.0, WEXITSTATUS(status));
    return 0;
}

int main(int argc, char **argv)
{
    apr_pool_t *p;
    int rounds = 7;

    if (argc == 4 && strcmp(argv[1], "--write") == 0) {
        return write_body(argv[2], strtoul(argv[3], NULL, 10));
    }
    if (argc == 4 && strcmp(argv[1], "--rss") == 0) {
        return rss(argv[2], argv[3], 0);
    }
    if (argc == 4 && strcmp(argv[1], "--rss-rewrite") == 0) {
        return rss(argv[2], argv[3], 1);
    }
    if (argc == 3
        && (strcmp(argv[1], "--bare") == 0
            || strcmp(argv[1], "--validate") == 0)) {
        /* one parse of FILE, for profilers (callgrind counts) */
        FILE *f = fopen(argv[2], "rb");
        sbuf_t b = {0};
        char tmp[65536];
        size_t n;
        unsigned long viol = 0;

        if (f == NULL) {
            perror(argv[2]);
            return 2;
        }
        while ((n = fread(tmp, 1, sizeof(tmp) - 1, f)) > 0) {
            tmp[n] = '\0';
            put(&b, tmp);
        }
        fclose(f);
        apr_initialize();
        mss_global_init();
        apr_pool_create(&p, NULL);
        printf("%.3f s\n",
               argv[1][2] == 'b' ? bare(&b) : validate(&b, p, &viol));
        return 0;
    }
    if (argc == 2) {
        rounds = atoi(argv[1]);
    }
    if (rounds < 1) {
        rounds = 1;
    }
    apr_initialize();
    mss_global_init();
    apr_pool_create(&p, NULL);
    printf("chunk %d bytes; bare = libxml2 SAX2 push, no-op callbacks\n",
           CHUNK);
    run("1,000 responses", 1000, rounds, p);
    run("10,000 responses", 10000, rounds, p);
    run("100 MB (~118,000 responses)", 118000, rounds > 3 ? 3 : rounds, p);
    g_rewrite = 1;
    run("rewrite, nothing to fix, 10,000", 10000, rounds, p);
    run("rewrite, nothing to fix, 100 MB", 118000, rounds > 3 ? 3 : rounds, p);
    g_broken = 1;
    run("rewrite, every response fixed, 10,000", 10000, rounds, p);
    run("rewrite, every response fixed, 100 MB", 118000,
        rounds > 3 ? 3 : rounds, p);
    apr_pool_destroy(p);
    apr_terminate();
    return 0;
}
