"""Reads of the monetary policy tools: the ledger's sums, the LPR table and the rate monitoring figures.

Rates are read from the summary `RateCell` (a few thousand rows at any scale), never from the loan rows;
`services.rate_cells_refresh` builds it with one grouped aggregate. Every weighted rate here is
Σ(rate × amount) / Σ(amount) over the cells in question, so a bank's quarter, a borrower type or the county
all follow the same definition.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from puhui.core.models import Organisation
from puhui.core.periods import label as period_label
from puhui.core.periods import parse_code, shift
from puhui.data.models import LoanRecord
from puhui.monetary import access
from puhui.monetary.models import (
    FinancedLoan,
    LprQuote,
    RateCell,
    RateRefresh,
    RelendingDraw,
    RelendingLine,
    RelendingRepayment,
    yuan,
)

BASE_YEAR, TARGET_YEAR = 2019, 2021  # plan: 2021 enterprise financing costs clearly below 2019
DEFAULT_THRESHOLD = Decimal("0.3")  # percentage points of a quarter-on-quarter rise that raises an alert
LPR_START = datetime.date(2019, 8, 1)  # the reformed LPR's first quotation (2019-08-20)
SMALL_TYPES = (LoanRecord.BorrowerType.SMALL, LoanRecord.BorrowerType.INDIVIDUAL)
BORROWER_LABELS = dict(LoanRecord.BorrowerType.choices)
GUARANTEE_LABELS = dict(LoanRecord.Guarantee.choices)


# ---------------------------------------------------------------- the ledger


def _sum_of(model, date_field=None):
    sub = (
        model.objects.filter(line=OuterRef("pk"))
        .order_by()
        .values("line")
        .annotate(s=Sum("amount_fen"))
        .values("s")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def lines_with_sums(user):
    """The lines this user sees, each with drawn, repaid and financed sums (fen) — subqueries, so the
    draws and repayments never multiply each other's rows."""
    return access.lines_for(user).annotate(
        drawn_fen=_sum_of(RelendingDraw),
        repaid_fen=_sum_of(RelendingRepayment),
        financed_fen=_sum_of(FinancedLoan),
    )


@dataclass
class Totals:
    granted: int = 0
    drawn: int = 0
    repaid: int = 0
    financed: int = 0
    agri: int = 0
    small: int = 0
    loans: int = 0
    matched: int = 0

    @property
    def outstanding(self) -> int:
        return self.drawn - self.repaid

    def yuan(self, name: str) -> Decimal:
        return yuan(getattr(self, name))

    # Yuan for the templates, which cannot call `yuan(name)`.
    granted_yuan = property(lambda self: self.yuan("granted"))
    drawn_yuan = property(lambda self: self.yuan("drawn"))
    repaid_yuan = property(lambda self: self.yuan("repaid"))
    outstanding_yuan = property(lambda self: self.yuan("outstanding"))
    financed_yuan = property(lambda self: self.yuan("financed"))
    available_yuan = property(lambda self: yuan(self.granted - self.drawn))

    @property
    def agri_share(self) -> float | None:
        return self.agri / self.financed * 100 if self.financed else None

    @property
    def small_share(self) -> float | None:
        return self.small / self.financed * 100 if self.financed else None


def _financed_sums(line_ids) -> dict[int, dict]:
    rows = (
        FinancedLoan.objects.filter(line_id__in=line_ids)
        .values("line_id")
        .annotate(
            total=Sum("amount_fen"),
            agri=Coalesce(Sum("amount_fen", filter=Q(is_agri=True)), 0),
            small=Coalesce(Sum("amount_fen", filter=Q(borrower_type__in=SMALL_TYPES)), 0),
            loans=Count("id"),
            matched=Count("id", filter=Q(loan__isnull=False)),
        )
    )
    return {r["line_id"]: r for r in rows}


def ledger(user) -> dict:
    """Every line the user sees with its sums, the totals per bank and for all of them."""
    lines = list(lines_with_sums(user).order_by("bank__code", "-granted_on", "-id"))
    fin = _financed_sums([line.pk for line in lines])
    banks: dict[int, dict] = {}
    overall = Totals()
    for line in lines:
        f = fin.get(line.pk, {})
        t = Totals(
            granted=line.amount_fen,
            drawn=line.drawn_fen,
            repaid=line.repaid_fen,
            financed=f.get("total") or 0,
            agri=f.get("agri") or 0,
            small=f.get("small") or 0,
            loans=f.get("loans") or 0,
            matched=f.get("matched") or 0,
        )
        line.totals = t
        b = banks.setdefault(line.bank_id, {"bank": line.bank, "totals": Totals(), "lines": 0})
        b["lines"] += 1
        for target in (b["totals"], overall):
            for name in ("granted", "drawn", "repaid", "financed", "agri", "small", "loans", "matched"):
                setattr(target, name, getattr(target, name) + getattr(t, name))
    return {"lines": lines, "banks": list(banks.values()), "overall": overall}


def line_totals(line: RelendingLine) -> Totals:
    drawn = line.draws.aggregate(s=Sum("amount_fen"))["s"] or 0
    repaid = line.repayments.aggregate(s=Sum("amount_fen"))["s"] or 0
    f = _financed_sums([line.pk]).get(line.pk, {})
    return Totals(
        granted=line.amount_fen,
        drawn=drawn,
        repaid=repaid,
        financed=f.get("total") or 0,
        agri=f.get("agri") or 0,
        small=f.get("small") or 0,
        loans=f.get("loans") or 0,
        matched=f.get("matched") or 0,
    )


FINANCED_PAGE = 100


def financed_loans(line: RelendingLine, q: str = ""):
    qs = line.financed.order_by("id")
    if q:
        qs = qs.filter(loan_no__icontains=q.strip())
    return qs


# ---------------------------------------------------------------- the LPR


def lpr_quotes() -> list[LprQuote]:
    return list(LprQuote.objects.order_by("month"))


class LprBook:
    """The 1-year LPR of any month: the quotation of that month, else the latest before it (the rate stands
    until the next quotation changes it); None before August 2019, when there was no LPR."""

    def __init__(self, quotes: list[LprQuote] | None = None):
        self.quotes = sorted(quotes if quotes is not None else lpr_quotes(), key=lambda q: q.month)

    def quote(self, year: int, month: int) -> LprQuote | None:
        day = datetime.date(year, month, 1)
        found = None
        for q in self.quotes:
            if q.month > day:
                break
            found = q
        return found

    def one_year(self, year: int, month: int) -> Decimal | None:
        q = self.quote(year, month)
        return q.one_year if q else None


def lpr_on(day: datetime.date) -> LprQuote | None:
    """The LPR quotation in force in `day`'s month, or None (before 2019-08, or none entered yet)."""
    return LprQuote.objects.filter(month__lte=day.replace(day=1)).order_by("-month").first()


# ---------------------------------------------------------------- rate monitoring


@dataclass
class Acc:
    """Amount-weighted rate of a set of cells, and the spread over the 1-year LPR of each issue month."""

    loans: int = 0
    amount: int = 0
    rate_amount: float = 0.0
    lpr_amount: int = 0  # the part issued when there was an LPR
    lpr_rate_amount: float = 0.0
    lpr_weighted: float = 0.0  # Σ lpr × amount

    def add(self, cell, lpr: Decimal | None) -> None:
        self.loans += cell.loans
        self.amount += cell.amount_fen
        self.rate_amount += cell.rate_amount
        if lpr is not None:
            self.lpr_amount += cell.amount_fen
            self.lpr_rate_amount += cell.rate_amount
            self.lpr_weighted += float(lpr) * cell.amount_fen

    @property
    def rate(self) -> float | None:
        return self.rate_amount / self.amount if self.amount else None

    @property
    def spread(self) -> float | None:
        """Points above the LPR, over the loans issued when there was one; None when none was."""
        if not self.lpr_amount:
            return None
        return (self.lpr_rate_amount - self.lpr_weighted) / self.lpr_amount

    @property
    def amount_yuan(self) -> Decimal:
        return yuan(self.amount)

    @property
    def without_lpr(self) -> int:
        return self.amount - self.lpr_amount


@dataclass
class Monitor:
    quarters: list[str]
    quarter: str | None
    banks: list[Organisation]
    threshold: Decimal
    county: dict = field(default_factory=dict)  # quarter → Acc
    bank_quarters: dict = field(default_factory=dict)  # (bank id, quarter) → Acc
    detail: list = field(default_factory=list)  # rows of the chosen quarter
    trend: list = field(default_factory=list)
    small: list = field(default_factory=list)
    alerts: list = field(default_factory=list)
    lpr_by_quarter: dict = field(default_factory=dict)
    without_lpr: int = 0
    chart: dict = field(default_factory=dict)


def quarter_end_month(code: str) -> tuple[int, int]:
    end = parse_code(code).end
    return end.year, end.month


def rate_quarters() -> list[str]:
    return sorted(RateCell.objects.values_list("quarter", flat=True).distinct())


def _cells():
    return RateCell.objects.only(
        "institution_id",
        "quarter",
        "month",
        "borrower_type",
        "guarantee",
        "loans",
        "amount_fen",
        "rate_amount",
    ).order_by()


def monitor(user, *, quarter: str | None = None, threshold: Decimal = DEFAULT_THRESHOLD) -> Monitor:
    """The rate monitoring figures this user may read: the county's for everyone who reads the page, each
    bank's for the county-wide roles, a bank only its own."""
    access.require_read(user)
    book = LprBook()
    visible = {o.pk: o for o in access.banks_for(user).order_by("code")}
    cells = list(_cells())
    quarters = sorted({c.quarter for c in cells})
    chosen = quarter or (quarters[-1] if quarters else None)
    used_banks = sorted({c.institution_id for c in cells} & set(visible), key=lambda pk: visible[pk].code)
    m = Monitor(
        quarters=quarters, quarter=chosen, banks=[visible[pk] for pk in used_banks], threshold=threshold
    )
    m.lpr_by_quarter = {q: book.one_year(*quarter_end_month(q)) for q in quarters}

    detail, base = _accumulate(m, cells, book, visible)
    for who, name in [(None, "全县")] + [(b.pk, b.name) for b in m.banks]:
        _owner_rows(m, who, name, detail, base, book)
    m.chart = {
        "quarters": [period_label(q) for q in quarters],
        "series": [
            {
                "name": t["name"],
                "data": [round(p["rate"], 4) if p["rate"] is not None else None for p in t["points"]],
            }
            for t in m.trend
        ],
        "lpr": [float(m.lpr_by_quarter[q]) if m.lpr_by_quarter[q] is not None else None for q in quarters],
    }
    return m


def _accumulate(m: Monitor, cells, book: LprBook, visible) -> tuple[dict, dict]:
    """One pass over the cells: the county's and each visible bank's quarters into `m`; the chosen quarter's
    detail; each owner's yearly totals, all loans and small firms with individual businesses apart."""
    detail: dict[tuple, Acc] = {}
    base: dict[tuple, Acc] = {}  # (owner, year) and (owner, "small", year) → Acc; owner None: the county
    for c in cells:
        year = int(c.quarter[:4])
        lpr = book.one_year(year, c.month)
        mine = c.institution_id in visible
        for who in [None, c.institution_id] if mine else [None]:
            if who is None:
                m.county.setdefault(c.quarter, Acc()).add(c, lpr)
            else:
                m.bank_quarters.setdefault((who, c.quarter), Acc()).add(c, lpr)
            base.setdefault((who, year), Acc()).add(c, lpr)
            if c.borrower_type in SMALL_TYPES:
                base.setdefault((who, "small", year), Acc()).add(c, lpr)
            if c.quarter == m.quarter:
                _add_detail(detail, who, c, lpr)
        if lpr is None and mine:
            m.without_lpr += c.amount_fen
    return detail, base


def _owner_rows(m: Monitor, who, name: str, detail: dict, base: dict, book: LprBook) -> None:
    """The county's (who None) or one bank's rows: the chosen quarter's detail, the trend against the base
    year, small firms' change from the base to the target year, and (banks) the alerts."""
    rows = []
    for kind, labels in (("borrower", BORROWER_LABELS), ("guarantee", GUARANTEE_LABELS)):
        for key, label in labels.items():
            acc = detail.get((who, kind, key))
            if acc:
                rows.append(
                    {"kind": "借款人类型" if kind == "borrower" else "担保方式", "label": label, "acc": acc}
                )
    total = detail.get((who, "all", ""))
    if total:
        m.detail.append({"name": name, "bank": who, "rows": rows, "total": total})

    series = m.county if who is None else {q: m.bank_quarters.get((who, q)) for q in m.quarters}
    base_acc = base.get((who, BASE_YEAR))
    base_rate = base_acc.rate if base_acc else None
    points = []
    for q in m.quarters:
        acc = series.get(q)
        rate = acc.rate if acc else None
        vs_base = rate - base_rate if rate is not None and base_rate is not None else None
        points.append({"quarter": q, "rate": rate, "vs_base": vs_base})
    m.trend.append({"name": name, "bank": who, "base": base_rate, "points": points})

    before, after = base.get((who, "small", BASE_YEAR)), base.get((who, "small", TARGET_YEAR))
    if before or after:
        b_rate, a_rate = (before.rate if before else None), (after.rate if after else None)
        m.small.append(
            {
                "name": name,
                "before": b_rate,
                "after": a_rate,
                "change": a_rate - b_rate if a_rate is not None and b_rate is not None else None,
                "after_amount": after.amount_yuan if after else None,
            }
        )
    if who is not None:
        m.alerts.extend(_alerts(name, series, m.quarters, book, m.threshold))


def _add_detail(detail: dict, who, c, lpr, prefix=()) -> None:
    detail.setdefault((*prefix, who, "borrower", c.borrower_type), Acc()).add(c, lpr)
    detail.setdefault((*prefix, who, "guarantee", c.guarantee), Acc()).add(c, lpr)
    detail.setdefault((*prefix, who, "all", ""), Acc()).add(c, lpr)


def _alerts(name, series: dict, quarters, book: LprBook, threshold: Decimal) -> list[dict]:
    """A bank's quarters whose weighted rate rose by more than `threshold` points over its previous quarter
    while the LPR did not rise (fell, stayed, or did not exist in one of the two quarters)."""
    out = []
    for q in quarters:
        prev = shift(q, -1)
        now_acc, prev_acc = series.get(q), series.get(prev)
        if not now_acc or not prev_acc or now_acc.rate is None or prev_acc.rate is None:
            continue
        rise = now_acc.rate - prev_acc.rate
        lpr_now, lpr_prev = book.one_year(*quarter_end_month(q)), book.one_year(*quarter_end_month(prev))
        lpr_change = float(lpr_now - lpr_prev) if lpr_now is not None and lpr_prev is not None else None
        if rise > float(threshold) and (lpr_change is None or lpr_change <= 0):
            out.append(
                {
                    "bank": name,
                    "quarter": q,
                    "quarter_label": period_label(q),
                    "previous": prev,
                    "rate": now_acc.rate,
                    "previous_rate": prev_acc.rate,
                    "rise": rise,
                    "lpr_change": lpr_change,
                }
            )
    return out


def refresh_state() -> dict:
    """The last rebuild of the summary, and whether approved returns changed since (a new version approved,
    a quarter added): then the page says the figures are out of date."""
    from puhui.monetary.services import loan_submissions_by_quarter

    last = RateRefresh.objects.order_by("-computed_at", "-id").first()
    current = set(loan_submissions_by_quarter())
    return {
        "last": last,
        "stale": last is None or set(last.submission_ids) != current,
        "returns": len(current),
    }


def _grouped(user) -> tuple[dict[tuple, Acc], list[tuple[int | None, Organisation | None]]]:
    """(quarter, bank id or None for the county, dimension, category) → Acc over every quarter, and the
    owners in order: the county, then each bank the user reads."""
    access.require_read(user)
    book = LprBook()
    visible = {o.pk: o for o in access.banks_for(user)}
    groups: dict[tuple, Acc] = {}
    for c in _cells():
        lpr = book.one_year(int(c.quarter[:4]), c.month)
        for who in [None, c.institution_id] if c.institution_id in visible else [None]:
            _add_detail(groups, who, c, lpr, prefix=(c.quarter,))
    owners = [(None, None)] + sorted(visible.items(), key=lambda kv: kv[1].code)
    return groups, owners


DIMENSIONS = {
    "all": ("合计", {"": "全部贷款"}),
    "borrower": ("借款人类型", BORROWER_LABELS),
    "guarantee": ("担保方式", GUARANTEE_LABELS),
}


def _flat(user, quarter: str | None = None):
    groups, owners = _grouped(user)
    for q in sorted({k[0] for k in groups}):
        if quarter and q != quarter:
            continue
        for who, org in owners:
            for dim, (dim_label, labels) in DIMENSIONS.items():
                for key, label in labels.items():
                    acc = groups.get((q, who, dim, key))
                    if acc is not None:
                        yield q, org, dim, dim_label, key, label, acc


def api_rates(user, *, quarter: str | None = None) -> list[dict]:
    return [
        {
            "quarter": q,
            "bank_code": org.code if org else None,
            "bank": org.name if org else "全县",
            "dimension": dim,
            "category": key,
            "category_label": label,
            "loans": acc.loans,
            "amount": acc.amount_yuan,
            "rate": round(acc.rate, 4),
            "spread": round(acc.spread, 4) if acc.spread is not None else None,
        }
        for q, org, dim, _dim_label, key, label, acc in _flat(user, quarter)
    ]


EXPORT_HEADER = [
    "机构",
    "季度",
    "分类",
    "类别",
    "发放笔数（笔）",
    "发放金额（元）",
    "加权平均利率（%）",
    "较1年期LPR利差（个百分点）",
    "无LPR可比的金额（元）",
]


def export_rows(user) -> list[list]:
    """Every quarter × (the county and each bank the user reads) × borrower type and guarantee, for Excel."""
    return [
        [
            org.name if org else "全县",
            period_label(q),
            dim_label,
            label,
            acc.loans,
            acc.amount_yuan,
            round(acc.rate, 4),
            round(acc.spread, 4) if acc.spread is not None else "无LPR",
            yuan(acc.without_lpr),
        ]
        for q, org, _dim, dim_label, _key, label, acc in _flat(user)
    ]
