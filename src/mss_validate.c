/*
 * mss_validate.c: the validator.  It receives namespace-resolved events
 * from mss_xml.c and checks the multistatus grammar of RFC 4918 14 as
 * relaxed by 17 (rules.md 2.3), status lines, location and error elements,
 * and the header rules.
 *
 * The content model is data, not nested ifs (the neon ne_207.c model): an
 * element-name map gives each element an id, and a transition table says,
 * for a parent context and a child id, which context the child opens and
 * which rule (if any) its presence breaks.  Elements are matched by
 * namespace name and local name, never by prefix.
 *
 * State is bounded: an element stack of max_depth frames, one text buffer
 * of max_text bytes (text is kept only for href and status), the current
 * response's counters, and its pending violations (at most
 * max_violations).  Violations found inside a response are queued and
 * reported at its end, so that each carries the response's href; the order
 * of reports depends only on the body, never on how it was split.
 */
#include <string.h>
#include <strings.h>

#include <apr_strings.h>

#include "mss_state.h"

#define DAV_NS "DAV:"
#define CALDAV_NS "urn:ietf:params:xml:ns:caldav"
#define CARDDAV_NS "urn:ietf:params:xml:ns:carddav"
#define ESCAPE_CAP 256

/* ---- element ids -------------------------------------------------- */

typedef enum {
    E_MULTISTATUS,
    E_RESPONSE,
    E_HREF,
    E_STATUS,
    E_PROPSTAT,
    E_PROP,
    E_ERROR,
    E_RESPONSEDESCRIPTION,
    E_LOCATION,
    E_SYNC_TOKEN,   /* RFC 6578 6.4: a child of multistatus */
    E_QUERY_SCHEMA, /* RFC 5323 3: a child of response */
    E_CONDITION,    /* a known precondition/postcondition name */
    E_DAV_OTHER,    /* any other name in DAV: */
    E_FOREIGN,      /* any other namespace (or none) */
    E__COUNT
} elem_e;

typedef struct {
    const char *local;
    elem_e id;
} name_map_t;

/* RFC 4918 14 element names used by the multistatus grammar. */
static const name_map_t dav_names[] = {
    {"multistatus", E_MULTISTATUS},
    {"response", E_RESPONSE},
    {"href", E_HREF},
    {"status", E_STATUS},
    {"propstat", E_PROPSTAT},
    {"prop", E_PROP},
    {"error", E_ERROR},
    {"responsedescription", E_RESPONSEDESCRIPTION},
    {"location", E_LOCATION},
    {"sync-token", E_SYNC_TOKEN},
    {"query-schema", E_QUERY_SCHEMA},
    {NULL, E_DAV_OTHER}};

/* Condition names in DAV: (RFC 4918 16; RFC 3253; RFC 3744 7.1.1, 8.1.1,
 * 9; RFC 6578 3.2-3.3; RFC 5323 2.2.2; RFC 5689 3.3; RFC 4791 5.3.1).
 * Only consulted for direct children of response and propstat, where no
 * property can stand, so names shared with properties do no harm. */
static const char *const dav_conditions[] = {
    /* RFC 4918 16 */
    "lock-token-matches-request-uri", "lock-token-submitted",
    "no-conflicting-lock", "no-external-entities", "preserved-live-properties",
    "propfind-finite-depth", "cannot-modify-protected-property",
    /* RFC 3744 */
    "need-privileges", "no-ace-conflict", "no-protected-ace-conflict",
    "no-inherited-ace-conflict", "limited-number-of-aces", "deny-before-grant",
    "grant-only", "no-invert", "no-abstract", "not-supported-privilege",
    "missing-required-principal", "recognized-principal", "allowed-principal",
    "number-of-matches-within-limits",
    /* RFC 6578, RFC 5323, RFC 5689, RFC 4791 5.3.1 */
    "valid-sync-token", "sync-traversal-supported",
    "search-grammar-discovery-supported", "search-grammar-supported",
    "search-multiple-scope-supported", "search-scope-valid",
    "valid-resourcetype", "needs-privilege",
    /* RFC 3253 */
    "put-under-version-control", "must-not-change-existing-checked-in-out",
    "supported-report", "no-modification",
    "cannot-modify-version-controlled-content", "cannot-modify-version",
    "auto-checkout", "auto-checkout-checkin", "supported-live-property",
    "cannot-modify-version-controlled-property", "no-version-delete",
    "update-predecessor-set", "must-not-copy-versioning-property",
    "copy-creates-new-resource", "cannot-rename-version",
    "preserve-versioning-properties", "version-history-is-tree", "auto-checkin",
    "must-be-checked-in", "checkout-of-version-with-descendant-is-forbidden",
    "checkout-of-version-with-descendant-is-discouraged",
    "checkout-of-checked-out-version-is-forbidden",
    "checkout-of-checked-out-version-is-discouraged", "is-checked-out",
    "initialize-predecessor-set", "must-be-checked-out",
    "checkin-fork-forbidden", "checkin-fork-discouraged", "create-version",
    "initialize-version-content-and-properties", "checked-in",
    "keep-checked-out", "must-be-checked-out-version-controlled-resource",
    "cancel-checked-out", "restore-content-and-dead-properties",
    "must-be-version-history", "delete-version-set", "version-history-has-root",
    "cannot-copy-history", "cannot-rename-history", "new-version-history",
    "add-to-history", "resource-must-be-null", "workspace-location-ok",
    "initialize-workspace", "delete-workspace-members",
    "workspace-member-moved", "workspace-moved",
    "cannot-add-to-existing-history", "must-be-version",
    "one-version-controlled-resource-per-history-per-workspace",
    "new-version-controlled-resource", "update-content-and-properties",
    "report-properties", "must-select-version-in-history",
    "add-must-be-new-label", "label-must-exist", "add-or-set-label",
    "remove-label", "apply-request-to-labeled-version",
    "must-not-have-label-and-apply-to-version", "depth-update",
    "create-working-resource",
    "create-working-resource-from-checked-in-version",
    "no-overwrite-by-auto-update", "auto-update", "delete-working-resource",
    "cannot-rename-working-resource", "update-auto-update",
    "cannot-merge-checked-out-resource", "checkout-not-allowed",
    "ancestor-version", "descendant-version", "checked-out-for-merge",
    "update-merge-set", "delete-version-reference", "merge-must-be-complete",
    "version-controlled-configuration-must-not-exist", "must-be-baseline",
    "must-have-no-version-controlled-members",
    "one-baseline-controlled-collection-per-history-per-workspace",
    "create-version-controlled-configuration",
    "reference-version-controlled-configuration", "select-existing-baseline",
    "create-new-baseline", "baselines-from-same-history",
    "must-not-update-baseline-collection",
    "no-checked-out-baseline-controlled-collection-members",
    "one-version-per-history-per-baseline",
    "cannot-modify-version-controlled-configuration",
    "create-baseline-collection", "modify-configuration",
    "baseline-controlled-members-must-be-checked-in",
    "set-baseline-controlled-collection-members", "update-subbaselines",
    "merge-baseline", "merge-subbaselines", "activity-location-ok",
    "initialize-activity", "must-be-activity", "delete-activity-reference",
    "update-checked-out-reference", "update-activity-reference",
    "update-workspace-reference", "one-checkout-per-activity-per-history",
    "linear-activity", "initialize-activity-set", "initialize-unreserved",
    "atomic-activity-checkin", "activity-checkin", "checkin-activity",
    "cannot-modify-checked-in-parent", "cannot-copy-collection-version",
    "cannot-modify-destination-checked-in-parent",
    "new-version-controlled-collection", "initialize-version-history-bindings",
    "initialize-version-controlled-bindings",
    "version-control-working-collection-members",
    "update-version-controlled-collection-members", NULL};

/* RFC 4791 (CalDAV) conditions. */
static const char *const caldav_conditions[] = {
    "valid-calendar-data",
    "calendar-collection-location-ok",
    "initialize-calendar-collection",
    "supported-calendar-data",
    "valid-calendar-object-resource",
    "supported-calendar-component",
    "no-uid-conflict",
    "max-resource-size",
    "min-date-time",
    "max-date-time",
    "max-instances",
    "max-attendees-per-instance",
    "valid-filter",
    "supported-filter",
    "supported-collation",
    NULL};

/* RFC 6352 (CardDAV) conditions. */
static const char *const carddav_conditions[] = {
    "supported-address-data-conversion",
    "supported-address-data",
    "valid-address-data",
    "no-uid-conflict",
    "addressbook-collection-location-ok",
    "max-resource-size",
    "supported-filter",
    "supported-collation",
    NULL};

/* Conditions whose definition names the status they go with: RFC 4918 16
 * ("Use with"), RFC 3744 7.1.1 (need-privileges: 403), RFC 6578 3.6 and
 * RFC 6352 8.6.2 (number-of-matches-within-limits: 507).  Conditions that
 * RFC 3253 and others reuse with 403 or 409 alike are not listed. */
static const struct {
    const char *name;
    int code;
} use_with[] = {{"lock-token-submitted", 423},
                {"no-conflicting-lock", 423},
                {"lock-token-matches-request-uri", 409},
                {"no-external-entities", 403},
                {"preserved-live-properties", 409},
                {"propfind-finite-depth", 403},
                {"need-privileges", 403},
                {"number-of-matches-within-limits", 507},
                {NULL, 0}};

static int in_list(const char *const *l, const char *s)
{
    for (; *l != NULL; l++) {
        if (strcmp(*l, s) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The element id of {uri}local.  Condition names are looked up only when
 * @p conditions is set (children of response and propstat): that list is
 * long, and property elements, the bulk of a body, never need it. */
static elem_e classify(mss_validator_t *v, const char *uri, const char *local,
                       int conditions);

/* ---- contexts and the content model ------------------------------- */

typedef enum {
    C_DOC,         /* before the root */
    C_MULTISTATUS, /* the root */
    C_RESPONSE,    /* a top-level response */
    C_PROPSTAT,
    C_PROP,
    C_PROPERTY, /* a property element: its name, whether it has a value */
    C_ERROR,
    C_CONDITION, /* a child of error */
    C_TEXT,      /* href, status, responsedescription, sync-token */
    C_LOCATION,
    C_IGNORE, /* foreign or misplaced subtree */
    C__COUNT
} ctx_e;

/* What a child opens, and what its presence breaks. */
typedef struct {
    unsigned char ctx;  /* ctx_e */
    signed char rule;   /* mss_rule_e, or -1 */
    unsigned char role; /* T_* for C_TEXT children */
} move_t;

enum { T_NONE, T_HREF, T_STATUS, T_DESC, T_TOKEN, T_CHREF };

#define OK(c)                                                                  \
    {                                                                          \
        (c), -1, T_NONE                                                        \
    }
#define TX(t)                                                                  \
    {                                                                          \
        C_TEXT, -1, (t)                                                        \
    }
#define BAD(c, r)                                                              \
    {                                                                          \
        (c), MSS_R_##r, T_NONE                                                 \
    }

/* RFC 4918 14.16 multistatus (response*, responsedescription?) plus
 * sync-token (RFC 6578 6.4); 14.24 response; 14.22 propstat; 14.9
 * location; 17 lets foreign elements in anywhere element-only.  Rows are
 * parent contexts, columns the elem_e ids. */
static const move_t model[C__COUNT][E__COUNT] =
    {
        [C_MULTISTATUS] =
            {
                [E_MULTISTATUS] = BAD(C_IGNORE, MS_MULTISTATUS_CHILDREN),
                [E_RESPONSE] = OK(C_RESPONSE),
                [E_HREF] = BAD(C_IGNORE, MS_MULTISTATUS_CHILDREN),
                [E_STATUS] = BAD(C_IGNORE, MS_MULTISTATUS_CHILDREN),
                [E_PROPSTAT] = BAD(C_IGNORE, MS_MULTISTATUS_CHILDREN),
                [E_PROP] = BAD(C_IGNORE, MS_MULTISTATUS_CHILDREN),
                [E_ERROR] = BAD(C_IGNORE, MS_MULTISTATUS_CHILDREN),
                [E_RESPONSEDESCRIPTION] = TX(T_DESC),
                [E_LOCATION] = BAD(C_IGNORE, MS_MULTISTATUS_CHILDREN),
                [E_SYNC_TOKEN] = TX(T_TOKEN),
                [E_QUERY_SCHEMA] = BAD(C_IGNORE, MS_MULTISTATUS_CHILDREN),
                [E_CONDITION] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_DAV_OTHER] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_FOREIGN] = OK(C_IGNORE),
            },
        [C_RESPONSE] =
            {
                [E_MULTISTATUS] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_RESPONSE] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_HREF] = TX(T_HREF),
                [E_STATUS] = TX(T_STATUS),
                [E_PROPSTAT] = OK(C_PROPSTAT),
                [E_PROP] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_ERROR] = OK(C_ERROR),
                [E_RESPONSEDESCRIPTION] = TX(T_DESC),
                [E_LOCATION] = OK(C_LOCATION),
                [E_SYNC_TOKEN] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_QUERY_SCHEMA] = OK(C_IGNORE),
                [E_CONDITION] = BAD(C_CONDITION, MS_ERR_PLACEMENT),
                [E_DAV_OTHER] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_FOREIGN] = OK(C_IGNORE),
            },
        [C_PROPSTAT] =
            {
                [E_MULTISTATUS] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_RESPONSE] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_HREF] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_STATUS] = TX(T_STATUS),
                [E_PROPSTAT] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_PROP] = OK(C_PROP),
                [E_ERROR] = OK(C_ERROR),
                [E_RESPONSEDESCRIPTION] = TX(T_DESC),
                [E_LOCATION] = BAD(C_LOCATION, MS_LOC_STATUS),
                [E_SYNC_TOKEN] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_QUERY_SCHEMA] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_CONDITION] = BAD(C_CONDITION, MS_ERR_PLACEMENT),
                [E_DAV_OTHER] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_FOREIGN] = OK(C_IGNORE),
            },
        [C_LOCATION] =
            {
                [E_MULTISTATUS] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_RESPONSE] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_HREF] = TX(T_HREF),
                [E_STATUS] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_PROPSTAT] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_PROP] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_ERROR] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_RESPONSEDESCRIPTION] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_LOCATION] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_SYNC_TOKEN] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_QUERY_SCHEMA] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_CONDITION] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_DAV_OTHER] = BAD(C_IGNORE, MS_EXTENSIONS),
                [E_FOREIGN] = OK(C_IGNORE),
            },
};

static int is_dav(mss_validator_t *v, const char *uri)
{
    /* libxml2 interns namespace names in the parser's dictionary, so one
     * pointer comparison usually settles it */
    if (uri == NULL) {
        return 0;
    }
    if (uri == v->dav_uri) {
        return 1;
    }
    if (strcmp(uri, DAV_NS) == 0) {
        v->dav_uri = uri;
        return 1;
    }
    return 0;
}

static elem_e classify(mss_validator_t *v, const char *uri, const char *local,
                       int conditions)
{
    const name_map_t *m;

    if (is_dav(v, uri)) {
        /* libxml2 interns local names in the parser's dictionary, which
         * lives as long as the validator: a name seen before is found by
         * its pointer */
        apr_size_t slot = ((apr_uintptr_t)local >> 3) & 15;
        elem_e id = E_DAV_OTHER;

        if (v->dav_names[slot].local == local) {
            id = (elem_e)v->dav_names[slot].id;
        }
        else {
            for (m = dav_names; m->local != NULL; m++) {
                if (m->local[0] == local[0] && strcmp(m->local, local) == 0) {
                    id = m->id;
                    break;
                }
            }
            v->dav_names[slot].local = local;
            v->dav_names[slot].id = (unsigned char)id;
        }
        if (id != E_DAV_OTHER) {
            return id;
        }
        return conditions && in_list(dav_conditions, local) ? E_CONDITION
                                                            : E_DAV_OTHER;
    }
    if (conditions && uri != NULL
        && ((strcmp(uri, CALDAV_NS) == 0 && in_list(caldav_conditions, local))
            || (strcmp(uri, CARDDAV_NS) == 0
                && in_list(carddav_conditions, local)))) {
        return E_CONDITION;
    }
    return E_FOREIGN;
}

/* ---- reporting ---------------------------------------------------- */

static int rule_enabled(const mss_validator_t *v, mss_rule_e rule)
{
    return v->opts.rule_action[rule] != MSS_ACTION_OFF;
}

void mss_v_emit(mss_validator_t *v, mss_rule_e rule, mss_severity_e sev,
                unsigned long response, const char *href, apr_size_t hlen,
                unsigned long line, unsigned long col, const char *msg,
                const char *action)
{
    mss_violation_t rec;
    apr_status_t rv;

    /* Reject mode: a rule set to reject decides the body's fate, whether
     * or not its report fits under the violations limit */
    int rejects = v->opts.mode == MSS_MODE_REJECT
                  && v->opts.rule_action[rule] == MSS_ACTION_REJECT;

    v->violations++;
    if (action != NULL) {
        rejects = 0; /* fixed or dropped: nothing left to reject */
        v->fixed++;
    }
    if (rejects) {
        v->rejected++;
    }
    if (v->reported >= v->opts.max_violations) {
        v->suppressed++;
        return;
    }
    v->reported++;
    rec.rule = mss_rule_info(rule);
    rec.severity = sev;
    rec.response = response;
    rec.href =
        href != NULL ? mss_escape(v->rpool, href, hlen, ESCAPE_CAP) : NULL;
    rec.line = line;
    rec.col = col;
    rec.message = msg;
    rec.action = action != NULL ? action : rejects ? "rejected" : "logged";
    rv = v->report(v->baton, &rec);
    if (rv != APR_SUCCESS && v->cb_status == APR_SUCCESS) {
        v->cb_status = rv;
        mss_xml_stop(v->xml);
    }
}

static void emit(mss_validator_t *v, mss_rule_e rule, mss_severity_e sev,
                 unsigned long response, const char *href, apr_size_t hlen,
                 unsigned long line, unsigned long col, const char *msg)
{
    mss_v_emit(v, rule, sev, response, href, hlen, line, col, msg, NULL);
}

/* A document-level violation, reported at once (Rewrite: held until the
 * header decision, which settles whether it is fixed). */
void mss_v_doc(mss_validator_t *v, mss_rule_e rule, mss_severity_e sev,
               unsigned long line, unsigned long col, const char *msg)
{
    if (v->doc_defer && rule_enabled(v, rule)) {
        /* another status than 207: ours only if the root is a
         * multistatus (LOCK-2518-409); until then, held */
        mss_v_queue(v->pool, &v->qhead, &v->qtail, rule, sev, line, col, msg);
        return;
    }
    if (rule_enabled(v, rule)
        && !(v->rw != NULL && mss_rw_hold_doc(v, rule, sev, line, col, msg))) {
        emit(v, rule, sev, 0, NULL, 0, line, col, msg);
    }
}

void mss_v_at(mss_validator_t *v, mss_rule_e rule, mss_severity_e sev,
              unsigned long index, unsigned long line, unsigned long col,
              const char *msg)
{
    if (rule_enabled(v, rule)) {
        emit(v, rule, sev, index, NULL, 0, line, col, msg);
    }
}

static mss_severity_e sev_of(mss_rule_e rule)
{
    return mss_rule_info(rule)->severity;
}

/* A document-level violation whose fix was applied (Rewrite). */
static void doc_fixed(mss_validator_t *v, mss_rule_e rule, unsigned long line,
                      unsigned long col, const char *msg)
{
    if (!rule_enabled(v, rule)) {
        return;
    }
    if (mss_rw_hold_doc(v, rule, sev_of(rule), line, col, msg)) {
        v->dtail->action = "fixed";
        return;
    }
    mss_v_emit(v, rule, sev_of(rule), 0, NULL, 0, line, col, msg, "fixed");
}

void mss_v_queue(apr_pool_t *p, pending_t **head, pending_t **tail,
                 mss_rule_e rule, mss_severity_e sev, unsigned long line,
                 unsigned long col, const char *msg)
{
    pending_t *pv = apr_palloc(p, sizeof(*pv));

    pv->rule = rule;
    pv->sev = sev;
    pv->line = line;
    pv->col = col;
    pv->msg = msg;
    pv->action = NULL;
    pv->next = NULL;
    if (*tail != NULL) {
        (*tail)->next = pv;
    }
    else {
        *head = pv;
    }
    *tail = pv;
}

/* A violation inside the current response: queued until its end. */
void mss_v_violation_sev(mss_validator_t *v, mss_rule_e rule,
                         mss_severity_e sev, unsigned long line,
                         unsigned long col, const char *msg)
{
    if (!rule_enabled(v, rule)) {
        return;
    }
    if (!v->in_response) {
        mss_v_doc(v, rule, sev, line, col, msg);
        return;
    }
    mss_v_queue(v->rpool, &v->resp.head, &v->resp.tail, rule, sev, line, col,
                msg);
}

/* Where a violation is reported: in the response, or for the document. */
void mss_v_violation(mss_validator_t *v, mss_rule_e rule, unsigned long line,
                     unsigned long col, const char *msg)
{
    mss_v_violation_sev(v, rule, sev_of(rule), line, col, msg);
}

static void flush_response(mss_validator_t *v)
{
    pending_t *pv;

    for (pv = v->resp.head; pv != NULL; pv = pv->next) {
        mss_v_emit(v, pv->rule, pv->sev, v->resp.index, v->resp.href,
                   v->resp.href_len, pv->line, pv->col, pv->msg,
                   !v->resp.dropping          ? pv->action
                   : pv->rule == v->resp.drop ? "dropped"
                                              : NULL);
    }
    v->resp.head = v->resp.tail = NULL;
}

void mss_v_mark(mss_validator_t *v, mss_rule_e rule, unsigned long line,
                unsigned long col, const char *action)
{
    pending_t *pv;

    for (pv = v->resp.head; pv != NULL; pv = pv->next) {
        if (pv->rule == rule
            && ((line == 0 && col == 0)
                || (pv->line == line && pv->col == col))) {
            pv->action = action;
        }
    }
}

/* Rewrite: the finding just queued for @p rule was fixed. */
void mss_v_mark_last(mss_validator_t *v, mss_rule_e rule)
{
    if (v->resp.tail != NULL && v->resp.tail->rule == rule) {
        v->resp.tail->action = "fixed";
    }
}

/* Checking stops inside a response: report what it found so far (its
 * end-of-response checks cannot run on a partial response). */
static void abandon_response(mss_validator_t *v)
{
    if (v->in_response) {
        pending_t *pv;

        /* its fixes are never applied: the rewriter fails open */
        for (pv = v->resp.head; pv != NULL; pv = pv->next) {
            pv->action = NULL;
        }
        v->resp.dropping = 0;
        flush_response(v);
        v->in_response = 0;
        v->in_propstat = 0;
    }
}

/* Stop checking: the rest of the body is only counted. */
static void stop_checking(mss_validator_t *v, mss_outcome_e why,
                          unsigned long line, unsigned long col)
{
    if (v->stop == MSS_OUTCOME_CLEAN) {
        v->stop = why;
        v->stop_line = line;
        v->stop_col = col;
    }
    mss_xml_stop(v->xml);
    if (v->rw != NULL) {
        mss_rw_fail_open(v, NULL);
    }
}

/* ---- helpers ------------------------------------------------------ */

static const char *req_header(const mss_validator_t *v, const char *name)
{
    return v->req_headers != NULL ? apr_table_get(v->req_headers, name) : NULL;
}

static const char *resp_header(const mss_validator_t *v, const char *name)
{
    return v->resp_headers != NULL ? apr_table_get(v->resp_headers, name)
                                   : NULL;
}

/* A list-valued field: every field line of that name, joined with ", "
 * (RFC 9110 5.2, 5.3). */
static const char *resp_list(const mss_validator_t *v, const char *name)
{
    return v->resp_headers != NULL
               ? apr_table_getm(v->pool, v->resp_headers, name)
               : NULL;
}

static const char *req_list(const mss_validator_t *v, const char *name)
{
    return v->req_headers != NULL
               ? apr_table_getm(v->pool, v->req_headers, name)
               : NULL;
}

int mss_v_method_is(const mss_validator_t *v, const char *m)
{
    return strcmp(v->method, m) == 0;
}

const char *mss_v_esc(mss_validator_t *v, const char *s, apr_size_t len)
{
    return mss_escape(v->rpool, s, len, 128);
}

/* 300-303, 305, 307 (RFC 4918 13.2), and 308 treated like 307. */
static int is_redirect(int code)
{
    return code == 300 || code == 301 || code == 302 || code == 303
           || code == 305 || code == 307 || code == 308;
}

/* ---- header rules (rules.md 2.1), at the first body byte ---------- */

static void header_rules(mss_validator_t *v, int has_body)
{
    const char *ct;
    const char *cc;
    const char *exp;

    if (v->resp_headers == NULL) {
        return; /* headers unknown (CLI without -H): nothing to judge */
    }
    ct = resp_header(v, "Content-Type");
    v->media_type = mss_ct_media_type(v->pool, ct);
    v->charset = mss_ct_param(v->pool, ct, "charset");

    /* HDR-CT-XML, HDR-CT-APPXML: RFC 4918 8.2 */
    if (has_body) {
        const char *mt = v->media_type;

        if (mt == NULL) {
            mss_v_doc(v, MSS_R_HDR_CT_XML, MSS_SEV_WARN, 0, 0,
                      "207 body without a Content-Type (RFC 4918 8.2: "
                      "application/xml or text/xml)");
        }
        else if (strcmp(mt, "text/xml") == 0) {
            mss_v_doc(v, MSS_R_HDR_CT_APPXML, sev_of(MSS_R_HDR_CT_APPXML), 0, 0,
                      "Content-Type text/xml is deprecated; "
                      "application/xml SHOULD be used (RFC 4918 8.2)");
            if (v->charset == NULL) {
                v->scan_ascii = 1;
            }
        }
        else if (strcmp(mt, "application/xml") != 0) {
            size_t n = strlen(mt);

            if (strncmp(mt, "application/", 12) == 0 && n > 4
                && strcmp(mt + n - 4, "+xml") == 0) {
                mss_v_doc(v, MSS_R_HDR_CT_XML, MSS_SEV_WARN, 0, 0,
                          apr_psprintf(v->pool,
                                       "Content-Type %s is not named "
                                       "by RFC 4918 8.2",
                                       mss_v_esc(v, mt, n)));
            }
            else {
                mss_v_doc(v, MSS_R_HDR_CT_XML, MSS_SEV_WARN, 0, 0,
                          apr_psprintf(v->pool,
                                       "Content-Type %s is not an XML "
                                       "media type (RFC 4918 8.2)",
                                       mss_v_esc(v, mt, n)));
            }
        }
    }

    /* HDR-LOCATION: RFC 4918 13.1, RFC 3253 11.2 */
    if (v->m == MSS_M_MERGE) {
        if (resp_header(v, "Location") == NULL) {
            mss_v_doc(v, MSS_R_HDR_LOCATION, MSS_SEV_INFO, 0, 0,
                      "MERGE 207 without Location (RFC 3253 11.2 "
                      "requires it)");
        }
    }
    else if (resp_header(v, "Location") != NULL) {
        mss_v_doc(v, MSS_R_HDR_LOCATION, MSS_SEV_INFO, 0, 0,
                  "Location on a 207 has no defined meaning "
                  "(RFC 4918 13.1)");
    }

    cc = resp_list(v, "Cache-Control");
    /* HDR-DELTAV-NOCACHE: RFC 3253 7.1, 8.2, 11.2 */
    if (((v->m == MSS_M_UPDATE) || (v->m == MSS_M_LABEL)
         || (v->m == MSS_M_MERGE))
        && !mss_list_has(cc, "no-cache", 0)) {
        mss_v_doc(v, MSS_R_HDR_DELTAV_NOCACHE, sev_of(MSS_R_HDR_DELTAV_NOCACHE),
                  0, 0,
                  apr_psprintf(v->pool,
                               "%s 207 without Cache-Control: no-cache "
                               "(RFC 3253)",
                               v->method));
    }

    /* PF-NO-CACHE: RFC 4918 9.1, the results SHOULD NOT be cached */
    if (v->m == MSS_M_PROPFIND) {
        const char *why = NULL;
        long ma = mss_cc_delta(cc, "max-age");
        long sma = mss_cc_delta(cc, "s-maxage");

        if (mss_list_has(cc, "public", 0)) {
            why = "Cache-Control: public";
        }
        else if (ma > 0) {
            why = "Cache-Control: max-age > 0";
        }
        else if (sma > 0) {
            why = "Cache-Control: s-maxage > 0";
        }
        else if (mss_list_has(cc, "immutable", 0)) {
            why = "Cache-Control: immutable";
        }
        else if (ma < 0 && sma < 0
                 && (exp = resp_header(v, "Expires")) != NULL) {
            /* RFC 9111 5.3: max-age (and s-maxage) override Expires; an
             * invalid date means "already expired" */
            apr_time_t t = mss_http_date(exp);

            if (t > v->now) {
                why = "an Expires date in the future";
            }
        }
        if (why != NULL) {
            mss_v_doc(v, MSS_R_PF_NO_CACHE, sev_of(MSS_R_PF_NO_CACHE), 0, 0,
                      apr_psprintf(v->pool,
                                   "PROPFIND 207 made cacheable by %s "
                                   "(RFC 4918 9.1)",
                                   why));
        }
    }
}

/* ---- encoding rules, once the XML declaration is known ------------ */

static int charset_compatible(const char *a, const char *b)
{
    if (strcmp(a, b) == 0) {
        return 1;
    }
    /* "UTF-16" names the family whose byte order the BOM gives */
    if ((strcmp(a, "utf16") == 0 && strncmp(b, "utf16", 5) == 0)
        || (strcmp(b, "utf16") == 0 && strncmp(a, "utf16", 5) == 0)) {
        return 1;
    }
    return 0;
}

static void on_start_document(void *baton, const char *declared)
{
    mss_validator_t *v = baton;
    const char *bom = NULL;
    const char *param = NULL;
    const char *decl = NULL;
    const char *eff;

    if (v->tc_state == MSS_TC_ON || v->tc_state == MSS_TC_FAILED) {
        /* transcoded: the labels of the body as it came */
        bom = v->tc_bom;
        declared = v->tc_decl_raw;
    }
    else if (v->nhead >= 3 && v->head[0] == 0xEF && v->head[1] == 0xBB
             && v->head[2] == 0xBF) {
        bom = "utf8";
    }
    else if (v->nhead >= 2 && v->head[0] == 0xFF && v->head[1] == 0xFE) {
        bom = "utf16le";
    }
    else if (v->nhead >= 2 && v->head[0] == 0xFE && v->head[1] == 0xFF) {
        bom = "utf16be";
    }
    if (v->charset != NULL) {
        param = mss_charset_norm(v->pool, v->charset);
    }
    if (declared != NULL) {
        decl = mss_charset_norm(v->pool, declared);
    }

    /* HDR-CHARSET: RFC 7303 3.2 orders BOM, charset, declaration; they
     * should not disagree */
    if (bom != NULL && param != NULL && !charset_compatible(bom, param)) {
        mss_v_doc(v, MSS_R_HDR_CHARSET, sev_of(MSS_R_HDR_CHARSET), 0, 0,
                  apr_psprintf(v->pool,
                               "byte order mark says %s but the "
                               "charset parameter says %s",
                               bom,
                               mss_v_esc(v, v->charset, strlen(v->charset))));
    }
    else if (bom != NULL && decl != NULL && !charset_compatible(bom, decl)) {
        mss_v_doc(v, MSS_R_HDR_CHARSET, sev_of(MSS_R_HDR_CHARSET), 0, 0,
                  apr_psprintf(v->pool,
                               "byte order mark says %s but the XML "
                               "declaration says %s",
                               bom, mss_v_esc(v, declared, strlen(declared))));
    }
    else if (param != NULL && decl != NULL
             && !charset_compatible(param, decl)) {
        mss_v_doc(v, MSS_R_HDR_CHARSET, sev_of(MSS_R_HDR_CHARSET), 0, 0,
                  apr_psprintf(v->pool,
                               "charset parameter %s disagrees with "
                               "the XML declaration's %s (RFC 7303 3.2)",
                               mss_v_esc(v, v->charset, strlen(v->charset)),
                               mss_v_esc(v, declared, strlen(declared))));
    }

    /* HDR-ENCODING-UTF: RFC 4918 19; the effective encoding by RFC 7303
     * 3.2 precedence */
    eff = bom != NULL ? bom : param != NULL ? param : decl;
    if (bom == NULL && v->resp_headers == NULL) {
        /* headers unknown: an unseen charset parameter would override the
         * declaration (RFC 7303 3.2), so the encoding is not known */
        eff = NULL;
    }
    v->bom = bom;
    v->decl_enc = decl;
    v->eff_enc = eff;
    if (eff != NULL && strcmp(eff, "utf8") != 0 && strncmp(eff, "utf16", 5) != 0
        && strcmp(eff, "usascii") != 0) {
        mss_v_doc(v, MSS_R_HDR_ENCODING_UTF, sev_of(MSS_R_HDR_ENCODING_UTF), 0,
                  0,
                  apr_psprintf(v->pool,
                               "body encoding %s is neither UTF-8 nor "
                               "UTF-16 (RFC 4918 19)",
                               mss_v_esc(v, eff, strlen(eff))));
    }
}

/* ---- XML events --------------------------------------------------- */

static void on_doctype(void *baton, const char *name, unsigned long line,
                       unsigned long col)
{
    mss_validator_t *v = baton;

    v->doctype_off = mss_xml_offset(v->xml);
    mss_v_doc(v, MSS_R_XML_NO_DTD, sev_of(MSS_R_XML_NO_DTD), line, col,
              apr_psprintf(v->pool,
                           "DOCTYPE %s: recipients MUST NOT validate "
                           "against a DTD (RFC 4918 17)",
                           mss_v_esc(v, name, strlen(name))));
}

static void on_declaration(void *baton, const char *what, const char *name,
                           unsigned long line, unsigned long col)
{
    mss_validator_t *v = baton;

    abandon_response(v);
    mss_v_doc(v, MSS_R_XML_NO_DTD, sev_of(MSS_R_XML_NO_DTD), line, col,
              apr_psprintf(v->pool,
                           "%s %s in the DOCTYPE: never expanded or "
                           "applied (RFC 4918 20.6); checking stopped",
                           what, mss_v_esc(v, name, strlen(name))));
    stop_checking(v, MSS_OUTCOME_MALFORMED, line, col);
}

static void on_error(void *baton, const char *msg, unsigned long line,
                     unsigned long col);

void mss_v_malformed(mss_validator_t *v, const char *msg)
{
    unsigned long line;
    unsigned long col;

    if (v->stop == MSS_OUTCOME_CLEAN && v->cb_status == APR_SUCCESS) {
        mss_xml_position(v->xml, &line, &col);
        on_error(v, msg, line, col);
    }
}

void mss_v_tc_error(mss_validator_t *v, apr_off_t at)
{
    const char *why =
        apr_psprintf(v->pool,
                     "the body is not valid %s at byte %" APR_OFF_T_FMT
                     ": from there it is passed on as it came",
                     v->tc_from, at);

    if (v->rw != NULL) {
        mss_rw_fail_open(v, why);
    }
    mss_v_malformed(v, apr_psprintf(v->pool,
                                    "a byte sequence that is not %s at byte "
                                    "%" APR_OFF_T_FMT " of the body",
                                    v->tc_from, at));
}

static void on_error(void *baton, const char *msg, unsigned long line,
                     unsigned long col)
{
    mss_validator_t *v = baton;

    abandon_response(v);
    mss_v_doc(v, MSS_R_XML_WELLFORMED, sev_of(MSS_R_XML_WELLFORMED), line, col,
              apr_psprintf(v->pool,
                           "not well-formed: %s; checking stopped "
                           "(RFC 4918 8.2)",
                           mss_v_esc(v, msg, strlen(msg))));
    stop_checking(v, MSS_OUTCOME_MALFORMED, line, col);
}

/* A limit was reached: with @p stop, checking ends here (reported at
 * once); otherwise one value goes unchecked (reported with its response). */
static void limit(mss_validator_t *v, unsigned long line, unsigned long col,
                  const char *msg, int stop)
{
    v->limit_hit = 1;
    if (stop) {
        abandon_response(v);
        mss_v_doc(v, MSS_R_RW_LIMITS, MSS_SEV_WARN, line, col, msg);
        stop_checking(v, MSS_OUTCOME_OVERFLOW, line, col);
    }
    else {
        mss_v_violation(v, MSS_R_RW_LIMITS, line, col, msg);
    }
}

/* The current response's size so far (from the end of its start tag to
 * @p offset); 0 when over the limit.  Checked at element boundaries only,
 * where the offset does not depend on how the body was split. */
static int resp_over(mss_validator_t *v, unsigned long line, unsigned long col)
{
    limit(v, line, col,
          apr_psprintf(v->pool,
                       "response %lu is larger than response=%" APR_SIZE_T_FMT
                       " bytes; checking stopped",
                       v->resp.index, v->opts.max_response),
          1);
    return 0;
}

/* Checked on every element: the comparison stays inline. */
#define resp_size(v, offset, line, col)                                        \
    (!(v)->in_response                                                         \
     || (offset) - (v)->resp.start <= (apr_off_t)(v)->opts.max_response        \
     || resp_over((v), (line), (col)))

/* Zeroed structures to start from: copying a frame or a propstat compiles
 * to vector moves, where gcc's x86 memset of that size is a "rep stos",
 * whose start-up cost showed in perf samples of the element start (the
 * larger response's copy is a "rep movs" still) */
static const frame_t frame_zero;
static const propstat_t propstat_zero;
static const response_t response_zero;

static void response_begin(mss_validator_t *v, unsigned long line,
                           unsigned long col)
{
    apr_pool_clear(v->rpool);
    v->resp = response_zero;
    v->phrefs->nelts = 0;
    v->resp.hrefs = v->phrefs;
    v->responses++;
    v->resp.index = v->responses;
    v->resp.line = line;
    v->resp.col = col;
    v->resp.code = -1;
    v->in_response = 1;
}

/* Does text directly inside @p f matter?  Ignored subtrees never (and a
 * property's value is the parser layer's, mss_xml_skip_value);
 * element-only types until the first non-whitespace; href and status
 * always. */
static int needs_text(const frame_t *f)
{
    switch ((ctx_e)f->ctx) {
    case C_TEXT:
        return f->role == T_HREF || f->role == T_STATUS ? 2 : 0;
    case C_MULTISTATUS:
    case C_RESPONSE:
    case C_PROPSTAT:
    case C_PROP:
    case C_ERROR:
    case C_LOCATION:
        return f->text ? 0 : 1;
    default:
        return 0;
    }
}

#define ROOT_DESCS                                                             \
    "more than one responsedescription in multistatus (RFC "                   \
    "4918 14.16)"

static void root_child_start(mss_validator_t *v, const frame_t *root,
                             const frame_t *f);

static void on_start(void *baton, const char *uri, const char *local,
                     int nattrs)
{
    mss_validator_t *v = baton;
    elem_e id;
    frame_t *parent;
    frame_t *f;
    move_t mv = {C_IGNORE, -1, T_NONE};
    unsigned long line;
    unsigned long col;
    int rb = 0; /* XML-ROOT: rebound to DAV: (mss_rebind.c) */

    if (v->rw != NULL) {
        if (v->depth_now == 0 && !mss_xml_raw_offsets(v->xml)) {
            /* the parser transcodes: its offsets are not the body's */
            mss_rw_fail_open(
                v, "the body is not in UTF-8: it is passed on "
                   "unchanged (not transcoded: see HDR-ENCODING-UTF)");
        }
        if (v->rw_tight) {
            mss_rw_room(v, mss_xml_offset(v->xml));
        }
    }
    /* (while skipping, only a start at the depth limit comes here) */
    if (v->depth_now >= v->opts.max_depth || v->skipping) {
        mss_xml_position(v->xml, &line, &col);
        limit(v, line, col,
              apr_psprintf(v->pool,
                           "elements nested deeper than depth=%" APR_SIZE_T_FMT
                           "; checking stopped",
                           v->opts.max_depth),
              1);
        return;
    }
    parent = v->depth_now > 0 ? &v->stack[v->depth_now - 1] : NULL;
    if (parent != NULL && parent->ctx == C_IGNORE) {
        /* ignored subtrees: nothing to check, only the depth to track */
        f = &v->stack[v->depth_now++];
        f->ctx = C_IGNORE;
        f->restype = 0;
        f->wants = 0;
        f->rb = 0;
        v->want_text = 0;
        /* nothing inside it is looked at, so the parser layer hands up
         * nothing from inside but a start at the depth limit (which stops
         * checking, as here) and, in Rewrite while the held bytes are
         * near their bound, progress (on_progress) */
        v->skipping = 1;
        mss_xml_skip(v->xml, (int)(v->opts.max_depth - v->depth_now + 1));
        return;
    }
    mss_xml_position(v->xml, &line, &col);
    if (parent != NULL && parent->ctx == C_PROP) {
        /* a property: RFC 4918 14.18, prop holds property-name elements */
        int dav = is_dav(v, uri);

        parent->children++;
        f = &v->stack[v->depth_now++];
        f->ctx = C_PROPERTY;
        f->tag = mss_xml_offset(v->xml);
        f->children = 0;
        f->text = 0;
        f->attrs = nattrs > 0;
        /* the first resourcetype of a propstat tells the kind (a repeat
         * is PF-PROP-ONCE's, and Rewrite keeps the first) */
        f->restype = dav && local[0] == 'r' && !v->ps.restype
                     && strcmp(local, "resourcetype") == 0;
        f->local = local;
        f->line = line;
        f->col = col;
        f->wants = 0;
        f->rb = 0;
        v->want_text = 0;
        v->ps.properties++;
        if (v->rb && parent->rb) {
            /* XML-ROOT: it keeps its namespace */
            mss_rb_boundary(v, f->tag, v->depth_now);
        }
        if (dav && local[0] == 'l' && strcmp(local, "lockdiscovery") == 0) {
            v->ps.lockdiscovery++;
        }
        if (f->restype) {
            v->ps.restype = 1;
        }
        if (v->prop_once && v->in_response) {
            prop_name_t *pn;

            pn = MSS_PUSH(v->ps.names, prop_name_t);
            pn->uri = uri;
            pn->local = local;
            pn->a = v->rw != NULL ? f->tag : -1;
            pn->b = -1;
        }
        /* its value is not looked at, only whether it has one (and, in a
         * resourcetype, whether DAV:collection is in it: a collection,
         * MS-HREF-COLLECTION-SLASH): the parser layer tells at its end,
         * and hands up nothing from inside but a start at the depth limit
         * (which stops checking, as above) and, in Rewrite while the held
         * bytes are near their bound, progress (on_progress); the hot
         * path of a PROPFIND body */
        v->skipping = 1;
        mss_xml_skip_value(v->xml, (int)(v->opts.max_depth - v->depth_now + 1),
                           DAV_NS, f->restype ? "collection" : NULL);
        return;
    }
    /* the response size is checked at the elements of the multistatus
     * grammar and at the end of each property, not inside values */
    if (!resp_size(v, mss_xml_offset(v->xml), line, col)) {
        return;
    }
    id = classify(
        v, uri, local,
        parent != NULL
            && (parent->ctx == C_RESPONSE || parent->ctx == C_PROPSTAT));
    if (v->rb && parent != NULL && parent->rb && id == E_FOREIGN
        && mss_rb_w(v, uri)
        && (parent->ctx == C_MULTISTATUS || parent->ctx == C_RESPONSE
            || parent->ctx == C_PROPSTAT || parent->ctx == C_LOCATION)) {
        /* XML-ROOT, rebinding: a structural element in W is DAV:'s */
        elem_e d = classify(v, DAV_NS, local, 0);

        if (d >= E_RESPONSE && d <= E_LOCATION) {
            id = d;
            rb = 1;
        }
    }
    if (parent == NULL) {
        /* XML-ROOT: RFC 4918 13, 14.16 */
        if (v->doc_defer) {
            /* the findings held for a status other than 207 are ours
             * when the root is a multistatus, and not otherwise */
            pending_t *pv = v->qhead;

            v->doc_defer = 0;
            v->qhead = v->qtail = NULL;
            for (; id == E_MULTISTATUS && pv != NULL; pv = pv->next) {
                mss_v_doc(v, pv->rule, pv->sev, pv->line, pv->col, pv->msg);
            }
        }
        if (id == E_MULTISTATUS) {
            v->root_ok = 1;
            mv.ctx = C_MULTISTATUS;
            if (v->status == 409 && v->m == MSS_M_LOCK) {
                /* LOCK-2518-409: RFC 2518 8.10.4, corrected by RFC 4918
                 * App. F.2; N3 opt-in: the status becomes 207 */
                static const char msg[] =
                    "a failed depth LOCK answered 409 with a multistatus "
                    "(RFC 2518 8.10.4); RFC 4918 9.10.3 uses 207";

                if (mss_rw_on(v, MSS_R_LOCK_2518_409)) {
                    mss_rw_set_status(v, 207, NULL);
                    doc_fixed(v, MSS_R_LOCK_2518_409, line, col,
                              apr_pstrcat(v->pool, msg,
                                          ": answered 207 instead", NULL));
                }
                else {
                    mss_v_doc(v, MSS_R_LOCK_2518_409, MSS_SEV_INFO, line, col,
                              msg);
                }
            }
        }
        else if (v->status != 207) {
            /* only a 207 must carry a multistatus: another status with
             * another body (a DAV:error, RFC 4918 8.7) is not ours */
        }
        else if (v->rw != NULL && strcmp(local, "multistatus") == 0
                 && (uri == NULL || strcasecmp(uri, DAV_NS) == 0)
                 && mss_rw_on(v, MSS_R_XML_ROOT) && mss_xml_raw_offsets(v->xml)
                 && mss_rb_root(v, uri, mss_xml_offset(v->xml))) {
            /* XML-ROOT (N3 opt-in): its structural elements are rebound
             * to DAV: (mss_rebind.c) */
            rb = 1;
            id = E_MULTISTATUS;
            v->root_ok = 1;
            mv.ctx = C_MULTISTATUS;
            doc_fixed(v, MSS_R_XML_ROOT, line, col,
                      apr_psprintf(v->pool,
                                   "root element is {%s}multistatus, not "
                                   "{DAV:}multistatus: its structural "
                                   "elements were rebound to DAV:",
                                   uri != NULL ? mss_v_esc(v, uri, strlen(uri))
                                               : ""));
        }
        else {
            mss_v_doc(
                v, MSS_R_XML_ROOT, sev_of(MSS_R_XML_ROOT), line, col,
                apr_psprintf(v->pool,
                             "root element is {%s}%s, not "
                             "{DAV:}multistatus",
                             uri != NULL ? mss_v_esc(v, uri, strlen(uri)) : "",
                             mss_v_esc(v, local, strlen(local))));
        }
    }
    else {
        parent->children++;
        switch ((ctx_e)parent->ctx) {
        case C_MULTISTATUS:
        case C_RESPONSE:
        case C_PROPSTAT:
        case C_LOCATION:
            mv = model[parent->ctx][id];
            if (mv.ctx == C_DOC) {
                mv.ctx = C_IGNORE; /* a hole in the table: be safe */
                mv.rule = -1;
            }
            break;
        case C_ERROR:
            mv.ctx = C_CONDITION;
            break;
        case C_CONDITION:
            /* an href inside a condition (RFC 4918 16 lock-token-submitted
             * and no-conflicting-lock hold href elements): #PCDATA too */
            if (id == E_HREF) {
                mv.ctx = C_TEXT;
                mv.role = T_CHREF;
                if (parent->lts) {
                    parent->hrefs++;
                }
            }
            break;
        case C_TEXT:
            /* MS-PCDATA-ONLY: RFC 4918 14.7, 14.25, 14.28, 17 */
            if (parent->role == T_DESC && id == E_ERROR) {
                mv.ctx = C_ERROR;
                mss_v_violation(v, MSS_R_MS_ERR_IN_DESCRIPTION, line, col,
                                "DAV:error inside responsedescription (the RFC "
                                "3253 1.6 placement); RFC 4918 14.5 puts it "
                                "beside");
            }
            else if (parent->role != T_TOKEN) {
                mv.ctx = C_IGNORE;
                mss_v_violation(
                    v, MSS_R_MS_PCDATA_ONLY, line, col,
                    apr_psprintf(
                        v->rpool,
                        "element <%s> inside DAV:%s, which "
                        "holds text only",
                        mss_v_esc(v, local, strlen(local)),
                        (parent->role == T_HREF || parent->role == T_CHREF)
                            ? "href"
                        : parent->role == T_STATUS ? "status"
                                                   : "responsedescription"));
            }
            break;
        default:
            break;
        }
        if (mv.rule >= 0) {
            mss_rule_e r = (mss_rule_e)mv.rule;
            const char *msg;

            if (r == MSS_R_MS_ERR_PLACEMENT) {
                msg = apr_psprintf(v->rpool,
                                   "condition %s directly inside DAV:%s; "
                                   "RFC 4918 16 puts it inside DAV:error",
                                   mss_v_esc(v, local, strlen(local)),
                                   parent->ctx == C_RESPONSE ? "response"
                                                             : "propstat");
            }
            else if (r == MSS_R_MS_LOC_STATUS) {
                msg = "DAV:location inside a propstat has no defined "
                      "meaning (RFC 4918 14.9)";
            }
            else if (r == MSS_R_MS_EXTENSIONS) {
                msg = apr_psprintf(v->rpool,
                                   "DAV:%s is not defined at this place "
                                   "(RFC 4918 17: DAV: names SHOULD NOT be "
                                   "used unless an RFC defines them)",
                                   mss_v_esc(v, local, strlen(local)));
            }
            else {
                msg = apr_psprintf(v->rpool,
                                   "DAV:%s directly inside multistatus "
                                   "(RFC 4918 14.16)",
                                   mss_v_esc(v, local, strlen(local)));
            }
            mss_v_violation(v, r, line, col, msg);
            if (r == MSS_R_MS_MULTISTATUS_CHILDREN && id == E_ERROR) {
                /* MS-ERR-PLACEMENT (b): RFC 4918 16 */
                mss_v_violation(v, MSS_R_MS_ERR_PLACEMENT, line, col,
                                "DAV:error directly inside multistatus belongs "
                                "to no response (RFC 4918 16)");
            }
        }
    }

    f = &v->stack[v->depth_now++];
    *f = frame_zero;
    f->ctx = mv.ctx;
    f->elem = (unsigned char)id;
    f->role = mv.role;
    f->tag = mss_xml_offset(v->xml);
    f->line = line;
    f->col = col;
    f->wants = (unsigned char)needs_text(f);
    v->want_text = f->wants;
    if (v->rb && parent != NULL) {
        /* XML-ROOT's rebinding: a structural element in W is rebound;
         * anything else in a rebound one keeps its namespace */
        f->rb = (unsigned char)rb;
        if (rb && !mss_rb_rebound(v, f->tag, v->depth_now)) {
            mss_rw_fail_open(v, "XML-ROOT: a namespace declaration the "
                                "rebinding cannot follow; the rest is "
                                "passed on unchanged");
        }
        else if (!rb && parent->rb) {
            mss_rb_boundary(v, f->tag, v->depth_now);
        }
    }
    else if (rb) {
        f->rb = 1; /* the root */
    }
    if (v->rw != NULL && parent != NULL && v->depth_now == 2
        && parent->ctx == C_MULTISTATUS) {
        mss_mg_root_child(v, mss_rw_lt(v, f->tag), f->ctx == C_RESPONSE);
        root_child_start(v, parent, f);
        if (f->ctx != C_RESPONSE && v->cl.rules != 0) {
            mss_cl_root_child(v);
        }
    }

    switch ((ctx_e)f->ctx) {
    case C_RESPONSE:
        response_begin(v, line, col);
        /* libxml2 reports the start tag before consuming its ">": the
         * response's bytes begin after it */
        v->resp.tag = f->tag;
        v->resp.start = f->tag + 1;
        if (v->rw != NULL) {
            mss_mg_response_start(v, nattrs);
        }
        break;
    case C_MULTISTATUS:
        /* Rewrite: the prolog and the root's start tag can go out */
        if (v->rw != NULL && parent == NULL) {
            const char *b = mss_rw_bytes(v, f->tag, f->tag + 1);
            const char *q = mss_rw_qual(v, mss_rw_lt(v, f->tag));

            v->root_qual = q != NULL ? apr_pstrdup(v->pool, q) : NULL;
            v->root_content = b != NULL && b[0] == '>' ? f->tag + 1 : 0;
            v->root_gap = v->root_content;
            if (b != NULL && b[0] == '>') {
                mss_rw_commit(v, f->tag + 1);
            }
        }
        break;
    case C_PROPSTAT:
        v->ps = propstat_zero;
        if (v->prop_ranges != NULL) {
            v->prop_ranges->nelts = 0;
        }
        v->pnames->nelts = 0;
        v->ps.names = v->prop_once ? v->pnames : NULL;
        v->ps.code = -1;
        v->ps.line = line;
        v->ps.col = col;
        v->in_propstat = 1;
        v->resp.npropstat++;
        break;
    case C_PROP:
        v->ps.nprop++;
        break;
    case C_ERROR:
        if (parent != NULL && parent->ctx == C_TEXT) {
            parent->errs++; /* inside a responsedescription */
            break;
        }
        if (v->in_propstat) {
            v->ps.nerror++;
            break;
        }
        if (parent != NULL && parent->ctx == C_RESPONSE) {
            if (++v->resp.nerror == 2) {
                v->resp.dup_line[1] = line;
                v->resp.dup_col[1] = col;
            }
            if (v->cl.rules != 0 && v->resp.nerror == 1) {
                /* a collapse may send it as a document of its own */
                v->resp.err_ns = mss_xml_ns_outer(v->xml, v->rpool);
            }
        }
        break;
    case C_CONDITION:
        if (parent != NULL && parent->ctx == C_RESPONSE && v->cl.rules != 0
            && v->resp.bare.n == 0) {
            /* a collapse may send it, wrapped (MS-ERR-PLACEMENT), as a
             * document of its own */
            v->resp.bare_ns = mss_xml_ns_outer(v->xml, v->rpool);
        }
        if (uri != NULL && strcmp(uri, DAV_NS) == 0) {
            if (strcmp(local, "lock-token-submitted") == 0) {
                f->lts = 1;
            }
            else if (strcmp(local, "number-of-matches-within-limits") == 0
                     && parent != NULL && parent->ctx == C_ERROR
                     && !v->in_propstat) {
                v->resp.matches_within_limits = 1;
            }
        }
        if (parent != NULL && parent->ctx == C_ERROR) {
            const char **cname =
                v->in_propstat ? &v->ps.cond_name : &v->resp.cond_name;
            int *ccode = v->in_propstat ? &v->ps.cond_code : &v->resp.cond_code;
            int i;

            if (v->in_propstat) {
                v->ps.error_conditions++;
            }
            else {
                v->resp.error_conditions++;
            }
            for (i = 0; *cname == NULL && use_with[i].name != NULL
                        && uri != NULL && strcmp(uri, DAV_NS) == 0;
                 i++) {
                if (strcmp(local, use_with[i].name) == 0) {
                    *cname = use_with[i].name;
                    *ccode = use_with[i].code;
                }
            }
        }
        break;
    case C_LOCATION:
        if (parent != NULL && parent->ctx == C_RESPONSE
            && ++v->resp.nlocation == 2) {
            v->resp.dup_line[3] = line;
            v->resp.dup_col[3] = col;
        }
        break;
    case C_TEXT:
        v->text_len = 0;
        v->text_over = 0;
        f->ea = f->eb = -1;
        f->before = v->resp.tail;
        if (parent == NULL) {
            break;
        }
        if (parent->ctx == C_MULTISTATUS && f->role == T_DESC) {
            /* MS-MULTISTATUS-CHILDREN (a): RFC 4918 14.16; Rewrite merges
             * adjacent ones, and reports at the root's end whether that
             * left one */
            if (++v->root_desc == 2) {
                if (mss_rw_on(v, MSS_R_MS_MULTISTATUS_CHILDREN)) {
                    v->root_desc_late = 1;
                    v->root_desc_line = line;
                    v->root_desc_col = col;
                }
                else {
                    mss_v_violation(v, MSS_R_MS_MULTISTATUS_CHILDREN, line, col,
                                    ROOT_DESCS);
                }
            }
        }
        else if (parent->ctx == C_MULTISTATUS && f->role == T_TOKEN) {
            /* RFC 6578 6.4: sync-token? */
            if (++v->root_tokens == 2) {
                mss_v_violation(v, MSS_R_MS_MULTISTATUS_CHILDREN, line, col,
                                "more than one sync-token in multistatus "
                                "(RFC 6578 6.4)");
            }
        }
        else if (parent->ctx == C_RESPONSE) {
            if (f->role == T_STATUS && ++v->resp.nstatus == 2) {
                v->resp.dup_line[0] = line;
                v->resp.dup_col[0] = col;
            }
            else if (f->role == T_DESC && ++v->resp.ndesc == 2) {
                v->resp.dup_line[2] = line;
                v->resp.dup_col[2] = col;
            }
        }
        else if (parent->ctx == C_PROPSTAT && f->role == T_STATUS) {
            v->ps.nstatus++;
        }
        break;
    case C_IGNORE:
        break;
    default:
        break;
    }
}

static void on_text(void *baton, const char *s, apr_size_t len)
{
    mss_validator_t *v = baton;
    frame_t *f;
    apr_size_t i;

    if (v->depth_now == 0) {
        return;
    }
    f = &v->stack[v->depth_now - 1];
    if (f->ctx == C_TEXT) {
        if (f->role != T_HREF && f->role != T_STATUS) {
            return;
        }
        if (v->text_len + len > v->opts.max_text) {
            apr_size_t room = v->opts.max_text - v->text_len;

            memcpy(v->text + v->text_len, s, room);
            v->text_len += room;
            v->text_over = 1;
            return;
        }
        memcpy(v->text + v->text_len, s, len);
        v->text_len += len;
        return;
    }
    /* element-only types and property elements: is there any text that is
     * not XML whitespace?  (values below a property are never looked at) */
    if (f->text || f->ctx == C_IGNORE || f->ctx == C_CONDITION
        || f->ctx == C_DOC) {
        return;
    }
    for (i = 0; i < len; i++) {
        char c = s[i];

        if (c != ' ' && c != '\n' && c != '\t' && c != '\r') {
            f->text = 1;
            v->want_text = 0; /* seen: the rest does not matter */
            return;
        }
    }
}

/* The checks on one DAV:status value (rules.md 2.5), which is parsed
 * into @p st; *phrase_ok tells whether its reason phrase is registered's. */
static int status_checks(mss_validator_t *v, const frame_t *f,
                         mss_status_t *stp, int *phrase_ok)
{
    mss_status_t st;
/* the RAW value, escaped for a message (only when there is one) */
#define RAW mss_v_esc(v, v->text, v->text_len)

    mss_status_parse(v->text, v->text_len, &st);
    *stp = st;
    *phrase_ok = 1;
    if (!st.syntax_ok) {
        mss_v_violation(
            v, MSS_R_MS_STATUS_SYNTAX, f->line, f->col,
            st.code >= 0 ? apr_psprintf(v->rpool,
                                        "\"%s\" is not an HTTP status-line "
                                        "(RFC 4918 14.28; code %03d)",
                                        RAW, st.code)
                         : apr_psprintf(v->rpool,
                                        "\"%s\" is not an HTTP status-line and "
                                        "holds no single status code "
                                        "(RFC 4918 14.28)",
                                        RAW));
    }
    if (st.code < 0) {
        return -1;
    }
    if (st.code < 100 || st.code > 599) {
        mss_v_violation(v, MSS_R_MS_STATUS_RANGE, f->line, f->col,
                        apr_psprintf(v->rpool,
                                     "status code %03d is outside 100-599 "
                                     "(RFC 9110 15)",
                                     st.code));
    }
    else if (st.code < 200) {
        mss_v_violation(
            v, MSS_R_MS_STATUS_1XX, f->line, f->col,
            apr_psprintf(v->rpool,
                         "1xx status %d SHOULD NOT be recorded in a "
                         "multistatus (RFC 4918 13)",
                         st.code));
    }
    else if (st.code == 207) {
        mss_v_violation(v, MSS_R_MS_STATUS_207_NESTED, f->line, f->col,
                        "207 inside a multistatus: multistatus does not nest "
                        "(RFC 4918 13)");
    }
    if (st.syntax_ok
        && !(*phrase_ok =
                 mss_status_phrase_ok(st.code, st.phrase, st.phrase_len))) {
        mss_v_violation(
            v, MSS_R_MS_STATUS_REASON, f->line, f->col,
            apr_psprintf(v->rpool,
                         "reason phrase \"%s\" for %d; the registry "
                         "says \"%s\"",
                         mss_v_esc(v, st.phrase, st.phrase_len), st.code,
                         mss_status_reason(st.code)));
    }
    return st.code;
#undef RAW
}

/* Rewrite: the content of text element @p f, which ends here, as [*a, *b)
 * of the body; 0 when it has none (<D:href/>) or is no longer held. */
static int text_range(mss_validator_t *v, const frame_t *f, apr_off_t *a,
                      apr_off_t *b)
{
    const char *t = mss_rw_bytes(v, f->tag, f->tag + 1);
    apr_off_t end = mss_xml_offset(v->xml);

    if (t == NULL || t[0] != '>') {
        return 0;
    }
    *a = f->tag + 1;
    *b = mss_rw_lt(v, end - 1);
    return *b >= *a;
}

/* MS-STATUS-SYNTAX (with MS-STATUS-REASON): RFC 4918 14.28, RFC 9112 4.
 * One code in 100-599 that can be read: "HTTP/1.1 <code> <registered
 * phrase>" (an unregistered code keeps an empty phrase, which RFC 9112 4
 * allows).  HTTP/1.1 whatever the transport: the value is a data item.
 * @p st and @p phrase_ok: what status_checks read. */
static int status_fix(mss_validator_t *v, const frame_t *f,
                      const mss_status_t *st, int phrase_ok)
{
    const char *reason;
    apr_off_t a;
    apr_off_t b;
    int syntax;

    if (st->code < 100 || st->code > 599
        || (st->code >= 200 && st->syntax_ok && phrase_ok)
        || !text_range(v, f, &a, &b)) {
        return 0; /* (the usual case: nothing to fix) */
    }
    if (st->code < 200 && mss_rw_on(v, MSS_R_MS_STATUS_1XX)) {
        /* MS-STATUS-1XX (rules.md N3, A6): a 1xx says nothing of the
         * outcome.  Read methods: the propstat goes (response_edits, when
         * another is left); the others fail closed with 500 */
        if ((v->m == MSS_M_PROPFIND) || (v->m == MSS_M_REPORT)
            || (v->m == MSS_M_SEARCH)) {
            if (v->in_propstat) {
                v->ps.drop_1xx = 1;
            }
            return 0;
        }
        mss_rw_edit(v, a, b, "HTTP/1.1 500 Internal Server Error");
        if (v->in_propstat) {
            v->ps.code_out = 500; /* what a conversion to status form reads */
        }
        mss_v_mark(v, MSS_R_MS_STATUS_1XX, f->line, f->col, "fixed");
        mss_v_mark(v, MSS_R_MS_STATUS_SYNTAX, f->line, f->col, "fixed");
        mss_v_mark(v, MSS_R_MS_STATUS_REASON, f->line, f->col, "fixed");
        return 500;
    }
    reason = mss_status_reason(st->code);
    syntax = !st->syntax_ok && mss_rw_on(v, MSS_R_MS_STATUS_SYNTAX);
    if (!syntax
        && !(st->syntax_ok && reason != NULL && !phrase_ok
             && mss_rw_on(v, MSS_R_MS_STATUS_REASON))) {
        return 0;
    }
    mss_rw_edit(v, a, b,
                apr_psprintf(v->rpool, "HTTP/1.1 %03d %s", st->code,
                             reason != NULL ? reason : ""));
    if (syntax) {
        mss_v_mark(v, MSS_R_MS_STATUS_SYNTAX, f->line, f->col, "fixed");
    }
    mss_v_mark(v, MSS_R_MS_STATUS_REASON, f->line, f->col, "fixed");
    return 0;
}

/* Rewrite, MS-LOC-HREF-FORM (rules.md: N1 resolve against the href of
 * the enclosing response, then the form of the other hrefs): a relative
 * or network-path location href of this origin, after the response's own
 * href, becomes an absolute path (or URI).  The finding just queued is
 * marked fixed. */
static void loc_href_fix(mss_validator_t *v, const frame_t *f, const char *s,
                         apr_size_t len)
{
    apr_off_t a;
    apr_off_t b;
    int same;
    char *base;
    char *k;
    const char *o;

    if (!v->in_response || v->resp.href == NULL
        || !mss_rw_on(v, MSS_R_MS_LOC_HREF_FORM) || !text_range(v, f, &a, &b)) {
        return;
    }
    base = mss_resolve_key(v->rpool, v->resp.href, v->uri, &v->origin, &same);
    if (base == NULL || !same || base[0] != '/') {
        return;
    }
    k = mss_resolve_key(v->rpool, apr_pstrmemdup(v->rpool, s, len), base,
                        &v->origin, &same);
    if (k == NULL || !same || k[0] != '/') {
        return;
    }
    o = mss_href_in_form(v, k);
    mss_rw_edit(v, a, b, mss_rw_escape(v->rpool, o, strlen(o)));
    mss_v_mark_last(v, MSS_R_MS_LOC_HREF_FORM);
}

static void text_end(mss_validator_t *v, frame_t *f, frame_t *parent)
{
    const char *s = v->text;
    apr_size_t len = v->text_len;

    if (f->role != T_HREF && f->role != T_STATUS) {
        return;
    }
    if (v->text_over) {
        limit(v, f->line, f->col,
              apr_psprintf(v->rpool,
                           "DAV:%s longer than text=%" APR_SIZE_T_FMT
                           " bytes; its value was not checked",
                           f->role == T_HREF ? "href" : "status",
                           v->opts.max_text),
              0);
    }
    if (f->role == T_STATUS) {
        mss_status_t st;
        int phrase_ok = 1;
        int code = v->text_over ? -1 : status_checks(v, f, &st, &phrase_ok);

        if (v->rw != NULL && code >= 0
            && (parent->ctx == C_RESPONSE || parent->ctx == C_PROPSTAT)) {
            /* what goes out is what the checks after this one read (a
             * second run reads it so): MS-STATUS-1XX's 500 */
            if (status_fix(v, f, &st, phrase_ok) == 500) {
                code = 500;
            }
        }
        if (parent->ctx == C_RESPONSE && v->resp.nstatus == 1) {
            v->resp.code = code;
            if (v->rw != NULL) {
                /* for MS-RESPONSE-FORM's fix */
                v->resp.st_a = mss_rw_lt(v, f->tag);
                v->resp.st_b = mss_xml_offset(v->xml);
            }
        }
        else if (parent->ctx == C_PROPSTAT && v->ps.nstatus == 1) {
            v->ps.code = code;
        }
        return;
    }
    /* an href */
    {
        int plain = 0;

        if (!v->text_over
            && (parent->ctx == C_RESPONSE || parent->ctx == C_LOCATION)) {
            plain = mss_href_checks(v, s, len, parent->ctx == C_LOCATION,
                                    f->line, f->col);
        }
        mss_trim(&s, &len);
        if (parent->ctx == C_RESPONSE) {
            href_t *h = MSS_PUSH(v->resp.hrefs, href_t);

            h->s = apr_pstrmemdup(v->rpool, s, len);
            h->len = len;
            h->line = f->line;
            h->col = f->col;
            h->checked = !v->text_over;
            h->plain = plain;
            h->fix = NULL;
            h->ca = h->cb = h->ea = h->eb = -1;
            h->dup_same = h->remove = h->origin_fixed = 0;
            mss_method_href(v, h);
            if (v->rw != NULL && !v->text_over
                && text_range(v, f, &h->ca, &h->cb)) {
                v->href_origin_fixed = 0;
                h->fix = mss_href_fix(v, v->text, v->text_len, f->line, f->col);
                h->origin_fixed = v->href_origin_fixed && h->fix != NULL;
                h->ea = mss_rw_lt(v, f->tag);
                h->eb = mss_xml_offset(v->xml);
            }
            v->resp.nhref++;
            if (len > 0 || v->text_over) {
                v->resp.nhref_nonempty++;
                if (v->resp.href == NULL) {
                    v->resp.href = h->s;
                    v->resp.href_len = len;
                }
            }
            return;
        }
    }
    if (parent->ctx == C_LOCATION) {
        mss_href_form_e form = mss_href_form(s, len);

        parent->hrefs++;
        if (v->in_response && !v->in_propstat && (len > 0 || v->text_over)) {
            /* a target for MS-LOC-3XX: an empty href names none */
            v->resp.location_hrefs++;
        }
        /* MS-LOC-HREF-FORM: RFC 4918 14.9, 8.3; RFC 7231 7.1.2 */
        if (!v->text_over && form != MSS_HREF_ABSOLUTE
            && form != MSS_HREF_PATH_ABSOLUTE) {
            mss_v_violation(v, MSS_R_MS_LOC_HREF_FORM, f->line, f->col,
                            apr_psprintf(v->rpool,
                                         "location href \"%s\" is neither an "
                                         "absolute URI nor an absolute path "
                                         "(RFC 4918 8.3, 14.9)",
                                         mss_v_esc(v, s, len)));
            loc_href_fix(v, f, s, len);
        }
        /* MS-HREF-SAME-FORM (N1) for a location href */
        else if (!v->text_over && v->in_response
                 && mss_rw_on(v, MSS_R_MS_HREF_SAME_FORM)) {
            const char *c = mss_href_same_form(v, s, len, form);
            apr_off_t a;
            apr_off_t b;

            if (c != NULL && text_range(v, f, &a, &b)) {
                mss_rw_edit(v, a, b, mss_rw_escape(v->rpool, c, strlen(c)));
                mss_v_mark(v, MSS_R_MS_HREF_SAME_FORM, f->line, f->col,
                           "fixed");
            }
        }
    }
}

/* Rewrite, MS-ERR-PLACEMENT (a) (rules.md: N1 wrap into a DAV:error of
 * the same response/propstat): one condition directly inside a response
 * or propstat that has no DAV:error gets one around it, with the
 * qualifier of its container (whose start tag ends at @p tag).  Several
 * such conditions, or an error already there, are logged: one error
 * element must hold them all. */
static void wrap_condition(mss_validator_t *v, const mss_bare_t *bc,
                           unsigned int nerror, apr_off_t tag)
{
    const char *q;

    if (bc->n != 1 || nerror != 0 || bc->a < 0 || bc->b <= bc->a
        || mss_rw_bytes(v, bc->a, bc->b) == NULL
        || !mss_rw_on(v, MSS_R_MS_ERR_PLACEMENT)
        || (q = mss_rw_qual(v, mss_rw_lt(v, tag))) == NULL) {
        return;
    }
    mss_rw_edit(v, bc->a, bc->a, apr_psprintf(v->rpool, "<%serror>", q));
    mss_rw_edit(v, bc->b, bc->b, apr_psprintf(v->rpool, "</%serror>", q));
    mss_v_mark(v, MSS_R_MS_ERR_PLACEMENT, bc->line, bc->col, "fixed");
}

/* Rewrite: merge @p count sibling elements of one kind, recorded in @p pr
 * (4 offsets each: "<", the start tag's end, the end tag's "<", the end)
 * into the first.  Where only whitespace (or stray text that
 * MS-NO-STRAY-TEXT removes) separates them, the tags between
 * them go ("</P:x> <P:x>", replaced by @p sep), and an empty <P:x/> after
 * the first goes whole; so every child and every edit inside them stays
 * as it is.  Nothing is done when something else stands between them,
 * when the first is empty (<P:x/>), or when a later one's start tag has
 * an attribute (a namespace declaration, xml:lang).  1 when merged.
 * MS-PROPSTAT-CONTENT (rules.md: more than one prop: N1 merge them into
 * one), MS-RESPONSE-SINGLETONS (repeated error: N1 merge the conditions
 * into one; repeated responsedescription: N1 merge the text). */
static int merge_adjacent(mss_validator_t *v, const apr_array_header_t *pr,
                          unsigned int count, mss_rule_e rule, const char *sep)
{
    int n;
    int i;
    int open = 0;

#define P(i, k) APR_ARRAY_IDX(pr, 4 * (i) + (k), apr_off_t)
    if (!mss_rw_on(v, rule) || pr == NULL
        || (unsigned int)pr->nelts != 4 * count) {
        return 0;
    }
    n = pr->nelts / 4;
    for (i = 0; i < n; i++) {
        const char *s = mss_rw_bytes(v, P(i, 0), P(i, 3));
        const char *t = mss_rw_bytes(v, P(i, 1), P(i, 1) + 1);

        if (s == NULL || t == NULL || (i == 0 && t[0] != '>')
            || (i > 0 && memchr(s, '=', (size_t)(P(i, 1) - P(i, 0))) != NULL)) {
            return 0;
        }
        if (i > 0
            && !mss_rw_gap_goes(v, P(i - 1, 3), P(i, 0),
                                MSS_R_MS_NO_STRAY_TEXT)) {
            return 0;
        }
    }
    for (i = 1; i < n; i++) {
        const char *t = mss_rw_bytes(v, P(i, 1), P(i, 1) + 1);

        if (t[0] != '>') {
            mss_rw_edit(v, P(i - 1, 3), P(i, 3), ""); /* <P:prop/> */
        }
        else {
            /* from the whitespace before the open prop's end tag */
            apr_off_t a = mss_rw_ws_back(v, P(open, 2), P(open, 1) + 1);

            mss_rw_edit(v, a, P(i, 1) + 1, sep);
            open = i;
        }
    }
#undef P
    return 1;
}

static void propstat_end(mss_validator_t *v, frame_t *f)
{
    /* MS-PROPSTAT-CONTENT: RFC 4918 14.22 */
    if (v->ps.nprop != 1) {
        mss_v_violation(v, MSS_R_MS_PROPSTAT_CONTENT, f->line, f->col,
                        v->ps.nprop == 0
                            ? "propstat without DAV:prop (RFC 4918 14.22)"
                            : apr_psprintf(v->rpool,
                                           "propstat with %u DAV:prop elements "
                                           "(RFC 4918 14.22: exactly one)",
                                           v->ps.nprop));
        if (v->ps.nprop > 1
            && merge_adjacent(v, v->ps.props, v->ps.nprop,
                              MSS_R_MS_PROPSTAT_CONTENT, "")) {
            mss_v_mark_last(v, MSS_R_MS_PROPSTAT_CONTENT);
        }
    }
    if (v->ps.nstatus != 1) {
        mss_v_violation(
            v, MSS_R_MS_PROPSTAT_CONTENT, f->line, f->col,
            v->ps.nstatus == 0
                ? "propstat without DAV:status (RFC 4918 14.22)"
                : apr_psprintf(v->rpool,
                               "propstat with %u DAV:status elements "
                               "(RFC 4918 14.22: exactly one)",
                               v->ps.nstatus));
    }
    /* MS-ERR-STATUS-PAIRING: RFC 4918 16 */
    if (v->ps.cond_name != NULL && v->ps.code >= 300
        && v->ps.code != v->ps.cond_code) {
        mss_v_violation(v, MSS_R_MS_ERR_STATUS_PAIRING, f->line, f->col,
                        apr_psprintf(v->rpool,
                                     "%s goes with %d, here with %d (RFC "
                                     "4918 16)",
                                     v->ps.cond_name, v->ps.cond_code,
                                     v->ps.code));
    }
    if (v->ps.error_conditions > 0 && v->ps.code >= 200 && v->ps.code < 300) {
        mss_v_violation(
            v, MSS_R_MS_ERR_STATUS_PAIRING, f->line, f->col,
            apr_psprintf(v->rpool,
                         "precondition/postcondition beside status "
                         "%d in a propstat (RFC 4918 16: conditions "
                         "go with failures)",
                         v->ps.code));
    }
    mss_method_propstat(v);
    if (v->rw != NULL) {
        /* for a conversion to status form (MS-PROPSTAT-METHOD) */
        response_t *r = &v->resp;
        apr_off_t *rg;

        mss_mg_propstat(v); /* (its names, for MS-HREF-UNIQUE's merge) */

        /* (an error MS-ERR-CONTENT removes is not there in a second run) */
        wrap_condition(v, &v->ps.bare, v->ps.nerror - v->ps.removed, f->tag);

        int code = v->ps.code_out != 0 ? v->ps.code_out : v->ps.code;

        if (r->ps_ranges == NULL) {
            v->pranges->nelts = 0;
            r->ps_ranges = v->pranges;
            r->ps_code_one = code;
        }
        else if (r->ps_code_one != code) {
            r->ps_code_one = -2;
        }
        rg = MSS_PUSH(r->ps_ranges, apr_off_t);
        *rg = mss_rw_lt(v, f->tag);
        rg = MSS_PUSH(r->ps_ranges, apr_off_t);
        *rg = mss_xml_offset(v->xml);
        if (f->children - v->ps.removed == 2 && v->ps.nprop == 1
            && v->ps.nstatus == 1 && v->ps.with_content == 0) {
            r->ps_plain++;
        }
        if (v->ps.properties == 0 && v->ps.nprop == 1 && v->ps.nstatus == 1) {
            r->ps_empty++; /* a placeholder: one empty prop, one status */
        }
        if (v->ps.drop_1xx) {
            if (r->ps_1xx == NULL) {
                r->ps_1xx = apr_array_make(v->rpool, 4, sizeof(apr_off_t));
            }
            *MSS_PUSH(r->ps_1xx, apr_off_t) = rg[-1];
            *MSS_PUSH(r->ps_1xx, apr_off_t) = *rg;
        }
    }
    v->in_propstat = 0;
}

/* Rewrite: whether a finding of @p rule was queued for this response. */
static int reported(const mss_validator_t *v, mss_rule_e rule)
{
    const pending_t *pv;

    for (pv = v->resp.head; pv != NULL; pv = pv->next) {
        if (pv->rule == rule) {
            return 1;
        }
    }
    return 0;
}

/* Rewrite: whether a finding of @p rule was queued for this response and
 * not fixed (a second run reports it again). */
static int reported_unfixed(const mss_validator_t *v, mss_rule_e rule)
{
    const pending_t *pv;

    for (pv = v->resp.head; pv != NULL; pv = pv->next) {
        if (pv->rule == rule
            && (pv->action == NULL || strcmp(pv->action, "fixed") != 0)) {
            return 1;
        }
    }
    return 0;
}

/* Rewrite, MS-PROPSTAT-METHOD and LOCK-LEGACY-PROPSTAT (rules.md: N1 when
 * all propstats share one status and carry no values: status form with
 * that status).  Only the plain case: one href, no response-level status,
 * propstats of one prop (names only) and one status each, nothing else in
 * them to carry over; and not a status that DEL-NO-204, DEL-NO-424,
 * CM-NO-424 or CM-NO-201-204 would then remove (those are judged on
 * status-form responses).  The first propstat becomes the status, with
 * the response's qualifier @p q; the others go. */
static int propstat_method_fix(mss_validator_t *v, apr_off_t lt)
{
    response_t *r = &v->resp;
    const char *q;
    const char *reason;
    int c = r->ps_code_one;
    int dcm =
        (v->m == MSS_M_DELETE) || (v->m == MSS_M_COPY) || (v->m == MSS_M_MOVE);
    /* only where one of the two rules was reported for this response */
    int fired = (reported(v, MSS_R_MS_PROPSTAT_METHOD)
                 && mss_rw_on(v, MSS_R_MS_PROPSTAT_METHOD))
                || (reported(v, MSS_R_LOCK_LEGACY_PROPSTAT)
                    && mss_rw_on(v, MSS_R_LOCK_LEGACY_PROPSTAT));
    int i;

    if (!fired || r->ps_ranges == NULL || r->nstatus > 0 || r->nhref != 1
        || r->npropstat == 0 || r->ps_plain != r->npropstat
        || (unsigned int)r->ps_ranges->nelts != 2 * r->npropstat || c < 200
        || c > 599 || (dcm && (c == 424 || (c >= 200 && c < 300)))
        || (q = mss_rw_qual(v, lt)) == NULL) {
        return 0; /* (a 1xx is MS-STATUS-1XX's) */
    }
    for (i = 0; i < r->ps_ranges->nelts; i += 2) {
        apr_off_t a = APR_ARRAY_IDX(r->ps_ranges, i, apr_off_t);
        apr_off_t b = APR_ARRAY_IDX(r->ps_ranges, i + 1, apr_off_t);

        if (a < 0 || b <= a || mss_rw_bytes(v, a, b) == NULL) {
            return 0;
        }
    }
    reason = mss_status_reason(c);
    for (i = 0; i < r->ps_ranges->nelts; i += 2) {
        apr_off_t a = APR_ARRAY_IDX(r->ps_ranges, i, apr_off_t);
        apr_off_t b = APR_ARRAY_IDX(r->ps_ranges, i + 1, apr_off_t);

        if (i == 0) {
            mss_rw_edit(v, a, b,
                        apr_psprintf(v->rpool,
                                     "<%sstatus>HTTP/1.1 %03d %s</%sstatus>", q,
                                     c, reason != NULL ? reason : "", q));
            continue;
        }
        mss_rw_edit(v, mss_rw_ws_back(v, a, 0), b, "");
    }
    if (mss_rw_on(v, MSS_R_MS_PROPSTAT_METHOD)) {
        mss_v_mark(v, MSS_R_MS_PROPSTAT_METHOD, 0, 0, "fixed");
    }
    if (mss_rw_on(v, MSS_R_LOCK_LEGACY_PROPSTAT)) {
        mss_v_mark(v, MSS_R_LOCK_LEGACY_PROPSTAT, 0, 0, "fixed");
    }
    return c;
}

/* MS-RESPONSE-FORM (rules.md N1): a response with a status and
 * propstats.  When every propstat is a placeholder with an empty prop,
 * they go; when the status is 2xx and every propstat carries properties,
 * the status goes.  Anything else stays, logged.  Returns the status code
 * when the response is left in status form, else 0. */
static int response_form_fix(mss_validator_t *v, apr_off_t lt)
{
    response_t *r = &v->resp;
    int i;

    if (r->nstatus != 1 || r->npropstat == 0 || r->ps_ranges == NULL
        || (unsigned int)r->ps_ranges->nelts != 2 * r->npropstat
        || !reported(v, MSS_R_MS_RESPONSE_FORM)
        || !mss_rw_on(v, MSS_R_MS_RESPONSE_FORM)) {
        return 0;
    }
    for (i = 0; i < r->ps_ranges->nelts; i += 2) {
        apr_off_t a = APR_ARRAY_IDX(r->ps_ranges, i, apr_off_t);
        apr_off_t b = APR_ARRAY_IDX(r->ps_ranges, i + 1, apr_off_t);

        if (a < 0 || b <= a || mss_rw_bytes(v, a, b) == NULL) {
            return 0;
        }
    }
    if (r->ps_empty == r->npropstat && r->code >= 100) {
        for (i = 0; i < r->ps_ranges->nelts; i += 2) {
            mss_rw_edit(v,
                        mss_rw_ws_back(
                            v, APR_ARRAY_IDX(r->ps_ranges, i, apr_off_t), lt),
                        APR_ARRAY_IDX(r->ps_ranges, i + 1, apr_off_t), "");
        }
        mss_v_mark(v, MSS_R_MS_RESPONSE_FORM, 0, 0, "fixed");
        return r->code;
    }
    if (r->ps_empty == 0 && r->code >= 200 && r->code < 300 && r->st_b > r->st_a
        && r->st_a >= 0 && mss_rw_bytes(v, r->st_a, r->st_b) != NULL) {
        mss_rw_edit(v, mss_rw_ws_back(v, r->st_a, lt), r->st_b, "");
        mss_v_mark(v, MSS_R_MS_RESPONSE_FORM, 0, 0, "fixed");
        r->status_gone = 1;
    }
    return 0;
}

/* Rewrite: remove the whole response that ends at @p end (its start tag
 * at @p lt), and the whitespace before it when only whitespace separates
 * it from what went out before; its findings of @p rule are "dropped" */
static void drop_response(mss_validator_t *v, apr_off_t lt, apr_off_t end,
                          mss_rule_e rule)
{
    apr_off_t from = mss_rw_ws_back(v, lt, 0);

    /* (the end tag of the response before may be held, mss_merge.c) */
    if (from != v->root_gap && mss_rw_bytes(v, from - 1, from) != NULL) {
        from = lt; /* something else precedes: keep the whitespace */
    }
    mss_rw_edit(v, from, end, "");
    v->resp.drop = rule;
    v->resp.dropping = 1;
    v->dropped++;
}

/* Rewrite, MS-LOC-STATUS (N1 opt-in): will the response's one
 * DAV:location go (no defined meaning beside its status)?  Asked before
 * the method rules, so that a response left with its hrefs and status
 * only is a status-form response to them (MS-HREF-UNIQUE), as a second
 * run sees it. */
static int loc_status_goes(mss_validator_t *v)
{
    const response_t *r = &v->resp;

    return r->nlocation - r->loc_gone == 1 && r->loc_b > r->loc_a
           && r->loc_a > 0 && mss_rw_on(v, MSS_R_MS_LOC_STATUS)
           && reported(v, MSS_R_MS_LOC_STATUS)
           && mss_rw_bytes(v, r->loc_a, r->loc_b) != NULL;
}

/* ... and its removal, with the response's edits */
static void loc_status_fix(mss_validator_t *v)
{
    response_t *r = &v->resp;

    if (r->loc_goes && mss_rw_bytes(v, r->loc_a, r->loc_b) != NULL) {
        mss_rw_edit(v, mss_rw_ws_back(v, r->loc_a, 0), r->loc_b, "");
        mss_v_mark(v, MSS_R_MS_LOC_STATUS, 0, 0, "fixed");
        r->loc_gone++; /* (as the collapse sees it) */
        r->children--;
    }
}

/* Rewrite, the other opt-in fixes at a response's end (DAVMSStrictRule ID
 * fix, --rule ID=fix), where the response's own href is one the rewriter
 * leaves as it is:
 *   - CM-423-ERROR (N3 opt-in): a 423 without DAV:error gets
 *     <P:error><P:lock-token-submitted><P:href>own href</P:href>
 *     </P:lock-token-submitted></P:error> before its end tag (P: the
 *     response's prefix; a locked resource is locked itself or through an
 *     ancestor, rules.md). */
static void opt_in_fixes(mss_validator_t *v, apr_off_t lt, apr_off_t end)
{
    response_t *r = &v->resp;
    const href_t *h0 =
        r->hrefs->nelts > 0 ? &APR_ARRAY_IDX(r->hrefs, 0, href_t) : NULL;

    if (r->out_code == 423 && r->npropstat > 0
        && mss_rw_on(v, MSS_R_CM_423_ERROR)
        && !reported(v, MSS_R_CM_423_ERROR)) {
        /* a 423 propstat made status form (MS-PROPSTAT-METHOD) is now a
         * 423 entry of its own */
        mss_method_423(v, 423);
    }
    if ((r->code == 423 || r->out_code == 423) && r->nerror == r->err_removed
        && r->bare.n == 0 && r->nhref == 1 && h0 != NULL && h0->len > 0
        && h0->checked && mss_rw_on(v, MSS_R_CM_423_ERROR)
        && reported(v, MSS_R_CM_423_ERROR)) {
        const char *q = mss_rw_qual(v, lt);
        apr_off_t et = mss_rw_end_tag(v, end);
        /* the href as it goes out (its fixes made), as a second run
         * would copy it */
        apr_size_t hl;
        const char *hv = mss_href_out(h0, &hl);

        if (q != NULL && et >= 0 && hl > 0) {
            mss_rw_edit(v, et, et,
                        apr_psprintf(
                            v->rpool,
                            "<%serror><%slock-token-submitted><%shref>%s"
                            "</%shref></%slock-token-submitted></%serror>",
                            q, q, q, mss_rw_escape(v->rpool, hv, hl), q, q, q));
            mss_v_mark(v, MSS_R_CM_423_ERROR, 0, 0, "fixed");
        }
    }
}

/* Rewrite, MS-MULTI-HREF (rules.md: N3 opt-in): a propstat-form response
 * with several hrefs goes out once per href, each copy with all the rest
 * (propstats, error, description) and its other fixes.  Only where the
 * copies need nothing a second run would do: the method may use propstat
 * (else MS-PROPSTAT-METHOD would convert each copy), no response status
 * (or one MS-RESPONSE-FORM removes), and no href of it a duplicate or out of the
 * Depth scope (MS-HREF-UNIQUE, PF-DEPTH-SCOPE would judge the copies
 * again); whitespace before the response separates the copies. */
static void multi_href_split(mss_validator_t *v, apr_off_t lt, apr_off_t end)
{
    response_t *r = &v->resp;
    apr_off_t *dels;
    const char **keys;
    apr_off_t ws;
    const char *sep;
    int i;
    int k;
    int kept = 0;

    /* rules.md's interop option: a valid status-form response with
     * several hrefs is split too (the meaning is the same; some clients
     * read only the first href) */
    int interop = r->npropstat == 0 && r->nstatus == 1 && r->code >= 0;

    /* the hrefs as it goes out: those MS-HREF-UNIQUE removes (repeats of
     * an earlier response's, same status) are not there in a second run;
     * their removal applies in every copy */
    for (i = 0; r->hrefs != NULL && i < r->hrefs->nelts; i++) {
        kept += !APR_ARRAY_IDX(r->hrefs, i, href_t).remove;
    }
    if (kept < 2 || r->hrefs->nelts != (int)r->nhref
        || !mss_rw_on(v, MSS_R_MS_MULTI_HREF)
        || reported_unfixed(v, MSS_R_MS_HREF_UNIQUE)
        || reported(v, MSS_R_PF_DEPTH_SCOPE)
        /* fixes a response with one href takes and this one did not: a
         * copy would take them in a second run */
        || (reported(v, MSS_R_CM_423_ERROR) && mss_rw_on(v, MSS_R_CM_423_ERROR))
        || (reported(v, MSS_R_MS_ERR_LOCK_TOKEN_HREF)
            && mss_rw_on(v, MSS_R_MS_ERR_LOCK_TOKEN_HREF))
        || (!interop
            && (r->npropstat == 0 || (r->nstatus > 0 && !r->status_gone)
                || !v->propstat_ok || !reported(v, MSS_R_MS_MULTI_HREF)))) {
        return;
    }
    dels = apr_palloc(v->rpool, 2 * sizeof(*dels) * (apr_size_t)kept);
    keys = apr_palloc(v->rpool, sizeof(*keys) * (apr_size_t)kept);
    for (i = 0, k = 0; i < r->hrefs->nelts; i++) {
        const href_t *h = &APR_ARRAY_IDX(r->hrefs, i, href_t);
        const char *val;
        int same;
        int j;

        if (h->remove) {
            continue;
        }
        if (h->ea < 0 || h->eb <= h->ea || !h->checked || h->len == 0) {
            return;
        }
        /* the same resource twice in it: two copies would be duplicates */
        {
            apr_size_t vl;
            const char *vs = mss_href_out(h, &vl);

            val = apr_pstrmemdup(v->rpool, vs, vl);
        }
        if (k > 0 && r->restype_2xx) {
            /* a copy's href is its first: MS-HREF-COLLECTION-SLASH, which
             * judged the first href that goes out only, would judge it
             * against the resourcetype in a second run */
            const char *pp;
            apr_size_t path;
            int slash;

            mss_href_path(val, strlen(val), &pp, &path);
            slash = path == 0 || pp[path - 1] == '/';
            if (r->collection ? !slash : slash && path > 1) {
                return;
            }
        }
        keys[k] = mss_resolve_key(v->rpool, val, v->uri, &v->origin, &same);
        if (keys[k] == NULL) {
            keys[k] = val;
        }
        for (j = 0; j < k; j++) {
            if (strcmp(keys[j], keys[k]) == 0) {
                return;
            }
        }
        dels[2 * k] = mss_rw_ws_back(v, h->ea, lt);
        dels[2 * k + 1] = h->eb;
        k++;
    }
    ws = mss_rw_ws_back(v, lt, 0);
    sep = ws < lt ? mss_rw_bytes(v, ws, lt) : NULL;
    mss_rw_split(v, lt, end, dels, kept,
                 sep != NULL ? apr_pstrmemdup(v->rpool, sep, (size_t)(lt - ws))
                             : "");
    if (interop) {
        mss_v_violation_sev(
            v, MSS_R_MS_MULTI_HREF, MSS_SEV_INFO, r->line, r->col,
            apr_psprintf(v->rpool,
                         "%u hrefs in a status-form response (valid, RFC "
                         "4918 14.24): one response per href, for clients "
                         "that read only the first (interop)",
                         (unsigned int)kept));
    }
    mss_v_mark(v, MSS_R_MS_MULTI_HREF, 0, 0, "fixed");
}

static int lts_insert(mss_validator_t *v, apr_off_t lt, apr_off_t tagend,
                      apr_off_t end, const char *val);

/* Rewrite: the edits of the response that ends here.  A removal takes the
 * whole element, and the whitespace before it when only whitespace
 * separates it from what went out before. */
static void response_edits(mss_validator_t *v)
{
    response_t *r = &v->resp;
    apr_off_t end = mss_xml_offset(v->xml);
    apr_off_t lt = mss_rw_lt(v, r->tag);
    int code;
    int i;

    /* too much held to commit: fail open before its fixes are reported */
    if (!mss_rw_room(v, end) || lt < 0) {
        return;
    }
    if (r->drop != 0) {
        drop_response(v, lt, end, r->drop);
        return;
    }
    if (r->ps_1xx != NULL && r->ps_1xx->nelts > 0) {
        /* MS-STATUS-1XX (N3, read methods): the 1xx propstats go when
         * another propstat is left */
        if ((unsigned int)r->ps_1xx->nelts / 2 < r->npropstat) {
            for (i = 0; i < r->ps_1xx->nelts; i += 2) {
                apr_off_t a = APR_ARRAY_IDX(r->ps_1xx, i, apr_off_t);
                apr_off_t b = APR_ARRAY_IDX(r->ps_1xx, i + 1, apr_off_t);

                if (a >= 0 && b > a && mss_rw_bytes(v, a, b) != NULL) {
                    mss_rw_edit(v, mss_rw_ws_back(v, a, lt), b, "");
                }
            }
            mss_v_mark(v, MSS_R_MS_STATUS_1XX, 0, 0, "fixed");
        }
    }
    code = propstat_method_fix(v, lt);
    if (code == 0) {
        code = response_form_fix(v, lt);
    }
    r->out_code = code;
    loc_status_fix(v);
    if (code > 0 && r->children == r->nhref + r->nstatus + r->npropstat
        && !r->stray && mss_method_sf_merge(v, code)
        && reported(v, MSS_R_MS_HREF_UNIQUE)) {
        /* now an identical status-form duplicate (MS-HREF-UNIQUE) */
        drop_response(v, lt, end, MSS_R_MS_HREF_UNIQUE);
        return;
    }
    opt_in_fixes(v, lt, end);
    /* MS-RESPONSE-SINGLETONS: repeated error and responsedescription */
    if (r->nerror > 1
        && merge_adjacent(v, r->errors4, r->nerror,
                          MSS_R_MS_RESPONSE_SINGLETONS, "")) {
        mss_v_mark(v, MSS_R_MS_RESPONSE_SINGLETONS, r->dup_line[1],
                   r->dup_col[1], "fixed");
    }
    if (r->ndesc > 1 && !r->desc_markup
        && merge_adjacent(v, r->descs4, r->ndesc, MSS_R_MS_RESPONSE_SINGLETONS,
                          " ")) {
        mss_v_mark(v, MSS_R_MS_RESPONSE_SINGLETONS, r->dup_line[2],
                   r->dup_col[2], "fixed");
    }
    wrap_condition(v, &r->bare, r->nerror - r->err_removed, r->tag);
    /* MS-TRUNCATION-507 (rules.md: N1 insert the condition): before the
     * response's end tag, in its prefix */
    if (r->add_matches && mss_rw_on(v, MSS_R_MS_TRUNCATION_507)) {
        const char *q = mss_rw_qual(v, lt);
        apr_off_t et = mss_rw_end_tag(v, end);

        if (q != NULL && et >= 0) {
            mss_rw_edit(v, et, et,
                        apr_psprintf(v->rpool,
                                     "<%serror><%snumber-of-matches-within-"
                                     "limits/></%serror>",
                                     q, q, q));
            mss_v_mark(v, MSS_R_MS_TRUNCATION_507, 0, 0, "fixed");
        }
    }
    for (i = 0; r->hrefs != NULL && i < r->hrefs->nelts; i++) {
        const href_t *h = &APR_ARRAY_IDX(r->hrefs, i, href_t);

        if (h->remove && h->ea >= 0) {
            /* MS-HREF-UNIQUE: an href an earlier response listed with the
             * same status goes from a response that keeps another */
            mss_rw_edit(v, mss_rw_ws_back(v, h->ea, lt), h->eb, "");
            mss_v_mark(v, MSS_R_MS_HREF_UNIQUE, h->line, h->col, "fixed");
        }
        else if (h->fix != NULL && h->ca >= 0) {
            mss_rw_edit(v, h->ca, h->cb,
                        mss_rw_escape(v->rpool, h->fix, strlen(h->fix)));
        }
    }
    multi_href_split(v, lt, end);
    /* MS-HREF-UNIQUE: into the previous response, when it was held */
    mss_mg_try(v, end);
    /* MS-HREF-REQUIRED: RFC 4918 13; N1 where the target is the
     * Request-URI beyond doubt (PROPPATCH, MKCALENDAR: one target, so the
     * first response only), as an absolute path (RW-NO-FABRICATION) */
    if (r->nhref == 0 && r->index == 1
        && ((v->m == MSS_M_PROPPATCH) || (v->m == MSS_M_MKCALENDAR))
        && v->uri != NULL && v->uri[0] == '/'
        && mss_rw_on(v, MSS_R_MS_HREF_REQUIRED)) {
        const char *q = mss_rw_qual(v, lt);
        const char *tagc = mss_rw_bytes(v, r->tag, r->tag + 1);

        if (q != NULL && tagc != NULL && tagc[0] == '>') {
            const char *u = mss_rw_escape(v->rpool, v->uri, strlen(v->uri));

            /* (before a DAV:error that MS-ERR-PLACEMENT opens there) */
            mss_rw_edit_first(
                v, r->tag + 1,
                apr_psprintf(v->rpool, "<%shref>%s</%shref>", q, u, q));
            mss_v_mark(v, MSS_R_MS_HREF_REQUIRED, 0, 0, "fixed");
            mss_method_note_href(v, v->uri);
            r->href_added = 1;
            /* MS-ERR-LOCK-TOKEN-HREF: the empty conditions before it
             * (lock_token_href_fix) name it now */
            for (i = 0; r->lts_late != NULL && i < r->lts_late->nelts; i++) {
                const apr_off_t *rec =
                    (const apr_off_t *)(r->lts_late->elts
                                        + (size_t)i * 5 * sizeof(apr_off_t));

                if (lts_insert(v, rec[0], rec[1], rec[2], u)) {
                    mss_v_mark(v, MSS_R_MS_ERR_LOCK_TOKEN_HREF,
                               (unsigned long)rec[3], (unsigned long)rec[4],
                               "fixed");
                }
            }
        }
    }
}

static void response_end(mss_validator_t *v)
{
    response_t *r = &v->resp;
    static const char *const single[4] = {"status", "error",
                                          "responsedescription", "location"};
    unsigned int counts[4];
    int i;
    int status_form = r->nstatus > 0 && r->npropstat == 0;

    counts[0] = r->nstatus;
    counts[1] = r->nerror;
    counts[2] = r->ndesc;
    counts[3] = r->nlocation;

    /* MS-HREF-REQUIRED: RFC 4918 13, 14.24 */
    if (r->nhref_nonempty == 0) {
        mss_v_violation(v, MSS_R_MS_HREF_REQUIRED, r->line, r->col,
                        r->nhref == 0
                            ? "response without DAV:href (RFC 4918 13)"
                            : "response whose DAV:href is empty "
                              "(RFC 4918 13)");
    }
    /* MS-RESPONSE-FORM: RFC 4918 14.24 */
    if (r->nstatus > 0 && r->npropstat > 0) {
        mss_v_violation(v, MSS_R_MS_RESPONSE_FORM, r->line, r->col,
                        "response has both DAV:status and DAV:propstat "
                        "(RFC 4918 14.24)");
    }
    else if (r->nstatus == 0 && r->npropstat == 0) {
        mss_v_violation(v, MSS_R_MS_RESPONSE_FORM, r->line, r->col,
                        "response has neither DAV:status nor DAV:propstat "
                        "(RFC 4918 14.24)");
    }
    /* MS-MULTI-HREF: RFC 4918 14.24 */
    if (r->nhref >= 2 && r->npropstat > 0) {
        mss_v_violation(v, MSS_R_MS_MULTI_HREF, r->line, r->col,
                        apr_psprintf(v->rpool,
                                     "%u hrefs in a propstat-form response "
                                     "(RFC 4918 14.24: extra hrefs only with "
                                     "status)",
                                     r->nhref));
    }
    /* MS-RESPONSE-SINGLETONS: RFC 4918 14.24 */
    for (i = 0; i < 4; i++) {
        if (counts[i] > 1) {
            mss_v_violation(v, MSS_R_MS_RESPONSE_SINGLETONS, r->dup_line[i],
                            r->dup_col[i],
                            apr_psprintf(v->rpool,
                                         "%u DAV:%s elements in one response "
                                         "(RFC 4918 14.24: at most one)",
                                         counts[i], single[i]));
        }
    }
    /* MS-LOC-3XX: RFC 4918 13.2 */
    if (status_form && is_redirect(r->code) && r->location_hrefs == 0) {
        mss_v_violation(v, MSS_R_MS_LOC_3XX, r->line, r->col,
                        apr_psprintf(v->rpool,
                                     "redirect status %d without "
                                     "DAV:location/DAV:href (RFC 4918 13.2)",
                                     r->code));
    }
    /* MS-LOC-STATUS: RFC 4918 14.9 */
    if (r->nlocation > 0 && r->nstatus > 0 && r->npropstat == 0 && r->code >= 0
        && r->code != 201 && !(r->code >= 300 && r->code < 400)) {
        mss_v_violation(v, MSS_R_MS_LOC_STATUS, r->line, r->col,
                        apr_psprintf(v->rpool,
                                     "DAV:location with status %d (RFC 4918 "
                                     "14.9: it carries what Location carries "
                                     "with 201 and 3xx)",
                                     r->code));
    }
    else if (r->nlocation > 0 && r->npropstat > 0 && r->nstatus == 0) {
        mss_v_violation(v, MSS_R_MS_LOC_STATUS, r->line, r->col,
                        "DAV:location in a propstat-form response (RFC 4918 "
                        "14.9)");
    }
    /* MS-ERR-STATUS-PAIRING: RFC 4918 16 */
    if (r->cond_name != NULL && r->code >= 300 && r->code != r->cond_code) {
        mss_v_violation(v, MSS_R_MS_ERR_STATUS_PAIRING, r->line, r->col,
                        apr_psprintf(v->rpool,
                                     "%s goes with %d, here with %d (RFC "
                                     "4918 16)",
                                     r->cond_name, r->cond_code, r->code));
    }
    if (r->error_conditions > 0 && r->code >= 200 && r->code < 300) {
        mss_v_violation(v, MSS_R_MS_ERR_STATUS_PAIRING, r->line, r->col,
                        apr_psprintf(v->rpool,
                                     "precondition/postcondition beside status "
                                     "%d (RFC 4918 16: conditions go with "
                                     "failures)",
                                     r->code));
    }
    /* MS-PROPSTAT-METHOD: RFC 4918 13, rules.md 3.2 */
    if (r->npropstat > 0 && !v->propstat_ok
        && !((v->m == MSS_M_LOCK)
             && r->ps_lockdiscovery_only == r->npropstat)) {
        /* (the RFC 2518 LOCK shape is LOCK-LEGACY-PROPSTAT instead) */
        mss_v_violation(
            v, MSS_R_MS_PROPSTAT_METHOD, r->line, r->col,
            apr_psprintf(v->rpool,
                         "propstat form in a %s 207 (RFC 4918 13: "
                         "propstat belongs to PROPFIND and "
                         "PROPPATCH)",
                         mss_v_esc(v, v->method, strlen(v->method))));
    }
    /* MS-TRUNCATION-507: RFC 5323 2.3.1, RFC 6352 8.6.2, RFC 6578 3.6 */
    if (status_form && r->code == 507
        && ((v->m == MSS_M_REPORT) || (v->m == MSS_M_SEARCH))) {
        int self = 0;
        int known = 0;

        if (r->href != NULL && v->req_key != NULL) {
            int same;
            char *k =
                mss_resolve_key(v->rpool, r->href, v->uri, &v->origin, &same);

            if (k != NULL) {
                known = 1;
                self = mss_href_scope(k, v->req_key) == MSS_SCOPE_SELF;
            }
        }
        if (known && !self) {
            mss_v_violation(v, MSS_R_MS_TRUNCATION_507, r->line, r->col,
                            apr_psprintf(v->rpool,
                                         "507 on an href other than the "
                                         "Request-URI in a %s 207 (RFC 5323 "
                                         "2.3.1, RFC 6578 3.6)",
                                         v->method));
        }
        else if (known && (v->m == MSS_M_REPORT) && !r->matches_within_limits) {
            mss_v_violation(v, MSS_R_MS_TRUNCATION_507, r->line, r->col,
                            "507 on the Request-URI without DAV:error/"
                            "DAV:number-of-matches-within-limits (RFC 6352 "
                            "8.6.2, RFC 6578 3.6)");
            /* Rewrite: only where no DAV:error is there to extend */
            r->add_matches = r->nerror == 0;
        }
    }
    r->loc_goes = v->rw != NULL && loc_status_goes(v);
    mss_method_response(v);
    if (v->rw != NULL) {
        response_edits(v);
        mss_cl_response(v);
    }
    flush_response(v);
    v->in_response = 0;
}

/* Rewrite, MS-ERR-LOCK-TOKEN-HREF (rules.md: N3 opt-in, insert the
 * enclosing response's own href: a 423 resource is itself locked,
 * directly or through an ancestor): an empty lock-token-submitted of a
 * response whose one href came first gets
 * <P:href>its href</P:href>, P its own prefix; <P:x/> becomes
 * <P:x><P:href>...</P:href></P:x>.  1 when done. */
/* The href (escaped @p val) goes into the empty lock-token-submitted whose
 * "<" is at @p lt, its start tag ending at @p tagend (">" or "/" of "/>")
 * and the element at @p end.  1 when done. */
static int lts_insert(mss_validator_t *v, apr_off_t lt, apr_off_t tagend,
                      apr_off_t end, const char *val)
{
    const char *tag = lt >= 0 ? mss_rw_bytes(v, lt, end) : NULL;
    const char *q = tag != NULL ? mss_rw_qual(v, lt) : NULL;
    const char *href;
    apr_size_t qn = 1;

    if (q == NULL) {
        return 0;
    }
    href = apr_psprintf(v->rpool, "<%shref>%s</%shref>", q, val, q);
    if (tag[tagend - lt] == '>') {
        /* before its end tag */
        apr_off_t et = mss_rw_end_tag(v, end);

        if (et <= tagend) {
            return 0;
        }
        mss_rw_edit(v, et, et, href);
        return 1;
    }
    /* <P:lock-token-submitted/>: the name runs to a space, "/" or ">" */
    while (lt + (apr_off_t)qn < tagend && tag[qn] != ' ' && tag[qn] != '\t'
           && tag[qn] != '\r' && tag[qn] != '\n' && tag[qn] != '/') {
        qn++;
    }
    mss_rw_edit(
        v, tagend, end,
        apr_psprintf(v->rpool, ">%s</%.*s>", href, (int)(qn - 1), tag + 1));
    return 1;
}

static int lock_token_href_fix(mss_validator_t *v, const frame_t *f)
{
    response_t *r = &v->resp;
    const href_t *h0;
    apr_off_t end;
    const char *hv;
    apr_size_t hl;

    /* Log mode, or a condition outside any response (its hrefs list is
     * not there then): nothing to do */
    if (v->rw == NULL || !v->in_response || r->hrefs == NULL || f->children > 0
        || !mss_rw_on(v, MSS_R_MS_ERR_LOCK_TOKEN_HREF)) {
        return 0;
    }
    h0 = r->hrefs->nelts > 0 ? &APR_ARRAY_IDX(r->hrefs, 0, href_t) : NULL;
    end = mss_xml_offset(v->xml);
    if (h0 == NULL && r->nhref == 0) {
        /* no href yet: if MS-HREF-REQUIRED puts the Request-URI in as
         * the first child, this gets it then (response_edits), as a
         * second run would */
        apr_off_t *rec;

        if (r->lts_late == NULL) {
            r->lts_late = apr_array_make(v->rpool, 2, 5 * sizeof(apr_off_t));
        }
        rec = (apr_off_t *)apr_array_push(r->lts_late);
        rec[0] = mss_rw_lt(v, f->tag);
        rec[1] = f->tag;
        rec[2] = end;
        rec[3] = (apr_off_t)f->line;
        rec[4] = (apr_off_t)f->col;
        return 0;
    }
    if (h0 == NULL || r->nhref != 1 || h0->len == 0 || !h0->checked) {
        return 0;
    }
    /* the href as it goes out (an href fix is known at its end) */
    hv = mss_href_out(h0, &hl);
    return lts_insert(v, mss_rw_lt(v, f->tag), f->tag, end,
                      mss_rw_escape(v->rpool, hv, hl));
}

/* Rewrite: the findings of @p rule queued since @p before was the last
 * one (NULL: since the response began) were fixed. */
static void mark_since(mss_validator_t *v, pending_t *before, mss_rule_e rule)
{
    pending_t *pv;

    for (pv = before != NULL ? before->next : v->resp.head; pv != NULL;
         pv = pv->next) {
        if (pv->rule == rule) {
            pv->action = "fixed";
        }
    }
}

/* Rewrite, responsedescription @p f, which ends here and has element
 * children (#PCDATA, RFC 4918 14.25, 17):
 *   - no DAV:error among them (MS-PCDATA-ONLY, rules.md: N1 replace each
 *     element by its text content): every tag inside goes, text, CDATA,
 *     comments and processing instructions stay;
 *   - one DAV:error and nothing else (MS-ERR-IN-DESCRIPTION, rules.md: N1
 *     move it out as a sibling, keep the remaining text, drop the
 *     description if only whitespace remains): when the response or
 *     propstat has no DAV:error of its own and the description's start
 *     tag declares nothing (the error's prefixes stay in scope).
 * Anything else is logged. */
static int desc_fix(mss_validator_t *v, frame_t *f, const frame_t *parent)
{
    apr_off_t end = mss_xml_offset(v->xml);
    apr_off_t lt = mss_rw_lt(v, f->tag);
    apr_off_t a = f->tag + 1;
    apr_off_t b = mss_rw_lt(v, end - 1);
    const char *s = b >= a ? mss_rw_bytes(v, a, b) : NULL;
    apr_size_t n = s != NULL ? (apr_size_t)(b - a) : 0;
    apr_size_t i = 0;

    if (s == NULL || lt < 0 || mss_rw_bytes(v, lt, end) == NULL) {
        return 0;
    }
    if (f->errs == 0) {
        if (!mss_rw_on(v, MSS_R_MS_PCDATA_ONLY)) {
            return 0;
        }
        while (i < n) {
            mss_rt_e k;
            apr_size_t next = mss_rw_token(s, n, i, &k);

            if (next == 0) {
                return 0;
            }
            if (k == MSS_RT_START || k == MSS_RT_END || k == MSS_RT_EMPTY) {
                mss_rw_edit(v, a + (apr_off_t)i, a + (apr_off_t)next, "");
            }
            i = next;
        }
        mark_since(v, f->before, MSS_R_MS_PCDATA_ONLY);
        return 1;
    }
    if (f->errs == 1 && f->children == 1 && f->ea >= a && f->eb > f->ea
        && f->eb <= b && mss_rw_on(v, MSS_R_MS_ERR_IN_DESCRIPTION)
        && (parent->ctx == C_PROPSTAT ? v->ps.nerror - v->ps.removed
                                      : v->resp.nerror - v->resp.err_removed)
               == 0) {
        const char *st = mss_rw_bytes(v, lt, f->tag);
        const char *err = mss_rw_bytes(v, f->ea, f->eb);
        int blank = 1;
        apr_off_t k;

        if (st == NULL || err == NULL
            || memchr(st, '=', (size_t)(f->tag - lt)) != NULL) {
            return 0; /* the description's start tag declares something */
        }
        for (k = a; k < b; k++) {
            char c = s[k - a];

            if (k >= f->ea && k < f->eb) {
                continue;
            }
            blank &= c == ' ' || c == '\t' || c == '\r' || c == '\n';
        }
        err = apr_pstrmemdup(v->rpool, err, (apr_size_t)(f->eb - f->ea));
        if (blank) {
            mss_rw_edit(v, lt, end, err);
        }
        else {
            mss_rw_edit(v, f->ea, f->eb, "");
            mss_rw_edit(v, end, end, err);
        }
        /* (its error goes beside it: the description stays apart) */
        mark_since(v, f->before, MSS_R_MS_ERR_IN_DESCRIPTION);
    }
    return 0;
}

/* Rewrite: element @p f, which ends here, goes, with the whitespace before
 * it (its line).  1 when the edit was made. */
static int drop_element(mss_validator_t *v, const frame_t *f, mss_rule_e rule)
{
    apr_off_t end = mss_xml_offset(v->xml);
    apr_off_t a = mss_rw_lt(v, f->tag);

    if (!mss_rw_on(v, rule) || a < 0 || mss_rw_bytes(v, a, end) == NULL) {
        return 0;
    }
    mss_rw_edit(v, mss_rw_ws_back(v, a, 0), end, "");
    return 1;
}

/* Rewrite, MS-NO-STRAY-TEXT (rules.md: N1 remove the stray text nodes):
 * the text directly inside element @p f (element-only), which ends here.
 * Its content is held and was well-formed, so a small scan of the raw
 * bytes finds the runs at its own level: markup (tags, comments, PIs)
 * stays, and so does everything inside a child (property values).  A text
 * run keeps its trailing whitespace (the indentation of what follows); a
 * CDATA section that is not whitespace goes.  1 when an edit was made. */
static int strip_text(mss_validator_t *v, apr_off_t a, apr_off_t b);

static int stray_text_fix(mss_validator_t *v, const frame_t *f, mss_rule_e rule)
{
    apr_off_t a = f->tag + 1;
    apr_off_t b = mss_rw_lt(v, mss_xml_offset(v->xml) - 1);
    const char *t = mss_rw_bytes(v, f->tag, f->tag + 1);

    if (!mss_rw_on(v, rule) || t == NULL || t[0] != '>' || b < a) {
        return 0;
    }
    return strip_text(v, a, b) > 0;
}

/* Rewrite: remove the text that is not whitespace, and CDATA sections that
 * are not, at the top level of the held bytes [a, b): each run up to its
 * last non-whitespace byte.  The number of removals, or -1 when the bytes
 * are not held. */
static int strip_text(mss_validator_t *v, apr_off_t a, apr_off_t b)
{
    const char *s;
    apr_size_t n;
    apr_size_t i = 0;
    int depth = 0;
    int edits = 0;

    if (b < a || (s = mss_rw_bytes(v, a, b)) == NULL) {
        return -1;
    }
    n = (apr_size_t)(b - a);
    while (i < n) {
        mss_rt_e k;
        apr_size_t next = mss_rw_token(s, n, i, &k);
        apr_size_t j;
        apr_size_t last = i; /* one past the last non-whitespace */

        if (next == 0) {
            return edits; /* cannot be in well-formed content */
        }
        if (depth == 0 && (k == MSS_RT_TEXT || k == MSS_RT_CDATA)) {
            for (j = k == MSS_RT_CDATA ? i + 9 : i;
                 j < (k == MSS_RT_CDATA ? next - 3 : next); j++) {
                if (s[j] != ' ' && s[j] != '\t' && s[j] != '\r'
                    && s[j] != '\n') {
                    last = j + 1;
                }
            }
            if (last > i) {
                /* a text run keeps its trailing whitespace; a CDATA
                 * section goes whole */
                mss_rw_edit(v, a + (apr_off_t)i,
                            a + (apr_off_t)(k == MSS_RT_CDATA ? next : last),
                            "");
                edits++;
            }
        }
        else if (k == MSS_RT_START) {
            depth++;
        }
        else if (k == MSS_RT_END) {
            depth--;
        }
        i = next;
    }
    return edits;
}

/* ---- Rewrite, MS-MULTISTATUS-CHILDREN: the root's own content ------ */

/* (c): the text between the root's children since the last one, up to
 * @p b, goes */
static void root_text_strip(mss_validator_t *v, apr_off_t b)
{
    int n = v->root_gap > 0 && b >= v->root_gap ? strip_text(v, v->root_gap, b)
                                                : -1;

    if (n < 0) {
        v->root_text_kept = 1;
    }
    else {
        v->root_text_cut += n;
    }
}

/* (a): a run of adjacent descriptions ends: merged into the first, their
 * texts joined by one space */
static void root_run_end(mss_validator_t *v)
{
    apr_array_header_t *run = v->root_run;

    if (run != NULL && run->nelts >= 8
        && merge_adjacent(v, run, (unsigned int)run->nelts / 4,
                          MSS_R_MS_MULTISTATUS_CHILDREN, " ")) {
        v->root_merged = 1;
    }
    if (run != NULL) {
        run->nelts = 0;
    }
}

static void root_child_start(mss_validator_t *v, const frame_t *root,
                             const frame_t *f)
{
    if (!mss_rw_on(v, MSS_R_MS_MULTISTATUS_CHILDREN)) {
        return;
    }
    if (root->text) {
        root_text_strip(v, mss_rw_lt(v, f->tag));
    }
    if (f->ctx != C_TEXT || f->role != T_DESC) {
        root_run_end(v);
    }
    else if (v->root_run == NULL || v->root_run->nelts == 0) {
        v->root_runs++;
    }
}

/* A description of the root ends at @p end: 1 when it joins the run (and
 * stays held) */
static int root_desc_end(mss_validator_t *v, const frame_t *f, apr_off_t end)
{
    apr_off_t lt = mss_rw_lt(v, f->tag);
    apr_off_t elt = mss_rw_lt(v, end - 1);

    if (!mss_rw_on(v, MSS_R_MS_MULTISTATUS_CHILDREN)) {
        return 0;
    }
    if (f->children > 0 || lt < 0 || elt < 0) {
        /* markup inside (MS-PCDATA-ONLY's), or not held: it ends the run
         * and starts none */
        root_run_end(v);
        v->root_runs++;
        return 0;
    }
    if (v->root_run == NULL) {
        v->root_run = apr_array_make(v->pool, 8, sizeof(apr_off_t));
    }
    *MSS_PUSH(v->root_run, apr_off_t) = lt;
    *MSS_PUSH(v->root_run, apr_off_t) = f->tag;
    *MSS_PUSH(v->root_run, apr_off_t) = elt;
    *MSS_PUSH(v->root_run, apr_off_t) = end;
    return 1;
}

/* At the root's end: the last run, the text before the end tag, and the
 * held report of (a) */
static void root_end_fixes(mss_validator_t *v, const frame_t *root)
{
    if (v->rw != NULL && mss_rw_on(v, MSS_R_MS_MULTISTATUS_CHILDREN)) {
        root_run_end(v);
        if (root->text) {
            root_text_strip(v, mss_rw_end_tag(v, mss_xml_offset(v->xml)));
        }
    }
    if (v->root_desc_late) {
        v->root_desc_late = 0;
        if (v->root_runs == 1 && v->root_merged
            && mss_rw_on(v, MSS_R_MS_MULTISTATUS_CHILDREN)) {
            doc_fixed(v, MSS_R_MS_MULTISTATUS_CHILDREN, v->root_desc_line,
                      v->root_desc_col, ROOT_DESCS);
        }
        else {
            mss_v_doc(v, MSS_R_MS_MULTISTATUS_CHILDREN,
                      sev_of(MSS_R_MS_MULTISTATUS_CHILDREN), v->root_desc_line,
                      v->root_desc_col, ROOT_DESCS);
        }
    }
}

static void on_end(void *baton)
{
    mss_validator_t *v = baton;
    frame_t *f;
    frame_t *parent;
    int gone = 0;       /* a location that goes */
    int stray_gone = 0; /* stray text that goes */

    if (v->depth_now == 0) {
        return;
    }
    f = &v->stack[v->depth_now - 1];
    if (f->ctx == C_IGNORE) {
        v->skipping = 0; /* (its content was skipped, if it was) */
        v->depth_now--;  /* nothing to check (the hot path) */
        /* (an ignored element can be the root: no parent then) */
        v->want_text = v->depth_now > 0 && !f[-1].text ? f[-1].wants : 0;
        if (v->rw != NULL) {
            if (v->depth_now <= 1) {
                apr_off_t end = mss_xml_offset(v->xml);

                if (v->depth_now == 1) {
                    v->root_gap = end; /* an ignored child of the root */
                }
                mss_rw_commit(v, end);
            }
            else if (v->rw_tight) {
                mss_rw_room(v, mss_xml_offset(v->xml));
            }
        }
        return;
    }
    if (v->in_response
        && !resp_size(v, mss_xml_offset(v->xml), f->line, f->col)) {
        return;
    }
    parent = v->depth_now > 1 ? &v->stack[v->depth_now - 2] : NULL;

    if (v->rw != NULL && parent != NULL && parent->ctx == C_RESPONSE
        && (f->ctx == C_ERROR || (f->ctx == C_TEXT && f->role == T_DESC))) {
        /* where it is, should the response have several
         * (MS-RESPONSE-SINGLETONS) */
        apr_array_header_t **rec =
            f->ctx == C_ERROR ? &v->resp.errors4 : &v->resp.descs4;
        apr_off_t end = mss_xml_offset(v->xml);

        if (*rec == NULL) {
            *rec = apr_array_make(v->rpool, 8, sizeof(apr_off_t));
        }
        *MSS_PUSH(*rec, apr_off_t) = mss_rw_lt(v, f->tag);
        *MSS_PUSH(*rec, apr_off_t) = f->tag;
        *MSS_PUSH(*rec, apr_off_t) = mss_rw_lt(v, end - 1);
        *MSS_PUSH(*rec, apr_off_t) = end;
    }
    switch ((ctx_e)f->ctx) {
    case C_TEXT:
        if (parent != NULL) {
            text_end(v, f, parent);
            /* a description of the response that keeps markup cannot
             * merge with another (MS-RESPONSE-SINGLETONS); markup the
             * fixes remove does not count (a second run sees none) */
            if (f->role == T_DESC && f->children > 0 && v->rw != NULL
                && v->in_response && !desc_fix(v, f, parent)
                && parent->ctx == C_RESPONSE) {
                v->resp.desc_markup = 1;
            }
        }
        break;
    case C_MULTISTATUS:
        if (v->depth_now == 1) {
            mss_mg_release(v); /* (before any edit after it) */
            root_end_fixes(v, f);
        }
        /* MS-MULTISTATUS-CHILDREN (c): RFC 4918 14.16 */
        if (f->text) {
            const char *msg = "text directly inside multistatus (RFC 4918 "
                              "14.16, 17)";

            if (v->root_text_cut > 0 && !v->root_text_kept
                && mss_rw_on(v, MSS_R_MS_MULTISTATUS_CHILDREN)) {
                doc_fixed(v, MSS_R_MS_MULTISTATUS_CHILDREN, f->line, f->col,
                          msg);
            }
            else {
                mss_v_violation(v, MSS_R_MS_MULTISTATUS_CHILDREN, f->line,
                                f->col, msg);
            }
        }
        break;
    case C_RESPONSE:
    case C_PROPSTAT:
    case C_PROP:
        /* MS-NO-STRAY-TEXT: RFC 4918 14.18, 17 */
        if (f->text) {
            mss_v_violation(v, MSS_R_MS_NO_STRAY_TEXT, f->line, f->col,
                            apr_psprintf(v->rpool,
                                         "text directly inside DAV:%s, an "
                                         "element-only type (RFC 4918 17)",
                                         f->ctx == C_RESPONSE   ? "response"
                                         : f->ctx == C_PROPSTAT ? "propstat"
                                                                : "prop"));
            if (v->in_response
                && stray_text_fix(v, f, MSS_R_MS_NO_STRAY_TEXT) > 0) {
                mss_v_mark(v, MSS_R_MS_NO_STRAY_TEXT, f->line, f->col, "fixed");
                stray_gone = 1; /* every run goes (strip_text) */
            }
        }
        if (f->ctx == C_PROPSTAT) {
            propstat_end(v, f);
        }
        else if (f->ctx == C_RESPONSE) {
            /* what stays of it, as the merges and the collapse see it: the
             * children a fix removes and stray text that goes are not */
            v->resp.children =
                f->children - v->resp.loc_gone - v->resp.err_removed;
            v->resp.stray = f->text && !stray_gone;
            response_end(v);
        }
        else if (v->rw != NULL && v->in_propstat && parent != NULL
                 && parent->ctx == C_PROPSTAT) {
            /* where this DAV:prop is, should the propstat have several
             * (MS-PROPSTAT-CONTENT) */
            apr_off_t end = mss_xml_offset(v->xml);

            if (v->ps.props == NULL) {
                v->pprops->nelts = 0;
                v->ps.props = v->pprops;
            }
            *MSS_PUSH(v->ps.props, apr_off_t) = mss_rw_lt(v, f->tag);
            *MSS_PUSH(v->ps.props, apr_off_t) = f->tag;
            *MSS_PUSH(v->ps.props, apr_off_t) = mss_rw_lt(v, end - 1);
            *MSS_PUSH(v->ps.props, apr_off_t) = end;
        }
        break;
    case C_ERROR:
        if (parent != NULL && parent->ctx == C_TEXT) {
            /* inside a responsedescription: it may move out whole
             * (MS-ERR-IN-DESCRIPTION) when it holds conditions only */
            if (parent->errs == 1 && f->children > 0 && !f->text) {
                parent->ea = mss_rw_lt(v, f->tag);
                parent->eb = mss_xml_offset(v->xml);
            }
        }
        if (f->children > 0 && parent != NULL && parent->ctx == C_RESPONSE) {
            v->resp.nerror_cond++; /* one that says something */
        }
        /* MS-ERR-CONTENT: RFC 4918 14.5; Rewrite (rules.md N1): an error
         * without a condition goes, text beside conditions is stripped */
        if (f->children == 0) {
            mss_v_violation(v, MSS_R_MS_ERR_CONTENT, f->line, f->col,
                            f->text ? "DAV:error holds text and no "
                                      "condition element (RFC 4918 14.5)"
                                    : "empty DAV:error (RFC 4918 14.5: at "
                                      "least one condition element)");
            if (v->in_response && drop_element(v, f, MSS_R_MS_ERR_CONTENT)) {
                mss_v_mark_last(v, MSS_R_MS_ERR_CONTENT);
                if (v->in_propstat) {
                    v->ps.removed++;
                }
                else if (parent != NULL && parent->ctx == C_RESPONSE) {
                    v->resp.err_removed++;
                }
            }
        }
        else if (f->text) {
            mss_v_violation(v, MSS_R_MS_ERR_CONTENT, f->line, f->col,
                            "text inside DAV:error (RFC 4918 14.5: no text or "
                            "mixed content)");
            if (v->in_response
                && stray_text_fix(v, f, MSS_R_MS_ERR_CONTENT) > 0) {
                mss_v_mark_last(v, MSS_R_MS_ERR_CONTENT);
            }
        }
        break;
    case C_PROPERTY: {
        int coll;
        /* what the parser layer saw of its value (mss_xml_skip_value) */
        int content = mss_xml_skipped(v->xml, &coll);

        v->skipping = 0;
        if (coll) {
            v->ps.collection = 1;
        }
        if (v->rw != NULL && v->ps.names != NULL && v->ps.names->nelts > 0) {
            /* its end, for PF-PROP-ONCE (properties do not nest: the last
             * name is this one) */
            APR_ARRAY_IDX(v->ps.names, v->ps.names->nelts - 1, prop_name_t).b =
                mss_xml_offset(v->xml);
        }
        /* a value: children, text or attributes (PF-ERROR-PROPS-EMPTY,
         * PP-NAMES-ONLY decide at the propstat's end, once its status is
         * known) */
        if (content || f->attrs) {
            if (v->ps.with_content++ == 0) {
                /* the parser's dictionary outlives the propstat */
                v->ps.first_with_content = f->local;
                v->ps.content_line = f->line;
            }
            /* Rewrite: where its value is, should it be emptied
             * (PF-ERROR-PROPS-EMPTY, PP-NAMES-ONLY); attributes would
             * stay, so such a propstat is left as it is */
            if (v->rw != NULL) {
                if (f->attrs) {
                    v->ps.attr_values++;
                }
                else {
                    apr_off_t *r2 = MSS_PUSH(v->prop_ranges, apr_off_t);

                    *r2 = f->tag;
                    r2 = MSS_PUSH(v->prop_ranges, apr_off_t);
                    *r2 = mss_xml_offset(v->xml);
                }
            }
        }
        break;
    }
    case C_CONDITION:
        /* MS-ERR-LOCK-TOKEN-HREF: RFC 4918 16, lock-token-submitted
         * (href+) */
        if (f->lts && f->hrefs == 0) {
            mss_v_violation(v, MSS_R_MS_ERR_LOCK_TOKEN_HREF, f->line, f->col,
                            "DAV:lock-token-submitted names no locked resource "
                            "(RFC 4918 16: href+)");
            if (lock_token_href_fix(v, f)) {
                mss_v_mark_last(v, MSS_R_MS_ERR_LOCK_TOKEN_HREF);
            }
        }
        if (v->rw != NULL && parent != NULL
            && (parent->ctx == C_RESPONSE || parent->ctx == C_PROPSTAT)) {
            /* MS-ERR-PLACEMENT (a): a condition without its error */
            mss_bare_t *bc =
                parent->ctx == C_PROPSTAT ? &v->ps.bare : &v->resp.bare;

            if (bc->n++ == 0) {
                bc->a = mss_rw_lt(v, f->tag);
                bc->b = mss_xml_offset(v->xml);
                bc->line = f->line;
                bc->col = f->col;
            }
        }
        break;
    case C_LOCATION:
        /* MS-LOC-CONTENT: RFC 4918 14.9; Rewrite (rules.md N1): a location
         * without href goes, text beside an href is stripped; several
         * hrefs are logged */
        gone = 0;
        if (f->hrefs != 1) {
            mss_v_violation(v, MSS_R_MS_LOC_CONTENT, f->line, f->col,
                            apr_psprintf(v->rpool,
                                         "DAV:location with %u hrefs (RFC 4918 "
                                         "14.9: exactly one)",
                                         f->hrefs));
            if (f->hrefs == 0 && f->children == 0 && v->in_response
                && drop_element(v, f, MSS_R_MS_LOC_CONTENT)) {
                mss_v_mark_last(v, MSS_R_MS_LOC_CONTENT);
                gone = 1;
            }
        }
        if (f->text) {
            mss_v_violation(v, MSS_R_MS_LOC_CONTENT, f->line, f->col,
                            "text directly inside DAV:location (RFC 4918 "
                            "14.9)");
            if (v->in_response
                && (f->hrefs == 0 && f->children == 0
                        ? (gone = drop_element(v, f, MSS_R_MS_LOC_CONTENT))
                        : stray_text_fix(v, f, MSS_R_MS_LOC_CONTENT) > 0)) {
                mss_v_mark_last(v, MSS_R_MS_LOC_CONTENT);
            }
        }
        if (v->rw != NULL && v->in_response && parent != NULL) {
            if (parent->ctx == C_PROPSTAT) {
                /* MS-LOC-STATUS (rules.md: N1 opt-in, drop it: no defined
                 * meaning in a propstat) */
                if (drop_element(v, f, MSS_R_MS_LOC_STATUS)) {
                    mss_v_mark(v, MSS_R_MS_LOC_STATUS, f->line, f->col,
                               "fixed");
                }
            }
            else if (parent->ctx == C_RESPONSE && gone) {
                v->resp.loc_gone++; /* (MS-LOC-STATUS counts the rest) */
            }
            else if (parent->ctx == C_RESPONSE && v->resp.loc_b == 0) {
                v->resp.loc_a = mss_rw_lt(v, f->tag);
                v->resp.loc_b = mss_xml_offset(v->xml);
            }
        }
        break;
    default:
        break;
    }
    v->depth_now--;
    if (v->depth_now > 0) {
        const frame_t *up = &v->stack[v->depth_now - 1];

        v->want_text = up->text ? 0 : up->wants;
    }
    /* Rewrite: a child of the root (a response) or the root has ended;
     * the multistatus end tag is held to the end of the document, where
     * a response may still go before it (LOCK-424-REQUEST-URI) */
    if (v->rw != NULL && v->depth_now <= 1) {
        apr_off_t end = mss_xml_offset(v->xml);
        apr_off_t lt = v->depth_now == 0 && f->ctx == C_MULTISTATUS
                           ? mss_rw_end_tag(v, end)
                           : -1;

        if (v->depth_now == 1) {
            v->root_gap = end;
        }
        /* a description of the root waits for a next one to merge with
         * (MS-MULTISTATUS-CHILDREN); the next child's end commits it */
        if (v->depth_now == 1 && f->ctx == C_RESPONSE) {
            /* it may be held for the next (MS-HREF-UNIQUE) */
            mss_mg_commit(v, end);
        }
        else if (!(v->depth_now == 1 && f->ctx == C_TEXT && f->role == T_DESC
                   && root_desc_end(v, f, end))) {
            /* (no end tag is held here: mss_mg_root_child and the root's
             * end let it go) */
            mss_rw_commit(v, lt >= 0 ? lt : end);
        }
        v->root_end = lt;
    }
}

/* ---- MS-EMPTY and the document end -------------------------------- */

static void document_end(mss_validator_t *v)
{
    /* MS-EMPTY: RFC 4918 14.16 allows zero responses; where the method
     * needs content, an empty multistatus reports nothing */
    if (v->root_ok && v->responses == 0) {
        int flag = 0;

        if ((v->m == MSS_M_PROPPATCH) || (v->m == MSS_M_LOCK)
            || (v->m == MSS_M_DELETE) || (v->m == MSS_M_COPY)
            || (v->m == MSS_M_MOVE) || (v->m == MSS_M_MKCALENDAR)) {
            flag = 1;
        }
        else if ((v->m == MSS_M_PROPFIND) && !v->noroot) {
            flag = 1;
        }
        if (flag) {
            /* (for DELETE, N3 opt-in: 204, mss_collapse.c) */
            mss_cl_report(
                v, MSS_R_MS_EMPTY, 0, 0, 0,
                apr_psprintf(v->pool,
                             "empty multistatus in a %s 207 "
                             "reports no outcome",
                             mss_v_esc(v, v->method, strlen(v->method))));
        }
    }
    mss_method_document(v);
}

/* ---- public API --------------------------------------------------- */

/* Rewrite: a long value gives no other event (mss_xml_watch) */
static void on_progress(void *baton)
{
    mss_validator_t *v = baton;

    if (v->rw != NULL && v->rw_tight) {
        mss_rw_room(v, mss_xml_offset(v->xml));
    }
}

static const mss_xml_handlers_t handlers = {
    on_start_document, on_doctype,  on_declaration, on_start, on_end,
    on_text,           on_progress, on_error};

static apr_table_t *copy_table(apr_pool_t *p, const apr_table_t *t)
{
    return t != NULL ? apr_table_copy(p, t) : NULL;
}

apr_status_t mss_validator_create(mss_validator_t **vp, apr_pool_t *p,
                                  const mss_options_t *opts,
                                  const mss_request_t *req,
                                  mss_report_fn report, void *baton)
{
    mss_validator_t *v = apr_pcalloc(p, sizeof(*v));
    apr_status_t rv;
    const char *list;
    mss_m207_e m207;

    v->pool = p;
    v->opts = *opts;
    if (v->opts.max_depth == 0 || v->opts.max_depth > MSS_HARD_MAX_DEPTH) {
        v->opts.max_depth = MSS_HARD_MAX_DEPTH;
    }
    if (v->opts.max_text == 0) {
        v->opts.max_text = MSS_DEFAULT_MAX_TEXT;
    }
    if (v->opts.max_response == 0) {
        v->opts.max_response = MSS_DEFAULT_MAX_RESPONSE;
    }
    v->report = report;
    v->baton = baton;
    rv = apr_pool_create(&v->rpool, p);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    v->stack = apr_pcalloc(p, sizeof(frame_t) * (v->opts.max_depth + 1));
    v->text = apr_palloc(p, v->opts.max_text + 1);

    v->method = apr_pstrdup(p, req->method != NULL ? req->method : "PROPFIND");
    {
        static const char *const ms[] = {
            "",       "PROPFIND", "PROPPATCH", "DELETE", "COPY",
            "MOVE",   "LOCK",     "REPORT",    "SEARCH", "MKCALENDAR",
            "UPDATE", "LABEL",    "MERGE",     "HEAD"};
        int i;

        for (i = 1; i < (int)(sizeof(ms) / sizeof(ms[0])); i++) {
            if (strcmp(v->method, ms[i]) == 0) {
                v->m = i;
            }
        }
    }
    v->uri = apr_pstrdup(p, req->uri != NULL ? req->uri : "/");
    v->depth = req->depth != NULL ? apr_pstrdup(p, req->depth) : NULL;
    v->req_headers = copy_table(p, req->req_headers);
    v->resp_headers = copy_table(p, req->resp_headers);
    v->now = req->now != 0 ? req->now : apr_time_now();
    v->status = req->status != 0 ? req->status : 207;
    /* another status carries another body (a DAV:error, an error page):
     * what is found before the root waits to see whether it is a
     * multistatus (LOCK-2518-409) */
    v->doc_defer = v->status != 207;
    /* Depth: RFC 4918 10.2; absent means infinity for PROPFIND (9.1) */
    v->depth_kind = MSS_DEPTH_INFINITY;
    if (v->depth != NULL && strncmp(v->depth, "0", 1) == 0) {
        v->depth_kind = 0;
    }
    else if (v->depth != NULL && strncmp(v->depth, "1", 1) == 0) {
        v->depth_kind = 1;
    }
    mss_origin_from_host(&v->origin, p, req->scheme, req_header(v, "Host"));
    if (v->opts.origin_map != NULL && v->origin.scheme != NULL) {
        /* back-end origins that name the request's (MS-HREF-ORIGIN) */
        char *copy = apr_pstrdup(p, v->opts.origin_map);
        char *last = NULL;
        char *tok;
        apr_array_header_t *a = apr_array_make(p, 2, sizeof(mss_origin_t));

        for (tok = apr_strtok(copy, " \t,", &last); tok != NULL;
             tok = apr_strtok(NULL, " \t,", &last)) {
            mss_origin_t o;

            mss_origin_of(&o, p, tok);
            if (o.scheme != NULL && o.host != NULL && *o.host != '\0') {
                APR_ARRAY_PUSH(a, mss_origin_t) = o;
            }
        }
        v->origin.alias = (const mss_origin_t *)a->elts;
        v->origin.nalias = a->nelts;
    }
    {
        int same;
        const char *dest = req_header(v, "Destination");

        v->req_key = mss_resolve_key(p, v->uri, NULL, &v->origin, &same);
        if (dest != NULL) {
            /* the Destination tree is compared within its own origin;
             * relative to the request's when it has the same one */
            v->dest_key = mss_resolve_key(p, dest, v->uri, &v->origin, &same);
            mss_origin_of(&v->dest_origin, p, dest);
        }
    }
    v->href_set = mss_hset_make(p);
    if (v->href_set == NULL) {
        return APR_ENOMEM;
    }
    v->pnames = apr_array_make(p, 16, sizeof(prop_name_t));
    v->phrefs = apr_array_make(p, 2, sizeof(href_t));
    v->pranges = apr_array_make(p, 8, sizeof(apr_off_t));
    v->pprops = apr_array_make(p, 8, sizeof(apr_off_t));
    v->digests = apr_array_make(p, 2, sizeof(apr_uint64_t));
    v->prop_once = (v->m == MSS_M_PROPFIND) || (v->m == MSS_M_REPORT)
                   || (v->m == MSS_M_SEARCH);
    if (v->opts.proxy_map != NULL) {
        char *copy = apr_pstrdup(p, v->opts.proxy_map);
        char *last = NULL;
        char *tok;

        v->proxy_map = apr_array_make(p, 2, sizeof(const char *));
        for (tok = apr_strtok(copy, " \t", &last); tok != NULL;
             tok = apr_strtok(NULL, " \t", &last)) {
            char *eq = strchr(tok, '=');

            if (eq != NULL && eq != tok) {
                *eq = '\0';
                APR_ARRAY_PUSH(v->proxy_map, const char *) = tok;
                APR_ARRAY_PUSH(v->proxy_map, const char *) = eq + 1;
            }
        }
    }

    /* depth-noroot in effect: the legacy Depth values (RFC 8144 App. A),
     * or Prefer sent and Preference-Applied returned (RFC 8144 4, RFC 7240
     * 3: a server may ignore a preference) */
    if (v->depth != NULL
        && (strcasecmp(v->depth, "1,noroot") == 0
            || strcasecmp(v->depth, "infinity,noroot") == 0)) {
        v->noroot = 1;
    }
    else if (mss_list_has(req_list(v, "Prefer"), "depth-noroot", 1)
             && mss_list_has(resp_list(v, "Preference-Applied"), "depth-noroot",
                             1)) {
        v->noroot = 1;
    }

    /* rules.md 3.2: the configured list, plus MKCALENDAR (RFC 4791
     * 5.3.1.1) and UPDATE/MERGE, whose propstat use depends on a request
     * body the filter does not see (RFC 3253 7.1, 11.2) */
    list = v->opts.propstat_methods != NULL ? v->opts.propstat_methods
                                            : "PROPFIND PROPPATCH REPORT "
                                              "SEARCH";
    v->propstat_ok = mss_method_in_list(list, v->method)
                     || (v->m == MSS_M_MKCALENDAR) || (v->m == MSS_M_UPDATE)
                     || (v->m == MSS_M_MERGE);

    rv = mss_xml_create(&v->xml, p, &handlers, v);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    v->want_text = 1;
    mss_xml_text_gate(v->xml, &v->want_text);

    /* MS-METHOD-207: rules.md 3.1 */
    m207 = mss_method_207(v->method);
    if (v->status == 207 && m207 != MSS_M207_ALLOWED) {
        mss_v_doc(v, MSS_R_MS_METHOD_207, MSS_SEV_WARN, 0, 0,
                  apr_psprintf(p,
                               m207 == MSS_M207_FORBIDDEN
                                   ? "%s never answers 207 (rules.md "
                                     "3.1)"
                                   : "207 to the extension method %s, "
                                     "which no RFC known here defines "
                                     "it for",
                               mss_v_esc(v, v->method, strlen(v->method))));
    }
    mss_method_create(v);
    *vp = v;
    return v->cb_status;
}

static void body_start(mss_validator_t *v, int has_body)
{
    if (!v->started) {
        v->started = 1;
        header_rules(v, has_body);
    }
}

apr_status_t mss_validator_feed(mss_validator_t *v, const char *buf,
                                apr_size_t len)
{
    if (len == 0 || v->finished) {
        return v->cb_status;
    }
    if (v->opts.fail_after > 0
        && v->bytes + (apr_off_t)len > v->opts.fail_after) {
        /* the fault-injection hook (mss.h): behave as an allocation
         * failure, and stay failed (Rewrite: what is held goes out
         * unchanged first, as mss.h promises) */
        if (v->rw != NULL) {
            if (v->tc_state == MSS_TC_HEAD && v->tc_nhead > 0) {
                /* the first bytes the transcoder was still deciding on
                 * were taken: they go out first */
                v->tc_state = MSS_TC_OFF;
                mss_rw_feed(v, (const char *)v->tc_head, v->tc_nhead);
            }
            mss_rw_fail_open(v, NULL);
        }
        v->cb_status = APR_ENOMEM;
        mss_xml_stop(v->xml);
        return v->cb_status;
    }
    v->bytes_in += (apr_off_t)len;
    if (v->rw != NULL && v->bytes_in == (apr_off_t)len) {
        v->tc_state = MSS_TC_HEAD; /* the first bytes decide (transcoding) */
    }
    if (v->tc_state != MSS_TC_OFF) {
        body_start(v, 1); /* the header facts (charset) decide too */
        return mss_tc_feed(v, buf, len);
    }
    return mss_v_feed_body(v, buf, len);
}

apr_status_t mss_v_feed_body(mss_validator_t *v, const char *buf,
                             apr_size_t len)
{
    body_start(v, 1);
    /* the first bytes, for the byte order mark (RFC 7303 3.2) */
    while (v->nhead < sizeof(v->head)
           && v->nhead < (apr_size_t)v->bytes + len) {
        v->head[v->nhead] = (unsigned char)buf[v->nhead - (apr_size_t)v->bytes];
        v->nhead++;
    }
    v->bytes += (apr_off_t)len;
    if (v->scan_ascii && !v->non_ascii) {
        apr_size_t i;

        for (i = 0; i < len; i++) {
            if ((unsigned char)buf[i] >= 0x80) {
                v->non_ascii = 1;
                break;
            }
        }
    }
    if (v->rw != NULL && mss_rw_feed(v, buf, len) != APR_SUCCESS) {
        return v->cb_status;
    }
    if (v->stop == MSS_OUTCOME_CLEAN && v->cb_status == APR_SUCCESS) {
        mss_xml_feed(v->xml, buf, len, 0);
    }
    return v->cb_status;
}

apr_size_t mss_validator_rejected(const mss_validator_t *v)
{
    return v->rejected;
}

apr_status_t mss_validator_finish(mss_validator_t *v, mss_result_t *res)
{
    if (!v->finished) {
        v->finished = 1;
        if (v->tc_state != MSS_TC_OFF) {
            mss_tc_finish(v);
        }
        body_start(v, v->bytes > 0);
        if (v->bytes == 0) {
            /* HDR-EMPTY-BODY: RFC 4918 13 (a HEAD response has no body,
             * RFC 9110 9.3.2) */
            if (v->m != MSS_M_HEAD && v->status == 207) {
                mss_v_doc(v, MSS_R_HDR_EMPTY_BODY, sev_of(MSS_R_HDR_EMPTY_BODY),
                          0, 0,
                          "207 with an empty body (RFC 4918 13: the "
                          "outcome is in the multistatus body)");
            }
            mss_cl_flush(v);
            if (v->rw != NULL) {
                mss_rw_finish(v);
            }
        }
        else {
            if (v->stop == MSS_OUTCOME_CLEAN && v->cb_status == APR_SUCCESS) {
                mss_xml_feed(v->xml, "", 0, 1);
            }
            if (v->stop == MSS_OUTCOME_CLEAN && v->cb_status == APR_SUCCESS
                && !mss_xml_done(v->xml)) {
                unsigned long line;
                unsigned long col;

                mss_xml_position(v->xml, &line, &col);
                on_error(v,
                         "the body ends before the root element is "
                         "closed",
                         line, col);
            }
            if (v->stop == MSS_OUTCOME_CLEAN) {
                document_end(v);
            }
            mss_cl_flush(v);
            if (v->root_desc_late) {
                /* the root never ended: (a) is reported as it stands */
                v->root_desc_late = 0;
                mss_v_doc(v, MSS_R_MS_MULTISTATUS_CHILDREN,
                          sev_of(MSS_R_MS_MULTISTATUS_CHILDREN),
                          v->root_desc_line, v->root_desc_col, ROOT_DESCS);
            }
            if (v->rw != NULL) {
                mss_rw_finish(v);
            }
            /* HDR-CHARSET: text/xml without charset and non-ASCII bytes
             * (RFC 3023 gave that a US-ASCII default, RFC 7303 3.2) */
            if (v->scan_ascii && v->non_ascii
                && (v->status == 207 || v->root_ok)
                && rule_enabled(v, MSS_R_HDR_CHARSET)) {
                mss_v_emit(v, MSS_R_HDR_CHARSET, sev_of(MSS_R_HDR_CHARSET), 0,
                           NULL, 0, 0, 0,
                           "text/xml without a charset parameter, but "
                           "the body has non-ASCII bytes (legacy "
                           "clients read it as US-ASCII)",
                           mss_rw_ct_charset(v) != NULL ? "fixed" : NULL);
            }
        }
    }
    if (res != NULL) {
        memset(res, 0, sizeof(*res));
        res->violations = v->violations;
        res->suppressed = v->suppressed;
        res->rejected = v->rejected;
        res->responses = v->responses;
        res->failures = v->entries_fail;
        res->bytes = v->bytes_in;
        res->fixed = v->fixed;
        res->dropped = v->dropped;
        res->rewritten = mss_rw_result(v, &res->bytes_out);
        res->status = mss_validator_status(v);
        res->stop_line = v->stop_line;
        res->stop_col = v->stop_col;
        if (v->stop != MSS_OUTCOME_CLEAN) {
            res->outcome = v->stop;
        }
        else if (v->limit_hit) {
            res->outcome = MSS_OUTCOME_OVERFLOW;
        }
        else {
            res->outcome =
                v->violations > 0 ? MSS_OUTCOME_VIOLATIONS : MSS_OUTCOME_CLEAN;
        }
    }
    return v->cb_status;
}
