"""budgets.py - the emulated AWS Budgets (awsJson1_1, target
AWSBudgetServiceGateway.<Op>) and CloudWatch metric alarms of tests/fake_aws.

Budgets: CreateBudget, UpdateBudget, DescribeBudget(s) (paged), DeleteBudget,
CreateNotification, DescribeNotificationsForBudget, DeleteNotification,
DescribeSubscribersForNotification, CreateSubscriber, DeleteSubscriber,
CreateBudgetAction, DescribeBudgetActionsForBudget, DeleteBudgetAction.  A
budget's actual spend is computed from the usage records (usage.py) priced
with the emulator's price table, month to date, through the budget's
FilterExpression (the Cost Explorer expression shape, e.g. a member tag),
so it lags like Cost Explorer (usage's ce_lag_seconds).  Budget actions of
type APPLY_IAM_POLICY run when the spend passes their threshold: the policy
is attached to the action's users, groups and roles through iam.py, which
refuses AWSReservedSSO_* roles (UnmodifiableEntity: the action then ends in
EXECUTION_FAILURE, as AWS's does).  DeleteBudgetAction (and DeleteBudget)
only forget the action: a policy it attached stays attached, so whoever
removes the action detaches it (the reference, aws-governance.md, says
nothing of AWS undoing an executed action).  Notifications that pass their
threshold are recorded (no mail is sent).

Alarms: PutMetricAlarm (a MetricName/Namespace/Dimensions alarm or a
Metrics[] list with metric math such as m1 + m2), DescribeAlarms (names or
prefix, paged) and DeleteAlarms.  An evaluation sums each metric over the
alarm's period ending now from the usage records and compares the
expression's value with the threshold; evaluations run on PutMetricAlarm
and when a test asks (POST /__admin/alarms/evaluate).

Evaluation of both is explicit (POST /__admin/budgets/evaluate) and also
happens before a Bedrock runtime call of a caller, so a budget action can
stop the next call without anyone running anything.

Python 3.11 standard library only.
"""

import re
import threading
import uuid
from datetime import datetime, timezone

import usage as usage_mod
from state import ApiError

BUDGET_NAME_RE = re.compile(r"[^:\\]{1,100}")
PAGE = 100
NOTIFICATION_KEYS = ("NotificationType", "ComparisonOperator", "Threshold", "ThresholdType")
ALARM_OPS = {"PutMetricAlarm", "DescribeAlarms", "DeleteAlarms"}
COMPARE = {"GreaterThanThreshold": lambda v, t: v > t, "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
           "LessThanThreshold": lambda v, t: v < t, "LessThanOrEqualToThreshold": lambda v, t: v <= t}


def invalid(message):
    return ApiError("InvalidParameterException", message, 400)


def _month_start(now):
    d = datetime.fromtimestamp(now, timezone.utc)
    return datetime(d.year, d.month, 1, tzinfo=timezone.utc).timestamp()


def _amount(value):
    try:
        return float(str(value))
    except ValueError:
        raise invalid("BudgetLimit.Amount must be a decimal string.")


class Budgets:
    def __init__(self, state, usage, iam):
        self.state = state
        self.usage = usage
        self.iam = iam
        self.lock = threading.RLock()
        self.budgets = {}  # name -> {"budget": {...}, "notifications": [...], "actions": {id: {...}}}
        self.sent = []  # notifications that passed their threshold
        self.write_calls = 0
        # Whether Budgets' FilterExpression wants "MemberName" or
        # "user:MemberName" is unconfirmed; a test sets "user:" here to see
        # what clinecfg says when reality is the other one.
        self.filter_tag_key_prefix = ""

    # ----------------------------------------------------------- spend
    def spend(self, budget, now):
        """Month-to-date USD of the usage the budget's filter selects."""
        with self.usage.lock:
            lines = self.usage._billed_lines(now)
        active = self.state.active_cost_tags()
        start = _month_start(now)
        total = 0.0
        for when, base, tags, region, cost, _ in lines:
            if when < start:
                continue
            facts = {"tags": {self.filter_tag_key_prefix + k: v for k, v in tags.items() if k in active},
                     "service": usage_mod.service_name(base), "region": region}
            expr = budget.get("FilterExpression")
            if expr and not usage_mod._match(expr, facts):
                continue
            total += cost
        return total

    def _calculated(self, budget, now):
        actual = self.spend(budget, now)
        start = _month_start(now)
        d = datetime.fromtimestamp(now, timezone.utc)
        nxt = datetime(d.year + (d.month == 12), d.month % 12 + 1, 1, tzinfo=timezone.utc).timestamp()
        elapsed = max(now - start, 3600.0)
        forecast = actual * (nxt - start) / elapsed
        return {"ActualSpend": {"Amount": "%.10g" % actual, "Unit": "USD"},
                "ForecastedSpend": {"Amount": "%.10g" % forecast, "Unit": "USD"}}

    # ---------------------------------------------------------- budgets
    def _get(self, name):
        entry = self.budgets.get(name)
        if entry is None:
            raise ApiError("NotFoundException", "Unable to get budget: %s - the budget doesn't exist." % name, 400)
        return entry

    @staticmethod
    def _check_budget(budget):
        if not isinstance(budget, dict):
            raise invalid("Budget is required.")
        name = budget.get("BudgetName")
        if not isinstance(name, str) or not BUDGET_NAME_RE.fullmatch(name):
            raise invalid("BudgetName must be 1 to 100 characters without ':' or '\\'.")
        if budget.get("TimeUnit") not in ("DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY"):
            raise invalid("TimeUnit must be DAILY, MONTHLY, QUARTERLY or ANNUALLY.")
        if budget.get("BudgetType") not in ("COST", "USAGE", "RI_UTILIZATION", "RI_COVERAGE", "SAVINGS_PLANS_UTILIZATION",
                                            "SAVINGS_PLANS_COVERAGE"):
            raise invalid("BudgetType is not valid.")
        if "CostFilters" in budget and "FilterExpression" in budget:
            raise invalid("CostFilters and FilterExpression cannot be used together.")
        limit = budget.get("BudgetLimit") or {}
        if _amount(limit.get("Amount", "")) <= 0 or limit.get("Unit") != "USD":
            raise invalid("BudgetLimit needs a positive Amount and Unit USD.")
        if budget.get("FilterExpression") is not None:
            usage_mod._match(budget["FilterExpression"], {"tags": {}, "service": "", "region": ""})
        stored = {k: v for k, v in budget.items() if k != "CalculatedSpend"}
        return name, stored

    def _check_notification(self, note, subscribers):
        if not isinstance(note, dict) or note.get("NotificationType") not in ("ACTUAL", "FORECASTED") or \
                note.get("ComparisonOperator") not in ("GREATER_THAN", "LESS_THAN", "EQUAL_TO") or \
                not isinstance(note.get("Threshold"), (int, float)):
            raise invalid("Notification needs NotificationType, ComparisonOperator and Threshold.")
        subs = subscribers or []
        if not subs or len([s for s in subs if s.get("SubscriptionType") == "SNS"]) > 1 or \
                len([s for s in subs if s.get("SubscriptionType") == "EMAIL"]) > 10:
            raise invalid("A notification needs 1 to 10 e-mail subscribers and at most one SNS topic.")
        for s in subs:
            if s.get("SubscriptionType") not in ("EMAIL", "SNS") or not s.get("Address"):
                raise invalid("Subscriber needs SubscriptionType EMAIL or SNS and an Address.")
        return {k: note.get(k, "PERCENTAGE" if k == "ThresholdType" else None) for k in NOTIFICATION_KEYS}

    def _add_notification(self, entry, note, subscribers):
        note = self._check_notification(note, subscribers)
        if any(n["notification"] == note for n in entry["notifications"]):
            raise ApiError("DuplicateRecordException", "Notification already exists.", 400)
        if len(entry["notifications"]) >= 5:
            raise invalid("A budget has at most 5 notifications.")
        entry["notifications"].append({"notification": note, "subscribers": list(subscribers), "sent": False})

    def create_budget(self, body, now):
        name, budget = self._check_budget(body.get("Budget"))
        with self.lock:
            if name in self.budgets:
                raise ApiError("DuplicateRecordException", "Error creating budget: %s - the budget already exists."
                               % name, 400)
            entry = {"budget": budget, "notifications": [], "actions": {}}
            for item in body.get("NotificationsWithSubscribers") or []:
                self._add_notification(entry, item.get("Notification"), item.get("Subscribers"))
            self.budgets[name] = entry
        return {}

    def update_budget(self, body, now):
        name, budget = self._check_budget(body.get("NewBudget"))
        with self.lock:
            self._get(name)["budget"] = budget
        return {}

    def _describe(self, name, entry, now, show_filter):
        out = dict(entry["budget"])
        if not show_filter:
            out.pop("FilterExpression", None)
        out["CalculatedSpend"] = self._calculated(entry["budget"], now)
        return out

    def describe_budgets(self, body, now):
        show = bool(body.get("ShowFilterExpression"))
        max_results = int(body.get("MaxResults") or PAGE)
        if not 1 <= max_results <= PAGE:
            raise invalid("MaxResults must be between 1 and 100.")
        try:
            skip = int(body.get("NextToken") or 0)
        except ValueError:
            raise ApiError("InvalidNextTokenException", "The NextToken is not valid.", 400)
        with self.lock:
            names = sorted(self.budgets)
            page = [self._describe(n, self.budgets[n], now, show) for n in names[skip:skip + max_results]]
        reply = {"Budgets": page}
        if skip + max_results < len(names):
            reply["NextToken"] = str(skip + max_results)
        return reply

    def describe_budget(self, body, now):
        with self.lock:
            entry = self._get(body.get("BudgetName"))
            return {"Budget": self._describe(body["BudgetName"], entry, now, bool(body.get("ShowFilterExpression")))}

    def delete_budget(self, body, now):
        with self.lock:
            self._get(body.get("BudgetName"))
            del self.budgets[body["BudgetName"]]
        return {}

    # ---------------------------------------------------- notifications
    def create_notification(self, body, now):
        with self.lock:
            self._add_notification(self._get(body.get("BudgetName")), body.get("Notification"),
                                   body.get("Subscribers"))
        return {}

    def describe_notifications(self, body, now):
        with self.lock:
            entry = self._get(body.get("BudgetName"))
            return {"Notifications": [dict(n["notification"]) for n in entry["notifications"]]}

    def delete_notification(self, body, now):
        with self.lock:
            entry = self._get(body.get("BudgetName"))
            want = {k: (body.get("Notification") or {}).get(k) for k in NOTIFICATION_KEYS}
            want["ThresholdType"] = want["ThresholdType"] or "PERCENTAGE"
            for n in entry["notifications"]:
                if n["notification"] == want:
                    entry["notifications"].remove(n)
                    return {}
        raise ApiError("NotFoundException", "Unable to delete notification: it doesn't exist.", 400)

    def _notification(self, body):
        entry = self._get(body.get("BudgetName"))
        want = {k: (body.get("Notification") or {}).get(k) for k in NOTIFICATION_KEYS}
        want["ThresholdType"] = want["ThresholdType"] or "PERCENTAGE"
        for n in entry["notifications"]:
            if n["notification"] == want:
                return n
        raise ApiError("NotFoundException", "Unable to find the notification.", 400)

    def describe_subscribers(self, body, now):
        with self.lock:
            return {"Subscribers": [dict(s) for s in self._notification(body)["subscribers"]]}

    def create_subscriber(self, body, now):
        sub = body.get("Subscriber") or {}
        with self.lock:
            n = self._notification(body)
            if sub in n["subscribers"]:
                raise ApiError("DuplicateRecordException", "Subscriber already exists.", 400)
            self._check_notification(n["notification"], n["subscribers"] + [sub])
            n["subscribers"].append(dict(sub))
        return {}

    def delete_subscriber(self, body, now):
        sub = body.get("Subscriber") or {}
        with self.lock:
            n = self._notification(body)
            if sub not in n["subscribers"]:
                raise ApiError("NotFoundException", "Unable to find the subscriber.", 400)
            if len(n["subscribers"]) == 1:
                raise invalid("A notification needs at least one subscriber.")
            n["subscribers"].remove(sub)
        return {}

    # ---------------------------------------------------------- actions
    def create_action(self, body, now):
        if body.get("ActionType") != "APPLY_IAM_POLICY":
            raise invalid("fake_aws supports ActionType APPLY_IAM_POLICY only.")
        if body.get("ApprovalModel") not in ("AUTOMATIC", "MANUAL"):
            raise invalid("ApprovalModel must be AUTOMATIC or MANUAL.")
        threshold = body.get("ActionThreshold") or {}
        if not isinstance(threshold.get("ActionThresholdValue"), (int, float)) or \
                threshold.get("ActionThresholdType") not in ("PERCENTAGE", "ABSOLUTE_VALUE"):
            raise invalid("ActionThreshold needs ActionThresholdValue and ActionThresholdType.")
        definition = (body.get("Definition") or {}).get("IamActionDefinition") or {}
        if not definition.get("PolicyArn") or not (definition.get("Users") or definition.get("Groups") or
                                                   definition.get("Roles")):
            raise invalid("IamActionDefinition needs PolicyArn and Users, Groups or Roles.")
        if not re.fullmatch(r"arn:aws[a-z-]*:iam::\d{12}:role/.+", body.get("ExecutionRoleArn") or ""):
            raise invalid("ExecutionRoleArn must be an IAM role ARN.")
        with self.lock:
            entry = self._get(body.get("BudgetName"))
            action_id = str(uuid.uuid4())
            entry["actions"][action_id] = {
                "ActionId": action_id, "BudgetName": body["BudgetName"],
                "NotificationType": body.get("NotificationType", "ACTUAL"), "ActionType": "APPLY_IAM_POLICY",
                "ActionThreshold": dict(threshold), "Definition": {"IamActionDefinition": dict(definition)},
                "ExecutionRoleArn": body["ExecutionRoleArn"], "ApprovalModel": body["ApprovalModel"],
                "Status": "STANDBY", "Subscribers": list(body.get("Subscribers") or [])}
        return {"AccountId": self.state.account, "BudgetName": body["BudgetName"], "ActionId": action_id}

    def describe_actions(self, body, now):
        with self.lock:
            entry = self._get(body.get("BudgetName"))
            return {"Actions": [dict(a) for a in entry["actions"].values()]}

    def delete_action(self, body, now):
        with self.lock:
            entry = self._get(body.get("BudgetName"))
            # an executed action's policy stays attached: deleting the action undoes nothing
            action = entry["actions"].pop(body.get("ActionId"), None)
        if action is None:
            raise ApiError("NotFoundException", "Unable to delete action: it doesn't exist.", 400)
        return {"AccountId": self.state.account, "BudgetName": body["BudgetName"], "Action": action}

    # -------------------------------------------------------- evaluation
    def _run_action(self, action):
        definition = action["Definition"]["IamActionDefinition"]
        try:
            for kind, field in (("user", "Users"), ("group", "Groups"), ("role", "Roles")):
                for name in definition.get(field) or []:
                    self.iam.attach(kind, {kind.capitalize() + "Name": name, "PolicyArn": definition["PolicyArn"]})
            action["Status"] = "EXECUTION_SUCCESS"
        except ApiError as exc:
            action["Status"] = "EXECUTION_FAILURE"
            action["StatusMessage"] = "%s: %s" % (exc.name, exc.message)

    def evaluate(self, now):
        """Runs due actions and records due notifications; returns what happened."""
        ran = []
        with self.lock:
            pending = [(n, e) for n, e in self.budgets.items()
                       if any(a["Status"] == "STANDBY" and a["ApprovalModel"] == "AUTOMATIC"
                              for a in e["actions"].values()) or any(not x["sent"] for x in e["notifications"])]
            for name, entry in pending:
                actual = self.spend(entry["budget"], now)
                limit = _amount(entry["budget"]["BudgetLimit"]["Amount"])
                for action in entry["actions"].values():
                    t = action["ActionThreshold"]
                    due = actual >= (limit * t["ActionThresholdValue"] / 100.0 if t["ActionThresholdType"] ==
                                     "PERCENTAGE" else t["ActionThresholdValue"])
                    if due and action["Status"] == "STANDBY" and action["ApprovalModel"] == "AUTOMATIC":
                        self._run_action(action)
                        ran.append({"budget": name, "action": action["ActionId"], "status": action["Status"]})
                for n in entry["notifications"]:
                    note = n["notification"]
                    if not n["sent"] and note["NotificationType"] == "ACTUAL" and \
                            actual > limit * float(note["Threshold"]) / 100.0:
                        n["sent"] = True
                        self.sent.append({"budget": name, "threshold": note["Threshold"],
                                          "subscribers": n["subscribers"]})
        return {"actions": ran}

    def has_pending_actions(self):
        with self.lock:
            return any(a["Status"] == "STANDBY" and a["ApprovalModel"] == "AUTOMATIC"
                       for e in self.budgets.values() for a in e["actions"].values())

    # ---------------------------------------------------------- dispatch
    def handle(self, op, body, now):
        handlers = {"CreateBudget": self.create_budget, "UpdateBudget": self.update_budget,
                    "DescribeBudgets": self.describe_budgets, "DescribeBudget": self.describe_budget,
                    "DeleteBudget": self.delete_budget, "CreateNotification": self.create_notification,
                    "DescribeNotificationsForBudget": self.describe_notifications,
                    "DeleteNotification": self.delete_notification, "CreateBudgetAction": self.create_action,
                    "DescribeSubscribersForNotification": self.describe_subscribers,
                    "CreateSubscriber": self.create_subscriber, "DeleteSubscriber": self.delete_subscriber,
                    "DescribeBudgetActionsForBudget": self.describe_actions,
                    "DeleteBudgetAction": self.delete_action}
        if op not in handlers:
            raise ApiError("UnknownOperationException", "Unknown operation %s" % op, 400)
        if body.get("AccountId") != self.state.account:
            raise ApiError("AccessDeniedException", "AccountId %s is not the caller's account."
                           % body.get("AccountId"), 400)
        if not op.startswith("Describe"):
            with self.lock:
                self.write_calls += 1
        return handlers[op](body, now)

    def configure(self, data):
        """POST /__admin/budgets/config {filter_tag_key_prefix}."""
        with self.lock:
            if "filter_tag_key_prefix" in data:
                self.filter_tag_key_prefix = str(data["filter_tag_key_prefix"] or "")
            return {"filter_tag_key_prefix": self.filter_tag_key_prefix}

    def snapshot(self):
        with self.lock:
            return {"budgets": {n: {"budget": e["budget"],
                                    "notifications": [dict(x["notification"], Subscribers=x["subscribers"])
                                                      for x in e["notifications"]],
                                    "actions": list(e["actions"].values())} for n, e in self.budgets.items()},
                    "sent": list(self.sent), "write_calls": self.write_calls}


class Alarms:
    """CloudWatch metric alarms judged against the usage records."""

    def __init__(self, usage):
        self.usage = usage
        self.lock = threading.Lock()
        self.alarms = {}  # name -> alarm dict as DescribeAlarms returns it
        self.notified = []  # (alarm, actions) on every transition to ALARM
        self.write_calls = 0

    def put(self, body, now):
        name = body.get("AlarmName")
        if not isinstance(name, str) or not 1 <= len(name) <= 255:
            raise usage_mod.cw_validation("AlarmName is required (1 to 255 characters).")
        if body.get("ComparisonOperator") not in COMPARE:
            raise usage_mod.cw_validation("ComparisonOperator is not valid.")
        if not isinstance(body.get("Threshold"), (int, float)) or not isinstance(body.get("EvaluationPeriods"), int):
            raise usage_mod.cw_validation("Threshold and EvaluationPeriods are required.")
        metrics = body.get("Metrics")
        if metrics is None and not body.get("MetricName"):
            raise usage_mod.cw_validation("Give MetricName or Metrics.")
        if metrics is not None:
            returned = [m for m in metrics if m.get("ReturnData", True)]
            if len(returned) != 1:
                raise usage_mod.cw_validation("Exactly one element of Metrics must have ReturnData true.")
        alarm = {k: v for k, v in body.items() if k not in ("Tags",)}
        with self.lock:
            old = self.alarms.get(name)
            alarm["StateValue"] = old["StateValue"] if old else "INSUFFICIENT_DATA"
            alarm["StateReason"] = old["StateReason"] if old else "Unchecked: Initial alarm creation"
            alarm["AlarmArn"] = "arn:aws:cloudwatch:%s:%s:alarm:%s" % ("us-east-1", self.usage.state.account, name)
            self.alarms[name] = alarm
            self.write_calls += 1
        self.evaluate(now, [name])
        return {}

    def describe(self, body, now):
        names = body.get("AlarmNames")
        prefix = body.get("AlarmNamePrefix")
        if names and prefix:
            raise usage_mod.cw_validation("AlarmNames and AlarmNamePrefix cannot be used together.")
        max_records = int(body.get("MaxRecords") or 50)
        try:
            skip = int(body.get("NextToken") or 0)
        except ValueError:
            raise usage_mod.cw_error("InvalidNextToken", "The NextToken is not valid.", "InvalidNextToken")
        with self.lock:
            chosen = [a for n, a in sorted(self.alarms.items())
                      if (not names or n in names) and (not prefix or n.startswith(prefix))]
            page = [dict(a) for a in chosen[skip:skip + max_records]]
        reply = {"MetricAlarms": page, "CompositeAlarms": []}
        if skip + max_records < len(chosen):
            reply["NextToken"] = str(skip + max_records)
        return reply

    def delete(self, body, now):
        names = body.get("AlarmNames") or []
        if len(names) > 100:
            raise usage_mod.cw_validation("At most 100 AlarmNames.")
        with self.lock:
            missing = [n for n in names if n not in self.alarms]
            if missing:
                raise usage_mod.cw_error("ResourceNotFound", "Alarms not found: %s" % ", ".join(missing),
                                         "ResourceNotFound", 404)
            for n in names:
                del self.alarms[n]
            self.write_calls += 1
        return {}

    def _window_sum(self, stat, now):
        metric = stat.get("Metric") or {}
        field = self.usage.metric_fields().get(metric.get("MetricName"))
        dims = metric.get("Dimensions") or []
        if field is None or metric.get("Namespace") != usage_mod.NAMESPACE or len(dims) != 1:
            return {}
        period = int(stat.get("Period") or 60)
        index = usage_mod.FIELDS.index(field)
        with self.usage.lock:
            rows = self.usage.records.get(dims[0].get("Value"), {})
            values = [row[index] for minute, row in rows.items() if now - period <= minute < now]
        return {0: float(sum(values))} if values else {}

    def _value(self, alarm, now):
        if alarm.get("Metrics") is None:
            stat = {"Metric": {"Namespace": alarm.get("Namespace"), "MetricName": alarm.get("MetricName"),
                               "Dimensions": alarm.get("Dimensions")}, "Period": alarm.get("Period")}
            return self._window_sum(stat, now).get(0)
        series = {}
        for q in alarm["Metrics"]:
            if "MetricStat" in q:
                series[q["Id"]] = self._window_sum(q["MetricStat"], now)
        for q in alarm["Metrics"]:
            if "Expression" in q:
                series[q["Id"]] = usage_mod.evaluate(q["Expression"], series)
        out = [q for q in alarm["Metrics"] if q.get("ReturnData", True)][0]
        return series.get(out["Id"], {}).get(0)

    def evaluate(self, now, names=None):
        changed = []
        with self.lock:
            for name, alarm in self.alarms.items():
                if names is not None and name not in names:
                    continue
                value = self._value(alarm, now)
                missing = alarm.get("TreatMissingData", "missing")
                if value is None and missing in ("notBreaching", "ignore"):
                    value = 0.0 if missing == "notBreaching" else None
                if value is None:
                    state = "INSUFFICIENT_DATA"
                else:
                    state = "ALARM" if COMPARE[alarm["ComparisonOperator"]](value, alarm["Threshold"]) else "OK"
                if state != alarm["StateValue"]:
                    alarm["StateValue"] = state
                    alarm["StateReason"] = "Threshold %s: value %s" % (alarm["Threshold"], value)
                    changed.append({"alarm": name, "state": state, "value": value})
                    if state == "ALARM" and alarm.get("ActionsEnabled", True):
                        self.notified.append({"alarm": name, "actions": list(alarm.get("AlarmActions") or [])})
        return {"changed": changed}

    def handle(self, op, body, now):
        return {"PutMetricAlarm": self.put, "DescribeAlarms": self.describe, "DeleteAlarms": self.delete}[op](body, now)

    def snapshot(self):
        with self.lock:
            return {"alarms": {n: {"state": a["StateValue"], "threshold": a["Threshold"]} for n, a in self.alarms.items()},
                    "notified": list(self.notified), "write_calls": self.write_calls}
