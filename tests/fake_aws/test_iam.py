"""test_iam.py - self-tests of the emulated IAM (iam.py): the evaluator on
its own (effects, wildcards, variables, every supported operator, absent
keys), and over loopback HTTP the policy APIs (five versions at most,
default version, URL-encoded documents), attachments (AWSReservedSSO_*
roles refuse with UnmodifiableEntity), SimulatePrincipalPolicy, and Bedrock
calls judged by a caller's policies: own profile allowed, someone else's
and the base model denied, creation only with your own tag, while callers
without policies keep the old allow-unless-denied rule."""

import json
import os
import sys
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import iam  # noqa: E402
from awsclient import Client, ServerProcess, quote, user_client  # noqa: E402

REGION = "ap-northeast-1"
ACCOUNT = "123456789012"
SYSTEM = "apac.anthropic.claude-sonnet-4-5-20250929-v1:0"
MODEL = "anthropic.claude-sonnet-4-5-20250929-v1:0"
APP_ANY = "arn:aws:bedrock:*:%s:application-inference-profile/*" % ACCOUNT
INVOKE = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
ENFORCE = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": INVOKE, "Resource": "arn:aws:bedrock:*:%s:application-inference-profile/*" % ACCOUNT,
     "Condition": {"StringEquals": {"aws:ResourceTag/MemberName": "${aws:username}"}}},
    {"Effect": "Allow", "Action": INVOKE, "Resource": ["arn:aws:bedrock:*::foundation-model/*",
                                                       "arn:aws:bedrock:*:*:inference-profile/*"],
     "Condition": {"ArnLike": {"bedrock:InferenceProfileArn": APP_ANY}}},
    {"Effect": "Deny", "Action": INVOKE, "Resource": ["arn:aws:bedrock:*::foundation-model/*",
                                                      "arn:aws:bedrock:*:*:inference-profile/*"],
     "Condition": {"ArnNotLike": {"bedrock:InferenceProfileArn": APP_ANY}}},
    {"Effect": "Allow", "Action": ["bedrock:CreateInferenceProfile"], "Resource": "*",
     "Condition": {"StringEquals": {"aws:RequestTag/MemberName": "${aws:username}"},
                   "ForAllValues:StringEquals": {"aws:TagKeys": ["Team", "MemberName"]}}},
    {"Effect": "Allow", "Action": ["bedrock:ListInferenceProfiles", "bedrock:GetInferenceProfile"], "Resource": "*"},
]}


def evaluate(statements, action="s3:GetObject", resource="arn:aws:s3:::b/k", context=None):
    return iam.evaluate([{"Version": "2012-10-17", "Statement": statements}], action, resource, context or {})


class EvaluatorTest(unittest.TestCase):
    def test_effects_and_wildcards(self):
        allow = {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"}
        self.assertEqual(evaluate([allow]), "allowed")
        self.assertEqual(evaluate([allow], action="s3:PutObject"), "implicitDeny")
        self.assertEqual(evaluate([allow], action="S3:getobject"), "allowed")  # actions ignore case
        self.assertEqual(evaluate([allow, {"Effect": "Deny", "Action": "*", "Resource": "*"}]), "explicitDeny")
        self.assertEqual(evaluate([{"Effect": "Allow", "NotAction": "s3:Put*", "Resource": "*"}]), "allowed")
        self.assertEqual(evaluate([]), "implicitDeny")

    def test_variables(self):
        st = {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/${aws:username}/*"}
        self.assertEqual(evaluate([st], resource="arn:aws:s3:::b/alice/x", context={"aws:username": ["alice"]}),
                         "allowed")
        self.assertEqual(evaluate([st], resource="arn:aws:s3:::b/bob/x", context={"aws:username": ["alice"]}),
                         "implicitDeny")
        self.assertEqual(evaluate([st], resource="arn:aws:s3:::b/alice/x"), "implicitDeny")  # unresolved

    def test_operators(self):
        def cond(op, key, value, context):
            return evaluate([{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {op: {key: value}}}],
                            context=context)
        tag = {"aws:RequestTag/MemberName": ["alice"], "aws:PrincipalTag/MemberName": ["alice"]}
        self.assertEqual(cond("StringEquals", "aws:RequestTag/MemberName", "${aws:PrincipalTag/MemberName}", tag),
                         "allowed")
        self.assertEqual(cond("StringEquals", "aws:RequestTag/MemberName", "bob", tag), "implicitDeny")
        self.assertEqual(cond("StringEquals", "aws:RequestTag/Team", "x", tag), "implicitDeny")  # absent key
        self.assertEqual(cond("StringNotEquals", "aws:RequestTag/Team", "x", tag), "allowed")  # absent: negated
        self.assertEqual(cond("StringLike", "aws:RequestTag/MemberName", "al*", tag), "allowed")
        self.assertEqual(cond("StringEqualsIfExists", "aws:RequestTag/Team", "x", tag), "allowed")
        self.assertEqual(cond("Null", "aws:RequestTag/Team", "true", tag), "allowed")
        self.assertEqual(cond("Null", "aws:RequestTag/MemberName", "true", tag), "implicitDeny")
        keys = {"aws:TagKeys": ["Team", "MemberName"]}
        self.assertEqual(cond("ForAllValues:StringEquals", "aws:TagKeys", ["Team", "MemberName", "X"], keys),
                         "allowed")
        self.assertEqual(cond("ForAllValues:StringEquals", "aws:TagKeys", ["Team"], keys), "implicitDeny")
        self.assertEqual(cond("ForAnyValue:StringEquals", "aws:TagKeys", ["Team"], keys), "allowed")
        arn = {"bedrock:InferenceProfileArn": ["arn:aws:bedrock:%s:%s:application-inference-profile/abc"
                                               % (REGION, ACCOUNT)]}
        self.assertEqual(cond("ArnLike", "bedrock:InferenceProfileArn", APP_ANY, arn), "allowed")
        self.assertEqual(cond("ArnEquals", "bedrock:InferenceProfileArn", APP_ANY, arn), "implicitDeny")
        self.assertEqual(cond("ArnNotLike", "bedrock:InferenceProfileArn", APP_ANY, {}), "allowed")


def query(client, action, params):
    form = [("Action", action), ("Version", "2010-05-08")] + list(params)
    body = "&".join("%s=%s" % (quote(k), quote(str(v))) for k, v in form).encode()
    client_region = client.region
    client.region = "us-east-1"
    try:
        return client.call("POST", "/", None, body, "iam", "application/x-www-form-urlencoded; charset=utf-8")
    finally:
        client.region = client_region


def xml_text(resp, name):
    root = ET.fromstring(resp.body)
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] == name:
            return el.text
    return None


def xml_all(resp, name):
    return [el.text for el in ET.fromstring(resp.body).iter() if el.tag.rsplit("}", 1)[-1] == name]


class IamServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = ServerProcess()
        cls.admin = user_client(cls.srv.port, "root")
        cls.alice = user_client(cls.srv.port, "alice")
        resp = query(cls.admin, "CreatePolicy", [("PolicyName", "enforce"), ("PolicyDocument", json.dumps(ENFORCE))])
        assert resp.status == 200, resp
        cls.arn = xml_text(resp, "Arn")

    @classmethod
    def tearDownClass(cls):
        cls.admin.close()
        cls.alice.close()
        cls.srv.stop()

    def create_profile(self, client, name, member):
        return client.bedrock_json("POST", "/inference-profiles", {
            "inferenceProfileName": name,
            "modelSource": {"copyFrom": "arn:aws:bedrock:%s:%s:inference-profile/%s" % (REGION, ACCOUNT, SYSTEM)},
            "tags": [{"key": "Team", "value": "platform"}, {"key": "MemberName", "value": member}]})

    def converse(self, client, model):
        return client.bedrock_json("POST", "/model/%s/converse" % quote(model),
                                   {"messages": [{"role": "user", "content": [{"text": "hi"}]}]})

    def test_1_versions(self):
        self.assertEqual(query(self.admin, "CreatePolicy", [("PolicyName", "enforce"),
                                                            ("PolicyDocument", json.dumps(ENFORCE))]).status, 409)
        resp = query(self.admin, "GetPolicyVersion", [("PolicyArn", self.arn), ("VersionId", "v1")])
        self.assertEqual(json.loads(urllib.parse.unquote(xml_text(resp, "Document"))), ENFORCE)
        for _ in range(4):
            self.assertEqual(query(self.admin, "CreatePolicyVersion", [
                ("PolicyArn", self.arn), ("PolicyDocument", json.dumps(ENFORCE)), ("SetAsDefault", "true")]).status,
                200)
        resp = query(self.admin, "CreatePolicyVersion", [("PolicyArn", self.arn),
                                                         ("PolicyDocument", json.dumps(ENFORCE))])
        self.assertEqual((resp.status, xml_text(resp, "Code")), (409, "LimitExceeded"))
        self.assertEqual(xml_text(query(self.admin, "GetPolicy", [("PolicyArn", self.arn)]), "DefaultVersionId"), "v5")
        resp = query(self.admin, "DeletePolicyVersion", [("PolicyArn", self.arn), ("VersionId", "v5")])
        self.assertEqual(xml_text(resp, "Code"), "DeleteConflict")
        self.assertEqual(query(self.admin, "DeletePolicyVersion", [("PolicyArn", self.arn),
                                                                   ("VersionId", "v1")]).status, 200)
        versions = xml_all(query(self.admin, "ListPolicyVersions", [("PolicyArn", self.arn)]), "VersionId")
        self.assertEqual(sorted(versions), ["v2", "v3", "v4", "v5"])
        resp = query(self.admin, "GetPolicy", [("PolicyArn", self.arn + "x")])
        self.assertEqual((resp.status, xml_text(resp, "Code")), (404, "NoSuchEntity"))

    def test_2_sso_roles_refuse_changes(self):
        resp = query(self.admin, "AttachRolePolicy", [("RoleName", "AWSReservedSSO_Dev_abc123def456"),
                                                      ("PolicyArn", self.arn)])
        self.assertEqual((resp.status, xml_text(resp, "Code")), (400, "UnmodifiableEntity"))
        self.assertEqual(query(self.admin, "AttachRolePolicy", [("RoleName", "Developer"),
                                                                ("PolicyArn", self.arn)]).status, 200)
        self.assertEqual(xml_all(query(self.admin, "ListAttachedRolePolicies", [("RoleName", "Developer")]),
                                 "PolicyArn"), [self.arn])
        self.assertEqual(query(self.admin, "DetachRolePolicy", [("RoleName", "Developer"),
                                                                ("PolicyArn", self.arn)]).status, 200)
        self.assertEqual(query(self.admin, "AttachUserPolicy", [("UserName", "nobody"),
                                                                ("PolicyArn", self.arn)]).status, 404)

    def test_3_calls_judged_by_policies(self):
        self.assertEqual(self.create_profile(self.admin, "bob-profile", "bob").status, 201)
        own = self.create_profile(self.alice, "alice-profile", "alice")  # no policies yet: old rule
        self.assertEqual(own.status, 201, own)
        own_arn = own.json()["inferenceProfileArn"]
        self.assertEqual(query(self.admin, "AttachUserPolicy", [("UserName", "alice"),
                                                                ("PolicyArn", self.arn)]).status, 200)
        state = self.srv.admin("GET", "state?fillers=0")
        bob_arn = next(p["arn"] for p in state["application_profiles"] if p["name"] == "bob-profile")
        self.assertEqual(self.converse(self.alice, own_arn).status, 200)
        denied = self.converse(self.alice, bob_arn)
        self.assertEqual((denied.status, denied.error_name()), (403, "AccessDeniedException"))
        self.assertEqual(self.converse(self.alice, MODEL).status, 403)
        self.assertEqual(self.converse(self.alice, SYSTEM).status, 403)
        self.assertEqual(self.create_profile(self.alice, "alice-two", "alice").status, 201)
        self.assertEqual(self.create_profile(self.alice, "for-bob", "bob").status, 403)
        self.assertEqual(self.alice.bedrock_json("DELETE", "/inference-profiles/%s" % quote(own_arn)).status, 403)
        # root has no policies: the old rule, everything allowed
        self.assertEqual(self.converse(self.admin, MODEL).status, 200)

    def test_4_simulate(self):
        query(self.admin, "AttachUserPolicy", [("UserName", "alice"), ("PolicyArn", self.arn)])
        source = "arn:aws:iam::%s:user/alice" % ACCOUNT
        own = "arn:aws:bedrock:%s:%s:application-inference-profile/own" % (REGION, ACCOUNT)

        def simulate(action, resource, context):
            params = [("PolicySourceArn", source), ("ActionNames.member.1", action),
                      ("ResourceArns.member.1", resource)]
            for i, (key, values) in enumerate(context.items(), 1):
                params.append(("ContextEntries.member.%d.ContextKeyName" % i, key))
                params.append(("ContextEntries.member.%d.ContextKeyType" % i, "string"))
                params += [("ContextEntries.member.%d.ContextKeyValues.member.%d" % (i, j), v)
                           for j, v in enumerate(values, 1)]
            resp = query(self.admin, "SimulatePrincipalPolicy", params)
            self.assertEqual(resp.status, 200, resp)
            return xml_text(resp, "EvalDecision")
        user = {"aws:username": ["alice"]}
        self.assertEqual(simulate("bedrock:InvokeModel", own, dict(user, **{"aws:ResourceTag/MemberName": ["alice"]})),
                         "allowed")
        self.assertEqual(simulate("bedrock:InvokeModel", own, dict(user, **{"aws:ResourceTag/MemberName": ["bob"]})),
                         "implicitDeny")
        fm = "arn:aws:bedrock:%s::foundation-model/%s" % (REGION, MODEL)
        self.assertEqual(simulate("bedrock:InvokeModel", fm, user), "explicitDeny")
        self.assertEqual(simulate("bedrock:InvokeModel", fm, dict(user, **{"bedrock:InferenceProfileArn": [own]})),
                         "allowed")

    def test_5_permission_set_and_session_tags(self):
        # what a permission set's customer-managed policy reference does to the SSO role
        state = self.srv.admin("POST", "iam/permission-set", {"role": "AWSReservedSSO_Dev_abc123def456",
                                                              "policy_name": "enforce"})
        self.assertEqual(state, {"ok": True})
        attached = self.srv.admin("GET", "iam/state")["attached"]["role"]
        self.assertEqual(attached["AWSReservedSSO_Dev_abc123def456"], [self.arn])
        self.assertEqual(self.srv.admin("POST", "iam/principal-tags", {"user": "nobody", "tags": {}})["message"],
                         "admin: unknown user")

    def test_6_sso_session_matched_by_its_member_tag(self):
        """An Identity Center session carries MemberName = its session name (the e-mail)."""
        enforce_sso = json.loads(json.dumps(ENFORCE).replace("${aws:username}", "${aws:PrincipalTag/MemberName}"))
        resp = query(self.admin, "CreatePolicy", [("PolicyName", "enforce-sso"),
                                                  ("PolicyDocument", json.dumps(enforce_sso))])
        self.assertEqual(resp.status, 200, resp)
        self.srv.admin("POST", "iam/permission-set", {"role": "AWSReservedSSO_Dev_abc123def456",
                                                      "policy_name": "enforce-sso"})
        portal = self.admin.raw("GET", "/federation/credentials?role_name=Dev&account_id=" + ACCOUNT,
                                {"x-amz-sso_bearer_token": "fake-sso-access-token-bob"})
        self.assertEqual(portal.status, 200, portal)
        creds = portal.json()["roleCredentials"]
        bob = Client(self.srv.port, creds["accessKeyId"], creds["secretAccessKey"], creds["sessionToken"])
        mine = self.create_profile(bob, "bob-sso", "bob@example.com")
        self.assertEqual(mine.status, 201, mine)
        self.assertEqual(self.create_profile(bob, "not-bob-sso", "carol@example.com").status, 403)
        self.assertEqual(self.converse(bob, mine.json()["inferenceProfileArn"]).status, 200)
        self.assertEqual(self.converse(bob, MODEL).status, 403)
        bob.close()


if __name__ == "__main__":
    unittest.main()
