/*
 * awserror.c - AWS error responses: error name and message from restJson1
 * (Bedrock, SSO portal) and awsQuery XML (STS, through xml.c) bodies, the
 * error classes that drive retries and exit codes, and the one verdict on
 * an answer (status, error code and message) every AWS call reports.
 *
 * Everything here reads untrusted bytes from the network: inputs are
 * length-bounded, outputs are always NUL-terminated and stripped of control
 * characters (they end up on a terminal).
 */
#include "clinecfg/awserror.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "clinecfg/error.h"
#include "clinecfg/xml.h"

/* Copies n bytes into dst (size dsize), replacing control characters with a
 * space so a hostile message cannot drive the terminal. */
static void copy_clean(char *dst, size_t dsize, const char *src, size_t n)
{
    if (!dsize)
        return;
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < dsize; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[o++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
    }
    dst[o] = '\0';
}

void aws_error_sanitize(char *code)
{
    if (!code)
        return;
    size_t n = strcspn(code, ",");
    code[n] = '\0';
    n = strcspn(code, ":");
    code[n] = '\0';
    char *hash = strrchr(code, '#');
    if (hash)
        memmove(code, hash + 1, strlen(hash + 1) + 1);
    /* trim surrounding blanks */
    size_t len = strlen(code);
    while (len && (code[len - 1] == ' ' || code[len - 1] == '\t'))
        code[--len] = '\0';
    size_t lead = strspn(code, " \t");
    if (lead)
        memmove(code, code + lead, len - lead + 1);
}

/* Case-insensitive member lookup that only accepts a string value. */
static const char *json_string_member(const cJSON *obj, const char *name)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, obj)
    {
        if (it->string && !strcasecmp(it->string, name) && cJSON_IsString(it))
            return it->valuestring;
    }
    return NULL;
}

int aws_parse_rest_json_error(const char *error_type_header, const char *body, size_t len,
                              char *code, size_t code_size, char *msg, size_t msg_size)
{
    if (code_size)
        code[0] = '\0';
    if (msg_size)
        msg[0] = '\0';
    cJSON *root = NULL;
    if (body && len)
        root = cJSON_ParseWithLength(body, len);
    if (root && !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        root = NULL;
    }
    const char *name = NULL;
    if (error_type_header && *error_type_header)
        name = error_type_header;
    if (!name && root) {
        name = json_string_member(root, "code");
        if (!name) {
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "__type");
            if (cJSON_IsString(t))
                name = t->valuestring;
        }
    }
    if (name && code_size) {
        copy_clean(code, code_size, name, strlen(name));
        aws_error_sanitize(code);
    }
    if (root && msg_size) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "message");
        if (!cJSON_IsString(m))
            m = cJSON_GetObjectItemCaseSensitive(root, "Message");
        if (!cJSON_IsString(m))
            m = cJSON_GetObjectItemCaseSensitive(root, "errorMessage");
        if (cJSON_IsString(m))
            copy_clean(msg, msg_size, m->valuestring, strlen(m->valuestring));
    }
    cJSON_Delete(root);
    return code_size && code[0] ? 0 : -1;
}

/* <ErrorResponse><Error> (awsQuery) or a bare <Error> root. */
static const xml_node *query_error_element(const xml_node *root)
{
    return strcmp(root->name, "Error") == 0 ? root : xml_child(root, "Error");
}

static void copy_child_text(const xml_node *parent, const char *name, char *dst, size_t dsize)
{
    const xml_node *n = xml_child(parent, name);
    char *t = n ? xml_text_trimmed(n) : NULL;
    if (t)
        copy_clean(dst, dsize, t, strlen(t));
    free(t);
}

int aws_parse_query_error(const char *xml, size_t len, char *code, size_t code_size, char *msg,
                          size_t msg_size)
{
    if (code_size)
        code[0] = '\0';
    if (msg_size)
        msg[0] = '\0';
    xml_node *root = NULL;
    if (xml_parse(xml, len, NULL, &root, NULL) != 0)
        return -1;
    const xml_node *e = query_error_element(root);
    if (e) {
        copy_child_text(e, "Code", code, code_size);
        copy_child_text(e, "Message", msg, msg_size);
    }
    xml_free(root);
    return code_size && code[0] ? 0 : -1;
}

static bool in_list(const char *code, const char *const *list, size_t n)
{
    if (!code || !*code)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(code, list[i]))
            return true;
    return false;
}

#define IN_LIST(code, list) in_list((code), (list), sizeof(list) / sizeof((list)[0]))

/* botocore retries/standard.py and @smithy service-error-classification. */
static const char *const THROTTLING[] = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException",
};
static const char *const TRANSIENT[] = {
    "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
    "InternalError", "InternalFailure", "InternalServerException", "ServiceUnavailable",
    "ServiceUnavailableException",
};
static const char *const CLOCK_SKEW[] = {
    "AuthFailure", "InvalidSignatureException", "RequestExpired", "RequestInTheFuture",
    "RequestTimeTooSkewed", "SignatureDoesNotMatch",
};
static const char *const DENIED[] = {
    "UnauthorizedOperation", "InvalidClientTokenId", "UnrecognizedClientException",
    "ExpiredToken", "ExpiredTokenException", "SignatureDoesNotMatch",
    "InvalidSignatureException", "IncompleteSignature", "IncompleteSignatureException",
    "MissingAuthenticationToken", "MissingAuthenticationTokenException",
    "UnauthorizedException", "AuthFailure", "OptInRequired",
};

bool aws_error_is_throttling(const char *code) { return IN_LIST(code, THROTTLING); }

bool aws_error_is_transient(const char *code, long status)
{
    return status == 500 || status == 502 || status == 503 || status == 504 ||
           IN_LIST(code, TRANSIENT);
}

bool aws_error_is_clock_skew(const char *code) { return IN_LIST(code, CLOCK_SKEW); }

int aws_error_status(const char *code, long status)
{
    if (code && !strncmp(code, "AccessDenied", 12))
        return CC_EDENIED;
    if (IN_LIST(code, DENIED))
        return CC_EDENIED;
    if (aws_error_is_throttling(code) || aws_error_is_transient(code, status) || status == 429 ||
        status >= 500)
        return CC_EAWS;
    if ((!code || !*code) && (status == 401 || status == 403))
        return CC_EDENIED;
    return 0;
}

int aws_response_check(const aws_response *resp, const char *operation, cc_err *err)
{
    if (resp->status >= 200 && resp->status <= 299)
        return 0;
    char code[128], msg[512];
    snprintf(code, sizeof code, "%s", resp->error_code);
    snprintf(msg, sizeof msg, "%s", resp->error_message);
    if (!code[0] && resp->body && resp->body_len) {
        if (resp->body[0] == '<')
            aws_parse_query_error(resp->body, resp->body_len, code, sizeof code, msg, sizeof msg);
        else
            aws_parse_rest_json_error(NULL, resp->body, resp->body_len, code, sizeof code, msg, sizeof msg);
    }
    int st = aws_error_status(code, resp->status);
    if (st == 0) {
        if (strcmp(code, "ConflictException") == 0)
            st = CC_ECONFLICT;
        else if (strcmp(code, "ValidationException") == 0 || strcmp(code, "ResourceNotFoundException") == 0 ||
                 strcmp(code, "TooManyTagsException") == 0)
            st = CC_EINPUT;
        else
            st = CC_EAWS;
    }
    char ccode[48];
    if (code[0])
        snprintf(ccode, sizeof ccode, "aws:%.43s", code);
    else
        snprintf(ccode, sizeof ccode, "aws:http%ld", resp->status);
    const char *op = operation ? operation : "AWS call";
    if (code[0])
        cc_err_set(err, st, ccode, "%s failed: %s (HTTP %ld)%s%.400s", op, code, resp->status, msg[0] ? ": " : "",
                   msg);
    else
        cc_err_set(err, st, ccode, "%s failed: HTTP %ld", op, resp->status);
    if (st == CC_EDENIED)
        cc_err_hint(err, "the credentials were rejected or lack permission for %s; check them with "
                         "`clinecfg whoami` and the IAM policy",
                    op);
    else if (st == CC_EAWS)
        cc_err_hint(err, "retry later; run with -v to see the requests");
    return st;
}

int aws_call_verdict(int http_rc, const aws_response *resp, const char *operation, cc_err *err)
{
    if (http_rc != 0 && !(resp->status >= 300 && (http_rc == CC_EDENIED || http_rc == CC_EAWS)))
        return http_rc;
    /* A uniform message and code for every AWS error answer; keep the HTTP
     * layer's verdict (e.g. retries exhausted) when it had one. */
    int st = aws_response_check(resp, operation, err);
    int rc = http_rc ? http_rc : st;
    if (err && rc)
        err->status = rc;
    return rc;
}
