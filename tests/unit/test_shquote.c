/* test_shquote.c - the shell-quote helper (round trip through /bin/sh for
 * hostile words) and the printable filter for text from files and AWS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clinecfg/printable.h"
#include "clinecfg/shquote.h"

static void test_quote_table(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"plain/path-1.json", "plain/path-1.json"},
        {"", "''"},
        {"a b", "'a b'"},
        {"x;rm -rf ~", "'x;rm -rf ~'"},
        {"it's", "'it'\\''s'"},
        {"'", "''\\'''"},
        {"$(id)`id`", "'$(id)`id`'"},
        {"a\nb", "'a\nb'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *q = shquote(cases[i].in);
        assert_non_null(q);
        assert_string_equal(q, cases[i].want);
        free(q);
    }
}

/* Each word, quoted, must come back from sh as exactly one argument. */
static void test_quote_round_trip(void **state)
{
    (void)state;
    static const char *const words[] = {"teamA; touch /tmp/x", "a'b\"c", "  ", "*", "~root", "\\", "$HOME", "a\tb",
                                        "-n", "#c"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        strbuf cmd = {0};
        strbuf_puts(&cmd, "printf '%s\\0' ");
        shquote_append(&cmd, words[i]);
        FILE *f = popen(cmd.p, "r");
        assert_non_null(f);
        char buf[256];
        size_t n = fread(buf, 1, sizeof buf, f);
        assert_int_equal(pclose(f), 0);
        assert_int_equal(n, strlen(words[i]) + 1);
        assert_memory_equal(buf, words[i], n);
        strbuf_release(&cmd);
    }
}

static void test_printable(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"plain text", "plain text"},
        {"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac"},
        {"a\nb\tc\rd", "a?b?c?d"},
        {"red\x1b[1;31mX\x1b[0m", "red?X?"},
        {"\x1b]0;owned title\x07" "after", "?after"},
        {"\x1b]8;;http://x\x1b\\link", "?link"},
        {"c1\xc2\x9b" "2Jx", "c1?x"},
        {"raw\x9b" "31m", "raw?31m"},
        {"del\x7f", "del?"},
        {"\xc2\x85next", "?next"},
        {"bad\xff\xfe", "bad??"},
        {"esc at end\x1b", "esc at end?"},
        {"overlong\xc0\xaf", "overlong??"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[64];
        printable_copy(out, sizeof out, cases[i].in);
        assert_string_equal(out, cases[i].want);
        assert_int_equal(printable_is_clean(cases[i].in), strcmp(cases[i].in, cases[i].want) == 0);
        char *d = printable_dup(cases[i].in);
        assert_string_equal(d, cases[i].want);
        free(d);
    }
    char small[5];
    printable_copy(small, sizeof small, "ab\xe6\x97\xa5z");
    assert_string_equal(small, "ab"); /* never half a character */
    char inplace[] = "x\x1b[2Jy";
    assert_string_equal(printable_copy(inplace, sizeof inplace, inplace), "x?y");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quote_table),
        cmocka_unit_test(test_quote_round_trip),
        cmocka_unit_test(test_printable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
