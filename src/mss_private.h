/*
 * mss_private.h: declarations shared inside src/.  Never included by the
 * httpd glue or the CLI (they see mss.h only).  Unit tests include it to
 * reach the pure helpers (status lines, hrefs, header parsing).
 */
#ifndef MSS_PRIVATE_H
#define MSS_PRIVATE_H

#include <stddef.h>
#include <string.h>

#include "mss.h"

/* ---- status lines (mss_status.c) ----------------------------------- */

typedef struct {
    int syntax_ok;      /* "HTTP/d.d SP 3DIGIT SP *phrase-char", untrimmed */
    int code;           /* the status code, or -1 when none or ambiguous */
    const char *phrase; /* reason phrase (syntax_ok only) */
    size_t phrase_len;
} mss_status_t;

/** Parse a DAV:status value (RFC 4918 14.28; RFC 9112 4). */
void mss_status_parse(const char *s, size_t len, mss_status_t *st);

/** Registered reason phrase for @p code (IANA registry), or NULL. */
const char *mss_status_reason(int code);

/**
 * 1 when @p phrase is acceptable for @p code: empty (RFC 9112 4 makes it
 * optional), the registered phrase or a historical registered spelling
 * (case-insensitive), or any phrase for an unregistered code.
 */
int mss_status_phrase_ok(int code, const char *phrase, size_t len);

/* ---- hrefs and URIs (mss_href.c) ----------------------------------- */

typedef enum {
    MSS_HREF_EMPTY,
    MSS_HREF_ABSOLUTE,      /* absolute-URI: scheme ":" ... */
    MSS_HREF_PATH_ABSOLUTE, /* "/" not followed by "/" */
    MSS_HREF_NETWORK_PATH,  /* "//host..." */
    MSS_HREF_RELATIVE       /* relative path, "?q", "#f", ... */
} mss_href_form_e;

/** An effective origin: lower-case scheme and host, explicit port; and
 *  the back-end origins a reverse proxy maps to it (MS-HREF-ORIGIN). */
typedef struct mss_origin_s {
    const char *scheme; /* NULL = unknown origin */
    const char *host;
    int port;
    const struct mss_origin_s *alias; /* nalias mapped origins, or NULL */
    int nalias;
} mss_origin_t;

/** RFC 3986 5.2.4 remove_dot_segments on a path that starts with "/", in
 *  place; returns the new length. */
size_t mss_remove_dots(char *s, size_t len);

/** Classify @p s (already trimmed of XML whitespace). */
mss_href_form_e mss_href_form(const char *s, size_t len);

/** Trim XML whitespace (RFC 3986 App. C: not part of the URI). */
void mss_trim(const char **s, size_t *len);

/**
 * The canonical href key of rules.md 0.4, or NULL when @p href is not an
 * absolute path or an http(s) absolute URI.  @p origin may have a NULL
 * scheme (unknown): then every http(s) origin is taken to match.
 * *@p same_origin tells whether the origin was dropped: 1 for the origin
 * itself (or an absolute path), 2 for one of its mapped aliases, 0 not.
 */
char *mss_href_key(apr_pool_t *p, const char *href, size_t len,
                   const mss_origin_t *origin, int *same_origin);

/**
 * The key of a reference that may also be relative (an RFC 2518-era
 * href): resolved against @p base (RFC 3986 5.2; NULL = "/") first.
 * NULL when it cannot be keyed (not http(s), empty).
 */
char *mss_resolve_key(apr_pool_t *p, const char *ref, const char *base,
                      const mss_origin_t *origin, int *same_origin);

/** The origin of an absolute http(s) URI (scheme NULL otherwise). */
void mss_origin_of(mss_origin_t *o, apr_pool_t *p, const char *uri);

typedef enum {
    MSS_SCOPE_SELF,
    MSS_SCOPE_CHILD,
    MSS_SCOPE_DESCENDANT,
    MSS_SCOPE_OUTSIDE
} mss_scope_e;

/** The path of an href (after any authority, before "?" or "#"); empty
 *  for "http://host", which RFC 3986 6.2.3 equates with "/". */
void mss_href_path(const char *href, size_t len, const char **path,
                   size_t *plen);

/** Scope of key @p k against the Request-URI key @p r (rules.md 0.4);
 *  only the paths are compared, never the queries. */
mss_scope_e mss_href_scope(const char *k, const char *r);

/** Build the effective origin from a scheme and a Host header value. */
void mss_origin_from_host(mss_origin_t *o, apr_pool_t *p, const char *scheme,
                          const char *host);

/* ---- digest sets (mss_hset.c) ------------------------------------- */

typedef struct mss_hset_t mss_hset_t;

/** 64-bit digest of a string (never 0). */
apr_uint64_t mss_digest(const char *s, apr_size_t len);
/** Digest of an expanded name {uri}local (uri may be NULL). */
apr_uint64_t mss_digest_name(const char *uri, const char *local);
/** A new set (NULL when out of memory), freed with @p p. */
mss_hset_t *mss_hset_make(apr_pool_t *p);
/** Add @p h; 1 when it was new, 0 when it was there, -1 out of memory. */
int mss_hset_add(mss_hset_t *s, apr_uint64_t h);
int mss_hset_has(const mss_hset_t *s, apr_uint64_t h);
/** A hint: @p h is looked up soon (its slot is fetched meanwhile). */
void mss_hset_prefetch(const mss_hset_t *s, apr_uint64_t h);
apr_size_t mss_hset_count(const mss_hset_t *s);

/* ---- header values (mss_headers.c) --------------------------------- */

/** Media type of a Content-Type value, lower-cased, or NULL. */
char *mss_ct_media_type(apr_pool_t *p, const char *ct);

/** Value of parameter @p name (quotes removed), or NULL. */
char *mss_ct_param(apr_pool_t *p, const char *ct, const char *name);

/** 1 when the comma list @p value holds token @p tok (case-insensitive;
 *  "tok" or "tok=..." per @p with_arg: 0 = bare only, 1 = any). */
int mss_list_has(const char *value, const char *tok, int with_arg);

/** Numeric argument of directive @p tok in a Cache-Control value, or -1
 *  when absent, -2 when present without a valid delta-seconds. */
long mss_cc_delta(const char *value, const char *tok);
/* PF-NO-CACHE's fix: the Cache-Control list @p value (NULL: none) without
 * public, max-age, s-maxage and immutable, with no-cache */
char *mss_cc_no_cache(apr_pool_t *p, const char *value);

/** Parse an IMF-fixdate (RFC 9110 5.6.7).  Returns 0 on failure. */
apr_time_t mss_http_date(const char *s);

/** Normalised charset name for comparisons ("utf8", "iso88591", ...). */
const char *mss_charset_norm(apr_pool_t *p, const char *name);

/* ---- text helpers (mss_util.c) ------------------------------------- */

/** Equal names, either possibly NULL (no namespace, no prefix); libxml2
 *  interns names, so the pointers usually settle it. */
static inline int mss_same_name(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/** Escape for a one-line log or report: controls, quotes and backslash as
 *  \xHH / \" / \\, invalid UTF-8 bytes as \xHH; at most @p cap input bytes
 *  are used and "..." marks a cut. */
char *mss_escape(apr_pool_t *p, const char *s, size_t len, size_t cap);

/** Lower-case ASCII letters of @p s in place. */
/* a host in place: letters to lower case, escapes' hex digits to upper */
void mss_lower_host(char *s);
void mss_lower(char *s);

/** 1 when @p s holds only XML whitespace (space, tab, CR, LF). */
int mss_is_xml_space(const char *s, size_t len);

/* ---- method facts (mss_methods.c) ---------------------------------- */

typedef enum {
    MSS_M207_ALLOWED,   /* rules.md 3.1 says yes */
    MSS_M207_FORBIDDEN, /* rules.md 3.1 says no */
    MSS_M207_UNKNOWN    /* an extension method not in the matrix */
} mss_m207_e;

/** rules.md 3.1: may @p method answer 207? */
mss_m207_e mss_method_207(const char *method);

/** 1 when the space/comma list @p list holds @p method (exact case). */
int mss_method_in_list(const char *list, const char *method);

/* Keep a rarely taken call out of a hot function, so that the hot path
 * needs no stack frame; and a small helper with two callers in them. */
#if defined(__GNUC__)
#define MSS_NOINLINE __attribute__((noinline))
#define MSS_INLINE inline __attribute__((always_inline))
#else
#define MSS_NOINLINE
#define MSS_INLINE inline
#endif

/* ---- the libxml2 layer (mss_xml.c, the only file that includes libxml2) */

typedef struct mss_xml_t mss_xml_t;

/** Events the libxml2 layer hands up.  Names are namespace-resolved: @p uri
 *  is the namespace name or NULL; prefixes are never compared. */
typedef struct {
    void (*start_document)(void *baton, const char *declared_encoding);
    void (*doctype)(void *baton, const char *name, unsigned long line,
                    unsigned long col);
    /** A declaration that could change the document's content (an entity
     *  or attribute-list declaration): the layer has stopped the parser. */
    void (*declaration)(void *baton, const char *what, const char *name,
                        unsigned long line, unsigned long col);
    /* the position and input offset of an event are there to ask for
     * (mss_xml_position, mss_xml_offset): most elements never need them */
    void (*start)(void *baton, const char *uri, const char *local, int nattrs);
    void (*end)(void *baton);
    void (*text)(void *baton, const char *s, apr_size_t len);
    /** Any text at all, before the text gate, and any start or end
     *  skipped (only once mss_xml_watch() turned it on): lets Rewrite
     *  bound what it holds inside a long value, where no other event
     *  comes. */
    void (*progress)(void *baton);
    /** First error (not warning); the layer has stopped the parser. */
    void (*error)(void *baton, const char *msg, unsigned long line,
                  unsigned long col);
} mss_xml_handlers_t;

apr_status_t mss_xml_create(mss_xml_t **x, apr_pool_t *p,
                            const mss_xml_handlers_t *h, void *baton);

/** Push bytes; @p terminate on the last call.  After a stop, a no-op. */
apr_status_t mss_xml_feed(mss_xml_t *x, const char *buf, apr_size_t len,
                          int terminate);

/** Text events are handed up according to *@p gate: 0 none (inside
 *  property values, where text is never looked at), 1 only text that is
 *  not all XML whitespace (element-only types: whitespace never matters
 *  there), 2 all.  NULL: all. */
void mss_xml_text_gate(mss_xml_t *x, const int *gate);

/** From inside the start handler: hand up no start or end events from
 *  inside the element that just started (its own end comes as usual),
 *  except the first start event nested @p room or more levels below it,
 *  which ends the skip (the caller's depth limit: it stops there). */
void mss_xml_skip(mss_xml_t *x, int room);

/** mss_xml_skip, for an element looked at only as a whole (a property:
 *  has it a value?): while it is skipped, note whether it has content (a
 *  child element, or text directly inside it that is not all XML
 *  whitespace) and whether a child element is {@p uri}@p local (@p local
 *  NULL: none is looked for). */
void mss_xml_skip_value(mss_xml_t *x, int room, const char *uri,
                        const char *local);

/** At the end of an element skipped with mss_xml_skip_value (from the end
 *  handler): 1 when it had content; *@p hit 1 when a child had the name
 *  looked for. */
int mss_xml_skipped(const mss_xml_t *x, int *hit);

/** Call the progress handler on every text event, and every start or end
 *  event skipped, from now on, while *@p when is not 0. */
void mss_xml_watch(mss_xml_t *x, const int *when);

/** Stop parsing (from inside a handler, or between feeds). */
void mss_xml_stop(mss_xml_t *x);

/** 1 when the root element has been closed. */
int mss_xml_done(const mss_xml_t *x);

/** Current parser position: at a start-element event, the ">" (or "/>")
 *  that ends the start tag. */
void mss_xml_position(const mss_xml_t *x, unsigned long *line,
                      unsigned long *col);

/** Bytes of (decoded) input consumed so far: the same at a given event
 *  whatever the chunking, so differences measure the markup and text
 *  between two events. */
apr_off_t mss_xml_offset(const mss_xml_t *x);

/** 1 when the parser reads the body's bytes as they are (UTF-8, no
 *  transcoder), so mss_xml_offset() values are offsets into the body. */
int mss_xml_raw_offsets(const mss_xml_t *x);
/** Inside the start callback: the namespace declarations in scope there
 *  that the element does not make itself, as attributes
 *  (' xmlns:P="uri"...'; a default one too, unless undeclared), for
 *  copying the element out of its document; "" when none. */
const char *mss_xml_ns_outer(const mss_xml_t *x, apr_pool_t *p);
/** Inside the start callback: the element's own declarations, as
 *  prefix/name pairs (prefix NULL: the default namespace; strings of the
 *  parser's dictionary, valid while it lives) at @p *pairs (the parser's
 *  table, valid during the callback); their number. */
int mss_xml_ns_own(const mss_xml_t *x, const char *const **pairs);
/** Inside the start callback: the declarations an element of this one
 *  needs to keep its bindings when it moves into a sibling (same parent)
 *  whose own declarations were @p prev (@p n pairs, as mss_xml_ns_own
 *  gives): ' xmlns:P="uri"' for each prefix either of them declares that
 *  would be bound otherwise there, ' xmlns=""' for a default namespace
 *  that is not here; "" when none is needed. */
const char *mss_xml_ns_rebind(const mss_xml_t *x, apr_pool_t *p,
                              const char *const *prev, int n);

#endif /* MSS_PRIVATE_H */
