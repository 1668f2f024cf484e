"""sigv4_verify.py - server-side AWS Signature Version 4 verification for the
loopback emulator (tests/fake_aws).  Owns: parsing the Authorization header,
rebuilding the canonical request from what arrived on the wire, the string to
sign, the signing key, and the checks AWS makes before it trusts a request
(scope date/region/service, clock skew, signature).

Written from the SigV4 description in shared/reference/aws-wire.md section 7,
independently of the C signer in src/core/sigv4.c and of the test client in
tests/fake_aws/awsclient.py.

Byte handling: every text value here (path, query, header values) is a str
holding raw wire bytes decoded as ISO-8859-1, exactly as http.server hands
them over, so non-ASCII bytes survive unchanged and are re-encoded with
latin-1 before hashing.
"""

import hashlib
import hmac
import re
import urllib.parse
from datetime import datetime, timezone

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW_SECONDS = 15 * 60
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")


class AuthError(Exception):
    """A request that AWS would refuse before it reaches the service.

    kind is protocol-neutral; the server maps it to the error name of the
    service's protocol (restJson1, awsQuery, awsJson1_1):
      missing      no Authorization header / no signature at all
      incomplete   malformed Authorization header or missing pieces
      unknown_key  access key id not known
      bad_token    session token missing, unexpected or not matching the key
      expired_token the temporary credentials have expired
      skew         x-amz-date more than 15 minutes away from the server clock
      signature    the signature (or scope) does not match
    """

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind
        self.message = message


def _pct_encode_bytes(data, keep_slash=False):
    out = []
    for byte in data:
        if byte in _UNRESERVED or (keep_slash and byte == 0x2F):
            out.append(chr(byte))
        else:
            out.append("%%%02X" % byte)
    return "".join(out)


def uri_encode(text, keep_slash=False):
    """RFC 3986 percent-encoding of the latin-1 wire string `text`."""
    return _pct_encode_bytes(text.encode("latin-1"), keep_slash)


def normalize_path(path):
    """Remove empty and '.' segments and resolve '..' (RFC 3986 style, as the
    suite's 'normalize' cases expect).  A trailing slash survives."""
    segments = []
    for seg in path.split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if segments:
                segments.pop()
            continue
        segments.append(seg)
    result = "/" + "/".join(segments)
    if segments and path.endswith("/"):
        result += "/"
    return result


def canonical_uri(raw_path, normalize=True):
    """The wire path (still percent-encoded as sent) encoded once more, so
    `%3A` becomes `%253A`; '/' is kept."""
    path = raw_path or "/"
    if normalize:
        path = normalize_path(path)
    return uri_encode(path, keep_slash=True) or "/"


def canonical_query(raw_query):
    """Decode every key and value from the wire form, re-encode them per
    RFC 3986, sort by encoded key then value."""
    if not raw_query:
        return ""
    pairs = []
    for part in raw_query.split("&"):
        if part == "":
            continue
        key, _, value = part.partition("=")
        key_bytes = urllib.parse.unquote_to_bytes(key.encode("latin-1"))
        value_bytes = urllib.parse.unquote_to_bytes(value.encode("latin-1"))
        pairs.append((_pct_encode_bytes(key_bytes), _pct_encode_bytes(value_bytes)))
    pairs.sort()
    return "&".join("%s=%s" % kv for kv in pairs)


def _collapse(value):
    return re.sub(r"\s+", " ", value.strip())


def canonical_headers(header_pairs, signed_names):
    """header_pairs: [(name, value)] in arrival order (duplicates allowed).
    Returns the canonical header block (each line ends with '\\n') for the
    signed names; a signed header that was not sent raises AuthError."""
    by_name = {}
    for name, value in header_pairs:
        by_name.setdefault(name.lower(), []).append(_collapse(value))
    lines = []
    for name in signed_names:
        if name not in by_name:
            raise AuthError("signature",
                            "The request signature we calculated does not match the signature you provided. "
                            "Signed header '%s' is not present in the request." % name)
        lines.append("%s:%s\n" % (name, ",".join(by_name[name])))
    return "".join(lines)


def build_canonical_request(method, raw_path, raw_query, header_pairs, signed_names, payload_hash,
                            normalize=True):
    return "\n".join([
        method.upper(),
        canonical_uri(raw_path, normalize),
        canonical_query(raw_query),
        canonical_headers(header_pairs, signed_names),
        ";".join(signed_names),
        payload_hash,
    ])


def build_string_to_sign(amz_date, scope, canonical_request):
    digest = hashlib.sha256(canonical_request.encode("latin-1")).hexdigest()
    return "\n".join([ALGORITHM, amz_date, scope, digest])


def derive_signing_key(secret, date, region, service):
    key = ("AWS4" + secret).encode("utf-8")
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode("utf-8"), hashlib.sha256).digest()
    return key


def compute_signature(secret, date, region, service, string_to_sign):
    key = derive_signing_key(secret, date, region, service)
    return hmac.new(key, string_to_sign.encode("latin-1"), hashlib.sha256).hexdigest()


_AUTH_FIELD = re.compile(r"\s*(Credential|SignedHeaders|Signature)\s*=\s*([^,\s]*)\s*")


def parse_authorization(value):
    """Returns dict(access_key, date, region, service, terminator,
    signed_headers, signature) or raises AuthError('incomplete')."""
    if not value:
        raise AuthError("missing", "Missing Authentication Token")
    if not value.startswith(ALGORITHM + " "):
        if value.split(" ", 1)[0].startswith("AWS4-") or value.startswith("AWS "):
            raise AuthError("incomplete", "Unsupported or malformed authorization scheme")
        raise AuthError("incomplete", "Authorization header requires 'Credential' parameter. "
                        "Authorization header requires 'Signature' parameter. "
                        "Authorization header requires 'SignedHeaders' parameter. "
                        "Authorization=%s" % value.split(" ", 1)[0])
    fields = {}
    for item in value[len(ALGORITHM) + 1:].split(","):
        match = _AUTH_FIELD.fullmatch(item)
        if not match:
            raise AuthError("incomplete", "Authorization header requires each component to be of the form key=value")
        fields[match.group(1)] = match.group(2)
    missing = [k for k in ("Credential", "Signature", "SignedHeaders") if not fields.get(k)]
    if missing:
        raise AuthError("incomplete", " ".join("Authorization header requires '%s' parameter." % k for k in missing))
    cred = fields["Credential"].split("/")
    if len(cred) != 5:
        raise AuthError("incomplete", "Credential must have exactly 5 slash-delimited elements, "
                        "e.g. keyid/date/region/service/term, got '%s'" % fields["Credential"])
    signed = fields["SignedHeaders"].split(";")
    if signed != sorted(signed) or any(s != s.lower() or not s for s in signed):
        # AWS canonicalises the list itself; an unsorted list still fails the
        # signature, so report it as a mismatch rather than as malformed.
        signed = [s.lower() for s in signed]
    if not re.fullmatch(r"[0-9a-f]{64}", fields["Signature"]):
        raise AuthError("signature", "The request signature we calculated does not match the signature you provided.")
    return {
        "access_key": cred[0], "date": cred[1], "region": cred[2], "service": cred[3],
        "terminator": cred[4], "signed_headers": signed, "signature": fields["Signature"],
    }


def parse_amz_date(text):
    try:
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None


def _header(header_pairs, name):
    name = name.lower()
    for key, value in header_pairs:
        if key.lower() == name:
            return value.strip()  # optional whitespace around a field value is not part of it
    return None


SIGNATURE_MISMATCH = ("The request signature we calculated does not match the signature you provided. "
                      "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")


def verify_request(method, raw_path, raw_query, header_pairs, body, lookup_key, now,
                   expected_service, valid_region=None, normalize=True):
    """Verify one request the way AWS does.

    lookup_key(access_key_id) -> None if unknown, else a dict with
      "secret" (str), "token" (str or None: the session token the key needs),
      "expired" (bool) and anything else the caller wants returned.
    valid_region(region) -> bool, or None to accept any region.
    Returns (credential_record, details) where details holds the canonical
    request, string to sign and scope for diagnostics.  Raises AuthError.
    """
    auth = _header(header_pairs, "authorization")
    if auth is None:
        raise AuthError("missing", "Missing Authentication Token")
    parsed = parse_authorization(auth)

    record = lookup_key(parsed["access_key"])
    if record is None:
        raise AuthError("unknown_key", "The security token included in the request is invalid.")
    sent_token = _header(header_pairs, "x-amz-security-token")
    if record.get("token") is not None:
        if sent_token is None or sent_token != record["token"]:
            raise AuthError("bad_token", "The security token included in the request is invalid.")
    elif sent_token is not None:
        raise AuthError("bad_token", "The security token included in the request is invalid.")
    if record.get("expired"):
        raise AuthError("expired_token", "The security token included in the request is expired")

    amz_date_text = _header(header_pairs, "x-amz-date")
    if amz_date_text is not None:
        request_time = parse_amz_date(amz_date_text.strip())
    else:
        date_header = _header(header_pairs, "date")
        request_time = None
        if date_header:
            try:
                from email.utils import parsedate_to_datetime
                request_time = parsedate_to_datetime(date_header)
                amz_date_text = request_time.strftime("%Y%m%dT%H%M%SZ")
            except (TypeError, ValueError):
                request_time = None
    if request_time is None:
        raise AuthError("incomplete", "Authorization header requires existence of either a 'X-Amz-Date' or "
                        "a 'Date' header. Authorization=%s" % auth.split(",")[0].split("/")[0])
    amz_date_text = amz_date_text.strip()

    if parsed["terminator"] != "aws4_request":
        raise AuthError("signature", "Credential should be scoped with a valid terminator: 'aws4_request', not '%s'."
                        % parsed["terminator"])
    if parsed["date"] != amz_date_text[:8]:
        raise AuthError("signature", "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
                        "from HTTP: '%s' != '%s', from '%s'." % (parsed["date"], amz_date_text[:8], amz_date_text))
    if parsed["service"] != expected_service:
        raise AuthError("signature", "Credential should be scoped to correct service: '%s'. " % expected_service)
    if valid_region is not None and not valid_region(parsed["region"]):
        raise AuthError("signature", "Credential should be scoped to a valid region. ")
    if "host" not in parsed["signed_headers"] and ":authority" not in parsed["signed_headers"]:
        raise AuthError("signature", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")

    skew = (request_time - now).total_seconds()
    if skew < -MAX_SKEW_SECONDS:
        raise AuthError("skew", "Signature expired: %s is now earlier than %s (%s - 15 min.)" % (
            amz_date_text, _fmt(now, -MAX_SKEW_SECONDS), _fmt(now, 0)))
    if skew > MAX_SKEW_SECONDS:
        raise AuthError("skew", "Signature not yet current: %s is still later than %s (%s + 15 min.)" % (
            amz_date_text, _fmt(now, MAX_SKEW_SECONDS), _fmt(now, 0)))

    payload_hash = hashlib.sha256(body or b"").hexdigest()
    sent_payload_hash = _header(header_pairs, "x-amz-content-sha256")
    if sent_payload_hash is not None and sent_payload_hash.strip() not in (payload_hash, "UNSIGNED-PAYLOAD"):
        raise AuthError("signature", "The provided 'x-amz-content-sha256' header does not match what was computed.")
    if sent_payload_hash is not None and sent_payload_hash.strip() == "UNSIGNED-PAYLOAD":
        payload_hash = "UNSIGNED-PAYLOAD"

    creq = build_canonical_request(method, raw_path, raw_query, header_pairs, parsed["signed_headers"],
                                   payload_hash, normalize)
    scope = "/".join([parsed["date"], parsed["region"], parsed["service"], "aws4_request"])
    sts = build_string_to_sign(amz_date_text, scope, creq)
    expected = compute_signature(record["secret"], parsed["date"], parsed["region"], parsed["service"], sts)
    details = {"canonical_request": creq, "string_to_sign": sts, "scope": scope, "region": parsed["region"],
               "access_key": parsed["access_key"], "signature": expected}
    if not hmac.compare_digest(expected, parsed["signature"]):
        raise AuthError("signature", SIGNATURE_MISMATCH)
    return record, details


def _fmt(now, offset_seconds):
    from datetime import timedelta
    return (now + timedelta(seconds=offset_seconds)).strftime("%Y%m%dT%H%M%SZ")
