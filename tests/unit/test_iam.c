/*
 * test_iam.c - the IAM wire form with canned answers: the policy, version,
 * version-list, attached-policy and policy-entity (both with paging
 * Marker) and simulation parsers, URL-decoded documents, the SimulatePrincipalPolicy form body,
 * and clear CC_EINPUT errors for answers that lack what is needed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/endpoints.h"
#include "clinecfg/iam.h"

#define NS "xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\""

static const char get_policy_doc[] =
    "<GetPolicyResponse " NS ">\n"
    "  <GetPolicyResult>\n"
    "    <Policy>\n"
    "      <PolicyName>clinecfg-enforce</PolicyName>\n"
    "      <DefaultVersionId>v3</DefaultVersionId>\n"
    "      <PolicyId>ANPAEXAMPLE</PolicyId><Path>/</Path>\n"
    "      <Arn>arn:aws:iam::123456789012:policy/clinecfg-enforce</Arn>\n"
    "      <AttachmentCount>2</AttachmentCount>\n"
    "    </Policy>\n"
    "  </GetPolicyResult>\n"
    "  <ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata>\n"
    "</GetPolicyResponse>\n";

static void parse_policy(void **state)
{
    (void)state;
    iam_policy p;
    cc_err err;
    cc_err_clear(&err);
    assert_int_equal(iam_parse_policy("GetPolicy", get_policy_doc, strlen(get_policy_doc), &p, &err), 0);
    assert_string_equal(p.arn, "arn:aws:iam::123456789012:policy/clinecfg-enforce");
    assert_string_equal(p.name, "clinecfg-enforce");
    assert_string_equal(p.default_version, "v3");
    iam_policy_free(&p);
    /* The answer of another action is not this one's. */
    assert_int_equal(iam_parse_policy("CreatePolicy", get_policy_doc, strlen(get_policy_doc), &p, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "CreatePolicyResult"));
    static const char no_arn[] = "<GetPolicyResponse><GetPolicyResult><Policy><PolicyName>x</PolicyName>"
                                 "</Policy></GetPolicyResult></GetPolicyResponse>";
    assert_int_equal(iam_parse_policy("GetPolicy", no_arn, strlen(no_arn), &p, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "Policy/Arn"));
    assert_int_equal(iam_parse_policy("GetPolicy", "<a>", 3, &p, &err), CC_EINPUT);
}

static void parse_version_decodes_document(void **state)
{
    (void)state;
    static const char doc[] =
        "<GetPolicyVersionResponse " NS "><GetPolicyVersionResult><PolicyVersion>"
        "<Document>%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D</Document>"
        "<VersionId>v2</VersionId><IsDefaultVersion>true</IsDefaultVersion>"
        "<CreateDate>2026-06-01T10:00:00Z</CreateDate>"
        "</PolicyVersion></GetPolicyVersionResult></GetPolicyVersionResponse>";
    iam_policy_version v;
    cc_err err;
    cc_err_clear(&err);
    assert_int_equal(iam_parse_policy_version("GetPolicyVersion", doc, strlen(doc), &v, &err), 0);
    assert_string_equal(v.version_id, "v2");
    assert_true(v.is_default);
    assert_string_equal(v.created, "2026-06-01T10:00:00Z");
    assert_string_equal(v.document, "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
    iam_policy_version_free(&v);
    static const char bad[] = "<GetPolicyVersionResponse><GetPolicyVersionResult><PolicyVersion>"
                              "<Document>%7</Document><VersionId>v2</VersionId>"
                              "</PolicyVersion></GetPolicyVersionResult></GetPolicyVersionResponse>";
    assert_int_equal(iam_parse_policy_version("GetPolicyVersion", bad, strlen(bad), &v, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "URL-encoded"));
}

static void parse_version_list(void **state)
{
    (void)state;
    static const char doc[] =
        "<ListPolicyVersionsResponse " NS "><ListPolicyVersionsResult><Versions>"
        "<member><VersionId>v5</VersionId><IsDefaultVersion>true</IsDefaultVersion>"
        "<CreateDate>2026-06-05T00:00:00Z</CreateDate></member>"
        "<member><VersionId>v2</VersionId><IsDefaultVersion>false</IsDefaultVersion>"
        "<CreateDate>2026-06-02T00:00:00Z</CreateDate></member>"
        "</Versions><IsTruncated>false</IsTruncated></ListPolicyVersionsResult></ListPolicyVersionsResponse>";
    iam_version_list l;
    cc_err err;
    cc_err_clear(&err);
    assert_int_equal(iam_parse_policy_versions(doc, strlen(doc), &l, &err), 0);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.v[0].version_id, "v5");
    assert_true(l.v[0].is_default);
    assert_false(l.v[1].is_default);
    assert_null(l.v[1].document);
    iam_version_list_free(&l);
}

static void parse_attached_pages(void **state)
{
    (void)state;
    static const char page1[] =
        "<ListAttachedRolePoliciesResponse " NS "><ListAttachedRolePoliciesResult>"
        "<AttachedPolicies><member><PolicyName>a</PolicyName><PolicyArn>arn:aws:iam::1:policy/a</PolicyArn></member>"
        "</AttachedPolicies><IsTruncated>true</IsTruncated><Marker>m+2/=</Marker>"
        "</ListAttachedRolePoliciesResult></ListAttachedRolePoliciesResponse>";
    static const char page2[] =
        "<ListAttachedRolePoliciesResponse " NS "><ListAttachedRolePoliciesResult>"
        "<AttachedPolicies><member><PolicyName>b</PolicyName><PolicyArn>arn:aws:iam::1:policy/b</PolicyArn></member>"
        "</AttachedPolicies><IsTruncated>false</IsTruncated>"
        "</ListAttachedRolePoliciesResult></ListAttachedRolePoliciesResponse>";
    iam_attached_list l = {0};
    char *next = NULL;
    cc_err err;
    cc_err_clear(&err);
    assert_int_equal(iam_parse_attached("ListAttachedRolePolicies", page1, strlen(page1), &l, &next, &err), 0);
    assert_string_equal(next, "m+2/=");
    free(next);
    assert_int_equal(iam_parse_attached("ListAttachedRolePolicies", page2, strlen(page2), &l, &next, &err), 0);
    assert_null(next);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.arns[1], "arn:aws:iam::1:policy/b");
    assert_string_equal(l.names[0], "a");
    iam_attached_list_free(&l);
    static const char no_marker[] =
        "<ListAttachedUserPoliciesResponse><ListAttachedUserPoliciesResult><AttachedPolicies/>"
        "<IsTruncated>true</IsTruncated></ListAttachedUserPoliciesResult></ListAttachedUserPoliciesResponse>";
    assert_int_equal(iam_parse_attached("ListAttachedUserPolicies", no_marker, strlen(no_marker), &l, &next, &err),
                     CC_EINPUT);
    iam_attached_list_free(&l);
}

/* ListEntitiesForPolicy as IAM documents it: the three lists in any order,
 * each member with its name and id, a Marker while IsTruncated. */
static void parse_entity_pages(void **state)
{
    (void)state;
    static const char page1[] =
        "<ListEntitiesForPolicyResponse " NS "><ListEntitiesForPolicyResult>"
        "<PolicyRoles><member><RoleName>Budgets-Exec</RoleName><RoleId>AROAEXAMPLE</RoleId></member></PolicyRoles>"
        "<PolicyGroups><member><GroupName>devs</GroupName><GroupId>AGPAEXAMPLE</GroupId></member></PolicyGroups>"
        "<IsTruncated>true</IsTruncated><Marker>AAE%2Fx=</Marker>"
        "<PolicyUsers><member><UserName>alice</UserName><UserId>AIDAEXAMPLE</UserId></member>"
        "<member><UserName>bob@example.com</UserName><UserId>AIDAEXAMPLE2</UserId></member></PolicyUsers>"
        "</ListEntitiesForPolicyResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
        "</ListEntitiesForPolicyResponse>";
    static const char page2[] =
        "<ListEntitiesForPolicyResponse " NS "><ListEntitiesForPolicyResult>"
        "<PolicyRoles/><PolicyGroups/><IsTruncated>false</IsTruncated>"
        "<PolicyUsers><member><UserName>carol</UserName><UserId>AIDAEXAMPLE3</UserId></member></PolicyUsers>"
        "</ListEntitiesForPolicyResult></ListEntitiesForPolicyResponse>";
    iam_entity_list l = {0};
    char *next = NULL;
    cc_err err;
    cc_err_clear(&err);
    assert_int_equal(iam_parse_entities(page1, strlen(page1), &l, &next, &err), 0);
    assert_string_equal(next, "AAE%2Fx=");
    free(next);
    assert_int_equal(iam_parse_entities(page2, strlen(page2), &l, &next, &err), 0);
    assert_null(next);
    assert_int_equal(l.n, 5);
    static const char *const names[] = {"alice", "bob@example.com", "Budgets-Exec", "devs", "carol"};
    static const iam_principal_kind kinds[] = {IAM_USER, IAM_USER, IAM_ROLE, IAM_GROUP, IAM_USER};
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(l.v[i].name, names[i]);
        assert_int_equal(l.v[i].kind, kinds[i]);
    }
    iam_entity_list_free(&l);
    static const char nameless[] =
        "<ListEntitiesForPolicyResponse><ListEntitiesForPolicyResult><PolicyGroups><member><GroupId>AGPA</GroupId>"
        "</member></PolicyGroups></ListEntitiesForPolicyResult></ListEntitiesForPolicyResponse>";
    assert_int_equal(iam_parse_entities(nameless, strlen(nameless), &l, &next, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "GroupName"));
    iam_entity_list_free(&l);
    static const char no_marker[] =
        "<ListEntitiesForPolicyResponse><ListEntitiesForPolicyResult><IsTruncated>true</IsTruncated>"
        "</ListEntitiesForPolicyResult></ListEntitiesForPolicyResponse>";
    assert_int_equal(iam_parse_entities(no_marker, strlen(no_marker), &l, &next, &err), CC_EINPUT);
    assert_null(next);
    static const char other[] = "<GetPolicyResponse><GetPolicyResult/></GetPolicyResponse>";
    assert_int_equal(iam_parse_entities(other, strlen(other), &l, &next, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "ListEntitiesForPolicyResult"));
    iam_entity_list_free(&l);
}

static void parse_decision(void **state)
{
    (void)state;
    static const char doc[] =
        "<SimulatePrincipalPolicyResponse " NS "><SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated>"
        "<EvaluationResults><member><EvalActionName>bedrock:InvokeModel</EvalActionName>"
        "<EvalResourceName>*</EvalResourceName><EvalDecision>explicitDeny</EvalDecision></member>"
        "</EvaluationResults></SimulatePrincipalPolicyResult></SimulatePrincipalPolicyResponse>";
    char d[32];
    cc_err err;
    cc_err_clear(&err);
    assert_int_equal(iam_parse_eval_decision(doc, strlen(doc), d, &err), 0);
    assert_string_equal(d, "explicitDeny");
    static const char empty[] = "<SimulatePrincipalPolicyResponse><SimulatePrincipalPolicyResult>"
                                "<EvaluationResults/></SimulatePrincipalPolicyResult>"
                                "</SimulatePrincipalPolicyResponse>";
    assert_int_equal(iam_parse_eval_decision(empty, strlen(empty), d, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "EvalDecision"));
}

static void simulate_form(void **state)
{
    (void)state;
    const char *tag[] = {"alice@example.com"};
    const char *keys[] = {"Team", "MemberName"};
    iam_context_entry ctx[] = {{"aws:ResourceTag/MemberName", tag, 1, NULL},
                               {"aws:TagKeys", keys, 2, "stringList"}};
    char *form = iam_simulate_form("arn:aws:iam::123456789012:user/alice", "bedrock:InvokeModel",
                                   "arn:aws:bedrock:us-east-1::foundation-model/m:0", ctx, 2);
    assert_non_null(form);
    assert_string_equal(
        form, "Action=SimulatePrincipalPolicy&Version=2010-05-08"
              "&PolicySourceArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Auser%2Falice"
              "&ActionNames.member.1=bedrock%3AInvokeModel"
              "&ResourceArns.member.1=arn%3Aaws%3Abedrock%3Aus-east-1%3A%3Afoundation-model%2Fm%3A0"
              "&ContextEntries.member.1.ContextKeyName=aws%3AResourceTag%2FMemberName"
              "&ContextEntries.member.1.ContextKeyType=string"
              "&ContextEntries.member.1.ContextKeyValues.member.1=alice%40example.com"
              "&ContextEntries.member.2.ContextKeyName=aws%3ATagKeys"
              "&ContextEntries.member.2.ContextKeyType=stringList"
              "&ContextEntries.member.2.ContextKeyValues.member.1=Team"
              "&ContextEntries.member.2.ContextKeyValues.member.2=MemberName");
    free(form);
}

static void url_decode(void **state)
{
    (void)state;
    char *s = iam_url_decode("a%20b+c%7e", 10);
    assert_string_equal(s, "a b+c~");
    free(s);
    assert_null(iam_url_decode("%zz", 3));
    assert_null(iam_url_decode("ab%2", 4));
}

static void error_codes(void **state)
{
    (void)state;
    cc_err err;
    cc_err_set(&err, CC_EAWS, "aws:NoSuchEntity", "x");
    assert_true(iam_err_is(&err, "NoSuchEntity"));
    assert_false(iam_err_is(&err, "NoSuch"));
    assert_string_equal(iam_principal_kind_name(IAM_GROUP), "group");
}

static const char *no_env(void *ud, const char *name)
{
    (void)ud;
    (void)name;
    return NULL;
}

/* IAM is global: one host, signed for us-east-1 (China: its own). */
static void endpoint_is_global(void **state)
{
    (void)state;
    char *url = NULL;
    cc_err err;
    assert_int_equal(aws_endpoint("iam", "ap-northeast-1", NULL, no_env, NULL, &url, &err), 0);
    assert_string_equal(url, "https://iam.amazonaws.com");
    free(url);
    assert_string_equal(aws_signing_region("iam", "ap-northeast-1"), "us-east-1");
    assert_string_equal(aws_signing_name("iam"), "iam");
    assert_int_equal(aws_endpoint("iam", "cn-northwest-1", NULL, no_env, NULL, &url, &err), 0);
    assert_string_equal(url, "https://iam.cn-north-1.amazonaws.com.cn");
    free(url);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_policy),        cmocka_unit_test(parse_version_decodes_document),
        cmocka_unit_test(parse_version_list),  cmocka_unit_test(parse_attached_pages),
        cmocka_unit_test(parse_decision),      cmocka_unit_test(simulate_form),
        cmocka_unit_test(url_decode),          cmocka_unit_test(error_codes),
        cmocka_unit_test(endpoint_is_global),  cmocka_unit_test(parse_entity_pages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
