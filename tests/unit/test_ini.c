/*
 * test_ini.c - the AWS INI parser and editor (src/core/ini.c).
 *
 * - Conformance: every case of ../shared/conformance/aws-config/
 *   config-file-parser-tests.json (read at run time; skipped, saying so,
 *   when the folder is absent).
 * - Golden edits: tests/golden/ini/NAME.in + NAME.edit -> NAME.out (exact
 *   bytes) or the expected error text.  NAME.edit lines: "kind
 *   auto|config|credentials", "section S", "set KEY VALUE" (VALUE is the rest
 *   of the line, may be empty), "delete KEY", "error TEXT" (each must be in
 *   the message; no NAME.out then).
 * - Error reporting, accessors, and a seeded generated-document test that
 *   checks bytes outside the edited section never change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "testutil.h"
#include <dirent.h>

#include <cjson/cJSON.h>

#include "clinecfg/ini.h"

/* ------------------------------------------------------------------ */
/* Conformance                                                         */

/* Compares one parsed section with the expected JSON object; returns a
 * description of the first difference or NULL. */
static const char *compare_section(const aws_profile *p, const cJSON *want, char *why, size_t wl)
{
    if (!p) {
        snprintf(why, wl, "missing section");
        return why;
    }
    if ((size_t)cJSON_GetArraySize(want) != ini_prop_count(p)) {
        snprintf(why, wl, "%s: %d properties expected, %zu parsed", ini_name(p),
                 cJSON_GetArraySize(want), ini_prop_count(p));
        return why;
    }
    const cJSON *kvj;
    cJSON_ArrayForEach(kvj, want) {
        size_t i = 0;
        while (i < ini_prop_count(p) && strcmp(ini_prop_key(p, i), kvj->string) != 0)
            i++;
        if (i == ini_prop_count(p)) {
            snprintf(why, wl, "%s: key %s missing", ini_name(p), kvj->string);
            return why;
        }
        if (cJSON_IsString(kvj)) {
            if (ini_prop_nested(p, i) || strcmp(ini_prop_value(p, i), kvj->valuestring) != 0) {
                snprintf(why, wl, "%s.%s: want \"%s\" got \"%s\"%s", ini_name(p), kvj->string,
                         kvj->valuestring, ini_prop_value(p, i), ini_prop_nested(p, i) ? " (nested)" : "");
                return why;
            }
        } else {
            if (!ini_prop_nested(p, i) || (size_t)cJSON_GetArraySize(kvj) != ini_sub_count(p, i)) {
                snprintf(why, wl, "%s.%s: want %d sub-properties, got %zu (nested %d)", ini_name(p),
                         kvj->string, cJSON_GetArraySize(kvj), ini_sub_count(p, i), ini_prop_nested(p, i));
                return why;
            }
            const cJSON *s;
            cJSON_ArrayForEach(s, kvj) {
                const char *got = ini_get_sub(p, kvj->string, s->string);
                if (!got || strcmp(got, s->valuestring) != 0) {
                    snprintf(why, wl, "%s.%s.%s: want \"%s\" got \"%s\"", ini_name(p), kvj->string,
                             s->string, s->valuestring, got ? got : "(absent)");
                    return why;
                }
            }
        }
    }
    return NULL;
}

static void conformance_parser(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    test_conformance_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/aws-config/config-file-parser-tests.json", dir);
    size_t len = 0;
    char *text = test_read_file(path, &len);
    if (!text) {
        printf("SKIP: AWS config conformance data absent (%s); not checking the 118 parser cases\n", path);
        skip();
    }
    cJSON *root = cJSON_ParseWithLength(text, len);
    free(text);
    assert_non_null(root);
    const cJSON *tests = cJSON_GetObjectItemCaseSensitive(root, "tests");
    int total = 0, failed = 0, n_profiles = 0, n_sso = 0, n_err = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, tests) {
        total++;
        const char *name = cJSON_GetObjectItemCaseSensitive(t, "name")->valuestring;
        const cJSON *in = cJSON_GetObjectItemCaseSensitive(t, "input");
        const cJSON *cf = cJSON_GetObjectItemCaseSensitive(in, "configFile");
        const cJSON *sf = cJSON_GetObjectItemCaseSensitive(in, "credentialsFile");
        const cJSON *outp = cJSON_GetObjectItemCaseSensitive(t, "output");
        aws_profile_set *set = NULL;
        cc_err err = {0};
        int rc = ini_parse_profiles(cf ? cf->valuestring : NULL, cf ? strlen(cf->valuestring) : 0,
                                    "config", sf ? sf->valuestring : NULL,
                                    sf ? strlen(sf->valuestring) : 0, "credentials", &set, &err);
        const cJSON *want_err = cJSON_GetObjectItemCaseSensitive(outp, "errorContaining");
        const cJSON *want_p = cJSON_GetObjectItemCaseSensitive(outp, "profiles");
        const cJSON *want_s = cJSON_GetObjectItemCaseSensitive(outp, "ssoSessions");
        char why[2048] = "";
        const char *bad = NULL;
        if (want_err) {
            n_err++;
            if (rc != CC_EINPUT) {
                snprintf(why, sizeof why, "expected a failure (%s), got rc %d", want_err->valuestring, rc);
                bad = why;
            } else if (strncmp(err.message, "config:", 7) != 0 && strncmp(err.message, "credentials:", 12) != 0) {
                snprintf(why, sizeof why, "error does not name the file: %s", err.message);
                bad = why;
            } else if (!err.hint[0]) {
                snprintf(why, sizeof why, "error has no hint: %s", err.message);
                bad = why;
            }
        } else if (rc != 0) {
            snprintf(why, sizeof why, "unexpected failure: %s", err.message);
            bad = why;
        } else {
            if (want_p) {
                n_profiles++;
                if ((size_t)cJSON_GetArraySize(want_p) != ini_profile_count(set)) {
                    snprintf(why, sizeof why, "%d profiles expected, %zu parsed", cJSON_GetArraySize(want_p),
                             ini_profile_count(set));
                    bad = why;
                }
                const cJSON *p;
                cJSON_ArrayForEach(p, want_p) {
                    if (!bad)
                        bad = compare_section(ini_profile(set, p->string), p, why, sizeof why);
                }
            }
            if (want_s && !bad) {
                n_sso++;
                if ((size_t)cJSON_GetArraySize(want_s) != ini_sso_session_count(set)) {
                    snprintf(why, sizeof why, "%d sso-sessions expected, %zu parsed", cJSON_GetArraySize(want_s),
                             ini_sso_session_count(set));
                    bad = why;
                }
                const cJSON *p;
                cJSON_ArrayForEach(p, want_s) {
                    if (!bad)
                        bad = compare_section(ini_sso_session(set, p->string), p, why, sizeof why);
                }
            }
        }
        if (bad) {
            failed++;
            printf("FAIL conformance: %s: %s\n", name, bad);
        }
        ini_profiles_free(set);
    }
    printf("aws-config parser conformance: %d cases (%d profiles, %d ssoSessions, %d errors), %d failed\n",
           total, n_profiles, n_sso, n_err, failed);
    cJSON_Delete(root);
    assert_int_equal(total, 118);
    assert_int_equal(failed, 0);
}

/* ------------------------------------------------------------------ */
/* Golden edits                                                        */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_golden_case(const char *dir, const char *name)
{
    char path[8192];
    size_t in_len = 0, exp_len = 0;
    snprintf(path, sizeof path, "%s/%s.in", dir, name);
    char *in = test_read_file(path, &in_len);
    snprintf(path, sizeof path, "%s/%s.edit", dir, name);
    char *edit = test_read_file(path, NULL);
    snprintf(path, sizeof path, "%s/%s.out", dir, name);
    char *exp = test_read_file(path, &exp_len);
    if (!in || !edit) {
        printf("FAIL golden %s: missing .in or .edit\n", name);
        free(in);
        free(edit);
        free(exp);
        return 1;
    }
    ini_set sets[32];
    size_t n = 0;
    const char *section = NULL;
    int kind = INI_FILE_AUTO;
    const char *errs[8];
    size_t nerr = 0;
    for (char *line = strtok(edit, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "section ", 8) == 0)
            section = line + 8;
        else if (strcmp(line, "kind config") == 0)
            kind = INI_FILE_CONFIG;
        else if (strcmp(line, "kind credentials") == 0)
            kind = INI_FILE_CREDENTIALS;
        else if (strcmp(line, "kind auto") == 0)
            kind = INI_FILE_AUTO;
        else if (strncmp(line, "set ", 4) == 0 && n < 32) {
            char *k = line + 4, *sp = strchr(k, ' ');
            if (sp)
                *sp = '\0';
            sets[n++] = (ini_set){k, sp ? sp + 1 : ""};
        } else if (strncmp(line, "delete ", 7) == 0 && n < 32)
            sets[n++] = (ini_set){line + 7, NULL};
        else if (strncmp(line, "error ", 6) == 0 && nerr < 8)
            errs[nerr++] = line + 6;
        else if (line[0] != '#') {
            printf("FAIL golden %s: bad .edit line \"%s\"\n", name, line);
            return 1;
        }
    }
    char *out = NULL;
    size_t out_len = 0;
    cc_err err = {0};
    int rc = ini_edit_section_ex(in, in_len, NULL, kind, section, sets, n, &out, &out_len, &err);
    int bad = 0;
    if (nerr) {
        if (rc != CC_EINPUT || out) {
            printf("FAIL golden %s: expected CC_EINPUT, got %d\n", name, rc);
            bad = 1;
        }
        for (size_t i = 0; i < nerr && !bad; i++)
            if (!strstr(err.message, errs[i])) {
                printf("FAIL golden %s: message \"%s\" lacks \"%s\"\n", name, err.message, errs[i]);
                bad = 1;
            }
        if (!bad && !err.hint[0]) {
            printf("FAIL golden %s: no hint with \"%s\"\n", name, err.message);
            bad = 1;
        }
    } else if (rc != 0) {
        printf("FAIL golden %s: %s\n", name, err.message);
        bad = 1;
    } else if (!exp) {
        printf("FAIL golden %s: no .out file\n", name);
        bad = 1;
    } else if (out_len != exp_len || memcmp(out, exp, exp_len) != 0 || out[out_len] != '\0') {
        printf("FAIL golden %s: output differs\n--- expected\n%s\n--- got\n%s\n---\n", name, exp, out);
        bad = 1;
    }
    free(out);
    free(in);
    free(edit);
    free(exp);
    return bad;
}

static void golden_edits(void **state)
{
    (void)state;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/golden/ini", test_top_dir());
    DIR *d = opendir(dir);
    assert_non_null(d);
    char *names[512];
    size_t nn = 0;
    struct dirent *e;
    while ((e = readdir(d)) && nn < 512) {
        size_t l = strlen(e->d_name);
        if (l > 5 && strcmp(e->d_name + l - 5, ".edit") == 0) {
            names[nn] = strdup(e->d_name);
            names[nn][l - 5] = '\0';
            nn++;
        }
    }
    closedir(d);
    qsort(names, nn, sizeof names[0], cmp_str);
    int failed = 0;
    for (size_t i = 0; i < nn; i++) {
        failed += run_golden_case(dir, names[i]);
        free(names[i]);
    }
    printf("ini golden edits: %zu cases, %d failed\n", nn, failed);
    assert_true(nn >= 60);
    assert_int_equal(failed, 0);
}

/* ------------------------------------------------------------------ */
/* Parser details                                                      */

static aws_profile_set *parse_ok(const char *cfg, const char *creds)
{
    aws_profile_set *set = NULL;
    cc_err err = {0};
    int rc = ini_parse_profiles(cfg, cfg ? strlen(cfg) : 0, "cfg", creds, creds ? strlen(creds) : 0,
                                "creds", &set, &err);
    if (rc)
        printf("unexpected: %s\n", err.message);
    assert_int_equal(rc, 0);
    assert_non_null(set);
    return set;
}

static void error_names_file_line_col(void **state)
{
    (void)state;
    struct {
        const char *text, *want;
    } cases[] = {
        {"# c\n[profile a]\nregion = x\n[profile b\n", "/home/u/.aws/config:4:11: Section definition must end with ']'"},
        {"\n\nregion = x\n", "/home/u/.aws/config:3:1: Expected a section definition"},
        {"[default]\nk = v\r\n\tcont\n[x]\nin valid = 1\n\tcont\n", NULL}, /* well-formed, partly ignored */
        {"[default]\n[in valid]\n\tcont\n", "/home/u/.aws/config:3:1: Expected a property definition"}, /* ignored sections are still checked */
        {"[default]\n  cont\n", "/home/u/.aws/config:2:1: Expected a property definition, found continuation"},
        {"[default]\n= v\n", "/home/u/.aws/config:2:1: Property did not have a name"},
        {"[default]\ns3 =\n\n   = v\n", "/home/u/.aws/config:4:4: Property did not have a name in sub-property"},
        {"[default]\nk = v\0w\n", "/home/u/.aws/config:2:6: NUL byte"},
    };
    size_t lens[] = {0, 0, 0, 0, 0, 0, 0, 18};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        aws_profile_set *set = NULL;
        cc_err err = {0};
        size_t len = lens[i] ? lens[i] : strlen(cases[i].text);
        int rc = ini_parse_profiles(cases[i].text, len, "/home/u/.aws/config", NULL, 0, NULL, &set, &err);
        if (!cases[i].want) {
            assert_int_equal(rc, 0);
            ini_profiles_free(set);
            continue;
        }
        assert_int_equal(rc, CC_EINPUT);
        assert_null(set);
        if (strncmp(err.message, cases[i].want, strlen(cases[i].want)) != 0)
            fail_msg("case %zu: got \"%s\", want prefix \"%s\"", i, err.message, cases[i].want);
        assert_string_equal(err.code, "ini.syntax");
        assert_true(strlen(err.hint) > 10);
    }
    /* The credentials file is named in its own errors. */
    aws_profile_set *set = NULL;
    cc_err err = {0};
    assert_int_equal(ini_parse_profiles("[default]\n", 10, "C", "[a]\nk v\n", 8, "/x/credentials", &set, &err),
                     CC_EINPUT);
    assert_string_equal(err.message, "/x/credentials:2:1: Expected an '=' sign defining a property");
}

static void error_never_quotes_values(void **state)
{
    (void)state;
    const char *text = "[default]\naws_secret_access_key = SECRETVALUE123\n  continued-secret\n[bad\n";
    aws_profile_set *set = NULL;
    cc_err err = {0};
    assert_int_equal(ini_parse_profiles(NULL, 0, NULL, text, strlen(text), NULL, &set, &err), CC_EINPUT);
    assert_null(strstr(err.message, "SECRET"));
    assert_null(strstr(err.hint, "SECRET"));
    assert_non_null(strstr(err.message, "credentials:4:"));
    /* Nor do edit refusals. */
    char *out = NULL;
    ini_set s = {"aws_secret_access_key", "SECRET #1"};
    assert_int_equal(ini_edit_section("[a]\n", 4, "f", "a", &s, 1, &out, NULL, &err), CC_EINPUT);
    assert_null(out);
    assert_null(strstr(err.message, "SECRET"));
}

static void size_limit(void **state)
{
    (void)state;
    aws_profile_set *set = NULL;
    cc_err err = {0};
    /* The limit is checked before the text is read, so a short buffer with a
     * huge claimed length is safe to pass here only because parse_file stops
     * first; use a real oversized buffer to be honest about it. */
    size_t n = INI_MAX_SIZE + 1;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, '#', n);
    assert_int_equal(ini_parse_profiles(big, n, "huge", NULL, 0, NULL, &set, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "16 MiB"));
    assert_non_null(strstr(err.message, "huge"));
    free(big);
}

static void merge_and_accessors(void **state)
{
    (void)state;
    aws_profile_set *set = parse_ok(
        "[default]\nregion = us-east-1\n[profile dev]\nRegion = eu-west-1\nsso_session = corp\n"
        "s3 =\n  addressing_style = path\n  Max_Concurrent = 5\n"
        "[sso-session corp]\nsso_region = us-east-2\n[services local]\nsts =\n  endpoint_url = http://x\n",
        "[dev]\naws_access_key_id = AKIA\nregion = ap-south-1\n[only-creds]\nk = v\n");
    assert_int_equal(ini_profile_count(set), 3);
    const aws_profile *dev = ini_profile(set, "dev");
    assert_non_null(dev);
    assert_string_equal(ini_name(dev), "dev");
    assert_string_equal(ini_get(dev, "REGION"), "ap-south-1"); /* credentials win, keys case-insensitive */
    const char *file;
    int line;
    assert_int_equal(ini_origin(dev, "region", &file, &line), 0);
    assert_string_equal(file, "creds");
    assert_int_equal(line, 3);
    assert_int_equal(ini_origin(dev, "sso_session", &file, &line), 0);
    assert_string_equal(file, "cfg");
    assert_int_equal(line, 5);
    assert_int_equal(ini_origin(dev, "nope", &file, &line), -1);
    assert_string_equal(ini_get(dev, "s3"), "\naddressing_style = path\nMax_Concurrent = 5");
    assert_string_equal(ini_get_sub(dev, "s3", "addressing_style"), "path");
    assert_string_equal(ini_get_sub(dev, "s3", "max_concurrent"), "5");
    assert_null(ini_get_sub(dev, "s3", "absent"));
    assert_null(ini_get(dev, "absent"));
    assert_non_null(ini_profile(set, "only-creds"));
    assert_null(ini_profile(set, "corp"));
    assert_string_equal(ini_get(ini_sso_session(set, "corp"), "sso_region"), "us-east-2");
    assert_int_equal(ini_sso_session_count(set), 1);
    assert_string_equal(ini_name(ini_sso_session_at(set, 0)), "corp");
    assert_int_equal(ini_services_count(set), 1);
    assert_string_equal(ini_get_sub(ini_services(set, "local"), "sts", "endpoint_url"), "http://x");
    assert_string_equal(ini_name(ini_services_at(set, 0)), "local");
    assert_string_equal(ini_name(ini_profile_at(set, 0)), "default");
    assert_null(ini_profile_at(set, 3));
    assert_null(ini_profile(set, "DEV")); /* profile names are case-sensitive */
    ini_profiles_free(set);

    /* A BOM is skipped; lone CR counts as whitespace; NULL texts are empty. */
    set = parse_ok("\xEF\xBB\xBF[default]\r\nregion = a\r\n", NULL);
    assert_string_equal(ini_get(ini_profile(set, "default"), "region"), "a");
    ini_profiles_free(set);
    set = parse_ok(NULL, NULL);
    assert_int_equal(ini_profile_count(set), 0);
    ini_profiles_free(set);
    ini_profiles_free(NULL);
}

static void indented_comments_are_comments(void **state)
{
    (void)state;
    aws_profile_set *set = parse_ok("[default]\ns3 =\n  # about s3\n  a = 1\n  ; more\n  b = 2\nk = v # c\n", NULL);
    const aws_profile *d = ini_profile(set, "default");
    assert_string_equal(ini_get_sub(d, "s3", "a"), "1");
    assert_string_equal(ini_get_sub(d, "s3", "b"), "2");
    assert_string_equal(ini_get(d, "k"), "v");
    ini_profiles_free(set);
}

/* ------------------------------------------------------------------ */
/* Editor details                                                      */

static void edit_refuses_unparseable_file(void **state)
{
    (void)state;
    const char *text = "[profile a]\nregion = x\n  \n[profile b\nregion = y\n";
    char *out = (char *)1;
    size_t ol = 99;
    cc_err err = {0};
    ini_set s = {"region", "z"};
    assert_int_equal(ini_edit_section(text, strlen(text), "/h/.aws/config", "profile a", &s, 1, &out, &ol, &err),
                     CC_EINPUT);
    assert_null(out);
    assert_int_equal(ol, 0);
    assert_non_null(strstr(err.message, "/h/.aws/config:4:"));
    assert_non_null(strstr(err.hint, "fix"));
}

static void edit_output_is_nul_terminated_and_reparses(void **state)
{
    (void)state;
    char *out = NULL;
    size_t ol = 0;
    cc_err err = {0};
    ini_set s[] = {{"region", "us-east-1"}, {"credential_process", "/usr/bin/clinecfg credential-process"}};
    assert_int_equal(ini_edit_section(NULL, 0, NULL, "profile clinecfg", s, 2, &out, &ol, &err), 0);
    assert_int_equal(strlen(out), ol);
    aws_profile_set *set = parse_ok(out, NULL);
    const aws_profile *p = ini_profile(set, "clinecfg");
    assert_string_equal(ini_get(p, "credential_process"), "/usr/bin/clinecfg credential-process");
    ini_profiles_free(set);
    free(out);
    /* No edits: a copy of the input. */
    assert_int_equal(ini_edit_section("[a]\n", 4, NULL, "a", NULL, 0, &out, &ol, &err), 0);
    assert_string_equal(out, "[a]\n");
    free(out);
}

/* Seeded generator: documents of several sections with comments, blank
 * lines, continuations and sub-properties; an edit of one section must keep
 * every byte before and after that section's lines. */
static uint64_t rng_state;
static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

static void append(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t cap, const char *fmt, ...)
{
    size_t l = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + l, cap - l, fmt, ap);
    va_end(ap);
}

static void generated_edits_keep_other_bytes(void **state)
{
    (void)state;
    static const char *keys[] = {"region", "output", "credential_process", "sso_session", "s3", "Cli_Pager", "k"};
    static const char *vals[] = {"us-east-1", "a = b", "\"q u o t e d\"", "x#y", "v;w", "", "caf\xc3\xa9"};
    rng_state = 0x9E3779B97F4A7C15ull;
    int runs = 0;
    for (int iter = 0; iter < 2000; iter++) {
        const char *eol = rnd(4) == 0 ? "\r\n" : "\n";
        char doc[8192] = "";
        size_t sec_start[6], sec_end[6];
        int nsec = 1 + (int)rnd(5);
        if (rnd(3) == 0)
            append(doc, sizeof doc, "# leading comment%s%s", eol, rnd(2) ? eol : "");
        for (int s = 0; s < nsec; s++) {
            sec_start[s] = strlen(doc);
            if (s == 0 && rnd(3) == 0)
                append(doc, sizeof doc, "[default]%s", rnd(2) ? " ; hdr" : "");
            else
                append(doc, sizeof doc, "[profile p%d]%s", s, rnd(3) == 0 ? " # hdr" : "");
            append(doc, sizeof doc, "%s", eol);
            int np = (int)rnd(5);
            for (int k = 0; k < np; k++) {
                unsigned what = rnd(6);
                const char *key = keys[rnd(7)];
                if (what == 0)
                    append(doc, sizeof doc, "; comment %d%s", k, eol);
                else if (what == 1)
                    append(doc, sizeof doc, "%s", eol);
                else if (what == 2)
                    append(doc, sizeof doc, "%s =%s  sub_a = 1%s  sub_b = x y%s", key, eol, eol, eol);
                else if (what == 3)
                    append(doc, sizeof doc, "%s = first%s  continued%s", key, eol, eol);
                else
                    append(doc, sizeof doc, "%s%s%s%s", key, rnd(2) ? " = " : "=", vals[rnd(7)], eol);
            }
            if (rnd(4) == 0)
                append(doc, sizeof doc, "%s# trailing comment%s", eol, eol);
            sec_end[s] = strlen(doc);
        }
        size_t len = strlen(doc);
        if (rnd(5) == 0 && len >= strlen(eol)) /* drop the final newline sometimes */
            len -= strlen(eol), doc[len] = '\0', sec_end[nsec - 1] = len;

        int target = (int)rnd((unsigned)nsec + 1); /* nsec = a new section */
        char section[32];
        int is_default = 0;
        if (target < nsec && strncmp(doc + sec_start[target], "[default]", 9) == 0) {
            snprintf(section, sizeof section, "default");
            is_default = 1;
        } else {
            snprintf(section, sizeof section, "profile p%d", target);
        }
        ini_set sets[3];
        size_t nset = 1 + rnd(3);
        for (size_t i = 0; i < nset; i++)
            sets[i] = (ini_set){keys[rnd(7)], rnd(3) == 0 ? NULL : vals[rnd(6)]};
        char *out = NULL;
        size_t ol = 0;
        cc_err err = {0};
        int rc = ini_edit_section(doc, len, "gen", section, sets, nset, &out, &ol, &err);
        if (rc != 0)
            fail_msg("iter %d: edit failed: %s\n%s", iter, err.message, doc);
        runs++;
        size_t pre = target < nsec ? sec_start[target] : len;
        size_t post = target < nsec ? sec_end[target] : len;
        /* The bytes before the section are identical. */
        if (ol < pre || memcmp(out, doc, pre) != 0)
            fail_msg("iter %d: bytes before [%s] changed\n%s\n----\n%s", iter, section, doc, out);
        /* The bytes after it too (unless it was the last one without a final
         * newline, where the EOL handling may move). */
        size_t tail = len - post;
        if (target < nsec && target != nsec - 1 &&
            (ol < tail || memcmp(out + ol - tail, doc + post, tail) != 0))
            fail_msg("iter %d: bytes after [%s] changed\n%s\n----\n%s", iter, section, doc, out);
        /* Final-newline state kept. */
        int had_nl = len > 0 && doc[len - 1] == '\n', has_nl = ol > 0 && out[ol - 1] == '\n';
        int ends_blank = ol >= 2 && out[ol - 1] == '\n' &&
                         (out[ol - 2] == '\n' || (ol >= 3 && out[ol - 2] == '\r' && out[ol - 3] == '\n'));
        if (len > 0 && had_nl != has_nl && !(has_nl && ends_blank))
            fail_msg("iter %d: final newline changed\n%s\n----\n%s", iter, doc, out);
        /* The effective values are what was asked. */
        aws_profile_set *set = parse_ok(out, NULL);
        const aws_profile *p = ini_profile(set, is_default ? "default" : section + 8);
        for (size_t i = 0; i < nset; i++) {
            size_t j = i + 1;
            while (j < nset && strcasecmp(sets[j].key, sets[i].key) != 0)
                j++;
            if (j < nset)
                continue;
            const char *got = ini_get(p, sets[i].key);
            if (sets[i].value ? !got || strcmp(got, sets[i].value) != 0 : got != NULL)
                fail_msg("iter %d: %s has the wrong value", iter, sets[i].key);
        }
        ini_profiles_free(set);
        free(out);
    }
    printf("generated edits: %d documents\n", runs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(conformance_parser),
        cmocka_unit_test(golden_edits),
        cmocka_unit_test(error_names_file_line_col),
        cmocka_unit_test(error_never_quotes_values),
        cmocka_unit_test(size_limit),
        cmocka_unit_test(merge_and_accessors),
        cmocka_unit_test(indented_comments_are_comments),
        cmocka_unit_test(edit_refuses_unparseable_file),
        cmocka_unit_test(edit_output_is_nul_terminated_and_reparses),
        cmocka_unit_test(generated_edits_keep_other_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
