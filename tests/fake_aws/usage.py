"""usage.py - what the emulated account has used, and the two services that
report it: CloudWatch GetMetricData / ListMetrics (awsJson1_0, namespace
AWS/Bedrock, dimension ModelId) and Cost Explorer GetCostAndUsage
(awsJson1_1, grouped by cost-allocation tags).  Owns the usage records (per
CloudWatch ModelId and UTC minute: invocations, input / output / cache-read /
cache-write tokens, throttles, client and server errors), the bulk seeding of
records for tests, the emulator's price table and billing lag, and the wire
rules of shared/reference/aws-governance.md for both services.

The ModelId of an application profile's traffic is its profile ID (the last
ARN segment), of a system profile its ID, of a bare model its model ID.
The cache-token metric names are unconfirmed in AWS's docs, so they are a
setting (`cache_metric_names`); null means the metric is not published.
"""

import base64
import hashlib
import json
import os
import re
import threading
import time
from datetime import date, datetime, timedelta, timezone

from state import ApiError

NAMESPACE = "AWS/Bedrock"
FIELDS = ("invocations", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens",
          "throttles", "client_errors", "server_errors")
# Metric name -> record field (the cache names come from the settings).
BASE_METRICS = {"Invocations": "invocations", "InputTokenCount": "input_tokens",
                "OutputTokenCount": "output_tokens", "InvocationThrottles": "throttles",
                "InvocationClientErrors": "client_errors", "InvocationServerErrors": "server_errors"}
DEFAULT_CACHE_NAMES = {"read": "CacheReadInputTokenCount", "write": "CacheWriteInputTokenCount"}
# USD per 1,000 tokens: the table clinecfg ships (packaging/prices.json), so
# the billed cost and clinecfg's estimate agree; tests may replace it.
PRICES_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "packaging", "prices.json")
FALLBACK_PRICES = {
    "anthropic.claude-sonnet-4-5-20250929-v1:0": {"input": 0.003, "output": 0.015, "cache_read": 0.0003,
                                                  "cache_write": 0.00375},
}


def _default_prices():
    try:
        with open(PRICES_FILE, encoding="utf-8") as f:
            table = json.load(f)
    except (OSError, ValueError):
        return dict(FALLBACK_PRICES)
    return {k: v for k, v in table.items() if isinstance(v, dict)}


DEFAULT_PRICES = _default_prices()
PRICE_FIELDS = {"input": "input_tokens", "output": "output_tokens", "cache_read": "cache_read_tokens",
                "cache_write": "cache_write_tokens"}
STATS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
QUERY_ID_RE = re.compile(r"[a-z][a-zA-Z0-9_]*")
MAX_QUERIES = 500
MAX_DATAPOINTS = 100800
LIST_METRICS_PAGE = 500
CE_METRICS = ("UnblendedCost", "BlendedCost", "AmortizedCost", "NetUnblendedCost", "NetAmortizedCost")


def cw_error(code, message, name=None, status=400):
    """A CloudWatch (query-compatible awsJson1_0) error: `code` goes to
    x-amzn-query-error, `name` (the modelled shape) to __type."""
    return ApiError(name or code, message, status, {"query_code": code})


def cw_validation(message):
    return cw_error("ValidationError", message, "ValidationException")


def ce_validation(message):
    return ApiError("ValidationException", message, 400)


def parse_time(value):
    """Epoch seconds (number) or ISO 8601 -> epoch seconds (float)."""
    if isinstance(value, bool):
        raise ValueError("boolean")
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).replace("Z", "+00:00")
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


def service_name(base_model):
    """The Cost Explorer SERVICE a model is billed under: third-party models
    through AWS Marketplace under their own names (aws-governance.md)."""
    if base_model and base_model.startswith("anthropic."):
        return "Claude (Amazon Bedrock Edition)"
    return "Amazon Bedrock"


class Usage:
    """Records and settings; one lock.  `state` resolves model ids and tags."""

    def __init__(self, state, seed_usage=None):
        self.state = state
        self.lock = threading.Lock()
        self.records = {}  # model_id -> {minute epoch: [8 counters]}
        self.base = {}  # model_id -> base model id (for prices)
        self.config = {"cache_metric_names": dict(DEFAULT_CACHE_NAMES), "ce_lag_seconds": 0,
                       "prices": dict(DEFAULT_PRICES), "cw_max_datapoints": MAX_DATAPOINTS,
                       "ce_page_groups": 10000}
        self.ce_calls = 0
        self.caches = {}
        seed_usage = seed_usage or {}
        self.configure({k: v for k, v in seed_usage.items() if k not in ("records", "generate")})
        if seed_usage.get("records"):
            self.add_records(seed_usage["records"])
        if seed_usage.get("generate"):
            self.generate(seed_usage["generate"])

    # ------------------------------------------------------------ settings
    def configure(self, data):
        with self.lock:
            if "cache_metric_names" in data:
                names = data["cache_metric_names"] or {}
                self.config["cache_metric_names"] = {"read": names.get("read"), "write": names.get("write")}
            for key in ("ce_lag_seconds", "cw_max_datapoints", "ce_page_groups"):
                if key in data:
                    self.config[key] = int(data[key])
            if "prices" in data:
                self.config["prices"] = dict(data["prices"] or {})
            return json.loads(json.dumps(self.config))

    def metric_fields(self):
        """Published metric name -> record field."""
        out = dict(BASE_METRICS)
        names = self.config["cache_metric_names"]
        if names.get("read"):
            out[names["read"]] = "cache_read_tokens"
        if names.get("write"):
            out[names["write"]] = "cache_write_tokens"
        return out

    # ------------------------------------------------------------- records
    def record(self, model_id, base_model, when=None, **counts):
        """Adds one observation (counts by FIELDS name) at `when` (epoch s)."""
        minute = int((when if when is not None else time.time()) // 60 * 60)
        with self.lock:
            self._add(model_id, base_model, minute, [int(counts.get(f, 0) or 0) for f in FIELDS])

    def _add(self, model_id, base_model, minute, values):
        row = self.records.setdefault(model_id, {}).setdefault(minute, [0] * len(FIELDS))
        for i, v in enumerate(values):
            row[i] += v
        if base_model:
            self.base[model_id] = base_model

    def add_records(self, records):
        count = 0
        for rec in records:
            model_id = rec["model_id"]
            base = rec.get("base_model") or self.state.base_model_for(model_id)
            when = parse_time(rec.get("time", time.time()))
            values = [int(rec.get(f, 0) or 0) for f in FIELDS]
            if "invocations" not in rec and (values[1] or values[2]):
                values[0] = 1
            with self.lock:
                self._add(model_id, base, int(when // 60 * 60), values)
            count += 1
        return {"records": count}

    def generate(self, spec):
        """Deterministic bulk usage: for each profile (application profile
        ids: "all", "fillers", or a list of ModelIds), one record per day for
        `days` days ending at `end` (epoch s or ISO; default now), at a minute
        derived from the id.  Token counts follow a hash of (id, day) scaled
        by `scale`.  Returns per-ModelId totals so tests know what to expect."""
        who = spec.get("profiles", "all")
        if isinstance(who, list):
            ids = list(who)
        else:
            ids = self.state.app_profile_ids(fillers_only=(who == "fillers"))
        days = int(spec.get("days", 30))
        end = parse_time(spec.get("end", time.time()))
        scale = int(spec.get("scale", 1000))
        cache = bool(spec.get("cache", True))
        totals = {}
        with self.lock:
            for model_id in ids:
                base = self.state.base_model_for(model_id)
                digest = hashlib.sha256(model_id.encode()).digest()
                minute_of_day = int.from_bytes(digest[:2], "big") % 1440
                total = [0] * len(FIELDS)
                for day in range(days):
                    day_start = int(end // 86400 * 86400) - day * 86400
                    when = day_start + minute_of_day * 60
                    if when + 60 > end:  # the current minute is not complete (nor billed) yet
                        when -= 86400
                    h = hashlib.sha256(b"%s/%d" % (model_id.encode(), day)).digest()
                    inv = 1 + h[0] % 20
                    values = [inv, inv * scale + h[1] * 10, inv * scale // 4 + h[2],
                              (inv * scale // 2) if cache else 0, (h[3] * 10) if cache else 0,
                              h[4] % 3, h[5] % 2, 0]
                    self._add(model_id, base, when // 60 * 60, values)
                    total = [a + b for a, b in zip(total, values)]
                totals[model_id] = dict(zip(FIELDS, total))
        return {"records": len(ids) * days, "totals": totals}

    def totals(self, model_id=None, since=None, until=None):
        since = parse_time(since) if since is not None else float("-inf")
        until = parse_time(until) if until is not None else float("inf")
        out = {}
        with self.lock:
            for mid, rows in self.records.items():
                if model_id and mid != model_id:
                    continue
                total = [0] * len(FIELDS)
                for minute, row in rows.items():
                    if since <= minute < until:
                        total = [a + b for a, b in zip(total, row)]
                out[mid] = dict(zip(FIELDS, total))
        return {"totals": out, "model_ids": len(out)}

    def reset(self):
        with self.lock:
            self.records.clear()
            self.base.clear()
            self.caches.clear()
            self.ce_calls = 0

    def reset_counters(self):
        with self.lock:
            self.ce_calls = 0

    def prompt_cache(self, model_id):
        """The set of prompt prefixes cached for a ModelId (runtime.py)."""
        with self.lock:
            return self.caches.setdefault(model_id, set())

    # ---------------------------------------------------------- CloudWatch
    def list_metrics(self, body, now):
        namespace = body.get("Namespace")
        name_filter = body.get("MetricName")
        dims = body.get("Dimensions") or []
        if not isinstance(dims, list) or len(dims) > 10:
            raise cw_validation("Dimensions must be a list of at most 10 filters.")
        wanted_value = None
        for d in dims:
            if not isinstance(d, dict) or d.get("Name") != "ModelId":
                return {"Metrics": []}  # Bedrock publishes ModelId only
            wanted_value = d.get("Value")
        if namespace not in (None, NAMESPACE):
            return {"Metrics": []}
        recent = now - 14 * 86400  # metrics without data for two weeks are not listed
        if body.get("RecentlyActive") == "PT3H":
            recent = now - 3 * 3600
        fields = self.metric_fields()
        metrics = []
        with self.lock:
            for model_id in sorted(self.records):
                if wanted_value is not None and model_id != wanted_value:
                    continue
                if not any(m >= recent for m in self.records[model_id]):
                    continue
                for metric in sorted(fields):
                    if name_filter and metric != name_filter:
                        continue
                    metrics.append({"Namespace": NAMESPACE, "MetricName": metric,
                                    "Dimensions": [{"Name": "ModelId", "Value": model_id}]})
        start = 0
        token = body.get("NextToken")
        if token:
            start = self._decode_token(token, "ListMetrics")
        page = metrics[start:start + LIST_METRICS_PAGE]
        out = {"Metrics": page}
        if start + LIST_METRICS_PAGE < len(metrics):
            out["NextToken"] = self._encode_token("ListMetrics", start + LIST_METRICS_PAGE)
        return out

    @staticmethod
    def _encode_token(kind, offset, extra=""):
        raw = json.dumps({"k": kind, "o": offset, "x": extra}).encode()
        return base64.b64encode(raw).decode()

    @staticmethod
    def _decode_token(token, kind, extra=""):
        try:
            data = json.loads(base64.b64decode(token, validate=True))
            if data["k"] != kind or data.get("x", "") != extra:
                raise ValueError
            return int(data["o"])
        except (ValueError, KeyError, TypeError):
            raise cw_error("InvalidNextToken", "The service couldn't process the NextToken.", "InvalidNextToken")

    def _series(self, stat, now):
        """Values per period start for one MetricStat, or None when the
        metric does not exist (then the result is empty)."""
        metric = stat.get("Metric") or {}
        name = metric.get("MetricName")
        period = stat.get("Period")
        kind = stat.get("Stat")
        if not isinstance(period, int) or isinstance(period, bool) or period < 1 or \
                (period >= 60 and period % 60) or (period < 60 and period not in (1, 5, 10, 30)):
            raise cw_validation("The parameter MetricStat.Period must be 1, 5, 10, 30 or a multiple of 60.")
        if kind not in STATS and not re.fullmatch(r"p\d+(\.\d+)?", str(kind or "")):
            raise cw_validation("The parameter MetricStat.Stat is not a valid statistic: %s" % kind)
        dims = metric.get("Dimensions") or []
        field = self.metric_fields().get(name)
        if metric.get("Namespace") != NAMESPACE or field is None or len(dims) != 1 or \
                dims[0].get("Name") != "ModelId":
            return {}
        rows = self.records.get(dims[0].get("Value"), {})
        index = FIELDS.index(field)
        kept = 15 * 86400 if period < 300 else 63 * 86400 if period < 3600 else 455 * 86400
        buckets = {}
        for minute, row in rows.items():
            if minute < now - kept:
                continue
            buckets.setdefault(minute // period * period, []).append(row[index])
        out = {}
        for start, values in buckets.items():
            if kind == "Sum":
                out[start] = float(sum(values))
            elif kind == "SampleCount":
                out[start] = float(len(values))
            elif kind == "Average":
                out[start] = sum(values) / len(values)
            elif kind == "Minimum":
                out[start] = float(min(values))
            else:
                out[start] = float(max(values))
        return out

    def get_metric_data(self, body, now):
        queries = body.get("MetricDataQueries")
        if not isinstance(queries, list) or not queries:
            raise cw_validation("The parameter MetricDataQueries is required.")
        if len(queries) > MAX_QUERIES:
            raise cw_validation("The collection MetricDataQueries must not have a size greater than %d."
                                % MAX_QUERIES)
        try:
            start = parse_time(body["StartTime"])
            end = parse_time(body["EndTime"])
        except (KeyError, ValueError, TypeError):
            raise cw_validation("The parameters StartTime and EndTime are required (epoch seconds).")
        if start >= end:
            raise cw_error("InvalidParameterValue", "The parameter StartTime must be less than the parameter "
                           "EndTime.", "InvalidParameterValueException")
        scan = body.get("ScanBy", "TimestampDescending")
        if scan not in ("TimestampAscending", "TimestampDescending"):
            raise cw_validation("The parameter ScanBy must be TimestampAscending or TimestampDescending.")
        ids = set()
        series = {}
        with self.lock:
            for q in queries:
                qid = q.get("Id") if isinstance(q, dict) else None
                if not isinstance(qid, str) or not QUERY_ID_RE.fullmatch(qid) or len(qid) > 255:
                    raise cw_validation("The value %r for parameter MetricDataQueries.member.Id is invalid: "
                                        "it must start with a lower-case letter." % (qid,))
                if qid in ids:
                    raise cw_validation("The values for parameter Id in MetricDataQueries are not unique.")
                ids.add(qid)
                if ("MetricStat" in q) == ("Expression" in q):
                    raise cw_validation("Exactly one of MetricStat and Expression must be set in query %s." % qid)
                if "MetricStat" in q:
                    series[qid] = self._series(q["MetricStat"], now)
        for q in queries:
            if "Expression" in q:
                series[q["Id"]] = evaluate(q["Expression"], series)
        results = []
        for q in queries:
            if q.get("ReturnData", True) is False:
                continue
            points = sorted((t, v) for t, v in series[q["Id"]].items() if start <= t < end and v == v)
            if scan == "TimestampDescending":
                points.reverse()
            label = q.get("Label") or (q.get("MetricStat", {}).get("Metric", {}).get("MetricName") or q["Id"])
            results.append((q["Id"], label, points))
        return self._page(results, body)

    def _page(self, results, body):
        limit = self.config["cw_max_datapoints"]
        if isinstance(body.get("MaxDatapoints"), int) and body["MaxDatapoints"] > 0:
            limit = min(limit, body["MaxDatapoints"])
        fingerprint = hashlib.sha256(json.dumps(body.get("MetricDataQueries"), sort_keys=True).encode()
                                     ).hexdigest()[:16]
        skip = self._decode_token(body["NextToken"], "GetMetricData", fingerprint) if body.get("NextToken") else 0
        out = []
        seen = 0
        used = 0
        more = False
        for qid, label, points in results:
            lo = max(0, skip - seen)
            seen += len(points)
            if lo >= len(points) and points:
                continue
            room = limit - used
            if room <= 0:
                more = True
                break
            part = points[lo:lo + room]
            used += len(part)
            complete = lo + len(part) >= len(points)
            out.append({"Id": qid, "Label": label, "Timestamps": [int(t) for t, _ in part],
                        "Values": [v for _, v in part], "StatusCode": "Complete" if complete else "PartialData"})
            if not complete:
                more = True
                break
        reply = {"MetricDataResults": out, "Messages": []}
        if more:
            reply["NextToken"] = self._encode_token("GetMetricData", skip + used, fingerprint)
        return reply

    # -------------------------------------------------------- Cost Explorer
    def get_cost_and_usage(self, body, now):
        period = body.get("TimePeriod") or {}
        try:
            start = date.fromisoformat(period["Start"])
            end = date.fromisoformat(period["End"])
        except (KeyError, ValueError, TypeError):
            raise ce_validation("TimePeriod.Start and TimePeriod.End are required dates (YYYY-MM-DD).")
        if start >= end:
            raise ce_validation("Start date (%s) is after or equal to end date (%s)." % (start, end))
        granularity = body.get("Granularity")
        if granularity not in ("DAILY", "MONTHLY", "HOURLY"):
            raise ce_validation("Granularity must be DAILY, MONTHLY or HOURLY.")
        metrics = body.get("Metrics")
        if not isinstance(metrics, list) or not metrics or any(m not in CE_METRICS + ("UsageQuantity",)
                                                               for m in metrics):
            raise ce_validation("Metrics must be a non-empty list of UnblendedCost, BlendedCost, AmortizedCost, "
                                "NetUnblendedCost, NetAmortizedCost or UsageQuantity.")
        group_by = body.get("GroupBy") or []
        if len(group_by) > 2:
            raise ce_validation("GroupBy can have at most two elements.")
        for g in group_by:
            if not isinstance(g, dict) or g.get("Type") not in ("TAG", "DIMENSION") or not g.get("Key"):
                raise ce_validation("Each GroupBy needs Type TAG or DIMENSION and a Key.")
        with self.lock:
            self.ce_calls += 1
            lines = self._billed_lines(now)
        active = self.state.active_cost_tags()
        periods = _periods(start, end, granularity)
        buckets = {}  # (period index, group keys) -> [cost, quantity]
        for when, base, tags, region, cost, quantity in lines:
            idx = _period_index(periods, when)
            if idx is None:
                continue
            facts = {"tags": {k: v for k, v in tags.items() if k in active}, "service": service_name(base),
                     "region": region}
            if body.get("Filter") and not _match(body["Filter"], facts):
                continue
            keys = tuple(_group_key(g, facts) for g in group_by)
            acc = buckets.setdefault((idx, keys), [0.0, 0.0])
            acc[0] += cost
            acc[1] += quantity
        month_start = datetime.fromtimestamp(now, timezone.utc).date().replace(day=1)
        results = []
        for idx, (p_start, p_end) in enumerate(periods):
            groups = sorted((keys, acc) for (i, keys), acc in buckets.items() if i == idx)
            entry = {"TimePeriod": {"Start": _fmt(p_start, granularity), "End": _fmt(p_end, granularity)},
                     "Total": {}, "Groups": [], "Estimated": _as_date(p_end) > month_start}
            if group_by:
                entry["Groups"] = [{"Keys": list(keys), "Metrics": _amounts(metrics, acc)} for keys, acc in groups]
            else:
                acc = [sum(a[0] for _, a in groups), sum(a[1] for _, a in groups)]
                entry["Total"] = _amounts(metrics, acc)
            results.append(entry)
        return self._ce_page(results, body)

    def _ce_page(self, results, body):
        limit = self.config["ce_page_groups"]
        skip = 0
        if body.get("NextPageToken"):
            try:
                skip = self._decode_token(body["NextPageToken"], "GetCostAndUsage")
            except ApiError:
                raise ApiError("InvalidNextTokenException", "The NextPageToken is not valid.", 400)
        out, seen, used, more = [], 0, 0, False
        for entry in results:
            n = max(1, len(entry["Groups"]))
            if seen + n <= skip:
                seen += n
                continue
            if used + n > limit and used > 0:
                more = True
                break
            out.append(entry)
            seen += n
            used += n
        reply = {"GroupDefinitions": body.get("GroupBy") or [], "ResultsByTime": out,
                 "DimensionValueAttributes": []}
        if more:
            reply["NextPageToken"] = self._encode_token("GetCostAndUsage", seen)
        return reply

    def _billed_lines(self, now):
        """(time, base model, tags, region, USD, tokens) for every record old
        enough to be billed (lock held)."""
        cutoff = now - self.config["ce_lag_seconds"]
        prices = self.config["prices"]
        lines = []
        for model_id, rows in self.records.items():
            base = self.base.get(model_id)
            price = prices.get(base) or {}
            tags, region = self.state.tags_for_model_id(model_id)
            for minute, row in rows.items():
                if minute + 60 > cutoff:
                    continue
                cost = sum(row[FIELDS.index(field)] / 1000.0 * float(price.get(key, 0) or 0)
                           for key, field in PRICE_FIELDS.items())
                quantity = sum(row[FIELDS.index(f)] for f in PRICE_FIELDS.values())
                lines.append((minute, base, tags, region, cost, quantity))
        return lines

    def stats(self):
        with self.lock:
            return {"ce_get_cost_and_usage_calls": self.ce_calls, "ce_cost_usd": round(self.ce_calls * 0.01, 2),
                    "usage_model_ids": len(self.records)}


# ------------------------------------------------------------- CE helpers
def _as_date(d):
    return d.date() if isinstance(d, datetime) else d


def _periods(start, end, granularity):
    out = []
    if granularity == "HOURLY":
        cur = datetime(start.year, start.month, start.day, tzinfo=timezone.utc)
        stop = datetime(end.year, end.month, end.day, tzinfo=timezone.utc)
        while cur < stop:
            out.append((cur, cur + timedelta(hours=1)))
            cur += timedelta(hours=1)
        return out
    cur = start
    while cur < end:
        if granularity == "DAILY":
            nxt = cur + timedelta(days=1)
        else:
            nxt = (cur.replace(day=1) + timedelta(days=32)).replace(day=1)
        nxt = min(nxt, end)
        out.append((cur, nxt))
        cur = nxt
    return out


def _period_index(periods, when):
    for i, (p_start, p_end) in enumerate(periods):
        lo = p_start.timestamp() if isinstance(p_start, datetime) else \
            datetime(p_start.year, p_start.month, p_start.day, tzinfo=timezone.utc).timestamp()
        hi = p_end.timestamp() if isinstance(p_end, datetime) else \
            datetime(p_end.year, p_end.month, p_end.day, tzinfo=timezone.utc).timestamp()
        if lo <= when < hi:
            return i
    return None


def _fmt(value, granularity):
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def _amounts(metrics, acc):
    out = {}
    for m in metrics:
        if m == "UsageQuantity":
            out[m] = {"Amount": "%d" % acc[1], "Unit": "N/A"}
        else:
            out[m] = {"Amount": ("%.10f" % acc[0]).rstrip("0").rstrip(".") or "0", "Unit": "USD"}
    return out


def _group_key(group, facts):
    if group["Type"] == "TAG":
        return "%s$%s" % (group["Key"], facts["tags"].get(group["Key"], ""))
    if group["Key"] == "SERVICE":
        return facts["service"]
    if group["Key"] == "REGION":
        return facts["region"] or ""
    return "NoDimension"


def _match(expr, facts):
    if not isinstance(expr, dict):
        raise ce_validation("Filter must be an expression object.")
    if "And" in expr:
        return all(_match(e, facts) for e in expr["And"])
    if "Or" in expr:
        return any(_match(e, facts) for e in expr["Or"])
    if "Not" in expr:
        return not _match(expr["Not"], facts)
    if "Tags" in expr:
        spec = expr["Tags"]
        value = facts["tags"].get(spec.get("Key"))
        options = spec.get("MatchOptions") or ["EQUALS"]
        if "ABSENT" in options:
            return value is None or value == ""
        return value is not None and value in (spec.get("Values") or [])
    if "Dimensions" in expr:
        spec = expr["Dimensions"]
        key = spec.get("Key")
        value = facts["service"] if key == "SERVICE" else facts["region"] if key == "REGION" else None
        return value in (spec.get("Values") or [])
    raise ce_validation("Filter expression has no And, Or, Not, Tags or Dimensions.")


# ------------------------------------------------------------ metric math
TOKEN_RE = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([a-z][a-zA-Z0-9_]*)|(SUM)|(.))")


def evaluate(expression, series):
    """Metric math over query results: numbers, query Ids, + - * /,
    parentheses and SUM([a, b, ...]).  A binary operation yields a point
    where both sides have one (a number applies to every point); SUM adds
    the points each timestamp has."""
    tokens = []
    for number, ident, func, other in TOKEN_RE.findall(expression or ""):
        if number:
            tokens.append(("num", float(number)))
        elif func:
            tokens.append(("sum", None))
        elif ident:
            if ident not in series:
                raise cw_validation("Error in expression %s: unknown metric %s." % (expression, ident))
            tokens.append(("ref", series[ident]))
        elif other.strip():
            tokens.append(("op", other))
    pos = [0]

    def peek():
        return tokens[pos[0]] if pos[0] < len(tokens) else ("end", None)

    def take(kind, value=None):
        tok = peek()
        if tok[0] != kind or (value is not None and tok[1] != value):
            raise cw_validation("Syntax error in metric math expression: %s" % expression)
        pos[0] += 1
        return tok

    def combine(a, b, fn):
        if isinstance(a, float) and isinstance(b, float):
            return fn(a, b)
        if isinstance(a, float):
            return {t: fn(a, v) for t, v in b.items()}
        if isinstance(b, float):
            return {t: fn(v, b) for t, v in a.items()}
        return {t: fn(a[t], b[t]) for t in a if t in b}

    def atom():
        kind, value = peek()
        if kind == "num":
            pos[0] += 1
            return value
        if kind == "ref":
            pos[0] += 1
            return value
        if kind == "sum":
            pos[0] += 1
            take("op", "(")
            take("op", "[")
            parts = [expr()]
            while peek() == ("op", ","):
                pos[0] += 1
                parts.append(expr())
            take("op", "]")
            take("op", ")")
            total = {}
            for part in parts:
                for t, v in (part.items() if isinstance(part, dict) else []):
                    total[t] = total.get(t, 0.0) + v
            return total
        take("op", "(")
        inner = expr()
        take("op", ")")
        return inner

    def term():
        left = atom()
        while peek() in (("op", "*"), ("op", "/")):
            op = take("op")[1]
            right = atom()
            left = combine(left, right, (lambda x, y: x * y) if op == "*" else
                           (lambda x, y: x / y if y else float("nan")))
        return left

    def expr():
        left = term()
        while peek() in (("op", "+"), ("op", "-")):
            op = take("op")[1]
            right = term()
            left = combine(left, right, (lambda x, y: x + y) if op == "+" else (lambda x, y: x - y))
        return left

    result = expr()
    if peek()[0] != "end":
        raise cw_validation("Syntax error in metric math expression: %s" % expression)
    return result if isinstance(result, dict) else {}
