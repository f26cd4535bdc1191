/*
 * mss_headers.c: the few HTTP header grammars the header rules need:
 * media types and parameters (RFC 9110 8.3.1), comma lists (5.6.1),
 * Cache-Control directives (RFC 9111 5.2) and IMF-fixdate (RFC 9110
 * 5.6.7).  Pure functions.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <apr_strings.h>

#include "mss_private.h"

static int ows(char c)
{
    return c == ' ' || c == '\t';
}

char *mss_ct_media_type(apr_pool_t *p, const char *ct)
{
    const char *s;
    const char *e;
    char *mt;

    if (ct == NULL) {
        return NULL;
    }
    s = ct;
    while (ows(*s)) {
        s++;
    }
    e = s;
    while (*e != '\0' && *e != ';' && !ows(*e)) {
        e++;
    }
    if (e == s) {
        return NULL;
    }
    mt = apr_pstrmemdup(p, s, (apr_size_t)(e - s));
    mss_lower(mt);
    return mt;
}

char *mss_ct_param(apr_pool_t *p, const char *ct, const char *name)
{
    const char *s;
    size_t nlen = strlen(name);

    if (ct == NULL) {
        return NULL;
    }
    s = strchr(ct, ';');
    while (s != NULL) {
        const char *v;
        const char *e;

        s++;
        while (ows(*s)) {
            s++;
        }
        if (strncasecmp(s, name, nlen) == 0) {
            v = s + nlen;
            while (ows(*v)) {
                v++;
            }
            if (*v == '=') {
                v++;
                while (ows(*v)) {
                    v++;
                }
                if (*v == '"') {
                    v++;
                    e = strchr(v, '"');
                    if (e == NULL) {
                        e = v + strlen(v);
                    }
                }
                else {
                    e = v;
                    while (*e != '\0' && *e != ';' && !ows(*e)) {
                        e++;
                    }
                }
                return apr_pstrmemdup(p, v, (apr_size_t)(e - v));
            }
        }
        s = strchr(s, ';');
    }
    return NULL;
}

/* Walk a comma list: calls back each trimmed element [s, e). */
static const char *next_elem(const char *s, const char **es, const char **ee)
{
    const char *e;

    while (*s == ',' || ows(*s)) {
        s++;
    }
    if (*s == '\0') {
        return NULL;
    }
    e = s;
    while (*e != '\0' && *e != ',') {
        if (*e == '"') {
            e++;
            while (*e != '\0' && *e != '"') {
                if (*e == '\\' && e[1] != '\0') {
                    e++;
                }
                e++;
            }
            if (*e == '"') {
                e++;
            }
            continue;
        }
        e++;
    }
    *es = s;
    *ee = e;
    while (*ee > *es && ows((*ee)[-1])) {
        (*ee)--;
    }
    return e;
}

int mss_list_has(const char *value, const char *tok, int with_arg)
{
    const char *s = value;
    const char *es;
    const char *ee;
    size_t tlen = strlen(tok);

    if (value == NULL) {
        return 0;
    }
    while ((s = next_elem(s, &es, &ee)) != NULL) {
        size_t n = (size_t)(ee - es);

        if (n >= tlen && strncasecmp(es, tok, tlen) == 0) {
            const char *r = es + tlen;

            while (r < ee && ows(*r)) {
                r++;
            }
            if (r == ee || *r == ';') {
                return 1; /* bare, or with parameters (RFC 7240 2) */
            }
            if (with_arg && *r == '=') {
                return 1;
            }
        }
    }
    return 0;
}

char *mss_cc_no_cache(apr_pool_t *p, const char *value)
{
    static const char *const drop[] = {"public", "max-age", "s-maxage",
                                       "immutable"};
    const char *s = value;
    const char *es;
    const char *ee;
    char *out = NULL;
    int has_no_cache = 0;

    while (s != NULL && (s = next_elem(s, &es, &ee)) != NULL) {
        size_t n = 0;
        size_t i;
        int gone = 0;

        while (es + n < ee && es[n] != '=' && !ows(es[n])) {
            n++; /* the directive's name */
        }
        for (i = 0; i < sizeof(drop) / sizeof(drop[0]); i++) {
            gone |= n == strlen(drop[i]) && strncasecmp(es, drop[i], n) == 0;
        }
        if (gone) {
            continue;
        }
        has_no_cache |= n == 8 && strncasecmp(es, "no-cache", 8) == 0;
        out = apr_pstrcat(p, out != NULL ? out : "", out != NULL ? ", " : "",
                          apr_pstrmemdup(p, es, (apr_size_t)(ee - es)), NULL);
    }
    if (!has_no_cache) {
        out = apr_pstrcat(p, out != NULL ? out : "", out != NULL ? ", " : "",
                          "no-cache", NULL);
    }
    return out;
}

long mss_cc_delta(const char *value, const char *tok)
{
    const char *s = value;
    const char *es;
    const char *ee;
    size_t tlen = strlen(tok);

    if (value == NULL) {
        return -1;
    }
    while ((s = next_elem(s, &es, &ee)) != NULL) {
        const char *r;
        long n = 0;
        int digits = 0;

        if ((size_t)(ee - es) < tlen || strncasecmp(es, tok, tlen) != 0) {
            continue;
        }
        r = es + tlen;
        while (r < ee && ows(*r)) {
            r++;
        }
        if (r == ee) {
            return -2;
        }
        if (*r != '=') {
            continue; /* a longer token with the same prefix */
        }
        r++;
        while (r < ee && ows(*r)) {
            r++;
        }
        if (r < ee && *r == '"') {
            r++;
        }
        while (r < ee && isdigit((unsigned char)*r)) {
            if (n < 100000000L) {
                n = n * 10 + (*r - '0');
            }
            digits++;
            r++;
        }
        return digits > 0 ? n : -2;
    }
    return -1;
}

static int month_of(const char *m)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
                                         "May", "Jun", "Jul", "Aug",
                                         "Sep", "Oct", "Nov", "Dec"};
    int i;

    for (i = 0; i < 12; i++) {
        if (strcmp(m, months[i]) == 0) {
            return i;
        }
    }
    return -1;
}

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Seconds since the epoch, or 0 when the fields are out of range. */
static apr_time_t from_fields(int year, int mon, int day, int hh, int mm,
                              int ss)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    apr_int64_t days = 0;
    int y;
    int i;

    if (mon < 0 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60
        || year < 1970 || year > 9999) {
        return 0;
    }
    for (y = 1970; y < year; y++) {
        days += leap(y) ? 366 : 365;
    }
    for (i = 0; i < mon; i++) {
        days += mdays[i] + (i == 1 && leap(year) ? 1 : 0);
    }
    days += day - 1;
    return apr_time_from_sec(((days * 24 + hh) * 60 + mm) * 60 + ss);
}

apr_time_t mss_http_date(const char *s)
{
    char wday[16];
    char mon[4];
    int day;
    int year;
    int hh;
    int mm;
    int ss;
    int n = 0;
    const char *comma;

    if (s == NULL) {
        return 0;
    }
    /* RFC 9110 5.6.7: IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" */
    if (sscanf(s, "%3s, %2d %3s %4d %2d:%2d:%2d GMT%n", wday, &day, mon, &year,
               &hh, &mm, &ss, &n)
            == 7
        && n > 0 && s[n] == '\0') {
        return from_fields(year, month_of(mon), day, hh, mm, ss);
    }
    /* obsolete RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"; a two-digit
     * year more than 50 years ahead is in the past */
    comma = strchr(s, ',');
    n = 0;
    if (comma != NULL
        && sscanf(comma + 1, " %2d-%3[A-Za-z]-%2d %2d:%2d:%2d GMT%n", &day, mon,
                  &year, &hh, &mm, &ss, &n)
               == 6
        && n > 0 && comma[1 + n] == '\0') {
        year += year < 70 ? 2000 : 1900;
        return from_fields(year, month_of(mon), day, hh, mm, ss);
    }
    /* obsolete asctime: "Sun Nov  6 08:49:37 1994" */
    n = 0;
    if (sscanf(s, "%3s %3s %2d %2d:%2d:%2d %4d%n", wday, mon, &day, &hh, &mm,
               &ss, &year, &n)
            == 7
        && n > 0 && s[n] == '\0') {
        return from_fields(year, month_of(mon), day, hh, mm, ss);
    }
    return 0;
}

const char *mss_charset_norm(apr_pool_t *p, const char *name)
{
    char *n;
    char *o;
    const char *s;

    if (name == NULL) {
        return NULL;
    }
    n = apr_palloc(p, strlen(name) + 1);
    o = n;
    for (s = name; *s != '\0'; s++) {
        if (*s == '-' || *s == '_' || *s == ' ' || *s == '"') {
            continue;
        }
        *o++ = (char)tolower((unsigned char)*s);
    }
    *o = '\0';
    /* IANA character-set aliases of ISO-8859-1 and US-ASCII */
    if (strcmp(n, "csutf8") == 0) {
        return "utf8";
    }
    if (strcmp(n, "latin1") == 0 || strcmp(n, "l1") == 0
        || strcmp(n, "isoir100") == 0 || strcmp(n, "cp819") == 0
        || strcmp(n, "ibm819") == 0 || strcmp(n, "csisolatin1") == 0
        || strcmp(n, "iso88591:1987") == 0) {
        return "iso88591";
    }
    if (strcmp(n, "ascii") == 0 || strcmp(n, "usascii") == 0
        || strcmp(n, "iso646us") == 0 || strcmp(n, "csascii") == 0
        || strcmp(n, "ansix3.41968") == 0 || strcmp(n, "isoir6") == 0
        || strcmp(n, "us") == 0 || strcmp(n, "ibm367") == 0
        || strcmp(n, "cp367") == 0) {
        return "usascii";
    }
    return n;
}
