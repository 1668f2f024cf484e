/*
 * test_credsource.c - credential sources: parsing --source, the
 * credential_process line setup writes for each source (awsconfig.c) and
 * reading it back (credsource_from_process_line), and the SSO payload's
 * cached role credentials.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/awsconfig.h"
#include "clinecfg/credsource.h"
#include "clinecfg/secret.h"
#include "clinecfg/ssosession.h"

static void test_parse(void **state)
{
    (void)state;
    credsource s;
    cc_err err;
    cc_err_clear(&err);
    assert_int_equal(credsource_parse("sso:default", &s, &err), 0);
    assert_int_equal(s.kind, CREDSOURCE_SSO);
    assert_string_equal(s.name, "default");
    assert_int_equal(credsource_parse("profile:dev-sso", &s, &err), 0);
    assert_int_equal(s.kind, CREDSOURCE_PROFILE);
    assert_int_equal(credsource_parse("keyring:work", &s, &err), 0);
    assert_int_equal(s.kind, CREDSOURCE_KEYRING);
    char spec[300];
    credsource_format(&s, spec, sizeof spec);
    assert_string_equal(spec, "keyring:work");
    static const char *const bad[] = {"sso:", "sso:bad name", "vault:x", "default", "profile:", "profile:a b",
                                      "keyring:-x", ":x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_not_equal(credsource_parse(bad[i], &s, &err), 0);
    credsource_endpoint ep;
    assert_int_equal(credsource_endpoint_parse("sso-oidc=http://127.0.0.1:9", &ep, &err), 0);
    assert_string_equal(ep.service, "sso-oidc");
    assert_string_equal(credsource_endpoint_env(ep.service), "AWS_ENDPOINT_URL_SSO_OIDC");
    assert_int_not_equal(credsource_endpoint_parse("bedrock=https://x", &ep, &err), 0);
    assert_int_not_equal(credsource_endpoint_parse("sts=ftp://x", &ep, &err), 0);
}

static void test_lines(void **state)
{
    (void)state;
    cc_err err;
    cc_err_clear(&err);
    char *cmd = NULL;
    credsource s;
    char path[4096];
    assert_int_equal(awsconfig_credential_process("/usr/bin/clinecfg", "work", &cmd, &err), 0);
    assert_string_equal(cmd, "/usr/bin/clinecfg credential-process --account work");
    assert_int_equal(credsource_from_process_line(cmd, &s), 1);
    assert_int_equal(s.kind, CREDSOURCE_KEYRING);
    assert_string_equal(s.name, "work");
    free(cmd);

    assert_int_equal(awsconfig_credential_process("/usr/bin/clinecfg", "sso:default", &cmd, &err), 0);
    assert_string_equal(cmd, "/usr/bin/clinecfg credential-process --source sso:default");
    assert_int_equal(credsource_from_process_line(cmd, &s), 1);
    assert_int_equal(s.kind, CREDSOURCE_SSO);
    assert_int_equal(awsconfig_process_program(cmd, path, sizeof path), 1);
    free(cmd);

    assert_int_equal(awsconfig_credential_process("/opt/my tools/clinecfg",
                                                  "profile:dev-sso sts=http://127.0.0.1:5 sso=http://127.0.0.1:6", &cmd,
                                                  &err),
                     0);
    assert_string_equal(cmd, "'/opt/my tools/clinecfg' credential-process --source profile:dev-sso --endpoint-sts "
                             "http://127.0.0.1:5 --endpoint-sso http://127.0.0.1:6");
    assert_int_equal(credsource_from_process_line(cmd, &s), 1);
    assert_int_equal(s.kind, CREDSOURCE_PROFILE);
    assert_string_equal(s.name, "dev-sso");
    assert_int_equal(awsconfig_process_program(cmd, path, sizeof path), 1);
    assert_string_equal(path, "/opt/my tools/clinecfg");
    free(cmd);

    assert_int_equal(credsource_from_process_line("/usr/bin/clinecfg credential-process", &s), 1);
    assert_string_equal(s.name, "default");
    assert_int_equal(credsource_from_process_line("aws-vault exec dev --json", &s), 0);
    assert_int_equal(credsource_from_process_line("/usr/bin/clinecfg credential-process --source nope:x", &s), 0);
}

static void test_payload_role_cache(void **state)
{
    (void)state;
    sso_session s;
    memset(&s, 0, sizeof s);
    s.start_url = secret_dup("https://example.awsapps.com/start");
    s.region = secret_dup("us-east-1");
    s.account_id = secret_dup("123456789012");
    s.role_name = secret_dup("Dev");
    s.client.client_id = secret_dup("cid");
    s.client.client_secret = secret_dup("csecret");
    s.token.access_token = secret_dup("atoken");
    s.token.expires_at = 2000000000;
    s.role.access_key_id = secret_dup("ASIAEXAMPLE000000000");
    s.role.secret_access_key = secret_dup("rolesecret");
    s.role.session_token = secret_dup("rolesession");
    s.role.expiration = 2000000100;
    cc_err err;
    cc_err_clear(&err);
    char *payload = NULL;
    assert_int_equal(sso_session_to_payload(&s, &payload, &err), 0);
    sso_session back;
    assert_int_equal(sso_session_from_payload(payload, &back, &err), 0);
    assert_string_equal(back.role.access_key_id, "ASIAEXAMPLE000000000");
    assert_string_equal(back.role.session_token, "rolesession");
    assert_int_equal((long)back.role.expiration, 2000000100L);
    assert_string_equal(back.role.account_id, "123456789012");
    secret_free(payload);
    sso_session_wipe(&back);
    /* Without cached role credentials the payload has none. */
    aws_credentials_wipe(&s.role);
    assert_int_equal(sso_session_to_payload(&s, &payload, &err), 0);
    assert_null(strstr(payload, "role_access_key_id"));
    assert_int_equal(sso_session_from_payload(payload, &back, &err), 0);
    assert_null(back.role.access_key_id);
    secret_free(payload);
    sso_session_wipe(&back);
    sso_session_wipe(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_payload_role_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
