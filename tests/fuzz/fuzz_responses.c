/*
 * fuzz_responses.c - libFuzzer target for every parser of data that comes
 * from outside: STS XML answers, Bedrock JSON answers, credential_process
 * output, SSO token cache files and GetRoleCredentials answers, timestamps,
 * credential_process command lines, and the AWS Budgets, CloudWatch
 * GetMetricData/ListMetrics and alarm answers `usage` and `admin limits` read.  The first byte picks the parser;
 * the rest is the input.  Every parser must return 0 or a CC_E* status with
 * a message, never crash, leak or read out of bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "clinecfg/bedrock.h"
#include "clinecfg/awstime.h"
#include "clinecfg/budgets.h"
#include "clinecfg/cloudwatch.h"
#include "clinecfg/credentials.h"
#include "clinecfg/cwalarm.h"
#include "clinecfg/sts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The Budgets and alarm readers take a parsed reply; each fills its list,
 * which must be freeable whatever they returned. */
static void budgets_and_alarms(const char *buf, size_t len, cc_err *err)
{
    char *next = NULL;
    bg_budget_list budgets = {0};
    (void)bg_parse_budgets(buf, len, NULL, &budgets, &next, err);
    bg_budget_list_free(&budgets);
    free(next);
    cJSON *reply = cJSON_ParseWithLength(buf, len);
    if (!reply)
        return;
    bg_notification_list notes = {0};
    next = NULL;
    (void)bg_parse_notifications(reply, &notes, &next, err);
    bg_notification_list_free(&notes);
    free(next);
    bg_action_list acts = {0};
    next = NULL;
    (void)bg_parse_actions(reply, &acts, &next, err);
    bg_action_list_free(&acts);
    free(next);
    cwa_alarm_list alarms = {0};
    next = NULL;
    (void)cwa_parse_alarms(reply, &alarms, &next, err);
    cwa_alarm_list_free(&alarms);
    free(next);
    cJSON_Delete(reply);
}

static void cloudwatch(const char *buf, size_t len, cc_err *err)
{
    char *next = NULL;
    cw_result res;
    memset(&res, 0, sizeof res);
    (void)cw_parse_get_metric_data(buf, len, &res, &next, err);
    for (size_t i = 0; i < res.n; i++)
        (void)cw_series_sum_before(&res.series[i], 1700000000);
    cw_result_free(&res);
    free(next);
    cw_metric_list metrics;
    memset(&metrics, 0, sizeof metrics);
    next = NULL;
    (void)cw_parse_list_metrics(buf, len, &metrics, &next, err);
    cw_metric_list_free(&metrics);
    free(next);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned which = data[0] % 15;
    /* A private NUL-terminated copy: parsers get (ptr, len), the string
     * helpers a C string; the copy also lets ASan catch over-reads. */
    size_t len = size - 1;
    char *buf = malloc(len + 1);
    if (!buf)
        return 0;
    memcpy(buf, data + 1, len);
    buf[len] = '\0';
    cc_err err;
    cc_err_clear(&err);
    switch (which) {
    case 0: {
        sts_identity id;
        if (sts_parse_caller_identity(buf, len, &id, &err) == 0)
            sts_identity_free(&id);
        break;
    }
    case 1:
    case 2: {
        aws_credentials c;
        if (sts_parse_credentials(which == 1 ? "GetSessionToken" : "AssumeRole", buf, len, &c, &err) == 0)
            aws_credentials_wipe(&c);
        break;
    }
    case 3: {
        char out[64];
        sts_xml_text(buf, len, "ErrorResponse/Error/Code", out, sizeof out, &err);
        break;
    }
    case 4: {
        bedrock_profile_page pg;
        if (bedrock_parse_profile_page(buf, len, &pg, &err) == 0) {
            bedrock_profile_page_free(&pg);
            /* The page is parsed piecewise: whatever it accepts must also
             * be one valid JSON object to a whole-document parse. */
            const char *end = NULL;
            cJSON *whole = cJSON_ParseWithLengthOpts(buf, len, &end, false);
            if (!whole || !cJSON_IsObject(whole))
                abort();
            for (const char *p = end; p < buf + len; p++)
                if (!strchr(" \t\r\n", *p) && *p != '\0')
                    abort();
            cJSON_Delete(whole);
        }
        break;
    }
    case 5: {
        bedrock_inference_profile p;
        if (bedrock_parse_profile(buf, len, &p, &err) == 0)
            bedrock_profile_free(&p);
        break;
    }
    case 6: {
        bedrock_tags t;
        if (bedrock_parse_tags(buf, len, &t, &err) == 0)
            bedrock_tags_free(&t);
        break;
    }
    case 7: {
        char *arn = NULL, *status = NULL;
        if (bedrock_parse_create(buf, len, &arn, &status, &err) == 0) {
            free(arn);
            free(status);
        }
        break;
    }
    case 8: {
        bedrock_model_list ml;
        if (bedrock_parse_models(buf, len, &ml, &err) == 0)
            bedrock_model_list_free(&ml);
        break;
    }
    case 9: {
        aws_credentials c;
        if (creds_parse_process_output(buf, len, "fuzz", 1700000000, &c, &err) == 0)
            aws_credentials_wipe(&c);
        break;
    }
    case 10: {
        char *tok = NULL;
        time_t exp;
        if (sso_parse_token(buf, len, "fuzz", 1700000000, &tok, &exp, &err) == 0)
            free(tok);
        aws_credentials c;
        if (sso_parse_role_credentials(buf, len, &c, &err) == 0)
            aws_credentials_wipe(&c);
        break;
    }
    case 11: {
        time_t t;
        aws_parse_timestamp(buf, &t);
        break;
    }
    case 12: {
        char **argv = NULL;
        if (creds_split_command(buf, &argv, &err) == 0)
            creds_free_argv(argv);
        break;
    }
    case 13:
        budgets_and_alarms(buf, len, &err);
        break;
    case 14:
        cloudwatch(buf, len, &err);
        break;
    }
    free(buf);
    return 0;
}
