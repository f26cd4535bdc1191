/*
 * test_values.c: a property's value as the validator sees it.  The parser
 * layer skips a value whole (mss_xml_skip_value) and tells only whether
 * it has content (a child element, non-whitespace text directly inside
 * it, attributes on the property) and, in a DAV:resourcetype, whether a
 * child is DAV:collection.  Each body is fed whole and one byte at a time.
 *
 * - PF-ERROR-PROPS-EMPTY (RFC 4918 14.22: a failed propstat names
 *   properties only): a value under 404 is a finding, whitespace is not.
 * - MS-HREF-COLLECTION-SLASH (RFC 4918 8.3: a collection's href ends in
 *   "/"): DAV:collection as a child of DAV:resourcetype (RFC 4918 15.9)
 *   makes the resource a collection; the name anywhere else does not.
 */
#include <string.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "tap.h"
#include "mss_private.h"

typedef struct {
    const char *want; /* the rule id looked for */
    int n;            /* its findings */
} seen_t;

static apr_status_t count(void *baton, const mss_violation_t *v)
{
    seen_t *s = baton;

    if (strcmp(v->rule->id, s->want) == 0) {
        s->n++;
    }
    return APR_SUCCESS;
}

/* findings of rule @p id for @p body, PROPFIND Depth: 0 on @p uri, fed in
 * pieces of @p step bytes (0: whole) */
static int findings(apr_pool_t *p, const char *uri, const char *body,
                    const char *id, apr_size_t step)
{
    mss_options_t o;
    mss_request_t req;
    mss_validator_t *v;
    mss_result_t res;
    seen_t s = {id, 0};
    apr_size_t len = strlen(body);
    apr_size_t off;

    mss_options_init(&o);
    memset(&req, 0, sizeof(req));
    req.method = "PROPFIND";
    req.uri = uri;
    req.depth = "0";
    if (mss_validator_create(&v, p, &o, &req, count, &s) != APR_SUCCESS) {
        return -1;
    }
    for (off = 0; off<len; off += step> 0 ? step : len) {
        apr_size_t n = step > 0 && len - off > step ? step : len - off;

        if (mss_validator_feed(v, body + off, n) != APR_SUCCESS) {
            return -1;
        }
    }
    if (mss_validator_finish(v, &res) != APR_SUCCESS) {
        return -1;
    }
    return s.n;
}

static const char *body(apr_pool_t *p, const char *href, const char *prop,
                        const char *status)
{
    return apr_pstrcat(p,
                       "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                       "<D:multistatus xmlns:D=\"DAV:\">\n<D:response>\n"
                       "<D:href>",
                       href, "</D:href>\n<D:propstat>\n<D:prop>\n", prop,
                       "\n</D:prop>\n<D:status>HTTP/1.1 ", status,
                       "</D:status>\n</D:propstat>\n</D:response>\n"
                       "</D:multistatus>\n",
                       NULL);
}

/* a property (or two), the findings of one rule it should give, and what
 * the case is */
typedef struct {
    const char *prop;
    int want;
    const char *what;
} case_t;

static void both(apr_pool_t *p, const char *uri, const char *b, const char *id,
                 int want, const char *what)
{
    int whole = findings(p, uri, b, id, 0);
    int bytes = findings(p, uri, b, id, 1);

    ok(whole == want && bytes == want, "%s: %d %s (want %d; byte by byte %d)",
       what, whole, id, want, bytes);
}

int main(int argc, char **argv)
{
    static const case_t failed[] = {
        {"<D:getetag/>", 0, "empty element"},
        {"<D:getetag></D:getetag>", 0, "start and end tag"},
        {"<D:getetag> \n\t\r </D:getetag>", 0, "whitespace"},
        {"<D:getetag><![CDATA[ \n]]></D:getetag>", 0, "whitespace CDATA"},
        {"<D:getetag>&#32;&#9;</D:getetag>", 0,
         "whitespace character references"},
        {"<D:getetag><!-- c --><?pi x?></D:getetag>", 0,
         "a comment and a processing instruction"},
        {"<D:getetag>\"x\"</D:getetag>", 1, "text"},
        {"<D:getetag>  x  </D:getetag>", 1, "text inside whitespace"},
        {"<D:getetag><![CDATA[x]]></D:getetag>", 1, "CDATA text"},
        {"<D:getetag>&amp;</D:getetag>", 1, "an entity reference"},
        {"<D:getetag> <X:a xmlns:X=\"urn:x\"/> </D:getetag>", 1,
         "a child element"},
        {"<D:getetag><X:a xmlns:X=\"urn:x\"><X:b>deep</X:b></X:a>"
         "</D:getetag>",
         1, "nested elements"},
        {"<D:getetag x=\"1\"/>", 1, "an attribute"},
        {"<D:getetag/><D:displayname><X:a xmlns:X=\"urn:x\"/>t"
         "</D:displayname>",
         1, "a second property with a child and text after it"},
        {"<D:getetag>a</D:getetag><D:displayname>b</D:displayname>", 1,
         "two properties with values: one finding"},
    };
    static const case_t kinds[] = {
        {"<D:resourcetype><D:collection/></D:resourcetype>", 1,
         "DAV:collection"},
        {"<D:resourcetype><X:c xmlns:X=\"urn:x\">t</X:c> <D:collection/>"
         "</D:resourcetype>",
         1, "DAV:collection after another child"},
        {"<D:resourcetype><X:collection xmlns:X=\"urn:x\"/>"
         "</D:resourcetype>",
         0, "a collection element of another namespace"},
        {"<D:resourcetype><X:c xmlns:X=\"urn:x\"><D:collection/></X:c>"
         "</D:resourcetype>",
         0, "DAV:collection below another child"},
        {"<D:resourcetype/><D:displayname><D:collection/></D:displayname>", 0,
         "DAV:collection in another property"},
        {"<D:resourcetype/>", 0, "an empty resourcetype"},
    };
    apr_pool_t *p;
    size_t i;

    (void)argc;
    (void)argv;
    apr_initialize();
    mss_global_init();
    apr_pool_create(&p, NULL);
    for (i = 0; i < sizeof(failed) / sizeof(failed[0]); i++) {
        both(p, "/f", body(p, "/f", failed[i].prop, "404 Not Found"),
             "PF-ERROR-PROPS-EMPTY", failed[i].want,
             apr_pstrcat(p, "404 propstat, ", failed[i].what, NULL));
        /* the same values under 200 are what a value is for */
        both(p, "/f", body(p, "/f", failed[i].prop, "200 OK"),
             "PF-ERROR-PROPS-EMPTY", 0,
             apr_pstrcat(p, "200 propstat, ", failed[i].what, NULL));
    }
    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        both(p, "/c", body(p, "/c", kinds[i].prop, "200 OK"),
             "MS-HREF-COLLECTION-SLASH", kinds[i].want,
             apr_pstrcat(p, "href /c, ", kinds[i].what, NULL));
    }
    apr_pool_destroy(p);
    apr_terminate();
    return done();
}
