"""awsclient.py - a small SigV4 *client* used only by the emulator's
self-tests (tests/fake_aws/test_*.py) to drive the server over keep-alive
HTTP.  It signs requests with its own code path (request-side signing, not
sigv4_verify.py) and starts/stops server.py as a subprocess.
"""

import hashlib
import hmac
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = os.path.join(HERE, "seed-default.json")
SAFE = "-_.~"


def quote(text):
    return urllib.parse.quote(text, safe=SAFE)


def sign_headers(method, host, path, query_pairs, headers, body, akid, secret, region, service,
                 token=None, when=None):
    """Returns the headers to send (dict) including Authorization.
    path is the wire path (already percent-encoded)."""
    when = when or datetime.now(timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    out = dict(headers)
    out["host"] = host
    out["x-amz-date"] = amz_date
    if token:
        out["x-amz-security-token"] = token
    names = sorted(k.lower() for k in out)
    lowered = {k.lower(): " ".join(str(v).split()) for k, v in out.items()}
    canon_query = "&".join(sorted("%s=%s" % (quote(k), quote(v)) for k, v in query_pairs))
    canon_path = "/".join(quote(seg) for seg in path.split("/")) or "/"
    creq = "\n".join([method, canon_path, canon_query,
                      "".join("%s:%s\n" % (n, lowered[n]) for n in names), ";".join(names),
                      hashlib.sha256(body).hexdigest()])
    scope = "%s/%s/%s/aws4_request" % (amz_date[:8], region, service)
    to_sign = "AWS4-HMAC-SHA256\n%s\n%s\n%s" % (amz_date, scope, hashlib.sha256(creq.encode()).hexdigest())
    key = ("AWS4" + secret).encode()
    for part in (amz_date[:8], region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    out["Authorization"] = "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
        akid, scope, ";".join(names), signature)
    return out


def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return ""


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def error_name(self):
        value = self.headers.get("x-amzn-errortype", "")
        return value.split(":")[0]

    def __repr__(self):
        return "<Response %d %s %r>" % (self.status, self.error_name(), self.body[:300])


class Client:
    """One keep-alive connection; credentials and region fixed per client."""

    def __init__(self, port, akid, secret, token=None, region="ap-northeast-1", tls_context=None):
        self.port = port
        self.host = "127.0.0.1:%d" % port
        self.akid, self.secret, self.token, self.region = akid, secret, token, region
        self.tls_context = tls_context
        self.conn = None

    def _connection(self):
        if self.conn is None:
            if self.tls_context is not None:
                self.conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=30, context=self.tls_context)
            else:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        return self.conn

    def __del__(self):
        self.close()

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def raw(self, method, path, headers, body=b""):
        conn = self._connection()
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        except (http.client.HTTPException, OSError):
            self.close()
            raise
        hdrs = {k.lower(): v for k, v in resp.getheaders()}
        if hdrs.get("connection", "").lower() == "close":
            self.close()
        return Response(resp.status, hdrs, data)

    def call(self, method, path, query=None, body=b"", service="bedrock", content_type=None, extra=None,
             when=None, secret=None):
        query = list(query or [])
        headers = dict(extra or {})
        if content_type:
            headers["content-type"] = content_type
        signed = sign_headers(method, self.host, path, query, headers, body, self.akid, secret or self.secret,
                              self.region, service, self.token, when)
        wire = path + ("?" + "&".join("%s=%s" % (quote(k), quote(v)) for k, v in query) if query else "")
        return self.raw(method, wire, signed, body)

    def bedrock_json(self, method, path, obj=None, query=None, extra=None):
        body = json.dumps(obj).encode() if obj is not None else b""
        return self.call(method, path, query, body, "bedrock", "application/json" if obj is not None else None,
                         extra)

    def sts(self, action, params=None, extra=None):
        form = [("Action", action), ("Version", "2011-06-15")] + list((params or {}).items())
        body = "&".join("%s=%s" % (quote(k), quote(str(v))) for k, v in form).encode()
        return self.call("POST", "/", None, body, "sts", "application/x-www-form-urlencoded; charset=utf-8", extra)


class ServerProcess:
    """Starts server.py with a seed and options; use as a context manager."""

    def __init__(self, *args, seed=SEED, seed_obj=None):
        self.tmp = tempfile.TemporaryDirectory(prefix="fake_aws_test.")
        if seed_obj is not None:
            seed = os.path.join(self.tmp.name, "seed.json")
            with open(seed, "w") as f:
                json.dump(seed_obj, f)
        self.port_file = os.path.join(self.tmp.name, "port")
        self.log = os.path.join(self.tmp.name, "requests.jsonl")
        cmd = [sys.executable, os.path.join(HERE, "server.py"), "--seed", seed, "--port-file", self.port_file,
               "--log", self.log, "--lifetime", "300"] + list(args)
        self.stderr = open(os.path.join(self.tmp.name, "stderr"), "w+")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self.stderr)
        deadline = time.time() + 20
        while not _read(self.port_file).strip():
            if self.proc.poll() is not None or time.time() > deadline:
                self.stderr.seek(0)
                raise RuntimeError("server.py did not start: %s" % self.stderr.read())
            time.sleep(0.05)
        self.port = int(_read(self.port_file))

    def admin(self, method, name, obj=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        body = json.dumps(obj).encode() if obj is not None else None
        conn.request(method, "/__admin/" + name, body=body,
                     headers={"content-type": "application/json"} if body else {})
        resp = conn.getresponse()
        data = json.loads(resp.read() or b"null")
        conn.close()
        return data

    def log_entries(self):
        with open(self.log) as f:
            return [json.loads(line) for line in f if line.strip()]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr.close()
        self.tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def load_seed():
    with open(SEED) as f:
        return json.load(f)


def user_client(port, name, seed=None, **kw):
    seed = seed or load_seed()
    for user in seed["users"]:
        if user["name"] == name:
            return Client(port, user["access_key_id"], user["secret_access_key"], user.get("session_token"), **kw)
    raise KeyError(name)


def new_invocation():
    return str(uuid.uuid4())
