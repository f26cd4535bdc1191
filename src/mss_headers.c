/*
 * mss_headers.c: the few HTTP header grammars the header rules need:
 * media types and parameters (RFC 9110 8.3.1), comma lists (5.6.1),
 * Cache-Control directives (RFC 9111 5.2) and IMF-fixdate (RFC 9110
 * 5.6.7).  Pure functions.
 */
#include <ctype.h>
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
            if (r == ee) {
                return 1;
            }
            if (with_arg && *r == '=') {
                return 1;
            }
        }
    }
    return 0;
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

apr_time_t mss_http_date(const char *s)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
                                         "May", "Jun", "Jul", "Aug",
                                         "Sep", "Oct", "Nov", "Dec"};
    int day;
    int mon = -1;
    int year;
    int hh;
    int mm;
    int ss;
    int i;
    apr_int64_t days;
    int y;
    char mbuf[4];

    /* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
    if (s == NULL || strlen(s) < 29 || s[3] != ',' || s[4] != ' ') {
        return 0;
    }
    memcpy(mbuf, s + 8, 3);
    mbuf[3] = '\0';
    for (i = 0; i < 12; i++) {
        if (strcmp(mbuf, months[i]) == 0) {
            mon = i;
        }
    }
    if (mon < 0 || !isdigit((unsigned char)s[5])
        || !isdigit((unsigned char)s[6]) || s[7] != ' ' || s[11] != ' '
        || s[16] != ' ' || s[19] != ':' || s[22] != ':' || s[25] != ' '
        || strncmp(s + 26, "GMT", 3) != 0) {
        return 0;
    }
    for (i = 12; i < 16; i++) {
        if (!isdigit((unsigned char)s[i])) {
            return 0;
        }
    }
    day = (s[5] - '0') * 10 + (s[6] - '0');
    year = atoi(s + 12);
    hh = (s[17] - '0') * 10 + (s[18] - '0');
    mm = (s[20] - '0') * 10 + (s[21] - '0');
    ss = (s[23] - '0') * 10 + (s[24] - '0');
    if (day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 || year < 1970) {
        return 0;
    }
    /* days since 1970-01-01 */
    days = 0;
    for (y = 1970; y < year; y++) {
        days += ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 366 : 365;
    }
    {
        static const int mdays[] = {31, 28, 31, 30, 31, 30,
                                    31, 31, 30, 31, 30, 31};
        for (i = 0; i < mon; i++) {
            days += mdays[i];
            if (i == 1
                && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) {
                days++;
            }
        }
    }
    days += day - 1;
    return apr_time_from_sec(((days * 24 + hh) * 60 + mm) * 60 + ss);
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
    if (strcmp(n, "latin1") == 0 || strcmp(n, "l1") == 0
        || strcmp(n, "isoir100") == 0 || strcmp(n, "cp819") == 0) {
        return "iso88591";
    }
    if (strcmp(n, "ascii") == 0 || strcmp(n, "usascii") == 0
        || strcmp(n, "iso646us") == 0) {
        return "usascii";
    }
    return n;
}
