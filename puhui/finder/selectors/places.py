"""The places near a village, from the register (bank outlets, service points and stations) and from every
app's `FINDER_LAYERS` (cash points, merchants), each with its distance and what it offers.

Distances are between village centres (the register locates a place by its village, or its town), with the
haversine formula; the villages' centres are cached, so a request reads only the places of the villages near
the one asked about.
"""

import math
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from puhui.core.models import Division, Organisation, ServicePoint, Terminal
from puhui.core.plugins import finder_layers
from puhui.finder.needs import meets

RADIUS_KM = 8  # about a half-hour ride on an electric tricycle
MAX_VILLAGES = 15  # at demo scale 10 about 130 service points: enough for 60 places, fast to read
MAX_PLACES = 60
CACHE_KEY = "finder:villages:v1"
BANK_KINDS = Organisation.BANK_KINDS
# What every staffed bank outlet does (a bank must exchange damaged notes at every outlet).
OUTLET_SERVICES = ("存取款", "转账汇款", "跨行支付", "缴费", "贷款业务", "残损币兑换", "反假货币咨询")


@dataclass(frozen=True)
class Village:
    id: int
    name: str
    town_id: int
    town_name: str
    lon: float | None
    lat: float | None


def villages() -> dict[int, Village]:
    """Every village with its town and centre (a village without coordinates takes its town's)."""
    rows = cache.get(CACHE_KEY)
    if rows is None:
        towns = {t.pk: t for t in Division.objects.filter(level=Division.Level.TOWN)}
        rows = []
        for v in Division.objects.filter(level=Division.Level.VILLAGE).order_by("code"):
            town = towns.get(v.parent_id)
            lon, lat = v.longitude or (town and town.longitude), v.latitude or (town and town.latitude)
            rows.append((v.pk, v.name, v.parent_id, town.name if town else "",
                         float(lon) if lon else None, float(lat) if lat else None))  # fmt: skip
        cache.set(CACHE_KEY, rows, 600)
    return {row[0]: Village(*row) for row in rows}


def km(a: Village, b: Village) -> float | None:
    if None in (a.lon, a.lat, b.lon, b.lat):
        return None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def nearby(village: Village, all_villages: dict[int, Village]) -> list[tuple[Village, float | None]]:
    """The village itself, then the villages within RADIUS_KM, nearest first (without coordinates: its town's)."""
    found = []
    for other in all_villages.values():
        d = 0.0 if other.id == village.id else km(village, other)
        if (d is not None and d <= RADIUS_KM) or (d is None and other.town_id == village.town_id):
            found.append((other, d))
    found.sort(key=lambda pair: (pair[1] is None, pair[1] or 0.0, pair[0].id))
    return found[:MAX_VILLAGES]


def _open(today) -> Q:
    return (Q(closed_on__isnull=True) | Q(closed_on__gt=today)) & Q(suspended_on__isnull=True)


def station_places(village_ids: list[int]) -> list[dict]:
    """Open service points in these villages; a point that takes bill payments lists its terminals' items."""
    today = timezone.localdate()
    points = ServicePoint.objects.filter(_open(today), village_id__in=village_ids).values(
        "pk", "name", "village_id", "village__name", "village__parent_id", "bank__short_name", "bank__name",
        "functions", "is_station",
    )  # fmt: skip
    points = list(points)
    items: dict[int, set] = {}
    terminals = Terminal.objects.filter(
        Q(retired_on__isnull=True) | Q(retired_on__gt=today), service_point__in=[p["pk"] for p in points]
    ).values_list("service_point_id", "bill_items")
    for point_id, bill_items in terminals:
        items.setdefault(point_id, set()).update(bill_items or ())
    bills, functions = dict(Terminal.BillItem.choices), dict(ServicePoint.Function.choices)
    places = []
    for p in points:
        services = [functions.get(f, f) for f in p["functions"]]
        if ServicePoint.Function.BILL_PAYMENT in p["functions"]:
            services += sorted(bills.get(i, i) for i in items.get(p["pk"], ()))
        places.append({
            "key": f"point:{p['pk']}", "name": p["name"],
            "kind": "普惠金融服务站" if p["is_station"] else "助农取款服务点",
            "village_id": p["village_id"], "town_id": p["village__parent_id"], "lon": None, "lat": None,
            "address": p["village__name"], "services": services, "hours": "", "phone": "",
            "note": f"签约银行：{p['bank__short_name'] or p['bank__name']}", "url": "",
        })  # fmt: skip
    return places


def outlet_places(village_ids: list[int], town_ids: list[int]) -> list[dict]:
    """Open bank outlets located in these villages or towns."""
    outlets = Organisation.objects.filter(
        _open(timezone.localdate()),
        Q(division_id__in=village_ids) | Q(division_id__in=town_ids),
        level=Organisation.Level.OUTLET,
        kind__in=BANK_KINDS,
    ).select_related("division")
    return [
        {
            "key": f"outlet:{o.pk}",
            "name": o.name,
            "kind": "银行网点",
            "village_id": o.division_id if o.division_id in village_ids else None,
            "town_id": o.division.parent_id if o.division_id in village_ids else o.division_id,
            "lon": None,
            "lat": None,
            "address": o.address or o.division.name,
            "services": list(OUTLET_SERVICES),
            "hours": "",
            "phone": "",
            "note": "",
            "url": "",
        }  # fmt: skip
        for o in outlets
    ]


def places_near(village_id: int, needs=()) -> dict:
    """The places near a village that meet every need asked for, nearest first, with the villages around it
    (for the map). None when there is no such village."""
    all_villages = villages()
    village = all_villages.get(village_id)
    if village is None:
        return None
    around = nearby(village, all_villages)
    distance = {v.id: d for v, d in around}
    ids = list(distance)
    town_ids = sorted({v.town_id for v, _ in around})
    places = station_places(ids) + outlet_places(ids, town_ids)
    for layer in finder_layers():
        places += [{**p, "kind": p.get("kind") or layer.label} for p in import_string(layer.places)(ids)]
    town_centre = {v.town_id: d for v, d in reversed(around)}  # the nearest village of each town
    found = []
    for place in places:
        if not meets(place["services"], needs):
            continue
        d = distance.get(place["village_id"]) if place["village_id"] else town_centre.get(place["town_id"])
        found.append({**place, "km": None if d is None else round(d, 1)})
    found.sort(key=lambda p: (p["km"] is None, p["km"] or 0.0, p["name"]))
    return {"village": village, "villages": around, "places": found[:MAX_PLACES], "total": len(found)}
