"""The engine's files (CSV, UTF-8, a header row; English or Chinese column names):

    products.csv  code, name, owner, amount_min, amount_max, term_min, term_max, rate_min, rate_max,
                  collateral, towns, rule
                  (产品编码, 产品名称, 机构, 最低金额, 最高金额, 最短期限, 最长期限, 最低利率, 最高利率,
                  担保方式, 服务镇, 准入规则)
    demands.csv   id, town, collateral, and any field of the vocabulary (amount, term, firm_small, …)
                  (需求编号, 所在镇, 担保方式, 字段名…)

Amounts in 元, terms in 月, rates in % a year; collateral kinds by code or label, several separated by
、 or ; (信用、保证); towns by their 9- or 12-digit code, several separated the same way (empty: every
town); an empty field value is missing. Out: matches.csv (需求编号, 名次, 产品编码, 产品名称, 机构).
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from .engine import DemandTable, Matches, Product
from .rules import MatchingInputError, check_rule
from .vocabulary import FIELDS, collateral_code, collateral_mask

PRODUCT_COLUMNS = {
    "code": "产品编码", "name": "产品名称", "owner": "机构", "amount_min": "最低金额", "amount_max": "最高金额",
    "term_min": "最短期限", "term_max": "最长期限", "rate_min": "最低利率", "rate_max": "最高利率",
    "collateral": "担保方式", "towns": "服务镇", "rule": "准入规则",
}  # fmt: skip
DEMAND_COLUMNS = {"id": "需求编号", "town": "所在镇", "collateral": "担保方式"}
MATCH_COLUMNS = ["需求编号", "名次", "产品编码", "产品名称", "机构"]
_SPLIT = re.compile(r"[、;；,，\s]+")


def _split(text) -> list[str]:
    return [t for t in _SPLIT.split(str(text or "").strip()) if t]


def _english(header: list[str], columns: dict[str, str]) -> dict[str, str]:
    by_label = {label: name for name, label in columns.items()}
    by_label.update({label: name for name, label in ((f, f) for f in FIELDS)})
    return {h: by_label.get(h.strip(), h.strip()) for h in header}


def collateral_codes(text, where: str, problems: list[str]) -> list[str]:
    codes = []
    for part in _split(text):
        code = collateral_code(part)
        if code is None:
            problems.append(f"{where}：担保方式“{part}”不认识")
        else:
            codes.append(code)
    return codes


def _decimal(text, where: str, label: str, problems: list[str]) -> Decimal:
    try:
        return Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation:
        problems.append(f"{where}：{label}“{text}”不是数字")
        return Decimal(0)


def read_products(path) -> list[Product]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    problems: list[str] = []
    products = []
    for i, raw in enumerate(rows, start=2):
        row = {_english([k], PRODUCT_COLUMNS)[k]: v for k, v in raw.items() if k}
        where = f"products.csv 第 {i} 行"
        number = {k: _decimal(row.get(k, ""), where, PRODUCT_COLUMNS[k], problems) for k in PRODUCT_COLUMNS
                  if k.startswith(("amount", "term", "rate"))}  # fmt: skip
        try:
            check_rule(row.get("rule"))
        except MatchingInputError as e:
            problems += [f"{where}：{p}" for p in e.problems]
        products.append(
            Product(
                code=row.get("code", "").strip() or f"P{i}", name=row.get("name", "").strip(),
                owner=row.get("owner", "").strip(), amount_min=number["amount_min"],
                amount_max=number["amount_max"], term_min=int(number["term_min"]), term_max=int(number["term_max"]),
                rate_min=number["rate_min"], rate_max=number["rate_max"],
                collateral=frozenset(collateral_codes(row.get("collateral"), where, problems)),
                towns=frozenset(t[:9] for t in _split(row.get("towns"))), rule=(row.get("rule") or "").strip(),
            )
        )  # fmt: skip
    if problems:
        raise MatchingInputError(problems)
    return products


def read_demands(path) -> DemandTable:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [_english(list(frame.columns), DEMAND_COLUMNS)[c] for c in frame.columns]
    problems: list[str] = []
    for needed in ("id", "amount", "term"):
        if needed not in frame.columns:
            problems.append(f"demands.csv 缺少列“{DEMAND_COLUMNS.get(needed, needed)}”")
    if problems:
        raise MatchingInputError(problems)
    fields = {}
    for name in FIELDS.keys() & set(frame.columns):
        column = pd.to_numeric(frame[name].str.replace(",", ""), errors="coerce")
        bad = frame[name].ne("") & column.isna()
        for i in list(bad[bad].index[:20]):
            problems.append(f"demands.csv 第 {i + 2} 行：{FIELDS[name].label}“{frame[name][i]}”不是数字")
        fields[name] = column.to_numpy(dtype=float)
    collateral = frame["collateral"] if "collateral" in frame.columns else pd.Series([""] * len(frame))
    masks = [collateral_mask(collateral_codes(text, f"demands.csv 第 {i + 2} 行", problems))
             for i, text in enumerate(collateral)]  # fmt: skip
    if problems:
        raise MatchingInputError(problems)
    towns = frame["town"].str[:9] if "town" in frame.columns else pd.Series([""] * len(frame))
    return DemandTable(ids=frame["id"].to_numpy(), towns=towns.to_numpy(), collateral=masks, fields=fields)


def write_matches(demands: DemandTable, products: list[Product], matches: Matches, out) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    order = sorted(range(len(matches.rank)), key=lambda k: (matches.demand[k], matches.rank[k]))
    path = out / "matches.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(MATCH_COLUMNS)
        for k in order:
            p = products[matches.product[k]]
            w.writerow([demands.ids[matches.demand[k]], int(matches.rank[k]), p.code, p.name, p.owner])
    return path
