/*
 * test_awserror.c - error-name parsing against the botocore protocol cases
 * (../shared/conformance/protocol/output/{rest-json,query}.json, every case
 * that has an errorCode), plus classification and hostile-input cases.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "clinecfg/awserror.h"
#include "clinecfg/error.h"

static char *protocol_file(const char *name)
{
    const char *conf = getenv("CLINECFG_CONFORMANCE");
    const char *top = getenv("CLINECFG_TOP");
    char *p = NULL;
    if (conf && *conf)
        assert_true(asprintf(&p, "%s/protocol/output/%s", conf, name) > 0);
    else
        assert_true(asprintf(&p, "%s/../shared/conformance/protocol/output/%s",
                             top && *top ? top : ".", name) > 0);
    return p;
}

static const char *header_ci(const cJSON *headers, const char *name)
{
    const cJSON *h;
    cJSON_ArrayForEach(h, headers)
    {
        if (h->string && !strcasecmp(h->string, name) && cJSON_IsString(h))
            return h->valuestring;
    }
    return NULL;
}

/* Runs every case with an errorCode; returns how many ran. */
static int run_protocol_errors(const char *file, bool query)
{
    char *path = protocol_file(file);
    char *txt = test_read_file(path, NULL);
    if (!txt) {
        printf("SKIP: %s absent; protocol error cases not checked\n", path);
        free(path);
        return -1;
    }
    free(path);
    cJSON *root = cJSON_Parse(txt);
    assert_non_null(root);
    int ran = 0;
    const cJSON *suite;
    cJSON_ArrayForEach(suite, root)
    {
        const cJSON *c;
        cJSON_ArrayForEach(c, cJSON_GetObjectItem(suite, "cases"))
        {
            const char *want_code = cJSON_GetStringValue(cJSON_GetObjectItem(c, "errorCode"));
            if (!want_code)
                continue;
            const char *want_msg = cJSON_GetStringValue(cJSON_GetObjectItem(c, "errorMessage"));
            const cJSON *resp = cJSON_GetObjectItem(c, "response");
            const char *body = cJSON_GetStringValue(cJSON_GetObjectItem(resp, "body"));
            const char *etype = header_ci(cJSON_GetObjectItem(resp, "headers"), "x-amzn-errortype");
            char code[128], msg[256];
            int rc = query ? aws_parse_query_error(body, body ? strlen(body) : 0, code, sizeof code,
                                                   msg, sizeof msg)
                           : aws_parse_rest_json_error(etype, body, body ? strlen(body) : 0, code,
                                                       sizeof code, msg, sizeof msg);
            const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(c, "id"));
            if (rc != 0 || strcmp(code, want_code) != 0)
                fail_msg("%s: want code '%s', got '%s' (rc %d)", id, want_code, code, rc);
            if (want_msg && strcmp(msg, want_msg) != 0)
                fail_msg("%s: want message '%s', got '%s'", id, want_msg, msg);
            ran++;
        }
    }
    cJSON_Delete(root);
    free(txt);
    return ran;
}

static void test_protocol_rest_json(void **state)
{
    (void)state;
    int n = run_protocol_errors("rest-json.json", false);
    if (n < 0)
        skip();
    printf("rest-json error cases: %d\n", n);
    assert_int_equal(n, 12);
}

static void test_protocol_query(void **state)
{
    (void)state;
    int n = run_protocol_errors("query.json", true);
    if (n < 0)
        skip();
    printf("query error cases: %d\n", n);
    assert_int_equal(n, 3);
}

static void test_rest_json_order_and_sanitize(void **state)
{
    (void)state;
    char code[64], msg[64];
    /* header wins over body */
    const char *b = "{\"code\":\"B\",\"__type\":\"C\",\"message\":\"m1\"}";
    assert_int_equal(aws_parse_rest_json_error("ns#A:http://x", b, strlen(b), code, sizeof code,
                                               msg, sizeof msg), 0);
    assert_string_equal(code, "A");
    assert_string_equal(msg, "m1");
    /* body code (any case) before __type */
    b = "{\"Code\":\"B,extra\",\"__type\":\"C\",\"Message\":\"m2\"}";
    assert_int_equal(aws_parse_rest_json_error(NULL, b, strlen(b), code, sizeof code, msg,
                                               sizeof msg), 0);
    assert_string_equal(code, "B");
    assert_string_equal(msg, "m2");
    b = "{\"__type\":\"com.amazon.coral.validate#ValidationException\"}";
    assert_int_equal(aws_parse_rest_json_error("", b, strlen(b), code, sizeof code, msg,
                                               sizeof msg), 0);
    assert_string_equal(code, "ValidationException");
    assert_string_equal(msg, "");
    /* not JSON, wrong types, truncated: no name, no crash */
    const char *bad[] = {"<html>502</html>", "[1,2]", "{\"code\":5}", "{\"code\":\"X", "", "null"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(aws_parse_rest_json_error(NULL, bad[i], strlen(bad[i]), code, sizeof code,
                                                   msg, sizeof msg), -1);
        assert_string_equal(code, "");
    }
    /* tiny buffers are still terminated; control characters are removed */
    b = "{\"__type\":\"VeryLongErrorName\",\"message\":\"a\\u001b[31mb\"}";
    char small[5];
    assert_int_equal(aws_parse_rest_json_error(NULL, b, strlen(b), small, sizeof small, msg,
                                               sizeof msg), 0);
    assert_string_equal(small, "Very");
    assert_null(strchr(msg, '\x1b'));
}

static void test_query_error(void **state)
{
    (void)state;
    char code[64], msg[128];
    const char *x = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                    "<Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>"
                    "<Message>The security token &amp; &lt;id&gt; &#39;bad&#x27;</Message></Error>"
                    "<RequestId>r</RequestId></ErrorResponse>";
    assert_int_equal(aws_parse_query_error(x, strlen(x), code, sizeof code, msg, sizeof msg), 0);
    assert_string_equal(code, "InvalidClientTokenId");
    assert_string_equal(msg, "The security token & <id> 'bad'");
    const char *bad[] = {"", "<Error>", "<Error><Code>X", "<ErrorResponse/>", "not xml",
                         "<Errors><Code>Y</Code></Errors>"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(aws_parse_query_error(bad[i], strlen(bad[i]), code, sizeof code, msg,
                                               sizeof msg), -1);
    /* length bound respected: the Code is outside the given length */
    const char *cut = "<Error><Code>Throttling</Code></Error>";
    assert_int_equal(aws_parse_query_error(cut, 20, code, sizeof code, msg, sizeof msg), -1);
    assert_int_equal(aws_parse_query_error(cut, strlen(cut), code, sizeof code, msg, sizeof msg), 0);
    assert_string_equal(code, "Throttling");
}

static void test_classification(void **state)
{
    (void)state;
    assert_true(aws_error_is_throttling("ThrottlingException"));
    assert_true(aws_error_is_throttling("Throttling"));
    assert_false(aws_error_is_throttling("ValidationException"));
    assert_false(aws_error_is_throttling(NULL));
    assert_true(aws_error_is_transient("", 503));
    assert_true(aws_error_is_transient("RequestTimeout", 400));
    assert_false(aws_error_is_transient("ConflictException", 400));
    assert_false(aws_error_is_transient("", 501));
    assert_true(aws_error_is_clock_skew("SignatureDoesNotMatch"));
    assert_true(aws_error_is_clock_skew("RequestTimeTooSkewed"));
    assert_false(aws_error_is_clock_skew("AccessDeniedException"));

    assert_int_equal(aws_error_status("AccessDeniedException", 403), CC_EDENIED);
    assert_int_equal(aws_error_status("AccessDenied", 403), CC_EDENIED);
    assert_int_equal(aws_error_status("InvalidClientTokenId", 403), CC_EDENIED);
    assert_int_equal(aws_error_status("UnrecognizedClientException", 403), CC_EDENIED);
    assert_int_equal(aws_error_status("", 403), CC_EDENIED);
    assert_int_equal(aws_error_status("ThrottlingException", 429), CC_EAWS);
    assert_int_equal(aws_error_status("InternalServerException", 500), CC_EAWS);
    assert_int_equal(aws_error_status("", 502), CC_EAWS);
    assert_int_equal(aws_error_status("ConflictException", 400), 0);
    assert_int_equal(aws_error_status("ResourceNotFoundException", 404), 0);
    assert_int_equal(aws_error_status("ValidationException", 400), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_protocol_rest_json),
        cmocka_unit_test(test_protocol_query),
        cmocka_unit_test(test_rest_json_order_and_sanitize),
        cmocka_unit_test(test_query_error),
        cmocka_unit_test(test_classification),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
