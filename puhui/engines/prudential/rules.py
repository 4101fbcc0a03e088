"""The rule set: what figures exist, which limits apply to which kind of organisation, and why.

    version: "2020-1"
    name: 地方金融组织监管指标
    figures:   {in_force: {label: 融资担保责任余额, unit: 元}, ...}
    params:    {leverage_cap: {label: 放大倍数上限, unit: 倍, default: 10}, ...}   # an organisation may override
    rules:
      - code: guarantee_leverage
        name: 融资担保放大倍数
        kinds: [guarantee]
        value: in_force / net_assets        # an expression over figures and params
        op: "<="
        limit: leverage_cap                 # an expression too
        unit: 倍
        severity: serious                   # serious | warning
        basis: 《融资担保公司监督管理条例》第十五条……

Every problem is collected and reported at once, in Chinese (`PrudentialInputError.problems`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from puhui.engines.policy.expr import AGGREGATES, COMPARISONS, ExpressionError, functions, names
from puhui.engines.rulefiles import RuleInputError, yaml_mapping

SEVERITIES = {"serious": "严重", "warning": "关注"}


class PrudentialInputError(RuleInputError):
    """Bad rules or figures; `problems` lists every one, in Chinese."""


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    unit: str


@dataclass(frozen=True)
class Param:
    name: str
    label: str
    unit: str
    default: Decimal


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    kinds: tuple[str, ...]
    value: str
    op: str
    limit: str
    unit: str
    severity: str
    basis: str

    @property
    def severity_label(self) -> str:
        return SEVERITIES[self.severity]


@dataclass(frozen=True)
class RuleSet:
    version: str
    name: str
    figures: dict[str, Figure]
    params: dict[str, Param]
    rules: tuple[Rule, ...]

    def rules_for(self, kind: str) -> list[Rule]:
        return [r for r in self.rules if kind in r.kinds]


def _text(entry: dict, key: str, where: str, problems: list[str]) -> str:
    value = entry.get(key)
    if value is None or not str(value).strip():
        problems.append(f"{where}缺少“{key}”")
        return ""
    return str(value).strip()


def _decimal(value, where: str, problems: list[str]) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite():
        problems.append(f"{where}的默认值“{value}”不是数字")
        return Decimal(0)
    return number


def _expression(text: str, where: str, known: set[str], problems: list[str]) -> None:
    try:
        unknown = sorted(names(text) - known)
        used = functions(text) & AGGREGATES
    except ExpressionError as e:
        problems.append(f"{where}：{e}")
        return
    if unknown:
        problems.append(f"{where}引用了未定义的数据项或参数：{'、'.join(unknown)}")
    if used:
        problems.append(f"{where}不能使用汇总函数：{'、'.join(sorted(used))}")


def _entries(data: dict, key: str, what: str, problems: list[str]) -> dict[str, dict]:
    """`figures` or `params`: a mapping of names to mappings (label, unit…); anything else is a problem."""
    section = data.get(key) or {}
    if not isinstance(section, dict):
        problems.append(f"规则文件的“{key}”应是{what}名到其说明（label、unit）的映射")
        return {}
    entries = {}
    for name, spec in section.items():
        if spec is not None and not isinstance(spec, dict):
            problems.append(f"{what}“{name}”应写成映射，如 {{label: …, unit: …}}")
            continue
        entries[str(name)] = spec or {}
    return entries


def load_rules(text: str) -> RuleSet:
    """Parse and check a rule set; PrudentialInputError lists every problem."""
    data = yaml_mapping(
        text, PrudentialInputError, "规则文件应是一个映射（version、name、figures、params、rules）"
    )
    problems: list[str] = []
    version = _text(data, "version", "规则文件", problems)
    name = _text(data, "name", "规则文件", problems)
    figures = {
        key: Figure(key, str(spec.get("label", key)), str(spec.get("unit", "")))
        for key, spec in _entries(data, "figures", "数据项", problems).items()
    }
    params = {}
    for key, spec in _entries(data, "params", "参数", problems).items():
        params[key] = Param(
            key,
            str(spec.get("label", key)),
            str(spec.get("unit", "")),
            _decimal(spec.get("default"), f"参数“{key}”", problems),
        )
    clash = sorted(set(figures) & set(params))
    if clash:
        problems.append(f"数据项和参数重名：{'、'.join(clash)}")
    known = set(figures) | set(params)
    rules, codes = [], set()
    for n, entry in enumerate(data.get("rules") or [], start=1):
        if not isinstance(entry, dict):
            problems.append(f"第{n}条规则应是一个映射")
            continue
        where = f"第{n}条规则"
        code = _text(entry, "code", where, problems)
        where = f"规则“{code or n}”"
        if code in codes:
            problems.append(f"{where}的编码重复")
        codes.add(code)
        kinds = entry.get("kinds") or []
        if not isinstance(kinds, list) or not kinds:
            problems.append(f"{where}缺少适用的机构类型（kinds）")
            kinds = []
        op = str(entry.get("op", "")).strip()
        if op not in COMPARISONS:
            problems.append(f"{where}的比较符“{op}”无效，可用：{' '.join(COMPARISONS)}")
        severity = str(entry.get("severity", "serious")).strip()
        if severity not in SEVERITIES:
            problems.append(f"{where}的严重程度“{severity}”无效，可用：serious（严重）、warning（关注）")
        value = _text(entry, "value", where, problems)
        limit = _text(entry, "limit", where, problems)
        for label, expr in (("计算式", value), ("限额", limit)):
            if expr:
                _expression(expr, f"{where}的{label}", known, problems)
        rules.append(
            Rule(
                code=code,
                name=_text(entry, "name", where, problems),
                kinds=tuple(str(k) for k in kinds),
                value=value,
                op=op,
                limit=limit,
                unit=str(entry.get("unit", "")),
                severity=severity,
                basis=_text(entry, "basis", where, problems),
            )
        )
    if not rules and not problems:
        problems.append("规则文件中没有规则")
    if problems:
        raise PrudentialInputError(problems)
    return RuleSet(version, name, figures, params, tuple(rules))
