"""Figures of financing and advisers, read through `access.py`: each lender's outcomes and time to loan,
the overdue answers, and the 金融辅导员 quarterly target computed from the visit logs beside what the banks
reported in the 金融辅导员工作情况表 (data form `advisers`)."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone

from puhui.core import periods
from puhui.core.models import Organisation
from puhui.data.models import AggregateValue, Submission
from puhui.financing import access
from puhui.financing.models import Assignment, Demand, Route, Visit

Answer = Route.Answer


def overdue_q(today: datetime.date | None = None) -> Q:
    """An answer is overdue when still pending after its due day."""
    return Q(answer=Answer.PENDING, due_on__lt=today or timezone.localdate())


def overdue_routes(user):
    return access.routes_for(user).filter(overdue_q()).order_by("due_on", "id")


@dataclass
class LenderOutcome:
    bank: Organisation
    routed: int = 0
    pending: int = 0
    overdue: int = 0
    accepted: int = 0
    declined: int = 0
    answered_late: int = 0
    granted: int = 0
    granted_amount: float = 0
    days_to_loan: list[int] = field(default_factory=list)

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days_to_loan) if self.days_to_loan else None

    @property
    def mean_days(self) -> float | None:
        return round(statistics.fmean(self.days_to_loan), 1) if self.days_to_loan else None


def outcomes(user) -> list[LenderOutcome]:
    """Per lender: demands routed, answered (late or not), accepted, declined, loans granted and the days
    from the demand's posting to the loan (calendar days)."""
    today = timezone.localdate()
    rows: dict[int, LenderOutcome] = {}
    for route in access.routes_for(user):
        row = rows.setdefault(route.bank_id, LenderOutcome(route.bank))
        row.routed += 1
        if route.answer == Answer.PENDING:
            row.pending += 1
            row.overdue += route.due_on < today
        else:
            row.accepted += route.answer == Answer.ACCEPTED
            row.declined += route.answer == Answer.DECLINED
            row.answered_late += route.answered_on > route.due_on
        if route.granted_on:
            row.granted += 1
            row.granted_amount += float(route.granted_amount or 0)
            row.days_to_loan.append((route.granted_on - route.demand.posted_on).days)
    return sorted(rows.values(), key=lambda r: r.bank.name)


# ---------------------------------------------------------------- advisers' quarterly target


@dataclass
class AdviserQuarter:
    bank: Organisation
    advisers: int = 0  # advisers with a firm assigned in the quarter
    advisers_visited: int = 0  # of whom visited at least one firm
    pairs: int = 0  # adviser × firm assignments in force in the quarter
    pairs_visited: int = 0  # visited at least once in the quarter (the plan's target: all of them)
    reported_total: int | None = None
    reported_visited: int | None = None

    @property
    def met(self) -> bool:
        return self.pairs > 0 and self.pairs_visited == self.pairs

    @property
    def disagrees(self) -> bool:
        reported = (self.reported_total, self.reported_visited)
        return reported != (None, None) and reported != (self.advisers, self.advisers_visited)


def _adviser_rows(assignments, visits, start, end) -> dict[int, AdviserQuarter]:
    """Per bank, from the assignments in force and the visits logged between `start` and `end`: pairs and
    pairs visited, advisers and advisers who visited at least one of their firms. The one rule of the
    quarterly-visit target, for the page and for the catalogue's figures."""
    in_force = assignments.filter(start__lte=end).exclude(end__lt=start)
    visited = set(
        visits.filter(visited_on__gte=start, visited_on__lte=end)
        .values_list("adviser_id", "firm_id")
        .distinct()
    )
    rows: dict[int, AdviserQuarter] = {}
    advisers: dict[int, set] = defaultdict(set)
    seen: dict[int, set] = defaultdict(set)
    for a in in_force.select_related("bank"):
        row = rows.setdefault(a.bank_id, AdviserQuarter(a.bank))
        row.pairs += 1
        advisers[a.bank_id].add(a.adviser_id)
        if (a.adviser_id, a.firm_id) in visited:
            row.pairs_visited += 1
            seen[a.bank_id].add(a.adviser_id)
    for bank_id, row in rows.items():
        row.advisers, row.advisers_visited = len(advisers[bank_id]), len(seen[bank_id])
    return rows


def adviser_quarter(user, code: str) -> list[AdviserQuarter]:
    """Each bank's target for quarter `code` (2021Q2) from the logs, with its reported form beside it."""
    spec = periods.parse_code(code)
    rows = _adviser_rows(access.assignments_for(user), access.visits_for(user), spec.start, spec.end)
    _reported(rows, code)
    return sorted(rows.values(), key=lambda r: r.bank.name)


def _reported(rows: dict[int, AdviserQuarter], code: str) -> None:
    values = AggregateValue.objects.filter(
        submission__form="advisers",
        submission__period__code=code,
        submission__is_current=True,
        submission__institution_id__in=list(rows),
        submission__status__in=[Submission.Status.SUBMITTED, Submission.Status.APPROVED],
        item__in=["advisers_total", "advisers_visited"],
    ).values_list("submission__institution_id", "item", "value")
    for bank_id, item, value in values:
        row = rows[bank_id]
        if item == "advisers_total":
            row.reported_total = int(value)
        else:
            row.reported_visited = int(value)


def adviser_quarters(user) -> list[str]:
    """The quarters with an assignment in force, newest first (at most 8)."""
    first = access.assignments_for(user).order_by("start").values_list("start", flat=True).first()
    if first is None:
        return []
    today = timezone.localdate()
    codes = [q.code for q in periods.between(first, today, "quarter")]
    return list(reversed(codes))[:8]


def status_counts(user) -> dict[str, int]:
    return dict(access.demands_for(user).values_list("status").annotate(n=Count("id")).order_by())


# ---------------------------------------------------------------- the data app's sources (DataSource.values)
# fn(start, end) -> [(organisation_id | None, town_id, village_id, value)]: flows during the period.


def _by_place(qs, org: str | None, firm: str, value) -> list[tuple]:
    keys = [k for k in (org, f"{firm}__town_id", f"{firm}__village_id") if k]
    rows = qs.values(*keys).annotate(v=value).order_by(*keys)
    return [(r[org] if org else None, r[f"{firm}__town_id"], r[f"{firm}__village_id"], r["v"]) for r in rows]


def demands_values(start: datetime.date, end: datetime.date) -> list[tuple]:
    """Financing demands posted in the period (笔), by the firm's town and village; withdrawn ones left out."""
    qs = Demand.objects.filter(posted_on__gte=start, posted_on__lte=end).exclude(
        status=Demand.Status.WITHDRAWN
    )
    return _by_place(qs, None, "firm", Count("pk"))


def _granted(start, end):
    return Route.objects.filter(granted_on__gte=start, granted_on__lte=end)


def demands_met_values(start: datetime.date, end: datetime.date) -> list[tuple]:
    """Loans granted on demands in the period (笔), by lender and the firm's town and village."""
    return _by_place(_granted(start, end), "bank_id", "demand__firm", Count("pk"))


def amount_granted_values(start: datetime.date, end: datetime.date) -> list[tuple]:
    """The amount of those loans (元)."""
    rows = _by_place(_granted(start, end), "bank_id", "demand__firm", Sum("granted_amount"))
    return [(b, t, v, float(x)) for b, t, v, x in rows]


def adviser_visits_values(start: datetime.date, end: datetime.date) -> list[tuple]:
    """Advisers' visits to firms in the period (次), by the adviser's bank and the firm's town and village."""
    qs = Visit.objects.filter(visited_on__gte=start, visited_on__lte=end)
    return _by_place(qs, "bank_id", "firm", Count("pk"))


def advisers_assigned_values(start: datetime.date, end: datetime.date) -> list[tuple]:
    """Advisers with a firm assigned at some time in the period (人), by their bank — from the assignments."""
    rows = _adviser_rows(Assignment.objects.all(), Visit.objects.all(), start, end)
    return [(bank_id, None, None, row.advisers) for bank_id, row in sorted(rows.items())]


def advisers_visiting_values(start: datetime.date, end: datetime.date) -> list[tuple]:
    """Of them, those who logged a visit to one of their firms in the period (人) — from the visit logs."""
    rows = _adviser_rows(Assignment.objects.all(), Visit.objects.all(), start, end)
    return [(bank_id, None, None, row.advisers_visited) for bank_id, row in sorted(rows.items())]
