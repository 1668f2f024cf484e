/*
 * test_sts.c - the STS answer parsers and the strict XML reader: the
 * documented shapes (element order free, namespaces, pretty-printed or not),
 * entities, and clear CC_EINPUT errors for malformed, truncated, hostile
 * (DOCTYPE, deep nesting) or wrong-typed answers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/sts.h"

static const char caller_doc[] =
    "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
    "  <GetCallerIdentityResult>\n"
    "    <Arn>arn:aws:iam::123456789012:user/Alice</Arn>\n"
    "    <UserId>AKIAI44QH8DHBEXAMPLE</UserId>\n"
    "    <Account>123456789012</Account>\n"
    "  </GetCallerIdentityResult>\n"
    "  <ResponseMetadata>\n"
    "    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>\n"
    "  </ResponseMetadata>\n"
    "</GetCallerIdentityResponse>\n";

static int parse_id(const char *doc, sts_identity *id, cc_err *err)
{
    cc_err_clear(err);
    return sts_parse_caller_identity(doc, strlen(doc), id, err);
}

static void caller_identity_documented(void **state)
{
    (void)state;
    sts_identity id;
    cc_err err;
    assert_int_equal(parse_id(caller_doc, &id, &err), 0);
    assert_string_equal(id.account, "123456789012");
    assert_string_equal(id.arn, "arn:aws:iam::123456789012:user/Alice");
    assert_string_equal(id.user_id, "AKIAI44QH8DHBEXAMPLE");
    sts_identity_free(&id);
    assert_null(id.arn);
}

static void caller_identity_variants(void **state)
{
    (void)state;
    sts_identity id;
    cc_err err;
    /* botocore's functional test order, no namespace, one line, a declaration and a comment. */
    const char *doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><!-- hi --><GetCallerIdentityResponse>"
                      "<GetCallerIdentityResult><Account>123456789012</Account><UserId>AROA:me@x.com</UserId>"
                      "<Arn>arn:aws:sts::123456789012:assumed-role/R/me@x.com</Arn></GetCallerIdentityResult>"
                      "</GetCallerIdentityResponse>";
    assert_int_equal(parse_id(doc, &id, &err), 0);
    assert_string_equal(id.arn, "arn:aws:sts::123456789012:assumed-role/R/me@x.com");
    assert_string_equal(id.user_id, "AROA:me@x.com");
    sts_identity_free(&id);
    /* Namespace prefixes, entities, CDATA and a character reference. */
    doc = "<a:GetCallerIdentityResponse xmlns:a='x'><a:GetCallerIdentityResult>"
          "<a:Arn>arn:aws:iam::123456789012:user/a&amp;b&#x41;<![CDATA[<c>]]></a:Arn>"
          "<a:Account>123456789012</a:Account></a:GetCallerIdentityResult></a:GetCallerIdentityResponse>";
    assert_int_equal(parse_id(doc, &id, &err), 0);
    assert_string_equal(id.arn, "arn:aws:iam::123456789012:user/a&bA<c>");
    assert_null(id.user_id); /* optional */
    sts_identity_free(&id);
}

static void caller_identity_errors(void **state)
{
    (void)state;
    sts_identity id;
    cc_err err;
    struct {
        const char *doc, *needle;
    } cases[] = {
        {"", "empty"},
        {"{\"Arn\":\"x\"}", "not XML"},
        {"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::1:user/a</Arn>", "truncated"},
        {"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>a</Account></GetCallerIdentityResult>"
         "</GetCallerIdentityResponse>",
         "does not match"},
        {"<!DOCTYPE x [<!ENTITY e \"boom\">]><GetCallerIdentityResponse/>", "DOCTYPE"},
        {"<GetCallerIdentityResponse>&e;</GetCallerIdentityResponse>", "unknown entity"},
        {"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/a</Arn>"
         "</GetCallerIdentityResult></GetCallerIdentityResponse>",
         "lacks GetCallerIdentityResponse/GetCallerIdentityResult/Account"},
        {"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/a</Arn>"
         "<Account>12345</Account></GetCallerIdentityResult></GetCallerIdentityResponse>",
         "12-digit"},
        {"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>not-an-arn</Arn>"
         "<Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>",
         "not an ARN"},
        {"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn><x/></Arn>"
         "<Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>",
         "should be text"},
        {"<GetSessionTokenResponse/>", "expected <GetCallerIdentityResponse>"},
        {"<GetCallerIdentityResponse></GetCallerIdentityResponse>trailing", "text after the root"},
        {"<a b=c/>", "quoted attribute"},
        {"<a>&#0;</a>", "out of range"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = parse_id(cases[i].doc, &id, &err);
        if (rc != CC_EINPUT || !strstr(err.message, cases[i].needle))
            fail_msg("case %zu: rc %d, message '%s', wanted '%s'", i, rc, err.message, cases[i].needle);
        assert_null(id.arn);
    }
    /* An STS error document is reported by its code. */
    const char *edoc = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                       "<Code>InvalidClientTokenId</Code><Message>bad</Message></Error><RequestId>r</RequestId>"
                       "</ErrorResponse>";
    assert_int_equal(parse_id(edoc, &id, &err), CC_EAWS);
    assert_non_null(strstr(err.message, "InvalidClientTokenId"));
}

static void nesting_and_size_bounds(void **state)
{
    (void)state;
    size_t depth = 100000;
    char *doc = malloc(depth * 3 + 1);
    assert_non_null(doc);
    for (size_t i = 0; i < depth; i++)
        memcpy(doc + 3 * i, "<a>", 3);
    doc[depth * 3] = '\0';
    sts_identity id;
    cc_err err;
    assert_int_equal(parse_id(doc, &id, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "nested too deeply"));
    free(doc);
    /* Many siblings: bounded element count. */
    size_t n = 10000;
    doc = malloc(n * 4 + 8);
    assert_non_null(doc);
    strcpy(doc, "<r>");
    for (size_t i = 0; i < n; i++)
        strcat(doc + 3 + 4 * i, "<b/>");
    strcat(doc, "</r>");
    assert_int_equal(parse_id(doc, &id, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "too many elements"));
    free(doc);
    /* Over the body limit. */
    size_t big = STS_MAX_BODY + 1;
    doc = malloc(big + 1);
    assert_non_null(doc);
    memset(doc, ' ', big);
    doc[big] = '\0';
    assert_int_equal(parse_id(doc, &id, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "too large"));
    free(doc);
}

static void session_credentials(void **state)
{
    (void)state;
    const char *doc = "<GetSessionTokenResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                      "<GetSessionTokenResult><Credentials>"
                      "<SessionToken>AQoEXAMPLEH4aoAH0gNCAPy</SessionToken>"
                      "<SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>"
                      "<Expiration>2011-07-11T19:55:29.611Z</Expiration>"
                      "<AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>"
                      "</Credentials></GetSessionTokenResult>"
                      "<ResponseMetadata><RequestId>58c5dbae</RequestId></ResponseMetadata>"
                      "</GetSessionTokenResponse>";
    aws_credentials c;
    cc_err err;
    assert_int_equal(sts_parse_credentials("GetSessionToken", doc, strlen(doc), &c, &err), 0);
    assert_string_equal(c.access_key_id, "ASIAIOSFODNN7EXAMPLE");
    assert_string_equal(c.secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
    assert_string_equal(c.session_token, "AQoEXAMPLEH4aoAH0gNCAPy");
    assert_int_equal((long long)c.expiration, 1310414129LL);
    aws_credentials_wipe(&c);

    /* Wrong action, a missing member, a bad time: errors that never echo the secret. */
    assert_int_equal(sts_parse_credentials("AssumeRole", doc, strlen(doc), &c, &err), CC_EINPUT);
    assert_null(c.access_key_id);
    const char *nosess = "<GetSessionTokenResponse><GetSessionTokenResult><Credentials>"
                         "<SecretAccessKey>TOPSECRET</SecretAccessKey><Expiration>2011-07-11T19:55:29Z</Expiration>"
                         "<AccessKeyId>ASIA</AccessKeyId></Credentials></GetSessionTokenResult>"
                         "</GetSessionTokenResponse>";
    assert_int_equal(sts_parse_credentials("GetSessionToken", nosess, strlen(nosess), &c, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "SessionToken"));
    assert_null(strstr(err.message, "TOPSECRET"));
    const char *badtime = "<GetSessionTokenResponse><GetSessionTokenResult><Credentials>"
                          "<SessionToken>t</SessionToken><SecretAccessKey>TOPSECRET</SecretAccessKey>"
                          "<Expiration>tomorrow</Expiration><AccessKeyId>ASIA</AccessKeyId></Credentials>"
                          "</GetSessionTokenResult></GetSessionTokenResponse>";
    assert_int_equal(sts_parse_credentials("GetSessionToken", badtime, strlen(badtime), &c, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "Expiration"));
    assert_null(c.secret_access_key);
}

static void assume_role_credentials(void **state)
{
    (void)state;
    const char *doc = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
                      "<SourceIdentity>s</SourceIdentity><AssumedRoleUser>"
                      "<Arn>arn:aws:sts::123456789012:assumed-role/demo/John</Arn>"
                      "<AssumedRoleId>ARO123EXAMPLE123:John</AssumedRoleId></AssumedRoleUser>"
                      "<Credentials><AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>"
                      "<SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>"
                      "<SessionToken>IQoJb3JpZ2luX2VjEOz</SessionToken>"
                      "<Expiration>2019-11-09T13:34:41+00:00</Expiration></Credentials>"
                      "<PackedPolicySize>6</PackedPolicySize></AssumeRoleResult>"
                      "<ResponseMetadata><RequestId>c6104cbe</RequestId></ResponseMetadata></AssumeRoleResponse>";
    aws_credentials c;
    cc_err err;
    assert_int_equal(sts_parse_credentials("AssumeRole", doc, strlen(doc), &c, &err), 0);
    assert_string_equal(c.access_key_id, "ASIAIOSFODNN7EXAMPLE");
    assert_string_equal(c.session_token, "IQoJb3JpZ2luX2VjEOz");
    assert_int_equal((long long)c.expiration, 1573306481LL);
    assert_string_equal(c.source, "sts:AssumeRole");
    aws_credentials_wipe(&c);
}

static void xml_text_lookup(void **state)
{
    (void)state;
    const char *doc = "<ErrorResponse><Error><Type>Sender</Type><Code> Throttling </Code>"
                      "<Message>Rate exceeded</Message></Error></ErrorResponse>";
    char out[64];
    cc_err err;
    assert_int_equal(sts_xml_text(doc, strlen(doc), "ErrorResponse/Error/Code", out, sizeof out, &err), 0);
    assert_string_equal(out, "Throttling");
    assert_int_equal(sts_xml_text(doc, strlen(doc), "ErrorResponse/Error/Nope", out, sizeof out, &err), CC_EINPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(caller_identity_documented), cmocka_unit_test(caller_identity_variants),
        cmocka_unit_test(caller_identity_errors),     cmocka_unit_test(nesting_and_size_bounds),
        cmocka_unit_test(session_credentials),        cmocka_unit_test(assume_role_credentials),
        cmocka_unit_test(xml_text_lookup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
