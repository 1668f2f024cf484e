/*
 * test_keyring.c - the keyring interface against libsecret's file back end
 * (SECRET_BACKEND=file, no D-Bus): store, lookup, replace, delete, kinds
 * kept apart, "not found"; the payload format; account names; timestamps;
 * and the "no D-Bus session" diagnosis.  The real Secret Service is covered
 * by tests/integration/keyring_secret_service.sh.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clinecfg/keyring.h"
#include "clinecfg/secret.h"

static char tmpdir[256];

static int group_setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "%s/clinecfg-test-keyring.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir))
        return -1;
    char path[512];
    snprintf(path, sizeof path, "%s/test.keyring", tmpdir);
    setenv("SECRET_BACKEND", "file", 1);
    setenv("SECRET_FILE_TEST_PATH", path, 1);
    setenv("SECRET_FILE_TEST_PASSWORD", "unit-test-password", 1);
    unsetenv("CLINECFG_KEYRING_TIMEOUT");
    unsetenv("CLINECFG_ACCOUNT");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static keyring *open_file_keyring(void)
{
    keyring *kr = NULL;
    cc_err err;
    cc_err_clear(&err);
    keyring_opts o = {.no_prompt = true, .timeout_ms = 5000};
    int rc = keyring_open(&kr, &o, &err);
    if (rc)
        fprintf(stderr, "keyring_open: %s (%s)\n", err.message, err.code);
    assert_int_equal(rc, 0);
    assert_non_null(kr);
    assert_non_null(strstr(keyring_describe(kr), "file back end"));
    return kr;
}

static void test_store_lookup_replace_delete(void **state)
{
    (void)state;
    keyring *kr = open_file_keyring();
    cc_err err;
    cc_err_clear(&err);
    char *p = NULL;

    assert_int_equal(keyring_lookup(kr, "unit-a", KEYRING_LONG_TERM, &p, &err), KEYRING_NOT_FOUND);
    assert_null(p);
    assert_int_equal(keyring_delete(kr, "unit-a", KEYRING_ANY, &err), KEYRING_NOT_FOUND);

    assert_int_equal(keyring_store(kr, "unit-a", KEYRING_LONG_TERM, "{\"first\":1}", &err), 0);
    assert_int_equal(keyring_lookup(kr, "unit-a", KEYRING_LONG_TERM, &p, &err), 0);
    assert_string_equal(p, "{\"first\":1}");
    keyring_payload_free(p);

    /* Replace: same attributes, new payload, still exactly one item. */
    assert_int_equal(keyring_store(kr, "unit-a", KEYRING_LONG_TERM, "{\"second\":2}", &err), 0);
    assert_int_equal(keyring_lookup(kr, "unit-a", KEYRING_LONG_TERM, &p, &err), 0);
    assert_string_equal(p, "{\"second\":2}");
    keyring_payload_free(p);

    /* Kinds and accounts are separate items. */
    assert_int_equal(keyring_lookup(kr, "unit-a", KEYRING_SESSION, &p, &err), KEYRING_NOT_FOUND);
    assert_int_equal(keyring_lookup(kr, "unit-b", KEYRING_LONG_TERM, &p, &err), KEYRING_NOT_FOUND);
    assert_int_equal(keyring_store(kr, "unit-a", KEYRING_SESSION, "{\"session\":1}", &err), 0);
    assert_int_equal(keyring_store(kr, "unit-b", KEYRING_LONG_TERM, "{\"b\":1}", &err), 0);

    /* Deleting one kind leaves the other. */
    assert_int_equal(keyring_delete(kr, "unit-a", KEYRING_SESSION, &err), 0);
    assert_int_equal(keyring_lookup(kr, "unit-a", KEYRING_SESSION, &p, &err), KEYRING_NOT_FOUND);
    assert_int_equal(keyring_lookup(kr, "unit-a", KEYRING_LONG_TERM, &p, &err), 0);
    keyring_payload_free(p);

    /* The SSO sign-in is an item kind of its own. */
    assert_string_equal(keyring_kind_name(KEYRING_SSO), "sso");
    assert_int_equal(keyring_lookup(kr, "unit-a", KEYRING_SSO, &p, &err), KEYRING_NOT_FOUND);
    assert_int_equal(keyring_store(kr, "unit-a", KEYRING_SSO, "{\"sso\":1}", &err), 0);
    assert_int_equal(keyring_lookup(kr, "unit-a", KEYRING_SSO, &p, &err), 0);
    assert_string_equal(p, "{\"sso\":1}");
    keyring_payload_free(p);

    /* ANY removes every item of the account (the SSO sign-in too) and nothing of another. */
    assert_int_equal(keyring_store(kr, "unit-a", KEYRING_SESSION, "{\"session\":2}", &err), 0);
    assert_int_equal(keyring_delete(kr, "unit-a", KEYRING_ANY, &err), 0);
    assert_int_equal(keyring_lookup(kr, "unit-a", KEYRING_LONG_TERM, &p, &err), KEYRING_NOT_FOUND);
    assert_int_equal(keyring_lookup(kr, "unit-a", KEYRING_SESSION, &p, &err), KEYRING_NOT_FOUND);
    assert_int_equal(keyring_lookup(kr, "unit-a", KEYRING_SSO, &p, &err), KEYRING_NOT_FOUND);
    assert_int_equal(keyring_lookup(kr, "unit-b", KEYRING_LONG_TERM, &p, &err), 0);
    assert_string_equal(p, "{\"b\":1}");
    keyring_payload_free(p);
    keyring_close(kr);

    /* A new handle sees the item. */
    kr = open_file_keyring();
    assert_int_equal(keyring_lookup(kr, "unit-b", KEYRING_LONG_TERM, &p, &err), 0);
    keyring_payload_free(p);
    assert_int_equal(keyring_delete(kr, "unit-b", KEYRING_LONG_TERM, &err), 0);
    keyring_close(kr);
}

static void test_file_is_not_plain_text(void **state)
{
    (void)state;
    keyring *kr = open_file_keyring();
    cc_err err;
    cc_err_clear(&err);
    assert_int_equal(keyring_store(kr, "unit-c", KEYRING_LONG_TERM, "{\"marker\":\"PLAINTEXTMARKER42\"}", &err), 0);
    keyring_close(kr);
    char path[512], cmd[700];
    snprintf(path, sizeof path, "%s/test.keyring", tmpdir);
    snprintf(cmd, sizeof cmd, "grep -q PLAINTEXTMARKER42 '%s'", path);
    assert_int_not_equal(system(cmd), 0);
    kr = open_file_keyring();
    assert_int_equal(keyring_delete(kr, "unit-c", KEYRING_ANY, &err), 0);
    keyring_close(kr);
}

static void test_file_backend_without_password(void **state)
{
    (void)state;
    unsetenv("SECRET_FILE_TEST_PASSWORD");
    keyring *kr = NULL;
    cc_err err;
    cc_err_clear(&err);
    keyring_opts o = {.no_prompt = true};
    int rc = keyring_open(&kr, &o, &err);
    setenv("SECRET_FILE_TEST_PASSWORD", "unit-test-password", 1);
    assert_int_equal(rc, CC_EKEYRING);
    assert_null(kr);
    assert_string_equal(err.code, "keyring.file_backend");
}

static void test_no_dbus_session(void **state)
{
    (void)state;
    char *saved_backend = strdup(getenv("SECRET_BACKEND"));
    const char *a = getenv("DBUS_SESSION_BUS_ADDRESS"), *d = getenv("DISPLAY"), *x = getenv("XDG_RUNTIME_DIR");
    char *sa = a ? strdup(a) : NULL, *sd = d ? strdup(d) : NULL, *sx = x ? strdup(x) : NULL;
    unsetenv("SECRET_BACKEND");
    unsetenv("DBUS_SESSION_BUS_ADDRESS");
    unsetenv("DISPLAY");
    setenv("XDG_RUNTIME_DIR", tmpdir, 1); /* no "bus" socket there */
    keyring *kr = NULL;
    cc_err err;
    cc_err_clear(&err);
    keyring_opts o = {.no_prompt = true, .timeout_ms = 3000};
    int rc = keyring_open(&kr, &o, &err);
    setenv("SECRET_BACKEND", saved_backend, 1);
    free(saved_backend);
    if (sa) setenv("DBUS_SESSION_BUS_ADDRESS", sa, 1);
    if (sd) setenv("DISPLAY", sd, 1);
    if (sx) setenv("XDG_RUNTIME_DIR", sx, 1); else unsetenv("XDG_RUNTIME_DIR");
    free(sa);
    free(sd);
    free(sx);
    assert_int_equal(rc, CC_EKEYRING);
    assert_int_equal(cc_exit_code(rc), 7);
    assert_null(kr);
    assert_string_equal(err.code, "keyring.no_dbus");
    assert_non_null(strstr(err.message, "DBUS_SESSION_BUS_ADDRESS"));
    assert_true(err.hint[0] != '\0');
}

static void test_bad_timeout_env(void **state)
{
    (void)state;
    setenv("CLINECFG_KEYRING_TIMEOUT", "soon", 1);
    keyring *kr = NULL;
    cc_err err;
    cc_err_clear(&err);
    keyring_opts o = {0};
    int rc = keyring_open(&kr, &o, &err);
    unsetenv("CLINECFG_KEYRING_TIMEOUT");
    assert_int_equal(rc, CC_EINPUT);
    assert_string_equal(err.code, "env.keyring_timeout");
}

static void test_account_names(void **state)
{
    (void)state;
    cc_err err;
    assert_int_equal(keyring_check_account("default", &err), 0);
    assert_int_equal(keyring_check_account("alice@example.com", &err), 0);
    assert_int_equal(keyring_check_account("team_a-1.2+x", &err), 0);
    assert_int_equal(keyring_check_account("", &err), CC_EUSAGE);
    assert_int_equal(keyring_check_account("-x", &err), CC_EUSAGE);
    assert_int_equal(keyring_check_account("a b", &err), CC_EUSAGE);
    assert_int_equal(keyring_check_account("a/b", &err), CC_EUSAGE);
    assert_int_equal(keyring_check_account("x\"y", &err), CC_EUSAGE);
    char longname[KEYRING_ACCOUNT_MAX + 2];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(keyring_check_account(longname, &err), CC_EUSAGE);
    longname[KEYRING_ACCOUNT_MAX] = '\0';
    assert_int_equal(keyring_check_account(longname, &err), 0);

    unsetenv("CLINECFG_ACCOUNT");
    assert_string_equal(keyring_account_name(NULL), "default");
    setenv("CLINECFG_ACCOUNT", "work", 1);
    assert_string_equal(keyring_account_name(NULL), "work");
    assert_string_equal(keyring_account_name("flag"), "flag");
    unsetenv("CLINECFG_ACCOUNT");
}

static void test_payload_round_trip(void **state)
{
    (void)state;
    cc_err err;
    keyring_record r;
    memset(&r, 0, sizeof r);
    r.creds.access_key_id = secret_dup("ASIAEXAMPLE000000001");
    r.creds.secret_access_key = secret_dup("se\"cret\\with/odd+chars\n");
    r.creds.session_token = secret_dup("TOKEN//xyz==");
    r.creds.expiration = 1798761600; /* 2027-01-01T00:00:00Z */
    r.stored_at = 1798758000;
    snprintf(r.arn, sizeof r.arn, "arn:aws:iam::123456789012:user/alice");
    snprintf(r.account, sizeof r.account, "123456789012");
    char *p = NULL;
    assert_int_equal(keyring_record_to_payload(&r, KEYRING_SESSION, &p, &err), 0);
    assert_non_null(strstr(p, "\"expiration\":\"2027-01-01T00:00:00Z\""));
    assert_non_null(strstr(p, "\"type\":\"session\""));

    keyring_record back;
    assert_int_equal(keyring_record_from_payload(p, KEYRING_SESSION, &back, &err), 0);
    assert_string_equal(back.creds.access_key_id, r.creds.access_key_id);
    assert_string_equal(back.creds.secret_access_key, r.creds.secret_access_key);
    assert_string_equal(back.creds.session_token, r.creds.session_token);
    assert_int_equal(back.creds.expiration, r.creds.expiration);
    assert_int_equal(back.stored_at, r.stored_at);
    assert_string_equal(back.arn, r.arn);
    assert_string_equal(back.account, "123456789012");
    keyring_record_wipe(&back);
    assert_null(back.creds.access_key_id);

    /* The wrong kind is refused. */
    assert_int_equal(keyring_record_from_payload(p, KEYRING_LONG_TERM, &back, &err), CC_EKEYRING);
    assert_string_equal(err.code, "keyring.payload");
    keyring_payload_free(p);
    keyring_record_wipe(&r);
}

static void test_payload_rejects(void **state)
{
    (void)state;
    cc_err err;
    keyring_record r;
    const char *bad[] = {
        "",
        "not json",
        "[]",
        "{\"version\":2,\"type\":\"long-term\",\"access_key_id\":\"A\",\"secret_access_key\":\"B\"}",
        "{\"version\":1,\"type\":\"long-term\",\"access_key_id\":\"A\"}",
        "{\"version\":1,\"type\":\"long-term\",\"access_key_id\":1,\"secret_access_key\":\"B\"}",
        "{\"version\":1,\"type\":\"session\",\"access_key_id\":\"A\",\"secret_access_key\":\"B\"}",
        "{\"version\":1,\"type\":\"session\",\"access_key_id\":\"A\",\"secret_access_key\":\"B\",\"expiration\":\"soon\"}",
    };
    keyring_kind kinds[] = {KEYRING_LONG_TERM, KEYRING_LONG_TERM, KEYRING_LONG_TERM, KEYRING_LONG_TERM,
                            KEYRING_LONG_TERM, KEYRING_LONG_TERM, KEYRING_SESSION, KEYRING_SESSION};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cc_err_clear(&err);
        int rc = keyring_record_from_payload(bad[i], kinds[i], &r, &err);
        if (rc != CC_EKEYRING)
            fprintf(stderr, "case %zu accepted\n", i);
        assert_int_equal(rc, CC_EKEYRING);
        assert_null(r.creds.access_key_id);
        /* Messages never quote the payload. */
        assert_null(strstr(err.message, "\"B\""));
    }
    /* A session item may be only the "denied" marker. */
    assert_int_equal(keyring_record_from_payload(
                         "{\"version\":1,\"type\":\"session\",\"session_denied_until\":\"2030-01-01T00:00:00Z\"}",
                         KEYRING_SESSION, &r, &err),
                     0);
    assert_null(r.creds.access_key_id);
    assert_true(r.session_denied_until > 0);
    keyring_record_wipe(&r);
}

static void test_time_parse_format(void **state)
{
    (void)state;
    time_t t;
    char buf[32];
    assert_int_equal(keyring_parse_time("1970-01-01T00:00:00Z", &t), 0);
    assert_int_equal(t, 0);
    assert_int_equal(keyring_parse_time("2026-11-28T16:00:00Z", &t), 0);
    keyring_format_time(t, buf);
    assert_string_equal(buf, "2026-11-28T16:00:00Z");
    assert_int_equal(keyring_parse_time("2026-11-28T16:00:00.123Z", &t), 0);
    keyring_format_time(t, buf);
    assert_string_equal(buf, "2026-11-28T16:00:00Z");
    assert_int_equal(keyring_parse_time("2026-11-28T18:00:00+02:00", &t), 0);
    keyring_format_time(t, buf);
    assert_string_equal(buf, "2026-11-28T16:00:00Z");
    assert_int_equal(keyring_parse_time("2024-02-29T12:00:00Z", &t), 0);
    assert_int_equal(t, 1709208000);
    assert_int_equal(keyring_parse_time("2026-11-28 16:00:00Z", &t), -1);
    assert_int_equal(keyring_parse_time("2026-13-28T16:00:00Z", &t), -1);
    assert_int_equal(keyring_parse_time("2026-11-28T16:00:00", &t), -1);
    assert_int_equal(keyring_parse_time("2026-11-28T16:00:00Zjunk", &t), -1);
}

static void test_secret_read_fd(void **state)
{
    (void)state;
    int fds[2];
    cc_err err;
    char *s = NULL;
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "  wJalrXUtnFEMI/K7MDENG  \r\nnext line\n", 37), 37);
    close(fds[1]);
    assert_int_equal(secret_read_fd(fds[0], "the secret", &s, &err), 0);
    assert_string_equal(s, "wJalrXUtnFEMI/K7MDENG");
    secret_free(s);
    /* Only the first line was consumed. */
    assert_int_equal(secret_read_fd(fds[0], "the secret", &s, &err), 0);
    assert_string_equal(s, "next line");
    secret_free(s);
    assert_int_equal(secret_read_fd(fds[0], "the secret", &s, &err), CC_EINPUT);
    assert_string_equal(err.code, "input.empty");
    assert_null(s);
    close(fds[0]);
}

/* The credential chain's keyring source: the long-term keys of an account. */
static void test_creds_source(void **state)
{
    (void)state;
    keyring *kr = open_file_keyring();
    cc_err err;
    cc_err_clear(&err);
    keyring_record r;
    memset(&r, 0, sizeof r);
    r.creds.access_key_id = secret_dup("AKIAUNITTEST00000001");
    r.creds.secret_access_key = secret_dup("unit/secret/unit/secret/unit/secret/unit");
    snprintf(r.account, sizeof r.account, "123456789012");
    char *p = NULL;
    assert_int_equal(keyring_record_to_payload(&r, KEYRING_LONG_TERM, &p, &err), 0);
    assert_int_equal(keyring_store(kr, "unit-src", KEYRING_LONG_TERM, p, &err), 0);
    keyring_payload_free(p);
    keyring_record_wipe(&r);
    keyring_close(kr);

    keyring_source_opts so = {.account = "unit-src", .no_prompt = true};
    aws_credentials c;
    assert_int_equal(keyring_creds_source(&so, &c, &err), 0);
    assert_string_equal(c.access_key_id, "AKIAUNITTEST00000001");
    assert_string_equal(c.secret_access_key, "unit/secret/unit/secret/unit/secret/unit");
    assert_null(c.session_token);
    assert_int_equal(c.expiration, 0);
    assert_string_equal(c.source, "keyring:unit-src");
    assert_string_equal(c.account_id, "123456789012");
    secret_free(c.access_key_id);
    secret_free(c.secret_access_key);

    so.account = "unit-nothing";
    assert_int_equal(keyring_creds_source(&so, &c, &err), KEYRING_NOT_FOUND);
    assert_null(c.access_key_id);
    so.account = "bad name";
    assert_int_equal(keyring_creds_source(&so, &c, &err), CC_EUSAGE);

    kr = open_file_keyring();
    assert_int_equal(keyring_delete(kr, "unit-src", KEYRING_ANY, &err), 0);
    keyring_close(kr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_lookup_replace_delete),
        cmocka_unit_test(test_file_is_not_plain_text),
        cmocka_unit_test(test_file_backend_without_password),
        cmocka_unit_test(test_no_dbus_session),
        cmocka_unit_test(test_bad_timeout_env),
        cmocka_unit_test(test_account_names),
        cmocka_unit_test(test_payload_round_trip),
        cmocka_unit_test(test_payload_rejects),
        cmocka_unit_test(test_time_parse_format),
        cmocka_unit_test(test_secret_read_fd),
        cmocka_unit_test(test_creds_source),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
