/*
 * limits.c - names within the AWS name rules (budgets, alarms, IAM
 * policies), the clinecfg-blocked and per-member deny documents (checked
 * against the policy vocabulary), reading a blocked set back, and the
 * spend rules of `admin limits`.  See limits.h.
 */
#define _GNU_SOURCE
#include "clinecfg/limits.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "clinecfg/digest.h"
#include "clinecfg/policy.h"

/* An application-profile id is 12 lower-case letters and digits: with a
 * '-' this one can never name a real profile. */
#define NOBODY_PROFILE "clinecfg-none"

static void hash8(const char *team, const char *member, char out[9])
{
    size_t lt = strlen(team), lm = strlen(member);
    char *both = malloc(lt + lm + 2);
    char hex[65] = {0};
    if (both) {
        memcpy(both, team, lt);
        both[lt] = '\n';
        memcpy(both + lt + 1, member, lm + 1);
        digest_sha256_hex(both, lt + lm + 1, hex);
        free(both);
    }
    snprintf(out, 9, "%.8s", hex);
}

/* Copies src into out (capacity max + 1), replacing characters `keep`
 * refuses with `repl`; true when anything was replaced. */
static bool sanitise(const char *src, char *out, size_t max, bool (*keep)(unsigned char), char repl, bool *truncated)
{
    bool changed = false;
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)src; *p; p++) {
        if (n == max) {
            *truncated = true;
            break;
        }
        bool ok = keep(*p);
        changed |= !ok;
        out[n++] = ok ? (char)*p : repl;
    }
    out[n] = '\0';
    return changed;
}

static bool budget_char(unsigned char c)
{
    return c >= 0x20 && c != 0x7f && c != ':' && c != '\\' && c != '/';
}

static bool policy_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '-';
}

/* prefix + sanitised team "-" member, hashed when changed or too long. */
static void safe_name(const char *team, const char *member, bool (*keep)(unsigned char), char repl, char *out,
                      size_t max)
{
    char raw[1024];
    if (team)
        snprintf(raw, sizeof raw, LIMITS_PREFIX "%s-%s", team, member);
    else
        snprintf(raw, sizeof raw, LIMITS_PREFIX "blocked-%s", member);
    bool truncated = strlen(raw) >= sizeof raw - 1;
    bool changed = sanitise(raw, out, max, keep, repl, &truncated);
    if (!changed && !truncated)
        return;
    char h[9];
    hash8(team ? team : "", member, h);
    size_t keep_len = strlen(out);
    if (keep_len > max - 9)
        keep_len = max - 9;
    snprintf(out + keep_len, max + 1 - keep_len, "-%s", h);
}

void limits_budget_name(const char *team, const char *member, char out[LIMITS_NAME_MAX + 1])
{
    safe_name(team ? team : "", member ? member : "", budget_char, '_', out, LIMITS_NAME_MAX);
}

void limits_team_prefix(const char *team, char out[LIMITS_NAME_MAX + 1])
{
    char raw[512];
    bool truncated = false;
    snprintf(raw, sizeof raw, LIMITS_PREFIX "%s-", team ? team : "");
    sanitise(raw, out, LIMITS_NAME_MAX, budget_char, '_', &truncated);
}

void limits_alarm_name(const char *budget_name, const char *profile_id, char out[LIMITS_ALARM_MAX + 1])
{
    snprintf(out, LIMITS_ALARM_MAX + 1, "%s-%s-hourly-tokens", budget_name, profile_id);
}

bool limits_alarm_belongs(const char *alarm, const char *budget_name)
{
    static const char suffix[] = "-hourly-tokens";
    size_t nb = strlen(budget_name), na = strlen(alarm), ns = sizeof suffix - 1;
    if (na <= nb + 1 + ns || strncmp(alarm, budget_name, nb) || alarm[nb] != '-' || strcmp(alarm + na - ns, suffix))
        return false;
    /* A profile id has no '-': "clinecfg-t-al" must not claim "clinecfg-t-al-ice-..." */
    for (const char *c = alarm + nb + 1; c < alarm + na - ns; c++)
        if (*c == '-')
            return false;
    return true;
}

void limits_member_policy_name(const char *member, char out[LIMITS_POLICY_NAME_MAX + 1])
{
    safe_name(NULL, member ? member : "", policy_char, '-', out, LIMITS_POLICY_NAME_MAX);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int deny_document(cJSON *resources, char **doc, cc_err *err)
{
    cJSON *d = cJSON_CreateObject();
    cJSON *sts = d ? cJSON_AddArrayToObject(d, "Statement") : NULL;
    cJSON *st = sts ? cJSON_CreateObject() : NULL;
    if (st)
        cJSON_AddItemToArray(sts, st);
    const char *actions[] = {"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"};
    cJSON *a = st ? cJSON_CreateStringArray(actions, 2) : NULL;
    if (a)
        cJSON_AddItemToObject(st, "Action", a);
    bool ok = a && cJSON_AddStringToObject(d, "Version", "2012-10-17") &&
              cJSON_AddStringToObject(st, "Sid", "ClinecfgBlocked") && cJSON_AddStringToObject(st, "Effect", "Deny");
    if (ok) {
        cJSON_AddItemToObject(st, "Resource", resources);
        resources = NULL;
    }
    cJSON_Delete(resources);
    /* Version first reads better; cJSON keeps insertion order. */
    if (ok) {
        cJSON *v = cJSON_DetachItemFromObject(d, "Version");
        cJSON_InsertItemInArray(d, 0, v);
    }
    int rc = ok ? policy_check_vocabulary(d, err) : cc_err_oom(err);
    *doc = rc ? NULL : cJSON_Print(d);
    cJSON_Delete(d);
    if (!rc && !*doc)
        rc = cc_err_oom(err);
    return rc;
}

int limits_blocked_document(const char *partition, const char *account, const char *const *arns, size_t n,
                            char **doc, cc_err *err)
{
    *doc = NULL;
    const char **sorted = calloc(n + 1, sizeof *sorted);
    cJSON *res = sorted ? cJSON_CreateArray() : NULL;
    if (!res) {
        free(sorted);
        return cc_err_oom(err);
    }
    memcpy(sorted, arns, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_str);
    char nobody[160];
    if (n == 0) {
        snprintf(nobody, sizeof nobody, "arn:%s:bedrock:*:%s:application-inference-profile/" NOBODY_PROFILE,
                 partition ? partition : "aws", account ? account : "*");
        sorted[n++] = nobody;
    }
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(sorted[i], sorted[i - 1]))
            cJSON_AddItemToArray(res, cJSON_CreateString(sorted[i]));
    free(sorted);
    return deny_document(res, doc, err);
}

int limits_member_deny_document(char **doc, cc_err *err)
{
    cJSON *res = cJSON_CreateString("*");
    if (!res)
        return cc_err_oom(err);
    return deny_document(res, doc, err);
}

void limits_strings_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

typedef struct arn_set {
    char **v;
    size_t n, cap;
} arn_set;

static int arn_push(arn_set *s, const char *arn, cc_err *err)
{
    if (strstr(arn, "/" NOBODY_PROFILE) || !strcmp(arn, "*"))
        return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        char **g = realloc(s->v, cap * sizeof *g);
        if (!g)
            return cc_err_oom(err);
        s->v = g;
        s->cap = cap;
    }
    if (!(s->v[s->n] = strdup(arn)))
        return cc_err_oom(err);
    s->n++;
    return 0;
}

int limits_blocked_arns(const char *doc, char ***arns, size_t *n, cc_err *err)
{
    *arns = NULL;
    *n = 0;
    cJSON *d = cJSON_Parse(doc ? doc : "");
    if (!d)
        return cc_err_set(err, CC_EAWS, "limits.policy", "the policy " LIMITS_BLOCKED_POLICY " is not JSON");
    arn_set set = {0};
    int rc = 0;
    const cJSON *st, *r;
    cJSON_ArrayForEach(st, cJSON_GetObjectItemCaseSensitive(d, "Statement")) {
        const cJSON *res = cJSON_GetObjectItemCaseSensitive(st, "Resource");
        const cJSON *effect = cJSON_GetObjectItemCaseSensitive(st, "Effect");
        if (rc || !cJSON_IsString(effect) || strcmp(effect->valuestring, "Deny"))
            continue;
        if (cJSON_IsString(res))
            rc = arn_push(&set, res->valuestring, err);
        const cJSON *list = cJSON_IsArray(res) ? res : NULL;
        cJSON_ArrayForEach(r, list) {
            if (!rc && cJSON_IsString(r))
                rc = arn_push(&set, r->valuestring, err);
        }
    }
    cJSON_Delete(d);
    if (rc) {
        limits_strings_free(set.v, set.n);
        return rc;
    }
    *arns = set.v;
    *n = set.n;
    return 0;
}

time_t limits_month_start(time_t now)
{
    struct tm tm;
    gmtime_r(&now, &tm);
    /* Days since the epoch of the 1st (civil-from-days inverse). */
    int y = tm.tm_year + 1900, m = tm.tm_mon + 1;
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    long days = era * 146097 + doe - 719468;
    return (time_t)days * 86400;
}

double limits_spend(double estimated, double billed)
{
    return estimated > billed ? estimated : billed;
}

bool limits_over(double spend, double limit)
{
    return limit > 0 && spend >= limit;
}

int limits_parse_percentages(const char *text, double *out, size_t max, size_t *n, cc_err *err)
{
    *n = 0;
    const char *p = text ? text : "";
    while (*p) {
        char *end;
        double v = strtod(p, &end);
        if (end == p || v <= 0 || v > 1000 || *n == max || (*end && (*end != ',' || !end[1])))
            return cc_err_set(err, CC_EUSAGE, "usage", "--alert-at %s: give up to %zu percentages such as 80,100",
                              text, max);
        out[(*n)++] = v;
        p = *end ? end + 1 : end;
    }
    if (!*n)
        return cc_err_set(err, CC_EUSAGE, "usage", "--alert-at: give percentages such as 80,100");
    return 0;
}
