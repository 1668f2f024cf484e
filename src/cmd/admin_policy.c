/*
 * admin_policy.c - `clinecfg admin policy developer|enforce|blocked`:
 * prints the policy document (policy.c) for IAM users or Identity Center
 * sessions, with --apply creates or updates the customer-managed policy and
 * attaches it to users, roles and groups (a rerun changes nothing), and
 * with --check asks IAM's policy simulator whether a principal gets what
 * the policy promises, one line per case.  For Identity Center it prints
 * what the admin configures there instead of attaching (IAM refuses to
 * change the AWSReservedSSO_* roles).  `blocked` is clinecfg-blocked, whose
 * content `admin limits enforce` owns: it prints the current document (or
 * the one enforce starts from) and --apply only creates it when missing and
 * attaches it.
 */
#define _GNU_SOURCE
#include "admin_policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/arn.h"
#include "clinecfg/config.h"
#include "clinecfg/iam.h"
#include "clinecfg/keyring.h"
#include "clinecfg/limits.h"
#include "clinecfg/policy.h"
#include "clinecfg/session.h"
#include "clinecfg/sts.h"

#define MAX_EXTRA_TAGS 40
#define MAX_PRINCIPALS 64

enum {
    POLICY_OPT_TEAM,
    POLICY_OPT_PRINCIPAL,
    POLICY_OPT_ACCOUNT,
    POLICY_OPT_APPLY,
    POLICY_OPT_NAME,
    POLICY_OPT_USER,
    POLICY_OPT_ROLE,
    POLICY_OPT_GROUP,
    POLICY_OPT_CHECK,
    POLICY_OPT_MEMBER,
    POLICY_OPT_REGION,
    POLICY_OPT_AWS_PROFILE,
    POLICY_OPT_COUNT
};

static const cli_opt policy_opts[POLICY_OPT_COUNT] = {
    [POLICY_OPT_TEAM] = {"team", 0, OPT_VALUE, "T", "the team tag the policy requires (default: config team)"},
    [POLICY_OPT_PRINCIPAL] = {"principal", 0, OPT_VALUE, "KIND", "iam-user (default) or sso"},
    [POLICY_OPT_ACCOUNT] = {"account", 0, OPT_VALUE, "ID", "the AWS account the policy names"},
    [POLICY_OPT_APPLY] = {"apply", 0, OPT_FLAG, NULL, "create or update the policy and attach it"},
    [POLICY_OPT_NAME] = {"name", 0, OPT_VALUE, "NAME", "the customer-managed policy's name"},
    [POLICY_OPT_USER] = {"user", 0, OPT_LIST, "U", "IAM user(s), repeated or comma-separated"},
    [POLICY_OPT_ROLE] = {"role", 0, OPT_LIST, "R", "IAM role(s), repeated or comma-separated (--check: one name or ARN)"},
    [POLICY_OPT_GROUP] = {"group", 0, OPT_LIST, "G", "IAM group(s), repeated or comma-separated"},
    [POLICY_OPT_CHECK] = {"check", 0, OPT_FLAG, NULL, "simulate the expected cases for --user or --role"},
    [POLICY_OPT_MEMBER] = {"member", 0, OPT_VALUE, "M", "the member --check --role stands for"},
    [POLICY_OPT_REGION] = {"region", 0, OPT_VALUE, "R", "the region the policy names (default: any; --check: the session's)"},
    [POLICY_OPT_AWS_PROFILE] = {"aws-profile", 0, OPT_VALUE, "P", "AWS profile for the admin calls"},
};

typedef struct admin_policy_args {
    const char *kind;        /* the operand: "developer", "enforce" or "blocked" */
    const char *principal;   /* --principal iam-user|sso; NULL = iam-user */
    const char *team;        /* --team; NULL = the config's team */
    const char *account;     /* --account; NULL = any (print) or the caller's (apply, check) */
    const char *region;      /* --region; NULL = any (print) or the session's (check) */
    const char *aws_profile; /* --aws-profile */
    const char *name;        /* --name, with --apply */
    const char *users;       /* --user, --role, --group: comma-separated names */
    const char *roles;
    const char *groups;
    const char *member;      /* --member, with --check */
    bool apply, check;
} admin_policy_args;

/* What the command works with: the config, the document's inputs and,
 * when AWS is asked, the session and the caller. */
typedef struct policy_run {
    cc_config cfg;
    policy_spec spec;
    const char *extra_keys[MAX_EXTRA_TAGS], *extra_values[MAX_EXTRA_TAGS];
    session s;
    bool have_session;
    sts_identity id;
    char partition[16];
    char budget_prefix[LIMITS_NAME_MAX + 1];
} policy_run;

/* Which budgets the developer policy lets the caller read (policy.h): their
 * own when the name rule keeps every IAM user name verbatim after the
 * team's prefix, else the team's.  An IAM user name is at most 64 of
 * [\w+=,.@-], none of which the rule rewrites, so the longest one stands
 * for all; an Identity Center tag value may hold ':' or '/' and run to 256
 * characters, which the rule rewrites and hashes. */
static void budget_scope(policy_run *r)
{
    policy_spec *s = &r->spec;
    if (!s->team)
        return;
    limits_team_prefix(s->team, r->budget_prefix);
    /* a hashed name keeps only its first LIMITS_NAME_MAX - 9 characters */
    if (strlen(r->budget_prefix) > LIMITS_NAME_MAX - 9)
        return;
    s->budget_prefix = r->budget_prefix;
    char longest[65], name[LIMITS_NAME_MAX + 1], verbatim[2 * LIMITS_NAME_MAX];
    memset(longest, 'a', 64);
    longest[64] = '\0';
    limits_budget_name(s->team, longest, name);
    snprintf(verbatim, sizeof verbatim, "%s%s", r->budget_prefix, longest);
    s->budget_names_caller = s->principal == POLICY_PRINCIPAL_IAM_USER && !strcmp(name, verbatim);
}

static int spec_from_args(policy_run *r, const admin_policy_args *a, cc_err *err)
{
    int kind = policy_kind_from_name(a->kind);
    int principal = policy_principal_from_name(a->principal ? a->principal : "iam-user");
    if (kind < 0)
        return cc_err_set(err, CC_EUSAGE, "usage",
                          "usage: clinecfg admin policy developer|enforce|blocked [--principal iam-user|sso] "
                          "[--team T] [--account ID] [--region R] [--apply --name NAME ... | --check ...]");
    if (principal < 0)
        return cc_err_set(err, CC_EUSAGE, "usage", "--principal %s: give iam-user or sso", a->principal);
    policy_spec *s = &r->spec;
    s->kind = (policy_kind)kind;
    s->principal = (policy_principal)principal;
    s->account = a->account;
    s->region = a->region;
    s->team = a->team ? a->team : cfg_str(&r->cfg, CFG_TEAM);
    s->member_tag_key = cfg_str(&r->cfg, CFG_TAG_KEY_MEMBER);
    s->team_tag_key = cfg_str(&r->cfg, CFG_TAG_KEY_TEAM);
    const cJSON *extra = cfg_json(&r->cfg, CFG_EXTRA_TAGS), *t;
    cJSON_ArrayForEach(t, extra)
    {
        if (!cJSON_IsString(t))
            continue;
        if (s->n_extra_tags == MAX_EXTRA_TAGS)
            return cc_err_set(err, CC_EINPUT, "policy.tags", "extra_tags has more than %d tags", MAX_EXTRA_TAGS);
        r->extra_keys[s->n_extra_tags] = t->string;
        r->extra_values[s->n_extra_tags++] = t->valuestring;
    }
    s->extra_tag_keys = r->extra_keys;
    s->extra_tag_values = r->extra_values;
    budget_scope(r);
    return 0;
}

static void sso_instructions(cc_ctx *ctx, const policy_run *r, const char *name)
{
    const char *key = r->spec.member_tag_key ? r->spec.member_tag_key : "MemberName";
    char lines[4][512];
    snprintf(lines[0], sizeof lines[0],
             "IAM Identity Center > Settings > Attributes for access control: enable them and map the key %s to "
             "${path:userName}, the user name Identity Center makes the role session name, which is the identity "
             "`clinecfg setup` tags each member's profile with (member_rule shortens profile names, never the "
             "tag): the policy compares ${aws:PrincipalTag/%s} with the profile's %s tag",
             key, key, key);
    snprintf(lines[1], sizeof lines[1],
             "Create the policy in every member account: clinecfg admin policy %s --principal sso --apply --name %s",
             policy_kind_name(r->spec.kind), name ? name : "NAME");
    snprintf(lines[2], sizeof lines[2],
             "In the permission set the members use: Permissions > Customer managed policies > attach by name "
             "'%s' (IAM refuses changes to the AWSReservedSSO_* roles themselves), then re-provision the set",
             name ? name : "NAME");
    snprintf(lines[3], sizeof lines[3],
             "Check a member: clinecfg admin policy %s --principal sso --check --role AWSReservedSSO_<set>_<id> "
             "--member <e-mail>",
             policy_kind_name(r->spec.kind));
    cJSON *j = cJSON_AddArrayToObject(ctx->result, "identity_center");
    out_progress(&ctx->out, "For IAM Identity Center:");
    for (int i = 0; i < 4; i++) {
        out_progress(&ctx->out, "  %d. %s", i + 1, lines[i]);
        cJSON_AddItemToArray(j, cJSON_CreateString(lines[i]));
    }
}

static int print_document(cc_ctx *ctx, policy_run *r, cc_err *err)
{
    char *doc;
    int rc = policy_document(&r->spec, &doc, err);
    if (rc)
        return rc;
    out_text(&ctx->out, "%s\n", doc);
    cJSON_AddStringToObject(ctx->result, "kind", policy_kind_name(r->spec.kind));
    cJSON_AddStringToObject(ctx->result, "principal", policy_principal_name(r->spec.principal));
    cJSON_AddItemToObject(ctx->result, "policy", cJSON_Parse(doc));
    free(doc);
    if (!r->spec.account)
        out_progress(&ctx->out, "note: no --account given, so the document names application profiles of any "
                                "account; pass --account ID to pin it");
    if (r->spec.principal == POLICY_PRINCIPAL_SSO)
        sso_instructions(ctx, r, NULL);
    return 0;
}

/* Opens the AWS session and learns the caller's account and partition. */
static int open_aws(cc_ctx *ctx, policy_run *r, const admin_policy_args *a, cc_err *err)
{
    session_opts so = {
        .aws_profile = a->aws_profile,
        .region = a->region ? a->region : cfg_str(&r->cfg, CFG_REGION),
        .account = keyring_account_name(NULL),
    };
    int rc = session_open(&r->s, ctx, &so, err);
    if (rc)
        return rc;
    r->have_session = true;
    rc = sts_get_caller_identity(r->s.aws, &r->id, err);
    if (rc)
        return rc;
    arn_parts caller;
    rc = arn_parse(r->id.arn, "caller ARN", &caller, err);
    if (rc)
        return rc;
    snprintf(r->partition, sizeof r->partition, "%s", caller.partition);
    r->spec.partition = r->partition;
    if (!r->spec.account)
        r->spec.account = r->id.account;
    return 0;
}

/* ---- --apply ------------------------------------------------------------- */

static int check_name(const char *what, const char *v, cc_err *err)
{
    size_t n = v ? strlen(v) : 0;
    if (n >= 1 && n <= 128 && strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+=,.@-") == n)
        return 0;
    cc_err_set(err, CC_EUSAGE, "usage", "%s '%.140s' is not an IAM name", what, v ? v : "");
    cc_err_hint(err, "IAM names are 1 to 128 characters of letters, digits and _+=,.@-");
    return CC_EUSAGE;
}

/* The default version's document of the customer-managed policy `name`
 * (its ARN in arn); *doc NULL when there is no such policy. */
static int current_document(policy_run *r, const char *name, char *arn, size_t arn_size, char **doc, cc_err *err)
{
    arn_iam_policy(r->partition, r->id.account, name, arn, arn_size);
    return iam_get_default_document(r->s.aws, arn, doc, err);
}

/* Creates the policy (arn gets its ARN); *state gets "created". */
static int create_missing(policy_run *r, const char *name, const char *doc, const char *description, char *arn,
                          size_t arn_size, const char **state, cc_err *err)
{
    iam_policy p;
    int rc = iam_create_policy(r->s.aws, name, doc, description, &p, err);
    if (!rc)
        snprintf(arn, arn_size, "%s", p.arn);
    *state = "created";
    iam_policy_free(&p);
    return rc;
}

/* Creates the policy, or makes the document its default version when it
 * differs; *state gets "created", "updated" or "unchanged". */
static int upsert_policy(policy_run *r, const char *name, const char *doc, char *arn, size_t arn_size,
                         const char **state, cc_err *err)
{
    char *current;
    int rc = current_document(r, name, arn, arn_size, &current, err);
    if (rc)
        return rc;
    if (!current)
        return create_missing(r, name, doc, "clinecfg: Bedrock access through per-member profiles", arn, arn_size,
                              state, err);
    bool same = policy_documents_equal(current, doc);
    free(current);
    *state = same ? "unchanged" : "updated";
    return same ? 0 : iam_replace_default_version(r->s.aws, arn, doc, NULL, err);
}

static int attach_one(cc_ctx *ctx, policy_run *r, iam_principal_kind kind, const char *who, const char *arn,
                      cJSON *list)
{
    cc_err e;
    cc_err_clear(&e);
    iam_attached_list att;
    const char *state = "attached";
    int rc = iam_list_attached_policies(r->s.aws, kind, who, &att, &e);
    for (size_t i = 0; !rc && i < att.n; i++)
        if (!strcmp(att.arns[i], arn))
            state = "unchanged";
    if (!rc)
        iam_attached_list_free(&att);
    if (!rc && !strcmp(state, "attached"))
        rc = iam_attach_policy(r->s.aws, kind, who, arn, &e);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", iam_principal_kind_name(kind));
    cJSON_AddStringToObject(o, "name", who);
    cJSON_AddStringToObject(o, "status", rc ? "failed" : state);
    if (rc) {
        cJSON_AddStringToObject(o, "error", e.message);
        out_warn(&ctx->out, "%s %s: %s%s%s", iam_principal_kind_name(kind), who, e.message, e.hint[0] ? "; " : "",
                 e.hint);
    }
    cJSON_AddItemToArray(list, o);
    out_text(&ctx->out, "%-6s %-40s %s\n", iam_principal_kind_name(kind), who, rc ? "failed" : state);
    return rc;
}

static int attach_all(cc_ctx *ctx, policy_run *r, const admin_policy_args *a, const char *arn, cc_err *err)
{
    const char *lists[3] = {a->users, a->roles, a->groups};
    const iam_principal_kind kinds[3] = {IAM_USER, IAM_ROLE, IAM_GROUP};
    cJSON *jl = cJSON_AddArrayToObject(ctx->result, "attachments");
    int first = 0, failed = 0, n = 0;
    for (int k = 0; k < 3; k++) {
        char *copy = lists[k] ? strdup(lists[k]) : NULL;
        if (lists[k] && !copy)
            return cc_err_oom(err);
        char *save = NULL;
        for (char *who = copy ? strtok_r(copy, ",", &save) : NULL; who; who = strtok_r(NULL, ",", &save)) {
            int rc = check_name(iam_principal_kind_name(kinds[k]), who, err);
            if (!rc && ++n > MAX_PRINCIPALS)
                rc = cc_err_set(err, CC_EUSAGE, "usage", "at most %d principals per run", MAX_PRINCIPALS);
            if (rc) {
                free(copy);
                return rc;
            }
            rc = attach_one(ctx, r, kinds[k], who, arn, jl);
            if (rc && !first)
                first = rc;
            failed += rc != 0;
        }
        free(copy);
    }
    if (first)
        cc_err_set(err, first, "policy.attach", "%d of %d attachments failed (above)", failed, n);
    return first;
}

/* Reports what became of the policy, then attaches it. */
static int report_and_attach(cc_ctx *ctx, policy_run *r, const admin_policy_args *a, const char *arn,
                             const char *state, const char *kind, cc_err *err)
{
    out_text(&ctx->out, "%-6s %-40s %s\n", "policy", arn, state);
    cJSON_AddStringToObject(ctx->result, "policy_arn", arn);
    cJSON_AddStringToObject(ctx->result, "policy", state);
    cJSON_AddStringToObject(ctx->result, "kind", kind);
    return attach_all(ctx, r, a, arn, err);
}

static int apply_policy(cc_ctx *ctx, policy_run *r, const admin_policy_args *a, cc_err *err)
{
    int rc = check_name("--name", a->name, err);
    if (rc)
        return rc;
    rc = open_aws(ctx, r, a, err);
    char *doc = NULL;
    if (!rc)
        rc = policy_document(&r->spec, &doc, err);
    char arn[512];
    const char *state = NULL;
    if (!rc)
        rc = upsert_policy(r, a->name, doc, arn, sizeof arn, &state, err);
    free(doc);
    if (rc)
        return rc;
    rc = report_and_attach(ctx, r, a, arn, state, policy_kind_name(r->spec.kind), err);
    if (r->spec.principal == POLICY_PRINCIPAL_SSO)
        sso_instructions(ctx, r, a->name);
    return rc;
}

/* ---- blocked ------------------------------------------------------------- */

void admin_policy_blocked_steps(cc_ctx *ctx)
{
    const char *const *steps = policy_blocked_identity_center_steps();
    cJSON *j = cJSON_AddArrayToObject(ctx->result, "identity_center");
    out_progress(&ctx->out, "Attach %s once so that it applies:", LIMITS_BLOCKED_POLICY);
    for (size_t i = 0; steps[i]; i++) {
        out_progress(&ctx->out, "  %zu. %s", i + 1, steps[i]);
        cJSON_AddItemToArray(j, cJSON_CreateString(steps[i]));
    }
}

/* The document enforce starts from: nobody blocked. */
static int nobody_blocked_document(const policy_run *r, char **doc, cc_err *err)
{
    static const char *const none[1] = {NULL};
    return limits_blocked_document(r->partition, r->id.account, none, 0, doc, err);
}

/* clinecfg-blocked's current document, else the one enforce starts from
 * (nobody blocked); *exists says which. */
static int blocked_document(policy_run *r, char *arn, size_t arn_size, char **doc, bool *exists, cc_err *err)
{
    int rc = current_document(r, LIMITS_BLOCKED_POLICY, arn, arn_size, doc, err);
    *exists = !rc && *doc;
    if (!rc && !*doc)
        rc = nobody_blocked_document(r, doc, err);
    return rc;
}

static int print_blocked(cc_ctx *ctx, policy_run *r, const admin_policy_args *a, cc_err *err)
{
    char arn[512], *doc = NULL, **arns = NULL;
    bool exists = false;
    size_t n = 0;
    int rc = open_aws(ctx, r, a, err);
    if (!rc)
        rc = blocked_document(r, arn, sizeof arn, &doc, &exists, err);
    if (!rc)
        rc = limits_blocked_arns(doc, &arns, &n, err);
    cJSON *parsed = rc ? NULL : cJSON_Parse(doc);
    char *text = parsed ? policy_print(parsed) : NULL;
    if (!rc && !text)
        rc = cc_err_oom(err);
    if (!rc) {
        out_text(&ctx->out, "%s\n", text);
        cJSON_AddStringToObject(ctx->result, "kind", "blocked");
        cJSON_AddStringToObject(ctx->result, "policy_arn", arn);
        cJSON_AddBoolToObject(ctx->result, "exists", exists);
        cJSON *list = cJSON_AddArrayToObject(ctx->result, "blocked_profiles");
        for (size_t i = 0; i < n; i++)
            cJSON_AddItemToArray(list, cJSON_CreateString(arns[i]));
        cJSON_AddItemToObject(ctx->result, "policy", parsed);
        parsed = NULL;
        out_progress(&ctx->out, exists ? "%s exists: `clinecfg admin limits enforce` writes it"
                                       : "%s does not exist yet: `clinecfg admin policy blocked --apply` or "
                                         "`clinecfg admin limits enforce` creates it with this document",
                     LIMITS_BLOCKED_POLICY);
        admin_policy_blocked_steps(ctx);
    }
    cJSON_Delete(parsed);
    free(text);
    free(doc);
    limits_strings_free(arns, n);
    return rc;
}

/* Creates clinecfg-blocked when it is missing (never rewrites it: enforce
 * owns its content) and attaches it. */
static int apply_blocked(cc_ctx *ctx, policy_run *r, const admin_policy_args *a, cc_err *err)
{
    char arn[512], *current = NULL, *doc = NULL;
    const char *state = "unchanged";
    int rc = open_aws(ctx, r, a, err);
    if (!rc)
        rc = current_document(r, LIMITS_BLOCKED_POLICY, arn, sizeof arn, &current, err);
    if (!rc && !current)
        rc = nobody_blocked_document(r, &doc, err);
    if (!rc && !current)
        rc = create_missing(r, LIMITS_BLOCKED_POLICY, doc, POLICY_BLOCKED_DESCRIPTION, arn, sizeof arn, &state, err);
    free(current);
    free(doc);
    if (rc)
        return rc;
    rc = report_and_attach(ctx, r, a, arn, state, "blocked", err);
    /* Nothing to attach, or a role IAM refused (Identity Center's): the
     * permission set is the way. */
    if (rc || (!a->users && !a->roles && !a->groups))
        admin_policy_blocked_steps(ctx);
    return rc;
}

static int check_blocked_args(const admin_policy_args *a, cc_err *err)
{
    if (a->name) {
        cc_err_set(err, CC_EUSAGE, "usage", "--name %.100s: the blocked policy's name is fixed (%s); drop --name",
                   a->name, LIMITS_BLOCKED_POLICY);
        cc_err_hint(err, "`clinecfg admin limits enforce` writes the policy of that name; `clinecfg admin policy "
                         "blocked --apply --user U` attaches it");
        return CC_EUSAGE;
    }
    if (a->check || a->member)
        return cc_err_set(err, CC_EUSAGE, "usage", "--check and --member go with developer and enforce, not blocked");
    if (!a->apply && (a->users || a->roles || a->groups))
        return cc_err_set(err, CC_EUSAGE, "usage", "--user, --role and --group go with --apply");
    return 0;
}

/* ---- --check ------------------------------------------------------------- */

typedef struct check_case {
    const char *name;
    const char *action;
    char resource[256];
    const char *expected;
    char tag_value[160];   /* aws:ResourceTag or aws:RequestTag value; "" = none */
    bool request_tag;      /* the tag is a request tag (creation) */
    char profile_arn[256]; /* bedrock:InferenceProfileArn; "" = none */
} check_case;

/* The base model of a configured model id: a geography prefix
 * ("us.", "apac.", "global.") is a system profile's, not the model's. */
static void base_model(const char *model, char *out, size_t size)
{
    const char *m = model && *model ? model : "anthropic.claude-sonnet-4-5-20250929-v1:0";
    const char *dot = strchr(m, '.');
    if (dot && dot - m <= 6 && strchr(dot + 1, '.') && strspn(m, "abcdefghijklmnopqrstuvwxyz") == (size_t)(dot - m))
        m = dot + 1;
    snprintf(out, size, "%s", m);
}

static size_t build_cases(const policy_run *r, const char *region, const char *member, check_case *c)
{
    char own[256], other_member[160], model[160];
    snprintf(own, sizeof own, "arn:%s:bedrock:%s:%s:application-inference-profile/clinecfgcheckown", r->partition,
             region, r->spec.account);
    snprintf(other_member, sizeof other_member, "%.120s-someone-else", member);
    char fm[256];
    base_model(cfg_str(&r->cfg, CFG_MODEL), model, sizeof model);
    snprintf(fm, sizeof fm, "arn:%s:bedrock:%s::foundation-model/%s", r->partition, region, model);
    size_t n = 0;
    if (r->spec.kind == POLICY_ENFORCE) {
        c[n] = (check_case){.name = "own_profile", .action = "bedrock:InvokeModel", .expected = "allowed"};
        snprintf(c[n].resource, sizeof c[n].resource, "%s", own);
        snprintf(c[n++].tag_value, sizeof c[0].tag_value, "%s", member);
        c[n] = (check_case){.name = "other_profile", .action = "bedrock:InvokeModel", .expected = "denied"};
        snprintf(c[n].resource, sizeof c[n].resource, "%.200sother", own);
        snprintf(c[n++].tag_value, sizeof c[0].tag_value, "%s", other_member);
        c[n] = (check_case){.name = "base_model", .action = "bedrock:InvokeModel", .expected = "denied"};
        snprintf(c[n++].resource, sizeof c[0].resource, "%s", fm);
        c[n] = (check_case){.name = "model_via_own_profile", .action = "bedrock:InvokeModel", .expected = "allowed"};
        snprintf(c[n].resource, sizeof c[n].resource, "%s", fm);
        snprintf(c[n++].profile_arn, sizeof c[0].profile_arn, "%s", own);
    } else {
        c[n] = (check_case){.name = "create_own", .action = "bedrock:CreateInferenceProfile", .expected = "allowed",
                            .request_tag = true};
        snprintf(c[n].resource, sizeof c[n].resource, "%s", own);
        snprintf(c[n++].tag_value, sizeof c[0].tag_value, "%s", member);
        c[n] = (check_case){.name = "read_own", .action = "bedrock:GetInferenceProfile", .expected = "allowed"};
        snprintf(c[n].resource, sizeof c[n].resource, "%s", own);
        snprintf(c[n++].tag_value, sizeof c[0].tag_value, "%s", member);
        c[n] = (check_case){.name = "read_other", .action = "bedrock:ListTagsForResource", .expected = "denied"};
        snprintf(c[n].resource, sizeof c[n].resource, "%.200sother", own);
        snprintf(c[n++].tag_value, sizeof c[0].tag_value, "%s", other_member);
    }
    c[n] = (check_case){.name = "create_for_other", .action = "bedrock:CreateInferenceProfile", .expected = "denied",
                        .request_tag = true};
    snprintf(c[n].resource, sizeof c[n].resource, "%.200sother", own);
    snprintf(c[n++].tag_value, sizeof c[0].tag_value, "%s", other_member);
    return n;
}

/* Simulates one case; decision gets IAM's EvalDecision.  A creation
 * carries the tags setup would send: the member, the team, the static tags. */
static int simulate(policy_run *r, const char *source, const char *member, const check_case *c, char decision[32],
                    cc_err *err)
{
    const policy_spec *s = &r->spec;
    const char *mkey = s->member_tag_key ? s->member_tag_key : "MemberName";
    const char *tkey = s->team_tag_key ? s->team_tag_key : "Team";
    char caller_key[160], tag_key[160], team_key[160], extra_keys[MAX_EXTRA_TAGS][160];
    /* The key the document names the caller by, whoever is simulated. */
    if (s->principal == POLICY_PRINCIPAL_IAM_USER)
        snprintf(caller_key, sizeof caller_key, "aws:username");
    else
        snprintf(caller_key, sizeof caller_key, "aws:PrincipalTag/%s", mkey);
    snprintf(tag_key, sizeof tag_key, "%s/%s", c->request_tag ? "aws:RequestTag" : "aws:ResourceTag", mkey);
    snprintf(team_key, sizeof team_key, "aws:RequestTag/%s", tkey);
    const char *caller_v[] = {member}, *tag_v[] = {c->tag_value}, *arn_v[] = {c->profile_arn}, *team_v[] = {s->team};
    const char *keys_v[MAX_EXTRA_TAGS + 2] = {tkey, mkey};
    iam_context_entry ctx[MAX_EXTRA_TAGS + 5] = {{caller_key, caller_v, 1, "string"}};
    size_t n = 1, nkeys = 2;
    if (c->tag_value[0])
        ctx[n++] = (iam_context_entry){tag_key, tag_v, 1, "string"};
    if (c->request_tag && s->team)
        ctx[n++] = (iam_context_entry){team_key, team_v, 1, "string"};
    for (size_t i = 0; c->request_tag && i < s->n_extra_tags; i++) {
        snprintf(extra_keys[i], sizeof extra_keys[i], "aws:RequestTag/%s", s->extra_tag_keys[i]);
        ctx[n++] = (iam_context_entry){extra_keys[i], &s->extra_tag_values[i], 1, "string"};
        keys_v[nkeys++] = s->extra_tag_keys[i];
    }
    if (c->request_tag)
        ctx[n++] = (iam_context_entry){"aws:TagKeys", keys_v, nkeys, "stringList"};
    if (c->profile_arn[0])
        ctx[n++] = (iam_context_entry){"bedrock:InferenceProfileArn", arn_v, 1, "string"};
    return iam_simulate_principal_policy(r->s.aws, source, c->action, c->resource, ctx, n, decision, err);
}

static int check_policy(cc_ctx *ctx, policy_run *r, const admin_policy_args *a, cc_err *err)
{
    bool is_user = a->users != NULL;
    const char *who = is_user ? a->users : a->roles;
    if (!a->users == !a->roles || a->groups || strchr(who, ','))
        return cc_err_set(err, CC_EUSAGE, "usage", "--check needs exactly one --user U or --role R");
    bool role_arn = !is_user && !strncmp(who, "arn:", 4) && strstr(who, ":role/");
    int rc = role_arn ? 0 : check_name(is_user ? "--user" : "--role", who, err);
    const char *member = a->member ? a->member : is_user ? who : NULL;
    if (!rc && !member)
        rc = cc_err_set(err, CC_EUSAGE, "usage", "--check --role R needs --member M (the member's tag value)");
    if (!rc)
        rc = open_aws(ctx, r, a, err);
    if (rc)
        return rc;
    const char *region = a->region ? a->region : awsclient_region(r->s.aws);
    /* Identity Center's roles live under this path, and the simulator wants the whole ARN. */
    const char *path = !is_user && !strncmp(who, "AWSReservedSSO_", 15) ? "aws-reserved/sso.amazonaws.com/" : "";
    char source[512];
    if (role_arn)
        snprintf(source, sizeof source, "%s", who);
    else
        snprintf(source, sizeof source, "arn:%s:iam::%s:%s/%s%s", r->partition, r->id.account,
                 is_user ? "user" : "role", path, who);
    check_case cases[6];
    size_t n = build_cases(r, region, member, cases);
    cJSON *jl = cJSON_AddArrayToObject(ctx->result, "cases");
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        char decision[32];
        rc = simulate(r, source, member, &cases[i], decision, err);
        if (rc)
            return rc;
        const char *actual = strcmp(decision, "allowed") ? "denied" : "allowed";
        bool ok = !strcmp(actual, cases[i].expected);
        failed += !ok;
        out_text(&ctx->out, "%-4s %-22s %-32s expected %-7s got %-7s (%s)\n", ok ? "ok" : "FAIL", cases[i].name,
                 cases[i].action, cases[i].expected, actual, decision);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", cases[i].name);
        cJSON_AddStringToObject(o, "action", cases[i].action);
        cJSON_AddStringToObject(o, "resource", cases[i].resource);
        cJSON_AddStringToObject(o, "expected", cases[i].expected);
        cJSON_AddStringToObject(o, "actual", actual);
        cJSON_AddStringToObject(o, "decision", decision);
        cJSON_AddBoolToObject(o, "ok", ok);
        cJSON_AddItemToArray(jl, o);
    }
    cJSON_AddStringToObject(ctx->result, "principal_arn", source);
    if (!failed)
        return 0;
    cc_err_set(err, CC_ECONFLICT, "policy.check", "%d of %zu policy checks for %s failed", failed, n, source);
    cc_err_hint(err, "apply the policy with `clinecfg admin policy %s --apply --name NAME --%s %s`, and look for "
                     "other policies of %s that allow more",
                policy_kind_name(r->spec.kind), is_user ? "user" : "role", who, who);
    return CC_ECONFLICT;
}

static int run_blocked(cc_ctx *ctx, const admin_policy_args *a, cc_err *err)
{
    int rc = check_blocked_args(a, err);
    if (rc)
        return rc;
    policy_run r;
    memset(&r, 0, sizeof r);
    rc = cfg_load(&r.cfg, ctx, err);
    if (rc)
        return rc;
    r.spec.account = a->account;
    rc = a->apply ? apply_blocked(ctx, &r, a, err) : print_blocked(ctx, &r, a, err);
    sts_identity_free(&r.id);
    if (r.have_session)
        session_close(&r.s);
    cfg_free(&r.cfg);
    return rc;
}

static int run_args(cc_ctx *ctx, const admin_policy_args *a, cc_err *err)
{
    if (a->kind && !strcmp(a->kind, "blocked"))
        return run_blocked(ctx, a, err);
    if (a->apply && a->check)
        return cc_err_set(err, CC_EUSAGE, "usage", "give --apply or --check, not both");
    if (!a->apply && !a->check && (a->name || a->users || a->roles || a->groups || a->member))
        return cc_err_set(err, CC_EUSAGE, "usage", "--name, --user, --role, --group and --member go with --apply "
                                                   "or --check");
    if (a->apply && !a->name)
        return cc_err_set(err, CC_EUSAGE, "usage", "--apply needs --name NAME (the customer-managed policy)");
    policy_run r;
    memset(&r, 0, sizeof r);
    int rc = cfg_load(&r.cfg, ctx, err);
    if (rc)
        return rc;
    rc = spec_from_args(&r, a, err);
    if (!rc && a->apply)
        rc = apply_policy(ctx, &r, a, err);
    else if (!rc && a->check)
        rc = check_policy(ctx, &r, a, err);
    else if (!rc)
        rc = print_document(ctx, &r, err);
    sts_identity_free(&r.id);
    if (r.have_session)
        session_close(&r.s);
    cfg_free(&r.cfg);
    return rc;
}

static int run(cc_ctx *ctx, const cli_args *a, cc_err *err)
{
    admin_policy_args pa = {
        .kind = a->npos == 1 ? a->pos[0] : NULL,
        .principal = cli_value(a, POLICY_OPT_PRINCIPAL),
        .team = cli_value(a, POLICY_OPT_TEAM),
        .account = cli_value(a, POLICY_OPT_ACCOUNT),
        .region = cli_value(a, POLICY_OPT_REGION),
        .aws_profile = cli_value(a, POLICY_OPT_AWS_PROFILE),
        .name = cli_value(a, POLICY_OPT_NAME),
        .users = cli_value(a, POLICY_OPT_USER),
        .roles = cli_value(a, POLICY_OPT_ROLE),
        .groups = cli_value(a, POLICY_OPT_GROUP),
        .member = cli_value(a, POLICY_OPT_MEMBER),
        .apply = cli_count(a, POLICY_OPT_APPLY) > 0,
        .check = cli_count(a, POLICY_OPT_CHECK) > 0,
    };
    return run_args(ctx, &pa, err);
}

const cli_command cmd_admin_policy = {
    .name = "policy",
    .operands = "developer|enforce|blocked",
    .summary = "print, apply or check an IAM policy",
    .description = "`developer|enforce` prints an IAM policy; --apply --name NAME attaches it to\n"
                   "--user/--role/--group, --check simulates it for one --user or --role (exit 8 when a case fails).\n"
                   "`blocked` prints clinecfg-blocked; --apply creates it if missing and attaches it.",
    .opts = CLI_OPTS(policy_opts),
    .run = run,
};
