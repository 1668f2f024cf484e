/*
 * test_xml.c - the XML reader on libexpat (src/aws/xml.c): the tree and
 * path lookup the awsQuery clients rely on (namespaces, lists, entities,
 * CDATA, whitespace), the limits, and hostile input: DTDs, entity
 * declarations, billion laughs, external entities, deep nesting, bad
 * UTF-8, truncation.  Every refusal is CC_EINPUT with a message that says
 * what is wrong and leaves *root NULL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/xml.h"

static xml_node *parse_ok(const char *doc)
{
    xml_node *root = NULL;
    cc_err err = {0};
    int rc = xml_parse(doc, strlen(doc), NULL, &root, &err);
    if (rc)
        fail_msg("parse failed: %s", err.message);
    assert_non_null(root);
    return root;
}

static void expect_refused(const char *doc, size_t len, const xml_opts *o, const char *needle)
{
    xml_node *root = (xml_node *)1;
    cc_err err = {0};
    int rc = xml_parse(doc, len, o, &root, &err);
    if (rc != CC_EINPUT || !strstr(err.message, needle))
        fail_msg("rc %d, message '%s', wanted '%s'", rc, err.message, needle);
    assert_null(root);
}

static void tree_and_paths(void **state)
{
    (void)state;
    const char *doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<ListUsersResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\n"
                      "  <ListUsersResult>\n"
                      "    <Users><member><UserName>alice</UserName></member>"
                      "<member><UserName>bob &amp; co</UserName></member></Users>\n"
                      "    <IsTruncated>false</IsTruncated>\n"
                      "  </ListUsersResult>\n"
                      "</ListUsersResponse>\n";
    xml_node *root = parse_ok(doc);
    assert_string_equal(root->name, "ListUsersResponse");
    const xml_node *users = xml_find(root, "ListUsersResponse/ListUsersResult/Users");
    assert_non_null(users);
    int n = 0;
    const char *want[] = {"alice", "bob & co"};
    for (const xml_node *m = xml_child(users, "member"); m; m = m->next, n++) {
        assert_string_equal(m->name, "member");
        const xml_node *u = xml_child(m, "UserName");
        assert_non_null(u);
        assert_string_equal(u->text, want[n]);
        assert_ptr_equal(m->parent, users);
    }
    assert_int_equal(n, 2);
    char *t = xml_text_trimmed(xml_find(root, "ListUsersResponse/ListUsersResult/IsTruncated"));
    assert_string_equal(t, "false");
    free(t);
    assert_null(xml_find(root, "ListUsersResponse/Nope"));
    assert_null(xml_find(root, "Other/ListUsersResult"));
    assert_null(xml_child(root, "Users"));
    xml_free(root);
}

static void text_forms(void **state)
{
    (void)state;
    xml_node *root = parse_ok("\xEF\xBB\xBF<a:R xmlns:a='x'><a:V>  x&lt;&#x41;&#233;<![CDATA[<&>]]> </a:V>"
                              "<!-- c --><E/><P><?pi x?></P></a:R>");
    const xml_node *v = xml_find(root, "R/V");
    assert_non_null(v);
    assert_string_equal(v->text, "  x<A\xC3\xA9<&> ");
    assert_int_equal(v->text_len, strlen("  x<A\xC3\xA9<&> "));
    char *t = xml_text_trimmed(v);
    assert_string_equal(t, "x<A\xC3\xA9<&>");
    free(t);
    const xml_node *e = xml_find(root, "R/E");
    assert_non_null(e);
    assert_string_equal(e->text, "");
    assert_string_equal(xml_find(root, "R/P")->text, "");
    xml_free(root);
    xml_free(NULL);
}

static void hostile_declarations(void **state)
{
    (void)state;
    const char *laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                         "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
                         "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
                         "<lolz>&lol3;</lolz>";
    expect_refused(laughs, strlen(laughs), NULL, "DOCTYPE");
    const char *ext = "<!DOCTYPE r SYSTEM \"file:///etc/passwd\"><r/>";
    expect_refused(ext, strlen(ext), NULL, "DOCTYPE");
    const char *xxe = "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
    expect_refused(xxe, strlen(xxe), NULL, "DOCTYPE");
    const char *param = "<!DOCTYPE r [<!ENTITY % p SYSTEM \"http://example.com/p\"> %p;]><r/>";
    expect_refused(param, strlen(param), NULL, "DOCTYPE");
    /* An entity reference with no declaration at all. */
    expect_refused("<r>&x;</r>", 10, NULL, "unknown entity");
    expect_refused("<r>&#0;</r>", 11, NULL, "out of range");
}

static void nesting_and_counts(void **state)
{
    (void)state;
    size_t depth = 10000;
    char *doc = malloc(depth * 3 + 1);
    assert_non_null(doc);
    for (size_t i = 0; i < depth; i++)
        memcpy(doc + 3 * i, "<a>", 3);
    doc[depth * 3] = '\0';
    expect_refused(doc, strlen(doc), NULL, "nested too deeply");
    /* Exactly at the limit is fine. */
    xml_opts small = {.max_depth = 3};
    xml_node *root = NULL;
    cc_err err = {0};
    assert_int_equal(xml_parse("<a><b><c/></b></a>", 18, &small, &root, &err), 0);
    xml_free(root);
    expect_refused("<a><b><c><d/></c></b></a>", 25, &small, "nested too deeply");
    xml_opts few = {.max_nodes = 3, .what = "IAM response", .err_code = "aws.iam_xml"};
    expect_refused("<r><b/><b/><b/></r>", 19, &few, "too many elements");
    root = (xml_node *)1;
    assert_int_equal(xml_parse("<r><b/><b/><b/></r>", 19, &few, &root, &err), CC_EINPUT);
    assert_string_equal(err.code, "aws.iam_xml");
    assert_non_null(strstr(err.message, "IAM response"));
    free(doc);
}

static void size_and_shape(void **state)
{
    (void)state;
    expect_refused("", 0, NULL, "empty");
    expect_refused(NULL, 0, NULL, "empty");
    expect_refused("   {\"a\":1}", 10, NULL, "not XML");
    expect_refused("   ", 3, NULL, "not XML");
    xml_opts tiny = {.max_bytes = 8};
    expect_refused("<a>12345</a>", 12, &tiny, "too large");
    expect_refused("<a></a>junk", 11, NULL, "text after the root");
    expect_refused("<a></a><b/>", 11, NULL, "after the root");
    expect_refused("<a><b></a>", 10, NULL, "does not match");
    expect_refused("<a b=c/>", 8, NULL, "quoted attribute");
}

static void truncated_and_bad_bytes(void **state)
{
    (void)state;
    const char *full = "<R><Credentials><SecretAccessKey>TOPSECRET</SecretAccessKey></Credentials></R>";
    for (size_t cut = 1; cut < strlen(full); cut++) {
        xml_node *root = (xml_node *)1;
        cc_err err = {0};
        assert_int_equal(xml_parse(full, cut, NULL, &root, &err), CC_EINPUT);
        assert_null(root);
        assert_null(strstr(err.message, "TOPSECRET"));
    }
    expect_refused("<a>\xC3(</a>", 8, NULL, "invalid character");
    expect_refused("<a>\xFF\xFE</a>", 9, NULL, "invalid character");
    expect_refused("<a>\xED\xA0\x80</a>", 10, NULL, "invalid character"); /* a UTF-16 surrogate */
    const char nul[] = "<a>x\0y</a>";
    expect_refused(nul, sizeof nul - 1, NULL, "invalid character");
    /* A declared legacy encoding does not switch the reader away from UTF-8. */
    const char *latin = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xE9</a>";
    xml_node *root = NULL;
    cc_err err = {0};
    assert_int_equal(xml_parse(latin, strlen(latin), NULL, &root, &err), CC_EINPUT);
    assert_null(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tree_and_paths),       cmocka_unit_test(text_forms),
        cmocka_unit_test(hostile_declarations), cmocka_unit_test(nesting_and_counts),
        cmocka_unit_test(size_and_shape),       cmocka_unit_test(truncated_and_bad_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
