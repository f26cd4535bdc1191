/*
 * mss_status.c: DAV:status values.
 *
 * RFC 4918 14.28 makes the value an HTTP status-line; RFC 9112 4 gives the
 * grammar: HTTP-version SP status-code SP [ reason-phrase ], where
 * HTTP-version is the case-sensitive "HTTP/" DIGIT "." DIGIT and the reason
 * phrase is HTAB / SP / VCHAR / obs-text.  The check runs on the raw text
 * (rules.md MS-STATUS-SYNTAX): surrounding whitespace is not part of a
 * status-line.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "mss_private.h"

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* reason-phrase = *( HTAB / SP / VCHAR / obs-text ) (RFC 9112 4) */
static int phrase_char(unsigned char c)
{
    return c == '\t' || c == ' ' || (c >= 0x21 && c <= 0x7E) || c >= 0x80;
}

/* The single 3-digit run that is not part of an HTTP version, or -1. */
static int extract_code(const char *s, size_t len)
{
    size_t i = 0;
    int found = -1;
    int runs = 0;

    while (i < len) {
        size_t start;

        if (!is_digit((unsigned char)s[i])) {
            i++;
            continue;
        }
        start = i;
        while (i < len && is_digit((unsigned char)s[i])) {
            i++;
        }
        /* skip the digits of "HTTP/1.1" or "HTTP/2": preceded by '/' or
         * by "/d." */
        if (start > 0 && (s[start - 1] == '/' || s[start - 1] == '.')) {
            continue;
        }
        if (i < len && s[i] == '.') {
            continue; /* "1." of a version without the HTTP/ prefix */
        }
        if (i - start == 3) {
            found = (s[start] - '0') * 100 + (s[start + 1] - '0') * 10
                    + (s[start + 2] - '0');
            runs++;
        }
        else {
            runs += 2; /* a number of another length: ambiguous */
        }
    }
    return runs == 1 ? found : -1;
}

void mss_status_parse(const char *s, size_t len, mss_status_t *st)
{
    size_t i;

    memset(st, 0, sizeof(*st));
    st->code = -1;

    /* "HTTP/" DIGIT "." DIGIT SP 3DIGIT SP */
    if (len >= 13 && memcmp(s, "HTTP/", 5) == 0 && is_digit(s[5]) && s[6] == '.'
        && is_digit(s[7]) && s[8] == ' ' && is_digit(s[9]) && is_digit(s[10])
        && is_digit(s[11]) && s[12] == ' ') {
        st->syntax_ok = 1;
        for (i = 13; i < len; i++) {
            if (!phrase_char((unsigned char)s[i])) {
                st->syntax_ok = 0;
                break;
            }
        }
        if (st->syntax_ok) {
            st->code = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
            st->phrase = s + 13;
            st->phrase_len = len - 13;
            return;
        }
    }
    st->code = extract_code(s, len);
}

/* The IANA HTTP Status Code Registry (RFC 9110 15 and later additions):
 * the registered phrase of each code, indexed by code - 100. */
static const char *const reasons[500] = {
    [100 - 100] = "Continue",
    [101 - 100] = "Switching Protocols",
    [102 - 100] = "Processing",
    [103 - 100] = "Early Hints",
    [200 - 100] = "OK",
    [201 - 100] = "Created",
    [202 - 100] = "Accepted",
    [203 - 100] = "Non-Authoritative Information",
    [204 - 100] = "No Content",
    [205 - 100] = "Reset Content",
    [206 - 100] = "Partial Content",
    [207 - 100] = "Multi-Status",
    [208 - 100] = "Already Reported",
    [226 - 100] = "IM Used",
    [300 - 100] = "Multiple Choices",
    [301 - 100] = "Moved Permanently",
    [302 - 100] = "Found",
    [303 - 100] = "See Other",
    [304 - 100] = "Not Modified",
    [305 - 100] = "Use Proxy",
    [307 - 100] = "Temporary Redirect",
    [308 - 100] = "Permanent Redirect",
    [400 - 100] = "Bad Request",
    [401 - 100] = "Unauthorized",
    [402 - 100] = "Payment Required",
    [403 - 100] = "Forbidden",
    [404 - 100] = "Not Found",
    [405 - 100] = "Method Not Allowed",
    [406 - 100] = "Not Acceptable",
    [407 - 100] = "Proxy Authentication Required",
    [408 - 100] = "Request Timeout",
    [409 - 100] = "Conflict",
    [410 - 100] = "Gone",
    [411 - 100] = "Length Required",
    [412 - 100] = "Precondition Failed",
    [413 - 100] = "Content Too Large",
    [414 - 100] = "URI Too Long",
    [415 - 100] = "Unsupported Media Type",
    [416 - 100] = "Range Not Satisfiable",
    [417 - 100] = "Expectation Failed",
    [421 - 100] = "Misdirected Request",
    [422 - 100] = "Unprocessable Content",
    [423 - 100] = "Locked",
    [424 - 100] = "Failed Dependency",
    [425 - 100] = "Too Early",
    [426 - 100] = "Upgrade Required",
    [428 - 100] = "Precondition Required",
    [429 - 100] = "Too Many Requests",
    [431 - 100] = "Request Header Fields Too Large",
    [451 - 100] = "Unavailable For Legal Reasons",
    [500 - 100] = "Internal Server Error",
    [501 - 100] = "Not Implemented",
    [502 - 100] = "Bad Gateway",
    [503 - 100] = "Service Unavailable",
    [504 - 100] = "Gateway Timeout",
    [505 - 100] = "HTTP Version Not Supported",
    [506 - 100] = "Variant Also Negotiates",
    [507 - 100] = "Insufficient Storage",
    [508 - 100] = "Loop Detected",
    [510 - 100] = "Not Extended",
    [511 - 100] = "Network Authentication Required",
};

/* Historical registered spellings that servers still send (RFC 2616,
 * RFC 4918 11.2, RFC 7231); httpd's own phrases are among them. */
static const struct {
    int code;
    const char *phrase;
} aliases[] = {
    {302, "Moved Temporarily"},
    {408, "Request Time-out"},
    {413, "Request Entity Too Large"},
    {413, "Payload Too Large"},
    {414, "Request-URI Too Long"},
    {414, "Request-URI Too Large"},
    {416, "Requested Range Not Satisfiable"},
    {422, "Unprocessable Entity"},
    {504, "Gateway Time-out"},
};

const char *mss_status_reason(int code)
{
    return code >= 100 && code <= 599 ? reasons[code - 100] : NULL;
}

/* Equal ignoring case, surrounding SP/HTAB and the length of runs of
 * SP/HTAB (rules.md A7: compare trimmed text; clients SHOULD ignore the
 * phrase anyway, RFC 9112 4). */
static int phrase_eq(const char *reg, const char *p, size_t len)
{
    size_t i = 0;

    while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t')) {
        len--;
    }
    while (i < len && (p[i] == ' ' || p[i] == '\t')) {
        i++;
    }
    while (*reg != '\0' && i < len) {
        if (*reg == ' ') {
            if (p[i] != ' ' && p[i] != '\t') {
                return 0;
            }
            while (i < len && (p[i] == ' ' || p[i] == '\t')) {
                i++;
            }
            reg++;
            continue;
        }
        if (tolower((unsigned char)*reg) != tolower((unsigned char)p[i])) {
            return 0;
        }
        reg++;
        i++;
    }
    return *reg == '\0' && i == len;
}

int mss_status_phrase_ok(int code, const char *phrase, size_t len)
{
    const char *reg = mss_status_reason(code);
    size_t i;

    if (reg != NULL && len > 0 && strlen(reg) == len
        && memcmp(reg, phrase, len) == 0) {
        return 1; /* as registered (the usual case): phrase_eq says so */
    }
    if (mss_is_xml_space(phrase, len) || reg == NULL) {
        return 1; /* empty (optional, RFC 9112 4), or unregistered */
    }
    if (phrase_eq(reg, phrase, len)) {
        return 1;
    }
    for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
        if (aliases[i].code == code
            && phrase_eq(aliases[i].phrase, phrase, len)) {
            return 1;
        }
    }
    return 0;
}
