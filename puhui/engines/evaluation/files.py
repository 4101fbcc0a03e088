"""Reading the banks' values from a file and writing the results (standard library only).

Values: CSV (a header row; UTF-8, UTF-8 with BOM or GB18030) or JSON (a list of objects; `.json` suffix), one
row per bank: `bank`, optional `name`, and one column per indicator code of the set. A blank cell is absent
(scored as the indicator's `if_absent` says), `不适用` (or `na`) leaves the indicator out for that bank.
A qualitative item's cell holds the office's points. Every problem is reported at once, in Chinese.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

from .. import recordfiles
from .engine import MANUAL, NA, NOT_APPLICABLE, BankFigures, BankResult, IndicatorSet
from .spec import EvaluationInputError, _decimal

STATUS_LABELS = {"scored": "已计分", "absent": "无数据", NOT_APPLICABLE: "不适用"}


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def read_records(path: str | Path) -> list[dict]:
    """Rows of a CSV file (header row) or the objects of a JSON list, as dicts."""
    return recordfiles.read_records(path, EvaluationInputError)


def parse_values(records: list[dict], indicator_set: IndicatorSet) -> list[BankFigures]:
    """One `BankFigures` per row; manual points checked against the item's weight."""
    specs = {s.code: s for s in indicator_set.indicators}
    problems: list[str] = []
    if not records:
        raise EvaluationInputError(["数值文件中没有机构"])
    seen = {k for r in records for k in r}
    unknown = sorted(str(k) for k in seen - {"bank", "name", *specs})
    if None in seen or unknown:
        detail = f"不认识的列 {'、'.join(unknown)}" if unknown else "有的行比表头多出数值"
        raise EvaluationInputError([f"数值文件：{detail}（可用的列：bank、name 和指标编码）"])
    banks, ids = [], set()
    for line, r in enumerate(records, start=1):
        bank = _text(r.get("bank"))
        where = f"数值文件第 {line} 行（机构“{bank}”）"
        if not bank:
            problems.append(f"数值文件第 {line} 行：bank（机构编号）为空")
        elif bank in ids:
            problems.append(f"{where}：机构重复")
        ids.add(bank)
        values = {}
        for code, spec in specs.items():
            cell = _text(r.get(code))
            if cell == "":
                values[code] = None
            elif cell in (NA, "na", "n/a"):
                values[code] = NA
            elif (d := _decimal(cell)) is None:
                problems.append(f"{where}：{spec.name}（{code}）应为数值、空白或“不适用”（现为“{cell}”）")
            elif spec.method == MANUAL and not 0 <= d <= spec.weight:
                problems.append(
                    f"{where}：{spec.name}（{code}）的得分应在 0 到 {spec.weight} 之间（现为“{cell}”）"
                )
            else:
                values[code] = d
        banks.append(BankFigures(bank=bank, name=_text(r.get("name")), values=values))
    if problems:
        raise EvaluationInputError(problems)
    return banks


def _plain(d: Decimal | None):
    if d is None:
        return None
    return int(d) if d == d.to_integral_value() else float(d)


def results_records(results: list[BankResult], indicator_set: IndicatorSet) -> list[dict]:
    return [
        {
            "rank": r.rank, "bank": r.bank, "name": r.name, "total": _plain(r.total), "grade": r.grade,
            "scores": {
                code: {"value": _plain(s.value), "points": _plain(s.points), "status": s.status}
                for code, s in r.scores.items()
            },
        }
        for r in results
    ]  # fmt: skip


def write_results(results: list[BankResult], indicator_set: IndicatorSet, out: str | Path) -> Path:
    """`.json`: `results_records`; otherwise CSV: rank, bank, name, points per indicator, total, grade."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".json":
        text = json.dumps(results_records(results, indicator_set), ensure_ascii=False, indent=2)
        out.write_text(text + "\n", encoding="utf-8")
        return out
    codes = [s.code for s in indicator_set.indicators]
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["rank", "bank", "name", *codes, "total", "grade"])
        for r in results:
            points = [
                NA if r.scores[c].status == NOT_APPLICABLE else f"{r.scores[c].points:.2f}" for c in codes
            ]
            w.writerow([r.rank, r.bank, r.name, *points, f"{r.total:.2f}", r.grade])
    return out
