/*
 * endpoints.h - which URL an AWS service is called at, and region checks.
 *
 * Owns: the SDK endpoint-override order (AWS_ENDPOINT_URL_<SERVICE>, then
 * AWS_ENDPOINT_URL, then the profile's endpoint_url, unless
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), the regional default hosts for
 * bedrock, bedrock-runtime, sts and portal.sso (amazonaws.com.cn for cn-*),
 * and region name validation.  Environment access goes through a lookup
 * function so tests need not touch the process environment.
 */
#ifndef CLINECFG_ENDPOINTS_H
#define CLINECFG_ENDPOINTS_H

#include "clinecfg/envlookup.h"
#include "clinecfg/error.h"

/* service: "bedrock", "bedrock-runtime", "sts", "sso", "ce", "iam" or "budgets".  getenv_fn NULL =
 * the process environment.  On success *url_out is a malloc'd URL without a trailing '/'.
 * CC_EINPUT for an unknown service, a bad region or a malformed override. */
int aws_endpoint(const char *service, const char *region, const char *profile_endpoint_url,
                 cc_getenv_fn getenv_fn, void *env_ud, char **url_out, cc_err *err);

/* The SigV4 signing name for a service key above: bedrock -> "bedrock",
 * bedrock-runtime -> "bedrock", sts -> "sts", sso -> "awsssoportal". NULL if unknown. */
const char *aws_signing_name(const char *service);

/* The region requests to `service` are signed for: the client's region,
 * except for global services (Cost Explorer and Budgets: us-east-1, or
 * cn-northwest-1 in China; IAM: us-east-1 or cn-north-1). */
const char *aws_signing_region(const char *service, const char *region);

/* Accepts names like us-east-1, ap-northeast-1, cn-north-1, us-gov-west-1,
 * us-isob-east-1 (lower-case letters, digits, '-', 1..50 chars, no leading or
 * trailing '-').  CC_EINPUT with a hint otherwise. */
int aws_region_validate(const char *region, cc_err *err);

#endif
