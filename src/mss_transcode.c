/*
 * mss_transcode.c: Rewrite mode's front end for bodies that are not in
 * UTF-8 (HDR-ENCODING-UTF, HDR-CHARSET: rules.md N1 "decode, re-serialise
 * as UTF-8 without BOM, write encoding="utf-8" in the declaration and
 * charset="utf-8" in the header").
 *
 * The first bytes decide, before anything is parsed: the byte order mark,
 * the charset parameter and the XML declaration, in RFC 7303 3.2 order.
 * A body is transcoded only where a rule asks for it: its encoding is
 * neither UTF-8 nor UTF-16, or (UTF-16) its labels disagree.  A UTF-8 body,
 * and a UTF-16 one whose labels agree, go on as they came, so a body that
 * needs no fix still leaves byte for byte.  Then every chunk is decoded
 * with iconv and the UTF-8 text goes to the checker and the rewriter as if
 * it were the body: their offsets are offsets into the UTF-8 output.
 *
 * What is held here is bounded: the head (the first MSS_TC_HEADMAX bytes,
 * always that many, or the whole body when it is shorter, so that the
 * decision never depends on the split; the XML declaration must end
 * within it) and a partial character (a few
 * bytes) between chunks.  The decision and the output depend on the bytes
 * only, never on how they were split.
 */
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include <apr_strings.h>

#include "mss_state.h"

static apr_status_t tc_cleanup(void *data)
{
    mss_validator_t *v = data;

    if (v->tc_cd != NULL) {
        iconv_close((iconv_t)v->tc_cd);
        v->tc_cd = NULL;
    }
    return APR_SUCCESS;
}

/* The ASCII characters of the head as the body's base encoding writes
 * them (UTF-16: every other byte, when the other one is zero); stops at
 * the first character that is not ASCII. */
static apr_size_t ascii_view(const unsigned char *h, apr_size_t n, int base,
                             apr_size_t skip, char *out, apr_size_t cap)
{
    apr_size_t k = 0;
    apr_size_t i;

    if (base == 0) {
        for (i = skip; i < n && k + 1 < cap && h[i] < 0x80 && h[i] != 0; i++) {
            out[k++] = (char)h[i];
        }
    }
    else {
        for (i = skip; i + 1 < n && k + 1 < cap; i += 2) {
            unsigned char lo = base == 1 ? h[i] : h[i + 1];
            unsigned char hi = base == 1 ? h[i + 1] : h[i];

            if (hi != 0 || lo == 0 || lo >= 0x80) {
                break;
            }
            out[k++] = (char)lo;
        }
    }
    out[k] = '\0';
    return k;
}

/* The encoding pseudo-attribute of the declaration @p d (NUL-terminated,
 * "<?xml ... ?>"), or NULL. */
static const char *decl_encoding(apr_pool_t *p, const char *d)
{
    const char *e = strstr(d, "encoding");
    const char *q;
    char quote;

    if (e == NULL) {
        return NULL;
    }
    e += 8;
    while (*e == ' ' || *e == '\t' || *e == '\r' || *e == '\n') {
        e++;
    }
    if (*e++ != '=') {
        return NULL;
    }
    while (*e == ' ' || *e == '\t' || *e == '\r' || *e == '\n') {
        e++;
    }
    quote = *e;
    if (quote != '"' && quote != '\'') {
        return NULL;
    }
    q = strchr(e + 1, quote);
    return q != NULL && q > e + 1
               ? apr_pstrmemdup(p, e + 1, (apr_size_t)(q - e - 1))
               : NULL;
}

/* 0: not yet; 1: the head is complete, the decision can be made */
static int head_complete(const mss_validator_t *v, int *base, apr_size_t *skip,
                         char *view, apr_size_t cap)
{
    const unsigned char *h = v->tc_head;
    apr_size_t n = v->tc_nhead;

    if (n < MSS_TC_HEADMAX && !v->finished) {
        return 0;
    }
    *base = 0;
    *skip = 0;
    if (n >= 2 && h[0] == 0xFF && h[1] == 0xFE) {
        *base = 1;
        *skip = 2;
    }
    else if (n >= 2 && h[0] == 0xFE && h[1] == 0xFF) {
        *base = 2;
        *skip = 2;
    }
    else if (n >= 4 && h[0] == '<' && h[1] == 0 && h[2] == '?' && h[3] == 0) {
        *base = 1;
    }
    else if (n >= 4 && h[0] == 0 && h[1] == '<' && h[2] == 0 && h[3] == '?') {
        *base = 2;
    }
    (void)ascii_view(h, n, *base, *skip, view, cap);
    /* always the first MSS_TC_HEADMAX bytes (or the whole body): where a
     * decoding error falls (in the head: nothing is transcoded) must not
     * depend on how the body was split */
    return v->finished || n >= MSS_TC_HEADMAX;
}

/* Encodings whose decoding does not depend on where a chunk ends: single
 * bytes, and multi-byte ones without shift states (ISO-2022-*, UTF-7 and
 * HZ carry state across bytes in ways a split may see differently).
 * @p n is normalised (mss_charset_norm). */
static int stateless(const char *n)
{
    static const char *const prefixes[] = {
        "iso8859", "windows", "cp125",    "cp437",   "cp85",  "cp86",
        "cp874",   "cp932",   "cp936",    "cp949",   "cp950", "koi8",
        "latin",   "mac",     "shiftjis", "sjis",    "eucjp", "euckr",
        "euctw",   "gb2312",  "gbk",      "gb18030", "big5",  "tis620"};
    size_t i;

    if (strstr(n, "2022") != NULL || strstr(n, "utf") != NULL) {
        return 0;
    }
    for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        if (strncmp(n, prefixes[i], strlen(prefixes[i])) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Decide whether to transcode, and from what (NULL: not). */
static const char *decide(mss_validator_t *v, int base, apr_size_t skip,
                          const char *view)
{
    const unsigned char *h = v->tc_head;
    const char *bom = NULL;
    const char *param = NULL;
    const char *decl_raw = NULL;
    const char *decl = NULL;
    const char *eff;
    const char *from;
    int disagree;

    if (v->tc_nhead >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF) {
        return NULL; /* UTF-8 */
    }
    if (v->tc_nhead >= 4 && h[0] == 0xFF && h[1] == 0xFE && h[2] == 0
        && h[3] == 0) {
        return NULL; /* UTF-32: not ours to guess */
    }
    if (skip == 2) {
        bom = base == 1 ? "utf16le" : "utf16be";
    }
    if (v->resp_headers == NULL) {
        return NULL; /* the labels are unknown, and no header can change */
    }
    if (v->charset != NULL) {
        param = mss_charset_norm(v->pool, v->charset);
    }
    if (strncmp(view, "<?xml", 5) == 0) {
        const char *end = strstr(view, "?>");

        if (end == NULL) {
            return NULL; /* a declaration longer than the head */
        }
        decl_raw = decl_encoding(
            v->pool, apr_pstrmemdup(v->pool, view, (apr_size_t)(end - view)));
        decl = mss_charset_norm(v->pool, decl_raw);
    }
    eff = bom != NULL     ? bom
          : param != NULL ? param
          : decl != NULL  ? decl
          : base != 0     ? "utf16"
                          : "utf8";
    if (bom == NULL && param != NULL && decl != NULL
        && strcmp(param, "iso88591") == 0 && strcmp(decl, "utf8") == 0) {
        return NULL; /* rules.md A14: UTF-8 labelled by a server default */
    }
    if (strcmp(eff, "utf8") == 0 || strcmp(eff, "usascii") == 0) {
        return NULL;
    }
    if (strncmp(eff, "utf16", 5) == 0) {
        /* UTF-16 is allowed (RFC 4918 19): only disagreeing labels */
        disagree =
            (param != NULL && strncmp(param, "utf16", 5) != 0)
            || (decl != NULL && strncmp(decl, "utf16", 5) != 0)
            || (bom != NULL && param != NULL && strcmp(param, "utf16") != 0
                && strcmp(param, bom) != 0);
        if (!disagree || !mss_rw_on(v, MSS_R_HDR_CHARSET) || base == 0) {
            return NULL;
        }
        from = base == 1 ? "UTF-16LE" : "UTF-16BE";
    }
    else {
        if (!mss_rw_on(v, MSS_R_HDR_ENCODING_UTF) || base != 0
            || !stateless(eff)) {
            return NULL; /* (a single-byte label on UTF-16 bytes: no) */
        }
        from = bom != NULL ? NULL : param != NULL ? v->charset : decl_raw;
        if (from == NULL) {
            return NULL;
        }
        /* the label as written, without quotes */
        from = apr_pstrdup(v->pool, from);
        {
            char *f = (char *)from;
            apr_size_t l = strlen(f);

            if (l >= 2 && f[0] == '"' && f[l - 1] == '"') {
                f[l - 1] = '\0';
                from = f + 1;
            }
        }
    }
    v->tc_bom = bom;
    v->tc_decl = decl;
    v->tc_decl_raw = decl_raw;
    v->tc_from = from;
    return from;
}

/* iconv @p len bytes into v->tc_out (*@p out, *@p outlen); what is left of
 * a character at the end waits in the carry (with @p last, that is an
 * error).  -1 on an invalid sequence: *@p outlen is the text before it,
 * *@p used the bytes of @p buf taken (the carry is empty when it was
 * taken too). */
static int convert(mss_validator_t *v, const char *buf, apr_size_t len,
                   int last, char **out, apr_size_t *outlen, apr_size_t *used)
{
    apr_size_t need = (v->tc_ncarry + len) * 4 + 16;
    char *in = (char *)buf;
    size_t inleft = len;
    char *o;
    size_t oleft;
    int rc = 0;

    if (need > v->tc_outcap) {
        v->tc_outcap = need * 2;
        v->tc_out = apr_palloc(v->pool, v->tc_outcap);
    }
    o = v->tc_out;
    oleft = v->tc_outcap;
    *out = v->tc_out;
    *used = 0;
    if (v->tc_ncarry > 0) {
        /* a character split between chunks: put it back together */
        apr_size_t take = len < sizeof(v->tc_carry) - v->tc_ncarry
                              ? len
                              : sizeof(v->tc_carry) - v->tc_ncarry;
        char tmp[sizeof(v->tc_carry)];
        char *tp = tmp;
        size_t tl = v->tc_ncarry + take;
        size_t n;

        memcpy(tmp, v->tc_carry, v->tc_ncarry);
        memcpy(tmp + v->tc_ncarry, buf, take);
        if (iconv((iconv_t)v->tc_cd, &tp, &tl, &o, &oleft) == (size_t)-1
            && errno != EINVAL) {
            rc = -1;
        }
        n = (size_t)(tp - tmp);
        if (n <= v->tc_ncarry) {
            /* the carried character is not whole yet, or is invalid */
            if (rc == 0 && take == len && !last) {
                memcpy(v->tc_carry + v->tc_ncarry, buf, take);
                v->tc_ncarry += take;
                *outlen = 0;
                *used = len;
                return 0;
            }
            *outlen = (apr_size_t)(o - v->tc_out);
            return -1;
        }
        in += n - v->tc_ncarry;
        inleft -= n - v->tc_ncarry;
        v->tc_ncarry = 0;
        if (rc != 0) {
            *outlen = (apr_size_t)(o - v->tc_out);
            *used = (apr_size_t)(in - buf);
            return -1;
        }
    }
    if (iconv((iconv_t)v->tc_cd, &in, &inleft, &o, &oleft) == (size_t)-1) {
        if (errno != EINVAL || last || inleft > sizeof(v->tc_carry)) {
            *outlen = (apr_size_t)(o - v->tc_out);
            *used = (apr_size_t)(in - buf);
            return -1;
        }
        memmove(v->tc_carry, in, inleft);
        v->tc_ncarry = inleft;
    }
    *outlen = (apr_size_t)(o - v->tc_out);
    *used = len;
    return 0;
}

/* An invalid sequence: checking stops (malformed), the rewriter passes
 * what it holds and everything after unchanged, starting with the bytes
 * that were not taken. */
static apr_status_t failed(mss_validator_t *v, const char *raw, apr_size_t len)
{
    char carry[sizeof(v->tc_carry)];
    apr_size_t nc = v->tc_ncarry;

    memcpy(carry, v->tc_carry, nc);
    v->tc_ncarry = 0;
    v->tc_state = MSS_TC_FAILED;
    /* where: the bytes fed so far, less those not taken */
    mss_v_tc_error(v, v->bytes_in - (apr_off_t)(nc + len));
    if (nc > 0 && mss_v_feed_body(v, carry, nc) != APR_SUCCESS) {
        return v->cb_status;
    }
    return len > 0 ? mss_v_feed_body(v, raw, len) : v->cb_status;
}

/* The UTF-8 head's declaration says encoding="utf-8" */
static const char *relabel(mss_validator_t *v, const char *s, apr_size_t *n)
{
    const char *end;
    const char *e;
    const char *q;
    char quote;

    if (*n < 5 || memcmp(s, "<?xml", 5) != 0
        || (end = memchr(s, '>', *n)) == NULL) {
        return s;
    }
    e = s;
    while ((e = memchr(e, 'e', (apr_size_t)(end - e))) != NULL
           && (apr_size_t)(end - e) >= 8 && memcmp(e, "encoding", 8) != 0) {
        e++;
    }
    if (e == NULL || (apr_size_t)(end - e) < 8) {
        return s;
    }
    e += 8;
    while (
        e < end
        && (*e == ' ' || *e == '\t' || *e == '\r' || *e == '\n' || *e == '=')) {
        e++;
    }
    if (e >= end || (*e != '"' && *e != '\'')) {
        return s;
    }
    quote = *e;
    q = memchr(e + 1, quote, (apr_size_t)(end - e - 1));
    if (q == NULL) {
        return s;
    }
    {
        apr_size_t a = (apr_size_t)(e + 1 - s);
        apr_size_t b = (apr_size_t)(q - s);
        char *r = apr_palloc(v->pool, *n - (b - a) + 6);

        memcpy(r, s, a);
        memcpy(r + a, "utf-8", 5);
        memcpy(r + a + 5, s + b, *n - b);
        *n = *n - (b - a) + 5;
        return r;
    }
}

static apr_status_t start(mss_validator_t *v)
{
    char view[MSS_TC_HEADMAX + 1];
    int base;
    apr_size_t skip;
    const char *from;
    iconv_t cd;
    char *out;
    apr_size_t outlen;
    apr_size_t used;
    const char *o;

    if (!head_complete(v, &base, &skip, view, sizeof(view))) {
        return APR_SUCCESS;
    }
    from = decide(v, base, skip, view);
    if (from != NULL) {
        cd = iconv_open("UTF-8", from);
        if (cd == (iconv_t)-1) {
            from = NULL;
        }
        else {
            v->tc_cd = cd;
            apr_pool_cleanup_register(v->pool, v, tc_cleanup,
                                      apr_pool_cleanup_null);
        }
    }
    if (from == NULL) {
        v->tc_state = MSS_TC_OFF;
        return mss_v_feed_body(v, (const char *)v->tc_head, v->tc_nhead);
    }
    if (convert(v, (const char *)v->tc_head + skip, v->tc_nhead - skip,
                v->finished, &out, &outlen, &used)
        != 0) {
        /* not even the head decodes: nothing is transcoded, the body goes
         * on as it came (the parser reports it, as in Log mode) */
        v->tc_ncarry = 0;
        v->tc_state = MSS_TC_OFF;
        return mss_v_feed_body(v, (const char *)v->tc_head, v->tc_nhead);
    }
    v->tc_state = MSS_TC_ON;
    mss_rw_changed(v);
    o = relabel(v, out, &outlen);
    return mss_v_feed_body(v, o, outlen);
}

apr_status_t mss_tc_feed(mss_validator_t *v, const char *buf, apr_size_t len)
{
    while (v->tc_state == MSS_TC_HEAD && len > 0) {
        apr_size_t take = MSS_TC_HEADMAX - v->tc_nhead;

        if (take > len) {
            take = len;
        }
        memcpy(v->tc_head + v->tc_nhead, buf, take);
        v->tc_nhead += take;
        buf += take;
        len -= take;
        if (start(v) != APR_SUCCESS) {
            return v->cb_status;
        }
    }
    if (len == 0) {
        return v->cb_status;
    }
    while (v->tc_state == MSS_TC_ON && len > 0) {
        /* in slices, so that the UTF-8 buffer stays small whatever the
         * size of a chunk (a file bucket can be megabytes) */
        apr_size_t n = len < 16384 ? len : 16384;
        char *out;
        apr_size_t outlen;
        apr_size_t used;
        int rc = convert(v, buf, n, 0, &out, &outlen, &used);

        /* the text before an invalid sequence goes on as UTF-8 */
        if (outlen > 0 && mss_v_feed_body(v, out, outlen) != APR_SUCCESS) {
            return v->cb_status;
        }
        if (rc != 0) {
            return failed(v, buf + used, len - used);
        }
        buf += n;
        len -= n;
    }
    if (len == 0) {
        return v->cb_status;
    }
    /* not transcoding, or failed: the bytes as they are */
    return mss_v_feed_body(v, buf, len);
}

apr_status_t mss_tc_finish(mss_validator_t *v)
{
    if (v->tc_state == MSS_TC_HEAD) {
        return v->tc_nhead > 0 ? start(v) : v->cb_status;
    }
    if (v->tc_state == MSS_TC_ON && v->tc_ncarry > 0) {
        /* the body ends inside a character */
        return failed(v, NULL, 0);
    }
    return v->cb_status;
}
