"""The words a product's eligibility rule may use, and the collateral kinds, defined once for the engine,
the app's forms and docs/matching-engine.md.

Every field is a number; a flag is 1 (是) or 0 (否). A field the demand does not have (a firm without a
credit rating) is missing, and a rule that needs it is 缺少数据 (not met) rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    unit: str  # "" for a flag
    word: str  # how a rule names it: rules are written in Chinese (金额 <= 3000000 且 小型企业)


FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        # the demand
        Field("amount", "申请金额", "元", "金额"),
        Field("term", "申请期限", "月", "期限"),
        Field("agri", "涉农（农林牧渔业或涉农用途）", "", "涉农"),
        Field("female", "女性创业者（巾帼）", "", "女性创业"),
        Field("youth", "青年创业者（45 周岁以下）", "", "青年创业"),
        Field("talent", "认定人才", "", "人才"),
        Field("first_loan", "首次贷款（从未在银行贷款）", "", "首次贷款"),
        # the firm
        Field("firm_small", "小型企业", "", "小型企业"),
        Field("firm_micro", "微型企业", "", "微型企业"),
        Field("firm_individual", "个体工商户", "", "个体工商户"),
        Field("employees", "从业人数", "人", "从业人数"),
        Field("revenue", "年营业收入", "元", "营业收入"),
        Field("firm_age", "成立年限", "年", "成立年限"),
        Field("rating_score", "企业信用评分", "分", "信用评分"),
    )
}
FLAGS = frozenset(name for name, f in FIELDS.items() if f.unit == "")
BY_WORD = {f.word: f.name for f in FIELDS.values()}
# The connectives a rule writes in Chinese, and the grammar's own words for them.
CONNECTIVES = {"且": " and ", "或": " or ", "非": " not ", "≤": "<=", "≥": ">=", "≠": "!="}

# Collateral and pledge kinds (plan 十三): code → label. The order is the bit of `collateral_mask`.
COLLATERAL: dict[str, str] = {
    "credit": "信用",
    "guarantee": "保证",
    "mortgage": "抵押",
    "movable": "动产质押",
    "warehouse": "仓单质押",
    "receivables": "应收账款质押",
    "equity": "股权质押",
    "ip": "知识产权质押",
    "land": "土地经营权抵押",
    "forest": "林权抵押",
}
_BIT = {code: 1 << i for i, code in enumerate(COLLATERAL)}
_BY_LABEL = {label: code for code, label in COLLATERAL.items()}


def collateral_code(text: str) -> str | None:
    """The code of a collateral kind written as its code or its label; None if unknown."""
    text = text.strip()
    return text if text in COLLATERAL else _BY_LABEL.get(text)


def collateral_mask(codes) -> int:
    """The kinds as one integer (bit per kind), so that 'any kind in common' is one `&` over a column."""
    mask = 0
    for code in codes:
        mask |= _BIT[code]
    return mask


def collateral_labels(codes) -> str:
    return "、".join(COLLATERAL[c] for c in COLLATERAL if c in set(codes))
