"""Derived indicators: every catalogue indicator, for every period with approved data, at every level.

Set-based throughout. Per quarter: one grouped query over the aggregate-form values, one over the loan
detail (conditional sums for every loan source the catalogue uses), one UNION of grouped COUNT(DISTINCT)
for borrower counts, a few grouped queries over the platform's own tables. pandas then rolls the finest
grain (institution × town × village) up to each level, builds years from quarters (stocks take the last
quarter, flows add up), and evaluates formulas column-wise. Nothing loops over rows in Python.

Only approved submissions count: for each institution, form and period the highest approved version.
Each period's computation is a DerivedRun that records the submissions it read; its values point to it,
which is the lineage from a figure back to submissions and rows.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
from django.apps import apps
from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils.module_loading import import_string

from puhui.core import plugins
from puhui.core.models import Division, Organisation
from puhui.core.periods import KIND_QUARTER, KIND_YEAR, parse_code, quarters_of
from puhui.data import catalogue, formula, storage
from puhui.data.catalogue import DISTINCT, STOCK, LoanSource
from puhui.data.county import county_context
from puhui.data.models import (
    AggregateValue,
    DerivedRun,
    Indicator,
    IndicatorValue,
    LoanRecord,
    ReportingPeriod,
    Submission,
)
from puhui.registry.network import NetworkHistory, firms_as_of

LEVELS = ("institution", "village", "town", "county")
MONEY_LOAN_MEASURES = {"balance", "issued", "rate_issued"}
Progress = Callable[[int, int, str], None]


# ---------------------------------------------------------------- the catalogue as a computation plan


@dataclass
class Plan:
    indicators: dict[str, Indicator]
    order: list[str]  # formulas after their parts
    levels: dict[str, tuple[str, ...]]  # where each indicator is computed
    loan_sources: dict[str, LoanSource] = field(default_factory=dict)  # source key → parsed
    item_sources: set[str] = field(default_factory=set)  # form.item
    platform_sources: set[str] = field(default_factory=set)

    def source_key(self, ind: Indicator) -> str:
        if ind.source_kind == Indicator.SourceKind.LOANS:
            return "loans:" + catalogue.parse_loan_source(ind.source).key
        return f"{ind.source_kind}:{ind.source}"


def build_plan() -> Plan:
    current = {i.code: i for i in Indicator.objects.filter(is_current=True)}
    levels: dict[str, tuple[str, ...]] = {}
    order: list[str] = []
    plan = Plan(indicators=current, order=order, levels=levels)
    visiting: set[str] = set()

    def visit(code: str) -> tuple[str, ...]:
        if code in levels:
            return levels[code]
        if code in visiting or code not in current:
            return ()  # a cycle or a missing part: the formula is not computed
        visiting.add(code)
        ind = current[code]
        declared = set(ind.levels)
        if ind.source_kind == Indicator.SourceKind.FORMULA:
            try:
                parts = formula.names(ind.source)
            except formula.FormulaError:
                parts = None
            possible = set(LEVELS) if parts else set()
            for part in parts or ():
                possible &= set(visit(part))
        else:
            try:
                possible = set(catalogue.source_levels(ind.source_kind, ind.source))
            except ValueError:
                possible = set()
            if ind.source_kind == Indicator.SourceKind.LOANS:
                src = catalogue.parse_loan_source(ind.source)
                plan.loan_sources[src.key] = src
            elif ind.source_kind == Indicator.SourceKind.ITEM:
                plan.item_sources.add(ind.source)
            else:
                plan.platform_sources.add(ind.source)
        visiting.discard(code)
        levels[code] = tuple(lv for lv in LEVELS if lv in declared & possible)
        order.append(code)
        return levels[code]

    for code in sorted(current):
        visit(code)
    return plan


# ---------------------------------------------------------------- base values of one period


# source key → level → Series (index: organisation id, division id, or 0 for the county)
Base = dict[str, dict[str, pd.Series]]


def _roll_up(frame: pd.DataFrame, value_cols: list[str], prefix: str, out: Base, levels=LEVELS) -> None:
    """Finest-grain rows (columns org, village, town + values) → one Series per value column and level."""
    if frame.empty:
        return
    keys = {"institution": "org", "village": "village", "town": "town"}
    for level in levels:
        if level == "county":
            sums = frame[value_cols].sum()
            for col in value_cols:
                out.setdefault(prefix + col, {})["county"] = pd.Series([float(sums[col])], index=[0])
            continue
        key = keys[level]
        part = frame[frame[key].notna()]
        if part.empty:
            continue
        grouped = part.groupby(part[key].astype("int64"))[value_cols].sum()
        for col in value_cols:
            out.setdefault(prefix + col, {})[level] = grouped[col].astype("float64")


def effective_submissions(periods: list[ReportingPeriod] | None = None) -> dict[int, list[int]]:
    """period id → ids of the highest approved version of each institution's form."""
    qs = Submission.objects.filter(status=Submission.Status.APPROVED)
    if periods is not None:
        qs = qs.filter(period__in=periods)
    best: dict[tuple, tuple[int, int]] = {}
    for pk, inst, form_code, period_id, version in qs.values_list(
        "pk", "institution_id", "form", "period_id", "version"
    ):
        key = (inst, form_code, period_id)
        if key not in best or best[key][0] < version:
            best[key] = (version, pk)
    out: dict[int, list[int]] = defaultdict(list)
    for (_inst, _form, period_id), (_version, pk) in sorted(best.items()):
        out[period_id].append(pk)
    return out


def _item_values(sub_ids: list[int], wanted: set[str], out: Base) -> None:
    if not sub_ids or not wanted:
        return
    rows = (
        AggregateValue.objects.filter(submission_id__in=sub_ids)
        .values("submission__institution_id", "submission__form", "town_id", "item")
        .annotate(v=Sum("value"))
    )
    df = pd.DataFrame.from_records(
        list(rows), columns=["submission__institution_id", "submission__form", "town_id", "item", "v"]
    )
    if df.empty:
        return
    df["key"] = df["submission__form"] + "." + df["item"]
    df = df[df["key"].isin(wanted)]
    if df.empty:
        return
    df["v"] = df["v"].astype("float64")
    wide = df.pivot_table(
        index=["submission__institution_id", "town_id"],
        columns="key",
        values="v",
        aggfunc="sum",
        dropna=False,
    ).reset_index()
    wide = wide.rename(columns={"submission__institution_id": "org", "town_id": "town"})
    wide["village"] = np.nan
    cols = [c for c in wide.columns if c not in {"org", "town", "village"}]
    # A form without a town column (town is NULL) still counts for its institution and the county.
    present = wide[cols].notna()
    wide[cols] = wide[cols].fillna(0.0)
    _roll_up(wide, cols, "item:", out)
    for col in cols:  # institutions that never reported an item do not get a zero for it
        reported = set(wide.loc[present[col], "org"].astype("int64"))
        series = out.get("item:" + col, {}).get("institution")
        if series is not None:
            out["item:" + col]["institution"] = series[series.index.isin(reported)]


def _loan_conditions(src: LoanSource, period: ReportingPeriod) -> Q:
    q = Q(**{k: v for k, v in src.row_filter().items()})
    if src.measure in {"issued", "issued_count", "rate_issued"}:
        q &= Q(issued_on__gte=period.start, issued_on__lte=period.end)
    return q


def _loan_values(sub_ids: list[int], plan: Plan, period: ReportingPeriod, out: Base) -> None:
    sources = plan.loan_sources
    if not sub_ids or not sources:
        return
    summed = {k: s for k, s in sources.items() if s.kind != DISTINCT}
    annotations = {}
    for key, src in summed.items():
        cond = _loan_conditions(src, period)
        if src.measure in {"balance"}:
            annotations[key] = Sum("balance_fen", filter=cond)
        elif src.measure == "issued":
            annotations[key] = Sum("amount_fen", filter=cond)
        elif src.measure == "rate_issued":
            annotations[key] = Sum(F("rate") * F("amount_fen"), filter=cond)
        else:  # count, issued_count
            annotations[key] = Count("pk", filter=cond)
    loans = LoanRecord.objects.filter(submission_id__in=sub_ids)
    if annotations:
        rows = list(loans.values("submission__institution_id", "town_id").annotate(**annotations))
        df = pd.DataFrame.from_records(rows, columns=["submission__institution_id", "town_id", *annotations])
        df = df.rename(columns={"submission__institution_id": "org", "town_id": "town"})
        df["village"] = np.nan
        for key, src in summed.items():
            df[key] = df[key].astype("float64").fillna(0.0)
            if src.measure in MONEY_LOAN_MEASURES:
                df[key] = df[key] / 100.0  # fen → yuan (rate_issued: yuan·%)
        _roll_up(df, list(annotations), "loans:", out, levels=("institution", "town", "county"))
    distinct = {k: s for k, s in sources.items() if s.kind == DISTINCT}
    if distinct:
        _distinct_borrowers(sub_ids, distinct, period, out)


def _distinct_borrowers(sub_ids: list[int], sources: dict[str, LoanSource], period, out: Base) -> None:
    """COUNT(DISTINCT borrower) at each level in one statement: a UNION of three GROUP BYs."""
    table = LoanRecord._meta.db_table
    sub_table = Submission._meta.db_table
    params: list = []
    cases = []
    for key, src in sources.items():
        conds = ["l.balance_fen > 0"]
        for flag in src.flags:
            conds.append(f"l.{flag} = %s")
            params.append(True)
        for field_name, values in src.choices:
            conds.append(f"l.{field_name} IN ({', '.join(['%s'] * len(values))})")
            params.extend(values)
        cases.append((key, " AND ".join(conds)))
    select_cols = ", ".join(
        f"COUNT(DISTINCT CASE WHEN {cond} THEN l.borrower_hash END) AS c{i}"
        for i, (_k, cond) in enumerate(cases)
    )
    ids = ", ".join(["%s"] * len(sub_ids))
    base = f"FROM {table} l JOIN {sub_table} s ON s.id = l.submission_id WHERE l.submission_id IN ({ids})"
    sql = (
        f"SELECT 'institution', s.institution_id, {select_cols} {base} GROUP BY s.institution_id "
        f"UNION ALL SELECT 'town', l.town_id, {select_cols} {base} GROUP BY l.town_id "
        f"UNION ALL SELECT 'county', 0, {select_cols} {base}"
    )
    all_params = (params + list(sub_ids)) * 3
    with connection.cursor() as cursor:
        cursor.execute(sql, all_params)
        rows = cursor.fetchall()
    by_level: dict[str, list] = defaultdict(list)
    for r in rows:
        by_level[r[0]].append(r[1:])
    for level, items in by_level.items():
        idx = [int(r[0]) for r in items]
        for i, (key, _cond) in enumerate(cases):
            out.setdefault("loans:" + key, {})[level] = pd.Series([float(r[1 + i]) for r in items], index=idx)


@dataclass
class PlatformCache:
    """The platform tables read once per computation. The registers as they stood at each period's end come
    from the registry's own rules (`puhui.registry.network`: dated opening, upgrade, closing, installation,
    retirement and bill-pay start), never from today's flags."""

    villages: pd.DataFrame  # village, town, population, households, farm_households
    network: NetworkHistory  # service points (with their events) and terminals, rebuilt for any day
    branch: dict[int, int]  # organisation → the county-level unit that reports for it


def _branch_of() -> dict[int, int]:
    """Every organisation → the county-level unit that reports for it (itself, or its branch ancestor)."""
    orgs = list(Organisation.objects.values_list("pk", "path", "level"))
    branch_by_path = {path: pk for pk, path, level in orgs if level == Organisation.Level.BRANCH}
    out = {}
    for pk, path, _level in orgs:
        parts = [p for p in path.strip("/").split("/") if p]
        found = pk
        for i in range(len(parts), 0, -1):
            candidate = "/" + "/".join(parts[:i]) + "/"
            if candidate in branch_by_path:
                found = branch_by_path[candidate]
                break
        out[pk] = found
    return out


def load_platform() -> PlatformCache:
    villages = pd.DataFrame.from_records(
        list(
            Division.objects.filter(level=Division.Level.VILLAGE).values_list(
                "pk", "parent_id", "population", "households", "farm_households"
            )
        ),
        columns=["village", "town", "population", "households", "farm_households"],
    )
    return PlatformCache(villages, NetworkHistory(), _branch_of())


def _platform_values(cache: PlatformCache, wanted: set[str], period: ReportingPeriod, out: Base) -> None:
    end = period.end
    if wanted & {"population", "households", "farm_households"}:
        cols = [c for c in ("population", "households", "farm_households") if c in wanted]
        frame = cache.villages.assign(org=np.nan)
        frame[cols] = frame[cols].astype("float64")
        _roll_up(frame, cols, "platform:", out, levels=("village", "town", "county"))
    if "small_firms" in wanted:
        rows = list(
            firms_as_of(end)
            .filter(kind__in=["small", "micro", "individual"])
            .values("village_id", "town_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        if rows:
            frame = pd.DataFrame.from_records(rows).rename(
                columns={"village_id": "village", "town_id": "town", "n": "small_firms"}
            )
            frame["org"] = np.nan
            frame["small_firms"] = frame["small_firms"].astype("float64")
            _roll_up(frame, ["small_firms"], "platform:", out, levels=("village", "town", "county"))
    branch = cache.branch
    if wanted & {"service_points", "stations"}:
        points = cache.network.points_on(end)
        if points:
            frame = pd.DataFrame.from_records(
                [
                    (branch.get(p.bank_id, p.bank_id), p.village_id, p.town_id, 1.0, float(p.upgraded))
                    for p in points
                ],
                columns=["org", "village", "town", "service_points", "stations"],
            )
            frame = frame.groupby(["org", "village", "town"], as_index=False)[
                ["service_points", "stations"]
            ].sum()
            _roll_up(frame, [c for c in ("service_points", "stations") if c in wanted], "platform:", out)
    if wanted & {"terminals", "terminals_bill"}:
        terminals = cache.network.terminals_on(end)
        if terminals:
            frame = pd.DataFrame.from_records(
                [
                    (branch.get(t.bank_id, t.bank_id), t.village_id, t.town_id, 1.0, float(t.bill_payment))
                    for t in terminals
                ],
                columns=["org", "village", "town", "terminals", "terminals_bill"],
            )
            frame = frame.groupby(["org", "village", "town"], as_index=False)[
                ["terminals", "terminals_bill"]
            ].sum()
            _roll_up(frame, [c for c in ("terminals", "terminals_bill") if c in wanted], "platform:", out)


def _credit_values(wanted: set[str], period: ReportingPeriod, out: Base) -> None:
    """Archives and pre-credit lines of the rural credit system, as at the end of the period, by village."""
    if not wanted & catalogue.CREDIT_SOURCES or not apps.is_installed("puhui.credit"):
        return
    # The hook: the credit app's selectors define 建档 and 预授信 (once, for every consumer).
    from puhui.credit import selectors as credit

    frames = []
    if "credit_archived" in wanted:
        rows = (
            credit.archived_households(as_of=period.end)
            .values("village_id", "town_id")
            .annotate(n=Count("pk"))
        )
        frames.append(
            pd.DataFrame.from_records(
                [(r["village_id"], r["town_id"], "credit_archived", float(r["n"])) for r in rows],
                columns=["village", "town", "key", "v"],
            )
        )
    if "credit_precredit" in wanted:
        rows = (
            credit.live_lines(period.end)
            .values("village_id", "town_id")
            .annotate(n=Count("household_id", distinct=True))
        )
        frames.append(
            pd.DataFrame.from_records(
                [(r["village_id"], r["town_id"], "credit_precredit", float(r["n"])) for r in rows],
                columns=["village", "town", "key", "v"],
            )
        )
    for frame in frames:
        if frame.empty:
            continue
        key = frame["key"].iloc[0]
        frame = frame.rename(columns={"v": key}).drop(columns="key").assign(org=np.nan)
        _roll_up(frame, [key], "platform:", out, levels=("village", "town", "county"))


def _hooked_values(wanted: set[str], period: ReportingPeriod, out: Base) -> None:
    """Figures other apps compute from their own records (`DATA_SOURCES` in their plugin.py)."""
    for name, source in plugins.data_sources().items():
        if name not in wanted:
            continue
        rows = import_string(source.values)(period.start, period.end)
        if not rows:  # nothing registered in the period: 0 for the county (its parts have no rows to show)
            if "county" in source.levels:
                out[f"platform:{name}"] = {"county": pd.Series([0.0], index=[0])}
            continue
        frame = pd.DataFrame.from_records(rows, columns=["org", "town", "village", name])
        frame[name] = frame[name].astype("float64")
        for col in ("org", "town", "village"):
            frame[col] = frame[col].astype("float64")
        _roll_up(frame, [name], "platform:", out, levels=source.levels)


def base_for_period(period: ReportingPeriod, sub_ids: list[int], plan: Plan, platform: PlatformCache) -> Base:
    out: Base = {}
    forms = catalogue.forms()
    items_here = {s for s in plan.item_sources if forms[s.split(".")[0]].frequency == period.kind}
    _item_values(sub_ids, items_here, out)
    if period.kind == KIND_QUARTER:
        _loan_values(sub_ids, plan, period, out)
    _platform_values(platform, plan.platform_sources, period, out)
    _credit_values(plan.platform_sources, period, out)
    _hooked_values(plan.platform_sources, period, out)
    return out


def _source_kind(key: str) -> str:
    kind, _, rest = key.partition(":")
    if kind == "loans":
        return catalogue.LOAN_MEASURES[rest.split("__")[0]][0]
    if kind == "item":
        form_code, _, item = rest.partition(".")
        return catalogue.forms()[form_code].item(item).kind
    return STOCK


def year_from_quarters(quarter_bases: list[Base], year_base: Base) -> Base:
    """A year: stocks and distinct counts from its last quarter, flows summed over its quarters.

    Sources the year has itself (yearly forms, platform data as at 31 December) are kept as they are.
    """
    out: Base = {k: dict(v) for k, v in year_base.items()}
    keys = {k for b in quarter_bases for k in b} - set(out)
    for key in keys:
        kind = _source_kind(key)
        present = [b[key] for b in quarter_bases if key in b]
        if kind in {STOCK, DISTINCT}:
            out[key] = present[-1]
            continue
        levels: dict[str, pd.Series] = {}
        for per_level in present:
            for level, series in per_level.items():
                levels[level] = series if level not in levels else levels[level].add(series, fill_value=0.0)
        out[key] = levels
    return out


# ---------------------------------------------------------------- indicators from base values


def evaluate(plan: Plan, base: Base) -> dict[str, dict[str, pd.Series]]:
    """Every indicator at every level where it is computed: base sources, then formulas in order."""
    values: dict[str, dict[str, pd.Series]] = {}
    for code in plan.order:
        ind = plan.indicators[code]
        levels = plan.levels.get(code, ())
        if not levels:
            continue
        if ind.source_kind != Indicator.SourceKind.FORMULA:
            per_level = base.get(plan.source_key(ind), {})
            values[code] = {lv: s for lv, s in per_level.items() if lv in levels}
            continue
        parts = formula.names(ind.source)
        result = {}
        for level in levels:
            series = [values.get(p, {}).get(level) for p in parts]
            if any(s is None for s in series):
                continue
            frame = pd.concat(series, axis=1, keys=parts, sort=True)
            # A part missing for one unit (no row reported) stays missing, never silently zero.
            result[level] = formula.evaluate(ind.source, {p: frame[p] for p in parts}).dropna()
        values[code] = result
    return values


def _round(value: float, decimals: int) -> Decimal:
    return Decimal(f"{value:.{min(6, decimals + 2)}f}")


def _rows(run_id: int, period_id: int, county_id: int, plan: Plan, values) -> list[tuple]:
    out = []
    for code, per_level in values.items():
        ind = plan.indicators[code]
        for level, series in per_level.items():
            s = series.dropna()
            for key, value in zip(s.index.tolist(), s.to_numpy().tolist(), strict=True):
                org = key if level == "institution" else None
                div = county_id if level == "county" else (key if level in {"town", "village"} else None)
                out.append(
                    (run_id, code, ind.version, period_id, level, org, div, _round(value, ind.decimals))
                )
    return out


# ---------------------------------------------------------------- the whole computation


def periods_with_data(by_period: dict[int, list[int]]) -> list[ReportingPeriod]:
    """Quarters with approved submissions, and every year that has a quarter or a yearly form approved."""
    from puhui.data.services import period_get

    periods = list(ReportingPeriod.objects.filter(pk__in=list(by_period)))
    years = {p.year for p in periods}
    out = [p for p in periods if p.kind == KIND_QUARTER]
    out += [period_get(str(y)) for y in sorted(years)]
    return sorted(out, key=lambda p: (p.end, p.kind))


def compute_all(*, actor=None, progress: Progress | None = None) -> dict:
    started = time.perf_counter()
    plan = build_plan()
    ctx = county_context()
    by_period = effective_submissions()
    periods = periods_with_data(by_period)
    platform = load_platform()
    bases: dict[str, Base] = {}
    rows_by_period: dict[int, tuple[ReportingPeriod, list[int], dict]] = {}
    quarters = [p for p in periods if p.kind == KIND_QUARTER]
    years = [p for p in periods if p.kind == KIND_YEAR]
    total = len(periods)
    for n, p in enumerate(quarters, start=1):
        bases[p.code] = base_for_period(p, by_period.get(p.pk, []), plan, platform)
        rows_by_period[p.pk] = (p, by_period.get(p.pk, []), evaluate(plan, bases[p.code]))
        if progress:
            progress(n, total, f"已计算 {p.label}")
    for n, y in enumerate(years, start=len(quarters) + 1):
        own = base_for_period(y, by_period.get(y.pk, []), plan, platform)
        q_bases = [bases[c] for c in quarters_of(y.year) if c in bases]
        base = year_from_quarters(q_bases, own)
        subs = list(by_period.get(y.pk, []))
        for c in quarters_of(y.year):
            qp = next((q for q in quarters if q.code == c), None)
            if qp is not None:
                subs += by_period.get(qp.pk, [])
        rows_by_period[y.pk] = (y, subs, evaluate(plan, base))
        if progress:
            progress(n, total, f"已计算 {y.label}")
    written = _store(rows_by_period, plan=plan, county_id=ctx.county_id, actor=actor)
    seconds = time.perf_counter() - started
    return {"periods": len(periods), "values": written, "seconds": seconds}


@transaction.atomic
def _store(rows_by_period, *, plan: Plan, county_id: int, actor) -> int:
    label = str(actor) if actor is not None else "系统"
    # A full recomputation replaces every figure, including those of periods that no longer have data.
    IndicatorValue.objects.all().delete()
    DerivedRun.objects.all().delete()
    written = 0
    for period_id, (period, subs, values) in rows_by_period.items():
        run = DerivedRun.objects.create(period=period, submissions=sorted(set(subs)), actor_label=label[:150])
        rows = _rows(run.pk, period_id, county_id, plan, values)
        storage.write_values(rows)
        run.values = len(rows)
        run.save(update_fields=["values"])
        written += len(rows)
    return written


def parse_period(code: str) -> ReportingPeriod | None:
    try:
        parse_code(code)
    except ValueError:
        return None
    return ReportingPeriod.objects.filter(code=code).first()
