/*
 * usage_driver.c - drives the CloudWatch and Cost Explorer clients
 * against the loopback emulator for tests/integration/usage_clients.sh,
 * which starts the emulator, seeds usage and checks what this prints (one
 * JSON object) against the emulator's own records and request counters.
 *
 *   usage_driver metrics FILE START END PERIOD   (ModelIds, one a line)
 *   usage_driver discover MODEL_ID
 *   usage_driver cost START END TAG [TAG2]       (dates YYYY-MM-DD)
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/awsclient.h"
#include "clinecfg/cloudwatch.h"
#include "clinecfg/costexplorer.h"

static int fail_with(const cc_err *err)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "ok", 0);
    cJSON_AddStringToObject(o, "code", err->code);
    cJSON_AddStringToObject(o, "message", err->message);
    cJSON_AddStringToObject(o, "hint", err->hint);
    cJSON_AddNumberToObject(o, "exit_code", cc_exit_code(err->status));
    char *s = cJSON_PrintUnformatted(o);
    printf("%s\n", s);
    free(s);
    cJSON_Delete(o);
    return cc_exit_code(err->status);
}

static int print_done(cJSON *o)
{
    cJSON_AddBoolToObject(o, "ok", 1);
    char *s = cJSON_PrintUnformatted(o);
    printf("%s\n", s);
    free(s);
    cJSON_Delete(o);
    return 0;
}

static char **read_ids(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    char line[512], **ids = NULL;
    *n = 0;
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            continue;
        char **grown = realloc(ids, (*n + 1) * sizeof *grown);
        if (!grown)
            break;
        ids = grown;
        ids[(*n)++] = strdup(line);
    }
    if (f)
        fclose(f);
    return ids;
}

/* Every metric for every ModelId in one cw_get_metric_data run; prints the
 * sums per ModelId and the calls and rounds it took. */
static int metrics(awsclient *c, char **argv)
{
    size_t n = 0;
    char **ids = read_ids(argv[2], &n);
    long long start = atoll(argv[3]), end = atoll(argv[4]);
    int period = atoi(argv[5]);
    cw_query *q = calloc(n * CW_METRIC_COUNT + 1, sizeof *q);
    char (*qid)[24] = calloc(n * CW_METRIC_COUNT + 1, sizeof *qid);
    for (size_t i = 0; i < n; i++)
        for (int m = 0; m < CW_METRIC_COUNT; m++) {
            size_t k = i * CW_METRIC_COUNT + (size_t)m;
            snprintf(qid[k], sizeof qid[k], "q%zu_%d", i, m);
            q[k] = (cw_query){.id = qid[k], .model_id = ids[i], .metric_name = cw_metric_name((cw_metric)m),
                              .period = period};
        }
    cw_result r;
    cc_err err;
    cc_err_clear(&err);
    int rc = cw_get_metric_data(c, q, n * CW_METRIC_COUNT, start, end, 8, &r, &err);
    cJSON *o = cJSON_CreateObject();
    if (!rc) {
        cJSON *per = cJSON_AddObjectToObject(o, "models");
        for (size_t i = 0; i < n; i++) {
            cJSON *sums = cJSON_AddObjectToObject(per, ids[i]);
            for (int m = 0; m < CW_METRIC_COUNT; m++) {
                const cw_series *s = &r.series[i * CW_METRIC_COUNT + (size_t)m];
                cJSON_AddNumberToObject(sums, cw_metric_name((cw_metric)m), cw_series_sum(s));
            }
        }
        cJSON_AddNumberToObject(o, "series", (double)r.n);
        cJSON_AddNumberToObject(o, "calls", (double)r.calls);
        cJSON_AddNumberToObject(o, "rounds", (double)r.rounds);
    }
    cw_result_free(&r);
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
    free(q);
    free(qid);
    if (rc) {
        cJSON_Delete(o);
        return fail_with(&err);
    }
    return print_done(o);
}

static int discover(awsclient *c, char **argv)
{
    cw_availability av;
    cc_err err;
    cc_err_clear(&err);
    int rc = cw_discover(c, argv[2], &av, &err);
    if (rc)
        return fail_with(&err);
    cJSON *o = cJSON_CreateObject();
    cJSON *present = cJSON_AddObjectToObject(o, "present");
    for (int m = 0; m < CW_METRIC_COUNT; m++)
        cJSON_AddBoolToObject(present, cw_metric_name((cw_metric)m), av.present[m]);
    return print_done(o);
}

static int cost(awsclient *c, int argc, char **argv)
{
    ce_query q = {.start = argv[2], .end = argv[3], .granularity = "MONTHLY",
                  .group_tags = {argv[4], argc > 5 ? argv[5] : NULL}};
    ce_result r;
    cc_err err;
    cc_err_clear(&err);
    int rc = ce_get_cost_and_usage(c, &q, 1, &r, &err);
    if (rc)
        return fail_with(&err);
    cJSON *o = cJSON_CreateObject();
    cJSON *groups = cJSON_AddObjectToObject(o, "groups");
    for (size_t i = 0; i < r.n; i++)
        for (size_t g = 0; g < r.periods[i].ngroups; g++) {
            const ce_group *grp = &r.periods[i].groups[g];
            const char *key = grp->nkeys ? grp->keys[0].value : "";
            cJSON *prev = cJSON_GetObjectItemCaseSensitive(groups, key);
            if (prev)
                cJSON_SetNumberValue(prev, prev->valuedouble + grp->amount);
            else
                cJSON_AddNumberToObject(groups, key, grp->amount);
        }
    cJSON_AddNumberToObject(o, "calls", (double)r.calls);
    cJSON_AddBoolToObject(o, "estimated", ce_result_estimated(&r));
    cJSON_AddBoolToObject(o, "truncated", r.truncated);
    ce_result_free(&r);
    return print_done(o);
}

int main(int argc, char **argv)
{
    bool ok = (argc == 6 && !strcmp(argv[1], "metrics")) || (argc == 3 && !strcmp(argv[1], "discover")) ||
              ((argc == 5 || argc == 6) && !strcmp(argv[1], "cost"));
    if (!ok) {
        fprintf(stderr, "usage: see the header of tests/usage/driver.c\n");
        return 2;
    }
    awsclient_opts opts = {.fallback_region = "ap-northeast-1"};
    awsclient *c = NULL;
    cc_err err;
    cc_err_clear(&err);
    if (awsclient_new(&opts, &c, &err))
        return fail_with(&err);
    int rc = !strcmp(argv[1], "metrics") ? metrics(c, argv) : !strcmp(argv[1], "discover") ? discover(c, argv)
                                                                                             : cost(c, argc, argv);
    awsclient_free(c);
    return rc;
}
