/* test_suggest.c - the "did you mean" rule: git's weights (a swap of two
 * neighbours 0, a substitution 2, an insertion 1, a deletion 3), the prefix
 * rule, the threshold, and ties listed together. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "clinecfg/suggest.h"

static void test_weights(void **state)
{
    (void)state;
    assert_int_equal(suggest_distance("setup", "setup"), 0);
    assert_int_equal(suggest_distance("sttaus", "status"), 0); /* a swap of neighbours */
    assert_int_equal(suggest_distance("sefup", "setup"), 2);  /* one substitution */
    assert_int_equal(suggest_distance("stup", "setup"), 1);   /* one insertion */
    assert_int_equal(suggest_distance("settup", "setup"), 3); /* one deletion */
    assert_int_equal(suggest_distance("", "abc"), 3);
    assert_int_equal(suggest_distance("abc", ""), 9);
}

static void test_closest(void **state)
{
    (void)state;
    static const char *const commands[] = {"setup", "login", "logout", "status", "doctor", "config", NULL};
    char buf[128];
    assert_int_equal(suggest_closest("stup", commands, "", buf, sizeof buf), 1);
    assert_string_equal(buf, "'setup'");
    assert_int_equal(suggest_closest("log", commands, "", buf, sizeof buf), 2); /* a prefix of both */
    assert_string_equal(buf, "'login' or 'logout'");
    assert_int_equal(suggest_closest("frobnicate", commands, "", buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    static const char *const opts[] = {"team", "member", "model", NULL};
    assert_int_equal(suggest_closest("tema", opts, "--", buf, sizeof buf), 1);
    assert_string_equal(buf, "'--team'");
    /* too small a buffer: what fits, never an overflow */
    char tiny[10];
    assert_int_equal(suggest_closest("log", commands, "", tiny, sizeof tiny), 1);
    assert_string_equal(tiny, "'login'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weights),
        cmocka_unit_test(test_closest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
