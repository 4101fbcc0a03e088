"""Reading an assessment's inputs from files and writing its results (standard library only).

Three inputs, each CSV (UTF-8, UTF-8 with BOM or GB18030; a header row) or JSON (a list of objects
with the same names; `.json` suffix), see docs/assessment-engine.md:

    criteria   key, kind, max_points[, name]
    facts      unit[, name], reports_due, reports_on_time, reports_late, milestones_due,
               milestones_met, notices, notices_on_time, targets_due, targets_met,
               targets_overridden, targets_no_data            (a missing count column is 0)
               [, is_bank, bank_score, bank_score_max, bank_grade]   (the banks' evaluation)
    manual     criterion, unit, points                         (optional; manual criteria only)

Keys and unit ids are kept as text ("0123" stays "0123"). Every problem found is reported at once in
one AssessmentInputError, in Chinese.
"""

from __future__ import annotations

import csv
import json
from dataclasses import fields
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .. import recordfiles
from .engine import AUTOMATIC, CriterionSpec, UnitFacts, UnitResult

BANK_COLUMNS = ("is_bank", "bank_score", "bank_score_max", "bank_grade")
COUNTS = tuple(
    f.name for f in fields(UnitFacts) if f.name not in ("unit", "name", "bank_unavailable", *BANK_COLUMNS)
)
# (part, whole): the part can never exceed the whole it is counted from.
BOUNDS = (
    (("reports_on_time", "reports_late"), "reports_due"),
    (("milestones_met",), "milestones_due"),
    (("notices_on_time",), "notices"),
    (("targets_met", "targets_overridden", "targets_no_data"), "targets_due"),
)
CRITERION_COLUMNS = ("key", "kind", "max_points", "name")
FACT_COLUMNS = ("unit", "name", *COUNTS, *BANK_COLUMNS)
MANUAL_COLUMNS = ("criterion", "unit", "points")


class AssessmentInputError(ValueError):
    """The input files cannot be assessed; `problems` lists every reason (in Chinese)."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def read_records(path: str | Path) -> list[dict]:
    """Rows of a CSV file (header row) or the objects of a JSON list, as dicts."""
    return recordfiles.read_records(path, AssessmentInputError)


def _columns(records: list[dict], allowed: tuple, required: tuple, label: str, problems: list) -> bool:
    seen = {k for r in records for k in r}
    if None in seen:  # csv.DictReader files surplus values of a row under None
        problems.append(f"{label}：有的行比表头多出数值")
    unknown = sorted(str(k) for k in seen - set(allowed) - {None})
    if unknown:
        problems.append(f"{label}：不认识的列 {'、'.join(unknown)}（可用的列：{'、'.join(allowed)}）")
    missing = [c for c in required if any(c not in r for r in records)]
    if missing:
        problems.append(f"{label}：缺少列 {'、'.join(missing)}")
    return not unknown and not missing and None not in seen


def _decimal(value) -> Decimal | None:
    try:
        d = Decimal(_text(value))
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def _count(value) -> int | None:
    if _text(value) == "":
        return 0
    d = _decimal(value)
    if d is None or d < 0 or d != d.to_integral_value():
        return None
    return int(d)


def parse_criteria(records: list[dict]) -> list[CriterionSpec]:
    problems: list[str] = []
    if not records:
        raise AssessmentInputError(["考核项目：文件中没有考核项目"])
    if not _columns(records, CRITERION_COLUMNS, ("key", "kind", "max_points"), "考核项目", problems):
        raise AssessmentInputError(problems)
    specs, keys = [], set()
    for line, r in enumerate(records, start=1):
        key, kind, points = _text(r["key"]), _text(r["kind"]), _decimal(r["max_points"])
        where = f"考核项目第 {line} 条"
        if not key:
            problems.append(f"{where}：key 为空")
        elif key in keys:
            problems.append(f"{where}：key“{key}”重复")
        if not kind:
            problems.append(f"{where}：kind 为空")
        if points is None or points < 0:
            problems.append(f"{where}：max_points 应为不小于 0 的数（现为“{_text(r['max_points'])}”）")
        keys.add(key)
        if not problems:
            specs.append(CriterionSpec(key=key, kind=kind, max_points=points))
    if problems:
        raise AssessmentInputError(problems)
    return specs


def parse_facts(records: list[dict]) -> list[UnitFacts]:
    problems: list[str] = []
    if not _columns(records, FACT_COLUMNS, ("unit",), "单位事实", problems):
        raise AssessmentInputError(problems)
    facts, units = [], set()
    for line, r in enumerate(records, start=1):
        where = f"单位事实第 {line} 条"
        unit = _text(r["unit"])
        if not unit:
            problems.append(f"{where}：unit 为空")
        elif unit in units:
            problems.append(f"{where}：单位“{unit}”重复")
        units.add(unit)
        counts = {}
        for c in COUNTS:
            counts[c] = _count(r.get(c))
            if counts[c] is None:
                problems.append(f"{where}：{c} 应为不小于 0 的整数（现为“{_text(r.get(c))}”）")
        if any(v is None for v in counts.values()):
            continue
        for parts, whole in BOUNDS:
            if sum(counts[p] for p in parts) > counts[whole]:
                problems.append(f"{where}：{' + '.join(parts)} 超过 {whole}")
        bank = _bank_facts(r, where, problems)
        if bank is not None:
            facts.append(UnitFacts(unit=unit, name=_text(r.get("name")), **counts, **bank))
    if problems:
        raise AssessmentInputError(problems)
    return facts


def _bank_facts(r: dict, where: str, problems: list) -> dict | None:
    """is_bank (0/1, blank 0), bank_score (blank: not evaluated), bank_score_max (blank 100), bank_grade."""
    flag = _text(r.get("is_bank"))
    if flag not in ("", "0", "1"):
        problems.append(f"{where}：is_bank 应为 0 或 1（现为“{flag}”）")
        return None
    top = _decimal(r.get("bank_score_max")) if _text(r.get("bank_score_max")) else Decimal("100")
    if top is None or top <= 0:
        problems.append(f"{where}：bank_score_max 应为大于 0 的数（现为“{_text(r.get('bank_score_max'))}”）")
        return None
    score = None
    if _text(r.get("bank_score")):
        score = _decimal(r.get("bank_score"))
        if score is None or not 0 <= score <= top:
            problems.append(
                f"{where}：bank_score 应为 0 到 {top} 之间的数（现为“{_text(r.get('bank_score'))}”）"
            )
            return None
        if flag != "1":
            problems.append(f"{where}：有 bank_score 的单位 is_bank 应为 1")
            return None
    return {
        "is_bank": flag == "1",
        "bank_score": score,
        "bank_score_max": top,
        "bank_grade": _text(r.get("bank_grade")),
    }


def parse_manual(
    records: list[dict], criteria: list[CriterionSpec], facts: list[UnitFacts]
) -> dict[tuple, Decimal]:
    """`{(criterion key, unit): points}`; points within 0 and the criterion's maximum, once each."""
    problems: list[str] = []
    if not _columns(records, MANUAL_COLUMNS, MANUAL_COLUMNS, "人工评分", problems):
        raise AssessmentInputError(problems)
    by_key = {c.key: c for c in criteria}
    units = {f.unit for f in facts}
    manual: dict[tuple, Decimal] = {}
    for line, r in enumerate(records, start=1):
        where = f"人工评分第 {line} 条"
        key, unit, points = _text(r["criterion"]), _text(r["unit"]), _decimal(r["points"])
        c = by_key.get(key)
        if c is None:
            problems.append(f"{where}：没有考核项目“{key}”")
        elif c.kind in AUTOMATIC:
            problems.append(f"{where}：考核项目“{key}”由系统自动计分")
        if unit not in units:
            problems.append(f"{where}：单位事实中没有单位“{unit}”")
        if (key, unit) in manual:
            problems.append(f"{where}：“{key}”“{unit}”重复评分")
        if points is None or (c is not None and not 0 <= points <= c.max_points):
            top = f" 到 {c.max_points}" if c is not None else ""
            problems.append(f"{where}：得分应为 0{top} 之间的数（现为“{_text(r['points'])}”）")
        elif c is not None:
            manual[(key, unit)] = points
    if problems:
        raise AssessmentInputError(problems)
    return manual


def load(criteria: str | Path, facts: str | Path, manual: str | Path | None = None):
    """(criteria, facts, manual) read and checked from the files, ready for `engine.assess`."""
    specs = parse_criteria(read_records(criteria))
    units = parse_facts(read_records(facts))
    points = parse_manual(read_records(manual), specs, units) if manual else {}
    return specs, units, points


def _number(d: Decimal) -> int | float:
    """A two-place Decimal as a JSON number; float's shortest repr keeps the two places exact."""
    return int(d) if d == d.to_integral_value() else float(d)


def results_records(results: list[UnitResult], criteria: list[CriterionSpec]) -> list[dict]:
    """The results as JSON-ready objects: rank, unit, name, total and per criterion points and detail."""
    return [
        {
            "rank": r.rank,
            "unit": r.unit,
            "name": r.name,
            "total": _number(r.total),
            "scores": {
                str(c.key): {"points": _number(r.scores[c.key].points), "detail": r.scores[c.key].detail}
                for c in criteria
            },
        }
        for r in results
    ]


def write_results(results: list[UnitResult], criteria: list[CriterionSpec], out: str | Path) -> Path:
    """`.json`: `results_records`; otherwise CSV: rank, unit, name, a column per criterion, total."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".json":
        text = json.dumps(results_records(results, criteria), ensure_ascii=False, indent=2)
        out.write_text(text + "\n", encoding="utf-8")
        return out
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["rank", "unit", "name", *(str(c.key) for c in criteria), "total"])
        for r in results:
            points = [f"{r.scores[c.key].points:.2f}" for c in criteria]
            w.writerow([r.rank, r.unit, r.name, *points, f"{r.total:.2f}"])
    return out
