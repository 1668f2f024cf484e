/*
 * policy.c - the `developer` and `enforce` IAM policy documents (see
 * include/clinecfg/policy.h): which statements each has, the ARNs and
 * conditions they carry for a principal kind, account, region, team and
 * tag keys, and the one table of actions and condition keys they may use;
 * and the Identity Center steps that attach clinecfg-blocked.  Pure: no I/O.
 */
#include "clinecfg/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clinecfg/endpoints.h"
#include "clinecfg/limits.h"
#include "clinecfg/strbuf.h"

/* Every word a generated document may use; statements name them by index. */
enum {
    W_CREATE_PROFILE,
    W_GET_PROFILE,
    W_DELETE_PROFILE,
    W_LIST_TAGS,
    W_LIST_PROFILES,
    W_INVOKE,
    W_INVOKE_STREAM,
    W_GET_SESSION_TOKEN,
    W_GET_METRIC_DATA,
    W_SIMULATE,
    W_LIST_MODELS,
    W_LIST_METRICS,
    W_DESCRIBE_ALARMS,
    W_VIEW_BUDGET,
    W_LIST_COST_TAGS,
    W_REQUEST_TAG,
    W_RESOURCE_TAG,
    W_TAG_KEYS,
    W_PROFILE_ARN,
    W_USERNAME,
    W_PRINCIPAL_TAG,
    W_COUNT
};

static const policy_word VOCABULARY[W_COUNT] = {
    [W_CREATE_PROFILE] = {POLICY_WORD_ACTION, "bedrock:CreateInferenceProfile"},
    [W_GET_PROFILE] = {POLICY_WORD_ACTION, "bedrock:GetInferenceProfile"},
    [W_DELETE_PROFILE] = {POLICY_WORD_ACTION, "bedrock:DeleteInferenceProfile"},
    [W_LIST_TAGS] = {POLICY_WORD_ACTION, "bedrock:ListTagsForResource"},
    [W_LIST_PROFILES] = {POLICY_WORD_ACTION, "bedrock:ListInferenceProfiles"},
    [W_INVOKE] = {POLICY_WORD_ACTION, "bedrock:InvokeModel"},
    [W_INVOKE_STREAM] = {POLICY_WORD_ACTION, "bedrock:InvokeModelWithResponseStream"},
    [W_GET_SESSION_TOKEN] = {POLICY_WORD_ACTION, "sts:GetSessionToken"},
    [W_GET_METRIC_DATA] = {POLICY_WORD_ACTION, "cloudwatch:GetMetricData"},
    [W_SIMULATE] = {POLICY_WORD_ACTION, "iam:SimulatePrincipalPolicy"},
    [W_LIST_MODELS] = {POLICY_WORD_ACTION, "bedrock:ListFoundationModels"},
    [W_LIST_METRICS] = {POLICY_WORD_ACTION, "cloudwatch:ListMetrics"},
    [W_DESCRIBE_ALARMS] = {POLICY_WORD_ACTION, "cloudwatch:DescribeAlarms"},
    [W_VIEW_BUDGET] = {POLICY_WORD_ACTION, "budgets:ViewBudget"},
    [W_LIST_COST_TAGS] = {POLICY_WORD_ACTION, "ce:ListCostAllocationTags"},
    [W_REQUEST_TAG] = {POLICY_WORD_CONDITION_KEY, "aws:RequestTag/${TagKey}"},
    [W_RESOURCE_TAG] = {POLICY_WORD_CONDITION_KEY, "aws:ResourceTag/${TagKey}"},
    [W_TAG_KEYS] = {POLICY_WORD_CONDITION_KEY, "aws:TagKeys"},
    [W_PROFILE_ARN] = {POLICY_WORD_CONDITION_KEY, "bedrock:InferenceProfileArn"},
    [W_USERNAME] = {POLICY_WORD_CONDITION_KEY, "aws:username"},
    [W_PRINCIPAL_TAG] = {POLICY_WORD_CONDITION_KEY, "aws:PrincipalTag/${TagKey}"},
};

const policy_word *policy_vocabulary(size_t *n)
{
    *n = W_COUNT;
    return VOCABULARY;
}

bool policy_word_listed(policy_word_kind kind, const char *name)
{
    for (size_t i = 0; name && i < W_COUNT; i++) {
        if (VOCABULARY[i].kind != kind)
            continue;
        const char *w = VOCABULARY[i].name;
        const char *var = strstr(w, "${");
        if (!var ? !strcmp(w, name)
                 : !strncmp(w, name, (size_t)(var - w)) && name[var - w] && !strchr(name + (var - w), '/'))
            return true;
    }
    return false;
}

int policy_kind_from_name(const char *name)
{
    if (name && !strcmp(name, "developer"))
        return POLICY_DEVELOPER;
    if (name && !strcmp(name, "enforce"))
        return POLICY_ENFORCE;
    return -1;
}

int policy_principal_from_name(const char *name)
{
    if (name && !strcmp(name, "iam-user"))
        return POLICY_PRINCIPAL_IAM_USER;
    if (name && !strcmp(name, "sso"))
        return POLICY_PRINCIPAL_SSO;
    return -1;
}

const char *policy_kind_name(policy_kind k)
{
    return k == POLICY_DEVELOPER ? "developer" : "enforce";
}

const char *policy_principal_name(policy_principal p)
{
    return p == POLICY_PRINCIPAL_IAM_USER ? "iam-user" : "sso";
}

static const char *member_key(const policy_spec *s)
{
    return s->member_tag_key ? s->member_tag_key : "MemberName";
}

static const char *team_key(const policy_spec *s)
{
    return s->team_tag_key ? s->team_tag_key : "Team";
}

char *policy_caller_variable(const policy_spec *s)
{
    char buf[192];
    if (s->principal == POLICY_PRINCIPAL_IAM_USER)
        snprintf(buf, sizeof buf, "${aws:username}");
    else
        snprintf(buf, sizeof buf, "${aws:PrincipalTag/%.128s}", member_key(s));
    return strdup(buf);
}

/* ---- input checks ---------------------------------------------------------- */

/* Tag keys and values end up inside condition keys and values: nothing that
 * IAM would read as a wildcard or a policy variable, nothing that Bedrock
 * would refuse as a tag. */
static int check_tag_text(const char *what, const char *v, bool key, cc_err *err)
{
    size_t n = v ? strlen(v) : 0;
    bool ok = key ? n >= 1 && n <= 128 : n <= 256;
    for (size_t i = 0; ok && i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80 ||
             strchr(" ._:/=+@-", c);
    }
    if (ok && key && (strchr(v, '/') || !strncasecmp(v, "aws:", 4)))
        ok = false;
    if (ok)
        return 0;
    cc_err_set(err, CC_EINPUT, "policy.tag", "%s '%.140s' cannot be used in a policy", what, v ? v : "");
    cc_err_hint(err, "use letters, digits, spaces and . _ : = + @ - (keys: no '/', not starting with aws:)");
    return CC_EINPUT;
}

static int check_spec(const policy_spec *s, cc_err *err)
{
    if (s->account) {
        size_t n = strlen(s->account);
        bool ok = n == 12 && strspn(s->account, "0123456789") == 12;
        if (!ok) {
            cc_err_set(err, CC_EINPUT, "policy.account", "--account '%.40s' is not a 12-digit AWS account id",
                       s->account);
            cc_err_hint(err, "give the account id shown by `clinecfg whoami`, e.g. 123456789012");
            return CC_EINPUT;
        }
    }
    int rc = s->region ? aws_region_validate(s->region, err) : 0;
    if (!rc && s->partition && strspn(s->partition, "abcdefghijklmnopqrstuvwxyz-") != strlen(s->partition))
        rc = cc_err_set(err, CC_EINPUT, "policy.partition", "'%.40s' is not an AWS partition", s->partition);
    if (!rc)
        rc = check_tag_text("member tag key", member_key(s), true, err);
    if (!rc)
        rc = check_tag_text("team tag key", team_key(s), true, err);
    if (!rc && s->team)
        rc = check_tag_text("team", s->team, false, err);
    /* The prefix goes into a Resource: nothing IAM reads as a wildcard or a
     * variable, nothing Budgets refuses in a name. */
    if (!rc && s->budget_prefix &&
        (strlen(s->budget_prefix) > LIMITS_NAME_MAX || strpbrk(s->budget_prefix, "*?$:\\/")))
        rc = cc_err_set(err, CC_EINPUT, "policy.budget", "budget name prefix '%.120s' cannot be used in a policy",
                        s->budget_prefix);
    for (size_t i = 0; !rc && i < s->n_extra_tags; i++) {
        rc = check_tag_text("extra tag key", s->extra_tag_keys[i], true, err);
        if (!rc)
            rc = check_tag_text("extra tag value", s->extra_tag_values[i], false, err);
    }
    return rc;
}

/* ---- building blocks ------------------------------------------------------- */

typedef struct arns {
    char app[160];       /* application profiles of the account, in the region */
    char app_any[160];   /* application profiles of the account, any region */
    char app_anyone[96]; /* any account's application profiles (deny statements) */
    char system[160];    /* system profiles of the account, in the region */
    char system_any[96]; /* system profiles anywhere (cross-region routing) */
    char model[96];      /* foundation models, in the region */
    char model_any[96];  /* foundation models anywhere */
    char self_user[128]; /* the caller's own IAM user (doctor's enforcement check) */
    char budget[320];    /* the caller's budget, or the team's budgets */
} arns;

static void fill_arns(const policy_spec *s, const char *caller, arns *a)
{
    const char *p = s->partition ? s->partition : "aws";
    const char *acct = s->account ? s->account : "*";
    const char *region = s->region ? s->region : "*";
    snprintf(a->app, sizeof a->app, "arn:%s:bedrock:%s:%s:application-inference-profile/*", p, region, acct);
    snprintf(a->app_any, sizeof a->app_any, "arn:%s:bedrock:*:%s:application-inference-profile/*", p, acct);
    snprintf(a->app_anyone, sizeof a->app_anyone, "arn:%s:bedrock:*:*:application-inference-profile/*", p);
    snprintf(a->system, sizeof a->system, "arn:%s:bedrock:%s:%s:inference-profile/*", p, region, acct);
    snprintf(a->system_any, sizeof a->system_any, "arn:%s:bedrock:*:*:inference-profile/*", p);
    snprintf(a->model, sizeof a->model, "arn:%s:bedrock:%s::foundation-model/*", p, region);
    snprintf(a->model_any, sizeof a->model_any, "arn:%s:bedrock:*::foundation-model/*", p);
    snprintf(a->self_user, sizeof a->self_user, "arn:%s:iam::%s:user/${aws:username}", p, acct);
    snprintf(a->budget, sizeof a->budget, "arn:%s:budgets::%s:budget/%s%s", p, acct,
             s->budget_prefix ? s->budget_prefix : LIMITS_PREFIX, s->budget_names_caller ? caller : "*");
}

/* words: W_* indices, -1 terminated.  resources: NULL-terminated. */
static cJSON *statement(const char *sid, const char *effect, const int *words, const char *const *resources,
                        cJSON *condition)
{
    cJSON *st = cJSON_CreateObject();
    cJSON_AddStringToObject(st, "Sid", sid);
    cJSON_AddStringToObject(st, "Effect", effect);
    cJSON *actions = cJSON_AddArrayToObject(st, "Action");
    for (size_t i = 0; words[i] >= 0; i++)
        cJSON_AddItemToArray(actions, cJSON_CreateString(VOCABULARY[words[i]].name));
    size_t nres = 0;
    while (resources[nres])
        nres++;
    if (nres == 1) {
        cJSON_AddStringToObject(st, "Resource", resources[0]);
    } else {
        cJSON *res = cJSON_AddArrayToObject(st, "Resource");
        for (size_t i = 0; i < nres; i++)
            cJSON_AddItemToArray(res, cJSON_CreateString(resources[i]));
    }
    if (condition)
        cJSON_AddItemToObject(st, "Condition", condition);
    return st;
}

/* condition[op][key_word with suffix] = value */
static void add_condition(cJSON *condition, const char *op, int key_word, const char *suffix, cJSON *value)
{
    cJSON *block = cJSON_GetObjectItemCaseSensitive(condition, op);
    if (!block)
        block = cJSON_AddObjectToObject(condition, op);
    char key[192];
    const char *name = VOCABULARY[key_word].name;
    const char *var = strstr(name, "${");
    if (var)
        snprintf(key, sizeof key, "%.*s%s", (int)(var - name), name, suffix ? suffix : "");
    else
        snprintf(key, sizeof key, "%s", name);
    cJSON_AddItemToObject(block, key, value);
}

static void add_developer(cJSON *st, const policy_spec *s, const arns *a, const char *caller)
{
    cJSON *create = cJSON_CreateObject();
    add_condition(create, "StringEquals", W_REQUEST_TAG, member_key(s), cJSON_CreateString(caller));
    if (s->team)
        add_condition(create, "StringEquals", W_REQUEST_TAG, team_key(s), cJSON_CreateString(s->team));
    for (size_t i = 0; i < s->n_extra_tags; i++)
        add_condition(create, "StringEquals", W_REQUEST_TAG, s->extra_tag_keys[i],
                      cJSON_CreateString(s->extra_tag_values[i]));
    cJSON *keys = cJSON_CreateArray();
    cJSON_AddItemToArray(keys, cJSON_CreateString(team_key(s)));
    cJSON_AddItemToArray(keys, cJSON_CreateString(member_key(s)));
    for (size_t i = 0; i < s->n_extra_tags; i++)
        cJSON_AddItemToArray(keys, cJSON_CreateString(s->extra_tag_keys[i]));
    add_condition(create, "ForAllValues:StringEquals", W_TAG_KEYS, NULL, keys);
    static const int create_words[] = {W_CREATE_PROFILE, -1};
    const char *create_res[] = {a->app, a->system, a->model, NULL};
    cJSON_AddItemToArray(st, statement("CreateOwnApplicationProfiles", "Allow", create_words, create_res, create));

    cJSON *own = cJSON_CreateObject();
    add_condition(own, "StringEquals", W_RESOURCE_TAG, member_key(s), cJSON_CreateString(caller));
    static const int own_words[] = {W_GET_PROFILE, W_DELETE_PROFILE, W_LIST_TAGS, -1};
    const char *own_res[] = {a->app, NULL};
    cJSON_AddItemToArray(st, statement("ReadAndDeleteOwnApplicationProfiles", "Allow", own_words, own_res, own));

    /* ListFoundationModels: setup names a base model it cannot find.  The
     * reference gives neither list a resource type, so "*". */
    static const int list_words[] = {W_LIST_PROFILES, W_LIST_MODELS, -1};
    const char *star[] = {"*", NULL};
    cJSON_AddItemToArray(st, statement("ListProfiles", "Allow", list_words, star, NULL));

    static const int system_words[] = {W_GET_PROFILE, -1};
    const char *system_res[] = {a->system, NULL};
    cJSON_AddItemToArray(st, statement("ReadSystemProfiles", "Allow", system_words, system_res, NULL));

    /* usage's and doctor's reads.  CloudWatch metrics have no resource type;
     * for DescribeAlarms (usage's hourly-token alarm) and Cost Explorer's
     * ListCostAllocationTags (doctor's and usage's cost-tag check) the
     * reference names none either, so "*": both only list names and states.
     * ce:GetCostAndUsage is left out on purpose: it cannot be narrowed and
     * would show every member the whole account's bill; the member's own
     * budget below carries their billed spend instead. */
    static const int user_words[] = {W_GET_SESSION_TOKEN, W_GET_METRIC_DATA, W_LIST_METRICS, W_DESCRIBE_ALARMS,
                                     W_LIST_COST_TAGS, -1};
    static const int sso_words[] = {W_GET_METRIC_DATA, W_LIST_METRICS, W_DESCRIBE_ALARMS, W_LIST_COST_TAGS, -1};
    bool user = s->principal == POLICY_PRINCIPAL_IAM_USER;
    cJSON_AddItemToArray(st, statement(user ? "SessionTokenAndUsage" : "Usage", "Allow", user ? user_words : sso_words,
                                       star, NULL));
    /* usage shows the member's limit: their budget (the budget resource,
     * arn:${Partition}:budgets::${Account}:budget/${BudgetName}), or the
     * team's when the name rule may rewrite a member's name (policy.h). */
    static const int budget_words[] = {W_VIEW_BUDGET, -1};
    const char *budget_res[] = {a->budget, NULL};
    cJSON_AddItemToArray(st, statement(s->budget_names_caller ? "ReadOwnBudget" : "ReadTeamBudgets", "Allow",
                                       budget_words, budget_res, NULL));
    /* `doctor` asks IAM's simulator whether enforcement is in place for the
     * caller; an IAM user may ask about itself only. */
    static const int simulate_words[] = {W_SIMULATE, -1};
    const char *self_res[] = {a->self_user, NULL};
    if (user)
        cJSON_AddItemToArray(st, statement("SimulateYourself", "Allow", simulate_words, self_res, NULL));
}

static void add_enforce(cJSON *st, const policy_spec *s, const arns *a, const char *caller)
{
    static const int invoke[] = {W_INVOKE, W_INVOKE_STREAM, -1};

    cJSON *own = cJSON_CreateObject();
    add_condition(own, "StringEquals", W_RESOURCE_TAG, member_key(s), cJSON_CreateString(caller));
    const char *own_res[] = {a->app, NULL};
    cJSON_AddItemToArray(st, statement("InvokeOwnApplicationProfile", "Allow", invoke, own_res, own));

    cJSON *through = cJSON_CreateObject();
    add_condition(through, "ArnLike", W_PROFILE_ARN, NULL, cJSON_CreateString(a->app_any));
    const char *model_res[] = {a->model_any, a->system_any, NULL};
    cJSON_AddItemToArray(st, statement("InvokeModelsThroughApplicationProfiles", "Allow", invoke, model_res,
                                       through));

    cJSON *others = cJSON_CreateObject();
    add_condition(others, "StringNotEquals", W_RESOURCE_TAG, member_key(s), cJSON_CreateString(caller));
    const char *others_res[] = {a->app_anyone, NULL};
    cJSON_AddItemToArray(st, statement("DenyOtherMembersProfiles", "Deny", invoke, others_res, others));

    /* A negated operator matches when the key is absent: direct calls. */
    cJSON *direct = cJSON_CreateObject();
    add_condition(direct, "ArnNotLike", W_PROFILE_ARN, NULL, cJSON_CreateString(a->app_any));
    cJSON_AddItemToArray(st, statement("DenyModelsOutsideApplicationProfiles", "Deny", invoke, model_res, direct));
}

int policy_build(const policy_spec *s, cJSON **doc, cc_err *err)
{
    *doc = NULL;
    int rc = check_spec(s, err);
    if (rc)
        return rc;
    char *caller = policy_caller_variable(s);
    cJSON *d = cJSON_CreateObject();
    if (!caller || !d) {
        free(caller);
        cJSON_Delete(d);
        return cc_err_oom(err);
    }
    cJSON_AddStringToObject(d, "Version", "2012-10-17");
    cJSON *st = cJSON_AddArrayToObject(d, "Statement");
    arns a;
    fill_arns(s, caller, &a);
    if (s->kind == POLICY_DEVELOPER)
        add_developer(st, s, &a, caller);
    else
        add_enforce(st, s, &a, caller);
    free(caller);
    rc = policy_check_vocabulary(d, err);
    if (rc) {
        cJSON_Delete(d);
        err->status = CC_EINTERNAL;
        return CC_EINTERNAL;
    }
    *doc = d;
    return 0;
}

/* cJSON indents with tabs and puts one after each colon; strings never hold
 * a raw tab (it is escaped), so every tab is layout: two spaces to indent,
 * one after a colon, as the IAM console shows policies. */
static char *two_space_layout(const char *printed)
{
    strbuf b = {0};
    for (const char *p = printed; *p; p++) {
        if (*p != '\t')
            strbuf_put(&b, p, 1);
        else
            strbuf_puts(&b, p > printed && p[-1] == ':' ? " " : "  ");
    }
    if (b.oom) {
        strbuf_release(&b);
        return NULL;
    }
    return b.p;
}

char *policy_print(const cJSON *doc)
{
    char *printed = cJSON_Print(doc);
    char *laid_out = printed ? two_space_layout(printed) : NULL;
    free(printed);
    return laid_out;
}

int policy_document(const policy_spec *s, char **json, cc_err *err)
{
    *json = NULL;
    cJSON *d;
    int rc = policy_build(s, &d, err);
    if (rc)
        return rc;
    *json = policy_print(d);
    cJSON_Delete(d);
    return *json ? 0 : cc_err_oom(err);
}

const char *const *policy_blocked_identity_center_steps(void)
{
    static const char *const steps[] = {
        "IAM Identity Center > Multi-account permissions > Permission sets > the set your members use",
        ("Permissions > Customer managed policies > Attach policies > name: " LIMITS_BLOCKED_POLICY
         " (path /); the policy must exist in every member account (run `clinecfg admin policy blocked --apply` "
         "there)"),
        ("Save, then Accounts > re-provision the permission set (IAM refuses changes to the AWSReservedSSO_* "
         "roles themselves; the permission set is the way)"),
        "For IAM users, groups and ordinary roles: clinecfg admin policy blocked --apply --user U --role R --group G",
        NULL,
    };
    return steps;
}

bool policy_documents_equal(const char *a, const char *b)
{
    cJSON *ja = a ? cJSON_Parse(a) : NULL;
    cJSON *jb = b ? cJSON_Parse(b) : NULL;
    bool eq = ja && jb && cJSON_Compare(ja, jb, true);
    cJSON_Delete(ja);
    cJSON_Delete(jb);
    return eq;
}

/* ---- vocabulary check ------------------------------------------------------ */

/* Policy variables inside a string ("${aws:username}") must be listed keys. */
static int check_variables(const char *s, cc_err *err)
{
    for (const char *p = s ? strstr(s, "${") : NULL; p; p = strstr(p + 2, "${")) {
        const char *end = strchr(p, '}');
        char name[160];
        snprintf(name, sizeof name, "%.*s", end ? (int)(end - p - 2) : 0, p + 2);
        if (!end || !policy_word_listed(POLICY_WORD_CONDITION_KEY, name))
            return cc_err_set(err, CC_EINPUT, "policy.vocabulary", "policy variable '${%.100s}' is not listed",
                              name);
    }
    return 0;
}

static int check_strings(const cJSON *v, cc_err *err)
{
    if (cJSON_IsString(v))
        return check_variables(v->valuestring, err);
    const cJSON *item;
    cJSON_ArrayForEach(item, v)
    {
        int rc = check_strings(item, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int check_statement(const cJSON *st, cc_err *err)
{
    const cJSON *actions = cJSON_GetObjectItemCaseSensitive(st, "Action");
    const cJSON *a;
    if (cJSON_IsString(actions) && !policy_word_listed(POLICY_WORD_ACTION, actions->valuestring))
        return cc_err_set(err, CC_EINPUT, "policy.vocabulary", "action '%.100s' is not listed", actions->valuestring);
    const cJSON *list = cJSON_IsArray(actions) ? actions : NULL;
    cJSON_ArrayForEach(a, list)
    {
        if (!cJSON_IsString(a) || !policy_word_listed(POLICY_WORD_ACTION, a->valuestring))
            return cc_err_set(err, CC_EINPUT, "policy.vocabulary", "action '%.100s' is not listed",
                              cJSON_IsString(a) ? a->valuestring : "(not a string)");
    }
    const cJSON *op;
    cJSON_ArrayForEach(op, cJSON_GetObjectItemCaseSensitive(st, "Condition"))
    {
        const cJSON *key;
        cJSON_ArrayForEach(key, op)
        {
            if (!policy_word_listed(POLICY_WORD_CONDITION_KEY, key->string))
                return cc_err_set(err, CC_EINPUT, "policy.vocabulary", "condition key '%.100s' is not listed",
                                  key->string);
        }
    }
    int rc = check_strings(cJSON_GetObjectItemCaseSensitive(st, "Condition"), err);
    return rc ? rc : check_strings(cJSON_GetObjectItemCaseSensitive(st, "Resource"), err);
}

int policy_check_vocabulary(const cJSON *doc, cc_err *err)
{
    const cJSON *statements = cJSON_GetObjectItemCaseSensitive(doc, "Statement");
    if (!cJSON_IsArray(statements))
        return cc_err_set(err, CC_EINPUT, "policy.vocabulary", "the policy has no Statement array");
    const cJSON *st;
    cJSON_ArrayForEach(st, statements)
    {
        int rc = check_statement(st, err);
        if (rc)
            return rc;
    }
    return 0;
}
