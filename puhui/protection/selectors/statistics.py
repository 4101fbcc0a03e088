"""The complaint statistics: the figures, counts by institution and by each JR/T 0169-2018 dimension, the
monthly trend.

At 100,000 complaints the page must answer within 300 ms. On PostgreSQL every breakdown comes from **one**
statement, `GROUP BY GROUPING SETS ((), (institution), (A), (B), (C), (受理方式), (month))`, which reads the
covering index `protection_cmp_stats` once (113 ms where a statement per breakdown took 230 ms, see
docs/protection.md). Django cannot write GROUPING SETS, so the statement is the ORM's own GROUP BY with that
clause replaced: the counts and their filters are written once, below, for both roads. Other databases
(SQLite, the demo's) take one GROUP BY per breakdown.
"""

import datetime

from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from puhui.core.models import Organisation
from puhui.protection import access
from puhui.protection.models import Business, BusinessChannel, Cause, Channel, Complaint

Status = Complaint.Status
# (field, heading, codes): the order of the page's tables and of the workbook's sheets, after the institutions.
DIMENSIONS = (
    ("business_channel", "按业务办理渠道", BusinessChannel),
    ("business", "按业务类别", Business),
    ("cause", "按投诉原因", Cause),
    ("channel", "按受理方式", Channel),
)
KEYS = ("institution_id", *(field for field, _, _ in DIMENSIONS), "month")


def rate(part: int, whole: int) -> str:
    """A share in per cent with one decimal, or — when there is nothing to divide by."""
    return f"{part * 100 / whole:.1f}" if whole else "—"


def _counts(today: datetime.date) -> dict:
    """Every count a group carries. The names are not fields' names: a filter after an aggregate named like a
    field ("late") would read the aggregate."""
    overdue = Q(status=Status.HANDLING) & (
        Q(extended_to__lt=today) | Q(extended_to__isnull=True, due_on__lt=today)
    )
    filters = {
        "answered": Q(answered_on__isnull=False),
        "late": Q(late=True),
        "overdue": overdue,
        "extended": Q(extended_to__isnull=False),
        "escalated": Q(escalated_on__isnull=False),
        "closed": Q(status=Status.CLOSED),
        "satisfied": Q(feedback=Complaint.Feedback.SATISFIED),
        "rated": ~Q(feedback=""),
    }
    return {"n_total": Count("id")} | {f"n_{name}": Count("id", filter=q) for name, q in filters.items()}


def _grouped(qs, today, grouping_sets: bool) -> list[dict]:
    """One row per group of each grouping set: the group's key (the other keys None) and its counts."""
    counts = _counts(today)
    qs = qs.annotate(month=TruncMonth("received_on"))
    if qs.query.is_empty():  # a user who sees no complaint: the ORM writes no statement for none()
        return []
    if not grouping_sets:
        rows = [qs.aggregate(**counts)]
        for key in KEYS:
            rows += list(qs.values(key).annotate(**counts).order_by())
        return rows
    sql, params = qs.values(*KEYS).annotate(**counts).order_by().query.sql_with_params()
    head, group_by, _ = sql.rpartition(" GROUP BY ")
    if not group_by:
        raise RuntimeError("the ORM's grouped statement has no GROUP BY to replace")
    sets = ", ".join(["()", *(f'("{key}")' for key in KEYS)])
    with connection.cursor() as cursor:
        cursor.execute(f"{head} GROUP BY GROUPING SETS ({sets})", params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _rows(pairs) -> list[dict]:
    """Table rows, most complaints first."""
    rows = [{"label": label, "n": g["n_total"], "late": g["n_late"]} for label, g in pairs]
    return sorted(rows, key=lambda r: -r["n"])


def statistics(user, date_from=None, date_to=None, grouping_sets: bool | None = None) -> dict:
    """The figures, a table per institution and per dimension, and the monthly trend, for the complaints this
    user may see received in the range. `grouping_sets` defaults to whether the database has them."""
    if grouping_sets is None:
        grouping_sets = connection.vendor == "postgresql"
    qs = access.complaints_for(user)
    if date_from:
        qs = qs.filter(received_on__gte=date_from)
    if date_to:
        qs = qs.filter(received_on__lte=date_to)
    groups = {key: [] for key in KEYS}
    total = None
    for row in _grouped(qs, timezone.localdate(), grouping_sets):
        key = next((k for k in KEYS if row.get(k) is not None), None)
        if key is None:
            total = row
        else:
            groups[key].append(row)
    names = dict(
        Organisation.objects.filter(
            pk__in=[g["institution_id"] for g in groups["institution_id"]]
        ).values_list("pk", "name")
    )
    tables = [{"key": "institution", "title": "按被投诉机构",
               "rows": _rows((names[g["institution_id"]], g) for g in groups["institution_id"])}]  # fmt: skip
    for field, heading, codes in DIMENSIONS:
        tables.append(
            {"key": field, "title": heading, "rows": _rows((codes(g[field]).label, g) for g in groups[field])}
        )
    return {
        "figures": _figures(total),
        "tables": tables,
        "months": [_month(g) for g in sorted(groups["month"], key=lambda g: g["month"])],
    }


def _figures(total: dict | None) -> dict:
    figures = {name[2:]: (total or {}).get(name) or 0 for name in _counts(timezone.localdate())}
    figures["on_time_rate"] = rate(figures["answered"] - figures["late"], figures["answered"])
    figures["satisfied_rate"] = rate(figures["satisfied"], figures["rated"])
    return figures


def _month(g: dict) -> dict:
    return {
        "label": f"{g['month']:%Y年%m月}",
        "key": f"{g['month']:%Y-%m}",
        "n": g["n_total"],
        "answered": g["n_answered"],
        "late": g["n_late"],
        "on_time_rate": rate(g["n_answered"] - g["n_late"], g["n_answered"]),
        "satisfied_rate": rate(g["n_satisfied"], g["n_rated"]),
    }


def on_time_rates(start: datetime.date, end: datetime.date) -> dict[int, float]:
    """Per county-level bank (its outlets' complaints included): of the complaints whose deadline (extended or
    not) fell in the period, the share answered on time, in per cent — a banks' evaluation indicator
    (plug-in service `complaints_on_time_rate`). A bank with no such complaint is absent."""
    due = Q(extended_to__range=(start, end)) | Q(extended_to__isnull=True, due_on__range=(start, end))
    rows = (
        Complaint.objects.filter(due)
        .values("institution__path")
        .annotate(n=Count("id"), on_time=Count("id", filter=Q(answered_on__isnull=False, late=False)))
        .order_by()
    )
    branches = dict(Organisation.objects.filter(level=Organisation.Level.BRANCH).values_list("path", "pk"))
    totals: dict[int, list[int]] = {}
    for row in rows:
        path = row["institution__path"] or ""
        bank = next((pk for p, pk in branches.items() if path.startswith(p)), None)
        if bank is not None:
            n, on_time = totals.setdefault(bank, [0, 0]), row["on_time"]
            n[0], n[1] = n[0] + row["n"], n[1] + on_time
    return {bank: round(on_time * 100 / n, 2) for bank, (n, on_time) in totals.items() if n}
