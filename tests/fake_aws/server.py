#!/usr/bin/env python3
"""server.py - the loopback AWS emulator clinecfg's tests run against
(tests/fake_aws).  Owns the HTTP side: one 127.0.0.1 port serving STS
(awsQuery), the Bedrock control plane and runtime (restJson1), the IAM
Identity Center portal (GetRoleCredentials, ListAccounts, ListAccountRoles,
Logout) and SSO OIDC device flow (identitycenter.py), Cost Explorer
ListCostAllocationTags / GetCostAndUsage (awsJson1_1) and CloudWatch
GetMetricData / ListMetrics (awsJson1_0, the usage itself lives in usage.py),
IAM (awsQuery; policies and the evaluator applied below live in iam.py),
AWS Budgets (awsJson1_1) and CloudWatch alarms (budgets.py);
SigV4 verification of every signed request (sigv4_verify.py), the fault and
latency knobs, the JSON-lines request log, statistics and the unsigned
/__admin/ endpoints.  The account itself lives in state.py.  See README.md.

Python 3.11 standard library only.
"""

import argparse
import json
import os
import random
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from datetime import datetime, timezone
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape as xml_escape

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean when tests start it
sys.path.insert(0, HERE)

import budgets  # noqa: E402
import iam  # noqa: E402
import identitycenter  # noqa: E402
import runtime  # noqa: E402
import sigv4_verify  # noqa: E402
import usage  # noqa: E402
from state import ApiError, State, iso  # noqa: E402

MAX_BODY = 16 * 1024 * 1024
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
CORAL_BEDROCK = ":http://internal.amazon.com/coral/com.amazon.bedrock/"
CORAL_AUTH = ":http://internal.amazon.com/coral/com.amazon.coral.service/"
CORAL_SSO = ":http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/"
CORAL_OIDC = ":http://internal.amazon.com/coral/com.amazonaws.awsssooidc/"

# Protocols of the routes below.
REST = "restJson1"
QUERY = "awsQuery"
JSON11 = "awsJson1_1"
OIDC = "restJson1/oidc"  # restJson1 whose errors carry the OAuth {"error", "error_description"} body
JSON10 = "awsJson1_0"  # CloudWatch: query-compatible, errors also in x-amzn-query-error
# JSON error name -> the awsQuery code CloudWatch puts in x-amzn-query-error.
QUERY_CODES = {"AccessDeniedException": "AccessDenied", "UnrecognizedClientException": "InvalidClientTokenId",
               "InvalidSignatureException": "SignatureDoesNotMatch", "ExpiredTokenException": "ExpiredToken",
               "MissingAuthenticationTokenException": "MissingAuthenticationToken",
               "IncompleteSignatureException": "IncompleteSignature", "ThrottlingException": "Throttling",
               "InternalServiceFault": "InternalServiceError", "UnknownOperationException": "InvalidAction",
               "SerializationException": "MalformedInput"}

AUTH_ERRORS = {
    # kind: {protocol: (name, status)}
    "missing": {REST: ("MissingAuthenticationTokenException", 403), QUERY: ("MissingAuthenticationToken", 403),
                JSON11: ("MissingAuthenticationTokenException", 400)},
    "incomplete": {REST: ("IncompleteSignatureException", 400), QUERY: ("IncompleteSignature", 400),
                   JSON11: ("IncompleteSignatureException", 400)},
    "unknown_key": {REST: ("UnrecognizedClientException", 403), QUERY: ("InvalidClientTokenId", 403),
                    JSON11: ("UnrecognizedClientException", 400)},
    "bad_token": {REST: ("UnrecognizedClientException", 403), QUERY: ("InvalidClientTokenId", 403),
                  JSON11: ("UnrecognizedClientException", 400)},
    "expired_token": {REST: ("ExpiredTokenException", 403), QUERY: ("ExpiredToken", 403),
                      JSON11: ("ExpiredTokenException", 400)},
    "skew": {REST: ("InvalidSignatureException", 403), QUERY: ("SignatureDoesNotMatch", 403),
             JSON11: ("InvalidSignatureException", 400)},
    "signature": {REST: ("InvalidSignatureException", 403), QUERY: ("SignatureDoesNotMatch", 403),
                  JSON11: ("InvalidSignatureException", 400)},
}
for _kind, _by_protocol in AUTH_ERRORS.items():  # CloudWatch: JSON names, awsQuery statuses
    _by_protocol[JSON10] = (_by_protocol[JSON11][0], _by_protocol[QUERY][1])
THROTTLE = {JSON10: ("ThrottlingException", 400, "Rate exceeded"),
            REST: ("ThrottlingException", 429, "Too many requests, please wait before trying again."),
            OIDC: ("TooManyRequestsException", 429, "Too many requests"),
            QUERY: ("Throttling", 400, "Rate exceeded"),
            JSON11: ("ThrottlingException", 400, "Rate exceeded")}
INTERNAL = {JSON10: ("InternalServiceFault", 500, "Internal service error (injected by fake_aws)."),
            REST: ("InternalServerException", 500, "Internal server error (injected by fake_aws)."),
            OIDC: ("InternalServerException", 500, "Internal server error (injected by fake_aws)."),
            QUERY: ("InternalFailure", 500, "An internal error occurred (injected by fake_aws)."),
            JSON11: ("InternalServerException", 500, "Internal server error (injected by fake_aws).")}


PORTAL_OPS = {"GetRoleCredentials", "ListAccounts", "ListAccountRoles", "Logout"}

# Operations that change state: an injected fault may hit them after they ran.
MUTATING_OPS = {"CreateInferenceProfile", "DeleteInferenceProfile", "TagResource", "UntagResource",
                "GetSessionToken"}


class Route:
    def __init__(self, op, protocol, service, action=None, params=None, signed=True):
        self.op = op
        self.protocol = protocol
        self.service = service  # expected signing name
        self.action = action  # IAM action for deny checks
        self.params = params or {}
        self.signed = signed


def route_request(method, path, query, headers, body):
    """Maps a request to a Route, or None when no operation matches."""
    segments = path.split("/")[1:] if path.startswith("/") else []
    q = urllib.parse.parse_qs(query, keep_blank_values=True)

    def bedrock(op, params=None):
        return Route(op, REST, "bedrock", "bedrock:" + op, params)

    if segments == ["inference-profiles"]:
        if method == "GET":
            return bedrock("ListInferenceProfiles", {"q": q})
        if method == "POST":
            return bedrock("CreateInferenceProfile")
    if len(segments) == 2 and segments[0] == "inference-profiles" and segments[1]:
        ident = urllib.parse.unquote(segments[1])
        if method == "GET":
            return bedrock("GetInferenceProfile", {"id": ident})
        if method == "DELETE":
            return bedrock("DeleteInferenceProfile", {"id": ident})
    if method == "POST" and segments == ["tagResource"]:
        return bedrock("TagResource")
    if method == "POST" and segments == ["untagResource"]:
        return bedrock("UntagResource")
    if method == "POST" and segments == ["listTagsForResource"]:
        return bedrock("ListTagsForResource")
    if method == "GET" and segments == ["foundation-models"]:
        return bedrock("ListFoundationModels", {"q": q})
    if method == "GET" and len(segments) == 2 and segments[0] == "foundation-models":
        return bedrock("GetFoundationModel", {"id": urllib.parse.unquote(segments[1])})
    if method == "POST" and len(segments) == 3 and segments[0] == "model" and \
            segments[2] in ("converse", "converse-stream"):
        stream = segments[2] == "converse-stream"
        return Route("ConverseStream" if stream else "Converse", REST, "bedrock",
                     "bedrock:InvokeModelWithResponseStream" if stream else "bedrock:InvokeModel",
                     {"model": urllib.parse.unquote(segments[1])})
    if method == "GET" and segments == ["federation", "credentials"]:
        return Route("GetRoleCredentials", REST, None, None, {"q": q}, signed=False)
    if method == "GET" and segments == ["assignment", "accounts"]:
        return Route("ListAccounts", REST, None, None, {"q": q}, signed=False)
    if method == "GET" and segments == ["assignment", "roles"]:
        return Route("ListAccountRoles", REST, None, None, {"q": q}, signed=False)
    if method == "POST" and segments == ["logout"]:
        return Route("Logout", REST, None, None, {"q": q}, signed=False)
    oidc_ops = {"client/register": "RegisterClient", "device_authorization": "StartDeviceAuthorization",
                "token": "CreateToken"}
    if method == "POST" and "/".join(segments) in oidc_ops:
        return Route(oidc_ops["/".join(segments)], OIDC, None, None, {}, signed=False)
    if path == "/" and method == "POST" and headers.get("x-amz-target"):
        target = headers.get("x-amz-target")
        if target == "AWSInsightsIndexService.ListCostAllocationTags":
            return Route("ListCostAllocationTags", JSON11, "ce", "ce:ListCostAllocationTags")
        if target == "AWSInsightsIndexService.GetCostAndUsage":
            return Route("GetCostAndUsage", JSON11, "ce", "ce:GetCostAndUsage")
        if target.startswith("AWSBudgetServiceGateway."):
            op = target.split(".", 1)[1]
            return Route(op, JSON11, "budgets", "budgets:ViewBudget" if op.startswith("Describe")
                         else "budgets:ModifyBudget")
        if target.startswith("GraniteServiceVersion20100801."):
            op = target.split(".", 1)[1]
            return Route(op, JSON10, "monitoring", "cloudwatch:" + op)
        return Route("UnknownTarget", JSON11, "ce", None, {"target": target})
    if path == "/" and method in ("POST", "GET"):
        form = q if method == "GET" else urllib.parse.parse_qs(body.decode("utf-8", "replace"),
                                                               keep_blank_values=True)
        action = (form.get("Action") or [""])[0]
        if action in iam.ACTIONS:
            return Route(action, QUERY, "iam", "iam:" + action, {"form": form})
        return Route(action or "MissingAction", QUERY, "sts", "sts:" + action, {"form": form})
    return None


class TokenBucket:
    def __init__(self, rate):
        self.rate = float(rate)
        self.capacity = max(1.0, self.rate)
        self.tokens = self.capacity
        self.stamp = time.monotonic()

    def take(self):
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class Emulator:
    """Everything the request handlers share; each part has its own lock."""

    def __init__(self, state, args, identity_center, seed_usage=None):
        self.state = state
        self.identity_center = identity_center
        self.usage = usage.Usage(state, seed_usage)
        self.iam = iam.Iam(state)
        self.budgets = budgets.Budgets(state, self.usage, self.iam)
        self.alarms = budgets.Alarms(self.usage)
        self.latency_ms = args.latency_ms
        self.fail_rate = args.fail_rate
        self.drop_rate = args.drop_rate
        self.fault_rng = random.Random(args.fail_seed)
        self.stream_rng = random.Random(args.fail_seed)
        self.buckets = {}
        for spec in args.throttle or []:
            op, _, rate = spec.partition("=")
            self.buckets[op] = TokenBucket(float(rate))
        self.lock = threading.Lock()
        self.log_lock = threading.Lock()
        self.log_file = open(args.log, "a", encoding="utf-8") if args.log else None
        self.next_conn_id = 0
        self.reset_stats()

    # ------------------------------------------------------------- stats
    def reset_stats(self):
        with self.lock:
            self.connections = 0
            self.connections_all = 0
            self.requests = {}
            self.statuses = {}
            self.invocations = {}
            self.injected = 0
            self.dropped = 0
            self.faults_after_execution = 0
            self.throttled = 0
            self.converse_calls = []
            self.auth_failures = {}
        self.identity_center.reset_counters()
        self.usage.reset_counters()

    def new_connection(self):
        with self.lock:
            self.next_conn_id += 1
            self.connections_all += 1
            return self.next_conn_id

    def count_connection(self):
        with self.lock:
            self.connections += 1

    def stats(self):
        with self.lock:
            invocations = self.invocations.values()
            return {
                "connections_opened": self.connections,
                "connections_including_admin": self.connections_all,
                "requests_total": sum(self.requests.values()),
                "requests": dict(self.requests),
                "statuses": dict(self.statuses),
                "auth_failures": dict(self.auth_failures),
                "invocation_ids": len(self.invocations),
                "max_attempts_per_invocation": max((i["requests"] for i in invocations), default=0),
                "max_attempt_header": max((i["max_attempt"] for i in invocations), default=0),
                "max_consecutive_injected_failures": max((i["max_consecutive"] for i in invocations), default=0),
                "injected_failures": self.injected,
                "dropped_connections": self.dropped,
                "faults_after_execution": self.faults_after_execution,
                "throttled": self.throttled,
                "converse_calls": list(self.converse_calls),
                "identity_center": self.identity_center.snapshot_counters(),
                **self.usage.stats(),
            }

    def note_request(self, op, invocation_id, attempt):
        with self.lock:
            self.requests[op] = self.requests.get(op, 0) + 1
            if invocation_id:
                inv = self.invocations.setdefault(invocation_id, {"requests": 0, "max_attempt": 0,
                                                                  "consecutive": 0, "max_consecutive": 0})
                inv["requests"] += 1
                inv["max_attempt"] = max(inv["max_attempt"], attempt or 0)

    def note_status(self, status):
        with self.lock:
            self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1

    # ------------------------------------------------------------ knobs
    def throttle_allows(self, op):
        with self.lock:
            bucket = self.buckets.get(op) or self.buckets.get("*")
            if bucket is None or bucket.take():
                return True
            self.throttled += 1
            return False

    def fault_for(self, invocation_id, mutating=False):
        """None, 'fail' or 'drop' for this attempt, or for an operation that
        changes state, half of the time 'fail_after' / 'drop_after': the
        operation is carried out and only its answer is lost, as when a
        real service fails after committing.  A given invocation id is never
        faulted more than twice in a row."""
        with self.lock:
            inv = self.invocations.get(invocation_id) if invocation_id else None
            if inv is not None and inv["consecutive"] >= 2:
                inv["consecutive"] = 0
                return None
            roll = self.fault_rng.random()
            fault = None
            if roll < self.drop_rate:
                fault = "drop"
                self.dropped += 1
            elif roll < self.drop_rate + self.fail_rate:
                fault = "fail"
                self.injected += 1
            if fault and mutating and self.fault_rng.random() < 0.5:
                fault += "_after"
                self.faults_after_execution += 1
            if inv is not None:
                if fault:
                    inv["consecutive"] += 1
                    inv["max_consecutive"] = max(inv["max_consecutive"], inv["consecutive"])
                else:
                    inv["consecutive"] = 0
            return fault

    def record_converse(self, entry):
        with self.lock:
            self.converse_calls.append(entry)

    def note_auth_failure(self, name):
        with self.lock:
            self.auth_failures[name] = self.auth_failures.get(name, 0) + 1

    def log(self, entry):
        if self.log_file is None:
            return
        line = json.dumps(entry, separators=(",", ":"))
        with self.log_lock:
            self.log_file.write(line + "\n")
            self.log_file.flush()

    def knobs(self):
        with self.lock:
            return {"latency_ms": self.latency_ms, "fail_rate": self.fail_rate, "drop_rate": self.drop_rate,
                    "throttle": {op: b.rate for op, b in self.buckets.items()},
                    "clock_offset_seconds": self.state.clock_offset,
                    "sso": self.identity_center.get_knobs()}

    def set_knobs(self, data):
        with self.lock:
            if "latency_ms" in data:
                self.latency_ms = int(data["latency_ms"])
            if "fail_rate" in data:
                self.fail_rate = float(data["fail_rate"])
            if "drop_rate" in data:
                self.drop_rate = float(data["drop_rate"])
            if "throttle" in data:
                self.buckets = {op: TokenBucket(rate) for op, rate in (data["throttle"] or {}).items()}
            if "clock_offset_seconds" in data:
                self.state.clock_offset = float(data["clock_offset_seconds"])
            if "sso" in data:
                self.identity_center.set_knobs(data["sso"])


class BodyTooLarge(Exception):
    pass


class Dropped(Exception):
    """Raised to abandon a request without an answer (injected drop)."""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake_aws/1"
    sys_version = ""
    timeout = 120  # idle keep-alive connections are closed after this

    # ------------------------------------------------------- connection
    def setup(self):
        super().setup()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        self.emu = self.server.emulator
        self.conn_id = self.emu.new_connection()
        self.conn_counted = False

    def log_message(self, format, *args):  # noqa: A002 - the request log is JSON lines instead
        pass

    def date_time_string(self, timestamp=None):
        if timestamp is None:
            timestamp = time.time() + self.emu.state.clock_offset
        return formatdate(timestamp, usegmt=True)

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_PATCH(self):
        self.dispatch()

    def do_HEAD(self):
        self.dispatch()

    # ----------------------------------------------------------- output
    def send_bytes(self, status, body, content_type, headers=None):
        if self.suppress_output:  # the operation ran, but its answer is lost (fault injection)
            self.status = status
            return
        self.send_response(status)
        self.send_header("x-amzn-RequestId", self.request_id)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        # One write for head and body (with TCP_NODELAY) keeps keep-alive round trips fast.
        self._headers_buffer.append(b"\r\n")
        if self.command != "HEAD":
            self._headers_buffer.append(body)
        self.flush_headers()
        self.status = status

    def send_json(self, status, obj, headers=None, content_type="application/json"):
        self.send_bytes(status, json.dumps(obj, separators=(",", ":")).encode("utf-8"), content_type, headers)

    def send_api_error(self, protocol, name, status, message, extra=None, coral=CORAL_BEDROCK):
        self.error_name = name
        if protocol == QUERY:
            kind = "Receiver" if status >= 500 else "Sender"
            body = ('<ErrorResponse xmlns="%s">\n  <Error>\n    <Type>%s</Type>\n    <Code>%s</Code>\n'
                    '    <Message>%s</Message>\n  </Error>\n  <RequestId>%s</RequestId>\n</ErrorResponse>\n'
                    % (STS_NS, kind, name, xml_escape(message), self.request_id))
            self.send_bytes(status, body.encode("utf-8"), "text/xml")
        elif protocol == JSON10:
            code = (extra or {}).get("query_code") or QUERY_CODES.get(name, name)
            obj = {"__type": "com.amazonaws.cloudwatch#" + name, "message": message}
            self.send_json(status, obj, {"x-amzn-query-error": "%s;%s" % (code, "Receiver" if status >= 500
                                                                             else "Sender")},
                           "application/x-amz-json-1.0")
        elif protocol == JSON11:
            obj = {"__type": name, "message": message}
            self.send_json(status, obj, {"x-amzn-ErrorType": name + coral}, "application/x-amz-json-1.1")
        elif protocol == OIDC:
            obj = {"error": (extra or {}).get("error", "server_error"), "error_description": message}
            self.send_json(status, obj, {"x-amzn-ErrorType": name + CORAL_OIDC})
        else:
            obj = {"message": message}
            obj.update(extra or {})
            self.send_json(status, obj, {"x-amzn-ErrorType": name + coral})

    # ------------------------------------------------------------ input
    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            total = 0
            while True:
                size_line = self.rfile.readline(1024)
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                total += size
                if total > MAX_BODY:
                    raise BodyTooLarge()
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        if length > MAX_BODY:
            raise BodyTooLarge()
        return self.rfile.read(length) if length else b""

    # --------------------------------------------------------- dispatch
    def dispatch(self):
        self.request_id = str(uuid.uuid4())
        self.suppress_output = False
        self.status = None
        self.error_name = None
        started = time.time()
        try:
            body = self.read_body()
        except BodyTooLarge:
            self.close_connection = True
            self.send_json(413, {"message": "Request body larger than %d bytes" % MAX_BODY})
            return
        except (ValueError, OSError):
            self.close_connection = True
            self.send_json(400, {"message": "Malformed request body framing (Content-Length / chunked)"})
            return
        target = self.path
        if "://" in target.split("?", 1)[0]:  # absolute-form (through a proxy)
            target = "/" + target.split("://", 1)[1].partition("/")[2]
        path, _, query = target.partition("?")
        if path.startswith("/__admin/"):
            self.admin(path[len("/__admin/"):], query, body)
            return
        if not self.conn_counted:
            self.conn_counted = True
            self.emu.count_connection()

        lower_headers = {k.lower(): v for k, v in self.headers.items()}
        route = route_request(self.command, path, query, lower_headers, body)
        invocation_id = lower_headers.get("amz-sdk-invocation-id")
        attempt_header = lower_headers.get("amz-sdk-request")
        attempt = None
        if attempt_header:
            for part in attempt_header.split(";"):
                key, _, value = part.strip().partition("=")
                if key == "attempt" and value.isdigit():
                    attempt = int(value)
        op = route.op if route else "Unknown"
        self.emu.note_request(op, invocation_id, attempt)
        entry = {"time": iso(datetime.now(timezone.utc), fraction=True), "conn": self.conn_id,
                 "method": self.command, "path": path, "op": op, "invocation_id": invocation_id,
                 "attempt": attempt_header, "access_key_id": None}
        try:
            if self.emu.latency_ms:
                time.sleep(self.emu.latency_ms / 1000.0)
            if route is None:
                self.send_api_error(REST, "UnknownOperationException", 404, "No operation matches %s %s"
                                    % (self.command, path), coral=CORAL_AUTH)
            else:
                self.handle_route(route, path, query, body, entry, invocation_id)
        except Dropped:
            entry["dropped"] = True
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as exc:  # an emulator bug must show up as a 500, not a hang
            import traceback
            traceback.print_exc()
            if self.status is None:
                self.send_api_error(route.protocol if route else REST, "InternalServerException", 500,
                                    "fake_aws internal error: %s" % exc.__class__.__name__)
        entry["status"] = self.status
        entry["error"] = self.error_name
        entry["ms"] = int((time.time() - started) * 1000)
        if self.status is not None:
            self.emu.note_status(self.status)
        self.emu.log(entry)

    def signing_headers(self, entry):
        """The request's headers as the client signed them.  Through h2c_front.mjs
        (an HTTP/2 stream) the client signed the :authority pseudo-header, which
        arrives here as Host."""
        pairs = list(self.headers.items())
        if self.headers.get("x-fake-aws-h2c") == "1":
            entry["http"] = "h2c"
            pairs.append((":authority", self.headers.get("Host", "")))
        return pairs

    def handle_route(self, route, path, query, body, entry, invocation_id):
        state = self.emu.state
        record = None
        region = None
        if route.signed:
            try:
                record, details = sigv4_verify.verify_request(
                    self.command, path, query, self.signing_headers(entry), body, state.lookup_key,
                    state.now(), route.service, valid_region=state.valid_region)
                region = details["region"]
                entry["access_key_id"] = details["access_key"]
                entry["region"] = region
            except sigv4_verify.AuthError as err:
                name, status = AUTH_ERRORS[err.kind][route.protocol]
                self.emu.note_auth_failure(name)
                self.send_api_error(route.protocol, name, status, err.message, coral=CORAL_AUTH)
                return
            user = record["user"]
            if route.action and route.op != "GetCallerIdentity" and state.is_denied(user, route.action):
                resource = self.resource_for(route, region)
                message = ("User: %s is not authorized to perform: %s on resource: %s because no identity-based "
                           "policy allows the %s action" % (user["arn"], route.action, resource, route.action))
                name = "AccessDenied" if route.protocol == QUERY else "AccessDeniedException"
                self.send_api_error(route.protocol, name, 403 if route.protocol != JSON11 else 400, message)
                return
            if route.op in ("Converse", "ConverseStream") and self.emu.budgets.has_pending_actions():
                self.emu.budgets.evaluate(state.now().timestamp())  # AWS-run budget actions stop the next call
            if self.iam_denies(route, region, body, user):
                return
        if not self.emu.throttle_allows(route.op):
            self.record_runtime_failure(route, region, "throttles")
            name, status, message = THROTTLE[route.protocol]
            if route.op in PORTAL_OPS:
                name, status = "TooManyRequestsException", 429
            self.send_api_error(route.protocol, name, status, message)
            return
        fault = self.emu.fault_for(invocation_id, route.op in MUTATING_OPS)
        if fault in ("fail_after", "drop_after"):
            entry["executed_before_fault"] = True
            self.suppress_output = True
            try:
                self.execute(route, region, body, record, entry)
            finally:
                self.suppress_output = False
                self.status = None
                self.error_name = None
            fault = fault.split("_")[0]
        if fault == "drop":
            raise Dropped()
        if fault == "fail":
            entry["injected"] = True
            self.record_runtime_failure(route, region, "server_errors")
            name, status, message = INTERNAL[route.protocol]
            self.send_api_error(route.protocol, name, status, message)
            return
        self.execute(route, region, body, record, entry)

    def iam_denies(self, route, region, body, user):
        """Identity policies (iam.py) of callers that carry them; sends the denial."""
        message = iam.denial(self.emu.iam, self.emu.state, user, route, region,
                             body if route.protocol == REST or route.service == "budgets" else None)
        if message is not None:
            name = "AccessDenied" if route.protocol == QUERY else "AccessDeniedException"
            self.send_api_error(route.protocol, name, 403 if route.protocol != JSON11 else 400, message)
        return message is not None

    def handle_iam(self, route):
        inner = self.emu.iam.handle(route.op, route.params["form"])
        self.send_bytes(200, self.emu.iam.reply(route.op, inner, self.request_id).encode("utf-8"), "text/xml")

    def execute(self, route, region, body, record, entry):
        try:
            if route.protocol == QUERY and route.service == "iam":
                self.handle_iam(route)
            elif route.protocol == QUERY:
                self.handle_sts(route, record)
            elif route.protocol == JSON11 and route.service == "budgets":
                self.handle_budgets(route, body)
            elif route.protocol == JSON11:
                self.handle_ce(route, body)
            elif route.protocol == JSON10:
                self.handle_cloudwatch(route, body)
            elif route.op in PORTAL_OPS:
                self.handle_sso(route, entry)
            elif route.protocol == OIDC:
                self.handle_oidc(route, body)
            elif route.op in ("Converse", "ConverseStream"):
                self.handle_runtime(route, region, body, record, entry)
            else:
                self.handle_bedrock(route, region, body)
        except ApiError as err:
            self.send_api_error(route.protocol, err.name, err.status, err.message, err.extra)

    def resource_for(self, route, region):
        account = self.emu.state.account
        if route.protocol in (QUERY, JSON11, JSON10):
            return "*"
        if route.op in ("Converse", "ConverseStream"):
            return route.params.get("model", "*")
        if "id" in route.params:
            return route.params["id"]
        return "arn:aws:bedrock:%s:%s:application-inference-profile/*" % (region, account)

    # --------------------------------------------------------------- STS
    def handle_sts(self, route, record):
        form = route.params["form"]
        action = route.op
        user = record["user"]
        if action == "GetCallerIdentity":
            result = ("<Arn>%s</Arn>\n    <UserId>%s</UserId>\n    <Account>%s</Account>"
                      % (xml_escape(user["arn"]), xml_escape(user["user_id"]), user["account"]))
        elif action == "GetSessionToken":
            duration = None
            if form.get("DurationSeconds"):
                try:
                    duration = int(form["DurationSeconds"][0])
                except ValueError:
                    raise ApiError("ValidationError", "Value '%s' for DurationSeconds is not a valid integer"
                                   % form["DurationSeconds"][0], 400)
            akid, secret, token, expires = self.emu.state.get_session_token(record, duration)
            result = ("<Credentials>\n      <AccessKeyId>%s</AccessKeyId>\n      <SecretAccessKey>%s</SecretAccessKey>"
                      "\n      <SessionToken>%s</SessionToken>\n      <Expiration>%s</Expiration>\n    </Credentials>"
                      % (akid, xml_escape(secret), xml_escape(token), iso(expires)))
        else:
            raise ApiError("InvalidAction", "Could not find operation %s for version 2011-06-15" % action, 400)
        body = ('<%sResponse xmlns="%s">\n  <%sResult>\n    %s\n  </%sResult>\n  <ResponseMetadata>\n'
                '    <RequestId>%s</RequestId>\n  </ResponseMetadata>\n</%sResponse>\n'
                % (action, STS_NS, action, result, action, self.request_id, action))
        self.send_bytes(200, body.encode("utf-8"), "text/xml")

    # ---------------------------------------------------------------- CE
    def handle_ce(self, route, body):
        if route.op not in ("ListCostAllocationTags", "GetCostAndUsage"):
            raise ApiError("UnknownOperationException", "Unknown operation %s" % route.params.get("target"), 400)
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            raise ApiError("SerializationException", "Malformed JSON body", 400)
        if not isinstance(request, dict):
            raise ApiError("SerializationException", "The request body must be a JSON object", 400)
        if route.op == "GetCostAndUsage":
            answer = self.emu.usage.get_cost_and_usage(request, self.emu.state.now().timestamp())
        else:
            answer = self.emu.state.list_cost_allocation_tags(request)
        self.send_json(200, answer, None, "application/x-amz-json-1.1")

    # ----------------------------------------------------------- Budgets
    def handle_budgets(self, route, body):
        request = self.json_body(body) if body else {}
        if not isinstance(request, dict):
            raise ApiError("SerializationException", "The request body must be a JSON object", 400)
        answer = self.emu.budgets.handle(route.op, request, self.emu.state.now().timestamp())
        self.send_json(200, answer, None, "application/x-amz-json-1.1")

    # -------------------------------------------------------- CloudWatch
    def handle_cloudwatch(self, route, body):
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            raise usage.cw_error("MalformedInput", "Malformed JSON body", "SerializationException")
        if not isinstance(request, dict):
            raise usage.cw_error("MalformedInput", "The request body must be a JSON object",
                                 "SerializationException")
        now = self.emu.state.now().timestamp()
        if route.op == "GetMetricData":
            answer = self.emu.usage.get_metric_data(request, now)
        elif route.op == "ListMetrics":
            answer = self.emu.usage.list_metrics(request, now)
        elif route.op in budgets.ALARM_OPS:
            answer = self.emu.alarms.handle(route.op, request, now)
        else:
            raise usage.cw_error("InvalidAction", "Operation %s is not supported by fake_aws." % route.op,
                                 "UnknownOperationException")
        self.send_json(200, answer, None, "application/x-amz-json-1.0")

    # --------------------------------------------------------------- SSO
    def handle_sso(self, route, entry):
        q = route.params["q"]
        token = self.headers.get("x-amz-sso_bearer_token")
        state, ic = self.emu.state, self.emu.identity_center
        coral = CORAL_SSO
        try:
            if route.op == "GetRoleCredentials":
                self.sso_role_credentials(q, token, entry)
                return
            if not token:
                raise ApiError("UnauthorizedException", "Session token not found or invalid", 401)
            if ic.is_ours(token):
                if route.op == "Logout":
                    ic.logout(token)
                    self.send_bytes(200, b"", None)
                    return
                assignments, _ = ic.assignments(token)
            else:
                if route.op == "Logout":
                    state.sso_logout(token)
                    self.send_bytes(200, b"", None)
                    return
                assignments = state.sso_assignments(token)
            if route.op == "ListAccounts":
                self.send_json(200, ic.list_accounts(assignments, q))
            else:
                self.send_json(200, ic.list_account_roles(assignments, q))
        except ApiError as err:
            self.send_api_error(REST, err.name, err.status, err.message, coral=coral)

    def sso_role_credentials(self, q, token, entry):
        state, ic = self.emu.state, self.emu.identity_center
        role = (q.get("role_name") or [None])[0]
        account = (q.get("account_id") or [None])[0]
        if not role or not account:
            raise ApiError("InvalidRequestException", "role_name and account_id are required", 400)
        if not token:
            raise ApiError("UnauthorizedException", "Session token not found or invalid", 401)
        if ic.is_ours(token):
            arn, ttl = ic.role_arn(token, account, role)
            akid, secret, session, expires = state.sso_mint(arn, account, ttl)
        else:
            akid, secret, session, expires = state.sso_role_credentials(token, role, account)
        entry["access_key_id"] = akid
        self.send_json(200, {"roleCredentials": {"accessKeyId": akid, "secretAccessKey": secret,
                                                 "sessionToken": session,
                                                 "expiration": int(expires.timestamp() * 1000)}})

    # -------------------------------------------------------------- OIDC
    def handle_oidc(self, route, body):
        ic = self.emu.identity_center
        try:
            request = json.loads(body or b"{}")
            if not isinstance(request, dict):
                raise ValueError("not an object")
        except ValueError:
            raise identitycenter.oidc_error("InvalidRequestException", "Malformed JSON body")
        if route.op == "RegisterClient":
            self.send_json(200, ic.register_client(request))
        elif route.op == "StartDeviceAuthorization":
            self.send_json(200, ic.start_device_authorization(request, self.region_from_host()))
        else:
            self.send_json(200, ic.create_token(request))

    def region_from_host(self):
        """oidc.<region>.amazonaws.com names the region; a loopback host does not (seed default)."""
        host = (self.headers.get("host") or "").split(":")[0]
        parts = host.split(".")
        if len(parts) > 2 and parts[0] == "oidc":
            return parts[1]
        return self.emu.state.default_region

    # ----------------------------------------------------------- Bedrock
    def json_body(self, body):
        if not body:
            return {}
        try:
            return json.loads(body)
        except ValueError:
            raise ApiError("SerializationException", "Start of structure or map found where not expected.", 400)

    def handle_bedrock(self, route, region, body):
        state = self.emu.state
        op = route.op
        if op == "ListInferenceProfiles":
            q = route.params["q"]

            def one(name):
                return (q.get(name) or [None])[0]
            self.send_json(200, state.list_profiles(region, one("type"), one("maxResults"), one("nextToken")))
        elif op == "GetInferenceProfile":
            self.send_json(200, state.get_profile(region, route.params["id"]))
        elif op == "CreateInferenceProfile":
            self.send_json(201, state.create_profile(region, self.json_body(body)))
        elif op == "DeleteInferenceProfile":
            self.send_json(200, state.delete_profile(region, route.params["id"]))
        elif op == "TagResource":
            self.send_json(200, state.tag_resource(region, self.json_body(body)))
        elif op == "UntagResource":
            self.send_json(200, state.untag_resource(region, self.json_body(body)))
        elif op == "ListTagsForResource":
            self.send_json(200, state.list_tags(region, self.json_body(body)))
        elif op == "ListFoundationModels":
            q = route.params["q"]

            def one(name):
                return (q.get(name) or [None])[0]
            self.send_json(200, state.list_foundation_models(region, one("byProvider"), one("byOutputModality"),
                                                             one("byInferenceType"), one("byCustomizationType")))
        elif op == "GetFoundationModel":
            ident = route.params["id"]
            models = state.list_foundation_models(region)["modelSummaries"]
            for model in models:
                if ident in (model["modelId"], model["modelArn"]):
                    self.send_json(200, {"modelDetails": model})
                    return
            raise ApiError("ResourceNotFoundException", "The model %s was not found." % ident, 404)

    # ----------------------------------------------------------- runtime
    def handle_runtime(self, route, region, body, record, entry):
        state = self.emu.state
        model_id = route.params["model"]
        request = self.json_body(body)
        call = {"time": iso(datetime.now(timezone.utc), fraction=True), "operation": route.op,
                "model_id": model_id, "region": region, "access_key_id": entry["access_key_id"],
                "user": record["user"]["arn"], "session_token": bool(record.get("token")),
                "base_model": None, "answer": None, "max_tokens": None,
                "cache_points": runtime.count_cache_points(request), "http": entry.get("http", "http/1.1")}
        cw_model = state.cloudwatch_model_id(region, model_id)
        try:
            base = state.resolve_runtime_model(region, model_id)
            call["base_model"] = base
            if base is None:
                raise ApiError("ValidationException", "The provided model identifier is invalid.", 400)
            try:
                plan = runtime.plan_answer(request, self.emu.usage.prompt_cache(cw_model))
            except ApiError:
                self.emu.usage.record(cw_model, base, client_errors=1)
                raise
            call["answer"] = plan["kind"]
            call["max_tokens"] = plan["max_tokens"]
            self.emu.usage.record(cw_model, base, invocations=1, input_tokens=plan["input_tokens"],
                                  output_tokens=plan["output_tokens"],
                                  cache_read_tokens=plan.get("cache_read_tokens", 0),
                                  cache_write_tokens=plan.get("cache_write_tokens", 0))
        finally:
            self.emu.record_converse(call)
        latency = max(self.emu.latency_ms, 1)
        if route.op == "Converse":
            self.send_json(200, runtime.converse_json(plan, latency))
            return
        with self.emu.lock:
            frames = runtime.converse_stream_frames(plan, latency, self.emu.stream_rng)
        self.send_response(200)
        self.send_header("x-amzn-RequestId", self.request_id)
        self.send_header("Content-Type", "application/vnd.amazon.eventstream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.status = 200
        for frame, pause in zip(frames, runtime.stream_pauses(plan, frames)):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(frame), frame))
            if pause:
                self.wfile.flush()
                time.sleep(pause)
        self.wfile.write(b"0\r\n\r\n")

    def record_runtime_failure(self, route, region, field):
        """A throttled or failed runtime call counts in CloudWatch too."""
        if route.op not in ("Converse", "ConverseStream") or region is None:
            return
        state = self.emu.state
        base = state.resolve_runtime_model(region, route.params["model"])
        if base is not None:
            self.emu.usage.record(state.cloudwatch_model_id(region, route.params["model"]), base, **{field: 1})

    def admin_usage(self, name, query, data):
        """/__admin/usage[...]: read, inject, generate and configure usage."""
        emu = self.emu
        q = urllib.parse.parse_qs(query)

        def one(key):
            return (q.get(key) or [None])[0]
        if self.command == "GET" and name == "usage":
            self.send_json(200, emu.usage.totals(one("model_id"), one("since"), one("until")))
        elif self.command == "POST" and name == "usage/records":
            self.send_json(200, emu.usage.add_records(data.get("records") or []))
        elif self.command == "POST" and name == "usage/generate":
            self.send_json(200, emu.usage.generate(data))
        elif name == "usage/config" and self.command in ("GET", "POST"):
            self.send_json(200, emu.usage.configure(data if self.command == "POST" else {}))
        elif self.command == "POST" and name == "usage/reset":
            emu.usage.reset()
            self.send_json(200, {"ok": True})
        elif self.command == "POST" and name == "cost-tags":
            for key, status in (data or {}).items():
                emu.state.set_cost_tag_status(key, status)
            self.send_json(200, emu.state.list_cost_allocation_tags({}))
        else:
            return False
        return True

    # ------------------------------------------------------------- admin
    def admin(self, name, query, body):
        emu = self.emu
        state = emu.state
        try:
            data = json.loads(body) if body else {}
        except ValueError:
            self.send_json(400, {"message": "admin: body is not JSON"})
            return
        if name in ("usage", "cost-tags") or name.startswith("usage/"):
            try:
                if self.admin_usage(name, query, data):
                    return
            except (ValueError, KeyError, TypeError) as exc:
                self.send_json(400, {"message": "admin: %s" % exc})
                return
        if self.command == "GET" and name == "stats":
            self.send_json(200, emu.stats())
        elif self.command == "GET" and name == "state":
            q = urllib.parse.parse_qs(query)
            snap = state.snapshot(include_fillers=(q.get("fillers") or ["1"])[0] != "0")
            snap["identity_center"] = emu.identity_center.snapshot()
            self.send_json(200, snap)
        elif name.startswith("iam/"):
            self.send_json(*emu.iam.admin_endpoint(self.command, name, data))
        elif name in ("budgets/state", "alarms/state") and self.command == "GET":
            self.send_json(200, (emu.budgets if name.startswith("budgets") else emu.alarms).snapshot())
        elif name == "budgets/config" and self.command == "POST":
            self.send_json(200, emu.budgets.configure(data))
        elif name in ("budgets/evaluate", "alarms/evaluate") and self.command == "POST":
            store = emu.budgets if name.startswith("budgets") else emu.alarms
            self.send_json(200, store.evaluate(state.now().timestamp()))
        elif self.command == "POST" and name == "reset-stats":
            emu.reset_stats()
            self.send_json(200, {"ok": True})
        elif self.command == "POST" and name in ("deny", "allow"):
            user = state.find_user(data.get("user", ""))
            if user is None or not data.get("action"):
                self.send_json(404, {"message": "admin: unknown user or missing action"})
                return
            (state.deny if name == "deny" else state.allow)(user, data["action"])
            self.send_json(200, {"ok": True, "user": user["name"], "deny": sorted(user["deny"])})
        elif self.command == "POST" and name == "sso-expire":
            token = data.get("access_token")
            count = state.expire_sso(token) + emu.identity_center.expire(token, bool(data.get("refresh_tokens")))
            self.send_json(200, {"ok": True, "expired": count})
        elif self.command == "POST" and name in ("sso-approve", "sso-deny"):
            ic = emu.identity_center
            try:
                if name == "sso-approve":
                    code = ic.approve(data.get("user_code"), data.get("identity", ""))
                else:
                    code = ic.deny(data.get("user_code"))
            except KeyError as exc:
                self.send_json(404, {"message": "admin: %s" % exc.args[0]})
                return
            except ValueError as exc:
                self.send_json(400, {"message": "admin: %s" % exc})
                return
            self.send_json(200, {"ok": True, "user_code": code})
        elif self.command == "POST" and name == "expire-credentials":
            ok = state.expire_credentials(data.get("access_key_id", ""))
            self.send_json(200 if ok else 404, {"ok": ok})
        elif name == "knobs" and self.command in ("GET", "POST"):
            if self.command == "POST":
                try:
                    emu.set_knobs(data)
                except (ValueError, TypeError) as exc:
                    self.send_json(400, {"message": "admin: %s" % exc})
                    return
            self.send_json(200, emu.knobs())
        else:
            self.send_json(404, {"message": "admin: unknown endpoint %s %s" % (self.command, name)})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address, emulator, tls_context=None):
        self.emulator = emulator
        self.tls_context = tls_context
        super().__init__(address, Handler)

    def get_request(self):
        sock, addr = super().get_request()
        if self.tls_context is not None:
            # Handshake in the handler thread, not in the accept loop.
            sock = self.tls_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, TimeoutError, socket.timeout)):
            return
        super().handle_error(request, client_address)


def make_tls(tls_dir):
    """Creates (once) a throwaway CA and a server certificate for 127.0.0.1 /
    localhost in tls_dir with the openssl CLI; returns an SSLContext."""
    os.makedirs(tls_dir, exist_ok=True)
    ca_key, ca_pem = os.path.join(tls_dir, "ca.key"), os.path.join(tls_dir, "ca.pem")
    key, csr, pem = (os.path.join(tls_dir, n) for n in ("server.key", "server.csr", "server.pem"))
    ext = os.path.join(tls_dir, "server.ext")
    if not (os.path.exists(pem) and os.path.exists(ca_pem)):
        def run(*cmd):
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", ca_key, "-out", ca_pem, "-days", "3", "-subj", "/CN=clinecfg fake_aws test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", csr, "-subj", "/CN=localhost")
        with open(ext, "w") as f:
            f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                    "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n")
        run("openssl", "x509", "-req", "-in", csr, "-CA", ca_pem, "-CAkey", ca_key, "-CAcreateserial",
            "-out", pem, "-days", "3", "-extfile", ext)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pem, key)
    return context


def write_port(path, port):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, path)


def start_h2c_front(backend_port, port_file):
    """Starts h2c_front.mjs in front of the HTTP/1.1 port; returns (process,
    its port).  It exits when its stdin (held by this process) closes."""
    front_port_file = port_file + ".h2c"
    if os.path.exists(front_port_file):
        os.unlink(front_port_file)
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "h2c_front.mjs")
    proc = subprocess.Popen(["node", script, "--backend", str(backend_port), "--port-file", front_port_file],
                            stdin=subprocess.PIPE)
    deadline = time.time() + 15
    while not os.path.exists(front_port_file):
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            raise SystemExit("fake_aws: h2c_front.mjs did not start (is node installed?)")
        time.sleep(0.05)
    with open(front_port_file) as f:
        port = int(f.read().strip())
    os.unlink(front_port_file)
    return proc, port


def parse_args(argv):
    p = argparse.ArgumentParser(description="Loopback AWS emulator for clinecfg tests (see README.md).")
    p.add_argument("--seed", required=True, help="seed JSON (see README.md)")
    p.add_argument("--port-file", required=True, help="written with the port once listening")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--log", help="JSON-lines request log")
    p.add_argument("--lifetime", type=float, default=0, help="exit after this many seconds (0 = never)")
    p.add_argument("--latency-ms", type=int, default=0)
    p.add_argument("--throttle", action="append", metavar="OP=RPS", help="token bucket per operation ('*' = all)")
    p.add_argument("--fail-rate", type=float, default=0.0, help="probability of an injected 500")
    p.add_argument("--drop-rate", type=float, default=0.0, help="probability of a dropped connection")
    p.add_argument("--fail-seed", type=int, default=1)
    p.add_argument("--filler", type=int, default=None, help="override the seed's filler_profiles count")
    p.add_argument("--clock-offset", type=float, default=0.0, help="seconds added to the emulator's clock")
    p.add_argument("--tls-dir", help="also serve HTTPS; writes ca.pem and the TLS port ('port') there")
    p.add_argument("--tls-only", action="store_true", help="with --tls-dir: the main port speaks HTTPS")
    p.add_argument("--h2c", action="store_true",
                   help="the port written to --port-file also accepts cleartext HTTP/2 (node h2c_front.mjs)")
    args = p.parse_args(argv)
    for spec in args.throttle or []:
        op, sep, rate = spec.partition("=")
        try:
            ok = bool(op and sep and float(rate) > 0)
        except ValueError:
            ok = False
        if not ok:
            p.error("--throttle expects OP=RPS with RPS > 0, got %r" % spec)
    for name in ("fail_rate", "drop_rate"):
        if not 0.0 <= getattr(args, name) <= 1.0:
            p.error("--%s must be between 0 and 1" % name.replace("_", "-"))
    if args.tls_only and not args.tls_dir:
        p.error("--tls-only needs --tls-dir")
    if args.h2c and args.tls_only:
        p.error("--h2c needs the main port to speak plain HTTP (no --tls-only)")
    return args


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    with open(args.seed, encoding="utf-8") as f:
        seed = json.load(f)
    state = State(seed, rng_seed=args.fail_seed, filler_override=args.filler)
    state.clock_offset = args.clock_offset
    emulator = Emulator(state, args, identitycenter.IdentityCenter(state, seed), seed.get("usage"))
    tls = make_tls(args.tls_dir) if args.tls_dir else None
    servers = []
    main_server = Server(("127.0.0.1", args.port), emulator, tls if args.tls_only else None)
    servers.append(main_server)
    if tls is not None and not args.tls_only:
        tls_server = Server(("127.0.0.1", 0), emulator, tls)
        servers.append(tls_server)
        write_port(os.path.join(args.tls_dir, "port"), tls_server.server_address[1])
    elif tls is not None:
        write_port(os.path.join(args.tls_dir, "port"), main_server.server_address[1])
    for extra in servers[1:]:
        threading.Thread(target=extra.serve_forever, daemon=True).start()
    if args.lifetime > 0:
        def expire():
            for srv in servers:
                threading.Thread(target=srv.shutdown, daemon=True).start()
        timer = threading.Timer(args.lifetime, expire)
        timer.daemon = True
        timer.start()
    front = start_h2c_front(main_server.server_address[1], args.port_file) if args.h2c else None
    public_port = front[1] if front else main_server.server_address[1]
    write_port(args.port_file, public_port)
    print("fake_aws listening on 127.0.0.1:%d (%s)" % (public_port, "https" if args.tls_only else
                                                        "http, h2c" if front else "http"), flush=True)
    try:
        main_server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    for srv in servers:
        srv.server_close()
    if front:
        front[0].stdin.close()
        front[0].wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
