/*
 * test_headers.c: header grammars (media type and parameters, comma lists,
 * Cache-Control delta-seconds, IMF-fixdate), charset names and escaping.
 */
#include <string.h>

#include <apr_general.h>

#include "tap.h"
#include "mss_private.h"

int main(int argc, char **argv)
{
    apr_pool_t *p;
    char *s;
    apr_time_t t;

    (void)argc;
    (void)argv;
    apr_initialize();
    apr_pool_create(&p, NULL);

    s = mss_ct_media_type(p, " Text/XML ; charset=\"utf-8\"");
    ok(s != NULL && strcmp(s, "text/xml") == 0, "media type lower-cased");
    s = mss_ct_param(p, "text/xml; charset=\"utf-8\"", "charset");
    ok(s != NULL && strcmp(s, "utf-8") == 0, "quoted charset");
    s = mss_ct_param(p, "text/xml;Charset=ISO-8859-1", "charset");
    ok(s != NULL && strcmp(s, "ISO-8859-1") == 0, "bare charset, any case");
    ok(mss_ct_param(p, "application/xml", "charset") == NULL, "no charset");
    ok(mss_ct_media_type(p, NULL) == NULL, "no Content-Type");

    ok(mss_list_has("no-store, no-cache", "no-cache", 0), "list has token");
    ok(!mss_list_has("no-cache=\"Set-Cookie\"", "no-cache", 0),
       "qualified no-cache is not the bare directive");
    ok(mss_list_has("return=minimal, depth-noroot", "depth-noroot", 1),
       "Prefer list");
    ok(!mss_list_has("no-cachex", "no-cache", 0), "no prefix match");
    ok(mss_cc_delta("public, max-age=3600", "max-age") == 3600, "max-age");
    ok(mss_cc_delta("max-age=\"60\"", "max-age") == 60, "quoted max-age");
    ok(mss_cc_delta("s-maxage=0", "s-maxage") == 0, "s-maxage=0");
    ok(mss_cc_delta("private", "max-age") == -1, "absent");
    ok(mss_cc_delta("max-age=x", "max-age") == -2, "invalid");

    t = mss_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
    ok(t == apr_time_from_sec(784111777), "IMF-fixdate (RFC 9110 5.6.7)");
    t = mss_http_date("Thu, 01 Jan 2026 00:00:00 GMT");
    ok(t == apr_time_from_sec(1767225600), "2026-01-01");
    t = mss_http_date("Sat, 29 Feb 2028 12:00:00 GMT");
    ok(t == apr_time_from_sec(1835438400), "leap day");
    ok(mss_http_date("0") == 0, "invalid Expires is 0 (already expired)");

    ok(strcmp(mss_charset_norm(p, "UTF-8"), "utf8") == 0, "utf-8");
    ok(strcmp(mss_charset_norm(p, "Latin1"), "iso88591") == 0, "latin1");
    ok(strcmp(mss_charset_norm(p, "ISO_8859-1"), "iso88591") == 0,
       "iso_8859-1");
    ok(strcmp(mss_charset_norm(p, "US-ASCII"), "usascii") == 0, "ascii");

    s = mss_escape(p, "a\r\nb\"\\\x1b[31m", 11, 100);
    ok(strcmp(s, "a\\x0d\\x0ab\\\"\\\\\\x1b[31m") == 0,
       "controls, quote and backslash escaped");
    s = mss_escape(p, "\xc3\xbc\xff", 3, 100);
    ok(strcmp(s, "\xc3\xbc\\xff") == 0,
       "valid UTF-8 kept, invalid byte escaped");
    s = mss_escape(p, "abcdef", 6, 3);
    ok(strcmp(s, "abc...") == 0, "capped with an ellipsis");

    ok(mss_method_207("PROPFIND") == MSS_M207_ALLOWED, "PROPFIND may 207");
    ok(mss_method_207("GET") == MSS_M207_FORBIDDEN, "GET may not");
    ok(mss_method_207("FROB") == MSS_M207_UNKNOWN, "unknown method");
    ok(mss_method_in_list("PROPFIND, REPORT", "REPORT"), "method list");
    ok(!mss_method_in_list("PROPFIND REPORTX", "REPORT"), "exact names");
    apr_pool_destroy(p);
    apr_terminate();
    return done();
}
