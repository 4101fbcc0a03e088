"""The engine's files: figures in (CSV), findings out (CSV or JSON).

Figures CSV: `organisation`, `name`, `kind`, `period` (or 机构编码, 机构名称, 机构类型, 报送期), then one column
per figure, named by the figure (`in_force`) or its label (`融资担保责任余额`); a column `param.<name>` gives an
organisation's own value of a parameter (its licensed leverage cap). An empty cell is a missing figure.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .engine import FigureRow, Finding
from .rules import PrudentialInputError, RuleSet

KEYS = {
    "organisation": ("organisation", "机构编码"),
    "name": ("name", "机构名称"),
    "kind": ("kind", "机构类型"),
    "period": ("period", "报送期"),
}
PARAM_PREFIX = "param."
FINDING_COLUMNS = [
    "机构编码",
    "机构名称",
    "报送期",
    "规则编码",
    "规则",
    "严重程度",
    "数值",
    "限额",
    "单位",
    "比较",
    "结果",
    "依据",
]


def _number(text: str, where: str, problems: list[str]) -> Decimal | None:
    text = (text or "").strip().replace(",", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        problems.append(f"{where}“{text}”不是数字")
        return None
    if value < 0:
        problems.append(f"{where}“{text}”不能为负数")
        return None
    return value


def read_figures(text: str, ruleset: RuleSet) -> list[FigureRow]:
    """The rows of a figures CSV; PrudentialInputError names every bad cell (row numbers as in a spreadsheet)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    by_label = {f.label: f.name for f in ruleset.figures.values()}
    problems: list[str] = []
    key_columns = {}
    for key, aliases in KEYS.items():
        found = next((h for h in header if h in aliases), None)
        if found is None:
            problems.append(f"缺少“{aliases[1]}”列（{aliases[0]}）")
        key_columns[key] = found
    figure_columns, param_columns = {}, {}
    for h in header:
        if h in {c for c in key_columns.values() if c}:
            continue
        if h.startswith(PARAM_PREFIX):
            name = h.removeprefix(PARAM_PREFIX)
            if name not in ruleset.params:
                problems.append(f"列“{h}”：规则中没有参数“{name}”")
            param_columns[h] = name
            continue
        name = by_label.get(h, h)
        if name not in ruleset.figures:
            problems.append(f"列“{h}”不是规则中的数据项")
        twin = next((c for c, n in figure_columns.items() if n == name), None)
        if twin is not None:  # otherwise the later column would silently win
            problems.append(f"列“{twin}”和列“{h}”是同一数据项（{name}），只能保留一列")
        figure_columns[h] = name
    if problems:
        raise PrudentialInputError(problems)
    rows, seen = [], {}
    for raw in reader:
        n = reader.line_num  # the spreadsheet's row number, blank lines counted
        raw = {(k or "").strip(): (v or "") for k, v in raw.items()}
        keys = {k: raw.get(col, "").strip() for k, col in key_columns.items()}
        for k, value in keys.items():
            if not value and k != "name":
                problems.append(f"第{n}行“{KEYS[k][1]}”不能为空")
        pair = (keys["organisation"], keys["period"])
        if pair in seen:
            problems.append(f"第{n}行：机构“{pair[0]}”的报送期“{pair[1]}”与第{seen[pair]}行重复")
        seen.setdefault(pair, n)
        figures = {
            name: _number(raw.get(col, ""), f"第{n}行“{col}”", problems)
            for col, name in figure_columns.items()
        }
        params = {}
        for col, name in param_columns.items():
            value = _number(raw.get(col, ""), f"第{n}行“{col}”", problems)
            if value is not None:
                params[name] = value
        rows.append(
            FigureRow(keys["organisation"], keys["name"], keys["kind"], keys["period"], figures, params)
        )
    if not rows and not problems:
        problems.append("数据文件中没有数据行")
    if problems:
        raise PrudentialInputError(problems)
    return rows


def _plain(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def finding_row(f: Finding) -> list[str]:
    return [
        f.organisation,
        f.name,
        f.period,
        f.rule.code,
        f.rule.name,
        f.rule.severity_label,
        _plain(f.value),
        _plain(f.limit),
        f.rule.unit,
        f.rule.op,
        f.status_label,
        f.rule.basis,
    ]


def write_findings(findings: list[Finding], out: str | Path) -> Path:
    path = Path(out)
    if path.suffix.lower() == ".json":
        rows = [dict(zip(FINDING_COLUMNS, finding_row(f), strict=True)) for f in findings]
        path.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
        return path
    if path.suffix.lower() != ".csv":
        raise PrudentialInputError([f"结果文件“{path.name}”应以 .csv 或 .json 结尾"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FINDING_COLUMNS)
    writer.writerows(finding_row(f) for f in findings)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")
    return path
