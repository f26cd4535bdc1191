/*
 * fuzz_req.h: the request facts and limits a fuzz input's first byte
 * picks, shared by the check and the rewrite targets (fuzz_check.c,
 * fuzz_rewrite.c): method, Depth, and (bit 3) known response headers with
 * one of four Content-Types and a Content-Length.
 */
#ifndef MSS_FUZZ_REQ_H
#define MSS_FUZZ_REQ_H

#include <string.h>

#include <apr_tables.h>

#include "mss.h"

static void fuzz_setup(apr_pool_t *pool, unsigned sel, mss_options_t *opts,
                       mss_request_t *req)
{
    static const char *const methods[] = {
        "PROPFIND",   "PROPPATCH", "DELETE", "COPY",  "MOVE",
        "LOCK",       "REPORT",    "SEARCH", "MERGE", "GET",
        "MKCALENDAR", "FOO",       "UPDATE"};
    static const char *const depths[] = {NULL, "0", "1", "infinity",
                                         "1,noroot"};
    static const char *const types[] = {"application/xml; charset=\"utf-8\"",
                                        "text/xml", "text/html",
                                        "text/xml; charset=iso-8859-1"};

    mss_options_init(opts);
    opts->max_depth = 64;
    opts->max_text = 4096;
    opts->max_response = 64 * 1024;
    memset(req, 0, sizeof(*req));
    req->method = methods[sel % (sizeof(methods) / sizeof(methods[0]))];
    req->depth = depths[(sel >> 4) % (sizeof(depths) / sizeof(depths[0]))];
    req->uri = "/dav/c/";
    req->req_headers = apr_table_make(pool, 2);
    apr_table_set(req->req_headers, "Host", "dav.example.com");
    if (sel & 0x80) {
        /* a reverse proxy's maps (MS-HREF-ORIGIN, MS-HREF-PROXY-MAP) */
        opts->origin_map = "http://10.0.0.5:8080 https://backend.invalid";
        opts->proxy_map = "/be/=/dav/c/";
    }
    if (sel & 0x08) {
        req->resp_headers = apr_table_make(pool, 4);
        apr_table_set(req->resp_headers, "Content-Type", types[(sel >> 1) % 4]);
        apr_table_set(req->resp_headers, "Content-Length", "1");
    }
}

#endif
