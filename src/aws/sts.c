/*
 * sts.c - the STS calls made through an awsclient: GetCallerIdentity,
 * GetSessionToken and AssumeRole.  Requests and answers are built and read
 * by sts_wire.c.  See include/clinecfg/sts.h.
 */
#include "clinecfg/sts.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "clinecfg/awsclient.h"

static int sts_post(awsclient *c, const char *operation, const char *form, aws_response *resp, cc_err *err)
{
    return awsclient_call_query(c, "sts", form, operation, resp, err);
}

int sts_get_caller_identity(awsclient *c, sts_identity *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    aws_response resp;
    int rc = sts_post(c, "sts:GetCallerIdentity", "Action=GetCallerIdentity&Version=2011-06-15", &resp, err);
    if (rc == 0)
        rc = sts_parse_caller_identity(resp.body, resp.body_len, out, err);
    aws_response_free(&resp);
    return rc;
}

int sts_get_session_token(awsclient *c, int duration_s, aws_credentials *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    if (duration_s != 0 && (duration_s < 900 || duration_s > 129600))
        return cc_err_set(err, CC_EINPUT, "usage", "GetSessionToken duration %d s is outside 900..129600",
                          duration_s);
    char form[128];
    if (duration_s)
        snprintf(form, sizeof form, "Action=GetSessionToken&DurationSeconds=%d&Version=2011-06-15", duration_s);
    else
        snprintf(form, sizeof form, "Action=GetSessionToken&Version=2011-06-15");
    aws_response resp;
    int rc = sts_post(c, "sts:GetSessionToken", form, &resp, err);
    if (rc == 0)
        rc = sts_parse_credentials("GetSessionToken", resp.body, resp.body_len, out, err);
    if (resp.body)
        OPENSSL_cleanse(resp.body, resp.body_len);
    aws_response_free(&resp);
    return rc;
}

int sts_assume_role(awsclient *c, const char *role_arn, const char *session_name, const char *external_id,
                    int duration_s, aws_credentials *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    aws_request where = {0};
    int rc = awsclient_prepare(c, "sts", &where, err);
    if (rc)
        return rc;
    return sts_assume_role_with(awsclient_http(c), where.url_base, where.region, where.creds, role_arn, session_name,
                                external_id, duration_s, out, err);
}
