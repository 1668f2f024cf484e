/*
 * test_awsfiles.c - locating and loading the AWS shared files
 * (src/aws/awsfiles.c).
 *
 * - Conformance: every case of ../shared/conformance/aws-config/
 *   config-file-location-tests.json, with the case's environment, platform
 *   and language-specific home (skipped, saying so, when the folder is
 *   absent).
 * - ~ expansion, empty variables, no home at all, the password-database
 *   fallback, and loading real files (missing, unreadable, a folder, too big,
 *   a syntax error).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "clinecfg/awsfiles.h"

/* A fake environment: NULL-terminated name/value pairs. */
typedef struct {
    const char *kv[16];
} fake_env;

static const char *fake_getenv(void *ud, const char *name)
{
    const fake_env *e = ud;
    for (size_t i = 0; e->kv[i]; i += 2)
        if (strcmp(e->kv[i], name) == 0)
            return e->kv[i + 1];
    return NULL;
}

static const char *json_getenv(void *ud, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive((const cJSON *)ud, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void conformance_locations(void **state)
{
    (void)state;
    char path[4200];
    const char *c = getenv("CLINECFG_CONFORMANCE");
    if (c && *c)
        snprintf(path, sizeof path, "%s/aws-config/config-file-location-tests.json", c);
    else
        snprintf(path, sizeof path, "%s/../shared/conformance/aws-config/config-file-location-tests.json",
                 test_top_dir());
    size_t len = 0;
    char *text = test_read_file(path, &len);
    if (!text) {
        printf("SKIP: AWS config conformance data absent (%s); not checking the 10 location cases\n", path);
        skip();
    }
    cJSON *root = cJSON_ParseWithLength(text, len);
    free(text);
    assert_non_null(root);
    int total = 0, failed = 0, windows = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(root, "tests")) {
        total++;
        const char *name = cJSON_GetObjectItemCaseSensitive(t, "name")->valuestring;
        const cJSON *env = cJSON_GetObjectItemCaseSensitive(t, "environment");
        const char *platform = cJSON_GetObjectItemCaseSensitive(t, "platform")->valuestring;
        const cJSON *lsh = cJSON_GetObjectItemCaseSensitive(t, "languageSpecificHome");
        awsfiles_opts o = {json_getenv, (void *)env, AWSFILES_POSIX, ""};
        if (strcmp(platform, "windows") == 0) {
            o.platform = AWSFILES_WINDOWS;
            windows++;
        } else {
            assert_string_equal(platform, "linux");
        }
        /* The case's own "home according to the language"; "" (none) when the
         * case has no such entry, so a wrong fallback cannot go unnoticed. */
        if (cJSON_IsString(lsh))
            o.fallback_home = lsh->valuestring;
        char *cfg = NULL, *cred = NULL;
        cc_err err = {0};
        int rc = awsfiles_locate_ex(&o, &cfg, &cred, &err);
        const char *wc = cJSON_GetObjectItemCaseSensitive(t, "configLocation")->valuestring;
        const char *ws = cJSON_GetObjectItemCaseSensitive(t, "credentialsLocation")->valuestring;
        if (rc != 0) {
            printf("FAIL location: %s: %s\n", name, err.message);
            failed++;
        } else if (strcmp(cfg, wc) != 0 || strcmp(cred, ws) != 0) {
            printf("FAIL location: %s: got %s / %s, want %s / %s\n", name, cfg, cred, wc, ws);
            failed++;
        }
        free(cfg);
        free(cred);
    }
    printf("aws-config location conformance: %d cases (%d windows), %d failed\n", total, windows, failed);
    cJSON_Delete(root);
    assert_int_equal(total, 10);
    assert_int_equal(failed, 0);
}

static void locate_expect(fake_env *e, awsfiles_platform plat, const char *fallback, const char *want_cfg,
                          const char *want_cred)
{
    awsfiles_opts o = {fake_getenv, e, plat, fallback};
    char *cfg = NULL, *cred = NULL;
    cc_err err = {0};
    int rc = awsfiles_locate_ex(&o, &cfg, &cred, &err);
    if (rc)
        fail_msg("locate failed: %s", err.message);
    assert_string_equal(cfg, want_cfg);
    assert_string_equal(cred, want_cred);
    free(cfg);
    free(cred);
}

static void tilde_and_empty_variables(void **state)
{
    (void)state;
    fake_env e1 = {{"HOME", "/h", "AWS_CONFIG_FILE", "~/cfg", "AWS_SHARED_CREDENTIALS_FILE", "~", NULL}};
    locate_expect(&e1, AWSFILES_POSIX, "", "/h/cfg", "/h");
    fake_env e2 = {{"HOME", "/h", "AWS_CONFIG_FILE", "~other/cfg", "AWS_SHARED_CREDENTIALS_FILE", "rel/creds", NULL}};
    locate_expect(&e2, AWSFILES_POSIX, "", "~other/cfg", "rel/creds");
    fake_env e3 = {{"HOME", "", "AWS_CONFIG_FILE", "", NULL}}; /* empty = unset */
    locate_expect(&e3, AWSFILES_POSIX, "/pw/home", "/pw/home/.aws/config", "/pw/home/.aws/credentials");
    fake_env e4 = {{"USERPROFILE", "C:\\Users\\a", "AWS_CONFIG_FILE", "~\\x\\config", NULL}};
    locate_expect(&e4, AWSFILES_WINDOWS, "", "C:\\Users\\a\\x\\config", "C:\\Users\\a\\.aws\\credentials");
    fake_env e5 = {{"HOME", "/", NULL}};
    locate_expect(&e5, AWSFILES_POSIX, "", "/.aws/config", "/.aws/credentials");
    /* On POSIX USERPROFILE is not a home. */
    fake_env e6 = {{"USERPROFILE", "/not/used", NULL}};
    locate_expect(&e6, AWSFILES_POSIX, "/pw", "/pw/.aws/config", "/pw/.aws/credentials");
    /* HOMEDRIVE without HOMEPATH is not a home. */
    fake_env e7 = {{"HOMEDRIVE", "D:", NULL}};
    locate_expect(&e7, AWSFILES_WINDOWS, "C:\\lang", "C:\\lang\\.aws\\config", "C:\\lang\\.aws\\credentials");
}

static void no_home_anywhere(void **state)
{
    (void)state;
    fake_env e = {{NULL}};
    awsfiles_opts o = {fake_getenv, &e, AWSFILES_WINDOWS, NULL};
    char *cfg = (char *)1, *cred = (char *)1;
    cc_err err = {0};
    assert_int_equal(awsfiles_locate_ex(&o, &cfg, &cred, &err), CC_EINPUT);
    assert_null(cfg);
    assert_null(cred);
    assert_non_null(strstr(err.message, "home folder"));
    assert_non_null(strstr(err.hint, "HOME"));
    /* Explicit absolute files need no home. */
    fake_env e2 = {{"AWS_CONFIG_FILE", "C:\\c", "AWS_SHARED_CREDENTIALS_FILE", "C:\\s", NULL}};
    locate_expect(&e2, AWSFILES_WINDOWS, NULL, "C:\\c", "C:\\s");
    /* A ~ path with no home is refused, naming the variable. */
    fake_env e3 = {{"AWS_CONFIG_FILE", "~/c", "AWS_SHARED_CREDENTIALS_FILE", "/s", NULL}};
    o.ud = &e3;
    assert_int_equal(awsfiles_locate_ex(&o, &cfg, &cred, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "AWS_CONFIG_FILE"));
}

static void password_database_fallback(void **state)
{
    (void)state;
    struct passwd *pw = getpwuid(getuid());
    if (!pw || !pw->pw_dir || !pw->pw_dir[0]) {
        printf("SKIP: this user has no password-database home\n");
        skip();
    }
    char want[4200];
    snprintf(want, sizeof want, "%s%s.aws/config", pw->pw_dir,
             pw->pw_dir[strlen(pw->pw_dir) - 1] == '/' ? "" : "/");
    fake_env e = {{NULL}};
    char *cfg = NULL, *cred = NULL;
    cc_err err = {0};
    assert_int_equal(awsfiles_locate(fake_getenv, &e, &cfg, &cred, &err), 0);
    assert_string_equal(cfg, want);
    free(cfg);
    free(cred);
    /* The real environment through cc_getenv_process. */
    setenv("HOME", "/tmp/home-for-test", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "~/creds", 1);
    unsetenv("AWS_CONFIG_FILE");
    assert_int_equal(awsfiles_locate(cc_getenv_process, NULL, &cfg, &cred, &err), 0);
    assert_string_equal(cfg, "/tmp/home-for-test/.aws/config");
    assert_string_equal(cred, "/tmp/home-for-test/creds");
    free(cfg);
    free(cred);
}

static char tmpdir[256];

static void write_file(const char *name, const char *text, mode_t mode)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    chmod(p, mode);
}

static int setup_tmp(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/clinecfg-awsfiles.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmp(void **state)
{
    (void)state;
    const char *names[] = {"config", "credentials", "bad", "noread", "big", "sub"};
    char p[512];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", tmpdir, names[i]);
        unlink(p);
        rmdir(p);
    }
    rmdir(tmpdir);
    return 0;
}

static void load_files(void **state)
{
    (void)state;
    char cfg[512], cred[512], p[512];
    snprintf(cfg, sizeof cfg, "%s/config", tmpdir);
    snprintf(cred, sizeof cred, "%s/credentials", tmpdir);
    write_file("config", "[default]\nregion = us-east-1\n[profile dev]\nregion = eu-west-1\n", 0600);
    write_file("credentials", "[dev]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n", 0600);
    aws_profile_set *set = NULL;
    cc_err err = {0};
    assert_int_equal(awsfiles_load(cfg, cred, &set, &err), 0);
    const aws_profile *dev = ini_profile(set, "dev");
    assert_string_equal(ini_get(dev, "region"), "eu-west-1");
    assert_string_equal(ini_get(dev, "aws_access_key_id"), "AKIAEXAMPLE");
    const char *file;
    int line;
    assert_int_equal(ini_origin(dev, "aws_access_key_id", &file, &line), 0);
    assert_string_equal(file, cred);
    assert_int_equal(line, 2);
    ini_profiles_free(set);

    /* Missing files are empty. */
    snprintf(p, sizeof p, "%s/absent", tmpdir);
    assert_int_equal(awsfiles_load(p, p, &set, &err), 0);
    assert_int_equal(ini_profile_count(set), 0);
    ini_profiles_free(set);
    assert_int_equal(awsfiles_load(NULL, cred, &set, &err), 0);
    assert_int_equal(ini_profile_count(set), 1);
    ini_profiles_free(set);
    char *text = NULL;
    size_t len = 1;
    assert_int_equal(awsfiles_read(p, 1, &text, &len, &err), 0);
    assert_null(text);
    assert_int_equal(len, 0);
    assert_int_equal(awsfiles_read(p, 0, &text, &len, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, p));

    /* A syntax error names the path with line:col. */
    write_file("bad", "[default]\nregion = x\n[profile y\n", 0600);
    snprintf(p, sizeof p, "%s/bad", tmpdir);
    assert_int_equal(awsfiles_load(p, NULL, &set, &err), CC_EINPUT);
    assert_null(set);
    char want[600];
    snprintf(want, sizeof want, "%s:3:", p);
    assert_non_null(strstr(err.message, want));

    /* A folder is refused. */
    snprintf(p, sizeof p, "%s/sub", tmpdir);
    assert_int_equal(mkdir(p, 0700), 0);
    assert_int_equal(awsfiles_load(p, NULL, &set, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "not a regular file"));

    /* An unreadable file is refused, not skipped (root reads everything). */
    write_file("noread", "[default]\n", 0000);
    snprintf(p, sizeof p, "%s/noread", tmpdir);
    if (geteuid() != 0) {
        assert_int_equal(awsfiles_load(NULL, p, &set, &err), CC_EINPUT);
        assert_non_null(strstr(err.message, p));
        assert_non_null(strstr(err.hint, "permission"));
    } else {
        printf("note: running as root, unreadable-file check not possible\n");
    }

    /* Over the size limit. */
    snprintf(p, sizeof p, "%s/big", tmpdir);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)INI_MAX_SIZE + 1), 0);
    close(fd);
    assert_int_equal(awsfiles_load(p, NULL, &set, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "16 MiB"));
    assert_non_null(strstr(err.message, p));
    /* Exactly at the limit is read (and parses: NUL bytes are refused). */
    assert_int_equal(truncate(p, (off_t)INI_MAX_SIZE), 0);
    assert_int_equal(awsfiles_read(p, 0, &text, &len, &err), 0);
    assert_int_equal(len, INI_MAX_SIZE);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(conformance_locations),
        cmocka_unit_test(tilde_and_empty_variables),
        cmocka_unit_test(no_home_anywhere),
        cmocka_unit_test(password_database_fallback),
        cmocka_unit_test_setup_teardown(load_files, setup_tmp, teardown_tmp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
