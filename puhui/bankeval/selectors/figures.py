"""The values an evaluation scores, per bank, read from the data app's published figures and the registers.

Sources an indicator may name (`source:` in the indicator set, docs/bankeval.md):

- `indicator: <code>` — the catalogue indicator's institution-level value for the period (`IndicatorValue`,
  level 机构, which the data app computes from the approved returns and its plug-in sources); with
  `transform: growth`, its growth on the same period a year earlier, in per cent.
- `coverage: {numerator, denominator}` — an institution-level figure over a town-level figure summed over the
  towns the bank serves (its open offices and service points at the period's end), in per cent.
- `register: channels_kept` — of the bank's service points and self-service terminals open on the day before
  the period began, the share still open at its end (the core register, dated).
- `service: <name>` — a figure another app offers as a plug-in service `fn(start, end) -> {bank id: value}`;
  when no installed app offers it, the indicator does not apply (不适用).
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from puhui.core import plugins
from puhui.core.models import Division, Organisation, ServicePoint, Terminal
from puhui.core.periods import previous_year_code
from puhui.data.models import IndicatorValue, ReportingPeriod
from puhui.engines.evaluation import MANUAL, NA, BankFigures, IndicatorSet, growth

INSTITUTION = IndicatorValue.Level.INSTITUTION


def _institution_values(code: str, period_code: str, bank_ids: list[int]) -> dict[int, Decimal | None]:
    rows = IndicatorValue.objects.filter(
        period__code=period_code, indicator_code=code, level=INSTITUTION, organisation_id__in=bank_ids
    ).values_list("organisation_id", "value")
    return dict(rows)


def _indicator(source: dict, period: ReportingPeriod, bank_ids: list[int]) -> dict:
    code = source["indicator"]
    now = _institution_values(code, period.code, bank_ids)
    if source.get("transform") != "growth":
        return now
    before = _institution_values(code, previous_year_code(period.code), bank_ids)
    return {b: growth(now.get(b), before.get(b)) for b in bank_ids}


def _open(day: datetime.date, opened: str, closed: str) -> Q:
    return (Q(**{f"{opened}__isnull": True}) | Q(**{f"{opened}__lte": day})) & (
        Q(**{f"{closed}__isnull": True}) | Q(**{f"{closed}__gt": day})
    )


def _branch_by_path(banks: list[Organisation]):
    """A function from an organisation's path to the evaluated bank above (or at) it, or None."""
    by_path = {b.path: b.pk for b in banks}

    @functools.cache  # many points and terminals share a bank's path
    def branch(path: str) -> int | None:
        parts = [p for p in path.strip("/").split("/") if p]
        for i in range(len(parts), 0, -1):
            found = by_path.get("/" + "/".join(parts[:i]) + "/")
            if found is not None:
                return found
        return None

    return branch


def served_towns(banks: list[Organisation], on: datetime.date) -> dict[int, set[int]]:
    """bank id → the towns where its county branch, an outlet or a service point of it is open on `on`."""
    branch = _branch_by_path(banks)
    towns: dict[int, set[int]] = defaultdict(set)
    offices = Organisation.objects.filter(_open(on, "opened_on", "closed_on"), division__isnull=False)
    for path, level, division, parent in offices.values_list(
        "path", "division__level", "division_id", "division__parent_id"
    ):
        bank = branch(path)
        if bank is not None:
            towns[bank].add(division if level == Division.Level.TOWN else parent)
    points = ServicePoint.objects.filter(_open(on, "opened_on", "closed_on"))
    for path, town in points.values_list("bank__path", "village__parent_id"):
        bank = branch(path)
        if bank is not None and town is not None:
            towns[bank].add(town)
    return towns


def _coverage(source: dict, period: ReportingPeriod, banks: list[Organisation]) -> dict:
    spec = source["coverage"]
    ids = [b.pk for b in banks]
    numerator = _institution_values(spec["numerator"], period.code, ids)
    by_town = dict(
        IndicatorValue.objects.filter(
            period=period, indicator_code=spec["denominator"], level=IndicatorValue.Level.TOWN
        ).values_list("division_id", "value")
    )
    towns = served_towns(banks, period.end)
    out = {}
    for b in ids:
        households = sum((by_town.get(t) or 0 for t in towns.get(b, ())), Decimal(0))
        part = numerator.get(b)
        out[b] = None if part is None or households <= 0 else Decimal(part) / households * 100
    return out


def channels_kept(period: ReportingPeriod, banks: list[Organisation]) -> dict:
    """bank id → % of its service points and terminals open the day before the period that are open at its end."""
    branch = _branch_by_path(banks)
    before = period.start - datetime.timedelta(days=1)
    at_start: dict[int, int] = defaultdict(int)
    kept: dict[int, int] = defaultdict(int)
    for model, opened, closed in (
        (ServicePoint, "opened_on", "closed_on"),
        (Terminal, "installed_on", "retired_on"),
    ):
        rows = model.objects.filter(_open(before, opened, closed)).values_list("bank__path", closed)
        for path, closed_on in rows:
            bank = branch(path)
            if bank is None:
                continue
            at_start[bank] += 1
            kept[bank] += closed_on is None or closed_on > period.end
    return {b.pk: (Decimal(kept[b.pk]) / at_start[b.pk] * 100 if at_start[b.pk] else None) for b in banks}


REGISTERS = {"channels_kept": channels_kept}


def _service(source: dict, period: ReportingPeriod, bank_ids: list[int]) -> dict:
    try:
        fn = plugins.service(source["service"])
    except LookupError:
        return {b: NA for b in bank_ids}
    values = fn(period.start, period.end) or {}
    return {b: (None if values.get(b) is None else Decimal(str(values[b]))) for b in bank_ids}


def quantitative_values(
    indicator_set: IndicatorSet, period: ReportingPeriod, banks: list[Organisation]
) -> dict:
    """code → {bank id → value | None | NA} for every quantitative indicator of the set."""
    ids = [b.pk for b in banks]
    out = {}
    for spec in indicator_set.indicators:
        source = spec.source
        if spec.method == MANUAL:
            continue
        if "indicator" in source:
            out[spec.code] = _indicator(source, period, ids)
        elif "coverage" in source:
            out[spec.code] = _coverage(source, period, banks)
        elif "register" in source:
            out[spec.code] = REGISTERS[source["register"]](period, banks)
        else:
            out[spec.code] = _service(source, period, ids)
    return out


def bank_figures(
    indicator_set: IndicatorSet, period: ReportingPeriod, banks: list[Organisation], qualitative: dict | None
) -> list[BankFigures]:
    """What the engine scores. `qualitative`: {(bank id, item): points} for a year's evaluation; None for
    quarterly monitoring, where the qualitative items do not apply."""
    quantitative = quantitative_values(indicator_set, period, banks)
    figures = []
    for b in banks:
        values = {code: by_bank.get(b.pk) for code, by_bank in quantitative.items()}
        for spec in indicator_set.indicators:
            if spec.method == MANUAL:
                values[spec.code] = NA if qualitative is None else qualitative.get((b.pk, spec.code))
        figures.append(BankFigures(bank=b.pk, name=b.name, values=values))
    return figures
