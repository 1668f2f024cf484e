/*
 * aws_advice.h - what a command tells the user when an AWS answer means a
 * mistake of theirs rather than a credentials or network problem: an
 * unknown region, or a secret access key that does not belong to its key id.
 * The AWS layer's messages stay as they are; these rewrite a finished
 * command's error (src/app/aws_advice.c).
 */
#ifndef CLINECFG_AWS_ADVICE_H
#define CLINECFG_AWS_ADVICE_H

#include <stdbool.h>

#include "clinecfg/error.h"

/* Is `region` one AWS has (as of this release)?  Only used to tell an
 * unreachable host of an unknown region from a network problem. */
bool aws_advice_known_region(const char *region);

/* When err says the region does not exist (AWS: "Credential should be
 * scoped to a valid region", or no host for an unknown region's endpoint),
 * rewrites it to CC_EINPUT "region.unknown" naming the region; returns true
 * then. */
bool aws_advice_unknown_region(cc_err *err, const char *region);

/* STS refused a key pair (exit 5): the hint says which half to check.  GetCallerIdentity needs no
 * IAM permission, so a refusal is never a policy problem.  `masked_id` is
 * the key id as it may be shown ("AKIA...0000"). */
void aws_advice_key_pair(cc_err *err, const char *masked_id);

#endif
