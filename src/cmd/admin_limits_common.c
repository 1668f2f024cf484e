/*
 * admin_limits_common.c - what the parts of `clinecfg admin limits` share:
 * opening the config and the AWS session (caller account and partition),
 * the member list (--member or a team,member roster), the application
 * profiles tagged for members, the price table, reading clinecfg-blocked's
 * blocked set, and the single path every write takes so that --dry-run
 * prints each call instead of making it.
 */
#define _GNU_SOURCE
#include "admin_limits.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "clinecfg/arn.h"
#include "clinecfg/bedrock.h"
#include "clinecfg/budgets.h"
#include "clinecfg/config.h"
#include "clinecfg/cwalarm.h"
#include "clinecfg/iam.h"
#include "clinecfg/keyring.h"
#include "clinecfg/limits.h"
#include "clinecfg/safefile.h"
#include "clinecfg/usage.h"

#define ROSTER_MAX_FILE (4 * 1024 * 1024)
#define TAG_LOOKUPS_IN_FLIGHT 8

int limits_open(limits_ctx *l, cc_ctx *ctx, const admin_limits_args *a, cc_err *err)
{
    memset(l, 0, sizeof *l);
    l->ctx = ctx;
    int rc = cfg_load(&l->cfg, ctx, err);
    if (rc)
        return rc;
    l->have_cfg = true;
    l->member_key = cfg_str(&l->cfg, CFG_TAG_KEY_MEMBER);
    l->team_key = cfg_str(&l->cfg, CFG_TAG_KEY_TEAM);
    if (!l->member_key || !*l->member_key)
        l->member_key = "MemberName";
    if (!l->team_key || !*l->team_key)
        l->team_key = "Team";
    session_opts so = {
        .aws_profile = a->aws_profile,
        .region = a->region ? a->region : cfg_str(&l->cfg, CFG_REGION),
        .account = keyring_account_name(NULL),
    };
    rc = session_open(&l->s, ctx, &so, err);
    if (rc)
        return rc;
    l->have_session = true;
    rc = sts_get_caller_identity(l->s.aws, &l->id, err);
    if (rc)
        return rc;
    arn_parts caller;
    rc = arn_parse(l->id.arn, "caller ARN", &caller, err);
    if (rc)
        return rc;
    snprintf(l->partition, sizeof l->partition, "%s", caller.partition);
    if (ctx->dry_run)
        l->planned = cJSON_AddArrayToObject(ctx->result, "planned_calls");
    return 0;
}

void limits_close(limits_ctx *l)
{
    if (l->have_session)
        session_close(&l->s);
    sts_identity_free(&l->id);
    if (l->have_cfg)
        cfg_free(&l->cfg);
}

void limits_policy_arn(const limits_ctx *l, const char *name, char *out, size_t size)
{
    arn_iam_policy(l->partition, l->id.account, name, out, size);
}

int limits_read_blocked(limits_ctx *l, char *arn, size_t size, char ***arns, size_t *n, bool *exists, cc_err *err)
{
    *arns = NULL;
    *n = 0;
    *exists = false;
    limits_policy_arn(l, LIMITS_BLOCKED_POLICY, arn, size);
    char *doc;
    int rc = iam_get_default_document(l->s.aws, arn, &doc, err);
    if (rc || !doc)
        return rc;
    *exists = true;
    rc = limits_blocked_arns(doc, arns, n, err);
    free(doc);
    return rc;
}

/* ---- members --------------------------------------------------------------- */

void limits_members_free(limits_member *m, size_t n)
{
    for (size_t i = 0; m && i < n; i++) {
        free(m[i].team);
        free(m[i].member);
    }
    free(m);
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

static int add_member(limits_member **v, size_t *n, const char *team, const char *member, cc_err *err)
{
    limits_member *g = realloc(*v, (*n + 1) * sizeof *g);
    if (!g)
        return cc_err_oom(err);
    *v = g;
    g[*n].team = strdup(team);
    g[*n].member = strdup(member);
    if (!g[*n].team || !g[*n].member) {
        free(g[*n].team);
        free(g[*n].member);
        return cc_err_oom(err);
    }
    (*n)++;
    return 0;
}

/* team,member[,model] per line; '#' comments, blank lines and a header row
 * are skipped.  Errors name file:line. */
static int parse_roster(const char *path, char *text, limits_member **v, size_t *n, cc_err *err)
{
    int line = 0, rc = 0;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && !rc; l = strtok_r(NULL, "\n", &save)) {
        line++;
        char *s = trim(l);
        if (!*s || *s == '#')
            continue;
        char *comma = strchr(s, ',');
        char *team = s, *member = comma ? comma + 1 : NULL;
        if (comma)
            *comma = '\0';
        char *next = member ? strchr(member, ',') : NULL;
        if (next)
            *next = '\0';
        team = trim(team);
        member = member ? trim(member) : NULL;
        if (line == 1 && member && !strcasecmp(team, "team") && !strcasecmp(member, "member"))
            continue;
        if (!member || !*team || !*member) {
            rc = cc_err_set(err, CC_EINPUT, "roster.row", "%s:%d: expected team,member", path, line);
            cc_err_hint(err, "one member a line: team,member (a third column, the model, is ignored here)");
        } else {
            rc = add_member(v, n, team, member, err);
        }
    }
    if (!rc && *n == 0)
        rc = cc_err_set(err, CC_EINPUT, "roster.empty", "%s: no team,member rows", path);
    return rc;
}

int limits_members(const limits_ctx *l, const admin_limits_args *a, limits_member **out, size_t *n, cc_err *err)
{
    *out = NULL;
    *n = 0;
    if (!a->member == !a->roster)
        return cc_err_set(err, CC_EUSAGE, "usage", "give exactly one of --member M or --roster CSV");
    int rc;
    if (a->member) {
        const char *team = a->team ? a->team : cfg_str(&l->cfg, CFG_TEAM);
        if (!team || !*team)
            return cc_err_set(err, CC_EUSAGE, "usage", "no team: pass --team T or set team in the config");
        rc = add_member(out, n, team, a->member, err);
    } else {
        char *text = NULL;
        size_t len = 0;
        bool exists = false;
        rc = safefile_read(a->roster, ROSTER_MAX_FILE, &text, &len, &exists, err);
        if (!rc && !exists)
            rc = cc_err_set(err, CC_EINPUT, "roster.missing", "%s: no such file", a->roster);
        if (!rc)
            rc = parse_roster(a->roster, text, out, n, err);
        free(text);
    }
    if (rc) {
        limits_members_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

/* ---- profiles -------------------------------------------------------------- */

void limits_profiles_free(limits_profile *p, size_t n)
{
    for (size_t i = 0; p && i < n; i++) {
        free(p[i].arn);
        free(p[i].id);
        free(p[i].member);
        free(p[i].team);
        free(p[i].model_arn);
    }
    free(p);
}

static int list_pages(awsclient *c, bedrock_profile_page **pages, size_t *npages, cc_err *err)
{
    char *token = NULL;
    int rc = 0;
    *pages = NULL;
    *npages = 0;
    do {
        bedrock_profile_page *g = realloc(*pages, (*npages + 1) * sizeof *g);
        if (!g) {
            rc = cc_err_oom(err);
            break;
        }
        *pages = g;
        bedrock_list_profiles_in in = {.type = "APPLICATION", .max_results = 1000, .next_token = token};
        rc = bedrock_list_inference_profiles(c, &in, &g[*npages], err);
        free(token);
        token = NULL;
        if (rc)
            break;
        token = g[*npages].next_token ? strdup(g[*npages].next_token) : NULL;
        (*npages)++;
    } while (token);
    free(token);
    return rc;
}

static int keep_tagged(const limits_ctx *l, const bedrock_inference_profile *p, const bedrock_tags *tags,
                       limits_profile *out, size_t *n, cc_err *err)
{
    const char *member = bedrock_tags_get(tags, l->member_key);
    if (!member || !*member)
        return 0;
    const char *team = bedrock_tags_get(tags, l->team_key);
    limits_profile *x = &out[(*n)++];
    x->arn = strdup(p->arn);
    x->id = strdup(p->id);
    x->member = strdup(member);
    x->team = strdup(team ? team : "");
    x->model_arn = p->n_models ? strdup(p->model_arns[0]) : NULL;
    if (!x->arn || !x->id || !x->member || !x->team || (p->n_models && !x->model_arn))
        return cc_err_oom(err);
    return 0;
}

int limits_profiles(limits_ctx *l, limits_profile **out, size_t *n, cc_err *err)
{
    *out = NULL;
    *n = 0;
    bedrock_profile_page *pages = NULL;
    size_t npages = 0, total = 0;
    int rc = list_pages(l->s.aws, &pages, &npages, err);
    for (size_t p = 0; !rc && p < npages; p++)
        total += pages[p].n;
    bedrock_batch_item *items = rc ? NULL : calloc(total + 1, sizeof *items);
    const bedrock_inference_profile **which = items ? calloc(total + 1, sizeof *which) : NULL;
    if (!rc && !which)
        rc = cc_err_oom(err);
    size_t k = 0;
    for (size_t p = 0; !rc && p < npages; p++)
        for (size_t i = 0; i < pages[p].n; i++, k++) {
            items[k].op = BEDROCK_OP_LIST_TAGS;
            items[k].arg = pages[p].items[i].arn;
            which[k] = &pages[p].items[i];
        }
    if (!rc && total)
        rc = bedrock_batch(l->s.aws, items, total, TAG_LOOKUPS_IN_FLIGHT, err);
    *out = rc ? NULL : calloc(total + 1, sizeof **out);
    if (!rc && !*out)
        rc = cc_err_oom(err);
    for (size_t i = 0; !rc && i < total; i++)
        rc = keep_tagged(l, which[i], &items[i].out.tags, *out, n, err);
    if (items)
        bedrock_batch_free(items, total);
    free(items);
    free(which);
    for (size_t p = 0; p < npages; p++)
        bedrock_profile_page_free(&pages[p]);
    free(pages);
    if (rc) {
        limits_profiles_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

/* ---- prices ---------------------------------------------------------------- */

/* The same table, found the same way and with the org config's `prices`
 * override, as `usage` and `admin report` estimate with. */
int limits_load_prices(const cc_ctx *ctx, price_table *out, cc_err *err)
{
    cc_config cfg;
    memset(&cfg, 0, sizeof cfg);
    int rc = cfg_load(&cfg, ctx, err);
    if (!rc)
        rc = usage_load_prices(ctx->self_path, cfg_json(&cfg, CFG_PRICES), out, err);
    cfg_free(&cfg);
    return rc;
}

/* ---- writes ---------------------------------------------------------------- */

int limits_write(limits_ctx *l, const char *service, const char *op, cJSON *body, cJSON **reply, cc_err *err)
{
    if (reply)
        *reply = NULL;
    if (!body)
        return cc_err_oom(err);
    l->writes++;
    if (l->ctx->dry_run) {
        char *text = cJSON_PrintUnformatted(body);
        out_text(&l->ctx->out, "would call %s:%s %s\n", service, op, text ? text : "");
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "call", op);
        cJSON_AddStringToObject(o, "service", service);
        cJSON_AddItemToObject(o, "body", body);
        cJSON_AddItemToArray(l->planned, o);
        free(text);
        return 0;
    }
    int rc = !strcmp(service, "budgets") ? bg_call(l->s.aws, op, body, reply, err)
                                         : cwa_call(l->s.aws, op, body, reply, err);
    cJSON_Delete(body);
    return rc;
}

int limits_write_plan(limits_ctx *l, const char *fmt, ...)
{
    l->writes++;
    if (!l->ctx->dry_run)
        return 0;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    out_text(&l->ctx->out, "would call %s\n", line);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "call", line);
    cJSON_AddStringToObject(o, "service", "iam");
    cJSON_AddItemToArray(l->planned, o);
    return 1;
}
