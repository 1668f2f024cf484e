"""test_budgets.py - self-tests of the emulated AWS Budgets and CloudWatch
alarms (budgets.py) over loopback HTTP: budget name rules, duplicates,
FilterExpression and CostFilters never together, DescribeBudgets paging,
the actual spend computed from usage records through the member-tag filter,
notifications, a budget action that attaches its policy once the spend
passes the threshold (and fails on an AWSReservedSSO_* role), and an alarm
on m1 + m2 that goes to ALARM in one evaluation."""

import json
import os
import sys
import time
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from awsclient import ServerProcess, quote, user_client  # noqa: E402

ACCOUNT = "123456789012"
REGION = "ap-northeast-1"
SYSTEM = "apac.anthropic.claude-sonnet-4-5-20250929-v1:0"


def budgets(client, op, body):
    region = client.region
    client.region = "us-east-1"
    try:
        return client.call("POST", "/", None, json.dumps(body).encode(), "budgets", "application/x-amz-json-1.1",
                           {"x-amz-target": "AWSBudgetServiceGateway." + op})
    finally:
        client.region = region


def cloudwatch(client, op, body):
    return client.call("POST", "/", None, json.dumps(body).encode(), "monitoring", "application/x-amz-json-1.0",
                       {"x-amz-target": "GraniteServiceVersion20100801." + op})


def budget(name, member, amount="5"):
    return {"BudgetName": name, "TimeUnit": "MONTHLY", "BudgetType": "COST",
            "BudgetLimit": {"Amount": amount, "Unit": "USD"}, "Metrics": ["UnblendedCost"],
            "FilterExpression": {"Tags": {"Key": "MemberName", "Values": [member], "MatchOptions": ["EQUALS"]}}}


class BudgetsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = ServerProcess()
        cls.admin = user_client(cls.srv.port, "root")
        resp = cls.admin.bedrock_json("POST", "/inference-profiles", {
            "inferenceProfileName": "t-bedrock-zoe", "modelSource": {
                "copyFrom": "arn:aws:bedrock:%s:%s:inference-profile/%s" % (REGION, ACCOUNT, SYSTEM)},
            "tags": [{"key": "Team", "value": "t"}, {"key": "MemberName", "value": "zoe"}]})
        assert resp.status == 201, resp
        cls.profile_id = resp.json()["inferenceProfileArn"].rsplit("/", 1)[-1]

    @classmethod
    def tearDownClass(cls):
        cls.admin.close()
        cls.srv.stop()

    def call(self, op, body):
        body = dict(body, AccountId=ACCOUNT)
        return budgets(self.admin, op, body)

    def use(self, tokens):
        self.srv.admin("POST", "usage/records", {"records": [
            {"model_id": self.profile_id, "time": time.time() - 300, "input_tokens": tokens}]})

    def test_1_rules(self):
        self.assertEqual(self.call("CreateBudget", {"Budget": budget("a:b", "x")}).status, 400)
        both = dict(budget("both", "x"), CostFilters={"TagKeyValue": ["user:MemberName$x"]})
        self.assertEqual(self.call("CreateBudget", {"Budget": both}).error_name(), "InvalidParameterException")
        self.assertEqual(self.call("CreateBudget", {"Budget": budget("dup", "x")}).status, 200)
        self.assertEqual(self.call("CreateBudget", {"Budget": budget("dup", "x")}).error_name(),
                         "DuplicateRecordException")
        self.assertEqual(self.call("DeleteBudget", {"BudgetName": "nope"}).error_name(), "NotFoundException")
        self.assertEqual(budgets(self.admin, "DescribeBudgets", {"AccountId": "210987654321"}).status, 400)

    def test_2_paging(self):
        for i in range(5):
            self.assertEqual(self.call("CreateBudget", {"Budget": budget("page-%d" % i, "p%d" % i)}).status, 200)
        names, token = [], None
        while True:
            body = {"MaxResults": 2}
            if token:
                body["NextToken"] = token
            reply = self.call("DescribeBudgets", body).json()
            names += [b["BudgetName"] for b in reply["Budgets"]]
            self.assertNotIn("FilterExpression", reply["Budgets"][0])
            token = reply.get("NextToken")
            if not token:
                break
        self.assertEqual(len([n for n in names if n.startswith("page-")]), 5)

    def test_3_spend_action_notification(self):
        policy = "arn:aws:iam::%s:policy/deny-zoe" % ACCOUNT
        form = "Action=CreatePolicy&Version=2010-05-08&PolicyName=deny-zoe&PolicyDocument=" + quote(json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "bedrock:InvokeModel*",
                                                     "Resource": "*"}]}))
        self.admin.region = "us-east-1"
        self.assertEqual(self.admin.call("POST", "/", None, form.encode(), "iam",
                                         "application/x-www-form-urlencoded; charset=utf-8").status, 200)
        self.admin.region = REGION
        sub = [{"SubscriptionType": "EMAIL", "Address": "a@example.com"}]
        note = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 100,
                "ThresholdType": "PERCENTAGE"}
        self.assertEqual(self.call("CreateBudget", {"Budget": budget("zoe", "zoe"), "NotificationsWithSubscribers": [
            {"Notification": note, "Subscribers": sub}]}).status, 200)
        for role, user in (("AWSReservedSSO_Dev_abc123def456", None), (None, "alice")):
            definition = {"PolicyArn": policy}
            definition.update({"Roles": [role]} if role else {"Users": [user]})
            resp = self.call("CreateBudgetAction", {
                "BudgetName": "zoe", "NotificationType": "ACTUAL", "ActionType": "APPLY_IAM_POLICY",
                "ActionThreshold": {"ActionThresholdValue": 100, "ActionThresholdType": "PERCENTAGE"},
                "Definition": {"IamActionDefinition": definition}, "ApprovalModel": "AUTOMATIC",
                "ExecutionRoleArn": "arn:aws:iam::%s:role/budgets" % ACCOUNT, "Subscribers": sub})
            self.assertEqual(resp.status, 200, resp)
        self.assertEqual(self.srv.admin("POST", "budgets/evaluate", {}), {"actions": []})
        self.use(2_000_000)  # USD 6 of input tokens at 0.003 / 1k
        spent = self.call("DescribeBudget", {"BudgetName": "zoe"}).json()["Budget"]["CalculatedSpend"]
        self.assertAlmostEqual(float(spent["ActualSpend"]["Amount"]), 6.0, places=3)
        ran = self.srv.admin("POST", "budgets/evaluate", {})["actions"]
        self.assertEqual(sorted(a["status"] for a in ran), ["EXECUTION_FAILURE", "EXECUTION_SUCCESS"])
        actions = self.call("DescribeBudgetActionsForBudget", {"BudgetName": "zoe"}).json()["Actions"]
        failed = [a for a in actions if a["Status"] == "EXECUTION_FAILURE"][0]
        self.assertIn("UnmodifiableEntity", failed["StatusMessage"])
        self.assertIn(policy, self.srv.admin("GET", "iam/state")["attached"]["user"]["alice"])
        state = self.srv.admin("GET", "budgets/state")
        self.assertEqual([s["budget"] for s in state["sent"]], ["zoe"])
        other = self.call("DescribeBudget", {"BudgetName": "page-0"}).json()["Budget"]["CalculatedSpend"]
        self.assertEqual(float(other["ActualSpend"]["Amount"]), 0.0)  # another member's filter

    def test_4_alarm_metric_math(self):
        dims = [{"Name": "ModelId", "Value": self.profile_id}]

        def stat(qid, name):
            return {"Id": qid, "ReturnData": False, "MetricStat": {"Metric": {
                "Namespace": "AWS/Bedrock", "MetricName": name, "Dimensions": dims}, "Period": 3600, "Stat": "Sum"}}
        alarm = {"AlarmName": "zoe-tokens", "ComparisonOperator": "GreaterThanThreshold", "Threshold": 3_000_000,
                 "EvaluationPeriods": 1, "TreatMissingData": "notBreaching", "AlarmActions": ["arn:aws:sns:x"],
                 "Metrics": [stat("m1", "InputTokenCount"), stat("m2", "OutputTokenCount"),
                             {"Id": "e1", "Expression": "m1 + m2", "ReturnData": True}]}
        self.assertEqual(cloudwatch(self.admin, "PutMetricAlarm", alarm).status, 200)
        described = cloudwatch(self.admin, "DescribeAlarms", {"AlarmNamePrefix": "zoe-"}).json()["MetricAlarms"]
        self.assertEqual(described[0]["StateValue"], "OK")
        self.use(1_500_000)
        self.srv.admin("POST", "alarms/evaluate", {})
        described = cloudwatch(self.admin, "DescribeAlarms", {"AlarmNames": ["zoe-tokens"]}).json()["MetricAlarms"]
        self.assertEqual(described[0]["StateValue"], "ALARM")
        self.assertEqual(cloudwatch(self.admin, "DeleteAlarms", {"AlarmNames": ["zoe-tokens"]}).status, 200)
        self.assertEqual(cloudwatch(self.admin, "DescribeAlarms", {}).json()["MetricAlarms"], [])


if __name__ == "__main__":
    unittest.main()
