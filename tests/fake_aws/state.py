"""state.py - the emulated AWS account behind tests/fake_aws/server.py.  Owns
the seed file format, credentials (long-term keys, STS session credentials,
SSO role credentials, also those identitycenter.py hands out), identities, and the Bedrock control-plane state and
rules: system-defined and application inference profiles, tags, foundation
models, paging, validation and idempotency, as described in
shared/reference/aws-wire.md sections 1-5.

Every public method takes the State lock; the HTTP layer never touches the
dicts directly.  Operations raise ApiError(name, message, status) with the
error names and HTTP statuses of the wire reference.
"""

import base64
import copy
import fnmatch
import hashlib
import json
import random
import re
import secrets
import string
import threading
from datetime import datetime, timedelta, timezone


class ApiError(Exception):
    def __init__(self, name, message, status, extra=None):
        super().__init__(message)
        self.name = name
        self.message = message
        self.status = status
        self.extra = extra or {}


def validation(message):
    return ApiError("ValidationException", message, 400)


def iso(dt, fraction=False):
    if fraction:
        return dt.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


# Patterns from aws-wire.md section 3 (anchored).
NAME_RE = re.compile(r"([0-9a-zA-Z][ _-]?)+")
DESCRIPTION_RE = re.compile(r"([0-9a-zA-Z:.][ _-]?)+")
TOKEN_RE = re.compile(r"[a-zA-Z0-9]([-a-zA-Z0-9]{0,254}[a-zA-Z0-9])?")
TAG_RE = re.compile(r"[a-zA-Z0-9\s._:/=+@-]*")
COPY_FROM_RE = re.compile(r"arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):"
                          r"(inference-profile|foundation-model)/([a-zA-Z0-9-:.]+)")
IDENTIFIER_RE = re.compile(r"(arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):"
                           r"(inference-profile|application-inference-profile)/)?[a-zA-Z0-9-:.]+")
PROFILE_ARN_RE = re.compile(r"arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:([0-9a-z-]{0,20}):([0-9]{12}):"
                            r"(inference-profile|application-inference-profile)/([a-zA-Z0-9-:.]+)")
FM_ARN_RE = re.compile(r"arn:aws(-[^:]+)?:bedrock:([a-z0-9-]{1,20})::foundation-model/(.+)")
REGION_RE = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")
NEXT_TOKEN_RE = re.compile(r"\S*")

MAX_TAGS_PER_RESOURCE = 50


def _constraint(value, member, constraint):
    return validation("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s"
                      % (value, member, constraint))


def _user_id_for(arn, account):
    digest = hashlib.sha1(arn.encode()).hexdigest().upper()
    tail = "".join(c if c.isalpha() else chr(ord("A") + int(c)) for c in digest)[:17]
    if ":user/" in arn:
        return "AIDA" + tail
    match = re.search(r":assumed-role/[^/]+/(.+)$", arn)
    if match:
        return "AROA" + tail + ":" + match.group(1)
    match = re.search(r":federated-user/(.+)$", arn)
    if match:
        return account + ":" + match.group(1)
    return account


TEAMS = ["platform", "data", "mobile", "web", "infra", "ml", "search", "payments", "growth", "security",
         "sre", "design", "qa", "support", "analytics"]
MEMBERS = ["kenji", "yuki", "haruto", "sakura", "ren", "aoi", "sota", "mei", "daiki", "hina", "liam", "olivia",
           "noah", "emma", "mateo", "sofia", "arjun", "priya", "chen", "wei", "fatima", "omar", "lucas", "ana",
           "jonas", "lea", "ivan", "olga", "kofi", "amara"]


class State:
    def __init__(self, seed, rng_seed=0, filler_override=None):
        self.lock = threading.RLock()
        self.rng = random.Random(rng_seed)
        self.account = seed.get("account", "123456789012")
        self.default_region = seed.get("region", "ap-northeast-1")
        self.regions = seed.get("regions")  # None = any well-formed region
        self.users = []
        self.credentials = {}  # access key id -> {"secret","token","expires_at","user","kind"}
        self.clock_offset = 0.0
        for user in seed.get("users", []):
            self._add_user(user)
        self.sso = []
        for entry in seed.get("sso", []):
            self._add_sso(entry)
        self.foundation_models = [self._fm(m) for m in seed.get("foundation_models", [])]
        self.system_profiles = [self._system(p) for p in seed.get("system_profiles", [])]
        for prof in self.system_profiles:  # models a system profile routes to exist in those regions
            if not any(m["id"] == prof["model"] for m in self.foundation_models):
                self.foundation_models.append(self._fm({"id": prof["model"], "regions": prof["regions"]}))
        self.cost_allocation_tags = seed.get("cost_allocation_tags", [])
        self.profile_quota = seed.get("application_profile_quota")  # None = unlimited
        self.app_profiles = []  # insertion order = list order
        self._by_id = {}  # (region, id) -> profile
        self._by_name = {}  # (region, name) -> profile
        self._by_arn = {}  # arn -> profile
        self._by_pid = {}  # id -> profile (ids are unique across regions)
        self._ids_ever = set()
        self.tokens = {}  # (region, clientRequestToken) -> profile id
        filler = seed.get("filler_profiles", 0) if filler_override is None else filler_override
        if isinstance(filler, dict):
            self._add_fillers(int(filler.get("count", 0)), filler.get("region", self.default_region))
        else:
            self._add_fillers(int(filler), self.default_region)
        for prof in seed.get("application_profiles", []):
            self._seed_app_profile(prof)

    # ----------------------------------------------------------------- clock
    def now(self):
        return datetime.now(timezone.utc) + timedelta(seconds=self.clock_offset)

    # ----------------------------------------------------------- identities
    def _add_user(self, user):
        user = dict(user)
        user.setdefault("name", user["arn"].rsplit("/", 1)[-1])
        user["deny"] = set(user.get("deny", []))
        user.setdefault("user_id", _user_id_for(user["arn"], self.account))
        user.setdefault("account", self.account)
        self.users.append(user)
        expires = None
        if user.get("expiration"):
            expires = datetime.fromisoformat(user["expiration"].replace("Z", "+00:00"))
        self.credentials[user["access_key_id"]] = {
            "secret": user["secret_access_key"], "token": user.get("session_token"), "expires_at": expires,
            "user": user, "kind": "session" if user.get("session_token") else "long-term",
            "force_expired": bool(user.get("expired")),
        }

    def _add_sso(self, entry):
        entry = dict(entry)
        roles = entry.get("roles") or [{"account_id": entry.get("account_id", self.account),
                                         "role_name": entry["role_name"], "arn": entry["arn"]}]
        entry["roles"] = roles
        expires_in = entry.get("expires_in", 3600)
        entry["expires_at"] = datetime.now(timezone.utc) + timedelta(seconds=expires_in)
        self.sso.append(entry)

    def find_user(self, name_or_key):
        with self.lock:
            for user in self.users:
                if name_or_key in (user["name"], user["access_key_id"], user["arn"]):
                    return user
            return None

    def lookup_key(self, access_key_id):
        """For sigv4_verify: the credential record, or None when unknown."""
        with self.lock:
            cred = self.credentials.get(access_key_id)
            if cred is None:
                return None
            expired = cred["force_expired"] or (cred["expires_at"] is not None and cred["expires_at"] <= self.now())
            return {"secret": cred["secret"], "token": cred["token"], "expired": expired,
                    "user": cred["user"], "kind": cred["kind"], "access_key_id": access_key_id}

    def is_denied(self, user, action):
        with self.lock:
            return any(fnmatch.fnmatchcase(action, pattern) for pattern in user["deny"])

    def deny(self, user, action):
        with self.lock:
            user["deny"].add(action)

    def allow(self, user, action):
        with self.lock:
            user["deny"].discard(action)

    def expire_credentials(self, access_key_id):
        with self.lock:
            cred = self.credentials.get(access_key_id)
            if cred is None:
                return False
            cred["force_expired"] = True
            return True

    def valid_region(self, region):
        if not REGION_RE.fullmatch(region or ""):
            return False
        return self.regions is None or region in self.regions

    def _new_temporary(self, user, lifetime, kind):
        akid = "ASIA" + "".join(self.rng.choice(string.ascii_uppercase + string.digits) for _ in range(16))
        secret = "".join(self.rng.choice(string.ascii_letters + string.digits + "/+") for _ in range(40))
        token = "IQoJb3JpZ2luX2VjE" + base64.b64encode(secrets.token_bytes(180)).decode()
        expires = self.now().replace(microsecond=0) + timedelta(seconds=lifetime)
        self.credentials[akid] = {"secret": secret, "token": token, "expires_at": expires, "user": user,
                                  "kind": kind, "force_expired": False}
        return akid, secret, token, expires

    def get_session_token(self, cred_record, duration):
        with self.lock:
            user = cred_record["user"]
            if cred_record["kind"] != "long-term" or ":user/" not in user["arn"] and not user["arn"].endswith(":root"):
                raise ApiError("AccessDenied", "Cannot call GetSessionToken with session credentials", 403)
            if duration is None:
                duration = 43200
            if duration < 900:
                raise ApiError("ValidationError", "1 validation error detected: Value '%d' at 'durationSeconds' "
                               "failed to satisfy constraint: Member must have value greater than or equal to 900"
                               % duration, 400)
            if duration > 129600:
                raise ApiError("ValidationError", "1 validation error detected: Value '%d' at 'durationSeconds' "
                               "failed to satisfy constraint: Member must have value less than or equal to 129600"
                               % duration, 400)
            if user["arn"].endswith(":root"):
                duration = min(duration, 3600)
            return self._new_temporary(user, duration, "session")

    def sso_role_credentials(self, access_token, role_name, account_id):
        """Returns (akid, secret, token, expires) or raises ApiError."""
        with self.lock:
            for entry in self.sso:
                if entry["access_token"] != access_token:
                    continue
                if entry.get("expired") or entry["expires_at"] <= datetime.now(timezone.utc):
                    break
                for role in entry["roles"]:
                    if role["role_name"] == role_name and role["account_id"] == account_id:
                        user = self._sso_user(role)
                        return self._new_temporary(user, 3600, "sso")
                raise ApiError("ForbiddenException", "No access", 403)
            raise ApiError("UnauthorizedException", "Session token not found or invalid", 401)

    def sso_mint(self, arn, account_id, lifetime):
        """Role credentials for an Identity Center sign-in (identitycenter.py):
        a new temporary key acting as the assumed-role ARN."""
        with self.lock:
            return self._new_temporary(self._sso_user({"arn": arn, "account_id": account_id}), lifetime, "sso")

    def _seeded_sso(self, access_token):
        for entry in self.sso:
            if entry["access_token"] == access_token:
                if entry.get("expired") or entry["expires_at"] <= datetime.now(timezone.utc):
                    break
                return entry
        raise ApiError("UnauthorizedException", "Session token not found or invalid", 401)

    def sso_assignments(self, access_token):
        """A seeded token's roles in identitycenter's assignment shape."""
        with self.lock:
            entry = self._seeded_sso(access_token)
            accounts = {}
            for role in entry["roles"]:
                item = accounts.setdefault(role["account_id"], {"account_id": role["account_id"], "roles": []})
                item["roles"].append(role["role_name"])
            return list(accounts.values())

    def sso_logout(self, access_token):
        with self.lock:
            self._seeded_sso(access_token)["expired"] = True

    def _sso_user(self, role):
        for user in self.users:
            if user["arn"] == role["arn"]:
                return user
        user = {"name": role["arn"].rsplit("/", 1)[-1], "arn": role["arn"], "deny": set(role.get("deny", [])),
                "user_id": _user_id_for(role["arn"], role["account_id"]), "account": role["account_id"],
                "access_key_id": None, "sso_role": True}
        self.users.append(user)
        return user

    def expire_sso(self, access_token=None):
        with self.lock:
            count = 0
            for entry in self.sso:
                if access_token is None or entry["access_token"] == access_token:
                    entry["expired"] = True
                    count += 1
            return count

    # ------------------------------------------------------------- models
    def _fm(self, spec):
        model_id = spec["id"] if "id" in spec else spec["model_id"]
        provider = spec.get("provider") or model_id.split(".")[0].capitalize()
        return {
            "id": model_id, "name": spec.get("name", model_id), "provider": provider,
            "regions": spec.get("regions"),  # None = every region
            "input": spec.get("input_modalities", ["TEXT", "IMAGE"]),
            "output": spec.get("output_modalities", ["TEXT"]),
            "streaming": spec.get("streaming", True),
            "customizations": spec.get("customizations", []),
            "inference_types": spec.get("inference_types", ["INFERENCE_PROFILE"]),
            "lifecycle": spec.get("lifecycle", "ACTIVE"),
            "prompt_cache": spec.get("prompt_cache", False),
        }

    def _system(self, spec):
        regions = list(spec["regions"])
        source = spec.get("source_regions") or ([spec["source_region"]] if spec.get("source_region") else regions)
        return {"id": spec["id"], "model": spec["model"], "regions": regions, "source_regions": list(source),
                "name": spec.get("name") or self._system_name(spec["id"]),
                "description": spec.get("description") or "Routes requests to %s in %s." % (
                    spec["model"], ", ".join(regions)),
                "created": spec.get("created_at", "2025-09-29T00:00:00Z")}

    @staticmethod
    def _system_name(profile_id):
        geo, _, rest = profile_id.partition(".")
        return "%s %s" % (geo.upper(), rest.split(":")[0])

    def fm_arn(self, region, model_id):
        return "arn:aws:bedrock:%s::foundation-model/%s" % (region, model_id)

    def _fm_available(self, model_id, region):
        return any(m["id"] == model_id and (m["regions"] is None or region in m["regions"])
                   for m in self.foundation_models)

    def list_foundation_models(self, region, by_provider=None, by_output=None, by_inference=None,
                               by_customization=None):
        with self.lock:
            if by_provider is not None and not re.fullmatch(r"[A-Za-z0-9- ]{1,63}", by_provider):
                raise _constraint(by_provider, "byProvider", "Member must satisfy regular expression pattern: "
                                  "[A-Za-z0-9- ]{1,63}")
            out = []
            for m in self.foundation_models:
                if m["regions"] is not None and region not in m["regions"]:
                    continue
                if by_provider and m["provider"].lower() != by_provider.lower():
                    continue
                if by_output and by_output not in m["output"]:
                    continue
                if by_inference and by_inference not in m["inference_types"]:
                    continue
                if by_customization and by_customization not in m["customizations"]:
                    continue
                out.append({
                    "modelArn": self.fm_arn(region, m["id"]), "modelId": m["id"], "modelName": m["name"],
                    "providerName": m["provider"], "inputModalities": m["input"], "outputModalities": m["output"],
                    "responseStreamingSupported": m["streaming"], "customizationsSupported": m["customizations"],
                    "inferenceTypesSupported": m["inference_types"], "modelLifecycle": {"status": m["lifecycle"]},
                })
            return {"modelSummaries": out}

    # ----------------------------------------------------------- profiles
    def _system_view(self, prof, region):
        return {
            "inferenceProfileName": prof["name"], "description": prof["description"],
            "createdAt": prof["created"], "updatedAt": prof["created"],
            "inferenceProfileArn": "arn:aws:bedrock:%s:%s:inference-profile/%s" % (region, self.account, prof["id"]),
            "models": [{"modelArn": self.fm_arn(r, prof["model"])} for r in prof["regions"]],
            "inferenceProfileId": prof["id"], "status": "ACTIVE", "type": "SYSTEM_DEFINED",
        }

    @staticmethod
    def _app_view(prof, region=None):
        view = {
            "inferenceProfileName": prof["name"], "createdAt": prof["created"], "updatedAt": prof["updated"],
            "inferenceProfileArn": prof["arn"], "models": [{"modelArn": a} for a in prof["models"]],
            "inferenceProfileId": prof["id"], "status": "ACTIVE", "type": "APPLICATION",
        }
        if prof.get("description"):
            view["description"] = prof["description"]
        return view

    def _new_profile_id(self):
        alphabet = string.ascii_lowercase + string.digits
        while True:
            pid = "".join(self.rng.choice(alphabet) for _ in range(12))
            if pid not in self._ids_ever:  # ids are never reused, even after a delete
                return pid

    def _systems_in(self, region):
        return [p for p in self.system_profiles if region in p["source_regions"]]

    def _resolve_source(self, copy_from, region):
        """Model ARNs an application profile copied from copy_from gets."""
        match = COPY_FROM_RE.fullmatch(copy_from)
        if not match:
            raise _constraint(copy_from, "modelSource.copyFrom",
                              "Member must satisfy regular expression pattern: " + COPY_FROM_RE.pattern)
        _, src_region, src_account, kind, ident = match.groups()
        if kind == "foundation-model":
            if src_account or src_region != region or not self._fm_available(ident, region):
                raise ApiError("ResourceNotFoundException",
                               "The model %s does not exist in region %s." % (copy_from, region), 404)
            return [self.fm_arn(region, ident)]
        if src_region != region or src_account not in ("", self.account):
            raise ApiError("ResourceNotFoundException",
                           "Inference profile %s not found." % copy_from, 404)
        for prof in self._systems_in(region):
            if prof["id"] == ident:
                return [self.fm_arn(r, prof["model"]) for r in prof["regions"]]
        raise ApiError("ResourceNotFoundException", "Inference profile %s not found." % copy_from, 404)

    @staticmethod
    def _validate_tags(tags, member="tags"):
        if not isinstance(tags, list):
            raise validation("Invalid type for %s: expected a list" % member)
        if len(tags) > 200:
            raise _constraint("[...]", member, "Member must have length less than or equal to 200")
        seen = set()
        for i, tag in enumerate(tags):
            if not isinstance(tag, dict) or not isinstance(tag.get("key"), str) or not isinstance(tag.get("value"), str):
                raise validation("Invalid tag at %s.%d: key and value are required strings" % (member, i + 1))
            key, value = tag["key"], tag["value"]
            if not 1 <= len(key) <= 128:
                raise _constraint(key, "%s.%d.member.key" % (member, i + 1),
                                  "Member must have length between 1 and 128")
            if not TAG_RE.fullmatch(key):
                raise _constraint(key, "%s.%d.member.key" % (member, i + 1),
                                  "Member must satisfy regular expression pattern: ^[a-zA-Z0-9\\s._:/=+@-]*$")
            if len(value) > 256:
                raise _constraint(value, "%s.%d.member.value" % (member, i + 1),
                                  "Member must have length less than or equal to 256")
            if not TAG_RE.fullmatch(value):
                raise _constraint(value, "%s.%d.member.value" % (member, i + 1),
                                  "Member must satisfy regular expression pattern: ^[a-zA-Z0-9\\s._:/=+@-]*$")
            if key.lower().startswith("aws:"):
                raise validation("Tag keys starting with 'aws:' are reserved for AWS use.")
            if key in seen:
                raise validation("Duplicate tag key '%s' in request." % key)
            seen.add(key)

    def _insert_app_profile(self, region, name, models, tags, description=None, created=None, owner="created"):
        pid = self._new_profile_id()
        stamp = created or iso(self.now(), fraction=True)
        prof = {"id": pid, "name": name, "region": region, "description": description,
                "arn": "arn:aws:bedrock:%s:%s:application-inference-profile/%s" % (region, self.account, pid),
                "models": models, "tags": dict((t["key"], t["value"]) for t in tags), "created": stamp,
                "updated": stamp, "owner": owner}
        self.app_profiles.append(prof)
        self._index(prof)
        return prof

    def _index(self, prof):
        self._ids_ever.add(prof["id"])
        self._by_id[(prof["region"], prof["id"])] = prof
        self._by_name[(prof["region"], prof["name"])] = prof
        self._by_arn[prof["arn"]] = prof
        self._by_pid[prof["id"]] = prof

    def _unindex(self, prof):
        self._by_id.pop((prof["region"], prof["id"]), None)
        self._by_name.pop((prof["region"], prof["name"]), None)
        self._by_arn.pop(prof["arn"], None)
        self._by_pid.pop(prof["id"], None)

    def _add_fillers(self, count, region):
        systems = self._systems_in(region)
        sources = [self.fm_arn(r, p["model"]) for p in systems[:1] for r in p["regions"]]
        base = datetime(2025, 10, 1, tzinfo=timezone.utc)
        for i in range(count):
            team = self.rng.choice(TEAMS)
            member = "%s%d" % (self.rng.choice(MEMBERS), i)
            style = i % 10
            if style < 7:
                name = "%s-bedrock-%s" % (team, member)
            elif style == 7:
                name = "%s_%s_claude" % (member, team)
            elif style == 8:
                name = "%s %s sonnet" % (team, member)
            else:
                name = "bedrock-%s" % member
            tags = [{"key": "Team", "value": team}, {"key": "MemberName", "value": member}]
            if i % 3 == 0:
                tags.append({"key": "CostCenter", "value": "cc-%04d" % self.rng.randrange(10000)})
            created = iso(base + timedelta(minutes=37 * i))
            models = list(sources) if sources else [self.fm_arn(region, "anthropic.claude-3-haiku-20240307-v1:0")]
            self._insert_app_profile(region, name, models, tags, created=created, owner="filler")

    def _seed_app_profile(self, spec):
        region = spec.get("region", self.default_region)
        models = self._resolve_source(spec["copy_from"], region)
        tags = [{"key": k, "value": v} for k, v in spec.get("tags", {}).items()]
        # "unchecked_tags": hostile values AWS itself would refuse (report escaping tests)
        if not spec.get("unchecked_tags"):
            self._validate_tags(tags)
        prof = self._insert_app_profile(region, spec["name"], models, tags, spec.get("description"),
                                        created=spec.get("created_at"), owner="seed")
        if spec.get("id"):
            self._unindex(prof)
            prof["id"] = spec["id"]
            prof["arn"] = prof["arn"].rsplit("/", 1)[0] + "/" + spec["id"]
            self._index(prof)

    def _find_app(self, region, name=None, pid=None, arn=None):
        if name is not None:
            return self._by_name.get((region, name))
        if pid is not None:
            return self._by_id.get((region, pid))
        prof = self._by_arn.get(arn)
        return prof if prof is not None and prof["region"] == region else None

    def list_profiles(self, region, type_equals=None, max_results=None, next_token=None):
        with self.lock:
            if type_equals is None:
                type_equals = "SYSTEM_DEFINED"
            if type_equals not in ("SYSTEM_DEFINED", "APPLICATION"):
                raise _constraint(type_equals, "typeEquals",
                                  "Member must satisfy enum value set: [SYSTEM_DEFINED, APPLICATION]")
            if max_results is None:
                limit = 100
            else:
                try:
                    limit = int(max_results)
                except ValueError:
                    raise validation("Value '%s' at 'maxResults' failed to satisfy constraint: Member must be "
                                     "an integer" % max_results)
                if not 1 <= limit <= 1000:
                    raise _constraint(max_results, "maxResults",
                                      "Member must have value %s" % ("greater than or equal to 1" if limit < 1
                                                                     else "less than or equal to 1000"))
            offset = 0
            if next_token is not None:
                offset = self._decode_token(next_token, type_equals, region)
            if type_equals == "SYSTEM_DEFINED":
                items = self._systems_in(region)
                view = self._system_view
            else:
                items = [p for p in self.app_profiles if p["region"] == region]
                view = self._app_view
            page = [view(p, region) for p in items[offset:offset + limit]]
            out = {"inferenceProfileSummaries": page}
            if offset + limit < len(items):
                out["nextToken"] = self._encode_token(offset + limit, type_equals, region)
            return out

    @staticmethod
    def _encode_token(offset, type_equals, region):
        raw = json.dumps({"o": offset, "t": type_equals, "r": region}, separators=(",", ":")).encode()
        return base64.b64encode(raw).decode()  # '+', '/' and '=' on purpose: clients must encode them

    @staticmethod
    def _decode_token(token, type_equals, region):
        if not 1 <= len(token) <= 2048 or not NEXT_TOKEN_RE.fullmatch(token):
            raise _constraint(token, "nextToken", "Member must satisfy regular expression pattern: ^\\S*$")
        try:
            data = json.loads(base64.b64decode(token, validate=True))
            if data["t"] != type_equals or data["r"] != region or int(data["o"]) < 0:
                raise ValueError
            return int(data["o"])
        except (ValueError, KeyError, TypeError):
            raise validation("The pagination token is invalid or does not match the request parameters.")

    def _parse_identifier(self, identifier, region):
        """Returns ('system', prof) or ('app', prof); raises ApiError."""
        if not 1 <= len(identifier) <= 2048 or not IDENTIFIER_RE.fullmatch(identifier):
            raise _constraint(identifier, "inferenceProfileIdentifier",
                              "Member must satisfy regular expression pattern: " + IDENTIFIER_RE.pattern)
        match = PROFILE_ARN_RE.fullmatch(identifier)
        if identifier.startswith("arn:"):
            if not match or match.group(2) != region or match.group(3) != self.account:
                raise ApiError("ResourceNotFoundException", "Inference profile %s not found." % identifier, 404)
            kind, ident = match.group(4), match.group(5)
        else:
            kind, ident = None, identifier
        if kind in (None, "application-inference-profile"):
            prof = self._find_app(region, pid=ident)
            if prof:
                return "app", prof
        if kind in (None, "inference-profile"):
            for prof in self._systems_in(region):
                if prof["id"] == ident:
                    return "system", prof
        raise ApiError("ResourceNotFoundException", "Inference profile %s not found." % identifier, 404)

    def get_profile(self, region, identifier):
        with self.lock:
            kind, prof = self._parse_identifier(identifier, region)
            return self._system_view(prof, region) if kind == "system" else self._app_view(prof)

    def create_profile(self, region, body):
        with self.lock:
            if not isinstance(body, dict):
                raise validation("Request body must be a JSON object")
            name = body.get("inferenceProfileName")
            if not isinstance(name, str):
                raise validation("1 validation error detected: Value null at 'inferenceProfileName' failed to "
                                 "satisfy constraint: Member must not be null")
            if not 1 <= len(name) <= 64:
                raise _constraint(name, "inferenceProfileName", "Member must have length between 1 and 64")
            if not NAME_RE.fullmatch(name):
                raise _constraint(name, "inferenceProfileName",
                                  "Member must satisfy regular expression pattern: ^([0-9a-zA-Z][ _-]?)+$")
            description = body.get("description")
            if description is not None:
                if not isinstance(description, str) or not 1 <= len(description) <= 200:
                    raise _constraint("***", "description", "Member must have length between 1 and 200")
                if not DESCRIPTION_RE.fullmatch(description):
                    raise _constraint("***", "description",
                                      "Member must satisfy regular expression pattern: ^([0-9a-zA-Z:.][ _-]?)+$")
            token = body.get("clientRequestToken")
            if token is not None:
                if not isinstance(token, str) or not 1 <= len(token) <= 256 or not TOKEN_RE.fullmatch(token):
                    raise _constraint(token, "clientRequestToken", "Member must satisfy regular expression "
                                      "pattern: [a-zA-Z0-9]([-a-zA-Z0-9]{0,254}[a-zA-Z0-9])?")
            source = body.get("modelSource")
            if not isinstance(source, dict) or list(source.keys()) != ["copyFrom"] or \
                    not isinstance(source["copyFrom"], str):
                raise validation("1 validation error detected: Value at 'modelSource' failed to satisfy "
                                 "constraint: Member must have exactly one member set: copyFrom")
            tags = body.get("tags", [])
            self._validate_tags(tags)
            if token is not None and (region, token) in self.tokens:
                previous = self._find_app(region, pid=self.tokens[(region, token)])
                if previous is not None and previous["name"] == name:
                    return {"inferenceProfileArn": previous["arn"], "status": "ACTIVE"}
                if previous is not None:
                    raise ApiError("ConflictException", "The clientRequestToken %s was already used for a "
                                   "different request." % token, 400)
            if self._find_app(region, name=name) is not None:
                raise ApiError("ConflictException",
                               "An inference profile with the name %s already exists." % name, 400)
            models = self._resolve_source(source["copyFrom"], region)
            if self.profile_quota is not None and \
                    sum(1 for p in self.app_profiles if p["region"] == region) >= self.profile_quota:
                raise ApiError("ServiceQuotaExceededException", "The number of application inference profiles in "
                               "this account and region has reached the quota (%d)." % self.profile_quota, 400)
            if len(tags) > MAX_TAGS_PER_RESOURCE:
                raise ApiError("TooManyTagsException", "The request contains more tags than can be associated "
                               "with a resource (50 tags per resource).", 400, {"resourceName": name})
            prof = self._insert_app_profile(region, name, models, tags, description)
            if token is not None:
                self.tokens[(region, token)] = prof["id"]
            return {"inferenceProfileArn": prof["arn"], "status": "ACTIVE"}

    def delete_profile(self, region, identifier):
        with self.lock:
            kind, prof = self._parse_identifier(identifier, region)
            if kind == "system":
                raise validation("System-defined inference profiles cannot be deleted.")
            self.app_profiles.remove(prof)
            self._unindex(prof)
            return {}

    def _taggable(self, region, arn):
        if not isinstance(arn, str):
            raise validation("1 validation error detected: Value null at 'resourceARN' failed to satisfy "
                             "constraint: Member must not be null")
        if not 20 <= len(arn) <= 1011 or not arn.startswith("arn:aws"):
            raise _constraint(arn, "resourceARN", "Member must satisfy regular expression pattern")
        match = PROFILE_ARN_RE.fullmatch(arn)
        if match and match.group(4) == "inference-profile" and match.group(2) == region:
            for prof in self._systems_in(region):
                if prof["id"] == match.group(5):
                    return None  # system profile: exists, carries no tags
        prof = self._find_app(region, arn=arn)
        if prof is None:
            raise ApiError("ResourceNotFoundException", "The resource %s was not found." % arn, 404)
        return prof

    def list_tags(self, region, body):
        with self.lock:
            prof = self._taggable(region, (body or {}).get("resourceARN"))
            tags = prof["tags"] if prof else {}
            return {"tags": [{"key": k, "value": v} for k, v in tags.items()]}

    def tag_resource(self, region, body):
        with self.lock:
            body = body or {}
            prof = self._taggable(region, body.get("resourceARN"))
            tags = body.get("tags")
            if tags is None:
                raise validation("1 validation error detected: Value null at 'tags' failed to satisfy constraint: "
                                 "Member must not be null")
            self._validate_tags(tags)
            if prof is None:
                raise validation("System-defined inference profiles cannot be tagged.")
            merged = dict(prof["tags"])
            merged.update((t["key"], t["value"]) for t in tags)
            if len(merged) > MAX_TAGS_PER_RESOURCE:
                raise ApiError("TooManyTagsException", "The request contains more tags than can be associated "
                               "with a resource (50 tags per resource). The maximum number of tags includes both "
                               "existing tags and those included in your current request.", 400,
                               {"resourceName": prof["arn"]})
            prof["tags"] = merged
            prof["updated"] = iso(self.now(), fraction=True)
            return {}

    def untag_resource(self, region, body):
        with self.lock:
            body = body or {}
            prof = self._taggable(region, body.get("resourceARN"))
            keys = body.get("tagKeys")
            if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
                raise validation("1 validation error detected: Value null at 'tagKeys' failed to satisfy "
                                 "constraint: Member must not be null")
            if len(keys) > 200:
                raise _constraint("[...]", "tagKeys", "Member must have length less than or equal to 200")
            for key in keys:
                if not 1 <= len(key) <= 128 or not TAG_RE.fullmatch(key):
                    raise _constraint(key, "tagKeys", "Member must satisfy regular expression pattern: "
                                      "^[a-zA-Z0-9\\s._:/=+@-]*$")
            if prof is None:
                raise validation("System-defined inference profiles cannot be tagged.")
            for key in keys:
                prof["tags"].pop(key, None)
            prof["updated"] = iso(self.now(), fraction=True)
            return {}

    # ------------------------------------------------------------ runtime
    def resolve_runtime_model(self, region, model_id):
        """The base foundation-model id a runtime call reaches, or None."""
        with self.lock:
            match = PROFILE_ARN_RE.fullmatch(model_id)
            if match:
                if match.group(2) != region or match.group(3) != self.account:
                    return None
                if match.group(4) == "application-inference-profile":
                    prof = self._find_app(region, arn=model_id)
                    return FM_ARN_RE.fullmatch(prof["models"][0]).group(3) if prof else None
                model_id = match.group(5)
            fm = FM_ARN_RE.fullmatch(model_id)
            if fm:
                return fm.group(3) if fm.group(2) == region and self._fm_available(fm.group(3), region) else None
            for prof in self._systems_in(region):
                if prof["id"] == model_id:
                    return prof["model"]
            if self._fm_available(model_id, region):
                return model_id
            return None

    # -------------------------------------------------------------- usage
    def cloudwatch_model_id(self, region, model_id):
        """The CloudWatch ModelId dimension a runtime call is reported under:
        an application profile's ID (last ARN segment), a system profile's
        ID, or the foundation-model ID."""
        match = PROFILE_ARN_RE.fullmatch(model_id)
        if match:
            return match.group(5)
        fm = FM_ARN_RE.fullmatch(model_id)
        return fm.group(3) if fm else model_id

    def _app_by_id_any_region(self, pid):
        return self._by_pid.get(pid)

    def base_model_for(self, model_id):
        """Base foundation-model id behind a CloudWatch ModelId, or None."""
        with self.lock:
            prof = self._app_by_id_any_region(model_id)
            if prof is not None:
                fm = FM_ARN_RE.fullmatch(prof["models"][0])
                return fm.group(3) if fm else None
            for system in self.system_profiles:
                if system["id"] == model_id:
                    return system["model"]
            if any(m["id"] == model_id for m in self.foundation_models):
                return model_id
            return None

    def tags_for_model_id(self, model_id):
        """(tags, region) of the application profile with that ID; ({}, None)
        for system profiles and models, which carry no tags."""
        with self.lock:
            prof = self._app_by_id_any_region(model_id)
            return (dict(prof["tags"]), prof["region"]) if prof else ({}, None)

    def app_profile_ids(self, fillers_only=False):
        with self.lock:
            return [p["id"] for p in self.app_profiles if not fillers_only or p["owner"] == "filler"]

    def active_cost_tags(self):
        with self.lock:
            return {t["key"] for t in self.cost_allocation_tags if t.get("status", "Active") == "Active"}

    def set_cost_tag_status(self, key, status):
        with self.lock:
            for tag in self.cost_allocation_tags:
                if tag["key"] == key:
                    tag["status"] = status
                    return
            self.cost_allocation_tags.append({"key": key, "status": status, "type": "UserDefined"})

    # -------------------------------------------------------------- admin
    def snapshot(self, include_fillers=True):
        with self.lock:
            apps = []
            for prof in self.app_profiles:
                if not include_fillers and prof["owner"] == "filler":
                    continue
                item = copy.deepcopy(prof)
                apps.append(item)
            return {
                "account": self.account,
                "application_profiles": apps,
                "application_profile_count": len(self.app_profiles),
                "system_profiles": copy.deepcopy(self.system_profiles),
                "client_request_tokens": len(self.tokens),
                "users": [{"name": u["name"], "arn": u["arn"], "deny": sorted(u["deny"])} for u in self.users],
                "sso": [{"account_id": r["account_id"], "role_name": r["role_name"], "arn": r["arn"],
                         "expired": bool(e.get("expired")) or e["expires_at"] <= datetime.now(timezone.utc)}
                        for e in self.sso for r in e["roles"]],
            }

    def list_cost_allocation_tags(self, body):
        with self.lock:
            body = body or {}
            out = []
            for tag in self.cost_allocation_tags:
                status = tag.get("status", "Active")
                kind = tag.get("type", "UserDefined")
                if body.get("Status") and body["Status"] != status:
                    continue
                if body.get("Type") and body["Type"] != kind:
                    continue
                if body.get("TagKeys") and tag["key"] not in body["TagKeys"]:
                    continue
                item = {"TagKey": tag["key"], "Type": kind, "Status": status}
                if tag.get("last_updated"):
                    item["LastUpdatedDate"] = tag["last_updated"]
                out.append(item)
            return {"CostAllocationTags": out}
