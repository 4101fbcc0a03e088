"""The engine's files: the figures table in (CSV), the results out (CSV or JSON).

Figures CSV: columns `institution`, `name`, `year`, then one column per figure the rules read, named by the
figure (`loan_avg`) or by its label (`当年贷款平均余额`). An empty cell is a missing figure; flags accept
1/0 and 是/否. Results: one row per institution and rule — see `RESULT_COLUMNS` and docs/policy.md.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .engine import STATUS_LABELS, FigureRow, RuleResult
from .rules import RULE_KINDS, PolicyInputError, RuleSet

KEYS = {"institution": ("institution", "机构编码"), "name": ("name", "机构名称"), "year": ("year", "年度")}
FLAGS = {"是": Decimal(1), "否": Decimal(0), "true": Decimal(1), "false": Decimal(0)}
RESULT_COLUMNS = [
    "机构编码",
    "机构名称",
    "年度",
    "规则编码",
    "规则",
    "类型",
    "结果",
    "补贴金额（元）",
    "优惠幅度（百分点）",
]


def read_figures(text: str, ruleset: RuleSet) -> list[FigureRow]:
    """The rows of a figures CSV, checked against what the rules read; PolicyInputError names each bad cell."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    by_label = {f.label: f.name for f in ruleset.figures.values()}
    columns = {h: by_label.get(h, h) for h in header}
    for key, names in KEYS.items():
        columns.update({h: key for h in header if h in names})
    present = set(columns.values())
    problems = [f"数据文件缺少列“{k}”（{KEYS[k][1]}）" for k in KEYS if k not in present]
    needed = ruleset.figures_read()
    problems += [
        f"数据文件缺少列“{n}”（{ruleset.figures[n].label}），规则要用到它" for n in needed if n not in present
    ]
    if problems:
        raise PolicyInputError(problems)
    rows = []
    for line, raw in enumerate(reader, start=2):
        cells = {columns.get(k.strip(), k.strip()): (v or "").strip() for k, v in raw.items() if k}
        year = cells["year"]
        if not year.isdigit():
            problems.append(f"第 {line} 行“year”（年度）应为四位年份：“{year}”")
            continue
        if not cells["institution"]:
            problems.append(f"第 {line} 行缺少机构编码（institution）")
        values = {n: _figure(cells.get(n, ""), line, ruleset.figures[n], problems) for n in needed}
        rows.append(FigureRow(cells["institution"], cells["name"], int(year), values))
    if problems:
        raise PolicyInputError(problems)
    return rows


def _figure(text: str, line: int, figure, problems: list[str]) -> Decimal | None:
    if text == "":
        return None
    where = f"第 {line} 行“{figure.name}”（{figure.label}）"
    if figure.kind == "flag" and text.lower() in FLAGS:
        return FLAGS[text.lower()]
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        problems.append(f"{where}不是数字：“{text}”")
        return None
    if not value.is_finite():
        problems.append(f"{where}不是有限的数：“{text}”")
    elif value < 0:  # balances, counts, flags and years: no figure a rule reads is negative
        problems.append(f"{where}不能为负数：{text}")
    elif figure.kind == "flag" and value not in (0, 1):
        problems.append(f"{where}应为 1/0 或 是/否：“{text}”")
    return value


def _plain(value: Decimal | None, places: int = 4) -> str:
    """A figure as the CSV shows it: at most `places` decimals, no trailing zeros, no exponent."""
    if value is None:
        return ""
    text = f"{value.quantize(Decimal(1).scaleb(-places)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def result_records(results: list[RuleResult]) -> list[dict]:
    """One flat record per result, with each condition's figure, threshold and result in numbered columns."""
    records = []
    for r in results:
        record = {
            "机构编码": r.institution,
            "机构名称": r.name,
            "年度": r.year,
            "规则编码": r.rule.code,
            "规则": r.rule.name,
            "类型": RULE_KINDS[r.rule.kind],
            "结果": r.status_label,
            "补贴金额（元）": "" if r.amount is None else f"{r.amount:.2f}",
            "优惠幅度（百分点）": _plain(r.ratio),
        }
        for i, c in enumerate(r.conditions, start=1):
            record[f"条件{i}"] = c.condition.name
            record[f"条件{i}数值"] = _plain(c.value)
            record[f"条件{i}比较"] = c.condition.op
            record[f"条件{i}阈值"] = _plain(c.threshold)
            record[f"条件{i}结果"] = c.status_label
        records.append(record)
    return records


def result_json(results: list[RuleResult]) -> list[dict]:
    return [
        {
            "institution": r.institution,
            "name": r.name,
            "year": r.year,
            "rule": r.rule.code,
            "status": r.status,
            "status_label": STATUS_LABELS[r.status],
            "amount": None if r.amount is None else f"{r.amount:.2f}",
            "ratio": _plain(r.ratio) or None,
            "values": {let.name: _plain(v) or None for let, v in r.lets},
            "conditions": [
                {
                    "code": c.condition.code,
                    "name": c.condition.name,
                    "value": _plain(c.value) or None,
                    "op": c.condition.op,
                    "threshold": _plain(c.threshold) or None,
                    "unit": c.condition.unit,
                    "status": c.status,
                }
                for c in r.conditions
            ],
        }
        for r in results
    ]


def write_results(results: list[RuleResult], path: str | Path) -> Path:
    """Write CSV (UTF-8 with BOM, so Excel reads the Chinese) or JSON, by the file's suffix."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(result_json(results), ensure_ascii=False, indent=2), encoding="utf-8")
        return path
    records = result_records(results)
    width = max((len(r.conditions) for r in results), default=0)
    columns = RESULT_COLUMNS + [
        f"条件{i}{part}" for i in range(1, width + 1) for part in ("", "数值", "比较", "阈值", "结果")
    ]
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(records)
    return path
