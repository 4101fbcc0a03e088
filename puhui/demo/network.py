"""Organisations and the service network as pure data: the leading group's 27 units, the banks
the plan names plus 工行/中行/建行 (head office → county branch → outlets), insurers, a guarantee
company, a microcredit company, 助农取款服务点 and self-service terminals.

Specs are plain dicts keyed by a stable `key`; `build.py` turns them into rows.
"""

import csv
import datetime
import hashlib
from dataclasses import dataclass

import numpy as np

from puhui.demo import ids
from puhui.demo.county import STREAM_LOCAL_FINANCE, STREAM_NETWORK, CountyPlan, Village, rng_for
from puhui.demo.names import DATA, village_parts

# USCC counters for organisations start far above any firm counter, so the codes never meet.
ORG_COUNTER_START = 500_000_000


@dataclass(frozen=True)
class Institution:
    """A row of data/institutions.csv: the county branch, its head office and its outlets."""

    key: str  # short code: ABC, RCB …; also in usernames (bank_abc)
    kind: str
    head: str  # head office (level head); "" when the county unit stands alone
    head_kind: str
    name: str  # county branch (level branch)
    short_name: str
    plan_alias: str
    outlets: int  # at scale 1
    outlet_pattern: str  # {place}: the town seat, community or village
    reach: (
        str  # "towns": an outlet in every town first; "seat": mostly the county seat; "fixed": never scaled
    )
    has_sannong_division: bool
    is_county_legal_person: bool
    is_new_rural_institution: bool
    terminals: bool


def _institutions() -> tuple[Institution, ...]:
    with open(DATA / "institutions.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for r in rows:
        flags = set(r.pop("flags").split("|"))
        out.append(
            Institution(
                **{**r, "outlets": int(r["outlets"]), "terminals": r["terminals"] == "1"},
                has_sannong_division="sannong" in flags,
                is_county_legal_person="county_legal_person" in flags,
                is_new_rural_institution="new_rural" in flags,
            )
        )
    return tuple(out)


INSTITUTIONS = _institutions()
BANK_KEYS = ("ADBC", "ABC", "PSBC", "RCB", "BSVB", "ICBC", "BOC", "CCB")
# Who runs the 助农取款服务点: mostly the rural commercial bank, the postal bank and ABC.
SERVICE_POINT_BANKS = {"RCB": 0.50, "ABC": 0.22, "PSBC": 0.22, "BSVB": 0.06}
SERVICE_POINT_SHORT = {"RCB": "农商银行", "ABC": "农业银行", "PSBC": "邮储银行", "BSVB": "博商村镇银行"}
SERVICE_POINTS_AT_SCALE_1 = 560
# The village bank is a new rural institution opened in 2019, so that 2019–2021 are its first three years
# (the plan's 十八 subsidises a new rural institution in its first three years).
NEW_RURAL_OPENED_YEAR = 2019
# Outlets opened for the plan's 新设网点补助 (十八: 镇级 and 村级 alike): bank → year; one in a town seat
# and one in a village each, added after the rest of the network so that its random draws are unchanged.
NEW_OUTLETS = {"RCB": 2020, "PSBC": 2021}


def leading_group() -> list[dict]:
    with open(DATA / "leading-group.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _place(v: Village) -> str:
    if v.is_seat:
        return v.name.removesuffix("社区")
    return v.name.removesuffix("社区").removesuffix("村")


def _hashed_day(key: str, first: datetime.date, mode: int, span: int) -> datetime.date:
    """A day in [first, first + span] (triangular, peak at `mode` days) drawn from `key` alone: the register's
    upgrade and bill-pay dates consume no random stream, so the rest of the demo county is unchanged."""
    u = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") / 2**64
    c = mode / span
    x = (u * c) ** 0.5 if u < c else 1 - ((1 - u) * (1 - c)) ** 0.5
    return first + datetime.timedelta(days=int(x * span))


def _date(rng: np.random.Generator, first_year: int, last_year: int) -> datetime.date:
    start = datetime.date(first_year, 1, 1).toordinal()
    end = datetime.date(last_year, 12, 31).toordinal()
    return datetime.date.fromordinal(int(rng.integers(start, end + 1)))


def _outlet_places(inst: Institution, n: int, plan: CountyPlan, rng: np.random.Generator) -> list[Village]:
    """Where a bank's outlets stand: the county seat's communities first (and every town's seat
    for banks that reach all towns), then larger villages."""
    seats = [v for v in plan.villages if v.is_seat]
    street_comm = [v for v in plan.villages if v.kind == "community" and plan.towns[v.town].is_street]
    street_comm = [street_comm[i] for i in rng.permutation(len(street_comm))]
    big_seats = sorted(seats, key=lambda v: -plan.towns[v.town].households)
    if inst.reach == "towns":
        first = street_comm[:2] + [seats[i] for i in rng.permutation(len(seats))]
        order = first + street_comm[2:]
    else:
        order = street_comm[: max(1, int(round(n * 0.6)))] + big_seats + street_comm
    out, used = [], set()
    for v in order:
        if len(out) >= n:
            break
        if v.code not in used:
            used.add(v.code)
            out.append(v)
    villages = [v for v in plan.villages if v.kind == "village"]
    weights = np.array([1.0 + v.households for v in villages])
    while len(out) < n:  # large scales: more outlets than seats and communities
        out.append(villages[int(rng.choice(len(villages), p=weights / weights.sum()))])
    return out


class _Registrar:
    """Unified social credit codes from one counter and street addresses, in the order they are asked for."""

    def __init__(self, plan: CountyPlan, rng: np.random.Generator):
        self.plan = plan
        self.rng = rng
        self.roads = village_parts()["road"]
        self.counter = ORG_COUNTER_START

    def uscc(self, head: str, prefix: str = "MA") -> str:
        self.counter += 1
        return ids.usccs(head, [self.counter], prefix=prefix)[0]

    def address(self, v: Village) -> str:
        rng = self.rng
        town = self.plan.towns[v.town]
        if v.kind == "community":
            return f"山东省淄博市沂源县{town.name}{rng.choice(self.roads)}{int(rng.integers(1, 300))}号"
        return f"山东省淄博市沂源县{town.name}{v.name}"


def plan_network(plan: CountyPlan) -> dict:
    """Organisations (ordered so that a parent always comes before its children), service points
    and terminals, as dicts. Outlets, service points and terminals scale with the plan's scale."""
    rng = rng_for(plan.seed, STREAM_NETWORK)
    registrar = _Registrar(plan, rng)
    seat_comms = [v for v in plan.villages if v.kind == "community" and plan.towns[v.town].is_street]
    orgs = _leading_group_orgs(registrar, seat_comms, rng)
    outlets_by_bank: dict[str, list[dict]] = {}
    for inst in INSTITUTIONS:
        inst_orgs, outlets = _institution_orgs(inst, plan, registrar, seat_comms, rng)
        orgs.extend(inst_orgs)
        outlets_by_bank[inst.key] = outlets
        orgs.extend(outlets)
    opened = {o["key"]: o["opened_on"] for o in orgs if o.get("opened_on") and o["level"] == "branch"}
    points = _service_points(plan, rng, opened)
    terminals = _terminals(outlets_by_bank, points, rng)
    orgs.extend(_new_outlets(plan, registrar, outlets_by_bank))
    orgs.extend(_local_finance_orgs(plan, registrar.counter, seat_comms))
    return {"organisations": orgs, "service_points": points, "terminals": terminals}


def _leading_group_orgs(
    registrar: _Registrar, seat_comms: list[Village], rng: np.random.Generator
) -> list[dict]:
    """The leading group's member units, each seated in a community of a street."""
    orgs: list[dict] = []
    for row in leading_group():
        v = seat_comms[int(rng.integers(len(seat_comms)))]
        prefix = {"11": "00", "12": "MB", "13": "MC"}[row["uscc_type"]]
        orgs.append(
            dict(
                key=row["key"].upper(),
                parent=None,
                code=f"YY-{row['key'].upper()}",
                name=row["name"],
                short_name=row["short_name"],
                plan_alias=row["plan_alias"],
                kind=row["kind"],
                level="branch",
                uscc=registrar.uscc(row["uscc_type"] + "370323", prefix),
                division=v.code,
                address=registrar.address(v),
                is_leading_group_member=True,
            )
        )
    return orgs


def _local_finance_orgs(plan: CountyPlan, counter: int, seat_comms: list[Village]) -> list[dict]:
    """地方金融组织 and insurance intermediaries beyond data/institutions.csv, seated in the county town: drawn
    from their own random stream and numbered after every other code, so the rest of the county is unchanged."""
    rng = rng_for(plan.seed, STREAM_LOCAL_FINANCE)
    registrar = _Registrar(plan, rng)
    registrar.counter = counter
    with open(DATA / "local-finance.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for row in rows:
        seat = seat_comms[int(rng.integers(len(seat_comms)))]
        out.append(
            dict(
                key=row["key"],
                parent=None,
                code=f"{row['key']}-YY",
                name=row["name"],
                short_name=row["short_name"],
                kind=row["kind"],
                level="branch",
                uscc=registrar.uscc("91370323"),
                division=seat.code,
                address=registrar.address(seat),
                opened_on=datetime.date.fromisoformat(row["opened"]),
            )
        )
    return out


def _institution_orgs(
    inst: Institution,
    plan: CountyPlan,
    registrar: _Registrar,
    seat_comms: list[Village],
    rng: np.random.Generator,
) -> tuple[list[dict], list[dict]]:
    """(the institution's head office, if any, and county branch; its outlets)."""
    out: list[dict] = []
    if inst.head:
        out.append(
            dict(
                key=f"{inst.key}-HQ",
                parent=None,
                code=inst.key,
                name=inst.head,
                short_name=inst.head.removesuffix("股份有限公司"),
                kind=inst.head_kind,
                level="head",
            )
        )
    seat = seat_comms[int(rng.integers(len(seat_comms)))]
    new = NEW_RURAL_OPENED_YEAR
    opened = _date(rng, 1985, 2005) if not inst.is_new_rural_institution else _date(rng, new, new)
    out.append(
        dict(
            key=inst.key,
            parent=f"{inst.key}-HQ" if inst.head else None,
            code=f"{inst.key}-YY",
            name=inst.name,
            short_name=inst.short_name,
            plan_alias=inst.plan_alias,
            kind=inst.kind,
            level="branch",
            uscc=registrar.uscc("91370323"),
            division=seat.code,
            address=registrar.address(seat),
            opened_on=opened,
            has_sannong_division=inst.has_sannong_division,
            is_county_legal_person=inst.is_county_legal_person,
            is_new_rural_institution=inst.is_new_rural_institution,
        )
    )
    scaled = max(1 if inst.outlets else 0, round(inst.outlets * plan.scale))
    n = inst.outlets if inst.reach == "fixed" else scaled
    outlets = []
    names_seen: set[str] = set()
    for i, v in enumerate(_outlet_places(inst, n, plan, rng)):
        name = inst.outlet_pattern.format(place=_place(v))
        if name in names_seen:  # a second outlet in the same place (large scales)
            name = name.removesuffix("支行").removesuffix("营业所") + f"第{i + 1}分理处"
        names_seen.add(name)
        outlets.append(
            dict(
                key=f"{inst.key}-{i + 1:03d}",
                parent=inst.key,
                code=f"{inst.key}-YY-{i + 1:03d}",
                name=name,
                short_name="",
                kind=inst.kind,
                level="outlet",
                uscc=registrar.uscc("91370323"),
                division=v.code,
                address=registrar.address(v),
                opened_on=max(opened, _date(rng, 1990, 2021)),
            )
        )
    return out, outlets


def _service_points(
    plan: CountyPlan, rng: np.random.Generator, bank_opened: dict[str, datetime.date]
) -> list[dict]:
    """Service points: one in most villages, more at larger scales; none before its bank opened."""
    villages = [v for v in plan.villages if v.kind == "village"]
    n_points = round(SERVICE_POINTS_AT_SCALE_1 * plan.scale)
    order = list(rng.permutation(len(villages)))
    while len(order) < n_points:
        order += list(rng.permutation(len(villages)))
    banks = list(SERVICE_POINT_BANKS)
    p_bank = np.array(list(SERVICE_POINT_BANKS.values()))
    points = []
    per_village: dict[str, int] = {}
    for idx in order[:n_points]:
        v = villages[idx]
        per_village[v.code] = per_village.get(v.code, 0) + 1
        bank = banks[int(rng.choice(len(banks), p=p_bank))]
        station = bool(rng.random() < 0.22)
        functions = ["withdrawal"]
        for fn, p in (
            ("transfer", 0.85),
            ("remittance", 0.5),
            ("bill_payment", 0.6),
            ("cross_bank", 0.35),
            ("education", 0.7),
            ("anti_counterfeit", 0.5),
        ):
            if station or rng.random() < p:
                functions.append(fn)
        if station:
            functions += ["dispute", "ecommerce", "credit_info"]
        k = per_village[v.code]
        suffix = "普惠金融服务站" if station else "助农取款服务点"
        code, opened = f"SP{v.code}{k:02d}", _date(rng, 2009, 2021)
        opened = max(opened, bank_opened.get(bank, opened))
        # Upgrades ran through 2019–2021, most of them in 2020 as the plan asked.
        upgraded = max(opened, _hashed_day(code, datetime.date(2019, 3, 1), 620, 1000)) if station else None
        points.append(
            dict(
                code=code,
                name=f"{v.name}{SERVICE_POINT_SHORT[bank]}{suffix}" + (f"（{k}）" if k > 1 else ""),
                bank=bank,
                village=v.code,
                functions=functions,
                is_station=station,
                opened_on=opened,
                upgraded_on=upgraded,
            )
        )
    return points


def _terminals(
    outlets_by_bank: dict[str, list[dict]], points: list[dict], rng: np.random.Generator
) -> list[dict]:
    """Terminals: ATMs, deposit machines and kiosks at bank outlets; a rural terminal (and some POS)
    at each service point."""
    terminals = []
    serial: dict[str, int] = {}

    def terminal(bank: str, kind: str, village: str, bill: bool, outlet=None, point=None, since=None):
        serial[bank] = serial.get(bank, 0) + 1
        code = f"{bank}-T{serial[bank]:05d}"
        installed = max(since or datetime.date(2008, 1, 1), _date(rng, 2008, 2021))
        # Real-time bill pay was switched on from mid-2018 (the plan's 十二 asks for 95% by the end of 2021).
        billing = max(installed, _hashed_day(code, datetime.date(2018, 6, 1), 640, 1280)) if bill else None
        terminals.append(
            dict(
                code=code,
                kind=kind,
                bank=bank,
                outlet=outlet,
                service_point=point,
                village=village,
                bill_payment=bill,
                installed_on=installed,
                bill_payment_since=billing,
            )
        )

    for inst in INSTITUTIONS:
        if not inst.terminals:
            continue
        for o in outlets_by_bank[inst.key]:
            for _ in range(int(rng.integers(1, 3))):
                terminal(inst.key, "atm", o["division"], False, outlet=o["key"], since=o["opened_on"])
            for _ in range(int(rng.integers(0, 3))):
                terminal(
                    inst.key,
                    "crs",
                    o["division"],
                    bool(rng.random() < 0.2),
                    outlet=o["key"],
                    since=o["opened_on"],
                )
            if rng.random() < 0.6:
                terminal(
                    inst.key,
                    "kiosk",
                    o["division"],
                    bool(rng.random() < 0.9),
                    outlet=o["key"],
                    since=o["opened_on"],
                )
    for sp in points:
        bill = "bill_payment" in sp["functions"]
        terminal(sp["bank"], "rural", sp["village"], bill, point=sp["code"], since=sp["opened_on"])
        if rng.random() < 0.3:
            terminal(
                sp["bank"],
                "pos",
                sp["village"],
                bill and bool(rng.random() < 0.5),
                point=sp["code"],
                since=sp["opened_on"],
            )
    return terminals


def _new_outlets(
    plan: CountyPlan, registrar: _Registrar, outlets_by_bank: dict[str, list[dict]]
) -> list[dict]:
    """NEW_OUTLETS: for each bank, one outlet in a town seat (April) and one in the largest village it
    has no outlet in (September) of its year."""
    out = []
    for key, year in NEW_OUTLETS.items():
        inst = next(i for i in INSTITUTIONS if i.key == key)
        existing = outlets_by_bank[key]
        used = {o["division"] for o in existing}
        seats = [v for v in plan.villages if v.is_seat]
        seat = next((v for v in seats if v.code not in used), seats[-1])
        villages = [v for v in plan.villages if v.kind == "village" and v.code not in used]
        village = max(villages, key=lambda v: v.households)
        for n, (v, month) in enumerate(((seat, 4), (village, 9)), start=len(existing) + 1):
            name = inst.outlet_pattern.format(place=_place(v))
            if name in {o["name"] for o in existing}:
                name = name.removesuffix("支行").removesuffix("营业所") + f"第{n}分理处"
            outlet = dict(
                key=f"{key}-{n:03d}",
                parent=key,
                code=f"{key}-YY-{n:03d}",
                name=name,
                short_name="",
                kind=inst.kind,
                level="outlet",
                uscc=registrar.uscc("91370323"),
                division=v.code,
                address=registrar.address(v),
                opened_on=datetime.date(year, month, 18),
            )
            existing.append(outlet)
            out.append(outlet)
    return out
