"""sequential_report.py - the baseline `bench_usage.sh` compares `clinecfg
admin report` with: what a per-profile script in the style of awslabs'
bedrock-usage-analyzer does, against the emulator, one request after another
on one keep-alive connection: list the application profiles (every page),
read each profile's tags, then one GetMetricData per member-tagged profile
(its five metrics, daily, over the window).  Signed with the tests' SigV4
client (tests/fake_aws/awsclient.py).  Prints one JSON object: profiles,
requests, seconds and the input tokens it summed (a sanity check against
the report).

    python3 sequential_report.py PORT SINCE_EPOCH UNTIL_EPOCH
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fake_aws"))
from awsclient import load_seed, quote, user_client  # noqa: E402

METRICS = ("Invocations", "InputTokenCount", "OutputTokenCount", "CacheReadInputTokenCount",
           "CacheWriteInputTokenCount")


def main():
    port, since, until = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    c = user_client(port, "alice", load_seed())
    start = time.time()
    requests = 0
    profiles, token = [], None
    while True:
        query = [("type", "APPLICATION"), ("maxResults", "1000")] + ([("nextToken", token)] if token else [])
        r = c.call("GET", "/inference-profiles", query)
        requests += 1
        assert r.status == 200, r
        page = r.json()
        profiles += page.get("inferenceProfileSummaries", [])
        token = page.get("nextToken")
        if not token:
            break
    tagged = []
    for p in profiles:
        r = c.bedrock_json("POST", "/listTagsForResource", {"resourceARN": p["inferenceProfileArn"]})
        requests += 1
        assert r.status == 200, r
        tags = {t["key"]: t["value"] for t in r.json().get("tags", [])}
        if "MemberName" in tags:
            tagged.append(p)
    input_tokens = 0
    for p in tagged:
        queries = [{"Id": "m%d" % i, "ReturnData": True,
                    "MetricStat": {"Metric": {"Namespace": "AWS/Bedrock", "MetricName": name,
                                              "Dimensions": [{"Name": "ModelId", "Value": p["inferenceProfileId"]}]},
                                   "Period": 86400, "Stat": "Sum"}} for i, name in enumerate(METRICS)]
        body = json.dumps({"MetricDataQueries": queries, "StartTime": since, "EndTime": until,
                           "ScanBy": "TimestampAscending"}).encode()
        r = c.call("POST", "/", None, body, "monitoring", "application/x-amz-json-1.0",
                   {"x-amz-target": "GraniteServiceVersion20100801.GetMetricData", "x-amzn-query-mode": "true"})
        requests += 1
        assert r.status == 200, r
        for res in r.json().get("MetricDataResults", []):
            if res["Id"] == "m1":
                input_tokens += sum(res.get("Values", []))
    print(json.dumps({"profiles": len(tagged), "requests": requests, "seconds": round(time.time() - start, 3),
                      "input_tokens": input_tokens}))


if __name__ == "__main__":
    main()
