"""test_cline_runtime.py - self-tests of what the emulator does for the Cline
CLI releases of tests/e2e/cline_e2e.sh: the classic core's attempt_completion
(XML in the reply, or a native tool, and the pause before the XML answer's
end), the reply text in submit_and_exit's input, cache points counted per
call, and cleartext HTTP/2 through h2c_front.mjs (server.py --h2c) with a
signature over :authority and a streamed answer that outlives the client's
GOAWAY."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import unittest
from datetime import datetime, timezone

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import eventstream  # noqa: E402
import runtime  # noqa: E402
import sigv4_verify  # noqa: E402
from awsclient import ServerProcess, load_seed, quote  # noqa: E402

APAC = "apac.anthropic.claude-sonnet-4-5-20250929-v1:0"
XML_SYSTEM = [{"text": "Tools are XML.\n<attempt_completion>\n<result>Your final result</result>\n</attempt_completion>"}]
USER = [{"role": "user", "content": [{"text": "Say hello"}]}]


class ClassicCoreTest(unittest.TestCase):
    def test_xml_completion_when_the_system_prompt_describes_it(self):
        plan = runtime.plan_answer({"messages": USER, "system": XML_SYSTEM})
        self.assertEqual(plan["kind"], "xml")
        self.assertEqual(plan["stop_reason"], "end_turn")
        self.assertIn("<attempt_completion>\n<result>\n%s\n</result>\n</attempt_completion>" % runtime.REPLY,
                      plan["text"])
        frames = runtime.converse_stream_frames(plan, 1)
        text = "".join(json.loads(p)["delta"]["text"] for h, p in eventstream.decode_stream(b"".join(frames))
                       if h[":event-type"] == "contentBlockDelta")
        self.assertEqual(text, plan["text"])

    def test_plain_text_once_completion_was_attempted(self):
        history = USER + [{"role": "assistant", "content": [{"text": "<attempt_completion><result>x</result>"
                                                                      "</attempt_completion>"}]},
                          {"role": "user", "content": [{"text": "more"}]}]
        plan = runtime.plan_answer({"messages": history, "system": XML_SYSTEM})
        self.assertEqual((plan["kind"], plan["text"]), ("text", runtime.REPLY))

    def test_native_attempt_completion_tool(self):
        schema = {"type": "object", "properties": {"result": {"type": "string"}, "command": {"type": "string"}},
                  "required": ["result"]}
        request = {"messages": USER, "system": XML_SYSTEM,
                   "toolConfig": {"tools": [{"toolSpec": {"name": "attempt_completion", "inputSchema": {"json": schema}}}]}}
        plan = runtime.plan_answer(request)
        self.assertEqual((plan["kind"], plan["tool_name"], plan["tool_input"]),
                         ("tool", "attempt_completion", {"result": runtime.REPLY}))

    def test_submit_and_exit_wins_and_carries_the_reply(self):
        schema = {"type": "object", "required": ["summary", "verified", "mode"],
                  "properties": {"summary": {"type": "string", "minLength": 10}, "verified": {"type": "boolean"},
                                 "mode": {"type": "string", "enum": ["final"]}}}
        request = {"messages": USER, "system": XML_SYSTEM,
                   "toolConfig": {"tools": [{"toolSpec": {"name": "submit_and_exit", "inputSchema": {"json": schema}}}]}}
        plan = runtime.plan_answer(request)
        self.assertEqual(plan["tool_name"], "submit_and_exit")
        self.assertEqual(plan["tool_input"], {"summary": runtime.REPLY, "verified": True, "mode": "final"})

    def test_reply_text_respects_length_limits(self):
        schema = {"type": "object", "properties": {"s": {"type": "string", "maxLength": 5}}, "required": ["s"]}
        self.assertEqual(runtime.with_reply_text({"s": "Hello"}, schema), {"s": "Hello"})

    def test_xml_answer_pauses_only_before_its_end(self):
        plan = runtime.plan_answer({"messages": USER, "system": XML_SYSTEM})
        frames = runtime.converse_stream_frames(plan, 1)
        pauses = runtime.stream_pauses(plan, frames)
        self.assertEqual(pauses[-4], runtime.XML_END_PAUSE_S)
        self.assertEqual(sum(pauses), runtime.XML_END_PAUSE_S)
        text_plan = runtime.plan_answer({"messages": USER})
        self.assertFalse(any(runtime.stream_pauses(text_plan, runtime.converse_stream_frames(text_plan, 1))))

    def test_no_completion_without_xml_or_tool(self):
        plan = runtime.plan_answer({"messages": USER, "system": [{"text": "You are helpful."}]})
        self.assertEqual(plan["kind"], "text")

    def test_cache_points_counted_everywhere(self):
        request = {"system": [{"text": "s"}, {"cachePoint": {"type": "default"}}],
                   "messages": [{"role": "user", "content": [{"text": "a"}, {"cachePoint": {"type": "default"}}]},
                                {"role": "assistant", "content": [{"text": "b"}]},
                                {"role": "user", "content": [{"text": "c"}, {"cachePoint": {"type": "default"}}]}],
                   "toolConfig": {"tools": [{"toolSpec": {"name": "t"}}, {"cachePoint": {"type": "default"}}]}}
        self.assertEqual(runtime.count_cache_points(request), 4)
        self.assertEqual(runtime.count_cache_points({"messages": USER}), 0)
        self.assertEqual(runtime.count_cache_points("not a request"), 0)


def _signed_over_authority(method, authority, path, body, akid, secret, region="ap-northeast-1"):
    """Headers as the JS SDK signs them over HTTP/2: :authority instead of host."""
    amz_date = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    pairs = [(":authority", authority), ("content-type", "application/json"), ("x-amz-date", amz_date)]
    names = sorted(n for n, _ in pairs)
    payload = hashlib.sha256(body).hexdigest()
    creq = sigv4_verify.build_canonical_request(method, path, "", pairs, names, payload)
    scope = "%s/%s/bedrock/aws4_request" % (amz_date[:8], region)
    sts = sigv4_verify.build_string_to_sign(amz_date, scope, creq)
    sig = sigv4_verify.compute_signature(secret, amz_date[:8], region, "bedrock", sts)
    headers = dict(pairs)
    headers["authorization"] = "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
        akid, scope, ";".join(names), sig)
    return headers


H2_CLIENT = r"""
const http2 = require("node:http2");
const r = JSON.parse(process.argv[1]);
const session = http2.connect("http://127.0.0.1:" + r.port);
// as the JS SDK's NodeHttp2Handler: a GOAWAY from the server ends the session
session.on("goaway", () => session.destroy());
const req = session.request({ ...r.headers, ":method": "POST", ":path": r.path });
const chunks = [];
let status = 0;
req.on("response", (h) => { status = h[":status"]; session.close(); });
req.on("data", (c) => chunks.push(c));
req.on("end", () => { process.stdout.write(JSON.stringify({ status, body: Buffer.concat(chunks).toString("base64") })); });
req.on("error", (e) => { console.error(String(e)); process.exit(1); });
req.end(r.body);
"""


@unittest.skipUnless(shutil.which("node"), "node is not installed (h2c_front.mjs needs it)")
class H2cTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = ServerProcess("--h2c")
        cls.alice = next(u for u in load_seed()["users"] if u["name"] == "alice")

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    def _h2(self, headers, path, body):
        arg = json.dumps({"port": self.srv.port, "headers": headers, "path": path, "body": body.decode()})
        out = subprocess.run(["node", "-e", H2_CLIENT, arg], capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        answer = json.loads(out.stdout)
        import base64
        return answer["status"], base64.b64decode(answer["body"])

    def test_converse_stream_over_h2c_signed_over_authority(self):
        path = "/model/" + quote(APAC) + "/converse-stream"
        body = json.dumps({"messages": USER, "system": XML_SYSTEM}).encode()
        authority = "127.0.0.1:%d" % self.srv.port
        headers = _signed_over_authority("POST", authority, path, body, self.alice["access_key_id"],
                                         self.alice["secret_access_key"])
        status, raw = self._h2(headers, path, body)
        self.assertEqual(status, 200, raw[:300])
        # the XML answer pauses before its end: the client's early GOAWAY must not cut it
        types = [h[":event-type"] for h, _ in eventstream.decode_stream(raw)]
        self.assertEqual(types[0], "messageStart")
        self.assertEqual(types[-3:], ["contentBlockStop", "messageStop", "metadata"])
        calls = self.srv.admin("GET", "stats")["converse_calls"]
        self.assertEqual((calls[-1]["http"], calls[-1]["answer"], calls[-1]["cache_points"]), ("h2c", "xml", 0))

    def test_bad_signature_over_h2c_is_refused(self):
        path = "/model/" + quote(APAC) + "/converse-stream"
        body = json.dumps({"messages": USER}).encode()
        headers = _signed_over_authority("POST", "127.0.0.1:1", path, body, self.alice["access_key_id"],
                                         self.alice["secret_access_key"])
        headers[":authority"] = "127.0.0.1:%d" % self.srv.port  # not what was signed
        status, _ = self._h2(headers, path, body)
        self.assertEqual(status, 403)

    def test_http1_still_served_on_the_same_port(self):
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=30)
        conn.request("GET", "/__admin/knobs")
        self.assertEqual(conn.getresponse().status, 200)
        conn.close()


if __name__ == "__main__":
    unittest.main()
