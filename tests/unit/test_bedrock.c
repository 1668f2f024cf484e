/*
 * test_bedrock.c - the Bedrock response parsers (documented shapes, and
 * clear errors for empty, truncated, non-JSON, wrong-typed or oversized
 * bodies), then every Bedrock call and the batch helper end to end through
 * awsclient against the loopback emulator (tests/fake_aws/server.py), which
 * checks each SigV4 signature and the wire shapes.  The emulator part is
 * skipped, saying why, when python3 or the emulator is missing.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clinecfg/awsclient.h"
#include "clinecfg/bedrock.h"
#include "clinecfg/sts.h"

/* ------------------------------------------------------------- parsers */

static const char page_doc[] =
    "{\"inferenceProfileSummaries\":[{\"inferenceProfileName\":\"teamA-bedrock-alice\",\"description\":\"d\","
    "\"createdAt\":\"2024-11-01T10:00:00Z\",\"updatedAt\":\"2024-11-01T10:00:00.5+09:00\","
    "\"inferenceProfileArn\":\"arn:aws:bedrock:ap-northeast-1:123456789012:application-inference-profile/abcd1234efgh\","
    "\"models\":[{\"modelArn\":\"arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-x\"},"
    "{\"modelArn\":\"arn:aws:bedrock:ap-northeast-3::foundation-model/anthropic.claude-x\"}],"
    "\"inferenceProfileId\":\"abcd1234efgh\",\"status\":\"ACTIVE\",\"type\":\"APPLICATION\",\"newField\":[1,2]}],"
    "\"nextToken\":\"tok/en+=\"}";

static void parse_page(void **state)
{
    (void)state;
    bedrock_profile_page pg;
    cc_err err;
    assert_int_equal(bedrock_parse_profile_page(page_doc, strlen(page_doc), &pg, &err), 0);
    assert_int_equal(pg.n, 1);
    assert_string_equal(pg.next_token, "tok/en+=");
    bedrock_inference_profile *p = &pg.items[0];
    assert_string_equal(p->name, "teamA-bedrock-alice");
    assert_string_equal(p->id, "abcd1234efgh");
    assert_string_equal(p->type, "APPLICATION");
    assert_string_equal(p->status, "ACTIVE");
    assert_string_equal(p->description, "d");
    assert_int_equal((long long)p->created_at, 1730455200LL);
    assert_int_equal((long long)p->updated_at, 1730455200LL - 9 * 3600);
    assert_int_equal(p->n_models, 2);
    assert_string_equal(p->model_arns[1], "arn:aws:bedrock:ap-northeast-3::foundation-model/anthropic.claude-x");
    bedrock_profile_page_free(&pg);
    assert_null(pg.items);

    /* An empty last page. */
    assert_int_equal(bedrock_parse_profile_page("{\"inferenceProfileSummaries\":[]}", 32, &pg, &err), 0);
    assert_int_equal(pg.n, 0);
    assert_null(pg.next_token);
    bedrock_profile_page_free(&pg);
}

#define SUMMARY(name)                                                                                              \
    "{\"inferenceProfileName\":\"" name "\",\"inferenceProfileId\":\"id-" name "\",\"inferenceProfileArn\":\"arn-" name "\"}"

/* The page is walked member by member (one summary is a tree at a time):
 * layout, member order, repeated and unknown members must not change what
 * a whole-document reading gives. */
static void parse_page_layouts(void **state)
{
    (void)state;
    struct {
        const char *doc;
        size_t n;
        const char *first, *token;
    } cases[] = {
        {" \r\n\t{ \"nextToken\" : \"t1\" ,\n \"inferenceProfileSummaries\" :\n [ " SUMMARY("a") " ,\n " SUMMARY("b")
         " ] } \n",
         2, "a", "t1"},
        {"{\"x\":{\"inferenceProfileSummaries\":[1]},\"inferenceProfileSummaries\":[" SUMMARY("c") "],\"y\":[[],{}]}",
         1, "c", NULL},
        /* the first of a repeated member counts, as a lookup in a tree would */
        {"{\"inferenceProfileSummaries\":[" SUMMARY("d") "],\"inferenceProfileSummaries\":[" SUMMARY("e") ","
         SUMMARY("f") "],\"nextToken\":\"t2\",\"nextToken\":\"t3\"}",
         1, "d", "t2"},
        {"{\"inferenceProfileSummaries\":null,\"nextToken\":\"\"}", 0, NULL, NULL},
        {"{\"nextToken\":null}", 0, NULL, NULL},
        {"{}", 0, NULL, NULL},
        {"{\"inferenceProfileSummaries\":[]}\n\n", 0, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bedrock_profile_page pg;
        cc_err err;
        cc_err_clear(&err);
        int rc = bedrock_parse_profile_page(cases[i].doc, strlen(cases[i].doc), &pg, &err);
        if (rc)
            fail_msg("case %zu: rc %d: %s", i, rc, err.message);
        assert_int_equal(pg.n, cases[i].n);
        if (cases[i].first)
            assert_string_equal(pg.items[0].name, cases[i].first);
        if (cases[i].token)
            assert_string_equal(pg.next_token, cases[i].token);
        else
            assert_null(pg.next_token);
        bedrock_profile_page_free(&pg);
    }
    /* A page of 1000 summaries, as the service sends them. */
    size_t cap = 1000 * 200 + 100, len = 0;
    char *big = malloc(cap);
    assert_non_null(big);
    len += (size_t)snprintf(big + len, cap - len, "{\"inferenceProfileSummaries\":[");
    for (int i = 0; i < 1000; i++)
        len += (size_t)snprintf(big + len, cap - len,
                                "%s{\"inferenceProfileName\":\"p%d\",\"inferenceProfileId\":\"i%d\","
                                "\"inferenceProfileArn\":\"arn:%d\",\"models\":[{\"modelArn\":\"m%d\"}]}",
                                i ? "," : "", i, i, i, i);
    len += (size_t)snprintf(big + len, cap - len, "],\"nextToken\":\"next\"}");
    bedrock_profile_page pg;
    cc_err err;
    assert_int_equal(bedrock_parse_profile_page(big, len, &pg, &err), 0);
    assert_int_equal(pg.n, 1000);
    assert_string_equal(pg.items[999].name, "p999");
    assert_string_equal(pg.items[999].model_arns[0], "m999");
    assert_string_equal(pg.next_token, "next");
    bedrock_profile_page_free(&pg);
    free(big);
}

static void parse_errors(void **state)
{
    (void)state;
    struct {
        const char *doc, *needle;
    } cases[] = {
        {"", "empty body"},
        {"<html>oops</html>", "not valid JSON"},
        {"{\"inferenceProfileSummaries\":[", "truncated"},
        {"[]", "expected a JSON object"},
        {"{} {}", "text after"},
        {"{\"inferenceProfileSummaries\":{}}", "should be an array"},
        {"{\"inferenceProfileSummaries\":[1]}", "should be an object"},
        {"{\"inferenceProfileSummaries\":[{\"inferenceProfileName\":\"n\",\"inferenceProfileId\":\"i\"}]}",
         "\"inferenceProfileArn\" is missing"},
        {"{\"inferenceProfileSummaries\":[{\"inferenceProfileName\":5,\"inferenceProfileId\":\"i\","
         "\"inferenceProfileArn\":\"a\"}]}",
         "\"inferenceProfileName\" should be a string"},
        {"{\"inferenceProfileSummaries\":[{\"inferenceProfileName\":\"n\",\"inferenceProfileId\":\"i\","
         "\"inferenceProfileArn\":\"a\",\"models\":{}}]}",
         "\"models\" should be an array"},
        {"{\"inferenceProfileSummaries\":[{\"inferenceProfileName\":\"n\",\"inferenceProfileId\":\"i\","
         "\"inferenceProfileArn\":\"a\",\"models\":[{\"modelArn\":null}]}]}",
         "\"modelArn\" is missing"},
        {"{\"inferenceProfileSummaries\":[{\"inferenceProfileName\":\"n\",\"inferenceProfileId\":\"i\","
         "\"inferenceProfileArn\":\"a\",\"createdAt\":\"yesterday\"}]}",
         "not an RFC 3339 time"},
        {"{\"nextToken\":7}", "\"nextToken\" should be a string"},
        /* the punctuation between the values cJSON parses one by one */
        {"{\"inferenceProfileSummaries\":[" SUMMARY("a") "," SUMMARY("b") ",]}", "not valid JSON"},
        {"{\"inferenceProfileSummaries\":[" SUMMARY("a") " " SUMMARY("b") "]}", "not valid JSON"},
        {"{\"inferenceProfileSummaries\":[" SUMMARY("a") "}", "not valid JSON"},
        {"{\"inferenceProfileSummaries\"[]}", "not valid JSON"},
        {"{\"inferenceProfileSummaries\":[],}", "not valid JSON"},
        {"{\"a\":1 \"b\":2}", "not valid JSON"},
        {"{inferenceProfileSummaries:[]}", "not valid JSON"},
        {"{\"inferenceProfileSummaries\":[\xEF\xBB\xBF" SUMMARY("a") "]}", "not valid JSON"},
        {"{\"inferenceProfileSummaries\":[]", "truncated"},
        {"{\"inferenceProfileSummaries\":[" SUMMARY("a") ",", "truncated"},
        {"{\"inferenceProfileSummaries\":[]} x", "text after"},
        {"{\"inferenceProfileSummaries\":\"no\"}", "should be an array"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bedrock_profile_page pg;
        cc_err err;
        cc_err_clear(&err);
        int rc = bedrock_parse_profile_page(cases[i].doc, strlen(cases[i].doc), &pg, &err);
        if (rc != CC_EINPUT || !strstr(err.message, cases[i].needle))
            fail_msg("case %zu: rc %d message '%s' wanted '%s'", i, rc, err.message, cases[i].needle);
        assert_null(pg.items);
    }
    /* Deep nesting is refused by cJSON's limit, not a stack overflow. */
    size_t depth = 200000;
    char *deep = malloc(depth + 1);
    assert_non_null(deep);
    memset(deep, '[', depth);
    deep[depth] = '\0';
    bedrock_tags t;
    cc_err err;
    assert_int_equal(bedrock_parse_tags(deep, depth, &t, &err), CC_EINPUT);
    free(deep);
    /* Over the size bound. */
    size_t big = BEDROCK_MAX_BODY + 1;
    char *huge = malloc(big);
    assert_non_null(huge);
    memset(huge, ' ', big);
    assert_int_equal(bedrock_parse_tags(huge, big, &t, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "too large"));
    free(huge);
}

static void parse_others(void **state)
{
    (void)state;
    cc_err err;
    bedrock_tags t;
    const char *tags = "{\"tags\":[{\"key\":\"Team\",\"value\":\"teamA\"},{\"key\":\"Empty\"}]}";
    assert_int_equal(bedrock_parse_tags(tags, strlen(tags), &t, &err), 0);
    assert_int_equal(t.n, 2);
    assert_string_equal(bedrock_tags_get(&t, "Team"), "teamA");
    assert_string_equal(bedrock_tags_get(&t, "Empty"), "");
    assert_null(bedrock_tags_get(&t, "team"));
    bedrock_tags_free(&t);
    assert_int_equal(bedrock_parse_tags("{\"tags\":[{\"value\":\"x\"}]}", 25, &t, &err), CC_EINPUT);
    assert_int_equal(bedrock_parse_tags("{\"tags\":[{\"key\":\"k\",\"value\":1}]}", 32, &t, &err), CC_EINPUT);
    assert_int_equal(bedrock_parse_tags("{}", 2, &t, &err), 0);
    assert_int_equal(t.n, 0);

    char *arn = NULL, *st = NULL;
    const char *created = "{\"inferenceProfileArn\":\"arn:aws:bedrock:r:1:application-inference-profile/x\","
                          "\"status\":\"ACTIVE\"}";
    assert_int_equal(bedrock_parse_create(created, strlen(created), &arn, &st, &err), 0);
    assert_string_equal(arn, "arn:aws:bedrock:r:1:application-inference-profile/x");
    assert_string_equal(st, "ACTIVE");
    free(arn);
    free(st);
    assert_int_equal(bedrock_parse_create("{\"status\":\"ACTIVE\"}", 19, &arn, NULL, &err), CC_EINPUT);
    assert_null(arn);

    bedrock_model_list ml;
    const char *models = "{\"modelSummaries\":[{\"modelArn\":\"arn:aws:bedrock:us-east-1::foundation-model/a.b\","
                         "\"modelId\":\"a.b\",\"modelName\":\"B\",\"providerName\":\"A\",\"responseStreamingSupported\":true,"
                         "\"inferenceTypesSupported\":[\"ON_DEMAND\",\"INFERENCE_PROFILE\"],"
                         "\"modelLifecycle\":{\"status\":\"LEGACY\"}}]}";
    assert_int_equal(bedrock_parse_models(models, strlen(models), &ml, &err), 0);
    assert_int_equal(ml.n, 1);
    assert_string_equal(ml.items[0].model_id, "a.b");
    assert_true(ml.items[0].streaming);
    assert_int_equal(ml.items[0].n_inference_types, 2);
    assert_string_equal(ml.items[0].lifecycle_status, "LEGACY");
    bedrock_model_list_free(&ml);
    const char *badm = "{\"modelSummaries\":[{\"modelArn\":\"a\",\"modelId\":\"b\",\"inferenceTypesSupported\":[1]}]}";
    assert_int_equal(bedrock_parse_models(badm, strlen(badm), &ml, &err), CC_EINPUT);
    assert_null(ml.items);
    bedrock_inference_profile p;
    assert_int_equal(bedrock_parse_profile("null", 4, &p, &err), CC_EINPUT);
}

/* ----------------------------------------------------- emulator section */

typedef struct emu {
    pid_t pid;
    char dir[64];
    char url[64];
    const char *vars[12];
    char url_var[96];
} emu;

static const char *emu_env(void *ud, const char *name)
{
    const emu *e = ud;
    size_t n = strlen(name);
    for (size_t i = 0; i < 12 && e->vars[i]; i++)
        if (strncmp(e->vars[i], name, n) == 0 && e->vars[i][n] == '=')
            return e->vars[i] + n + 1;
    return NULL;
}

static int emu_setup(void **state)
{
    static emu e;
    memset(&e, 0, sizeof e);
    *state = NULL;
    if (access("tests/fake_aws/server.py", R_OK) != 0)
        return 0;
    snprintf(e.dir, sizeof e.dir, "/tmp/clinecfg-bedrock-XXXXXX");
    if (!mkdtemp(e.dir))
        return 0;
    char port_file[128], log_file[128];
    snprintf(port_file, sizeof port_file, "%s/port", e.dir);
    snprintf(log_file, sizeof log_file, "%s/log.jsonl", e.dir);
    e.pid = fork();
    if (e.pid == 0) {
        execlp("python3", "python3", "tests/fake_aws/server.py", "--seed", "tests/fake_aws/seed-default.json",
               "--port-file", port_file, "--log", log_file, "--lifetime", "300", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) {
        FILE *f = fopen(port_file, "r");
        int port = 0;
        if (f) {
            if (fscanf(f, "%d", &port) != 1)
                port = 0;
            fclose(f);
        }
        if (port > 0) {
            snprintf(e.url_var, sizeof e.url_var, "AWS_ENDPOINT_URL=http://127.0.0.1:%d", port);
            e.vars[0] = e.url_var;
            e.vars[1] = "AWS_REGION=ap-northeast-1";
            e.vars[2] = "AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000";
            e.vars[3] = "AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe";
            e.vars[4] = "HOME=/nonexistent-home-for-tests";
            *state = &e;
            return 0;
        }
        if (waitpid(e.pid, NULL, WNOHANG) == e.pid)
            break;
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    return 0;
}

static int emu_teardown(void **state)
{
    emu *e = *state;
    if (e && e->pid > 0) {
        kill(e->pid, SIGTERM);
        waitpid(e->pid, NULL, 0);
        char cmd[160];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", e->dir);
        if (system(cmd) != 0)
            return 0;
    }
    return 0;
}

static void emulator_end_to_end(void **state)
{
    emu *e = *state;
    if (!e) {
        print_message("skipped: the emulator (python3 tests/fake_aws/server.py) could not be started\n");
        skip();
    }
    awsclient_opts o = {.env = emu_env, .env_ud = e};
    awsclient *c = NULL;
    cc_err err;
    assert_int_equal(awsclient_new(&o, &c, &err), 0);
    assert_string_equal(awsclient_region(c), "ap-northeast-1");
    assert_string_equal(awsclient_credential_source(c), "env");

    /* System profiles (no type: the service default). */
    bedrock_profile_page pg;
    assert_int_equal(bedrock_list_inference_profiles(c, NULL, &pg, &err), 0);
    assert_true(pg.n > 0);
    for (size_t i = 0; i < pg.n; i++)
        assert_string_equal(pg.items[i].type, "SYSTEM_DEFINED");
    bedrock_profile_page_free(&pg);

    /* The system profile by id: the ':' goes on the wire as %3A. */
    bedrock_inference_profile sys;
    assert_int_equal(bedrock_get_inference_profile(c, "apac.anthropic.claude-sonnet-4-5-20250929-v1:0", &sys, &err),
                     0);
    assert_true(sys.n_models >= 1);
    char copy_from[512];
    snprintf(copy_from, sizeof copy_from, "%s", sys.arn);
    bedrock_profile_free(&sys);

    /* Create with tags and an idempotency token; again with the same token -> same ARN. */
    bedrock_tag tags[] = {{"Team", "teamA"}, {"MemberName", "alice"}};
    bedrock_create_profile_in in = {.name = "teamA-bedrock-alice-unit", .description = "unit test",
                                    .copy_from = copy_from, .tags = tags, .n_tags = 2,
                                    .client_request_token = "0f8fad5b-d9cb-469f-a165-70867728950e"};
    char *arn = NULL, *arn2 = NULL, *status = NULL;
    assert_int_equal(bedrock_create_inference_profile(c, &in, &arn, &status, &err), 0);
    assert_non_null(strstr(arn, ":application-inference-profile/"));
    assert_string_equal(status, "ACTIVE");
    free(status);
    assert_int_equal(bedrock_create_inference_profile(c, &in, &arn2, NULL, &err), 0);
    assert_string_equal(arn, arn2);
    free(arn2);
    /* Same name, another token: a conflict (exit 8). */
    in.client_request_token = "1f8fad5b-d9cb-469f-a165-70867728950e";
    assert_int_equal(bedrock_create_inference_profile(c, &in, &arn2, NULL, &err), CC_ECONFLICT);
    assert_true(bedrock_err_is(&err, "ConflictException"));
    assert_null(arn2);

    /* Get by ARN (one encoded path segment). */
    bedrock_inference_profile p;
    assert_int_equal(bedrock_get_inference_profile(c, arn, &p, &err), 0);
    assert_string_equal(p.name, "teamA-bedrock-alice-unit");
    assert_string_equal(p.type, "APPLICATION");
    assert_true(p.n_models >= 1);
    char id[128];
    snprintf(id, sizeof id, "%s", p.id);
    bedrock_profile_free(&p);
    assert_int_equal(bedrock_get_inference_profile(c, id, &p, &err), 0);
    bedrock_profile_free(&p);

    /* Page through application profiles one at a time and find ours. */
    bedrock_list_profiles_in li = {.type = "APPLICATION", .max_results = 1};
    int pages = 0;
    bool found = false;
    char token[2100] = "";
    do {
        li.next_token = token[0] ? token : NULL;
        assert_int_equal(bedrock_list_inference_profiles(c, &li, &pg, &err), 0);
        assert_true(pg.n <= 1);
        for (size_t i = 0; i < pg.n; i++)
            found |= strcmp(pg.items[i].arn, arn) == 0;
        snprintf(token, sizeof token, "%s", pg.next_token ? pg.next_token : "");
        bedrock_profile_page_free(&pg);
    } while (token[0] && ++pages < 10000);
    assert_true(found);

    /* Tags: list, add, remove. */
    bedrock_tags t;
    assert_int_equal(bedrock_list_tags_for_resource(c, arn, &t, &err), 0);
    assert_string_equal(bedrock_tags_get(&t, "Team"), "teamA");
    assert_string_equal(bedrock_tags_get(&t, "MemberName"), "alice");
    bedrock_tags_free(&t);
    bedrock_tag extra[] = {{"CostCenter", "cc 42/x+y=z@q"}};
    assert_int_equal(bedrock_tag_resource(c, arn, extra, 1, &err), 0);
    const char *drop[] = {"MemberName"};
    assert_int_equal(bedrock_untag_resource(c, arn, drop, 1, &err), 0);
    assert_int_equal(bedrock_list_tags_for_resource(c, arn, &t, &err), 0);
    assert_string_equal(bedrock_tags_get(&t, "CostCenter"), "cc 42/x+y=z@q");
    assert_null(bedrock_tags_get(&t, "MemberName"));
    bedrock_tags_free(&t);

    /* A batch: identity, the profile and its tags, several times, 3 in flight. */
    bedrock_batch_item items[7];
    memset(items, 0, sizeof items);
    items[0].op = BEDROCK_OP_CALLER_IDENTITY;
    for (int i = 1; i < 7; i++) {
        items[i].op = i % 2 ? BEDROCK_OP_GET_PROFILE : BEDROCK_OP_LIST_TAGS;
        items[i].arg = arn;
    }
    items[6].op = BEDROCK_OP_GET_PROFILE;
    items[6].arg = "does-not-exist";
    assert_int_equal(bedrock_batch(c, items, 7, 3, &err), CC_EINPUT);
    assert_true(bedrock_err_is(&err, "ResourceNotFoundException"));
    assert_int_equal(items[0].status, 0);
    assert_string_equal(items[0].out.identity.arn, "arn:aws:iam::123456789012:user/alice");
    for (int i = 1; i < 6; i++) {
        assert_int_equal(items[i].status, 0);
        if (items[i].op == BEDROCK_OP_GET_PROFILE)
            assert_string_equal(items[i].out.profile.arn, arn);
        else
            assert_string_equal(bedrock_tags_get(&items[i].out.tags, "Team"), "teamA");
    }
    assert_int_equal(items[6].status, CC_EINPUT);
    bedrock_batch_free(items, 7);

    /* Foundation models with a filter. */
    bedrock_model_filter mf = {.by_provider = "Anthropic"};
    bedrock_model_list ml;
    assert_int_equal(bedrock_list_foundation_models(c, &mf, &ml, &err), 0);
    assert_true(ml.n >= 1);
    for (size_t i = 0; i < ml.n; i++)
        assert_string_equal(ml.items[i].provider_name, "Anthropic");
    bedrock_model_list_free(&ml);

    /* STS through the same client. */
    sts_identity who;
    assert_int_equal(sts_get_caller_identity(c, &who, &err), 0);
    assert_string_equal(who.account, "123456789012");
    sts_identity_free(&who);
    aws_credentials sess;
    assert_int_equal(sts_get_session_token(c, 900, &sess, &err), 0);
    assert_non_null(sess.session_token);
    assert_true(sess.expiration > time(NULL));
    aws_credentials_wipe(&sess);
    assert_int_equal(sts_get_session_token(c, 5, &sess, &err), CC_EINPUT);

    /* Delete, then it is gone (exit 4, ResourceNotFoundException). */
    assert_int_equal(bedrock_delete_inference_profile(c, arn, &err), 0);
    assert_int_equal(bedrock_get_inference_profile(c, arn, &p, &err), CC_EINPUT);
    assert_true(bedrock_err_is(&err, "ResourceNotFoundException"));
    free(arn);

    /* Bad input never reaches the wire. */
    assert_int_equal(bedrock_get_inference_profile(c, "", &p, &err), CC_EINPUT);
    assert_int_equal(bedrock_list_tags_for_resource(c, "not-an-arn", &t, &err), CC_EINPUT);
    li.max_results = 1001;
    assert_int_equal(bedrock_list_inference_profiles(c, &li, &pg, &err), CC_EINPUT);
    awsclient_free(c);

    /* bob may not create: AWS denied (exit 5). */
    emu bob_env = *e;
    bob_env.vars[2] = "AWS_ACCESS_KEY_ID=AKIAFAKEBOB000000000";
    bob_env.vars[3] = "AWS_SECRET_ACCESS_KEY=fake/bob/SecretKey+fake/bob/SecretKey+fa";
    awsclient_opts bo = {.env = emu_env, .env_ud = &bob_env};
    awsclient *bob = NULL;
    assert_int_equal(awsclient_new(&bo, &bob, &err), 0);
    in.name = "teamA-bedrock-bob-unit";
    in.client_request_token = NULL;
    assert_int_equal(bedrock_create_inference_profile(bob, &in, &arn, NULL, &err), CC_EDENIED);
    assert_true(bedrock_err_is(&err, "AccessDeniedException"));
    awsclient_free(bob);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_page),
        cmocka_unit_test(parse_page_layouts),
        cmocka_unit_test(parse_errors),
        cmocka_unit_test(parse_others),
        cmocka_unit_test_setup_teardown(emulator_end_to_end, emu_setup, emu_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
