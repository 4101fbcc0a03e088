"""The figures of the first-loan app: the cross-check tables of its pages and the data app's sources
(`DATA_SOURCES`). Every figure is read from the latest computation (`Run`); flows sum the quarters inside
the period asked, stocks take the last quarter ending in it."""

import datetime
from collections import defaultdict

from django.db.models import Count, Q, Sum

from puhui.core.periods import label as period_label
from puhui.data.derived import effective_submissions
from puhui.data.models import AggregateValue, ReportingPeriod
from puhui.firstloans import access
from puhui.firstloans.models import FirstLoanCount, ListedFirm, Outcome, RenewalFigure, Run

FIRM_TYPES = ("small", "individual")


def latest_run() -> Run | None:
    return Run.objects.select_related("period").order_by("-id").first()


def _quarter_ids(start: datetime.date, end: datetime.date) -> list[int]:
    return list(
        ReportingPeriod.objects.filter(kind="quarter", start__gte=start, end__lte=end).values_list(
            "pk", flat=True
        )
    )


def _last_quarter(start: datetime.date, end: datetime.date) -> ReportingPeriod | None:
    return (
        ReportingPeriod.objects.filter(kind="quarter", start__gte=start, end__lte=end)
        .order_by("-end")
        .first()
    )


def _sum_by_place(qs, field: str, scale: int = 1) -> list[tuple]:
    rows = (
        qs.filter(**{f"{field}__gt": 0})
        .values("bank_id", "town_id")
        .annotate(v=Sum(field))
        .order_by("bank_id", "town_id")
    )
    return [(r["bank_id"], r["town_id"], None, r["v"] / scale if scale != 1 else r["v"]) for r in rows]


# ---------------------------------------------------------------- DATA_SOURCES (fn(start, end) -> rows)


def platform_first_values(start, end) -> list[tuple]:
    """Loans issued in the period that the platform counts as the borrower's first at any bank (户)."""
    run = latest_run()
    qs = FirstLoanCount.objects.filter(run=run, period_id__in=_quarter_ids(start, end))
    return _sum_by_place(qs, "platform")


def platform_first_firms_values(start, end) -> list[tuple]:
    """The same for small firms and individual businesses (户)."""
    run = latest_run()
    qs = FirstLoanCount.objects.filter(
        run=run, period_id__in=_quarter_ids(start, end), borrower_type__in=FIRM_TYPES
    )
    return _sum_by_place(qs, "platform")


def renewal_count_values(start, end) -> list[tuple]:
    """Renewals without repayment made in the period, detected at loan level (笔)."""
    qs = RenewalFigure.objects.filter(run=latest_run(), period_id__in=_quarter_ids(start, end))
    return _sum_by_place(qs, "count")


def renewal_carried_values(start, end) -> list[tuple]:
    """The balance those renewals carried over (元)."""
    qs = RenewalFigure.objects.filter(run=latest_run(), period_id__in=_quarter_ids(start, end))
    return _sum_by_place(qs, "carried_fen", 100)


def renewal_balance_values(start, end) -> list[tuple]:
    """The balance of renewed loans outstanding at the period's end (元): the stock the banks report."""
    last = _last_quarter(start, end)
    if last is None:
        return []
    qs = RenewalFigure.objects.filter(run=latest_run(), period=last)
    return _sum_by_place(qs, "balance_fen", 100)


def never_borrowed_values(start, end) -> list[tuple]:
    """Firms of the register with no loan at any bank at the period's end (户), from the run of that quarter."""
    last = _last_quarter(start, end)
    run = Run.objects.filter(period=last).order_by("-id").first() if last else None
    if run is None:
        return []
    rows = ListedFirm.objects.filter(run=run).values("town_id").annotate(n=Count("pk")).order_by("town_id")
    return [(None, r["town_id"], None, r["n"]) for r in rows]


def cultivated_values(start, end) -> list[tuple]:
    """Firms of the list a bank reports having lent to in the period (户, 首贷培植成功)."""
    rows = (
        Outcome.objects.filter(status=Outcome.Status.GRANTED, decided_on__gte=start, decided_on__lte=end)
        .values("bank_id", "firm__town_id", "firm__village_id")
        .annotate(n=Count("pk"))
        .order_by("bank_id", "firm__town_id", "firm__village_id")
    )
    return [(r["bank_id"], r["firm__town_id"], r["firm__village_id"], r["n"]) for r in rows]


# ---------------------------------------------------------------- pages


def list_summary(user, run: Run | None) -> dict:
    """Counts above the list: firms listed (in the user's scope), contacted, and each outcome (户)."""
    listed = access.listed_for(user, run)
    firm_ids = listed.values("firm_id")
    outcomes = access.outcomes_for(user).filter(firm_id__in=firm_ids)
    return {
        "listed": listed.count(),
        "contacted": access.contacts_for(user)
        .filter(firm_id__in=firm_ids)
        .values("firm_id")
        .distinct()
        .count(),
        "outcomes": dict(outcomes.values_list("status").annotate(n=Count("pk")).order_by()),
    }


def first_check_table(user, run: Run | None) -> list[dict]:
    """Per bank and quarter: the platform's 首贷, the bank's flag, both, and the two disagreements (笔)."""
    if run is None:
        return []
    banks = access.banks_for(user)
    rows = (
        FirstLoanCount.objects.filter(run=run, bank__in=banks)
        .values("bank__name", "period__code", "period__end")
        .annotate(platform=Sum("platform"), flagged=Sum("flagged"), both=Sum("both"))
        .order_by("-period__end", "bank__name")
    )
    disagreements = defaultdict(lambda: {"dis_flagged": 0, "dis_unflagged": 0})
    for bank, code, kind, n in (
        access.disagreements_for(user, run)
        .values_list("bank__name", "period__code", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        disagreements[(bank, code)][f"dis_{kind}"] = n
    return [
        {**r, "label": _label(r["period__code"]), **disagreements[(r["bank__name"], r["period__code"])]}
        for r in rows
    ]


def _label(code: str) -> str:
    return period_label(code)


def renewal_check_table(user, run: Run | None) -> list[dict]:
    """Per bank and quarter: renewals detected (笔, 元) and the balance of renewed loans outstanding, beside
    the 无还本续贷余额 the bank reported in its 存贷款情况表 (元)."""
    if run is None:
        return []
    banks = list(access.banks_for(user).values_list("pk", "name"))
    names = dict(banks)
    detected = (
        RenewalFigure.objects.filter(run=run, bank_id__in=names)
        .values("bank_id", "period_id", "period__code", "period__end")
        .annotate(count=Sum("count"), carried=Sum("carried_fen"), balance=Sum("balance_fen"))
    )
    table = {
        (r["bank_id"], r["period_id"]): {
            "bank": names[r["bank_id"]], "code": r["period__code"], "end": r["period__end"],
            "count": r["count"], "carried": r["carried"] / 100, "balance": r["balance"] / 100, "reported": None,
        }
        for r in detected
    }  # fmt: skip
    for (bank, period_id), reported in _reported_renewals(list(names)).items():
        row = table.get((bank, period_id))
        if row is not None:
            row["reported"] = reported
    rows = sorted(table.values(), key=lambda r: (-r["end"].toordinal(), r["bank"]))
    for row in rows:
        row["label"] = _label(row["code"])
        row["gap"] = None if row["reported"] is None else row["balance"] - row["reported"]
    return rows


def _reported_renewals(bank_ids: list[int]) -> dict[tuple[int, int], float]:
    """(bank, quarter) → the 无还本续贷余额 (元) in its approved 存贷款情况表 in force, summed over towns."""
    periods = list(ReportingPeriod.objects.filter(kind="quarter"))
    sub_ids = [pk for pks in effective_submissions(periods).values() for pk in pks]
    rows = (
        AggregateValue.objects.filter(
            Q(submission_id__in=sub_ids),
            submission__form="deposits_loans",
            submission__institution_id__in=bank_ids,
            item="renewal_balance",
        )
        .values("submission__institution_id", "submission__period_id")
        .annotate(v=Sum("value"))
        .order_by()
    )
    return {(r["submission__institution_id"], r["submission__period_id"]): float(r["v"]) for r in rows}


def not_contacted_count(user) -> int:
    """A bank's to-do: firms of the latest list in its area that it has not contacted yet (capped)."""
    from puhui.core.plugins import capped_count

    bank = access.bank_of(user)
    if bank is None:
        return 0
    contacted = access.contacts_for(user).values("firm_id")
    return capped_count(access.listed_for(user, latest_run()).exclude(firm_id__in=contacted))
