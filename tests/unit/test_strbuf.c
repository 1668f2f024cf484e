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

/* A reserved buffer is allocated once: appends up to the reserved size do
 * not move it, and it is a valid empty string before the first append. */
static void test_reserve(void **state)
{
    (void)state;
    for (int secret = 0; secret < 2; secret++) {
        strbuf b = {.secret = secret};
        strbuf_reserve(&b, 100000);
        assert_false(b.oom);
        assert_non_null(b.p);
        assert_true(b.cap >= 100001);
        assert_string_equal(b.p, "");
        char *before = b.p;
        for (int i = 0; i < 10000; i++)
            strbuf_put(&b, "0123456789", 10);
        assert_false(b.oom);
        assert_ptr_equal(b.p, before);
        assert_int_equal(b.len, 100000);
        assert_int_equal(b.p[b.len], '\0');
        strbuf_put(&b, "x", 1); /* past the reservation: grows as usual */
        assert_false(b.oom);
        assert_int_equal(b.len, 100001);
        assert_int_equal(b.p[100000], 'x');
        strbuf_reserve(&b, 10); /* already room or grows: contents kept */
        assert_memory_equal(b.p, "0123456789", 10);
        strbuf_release(&b);
    }
    strbuf b = {0};
    strbuf_puts(&b, "abc");
    strbuf_reserve(&b, SIZE_MAX - 2); /* cannot be represented: oom, not a wrap */
    assert_true(b.oom);
    assert_string_equal(b.p, "abc");
    strbuf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_json_string),
        cmocka_unit_test(test_secret),
        cmocka_unit_test(test_reserve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
