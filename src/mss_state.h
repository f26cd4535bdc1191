/*
 * mss_state.h: the validator's state, shared by the files that check one
 * body: mss_validate.c (the grammar walk, structure and status rules),
 * mss_check_href.c (href rules) and mss_check_method.c (method rules).
 * Internal to src/.
 */
#ifndef MSS_STATE_H
#define MSS_STATE_H

#include "mss_private.h"

/* Rewrite, transcoding (mss_transcode.c): the most first bytes held to
 * decide; the XML declaration must end within them */
#define MSS_TC_HEADMAX 1024

/* One open element. */
typedef struct {
    unsigned char ctx;     /* ctx_e of mss_validate.c */
    unsigned char elem;    /* elem_e */
    unsigned char role;    /* T_* for text elements */
    unsigned char text;    /* non-whitespace text seen directly inside */
    unsigned char attrs;   /* it carries attributes */
    unsigned char restype; /* a DAV:resourcetype property */
    unsigned char wants;   /* text directly inside matters (until seen) */
    unsigned char rb;      /* XML-ROOT: rebound to DAV: (mss_rebind.c) */
    unsigned long line;
    unsigned long col;
    unsigned int children; /* child elements */
    unsigned int hrefs;    /* DAV:href children */
    int lts;               /* a DAV:lock-token-submitted condition */
    const char *local;     /* property frames: the local name */
    apr_off_t tag;         /* offset of the ">" or "/>" ending its start
                            * tag (Rewrite: where its content begins) */
    apr_uint64_t name;     /* property frames: digest of {ns}local */
    /* Rewrite, responsedescription frames (MS-PCDATA-ONLY,
     * MS-ERR-IN-DESCRIPTION): its DAV:error children, the first one's
     * bytes [ea, eb) when it can move, and the last finding queued before
     * it began (its children's findings come after) */
    unsigned int errs;
    apr_off_t ea;
    apr_off_t eb;
    struct pending_t *before;
} frame_t;

/* A violation found inside a response, reported when it ends. */
typedef struct pending_t {
    mss_rule_e rule;
    mss_severity_e sev;
    unsigned long line;
    unsigned long col;
    const char *msg;
    const char *action; /* Rewrite: "fixed"/"dropped", NULL = as usual */
    struct pending_t *next;
} pending_t;

/* One DAV:href of a top-level response. */
typedef struct {
    const char *s; /* trimmed value */
    apr_size_t len;
    unsigned long line;
    unsigned long col;
    int checked;  /* its text was within the text limit */
    int plain;    /* an absolute path that is its own canonical key */
    apr_off_t ca; /* Rewrite: its content, [ca, cb) of the body */
    apr_off_t cb;
    apr_off_t ea; /* Rewrite: the element, [ea, eb) (-1: unknown) */
    apr_off_t eb;
    const char *fix;     /* Rewrite: the corrected value, or NULL */
    int dup_same;        /* an earlier status-form response listed it with the
                      * same status (MS-HREF-UNIQUE) */
    int remove;          /* Rewrite: the element goes (MS-HREF-UNIQUE) */
    int origin_fixed;    /* Rewrite: a mapped back-end origin was replaced */
    apr_uint64_t digest; /* plain hrefs: the digest of their key (s),
                          * taken when they end (mss_method_href); or 0 */
} href_t;

/* Rewrite: an href's value as it goes out (its fix, if one was made), its
 * surrounding whitespace trimmed: what a second run reads */
static inline const char *mss_href_out(const href_t *h, apr_size_t *len)
{
    const char *s = h->s;

    *len = h->len;
    if (h->fix != NULL) {
        s = h->fix;
        *len = strlen(s);
        mss_trim(&s, len);
    }
    return s;
}

/* Rewrite, MS-ERR-PLACEMENT (a): the condition elements directly inside
 * a response or a propstat, and where the (first) one is. */
typedef struct {
    unsigned int n;
    apr_off_t a; /* its bytes, [a, b) of the body */
    apr_off_t b;
    unsigned long line;
    unsigned long col;
} mss_bare_t;

/* A property name: pointers into the parser's dictionary, which lives as
 * long as the parser. */
typedef struct {
    const char *uri;
    const char *local;
    apr_off_t a; /* Rewrite: the end of its start tag, and the end of the */
    apr_off_t b; /* element (-1: not known) */
} prop_name_t;
/* names a response tracks in a plain array (then in digest sets) */
#define MSS_NAMES_LINEAR 32

/* The propstat being parsed. */
typedef struct {
    unsigned int nprop; /* DAV:prop elements */
    unsigned int nstatus;
    int code;
    int error_conditions;  /* conditions inside its DAV:error */
    const char *cond_name; /* first condition with a "Use with" status */
    int cond_code;
    unsigned long line;
    unsigned long col;
    unsigned int properties;    /* property elements */
    unsigned int lockdiscovery; /* of which DAV:lockdiscovery */
    unsigned int with_content;  /* property elements with a value */
    const char *first_with_content;
    unsigned long content_line;
    int restype;               /* DAV:resourcetype reported */
    int collection;            /* ... holding DAV:collection */
    unsigned int attr_values;  /* Rewrite: values held in attributes */
    unsigned int removed;      /* Rewrite: children removed (an empty
                                * DAV:error, MS-ERR-CONTENT) */
    unsigned int nerror;       /* DAV:error children */
    apr_array_header_t *props; /* Rewrite: per DAV:prop child, 4 offsets:
                                * its "<", its start tag's ">" or "/>",
                                * its end tag's "<", its end (v->pprops) */
    mss_bare_t bare;           /* Rewrite: conditions without error */
    apr_array_header_t *names; /* prop_name_t (PF-PROP-ONCE); the
                                * validator's, emptied per propstat */
    int drop_1xx;              /* Rewrite: MS-STATUS-1XX may remove it */
    int code_out;              /* Rewrite: the status a fix gave it, or 0 */
} propstat_t;

/* The top-level response being parsed. */
typedef struct {
    unsigned long index;
    unsigned long line;
    unsigned long col;
    apr_off_t start; /* input offset after its start tag */
    apr_off_t tag;   /* offset of the ">" ending its start tag */
    mss_rule_e drop; /* Rewrite: the rule that removes it, or 0 */
    int dropping;
    unsigned int nhref;
    unsigned int nhref_nonempty;
    unsigned int nstatus;
    unsigned int npropstat;
    unsigned int nerror;
    unsigned int ndesc;
    unsigned int nlocation;
    unsigned int location_hrefs;
    unsigned long dup_line[4]; /* first repeat of status/error/desc/loc */
    unsigned long dup_col[4];
    int code;              /* response-level status code, -1 unknown */
    unsigned int children; /* its child elements */
    int stray;             /* text directly inside it */
    int sf_plain;          /* Rewrite: status form, href(s) and one
                            * status only (MS-HREF-UNIQUE may merge it) */
    int sf_code; /* Rewrite: the status its hrefs were remembered with as
                  * a status-form response's (MS-HREF-UNIQUE), or 0 */
    unsigned int ndup_same; /* hrefs with dup_same */
    int error_conditions;   /* conditions in response-level DAV:error */
    const char *cond_name;  /* first condition with a "Use with" status */
    int cond_code;
    int matches_within_limits;
    int add_matches; /* Rewrite: MS-TRUNCATION-507's condition to insert */
    mss_bare_t bare; /* Rewrite: conditions without error (MS-ERR-PLACEMENT) */
    apr_array_header_t *errors4; /* Rewrite: its DAV:error children and */
    apr_array_header_t *descs4;  /* responsedescriptions, 4 offsets each
                                  * (as propstat_t.props; in rpool) */
    int desc_markup;             /* a description holds elements */
    apr_off_t loc_a;             /* Rewrite: its (first) DAV:location, */
    apr_off_t loc_b;             /* [loc_a, loc_b) (0, 0: none) */
    const char *href;            /* first non-empty href (trimmed) */
    apr_size_t href_len;
    apr_array_header_t *hrefs; /* href_t; the validator's, emptied per
                                * response (the strings are in rpool) */
    /* propstat outcomes */
    unsigned int ps_2xx;
    unsigned int ps_fail; /* non-2xx */
    unsigned int ps_424;
    unsigned int ps_unknown;            /* status missing or unreadable */
    unsigned int ps_lockdiscovery_only; /* props hold only lockdiscovery */
    unsigned int ps_empty_404;          /* empty prop with 404 */
    unsigned int with_content;
    const char *first_with_content;
    unsigned long content_line;
    /* Rewrite, MS-PROPSTAT-METHOD: what a conversion to status form needs
     * to know about the propstats */
    apr_array_header_t *ps_ranges; /* [a, b) per propstat (v->pranges) */
    int ps_code_one;               /* their common code; -2 when not one */
    unsigned int ps_empty;         /* with no property (placeholders) */
    apr_array_header_t *ps_1xx;    /* Rewrite: [a, b) of propstats with a
                                    * 1xx status (MS-STATUS-1XX), rpool */
    apr_off_t st_a;                /* Rewrite: its status element, */
    apr_off_t st_b;                /* [st_a, st_b) (0, 0: none) */
    unsigned int ps_plain;         /* with one prop, one status, no other
                                    * child and no value */
    int restype_2xx;               /* resourcetype in a 2xx propstat */
    int collection;                /* ... with DAV:collection */
    /* property names seen (PF-PROP-ONCE) with their status, in a small
     * array searched linearly by pointer (libxml2 interns names in the
     * parser's dictionary); past MSS_NAMES_LINEAR names, digests go to
     * sets instead */
    prop_name_t *nn_names; /* names (dictionary pointers) */
    apr_uint64_t nn_mask;  /* a bit per name pointer: most names need no
                            * scan at all */
    int *ncode;
    unsigned int nn;
    unsigned int ncap;
    int names_off;          /* out of memory: names no longer tracked */
    int name_repeat;        /* a property name came again (PF-PROP-ONCE) */
    mss_hset_t *names;      /* digests, once past the linear size */
    mss_hset_t *names_code; /* digests mixed with their status */
    unsigned int loc_gone;  /* Rewrite: locations that go (MS-LOC-CONTENT) */
    int status_gone;        /* Rewrite: MS-RESPONSE-FORM removed its status */
    int loc_goes;           /* Rewrite: MS-LOC-STATUS removes its one
                             * location (known before the method rules) */
    int href_added; /* Rewrite: the Request-URI went in (MS-HREF-REQUIRED) */
    apr_array_header_t *lts_late; /* Rewrite: empty lock-token-submitted
                                   * conditions before any href, 5 offsets
                                   * each (lock_token_href_fix; rpool) */
    unsigned int nerror_cond;     /* DAV:error children with an element */
    unsigned int err_removed;     /* Rewrite: DAV:error children that go
                               * (MS-ERR-CONTENT) */
    int out_code;        /* Rewrite: the status it goes out with in status
                         * form (converted by a fix too), or 0 */
    const char *err_ns;  /* Rewrite, a collapse: the declarations in scope
                         * at its DAV:error (mss_xml_ns_outer) */
    const char *bare_ns; /* ... and at its first condition without error */
    pending_t *head;
    pending_t *tail;
} response_t;

/* Rewrite: collapsing a 207 into a plain status (mss_collapse.c; the N3
 * actions of rules.md that answer with the one outcome's status) */
enum {
    MSS_CL_UNMAPPED = 1,   /* PF-UNMAPPED-404 */
    MSS_CL_PP = 2,         /* PP-PROPSTAT-FORM */
    MSS_CL_DEL_SELF = 4,   /* DEL-MEMBERS-ONLY */
    MSS_CL_DEL_OK = 8,     /* DEL-HAS-FAILURE: 204 */
    MSS_CL_DEL_EMPTY = 16, /* MS-EMPTY for DELETE: 204 */
    MSS_CL_CM = 32,        /* CM-OTHER-RESOURCE */
    MSS_CL_LOCK0 = 64      /* LOCK-DEPTH0 */
};
#define MSS_CL_ONE                                                             \
    (MSS_CL_UNMAPPED | MSS_CL_PP | MSS_CL_DEL_SELF | MSS_CL_CM | MSS_CL_LOCK0)

typedef struct {
    unsigned int rules; /* MSS_CL_* still possible; 0 = none (any more) */
    unsigned long out;  /* responses that went out (not dropped) */
    /* the first response that went out, as a plain status would carry it */
    int code;         /* its status (status form), or -1 */
    int unmapped;     /* the "no such resource" shape (PF-UNMAPPED-404) */
    int self;         /* its one href names the Request-URI */
    int root;         /* ... or the Destination */
    const char *body; /* its DAV:error as a document, or "" */
    const char *href; /* its href (for a late report), in the pool */
    apr_size_t href_len;
    /* findings that wait for the decision (it comes at the end) */
    const char *pp_msg; /* PP-PROPSTAT-FORM of response 1 */
    unsigned long pp_line;
    unsigned long pp_col;
    int depth0_late; /* LOCK-DEPTH0 */
} mss_cl_t;

/* XML-ROOT's rebinding (mss_rebind.c): structural elements lie at most
 * this deep (4 in the grammar); prefixes rebound in one scope */
#define MSS_RB_DEPTH 6
#define MSS_RB_PRE 8

/* Rewrite, MS-HREF-UNIQUE's merge of two propstat-form responses
 * (mss_merge.c): a plain propstat-form response's end tag is held until
 * the next one shows whether it names the same resource. */
#define MSS_MG_NS 8 /* namespace declarations on a response's start tag */
/* the end tag held, with the whitespace before it: at most this many
 * bytes */
#define MSS_MG_TAIL 256
typedef struct {
    int on;        /* a response's end tag is held */
    apr_off_t end; /* its end */
    /* where the whitespace before its end tag begins: all before it went
     * out */
    apr_off_t cut;
    char et[MSS_MG_TAIL]; /* its end tag */
    apr_size_t et_len;
    apr_uint64_t digest;            /* the digest of its href's key */
    const char *own[2 * MSS_MG_NS]; /* the declarations on its start tag:
                                     * prefix, name (the parser's
                                     * dictionary) */
    int nown;
    prop_name_t names[MSS_NAMES_LINEAR]; /* its property names (and those of
                                          * responses merged into it) */
    unsigned int nn;
    /* the response being parsed */
    const char *cur_own[2 * MSS_MG_NS];
    /* its property names as it goes out: each once, none of a propstat
     * MS-STATUS-1XX removes (a second run sees neither) */
    prop_name_t cur_names[MSS_NAMES_LINEAR];
    unsigned int cur_nn;
    int cur_over;      /* more names than cur_names holds */
    int cur_nown;      /* -1: attributes or too many declarations */
    const char *decls; /* declarations its propstats need inside the held
                        * response (rpool), or NULL */
    int merged;        /* it went into the held one */
} mss_mg_t;

/* A descendant whose parent collection was not yet listed. */
typedef struct {
    apr_uint64_t parent; /* digest of the parent key, slash-stripped */
    unsigned long index;
    unsigned long line;
    unsigned long col;
} orphan_t;

struct mss_validator_t {
    apr_pool_t *pool;
    apr_pool_t *rpool; /* per-response scratch, cleared per response */
    mss_options_t opts;
    mss_report_fn report;
    void *baton;
    mss_xml_t *xml;
    apr_status_t cb_status; /* first error from the report callback */

    /* request facts */
    const char *method;
    int m; /* MSS_M_*: the method, for the checks that branch on it */
    const char *uri;
    const char *depth;
    int depth_kind; /* 0, 1, or MSS_DEPTH_INFINITY (absent too) */
    int status;     /* HTTP status of the response (207) */
    apr_table_t *req_headers;
    apr_table_t *resp_headers;
    apr_time_t now;
    mss_origin_t origin;
    const char *req_key; /* canonical key of the Request-URI, or NULL */
    mss_origin_t dest_origin;
    const char *dest_key; /* canonical key of Destination, or NULL */
    int noroot;           /* depth-noroot in effect (RFC 8144 4, App. A) */
    int propstat_ok;      /* method may use propstat (rules.md 3.2) */
    int prop_once;        /* PF-PROP-ONCE applies (PROPFIND/REPORT/SEARCH) */
    apr_array_header_t *proxy_map; /* const char * pairs: from, to */

    /* body facts */
    int started; /* first byte seen: header rules done */
    apr_off_t bytes;
    unsigned char head[4];
    apr_size_t nhead;
    int scan_ascii; /* text/xml without charset: look for non-ASCII */
    int non_ascii;
    const char *media_type;
    const char *charset;

    /* parse state */
    const char *dav_uri; /* the parser's interned "DAV:" */
    int want_text;       /* the open element's text matters (text gate) */
    int skipping;        /* the parser layer skips the content of the
                          * open value (mss_xml_skip) */
    struct {
        const char *uri;
        const char *local;
        apr_uint64_t digest;
    } names[64]; /* digests of recent property names, by pointer */
    struct {
        const char *local;
        unsigned char id;
    } dav_names[16]; /* classify(): DAV: local names seen, by pointer */
    frame_t *stack;
    apr_size_t depth_now;
    int root_ok;            /* the root is {DAV:}multistatus */
    const char *root_qual;  /* Rewrite: the root's qualifier ("P:" or "") */
    apr_off_t root_end;     /* Rewrite: the "<" of its end tag, held; or -1 */
    apr_off_t root_content; /* Rewrite: where its content begins; 0 before */
    unsigned int root_desc;
    unsigned int root_tokens;
    /* Rewrite, MS-MULTISTATUS-CHILDREN: the root's text and its
     * responsedescriptions */
    apr_off_t root_gap; /* where the bytes since its last child begin */
    int root_text_cut;  /* text runs removed */
    int root_text_kept; /* ... one could not be */
    unsigned long root_desc_line; /* the second description (its report */
    unsigned long root_desc_col;  /* waits for the merge) */
    int root_desc_late;           /* ... held for the root's end */
    apr_array_header_t *root_run; /* adjacent descriptions, 4 offsets each */
    unsigned int root_runs;       /* runs of adjacent descriptions */
    int root_merged;              /* a run was merged */
    int in_response;
    int in_propstat;
    response_t resp;
    propstat_t ps;
    unsigned long responses;
    char *text;
    apr_size_t text_len;
    int text_over;

    /* whole-body facts for the href and method rules */
    mss_hset_t *href_set;  /* digests of response href keys */
    mss_hset_t *sf_set;    /* Rewrite: ... of status-form responses that
                           * went out, mixed with their status */
    int first_form;        /* MSS_HREF_ABSOLUTE or _PATH_ABSOLUTE, or 0 */
    int same_form_done;    /* MS-HREF-SAME-FORM reported */
    int same_form_left;    /* ... for an href Rewrite cannot convert */
    int href_origin_fixed; /* mss_href_fix replaced a mapped origin */
    unsigned long self_responses; /* responses naming the Request-URI */
    unsigned long entries_fail;   /* failing entries (non-2xx) */
    unsigned long entries_unknown;
    unsigned long fail_nonroot;  /* failures not on R or Destination */
    int first_self;              /* response 1 names R */
    int first_unmapped;          /* response 1 looks like "no such" */
    apr_array_header_t *orphans; /* orphan_t */
    apr_array_header_t *pnames;  /* storage behind ps.names */
    apr_array_header_t *phrefs;  /* storage behind resp.hrefs */
    apr_array_header_t *pranges; /* Rewrite: behind resp.ps_ranges */
    apr_array_header_t *pprops;  /* Rewrite: behind ps.props */
    apr_array_header_t *digests; /* scratch: one response's href digests */

    /* outcome */
    mss_outcome_e stop; /* MALFORMED or OVERFLOW once checking stopped */
    int limit_hit;
    unsigned long stop_line;
    unsigned long stop_col;
    apr_size_t violations;
    apr_size_t reported;
    apr_size_t suppressed;
    apr_size_t rejected; /* violations of reject-level rules (Reject) */
    int finished;

    /* Rewrite mode (mss_rewrite.c); NULL otherwise */
    struct mss_rw_t *rw;
    int rw_tight;     /* Rewrite: more bytes held than the bound allows, so an
                   * event's offset may be past it (mss_rw_room); while
                   * not, no event can be, and the check is skipped */
    pending_t *dhead; /* document-level findings held until the header
                       * decision (Rewrite) */
    pending_t *dtail;
    const char *eff_enc; /* effective encoding (RFC 7303 3.2), or NULL */
    /* Rewrite: the transcoding front end (mss_transcode.c) */
    int tc_state;                          /* mss_tc_e */
    unsigned char tc_head[MSS_TC_HEADMAX]; /* the first bytes, to decide */
    apr_size_t tc_nhead;
    unsigned char tc_carry[8]; /* a character split between chunks */
    apr_size_t tc_ncarry;
    void *tc_cd;  /* the iconv descriptor */
    char *tc_out; /* UTF-8 of the current chunk */
    apr_size_t tc_outcap;
    const char *tc_from;     /* the encoding transcoded from */
    const char *tc_bom;      /* the original's BOM, declaration (normalised */
    const char *tc_decl;     /* and as written): on_start_document reads */
    const char *tc_decl_raw; /* these instead of the UTF-8 text's */
    apr_off_t bytes_in;      /* body bytes fed (before transcoding) */
    const char *bom;         /* "utf8", "utf16le", ... or NULL */
    const char *decl_enc;    /* normalised encoding of the declaration */
    apr_off_t doctype_off;   /* offset at the DOCTYPE event, or -1 */
    apr_array_header_t *prop_ranges; /* Rewrite: apr_off_t pairs, the
                                      * values of this propstat */
    int doc_defer;    /* a status other than 207: document-level findings
                       * wait for the root (mss_v_doc) */
    pending_t *qhead; /* ... here */
    pending_t *qtail;
    mss_cl_t cl; /* Rewrite: a collapse (mss_collapse.c) */
    mss_mg_t mg; /* Rewrite: MS-HREF-UNIQUE merge (mss_merge.c) */
    /* Rewrite, XML-ROOT's rebinding (mss_rebind.c): W, and by depth the
     * prefixes (NULL: the default) whose W binding is now DAV: */
    int rb;
    const char *rb_uri;
    const char *rb_pre[MSS_RB_DEPTH][MSS_RB_PRE];
    int rb_npre[MSS_RB_DEPTH];
    unsigned long fails_real; /* non-424 failures so far (RW-KEEP-FAILURE) */
    int self_seen;            /* a response naming the Request-URI so far */
    apr_size_t fixed;
    apr_size_t dropped;
};

#define MSS_DEPTH_INFINITY 2

/* Methods the rules branch on (rules.md 3.1-3.3); anything else is
 * MSS_M_OTHER.  Names compare case-sensitively (RFC 9110 9.1). */
enum {
    MSS_M_OTHER,
    MSS_M_PROPFIND,
    MSS_M_PROPPATCH,
    MSS_M_DELETE,
    MSS_M_COPY,
    MSS_M_MOVE,
    MSS_M_LOCK,
    MSS_M_REPORT,
    MSS_M_SEARCH,
    MSS_M_MKCALENDAR,
    MSS_M_UPDATE,
    MSS_M_LABEL,
    MSS_M_MERGE,
    MSS_M_HEAD
};

/* Push onto an APR array without a call while there is room. */
#define MSS_PUSH(a, type)                                                      \
    ((a)->nelts < (a)->nalloc ? &((type *)(a)->elts)[(a)->nelts++]             \
                              : (type *)apr_array_push(a))

/* mss_validate.c: reporting and helpers */
void mss_v_violation(mss_validator_t *v, mss_rule_e rule, unsigned long line,
                     unsigned long col, const char *msg);
void mss_v_violation_sev(mss_validator_t *v, mss_rule_e rule,
                         mss_severity_e sev, unsigned long line,
                         unsigned long col, const char *msg);
void mss_v_doc(mss_validator_t *v, mss_rule_e rule, mss_severity_e sev,
               unsigned long line, unsigned long col, const char *msg);
/* A finding about response @p index reported after it ended. */
void mss_v_at(mss_validator_t *v, mss_rule_e rule, mss_severity_e sev,
              unsigned long index, unsigned long line, unsigned long col,
              const char *msg);
int mss_v_method_is(const mss_validator_t *v, const char *m);
const char *mss_v_esc(mss_validator_t *v, const char *s, apr_size_t len);

/* mss_validate.c: append a finding to a queue (a response's, or the
 * document-level findings Rewrite holds until its header decision) */
void mss_v_queue(apr_pool_t *p, pending_t **head, pending_t **tail,
                 mss_rule_e rule, mss_severity_e sev, unsigned long line,
                 unsigned long col, const char *msg);

/* mss_validate.c: mark the pending findings of @p rule at @p line:@p col
 * (0:0 = any position) in the current response with @p action */
void mss_v_mark(mss_validator_t *v, mss_rule_e rule, unsigned long line,
                unsigned long col, const char *action);
/* Rewrite: the finding of @p rule queued last was fixed */
void mss_v_mark_last(mss_validator_t *v, mss_rule_e rule);

/* ---- the rewriter (mss_rewrite.c) ---------------------------------- */
typedef struct mss_rw_t mss_rw_t;

/* 1 when a fix of @p rule is to be applied: Rewrite mode with output, not
 * failed open, and the rule set to fix (explicitly, or by default for N1
 * and N2 rules) */
int mss_rw_on(const mss_validator_t *v, mss_rule_e rule);
/* send body bytes [a, b) once per range of @p dels (@p n pairs, in
 * order), each time without the other ranges, @p sep between two copies
 * (MS-MULTI-HREF) */
void mss_rw_split(mss_validator_t *v, apr_off_t a, apr_off_t b,
                  const apr_off_t *dels, int n, const char *sep);
/* replace body bytes [a, b) with @p s (NUL-terminated; copied) */
void mss_rw_edit(mss_validator_t *v, apr_off_t a, apr_off_t b, const char *s);
/* An insertion at @p a that goes before the others made there (an href
 * inserted first in a response whose first child another fix wraps) */
void mss_rw_edit_first(mss_validator_t *v, apr_off_t a, const char *s);
/* bytes held from the last commit up to @p end go out, with their edits */
void mss_rw_commit(mss_validator_t *v, apr_off_t end);
/* pass everything held and everything after unchanged */
void mss_rw_fail_open(mss_validator_t *v, const char *why);
/* the offset of the "<" that opens the tag ending at @p at, or -1 */
apr_off_t mss_rw_lt(const mss_validator_t *v, apr_off_t at);

/* Rewrite: the raw markup of content (text, comments, CDATA sections,
 * processing instructions, tags).  No "<" stands in text or attribute
 * values, but ">" may. */
typedef enum {
    MSS_RT_TEXT,
    MSS_RT_COMMENT,
    MSS_RT_CDATA,
    MSS_RT_PI,
    MSS_RT_START,
    MSS_RT_END,
    MSS_RT_EMPTY
} mss_rt_e;

/* The token of @p s (@p n bytes) that starts at @p i: its kind, and the
 * index just past it; 0 when it does not end within @p n. */
apr_size_t mss_rw_token(const char *s, apr_size_t n, apr_size_t i,
                        mss_rt_e *kind);
/* Rewrite: @p a moved back over the held whitespace before it, not below
 * @p floor (an element removed with its line) */
apr_off_t mss_rw_ws_back(const mss_validator_t *v, apr_off_t a,
                         apr_off_t floor);
/* the body bytes [a, b) when still held, or NULL */
const char *mss_rw_bytes(const mss_validator_t *v, apr_off_t a, apr_off_t b);
/* whether the held bytes [a, b) between two siblings are whitespace, or
 * text (and CDATA sections that are not whitespace) that @p rule's fix
 * removes when it is on; comments, processing instructions and whitespace
 * CDATA stay, so they keep the siblings apart */
int mss_rw_gap_goes(const mss_validator_t *v, apr_off_t a, apr_off_t b,
                    mss_rule_e rule);
/* the qualifier of the tag opening at @p lt ("P:", or "" for none), for
 * markup inserted where that tag's namespaces are in scope; or NULL */
const char *mss_rw_qual(mss_validator_t *v, apr_off_t lt);
/* the "<" of the end tag of the element that ends at @p end, or -1 when
 * it has none of its own (<P:x/>) or it is no longer held */
apr_off_t mss_rw_end_tag(const mss_validator_t *v, apr_off_t end);
/* the offset just after the name in the start tag at @p lt (where
 * attributes may go), or -1 */
apr_off_t mss_rw_after_name(const mss_validator_t *v, apr_off_t lt);
/* XML-escape @p s for element content */
const char *mss_rw_escape(apr_pool_t *p, const char *s, apr_size_t len);
/* the header decision: emits the held document-level findings */
void mss_rw_headers(mss_validator_t *v);
/* the part of feed and finish that belongs to the rewriter */
apr_status_t mss_rw_feed(mss_validator_t *v, const char *buf, apr_size_t len);
int mss_rw_room(mss_validator_t *v, apr_off_t end);
void mss_rw_finish(mss_validator_t *v);
/* a document-level finding, held (1) until the header decision */
int mss_rw_hold_doc(mss_validator_t *v, mss_rule_e rule, mss_severity_e sev,
                    unsigned long line, unsigned long col, const char *msg);
/* Rewrite: the output differs from the body (transcoded) */
void mss_rw_changed(mss_validator_t *v);
/* Rewrite results: 1 when something changed; bytes written */
int mss_rw_result(const mss_validator_t *v, apr_off_t *bytes_out);
/* the charset added to a text/xml Content-Type without one, or NULL */
const char *mss_rw_ct_charset(const mss_validator_t *v);
/* emit a finding with an explicit action (mss_validate.c) */
void mss_v_emit(mss_validator_t *v, mss_rule_e rule, mss_severity_e sev,
                unsigned long response, const char *href, apr_size_t hlen,
                unsigned long line, unsigned long col, const char *msg,
                const char *action);
/* the href fixes of rules.md 2.4 that are on (mss_check_href.c): the
 * corrected value of @p raw, or NULL when nothing changes; marks the
 * findings it fixes */
const char *mss_href_fix(mss_validator_t *v, const char *raw, apr_size_t len,
                         unsigned long line, unsigned long col);

/* mss_check_href.c: the proxy-map pair (index of its FROM) whose
 * back-end prefix @p key starts with, or -1 */
int mss_map_prefix(const mss_validator_t *v, const char *key);

/* mss_check_href.c: returns 1 when the (trimmed) href is an absolute
 * path with no escape and no dot segment, so its own canonical key */
int mss_href_checks(mss_validator_t *v, const char *raw, apr_size_t len,
                    int in_location, unsigned long line, unsigned long col);

/* mss_check_href.c, Rewrite: an absolute path of this origin in the form
 * of the earlier hrefs (absolute URI when they were absolute) */
const char *mss_href_in_form(mss_validator_t *v, const char *path);
/* mss_check_href.c, MS-HREF-SAME-FORM: @p s (@p form: an absolute path or
 * an http(s) absolute URI) in the form of the first href, or NULL when it
 * is in it already or cannot be written so (another origin; no origin) */
const char *mss_href_same_form(mss_validator_t *v, const char *s, apr_size_t n,
                               mss_href_form_e form);

/* mss_transcode.c */
typedef enum {
    MSS_TC_OFF = 0, /* the body goes on as it came */
    MSS_TC_HEAD,    /* collecting the first bytes */
    MSS_TC_ON,      /* transcoding to UTF-8 */
    MSS_TC_FAILED   /* an invalid sequence: the rest as it came */
} mss_tc_e;
apr_status_t mss_tc_feed(mss_validator_t *v, const char *buf, apr_size_t len);
apr_status_t mss_tc_finish(mss_validator_t *v);
/* mss_validate.c: bytes (UTF-8, or the body as it came) for the checker
 * and the rewriter; and a transcoding failure */
apr_status_t mss_v_feed_body(mss_validator_t *v, const char *buf,
                             apr_size_t len);
void mss_v_tc_error(mss_validator_t *v, apr_off_t at);
/* mss_validate.c: stop checking, the body is not well-formed (@p msg) */
void mss_v_malformed(mss_validator_t *v, const char *msg);

/* mss_rewrite.c: the output held for a collapse; its status and body */
void mss_rw_hold(mss_validator_t *v);
/* (mss_validator_holding, mss_validator_release: whether it holds, and
 * letting it go) */
int mss_rw_hold_over(const mss_validator_t *v);
/* no edit of the open response touches [a, b) */
int mss_rw_untouched(const mss_validator_t *v, apr_off_t a, apr_off_t b);
/* the body bytes [@p a, @p b) as they go out, in @p p, their length in
 * @p len: the edits within applied (insertions at a or b lie outside), or
 * NULL when an edit crosses a or b, a split lies there, or the bytes are
 * not held */
const char *mss_rw_bytes_out(const mss_validator_t *v, apr_pool_t *p,
                             apr_off_t a, apr_off_t b, apr_size_t *len);
void mss_rw_set_status(mss_validator_t *v, int status, const char *body);

/* mss_collapse.c */
/* 1 when @p rule's N3 collapse is asked for (--rule ID=fix) in a mode
 * that rewrites: its finding may wait for the decision */
int mss_cl_wanted(const mss_validator_t *v, mss_rule_e rule);
void mss_cl_start(mss_validator_t *v);
void mss_cl_root_child(mss_validator_t *v);
void mss_cl_response(mss_validator_t *v);
/* at the document's end: report @p rule's finding (@p index: its
 * response, 0 = the document), and collapse the 207 under it when it
 * can; 1 when collapsed */
int mss_cl_report(mss_validator_t *v, mss_rule_e rule, unsigned long index,
                  unsigned long line, unsigned long col, const char *msg);
void mss_cl_flush(mss_validator_t *v);

/* mss_rebind.c */
int mss_rb_w(const mss_validator_t *v, const char *uri);
int mss_rb_rebound(mss_validator_t *v, apr_off_t tag, unsigned int d);
/* the root {uri}multistatus, its start tag ending at @p tag: 1 when the
 * rebinding starts (v->rb) */
int mss_rb_root(mss_validator_t *v, const char *uri, apr_off_t tag);
void mss_rb_boundary(mss_validator_t *v, apr_off_t tag, unsigned int d);

/* mss_merge.c */
void mss_mg_response_start(mss_validator_t *v, int nattrs);
void mss_mg_propstat(mss_validator_t *v);
void mss_mg_root_child(mss_validator_t *v, apr_off_t lt, int response);
int mss_mg_try(mss_validator_t *v, apr_off_t end);
void mss_mg_commit(mss_validator_t *v, apr_off_t end);
void mss_mg_release(mss_validator_t *v);
#define MSS_CL_DEPTH0                                                          \
    "207 to a Depth: 0 LOCK, which locks only the Request-URI (RFC 4918 "      \
    "9.10.3): a plain status fits"

/* mss_check_method.c */
void mss_method_create(mss_validator_t *v);
void mss_method_propstat(mss_validator_t *v);
void mss_method_response(mss_validator_t *v);
/* CM-423-ERROR for the open response, whose entry has status @p code */
void mss_method_423(mss_validator_t *v, int code);
/* Rewrite, MS-HREF-UNIQUE: the response that ends becomes a status-form
 * response with @p code (MS-PROPSTAT-METHOD, MS-RESPONSE-FORM): 1 when it
 * has one href and an earlier status-form response listed it with that
 * status (it can go); else its hrefs are remembered as such, 0 */
int mss_method_sf_merge(mss_validator_t *v, int code);
void mss_method_document(mss_validator_t *v);
void mss_method_note_href(mss_validator_t *v, const char *href);
/* A response href has ended (@p h complete): for a plain one, its digest
 * now, so that its slot in the href set arrives before the response ends
 * (the set of a large body is far from the cache) */
void mss_method_href(mss_validator_t *v, href_t *h);

#endif /* MSS_STATE_H */
