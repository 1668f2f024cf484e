"""test_identity_center.py - self-tests of the emulated IAM Identity Center
(identitycenter.py behind server.py) over real loopback HTTP: SSO OIDC
RegisterClient / StartDeviceAuthorization / CreateToken (pending, slow_down,
approval, denial, expiry, refresh with rotation), the portal's ListAccounts /
ListAccountRoles paging, GetRoleCredentials as a real principal (STS
GetCallerIdentity, a signed Bedrock call), Logout revoking access and refresh
tokens, the counters and knobs, and that no token reaches the request log."""

import http.client
import json
import os
import sys
import time
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from awsclient import Client, ServerProcess  # noqa: E402

ACCOUNT = "123456789012"
START_URL = "https://example.awsapps.com/start"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


class IdentityCenterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = ServerProcess()
        cls.conn = http.client.HTTPConnection("127.0.0.1", cls.srv.port, timeout=10)

    @classmethod
    def tearDownClass(cls):
        cls.conn.close()
        cls.srv.stop()

    def setUp(self):
        self.srv.admin("POST", "knobs", {"sso": {"interval": 1, "access_token_ttl": 3600, "page_size": 20,
                                                 "rotate_refresh_tokens": True, "device_code_ttl": 600}})

    # ------------------------------------------------------------ helpers
    def call(self, method, path, body=None, token=None):
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["content-type"] = "application/json"
        if token is not None:
            headers["x-amz-sso_bearer_token"] = token
        self.conn.request(method, path, body=data, headers=headers)
        resp = self.conn.getresponse()
        raw = resp.read()
        name = resp.getheader("x-amzn-ErrorType", "").split(":")[0] or None
        return resp.status, name, (json.loads(raw) if raw else None)

    def register(self, **extra):
        body = {"clientName": "clinecfg-test", "clientType": "public", "scopes": ["sso:account:access"]}
        body.update(extra)
        status, name, out = self.call("POST", "/client/register", body)
        self.assertEqual(status, 200, out)
        return out

    def start(self, client):
        status, _, out = self.call("POST", "/device_authorization",
                                   {"clientId": client["clientId"], "clientSecret": client["clientSecret"],
                                    "startUrl": START_URL})
        self.assertEqual(status, 200, out)
        return out

    def poll(self, client, device):
        return self.call("POST", "/token", {"clientId": client["clientId"], "clientSecret": client["clientSecret"],
                                            "grantType": DEVICE_GRANT, "deviceCode": device["deviceCode"]})

    def refresh(self, client, refresh_token):
        return self.call("POST", "/token", {"clientId": client["clientId"], "clientSecret": client["clientSecret"],
                                            "grantType": "refresh_token", "refreshToken": refresh_token})

    def login(self, identity="alice@example.com", **register_extra):
        client = self.register(**register_extra)
        device = self.start(client)
        ok = self.srv.admin("POST", "sso-approve", {"user_code": device["userCode"], "identity": identity})
        self.assertTrue(ok["ok"], ok)
        status, _, token = self.poll(client, device)
        self.assertEqual(status, 200, token)
        return client, token

    # -------------------------------------------------------------- tests
    def test_device_flow_pending_slow_down_approve(self):
        self.srv.admin("POST", "reset-stats")
        client = self.register()
        self.assertTrue(client["clientId"] and len(client["clientSecret"]) > 100)
        self.assertGreater(client["clientSecretExpiresAt"], time.time() + 80 * 86400)
        device = self.start(client)
        self.assertRegex(device["userCode"], r"^[A-Z]{4}-[A-Z]{4}$")
        self.assertEqual(device["interval"], 1)
        self.assertEqual(device["expiresIn"], 600)
        self.assertEqual(device["verificationUriComplete"], device["verificationUri"] + "?user_code="
                         + device["userCode"])
        status, name, body = self.poll(client, device)
        self.assertEqual((status, name, body["error"]), (400, "AuthorizationPendingException", "authorization_pending"))
        status, name, body = self.poll(client, device)  # at once: faster than interval
        self.assertEqual((status, name, body["error"]), (400, "SlowDownException", "slow_down"))
        status, name, _ = self.poll(client, device)  # still too fast: the interval is now 6 s
        self.assertEqual(name, "SlowDownException")
        pending = self.srv.admin("GET", "state?fillers=0")["identity_center"]["pending_user_codes"]
        self.assertIn(device["userCode"], pending)
        self.assertEqual(self.srv.admin("POST", "sso-approve", {"user_code": device["userCode"],
                                                                "identity": "mallory@example.com"}).get("ok"), None)
        self.srv.admin("POST", "sso-approve", {"user_code": device["userCode"], "identity": "alice@example.com"})
        status, name, token = self.poll(client, device)
        self.assertEqual(status, 200, token)
        self.assertEqual(token["tokenType"], "Bearer")
        self.assertEqual(token["expiresIn"], 3600)
        self.assertTrue(token["accessToken"] and token["refreshToken"])
        status, name, _ = self.poll(client, device)  # a device code gives one token
        self.assertEqual((status, name), (400, "InvalidGrantException"))
        stats = self.srv.admin("GET", "stats")["identity_center"]
        self.assertEqual(stats["create_token"][DEVICE_GRANT], 5)
        self.assertEqual(stats["create_token_errors"],
                         {"AuthorizationPendingException": 1, "SlowDownException": 2, "InvalidGrantException": 1})
        self.assertEqual(stats["approvals"], 1)
        self.assertEqual(stats["tokens_issued"], 1)

    def test_client_errors_denial_and_expiry(self):
        client = self.register()
        bad = dict(client, clientSecret="wrong")
        status, name, body = self.call("POST", "/device_authorization",
                                       {"clientId": bad["clientId"], "clientSecret": "wrong", "startUrl": START_URL})
        self.assertEqual((status, name, body["error"]), (401, "InvalidClientException", "invalid_client"))
        status, name, _ = self.call("POST", "/device_authorization",
                                    {"clientId": client["clientId"], "clientSecret": client["clientSecret"],
                                     "startUrl": "https://other.awsapps.com/start"})
        self.assertEqual((status, name), (400, "InvalidRequestException"))
        status, name, _ = self.call("POST", "/client/register", {"clientName": "x", "clientType": "confidential"})
        self.assertEqual((status, name), (400, "InvalidClientMetadataException"))
        status, name, _ = self.call("POST", "/token", {"clientId": client["clientId"],
                                                       "clientSecret": client["clientSecret"],
                                                       "grantType": "password"})
        self.assertEqual((status, name), (400, "UnsupportedGrantTypeException"))
        denied = self.start(client)
        self.srv.admin("POST", "sso-deny", {"user_code": denied["userCode"]})
        status, name, body = self.poll(client, denied)
        self.assertEqual((status, name, body["error"]), (400, "AccessDeniedException", "access_denied"))
        self.srv.admin("POST", "knobs", {"sso": {"device_code_ttl": 1}})
        expiring = self.start(client)
        self.assertEqual(expiring["expiresIn"], 1)
        time.sleep(1.1)
        status, name, body = self.poll(client, expiring)
        self.assertEqual((status, name, body["error"]), (400, "ExpiredTokenException", "expired_token"))
        self.assertEqual(self.srv.admin("POST", "sso-approve", {"user_code": "NOPE-NOPE",
                                                                "identity": "alice@example.com"}).get("ok"), None)

    def test_refresh_rotation_and_access_token_expiry(self):
        self.srv.admin("POST", "knobs", {"sso": {"access_token_ttl": 1}})
        client, token = self.login()
        self.assertEqual(token["expiresIn"], 1)
        q = "/federation/credentials?role_name=BedrockDeveloper&account_id=" + ACCOUNT
        self.assertEqual(self.call("GET", q, token=token["accessToken"])[0], 200)
        time.sleep(1.1)
        self.assertEqual(self.call("GET", q, token=token["accessToken"])[:2], (401, "UnauthorizedException"))
        status, _, new = self.refresh(client, token["refreshToken"])
        self.assertEqual(status, 200, new)
        self.assertNotEqual(new["refreshToken"], token["refreshToken"])  # rotated
        self.assertEqual(self.call("GET", q, token=new["accessToken"])[0], 200)
        status, name, _ = self.refresh(client, token["refreshToken"])  # the old one is spent
        self.assertEqual((status, name), (400, "InvalidGrantException"))
        other = self.register()
        self.assertEqual(self.refresh(other, new["refreshToken"])[:2], (400, "InvalidGrantException"))
        self.srv.admin("POST", "knobs", {"sso": {"rotate_refresh_tokens": False}})
        status, _, kept = self.refresh(client, new["refreshToken"])
        self.assertEqual((status, kept["refreshToken"]), (200, new["refreshToken"]))
        stats = self.srv.admin("GET", "stats")["identity_center"]
        self.assertGreaterEqual(stats["create_token"]["refresh_token"], 4)
        self.assertGreaterEqual(stats["refreshes"], 2)

    def test_no_refresh_token_without_scopes_or_grant(self):
        _, token = self.login(scopes=[])
        self.assertNotIn("refreshToken", token)
        client, token = self.login(grantTypes=[DEVICE_GRANT])
        self.assertNotIn("refreshToken", token)
        self.assertEqual(self.refresh(client, "anything")[:2], (400, "UnauthorizedClientException"))

    def test_portal_lists_with_paging(self):
        _, token = self.login()
        status, _, page = self.call("GET", "/assignment/accounts", token=token["accessToken"])
        self.assertEqual(status, 200)
        self.assertEqual([a["accountId"] for a in page["accountList"]], [ACCOUNT, "210987654321", "333333333333"])
        self.assertEqual(page["accountList"][0]["accountName"], "clinecfg-dev")
        self.assertNotIn("nextToken", page)
        status, _, page = self.call("GET", "/assignment/accounts?max_result=2", token=token["accessToken"])
        self.assertEqual(len(page["accountList"]), 2)
        status, _, page2 = self.call("GET", "/assignment/accounts?max_result=2&next_token=" + page["nextToken"],
                                     token=token["accessToken"])
        self.assertEqual(([a["accountId"] for a in page2["accountList"]], page2.get("nextToken")),
                         (["333333333333"], None))
        self.assertEqual(self.call("GET", "/assignment/accounts?next_token=bogus", token=token["accessToken"])[:2],
                         (400, "InvalidRequestException"))
        self.srv.admin("POST", "knobs", {"sso": {"page_size": 1}})
        status, _, roles = self.call("GET", "/assignment/roles?account_id=" + ACCOUNT, token=token["accessToken"])
        self.assertEqual((roles["roleList"], roles["nextToken"] is not None),
                         ([{"roleName": "BedrockDeveloper", "accountId": ACCOUNT}], True))
        status, _, roles = self.call("GET", "/assignment/roles?account_id=%s&next_token=%s" % (
            ACCOUNT, roles["nextToken"]), token=token["accessToken"])
        self.assertEqual(([r["roleName"] for r in roles["roleList"]], roles.get("nextToken")), (["ReadOnly"], None))
        self.assertEqual(self.call("GET", "/assignment/roles", token=token["accessToken"])[:2],
                         (400, "InvalidRequestException"))
        self.assertEqual(self.call("GET", "/assignment/accounts", token="bogus")[:2], (401, "UnauthorizedException"))
        self.assertEqual(self.call("GET", "/assignment/accounts")[:2], (401, "UnauthorizedException"))
        # a seeded token lists its roles too
        status, _, page = self.call("GET", "/assignment/accounts", token="fake-sso-access-token-bob")
        self.assertEqual([a["accountId"] for a in page["accountList"]], [ACCOUNT])

    def test_role_credentials_are_real_principals(self):
        _, token = self.login()
        status, _, body = self.call("GET", "/federation/credentials?role_name=BedrockDeveloper&account_id="
                                    + ACCOUNT, token=token["accessToken"])
        self.assertEqual(status, 200, body)
        creds = body["roleCredentials"]
        self.assertAlmostEqual(creds["expiration"] / 1000.0, time.time() + 3600, delta=60)
        client = Client(self.srv.port, creds["accessKeyId"], creds["secretAccessKey"], creds["sessionToken"])
        r = client.sts("GetCallerIdentity")
        self.assertEqual(r.status, 200, r)
        self.assertRegex(r.body.decode(), r"<Arn>arn:aws:sts::123456789012:assumed-role/"
                                          r"AWSReservedSSO_BedrockDeveloper_[0-9a-f]{16}/alice@example.com</Arn>")
        self.assertRegex(r.body.decode(), r"<UserId>AROA[A-Z]{17}:alice@example.com</UserId>")
        self.assertEqual(client.bedrock_json("GET", "/inference-profiles").status, 200)
        # another account: the ARN and the account follow it
        status, _, body = self.call("GET", "/federation/credentials?role_name=BedrockDeveloper&account_id="
                                    "210987654321", token=token["accessToken"])
        creds = body["roleCredentials"]
        r = Client(self.srv.port, creds["accessKeyId"], creds["secretAccessKey"], creds["sessionToken"]).sts(
            "GetCallerIdentity")
        self.assertIn(b"<Account>210987654321</Account>", r.body)
        # not assigned
        self.assertEqual(self.call("GET", "/federation/credentials?role_name=ReadOnly&account_id=210987654321",
                                   token=token["accessToken"])[:2], (403, "ForbiddenException"))

    def test_logout_revokes_access_and_refresh_tokens(self):
        client, token = self.login()
        status, name, body = self.call("POST", "/logout", token=token["accessToken"])
        self.assertEqual((status, body), (200, None))
        q = "/federation/credentials?role_name=BedrockDeveloper&account_id=" + ACCOUNT
        self.assertEqual(self.call("GET", q, token=token["accessToken"])[:2], (401, "UnauthorizedException"))
        self.assertEqual(self.refresh(client, token["refreshToken"])[:2], (400, "InvalidGrantException"))
        self.assertEqual(self.call("POST", "/logout", token=token["accessToken"])[:2], (401, "UnauthorizedException"))
        self.assertEqual(self.srv.admin("GET", "stats")["identity_center"]["logouts"] >= 1, True)

    def test_admin_expire_with_refresh_tokens(self):
        client, token = self.login()
        self.assertEqual(self.srv.admin("POST", "sso-expire", {"access_token": token["accessToken"]})["expired"], 1)
        self.assertEqual(self.call("GET", "/assignment/accounts", token=token["accessToken"])[0], 401)
        status, _, new = self.refresh(client, token["refreshToken"])
        self.assertEqual(status, 200)
        self.srv.admin("POST", "sso-expire", {"access_token": new["accessToken"], "refresh_tokens": True})
        self.assertEqual(self.refresh(client, new["refreshToken"])[:2], (400, "InvalidGrantException"))

    def test_knob_validation_and_log_hygiene(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=10)
        conn.request("POST", "/__admin/knobs", body=json.dumps({"sso": {"no_such": 1}}))
        resp = conn.getresponse()
        resp.read()
        conn.close()
        self.assertEqual(resp.status, 400)
        client, token = self.login()
        self.refresh(client, token["refreshToken"])
        with open(self.srv.log) as f:
            log_text = f.read()
        for secret in (client["clientSecret"], token["accessToken"], token["refreshToken"]):
            self.assertNotIn(secret, log_text)
        ops = {json.loads(line)["op"] for line in log_text.splitlines()}
        self.assertTrue({"RegisterClient", "StartDeviceAuthorization", "CreateToken"} <= ops)


if __name__ == "__main__":
    unittest.main()
