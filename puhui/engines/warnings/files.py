"""The engine's files: the input tables in a directory (CSV), findings out (CSV and JSON).

    portfolios.csv   level, subject, label, period, balance, overdue, npl, agri, small
                     (层级, 编码, 名称, 报送期, 贷款余额, 逾期余额, 不良余额, 涉农贷款余额, 小微企业贷款余额)
    firm_credit.csv  firm, label, bank, bank_label, period, balance, unpaid
                     (企业, 企业名称, 银行, 银行名称, 报送期, 贷款余额, 逾期不良余额)
    exposures.csv    kind, bank, bank_label, subject, label, balance, bank_total   (optional; current quarter)
                     (类型, 银行, 银行名称, 对象, 对象名称, 贷款余额, 本行贷款余额)

Amounts in 元 with at most two decimals. `level` is bank or town (银行、镇); `kind` borrower or network
(借款人、担保群). Only portfolios.csv is required.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .engine import Exposure, Finding, FirmCredit, Inputs, Portfolio
from .rules import WarningInputError

TABLES = {
    "portfolios": {
        "level": "层级",
        "subject": "编码",
        "label": "名称",
        "period": "报送期",
        "balance": "贷款余额",
        "overdue": "逾期余额",
        "npl": "不良余额",
        "agri": "涉农贷款余额",
        "small": "小微企业贷款余额",
    },
    "firm_credit": {
        "firm": "企业",
        "label": "企业名称",
        "bank": "银行",
        "bank_label": "银行名称",
        "period": "报送期",
        "balance": "贷款余额",
        "unpaid": "逾期不良余额",
    },
    "exposures": {
        "kind": "类型",
        "bank": "银行",
        "bank_label": "银行名称",
        "subject": "对象",
        "label": "对象名称",
        "balance": "贷款余额",
        "bank_total": "本行贷款余额",
    },
}
AMOUNTS = {"balance", "overdue", "npl", "agri", "small", "unpaid", "bank_total"}
OPTIONAL = {"overdue", "npl", "agri", "small", "unpaid", "label", "bank_label"}
VALUES = {"level": {"bank": "bank", "银行": "bank", "town": "town", "镇": "town"},
          "kind": {"borrower": "borrower", "借款人": "borrower", "network": "network", "担保群": "network"}}  # fmt: skip
FINDING_COLUMNS = [
    "报送期",
    "规则编码",
    "规则",
    "对象类型",
    "对象",
    "对象名称",
    "严重程度",
    "数值",
    "单位",
    "涉及银行",
]
SUBJECT_KINDS = {"bank": "银行", "town": "镇（街道）", "firm": "企业"}


def _fen(text: str, where: str, problems: list[str]) -> int:
    text = (text or "").strip().replace(",", "")
    if not text:
        return 0
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        problems.append(f"{where}“{text}”不是数字")
        return 0
    if value < 0:
        problems.append(f"{where}“{text}”不能为负数")
        return 0
    if value != value.quantize(Decimal("0.01")):
        problems.append(f"{where}“{text}”最多两位小数（元）")
        return 0
    return int(value * 100)


def read_table(name: str, text: str) -> list[dict]:
    """The rows of one table, keys in English and amounts in fen; WarningInputError names every bad cell."""
    spec = TABLES[name]
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    problems, columns = [], {}
    for key, label in spec.items():
        found = next((h for h in header if h in (key, label)), None)
        if found is None and key not in OPTIONAL:
            problems.append(f"{name}.csv 缺少“{label}”列（{key}）")
        columns[key] = found
    if problems:
        raise WarningInputError(problems)
    rows = []
    for raw in reader:
        n = reader.line_num
        raw = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        row = {}
        for key, col in columns.items():
            value = raw.get(col, "") if col else ""
            where = f"{name}.csv 第{n}行“{spec[key]}”"
            if key in AMOUNTS:
                row[key] = _fen(value, where, problems)
            elif key in VALUES:
                if value not in VALUES[key]:
                    problems.append(f"{where}“{value}”应为 {'、'.join(VALUES[key])} 之一")
                row[key] = VALUES[key].get(value, "")
            else:
                if not value and key not in OPTIONAL:
                    problems.append(f"{where}不能为空")
                row[key] = value
        rows.append(row)
    if problems:
        raise WarningInputError(problems)
    return rows


def read_inputs(directory: str | Path, period: str | None = None) -> Inputs:
    """The tables of a directory; the quarter evaluated is `period` or the latest one in the files, compared
    with the latest one before it."""
    folder = Path(directory)
    if not (folder / "portfolios.csv").is_file():
        raise WarningInputError([f"目录“{folder}”中没有 portfolios.csv"])
    tables = {
        name: read_table(name, (folder / f"{name}.csv").read_text(encoding="utf-8"))
        if (folder / f"{name}.csv").is_file()
        else []
        for name in TABLES
    }
    periods = sorted(
        {r["period"] for r in tables["portfolios"]} | {r["period"] for r in tables["firm_credit"]}
    )
    if not periods:
        raise WarningInputError(["portfolios.csv 中没有数据行"])
    current = period or periods[-1]
    if current not in periods:
        raise WarningInputError([f"数据中没有报送期“{current}”（有：{'、'.join(periods)}）"])
    earlier = [p for p in periods if p < current]
    return Inputs(
        current=current,
        previous=earlier[-1] if earlier else None,
        portfolios=[Portfolio(**r) for r in tables["portfolios"]],
        firm_credit=[FirmCredit(**r) for r in tables["firm_credit"]],
        exposures=[Exposure(**r) for r in tables["exposures"]],
        networks=any(r["kind"] == "network" for r in tables["exposures"]),
    )


def finding_row(f: Finding) -> list[str]:
    return [
        f.period,
        f.rule.code,
        f.rule.name,
        SUBJECT_KINDS[f.subject_kind],
        f.subject,
        f.label,
        f.severity_label,
        f"{f.value:.2f}",
        f.rule.unit,
        "、".join(f.banks),
    ]


def write_findings(findings: list[Finding], directory: str | Path) -> tuple[Path, Path]:
    """findings.csv (one line each) and findings.json (with the measured values and the evidence rows)."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FINDING_COLUMNS)
    writer.writerows(finding_row(f) for f in findings)
    table = folder / "findings.csv"
    table.write_text(buffer.getvalue(), encoding="utf-8-sig")
    full = [
        {**dict(zip(FINDING_COLUMNS, finding_row(f), strict=True)), "测量值": f.measured, "证据": f.evidence}
        for f in findings
    ]
    detail = folder / "findings.json"
    detail.write_text(json.dumps(full, ensure_ascii=False, indent=1), encoding="utf-8")
    return table, detail
