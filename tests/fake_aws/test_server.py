"""test_server.py - end-to-end self-tests of tests/fake_aws/server.py over
real loopback HTTP, driven by awsclient.py: STS, SigV4 rejections, Bedrock
control plane (paging with 5,000 fillers, validation, idempotency, conflict,
tags), SSO, Cost Explorer, runtime Converse/ConverseStream, throttling, fault
injection, keep-alive, admin endpoints, request log hygiene, TLS, lifetime."""

import http.client
import json
import os
import re
import shutil
import ssl
import sys
import time
import unittest
from datetime import datetime, timedelta, timezone

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import eventstream  # noqa: E402
from awsclient import _read, Client, ServerProcess, load_seed, new_invocation, quote, user_client  # noqa: E402

ACCOUNT = "123456789012"
REGION = "ap-northeast-1"
APAC = "apac.anthropic.claude-sonnet-4-5-20250929-v1:0"
APAC_ARN = "arn:aws:bedrock:%s:%s:inference-profile/%s" % (REGION, ACCOUNT, APAC)
FM = "anthropic.claude-sonnet-4-5-20250929-v1:0"


def xml_code(body):
    match = re.search(rb"<Code>([^<]*)</Code>", body)
    return match.group(1).decode() if match else None


def create_body(name, token=None, tags=None, copy_from=APAC_ARN):
    body = {"inferenceProfileName": name, "modelSource": {"copyFrom": copy_from}}
    if token:
        body["clientRequestToken"] = token
    if tags is not None:
        body["tags"] = [{"key": k, "value": v} for k, v in tags]
    return body


class DefaultSeedTest(unittest.TestCase):
    """Tests sharing one server on the default seed."""

    @classmethod
    def setUpClass(cls):
        cls.srv = ServerProcess()
        cls.seed = load_seed()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    def client(self, name="alice", **kw):
        return user_client(self.srv.port, name, self.seed, **kw)

    # -------------------------------------------------------------- STS
    def test_caller_identity_for_each_identity_form(self):
        expect = {"alice": ("arn:aws:iam::%s:user/alice" % ACCOUNT, r"AIDA[A-Z]{17}"),
                  "carol": ("arn:aws:sts::%s:assumed-role/Developer/carol@example.com" % ACCOUNT,
                            r"AROA[A-Z]{17}:carol@example.com"),
                  "dave": ("arn:aws:sts::%s:federated-user/dave" % ACCOUNT, ACCOUNT + ":dave"),
                  "root": ("arn:aws:iam::%s:root" % ACCOUNT, ACCOUNT)}
        for name, (arn, user_id) in expect.items():
            with self.subTest(user=name):
                r = self.client(name).sts("GetCallerIdentity")
                self.assertEqual(r.status, 200, r)
                self.assertIn(b"<Arn>%s</Arn>" % arn.encode(), r.body)
                self.assertRegex(r.body.decode(), r"<UserId>%s</UserId>" % user_id)
                self.assertIn(b"<Account>123456789012</Account>", r.body)
                self.assertEqual(r.headers["content-type"], "text/xml")
                self.assertIn("x-amzn-requestid", r.headers)

    def test_sts_auth_errors(self):
        c = Client(self.srv.port, "AKIAUNKNOWNKEY000000", "x" * 40)
        r = c.sts("GetCallerIdentity")
        self.assertEqual((r.status, xml_code(r.body)), (403, "InvalidClientTokenId"))
        self.assertIn(b"<Type>Sender</Type>", r.body)
        alice = self.client("alice")
        r = alice.call("POST", "/", body=b"Action=GetCallerIdentity&Version=2011-06-15", service="sts",
                       content_type="application/x-www-form-urlencoded", secret="wrong-secret")
        self.assertEqual((r.status, xml_code(r.body)), (403, "SignatureDoesNotMatch"))
        r = self.client("erin").sts("GetCallerIdentity")
        self.assertEqual((r.status, xml_code(r.body)), (403, "ExpiredToken"))  # as recorded from real STS
        carol = self.seed["users"][3]
        r = Client(self.srv.port, carol["access_key_id"], carol["secret_access_key"]).sts("GetCallerIdentity")
        self.assertEqual((r.status, xml_code(r.body)), (403, "InvalidClientTokenId"))  # token missing
        r = alice.raw("POST", "/", {"content-type": "application/x-www-form-urlencoded", "host": alice.host},
                      b"Action=GetCallerIdentity&Version=2011-06-15")
        self.assertEqual((r.status, xml_code(r.body)), (403, "MissingAuthenticationToken"))

    def test_session_token_lifecycle(self):
        alice = self.client("alice")
        r = alice.sts("GetSessionToken", {"DurationSeconds": "899"})
        self.assertEqual((r.status, xml_code(r.body)), (400, "ValidationError"))
        r = alice.sts("GetSessionToken", {"DurationSeconds": "129601"})
        self.assertEqual((r.status, xml_code(r.body)), (400, "ValidationError"))
        r = alice.sts("GetSessionToken", {"DurationSeconds": "3600"})
        self.assertEqual(r.status, 200, r)
        text = r.body.decode()
        akid = re.search(r"<AccessKeyId>(ASIA[A-Z0-9]{16})</AccessKeyId>", text).group(1)
        secret = re.search(r"<SecretAccessKey>([^<]+)</SecretAccessKey>", text).group(1)
        token = re.search(r"<SessionToken>([^<]+)</SessionToken>", text).group(1)
        expiration = re.search(r"<Expiration>([^<]+)</Expiration>", text).group(1)
        expires = datetime.strptime(expiration, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        self.assertAlmostEqual((expires - datetime.now(timezone.utc)).total_seconds(), 3600, delta=30)
        temp = Client(self.srv.port, akid, secret, token)
        r = temp.sts("GetCallerIdentity")
        self.assertIn(b"arn:aws:iam::123456789012:user/alice", r.body)
        r = temp.bedrock_json("GET", "/inference-profiles")
        self.assertEqual(r.status, 200, r)
        r = temp.sts("GetSessionToken")
        self.assertEqual((r.status, xml_code(r.body)), (403, "AccessDenied"))
        r = Client(self.srv.port, akid, secret).bedrock_json("GET", "/inference-profiles")
        self.assertEqual((r.status, r.error_name()), (403, "UnrecognizedClientException"))
        r = Client(self.srv.port, akid, secret, token + "x").bedrock_json("GET", "/inference-profiles")
        self.assertEqual((r.status, r.error_name()), (403, "UnrecognizedClientException"))
        self.assertEqual(self.srv.admin("POST", "expire-credentials", {"access_key_id": akid})["ok"], True)
        r = temp.bedrock_json("GET", "/inference-profiles")
        self.assertEqual((r.status, r.error_name()), (403, "ExpiredTokenException"))
        r = self.client("frank").sts("GetSessionToken")
        self.assertEqual((r.status, xml_code(r.body)), (403, "AccessDenied"))
        self.assertIn(b"sts:GetSessionToken", r.body)

    def test_get_caller_identity_cannot_be_denied(self):
        self.srv.admin("POST", "deny", {"user": "dave", "action": "*"})
        try:
            r = self.client("dave").sts("GetCallerIdentity")
            self.assertEqual(r.status, 200, r)
            r = self.client("dave").bedrock_json("GET", "/inference-profiles")
            self.assertEqual((r.status, r.error_name()), (403, "AccessDeniedException"))
        finally:
            self.srv.admin("POST", "allow", {"user": "dave", "action": "*"})
        self.assertEqual(self.client("dave").bedrock_json("GET", "/inference-profiles").status, 200)

    # ----------------------------------------------------- bedrock auth
    def test_bedrock_auth_errors(self):
        alice = self.client("alice")
        r = Client(self.srv.port, "AKIAUNKNOWNKEY000000", "x" * 40).bedrock_json("GET", "/inference-profiles")
        self.assertEqual((r.status, r.error_name()), (403, "UnrecognizedClientException"))
        self.assertTrue(r.headers["x-amzn-errortype"].startswith("UnrecognizedClientException:http"))
        r = alice.call("GET", "/inference-profiles", secret="wrong")
        self.assertEqual((r.status, r.error_name()), (403, "InvalidSignatureException"))
        self.assertIn("message", r.json())
        r = alice.call("GET", "/inference-profiles", when=datetime.now(timezone.utc) - timedelta(minutes=16))
        self.assertEqual((r.status, r.error_name()), (403, "InvalidSignatureException"))
        self.assertIn("Signature expired", r.json()["message"])
        self.assertIn("date", r.headers)
        r = alice.call("GET", "/inference-profiles", when=datetime.now(timezone.utc) - timedelta(minutes=14))
        self.assertEqual(r.status, 200, r)
        r = alice.call("GET", "/inference-profiles", service="sts")
        self.assertEqual((r.status, r.error_name()), (403, "InvalidSignatureException"))
        r = Client(self.srv.port, alice.akid, alice.secret, region="xx-nowhere-9").bedrock_json(
            "GET", "/inference-profiles")
        self.assertEqual((r.status, r.error_name()), (403, "InvalidSignatureException"))
        r = self.client("erin").bedrock_json("GET", "/inference-profiles")
        self.assertEqual((r.status, r.error_name()), (403, "ExpiredTokenException"))
        r = alice.raw("GET", "/inference-profiles", {"host": alice.host})
        self.assertEqual((r.status, r.error_name()), (403, "MissingAuthenticationTokenException"))
        r = alice.raw("GET", "/inference-profiles", {"host": alice.host, "Authorization": "AWS4-HMAC-SHA256 x"})
        self.assertEqual((r.status, r.error_name()), (400, "IncompleteSignatureException"))

    def test_tampered_request_is_rejected(self):
        alice = self.client("alice")
        body = json.dumps(create_body("tamper-test")).encode()
        headers = __import__("awsclient").sign_headers(
            "POST", alice.host, "/inference-profiles", [], {"content-type": "application/json"}, body,
            alice.akid, alice.secret, REGION, "bedrock")
        r = alice.raw("POST", "/inference-profiles", headers, body.replace(b"tamper-test", b"tamper-tesT"))
        self.assertEqual((r.status, r.error_name()), (403, "InvalidSignatureException"))
        sig = headers["Authorization"]
        headers["Authorization"] = sig[:-1] + ("0" if sig[-1] != "0" else "1")
        r = alice.raw("POST", "/inference-profiles", headers, body)
        self.assertEqual((r.status, r.error_name()), (403, "InvalidSignatureException"))

    # --------------------------------------------------- control plane
    def test_list_type_filter_and_get(self):
        alice = self.client("alice")
        r = alice.bedrock_json("GET", "/inference-profiles")
        items = r.json()["inferenceProfileSummaries"]
        self.assertTrue(items and all(p["type"] == "SYSTEM_DEFINED" for p in items))
        ids = {p["inferenceProfileId"] for p in items}
        self.assertIn(APAC, ids)
        self.assertNotIn("us." + FM, ids)  # us. profiles are not offered in Tokyo
        r = alice.bedrock_json("GET", "/inference-profiles", query=[("type", "APPLICATION")])
        self.assertTrue(all(p["type"] == "APPLICATION" for p in r.json()["inferenceProfileSummaries"]))
        r = alice.bedrock_json("GET", "/inference-profiles", query=[("type", "OTHER")])
        self.assertEqual((r.status, r.error_name()), (400, "ValidationException"))
        for value in ("0", "1001", "abc"):
            r = alice.bedrock_json("GET", "/inference-profiles", query=[("maxResults", value)])
            self.assertEqual((r.status, r.error_name()), (400, "ValidationException"), value)
        r = alice.bedrock_json("GET", "/inference-profiles", query=[("nextToken", "bogus")])
        self.assertEqual((r.status, r.error_name()), (400, "ValidationException"))

        for ident in (APAC, APAC_ARN):
            r = alice.bedrock_json("GET", "/inference-profiles/" + quote(ident))
            self.assertEqual(r.status, 200, r)
            prof = r.json()
            self.assertEqual(prof["inferenceProfileArn"], APAC_ARN)
            self.assertEqual([m["modelArn"] for m in prof["models"]],
                             ["arn:aws:bedrock:%s::foundation-model/%s" % (reg, FM)
                              for reg in ("ap-northeast-1", "ap-northeast-3", "ap-southeast-2")])
        r = alice.bedrock_json("GET", "/inference-profiles/" + quote("apac.nothing-here-v1:0"))
        self.assertEqual((r.status, r.error_name()), (404, "ResourceNotFoundException"))
        r = alice.bedrock_json("GET", "/inference-profiles/" + quote("bad id!"))
        self.assertEqual((r.status, r.error_name()), (400, "ValidationException"))
        us = Client(self.srv.port, alice.akid, alice.secret, region="us-east-1")
        r = us.bedrock_json("GET", "/inference-profiles/" + quote("us." + FM))
        self.assertEqual(r.json()["inferenceProfileArn"],
                         "arn:aws:bedrock:us-east-1:%s:inference-profile/us.%s" % (ACCOUNT, FM))

    def test_create_validation(self):
        alice = self.client("alice")
        bad = [
            (create_body("bad..name"), 400, "ValidationException"),
            (create_body("-leading"), 400, "ValidationException"),
            (create_body("x" * 65), 400, "ValidationException"),
            (create_body("okname", copy_from="arn:aws:bedrock:%s:%s:application-inference-profile/abcdefabcdef"
                         % (REGION, ACCOUNT)), 400, "ValidationException"),
            (create_body("okname", copy_from="arn:aws:bedrock:%s:%s:inference-profile/apac.none-v1:0"
                         % (REGION, ACCOUNT)), 404, "ResourceNotFoundException"),
            (create_body("okname", copy_from="arn:aws:bedrock:us-east-1:%s:inference-profile/us.%s"
                         % (ACCOUNT, FM)), 404, "ResourceNotFoundException"),
            (create_body("okname", tags=[("bad!key", "v")]), 400, "ValidationException"),
            (create_body("okname", tags=[("k", "bad#value")]), 400, "ValidationException"),
            (create_body("okname", tags=[("k" * 129, "v")]), 400, "ValidationException"),
            (create_body("okname", tags=[("aws:reserved", "v")]), 400, "ValidationException"),
            (create_body("okname", tags=[("k%d" % i, "v") for i in range(51)]), 400, "TooManyTagsException"),
            (create_body("okname", token="-bad-token"), 400, "ValidationException"),
            ({"inferenceProfileName": "okname"}, 400, "ValidationException"),
        ]
        for body, status, name in bad:
            with self.subTest(body=str(body)[:120]):
                r = alice.bedrock_json("POST", "/inference-profiles", body)
                self.assertEqual((r.status, r.error_name()), (status, name), r)
        r = alice.bedrock_json("POST", "/inference-profiles", create_body("okname", tags=[("k%d" % i, "v") for i in
                                                                                         range(51)]))
        self.assertEqual(r.json().get("resourceName"), "okname")
        state = self.srv.admin("GET", "state?fillers=0")
        self.assertNotIn("okname", [p["name"] for p in state["application_profiles"]])

    def test_create_idempotency_conflict_tags_delete(self):
        alice = self.client("alice")
        tags = [("Team", "platform"), ("MemberName", "alice.smith@example.com")]
        r1 = alice.bedrock_json("POST", "/inference-profiles", create_body("platform-bedrock-alice", "tok-a1", tags))
        self.assertEqual(r1.status, 201, r1)
        arn = r1.json()["inferenceProfileArn"]
        self.assertRegex(arn, r"^arn:aws:bedrock:ap-northeast-1:123456789012:application-inference-profile/"
                              r"[a-z0-9]{12}$")
        self.assertEqual(r1.json()["status"], "ACTIVE")
        r2 = alice.bedrock_json("POST", "/inference-profiles", create_body("platform-bedrock-alice", "tok-a1", tags))
        self.assertEqual((r2.status, r2.json()["inferenceProfileArn"]), (201, arn))
        r3 = alice.bedrock_json("POST", "/inference-profiles", create_body("platform-bedrock-alice", "tok-a2", tags))
        self.assertEqual((r3.status, r3.error_name()), (400, "ConflictException"))
        r4 = alice.bedrock_json("POST", "/inference-profiles", create_body("platform-bedrock-alice2", "tok-a1"))
        self.assertEqual((r4.status, r4.error_name()), (400, "ConflictException"))

        prof = alice.bedrock_json("GET", "/inference-profiles/" + quote(arn)).json()
        self.assertEqual(prof["type"], "APPLICATION")
        self.assertEqual(len(prof["models"]), 3)  # copied from the apac system profile
        pid = arn.rsplit("/", 1)[1]
        self.assertEqual(alice.bedrock_json("GET", "/inference-profiles/" + pid).json()["inferenceProfileArn"], arn)
        r = alice.bedrock_json("POST", "/listTagsForResource", {"resourceARN": arn})
        self.assertEqual(sorted((t["key"], t["value"]) for t in r.json()["tags"]), sorted(tags))
        r = alice.bedrock_json("POST", "/tagResource", {"resourceARN": arn, "tags": [{"key": "Team", "value": "data"},
                                                                                      {"key": "Env", "value": "dev"}]})
        self.assertEqual((r.status, r.json()), (200, {}))
        r = alice.bedrock_json("POST", "/untagResource", {"resourceARN": arn, "tagKeys": ["Env"]})
        self.assertEqual(r.status, 200)
        r = alice.bedrock_json("POST", "/listTagsForResource", {"resourceARN": arn})
        self.assertEqual(dict((t["key"], t["value"]) for t in r.json()["tags"]),
                         {"Team": "data", "MemberName": "alice.smith@example.com"})
        r = alice.bedrock_json("POST", "/tagResource", {"resourceARN": arn, "tags": [
            {"key": "x%d" % i, "value": "v"} for i in range(49)]})
        self.assertEqual((r.status, r.error_name()), (400, "TooManyTagsException"))
        r = alice.bedrock_json("POST", "/listTagsForResource", {"resourceARN": arn.replace(pid, "zzzzzzzzzzzz")})
        self.assertEqual((r.status, r.error_name()), (404, "ResourceNotFoundException"))

        r = self.client("bob").bedrock_json("POST", "/inference-profiles", create_body("data-bedrock-bob", "tok-b"))
        self.assertEqual((r.status, r.error_name()), (403, "AccessDeniedException"))
        self.assertIn("bedrock:CreateInferenceProfile", r.json()["message"])

        r = alice.bedrock_json("DELETE", "/inference-profiles/" + quote(arn))
        self.assertEqual(r.status, 200, r)
        r = alice.bedrock_json("GET", "/inference-profiles/" + quote(arn))
        self.assertEqual((r.status, r.error_name()), (404, "ResourceNotFoundException"))
        r = alice.bedrock_json("DELETE", "/inference-profiles/" + quote(arn))
        self.assertEqual((r.status, r.error_name()), (404, "ResourceNotFoundException"))

    def test_foundation_model_source_and_list(self):
        alice = self.client("alice")
        fm_arn = "arn:aws:bedrock:%s::foundation-model/anthropic.claude-3-haiku-20240307-v1:0" % REGION
        r = alice.bedrock_json("POST", "/inference-profiles", create_body("haiku-profile", "tok-h", copy_from=fm_arn))
        self.assertEqual(r.status, 201, r)
        prof = alice.bedrock_json("GET", "/inference-profiles/" + quote(r.json()["inferenceProfileArn"])).json()
        self.assertEqual(prof["models"], [{"modelArn": fm_arn}])
        r = alice.bedrock_json("GET", "/foundation-models", query=[("byProvider", "Anthropic")])
        models = r.json()["modelSummaries"]
        self.assertTrue(models and all(m["providerName"] == "Anthropic" for m in models))
        self.assertIn(FM, [m["modelId"] for m in models])
        r = alice.bedrock_json("GET", "/foundation-models", query=[("byOutputModality", "EMBEDDING")])
        self.assertEqual([m["modelId"] for m in r.json()["modelSummaries"]], ["amazon.titan-embed-text-v2:0"])

    # -------------------------------------------------------------- SSO
    def test_sso_role_credentials(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=10)

        def get(token, role="Dev", account=ACCOUNT):
            headers = {"x-amz-sso_bearer_token": token} if token else {}
            conn.request("GET", "/federation/credentials?role_name=%s&account_id=%s" % (role, account),
                         headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.getheader("x-amzn-ErrorType", "").split(":")[0], resp.read()

        status, _, body = get("fake-sso-access-token-bob")
        self.assertEqual(status, 200, body)
        creds = json.loads(body)["roleCredentials"]
        self.assertTrue(creds["accessKeyId"].startswith("ASIA"))
        self.assertAlmostEqual(creds["expiration"] / 1000.0, time.time() + 3600, delta=60)
        r = Client(self.srv.port, creds["accessKeyId"], creds["secretAccessKey"], creds["sessionToken"]).sts(
            "GetCallerIdentity")
        self.assertIn(b"assumed-role/AWSReservedSSO_Dev_abc123def456/bob@example.com", r.body)
        self.assertEqual(get("no-such-token")[:2], (401, "UnauthorizedException"))
        self.assertEqual(get(None)[:2], (401, "UnauthorizedException"))
        self.assertEqual(get("fake-sso-access-token-expired")[:2], (401, "UnauthorizedException"))
        self.assertEqual(get("fake-sso-access-token-bob", role="Admin")[:2], (403, "ForbiddenException"))
        conn.close()

    # --------------------------------------------------------------- CE
    def test_cost_allocation_tags(self):
        def call(name):
            c = user_client(self.srv.port, name, self.seed, region="us-east-1")
            return c.call("POST", "/", body=b'{"Status":"Active"}', service="ce",
                          content_type="application/x-amz-json-1.1",
                          extra={"x-amz-target": "AWSInsightsIndexService.ListCostAllocationTags"})
        r = call("alice")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(sorted(t["TagKey"] for t in r.json()["CostAllocationTags"]), ["MemberName", "Team"])
        r = call("frank")
        self.assertEqual(r.json()["__type"], "AccessDeniedException")

    # ----------------------------------------------------------- runtime
    def _runtime(self, model, body, stream=True, name="alice"):
        c = self.client(name)
        path = "/model/%s/%s" % (quote(model), "converse-stream" if stream else "converse")
        return c.call("POST", path, body=json.dumps(body).encode(), content_type="application/json")

    def test_converse_stream_tool_use(self):
        schema = {"type": "object", "properties": {
            "result": {"type": "string"}, "done": {"type": "boolean"},
            "files": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "mode": {"type": "string", "enum": ["final", "partial"]}, "optional": {"type": "string"}},
            "required": ["result", "done", "files", "mode"]}
        request = {"messages": [{"role": "user", "content": [{"text": "Say hello"}]}],
                   "system": [{"text": "You are Cline."}],
                   "toolConfig": {"tools": [{"toolSpec": {"name": "read_file", "inputSchema": {"json": {}}}},
                                            {"toolSpec": {"name": "submit_and_exit", "description": "finish",
                                                          "inputSchema": {"json": schema}}}]}}
        alice = self.client("alice")
        arn = alice.bedrock_json("POST", "/inference-profiles", create_body("runtime-profile", "tok-rt")).json()[
            "inferenceProfileArn"]
        self.srv.admin("POST", "reset-stats")
        r = self._runtime(arn, request)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["content-type"], "application/vnd.amazon.eventstream")
        frames = eventstream.decode_stream(r.body)
        types = [h[":event-type"] for h, _ in frames]
        self.assertEqual(types, ["messageStart", "contentBlockStart", "contentBlockDelta", "contentBlockDelta",
                                 "contentBlockStop", "messageStop", "metadata"])
        self.assertTrue(all(h[":message-type"] == "event" and h[":content-type"] == "application/json"
                            for h, _ in frames))
        payloads = [json.loads(p) for _, p in frames]
        self.assertEqual(payloads[1]["start"]["toolUse"]["name"], "submit_and_exit")
        tool_input = json.loads("".join(p["delta"]["toolUse"]["input"] for p in payloads[2:4]))
        self.assertEqual(set(tool_input), {"result", "done", "files", "mode"})
        self.assertIsInstance(tool_input["result"], str)
        self.assertEqual((tool_input["done"], tool_input["mode"], len(tool_input["files"])), (True, "final", 1))
        self.assertEqual(payloads[5]["stopReason"], "tool_use")
        self.assertIn("usage", payloads[6])
        calls = self.srv.admin("GET", "stats")["converse_calls"]
        self.assertEqual(len(calls), 1)
        self.assertEqual((calls[0]["model_id"], calls[0]["access_key_id"], calls[0]["base_model"]),
                         (arn, alice.akid, FM))

        # Second turn (the tool was used): plain text.
        request["messages"] += [{"role": "assistant", "content": [{"toolUse": {
            "toolUseId": payloads[1]["start"]["toolUse"]["toolUseId"], "name": "submit_and_exit",
            "input": tool_input}}]}, {"role": "user", "content": [{"toolResult": {"toolUseId": "x", "content": []}}]}]
        r = self._runtime(arn, request)
        payloads = [json.loads(p) for _, p in eventstream.decode_stream(r.body)]
        self.assertTrue(payloads[1]["delta"]["text"].startswith("Hello"))

    def test_converse_text_and_max_tokens(self):
        r = self._runtime(APAC, {"messages": [{"role": "user", "content": [{"text": "hi"}]}]})
        frames = eventstream.decode_stream(r.body)
        text = "".join(json.loads(p)["delta"]["text"] for h, p in frames if h[":event-type"] == "contentBlockDelta")
        self.assertTrue(text.startswith("Hello"))
        r = self._runtime(APAC, {"messages": [{"role": "user", "content": [{"text": "hi"}]}],
                                 "inferenceConfig": {"maxTokens": 1}}, stream=False)
        self.assertEqual(r.status, 200, r)
        reply = r.json()
        self.assertEqual(reply["output"]["message"]["content"], [{"text": "Hello"}])
        self.assertEqual(reply["stopReason"], "max_tokens")
        self.assertEqual(reply["usage"]["outputTokens"], 1)
        r = self._runtime(APAC, {"messages": [{"role": "user", "content": [{"text": "hi"}]}],
                                 "inferenceConfig": {"maxTokens": 0}}, stream=False)
        self.assertEqual((r.status, r.error_name()), (400, "ValidationException"))
        r = self._runtime("arn:aws:bedrock:%s:%s:application-inference-profile/zzzzzzzzzzzz" % (REGION, ACCOUNT),
                          {"messages": [{"role": "user", "content": [{"text": "hi"}]}]})
        self.assertEqual((r.status, r.error_name()), (400, "ValidationException"))
        r = self._runtime(APAC, {"messages": [{"role": "user", "content": [{"text": "hi"}]}]}, stream=False,
                          name="frank")
        self.assertEqual((r.status, r.error_name()), (403, "AccessDeniedException"))
        c = self.client("alice")
        r = c.call("POST", "/model/%s/converse" % quote(APAC), body=b'{"messages":[]}',
                   content_type="application/json", secret="bad")
        self.assertEqual((r.status, r.error_name()), (403, "InvalidSignatureException"))

    # ------------------------------------------------------- keep-alive
    def test_keep_alive_and_log(self):
        self.srv.admin("POST", "reset-stats")
        alice = self.client("alice")
        for _ in range(200):
            self.assertEqual(alice.bedrock_json("GET", "/inference-profiles/" + quote(APAC)).status, 200)
        stats = self.srv.admin("GET", "stats")
        self.assertEqual(stats["connections_opened"], 1)
        self.assertEqual(stats["requests"]["GetInferenceProfile"], 200)
        entries = self.srv.log_entries()
        self.assertTrue(all({"op", "status", "access_key_id", "invocation_id", "attempt", "time", "conn"} <= set(e)
                            for e in entries))
        with open(self.srv.log) as f:
            log_text = f.read()
        for user in self.seed["users"]:
            self.assertNotIn(user["secret_access_key"], log_text)
            if user.get("session_token"):
                self.assertNotIn(user["session_token"], log_text)
        for entry in self.seed["sso"]:
            self.assertNotIn(entry["access_token"], log_text)

    def test_unknown_route_and_admin_errors(self):
        r = self.client("alice").bedrock_json("GET", "/no-such-thing")
        self.assertEqual((r.status, r.error_name()), (404, "UnknownOperationException"))
        self.assertIn("message", self.srv.admin("GET", "nope"))
        state = self.srv.admin("GET", "state")
        self.assertGreaterEqual(state["application_profile_count"], 21)
        self.assertNotIn("secret", json.dumps(state).lower())


class PagingTest(unittest.TestCase):
    def test_5000_fillers_page_by_page(self):
        with ServerProcess("--filler", "5000") as srv:
            alice = user_client(srv.port, "alice")
            seen = []
            token = None
            pages = 0
            while True:
                query = [("type", "APPLICATION"), ("maxResults", "1000")]
                if token:
                    query.append(("nextToken", token))
                r = alice.bedrock_json("GET", "/inference-profiles", query=query)
                self.assertEqual(r.status, 200, r)
                data = r.json()
                pages += 1
                self.assertLessEqual(len(data["inferenceProfileSummaries"]), 1000)
                seen += [p["inferenceProfileArn"] for p in data["inferenceProfileSummaries"]]
                token = data.get("nextToken")
                if not token:
                    break
                self.assertTrue(set(token) & set("+/="), "token should need URL-encoding")
            self.assertEqual(pages, 6)
            self.assertEqual(len(seen), 5001)
            self.assertEqual(len(set(seen)), 5001)
            names = [p["name"] for p in srv.admin("GET", "state")["application_profiles"]]
            self.assertEqual(len(set(names)), len(names))
            # A token from an APPLICATION listing is refused for SYSTEM_DEFINED.
            first = alice.bedrock_json("GET", "/inference-profiles",
                                       query=[("type", "APPLICATION"), ("maxResults", "10")]).json()["nextToken"]
            r = alice.bedrock_json("GET", "/inference-profiles", query=[("nextToken", first)])
            self.assertEqual((r.status, r.error_name()), (400, "ValidationException"))


class ConcurrencyAndQuotaTest(unittest.TestCase):
    def test_concurrent_creates_make_one_profile(self):
        import threading
        seed = load_seed()
        seed["filler_profiles"] = 0
        seed["application_profiles"] = []
        seed["application_profile_quota"] = 3
        with ServerProcess(seed_obj=seed) as srv:
            results = []
            lock = threading.Lock()

            def worker(token):
                c = user_client(srv.port, "alice", seed)
                r = c.bedrock_json("POST", "/inference-profiles", create_body("team-bedrock-same", token))
                with lock:
                    results.append((r.status, r.error_name() or r.json().get("inferenceProfileArn")))
                c.close()
            # Ten runs with one deterministic token, then ten with distinct tokens.
            for tokens in (["same-token"] * 10, ["tok-%d" % i for i in range(10)]):
                threads = [threading.Thread(target=worker, args=(tok,)) for tok in tokens]
                for th in threads:
                    th.start()
                for th in threads:
                    th.join()
            first, second = results[:10], results[10:]
            self.assertEqual({s for s, _ in first}, {201})
            self.assertEqual(len({arn for _, arn in first}), 1)
            self.assertEqual(second, [(400, "ConflictException")] * 10)
            self.assertEqual(srv.admin("GET", "state")["application_profile_count"], 1)
            alice = user_client(srv.port, "alice", seed)
            for i in range(2):
                self.assertEqual(alice.bedrock_json("POST", "/inference-profiles", create_body("q%d" % i)).status, 201)
            r = alice.bedrock_json("POST", "/inference-profiles", create_body("q-over"))
            self.assertEqual((r.status, r.error_name()), (400, "ServiceQuotaExceededException"))


class KnobTest(unittest.TestCase):
    def test_throttling(self):
        with ServerProcess("--throttle", "CreateInferenceProfile=5") as srv:
            alice = user_client(srv.port, "alice")
            statuses = []
            for i in range(20):
                r = alice.bedrock_json("POST", "/inference-profiles", create_body("throttle-%d" % i, "tok-t%d" % i))
                statuses.append(r.status)
                if r.status == 429:
                    self.assertEqual(r.error_name(), "ThrottlingException")
            self.assertIn(429, statuses)
            self.assertIn(201, statuses)
            self.assertLessEqual(statuses.count(201), 8)
            # Other operations are not throttled.
            for _ in range(20):
                self.assertEqual(alice.bedrock_json("GET", "/inference-profiles").status, 200)
            time.sleep(1.1)
            r = alice.bedrock_json("POST", "/inference-profiles", create_body("throttle-late", "tok-late"))
            self.assertEqual(r.status, 201, r)
            self.assertGreater(srv.admin("GET", "stats")["throttled"], 0)

    def test_fault_injection_never_three_in_a_row(self):
        with ServerProcess("--fail-rate", "0.3", "--drop-rate", "0.1", "--fail-seed", "7") as srv:
            alice = user_client(srv.port, "alice")
            failures = 0
            for _ in range(200):
                invocation = new_invocation()
                for attempt in range(1, 4):
                    extra = {"amz-sdk-invocation-id": invocation, "amz-sdk-request": "attempt=%d; max=3" % attempt}
                    try:
                        r = alice.bedrock_json("GET", "/inference-profiles/" + quote(APAC), extra=extra)
                    except (http.client.HTTPException, OSError):
                        failures += 1
                        continue
                    if r.status == 200:
                        break
                    self.assertEqual((r.status, r.error_name()), (500, "InternalServerException"))
                    failures += 1
                else:
                    self.fail("invocation %s failed three times" % invocation)
            stats = srv.admin("GET", "stats")
            self.assertGreater(stats["injected_failures"], 20)
            self.assertGreater(stats["dropped_connections"], 3)
            self.assertEqual(stats["injected_failures"] + stats["dropped_connections"], failures)
            self.assertLessEqual(stats["max_attempts_per_invocation"], 3)
            self.assertEqual(stats["max_consecutive_injected_failures"], 2)
            self.assertEqual(stats["invocation_ids"], 200)
            logged = [e for e in srv.log_entries() if e.get("injected") or e.get("dropped")]
            self.assertEqual(len(logged), failures)

    def test_fault_after_execution_needs_the_idempotency_token(self):
        seed = load_seed()
        seed["filler_profiles"] = 0
        seed["application_profiles"] = []
        with ServerProcess("--fail-rate", "1.0", "--fail-seed", "3", seed_obj=seed) as srv:
            alice = user_client(srv.port, "alice", seed)

            def create_with_retries(name, token):
                invocation = new_invocation()
                for attempt in range(1, 4):
                    r = alice.bedrock_json("POST", "/inference-profiles", create_body(name, token), extra={
                        "amz-sdk-invocation-id": invocation, "amz-sdk-request": "attempt=%d; max=3" % attempt})
                    if r.status != 500:
                        return r
                self.fail("no attempt got through")
            with_token = [create_with_retries("tok-profile-%d" % i, "token-%d" % i) for i in range(10)]
            self.assertEqual([r.status for r in with_token], [201] * 10)
            without = [create_with_retries("notok-profile-%d" % i, None) for i in range(10)]
            statuses = sorted({(r.status, r.error_name()) for r in without})
            self.assertIn((400, "ConflictException"), statuses)  # an earlier attempt had created it
            names = [p["name"] for p in srv.admin("GET", "state")["application_profiles"]]
            self.assertEqual(len(names), 20)
            self.assertEqual(len(set(names)), 20)
            stats = srv.admin("GET", "stats")
            self.assertGreater(stats["faults_after_execution"], 0)
            self.assertEqual(stats["max_attempts_per_invocation"], 3)
            self.assertTrue(any(e.get("executed_before_fault") for e in srv.log_entries()))

    def test_latency_and_knobs_endpoint(self):
        with ServerProcess("--latency-ms", "100") as srv:
            alice = user_client(srv.port, "alice")
            start = time.time()
            alice.sts("GetCallerIdentity")
            self.assertGreaterEqual(time.time() - start, 0.1)
            srv.admin("POST", "knobs", {"latency_ms": 0, "fail_rate": 1.0})
            r = alice.sts("GetCallerIdentity")
            self.assertEqual((r.status, xml_code(r.body)), (500, "InternalFailure"))
            self.assertIn(b"<Type>Receiver</Type>", r.body)
            srv.admin("POST", "knobs", {"fail_rate": 0.0, "clock_offset_seconds": 3600})
            r = alice.sts("GetCallerIdentity")
            self.assertEqual((r.status, xml_code(r.body)), (403, "SignatureDoesNotMatch"))
            server_date = datetime.strptime(r.headers["date"], "%a, %d %b %Y %H:%M:%S GMT")
            self.assertAlmostEqual((server_date - datetime.utcnow()).total_seconds(), 3600, delta=60)

    def test_lifetime(self):
        srv = ServerProcess("--lifetime", "1")
        try:
            srv.proc.wait(timeout=10)
            self.assertEqual(srv.proc.returncode, 0)
        finally:
            srv.stop()


@unittest.skipUnless(shutil.which("openssl"), "openssl CLI not found (skipped)")
class TlsTest(unittest.TestCase):
    def test_tls_listener_with_ca_bundle(self):
        with _tls_server() as (srv, tls_dir):
            ca = os.path.join(tls_dir, "ca.pem")
            port = int(_read(os.path.join(tls_dir, "port")))
            context = ssl.create_default_context(cafile=ca)
            seed = load_seed()
            alice = [u for u in seed["users"] if u["name"] == "alice"][0]
            c = Client(port, alice["access_key_id"], alice["secret_access_key"], tls_context=context)
            r = c.sts("GetCallerIdentity")
            self.assertEqual(r.status, 200, r)
            # Plain HTTP keeps working on the main port.
            self.assertEqual(user_client(srv.port, "alice").sts("GetCallerIdentity").status, 200)
            # A client without the CA refuses the certificate.
            strict = Client(port, alice["access_key_id"], alice["secret_access_key"],
                            tls_context=ssl.create_default_context())
            with self.assertRaises(ssl.SSLError):
                strict.sts("GetCallerIdentity")


class _tls_server:
    def __enter__(self):
        import tempfile
        self.dir = tempfile.mkdtemp(prefix="fake_aws_tls.")
        self.srv = ServerProcess("--tls-dir", self.dir)
        deadline = time.time() + 10
        while not os.path.exists(os.path.join(self.dir, "port")) and time.time() < deadline:
            time.sleep(0.05)
        return self.srv, self.dir

    def __exit__(self, *exc):
        self.srv.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
