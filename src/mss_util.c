/*
 * mss_util.c: text helpers.  Body text never reaches a report unescaped:
 * mss_escape() turns controls (CR and LF among them), quotes, backslashes
 * and invalid UTF-8 into visible escapes and caps the length, so a hostile
 * href cannot forge a log line.
 */
#include <string.h>

#include <apr_strings.h>

#include "mss_private.h"

void mss_lower(char *s)
{
    for (; *s != '\0'; s++) {
        if (*s >= 'A' && *s <= 'Z') {
            *s = (char)(*s - 'A' + 'a');
        }
    }
}

void mss_lower_host(char *s)
{
    /* RFC 3986 6.2.2.1: a host compares case-insensitively, but the hex
     * digits of a percent-encoding are upper case in normal form */
    int hexd = 0;

    for (; *s != '\0'; s++) {
        if (hexd > 0) {
            hexd--;
            if (*s >= 'a' && *s <= 'f') {
                *s = (char)(*s - 'a' + 'A');
            }
        }
        else if (*s == '%') {
            hexd = 2;
        }
        else if (*s >= 'A' && *s <= 'Z') {
            *s = (char)(*s - 'A' + 'a');
        }
    }
}

int mss_is_xml_space(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        char c = s[i];

        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
            return 0;
        }
    }
    return 1;
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
    size_t n;
    size_t i;
    unsigned int cp;

    if (s[0] < 0x80) {
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        n = 2;
        cp = s[0] & 0x1F;
    }
    else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        n = 3;
        cp = s[0] & 0x0F;
    }
    else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        n = 4;
        cp = s[0] & 0x07;
    }
    else {
        return 0;
    }
    if (avail < n) {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)))
        || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
        return 0;
    }
    return n;
}

char *mss_escape(apr_pool_t *p, const char *s, size_t len, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    size_t use = len < cap ? len : cap;
    char *out = apr_palloc(p, use * 4 + 4);
    size_t o = 0;
    size_t i = 0;

    while (i < use) {
        unsigned char c = u[i];
        size_t n;

        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
            i++;
            continue;
        }
        n = c < 0x20 || c == 0x7F ? 0 : utf8_len(u + i, use - i);
        if (n == 0) {
            /* a control character or a byte that is not UTF-8 */
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
            i++;
            continue;
        }
        memcpy(out + o, u + i, n);
        o += n;
        i += n;
    }
    if (use < len) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return out;
}

char *mss_json_quote(apr_pool_t *p, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    size_t len;
    size_t i = 0;
    size_t o = 0;
    char *out;

    if (s == NULL) {
        return apr_pstrdup(p, "null");
    }
    len = strlen(s);
    /* worst case: every byte becomes \u00XX or \ufffd (6 bytes) */
    out = apr_palloc(p, len * 6 + 3);
    out[o++] = '"';
    while (i < len) {
        unsigned char c = u[i];
        size_t n;

        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
            i++;
            continue;
        }
        if (c < 0x20) {
            memcpy(out + o, "\\u00", 4);
            out[o + 4] = hex[c >> 4];
            out[o + 5] = hex[c & 15];
            o += 6;
            i++;
            continue;
        }
        n = utf8_len(u + i, len - i);
        if (n == 0) {
            /* JSON text is UTF-8 (RFC 8259 8.1): a stray byte becomes
             * U+FFFD rather than an invalid document */
            memcpy(out + o, "\\ufffd", 6);
            o += 6;
            i++;
            continue;
        }
        memcpy(out + o, u + i, n);
        o += n;
        i += n;
    }
    out[o++] = '"';
    out[o] = '\0';
    return out;
}
