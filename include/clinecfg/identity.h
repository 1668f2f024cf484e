/*
 * identity.h - who the developer is, and what their profile is called.
 *
 * Pure functions, no I/O: the member name from an STS caller ARN, the
 * documented sanitising rule, the profile-name template, tag validation
 * against Bedrock's patterns, and the deterministic clientRequestToken.
 *
 * Sanitising rule (identity_sanitize), applied to every member and team name:
 *   1. an e-mail address keeps only its local part (bob.smith@x.com -> bob.smith);
 *   2. letters are lower-cased; ASCII letters and digits are kept;
 *   3. '_' and '-' and ' ' are kept as separators; every other character
 *      (dots, '+', '@', non-ASCII bytes...) becomes '-';
 *   4. runs of separators collapse to the first; separators at the start and
 *      end are dropped;
 *   5. the result is cut to `max` characters (and a trailing separator
 *      dropped).  An empty result is an error.
 * The output always matches Bedrock's profile-name pattern ([0-9a-zA-Z][ _-]?)+.
 */
#ifndef CLINECFG_IDENTITY_H
#define CLINECFG_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>

#include "clinecfg/error.h"

#define IDENTITY_NAME_MAX 64

typedef enum {
    IDENTITY_IAM_USER,
    IDENTITY_ASSUMED_ROLE, /* includes IAM Identity Center (SSO) sessions */
    IDENTITY_FEDERATED_USER,
    IDENTITY_ROOT,
    IDENTITY_OTHER,
} identity_kind;

typedef struct identity {
    identity_kind kind;
    char account[16];
    char raw_name[256]; /* user name, role session name or federated name */
    char role[128];     /* assumed-role: the role name */
} identity;

/* Parses a GetCallerIdentity ARN.  Root gives CC_EINPUT with advice. */
int identity_from_arn(const char *arn, identity *out, cc_err *err);

/* The sanitising rule above.  Returns 0, or CC_EINPUT when nothing usable
 * is left (message names `what`). */
int identity_sanitize(const char *in, size_t max, const char *what, char *out, size_t size, cc_err *err);

/* True when `name` matches ([0-9a-zA-Z][ _-]?)+ and is 1..64 long. */
bool identity_valid_profile_name(const char *name);

/* Renders the name template ({team}, {member}, {region}, {account}); team
 * and member are sanitised; the member part is shortened so the whole name
 * fits 64 characters.  CC_EINPUT for unknown placeholders or a result that
 * is not a valid profile name. */
int identity_render_name(const char *tmpl, const char *team, const char *member, const char *region,
                         const char *account, char *out, size_t size, cc_err *err);

/* Bedrock tag rules: key 1..128, value 0..256, characters
 * [a-zA-Z0-9 space . _ : / = + @ -]; keys may not start with "aws:". */
int identity_check_tag(const char *key, const char *value, cc_err *err);

/* A stable clientRequestToken: UUID-shaped hex of SHA-256 over account,
 * region, name and source, so retries and concurrent runs coincide. */
void identity_request_token(const char *account, const char *region, const char *name, const char *source,
                            char out[37]);

#endif
