"""A rule set: the figures it reads and its rules, as versioned data (YAML), checked before anything runs.

    name: 沂源县普惠金融政策激励规则
    version: "2020.1"
    figures:                     # what one row of the figures table holds, per institution and year
      loan_avg: {label: 当年贷款平均余额, unit: 元}
      is_village_bank: {label: 村镇银行, kind: flag}
    rules:
      - code: new_rural_subsidy
        name: 农村金融机构定向费用补贴
        kind: fiscal              # fiscal: the finance bureau decides; monetary: the PBoC
        grantor: 县财政局
        source: 《普惠金融发展专项资金管理办法》（财金〔2019〕96号）
        applies: is_new_rural == 1 and year - opened_year < 3
        params: {cap_rate: 0.02}
        let: {pool: {expr: total(startup_issued) * 0.01, label: 奖补资金总额, unit: 元}}
        conditions:
          - {code: growth, name: 当年贷款平均余额同比增长, value: loan_avg - prev(loan_avg), op: ">", threshold: 0, unit: 元}
        grant: {amount: loan_avg * cap_rate}      # 元; or {ratio: 2}: percentage points off the reserve ratio

Format and semantics: docs/policy.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from puhui.engines.rulefiles import RuleInputError, yaml_mapping

from . import expr
from .expr import ExpressionError

FIGURE_KINDS = ("number", "flag", "year")
RULE_KINDS = {"fiscal": "财政奖补", "monetary": "货币政策"}
IMPLICIT = frozenset({"year"})  # the year being evaluated


class PolicyInputError(RuleInputError):
    """Bad rules or figures; `problems` lists every one, in Chinese."""


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    unit: str = ""
    kind: str = "number"


@dataclass(frozen=True)
class Let:
    name: str
    expr: str
    label: str
    unit: str = ""


@dataclass(frozen=True)
class Condition:
    code: str
    name: str
    value: str
    op: str
    threshold: str
    unit: str = ""
    when: str = ""  # the condition applies only where this holds (e.g. village banks only)


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    kind: str
    grantor: str
    source: str
    applies: str
    params: dict[str, Decimal] = field(default_factory=dict)
    lets: tuple[Let, ...] = ()
    conditions: tuple[Condition, ...] = ()
    amount: str = ""  # 元 granted
    ratio: str = ""  # percentage points off the reserve ratio
    note: str = ""

    @property
    def grant_unit(self) -> str:
        return "元" if self.amount else "个百分点"


@dataclass(frozen=True)
class RuleSet:
    name: str
    version: str
    figures: dict[str, Figure]
    rules: tuple[Rule, ...]
    source: str = ""

    def rule(self, code: str) -> Rule:
        return next(r for r in self.rules if r.code == code)

    def figures_read(self) -> list[str]:
        """The figures any rule reads, in the order the rule set declares them."""
        used = set()
        for rule in self.rules:
            for text in _expressions(rule):
                used |= expr.names(text)
        return [name for name in self.figures if name in used]


def _expressions(rule: Rule):
    yield rule.applies
    for let in rule.lets:
        yield let.expr
    for c in rule.conditions:
        yield c.value
        yield c.threshold
        if c.when:
            yield c.when
    yield rule.amount or rule.ratio


def load_rules(text: str) -> RuleSet:
    """The rule set written in `text` (YAML); PolicyInputError lists every problem found."""
    data = yaml_mapping(text, PolicyInputError, "规则文件应包含 name、version、figures 和 rules")
    problems: list[str] = []
    for key in ("name", "version", "figures", "rules"):
        if not data.get(key):
            problems.append(f"规则文件缺少“{key}”")
    if problems:
        raise PolicyInputError(problems)
    figures = _figures(data["figures"], problems)
    rules, seen = [], set()
    for i, raw in enumerate(data["rules"] if isinstance(data["rules"], list) else [], start=1):
        rule = _rule(raw, i, figures, problems)
        if rule is None:
            continue
        if rule.code in seen:
            problems.append(f"规则编码“{rule.code}”重复")
        seen.add(rule.code)
        rules.append(rule)
    if not isinstance(data["rules"], list):
        problems.append("“rules”应为规则的列表")
    if problems:
        raise PolicyInputError(problems)
    return RuleSet(
        str(data["name"]), str(data["version"]), figures, tuple(rules), str(data.get("source", ""))
    )


def _figures(raw, problems: list[str]) -> dict[str, Figure]:
    if not isinstance(raw, dict):
        problems.append("“figures”应为“数据项: {label, unit, kind}”的映射")
        return {}
    figures = {}
    for name, spec in raw.items():
        spec = spec or {}
        kind = spec.get("kind", "number")
        if not str(name).isidentifier():
            problems.append(f"数据项名称“{name}”只能由字母、数字和下划线组成")
        elif kind not in FIGURE_KINDS:
            problems.append(f"数据项“{name}”的类型“{kind}”无效（可用：{'、'.join(FIGURE_KINDS)}）")
        else:
            figures[str(name)] = Figure(
                str(name), str(spec.get("label", name)), str(spec.get("unit", "")), kind
            )
    return figures


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _rule(raw, i: int, figures: dict[str, Figure], problems: list[str]) -> Rule | None:
    if not isinstance(raw, dict) or not raw.get("code") or not raw.get("name"):
        problems.append(f"第 {i} 条规则缺少编码（code）或名称（name）")
        return None
    code, where = str(raw["code"]), f"规则“{raw['code']}”"
    start = len(problems)
    if raw.get("kind") not in RULE_KINDS:
        problems.append(f"{where}的类型（kind）应为 {' 或 '.join(RULE_KINDS)}")
    params = {}
    for name, value in (raw.get("params") or {}).items():
        number = _decimal(value)
        if number is None:
            problems.append(f"{where}的参数“{name}”不是数字：{value}")
        params[str(name)] = number
    known = set(figures) | set(params) | IMPLICIT
    lets = []
    for name, spec in (raw.get("let") or {}).items():
        spec = spec if isinstance(spec, dict) else {"expr": spec}
        let = Let(
            str(name), str(spec.get("expr", "")), str(spec.get("label", name)), str(spec.get("unit", ""))
        )
        _check(let.expr, f"{where}的中间值“{name}”", known, problems)
        lets.append(let)
        known.add(let.name)
    conditions = []
    for j, c in enumerate(raw.get("conditions") or [], start=1):
        if not isinstance(c, dict) or not c.get("code") or not c.get("name"):
            problems.append(f"{where}的第 {j} 个条件缺少编码（code）或名称（name）")
            continue
        cond = Condition(
            str(c["code"]), str(c["name"]), str(c.get("value", "")), str(c.get("op", "")),
            str(c.get("threshold", "")), str(c.get("unit", "")), str(c.get("when", "") or ""),
        )  # fmt: skip
        label = f"{where}条件“{cond.code}”"
        if cond.op not in expr.COMPARISONS:
            problems.append(f"{label}的比较符“{cond.op}”无效（可用：{' '.join(expr.COMPARISONS)}）")
        for part in ("value", "threshold", "when"):
            if part != "when" or cond.when:
                _check(getattr(cond, part), f"{label}的“{part}”", known, problems)
        conditions.append(cond)
    applies = str(raw.get("applies", "") or "1 == 1")
    _check(applies, f"{where}的适用范围（applies）", known, problems)
    grant = raw.get("grant") or {}
    amount, ratio = str(grant.get("amount", "") or ""), str(grant.get("ratio", "") or "")
    if bool(amount) == bool(ratio):
        problems.append(f"{where}的 grant 应写 amount（补贴金额，元）或 ratio（优惠幅度，百分点）之一")
    else:
        _check(amount or ratio, f"{where}的 grant", known, problems, grant=True)
    if len(problems) > start:
        return None
    return Rule(
        code, str(raw["name"]), str(raw["kind"]), str(raw.get("grantor", "")), str(raw.get("source", "")),
        applies, params, tuple(lets), tuple(conditions), amount, ratio, str(raw.get("note", "")),
    )  # fmt: skip


def _check(text: str, label: str, known: set[str], problems: list[str], *, grant: bool = False) -> None:
    try:
        unknown = sorted(expr.names(text) - known)
        used = expr.functions(text)
    except ExpressionError as e:
        problems.append(f"{label}：{e}")
        return
    if unknown:
        problems.append(f"{label}引用了未知的数据项“{'”“'.join(unknown)}”")
    if "passed_total" in used and not grant:
        problems.append(f"{label}：passed_total 只能用在 grant 中（它依赖本规则的评价结果）")
