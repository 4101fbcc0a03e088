"""The demo county's monetary policy tools: relending and rediscount lines for 2020–2021, their draws and
repayments, the loans they financed (借据号 taken from the banks' own demo loan returns, a few not found
there), the LPR table and the rate summary. Written through the services, so every rule holds."""

import datetime
from decimal import Decimal

from puhui.data.models import LoanRecord
from puhui.data.selectors import approved_loan_returns
from puhui.monetary import access, services
from puhui.monetary.lpr_values import PUBLISHED
from puhui.monetary.models import LprQuote, RelendingLine

COUNT_LABELS = {"lines": "再贷款再贴现额度", "draws": "再贷款支用", "financed": "再贷款支持的贷款"}
STREAM = 45  # this module's random stream (`ctx.random`)

# (bank key, tool, amount 元, rate %, granted, due, 文号, borrower types financed, agricultural)
LINES = [
    ("RCB", RelendingLine.Kind.AGRI, 50_000_000, "2.50", datetime.date(2020, 3, 10), datetime.date(2021, 3, 9),
     "淄银发〔2020〕12号", ("farm",), True),
    ("RCB", RelendingLine.Kind.AGRI, 60_000_000, "2.25", datetime.date(2021, 3, 15), datetime.date(2022, 3, 14),
     "淄银发〔2021〕9号", ("farm",), True),
    ("PSBC", RelendingLine.Kind.SMALL, 30_000_000, "2.50", datetime.date(2020, 4, 20), datetime.date(2021, 4, 19),
     "淄银发〔2020〕25号", ("small", "individual"), False),
    ("ABC", RelendingLine.Kind.REDISCOUNT, 20_000_000, "2.00", datetime.date(2020, 7, 1), datetime.date(2021, 6, 30),
     "淄银发〔2020〕41号", ("small", "individual"), False),
]  # fmt: skip


def _bank(ctx, key):
    org = ctx.organisations.get(key)
    if org is None or not access.lender_choices().filter(pk=org.pk).exists():
        return None
    return org


def _loan_numbers(bank, types, start: datetime.date, end: datetime.date, n: int, rnd) -> list[dict]:
    """Up to n loans the bank reported issuing between start and end, of the given borrower types."""
    subs = (
        approved_loan_returns().filter(institution=bank, period__end__gte=start).values_list("pk", flat=True)
    )
    rows = list(
        LoanRecord.objects.filter(
            submission_id__in=list(subs), borrower_type__in=types, issued_on__gte=start, issued_on__lte=end
        )
        .order_by("submission_id", "row")
        .values("loan_no", "amount_fen", "borrower_type", "is_agri")[:2000]
    )
    unique = list({r["loan_no"]: r for r in rows}.values())
    rnd.shuffle(unique)
    return unique[:n]


def build(ctx) -> dict:
    actor = ctx.users.get("office")
    rnd = ctx.random(STREAM)
    for (
        y,
        m,
        one,
        five,
    ) in PUBLISHED:  # migration 0002 seeds them; a database migrated without it still gets them
        if not LprQuote.objects.filter(month=datetime.date(y, m, 1)).exists():
            services.lpr_set(actor=actor, month=datetime.date(y, m, 1), one_year=one, five_year=five)
    counts = {"lines": 0, "draws": 0, "financed": 0}
    for key, kind, amount, rate, granted, due, doc_no, types, agri in LINES:
        bank = _bank(ctx, key)
        if bank is None:
            continue
        line = services.line_create(
            actor=actor, bank=bank, kind=kind, amount=amount, rate=Decimal(rate), granted_on=granted,
            due_on=due, doc_no=doc_no, note="演示数据",
        )  # fmt: skip
        counts["lines"] += 1
        # Two or three draws using most of the line; what fell due before 2022 is repaid.
        shares = [Decimal("0.4"), Decimal("0.35"), Decimal("0.15")][: rnd.choice([2, 3])]
        day = granted
        for share in shares:
            day = min(day + datetime.timedelta(days=rnd.randint(5, 60)), due - datetime.timedelta(days=30))
            draw_due = min(day + datetime.timedelta(days=180), due)
            services.draw_add(actor=actor, line=line, amount=amount * share, drawn_on=day, due_on=draw_due)
            counts["draws"] += 1
            if draw_due <= datetime.date(2021, 12, 31):
                services.repayment_add(actor=actor, line=line, amount=amount * share, repaid_on=draw_due)
        loans = _loan_numbers(bank, types, granted, min(due, datetime.date(2021, 12, 31)), 24, rnd)
        rows = [
            {
                "row": i,
                "loan_no": r["loan_no"],
                "amount": Decimal(r["amount_fen"]) / 100,
                "borrower_type": r["borrower_type"],
                "is_agri": r["is_agri"] if not agri else True,
            }
            for i, r in enumerate(loans, start=1)
        ]
        # Two the bank declared but that are not in its returns: the page marks them 未匹配.
        rows += [
            {"row": len(rows) + j, "loan_no": f"DEMO-{line.pk:03d}-{j}", "amount": Decimal(200_000),
             "borrower_type": types[0], "is_agri": agri}
            for j in (1, 2)
        ]  # fmt: skip
        services.financed_loans_add(actor=actor, line=line, rows=rows)
        counts["financed"] += len(rows)
    refresh = services.rate_cells_refresh(actor=actor)
    ctx.progress(
        f"货币政策工具：{counts['lines']} 笔再贷款再贴现额度，{counts['financed']} 笔支持的贷款；"
        f"利率监测汇总 {refresh.cells} 格"
    )
    return counts
