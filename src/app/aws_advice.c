/*
 * aws_advice.c - rewrites the AWS errors that mean a user's typo (see
 * include/clinecfg/aws_advice.h): an unknown region, a key pair that does
 * not belong together.
 */
#include "clinecfg/aws_advice.h"

#include <stdio.h>
#include <string.h>

static const char *const known_regions[] = {
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "ca-west-1", "mx-central-1",
    "sa-east-1", "af-south-1", "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2", "ap-southeast-1",
    "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6",
    "ap-southeast-7", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "eu-central-1", "eu-central-2",
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1", "il-central-1",
    "me-south-1", "me-central-1", "us-gov-east-1", "us-gov-west-1", "cn-north-1", "cn-northwest-1",
    "eusc-de-east-1", NULL,
};

bool aws_advice_known_region(const char *region)
{
    for (size_t i = 0; known_regions[i]; i++)
        if (strcmp(known_regions[i], region) == 0)
            return true;
    return false;
}

bool aws_advice_unknown_region(cc_err *err, const char *region)
{
    if (!err || !region || !*region || err->status == CC_OK)
        return false;
    bool refused = strstr(err->message, "scoped to a valid region") != NULL;
    bool no_host = strcmp(err->code, "aws.network") == 0 && strstr(err->message, "resolve") &&
                   strstr(err->message, region) && !aws_advice_known_region(region);
    if (!refused && !no_host)
        return false;
    char was[sizeof err->message];
    snprintf(was, sizeof was, "%s", err->message);
    cc_err_set(err, CC_EINPUT, "region.unknown", "unknown AWS region '%s' (%.900s)", region, was);
    cc_err_hint(err, "check the region code (--region, AWS_REGION, the profile's region or clinecfg's 'region' "
                     "key), e.g. ap-northeast-1");
    return true;
}

void aws_advice_key_pair(cc_err *err, const char *masked_id)
{
    if (!err || err->status != CC_EDENIED)
        return;
    if (strstr(err->code, "InvalidClientTokenId"))
        cc_err_hint(err, "AWS does not know access key id %s: check that it was copied whole and is still active "
                    "(IAM console, Security credentials)", masked_id);
    else
        cc_err_hint(err, "the secret access key does not belong to access key id %s: give the secret shown "
                    "together with this key id when it was created (they are a pair; a lost secret cannot be "
                    "shown again, so create a new access key); GetCallerIdentity needs no IAM permission",
                    masked_id);
}
