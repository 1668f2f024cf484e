/*
 * identity.h - who the developer is, and what their profile is called.
 *
 * Pure functions, no I/O: the member name from an STS caller ARN, the
 * documented profile-name rules and template, tag validation against
 * Bedrock's patterns, and the deterministic clientRequestToken.
 *
 * The member name is the caller's identity, unabridged: the IAM user name,
 * the role session name of an assumed role (for IAM Identity Center, the
 * e-mail), the federated user name, or --member.  It becomes the MemberName
 * tag as is, so it must be a Bedrock tag value: 1..256 characters from ASCII
 * letters and digits, space and . _ : / = + @ -  (identity_check_member
 * names the first character that is not; Bedrock's pattern has no other
 * letters, so "ålice" is refused rather than silently shortened).
 *
 * Profile names (member_rule "identity", the default; identity_member_part):
 *   1. ASCII letters are lower-cased and digits kept; '-', '_' and ' ' are
 *      kept as separators; every other character becomes '-'; runs of
 *      separators collapse to the first; separators at either end go.
 *   2. When step 1 changed anything, when the result is longer than the room
 *      the template leaves, or when it already ends like a hash (8 lower-case
 *      hex digits, alone or after '-'), the first IDENTITY_HASH_HEX (8) hex
 *      digits of SHA-256 over the exact identity are appended after a '-'
 *      (the stem is cut to make room; an identity without letters or digits
 *      gives the hash alone):
 *        alice              -> alice
 *        alice@example.com  -> alice-example-com-<8 hex>
 *        Alice              -> alice-<8 hex>
 * So a name without a hash suffix spells its identity exactly, and two
 * identities meet on one name only when they share the stem and 32 bits of
 * SHA-256 (about 1 in 4 billion per pair); even then the MemberName tag
 * tells them apart and setup stops with a conflict instead of sharing.
 *
 * member_rule "email-local-part" (identity_sanitize) keeps the short names of
 * earlier versions: an e-mail keeps only its local part, the rest as step 1,
 * no hash.  alice@example.com and IAM user alice then share the name
 * teama-bedrock-alice; the MemberName tag still differs, so the second one
 * to run setup gets the conflict (exit 8) naming both identities.
 * Team names always follow identity_sanitize.
 */
#ifndef CLINECFG_IDENTITY_H
#define CLINECFG_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>

#include "clinecfg/error.h"

#define IDENTITY_NAME_MAX 64    /* Bedrock profile names */
#define IDENTITY_MEMBER_MAX 256 /* Bedrock tag values */
#define IDENTITY_HASH_HEX 8     /* hex digits of the identity hash in a name */

typedef enum {
    IDENTITY_RULE_FULL,             /* member_rule "identity" (default) */
    IDENTITY_RULE_EMAIL_LOCAL_PART, /* member_rule "email-local-part" */
} identity_member_rule;

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

/* The caller's identity (the future MemberName) from a GetCallerIdentity
 * ARN: identity_from_arn's raw_name.  whoami and doctor show it. */
int identity_member_from_arn(const char *arn, char *out, size_t size, cc_err *err);

/* "identity" (or NULL: the default) and "email-local-part"; CC_EINPUT naming
 * the member_rule key otherwise (err may be NULL). */
int identity_member_rule_parse(const char *text, identity_member_rule *out, cc_err *err);
const char *identity_member_rule_name(identity_member_rule rule);

/* Can `member` be a MemberName tag value?  CC_EINPUT naming `what` and the
 * first character that cannot be stored (with its position and code point). */
int identity_check_member(const char *member, const char *what, cc_err *err);

/* The {member} part of a profile name under `rule`, at most `room`
 * characters (see the rules above). */
int identity_member_part(const char *member, identity_member_rule rule, size_t room, char *out, size_t size,
                         cc_err *err);

/* Renders the name template ({team}, {member}, {region}, {account}): the
 * team through identity_sanitize, the member through identity_member_part
 * with the room the rest of the template leaves in 64 characters.
 * CC_EINPUT for unknown placeholders or a result that is not a valid
 * profile name. */
int identity_profile_name(const char *tmpl, const char *team, const char *member, identity_member_rule rule,
                          const char *region, const char *account, char *out, size_t size, cc_err *err);

/* The short-name rule (member_rule "email-local-part", and team names): an
 * e-mail keeps its local part, then step 1 above, cut to `max` characters.
 * Returns 0, or CC_EINPUT when no letter or digit is left (message names
 * `what`). */
int identity_sanitize(const char *in, size_t max, const char *what, char *out, size_t size, cc_err *err);

/* True when `name` matches ([0-9a-zA-Z][ _-]?)+ and is 1..64 long. */
bool identity_valid_profile_name(const char *name);

/* identity_profile_name with the "email-local-part" rule: the names of
 * earlier versions. */
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
