/* admin.c - 'clinecfg admin' and its subcommand 'provision': create the
 * profiles developers requested (--request FILE) or a whole roster (--roster
 * CSV), idempotently.  policy, report and limits keep their options next
 * to their code (admin_policy.c, admin_report.c, admin_limits.c).
 * A request comes from a developer, so it is re-checked against its
 * requester and this run's config and shown before anything is created.
 * The roster is read twice as a stream: once to check every row, then in
 * batches whose tags are looked up concurrently and whose missing profiles
 * are created, backing off while Bedrock throttles; memory does not grow
 * with its length.  Text from a file or AWS is printed without controls. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin_report.h"
#include "clinecfg/arn.h"
#include "clinecfg/commands.h"
#include "clinecfg/config.h"
#include "clinecfg/identity.h"
#include "clinecfg/keyring.h"
#include "clinecfg/onboard.h"
#include "clinecfg/printable.h"
#include "clinecfg/request.h"
#include "clinecfg/roster.h"
#include "clinecfg/session.h"
#include "clinecfg/sts.h"

#include "admin_limits.h"
#include "admin_policy.h"

#define THROTTLE_ROUNDS 8
#define ROSTER_BATCH 256      /* rows in memory at once */
#define ROSTER_MAX_MODELS 64  /* distinct base models in one roster */

enum {
    PROVISION_OPT_REQUEST,
    PROVISION_OPT_ROSTER,
    PROVISION_OPT_CONCURRENCY,
    PROVISION_OPT_REGION,
    PROVISION_OPT_AWS_PROFILE,
    PROVISION_OPT_MODEL,
    PROVISION_OPT_FIX_TAGS,
    PROVISION_OPT_TEAM,
    PROVISION_OPT_COUNT
};

static const cli_opt provision_opts[PROVISION_OPT_COUNT] = {
    [PROVISION_OPT_REQUEST] = {"request", 0, OPT_VALUE, "FILE", "a request file written by a denied setup"},
    [PROVISION_OPT_ROSTER] = {"roster", 0, OPT_VALUE, "CSV", "CSV with columns team,member[,model]"},
    [PROVISION_OPT_CONCURRENCY] = {"concurrency", 0, OPT_VALUE, "N", "lookups in flight at most (default 8)"},
    [PROVISION_OPT_REGION] = {"region", 0, OPT_VALUE, "R", "AWS region"},
    [PROVISION_OPT_AWS_PROFILE] = {"aws-profile", 0, OPT_VALUE, "P", "AWS profile for the admin calls"},
    [PROVISION_OPT_MODEL] = {"model", 0, OPT_VALUE, "ID", "base model for roster rows without one (default: config model)"},
    [PROVISION_OPT_FIX_TAGS] = {"fix-tags", 0, OPT_FLAG, NULL, "retag same-named profiles whose model matches"},
    [PROVISION_OPT_TEAM] = {"team", 0, OPT_VALUE, "T", "--request: the team a request may be for (default: config team)"},
};

typedef enum { ROW_CREATED, ROW_EXISTING, ROW_CONFLICT, ROW_FAILED, ROW_PENDING, ROW_NSTATES } row_state;
static const char *const row_state_names[ROW_NSTATES] = {"created", "existing", "conflict", "failed", "pending"};

typedef struct row {
    char *team, *member, *model;
    int line;
    onboard_result r;
    row_state state;
    int status;
    cc_err err;
} row;

static void row_clear(row *w)
{
    free(w->team);
    free(w->member);
    free(w->model);
    onboard_result_free(&w->r);
    memset(w, 0, sizeof *w);
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

/* What the rows came to: counts, the JSON rows, and the worst outcome (a
 * failure, then a conflict) that decides the exit code. */
typedef struct tally {
    size_t counts[ROW_NSTATES];
    cJSON *jrows;
    int failed_status;
    cc_err failed, conflict;
    bool have_failed, have_conflict;
} tally;

static void tally_start(cc_ctx *ctx, tally *t)
{
    memset(t, 0, sizeof *t);
    /* Only --json keeps every row; the text table streams. */
    t->jrows = ctx->out.json ? cJSON_AddArrayToObject(ctx->result, "rows") : NULL;
    out_text(&ctx->out, "%-9s %-40s %s\n", "STATUS", "PROFILE", "ARN / DETAIL");
}

static cJSON *row_json(const row *w)
{
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
    return o;
}

static void tally_row(cc_ctx *ctx, tally *t, const row *w)
{
    t->counts[w->state]++;
    char who[2 * ROSTER_FIELD_MAX], detail[sizeof w->err.message];
    printable_copy(who, sizeof who, w->r.name[0] ? w->r.name : w->member ? w->member : "");
    printable_copy(detail, sizeof detail, w->r.arn ? w->r.arn : w->err.message);
    out_text(&ctx->out, "%-9s %-40s %s\n", row_state_names[w->state], who, detail);
    if (t->jrows)
        cJSON_AddItemToArray(t->jrows, row_json(w));
    if (w->state == ROW_FAILED && !t->have_failed) {
        t->have_failed = true;
        t->failed = w->err;
        t->failed_status = w->status ? w->status : CC_EAWS;
    } else if (w->state == ROW_CONFLICT && !t->have_conflict) {
        t->have_conflict = true;
        t->conflict = w->err;
    }
}

static int tally_finish(cc_ctx *ctx, const tally *t, cc_err *err)
{
    cJSON *sum = cJSON_AddObjectToObject(ctx->result, "summary");
    for (int s = 0; s < ROW_PENDING; s++)
        cJSON_AddNumberToObject(sum, row_state_names[s], (double)t->counts[s]);
    out_text(&ctx->out, "%zu created, %zu existing, %zu conflict, %zu failed\n", t->counts[ROW_CREATED],
             t->counts[ROW_EXISTING], t->counts[ROW_CONFLICT], t->counts[ROW_FAILED]);
    if (t->have_failed) {
        *err = t->failed;
        return t->failed_status;
    }
    if (t->have_conflict) {
        *err = t->conflict;
        return CC_ECONFLICT;
    }
    return 0;
}

/* The planned profile, on stderr and in the JSON result, before asking. */
static void show_plan(cc_ctx *ctx, const char *path, const request_file *req, const onboard_result *r)
{
    cJSON *plan = cJSON_AddObjectToObject(ctx->result, "plan");
    cJSON_AddStringToObject(plan, "name", r->name);
    cJSON_AddStringToObject(plan, "model", r->base_model_id ? r->base_model_id : "");
    cJSON_AddStringToObject(plan, "source", r->copy_from);
    cJSON_AddStringToObject(plan, "region", req->region);
    cJSON_AddStringToObject(plan, "requester", req->requester_arn);
    cJSON *tags = cJSON_AddObjectToObject(plan, "tags");
    for (size_t i = 0; i < r->n_tags; i++)
        cJSON_AddStringToObject(tags, r->tags[i].key, r->tags[i].value);
    if (ctx->out.quiet)
        return;
    FILE *f = ctx->out.errf ? ctx->out.errf : stderr;
    char shown_path[4096], shown_requester[2048];
    printable_copy(shown_path, sizeof shown_path, path);
    printable_copy(shown_requester, sizeof shown_requester, req->requester_arn);
    fprintf(f, "Planned profile (from %s):\n", shown_path);
    fprintf(f, "  Name:      %s\n", r->name);
    fprintf(f, "  Model:     %s via %s\n", r->base_model_id ? r->base_model_id : "?", r->copy_from);
    fprintf(f, "  Region:    %s; requests may be served in:", req->region);
    for (size_t i = 0; i < r->n_regions; i++)
        fprintf(f, " %s", r->regions[i]);
    fprintf(f, "\n  Tags:     ");
    for (size_t i = 0; i < r->n_tags; i++)
        fprintf(f, " %s=%s", r->tags[i].key, r->tags[i].value);
    fprintf(f, "\n  Requester: %s\n", shown_requester);
}

/* The checks that need AWS: this run's region and account, then the
 * source's routing regions against allowed_regions (reads only). */
static int check_request_live(awsclient *c, const cc_config *cfg, const char *path, const request_file *req,
                              row *w, cc_err *err)
{
    if (strcmp(req->region, awsclient_region(c)) != 0) {
        cc_err_set(err, CC_EINPUT, "request.region", "%s: the request is for region %s, but this run uses %s", path,
                   req->region, awsclient_region(c));
        cc_err_hint(err, "run again with --region %s", req->region);
        return CC_EINPUT;
    }
    sts_identity id;
    memset(&id, 0, sizeof id);
    int rc = sts_get_caller_identity(c, &id, err);
    if (!rc && strcmp(id.account, req->account) != 0) {
        rc = cc_err_set(err, CC_EINPUT, "request.account",
                        "%s: the request is for account %s, but your credentials are for account %s", path,
                        req->account, id.account);
        cc_err_hint(err, "use credentials for account %s (--aws-profile)", req->account);
    }
    onboard_result *r = &w->r;
    if (!rc) {
        snprintf(r->name, sizeof r->name, "%s", req->name);
        snprintf(r->copy_from, sizeof r->copy_from, "%s", req->source_arn);
        snprintf(r->account, sizeof r->account, "%s", req->account);
        r->member = strdup(req->member);
        r->caller_arn = strdup(id.arn);
        w->member = strdup(req->member);
        if (!r->member || !r->caller_arn || !w->member)
            rc = cc_err_oom(err);
    }
    sts_identity_free(&id);
    const cJSON *t, *tags = rc ? NULL : req->tags;
    cJSON_ArrayForEach(t, tags) {
        if (!rc)
            rc = onboard_add_tag(r, t->string, t->valuestring, err);
    }
    if (!rc)
        rc = onboard_load_source_arn(c, r, err);
    if (!rc) {
        const char *model = strchr(req->source_arn, '/') + 1; /* request_check saw the '/' */
        onboard_spec spec = {.model = model, .allowed_regions = cfg_json(cfg, CFG_ALLOWED_REGIONS)};
        rc = onboard_check_residency(&spec, r, err);
    }
    return rc;
}

static int provision_request(cc_ctx *ctx, awsclient *c, const cc_config *cfg, const char *path, const char *team,
                             bool fix_tags, cc_err *err)
{
    request_file req;
    int rc = request_read(path, &req, err);
    if (rc)
        return rc;
    request_policy policy = {
        .team = team ? team : cfg_str(cfg, CFG_TEAM),
        .tag_key_team = cfg_str(cfg, CFG_TAG_KEY_TEAM),
        .tag_key_member = cfg_str(cfg, CFG_TAG_KEY_MEMBER),
        .extra_tags = cfg_json(cfg, CFG_EXTRA_TAGS),
        .name_template = cfg_str(cfg, CFG_NAME_TEMPLATE),
        .member_rule = cfg_str(cfg, CFG_MEMBER_RULE),
        .allowed_regions = cfg_json(cfg, CFG_ALLOWED_REGIONS),
    };
    rc = request_check(path, &req, &policy, err);
    row w;
    memset(&w, 0, sizeof w);
    if (!rc)
        rc = check_request_live(c, cfg, path, &req, &w, err);
    if (!rc) {
        show_plan(ctx, path, &req, &w.r);
        bool tty = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
        if (!ctx->dry_run && !cli_confirm(ctx, ctx->yes || !tty, "Provision %s as planned?", w.r.name))
            rc = cc_err_set(err, CC_EINTERNAL, "cancelled", "admin provision cancelled; nothing was created");
    }
    if (!rc) {
        onboard_spec spec = {.fix_tags = fix_tags, .no_create = ctx->dry_run};
        out_progress(&ctx->out, "Provisioning %s for %s", w.r.name, w.member);
        rc = create_with_backoff(c, &spec, &w.r, false, &ctx->out, err);
        set_row_outcome(&w, rc, err);
        if (rc == 0 && w.r.outcome == ONBOARD_WOULD_CREATE)
            w.state = ROW_PENDING;
        tally t;
        tally_start(ctx, &t);
        tally_row(ctx, &t, &w);
        rc = tally_finish(ctx, &t, err);
    }
    row_clear(&w);
    request_free(&req);
    return rc;
}

/* The distinct base models of a roster and the source each resolves to. */
typedef struct roster_models {
    char *model[ROSTER_MAX_MODELS];
    onboard_result src[ROSTER_MAX_MODELS];
    size_t n;
} roster_models;

static void roster_models_free(roster_models *m)
{
    for (size_t k = 0; k < m->n; k++) {
        free(m->model[k]);
        onboard_result_free(&m->src[k]);
    }
    m->n = 0;
}

static int models_add(roster_models *m, const char *path, int line, const char *model, cc_err *err)
{
    for (size_t k = 0; k < m->n; k++)
        if (strcmp(m->model[k], model) == 0)
            return 0;
    if (m->n == ROSTER_MAX_MODELS)
        return cc_err_set(err, CC_EINPUT, "roster.models", "%s:%d: more than %d different models in one roster", path,
                          line, ROSTER_MAX_MODELS);
    if (!(m->model[m->n] = strdup(model)))
        return cc_err_oom(err);
    m->n++;
    return 0;
}

/* The first pass: every row parses and has a model (its own or the
 * default), before anything is looked up or created. */
static int roster_scan(roster_reader *rd, const char *default_model, roster_models *m, cc_err *err)
{
    const char *path = roster_path(rd);
    size_t rows = 0, modelless = 0;
    int first_line = 0;
    char first_member[ROSTER_FIELD_MAX + 1] = "";
    roster_row rr;
    int rc;
    while ((rc = roster_next(rd, &rr, err)) == 1) {
        rows++;
        int arc = 0;
        if (rr.model)
            arc = models_add(m, path, rr.line, rr.model, err);
        else if (default_model)
            arc = models_add(m, path, rr.line, default_model, err);
        else if (modelless++ == 0) {
            first_line = rr.line;
            printable_copy(first_member, sizeof first_member, rr.member);
        }
        if (arc)
            return arc;
    }
    if (rc)
        return rc;
    if (modelless) {
        cc_err_set(err, CC_EINPUT, "config.model",
                   "%s:%d: no model for %s and no default model (%zu row%s without one)", path, first_line,
                   first_member, modelless, modelless == 1 ? "" : "s");
        cc_err_hint(err, "add a third column, pass --model, or set model in the config");
        return CC_EINPUT;
    }
    if (!rows) {
        cc_err_set(err, CC_EINPUT, "roster.empty", "%s: the roster lists nobody", path);
        cc_err_hint(err, "add lines of the form team,member[,model]");
        return CC_EINPUT;
    }
    return 0;
}

/* Looks each model's source up once and holds it to allowed_regions. */
static int resolve_sources(awsclient *c, const cc_config *cfg, const sts_identity *id, roster_models *m,
                           cc_err *err)
{
    for (size_t k = 0; k < m->n; k++) {
        onboard_result *s = &m->src[k];
        int rc = arn_model_source(m->model[k], awsclient_region(c), id->account, s->copy_from, sizeof s->copy_from,
                                  err);
        if (!rc)
            rc = onboard_load_source_arn(c, s, err);
        if (!rc) {
            onboard_spec spec = {.model = m->model[k], .allowed_regions = cfg_json(cfg, CFG_ALLOWED_REGIONS)};
            rc = onboard_check_residency(&spec, s, err);
        }
        if (rc)
            return rc;
    }
    return 0;
}

static const onboard_result *source_for(const roster_models *m, const char *model)
{
    for (size_t k = 0; k < m->n; k++)
        if (strcmp(m->model[k], model) == 0)
            return &m->src[k];
    return NULL;
}

/* Reads up to `cap` rows and prepares each (name, tags, source); a row
 * that cannot be prepared (a bad member name) fails alone. */
static int read_batch(roster_reader *rd, const cc_config *cfg, const sts_identity *id, const char *region,
                      const roster_models *m, row *rows, size_t cap, size_t *n, cc_err *err)
{
    const char *default_model = cfg_str(cfg, CFG_MODEL);
    *n = 0;
    roster_row rr;
    int rc = 0;
    while (*n < cap && (rc = roster_next(rd, &rr, err)) == 1) {
        row *w = &rows[(*n)++];
        memset(w, 0, sizeof *w);
        w->team = strdup(rr.team);
        w->member = strdup(rr.member);
        w->model = rr.model ? strdup(rr.model) : NULL;
        w->line = rr.line;
        if (!w->team || !w->member || (rr.model && !w->model))
            return cc_err_oom(err);
        const onboard_result *src = source_for(m, w->model ? w->model : default_model);
        if (!src) /* the file changed since the first pass */
            return cc_err_set(err, CC_EINPUT, "roster.changed", "%s:%d: the roster changed while it was read",
                              roster_path(rd), rr.line);
        cc_err rowerr;
        cc_err_clear(&rowerr);
        int prc = prepare_row(cfg, id, region, w, src, &rowerr);
        if (prc) {
            cc_err_prefix(&rowerr, "%s:%d", roster_path(rd), rr.line);
            set_row_outcome(w, prc, &rowerr);
        }
        else
            w->state = ROW_PENDING;
    }
    return rc < 0 ? rc : 0;
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

/* One batch: judge the existing names concurrently, create the rest. */
static int provision_batch(cc_ctx *ctx, awsclient *c, row *rows, size_t n, const bedrock_profile_page *pages,
                           size_t npages, size_t concurrency, bool fix_tags, tally *t)
{
    int rc = judge_existing(ctx, c, rows, n, pages, npages, concurrency, fix_tags);
    if (rc)
        return rc;
    create_missing(ctx, c, rows, n, fix_tags);
    for (size_t i = 0; i < n; i++)
        tally_row(ctx, t, &rows[i]);
    return 0;
}

/* The roster: check every row, resolve each model's source, list the
 * account's profiles once, then provision batch by batch. */
static int provision_roster(cc_ctx *ctx, awsclient *c, const cc_config *cfg, const char *path, size_t concurrency,
                            bool fix_tags, cc_err *err)
{
    roster_reader *rd = NULL;
    int rc = roster_open(path, &rd, err);
    if (rc)
        return rc;
    roster_models models;
    memset(&models, 0, sizeof models);
    rc = roster_scan(rd, cfg_str(cfg, CFG_MODEL), &models, err);
    sts_identity id;
    memset(&id, 0, sizeof id);
    if (!rc)
        rc = sts_get_caller_identity(c, &id, err);
    if (!rc)
        rc = resolve_sources(c, cfg, &id, &models, err);
    bedrock_profile_page *pages = NULL;
    size_t npages = 0;
    if (!rc)
        rc = list_all_profiles(c, &pages, &npages, err);
    if (!rc)
        rc = roster_rewind(rd, err);
    row *rows = rc ? NULL : calloc(ROSTER_BATCH, sizeof *rows);
    if (!rc && !rows)
        rc = cc_err_oom(err);
    tally t;
    if (!rc)
        tally_start(ctx, &t);
    for (size_t n = 1; !rc && n;) {
        rc = read_batch(rd, cfg, &id, awsclient_region(c), &models, rows, ROSTER_BATCH, &n, err);
        if (!rc && n)
            rc = provision_batch(ctx, c, rows, n, pages, npages, concurrency, fix_tags, &t);
        for (size_t i = 0; i < n; i++)
            row_clear(&rows[i]);
    }
    if (!rc)
        rc = tally_finish(ctx, &t, err);
    free(rows);
    for (size_t p = 0; p < npages; p++)
        bedrock_profile_page_free(&pages[p]);
    free(pages);
    roster_models_free(&models);
    sts_identity_free(&id);
    roster_close(rd);
    return rc;
}

/* A request carries its own region; NULL when it cannot be read (the
 * provisioning step then reports why). */
static char *request_region(const char *path)
{
    request_file req;
    cc_err ignored;
    cc_err_clear(&ignored);
    if (request_read(path, &req, &ignored) != 0)
        return NULL;
    char *region = strdup(req.region);
    request_free(&req);
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

static int run(cc_ctx *ctx, const cli_args *a, cc_err *err)
{
    if (a->npos)
        return cc_err_set(err, CC_EUSAGE, "usage",
                          "usage: clinecfg admin provision (--request FILE | --roster CSV); got an argument '%s'",
                          a->pos[0]);
    const char *request = cli_value(a, PROVISION_OPT_REQUEST);
    const char *roster = cli_value(a, PROVISION_OPT_ROSTER);
    if (!request == !roster) {
        cc_err_set(err, CC_EUSAGE, "usage", "give exactly one of --request FILE or --roster CSV");
        return CC_EUSAGE;
    }
    size_t concurrency;
    int rc = parse_concurrency(cli_value(a, PROVISION_OPT_CONCURRENCY), &concurrency, err);
    if (rc)
        return rc;
    cc_config cfg;
    rc = cfg_load(&cfg, ctx, err);
    const char *region = cli_value(a, PROVISION_OPT_REGION);
    if (!rc && region)
        rc = cfg_set_flag(&cfg, CFG_REGION, "--region", region, err);
    const char *model = cli_value(a, PROVISION_OPT_MODEL);
    if (!rc && model)
        rc = cfg_set_flag(&cfg, CFG_MODEL, "--model", model, err);
    if (rc) {
        cfg_free(&cfg);
        return rc;
    }
    /* A request carries its own region unless --region overrides it. */
    char *req_region = request && !region ? request_region(request) : NULL;
    session_opts so = {
        .aws_profile = cli_value(a, PROVISION_OPT_AWS_PROFILE),
        .region = req_region ? req_region : cfg_str(&cfg, CFG_REGION),
        .account = keyring_account_name(NULL),
    };
    session s;
    rc = session_open(&s, ctx, &so, err);
    bool fix = cli_count(a, PROVISION_OPT_FIX_TAGS) > 0;
    if (!rc && request)
        rc = provision_request(ctx, s.aws, &cfg, request, cli_value(a, PROVISION_OPT_TEAM), fix, err);
    else if (!rc)
        rc = provision_roster(ctx, s.aws, &cfg, roster, concurrency, fix, err);
    session_close(&s);
    free(req_region);
    cfg_free(&cfg);
    /* Messages quote the request, the roster and AWS answers. */
    printable_copy(err->message, sizeof err->message, err->message);
    printable_copy(err->hint, sizeof err->hint, err->hint);
    return rc;
}

static const cli_command cmd_admin_provision = {
    .name = "provision",
    .summary = "create the profiles developers requested, or a whole roster's",
    .description = "Give exactly one of --request FILE or --roster CSV.\n"
                   "A request is checked against its requester and this run's config (member, team, tags, name,\n"
                   "region, model) and shown before it is created (asked on a terminal; -y skips the question).\n"
                   "Idempotent: profiles that exist with the right tags and model are reported as existing,\n"
                   "same-named ones with other tags as conflicts (exit 8). Prints a table, or JSON with --json.",
    .opts = CLI_OPTS(provision_opts),
    .run = run,
};

/* git's shape: each subcommand owns its options, usage line and --help. */
static const cli_command *const admin_subcommands[] = {
    &cmd_admin_provision, &cmd_admin_policy, &cmd_admin_report, &cmd_admin_limits, NULL,
};

const cli_command cmd_admin = {
    .name = "admin",
    .operands = "provision|policy|report|limits",
    .summary = "admin: create requested profiles or a roster; IAM policies; the team's usage; monthly limits",
    .subcommands = admin_subcommands,
};
