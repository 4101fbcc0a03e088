"""How a result reads on a page: each condition's figure and threshold with its unit, the comparison in words."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from puhui.core.templatetags.figures import count, money, percent
from puhui.policy.models import Result

OP_WORDS = {">=": "不低于", ">": "高于", "<=": "不高于", "<": "低于", "==": "等于", "!=": "不等于"}
STATUS_CSS = {"passed": "success", "failed": "danger", "not_applicable": "secondary", "missing": "warning"}
STATUS_LABELS = dict(Result.Status.choices)


def with_unit(value, unit: str) -> str:
    """A figure with its unit: 43.33% · 1,234.00 元 · 2 个 · — when missing."""
    if value is None:
        return "—"
    if unit == "%":
        return percent(value)
    if unit == "元":
        return money(Decimal(value).quantize(Decimal("0.01")))
    return count(value, unit) if unit else str(value)


@dataclass
class ConditionView:
    name: str
    value: str
    op: str
    threshold: str
    status: str
    status_label: str
    css: str


@dataclass
class ValueView:
    label: str
    value: str


@dataclass
class ResultView:
    result: Result
    conditions: list[ConditionView]
    values: list[ValueView]
    granted: str
    css: str


def result_view(r: Result) -> ResultView:
    conditions = [
        ConditionView(
            c["name"],
            with_unit(c["value"], c["unit"]),
            OP_WORDS.get(c["op"], c["op"]),
            with_unit(c["threshold"], c["unit"]),
            c["status"],
            STATUS_LABELS[c["status"]],
            STATUS_CSS[c["status"]],
        )
        for c in r.detail.get("conditions", [])
    ]
    try:
        lets = {let.name: let for let in r.evaluation.rules.parsed.rule(r.rule_code).lets}
    except StopIteration:
        lets = {}
    values = [
        ValueView(
            lets[name].label if name in lets else name, with_unit(v, lets[name].unit if name in lets else "")
        )
        for name, v in r.detail.get("values", {}).items()
    ]
    if r.kind == Result.Kind.FISCAL:
        granted = with_unit(r.amount, "元") if r.amount is not None else "—"
    else:
        granted = f"{r.ratio.normalize():f} 个百分点" if r.ratio is not None else "—"
    return ResultView(r, conditions, values, granted, STATUS_CSS[r.status])
