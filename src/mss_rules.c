/*
 * mss_rules.c: lookups over the rule table (mss_rules.def), options and
 * their limits.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <apr_strings.h>

#include "mss.h"

static const mss_rule_info_t rule_table[MSS_RULE_COUNT] = {
#define MSS_RULE(e, id, row, rfc, lvl, sev, fix, act, sum)                     \
    {MSS_R_##e,     id,  row, rfc, MSS_LEVEL_##lvl, MSS_SEV_##sev,             \
     MSS_FIX_##fix, act, sum},
#include "mss_rules.def"
#undef MSS_RULE
};

const mss_rule_info_t *mss_rule_info(mss_rule_e rule)
{
    if ((unsigned)rule >= MSS_RULE_COUNT) {
        return NULL;
    }
    return &rule_table[rule];
}

const mss_rule_info_t *mss_rule_find(const char *id)
{
    int i;

    if (id == NULL) {
        return NULL;
    }
    for (i = 0; i < MSS_RULE_COUNT; i++) {
        if (strcasecmp(rule_table[i].id, id) == 0) {
            return &rule_table[i];
        }
    }
    return NULL;
}

const char *mss_level_name(mss_level_e level)
{
    switch (level) {
    case MSS_LEVEL_MUST:
        return "MUST";
    case MSS_LEVEL_SHOULD:
        return "SHOULD";
    case MSS_LEVEL_DTD:
        return "DTD";
    case MSS_LEVEL_DERIVED:
        return "DERIVED";
    case MSS_LEVEL_PASS:
        return "PASS";
    }
    return "?";
}

const char *mss_outcome_name(mss_outcome_e outcome)
{
    switch (outcome) {
    case MSS_OUTCOME_CLEAN:
        return "clean";
    case MSS_OUTCOME_VIOLATIONS:
        return "violations";
    case MSS_OUTCOME_MALFORMED:
        return "malformed";
    case MSS_OUTCOME_OVERFLOW:
        return "overflow";
    }
    return "?";
}

mss_action_e mss_action_parse(const char *s)
{
    if (s == NULL) {
        return MSS_ACTION_DEFAULT;
    }
    if (strcasecmp(s, "off") == 0) {
        return MSS_ACTION_OFF;
    }
    if (strcasecmp(s, "log") == 0) {
        return MSS_ACTION_LOG;
    }
    if (strcasecmp(s, "fix") == 0) {
        return MSS_ACTION_FIX;
    }
    if (strcasecmp(s, "reject") == 0) {
        return MSS_ACTION_REJECT;
    }
    return MSS_ACTION_DEFAULT;
}

void mss_options_init(mss_options_t *o)
{
    memset(o, 0, sizeof(*o));
    o->mode = MSS_MODE_LOG;
    o->propstat_methods = NULL;
    o->max_depth = MSS_DEFAULT_MAX_DEPTH;
    o->max_text = MSS_DEFAULT_MAX_TEXT;
    o->max_response = MSS_DEFAULT_MAX_RESPONSE;
    o->max_violations = MSS_DEFAULT_MAX_VIOLATIONS;
}

/* A size with an optional K/M/G suffix; 0 < n <= hard. */
static const char *parse_size(const char *name, const char *val,
                              apr_size_t hard, apr_size_t *out, apr_pool_t *p)
{
    char *end = NULL;
    apr_int64_t n;
    apr_int64_t mult = 1;

    if (*val == '\0' || *val == '-' || *val == '+') {
        return apr_psprintf(p, "%s: '%s' is not a positive number", name, val);
    }
    n = apr_strtoi64(val, &end, 10);
    if (end == val) {
        return apr_psprintf(p, "%s: '%s' is not a positive number", name, val);
    }
    if (*end == 'k' || *end == 'K') {
        mult = 1024;
        end++;
    }
    else if (*end == 'm' || *end == 'M') {
        mult = 1024 * 1024;
        end++;
    }
    else if (*end == 'g' || *end == 'G') {
        mult = 1024 * 1024 * 1024;
        end++;
    }
    if (*end != '\0' || n <= 0 || n > (apr_int64_t)hard / mult) {
        return apr_psprintf(
            p, "%s: '%s' must be a number from 1 to %" APR_SIZE_T_FMT, name,
            val, hard);
    }
    *out = (apr_size_t)(n * mult);
    return NULL;
}

const char *mss_options_parse_limits(mss_options_t *o, const char *spec,
                                     apr_pool_t *p)
{
    char *copy = apr_pstrdup(p, spec);
    char *last = NULL;
    char *tok;

    for (tok = apr_strtok(copy, " \t,", &last); tok != NULL;
         tok = apr_strtok(NULL, " \t,", &last)) {
        char *eq = strchr(tok, '=');
        const char *err;

        if (eq == NULL) {
            return apr_psprintf(p,
                                "'%s' is not NAME=VALUE (names: depth, "
                                "text, response, violations)",
                                tok);
        }
        *eq++ = '\0';
        if (strcasecmp(tok, "depth") == 0) {
            err = parse_size("depth", eq, MSS_HARD_MAX_DEPTH, &o->max_depth, p);
        }
        else if (strcasecmp(tok, "text") == 0) {
            err = parse_size("text", eq, (apr_size_t)64 * 1024 * 1024,
                             &o->max_text, p);
        }
        else if (strcasecmp(tok, "response") == 0) {
            err = parse_size("response", eq, (apr_size_t)1024 * 1024 * 1024,
                             &o->max_response, p);
        }
        else if (strcasecmp(tok, "violations") == 0) {
            err = parse_size("violations", eq, 1000000, &o->max_violations, p);
        }
        else {
            return apr_psprintf(p,
                                "unknown limit '%s' (names: depth, text, "
                                "response, violations)",
                                tok);
        }
        if (err != NULL) {
            return err;
        }
    }
    return NULL;
}
