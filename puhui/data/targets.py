"""Target monitoring: each target's measure over time, its status, trend and a simple projection.

Status, judged "as of" a period (default: the latest period with figures):
- the deadline has passed and its figure exists → 已达标 (met) or 未达标 (missed);
- the deadline is still ahead → 进度正常 (on track) when a straight line through the last (up to) four
  figures reaches the threshold at the deadline, else 存在风险 (at risk);
- no figure at all, or none at a passed deadline → 暂无数据.
Targets without a deadline (every quarter, every year) are judged on the latest complete period.

The county's measure is computed from all figures (it is an aggregate everyone may see); the breakdown
by town or institution is read through the caller's access scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.db.models import QuerySet

from puhui.core.models import Division, Organisation
from puhui.core.periods import ordinal, parse_code, previous_year_code
from puhui.data import catalogue
from puhui.data.models import Indicator, IndicatorValue, ReportingPeriod, Target

MET, ON_TRACK, AT_RISK, MISSED, NO_DATA = "met", "on_track", "at_risk", "missed", "no_data"
STATUS_LABELS = {
    MET: "已达标",
    ON_TRACK: "进度正常",
    AT_RISK: "存在风险",
    MISSED: "未达标",
    NO_DATA: "暂无数据",
}
STATUS_CSS = {MET: "success", ON_TRACK: "primary", AT_RISK: "warning", MISSED: "danger", NO_DATA: "secondary"}
TREND_POINTS = 4


@dataclass
class Point:
    code: str
    label: str
    value: float | None  # the measure (growth, change, share or the figure itself)
    figure: float | None  # the indicator's own value


@dataclass
class Unit:
    key: int
    name: str
    value: float | None
    figure: float | None
    ok: bool | None


@dataclass
class TargetStatus:
    target: Target
    indicator: Indicator | None
    status: str
    series: list[Point]
    figure: float | None = None  # the measure judged
    figure_period: str = ""
    projection: float | None = None
    trend: str = ""
    slope: float | None = None
    deadline_label: str = ""
    units: list[Unit] = field(default_factory=list)
    unit_period: str = ""

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def css(self) -> str:
        return STATUS_CSS[self.status]

    @property
    def measure_unit(self) -> str:
        t = self.target
        if t.rule == Target.Rule.YOY_GROWTH or (
            t.rule == Target.Rule.CHANGE_VS_BASE and t.change_unit == "percent"
        ):
            return "%"
        if t.rule == Target.Rule.EACH_INSTITUTION:
            return "%"
        if t.rule == Target.Rule.CHANGE_VS_BASE:
            return (
                "个百分点"
                if self.indicator and self.indicator.unit == "%"
                else (self.indicator.unit if self.indicator else "")
            )
        return self.indicator.unit if self.indicator else ""

    @property
    def measure_name(self) -> str:
        t = self.target
        if t.rule == Target.Rule.YOY_GROWTH:
            return "同比增长"
        if t.rule == Target.Rule.CHANGE_VS_BASE:
            return f"较{t.base_period}年变化" if t.period_kind == "year" else f"较{t.base_period}变化"
        if t.rule == Target.Rule.EACH_INSTITUTION:
            return f"达到 {float(t.each_threshold):g} 的机构占比"
        return self.indicator.name if self.indicator else t.indicator_code


def compare(value: float | None, target: Target) -> bool | None:
    if value is None or np.isnan(value):
        return None
    threshold = float(target.threshold)
    return (
        value >= threshold - 1e-9 if target.comparator == Target.Comparator.GE else value <= threshold + 1e-9
    )


def _frame(values: QuerySet, code: str, kind: str, level: str) -> pd.DataFrame:
    """unit × period table of an indicator at one level (unit 0 is the county)."""
    rows = list(
        values.filter(indicator_code=code, level=level, period__kind=kind).values_list(
            "organisation_id", "division_id", "period__code", "value"
        )
    )
    records = [
        ((org if level == "institution" else (0 if level == "county" else div)), p, float(v))
        for org, div, p, v in rows
        if v is not None
    ]
    if not records:
        return pd.DataFrame()
    df = pd.DataFrame.from_records(records, columns=["unit", "period", "value"])
    return df.pivot_table(index="unit", columns="period", values="value", aggfunc="first")


def _measure(target: Target, table: pd.DataFrame, periods: list[str]) -> pd.DataFrame:
    """The measure for every unit and period of a unit × period table of the indicator."""
    out = pd.DataFrame(index=table.index, columns=periods, dtype="float64")
    for p in periods:
        now = table[p] if p in table else pd.Series(np.nan, index=table.index)
        if target.rule == Target.Rule.YOY_GROWTH:
            prev_code = previous_year_code(p)
            prev = table[prev_code] if prev_code in table else pd.Series(np.nan, index=table.index)
            out[p] = (now / prev.where(prev != 0) - 1) * 100
        elif target.rule == Target.Rule.CHANGE_VS_BASE:
            base = (
                table[target.base_period]
                if target.base_period in table
                else pd.Series(np.nan, index=table.index)
            )
            if ordinal(p) <= ordinal(target.base_period):
                out[p] = np.nan  # a change against itself says nothing
                continue
            if target.change_unit == Target.ChangeUnit.PERCENT:
                out[p] = (now / base.where(base != 0) - 1) * 100
            else:
                out[p] = now - base
        else:
            out[p] = now
    return out


def _expected_institutions(indicator: Indicator | None) -> list[Organisation]:
    """Who must report the item an each-institution target counts (a missing report counts as not reaching)."""
    if indicator is None or indicator.source_kind != Indicator.SourceKind.ITEM:
        return []
    form = catalogue.form(indicator.source.split(".")[0])
    return [o for o in catalogue.submitting_organisations() if form and form.applies_to(o)]


def _periods(kind: str, as_of: ReportingPeriod | None) -> list[ReportingPeriod]:
    qs = ReportingPeriod.objects.filter(kind=kind).order_by("end")
    if as_of is not None:
        qs = qs.filter(end__lte=as_of.end)
    return list(qs)


def _fit(points: list[tuple[int, float]], at: int) -> tuple[float | None, float | None]:
    """Least-squares line through the last points: (value at `at`, slope per quarter)."""
    pts = points[-TREND_POINTS:]
    if not pts:
        return None, None
    if len(pts) == 1:
        return pts[0][1], None
    x = np.array([p[0] for p in pts], dtype="float64") / 3.0  # ordinal counts months; a quarter is 3
    y = np.array([p[1] for p in pts], dtype="float64")
    slope, intercept = np.polyfit(x, y, 1)
    return float(slope * at / 3.0 + intercept), float(slope)


def evaluate(
    target: Target,
    *,
    as_of: ReportingPeriod | None = None,
    scoped: QuerySet | None = None,
    indicators: dict[str, Indicator] | None = None,
    with_units: bool = False,
) -> TargetStatus:
    indicator = (
        (indicators or {}).get(target.indicator_code)
        if indicators is not None
        else (Indicator.objects.filter(code=target.indicator_code, is_current=True).first())
    )
    periods = _periods(target.period_kind, as_of)
    codes = [p.code for p in periods]
    labels = {p.code: p.label for p in periods}
    status = TargetStatus(target=target, indicator=indicator, status=NO_DATA, series=[])
    if target.deadline_period:
        try:
            status.deadline_label = _label(target.deadline_period)
        except ValueError:
            status.deadline_label = target.deadline_period
    else:
        status.deadline_label = "每季度" if target.period_kind == "quarter" else "每年"

    measure, figure = _measure_and_figure(target, indicator, codes)
    status.series = [
        Point(p, labels[p], measure[p], figure[p])
        for p in codes
        if figure[p] is not None or measure[p] is not None
    ]

    known = [(ordinal(p), measure[p], p) for p in codes if measure[p] is not None]
    if known:
        _judge(status, target, known, measure, as_of)
    _units(status, target, as_of, scoped, with_units)
    return status


def _measure_and_figure(target: Target, indicator: Indicator | None, codes: list[str]) -> tuple[dict, dict]:
    """Per period code: the measure compared with the threshold (None: no data), and the figure shown."""
    all_values = IndicatorValue.objects.all()
    if target.rule == Target.Rule.EACH_INSTITUTION:
        table = _frame(all_values, target.indicator_code, target.period_kind, "institution")
        expected = _expected_institutions(indicator)
        ids = [o.pk for o in expected] or list(table.index)
        table = table.reindex(ids) if len(ids) else table
        each = float(target.each_threshold or 0)
        figures = table.reindex(columns=codes)
        has_any = figures.notna().any(axis=0)
        share = (figures.fillna(0.0) >= each - 1e-9).sum(axis=0) / max(1, len(ids)) * 100
        measure = {p: (float(share[p]) if has_any.get(p, False) else None) for p in codes}
        figure = {p: (float(figures[p].fillna(0).min()) if has_any.get(p, False) else None) for p in codes}
        return measure, figure
    table = _frame(all_values, target.indicator_code, target.period_kind, "county")
    if table.empty:
        return dict.fromkeys(codes), dict.fromkeys(codes)
    needed = sorted(set(codes) | set(table.columns), key=ordinal)
    m = _measure(target, table.reindex(columns=needed), codes)
    measure = {p: (None if pd.isna(m.loc[0, p]) else float(m.loc[0, p])) for p in codes}
    figure = {
        p: (float(table.loc[0, p]) if p in table and not pd.isna(table.loc[0, p]) else None) for p in codes
    }
    return measure, figure


def _judge(status: TargetStatus, target: Target, known: list, measure: dict, as_of: ReportingPeriod | None):
    """The trend, the projection to the deadline and the verdict, from the periods with a measure."""
    latest_ord, latest_value, latest_code = known[-1]
    deadline = target.deadline_period or latest_code
    status.projection, status.slope = _fit([(o, v) for o, v, _ in known], ordinal(deadline))
    if status.slope is not None:
        eps = max(abs(float(target.threshold)) * 0.002, 1e-6)
        status.trend = "上升" if status.slope > eps else ("下降" if status.slope < -eps else "持平")
    as_of_ord = ordinal(as_of.code) if as_of is not None else latest_ord
    if ordinal(deadline) <= max(as_of_ord, latest_ord) and deadline in measure:
        value = measure.get(deadline)
        status.figure, status.figure_period = value, deadline
        ok = compare(value, target)
        status.status = NO_DATA if ok is None else (MET if ok else MISSED)
        status.projection = value
    elif ordinal(deadline) <= as_of_ord:
        status.status = NO_DATA
    else:
        status.figure, status.figure_period = latest_value, latest_code
        ok = compare(status.projection, target)
        status.status = ON_TRACK if ok else AT_RISK


def _label(code: str) -> str:
    spec = parse_code(code)
    if spec.kind == "year":
        return f"{spec.year}年"
    if spec.kind == "quarter":
        return f"{spec.year}年第{spec.number}季度末" if spec.number != 4 else f"{spec.year}年底"
    return f"{spec.year}年{spec.number}月"


def _units(status: TargetStatus, target: Target, as_of, scoped: QuerySet | None, wanted: bool) -> None:
    """The measure by town or institution at the period judged, read through the caller's scope."""
    if not wanted or scoped is None:
        return
    period = status.figure_period or (status.series[-1].code if status.series else "")
    if not period:
        return
    status.unit_period = period
    level = target.chart_by
    table = _frame(scoped, target.indicator_code, target.period_kind, level)
    if table.empty:
        return
    names = _unit_names(level, list(table.index))
    if target.rule == Target.Rule.EACH_INSTITUTION:
        each = float(target.each_threshold or 0)
        col = table[period] if period in table else pd.Series(np.nan, index=table.index)
        for key in table.index:
            v = None if pd.isna(col.get(key)) else float(col[key])
            status.units.append(
                Unit(int(key), names.get(int(key), str(key)), v, v, None if v is None else v >= each - 1e-9)
            )
    else:
        needed = sorted(set(table.columns) | {period}, key=ordinal)
        m = _measure(target, table.reindex(columns=needed), [period])
        for key in table.index:
            v = m.loc[key, period]
            v = None if pd.isna(v) else float(v)
            fig = table.loc[key, period] if period in table else np.nan
            status.units.append(
                Unit(
                    int(key),
                    names.get(int(key), str(key)),
                    v,
                    None if pd.isna(fig) else float(fig),
                    compare(v, target),
                )
            )
    status.units.sort(
        key=lambda u: (u.value is None, -(u.value or 0) if target.comparator == "ge" else (u.value or 0))
    )


def _unit_names(level: str, keys: list[int]) -> dict[int, str]:
    if level == "institution":
        return {
            pk: (s or n)
            for pk, s, n in Organisation.objects.filter(pk__in=keys).values_list("pk", "short_name", "name")
        }
    return dict(Division.objects.filter(pk__in=keys).values_list("pk", "name"))


_NUMERALS = {c: i for i, c in enumerate("零一二三四五六七八九", start=0)}


def clause_number(clause: str) -> int:
    """十四 → 14, 二十 → 20, 五、十九 → 5 (the first clause): the plan's order, not the characters'."""
    text = clause.split("、")[0]
    if not text:
        return 999
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_NUMERALS.get(tens, 1) if tens else 1) * 10 + (_NUMERALS.get(units, 0) if units else 0)
    return _NUMERALS.get(text, 999)


def current_targets() -> list[Target]:
    return sorted(Target.objects.filter(is_current=True), key=lambda t: (clause_number(t.clause), t.code))


def evaluate_all(*, as_of: ReportingPeriod | None = None) -> list[TargetStatus]:
    indicators = {i.code: i for i in Indicator.objects.filter(is_current=True)}
    return [evaluate(t, as_of=as_of, indicators=indicators) for t in current_targets()]


def latest_period() -> ReportingPeriod | None:
    """The latest quarter with figures: the default 'as of' of the dashboard."""
    return (
        ReportingPeriod.objects.filter(
            kind="quarter", pk__in=IndicatorValue.objects.values("period_id").distinct()
        )
        .order_by("-end")
        .first()
    )


def target_status(*, code: str, on=None, period: str | None = None) -> dict | None:
    """One target's verdict for one period, offered to other apps as Service "target_status" (the plan's
    milestones linked to a target, its 目标达成 criterion). The period: `period` if given, else the one of
    the target's kind containing the day `on`, else its deadline period (or the latest with figures).
    None when no current target has this code; `met` is None when the period has no figure yet."""
    from puhui.core.periods import containing, label

    target = Target.objects.filter(code=code, is_current=True).first()
    if target is None:
        return None
    if not period:
        if on is not None:
            period = containing(on, target.period_kind).code
        else:
            latest = _periods(target.period_kind, None)
            period = target.deadline_period or (latest[-1].code if latest else "")
    indicator = Indicator.objects.filter(code=target.indicator_code, is_current=True).first()
    value = _measure_and_figure(target, indicator, [period])[0].get(period) if period else None
    shown = TargetStatus(target=target, indicator=indicator, status=NO_DATA, series=[])
    return {
        "code": target.code,
        "name": target.name,
        "met": compare(value, target),
        "figure": value,
        "threshold": float(target.threshold),
        "comparator": target.get_comparator_display(),
        "unit": shown.measure_unit,
        "measure": shown.measure_name,
        "period": period,
        "period_label": label(period) if period else "",
    }
