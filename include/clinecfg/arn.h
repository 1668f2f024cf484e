/*
 * arn.h - Amazon Resource Names: splitting them and building the Bedrock ones
 * clinecfg needs (system profile, foundation model).  Pure functions.
 */
#ifndef CLINECFG_ARN_H
#define CLINECFG_ARN_H

#include <stdbool.h>
#include <stddef.h>

#include "clinecfg/error.h"

typedef struct arn_parts {
    char partition[16];
    char service[32];
    char region[32];
    char account[16];
    char resource[2048]; /* everything after the fifth ':' */
} arn_parts;

/* Splits "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE".  CC_EINPUT when
 * it is not an ARN (message names `what`, e.g. "caller ARN"). */
int arn_parse(const char *arn, const char *what, arn_parts *out, cc_err *err);

/* "aws", "aws-cn" or "aws-us-gov" for a region name. */
const char *arn_partition_for_region(const char *region);

/* True for a system-defined (cross-region) inference profile id such as
 * "apac.anthropic.claude-sonnet-4-5-20250929-v1:0": a geography prefix
 * (us, eu, apac, jp, au, ca, global, us-gov) before the provider. */
bool arn_is_system_profile_id(const char *model_id);

/* The copyFrom source for a base model: the system profile ARN
 * arn:P:bedrock:REGION:ACCOUNT:inference-profile/ID, or the foundation-model
 * ARN arn:P:bedrock:REGION::foundation-model/ID.  Writes into out. */
int arn_model_source(const char *model_id, const char *region, const char *account, char *out, size_t size,
                     cc_err *err);

/* arn:PARTITION:iam::ACCOUNT:policy/NAME, a customer-managed policy. */
void arn_iam_policy(const char *partition, const char *account, const char *name, char *out, size_t size);

/* The foundation-model id inside a foundation-model ARN, or NULL. */
const char *arn_foundation_model_id(const char *model_arn);

/* True when `arn` is an application inference profile ARN. */
bool arn_is_application_profile(const char *arn);

#endif
