/*
 * mss_xml.c: the only file of the core that talks to libxml2.
 *
 * A namespace-aware SAX2 push parser, hardened (RFC 4918 17 and 20.6;
 * rules.md RW-LIMITS and XML-NO-DTD):
 * - XML_PARSE_NONET, no XML_PARSE_NOENT, no DTD loading, no external
 *   subset handler, and a resolveEntity handler that resolves nothing;
 * - getEntity returns the five predefined entities only;
 * - an entity or attribute-list declaration in an internal subset stops
 *   the parse (it could change the document's content or namespaces), and
 *   is reported upward;
 * - the first error (not warning) stops the parse: nothing is repaired;
 * - errors arrive through the per-context structured handler; no
 *   process-wide libxml2 handler is ever set (the thread-local generic
 *   handler is silenced only for the duration of each parse call, see
 *   mss_xml_feed) and xmlCleanupParser is never called.
 * The context is freed by a cleanup on the caller's pool.
 */
#include <stdarg.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/entities.h>
#include <libxml/xmlerror.h>

#include <apr_strings.h>

#include "mss_private.h"

struct mss_xml_t {
    xmlParserCtxtPtr ctxt;
    const mss_xml_handlers_t *h;
    void *baton;
    int stopped;
    int done; /* root element closed */
    int depth;
    const int *gate;  /* hand text up only while *gate */
    const int *watch; /* call h->progress on text events while *watch */
    int skipping;     /* mss_xml_skip: inside an element whose content */
    int skip;         /* is not handed up, this many levels below it; */
    int skip_room;    /* a start this deep is */
    int skip_content; /* mss_xml_skip_value: a child or text seen */
    int skip_hit;     /* a child named skip_uri, skip_local */
    const char *skip_uri;
    const char *skip_local;
    int own_ns; /* declarations on the element being started */
};

void mss_global_init(void)
{
    xmlInitParser();
}

static mss_xml_t *X(void *ctx)
{
    xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr)ctx;

    return (mss_xml_t *)ctxt->_private;
}

static void position(xmlParserCtxtPtr ctxt, unsigned long *line,
                     unsigned long *col)
{
    if (ctxt != NULL && ctxt->input != NULL) {
        *line = (unsigned long)ctxt->input->line;
        *col = (unsigned long)ctxt->input->col;
    }
    else {
        *line = 0;
        *col = 0;
    }
}

void mss_xml_position(const mss_xml_t *x, unsigned long *line,
                      unsigned long *col)
{
    position(x->ctxt, line, col);
}

void mss_xml_text_gate(mss_xml_t *x, const int *gate)
{
    x->gate = gate;
}

void mss_xml_skip(mss_xml_t *x, int room)
{
    x->skipping = 1;
    x->skip = 0;
    x->skip_room = room;
    x->skip_content = 0;
    x->skip_hit = 0;
    x->skip_local = NULL;
}

void mss_xml_skip_value(mss_xml_t *x, int room, const char *uri,
                        const char *local)
{
    mss_xml_skip(x, room);
    x->skip_uri = uri;
    x->skip_local = local;
}

int mss_xml_skipped(const mss_xml_t *x, int *hit)
{
    *hit = x->skip_hit;
    return x->skip_content;
}

/* XML whitespace only (S, XML 1.0 production 3) */
static MSS_INLINE int all_space(const xmlChar *ch, int len)
{
    int i;

    for (i = 0; i < len; i++) {
        if (ch[i] != ' ' && ch[i] != '\n' && ch[i] != '\t' && ch[i] != '\r') {
            return 0;
        }
    }
    return 1;
}

/* a start while skipping, @p URI @p localname one level below the skipped
 * element: it has content; is it the child looked for? */
static void skipped_child(mss_xml_t *x, const xmlChar *URI,
                          const xmlChar *localname)
{
    x->skip_content = 1;
    if (x->skip_local != NULL && URI != NULL
        && strcmp((const char *)localname, x->skip_local) == 0
        && strcmp((const char *)URI, x->skip_uri) == 0) {
        x->skip_hit = 1;
    }
}

void mss_xml_stop(mss_xml_t *x)
{
    if (!x->stopped) {
        x->stopped = 1;
        xmlStopParser(x->ctxt);
    }
}

int mss_xml_done(const mss_xml_t *x)
{
    return x->done;
}

static void on_start_document(void *ctx)
{
    xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr)ctx;
    mss_xml_t *x = X(ctx);
    const char *enc = NULL;

    if (x->stopped) {
        return;
    }
    /* the encoding named in the XML declaration, if any */
    if (ctxt->input != NULL && ctxt->input->encoding != NULL) {
        enc = (const char *)ctxt->input->encoding;
    }
    else if (ctxt->encoding != NULL) {
        enc = (const char *)ctxt->encoding;
    }
    x->h->start_document(x->baton, enc);
}

static void on_internal_subset(void *ctx, const xmlChar *name,
                               const xmlChar *ExternalID,
                               const xmlChar *SystemID)
{
    mss_xml_t *x = X(ctx);
    unsigned long line;
    unsigned long col;

    (void)ExternalID;
    (void)SystemID;
    if (x->stopped) {
        return;
    }
    position(x->ctxt, &line, &col);
    x->h->doctype(x->baton, name != NULL ? (const char *)name : "", line, col);
}

static void declaration(mss_xml_t *x, const char *what, const xmlChar *name)
{
    unsigned long line;
    unsigned long col;

    if (x->stopped) {
        return;
    }
    position(x->ctxt, &line, &col);
    mss_xml_stop(x);
    x->h->declaration(x->baton, what, name != NULL ? (const char *)name : "",
                      line, col);
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type,
                           const xmlChar *publicId, const xmlChar *systemId,
                           xmlChar *content)
{
    (void)publicId;
    (void)systemId;
    (void)content;
    declaration(X(ctx),
                (type == XML_INTERNAL_PARAMETER_ENTITY
                 || type == XML_EXTERNAL_PARAMETER_ENTITY)
                    ? "parameter entity"
                    : "entity",
                name);
}

static void on_attribute_decl(void *ctx, const xmlChar *elem,
                              const xmlChar *fullname, int type, int def,
                              const xmlChar *defaultValue,
                              xmlEnumerationPtr tree)
{
    (void)fullname;
    (void)type;
    (void)def;
    (void)defaultValue;
    /* we own nothing of tree: the SAX contract says the callee frees it */
    if (tree != NULL) {
        xmlFreeEnumeration(tree);
    }
    declaration(X(ctx), "attribute list", elem);
}

/* Only the five predefined entities exist (RFC 4918 20.6). */
static xmlEntityPtr on_get_entity(void *ctx, const xmlChar *name)
{
    (void)ctx;
    return xmlGetPredefinedEntity(name);
}

/* Nothing is ever fetched. */
static xmlParserInputPtr on_resolve_entity(void *ctx, const xmlChar *publicId,
                                           const xmlChar *systemId)
{
    (void)ctx;
    (void)publicId;
    (void)systemId;
    return NULL;
}

void mss_xml_watch(mss_xml_t *x, const int *when)
{
    x->watch = x->h->progress != NULL ? when : NULL;
}

apr_off_t mss_xml_offset(const mss_xml_t *x)
{
    const xmlParserCtxtPtr ctxt = x->ctxt;

    /* shrinking moves bytes from cur - base into consumed, so the sum
     * does not depend on the chunking */
    if (ctxt->input == NULL) {
        return 0;
    }
    return (apr_off_t)ctxt->input->consumed
           + (apr_off_t)(ctxt->input->cur - ctxt->input->base);
}

int mss_xml_raw_offsets(const mss_xml_t *x)
{
    const xmlParserCtxtPtr ctxt = x->ctxt;

    /* no transcoder: the parser reads the body's own bytes (UTF-8), so
     * its offsets are offsets into the body */
    return ctxt->input != NULL && ctxt->input->buf != NULL
           && ctxt->input->buf->encoder == NULL;
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                     const xmlChar *URI, int nb_namespaces,
                     const xmlChar **namespaces, int nb_attributes,
                     int nb_defaulted, const xmlChar **attributes)
{
    mss_xml_t *x = X(ctx);
    xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr)ctx;
    const xmlChar *cur = ctxt->input != NULL ? ctxt->input->cur : NULL;

    (void)prefix;
    (void)namespaces;
    (void)nb_defaulted;
    (void)attributes;
    if (x->stopped) {
        return;
    }
    /* A complete start tag leaves the parser at its ">" or "/>".  When the
     * body ends inside a tag ("<D:re"), libxml2 still reports the element
     * before its well-formedness error: that phantom element is not
     * checked (the error that follows stops checking). */
    if (cur == NULL || !(cur[0] == '>' || (cur[0] == '/' && cur[1] == '>'))) {
        return;
    }
    x->depth++;
    if (x->skipping) {
        if (++x->skip < x->skip_room) {
            if (x->skip == 1) {
                skipped_child(x, URI, localname);
            }
            if (x->watch != NULL && *x->watch) {
                x->h->progress(x->baton);
            }
            return;
        }
        x->skipping = 0;
    }
    x->own_ns = nb_namespaces;
    x->h->start(x->baton, (const char *)URI, (const char *)localname,
                nb_attributes);
    x->own_ns = 0;
}

/* @p s for a double-quoted attribute value */
static const char *attr_escape(apr_pool_t *p, const char *s)
{
    const char *c;
    char *o;
    char *w;

    if (strpbrk(s, "&<\"") == NULL) {
        return s;
    }
    w = o = apr_palloc(p, 6 * strlen(s) + 1);
    for (c = s; *c != '\0'; c++) {
        const char *e = *c == '&'   ? "&amp;"
                        : *c == '<' ? "&lt;"
                        : *c == '"' ? "&quot;"
                                    : NULL;

        if (e != NULL) {
            apr_size_t n = strlen(e);

            memcpy(w, e, n);
            w += n;
        }
        else {
            *w++ = *c;
        }
    }
    *w = '\0';
    return o;
}

const char *mss_xml_ns_outer(const mss_xml_t *x, apr_pool_t *p)
{
    const xmlParserCtxtPtr ctxt = x->ctxt;
    const xmlChar **t = ctxt->nsTab;
    int own = 2 * x->own_ns;
    int n = ctxt->nsNr - own;
    const char *s = "";
    int i;
    int j;

    /* libxml2 keeps the declarations in scope as prefix/name pairs, the
     * element's own last; an inner declaration of a prefix hides an
     * outer one */
    for (i = 0; t != NULL && own >= 0 && n > 0 && i < n; i += 2) {
        const char *pre = (const char *)t[i];
        const char *uri = (const char *)t[i + 1];
        int hidden = 0;

        for (j = i + 2; j < ctxt->nsNr && !hidden; j += 2) {
            hidden = mss_same_name(pre, (const char *)t[j]);
        }
        if (hidden || uri == NULL || (pre == NULL && uri[0] == '\0')) {
            continue;
        }
        s = apr_pstrcat(p, s, pre != NULL ? " xmlns:" : " xmlns",
                        pre != NULL ? pre : "", "=\"", attr_escape(p, uri),
                        "\"", NULL);
    }
    return s;
}

int mss_xml_ns_own(const mss_xml_t *x, const char *const **pairs)
{
    const xmlParserCtxtPtr ctxt = x->ctxt;

    if (ctxt->nsTab == NULL || x->own_ns <= 0) {
        *pairs = NULL;
        return 0;
    }
    *pairs = (const char *const *)ctxt->nsTab + ctxt->nsNr - 2 * x->own_ns;
    return x->own_ns;
}

/* the name @p pre is bound to among @p n pairs at @p t, the last
 * declaration winning; @p found says whether there is one */
static const char *bound_in(const char *const *t, int n, const char *pre,
                            int *found)
{
    int i;

    for (i = 2 * (n - 1); i >= 0; i -= 2) {
        if (mss_same_name(t[i], pre)) {
            *found = 1;
            return t[i + 1];
        }
    }
    *found = 0;
    return NULL;
}

/* where an element being started sits: its parent's scope */
static const char *bound_outside(const mss_xml_t *x, const char *pre)
{
    const xmlParserCtxtPtr ctxt = x->ctxt;
    int found;
    const char *u =
        ctxt->nsTab == NULL
            ? NULL
            : bound_in((const char *const *)ctxt->nsTab,
                       (ctxt->nsNr - 2 * x->own_ns) / 2, pre, &found);

    /* an undeclared default namespace (xmlns="") binds nothing */
    return u != NULL && u[0] == '\0' ? NULL : u;
}

/* @p pre's binding inside an element with the own declarations @p own */
static const char *bound_inside(const mss_xml_t *x, const char *const *own,
                                int n, const char *pre)
{
    int found;
    const char *u = bound_in(own, n, pre, &found);

    if (!found) {
        return bound_outside(x, pre);
    }
    return u != NULL && u[0] == '\0' ? NULL : u;
}

const char *mss_xml_ns_rebind(const mss_xml_t *x, apr_pool_t *p,
                              const char *const *prev, int n)
{
    const xmlParserCtxtPtr ctxt = x->ctxt;
    const char *const *own =
        ctxt->nsTab != NULL
            ? (const char *const *)ctxt->nsTab + ctxt->nsNr - 2 * x->own_ns
            : NULL;
    const char *s = "";
    int i;

    /* every prefix either element declares, once */
    for (i = 0; i < n + x->own_ns; i++) {
        const char *pre = i < n ? prev[2 * i] : own[2 * (i - n)];
        const char *here;
        const char *there;
        int j;
        int dup = 0;

        for (j = 0; j < i && !dup; j++) {
            dup = mss_same_name(j < n ? prev[2 * j] : own[2 * (j - n)], pre);
        }
        if (dup) {
            continue;
        }
        here = bound_inside(x, own, x->own_ns, pre);
        there = bound_inside(x, prev, n, pre);
        if (mss_same_name(here, there)) {
            continue;
        }
        if (here != NULL) {
            s = apr_pstrcat(p, s, pre != NULL ? " xmlns:" : " xmlns",
                            pre != NULL ? pre : "", "=\"", attr_escape(p, here),
                            "\"", NULL);
        }
        else if (pre == NULL) {
            s = apr_pstrcat(p, s, " xmlns=\"\"", NULL);
        }
        /* (a prefix unbound here cannot be used here: nothing to undo) */
    }
    return s;
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                   const xmlChar *URI)
{
    mss_xml_t *x = X(ctx);

    (void)localname;
    (void)prefix;
    (void)URI;
    if (x->stopped) {
        return;
    }
    if (--x->depth == 0) {
        x->done = 1;
    }
    if (x->skipping) {
        if (x->skip > 0) {
            x->skip--;
            if (x->watch != NULL && *x->watch) {
                x->h->progress(x->baton);
            }
            return;
        }
        x->skipping = 0; /* the skipped element's own end */
    }
    x->h->end(x->baton);
}

/* A text event, through the gate. */
static MSS_INLINE void text(mss_xml_t *x, const xmlChar *ch, int len)
{
    if (x->skipping) {
        /* text directly inside a skipped value is content */
        if (x->skip == 0 && !x->skip_content && !all_space(ch, len)) {
            x->skip_content = 1;
        }
        return;
    }
    if (x->gate != NULL && *x->gate != 2) {
        if (*x->gate == 0 || all_space(ch, len)) {
            return; /* (whitespace only) */
        }
    }
    x->h->text(x->baton, (const char *)ch, (apr_size_t)len);
}

static void watched_text(mss_xml_t *x, const xmlChar *ch, int len) MSS_NOINLINE;

static void watched_text(mss_xml_t *x, const xmlChar *ch, int len)
{
    x->h->progress(x->baton);
    if (!x->stopped) {
        text(x, ch, len);
    }
}

/* Rewrite's progress call is out of line: the usual event needs no stack
 * frame. */
static void on_text(void *ctx, const xmlChar *ch, int len)
{
    mss_xml_t *x = X(ctx);

    if (x->stopped || len <= 0) {
        return;
    }
    if (x->watch != NULL && *x->watch) {
        watched_text(x, ch, len);
        return;
    }
    text(x, ch, len);
}

static void on_serror(void *ctx, xmlErrorPtr err)
{
    mss_xml_t *x;
    char msg[256];
    size_t n;
    unsigned long line;
    unsigned long col;

    if (ctx == NULL || err == NULL) {
        return;
    }
    x = X(ctx);
    if (x == NULL || x->stopped) {
        return;
    }
    if (err->code == XML_WAR_UNDECLARED_ENTITY) {
        /* with a DOCTYPE whose subset is never loaded, an unknown entity
         * is only a warning to libxml2, and its text would silently
         * vanish: stop instead */
        declaration(x, "reference to undeclared entity",
                    (const xmlChar *)err->str1);
        return;
    }
    if (err->level < XML_ERR_ERROR) {
        return; /* other warnings do not stop the parse */
    }
    apr_cpystrn(msg, err->message != NULL ? err->message : "parse error",
                sizeof(msg));
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) {
        msg[--n] = '\0';
    }
    line = err->line > 0 ? (unsigned long)err->line : 0;
    col = err->int2 > 0 ? (unsigned long)err->int2 : 0;
    if (line == 0) {
        position(x->ctxt, &line, &col);
    }
    mss_xml_stop(x);
    x->h->error(x->baton, msg, line, col);
}

/* libxml2 may still call the printf-style handlers for a few messages;
 * they must never reach stderr or a process-wide handler. */
static void on_generic(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static apr_status_t xml_cleanup(void *data)
{
    mss_xml_t *x = data;

    if (x->ctxt != NULL) {
        if (x->ctxt->myDoc != NULL) {
            xmlFreeDoc(x->ctxt->myDoc);
            x->ctxt->myDoc = NULL;
        }
        xmlFreeParserCtxt(x->ctxt);
        x->ctxt = NULL;
    }
    return APR_SUCCESS;
}

apr_status_t mss_xml_create(mss_xml_t **xp, apr_pool_t *p,
                            const mss_xml_handlers_t *h, void *baton)
{
    xmlSAXHandler sax;
    mss_xml_t *x = apr_pcalloc(p, sizeof(*x));

    memset(&sax, 0, sizeof(sax));
    sax.initialized = XML_SAX2_MAGIC;
    sax.startDocument = on_start_document;
    sax.internalSubset = on_internal_subset;
    sax.entityDecl = on_entity_decl;
    sax.attributeDecl = on_attribute_decl;
    sax.getEntity = on_get_entity;
    sax.getParameterEntity = on_get_entity;
    sax.resolveEntity = on_resolve_entity;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_text;
    sax.ignorableWhitespace = on_text;
    sax.cdataBlock = on_text;
    sax.serror = on_serror;
    sax.warning = on_generic;
    sax.error = on_generic;
    sax.fatalError = on_generic;

    x->h = h;
    x->baton = baton;
    /* no initial bytes: libxml2 waits for four bytes to detect the
     * encoding, so a body fed one byte at a time parses the same */
    x->ctxt = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, NULL);
    if (x->ctxt == NULL) {
        return APR_ENOMEM;
    }
    x->ctxt->_private = x;
    xmlCtxtUseOptions(x->ctxt, XML_PARSE_NONET);
    x->ctxt->replaceEntities = 0;
    x->ctxt->loadsubset = 0;
    x->ctxt->validate = 0;
    apr_pool_cleanup_register(p, x, xml_cleanup, apr_pool_cleanup_null);
    *xp = x;
    return APR_SUCCESS;
}

apr_status_t mss_xml_feed(mss_xml_t *x, const char *buf, apr_size_t len,
                          int terminate)
{
    xmlGenericErrorFunc saved;
    void *saved_ctx;

    if (x->stopped) {
        return APR_SUCCESS;
    }
    /* A few libxml2 2.9 paths (input transcoding errors) report through
     * the generic handler, not the context's; by default that prints to
     * stderr, which in httpd is the error log.  The generic handler is
     * thread-local in libxml2, so silence it for this thread for the
     * duration of the call and put the caller's back afterwards; the same
     * error still reaches on_serror through the context. */
    saved = xmlGenericError;
    saved_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, on_generic);
    /* xmlParseChunk takes an int size */
    while (len > (apr_size_t)(1 << 30) && !x->stopped) {
        xmlParseChunk(x->ctxt, buf, 1 << 30, 0);
        buf += 1 << 30;
        len -= (apr_size_t)(1 << 30);
    }
    if (!x->stopped) {
        xmlParseChunk(x->ctxt, buf, (int)len, terminate);
    }
    xmlSetGenericErrorFunc(saved_ctx, saved);
    return APR_SUCCESS;
}
