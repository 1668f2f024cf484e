/*
 * sts_wire.c - STS without an awsclient: the answers' parsers (on the XML
 * reader, xml.c), the AssumeRole form body, and AssumeRole signed with
 * credentials the caller hands in.  See include/clinecfg/sts.h.
 *
 * The credential chain's role_arn profiles call sts_assume_role_with, and
 * awsclient resolves credentials through that chain, so nothing here may
 * use awsclient.c; the calls that go through a client live in sts.c.
 */
#include "clinecfg/sts.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "clinecfg/awserror.h"
#include "clinecfg/awstime.h"
#include "clinecfg/sigv4.h"
#include "clinecfg/xml.h"

static const xml_opts STS_XML = {.what = "STS response", .err_code = "aws.sts_xml", .max_bytes = STS_MAX_BODY};

int sts_xml_text(const char *xml, size_t len, const char *path, char *out, size_t size, cc_err *err)
{
    xml_node *root = NULL;
    int rc = xml_parse(xml, len, &STS_XML, &root, err);
    if (rc)
        return rc;
    const xml_node *n = xml_find(root, path);
    if (!n) {
        xml_free(root);
        return cc_err_set(err, CC_EINPUT, "aws.sts_xml", "STS response has no %s element", path);
    }
    char *t = xml_text_trimmed(n);
    xml_free(root);
    if (!t)
        return cc_err_oom(err);
    snprintf(out, size, "%s", t);
    OPENSSL_cleanse(t, strlen(t));
    free(t);
    return 0;
}

/* Required leaf under base/name; fills *out (malloc'd). */
static int need_leaf(const xml_node *root, const char *base, const char *name, bool allow_empty, char **out,
                     cc_err *err)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", base, name);
    const xml_node *n = xml_find(root, path);
    if (!n)
        return cc_err_set(err, CC_EINPUT, "aws.sts_response", "STS response lacks %s", path);
    if (n->child)
        return cc_err_set(err, CC_EINPUT, "aws.sts_response", "STS response: %s should be text, not elements",
                          path);
    *out = xml_text_trimmed(n);
    if (!*out)
        return cc_err_oom(err);
    if (!allow_empty && !**out)
        return cc_err_set(err, CC_EINPUT, "aws.sts_response", "STS response: %s is empty", path);
    return 0;
}

/* An ErrorResponse where a result was expected: report its code. */
static int error_document(const xml_node *root, cc_err *err)
{
    const xml_node *code = xml_find(root, "ErrorResponse/Error/Code");
    if (!code)
        code = xml_find(root, "Error/Code");
    if (!code)
        return 0;
    char *c = xml_text_trimmed(code);
    cc_err_set(err, CC_EAWS, "aws.sts_error", "STS answered with error %.100s", c ? c : "?");
    free(c);
    return CC_EAWS;
}

void sts_identity_free(sts_identity *id)
{
    if (!id)
        return;
    free(id->account);
    free(id->arn);
    free(id->user_id);
    memset(id, 0, sizeof *id);
}

int sts_parse_caller_identity(const char *body, size_t len, sts_identity *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    xml_node *root = NULL;
    int rc = xml_parse(body, len, &STS_XML, &root, err);
    if (rc)
        return rc;
    if ((rc = error_document(root, err)))
        goto done;
    if (strcmp(root->name, "GetCallerIdentityResponse") != 0) {
        rc = cc_err_set(err, CC_EINPUT, "aws.sts_response",
                        "STS response: expected <GetCallerIdentityResponse>, got <%.64s>", root->name);
        goto done;
    }
    const char *base = "GetCallerIdentityResponse/GetCallerIdentityResult";
    if ((rc = need_leaf(root, base, "Arn", false, &out->arn, err)) ||
        (rc = need_leaf(root, base, "Account", false, &out->account, err)))
        goto done;
    if (xml_find(root, "GetCallerIdentityResponse/GetCallerIdentityResult/UserId") &&
        (rc = need_leaf(root, base, "UserId", true, &out->user_id, err)))
        goto done;
    if (strncmp(out->arn, "arn:", 4) != 0 || strlen(out->arn) > 2048) {
        rc = cc_err_set(err, CC_EINPUT, "aws.sts_response", "STS response: Arn is not an ARN");
        goto done;
    }
    size_t alen = strlen(out->account);
    bool digits = alen == 12;
    for (size_t i = 0; digits && i < alen; i++)
        digits = isdigit((unsigned char)out->account[i]);
    if (!digits)
        rc = cc_err_set(err, CC_EINPUT, "aws.sts_response", "STS response: Account is not a 12-digit account id");
done:
    xml_free(root);
    if (rc)
        sts_identity_free(out);
    return rc;
}

int sts_parse_credentials(const char *action, const char *body, size_t len, aws_credentials *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    xml_node *root = NULL;
    int rc = xml_parse(body, len, &STS_XML, &root, err);
    if (rc)
        return rc;
    char *exp = NULL;
    char want[96], base[160];
    snprintf(want, sizeof want, "%sResponse", action);
    snprintf(base, sizeof base, "%sResponse/%sResult/Credentials", action, action);
    if ((rc = error_document(root, err)))
        goto done;
    if (strcmp(root->name, want) != 0) {
        rc = cc_err_set(err, CC_EINPUT, "aws.sts_response", "STS response: expected <%s>, got <%.64s>", want,
                        root->name);
        goto done;
    }
    if ((rc = need_leaf(root, base, "AccessKeyId", false, &out->access_key_id, err)) ||
        (rc = need_leaf(root, base, "SecretAccessKey", false, &out->secret_access_key, err)) ||
        (rc = need_leaf(root, base, "SessionToken", false, &out->session_token, err)) ||
        (rc = need_leaf(root, base, "Expiration", false, &exp, err)))
        goto done;
    if (aws_parse_timestamp(exp, &out->expiration) != 0 || out->expiration <= 0)
        rc = cc_err_set(err, CC_EINPUT, "aws.sts_response", "STS response: Expiration is not an RFC 3339 time");
    snprintf(out->source, sizeof out->source, "sts:%s", action);
done:
    free(exp);
    xml_free(root);
    if (rc)
        aws_credentials_wipe(out);
    return rc;
}

/* The AssumeRole form body, malloc'd into *form_out. */
static int assume_role_form(const char *role_arn, const char *session_name, const char *external_id,
                            int duration_s, char **form_out, cc_err *err)
{
    *form_out = NULL;
    if (!role_arn || !*role_arn)
        return cc_err_set(err, CC_EINPUT, "usage", "AssumeRole needs a role ARN");
    if (duration_s != 0 && (duration_s < 900 || duration_s > 43200))
        return cc_err_set(err, CC_EINPUT, "usage", "AssumeRole duration %d s is outside 900..43200", duration_s);
    char dflt[64];
    if (!session_name || !*session_name) {
        snprintf(dflt, sizeof dflt, "clinecfg-%lld", (long long)time(NULL));
        session_name = dflt;
    }
    char *arn_e = aws_uri_encode(role_arn, strlen(role_arn), false);
    char *sess_e = aws_uri_encode(session_name, strlen(session_name), false);
    char *ext_e = external_id ? aws_uri_encode(external_id, strlen(external_id), false) : NULL;
    int rc = 0;
    if (!arn_e || !sess_e || (external_id && !ext_e)) {
        rc = cc_err_oom(err);
    } else {
        size_t n = strlen(arn_e) + strlen(sess_e) + (ext_e ? strlen(ext_e) : 0) + 128;
        char *form = malloc(n);
        if (!form)
            rc = cc_err_oom(err);
        else
            snprintf(form, n, "Action=AssumeRole&DurationSeconds=%d%s%s&RoleArn=%s&RoleSessionName=%s&Version=2011-06-15",
                     duration_s ? duration_s : 3600, ext_e ? "&ExternalId=" : "", ext_e ? ext_e : "", arn_e, sess_e);
        *form_out = form;
    }
    free(arn_e);
    free(sess_e);
    free(ext_e);
    return rc;
}

int sts_assume_role_with(http_client *h, const char *url_base, const char *region, const aws_credentials *source,
                         const char *role_arn, const char *session_name, const char *external_id, int duration_s,
                         aws_credentials *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    char *form = NULL;
    int rc = assume_role_form(role_arn, session_name, external_id, duration_s, &form, err);
    if (rc)
        return rc;
    aws_request req = {
        .method = "POST",
        .url_base = url_base,
        .path = "/",
        .content_type = "application/x-www-form-urlencoded; charset=utf-8",
        .body = form,
        .body_len = strlen(form),
        .service = "sts",
        .region = region,
        .creds = source,
        .operation = "sts:AssumeRole",
    };
    aws_response resp;
    rc = aws_call_verdict(http_aws_call(h, &req, &resp, err), &resp, req.operation, err);
    if (rc == 0)
        rc = sts_parse_credentials("AssumeRole", resp.body, resp.body_len, out, err);
    if (resp.body)
        OPENSSL_cleanse(resp.body, resp.body_len);
    aws_response_free(&resp);
    free(form);
    return rc;
}
