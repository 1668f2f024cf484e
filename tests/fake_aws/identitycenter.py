"""identitycenter.py - IAM Identity Center for tests/fake_aws: the SSO OIDC
service (RegisterClient, StartDeviceAuthorization, CreateToken with the
device_code and refresh_token grants) and the access portal's token side
(ListAccounts, ListAccountRoles, Logout, and the token check behind
GetRoleCredentials), after shared/reference/aws-governance.md (last section)
and aws-wire.md section 5.

Owns the user directory (identities and their account/permission-set
assignments, seed key `identity_center`), client registrations, device
authorizations with their approval state, sign-in sessions and the access
and refresh tokens minted for them, and the counters tests read.  Role
credentials themselves are minted by state.State, so they are ordinary
principals there (STS GetCallerIdentity, Bedrock SigV4).

Every public method takes the lock.  Errors are state.ApiError with the
SSO OIDC error names; OIDC errors also carry the OAuth `error` code.
"""

import hashlib
import re
import secrets
import string
import threading
import urllib.parse
from datetime import timedelta

from state import ApiError

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
REFRESH_GRANT = "refresh_token"
SLOW_DOWN_STEP = 5  # RFC 8628 section 3.5: the client adds 5 s per slow_down
ACCOUNT_RE = re.compile(r"[0-9]{12}")

# OIDC error name -> (HTTP status, OAuth error code)
OIDC_ERRORS = {
    "AccessDeniedException": (400, "access_denied"),
    "AuthorizationPendingException": (400, "authorization_pending"),
    "SlowDownException": (400, "slow_down"),
    "ExpiredTokenException": (400, "expired_token"),
    "InvalidGrantException": (400, "invalid_grant"),
    "InvalidRequestException": (400, "invalid_request"),
    "InvalidClientException": (401, "invalid_client"),
    "InvalidClientMetadataException": (400, "invalid_client_metadata"),
    "UnauthorizedClientException": (400, "unauthorized_client"),
    "UnsupportedGrantTypeException": (400, "unsupported_grant_type"),
    "InvalidScopeException": (400, "invalid_scope"),
}


def oidc_error(name, description):
    status, code = OIDC_ERRORS[name]
    return ApiError(name, description, status, {"error": code, "error_description": description})


def portal_unauthorized():
    return ApiError("UnauthorizedException", "Session token not found or invalid", 401)


def role_hash(account_id, permission_set):
    """The 16 hex digits AWS appends to AWSReservedSSO_<set>_ (stable per set)."""
    return hashlib.sha256(("%s/%s" % (account_id, permission_set)).encode()).hexdigest()[:16]


def _random(n, alphabet=string.ascii_letters + string.digits):
    return "".join(secrets.choice(alphabet) for _ in range(n))


class IdentityCenter:
    """Seed format (all optional):
    "identity_center": {"start_url": "https://example.awsapps.com/start",
      "users": [{"identity": "alice@example.com",
                 "assignments": [{"account_id": "123456789012", "account_name": "dev",
                                  "email": "aws-dev@example.com", "roles": ["BedrockDeveloper"]}]}]}
    """

    def __init__(self, state, seed):
        self.lock = threading.RLock()
        self.state = state
        spec = seed.get("identity_center") or {}
        self.start_url = spec.get("start_url")  # None = any start URL is accepted
        self.directory = {}
        for user in spec.get("users", []):
            self.directory[user["identity"]] = [dict(a) for a in user.get("assignments", [])]
        # Knobs (POST /__admin/knobs {"sso": {...}}).
        self.knobs = {"interval": 1, "device_code_ttl": 600, "access_token_ttl": 3600,
                      "session_ttl": 28800, "client_ttl": 90 * 86400, "role_credentials_ttl": 3600,
                      "rotate_refresh_tokens": True, "page_size": 20}
        self.clients = {}  # client id -> registration
        self.devices = {}  # device code -> authorization
        self.sessions = {}  # session id -> {"identity", "revoked", "expires_at"}
        self.access_tokens = {}  # access token -> {"session", "client_id", "expires_at"}
        self.refresh_tokens = {}  # refresh token -> {"session", "client_id", "used"}
        self.reset_counters()

    # ------------------------------------------------------------ helpers
    def now(self):
        return self.state.now()

    def reset_counters(self):
        with self.lock:
            self.counters = {"register_client": 0, "start_device_authorization": 0,
                             "create_token": {DEVICE_GRANT: 0, REFRESH_GRANT: 0, "other": 0},
                             "create_token_errors": {}, "tokens_issued": 0, "refreshes": 0,
                             "approvals": 0, "denials": 0, "logouts": 0, "role_credentials": 0,
                             "list_accounts_pages": 0, "list_account_roles_pages": 0}

    def snapshot_counters(self):
        with self.lock:
            out = dict(self.counters)
            out["create_token"] = dict(self.counters["create_token"])
            out["create_token_errors"] = dict(self.counters["create_token_errors"])
            return out

    def set_knobs(self, data):
        with self.lock:
            for key, value in (data or {}).items():
                if key not in self.knobs:
                    raise ValueError("unknown sso knob %r" % key)
                self.knobs[key] = bool(value) if key == "rotate_refresh_tokens" else int(value)

    def get_knobs(self):
        with self.lock:
            return dict(self.knobs)

    def _count_error(self, err):
        errs = self.counters["create_token_errors"]
        errs[err.name] = errs.get(err.name, 0) + 1
        return err

    def _client(self, body):
        client_id, secret = body.get("clientId"), body.get("clientSecret")
        client = self.clients.get(client_id) if isinstance(client_id, str) else None
        if client is None or not isinstance(secret, str) or not secrets.compare_digest(client["secret"], secret):
            raise oidc_error("InvalidClientException", "Invalid client provided")
        if client["expires_at"] <= self.now():
            raise oidc_error("InvalidClientException", "Client registration has expired")
        return client

    # --------------------------------------------------------------- OIDC
    def register_client(self, body):
        with self.lock:
            self.counters["register_client"] += 1
            name, ctype = body.get("clientName"), body.get("clientType")
            if not isinstance(name, str) or not name:
                raise oidc_error("InvalidRequestException", "clientName is required")
            if ctype != "public":
                raise oidc_error("InvalidClientMetadataException", "clientType must be public")
            scopes = body.get("scopes") or []
            grants = body.get("grantTypes")
            if not isinstance(scopes, list) or (grants is not None and not isinstance(grants, list)):
                raise oidc_error("InvalidRequestException", "scopes and grantTypes must be lists")
            for scope in scopes:
                if not isinstance(scope, str) or not re.fullmatch(r"sso:account:access|openid|[a-z:_.-]+", scope):
                    raise oidc_error("InvalidScopeException", "Invalid scope requested")
            issued = self.now().replace(microsecond=0)
            client_id = _random(22, string.ascii_letters + string.digits + "-_")
            client = {"secret": "eyJraWQiOiJrZXktMTU2" + _random(300), "name": name, "scopes": list(scopes),
                      "grants": list(grants) if grants is not None else None, "issued_at": issued,
                      "expires_at": issued + timedelta(seconds=self.knobs["client_ttl"])}
            self.clients[client_id] = client
            return {"clientId": client_id, "clientSecret": client["secret"],
                    "clientIdIssuedAt": int(issued.timestamp()),
                    "clientSecretExpiresAt": int(client["expires_at"].timestamp())}

    def start_device_authorization(self, body, region):
        with self.lock:
            self.counters["start_device_authorization"] += 1
            client = self._client(body)
            start_url = body.get("startUrl")
            parsed = urllib.parse.urlparse(start_url) if isinstance(start_url, str) else None
            if not parsed or parsed.scheme not in ("https", "http") or not parsed.netloc:
                raise oidc_error("InvalidRequestException", "startUrl must be an https URL")
            if self.start_url and start_url.rstrip("/") != self.start_url.rstrip("/"):
                raise oidc_error("InvalidRequestException", "Invalid start URL")
            device_code = _random(64, string.ascii_letters + string.digits + "-_")
            user_code = _random(4, string.ascii_uppercase) + "-" + _random(4, string.ascii_uppercase)
            now = self.now()
            self.devices[device_code] = {
                "client": client, "user_code": user_code, "start_url": start_url,
                "expires_at": now + timedelta(seconds=self.knobs["device_code_ttl"]),
                "interval": self.knobs["interval"], "last_poll": None, "status": "pending",
                "identity": None}
            uri = "https://device.sso.%s.amazonaws.com/" % region
            return {"deviceCode": device_code, "userCode": user_code, "verificationUri": uri,
                    "verificationUriComplete": uri + "?user_code=" + user_code,
                    "expiresIn": self.knobs["device_code_ttl"], "interval": self.knobs["interval"]}

    def create_token(self, body):
        with self.lock:
            grant = body.get("grantType")
            key = grant if grant in (DEVICE_GRANT, REFRESH_GRANT) else "other"
            self.counters["create_token"][key] += 1
            try:
                client = self._client(body)
                if grant == DEVICE_GRANT:
                    return self._device_grant(client, body)
                if grant == REFRESH_GRANT:
                    return self._refresh_grant(client, body)
                raise oidc_error("UnsupportedGrantTypeException", "Unsupported grant type: %s" % grant)
            except ApiError as err:
                raise self._count_error(err)

    def _device_grant(self, client, body):
        device = self.devices.get(body.get("deviceCode") or "")
        if device is None or device["client"] is not client:
            raise oidc_error("InvalidGrantException", "Invalid device code provided")
        now = self.now()
        if device["expires_at"] <= now:
            raise oidc_error("ExpiredTokenException", "Device code has expired")
        if device["status"] == "denied":
            raise oidc_error("AccessDeniedException", "Authorization was denied")
        if device["status"] == "used":
            raise oidc_error("InvalidGrantException", "Device code has already been used")
        if device["status"] == "pending":
            last, device["last_poll"] = device["last_poll"], now
            if last is not None and (now - last).total_seconds() < device["interval"]:
                device["interval"] += SLOW_DOWN_STEP
                raise oidc_error("SlowDownException", "Client is polling too fast")
            raise oidc_error("AuthorizationPendingException", "Authorization is still pending")
        device["status"] = "used"
        session = "s-" + _random(16)
        self.sessions[session] = {"identity": device["identity"], "revoked": False, "start_url": device["start_url"],
                                  "expires_at": now + timedelta(seconds=self.knobs["session_ttl"])}
        return self._issue(client, session)

    def _refresh_grant(self, client, body):
        if client["grants"] is not None and REFRESH_GRANT not in client["grants"]:
            raise oidc_error("UnauthorizedClientException", "Client is not registered for the refresh_token grant")
        token = self.refresh_tokens.get(body.get("refreshToken") or "")
        if token is None or token["client_id"] != id(client) or token["used"]:
            raise oidc_error("InvalidGrantException", "Invalid refresh token provided")
        session = self.sessions[token["session"]]
        if session["revoked"] or session["expires_at"] <= self.now():
            raise oidc_error("InvalidGrantException", "Invalid refresh token provided")
        self.counters["refreshes"] += 1
        if self.knobs["rotate_refresh_tokens"]:
            token["used"] = True
        return self._issue(client, token["session"], reuse_refresh=None if self.knobs["rotate_refresh_tokens"]
                           else body["refreshToken"])

    def _issue(self, client, session, reuse_refresh=None):
        now = self.now().replace(microsecond=0)
        access = "aoa" + _random(200)
        ttl = self.knobs["access_token_ttl"]
        self.access_tokens[access] = {"session": session, "client_id": id(client),
                                      "expires_at": now + timedelta(seconds=ttl)}
        self.counters["tokens_issued"] += 1
        out = {"accessToken": access, "tokenType": "Bearer", "expiresIn": ttl}
        # Refresh tokens only for clients registered with scopes (sso-session style).
        if client["scopes"] and (client["grants"] is None or REFRESH_GRANT in client["grants"]):
            refresh = reuse_refresh or "aorAAAAAG" + _random(300)
            self.refresh_tokens[refresh] = {"session": session, "client_id": id(client), "used": False}
            out["refreshToken"] = refresh
        return out

    # ------------------------------------------------------------- admin
    def _pending_device(self, user_code):
        live = [d for d in self.devices.values() if d["status"] == "pending" and d["expires_at"] > self.now()]
        if user_code:
            for device in self.devices.values():
                if device["user_code"] == user_code:
                    return device
            raise KeyError("no device authorization with user code %s" % user_code)
        if len(live) != 1:
            raise KeyError("%d pending device authorizations; pass user_code" % len(live))
        return live[0]

    def approve(self, user_code, identity):
        with self.lock:
            if identity not in self.directory:
                raise ValueError("identity %r is not in the identity_center directory" % identity)
            device = self._pending_device(user_code)
            if device["status"] != "pending":
                raise ValueError("device authorization is %s" % device["status"])
            device["status"], device["identity"] = "approved", identity
            self.counters["approvals"] += 1
            return device["user_code"]

    def deny(self, user_code):
        with self.lock:
            device = self._pending_device(user_code)
            device["status"] = "denied"
            self.counters["denials"] += 1
            return device["user_code"]

    def expire(self, access_token=None, refresh_tokens=False):
        """Expires one access token (or all); with refresh_tokens also their sessions."""
        with self.lock:
            count = 0
            past = self.now() - timedelta(seconds=1)
            for token, rec in self.access_tokens.items():
                if access_token is None or token == access_token:
                    rec["expires_at"] = past
                    if refresh_tokens:
                        self.sessions[rec["session"]]["expires_at"] = past
                    count += 1
            return count

    def snapshot(self):
        with self.lock:
            now = self.now()
            return {"start_url": self.start_url, "identities": sorted(self.directory),
                    "clients": len(self.clients),
                    "pending_user_codes": [d["user_code"] for d in self.devices.values()
                                           if d["status"] == "pending" and d["expires_at"] > now],
                    "sessions": [{"identity": s["identity"], "revoked": s["revoked"],
                                  "expired": s["expires_at"] <= now} for s in self.sessions.values()],
                    "knobs": dict(self.knobs)}

    # ------------------------------------------------------------- portal
    def _session_for(self, access_token):
        """The identity behind a live access token, or None (seeded tokens are not ours)."""
        rec = self.access_tokens.get(access_token or "")
        if rec is None:
            return None
        session = self.sessions[rec["session"]]
        if session["revoked"] or rec["expires_at"] <= self.now():
            raise portal_unauthorized()
        return session

    def is_ours(self, access_token):
        with self.lock:
            return (access_token or "") in self.access_tokens

    def assignments(self, access_token):
        """[(account dict, [role names])] for a live token of ours, else raises."""
        with self.lock:
            session = self._session_for(access_token)
            if session is None:
                raise portal_unauthorized()
            return self.directory.get(session["identity"], []), session["identity"]

    def role_arn(self, access_token, account_id, role_name):
        """The assumed-role ARN GetRoleCredentials' credentials act as."""
        assignments, identity = self.assignments(access_token)
        for item in assignments:
            if item["account_id"] == account_id and role_name in item.get("roles", []):
                with self.lock:
                    self.counters["role_credentials"] += 1
                    ttl = self.knobs["role_credentials_ttl"]
                return ("arn:aws:sts::%s:assumed-role/AWSReservedSSO_%s_%s/%s"
                        % (account_id, role_name, role_hash(account_id, role_name), identity)), ttl
        raise ApiError("ForbiddenException", "No access", 403)

    def _page(self, items, query, counter):
        def one(name):
            return (query.get(name) or [None])[0]
        size = self.knobs["page_size"]
        if one("max_result") is not None:
            try:
                size = int(one("max_result"))
            except ValueError:
                size = 0
            if not 1 <= size <= 100:
                raise ApiError("InvalidRequestException", "max_result must be between 1 and 100", 400)
        start = 0
        if one("next_token"):
            try:
                start = int(one("next_token").rpartition(".")[2])
            except ValueError:
                start = -1
            if not one("next_token").startswith("page.") or not 0 < start < len(items):
                raise ApiError("InvalidRequestException", "Invalid next_token", 400)
        with self.lock:
            self.counters[counter] += 1
        page = items[start:start + size]
        token = "page.%d" % (start + size) if start + size < len(items) else None
        return page, token

    def list_accounts(self, assignments, query):
        items = [{"accountId": a["account_id"], "accountName": a.get("account_name", a["account_id"]),
                  "emailAddress": a.get("email", "aws+%s@example.com" % a["account_id"])} for a in assignments]
        page, token = self._page(items, query, "list_accounts_pages")
        out = {"accountList": page}
        if token:
            out["nextToken"] = token
        return out

    def list_account_roles(self, assignments, query):
        account = (query.get("account_id") or [None])[0]
        if not account or not ACCOUNT_RE.fullmatch(account):
            raise ApiError("InvalidRequestException", "account_id is required (12 digits)", 400)
        items = [{"roleName": r, "accountId": account}
                 for a in assignments if a["account_id"] == account for r in a.get("roles", [])]
        page, token = self._page(items, query, "list_account_roles_pages")
        out = {"roleList": page}
        if token:
            out["nextToken"] = token
        return out

    def logout(self, access_token):
        """Ends the sign-in session: every access and refresh token of it stops working."""
        with self.lock:
            session = self._session_for(access_token)
            if session is None:
                return False
            session["revoked"] = True
            self.counters["logouts"] += 1
            return True
