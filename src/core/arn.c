/* arn.c - splitting and building ARNs (see include/clinecfg/arn.h). */
#include "clinecfg/arn.h"

#include <stdio.h>
#include <string.h>

int arn_parse(const char *arn, const char *what, arn_parts *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    const char *p = arn;
    char *fields[5] = {NULL, out->partition, out->service, out->region, out->account};
    size_t sizes[5] = {0, sizeof out->partition, sizeof out->service, sizeof out->region, sizeof out->account};
    for (int i = 0; i < 5; i++) {
        const char *colon = strchr(p, ':');
        size_t n = colon ? (size_t)(colon - p) : 0;
        if (!colon || (i == 0 && (n != 3 || strncmp(p, "arn", 3) != 0)) || (i > 0 && n >= sizes[i]) ||
            (i == 1 && n == 0) || (i == 2 && n == 0)) {
            cc_err_set(err, CC_EINPUT, "arn.syntax", "%s '%s' is not an ARN (arn:partition:service:region:account:resource)",
                       what, arn);
            return CC_EINPUT;
        }
        if (i > 0) {
            memcpy(fields[i], p, n);
            fields[i][n] = '\0';
        }
        p = colon + 1;
    }
    if (!*p || strlen(p) >= sizeof out->resource) {
        cc_err_set(err, CC_EINPUT, "arn.syntax", "%s '%s' has no usable resource part", what, arn);
        return CC_EINPUT;
    }
    snprintf(out->resource, sizeof out->resource, "%s", p);
    return 0;
}

const char *arn_partition_for_region(const char *region)
{
    if (strncmp(region, "cn-", 3) == 0)
        return "aws-cn";
    if (strncmp(region, "us-gov-", 7) == 0)
        return "aws-us-gov";
    return "aws";
}

bool arn_is_system_profile_id(const char *model_id)
{
    static const char *const geos[] = {"us.", "eu.", "apac.", "jp.", "au.", "ca.", "global.", "us-gov.", NULL};
    for (int i = 0; geos[i]; i++)
        if (strncmp(model_id, geos[i], strlen(geos[i])) == 0)
            return true;
    return false;
}

static bool model_id_chars_ok(const char *id)
{
    if (!*id || strlen(id) > 140)
        return false;
    for (const char *c = id; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-' ||
              *c == '.' || *c == ':'))
            return false;
    return strchr(id, '.') != NULL;
}

int arn_model_source(const char *model_id, const char *region, const char *account, char *out, size_t size,
                     cc_err *err)
{
    if (!model_id_chars_ok(model_id)) {
        cc_err_set(err, CC_EINPUT, "model.syntax", "model '%s' is not a Bedrock model or inference profile id",
                   model_id);
        cc_err_hint(err, "use an id such as apac.anthropic.claude-sonnet-4-5-20250929-v1:0 "
                         "or anthropic.claude-sonnet-4-5-20250929-v1:0");
        return CC_EINPUT;
    }
    const char *part = arn_partition_for_region(region);
    int n;
    if (arn_is_system_profile_id(model_id))
        n = snprintf(out, size, "arn:%s:bedrock:%s:%s:inference-profile/%s", part, region, account, model_id);
    else
        n = snprintf(out, size, "arn:%s:bedrock:%s::foundation-model/%s", part, region, model_id);
    if (n < 0 || (size_t)n >= size)
        return cc_err_set(err, CC_EINPUT, "model.syntax", "model id '%s' is too long", model_id);
    return 0;
}

const char *arn_foundation_model_id(const char *model_arn)
{
    const char *p = strstr(model_arn, ":foundation-model/");
    return p ? p + strlen(":foundation-model/") : NULL;
}

bool arn_is_application_profile(const char *arn)
{
    arn_parts parts;
    if (arn_parse(arn, "ARN", &parts, NULL))
        return false;
    return strcmp(parts.service, "bedrock") == 0 &&
           strncmp(parts.resource, "application-inference-profile/", 30) == 0 && strlen(parts.account) == 12;
}

void arn_iam_policy(const char *partition, const char *account, const char *name, char *out, size_t size)
{
    snprintf(out, size, "arn:%s:iam::%s:policy/%s", partition, account ? account : "", name);
}
