/*
 * sts.h - AWS STS client: GetCallerIdentity, GetSessionToken, AssumeRole
 * (awsQuery protocol: form-encoded POST, XML answers) and their parsers.
 *
 * Owns: building the STS requests, reading the answers (through the XML
 * reader, xml.h: no DTDs, no entities beyond the five predefined ones,
 * bounded depth and size), and turning STS errors into cc_err.  The calls
 * go through an awsclient (src/aws/sts.c); the parsers and
 * sts_assume_role_with need none (src/aws/sts_wire.c), so the credential
 * chain can use them.  The parsers are pure and exposed for unit
 * tests and the fuzz target.
 *
 * Ownership: every char * in an output struct is malloc'd and owned by that
 * struct; free with the matching *_free function.  aws_credentials are freed
 * (and wiped) with aws_credentials_wipe from http.h.
 */
#ifndef CLINECFG_STS_H
#define CLINECFG_STS_H

#include <stddef.h>
#include <time.h>

#include "clinecfg/error.h"
#include "clinecfg/http.h"

struct awsclient;

/* Largest STS response body the parsers accept. */
#define STS_MAX_BODY ((size_t)1024 * 1024)

typedef struct sts_identity {
    char *account; /* 12 digits */
    char *arn;     /* caller ARN */
    char *user_id; /* AIDA... or AROA...:session */
} sts_identity;

void sts_identity_free(sts_identity *id); /* frees the strings, zeroes; NULL ok */

/* GetCallerIdentity.  0, or CC_EDENIED / CC_EAWS / CC_EINPUT (malformed
 * answer) with err filled.  *out is zeroed first. */
int sts_get_caller_identity(struct awsclient *c, sts_identity *out, cc_err *err);

/* GetSessionToken for duration_s seconds (0 = the service default, 12 h;
 * AWS allows 900..129600).  On success *out holds temporary credentials with
 * their expiration; source is set to "sts:GetSessionToken". */
int sts_get_session_token(struct awsclient *c, int duration_s, aws_credentials *out, cc_err *err);

/* AssumeRole with the client's current credentials.  session_name NULL =
 * "clinecfg-<unix time>"; external_id may be NULL; duration_s 0 = 3600
 * (900..43200). */
int sts_assume_role(struct awsclient *c, const char *role_arn, const char *session_name,
                    const char *external_id, int duration_s, aws_credentials *out, cc_err *err);

/* AssumeRole without an awsclient (the credential chain uses it for
 * role_arn + source_profile profiles): signs with `source` for `region` and
 * posts to url_base.  duration_s 0 = 3600 (900..43200). */
int sts_assume_role_with(http_client *h, const char *url_base, const char *region, const aws_credentials *source,
                         const char *role_arn, const char *session_name, const char *external_id, int duration_s,
                         aws_credentials *out, cc_err *err);

/* --- parsers (pure; for tests and fuzzing) ---------------------------- */

/* <GetCallerIdentityResponse><GetCallerIdentityResult><Arn/><UserId/>
 * <Account/>...  Element order is free; Arn and Account are required.
 * CC_EINPUT with a message naming what is wrong for anything else. */
int sts_parse_caller_identity(const char *body, size_t len, sts_identity *out, cc_err *err);

/* <GetSessionTokenResponse> or <AssumeRoleResponse> (`action` names which:
 * "GetSessionToken" / "AssumeRole") holding <Credentials> with AccessKeyId,
 * SecretAccessKey, SessionToken and Expiration (RFC 3339), all required. */
int sts_parse_credentials(const char *action, const char *body, size_t len, aws_credentials *out,
                          cc_err *err);

/* Percent-decodes nothing and validates nothing: fills `out` (size bytes)
 * with the text content of the first element at slash-separated local-name
 * path (e.g. "ErrorResponse/Error/Code").  0 when found, CC_EINPUT when the
 * XML is malformed or the element is absent.  Exposed for tests. */
int sts_xml_text(const char *xml, size_t len, const char *path, char *out, size_t size, cc_err *err);

#endif
