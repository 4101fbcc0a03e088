"""Which products fit which demands, ranked; and why one product does not fit one demand.

A product fits a demand when the amount and the term are within the product's ranges, the demand offers a
collateral kind the product accepts, the firm's town is one the product serves (no towns: every town) and
the eligibility rule is met (缺少数据 is not met). Fitting products are ranked by the lowest rate offered,
then the larger top amount, then the code: the cheapest loan first.

Work is column-wise: one pass per distinct rule over every demand, one per product for the ranges, so
30,000 demands × 300 products take a fraction of a second (bench/bench_matching.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from .columns import evaluate_columns
from .rules import check_rule
from .vocabulary import FIELDS, collateral_labels, collateral_mask


@dataclass(frozen=True)
class Product:
    code: str
    name: str
    owner: str  # the bank or guarantee company
    amount_min: Decimal  # 元
    amount_max: Decimal
    term_min: int  # 月
    term_max: int
    rate_min: Decimal  # 年利率 %
    rate_max: Decimal
    collateral: frozenset[str]
    towns: frozenset[str] = frozenset()  # town codes; empty: every town
    rule: str = ""

    @property
    def mask(self) -> int:
        return collateral_mask(self.collateral)


@dataclass
class DemandTable:
    """Demands as columns: `ids`, `towns` (town codes), `collateral` (masks, `collateral_mask`) and one float
    column per field of the vocabulary (NaN: missing). Fields left out are missing for every demand."""

    ids: np.ndarray
    towns: np.ndarray
    collateral: np.ndarray
    fields: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self):
        n = len(self.ids)
        self.towns = np.asarray(self.towns, dtype=object)
        self.collateral = np.asarray(self.collateral, dtype=np.int64)
        self.fields = {k: np.asarray(v, dtype=float) for k, v in self.fields.items()}
        for name in FIELDS:
            self.fields.setdefault(name, np.full(n, np.nan))

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_rows(cls, rows: list[dict]) -> DemandTable:
        """From dicts with id, town, collateral (codes) and vocabulary fields (None: missing)."""
        cols = {
            name: np.array([np.nan if r.get(name) is None else float(r[name]) for r in rows])
            for name in FIELDS
        }
        return cls(
            ids=np.array([r["id"] for r in rows], dtype=object),
            towns=np.array([r.get("town") or "" for r in rows], dtype=object),
            collateral=np.array([collateral_mask(r.get("collateral") or ()) for r in rows], dtype=np.int64),
            fields=cols,
        )


@dataclass
class Matches:
    """The fitting products of each demand, best first: parallel arrays of demand row, product index
    (into the products given) and rank (1 = best)."""

    demand: np.ndarray
    product: np.ndarray
    rank: np.ndarray

    def for_demand(self, row: int) -> list[int]:
        picked = self.demand == row
        return list(self.product[picked][np.argsort(self.rank[picked], kind="stable")])


def rank_order(products: list[Product]) -> list[int]:
    return sorted(
        range(len(products)), key=lambda i: (products[i].rate_min, -products[i].amount_max, products[i].code)
    )


def fit_matrix(demands: DemandTable, products: list[Product]) -> np.ndarray:
    """Boolean (demands × products): does product j fit demand i."""
    n = len(demands)
    amount, term = demands.fields["amount"], demands.fields["term"]
    town_codes, town_index = np.unique(demands.towns.astype(str), return_inverse=True)
    rules: dict[str, np.ndarray] = {}
    fit = np.empty((n, len(products)), dtype=bool)
    for j, p in enumerate(products):
        if p.rule not in rules:
            rules[p.rule] = evaluate_columns(check_rule(p.rule), demands.fields, n) == 1
        ok = rules[p.rule].copy()
        ok &= (amount >= float(p.amount_min)) & (amount <= float(p.amount_max))
        ok &= (term >= p.term_min) & (term <= p.term_max)
        ok &= (demands.collateral & p.mask) != 0
        if p.towns:
            ok &= np.isin(town_codes, list(p.towns))[town_index]
        fit[:, j] = ok
    return fit


def match(demands: DemandTable, products: list[Product], top: int = 5) -> Matches:
    """The best `top` fitting products of every demand (fewer when fewer fit)."""
    order = rank_order(products)
    fit = fit_matrix(demands, [products[i] for i in order])
    place = np.cumsum(fit, axis=1, dtype=np.int32)
    rows, cols = np.nonzero(fit & (place <= top))
    return Matches(demand=rows, product=np.asarray(order, dtype=np.int64)[cols], rank=place[rows, cols])


def _money(value) -> str:
    return f"{Decimal(value):,.0f} 元"


def explain(demand: dict, product: Product) -> list[str]:
    """Why `product` does not fit one demand (a dict as for `DemandTable.from_rows`), in Chinese; [] if it fits."""
    reasons = []
    amount, term = demand.get("amount"), demand.get("term")
    if amount is None or not product.amount_min <= Decimal(str(amount)) <= product.amount_max:
        reasons.append(f"申请金额须在 {_money(product.amount_min)} 至 {_money(product.amount_max)} 之间")
    if term is None or not product.term_min <= int(term) <= product.term_max:
        reasons.append(f"申请期限须在 {product.term_min} 至 {product.term_max} 个月之间")
    if not set(demand.get("collateral") or ()) & product.collateral:
        reasons.append(f"本产品接受的担保方式为{collateral_labels(product.collateral)}")
    if product.towns and demand.get("town") not in product.towns:
        reasons.append("企业所在镇（街道）不在本产品服务范围内")
    table = DemandTable.from_rows([{**demand, "id": 0}])
    met = evaluate_columns(check_rule(product.rule), table.fields, 1)[0]
    if np.isnan(met):
        reasons.append(f"准入条件“{product.rule}”缺少数据，无法判断")
    elif met != 1:
        reasons.append(f"不符合准入条件“{product.rule}”")
    return reasons
