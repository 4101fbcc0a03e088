"""核对: the figures the platform computes from its own registers beside the figures the banks report for the
same period (the 服务渠道情况表, `channels`, of the data catalogue), by bank and town, with the difference.

The platform's side is the register as it stood at the end of the period (`network.NetworkHistory`), so a
point upgraded in January 2021 is not a station in the figures for 2020Q4. The banks' side is the current
version of each bank's form (submitted or approved; a returned one is not counted). A difference of at
least `PUHUI_RECONCILE_MIN_DIFFERENCE` and more than `PUHUI_RECONCILE_THRESHOLD` of the reported figure is
flagged, and `reconciliation_flag` tells the office (core notifications).

The reported side reads the data app only when it is installed; without it the page shows the platform's
figures alone. The register's own figures (farm households, firms) have no bank-reported counterpart in
the catalogue; they are shown beside the census (行政区划) figures.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone

from puhui.core import periods
from puhui.core.access import organisations_for
from puhui.core.audit import audit_record
from puhui.core.models import AuditLog, Division, Organisation, User
from puhui.core.notifications import notifications_send
from puhui.registry.models import Household
from puhui.registry.network import NetworkHistory, firms_as_of

FORM = "channels"
# (key, the form's item, label when the catalogue is not installed, the platform's count of a unit's rows)
ITEMS = (
    ("service_points", "sp_total", "助农取款服务点数", lambda points, terminals: len(points)),
    (
        "stations",
        "sp_upgraded",
        "其中已建成普惠金融服务站且实现跨行支付的",
        lambda points, terminals: sum(1 for p in points if p.upgraded),
    ),
    ("terminals", "terminals_total", "银行自助机具数", lambda points, terminals: len(terminals)),
    (
        "terminals_bill",
        "terminals_bill",
        "其中开通实时缴费业务的",
        lambda points, terminals: sum(1 for t in terminals if t.bill_payment),
    ),
)
READERS = frozenset({User.Role.OFFICE, User.Role.ADMIN, User.Role.INSTITUTION})


def may_read(user) -> bool:
    return (
        user.is_authenticated
        and user.role in READERS
        and (user.role != User.Role.INSTITUTION or bool(user.organisation_id))
    )


def may_flag(user) -> bool:
    return user.is_authenticated and user.role == User.Role.OFFICE


def threshold() -> tuple[Decimal, int]:
    share = Decimal(str(getattr(settings, "PUHUI_RECONCILE_THRESHOLD", "0.1")))
    return share, int(getattr(settings, "PUHUI_RECONCILE_MIN_DIFFERENCE", 2))


def is_large(reported, platform: int) -> bool:
    """The one rule for "a large difference": at least the minimum, and above the share of the reported."""
    if reported is None:
        return False
    share, minimum = threshold()
    diff = abs(Decimal(platform) - Decimal(reported))
    return diff >= minimum and diff > share * abs(Decimal(reported))


@dataclass
class Figure:
    reported: Decimal | None
    platform: int

    @property
    def difference(self) -> Decimal | None:
        return None if self.reported is None else Decimal(self.platform) - self.reported

    @property
    def large(self) -> bool:
        return is_large(self.reported, self.platform)


@dataclass
class Row:
    org_id: int
    org_name: str
    town_id: int | None
    town_name: str
    figures: dict[str, Figure] = field(default_factory=dict)

    @property
    def large(self) -> bool:
        return any(f.large for f in self.figures.values())

    @property
    def cells(self) -> list[Figure]:
        return [self.figures[key] for key, *_rest in ITEMS]


def _data_installed() -> bool:
    return apps.is_installed("puhui.data")


def item_labels() -> dict[str, str]:
    labels = {key: label for key, _item, label, _count in ITEMS}
    if _data_installed():
        from puhui.data import catalogue

        form = catalogue.form(FORM)
        if form is not None:
            by_item = {i.code: i.label for i in form.items}
            labels.update({key: by_item.get(item, labels[key]) for key, item, _l, _c in ITEMS})
    return labels


def period_choices() -> list[periods.PeriodSpec]:
    """Quarters the banks reported the channels form for, newest first; else the last eight ended quarters."""
    codes: set[str] = set()
    if _data_installed():
        from puhui.data.models import Submission

        codes = set(Submission.objects.filter(form=FORM).values_list("period__code", flat=True).distinct())
    if not codes:
        last = periods.containing(timezone.localdate(), periods.KIND_QUARTER).code
        codes = {periods.shift(last, -n) for n in range(1, 9)}
    return sorted((periods.parse_code(c) for c in codes), key=lambda p: p.end, reverse=True)


def _reported(period: periods.PeriodSpec) -> dict[tuple[int, int | None], dict[str, Decimal]]:
    if not _data_installed():
        return {}
    from puhui.data.models import AggregateValue, Submission

    items = {item: key for key, item, _l, _c in ITEMS}
    rows = (
        AggregateValue.objects.filter(
            submission__form=FORM,
            submission__period__code=period.code,
            submission__is_current=True,
            item__in=items,
        )
        .exclude(submission__status=Submission.Status.RETURNED)
        .values("submission__institution_id", "town_id", "item")
        .annotate(v=Sum("value"))
    )
    out: dict[tuple, dict[str, Decimal]] = defaultdict(dict)
    for r in rows:
        out[(r["submission__institution_id"], r["town_id"])][items[r["item"]]] = r["v"]
    return out


def reporting_unit_of() -> dict[int, int]:
    """Every organisation → the county-level unit that reports for it (the data app's rule when installed)."""
    if _data_installed():
        from puhui.data.derived import _branch_of

        return _branch_of()
    return {pk: pk for pk in Organisation.objects.values_list("pk", flat=True)}


def _platform(period: periods.PeriodSpec) -> dict[tuple[int, int | None], dict[str, int]]:
    history = NetworkHistory()
    unit = reporting_unit_of()
    points, terminals = defaultdict(list), defaultdict(list)
    for p in history.points_on(period.end):
        points[(unit.get(p.bank_id, p.bank_id), p.town_id)].append(p)
    for t in history.terminals_on(period.end):
        terminals[(unit.get(t.bank_id, t.bank_id), t.town_id)].append(t)
    return {
        key: {k: count(points.get(key, []), terminals.get(key, [])) for k, _i, _l, count in ITEMS}
        for key in {*points, *terminals}
    }


def reconciliation(user, period: periods.PeriodSpec) -> list[Row]:
    """The rows this user may read for one period: a bank its own units', the office every bank's."""
    reported, platform = _reported(period), _platform(period)
    visible = organisations_for(user)
    if user.role == User.Role.INSTITUTION:
        visible = visible.filter(path__startswith=user.organisation.path)
    keys = {*reported, *platform}
    names = {
        pk: short or name
        for pk, short, name in visible.filter(pk__in={k[0] for k in keys}).values_list(
            "pk", "short_name", "name"
        )
    }
    towns = dict(Division.objects.filter(pk__in={k[1] for k in keys if k[1]}).values_list("pk", "name"))
    rows = []
    for org_id, town_id in keys:
        if org_id not in names:
            continue
        row = Row(org_id, names[org_id], town_id, towns.get(town_id, "（未分镇）"))
        got, have = reported.get((org_id, town_id), {}), platform.get((org_id, town_id), {})
        for key, _item, _label, _count in ITEMS:
            row.figures[key] = Figure(got.get(key) if got else None, have.get(key, 0))
        rows.append(row)
    rows.sort(key=lambda r: (r.org_name, r.town_name))
    return rows


def totals(rows: list[Row]) -> dict[str, Figure]:
    """The county's sum of each item over the rows shown (reported: only the rows that were reported)."""
    out = {}
    for key, _item, _label, _count in ITEMS:
        reported = [r.figures[key].reported for r in rows if r.figures[key].reported is not None]
        out[key] = Figure(
            sum(reported, Decimal(0)) if reported else None, sum(r.figures[key].platform for r in rows)
        )
    return out


def register_figures(period: periods.PeriodSpec) -> list[dict]:
    """Farm households and firms by town: the registers' counts at the end of the period beside the census."""
    towns = Division.objects.filter(level=Division.Level.TOWN).order_by("code")
    census = dict(
        Division.objects.filter(level=Division.Level.VILLAGE)
        .values("parent_id")
        .annotate(n=Sum("farm_households"))
        .values_list("parent_id", "n")
    )
    roster = dict(
        Household.objects.filter(is_farm=True)
        .values("town_id")
        .annotate(n=Count("pk"))
        .values_list("town_id", "n")
    )
    firms = dict(
        firms_as_of(period.end).values("town_id").annotate(n=Count("pk")).values_list("town_id", "n")
    )
    return [
        {
            "town": t.name,
            "farm_roster": roster.get(t.pk, 0),
            "farm_census": census.get(t.pk, 0) or 0,
            "firms": firms.get(t.pk, 0),
            "large": is_large(census.get(t.pk, 0) or 0, roster.get(t.pk, 0)),
        }
        for t in towns
    ]


def reconciliation_flag(*, actor, period: periods.PeriodSpec) -> int:
    """Tell the office about the period's large differences, once per distinct set of them; the count."""
    office = User.objects.filter(role=User.Role.OFFICE, is_active=True)
    rows = [r for r in reconciliation(User(role=User.Role.OFFICE), period) if r.large]
    if not rows:
        return 0
    labels = item_labels()
    lines = []
    for r in rows:
        for key, fig in r.figures.items():
            if fig.large:
                lines.append(
                    f"{r.org_name} {r.town_name} {labels[key]}：报送 {fig.reported:,.0f}，平台登记 {fig.platform:,}"
                )
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
    url = reverse("reconciliation") + f"?period={period.code}"
    sent = notifications_send(
        users=office,
        kind="reconciliation",
        title=f"{period.label}服务渠道数据核对：{len(lines)} 项差异较大",
        body="\n".join(lines[:30]) + (f"\n……共 {len(lines)} 项" if len(lines) > 30 else ""),
        url=url,
        key=f"reconcile:{period.code}:{digest}",
    )
    if sent:
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            object_type="registry.Reconciliation",
            object_repr=f"{period.label}服务渠道数据核对"[:200],
            after={"period": period.code, "differences": len(lines)},
            note=f"向领导小组办公室提示 {len(lines)} 项差异",
        )
    return len(lines)


def flag_recent(*, actor=None) -> int:
    """The daily job: flag the last four reported quarters (a late or corrected report is caught too)."""
    return sum(reconciliation_flag(actor=actor, period=p) for p in period_choices()[:4])
