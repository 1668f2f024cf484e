/* test_diff.c - unified diffs (src/core/diff.c): exact output for known
 * cases, and for random texts the property that applying the diff to the old
 * text gives the new one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clinecfg/diff.h"

static char *diff(const char *a, const char *b)
{
    cc_err err;
    cc_err_clear(&err);
    char *out = NULL;
    assert_int_equal(cc_diff_unified(a ? "a" : NULL, a, a ? strlen(a) : 0, b ? "b" : NULL, b, b ? strlen(b) : 0, 3,
                                     &out, &err),
                     CC_OK);
    assert_non_null(out);
    return out;
}

static void expect(const char *a, const char *b, const char *want)
{
    char *d = diff(a, b);
    assert_string_equal(d, want);
    free(d);
}

static void test_equal_is_empty(void **state)
{
    (void)state;
    expect("x\ny\n", "x\ny\n", "");
    expect("", "", "");
}

static void test_one_line_changed(void **state)
{
    (void)state;
    expect("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nFIVE\n6\n7\n8\n9\n",
           "--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+FIVE\n 6\n 7\n 8\n");
}

static void test_created_and_removed(void **state)
{
    (void)state;
    expect(NULL, "{\n}\n", "--- /dev/null\n+++ b\n@@ -0,0 +1,2 @@\n+{\n+}\n");
    expect("x\n", NULL, "--- a\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n");
}

static void test_no_newline_at_end(void **state)
{
    (void)state;
    expect("a\nb", "a\nc", "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n");
    expect("a\n", "a\nb", "--- a\n+++ b\n@@ -1 +1,2 @@\n a\n+b\n\\ No newline at end of file\n");
}

static void test_crlf_kept(void **state)
{
    (void)state;
    expect("{\r\n\"a\": 1\r\n}\r\n", "{\r\n\"a\": 2\r\n}\r\n",
           "--- a\n+++ b\n@@ -1,3 +1,3 @@\n {\r\n-\"a\": 1\r\n+\"a\": 2\r\n }\r\n");
}

static void test_hunks_split_and_merged(void **state)
{
    (void)state;
    /* 20 lines, changes at 2 and 18: far apart -> two hunks. */
    char a[256] = "", b[256] = "";
    for (int i = 1; i <= 20; i++) {
        char l[16];
        snprintf(l, sizeof l, "%d\n", i);
        strcat(a, l);
        strcat(b, i == 2 ? "two\n" : i == 18 ? "eighteen\n" : l);
    }
    expect(a, b,
           "--- a\n+++ b\n@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n"
           "@@ -15,6 +15,6 @@\n 15\n 16\n 17\n-18\n+eighteen\n 19\n 20\n");
    /* Changes 6 lines apart (gap <= 2*3) -> one hunk. */
    expect("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "1\nB\n3\n4\n5\n6\n7\n8\nI\n10\n",
           "--- a\n+++ b\n@@ -1,10 +1,10 @@\n 1\n-2\n+B\n 3\n 4\n 5\n 6\n 7\n 8\n-9\n+I\n 10\n");
}

static void test_insert_at_start_and_end(void **state)
{
    (void)state;
    expect("b\nc\n", "a\nb\nc\nd\n", "--- a\n+++ b\n@@ -1,2 +1,4 @@\n+a\n b\n c\n+d\n");
}

static void test_window_line_numbers(void **state)
{
    (void)state;
    /* A small change deep in a big file: the hunk numbers count every line
     * before the window. */
    size_t n = 10000;
    char *a = malloc(n * 8 + 1), *b = malloc(n * 8 + 16);
    size_t ka = 0, kb = 0;
    for (size_t i = 1; i <= n; i++) {
        ka += (size_t)sprintf(a + ka, "%zu\n", i);
        kb += (size_t)sprintf(b + kb, i == 5000 ? "five k\n" : "%zu\n", i);
    }
    expect(a, b, "--- a\n+++ b\n@@ -4997,7 +4997,7 @@\n 4997\n 4998\n 4999\n-5000\n+five k\n 5001\n 5002\n 5003\n");
    free(a);
    free(b);
    /* Common bytes that do not start a line on both sides. */
    expect("x\nab\n", "x\nb\n", "--- a\n+++ b\n@@ -1,2 +1,2 @@\n x\n-ab\n+b\n");
    expect("ab\n", "b\n", "--- a\n+++ b\n@@ -1 +1 @@\n-ab\n+b\n");
    expect("a\nb", "a\nab", "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+ab\n\\ No newline at end of file\n");
}

/* ---- property: patch(old, diff(old, new)) == new ---------------------------- */

/* A strict applier of our own output: context and '-' lines must match. */
static char *apply_patch(const char *old, const char *patch, size_t *out_len)
{
    size_t olen = strlen(old);
    char *out = malloc(olen + strlen(patch) + 1);
    size_t o = 0, pos = 0; /* pos: byte offset in old */
    long line_no = 1;       /* 1-based line number at pos */
    const char *p = patch;
    /* skip the two header lines */
    for (int i = 0; i < 2; i++) {
        p = strchr(p, '\n');
        assert_non_null(p);
        p++;
    }
    while (*p) {
        long as, ac = 1, bs, bc = 1;
        assert_true(strncmp(p, "@@ -", 4) == 0);
        char *end;
        as = strtol(p + 4, &end, 10);
        if (*end == ',')
            ac = strtol(end + 1, &end, 10);
        assert_true(*end == ' ' && end[1] == '+');
        bs = strtol(end + 2, &end, 10);
        if (*end == ',')
            bc = strtol(end + 1, &end, 10);
        (void)bs;
        (void)bc;
        p = strchr(p, '\n') + 1;
        long first = ac == 0 ? as + 1 : as;
        /* copy unchanged lines up to `first` */
        while (line_no < first) {
            const char *nl = memchr(old + pos, '\n', olen - pos);
            size_t l = nl ? (size_t)(nl - (old + pos)) + 1 : olen - pos;
            memcpy(out + o, old + pos, l);
            o += l;
            pos += l;
            line_no++;
        }
        while (*p == ' ' || *p == '-' || *p == '+') {
            char mark = *p++;
            const char *nl = strchr(p, '\n');
            size_t l = (size_t)(nl - p) + 1;
            bool no_eol = strncmp(nl + 1, "\\ No newline at end of file\n", 28) == 0;
            size_t body = no_eol ? l - 1 : l;
            if (mark != '+') {
                assert_true(pos + body <= olen);
                assert_memory_equal(old + pos, p, body);
                pos += body;
                line_no++;
            }
            if (mark != '-') {
                memcpy(out + o, p, body);
                o += body;
            }
            p = nl + 1 + (no_eol ? 28 : 0);
        }
    }
    memcpy(out + o, old + pos, olen - pos);
    o += olen - pos;
    out[o] = '\0';
    *out_len = o;
    return out;
}

static uint32_t rng = 12345;
static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static char *random_text(size_t lines)
{
    static const char *const words[] = {"{", "}", "\"a\": 1,", "// c", "", "x", "\"b\": [1, 2]", "\r"};
    char *s = malloc(lines * 16 + 1);
    size_t k = 0;
    for (size_t i = 0; i < lines; i++) {
        const char *w = words[next_rand() % 8];
        size_t l = strlen(w);
        memcpy(s + k, w, l);
        k += l;
        if (i + 1 < lines || next_rand() % 2)
            s[k++] = '\n';
    }
    s[k] = '\0';
    return s;
}

static void test_random_roundtrip(void **state)
{
    (void)state;
    for (int iter = 0; iter < 3000; iter++) {
        char *a = random_text(next_rand() % 30);
        char *b;
        if (iter % 2) {
            b = random_text(next_rand() % 30);
        } else {
            /* a few local edits of a, the common case */
            size_t al = strlen(a);
            b = malloc(al + 64);
            memcpy(b, a, al + 1);
            if (al) {
                size_t at = next_rand() % al;
                memmove(b + at + 3, b + at, al - at + 1);
                memcpy(b + at, "Z\nY", 3);
            }
        }
        char *d = diff(a, b);
        if (strcmp(a, b) == 0) {
            assert_string_equal(d, "");
        } else {
            size_t n;
            char *back = apply_patch(a, d, &n);
            if (strcmp(back, b) != 0)
                fail_msg("iteration %d: patch does not reproduce new text\nold:[%s]\nnew:[%s]\ndiff:\n%s", iter, a, b, d);
            free(back);
        }
        free(d);
        free(a);
        free(b);
    }
}

static void test_large_rewrite_is_bounded(void **state)
{
    (void)state;
    /* 20000 distinct lines replaced by 20000 others: more edits than the
     * Myers bound, so the fallback (delete all + add all) must still be a
     * correct diff. */
    size_t n = 20000;
    char *a = malloc(n * 12 + 1), *b = malloc(n * 12 + 1);
    size_t ka = 0, kb = 0;
    for (size_t i = 0; i < n; i++) {
        ka += (size_t)sprintf(a + ka, "a%zu\n", i);
        kb += (size_t)sprintf(b + kb, "b%zu\n", i);
    }
    char *d = diff(a, b);
    size_t len;
    char *back = apply_patch(a, d, &len);
    assert_string_equal(back, b);
    free(back);
    free(d);
    free(a);
    free(b);
}

/* Secret-named keys: values redacted on every diff line, context included. */
static void test_redacts_secret_values(void **state)
{
    (void)state;
    expect("[profile clinecfg]\nregion = us-east-1\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG\n",
           "[profile clinecfg]\nregion = ap-northeast-1\n",
           "--- a\n+++ b\n@@ -1,3 +1,2 @@\n [profile clinecfg]\n-region = us-east-1\n"
           "-aws_secret_access_key = <redacted>\n+region = ap-northeast-1\n");
    expect("{\n  \"accessKey\": \"AKIAXX\",\n  \"secretKey\": \"s3cr3t\",\n  \"sessionToken\": \"tok\\\"en\",\n"
           "  \"maxTokens\": 8192,\n  \"model\": \"m\"\n}\n",
           "{\n  \"maxTokens\": 8192,\n  \"model\": \"m\"\n}\n",
           "--- a\n+++ b\n@@ -1,7 +1,4 @@\n {\n-  \"accessKey\": \"<redacted>\",\n-  \"secretKey\": \"<redacted>\",\n"
           "-  \"sessionToken\": \"<redacted>\",\n   \"maxTokens\": 8192,\n   \"model\": \"m\"\n }\n");
    /* one-line JSON, a numeric secret, CRLF kept */
    expect("{\"apiKey\":\"sk-1\",\"awsPassword\":1234,\"x\":\"secret\"}\r\n", "{}\r\n",
           "--- a\n+++ b\n@@ -1 +1 @@\n-{\"apiKey\":\"<redacted>\",\"awsPassword\":<redacted>,\"x\":\"secret\"}\r\n"
           "+{}\r\n");
}

static void test_secret_key_names(void **state)
{
    (void)state;
    const char *yes[] = {"secretKey", "aws_secret_access_key", "sessionToken", "AWS_SESSION_TOKEN", "apiKey",
                         "openRouterApiKey", "password", "db.passwd", "accessKey", "aws_access_key_id", "refresh_token",
                         "privateKey"};
    const char *no[] = {"maxTokens", "model", "region", "credential_process", "tokenSource", "awsUseProfile"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        assert_true(cc_secret_key_name(yes[i], strlen(yes[i])));
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_false(cc_secret_key_name(no[i], strlen(no[i])));
}

static void test_removes_secret(void **state)
{
    (void)state;
    const char *old = "{\n  \"secretKey\": \"s3cr3t\",\n  \"model\": \"m\"\n}\n";
    const char *kept = "{\n  \"model\": \"n\",\n  \"secretKey\": \"s3cr3t\"\n}\n";
    const char *gone = "{\n  \"model\": \"m\"\n}\n";
    assert_false(cc_diff_removes_secret(old, strlen(old), kept, strlen(kept)));
    assert_true(cc_diff_removes_secret(old, strlen(old), gone, strlen(gone)));
    assert_true(cc_diff_removes_secret(old, strlen(old), NULL, 0));
    assert_false(cc_diff_removes_secret(gone, strlen(gone), NULL, 0));
    const char *ini = "[profile x]\naws_secret_access_key = abc/def\n";
    assert_true(cc_diff_removes_secret(ini, strlen(ini), "[profile x]\n", 12));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal_is_empty),
        cmocka_unit_test(test_one_line_changed),
        cmocka_unit_test(test_created_and_removed),
        cmocka_unit_test(test_no_newline_at_end),
        cmocka_unit_test(test_crlf_kept),
        cmocka_unit_test(test_hunks_split_and_merged),
        cmocka_unit_test(test_insert_at_start_and_end),
        cmocka_unit_test(test_window_line_numbers),
        cmocka_unit_test(test_random_roundtrip),
        cmocka_unit_test(test_large_rewrite_is_bounded),
        cmocka_unit_test(test_redacts_secret_values),
        cmocka_unit_test(test_secret_key_names),
        cmocka_unit_test(test_removes_secret),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
