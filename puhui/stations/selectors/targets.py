"""The plan's targets computed from the register, on any day.

- 十: the share of the service points in the register that are 普惠金融服务站 (all by the end of 2020) and the
  share that pay across banks (all) — per town and for the county, from `service_points_as_of(day)`.
- 十二: the share of self-service terminals (POS excluded, the registry's rule) with real-time bill payment
  (95% by the end of 2021), per bank, per town and for the county, from `terminals_as_of(day)`.
- 十二: the places of 便民支付 per kind, with the towns they cover and their acquiring banks.

Each user counts what they see (`core.access.service_points_for` / `terminals_for`): a bank its own points,
a town its own town.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from puhui.core.access import service_points_for, terminals_for
from puhui.core.models import Division, Organisation
from puhui.registry.network import CROSS_BANK, service_points_as_of, terminals_as_of
from puhui.stations import access, rules
from puhui.stations.models import PLAN_SCENES, ChannelOffer, SceneKind


@dataclass
class StationRow:
    key: int | None
    name: str
    points: int = 0
    stations: int = 0
    cross_bank: int = 0

    @property
    def station_share(self) -> float | None:
        return rules.share(self.stations, self.points)

    @property
    def cross_bank_share(self) -> float | None:
        return rules.share(self.cross_bank, self.points)

    @property
    def stations_met(self) -> bool:
        return self.points > 0 and self.stations == self.points

    @property
    def cross_bank_met(self) -> bool:
        return self.points > 0 and self.cross_bank == self.points


def _town_names(ids) -> dict[int, str]:
    return dict(Division.objects.filter(pk__in=[i for i in ids if i is not None]).values_list("pk", "name"))


def station_targets(user, day: datetime.date) -> dict:
    """Per town and for the county: points in the register on `day`, stations, cross-bank, their shares."""
    points = service_points_as_of(day, service_points_for(user))
    towns: dict[int | None, StationRow] = {}
    county = StationRow(None, "全县合计")
    for p in points:
        row = towns.setdefault(p.town_id, StationRow(p.town_id, ""))
        for target in (row, county):
            target.points += 1
            target.stations += p.station
            target.cross_bank += CROSS_BANK in p.functions
    names = _town_names(towns)
    for key, row in towns.items():
        row.name = names.get(key, "未知镇（街道）")
    rows = sorted(towns.values(), key=lambda r: r.name)
    return {
        "day": day,
        "rows": rows,
        "county": county,
        "met_stations": sum(r.stations_met for r in rows),
        "met_cross_bank": sum(r.cross_bank_met for r in rows),
        "target_day": rules.STATION_TARGET_DAY,
    }


@dataclass
class BillRow:
    key: int | None
    name: str
    terminals: int = 0
    realtime: int = 0

    @property
    def share(self) -> float | None:
        return rules.share(self.realtime, self.terminals)

    @property
    def met(self) -> bool:
        return self.terminals > 0 and self.realtime * 100 >= rules.BILLPAY_TARGET_SHARE * self.terminals


def billpay_targets(user, day: datetime.date) -> dict:
    """Terminals in place on `day` (POS excluded) and those with real-time bill pay, by bank and by town."""
    terminals = terminals_as_of(day, terminals_for(user))
    by_bank: dict[int, BillRow] = {}
    by_town: dict[int | None, BillRow] = {}
    county = BillRow(None, "全县合计")
    branch = _branches()
    for t in terminals:
        bank = branch.get(t.bank_id, t.bank_id)
        for row in (
            by_bank.setdefault(bank, BillRow(bank, "")),
            by_town.setdefault(t.town_id, BillRow(t.town_id, "")),
            county,
        ):
            row.terminals += 1
            row.realtime += t.bill_payment
    names = dict(Organisation.objects.filter(pk__in=list(by_bank)).values_list("pk", "name"))
    for key, row in by_bank.items():
        row.name = names.get(key, "")
    towns = _town_names(by_town)
    for key, row in by_town.items():
        row.name = towns.get(key, "未知镇（街道）")
    return {
        "day": day,
        "banks": sorted(by_bank.values(), key=lambda r: r.name),
        "towns": sorted(by_town.values(), key=lambda r: r.name),
        "county": county,
        "target_share": rules.BILLPAY_TARGET_SHARE,
        "target_day": rules.BILLPAY_TARGET_DAY,
    }


def _branches() -> dict[int, int]:
    """An outlet's county-level bank (a terminal counts for the branch that reports it)."""
    outlets = Organisation.objects.filter(level=Organisation.Level.OUTLET, parent__isnull=False)
    return dict(outlets.values_list("pk", "parent_id"))


def channel_matrix(user) -> list[dict]:
    """Per bank: the bill items of each channel and whether they are real time."""
    if not access.may_see_offers(user):
        return []
    rows: dict[int, dict] = {}
    for offer in ChannelOffer.objects.select_related("bank").order_by("bank__name", "channel"):
        row = rows.setdefault(offer.bank_id, {"bank": offer.bank, "channels": {}})
        row["channels"][offer.channel] = offer
    return list(rows.values())


def scenes_on(day: datetime.date) -> Q:
    return Q(since__lte=day) & (Q(until__isnull=True) | Q(until__gt=day))


def scene_coverage(user, day: datetime.date) -> dict:
    """Per kind of place: how many, in how many towns, by which acquiring banks; the plan's four kinds are
    met when at least one place of the kind takes payments on `day`."""
    towns_total = Division.objects.filter(level=Division.Level.TOWN).count()
    kinds = {
        k: {"kind": k, "label": label, "count": 0, "towns": set(), "banks": set()}
        for k, label in SceneKind.choices
    }
    for kind, town_id, bank in (
        access.scenes_for(user).filter(scenes_on(day)).values_list("kind", "town_id", "bank__name")
    ):
        row = kinds[kind]
        row["count"] += 1
        row["towns"].add(town_id)
        row["banks"].add(bank)
    rows = []
    for k, row in kinds.items():
        rows.append(
            {
                **row,
                "towns": len(row["towns"]),
                "banks": "、".join(sorted(row["banks"])) or "—",
                "town_share": rules.share(len(row["towns"]), towns_total),
                "planned": k in PLAN_SCENES,
                "met": row["count"] > 0,
            }
        )
    return {
        "day": day,
        "rows": rows,
        "towns_total": towns_total,
        "planned_met": sum(r["met"] for r in rows if r["planned"]),
        "planned": len(PLAN_SCENES),
        "target_day": rules.SCENES_TARGET_DAY,
    }


def by_town_and_kind(user, day: datetime.date) -> list[dict]:
    """The count table: one row per town, one column per kind of place."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for town_id, kind in access.scenes_for(user).filter(scenes_on(day)).values_list("town_id", "kind"):
        counts[town_id][kind] += 1
    names = _town_names(counts)
    return sorted(
        (
            {
                "town": names.get(t, ""),
                "cells": [counts[t].get(k, 0) for k in SceneKind.values],
                "total": sum(counts[t].values()),
            }
            for t in counts
        ),
        key=lambda r: r["town"],
    )
