/* test_strbuf.c - the shared growable buffer: growth across many appends,
 * NUL termination, JSON string escaping and secret buffers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "clinecfg/strbuf.h"

static void test_growth(void **state)
{
    (void)state;
    strbuf b = {0};
    for (int i = 0; i < 10000; i++)
        strbuf_put(&b, "abc", 3);
    assert_false(b.oom);
    assert_int_equal(b.len, 30000);
    assert_int_equal(b.p[b.len], '\0');
    assert_memory_equal(b.p + 29997, "abc", 3);
    strbuf_put(&b, "", 0);
    assert_int_equal(b.len, 30000);
    strbuf_release(&b);
    assert_null(b.p);
    assert_int_equal(b.len, 0);
}

static void test_json_string(void **state)
{
    (void)state;
    strbuf b = {0};
    strbuf_json_string(&b, "a\"b\\c\n\t\x01\xc3\xa9");
    assert_string_equal(b.p, "\"a\\\"b\\\\c\\n\\t\\u0001\xc3\xa9\"");
    strbuf_release(&b);
    strbuf_json_string(&b, "");
    assert_string_equal(b.p, "\"\"");
    strbuf_release(&b);
}

static void test_secret(void **state)
{
    (void)state;
    strbuf b = {.secret = true};
    for (int i = 0; i < 200; i++)
        strbuf_puts(&b, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    assert_false(b.oom);
    assert_int_equal(b.len, 200 * 40);
    assert_true(b.secret);
    strbuf_release(&b);
    assert_null(b.p);
    assert_false(b.secret);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_json_string),
        cmocka_unit_test(test_secret),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
