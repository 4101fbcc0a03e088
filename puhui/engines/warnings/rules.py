"""The warning rule set: which rules, of which kind, with which thresholds (severity bands) — all data.

    version: "2020-1"
    name: 沂源县金融风险预警规则
    rules:
      - code: npl_rise_bank
        name: 银行不良贷款率上升
        kind: ratio_rise          # ratio_rise | credit_withdrawal | concentration_borrower
                                  # | concentration_network | lending_drop
        measure: npl              # ratio_rise: npl（不良率）| overdue（逾期率）
        level: bank               # ratio_rise: bank | town
        min_base: 10000000        # 元：基数（上季贷款余额等）不足此数的不预警
        bands: {attention: 0.5, elevated: 1, serious: 2}   # 达到即为该级别；最低一级即触发阈值
        basis: 方案二十一……

`lending_drop` also has `category: agri | small`. Every problem is collected and reported at once, in
Chinese (`WarningInputError.problems`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from puhui.engines.rulefiles import RuleInputError, yaml_mapping

# Severity codes, lowest first, and their Chinese names.
SEVERITIES = {"attention": "关注", "elevated": "较重", "serious": "严重"}
SEVERITY_ORDER = list(SEVERITIES)
KINDS = {
    "ratio_rise": "不良率或逾期率上升",
    "credit_withdrawal": "抽贷、断贷、压贷",
    "concentration_borrower": "单一借款人集中度",
    "concentration_network": "单一担保群集中度",
    "lending_drop": "涉农或小微贷款骤降",
}
# What each kind's value is measured in.
UNITS = {
    "ratio_rise": "个百分点",
    "credit_withdrawal": "%",
    "concentration_borrower": "%",
    "concentration_network": "%",
    "lending_drop": "%",
}
MEASURES = {"npl": "不良贷款率", "overdue": "逾期贷款率"}
LEVELS = {"bank": "银行", "town": "镇（街道）"}
CATEGORIES = {"agri": "涉农贷款", "small": "小微企业贷款"}
CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_THRESHOLD = Decimal(1000)


class WarningInputError(RuleInputError):
    """Bad rules or tables; `problems` lists every one, in Chinese."""


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    kind: str
    bands: dict[str, Decimal]  # severity → the value from which it applies, ascending with severity
    min_base: Decimal = Decimal(0)  # 元
    measure: str = ""
    level: str = ""
    category: str = ""
    basis: str = ""

    @property
    def unit(self) -> str:
        return UNITS[self.kind]

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def threshold(self) -> Decimal:
        """The lowest band: a value at or above it raises a warning."""
        return min(self.bands.values())

    def severity_of(self, value: float) -> str | None:
        """The highest band reached, or None below the threshold."""
        reached = [s for s in SEVERITY_ORDER if s in self.bands and value >= float(self.bands[s])]
        return reached[-1] if reached else None


@dataclass(frozen=True)
class RuleSet:
    version: str
    name: str
    rules: tuple[Rule, ...]

    def rule(self, code: str) -> Rule | None:
        return next((r for r in self.rules if r.code == code), None)


def _number(value, where: str, problems: list[str]) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite() or isinstance(value, bool):
        problems.append(f"{where}“{value}”不是数字")
        return Decimal(0)
    if number < 0:
        problems.append(f"{where}“{value}”不能为负数")
        return Decimal(0)
    return number


def _choice(entry: dict, key: str, allowed: dict, where: str, problems: list[str]) -> str:
    value = str(entry.get(key) or "").strip()
    if value not in allowed:
        options = "、".join(f"{k}（{v}）" for k, v in allowed.items())
        problems.append(f"{where}的“{key}”应为 {options} 之一，填写的是“{value}”")
        return ""
    return value


def _bands(entry: dict, where: str, problems: list[str]) -> dict[str, Decimal]:
    raw = entry.get("bands")
    if not isinstance(raw, dict) or not raw:
        problems.append(f"{where}缺少严重程度分级（bands），如 {{attention: 1, serious: 3}}")
        return {}
    bands = {}
    for key, value in raw.items():
        if key not in SEVERITIES:
            options = "、".join(f"{k}（{v}）" for k, v in SEVERITIES.items())
            problems.append(f"{where}的严重程度“{key}”无效，可用：{options}")
            continue
        number = _number(value, f"{where}“{SEVERITIES[key]}”级的阈值", problems)
        if number > MAX_THRESHOLD:
            problems.append(f"{where}“{SEVERITIES[key]}”级的阈值 {value} 过大（不超过 {MAX_THRESHOLD}）")
        bands[key] = number
    ordered = [bands[s] for s in SEVERITY_ORDER if s in bands]
    if any(b <= a for a, b in zip(ordered, ordered[1:], strict=False)):
        problems.append(f"{where}的阈值应随严重程度递增（关注 < 较重 < 严重）")
    return {s: bands[s] for s in SEVERITY_ORDER if s in bands}


def load_rules(text: str) -> RuleSet:
    """Parse and check a rule set; WarningInputError lists every problem."""
    data = yaml_mapping(text, WarningInputError, "规则文件应是一个映射（version、name、rules）")
    problems: list[str] = []
    version = str(data.get("version") or "").strip()
    name = str(data.get("name") or "").strip()
    if not version:
        problems.append("规则文件缺少“version”")
    if not name:
        problems.append("规则文件缺少“name”")
    entries = data.get("rules")
    if not isinstance(entries, list):
        problems.append("规则文件的“rules”应是规则的列表")
        entries = []
    rules, codes = [], set()
    for n, entry in enumerate(entries, start=1):
        where = f"第{n}条规则"
        if not isinstance(entry, dict):
            problems.append(f"{where}应是一个映射")
            continue
        code = str(entry.get("code") or "").strip()
        if not CODE.match(code):
            problems.append(f"{where}的编码“{code}”无效（小写字母开头，字母、数字、下划线，最多 40 个）")
        elif code in codes:
            problems.append(f"{where}的编码“{code}”重复")
        codes.add(code)
        where = f"规则“{code or n}”"
        rule_name = str(entry.get("name") or "").strip()
        if not rule_name:
            problems.append(f"{where}缺少名称（name）")
        kind = _choice(entry, "kind", KINDS, where, problems)
        measure = level = category = ""
        if kind == "ratio_rise":
            measure = _choice(entry, "measure", MEASURES, where, problems)
            level = _choice(entry, "level", LEVELS, where, problems)
        if kind == "lending_drop":
            category = _choice(entry, "category", CATEGORIES, where, problems)
        bands = _bands(entry, where, problems)
        if kind != "ratio_rise" and bands and max(bands.values()) > 100:
            problems.append(f"{where}的阈值是百分比，不能超过 100")
        min_base = _number(entry.get("min_base", 0), f"{where}的最低基数", problems)
        rules.append(
            Rule(
                code=code,
                name=rule_name,
                kind=kind,
                bands=bands,
                min_base=min_base,
                measure=measure,
                level=level,
                category=category,
                basis=str(entry.get("basis") or "").strip(),
            )
        )
    if not rules and not problems:
        problems.append("规则文件中没有规则")
    if problems:
        raise WarningInputError(problems)
    return RuleSet(version, name, tuple(rules))


def rule_data(rule: Rule) -> dict:
    """The rule as it is written in a rule file (for a new version with changed thresholds)."""
    out: dict = {"code": rule.code, "name": rule.name, "kind": rule.kind}
    for key in ("measure", "level", "category"):
        if getattr(rule, key):
            out[key] = getattr(rule, key)
    out["min_base"] = _plain(rule.min_base)
    out["bands"] = {k: _plain(v) for k, v in rule.bands.items()}
    if rule.basis:
        out["basis"] = rule.basis
    return out


def _plain(value: Decimal):
    """An int when whole, else a float: what YAML writes back without quotes."""
    return int(value) if value == value.to_integral_value() else float(value)
