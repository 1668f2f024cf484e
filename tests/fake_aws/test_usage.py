"""test_usage.py - self-tests of the emulator's usage side (usage.py) over
real loopback HTTP: the runtime records what it serves (tokens, cache
tokens, throttles, errors per CloudWatch ModelId), CloudWatch GetMetricData
and ListMetrics (awsJson1_0: limits, paging, metric math, error headers,
configurable cache metric names), Cost Explorer GetCostAndUsage (tags,
active tags only, lag, Marketplace service names, call counter), denial per
principal and action, bulk seeding of 30 days for 5,000 profiles."""

import json
import os
import sys
import time
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from awsclient import ServerProcess, load_seed, quote, user_client  # noqa: E402

REGION = "ap-northeast-1"
CAROL_ID = None  # set from the admin state
SONNET = {"input": 0.003, "output": 0.015, "cache_read": 0.0003, "cache_write": 0.00375}


def cw(client, op, body):
    return client.call("POST", "/", body=json.dumps(body).encode(), service="monitoring",
                       content_type="application/x-amz-json-1.0",
                       extra={"x-amz-target": "GraniteServiceVersion20100801." + op, "x-amzn-query-mode": "true"})


def ce(client, body):
    return client.call("POST", "/", body=json.dumps(body).encode(), service="ce",
                       content_type="application/x-amz-json-1.1",
                       extra={"x-amz-target": "AWSInsightsIndexService.GetCostAndUsage"})


def stat_query(qid, metric, model_id, period=86400, stat="Sum"):
    return {"Id": qid, "MetricStat": {"Metric": {"Namespace": "AWS/Bedrock", "MetricName": metric,
                                                 "Dimensions": [{"Name": "ModelId", "Value": model_id}]},
                                      "Period": period, "Stat": stat}, "ReturnData": True}


def today_utc():
    return time.strftime("%Y-%m-%d", time.gmtime())


def day_offset(days):
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() + days * 86400))


class UsageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = ServerProcess()
        cls.seed = load_seed()
        state = cls.srv.admin("GET", "state?fillers=0")
        cls.carol = next(p for p in state["application_profiles"] if p["name"] == "platform-bedrock-carol")

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    def setUp(self):
        self.srv.admin("POST", "usage/reset")
        self.srv.admin("POST", "usage/config", {"cache_metric_names": {"read": "CacheReadInputTokenCount",
                                                                       "write": "CacheWriteInputTokenCount"},
                                                "ce_lag_seconds": 0, "cw_max_datapoints": 100800})

    def client(self, name="alice", region=REGION):
        return user_client(self.srv.port, name, self.seed, region=region)

    def converse(self, body, name="carol"):
        path = "/model/%s/converse" % quote(self.carol["arn"])
        return self.client(name).call("POST", path, body=json.dumps(body).encode(), content_type="application/json")

    def test_runtime_records_tokens_per_profile_id(self):
        r = self.converse({"messages": [{"role": "user", "content": [{"text": "one two three four"}]}]})
        self.assertEqual(r.status, 200, r)
        usage = r.json()["usage"]
        body = {"system": [{"text": "a b c d e f g h"}, {"cachePoint": {"type": "default"}}],
                "messages": [{"role": "user", "content": [{"text": "x y"}]}]}
        first = self.converse(body).json()["usage"]
        second = self.converse(body).json()["usage"]
        self.assertEqual((first["cacheWriteInputTokens"], second["cacheReadInputTokens"]), (8, 8))
        self.assertEqual(first["inputTokens"], 2)
        bad = self.converse({"messages": [{"role": "user", "content": [{"text": "x"}]}],
                             "inferenceConfig": {"maxTokens": 0}})
        self.assertEqual(bad.status, 400)
        totals = self.srv.admin("GET", "usage?model_id=" + self.carol["id"])["totals"][self.carol["id"]]
        self.assertEqual(totals["invocations"], 3)
        self.assertEqual(totals["input_tokens"], usage["inputTokens"] + 4)
        self.assertEqual(totals["output_tokens"], usage["outputTokens"] + first["outputTokens"] * 2)
        self.assertEqual((totals["cache_write_tokens"], totals["cache_read_tokens"]), (8, 8))
        self.assertEqual(totals["client_errors"], 1)
        # The same figures come back from GetMetricData under ModelId = the profile ID.
        now = int(time.time())
        queries = [stat_query("inv", "Invocations", self.carol["id"], 60),
                   stat_query("tin", "InputTokenCount", self.carol["id"], 60),
                   stat_query("cr", "CacheReadInputTokenCount", self.carol["id"], 60),
                   stat_query("err", "InvocationClientErrors", self.carol["id"], 60),
                   {"Id": "both", "Expression": "inv + err"},
                   {"Id": "arn", "MetricStat": {"Metric": {"Namespace": "AWS/Bedrock", "MetricName": "Invocations",
                                                           "Dimensions": [{"Name": "ModelId",
                                                                           "Value": self.carol["arn"]}]},
                                                "Period": 60, "Stat": "Sum"}}]
        r = cw(self.client(), "GetMetricData", {"MetricDataQueries": queries, "StartTime": now - 600,
                                                 "EndTime": now + 120, "ScanBy": "TimestampAscending"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["content-type"], "application/x-amz-json-1.0")
        got = {res["Id"]: sum(res["Values"]) for res in r.json()["MetricDataResults"]}
        self.assertEqual(got, {"inv": 3, "tin": totals["input_tokens"], "cr": 8, "err": 1, "both": 4, "arn": 0})
        for res in r.json()["MetricDataResults"]:
            self.assertEqual(res["StatusCode"], "Complete")
            self.assertTrue(all(isinstance(t, int) for t in res["Timestamps"]))

    def test_throttles_are_recorded(self):
        self.srv.admin("POST", "knobs", {"throttle": {"Converse": 0.001}})
        try:
            body = {"messages": [{"role": "user", "content": [{"text": "hi"}]}]}
            statuses = [self.converse(body).status for _ in range(3)]
        finally:
            self.srv.admin("POST", "knobs", {"throttle": {}})
        self.assertEqual(statuses, [200, 429, 429])
        totals = self.srv.admin("GET", "usage")["totals"][self.carol["id"]]
        self.assertEqual((totals["invocations"], totals["throttles"]), (1, 2))

    def test_get_metric_data_limits_and_errors(self):
        c = self.client()
        now = int(time.time())
        too_many = [stat_query("q%d" % i, "Invocations", "x") for i in range(501)]
        r = cw(c, "GetMetricData", {"MetricDataQueries": too_many, "StartTime": now - 3600, "EndTime": now})
        self.assertEqual(r.status, 400)
        self.assertEqual(r.headers["x-amzn-query-error"], "ValidationError;Sender")
        self.assertTrue(r.json()["__type"].endswith("#ValidationException"))
        ok = cw(c, "GetMetricData", {"MetricDataQueries": too_many[:500], "StartTime": now - 3600, "EndTime": now})
        self.assertEqual(ok.status, 200, ok)
        self.assertEqual(len(ok.json()["MetricDataResults"]), 500)
        for bad in ([{"Id": "Upper", "MetricStat": too_many[0]["MetricStat"]}],
                    [too_many[0], too_many[0]]):
            r = cw(c, "GetMetricData", {"MetricDataQueries": bad, "StartTime": now - 60, "EndTime": now})
            self.assertEqual((r.status, r.headers["x-amzn-query-error"]), (400, "ValidationError;Sender"))
        r = cw(c, "GetMetricData", {"MetricDataQueries": too_many[:1], "StartTime": now, "EndTime": now - 60})
        self.assertEqual(r.headers["x-amzn-query-error"], "InvalidParameterValue;Sender")
        r = cw(c, "GetMetricData", {"MetricDataQueries": too_many[:1], "StartTime": now - 60, "EndTime": now,
                                    "NextToken": "bogus"})
        self.assertEqual(r.headers["x-amzn-query-error"], "InvalidNextToken;Sender")
        # Wrong signing service is refused like any other AWS front end.
        r = c.call("POST", "/", body=b"{}", service="cloudwatch", content_type="application/x-amz-json-1.0",
                   extra={"x-amz-target": "GraniteServiceVersion20100801.ListMetrics"})
        self.assertEqual((r.status, r.headers["x-amzn-query-error"]), (403, "SignatureDoesNotMatch;Sender"))

    def test_paging_with_next_token(self):
        self.srv.admin("POST", "usage/config", {"cw_max_datapoints": 7})
        now = int(time.time()) // 60 * 60
        records = [{"model_id": "pagetest0001", "time": now - 60 * i, "input_tokens": i + 1} for i in range(10)]
        records += [{"model_id": "pagetest0002", "time": now - 60 * i, "input_tokens": 100} for i in range(5)]
        self.srv.admin("POST", "usage/records", {"records": records})
        body = {"MetricDataQueries": [stat_query("a", "InputTokenCount", "pagetest0001", 60),
                                      stat_query("b", "InputTokenCount", "pagetest0002", 60)],
                "StartTime": now - 3600, "EndTime": now + 60, "ScanBy": "TimestampAscending"}
        values, pages, statuses = {"a": [], "b": []}, 0, []
        while True:
            r = cw(self.client(), "GetMetricData", body).json()
            pages += 1
            for res in r["MetricDataResults"]:
                values[res["Id"]] += res["Values"]
                statuses.append(res["StatusCode"])
            if not r.get("NextToken"):
                break
            body["NextToken"] = r["NextToken"]
        self.assertEqual(pages, 3)
        self.assertEqual((sum(values["a"]), sum(values["b"])), (55, 500))
        self.assertIn("PartialData", statuses)
        self.assertEqual(sorted(values["a"]), [float(i) for i in range(1, 11)])

    def test_list_metrics_and_configurable_cache_names(self):
        now = time.time()
        self.srv.admin("POST", "usage/records", {"records": [{"model_id": "listtest0001", "time": now,
                                                              "input_tokens": 5, "cache_read_tokens": 3}]})
        c = self.client()

        def names():
            r = cw(c, "ListMetrics", {"Namespace": "AWS/Bedrock",
                                      "Dimensions": [{"Name": "ModelId", "Value": "listtest0001"}]})
            self.assertEqual(r.status, 200, r)
            return sorted(m["MetricName"] for m in r.json()["Metrics"])
        self.assertIn("CacheReadInputTokenCount", names())
        self.assertIn("InvocationThrottles", names())
        self.srv.admin("POST", "usage/config", {"cache_metric_names": None})
        self.assertEqual(names(), ["InputTokenCount", "InvocationClientErrors", "InvocationServerErrors",
                                   "InvocationThrottles", "Invocations", "OutputTokenCount"])
        q = stat_query("c", "CacheReadInputTokenCount", "listtest0001", 60)
        r = cw(c, "GetMetricData", {"MetricDataQueries": [q], "StartTime": int(now) - 600, "EndTime": int(now) + 60})
        self.assertEqual(r.json()["MetricDataResults"][0]["Values"], [])
        self.srv.admin("POST", "usage/config", {"cache_metric_names": {"read": "CacheReadTokens", "write": None}})
        self.assertIn("CacheReadTokens", names())
        r = cw(c, "ListMetrics", {"Namespace": "AWS/Bedrock", "MetricName": "CacheReadTokens"})
        self.assertEqual([m["Dimensions"][0]["Value"] for m in r.json()["Metrics"]], ["listtest0001"])

    def test_cost_and_usage_by_member_active_tags_lag(self):
        c = self.client(region="us-east-1")
        now = time.time()
        carol = self.carol["id"]
        self.srv.admin("POST", "usage/records", {"records": [
            {"model_id": carol, "time": now - 7200, "input_tokens": 1000, "output_tokens": 2000,
             "cache_read_tokens": 10000, "cache_write_tokens": 1000},
            {"model_id": carol, "time": now - 30, "input_tokens": 1000000}]})
        self.srv.admin("POST", "reset-stats")
        self.srv.admin("POST", "usage/config", {"ce_lag_seconds": 3600})
        body = {"TimePeriod": {"Start": day_offset(-1), "End": day_offset(1)}, "Granularity": "MONTHLY",
                "Metrics": ["UnblendedCost"], "GroupBy": [{"Type": "TAG", "Key": "MemberName"}]}
        r = ce(c, body)
        self.assertEqual(r.status, 200, r)
        expect = 1 * SONNET["input"] + 2 * SONNET["output"] + 10 * SONNET["cache_read"] + SONNET["cache_write"]
        groups = [g for res in r.json()["ResultsByTime"] for g in res["Groups"]]
        self.assertEqual([g["Keys"] for g in groups], [["MemberName$carol"]])
        amount = sum(float(g["Metrics"]["UnblendedCost"]["Amount"]) for g in groups)
        self.assertAlmostEqual(amount, expect, places=9)
        self.assertEqual(groups[0]["Metrics"]["UnblendedCost"]["Unit"], "USD")
        self.assertIsInstance(groups[0]["Metrics"]["UnblendedCost"]["Amount"], str)
        self.assertTrue(r.json()["ResultsByTime"][-1]["Estimated"])
        # Claude is billed under its Marketplace name: a SERVICE = Amazon Bedrock filter finds nothing.
        filtered = dict(body, Filter={"Dimensions": {"Key": "SERVICE", "Values": ["Amazon Bedrock"]}})
        self.assertEqual([g for res in ce(c, filtered).json()["ResultsByTime"] for g in res["Groups"]], [])
        # An inactive tag groups everything under the empty value.
        self.srv.admin("POST", "cost-tags", {"MemberName": "Inactive"})
        try:
            r = ce(c, body)
            keys = [g["Keys"] for res in r.json()["ResultsByTime"] for g in res["Groups"]]
            self.assertEqual(keys, [["MemberName$"]])
        finally:
            self.srv.admin("POST", "cost-tags", {"MemberName": "Active"})
        self.assertEqual(self.srv.admin("GET", "stats")["ce_get_cost_and_usage_calls"], 3)
        self.assertEqual(self.srv.admin("GET", "stats")["ce_cost_usd"], 0.03)
        r = ce(c, dict(body, TimePeriod={"Start": today_utc(), "End": today_utc()}))
        self.assertEqual((r.status, r.json()["__type"]), (400, "ValidationException"))

    def test_denial_per_principal_and_action(self):
        self.srv.admin("POST", "deny", {"user": "bob", "action": "cloudwatch:GetMetricData"})
        self.srv.admin("POST", "deny", {"user": "bob", "action": "ce:GetCostAndUsage"})
        try:
            now = int(time.time())
            r = cw(self.client("bob"), "GetMetricData", {"MetricDataQueries": [stat_query("a", "Invocations", "x")],
                                                          "StartTime": now - 60, "EndTime": now})
            self.assertEqual((r.status, r.headers["x-amzn-query-error"]), (403, "AccessDenied;Sender"))
            self.assertIn("cloudwatch:GetMetricData", r.json()["message"])
            self.assertEqual(cw(self.client("bob"), "ListMetrics", {}).status, 200)
            r = ce(self.client("bob", "us-east-1"), {"TimePeriod": {"Start": day_offset(-1), "End": today_utc()},
                                                      "Granularity": "DAILY", "Metrics": ["UnblendedCost"]})
            self.assertEqual((r.status, r.json()["__type"]), (400, "AccessDeniedException"))
            self.assertIn("ce:GetCostAndUsage", r.json()["message"])
        finally:
            self.srv.admin("POST", "allow", {"user": "bob", "action": "cloudwatch:GetMetricData"})
            self.srv.admin("POST", "allow", {"user": "bob", "action": "ce:GetCostAndUsage"})


class BulkUsageTest(unittest.TestCase):
    def test_30_days_for_5000_profiles(self):
        seed = load_seed()
        with ServerProcess("--filler", "5000", "--latency-ms", "0") as srv:
            started = time.time()
            gen = srv.admin("POST", "usage/generate", {"profiles": "fillers", "days": 30})
            self.assertLess(time.time() - started, 30)
            self.assertEqual(gen["records"], 150000)
            totals = gen["totals"]
            self.assertEqual(len(totals), 5000)
            ids = sorted(totals)[:250]
            now = int(time.time())
            queries = [stat_query("m%d" % i, "InputTokenCount", pid, 86400) for i, pid in enumerate(ids)]
            queries += [stat_query("o%d" % i, "OutputTokenCount", pid, 86400) for i, pid in enumerate(ids)]
            c = user_client(srv.port, "alice", seed)
            r = cw(c, "GetMetricData", {"MetricDataQueries": queries, "StartTime": now - 31 * 86400,
                                        "EndTime": now + 60, "ScanBy": "TimestampAscending"})
            self.assertEqual(r.status, 200, r)
            got = {res["Id"]: sum(res["Values"]) for res in r.json()["MetricDataResults"]}
            for i, pid in enumerate(ids):
                self.assertEqual(got["m%d" % i], totals[pid]["input_tokens"])
                self.assertEqual(got["o%d" % i], totals[pid]["output_tokens"])
            c2 = user_client(srv.port, "alice", seed, region="us-east-1")
            r = ce(c2, {"TimePeriod": {"Start": day_offset(-31), "End": day_offset(1)}, "Granularity": "MONTHLY",
                        "Metrics": ["UnblendedCost"], "GroupBy": [{"Type": "TAG", "Key": "MemberName"}]})
            self.assertEqual(r.status, 200, r)
            self.assertNotIn("NextPageToken", r.json())
            members = {g["Keys"][0] for res in r.json()["ResultsByTime"] for g in res["Groups"]}
            self.assertEqual(len(members), 5000)


class SeedUsageTest(unittest.TestCase):
    def test_seed_usage_key_and_latency(self):
        seed = load_seed()
        seed["usage"] = {"cache_metric_names": {"read": None, "write": None}, "ce_lag_seconds": 86400,
                         "records": [{"model_id": "seeded000001", "time": time.time() - 60, "input_tokens": 7}]}
        with ServerProcess("--latency-ms", "20", seed_obj=seed) as srv:
            config = srv.admin("GET", "usage/config")
            self.assertEqual((config["ce_lag_seconds"], config["cache_metric_names"]["read"]), (86400, None))
            self.assertEqual(srv.admin("GET", "usage")["totals"]["seeded000001"]["input_tokens"], 7)
            c = user_client(srv.port, "alice", seed)
            started = time.time()
            self.assertEqual(cw(c, "ListMetrics", {}).status, 200)
            self.assertGreaterEqual(time.time() - started, 0.02)
            self.assertEqual(srv.admin("GET", "stats")["requests"]["ListMetrics"], 1)


if __name__ == "__main__":
    unittest.main()
