"""Indicator sources: where each indicator of the county index gets its town figures.

A source is a function `fn(periods) -> DataFrame` with columns uCode (town code), Time (period label)
and one column named by its key, one row per town and period; optionally a column `as_of` naming the
period a figure was measured in when that is not the row's own (a yearly figure carried into quarters),
so the index marks it as carried. The framework spec names sources by key
(`source: core.outlets_per_10k`); an indicator whose source is not registered is skipped, with a note
on the run and the methodology page. Any installed app may add sources: an `index_sources` module in
the app registers them with the `source` decorator of this module, and is found by name as Django's
admin finds `admin` modules (`autodiscover_modules("index_sources")`), e.g. the data app's:

    @source("data.npl_ratio", "不良贷款率", unit="%")
    def npl_ratio(periods):
        ...  # one aggregate query → DataFrame(uCode, Time, "data.npl_ratio")

This module names no other app. Every core source is one grouped query with a conditional count per
period (no per-row Python), using the dated rows (opened_on/closed_on/installed_on/registered_on) so
each period sees its own network; the firm count (`core.firms_per_1k`) is in `registry/index_sources.py`.
On the large tables (a million archives or credit lines at scale 10) `_spans` reads the rows grouped by
town and date instead and counts each period in numpy: a conditional count per period scans (and, for a
distinct count, sorts) the table once per period, so twelve quarters cost twelve scans.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db.models import Count, F, Q, Sum
from django.utils.module_loading import autodiscover_modules

from puhui.core.models import Division, Organisation, ServicePoint, Terminal

from .periods import Period  # the index's own module (relative: this file names no app)

# The module each app may have to register its sources.
SOURCE_MODULE = "index_sources"


@dataclass(frozen=True)
class Source:
    key: str
    name: str
    unit: str
    fn: Callable[[list[Period]], pd.DataFrame]


REGISTRY: dict[str, Source] = {}


def source(key: str, name: str, *, unit: str = ""):
    def register(fn):
        REGISTRY[key] = Source(key, name, unit, fn)
        return fn

    return register


def _load_modules() -> None:
    """Import every installed app's `index_sources` module (each registers its sources once)."""
    autodiscover_modules(SOURCE_MODULE)


def registered() -> dict[str, Source]:
    _load_modules()
    return dict(REGISTRY)


def collect(keys: list[str], periods: list[Period]) -> tuple[pd.DataFrame, list[str]]:
    """One frame (uCode, uName, Time, one column per available key) and the keys without a source."""
    available = registered()
    towns = list(
        Division.objects.filter(level=Division.Level.TOWN).order_by("code").values_list("code", "name")
    )
    frame = pd.DataFrame(
        [(c, n, p.label) for c, n in towns for p in periods], columns=["uCode", "uName", "Time"]
    )
    missing = []
    for key in keys:
        if key not in available:
            missing.append(key)
            continue
        part = available[key].fn(periods)
        # Optional `as_of`: the period a figure was measured in when it is not the row's own (a yearly
        # figure standing in a quarter); the index marks such figures as carried (compute.estimates).
        cols = ["uCode", "Time", key] + (["as_of"] if "as_of" in part.columns else [])
        part = part[cols].rename(columns={"as_of": f"{key}.as_of"})
        frame = frame.merge(part, on=["uCode", "Time"], how="left")
    return frame, missing


# ---- helpers --------------------------------------------------------------------------------


def _town_totals() -> pd.DataFrame:
    """Population, farm households and villages per town, summed from the villages."""
    rows = (
        Division.objects.filter(level=Division.Level.VILLAGE)
        .values("parent__code")
        .annotate(pop=Sum("population"), farm=Sum("farm_households"), villages=Count("id"))
    )
    df = pd.DataFrame(list(rows), columns=["parent__code", "pop", "farm", "villages"])
    return df.rename(columns={"parent__code": "uCode"}).set_index("uCode")


def _active(prefix: str, start: str, end: str | None, p: Period) -> Q:
    q = Q(**{f"{prefix}{start}__isnull": True}) | Q(**{f"{prefix}{start}__lte": p.end})
    if end:
        q &= Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gt": p.end})
    return q


def _counts(qs, town_field: str, periods: list[Period], when: Callable[[Period], Q]) -> pd.DataFrame:
    """Rows per town and period: one query, a conditional count per period."""
    ann = {f"p{i}": Count("pk", filter=when(p)) for i, p in enumerate(periods)}
    rows = list(qs.values(town_field).annotate(**ann))
    out = []
    for r in rows:
        for i, p in enumerate(periods):
            out.append((r[town_field], p.label, r[f"p{i}"]))
    df = pd.DataFrame(out, columns=["uCode", "Time", "n"])
    return df.groupby(["uCode", "Time"], as_index=False)["n"].sum()


def _spans(qs, town_id_field: str, start, end, periods: list[Period]) -> pd.DataFrame:
    """Rows per town and period whose span [start, end] holds the period's end: one read grouped by the town's
    id (no join) and the two days (`start`/`end` a field name or a date expression; `end` None: open-ended; a
    null start or end is open too), each period counted here."""
    day = {"_start": F(start) if isinstance(start, str) else start}
    if end is not None:
        day["_end"] = F(end) if isinstance(end, str) else end
    rows = list(qs.annotate(**day).values_list(town_id_field, *day).annotate(n=Count("pk")).order_by())
    if not rows:
        return pd.DataFrame(columns=["uCode", "Time", "n"])
    cols = list(zip(*rows, strict=True))
    code_of = dict(Division.objects.filter(level=Division.Level.TOWN).values_list("pk", "code"))
    towns, counts = (
        np.array([code_of.get(t) for t in cols[0]], dtype=object),
        np.array(cols[-1], dtype=np.int64),
    )
    starts = np.array(cols[1], dtype="datetime64[D]")
    ends = np.array(cols[2], dtype="datetime64[D]") if end is not None else None
    out = []
    for p in periods:
        on = np.datetime64(p.end, "D")
        held = np.isnat(starts) | (starts <= on)
        if ends is not None:
            held &= np.isnat(ends) | (ends >= on)
        by_town = pd.Series(counts[held]).groupby(towns[held]).sum()
        out += [(town, p.label, int(n)) for town, n in by_town.items()]
    return pd.DataFrame(out, columns=["uCode", "Time", "n"])


def _grid(periods: list[Period]) -> pd.DataFrame:
    codes = Division.objects.filter(level=Division.Level.TOWN).values_list("code", flat=True)
    return pd.DataFrame([(c, p.label) for c in codes for p in periods], columns=["uCode", "Time"])


def _with(grid: pd.DataFrame, df: pd.DataFrame, name: str) -> pd.DataFrame:
    return grid.merge(df.rename(columns={"n": name}), on=["uCode", "Time"], how="left").fillna({name: 0})


def _ratio(key, periods, num: pd.DataFrame, den, scale: float) -> pd.DataFrame:
    g = _with(_grid(periods), num, "num")
    if isinstance(den, pd.DataFrame):
        g = _with(g, den, "den")
    else:
        g["den"] = g["uCode"].map(den).fillna(0)
    g[key] = (g["num"] / g["den"].where(g["den"] > 0)) * scale
    return g[["uCode", "Time", key]]


# Banking outlets only: insurers, guarantors and the like are not 银行网点.
BANK_KINDS = Organisation.BANK_KINDS


def _outlets(periods):
    qs = Organisation.objects.filter(
        kind__in=BANK_KINDS,
        level__in=[Organisation.Level.BRANCH, Organisation.Level.OUTLET],
        division__level=Division.Level.VILLAGE,
    )
    return _counts(qs, "division__parent__code", periods, lambda p: _active("", "opened_on", "closed_on", p))


def _points(periods, extra: Q | None = None):
    qs = ServicePoint.objects.all() if extra is None else ServicePoint.objects.filter(extra)
    return _counts(qs, "village__parent__code", periods, lambda p: _active("", "opened_on", "closed_on", p))


def _terminals(periods, extra: Q | None = None):
    qs = Terminal.objects.all() if extra is None else Terminal.objects.filter(extra)
    return _counts(qs, "village__parent__code", periods, lambda p: _active("", "installed_on", None, p))


# ---- core sources (platform data that exists today) -----------------------------------------


@source("core.outlets_per_10k", "每万人银行网点数", unit="个/万人")
def outlets_per_10k(periods):
    return _ratio("core.outlets_per_10k", periods, _outlets(periods), _town_totals()["pop"], 10_000)


@source("core.terminals_per_10k", "每万人自助服务终端数", unit="台/万人")
def terminals_per_10k(periods):
    return _ratio("core.terminals_per_10k", periods, _terminals(periods), _town_totals()["pop"], 10_000)


@source("core.bill_payment_share", "开通实时缴费的终端占比", unit="%")
def bill_payment_share(periods):
    num = _terminals(periods, Q(bill_payment=True))
    return _ratio("core.bill_payment_share", periods, num, _terminals(periods), 100)


@source("core.village_point_coverage", "设有助农取款服务点的行政村占比", unit="%")
def village_point_coverage(periods):
    # Distinct villages with at least one open point: count villages, not points.
    ann = {
        f"p{i}": Count("village_id", distinct=True, filter=_active("", "opened_on", "closed_on", p))
        for i, p in enumerate(periods)
    }
    rows = list(ServicePoint.objects.values("village__parent__code").annotate(**ann))
    num = pd.DataFrame(
        [(r["village__parent__code"], p.label, r[f"p{i}"]) for r in rows for i, p in enumerate(periods)],
        columns=["uCode", "Time", "n"],
    )
    return _ratio("core.village_point_coverage", periods, num, _town_totals()["villages"], 100)


@source("core.station_share", "升级为普惠金融服务站的服务点占比", unit="%")
def station_share(periods):
    num = _points(periods, Q(is_station=True))
    return _ratio("core.station_share", periods, num, _points(periods), 100)


@source("core.points_per_10k_farm", "每万农户助农取款服务点数", unit="个/万户")
def points_per_10k_farm(periods):
    return _ratio("core.points_per_10k_farm", periods, _points(periods), _town_totals()["farm"], 10_000)


# Every app's sources are there as soon as this module is (the apps' modules import the names above,
# which exist by now, so the circular import is harmless).
_load_modules()
