"""iam.py - the emulated IAM of tests/fake_aws: customer-managed policies
(at most five versions each; DeletePolicy refuses with DeleteConflict while
the policy is attached or has non-default versions, as IAM does), their
attachment to users, roles and groups (ListEntitiesForPolicy pages with
MaxItems/Marker; AWSReservedSSO_* roles refuse changes with
UnmodifiableEntity, as IAM does), SimulatePrincipalPolicy, and the identity-policy evaluator that
server.py applies to Bedrock control-plane and runtime calls.

The evaluator knows Allow/Deny, Action/NotAction and Resource wildcards,
the policy variables ${aws:username} and ${aws:PrincipalTag/K}, and the
condition operators String(Not)Equals, String(Not)Like, Arn(Not)Equals,
Arn(Not)Like and Null with the ForAllValues:/ForAnyValue: prefixes and the
IfExists suffix.  A principal with no attached policies keeps the
emulator's older rule (everything allowed unless a deny switch says
otherwise), so tests that never touch IAM see no change.

Replies are awsQuery XML (Version 2010-05-08).  Python 3.11 standard
library only.
"""

import fnmatch
import json
import re
import threading
import urllib.parse
from xml.sax.saxutils import escape as xml_escape

from state import ApiError, iso

IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
MAX_VERSIONS = 5
ACTIONS = {"CreatePolicy", "CreatePolicyVersion", "GetPolicy", "GetPolicyVersion", "ListPolicyVersions",
           "DeletePolicyVersion", "AttachUserPolicy", "AttachRolePolicy", "AttachGroupPolicy", "DetachUserPolicy",
           "DetachRolePolicy", "DetachGroupPolicy", "ListAttachedUserPolicies", "ListAttachedRolePolicies",
           "ListAttachedGroupPolicies", "SimulatePrincipalPolicy", "DeletePolicy", "ListEntitiesForPolicy"}
POLICY_NAME_RE = re.compile(r"[\w+=,.@-]{1,128}")
VARIABLE_RE = re.compile(r"\$\{([^}]*)\}")
PROFILE_ARN_RE = re.compile(r"arn:aws[a-z-]*:bedrock:([0-9a-z-]*):([0-9]*):(inference-profile|"
                            r"application-inference-profile)/(.+)")


class Unresolved(Exception):
    """A policy variable with no value in the request context."""


# --------------------------------------------------------------- evaluator
def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _substitute(text, context):
    def one(match):
        name = match.group(1)
        if name in ("*", "?", "$"):
            return name
        values = _context_values(context, name)
        if not values:
            raise Unresolved(name)
        return values[0]
    return VARIABLE_RE.sub(one, text)


def _context_values(context, key):
    """Context keys are case-insensitive; values are lists."""
    for name, values in context.items():
        if name.lower() == key.lower():
            return values
    return None


def _glob(pattern, value, ignore_case=False):
    if ignore_case:
        pattern, value = pattern.lower(), value.lower()
    return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]"))


def _match_value(base, policy_value, value):
    if base == "StringEquals":
        return policy_value == value
    if base == "StringEqualsIgnoreCase":
        return policy_value.lower() == value.lower()
    if base == "StringLike":
        return _glob(policy_value, value)
    if base == "ArnEquals":
        return policy_value == value
    if base == "ArnLike":
        return _glob(policy_value, value)
    raise ValueError("condition operator %s is not supported by fake_aws" % base)


NEGATED = {"StringNotEquals": "StringEquals", "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
           "StringNotLike": "StringLike", "ArnNotEquals": "ArnEquals", "ArnNotLike": "ArnLike"}


def _condition_holds(operator, key, policy_values, context):
    qualifier, _, op = operator.rpartition(":")
    if_exists = op.endswith("IfExists")
    if if_exists:
        op = op[:-len("IfExists")]
    values = _context_values(context, key)
    if op == "Null":
        want_absent = str(policy_values[0]).lower() == "true"
        return (not values) == want_absent
    negated = op in NEGATED
    base = NEGATED.get(op, op)
    try:
        wanted = [_substitute(str(v), context) for v in policy_values]
    except Unresolved:
        return False
    if not values:
        if qualifier == "ForAllValues":
            return True
        return if_exists or (negated and qualifier != "ForAnyValue")

    def matches(value):
        return any(_match_value(base, w, value) for w in wanted)
    if qualifier == "ForAllValues":
        result = all(matches(v) for v in values)
        return not result if negated else result
    if qualifier == "ForAnyValue":
        result = any(matches(v) for v in values)
        return not result if negated else result
    result = matches(values[0])
    return not result if negated else result


def _statement_applies(statement, action, resource, context):
    if "Action" in statement:
        if not any(_glob(a, action, ignore_case=True) for a in _as_list(statement["Action"])):
            return False
    elif "NotAction" in statement:
        if any(_glob(a, action, ignore_case=True) for a in _as_list(statement["NotAction"])):
            return False
    try:
        if "Resource" in statement:
            if not any(_glob(_substitute(r, context), resource) for r in _as_list(statement["Resource"])):
                return False
        elif "NotResource" in statement:
            if any(_glob(_substitute(r, context), resource) for r in _as_list(statement["NotResource"])):
                return False
    except Unresolved:
        return False
    for operator, block in (statement.get("Condition") or {}).items():
        for key, policy_values in block.items():
            if not _condition_holds(operator, key, _as_list(policy_values), context):
                return False
    return True


def evaluate(documents, action, resource, context):
    """'allowed', 'explicitDeny' or 'implicitDeny' for identity policies
    (parsed JSON documents) on one action and resource."""
    allowed = False
    for doc in documents:
        for statement in _as_list(doc.get("Statement")):
            if not _statement_applies(statement, action, resource, context):
                continue
            if statement.get("Effect") == "Deny":
                return "explicitDeny"
            if statement.get("Effect") == "Allow":
                allowed = True
    return "allowed" if allowed else "implicitDeny"


# ------------------------------------------------------------------- state
def _principal_of(arn):
    """('user'|'role'|None, name) of a caller or principal ARN."""
    match = re.match(r"arn:aws[a-z-]*:iam::\d+:(user|role|group)/(?:.*/)?([^/]+)$", arn)
    if match:
        return match.group(1), match.group(2)
    match = re.match(r"arn:aws[a-z-]*:sts::\d+:assumed-role/([^/]+)/(.+)$", arn)
    if match:
        return "role", match.group(1)
    return None, None


class Iam:
    def __init__(self, state):
        self.state = state
        self.lock = threading.RLock()
        self.policies = {}  # arn -> {"name", "arn", "id", "versions": [...], "next": int, "created"}
        self.attached = {"user": {}, "role": {}, "group": {}}  # kind -> name -> [policy arns]
        self.groups = {}  # IAM user name -> [group names], from the seed users' "groups"
        for user in state.users:
            if user.get("groups") and ":user/" in user["arn"]:
                self.groups[user["arn"].rsplit("/", 1)[-1]] = list(user["groups"])

    # ---------------------------------------------------- request context
    def _documents_for(self, kind, name):
        arns = list(self.attached[kind].get(name, []))
        if kind == "user":
            for group in self.groups.get(name, []):
                arns += self.attached["group"].get(group, [])
        return [self._default_doc(self.policies[a]) for a in arns if a in self.policies]

    @staticmethod
    def _default_doc(policy):
        for version in policy["versions"]:
            if version["default"]:
                return json.loads(version["document"])
        return {}

    def caller_context(self, user):
        """The request context a caller brings: aws:username for IAM users,
        aws:PrincipalTag/* from the seed's principal_tags (Identity Center
        sessions default to MemberName = the session name, the e-mail)."""
        context = {}
        arn = user["arn"]
        if ":user/" in arn:
            context["aws:username"] = [arn.rsplit("/", 1)[-1]]
        tags = dict(user.get("principal_tags") or {})
        match = re.match(r"arn:aws[a-z-]*:sts::\d+:assumed-role/AWSReservedSSO_[^/]+/(.+)$", arn)
        if match and "MemberName" not in tags:
            tags["MemberName"] = match.group(1)
        for key, value in tags.items():
            context["aws:PrincipalTag/" + key] = [value]
        return context

    def caller_documents(self, user):
        """The identity policies of a caller, or None when it has none (the
        older allow-unless-denied rule then applies)."""
        kind, name = _principal_of(user["arn"])
        with self.lock:
            docs = self._documents_for(kind, name) if kind else []
            return docs or None

    # ---------------------------------------------------------- policies
    def _policy(self, arn):
        policy = self.policies.get(arn)
        if policy is None:
            raise ApiError("NoSuchEntity", "Policy %s was not found." % arn, 404)
        return policy

    @staticmethod
    def _check_document(text):
        try:
            doc = json.loads(text)
        except (TypeError, ValueError):
            raise ApiError("MalformedPolicyDocument", "Syntax errors in policy.", 400)
        if not isinstance(doc, dict) or doc.get("Version") not in ("2012-10-17", "2008-10-17") or \
                not isinstance(doc.get("Statement"), (list, dict)):
            raise ApiError("MalformedPolicyDocument", "The policy needs Version 2012-10-17 and a Statement.", 400)
        for statement in _as_list(doc["Statement"]):
            if statement.get("Effect") not in ("Allow", "Deny"):
                raise ApiError("MalformedPolicyDocument", "Each statement needs Effect Allow or Deny.", 400)

    def _new_version(self, policy, document):
        now = iso(self.state.now())
        version = {"id": "v%d" % policy["next"], "document": document, "created": now, "default": True}
        policy["next"] += 1
        for other in policy["versions"]:
            other["default"] = False
        policy["versions"].append(version)
        return version

    def create_policy(self, form):
        name = form.get("PolicyName", "")
        if not POLICY_NAME_RE.fullmatch(name):
            raise ApiError("ValidationError", "The specified value for policyName is invalid.", 400)
        document = form.get("PolicyDocument")
        self._check_document(document)
        arn = "arn:aws:iam::%s:policy/%s" % (self.state.account, name)
        with self.lock:
            if arn in self.policies:
                raise ApiError("EntityAlreadyExists", "A policy called %s already exists. Duplicate names are not "
                               "allowed." % name, 409)
            policy = {"name": name, "arn": arn, "id": "ANPA" + name.upper().replace("-", "")[:17].ljust(17, "X"),
                      "versions": [], "next": 1, "created": iso(self.state.now()),
                      "description": form.get("Description")}
            self._new_version(policy, document)
            self.policies[arn] = policy
            return "<Policy>%s</Policy>" % self._policy_xml(policy)

    def _attachment_count(self, arn):
        return sum(arn in arns for by_name in self.attached.values() for arns in by_name.values())

    def _policy_xml(self, policy):
        default = [v for v in policy["versions"] if v["default"]][0]
        return ("<PolicyName>%s</PolicyName><DefaultVersionId>%s</DefaultVersionId><PolicyId>%s</PolicyId>"
                "<Path>/</Path><Arn>%s</Arn><AttachmentCount>%d</AttachmentCount><IsAttachable>true</IsAttachable>"
                "<CreateDate>%s</CreateDate><UpdateDate>%s</UpdateDate>"
                % (xml_escape(policy["name"]), default["id"], policy["id"], xml_escape(policy["arn"]),
                   self._attachment_count(policy["arn"]), policy["created"], default["created"]))

    @staticmethod
    def _version_xml(version, with_document):
        document = ""
        if with_document:
            document = "<Document>%s</Document>" % xml_escape(urllib.parse.quote(version["document"], safe=""))
        return ("%s<VersionId>%s</VersionId><IsDefaultVersion>%s</IsDefaultVersion><CreateDate>%s</CreateDate>"
                % (document, version["id"], "true" if version["default"] else "false", version["created"]))

    def get_policy(self, form):
        with self.lock:
            return "<Policy>%s</Policy>" % self._policy_xml(self._policy(form.get("PolicyArn", "")))

    def create_policy_version(self, form):
        document = form.get("PolicyDocument")
        self._check_document(document)
        with self.lock:
            policy = self._policy(form.get("PolicyArn", ""))
            if len(policy["versions"]) >= MAX_VERSIONS:
                raise ApiError("LimitExceeded", "A managed policy can have up to 5 versions. Before you create a "
                               "new version, you must delete an existing version.", 409)
            set_default = form.get("SetAsDefault", "false").lower() == "true"
            previous = [v for v in policy["versions"] if v["default"]]
            version = self._new_version(policy, document)
            if not set_default:
                version["default"] = False
                previous[0]["default"] = True
            return "<PolicyVersion>%s</PolicyVersion>" % self._version_xml(version, False)

    def _version(self, policy, version_id):
        for version in policy["versions"]:
            if version["id"] == version_id:
                return version
        raise ApiError("NoSuchEntity", "Policy %s version %s does not exist or is not attachable."
                       % (policy["arn"], version_id), 404)

    def get_policy_version(self, form):
        with self.lock:
            policy = self._policy(form.get("PolicyArn", ""))
            version = self._version(policy, form.get("VersionId", ""))
            return "<PolicyVersion>%s</PolicyVersion>" % self._version_xml(version, True)

    def list_policy_versions(self, form):
        with self.lock:
            policy = self._policy(form.get("PolicyArn", ""))
            members = "".join("<member>%s</member>" % self._version_xml(v, False)
                              for v in reversed(policy["versions"]))
            return "<Versions>%s</Versions><IsTruncated>false</IsTruncated>" % members

    def delete_policy_version(self, form):
        with self.lock:
            policy = self._policy(form.get("PolicyArn", ""))
            version = self._version(policy, form.get("VersionId", ""))
            if version["default"]:
                raise ApiError("DeleteConflict", "Cannot delete the default version of a policy.", 409)
            policy["versions"].remove(version)
            return ""

    def delete_policy(self, form):
        with self.lock:
            policy = self._policy(form.get("PolicyArn", ""))
            if self._attachment_count(policy["arn"]):
                raise ApiError("DeleteConflict", "Cannot delete a policy attached to entities.", 409)
            if len(policy["versions"]) > 1:
                raise ApiError("DeleteConflict", "This policy has more than one version. Before you delete a policy, "
                               "you must delete the policy's versions. The default version is deleted with the "
                               "policy.", 409)
            del self.policies[policy["arn"]]
            return ""

    def list_entities(self, form):
        """PolicyGroups, PolicyUsers and PolicyRoles of one policy, one page
        of MaxItems entities (all three lists count) after Marker."""
        try:
            max_items = int(form.get("MaxItems", "100"))
            start = int(form.get("Marker", "0"))
        except ValueError:
            raise ApiError("ValidationError", "MaxItems and Marker must be ones IAM handed out.", 400)
        if not 1 <= max_items <= 1000 or start < 0:
            raise ApiError("ValidationError", "MaxItems must be between 1 and 1000.", 400)
        wanted = (form.get("EntityFilter") or "").lower()
        with self.lock:
            arn = self._policy(form.get("PolicyArn", ""))["arn"]
            entities = [(kind, name) for kind in ("group", "user", "role") if wanted in ("", kind)
                        for name, arns in sorted(self.attached[kind].items()) if arn in arns]
        page = entities[start:start + max_items]
        lists = {"group": [], "user": [], "role": []}
        for kind, name in page:
            title = kind.capitalize()
            lists[kind].append("<member><%sName>%s</%sName><%sId>%s</%sId></member>"
                               % (title, xml_escape(name), title, title, _entity_id(kind, name), title))
        truncated = start + max_items < len(entities)
        marker = "<Marker>%d</Marker>" % (start + max_items) if truncated else ""
        return ("<PolicyGroups>%s</PolicyGroups><PolicyUsers>%s</PolicyUsers><PolicyRoles>%s</PolicyRoles>"
                "<IsTruncated>%s</IsTruncated>%s" % ("".join(lists["group"]), "".join(lists["user"]),
                                                     "".join(lists["role"]), "true" if truncated else "false", marker))

    # ------------------------------------------------------- attachments
    def _principal_exists(self, kind, name):
        if kind == "user":
            return any(":user/" in u["arn"] and u["arn"].rsplit("/", 1)[-1] == name for u in self.state.users)
        return True  # roles and groups are not modelled beyond their names

    def attach(self, kind, form, force=False):
        field = kind.capitalize() + "Name"
        name = form.get(field, "")
        with self.lock:
            policy = self._policy(form.get("PolicyArn", ""))
            if kind == "role" and name.startswith("AWSReservedSSO_") and not force:
                raise ApiError("UnmodifiableEntity", "Cannot perform the operation on the protected role '%s' - "
                               "this role is only modifiable by AWS" % name, 400)
            if not self._principal_exists(kind, name):
                raise ApiError("NoSuchEntity", "The %s with name %s cannot be found." % (kind, name), 404)
            arns = self.attached[kind].setdefault(name, [])
            if policy["arn"] not in arns:
                arns.append(policy["arn"])
            return ""

    def detach(self, kind, form):
        name = form.get(kind.capitalize() + "Name", "")
        with self.lock:
            if kind == "role" and name.startswith("AWSReservedSSO_"):
                raise ApiError("UnmodifiableEntity", "Cannot perform the operation on the protected role '%s' - "
                               "this role is only modifiable by AWS" % name, 400)
            arns = self.attached[kind].get(name, [])
            arn = form.get("PolicyArn", "")
            if arn not in arns:
                raise ApiError("NoSuchEntity", "Policy %s was not attached to %s %s." % (arn, kind, name), 404)
            arns.remove(arn)
            return ""

    def list_attached(self, kind, form):
        name = form.get(kind.capitalize() + "Name", "")
        with self.lock:
            if not self._principal_exists(kind, name):
                raise ApiError("NoSuchEntity", "The %s with name %s cannot be found." % (kind, name), 404)
            members = "".join("<member><PolicyName>%s</PolicyName><PolicyArn>%s</PolicyArn></member>"
                              % (xml_escape(self.policies[a]["name"]), xml_escape(a))
                              for a in self.attached[kind].get(name, []) if a in self.policies)
            return "<AttachedPolicies>%s</AttachedPolicies><IsTruncated>false</IsTruncated>" % members

    # -------------------------------------------------------- simulation
    def simulate(self, form, multi):
        source = form.get("PolicySourceArn", "")
        kind, name = _principal_of(source)
        if kind is None:
            raise ApiError("InvalidInput", "Invalid ARN %s for PolicySourceArn." % source, 400)
        actions = _members(multi, "ActionNames.member.")
        if not actions:
            raise ApiError("ValidationError", "ActionNames must not be empty.", 400)
        resources = _members(multi, "ResourceArns.member.") or ["*"]
        context = {}
        i = 1
        while "ContextEntries.member.%d.ContextKeyName" % i in form:
            prefix = "ContextEntries.member.%d." % i
            context[form[prefix + "ContextKeyName"]] = _members(multi, prefix + "ContextKeyValues.member.")
            i += 1
        with self.lock:
            docs = self._documents_for(kind, name)
        members = []
        for action in actions:
            for resource in resources:
                # A principal without policies may do everything here (the
                # emulator's stand-in for a seed user's broad access, see
                # authorize), so the simulator says the same.
                decision = evaluate(docs, action, resource, context) if docs else "allowed"
                members.append("<member><EvalActionName>%s</EvalActionName><EvalResourceName>%s</EvalResourceName>"
                               "<EvalDecision>%s</EvalDecision><MatchedStatements/><MissingContextValues/></member>"
                               % (xml_escape(action), xml_escape(resource), decision))
        return "<EvaluationResults>%s</EvaluationResults><IsTruncated>false</IsTruncated>" % "".join(members)

    # --------------------------------------------------------- dispatch
    def handle(self, action, multi):
        """The inner XML of <{action}Result>, or raises ApiError."""
        form = {k: v[0] for k, v in multi.items()}
        if form.get("Version") not in (None, "2010-05-08"):
            raise ApiError("InvalidAction", "Could not find operation %s for version %s"
                           % (action, form.get("Version")), 400)
        for kind in ("User", "Role", "Group"):
            if action == "Attach%sPolicy" % kind:
                return self.attach(kind.lower(), form)
            if action == "Detach%sPolicy" % kind:
                return self.detach(kind.lower(), form)
            if action == "ListAttached%sPolicies" % kind:
                return self.list_attached(kind.lower(), form)
        handlers = {"CreatePolicy": self.create_policy, "GetPolicy": self.get_policy,
                    "CreatePolicyVersion": self.create_policy_version, "GetPolicyVersion": self.get_policy_version,
                    "ListPolicyVersions": self.list_policy_versions,
                    "DeletePolicyVersion": self.delete_policy_version, "DeletePolicy": self.delete_policy,
                    "ListEntitiesForPolicy": self.list_entities}
        if action == "SimulatePrincipalPolicy":
            return self.simulate(form, multi)
        if action in handlers:
            return handlers[action](form)
        raise ApiError("InvalidAction", "Could not find operation %s for version 2010-05-08" % action, 400)

    def reply(self, action, inner, request_id):
        result = "<%sResult>%s</%sResult>" % (action, inner, action) if inner else ""
        return ('<%sResponse xmlns="%s">%s<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata>'
                '</%sResponse>\n' % (action, IAM_NS, result, request_id, action))

    def admin_endpoint(self, method, name, data):
        """(status, JSON) for /__admin/iam/...: GET iam/state; POST iam/permission-set {role, policy_name}
        does what an Identity Center permission set's customer-managed policy reference does to its
        AWSReservedSSO_* role; POST iam/principal-tags {user, tags} sets the session tags a caller carries."""
        if method == "GET" and name == "iam/state":
            return 200, self.snapshot()
        if method == "POST" and name == "iam/permission-set":
            arn = "arn:aws:iam::%s:policy/%s" % (self.state.account, data.get("policy_name", ""))
            try:
                self.attach("role", {"RoleName": data.get("role", ""), "PolicyArn": arn}, force=True)
            except ApiError as exc:
                return 404, {"message": "admin: %s" % exc.message}
            return 200, {"ok": True}
        if method == "POST" and name == "iam/principal-tags":
            user = self.state.find_user(data.get("user", ""))
            if user is None:
                return 404, {"message": "admin: unknown user"}
            with self.state.lock:
                user["principal_tags"] = dict(data.get("tags") or {})
            return 200, {"ok": True}
        return 404, {"message": "admin: unknown endpoint %s %s" % (method, name)}

    def snapshot(self):
        with self.lock:
            return {"policies": [{"name": p["name"], "arn": p["arn"],
                                  "versions": [{"id": v["id"], "default": v["default"]} for v in p["versions"]]}
                                 for p in self.policies.values()],
                    "attached": {k: {n: list(a) for n, a in v.items()} for k, v in self.attached.items()}}


def _entity_id(kind, name):
    prefix = {"user": "AIDA", "role": "AROA", "group": "AGPA"}[kind]
    return prefix + re.sub(r"[^A-Z0-9]", "", name.upper())[:17].ljust(17, "X")


def _members(multi, prefix):
    out = []
    i = 1
    while prefix + str(i) in multi:
        out.append(multi[prefix + str(i)][0])
        i += 1
    return out


# ------------------------------------------------------ Bedrock authorization
def _tag_context(prefix, tags):
    return {prefix + k: [v] for k, v in (tags or {}).items()}


def _system_arn(state, region, profile_id):
    return "arn:aws:bedrock:%s:%s:inference-profile/%s" % (region, state.account, profile_id)


def _find_profile(state, region, identifier):
    """('app', profile) / ('system', profile) / (None, None) for an id or ARN."""
    with state.lock:
        match = PROFILE_ARN_RE.fullmatch(identifier)
        kind, ident = (match.group(3), match.group(4)) if match else (None, identifier)
        if kind in (None, "application-inference-profile"):
            prof = state._find_app(region, arn=identifier) if match else state._find_app(region, pid=ident)
            if prof is not None:
                return "app", prof
        if kind in (None, "inference-profile"):
            for prof in state._systems_in(region):
                if prof["id"] == ident:
                    return "system", prof
        return None, None


def profile_auth_view(state, region, identifier):
    """(resource ARN, context with aws:ResourceTag/*) of a profile."""
    kind, prof = _find_profile(state, region, identifier)
    if kind == "app":
        return prof["arn"], _tag_context("aws:ResourceTag/", prof["tags"])
    if kind == "system":
        return _system_arn(state, region, prof["id"]), {}
    return identifier or "*", {}


def runtime_auth_checks(state, region, model_id, action):
    """A runtime call through a profile is authorized on the profile and on
    every model it routes to, with bedrock:InferenceProfileArn set."""
    kind, prof = _find_profile(state, region, model_id)
    if kind == "app":
        through = {"bedrock:InferenceProfileArn": [prof["arn"]]}
        return [(action, prof["arn"], _tag_context("aws:ResourceTag/", prof["tags"]))] + \
            [(action, model, through) for model in prof["models"]]
    if kind == "system":
        arn = _system_arn(state, region, prof["id"])
        through = {"bedrock:InferenceProfileArn": [arn]}
        return [(action, arn, through)] + [(action, state.fm_arn(r, prof["model"]), through) for r in prof["regions"]]
    if model_id.startswith("arn:"):
        return [(action, model_id, {})]
    return [(action, state.fm_arn(region, model_id), {})]


def bedrock_checks(state, op, action, params, region, body):
    """[(action, resource, extra context)] a Bedrock call must pass, each."""
    account = state.account
    if op in ("ListInferenceProfiles", "ListFoundationModels"):
        return [(action, "*", {})]
    if op == "GetFoundationModel":
        model = params.get("id", "")
        arn = model if model.startswith("arn:") else "arn:aws:bedrock:%s::foundation-model/%s" % (region, model)
        return [(action, arn, {})]
    if op == "CreateInferenceProfile":
        tags = {t.get("key"): t.get("value") for t in (body or {}).get("tags") or [] if isinstance(t, dict)}
        request = _tag_context("aws:RequestTag/", tags)
        if tags:
            request["aws:TagKeys"] = list(tags)
        source = ((body or {}).get("modelSource") or {}).get("copyFrom") or "*"
        new = "arn:aws:bedrock:%s:%s:application-inference-profile/*" % (region, account)
        return [(action, new, request), (action, source, request)]
    if op in ("GetInferenceProfile", "DeleteInferenceProfile"):
        return [(action,) + profile_auth_view(state, region, params.get("id", ""))]
    if op in ("ListTagsForResource", "TagResource", "UntagResource"):
        arn = (body or {}).get("resourceARN") or ""
        resource, context = profile_auth_view(state, region, arn)
        context = dict(context)
        if op == "TagResource":
            tags = {t.get("key"): t.get("value") for t in (body or {}).get("tags") or [] if isinstance(t, dict)}
            context.update(_tag_context("aws:RequestTag/", tags))
            context["aws:TagKeys"] = list(tags)
        elif op == "UntagResource":
            context["aws:TagKeys"] = list((body or {}).get("tagKeys") or [])
        return [(action, resource, context)]
    if op in ("Converse", "ConverseStream"):
        return runtime_auth_checks(state, region, params.get("model", ""), action)
    return [(action, "*", {})]


def denial(iam, state, user, route, region, body):
    """None when the caller may make the call, else AWS's AccessDenied message."""
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = None
    denied = authorize(iam, state, user, route, region, parsed)
    if denied is None:
        return None
    action, resource, decision = denied
    why = ("with an explicit deny in an identity-based policy" if decision == "explicitDeny"
           else "because no identity-based policy allows the %s action" % action)
    return "User: %s is not authorized to perform: %s on resource: %s %s" % (user["arn"], action, resource, why)


def authorize(iam, state, user, route, region, body):
    """None when the call may go on, else (action, resource, decision)."""
    if route.action == "sts:GetCallerIdentity":  # needs no permission
        return None
    docs = iam.caller_documents(user)
    if docs is None:
        return None
    base = iam.caller_context(user)
    if route.service == "bedrock":
        checks = bedrock_checks(state, route.op, route.action, route.params, region, body)
    elif route.service == "budgets" and isinstance(body, dict) and body.get("BudgetName"):
        # one budget's calls are authorized on it (the budget resource type)
        checks = [(route.action, "arn:aws:budgets::%s:budget/%s" % (state.account, body["BudgetName"]), {})]
    elif route.action == "iam:SimulatePrincipalPolicy":
        # authorized on the principal asked about, as IAM does
        form = (route.params or {}).get("form") or {}
        checks = [(route.action, (form.get("PolicySourceArn") or ["*"])[0], {})]
    else:
        checks = [(route.action, "*", {})]
    for action, resource, extra in checks:
        context = dict(base)
        context.update(extra)
        decision = evaluate(docs, action, resource, context)
        if decision != "allowed":
            return action, resource, decision
    return None
