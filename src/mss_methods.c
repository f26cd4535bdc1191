/*
 * mss_methods.c: the method facts of rules.md 3.1 (which methods may answer
 * 207) and the method lists the options carry.  Method names compare
 * case-sensitively (RFC 9110 9.1).
 */
#include <string.h>

#include "mss_private.h"

/* rules.md 3.1 "yes" rows: RFC 4918 9.1, 9.2, 9.6.1, 9.8.3, 9.9.2, 9.10.3;
 * RFC 3253 3.6, 7.1, 8.2, 11.2; RFC 5323 2.3; RFC 4791 5.3.1.1; RFC 3648
 * ORDERPATCH (treated as allowed); and the vendor batch methods that
 * rules.md MS-METHOD-207 names as a configurable allowance. */
static const char *const allowed_207[] = {
    "PROPFIND", "PROPPATCH", "DELETE",     "COPY",       "MOVE",
    "LOCK",     "REPORT",    "SEARCH",     "MKCALENDAR", "UPDATE",
    "MERGE",    "LABEL",     "ORDERPATCH", "BPROPFIND",  "BPROPPATCH",
    "BDELETE",  "BCOPY",     "BMOVE",      NULL};

/* rules.md 3.1 "no" rows: RFC 4918 9.3-9.5, 9.7, 9.11; RFC 5689 3;
 * RFC 3744 8.1; RFC 3253 3.5, 4.3-4.5, 6.3, 12.6, 13.5. */
static const char *const forbidden_207[] = {
    "GET",         "HEAD",       "PUT",
    "POST",        "OPTIONS",    "MKCOL",
    "UNLOCK",      "ACL",        "CHECKIN",
    "CHECKOUT",    "UNCHECKOUT", "VERSION-CONTROL",
    "MKWORKSPACE", "MKACTIVITY", "BASELINE-CONTROL",
    NULL};

static int in_array(const char *const *a, const char *m)
{
    for (; *a != NULL; a++) {
        if (strcmp(*a, m) == 0) {
            return 1;
        }
    }
    return 0;
}

mss_m207_e mss_method_207(const char *method)
{
    if (in_array(allowed_207, method)) {
        return MSS_M207_ALLOWED;
    }
    if (in_array(forbidden_207, method)) {
        return MSS_M207_FORBIDDEN;
    }
    return MSS_M207_UNKNOWN;
}

int mss_method_in_list(const char *list, const char *method)
{
    size_t mlen = strlen(method);
    const char *s = list;

    if (list == NULL) {
        return 0;
    }
    while (*s != '\0') {
        const char *e;

        while (*s == ' ' || *s == ',' || *s == '\t') {
            s++;
        }
        e = s;
        while (*e != '\0' && *e != ' ' && *e != ',' && *e != '\t') {
            e++;
        }
        if ((size_t)(e - s) == mlen && mlen > 0
            && strncmp(s, method, mlen) == 0) {
            return 1;
        }
        s = e;
    }
    return 0;
}
