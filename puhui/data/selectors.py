"""Reads for the data pages and the API, always through `access`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from puhui.core import plugins
from puhui.core.models import Division, Organisation, User
from puhui.core.periods import KIND_QUARTER, KIND_YEAR, PeriodSpec, code_for, parse_code, previous_year_code
from puhui.data import access, catalogue, formula
from puhui.data.catalogue import FormDef
from puhui.data.models import (
    AggregateValue,
    DerivedRun,
    GuaranteeRecord,
    Indicator,
    IndicatorValue,
    LoanRecord,
    ReportingPeriod,
    Submission,
    Upload,
)

STATUS_CELLS = {
    "missing": ("逾期未报", "danger"),
    "not_due": ("未到期", "light"),
    "returned": ("已退回", "warning"),
    "submitted": ("待审核", "info"),
    "approved": ("已通过", "success"),
}


def first_year() -> int:
    return int(getattr(settings, "PUHUI_DATA_FIRST_YEAR", 2019))


def last_year(today: datetime.date) -> int:
    """The last reporting year: this year, or PUHUI_DATA_LAST_YEAR when reporting has a set end (a demo, a closed pilot)."""
    setting = getattr(settings, "PUHUI_DATA_LAST_YEAR", None)
    return min(today.year, int(setting)) if setting else today.year


def reporting_period(code: str) -> ReportingPeriod:
    """The period row for a code; for a period nobody has reported in yet, an unsaved one with the same
    code, label and dates. A read: a page (a template download) never creates the row — the first
    upload does (`services.period_get`). ValueError for a malformed code.
    """
    spec = parse_code(code)
    return ReportingPeriod.objects.filter(code=spec.code).first() or ReportingPeriod(
        code=spec.code,
        kind=spec.kind,
        year=spec.year,
        number=spec.number,
        start=spec.start,
        end=spec.end,
        due=spec.due,
    )


def ended_periods(kind: str, *, today: datetime.date | None = None) -> list[PeriodSpec]:
    """Every period of a kind from the first reporting year up to the last that has ended, newest first."""
    today = today or timezone.localdate()
    out = []
    per_year = {KIND_YEAR: 1, KIND_QUARTER: 4, "month": 12}[kind]
    for year in range(first_year(), last_year(today) + 1):
        for n in range(1, per_year + 1):
            spec = parse_code(code_for(kind, year, n))
            if spec.end < today:
                out.append(spec)
    return out[::-1]


@dataclass
class Cell:
    form: FormDef
    period: PeriodSpec
    submission: Submission | None
    state: str
    late: bool = False

    @property
    def label(self) -> str:
        return STATUS_CELLS[self.state][0]

    @property
    def css(self) -> str:
        return STATUS_CELLS[self.state][1]


def _cell(form: FormDef, period: PeriodSpec, current: Submission | None, today: datetime.date) -> Cell:
    if current is None:
        return Cell(form, period, None, "missing" if today > period.due else "not_due")
    late = current.submitted_at.astimezone(timezone.get_current_timezone()).date() > period.due
    return Cell(form, period, current, current.status, late)


def inbox(user: User, period_code: str) -> dict:
    """The office's view of one period: every institution × form due, with what is missing, late or returned."""
    period = parse_code(period_code)
    today = timezone.localdate()
    forms = [f for f in catalogue.forms().values() if f.frequency == period.kind]
    orgs = [o for o in catalogue.submitting_organisations() if any(f.applies_to(o) for f in forms)]
    current = {
        (s.institution_id, s.form): s
        for s in access.submissions_for(user).filter(period__code=period.code, is_current=True)
    }
    rows, counts = [], {k: 0 for k in STATUS_CELLS}
    late = 0
    for org in orgs:
        cells = []
        for f in forms:
            if not f.applies_to(org):
                cells.append(None)
                continue
            cell = _cell(f, period, current.get((org.pk, f.code)), today)
            counts[cell.state] += 1
            late += cell.late
            cells.append(cell)
        rows.append({"org": org, "cells": cells})
    return {"period": period, "forms": forms, "rows": rows, "counts": counts, "late": late}


def latest_reported(user: User, kind: str) -> str | None:
    """The latest period of a kind anything was submitted for: the inbox opens on it."""
    latest = (
        access.submissions_for(user)
        .filter(period__kind=kind)
        .order_by("-period__end")
        .values_list("period__code", flat=True)
        .first()
    )
    return latest


def my_forms(org: Organisation) -> list[dict]:
    """An institution's forms, every period since the first reporting year, by year (newest first)."""
    today = timezone.localdate()
    out = []
    current = {
        (s.form, s.period.code): s
        for s in Submission.objects.filter(institution=org, is_current=True).select_related("period")
    }
    for f in catalogue.forms_for_organisation(org):
        years: dict[int, list] = {}
        for p in ended_periods(f.frequency):
            years.setdefault(p.year, []).append(_cell(f, p, current.get((f.code, p.code)), today))
        rows = [
            {"year": y, "cells": sorted(cells, key=lambda c: c.period.number)} for y, cells in years.items()
        ]
        open_items = sum(1 for r in rows for c in r["cells"] if c.state in {"missing", "returned"})
        out.append({"form": f, "years": rows, "open": open_items})
    return out


def approved_loan_returns() -> QuerySet[Submission]:
    """Every approved version of the loan-level return (贷款明细表), the loan book other apps read."""
    return Submission.objects.filter(form=catalogue.LOANS_FORM, status=Submission.Status.APPROVED)


def versions(submission: Submission) -> QuerySet[Submission]:
    return Submission.objects.filter(
        institution_id=submission.institution_id, form=submission.form, period_id=submission.period_id
    ).order_by("-version")


def loan_rows(
    submission: Submission, *, town: int | None = None, village: int | None = None, source: str = ""
) -> QuerySet[LoanRecord]:
    """A loan submission's rows, optionally only those a loan source adds up in a town or village."""
    qs = LoanRecord.objects.filter(submission=submission).order_by("row")
    if town:
        qs = qs.filter(town_id=town)
    if village:
        qs = qs.filter(village_id=village)
    if source:
        src = catalogue.parse_loan_source(source)
        qs = qs.filter(**src.row_filter())
        if src.measure in {"issued", "issued_count", "rate_issued"}:
            qs = qs.filter(issued_on__gte=submission.period.start, issued_on__lte=submission.period.end)
    return qs


def guarantee_rows(submission: Submission) -> QuerySet[GuaranteeRecord]:
    """A guarantees submission's rows (one guarantor of one loan each), in row order."""
    return GuaranteeRecord.objects.filter(submission=submission).order_by("row")


def aggregate_rows(submission: Submission, *, town: int | None = None, item: str = "") -> list[dict]:
    """Aggregate values as the table the institution filled: one row per town with its items."""
    form = catalogue.form(submission.form)
    qs = AggregateValue.objects.filter(submission=submission).select_related("town").order_by("row", "id")
    if town:
        qs = qs.filter(town_id=town)
    rows: dict[int, dict] = {}
    for v in qs:
        row = rows.setdefault(v.row, {"row": v.row, "town": v.town, "note": v.note, "values": {}})
        row["values"][v.item] = v.value
    items = [i for i in form.items if not item or i.code == item] if form else []
    for row in rows.values():
        row["cells"] = [row["values"].get(i.code) for i in items]
    return [rows[k] for k in sorted(rows)]


def submission_values(user: User, submission: Submission) -> QuerySet[AggregateValue]:
    """One submission's aggregate values in row order, for a user who sees the submission (API)."""
    return (
        access.aggregate_values_for(user)
        .filter(submission=submission)
        .select_related("town")
        .order_by("row", "id")
    )


# ---------------------------------------------------------------- indicators


def indicators() -> list[Indicator]:
    return list(Indicator.objects.filter(is_current=True).order_by("clause", "code"))


def browsable_indicators() -> list[Indicator]:
    return [i for i in indicators() if not i.auxiliary]


def periods_with_values(kind: str | None = None) -> list[ReportingPeriod]:
    qs = ReportingPeriod.objects.filter(pk__in=DerivedRun.objects.values("period_id"))
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("-end", "kind"))


def indicator_periods(user: User, *, code: str, level: str, periods: list[ReportingPeriod]) -> list[str]:
    """The codes of `periods` (newest first) in which this user can read `code` at `level`: what the
    explorer offers and opens on. One index range (`data_value_series`)."""
    have = set(
        access.indicator_values_for(user)
        .filter(indicator_code=code, level=level, period_id__in=[p.pk for p in periods])
        .values_list("period_id", flat=True)
        .distinct()
    )
    return [p.code for p in periods if p.pk in have]


def unit_name(value: IndicatorValue) -> str:
    if value.level == IndicatorValue.Level.INSTITUTION:
        org = value.organisation
        return (org.short_name or org.name) if org else "—"
    return value.division.name if value.division else "—"


def indicator_table(
    user: User, *, code: str, level: str, period: ReportingPeriod, points: bool = False
) -> list[dict]:
    """One indicator at one level for one period, with the same period a year earlier (change in % or points)."""
    scoped = access.indicator_values_for(user).filter(indicator_code=code, level=level)
    now = list(scoped.filter(period=period).select_related("organisation", "division", "division__parent"))
    try:
        prev_code = previous_year_code(period.code)
    except ValueError:
        prev_code = ""
    key = "organisation_id" if level == IndicatorValue.Level.INSTITUTION else "division_id"
    before = dict(scoped.filter(period__code=prev_code).values_list(key, "value")) if prev_code else {}
    rows = []
    for v in now:
        prev = before.get(getattr(v, key))
        growth = None
        if points and prev is not None and v.value is not None:
            growth = float(v.value) - float(prev)  # a rate changes by percentage points
        elif prev not in (None, 0) and v.value is not None:
            growth = (float(v.value) / float(prev) - 1) * 100
        rows.append(
            {
                "value": v,
                "name": unit_name(v),
                "prev": prev,
                "growth": growth,
                "parent": v.division.parent.name
                if level == "village" and v.division and v.division.parent
                else "",
                "code": v.division.code if v.division else (v.organisation.code if v.organisation else ""),
            }
        )
    rows.sort(key=lambda r: (r["parent"], r["code"]))
    return rows


def indicator_series(user: User, *, code: str, kind: str) -> list[tuple[str, str, float]]:
    """The county series of an indicator: (period code, label, value), oldest first."""
    rows = (
        access.indicator_values_for(user)
        .filter(indicator_code=code, level="county", period__kind=kind, value__isnull=False)
        .select_related("period")
        .order_by("period__end")
    )
    return [(v.period.code, v.period.label, float(v.value)) for v in rows]


# ---------------------------------------------------------------- lineage


def _leaf_sources(ind: Indicator, current: dict[str, Indicator], seen=None) -> list[Indicator]:
    """The non-formula indicators a figure is built from."""
    seen = seen or set()
    if ind.code in seen:
        return []
    seen.add(ind.code)
    if ind.source_kind != Indicator.SourceKind.FORMULA:
        return [ind]
    out = []
    for name in formula.names(ind.source):
        if name in current:
            out += _leaf_sources(current[name], current, seen)
    return out


def lineage(user: User, value: IndicatorValue) -> dict:
    """Where a figure came from: its parts (for a formula), and the submissions and rows it was summed from."""
    current = {i.code: i for i in Indicator.objects.filter(is_current=True)}
    ind = Indicator.objects.filter(
        code=value.indicator_code, version=value.indicator_version
    ).first() or current.get(value.indicator_code)
    parts = (
        _formula_parts(user, value, ind, current)
        if ind and ind.source_kind == Indicator.SourceKind.FORMULA
        else []
    )
    leaves = _leaf_sources(ind, current) if ind else []
    forms_used: dict[str, list[Indicator]] = {}
    platform = []
    for leaf in leaves:
        if leaf.source_kind == Indicator.SourceKind.LOANS:
            forms_used.setdefault(catalogue.LOANS_FORM, []).append(leaf)
        elif leaf.source_kind == Indicator.SourceKind.ITEM:
            forms_used.setdefault(leaf.source.split(".")[0], []).append(leaf)
        else:
            platform.append(leaf)
    run = DerivedRun.objects.filter(pk=value.run_id).first()
    ids = run.submissions if run else []
    subs_qs = Submission.objects.filter(pk__in=ids, form__in=list(forms_used)).select_related(
        "institution", "period"
    )
    if value.level == IndicatorValue.Level.INSTITUTION:
        subs_qs = subs_qs.filter(institution_id=value.organisation_id)
    subs = list(subs_qs.order_by("form", "period__end", "institution__path"))
    visible_ids = set(
        access.submissions_for(user).filter(pk__in=[s.pk for s in subs]).values_list("pk", flat=True)
    )
    links, contributing = _lineage_links(value, leaves, subs, visible_ids)
    hidden = len(contributing - visible_ids)
    hooked = plugins.data_sources()
    records = [  # figures an app computes from its own records lead to those records
        (leaf, f"{reverse(hooked[leaf.source].link)}?year={value.period.year}")
        for leaf in platform
        if leaf.source in hooked and hooked[leaf.source].link
    ]
    return {
        "records": records,
        "indicator": ind,
        "parts": parts,
        "links": links,
        "hidden": hidden,
        "platform": platform,
        "run": run,
    }


def _formula_parts(user: User, value: IndicatorValue, ind: Indicator, current: dict) -> list[tuple]:
    """A formula's parts: (current indicator, its value for the same unit and period, if the user sees it)."""
    same_unit = Q(
        period_id=value.period_id,
        level=value.level,
        organisation_id=value.organisation_id,
        division_id=value.division_id,
    )
    found = {
        v.indicator_code: v
        for v in access.indicator_values_for(user).filter(
            same_unit, indicator_code__in=formula.names(ind.source)
        )
    }
    return [(current.get(n), found.get(n)) for n in formula.names(ind.source)]


def _lineage_links(
    value: IndicatorValue, leaves: list[Indicator], subs: list[Submission], visible_ids: set[int]
) -> tuple[list[dict], set[int]]:
    """(a link per visible submission that adds to the figure, with its amount; the ids of every
    submission that adds to it, visible or not)."""
    town = village = None
    if value.level == IndicatorValue.Level.TOWN:
        town = value.division_id
    elif value.level == IndicatorValue.Level.VILLAGE:
        village = value.division_id
    links = []
    contributing: set[int] = set()
    for leaf in leaves:
        if leaf.source_kind == Indicator.SourceKind.PLATFORM:
            continue
        form_code = (
            catalogue.LOANS_FORM
            if leaf.source_kind == Indicator.SourceKind.LOANS
            else leaf.source.split(".")[0]
        )
        subs_here = [s for s in subs if s.form == form_code]
        amounts = _contributions(leaf, subs_here, town=town, village=village)
        for s in subs_here:
            if amounts is not None and s.pk not in amounts:
                continue  # nothing of this submission is in the figure (another town, no such rows)
            contributing.add(s.pk)
            if s.pk not in visible_ids:
                continue
            query = {k: v for k, v in (("town", town), ("village", village)) if v}
            if leaf.source_kind == Indicator.SourceKind.LOANS:
                query["source"] = leaf.source
            else:
                query["item"] = leaf.source.split(".", 1)[1]
            links.append(
                {
                    "submission": s,
                    "indicator": leaf,
                    "query": urlencode(query),
                    "amount": (amounts or {}).get(s.pk),
                }
            )
    return links, contributing


def _contributions(leaf: Indicator, subs: list[Submission], *, town, village) -> dict[int, float] | None:
    """How much each submission adds to the figure (one grouped query); None when it cannot be split (distinct counts)."""
    if not subs:
        return {}
    ids = [s.pk for s in subs]
    if leaf.source_kind == Indicator.SourceKind.ITEM:
        qs = AggregateValue.objects.filter(submission_id__in=ids, item=leaf.source.split(".", 1)[1])
        if town:
            qs = qs.filter(town_id=town)
        return {
            k: float(v)
            for k, v in qs.values_list("submission_id")
            .annotate(t=Sum("value"))
            .values_list("submission_id", "t")
            if v is not None
        }
    src = catalogue.parse_loan_source(leaf.source)
    if src.kind == catalogue.DISTINCT:
        return None
    period = subs[0].period
    qs = LoanRecord.objects.filter(submission_id__in=ids, **src.row_filter())
    if town:
        qs = qs.filter(town_id=town)
    if village:
        qs = qs.filter(village_id=village)
    if src.measure in {"issued", "issued_count", "rate_issued"}:
        qs = qs.filter(issued_on__gte=period.start, issued_on__lte=period.end)
    if src.measure in {"count", "issued_count"}:
        agg = Count("pk")
        scale = 1.0
    elif src.measure == "balance":
        agg, scale = Sum("balance_fen"), 0.01
    elif src.measure == "issued":
        agg, scale = Sum("amount_fen"), 0.01
    else:
        agg, scale = Sum(F("rate") * F("amount_fen")), 0.01
    rows = qs.values("submission_id").annotate(t=agg).values_list("submission_id", "t")
    return {k: float(v) * scale for k, v in rows if v is not None}


def division_choices(level: str) -> QuerySet[Division]:
    return Division.objects.filter(level=level).order_by("code")


def stored_original_paths() -> set[str]:
    """Every uploaded original still on disk (submissions' files and uploads being checked)."""
    paths = set(Submission.objects.exclude(file="").values_list("file", flat=True))
    return paths | set(Upload.objects.exclude(path="").values_list("path", flat=True))


# ---------------------------------------------------------------- a submission beside its predecessors


def compared_with(user: User, submission: Submission) -> dict:
    """What the review page compares a submission with: its previous version (上一版) and the same
    period a year before (上年同期: the approved version the validator also compares with)."""
    mine = access.submissions_for(user).filter(institution_id=submission.institution_id, form=submission.form)
    previous = (
        mine.filter(period_id=submission.period_id, version__lt=submission.version)
        .exclude(status=Submission.Status.STORING)
        .order_by("-version")
        .first()
    )
    last_year = (
        mine.filter(
            period__code=previous_year_code(submission.period.code), status=Submission.Status.APPROVED
        )
        .select_related("period")
        .order_by("-version")
        .first()
    )
    return {"previous": previous, "last_year": last_year}


def _change(now, before) -> float | None:
    if now is None or before is None or not before:
        return None
    return (float(now) - float(before)) / abs(float(before)) * 100


def aggregate_rows_compared(
    user: User, submission: Submission, *, town: int | None = None, item: str = ""
) -> dict:
    """`aggregate_rows` with each figure beside the previous version's and last year's, and the change
    flagged where the validator's year-on-year rule would ask for a 说明 (intake: threshold and floor)."""
    from puhui.data.intake import MIN_CHANGE, _jump

    form = catalogue.form(submission.form)
    others = compared_with(user, submission)
    values = {
        key: dict(
            ((t, i), v)
            for t, i, v in AggregateValue.objects.filter(submission=sub).values_list(
                "town_id", "item", "value"
            )
        )
        if sub
        else {}
        for key, sub in others.items()
    }
    rows = aggregate_rows(submission, town=town, item=item)
    items = [i for i in form.items if not item or i.code == item] if form else []
    for row in rows:
        town_id = row["town"].pk if row["town"] else None
        row["cells"] = []
        for it in items:
            now = row["values"].get(it.code)
            prev = values["previous"].get((town_id, it.code))
            year = values["last_year"].get((town_id, it.code))
            floor = MIN_CHANGE.get(it.type, 0)
            row["cells"].append(
                {
                    "value": now,
                    "previous": prev,
                    "previous_change": _change(now, prev) if prev is not None and prev != now else None,
                    "last_year": year,
                    "yoy": _change(now, year),
                    "flag": now is not None
                    and year is not None
                    and _jump(now, year, form.yoy_threshold, floor) is not None,
                }
            )
    return {**others, "rows": rows, "items": items, "threshold": form.yoy_threshold if form else None}


def loan_totals_compared(user: User, submission: Submission) -> list[dict]:
    """A loan return's totals (余额, 笔数, 发放额) beside the previous version's and last year's."""
    from puhui.data.intake import _jump

    form = catalogue.form(submission.form)
    others = compared_with(user, submission)
    figures = [
        ("贷款余额合计", "balance_fen", "元", True),
        ("贷款金额合计", "amount_fen", "元", False),
        ("贷款笔数", "loans", "笔", False),
    ]
    out = []
    for label, key, unit, ruled in figures:

        def get(sub, key=key):
            if sub is None or sub.totals.get(key) is None:
                return None
            value = int(sub.totals[key])
            return value / 100 if key.endswith("_fen") else value

        now, prev, year = get(submission), get(others["previous"]), get(others["last_year"])
        out.append(
            {
                "label": label,
                "unit": unit,
                "value": now,
                "previous": prev,
                "previous_change": _change(now, prev) if prev is not None and prev != now else None,
                "last_year": year,
                "yoy": _change(now, year),
                "flag": ruled
                and now is not None
                and year is not None
                and _jump(now, year, form.yoy_threshold) is not None,
            }
        )
    return out
