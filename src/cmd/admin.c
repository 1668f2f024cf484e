/* admin.c - 'clinecfg admin provision': create the profiles developers
 * requested (--request FILE) or a whole roster (--roster CSV), idempotently.
 * The roster lists the account's profiles once, looks tags up concurrently
 * and creates what is missing, backing off while Bedrock throttles. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clinecfg/arn.h"
#include "clinecfg/commands.h"
#include "clinecfg/config.h"
#include "clinecfg/identity.h"
#include "clinecfg/jsonc.h"
#include "clinecfg/keyring.h"
#include "clinecfg/onboard.h"
#include "clinecfg/safefile.h"
#include "clinecfg/session.h"
#include "clinecfg/sts.h"

#include "admin_limits.h"
#include "admin_policy.h"

#define ADMIN_MAX_FILE (4 * 1024 * 1024)
#define THROTTLE_ROUNDS 8

enum {
    ADMIN_OPT_REQUEST,
    ADMIN_OPT_ROSTER,
    ADMIN_OPT_CONCURRENCY,
    ADMIN_OPT_REGION,
    ADMIN_OPT_AWS_PROFILE,
    ADMIN_OPT_MODEL,
    ADMIN_OPT_FIX_TAGS,
    /* admin policy (admin_policy.c) */
    ADMIN_OPT_TEAM,
    ADMIN_OPT_PRINCIPAL,
    ADMIN_OPT_ACCOUNT,
    ADMIN_OPT_APPLY,
    ADMIN_OPT_NAME,
    ADMIN_OPT_USER,
    ADMIN_OPT_ROLE,
    ADMIN_OPT_GROUP,
    ADMIN_OPT_CHECK,
    ADMIN_OPT_MEMBER,
    /* admin limits (admin_limits.c) */
    ADMIN_OPT_MONTHLY_USD,
    ADMIN_OPT_NOTIFY,
    ADMIN_OPT_ALERT_AT,
    ADMIN_OPT_HOURLY_TOKENS,
    ADMIN_OPT_BUDGET_ACTION,
    ADMIN_OPT_EXECUTION_ROLE,
    ADMIN_OPT_COUNT
};

static const cli_opt admin_opts[ADMIN_OPT_COUNT] = {
    [ADMIN_OPT_REQUEST] = {"request", 0, OPT_VALUE, "FILE", "a request file written by a denied setup"},
    [ADMIN_OPT_ROSTER] = {"roster", 0, OPT_VALUE, "CSV", "CSV with columns team,member[,model]"},
    [ADMIN_OPT_CONCURRENCY] = {"concurrency", 0, OPT_VALUE, "N", "lookups in flight at most (default 8)"},
    [ADMIN_OPT_REGION] = {"region", 0, OPT_VALUE, "R", "AWS region"},
    [ADMIN_OPT_AWS_PROFILE] = {"aws-profile", 0, OPT_VALUE, "P", "AWS profile for the admin calls"},
    [ADMIN_OPT_MODEL] = {"model", 0, OPT_VALUE, "ID", "base model for roster rows without one (default: config model)"},
    [ADMIN_OPT_FIX_TAGS] = {"fix-tags", 0, OPT_FLAG, NULL, "retag same-named profiles whose model matches"},
    [ADMIN_OPT_TEAM] = {"team", 0, OPT_VALUE, "T", "policy: the team tag value required (default: config team)"},
    [ADMIN_OPT_PRINCIPAL] = {"principal", 0, OPT_VALUE, "KIND", "policy: iam-user (default) or sso"},
    [ADMIN_OPT_ACCOUNT] = {"account", 0, OPT_VALUE, "ID", "policy: the AWS account the policy names"},
    [ADMIN_OPT_APPLY] = {"apply", 0, OPT_FLAG, NULL, "policy: create or update the policy and attach it"},
    [ADMIN_OPT_NAME] = {"name", 0, OPT_VALUE, "NAME", "policy: the customer-managed policy's name"},
    [ADMIN_OPT_USER] = {"user", 0, OPT_VALUE, "U", "policy: IAM user(s), comma-separated"},
    [ADMIN_OPT_ROLE] = {"role", 0, OPT_VALUE, "R", "policy: IAM role(s), comma-separated (--check: a name or ARN)"},
    [ADMIN_OPT_GROUP] = {"group", 0, OPT_VALUE, "G", "policy: IAM group(s), comma-separated"},
    [ADMIN_OPT_CHECK] = {"check", 0, OPT_FLAG, NULL, "policy: simulate the expected cases for --user or --role"},
    [ADMIN_OPT_MEMBER] = {"member", 0, OPT_VALUE, "M", "policy: the member --check --role stands for; limits: one member"},
    [ADMIN_OPT_MONTHLY_USD] = {"monthly-usd", 0, OPT_VALUE, "N", "limits set: each member's monthly limit in USD"},
    [ADMIN_OPT_NOTIFY] = {"notify", 0, OPT_VALUE, "TARGETS", "limits set: email:ADDR and sns:TOPIC-ARN, comma-separated"},
    [ADMIN_OPT_ALERT_AT] = {"alert-at", 0, OPT_VALUE, "PCTS", "limits set: notify at these percentages (default 80,100)"},
    [ADMIN_OPT_HOURLY_TOKENS] = {"hourly-tokens", 0, OPT_VALUE, "N", "limits set: alarm per profile above N tokens an hour"},
    [ADMIN_OPT_BUDGET_ACTION] = {"budget-action", 0, OPT_FLAG, NULL, "limits set: AWS budget action denying IAM users at 100%"},
    [ADMIN_OPT_EXECUTION_ROLE] = {"execution-role", 0, OPT_VALUE, "ARN", "limits set: the role the budget action runs as"},
};

typedef enum { ROW_CREATED, ROW_EXISTING, ROW_CONFLICT, ROW_FAILED, ROW_PENDING } row_state;
static const char *const row_state_names[] = {"created", "existing", "conflict", "failed", "pending"};

typedef struct row {
    char *team, *member, *model;
    int line;
    onboard_result r;
    row_state state;
    int status;
    cc_err err;
} row;

static void rows_free(row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rows[i].team);
        free(rows[i].member);
        free(rows[i].model);
        onboard_result_free(&rows[i].r);
    }
    free(rows);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* team,member[,model] per line; '#' comments, blank lines and a header row
 * are skipped.  Errors name file:line. */
static int parse_roster(const char *path, const char *text, size_t len, row **out, size_t *nout, cc_err *err)
{
    *out = NULL;
    *nout = 0;
    row *rows = NULL;
    size_t n = 0;
    int line = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        line++;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        char *buf = strndup(p, l);
        p += l + (nl ? 1 : 0);
        if (!buf)
            goto oom;
        char *s = trim(buf);
        if (!*s || *s == '#') {
            free(buf);
            continue;
        }
        char *fields[4] = {0};
        int nf = 0;
        for (char *save = NULL, *tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
            fields[nf < 4 ? nf++ : 3] = trim(tok);
        if (nf >= 2 && n == 0 && strcasecmp(fields[0], "team") == 0 && strcasecmp(fields[1], "member") == 0) {
            free(buf);
            continue;
        }
        if (nf < 2 || nf > 3 || !*fields[0] || !*fields[1]) {
            free(buf);
            rows_free(rows, n);
            cc_err_set(err, CC_EINPUT, "roster.syntax", "%s:%d: expected 'team,member[,model]'", path, line);
            cc_err_hint(err, "one developer per line, e.g. teamA,alice or teamA,alice,us.anthropic.claude-sonnet-4-5-20250929-v1:0");
            return CC_EINPUT;
        }
        row *grown = realloc(rows, (n + 1) * sizeof *grown);
        if (!grown) {
            free(buf);
            goto oom;
        }
        rows = grown;
        memset(&rows[n], 0, sizeof rows[n]);
        rows[n].team = strdup(fields[0]);
        rows[n].member = strdup(fields[1]);
        rows[n].model = nf == 3 && *fields[2] ? strdup(fields[2]) : NULL;
        rows[n].line = line;
        n++;
        free(buf);
    }
    if (!n) {
        cc_err_set(err, CC_EINPUT, "roster.empty", "%s: the roster lists nobody", path);
        cc_err_hint(err, "add lines of the form team,member[,model]");
        return CC_EINPUT;
    }
    *out = rows;
    *nout = n;
    return 0;
oom:
    rows_free(rows, n);
    return cc_err_oom(err);
}

static int read_input(const char *path, const char *what, char **text, size_t *len, cc_err *err)
{
    bool exists = false;
    int rc = safefile_read(path, ADMIN_MAX_FILE, text, len, &exists, err);
    if (!rc && !exists) {
        cc_err_set(err, CC_EINPUT, "input.missing", "%s: %s does not exist", path, what);
        cc_err_hint(err, "check the path");
        rc = CC_EINPUT;
    }
    return rc;
}

/* Bedrock throttles control-plane writes harder than the HTTP layer's three
 * attempts can absorb; keep backing off for a bounded number of rounds.
 * `listed`: the caller already knows the name is not taken, so go straight
 * to the create (a ConflictException then means someone just made it). */
static int create_with_backoff(awsclient *c, const onboard_spec *spec, onboard_result *r, bool listed,
                               const cc_out *out, cc_err *err)
{
    long delay_ms = 1000;
    for (int round = 0;; round++) {
        int rc;
        if (listed) {
            rc = onboard_create(c, spec, r, awsclient_region(c), out, err);
            if (rc == CC_ECONFLICT && bedrock_err_is(err, "ConflictException")) {
                cc_err_clear(err);
                rc = onboard_find_or_create(c, spec, r, out, err);
            }
        } else {
            rc = onboard_find_or_create(c, spec, r, out, err);
        }
        if (rc != CC_EAWS || !bedrock_err_is(err, "ThrottlingException") || round >= THROTTLE_ROUNDS)
            return rc;
        out_trace(out, "throttled creating %s; retrying in %ld ms", r->name, delay_ms);
        onboard_backoff(&delay_ms, 16000);
        cc_err_clear(err);
    }
}

static void set_row_outcome(row *w, int rc, const cc_err *err)
{
    w->status = rc;
    if (rc == CC_ECONFLICT) {
        w->state = ROW_CONFLICT;
        w->err = *err;
    } else if (rc) {
        w->state = ROW_FAILED;
        w->err = *err;
    } else if (w->r.outcome == ONBOARD_CREATED) {
        w->state = ROW_CREATED;
    } else if (w->r.outcome == ONBOARD_FOUND) {
        w->state = ROW_EXISTING;
    } else {
        w->state = ROW_FAILED;
        w->status = CC_EDENIED;
        cc_err_set(&w->err, CC_EDENIED, "aws:AccessDeniedException", "creating %s was denied", w->r.name);
    }
}

/* Fills a roster row's expected name, tags and source. */
static int prepare_row(const cc_config *cfg, const sts_identity *id, const char *region, row *w,
                       const onboard_result *source, cc_err *err)
{
    onboard_result *r = &w->r;
    /* Named and tagged exactly as the member's own setup would (identity.h). */
    const char *member = w->member;
    identity_member_rule rule;
    int rc = identity_check_member(member, "roster member", err);
    if (!rc)
        rc = identity_member_rule_parse(cfg_str(cfg, CFG_MEMBER_RULE), &rule, err);
    if (rc)
        return rc;
    r->member = strdup(member);
    r->caller_arn = strdup(id->arn);
    snprintf(r->account, sizeof r->account, "%s", id->account);
    rc = identity_profile_name(cfg_str(cfg, CFG_NAME_TEMPLATE), w->team, member, rule, region, id->account, r->name,
                               sizeof r->name, err);
    if (!rc)
        rc = onboard_add_tag(r, cfg_str(cfg, CFG_TAG_KEY_TEAM), w->team, err);
    if (!rc)
        rc = onboard_add_tag(r, cfg_str(cfg, CFG_TAG_KEY_MEMBER), member, err);
    const cJSON *t;
    cJSON_ArrayForEach(t, cfg_json(cfg, CFG_EXTRA_TAGS)) {
        if (!rc && cJSON_IsString(t))
            rc = onboard_add_tag(r, t->string, t->valuestring, err);
    }
    if (rc)
        return rc;
    snprintf(r->copy_from, sizeof r->copy_from, "%s", source->copy_from);
    r->model_arns = calloc(source->n_model_arns + 1, sizeof *r->model_arns);
    if (!r->model_arns)
        return CC_EINTERNAL;
    for (size_t i = 0; i < source->n_model_arns; i++)
        r->model_arns[r->n_model_arns++] = strdup(source->model_arns[i]);
    r->base_model_id = source->base_model_id ? strdup(source->base_model_id) : NULL;
    return 0;
}

static void print_rows(cc_ctx *ctx, row *rows, size_t n)
{
    size_t counts[5] = {0};
    cJSON *jrows = cJSON_AddArrayToObject(ctx->result, "rows");
    out_text(&ctx->out, "%-9s %-40s %s\n", "STATUS", "PROFILE", "ARN / DETAIL");
    for (size_t i = 0; i < n; i++) {
        row *w = &rows[i];
        counts[w->state]++;
        const char *detail = w->r.arn ? w->r.arn : w->err.message;
        out_text(&ctx->out, "%-9s %-40s %s\n", row_state_names[w->state], w->r.name[0] ? w->r.name : w->member,
                 detail);
        cJSON *o = cJSON_CreateObject();
        if (w->team)
            cJSON_AddStringToObject(o, "team", w->team);
        if (w->member)
            cJSON_AddStringToObject(o, "member", w->member);
        cJSON_AddStringToObject(o, "name", w->r.name);
        cJSON_AddStringToObject(o, "status", row_state_names[w->state]);
        if (w->r.arn)
            cJSON_AddStringToObject(o, "arn", w->r.arn);
        else
            cJSON_AddNullToObject(o, "arn");
        if (w->state == ROW_CONFLICT || w->state == ROW_FAILED)
            cJSON_AddStringToObject(o, "error", w->err.message);
        cJSON_AddItemToArray(jrows, o);
    }
    cJSON *sum = cJSON_AddObjectToObject(ctx->result, "summary");
    for (int s = 0; s < 4; s++)
        cJSON_AddNumberToObject(sum, row_state_names[s], (double)counts[s]);
    out_text(&ctx->out, "%zu created, %zu existing, %zu conflict, %zu failed\n", counts[ROW_CREATED],
             counts[ROW_EXISTING], counts[ROW_CONFLICT], counts[ROW_FAILED]);
}

/* The worst row decides the exit code: a failure, then a conflict. */
static int rows_status(row *rows, size_t n, cc_err *err)
{
    for (size_t i = 0; i < n; i++) {
        if (rows[i].state == ROW_FAILED) {
            *err = rows[i].err;
            return rows[i].status ? rows[i].status : CC_EAWS;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (rows[i].state == ROW_CONFLICT) {
            *err = rows[i].err;
            return CC_ECONFLICT;
        }
    }
    return 0;
}

static int str_field(const cJSON *o, const char *key, const char *path, const char **out, cc_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsString(v) || !v->valuestring[0]) {
        cc_err_set(err, CC_EINPUT, "request.field", "%s: request field '%s' is missing or not a string", path, key);
        cc_err_hint(err, "use the file exactly as 'clinecfg setup' wrote it");
        return CC_EINPUT;
    }
    *out = v->valuestring;
    return 0;
}

static int provision_request(cc_ctx *ctx, awsclient *c, const char *path, bool fix_tags, cc_err *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc = read_input(path, "request file", &text, &len, err);
    if (rc)
        return rc;
    jsonc_doc *doc = NULL;
    rc = jsonc_parse(text, len, path, &doc, err);
    cJSON *req = rc ? NULL : jsonc_to_cjson(jsonc_root(doc));
    jsonc_free(doc);
    free(text);
    if (rc)
        return rc;
    row w;
    memset(&w, 0, sizeof w);
    const char *name = NULL, *source = NULL, *account = NULL, *region = NULL, *member = NULL;
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(req, "tags");
    if (!cJSON_IsObject(req))
        rc = cc_err_set(err, CC_EINPUT, "request.type", "%s: a request must be a JSON object", path);
    if (!rc)
        rc = str_field(req, "name", path, &name, err);
    if (!rc)
        rc = str_field(req, "source_arn", path, &source, err);
    if (!rc)
        rc = str_field(req, "account", path, &account, err);
    if (!rc)
        rc = str_field(req, "region", path, &region, err);
    if (!rc)
        rc = str_field(req, "member", path, &member, err);
    if (!rc && !cJSON_IsObject(tags))
        rc = cc_err_set(err, CC_EINPUT, "request.field", "%s: request field 'tags' must be an object", path);
    if (!rc && !identity_valid_profile_name(name))
        rc = cc_err_set(err, CC_EINPUT, "request.field", "%s: '%s' is not a valid profile name", path, name);
    if (!rc && strcmp(region, awsclient_region(c)) != 0) {
        rc = cc_err_set(err, CC_EINPUT, "request.region", "%s: the request is for region %s, but this run uses %s",
                        path, region, awsclient_region(c));
        cc_err_hint(err, "run again with --region %s", region);
    }
    sts_identity id;
    memset(&id, 0, sizeof id);
    if (!rc)
        rc = sts_get_caller_identity(c, &id, err);
    if (!rc && strcmp(id.account, account) != 0) {
        rc = cc_err_set(err, CC_EINPUT, "request.account",
                        "%s: the request is for account %s, but your credentials are for account %s", path, account,
                        id.account);
        cc_err_hint(err, "use credentials for account %s (--aws-profile)", account);
    }
    if (!rc) {
        snprintf(w.r.name, sizeof w.r.name, "%s", name);
        snprintf(w.r.copy_from, sizeof w.r.copy_from, "%s", source);
        snprintf(w.r.account, sizeof w.r.account, "%s", account);
        w.r.member = strdup(member);
        w.r.caller_arn = strdup(id.arn);
        w.member = strdup(member);
        const cJSON *t;
        cJSON_ArrayForEach(t, tags) {
            if (!rc && !cJSON_IsString(t))
                rc = cc_err_set(err, CC_EINPUT, "request.field", "%s: tag '%s' must have a string value", path,
                                t->string);
            if (!rc)
                rc = onboard_add_tag(&w.r, t->string, t->valuestring, err);
        }
    }
    if (!rc)
        rc = onboard_load_source_arn(c, &w.r, err);
    if (!rc) {
        onboard_spec spec = {.fix_tags = fix_tags, .no_create = ctx->dry_run};
        out_progress(&ctx->out, "Provisioning %s for %s", name, member);
        rc = create_with_backoff(c, &spec, &w.r, false, &ctx->out, err);
        set_row_outcome(&w, rc, err);
        print_rows(ctx, &w, 1);
        rc = rows_status(&w, 1, err);
    }
    sts_identity_free(&id);
    cJSON_Delete(req);
    free(w.member);
    onboard_result_free(&w.r);
    return rc;
}

/* Reads and parses the roster; every row needs a model (its own or the default). */
static int load_roster(const char *path, const char *default_model, row **rows, size_t *n, cc_err *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc = read_input(path, "roster", &text, &len, err);
    if (!rc)
        rc = parse_roster(path, text, len, rows, n, err);
    free(text);
    if (rc)
        return rc;
    for (size_t i = 0; i < *n; i++) {
        row *w = &(*rows)[i];
        if (!w->model && !default_model) {
            cc_err_set(err, CC_EINPUT, "config.model", "%s:%d: no model for %s and no default model", path, w->line,
                       w->member);
            cc_err_hint(err, "add a third column, pass --model, or set model in the config");
            rows_free(*rows, *n);
            *rows = NULL;
            *n = 0;
            return CC_EINPUT;
        }
    }
    return 0;
}

/* The source profile of each distinct model, looked up once. */
typedef struct roster_sources {
    onboard_result *r;
    const char **model;
    size_t n;
} roster_sources;

static void roster_sources_free(roster_sources *s)
{
    for (size_t k = 0; k < s->n; k++)
        onboard_result_free(&s->r[k]);
    free(s->r);
    free(s->model);
}

/* Fills every row's name, tags and source; a row that cannot be prepared
 * (a bad member name) fails alone, the others become pending. */
static int prepare_rows(awsclient *c, const cc_config *cfg, const sts_identity *id, row *rows, size_t n,
                        const char *default_model, roster_sources *src, cc_err *err)
{
    const char *region = awsclient_region(c);
    src->r = calloc(n, sizeof *src->r);
    src->model = calloc(n, sizeof *src->model);
    if (!src->r || !src->model)
        return cc_err_oom(err);
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        const char *model = rows[i].model ? rows[i].model : default_model;
        size_t k;
        for (k = 0; k < src->n && strcmp(src->model[k], model) != 0; k++)
            ;
        if (k == src->n) {
            src->model[src->n] = model;
            onboard_result *s = &src->r[src->n++];
            rc = arn_model_source(model, region, id->account, s->copy_from, sizeof s->copy_from, err);
            if (!rc)
                rc = onboard_load_source_arn(c, s, err);
        }
        if (!rc) {
            cc_err rowerr;
            cc_err_clear(&rowerr);
            int prc = prepare_row(cfg, id, region, &rows[i], &src->r[k], &rowerr);
            if (prc)
                set_row_outcome(&rows[i], prc, &rowerr);
            else
                rows[i].state = ROW_PENDING;
        }
    }
    return rc;
}

/* Every application profile of the account, page by page. */
static int list_all_profiles(awsclient *c, bedrock_profile_page **pages_out, size_t *npages_out, cc_err *err)
{
    bedrock_profile_page *pages = NULL;
    size_t npages = 0;
    char *token = NULL;
    int rc = 0;
    for (;;) {
        bedrock_profile_page *grown = realloc(pages, (npages + 1) * sizeof *grown);
        if (!grown) {
            rc = CC_EINTERNAL;
            break;
        }
        pages = grown;
        memset(&pages[npages], 0, sizeof pages[npages]);
        bedrock_list_profiles_in in = {.type = "APPLICATION", .max_results = 1000, .next_token = token};
        rc = bedrock_list_inference_profiles(c, &in, &pages[npages], err);
        free(token);
        token = NULL;
        if (rc)
            break;
        token = pages[npages].next_token ? strdup(pages[npages].next_token) : NULL;
        npages++;
        if (!token)
            break;
    }
    free(token);
    *pages_out = pages;
    *npages_out = npages;
    return rc;
}

static const bedrock_inference_profile *find_listed(const bedrock_profile_page *pages, size_t npages, const char *name)
{
    for (size_t p = 0; p < npages; p++)
        for (size_t k = 0; k < pages[p].n; k++)
            if (pages[p].items[k].name && strcmp(pages[p].items[k].name, name) == 0)
                return &pages[p].items[k];
    return NULL;
}

/* Pending rows whose name exists: read their tags concurrently and judge. */
static int judge_existing(cc_ctx *ctx, awsclient *c, row *rows, size_t n, const bedrock_profile_page *pages,
                          size_t npages, size_t concurrency, bool fix_tags)
{
    bedrock_batch_item *items = calloc(n, sizeof *items);
    size_t *item_row = calloc(n, sizeof *item_row);
    const bedrock_inference_profile **found = calloc(n, sizeof *found);
    size_t nitems = 0;
    int rc = !items || !item_row || !found ? CC_EINTERNAL : 0;
    for (size_t i = 0; !rc && i < n; i++) {
        if (rows[i].state != ROW_PENDING)
            continue;
        found[i] = find_listed(pages, npages, rows[i].r.name);
        if (found[i]) {
            items[nitems].op = BEDROCK_OP_LIST_TAGS;
            items[nitems].arg = found[i]->arn;
            item_row[nitems++] = i;
        }
    }
    if (!rc && nitems) {
        onboard_batch_with_backoff(c, items, nitems, concurrency, &ctx->out);
        for (size_t k = 0; k < nitems; k++) {
            row *w = &rows[item_row[k]];
            const bedrock_inference_profile *p = found[item_row[k]];
            onboard_spec spec = {.fix_tags = fix_tags, .no_create = ctx->dry_run};
            int jrc = items[k].status;
            cc_err jerr = items[k].err;
            if (!jrc)
                jrc = onboard_judge(c, &spec, &w->r, p->arn, p->model_arns, p->n_models, &items[k].out.tags,
                                    &ctx->out, &jerr);
            set_row_outcome(w, jrc, &jerr);
        }
    }
    if (items)
        bedrock_batch_free(items, nitems);
    free(items);
    free(item_row);
    free(found);
    return rc;
}

/* Creates what is still pending, one by one (Bedrock throttles creates). */
static void create_missing(cc_ctx *ctx, awsclient *c, row *rows, size_t n, bool fix_tags)
{
    for (size_t i = 0; i < n; i++) {
        row *w = &rows[i];
        if (w->state != ROW_PENDING)
            continue;
        onboard_spec spec = {.fix_tags = fix_tags, .no_create = ctx->dry_run};
        cc_err cerr;
        cc_err_clear(&cerr);
        int crc = create_with_backoff(c, &spec, &w->r, true, &ctx->out, &cerr);
        if (!crc && w->r.outcome == ONBOARD_WOULD_CREATE) {
            w->state = ROW_PENDING;
            continue;
        }
        set_row_outcome(w, crc, &cerr);
    }
}

/* The roster: list the account's profiles once, judge the existing names
 * concurrently, create the rest. */
static int provision_roster(cc_ctx *ctx, awsclient *c, const cc_config *cfg, const char *path, size_t concurrency,
                            const char *default_model, bool fix_tags, cc_err *err)
{
    row *rows = NULL;
    size_t n = 0;
    int rc = load_roster(path, default_model, &rows, &n, err);
    if (rc)
        return rc;
    sts_identity id;
    memset(&id, 0, sizeof id);
    rc = sts_get_caller_identity(c, &id, err);
    roster_sources src;
    memset(&src, 0, sizeof src);
    if (!rc)
        rc = prepare_rows(c, cfg, &id, rows, n, default_model, &src, err);
    bedrock_profile_page *pages = NULL;
    size_t npages = 0;
    if (!rc)
        rc = list_all_profiles(c, &pages, &npages, err);
    if (!rc)
        rc = judge_existing(ctx, c, rows, n, pages, npages, concurrency, fix_tags);
    if (!rc) {
        create_missing(ctx, c, rows, n, fix_tags);
        print_rows(ctx, rows, n);
        rc = rows_status(rows, n, err);
    }
    for (size_t p = 0; p < npages; p++)
        bedrock_profile_page_free(&pages[p]);
    free(pages);
    roster_sources_free(&src);
    sts_identity_free(&id);
    rows_free(rows, n);
    return rc;
}

/* A request carries its own region; NULL when it cannot be read (the
 * provisioning step then reports why). */
static char *request_region(const char *path)
{
    char *text = NULL, *region = NULL;
    size_t len = 0;
    cc_err ignored;
    cc_err_clear(&ignored);
    if (read_input(path, "request file", &text, &len, &ignored) == 0) {
        cJSON *j = cJSON_ParseWithLength(text, len);
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(j, "region");
        if (cJSON_IsString(r))
            region = strdup(r->valuestring);
        cJSON_Delete(j);
    }
    free(text);
    return region;
}

static int parse_concurrency(const char *cv, size_t *out, cc_err *err)
{
    *out = 8;
    if (!cv)
        return 0;
    char *end;
    errno = 0;
    long v = strtol(cv, &end, 10);
    if (errno || *end || v < 1 || v > 64)
        return cc_err_set(err, CC_EUSAGE, "usage", "--concurrency %s: give a number from 1 to 64", cv);
    *out = (size_t)v;
    return 0;
}

static int run_policy(cc_ctx *ctx, const cli_args *a, cc_err *err)
{
    admin_policy_args pa = {
        .kind = a->npos == 2 ? a->pos[1] : NULL,
        .principal = cli_value(a, ADMIN_OPT_PRINCIPAL),
        .team = cli_value(a, ADMIN_OPT_TEAM),
        .account = cli_value(a, ADMIN_OPT_ACCOUNT),
        .region = cli_value(a, ADMIN_OPT_REGION),
        .aws_profile = cli_value(a, ADMIN_OPT_AWS_PROFILE),
        .name = cli_value(a, ADMIN_OPT_NAME),
        .users = cli_value(a, ADMIN_OPT_USER),
        .roles = cli_value(a, ADMIN_OPT_ROLE),
        .groups = cli_value(a, ADMIN_OPT_GROUP),
        .member = cli_value(a, ADMIN_OPT_MEMBER),
        .apply = cli_count(a, ADMIN_OPT_APPLY) > 0,
        .check = cli_count(a, ADMIN_OPT_CHECK) > 0,
    };
    return admin_policy_run(ctx, &pa, err);
}

static int run_limits(cc_ctx *ctx, const cli_args *a, cc_err *err)
{
    admin_limits_args la = {
        .action = a->npos == 2 ? a->pos[1] : NULL,
        .team = cli_value(a, ADMIN_OPT_TEAM),
        .member = cli_value(a, ADMIN_OPT_MEMBER),
        .roster = cli_value(a, ADMIN_OPT_ROSTER),
        .region = cli_value(a, ADMIN_OPT_REGION),
        .aws_profile = cli_value(a, ADMIN_OPT_AWS_PROFILE),
        .monthly_usd = cli_value(a, ADMIN_OPT_MONTHLY_USD),
        .notify = cli_value(a, ADMIN_OPT_NOTIFY),
        .notify_count = cli_count(a, ADMIN_OPT_NOTIFY),
        .alert_at = cli_value(a, ADMIN_OPT_ALERT_AT),
        .hourly_tokens = cli_value(a, ADMIN_OPT_HOURLY_TOKENS),
        .budget_action = cli_count(a, ADMIN_OPT_BUDGET_ACTION) > 0,
        .execution_role = cli_value(a, ADMIN_OPT_EXECUTION_ROLE),
        .users = cli_value(a, ADMIN_OPT_USER),
        .roles = cli_value(a, ADMIN_OPT_ROLE),
        .groups = cli_value(a, ADMIN_OPT_GROUP),
    };
    return admin_limits_run(ctx, &la, err);
}

static int run(cc_ctx *ctx, const cli_args *a, cc_err *err)
{
    if (a->npos >= 1 && strcmp(a->pos[0], "policy") == 0)
        return run_policy(ctx, a, err);
    if (a->npos >= 1 && strcmp(a->pos[0], "limits") == 0)
        return run_limits(ctx, a, err);
    if (a->npos != 1 || strcmp(a->pos[0], "provision") != 0) {
        cc_err_set(err, CC_EUSAGE, "usage", "usage: clinecfg admin provision (--request FILE | --roster CSV)");
        return CC_EUSAGE;
    }
    const char *request = cli_value(a, ADMIN_OPT_REQUEST);
    const char *roster = cli_value(a, ADMIN_OPT_ROSTER);
    if (!request == !roster) {
        cc_err_set(err, CC_EUSAGE, "usage", "give exactly one of --request FILE or --roster CSV");
        return CC_EUSAGE;
    }
    size_t concurrency;
    int rc = parse_concurrency(cli_value(a, ADMIN_OPT_CONCURRENCY), &concurrency, err);
    if (rc)
        return rc;
    cc_config cfg;
    rc = cfg_load(&cfg, ctx, err);
    const char *region = cli_value(a, ADMIN_OPT_REGION);
    if (!rc && region)
        rc = cfg_set_flag(&cfg, CFG_REGION, "--region", region, err);
    const char *model = cli_value(a, ADMIN_OPT_MODEL);
    if (!rc && model)
        rc = cfg_set_flag(&cfg, CFG_MODEL, "--model", model, err);
    if (rc) {
        cfg_free(&cfg);
        return rc;
    }
    /* A request carries its own region unless --region overrides it. */
    char *req_region = request && !region ? request_region(request) : NULL;
    session_opts so = {
        .aws_profile = cli_value(a, ADMIN_OPT_AWS_PROFILE),
        .region = req_region ? req_region : cfg_str(&cfg, CFG_REGION),
        .account = keyring_account_name(NULL),
    };
    session s;
    rc = session_open(&s, ctx, &so, err);
    bool fix = cli_count(a, ADMIN_OPT_FIX_TAGS) > 0;
    if (!rc && request)
        rc = provision_request(ctx, s.aws, request, fix, err);
    else if (!rc)
        rc = provision_roster(ctx, s.aws, &cfg, roster, concurrency, cfg_str(&cfg, CFG_MODEL), fix, err);
    session_close(&s);
    free(req_region);
    cfg_free(&cfg);
    return rc;
}

const cli_command cmd_admin = {
    .name = "admin",
    .operands = "provision | policy developer|enforce | limits set|enforce|list|remove",
    .summary = "admin: create requested profiles or a whole roster",
    .description = "Give exactly one of --request FILE or --roster CSV.\n"
                   "`admin policy developer|enforce` prints an IAM policy; --apply --name NAME attaches it to\n"
                   "--user/--role/--group, --check simulates it for one --user or --role (exit 8 when a case fails).\n"
                   "`admin limits set --monthly-usd N (--member M | --roster CSV)` makes one AWS Budget per member;\n"
                   "`limits enforce` blocks members over their limit through the policy clinecfg-blocked;\n"
                   "`limits list` shows limits and spend; `limits remove` deletes what `set` made.\n"
                   "Idempotent: profiles that exist with the right tags and model are reported as existing,\n"
                   "same-named ones with other tags as conflicts (exit 8). Prints a table, or JSON with --json.",
    .opts = CLI_OPTS(admin_opts),
    .run = run,
};
