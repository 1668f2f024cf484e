/* test_cline.c - the Cline targets as a library: --targets / mode parsing,
 * plan validation, Cline's providers.json rules, credential_process quoting,
 * data-folder resolution, running-Cline detection on a fake /proc tree,
 * legacy state.vscdb detection, and a dry-run apply. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clinecfg/awsconfig.h"
#include "clinecfg/cline.h"
#include "clinecfg/safefile.h"

#define ARN "arn:aws:bedrock:ap-northeast-1:123456789012:application-inference-profile/abcd1234efgh"
#define BASE "anthropic.claude-sonnet-4-5-20250929-v1:0"

static char *mkdtemp_dir(void)
{
    char tmpl[] = "/tmp/test_cline.XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

static void write_file(const char *path, const char *data, size_t len)
{
    char *dir = strdup(path);
    for (char *p = dir + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(dir, 0700);
            *p = '/';
        }
    free(dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void rm_rf(const char *dir)
{
    char *cmd = NULL;
    assert_true(asprintf(&cmd, "rm -rf '%s'", dir) > 0);
    assert_int_equal(system(cmd), 0);
    free(cmd);
}

/* ---- targets and modes ---- */

static void test_targets_parse(void **state)
{
    (void)state;
    unsigned t = 0;
    cc_err err;
    assert_int_equal(cline_targets_parse("cline-extension,cline-cli,aws-config", &t, &err), CC_OK);
    assert_int_equal(t, CLINE_TARGET_ALL);
    assert_int_equal(cline_targets_parse(" aws-config , cline-cli", &t, &err), CC_OK);
    assert_int_equal(t, CLINE_TARGET_AWS_CONFIG | CLINE_TARGET_CLI);
    assert_int_equal(cline_targets_parse("all", &t, &err), CC_OK);
    assert_int_equal(t, CLINE_TARGET_ALL);
    assert_int_equal(cline_targets_parse("cline-extension", &t, &err), CC_OK);
    assert_int_equal(t, CLINE_TARGET_EXTENSION);
    assert_int_equal(cline_targets_parse("cline-cli,vscode", &t, &err), CC_EUSAGE);
    assert_non_null(strstr(err.message, "unknown target \"vscode\""));
    assert_non_null(strstr(err.hint, "cline-extension, cline-cli, aws-config"));
    assert_int_equal(t, 0);
    assert_int_equal(cline_targets_parse("cline-cli,", &t, &err), CC_EUSAGE);
    assert_non_null(strstr(err.message, "empty entry"));
    assert_int_equal(cline_targets_parse("", &t, &err), CC_EUSAGE);
    assert_int_equal(cline_targets_parse("cline-clix", &t, &err), CC_EUSAGE);
}

static void test_modes_parse(void **state)
{
    (void)state;
    unsigned m = 0;
    cc_err err;
    assert_int_equal(cline_modes_parse("plan", &m, &err), CC_OK);
    assert_int_equal(m, CLINE_MODE_PLAN);
    assert_int_equal(cline_modes_parse("act", &m, &err), CC_OK);
    assert_int_equal(m, CLINE_MODE_ACT);
    assert_int_equal(cline_modes_parse("both", &m, &err), CC_OK);
    assert_int_equal(m, CLINE_MODE_BOTH);
    assert_int_equal(cline_modes_parse("Plan", &m, &err), CC_EUSAGE);
}

/* ---- plan validation ---- */

static cline_plan good_plan(void)
{
    cline_plan p;
    memset(&p, 0, sizeof p);
    p.profile_arn = ARN;
    p.base_model_id = BASE;
    p.region = "ap-northeast-1";
    p.exe = "/usr/bin/clinecfg";
    p.own_aws_profile = true;
    return p;
}

static void expect_invalid(const cline_plan *p, const char *text)
{
    cc_err err;
    cc_err_clear(&err);
    int rc = cline_plan_validate(p, &err);
    if (rc == CC_OK || !strstr(err.message, text))
        fail_msg("expected a refusal containing '%s', got rc %d: %s", text, rc, err.message);
}

static void test_plan_validate(void **state)
{
    (void)state;
    cc_err err;
    cline_plan p = good_plan();
    assert_int_equal(cline_plan_validate(&p, &err), CC_OK);
    p.endpoint = "https://bedrock-runtime.ap-northeast-1.amazonaws.com";
    assert_int_equal(cline_plan_validate(&p, &err), CC_OK);
    p.endpoint = "http://127.0.0.1:4566/";
    assert_int_equal(cline_plan_validate(&p, &err), CC_OK);
    p.endpoint = "http://[::1]:8080";
    assert_int_equal(cline_plan_validate(&p, &err), CC_OK);

    p = good_plan();
    p.endpoint = "bedrock.example.com";
    expect_invalid(&p, "must start with https://");
    p.endpoint = "https://user:pw@example.com";
    expect_invalid(&p, "user:password@");
    p.endpoint = "https://exa mple.com";
    expect_invalid(&p, "whitespace");
    p.endpoint = "https://";
    expect_invalid(&p, "has no host");
    p.endpoint = "https://example.com:";
    expect_invalid(&p, "invalid port");

    p = good_plan();
    p.region = "us-east-1";
    expect_invalid(&p, "the profile ARN is in ap-northeast-1 but Cline would call Bedrock in us-east-1");
    p.region = "Tokyo";
    expect_invalid(&p, "Tokyo");
    p = good_plan();
    p.profile_arn = "arn:aws:bedrock:ap-northeast-1:123456789012:foundation-model/" BASE;
    expect_invalid(&p, "is not an application inference profile ARN");
    p.profile_arn = "arn:aws-cn:bedrock:ap-northeast-1:123456789012:application-inference-profile/abc";
    expect_invalid(&p, "is not an application inference profile ARN");
    p.profile_arn = "arn:aws:bedrock:ap-northeast-1:12345:application-inference-profile/abc";
    expect_invalid(&p, "is not an application inference profile ARN");
    p.profile_arn = "not-an-arn";
    expect_invalid(&p, "not-an-arn");
    p = good_plan();
    p.base_model_id = "apac." BASE;
    expect_invalid(&p, "is not a foundation model id");
    p.base_model_id = "arn:aws:bedrock:ap-northeast-1::foundation-model/" BASE;
    expect_invalid(&p, "is not a foundation model id");
    p.base_model_id = "claude";
    expect_invalid(&p, "is not a foundation model id");
    p.base_model_id = NULL;
    expect_invalid(&p, "no base model id");
    p = good_plan();
    p.aws_profile = "has space";
    expect_invalid(&p, "AWS profile name \"has space\" is not valid");
    p = good_plan();
    p.exe = "clinecfg";
    expect_invalid(&p, "absolute path");
    /* the exe only matters when clinecfg writes its own profile */
    p.own_aws_profile = false;
    assert_int_equal(cline_plan_validate(&p, &err), CC_OK);
    p = good_plan();
    p.exe = "/opt/odd #dir/clinecfg";
    expect_invalid(&p, "read as a comment");
}

/* ---- providers.json rules ---- */

static void check_pv(const char *json, bool ok, const char *text)
{
    cc_err err;
    cc_err_clear(&err);
    int rc = cline_providers_check(json, strlen(json), "providers.json", &err);
    if (ok && rc != CC_OK)
        fail_msg("expected valid, got: %s\n  for %s", err.message, json);
    if (!ok && (rc != CC_EINPUT || !strstr(err.message, text)))
        fail_msg("expected a refusal containing '%s', got rc %d: %s\n  for %s", text, rc, err.message, json);
}

#define ENTRY(settings, extra) \
    "{\"version\":1,\"providers\":{\"p\":{\"settings\":" settings ",\"updatedAt\":\"2026-11-28T15:17:39.095Z\"" extra "}}}"

static void test_providers_check(void **state)
{
    (void)state;
    check_pv("{\"version\":1,\"providers\":{}}", true, NULL);
    check_pv(ENTRY("{\"provider\":\"bedrock\",\"model\":\"" ARN "\",\"aws\":{\"authentication\":\"profile\","
                   "\"endpoint\":\"http://127.0.0.1:9/\",\"usePromptCache\":true}}",
                   ",\"tokenSource\":\"manual\""),
             true, NULL);
    check_pv("{\"version\":1,\"lastUsedProvider\":\"p\",\"modes\":{\"voiceInput\":{\"providerId\":\"a\",\"modelId\":\"b\"}},"
             "\"providers\":{},\"unknownTopLevel\":[1,2]}",
             true, NULL);
    check_pv(ENTRY("{\"provider\":\"x\",\"futureField\":{\"a\":null}}", ""), true, NULL); /* zod strips unknown keys */
    check_pv(ENTRY("{\"provider\":\"x\",\"baseUrl\":\"mailto:someone\"}", ""), true, NULL); /* WHATWG parses it */
    check_pv("{\"version\":1,\"providers\":{\"p\":{\"settings\":{\"provider\":\"x\"},\"updatedAt\":\"2028-02-29T00:00:00Z\"}}}",
             true, NULL);

    check_pv("\xEF\xBB\xBF{\"version\":1,\"providers\":{}}", false, "byte-order mark");
    check_pv("{\"version\":1,\"providers\":{}} x", false, "providers.json:1:");
    check_pv("", false, "is empty");
    check_pv("[]", false, "(top level): must be an object");
    check_pv("{\"version\":\"1\",\"providers\":{}}", false, "version: must be 1");
    check_pv("{\"version\":1}", false, "providers: is missing");
    check_pv("{\"version\":1,\"lastUsedProvider\":\"\",\"providers\":{}}", false, "lastUsedProvider: must be a non-empty string");
    check_pv("{\"version\":1,\"modes\":{\"voiceInput\":{\"providerId\":\"a\"}},\"providers\":{}}", false, "modes.voiceInput");
    check_pv("{\"version\":1,\"providers\":{\"p\":{\"updatedAt\":\"2026-11-28T15:17:39.095Z\"}}}", false,
             "providers.p.settings: is missing");
    check_pv(ENTRY("{\"model\":\"m\"}", ""), false, "providers.p.settings.provider: is missing");
    check_pv(ENTRY("{\"provider\":\"bad id\"}", ""), false, "providers.p.settings.provider: must be a provider id");
    check_pv(ENTRY("{\"provider\":\"x\",\"maxTokens\":0}", ""), false, "providers.p.settings.maxTokens: must be a positive integer");
    check_pv(ENTRY("{\"provider\":\"x\",\"timeout\":1.5}", ""), false, "settings.timeout: must be a positive integer");
    check_pv(ENTRY("{\"provider\":\"x\",\"headers\":{\"a\":1}}", ""), false, "settings.headers: value of \"a\" must be a string");
    check_pv(ENTRY("{\"provider\":\"x\",\"capabilities\":[\"tools\",\"teleport\"]}", ""), false, "unknown capability \"teleport\"");
    check_pv(ENTRY("{\"provider\":\"x\",\"protocol\":\"grpc\"}", ""), false, "settings.protocol: \"grpc\" is not one of");
    check_pv(ENTRY("{\"provider\":\"x\",\"reasoning\":{\"effort\":\"extreme\"}}", ""), false, "settings.reasoning.effort");
    check_pv(ENTRY("{\"provider\":\"x\",\"aws\":{\"authentication\":\"credentials\"}}", ""), false,
             "settings.aws.authentication: \"credentials\" is not one of iam, api-key, apikey, profile");
    check_pv(ENTRY("{\"provider\":\"x\",\"aws\":{\"endpoint\":\"vpce.example.com\"}}", ""), false,
             "settings.aws.endpoint: \"vpce.example.com\" is not a URL");
    check_pv(ENTRY("{\"provider\":\"x\",\"aws\":{\"endpoint\":\"https://\"}}", ""), false, "is not a URL");
    check_pv(ENTRY("{\"provider\":\"x\",\"aws\":{\"usePromptCache\":\"yes\"}}", ""), false, "usePromptCache: must be true or false");
    check_pv(ENTRY("{\"provider\":\"x\",\"aws\":[]}", ""), false, "settings.aws: must be an object");
    check_pv(ENTRY("{\"provider\":\"x\",\"sap\":{\"tokenUrl\":\"nope\"}}", ""), false, "settings.sap.tokenUrl");
    check_pv(ENTRY("{\"provider\":\"x\",\"apiKey\":null}", ""), false, "settings.apiKey: must be a string");
    check_pv(ENTRY("{\"provider\":\"x\"}", ",\"tokenSource\":\"sso\""), false, "tokenSource: must be one of manual, oauth, migration");
    check_pv("{\"version\":1,\"providers\":{\"p\":{\"settings\":{\"provider\":\"x\"},\"updatedAt\":\"2026-02-29T00:00:00Z\"}}}",
             false, "updatedAt: must be an ISO 8601");
    check_pv("{\"version\":1,\"providers\":{\"p\":{\"settings\":{\"provider\":\"x\"},\"updatedAt\":\"2026-11-28T15:17:39+00:00\"}}}",
             false, "updatedAt: must be an ISO 8601");
    check_pv("{\"version\":1,\"providers\":{\"p\":{\"settings\":{\"provider\":\"x\"},\"updatedAt\":\"2026-11-28 15:17:39Z\"}}}",
             false, "updatedAt: must be an ISO 8601");
    /* every refusal says what Cline would do */
    check_pv("{\"version\":2,\"providers\":{}}", false, "Cline would discard the whole file and overwrite it");
}

/* ---- credential_process quoting ---- */

static void test_shell_quote(void **state)
{
    (void)state;
    struct {
        const char *in, *out;
    } cases[] = {
        {"/usr/local/bin/clinecfg", "/usr/local/bin/clinecfg"},
        {"/opt/my tools/clinecfg", "'/opt/my tools/clinecfg'"},
        {"/opt/it's/clinecfg", "'/opt/it'\\''s/clinecfg'"},
        {"", "''"},
        {"a$b", "'a$b'"},
        {"team-a@corp", "team-a@corp"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *q = awsconfig_shell_quote(cases[i].in);
        assert_string_equal(q, cases[i].out);
        free(q);
    }
    char *cmd = NULL;
    cc_err err;
    assert_int_equal(awsconfig_credential_process("/opt/my tools/clinecfg", NULL, &cmd, &err), CC_OK);
    assert_string_equal(cmd, "'/opt/my tools/clinecfg' credential-process --account default");
    free(cmd);
    assert_int_equal(awsconfig_credential_process("/opt/x/clinecfg", "alice", &cmd, &err), CC_OK);
    assert_string_equal(cmd, "/opt/x/clinecfg credential-process --account alice");
    free(cmd);
    assert_int_equal(awsconfig_credential_process("/opt/new\nline/clinecfg", "a", &cmd, &err), CC_EINPUT);
    assert_null(cmd);
    assert_int_equal(awsconfig_credential_process("bin/clinecfg", "a", &cmd, &err), CC_EINPUT);
}

static void test_awsconfig_edit(void **state)
{
    (void)state;
    const char *in = "[default]\nregion = us-east-1\n\n[profile clinecfg]\nregion = eu-west-1\nrole_arn = arn:aws:iam::1:role/x\n"
                     "source_profile = default\noutput = json\n";
    awsconfig_plan p = {NULL, "ap-northeast-1", "/usr/bin/clinecfg", "bob"};
    char *out = NULL;
    size_t len = 0;
    cc_err err;
    assert_int_equal(awsconfig_edit(&p, in, strlen(in), "config", &out, &len, &err), CC_OK);
    assert_string_equal(out, "[default]\nregion = us-east-1\n\n[profile clinecfg]\nregion = ap-northeast-1\noutput = json\n"
                             "credential_process = /usr/bin/clinecfg credential-process --account bob\n");
    free(out);
    awsconfig_plan bad = {"x y", "ap-northeast-1", "/usr/bin/clinecfg", NULL};
    assert_int_equal(awsconfig_edit(&bad, "", 0, "config", &out, &len, &err), CC_EINPUT);
}

/* ---- data folder ---- */

typedef struct kv {
    const char *k, *v;
} kv;

static const char *kv_env(void *ud, const char *name)
{
    for (const kv *e = ud; e->k; e++)
        if (strcmp(e->k, name) == 0)
            return e->v;
    return NULL;
}

static void test_locate(void **state)
{
    (void)state;
    cline_locations loc;
    cc_err err;
    kv e1[] = {{"HOME", "/home/u"}, {NULL, NULL}};
    assert_int_equal(cline_locate(kv_env, e1, &loc, &err), CC_OK);
    assert_string_equal(loc.data_dir, "/home/u/.cline/data");
    assert_string_equal(loc.global_state, "/home/u/.cline/data/globalState.json");
    assert_string_equal(loc.providers, "/home/u/.cline/data/settings/providers.json");
    assert_string_equal(loc.secrets, "/home/u/.cline/data/secrets.json");
    assert_string_equal(loc.data_dir_from, "HOME");
    cline_locations_free(&loc);

    kv e2[] = {{"HOME", "/home/u"}, {"CLINE_DIR", "/srv/cline/"}, {NULL, NULL}};
    assert_int_equal(cline_locate(kv_env, e2, &loc, &err), CC_OK);
    assert_string_equal(loc.data_dir, "/srv/cline/data");
    assert_string_equal(loc.data_dir_from, "CLINE_DIR");
    cline_locations_free(&loc);

    kv e3[] = {{"HOME", "/home/u"}, {"CLINE_DIR", "/srv/cline"}, {"CLINE_DATA_DIR", "/d/x/../data"},
               {"CLINE_PROVIDER_SETTINGS_PATH", "/etc/p.json"}, {NULL, NULL}};
    assert_int_equal(cline_locate(kv_env, e3, &loc, &err), CC_OK);
    assert_string_equal(loc.data_dir, "/d/data");
    assert_string_equal(loc.global_state, "/d/data/globalState.json");
    assert_string_equal(loc.providers, "/etc/p.json");
    assert_string_equal(loc.data_dir_from, "CLINE_DATA_DIR");
    cline_locations_free(&loc);

    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    kv e4[] = {{"HOME", "/home/u"}, {"CLINE_DATA_DIR", "rel/data"}, {NULL, NULL}};
    assert_int_equal(cline_locate(kv_env, e4, &loc, &err), CC_OK);
    char want[4200];
    snprintf(want, sizeof want, "%s/rel/data", strcmp(cwd, "/") ? cwd : "");
    assert_string_equal(loc.data_dir, want);
    cline_locations_free(&loc);
}

/* ---- running-Cline detection on a fake /proc ---- */

static void fake_proc(const char *root, long pid, const char *cmdline, size_t len, const char *environ_, size_t elen)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/%ld/cmdline", root, pid);
    write_file(p, cmdline, len);
    snprintf(p, sizeof p, "%s/%ld/stat", root, pid);
    write_file(p, "1 (x) S 1 1 1", 13);
    if (environ_) {
        snprintf(p, sizeof p, "%s/%ld/environ", root, pid);
        write_file(p, environ_, elen);
    }
}

#define LIT(s) s, sizeof(s) - 1

static void test_detect_fake_proc(void **state)
{
    (void)state;
    char *root = mkdtemp_dir();
    char proc[2048], home[2048], ext[4096];
    snprintf(proc, sizeof proc, "%s/proc", root);
    snprintf(home, sizeof home, "%s/home", root);
    mkdir(proc, 0700);
    mkdir(home, 0700);
    char env_home[4200], env_other[4200];
    int hl = snprintf(env_home, sizeof env_home, "PATH=/bin%cHOME=%s%c", 0, home, 0);
    int ol = snprintf(env_other, sizeof env_other, "HOME=%s/other%c", root, 0);

    fake_proc(proc, 100, LIT("node\0/usr/lib/node_modules/cline/bin/cline\0--yolo\0"), env_home, (size_t)hl);
    fake_proc(proc, 101, LIT("/usr/share/code/code\0--type=zygote\0"), env_home, (size_t)hl);
    fake_proc(proc, 102, LIT("python3\0server.py\0"), env_home, (size_t)hl);
    fake_proc(proc, 103, LIT("node\0/x/node_modules/cline/bin/cline\0"), env_other, (size_t)ol);
    fake_proc(proc, 104, LIT("/home/u/.vscode-server/bin/abc/node\0/home/u/.vscode-server/bin/abc/out/server-main.js\0"), NULL, 0);
    fake_proc(proc, 105, LIT("node\0--max-old-space-size=4096\0/opt/cline\0"), env_home, (size_t)hl);
    fake_proc(proc, 106, LIT("node\0/x/extensions/saoudrizwan.claude-dev-3.70.0/dist/mcp.js\0"), env_home, (size_t)hl);
    fake_proc(proc, 107, LIT("bash\0"), env_home, (size_t)hl);
    char tcp[4200];
    snprintf(tcp, sizeof tcp, "%s/net/tcp", proc);
    char line[512];
    snprintf(line, sizeof line,
             "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
             "   0: 0100007F:6377 00000000:0000 0A 00000000:00000000 00:00000000 00000000 %5u        0 1234 1\n",
             (unsigned)geteuid());
    write_file(tcp, line, strlen(line));

    kv env[] = {{"HOME", home}, {NULL, NULL}};
    char data[4200];
    snprintf(data, sizeof data, "%s/.cline/data", home);
    editors_scan_opts so = {proc, data, kv_env, env, 99999};
    cline_running r;
    cc_err err;

    /* VS Code without the extension installed: not counted */
    assert_int_equal(editors_find_running_cline(&so, &r, &err), CC_OK);
    bool seen[8] = {0};
    bool hub_port = false;
    for (size_t i = 0; i < r.n; i++) {
        if (r.procs[i].pid >= 100 && r.procs[i].pid < 108)
            seen[r.procs[i].pid - 100] = true;
        if (r.procs[i].pid == 0 && r.procs[i].kind == CLINE_PROC_HUB)
            hub_port = true;
    }
    assert_true(seen[0]);  /* node .../cline */
    assert_false(seen[1]); /* VS Code without Cline */
    assert_false(seen[2]);
    assert_false(seen[3]); /* other HOME */
    assert_false(seen[4]); /* remote server without Cline */
    assert_true(seen[5]);  /* node [opts] /opt/cline */
    assert_true(seen[6]);  /* a process running the extension's code */
    assert_false(seen[7]);
    assert_true(hub_port);
    assert_int_equal(r.procs[0].kind == CLINE_PROC_CLI || r.procs[0].kind == CLINE_PROC_EDITOR ||
                         r.procs[0].kind == CLINE_PROC_HUB,
                     1);

    /* with the extension installed, VS Code counts */
    snprintf(ext, sizeof ext, "%s/.vscode/extensions/saoudrizwan.claude-dev-3.70.0/package.json", home);
    write_file(ext, "{}", 2);
    assert_int_equal(editors_find_running_cline(&so, &r, &err), CC_OK);
    bool code_seen = false;
    for (size_t i = 0; i < r.n; i++)
        if (r.procs[i].pid == 101) {
            code_seen = true;
            assert_string_equal(r.procs[i].product, "VS Code");
            assert_int_equal(r.procs[i].kind, CLINE_PROC_EDITOR);
        }
    assert_true(code_seen);
    char buf[512];
    assert_non_null(strstr(cline_process_describe(&r.procs[0], buf, sizeof buf), "pid "));

    /* the hub port's owner decides: a hub serving another HOME is not ours */
    char fdlink[4200];
    fake_proc(proc, 108, LIT("/opt/bun\0daemon\0"), env_other, (size_t)ol);
    snprintf(fdlink, sizeof fdlink, "%s/108/fd", proc);
    mkdir(fdlink, 0700);
    snprintf(fdlink, sizeof fdlink, "%s/108/fd/3", proc);
    assert_int_equal(symlink("socket:[1234]", fdlink), 0);
    assert_int_equal(editors_find_running_cline(&so, &r, &err), CC_OK);
    for (size_t i = 0; i < r.n; i++)
        assert_false(r.procs[i].kind == CLINE_PROC_HUB);
    snprintf(fdlink, sizeof fdlink, "%s/108/environ", proc);
    write_file(fdlink, env_home, (size_t)hl);
    assert_int_equal(editors_find_running_cline(&so, &r, &err), CC_OK);
    bool hub108 = false;
    for (size_t i = 0; i < r.n; i++)
        if (r.procs[i].pid == 108 && r.procs[i].kind == CLINE_PROC_HUB)
            hub108 = true;
    assert_true(hub108);

    /* the scanning process itself is never counted */
    editors_scan_opts so2 = {proc, data, kv_env, env, 100};
    assert_int_equal(editors_find_running_cline(&so2, &r, &err), CC_OK);
    for (size_t i = 0; i < r.n; i++)
        assert_int_not_equal(r.procs[i].pid, 100);

    rm_rf(root);
    free(root);
}

/* ---- legacy extension ---- */

static void test_legacy(void **state)
{
    (void)state;
    char *root = mkdtemp_dir();
    char home[4096], cfg[4096], db[4200];
    snprintf(home, sizeof home, "%s/home", root);
    snprintf(cfg, sizeof cfg, "%s/cfg", root);
    kv env[] = {{"HOME", home}, {"XDG_CONFIG_HOME", cfg}, {NULL, NULL}};
    cline_legacy *l = NULL;
    size_t n = 99;
    cc_err err;
    assert_int_equal(editors_find_legacy_cline(kv_env, env, &l, &n, &err), CC_OK);
    assert_int_equal(n, 0);
    editors_legacy_free(l, n);

    /* an SQLite header and the row key spread across a read boundary */
    size_t size = 65536 + 100;
    char *bytes = calloc(1, size);
    memcpy(bytes, "SQLite format 3\0", 16);
    memcpy(bytes + 65536 - 10, "saoudrizwan.claude-dev", 22);
    snprintf(db, sizeof db, "%s/Cursor/User/globalStorage/state.vscdb", cfg);
    write_file(db, bytes, size);
    /* the same bytes without the header: not SQLite, ignored */
    snprintf(db, sizeof db, "%s/Code/User/globalStorage/state.vscdb", cfg);
    memset(bytes, 'x', 16);
    write_file(db, bytes, size);
    free(bytes);
    assert_int_equal(editors_find_legacy_cline(kv_env, env, &l, &n, &err), CC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(l[0].product, "Cursor");
    assert_non_null(strstr(l[0].state_db, "/Cursor/User/globalStorage/state.vscdb"));
    editors_legacy_free(l, n);
    rm_rf(root);
    free(root);
}

/* ---- dry-run apply ---- */

static void test_apply_dry_run(void **state)
{
    (void)state;
    char *root = mkdtemp_dir();
    char data[4096], cfgp[4096], state_dir[4096];
    snprintf(data, sizeof data, "%s/data", root);
    snprintf(cfgp, sizeof cfgp, "%s/aws/config", root);
    snprintf(state_dir, sizeof state_dir, "%s/state", root);
    kv env[] = {{"HOME", root}, {"CLINE_DATA_DIR", data}, {NULL, NULL}};
    cline_locations loc;
    cc_err err;
    assert_int_equal(cline_locate(kv_env, env, &loc, &err), CC_OK);
    cc_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.dry_run = true;
    out_init(&ctx.out, false, true, 0, true);
    ctx.out.errf = fopen("/dev/null", "w");
    safefile_run *run = NULL;
    assert_int_equal(safefile_run_new(&ctx, "test", &run, &err), CC_OK);
    cline_plan p = good_plan();
    p.endpoint = "https://vpce.example.com";
    cline_targets_env te = {&loc, cfgp, NULL, state_dir};
    cline_apply_result res;
    int rc = cline_apply(&ctx, run, &p, &te, &res, &err);
    if (rc != CC_OK)
        fail_msg("apply: %s", err.message);
    assert_true(res.nfiles >= 3);
    bool saw_arn = false;
    for (size_t i = 0; i < res.nfiles; i++) {
        assert_true(res.files[i].changed);
        assert_true(res.files[i].created);
        if (res.files[i].diff && strstr(res.files[i].diff, ARN))
            saw_arn = true;
    }
    assert_true(saw_arn);
    cJSON *files = cline_apply_result_files_json(&res, true);
    assert_int_equal(cJSON_GetArraySize(files), (int)res.nfiles);
    cJSON_Delete(files);
    struct stat st;
    assert_int_not_equal(stat(data, &st), 0); /* nothing created */
    assert_int_not_equal(stat(cfgp, &st), 0);
    assert_int_not_equal(stat(state_dir, &st), 0);
    cline_apply_result_free(&res);
    safefile_run_free(run);
    fclose(ctx.out.errf);
    cline_locations_free(&loc);
    rm_rf(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_targets_parse),   cmocka_unit_test(test_modes_parse),
        cmocka_unit_test(test_plan_validate),   cmocka_unit_test(test_providers_check),
        cmocka_unit_test(test_shell_quote),     cmocka_unit_test(test_awsconfig_edit),
        cmocka_unit_test(test_locate),          cmocka_unit_test(test_detect_fake_proc),
        cmocka_unit_test(test_legacy),          cmocka_unit_test(test_apply_dry_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
