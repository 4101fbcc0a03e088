"""Writes the synthetic county to the database, in one transaction, with bulk inserts.

Pure generators (`county`, `roster`, `network`, `people`) decide every value; this module only
turns their columns into rows. Households and firms go town by town in batches, so memory stays
bounded at --scale 10. Other apps add their own demo data through a `build(ctx)` function in
their `demo` module (see `DemoContext` and `_extensions`); those run after the core county.
"""

import importlib
import importlib.util
import random
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from puhui.core.audit import audit_record
from puhui.core.models import AuditLog, Division, Organisation, ServicePoint, Terminal, User
from puhui.demo import county as county_mod
from puhui.demo import logins as logins_mod
from puhui.demo import network, people, roster
from puhui.demo.county import CountyPlan, rng_for
from puhui.registry.models import Firm, Household

BATCH = 5_000
# Random streams from 100 upwards belong to other apps' demo extensions.
EXTENSION_STREAM_BASE = 100
# Apps whose `demo` module may extend the demo county (third-party apps are never asked).
EXTENSION_PACKAGES = ("puhui.",)


class DemoRefused(Exception):
    """The database is not empty: the demo county is never written over existing data."""


@dataclass
class DemoContext:
    """What an app's `demo.build(ctx)` gets: the plan, the rows made so far (users["office"] is
    the leading-group office, a natural actor), a progress printer and private random streams
    derived from the seed: `ctx.rng(n)` (numpy) or `ctx.random(n)` (random.Random); pick your own n."""

    seed: int
    scale: float
    plan: CountyPlan
    progress: Callable[[str], None]
    county: Division | None = None
    towns: dict[str, Division] = field(default_factory=dict)  # 9-digit code → town
    village_ids: dict[str, int] = field(default_factory=dict)  # 12-digit code → pk
    organisations: dict[str, Organisation] = field(default_factory=dict)  # spec key → row
    users: dict[str, User] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    logins: list = field(
        default_factory=list
    )  # the sign-in table; an app adds the users it makes (firm users)
    deferred: list = field(default_factory=list)

    def later(self, step) -> None:
        """Run `step()` once every app's build(ctx) has run, in the order asked: demo data that reads what
        apps later in INSTALLED_APPS build (the plan's target-linked milestones read the data app's figures)."""
        self.deferred.append(step)

    def rng(self, *keys: int):
        return rng_for(self.seed, EXTENSION_STREAM_BASE, *keys)

    def random(self, *keys: int) -> random.Random:
        return random.Random(int(self.rng(*keys).integers(2**62)))


@dataclass
class DemoResult:
    counts: dict[str, int]
    logins: list[logins_mod.Login]
    seconds: float
    table: str


def county_exists() -> bool:
    return Division.objects.filter(code=county_mod.COUNTY_CODE).exists()


def database_is_empty() -> bool:
    return not any(
        m.objects.exists() for m in (Division, Organisation, ServicePoint, Terminal, Household, Firm, User)
    )


def _cents(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


class _Clock:
    def __init__(self, progress):
        self.progress = progress
        self.start = time.perf_counter()

    def say(self, text: str):
        self.progress(f"[{time.perf_counter() - self.start:6.1f}s] {text}")


def _divisions(ctx: DemoContext):
    plan, cmap = ctx.plan, county_mod.county_map()
    lon0, lat0 = county_mod.COUNTY_CENTRE
    ctx.county = Division.objects.create(
        code=county_mod.COUNTY_CODE,
        name=county_mod.COUNTY_NAME,
        level=Division.Level.COUNTY,
        kind=Division.Kind.COUNTY,
        longitude=Decimal(f"{lon0:.6f}"),
        latitude=Decimal(f"{lat0:.6f}"),
        boundary=cmap.outline_geojson(),
    )
    towns = Division.objects.bulk_create(
        [
            Division(
                code=t.division_code,
                name=t.name,
                level=Division.Level.TOWN,
                kind=Division.Kind.STREET if t.is_street else Division.Kind.TOWN,
                parent=ctx.county,
                longitude=Decimal(f"{t.longitude:.6f}"),
                latitude=Decimal(f"{t.latitude:.6f}"),
                boundary=cmap.cell_geojson(t.index),
            )
            for t in plan.towns
        ]
    )
    ctx.towns = {t.code[:9]: t for t in towns}
    by_index = {t.index: ctx.towns[t.code] for t in plan.towns}
    villages = Division.objects.bulk_create(
        [
            Division(
                code=v.code,
                name=v.name,
                level=Division.Level.VILLAGE,
                kind=Division.Kind.COMMUNITY if v.kind == "community" else Division.Kind.VILLAGE,
                parent=by_index[v.town],
                longitude=Decimal(f"{v.longitude:.6f}"),
                latitude=Decimal(f"{v.latitude:.6f}"),
            )
            for v in plan.villages
        ],
        batch_size=BATCH,
    )
    ctx.village_ids = {v.code: v.pk for v in villages}
    ctx.counts["divisions"] = 1 + len(towns) + len(villages)


def _network(ctx: DemoContext):
    spec = network.plan_network(ctx.plan)
    orgs = spec["organisations"]
    by_key: dict[str, Organisation] = {}
    remaining = list(orgs)
    # Parents first: one bulk insert per depth of the tree.
    while remaining:
        ready = [o for o in remaining if o["parent"] is None or o["parent"] in by_key]
        remaining = [o for o in remaining if not (o["parent"] is None or o["parent"] in by_key)]
        objs = []
        for o in ready:
            fields = {k: v for k, v in o.items() if k not in {"key", "parent", "division"}}
            objs.append(
                Organisation(
                    parent=by_key.get(o["parent"]) if o["parent"] else None,
                    division_id=ctx.village_ids[o["division"]] if o.get("division") else None,
                    **fields,
                )
            )
        for o, obj in zip(ready, Organisation.objects.bulk_create(objs, batch_size=BATCH), strict=True):
            obj.path = obj.compute_path()
            by_key[o["key"]] = obj
    Organisation.objects.bulk_update(list(by_key.values()), ["path"], batch_size=BATCH)
    ctx.organisations = by_key

    points = ServicePoint.objects.bulk_create(
        [
            ServicePoint(
                code=p["code"],
                name=p["name"],
                bank=by_key[p["bank"]],
                village_id=ctx.village_ids[p["village"]],
                functions=p["functions"],
                is_station=p["is_station"],
                opened_on=p["opened_on"],
                upgraded_on=p["upgraded_on"],
            )
            for p in spec["service_points"]
        ],
        batch_size=BATCH,
    )
    point_ids = {p.code: p.pk for p in points}
    Terminal.objects.bulk_create(
        [
            Terminal(
                code=t["code"],
                kind=t["kind"],
                bank=by_key[t["bank"]],
                outlet=by_key[t["outlet"]] if t["outlet"] else None,
                service_point_id=point_ids[t["service_point"]] if t["service_point"] else None,
                village_id=ctx.village_ids[t["village"]],
                bill_payment=t["bill_payment"],
                bill_payment_since=t["bill_payment_since"],
                installed_on=t["installed_on"],
            )
            for t in spec["terminals"]
        ],
        batch_size=BATCH,
    )
    ctx.counts["organisations"] = len(by_key)
    ctx.counts["service_points"] = len(points)
    ctx.counts["terminals"] = len(spec["terminals"])


def _households(ctx: DemoContext, town: county_mod.Town) -> int:
    cols = roster.household_columns(ctx.plan, town)
    villages = ctx.plan.villages_of(town.index)
    village_pk = [ctx.village_ids[v.code] for v in villages]
    town_pk = ctx.towns[town.code].pk
    n = len(cols["code"])
    # Plain Python values: database drivers do not take numpy scalars.
    vil = cols["village"].tolist()
    age, size = cols["head_age"].tolist(), cols["size"].tolist()
    farm, land, income = cols["is_farm"].tolist(), cols["land_tenths"].tolist(), cols["income_cents"].tolist()
    codes, names_, idn, phone, act = (
        cols["code"],
        cols["head_name"],
        cols["head_id_number"],
        cols["phone"],
        cols["main_activity"],
    )
    for start in range(0, n, BATCH):
        Household.objects.bulk_create(
            [
                Household(
                    code=codes[i],
                    village_id=village_pk[vil[i]],
                    town_id=town_pk,
                    head_name=names_[i],
                    head_id_number=idn[i],
                    phone=phone[i],
                    head_age=age[i],
                    size=size[i],
                    is_farm=farm[i],
                    main_activity=act[i],
                    land_area_mu=Decimal(land[i]).scaleb(-1),
                    annual_income=_cents(income[i]),
                )
                for i in range(start, min(n, start + BATCH))
            ]
        )
    # The villages' census figures are exactly the roster's.
    pop = [0] * len(villages)
    hh = [0] * len(villages)
    fm = [0] * len(villages)
    for v, s, f in zip(vil, size, farm, strict=True):
        pop[v] += s
        hh[v] += 1
        fm[v] += f
    Division.objects.bulk_update(
        [
            Division(pk=pk, population=pop[k], households=hh[k], farm_households=fm[k])
            for k, pk in enumerate(village_pk)
        ],
        ["population", "households", "farm_households"],
    )
    return n


def _firms(ctx: DemoContext, town: county_mod.Town) -> int:
    cols = roster.firm_columns(ctx.plan, town)
    villages = ctx.plan.villages_of(town.index)
    village_pk = [ctx.village_ids[v.code] for v in villages]
    town_pk = ctx.towns[town.code].pk
    n = len(cols["uscc"])
    vil, emp, rev = cols["village"].tolist(), cols["employees"].tolist(), cols["revenue_cents"].tolist()
    for start in range(0, n, BATCH):
        Firm.objects.bulk_create(
            [
                Firm(
                    uscc=cols["uscc"][i],
                    name=cols["name"][i],
                    kind=cols["kind"][i],
                    industry=cols["industry"][i],
                    village_id=village_pk[vil[i]],
                    town_id=town_pk,
                    registered_on=cols["registered_on"][i],
                    employees=emp[i],
                    annual_revenue=_cents(rev[i]),
                )
                for i in range(start, min(n, start + BATCH))
            ]
        )
    return n


def _census_totals(ctx: DemoContext):
    """Towns and the county carry the sums of their villages."""
    sums = (
        Division.objects.filter(level=Division.Level.VILLAGE)
        .values("parent_id")
        .annotate(p=Sum("population"), h=Sum("households"), f=Sum("farm_households"))
    )
    totals = {r["parent_id"]: r for r in sums}
    towns = list(ctx.towns.values())
    for t in towns:
        r = totals.get(t.pk, {"p": 0, "h": 0, "f": 0})
        t.population, t.households, t.farm_households = r["p"] or 0, r["h"] or 0, r["f"] or 0
    Division.objects.bulk_update(towns, ["population", "households", "farm_households"])
    ctx.county.population = sum(t.population for t in towns)
    ctx.county.households = sum(t.households for t in towns)
    ctx.county.farm_households = sum(t.farm_households for t in towns)
    ctx.county.save(update_fields=["population", "households", "farm_households"])


def _users(ctx: DemoContext) -> list[logins_mod.Login]:
    specs = people.plan_users(ctx.plan)
    role_label = dict(User.Role.choices)
    village_name = {v.code: v.name for v in ctx.plan.villages}
    objs, where, village_sets = [], [], []
    for s in specs:
        org = ctx.organisations.get(s.get("organisation", ""))
        town = ctx.towns[ctx.plan.towns[s["town"]].code] if "town" in s else None
        household = None
        if "household_village" in s:
            household = (
                Household.objects.filter(village_id=ctx.village_ids[s["household_village"]])
                .order_by("code")
                .first()
            )
        user = User(
            username=s["username"],
            role=s["role"],
            organisation=org,
            town=town,
            household=household,
            display_name=household.head_name if household else s["display_name"],
            phone=(household.phone or s["phone"]) if household else s["phone"],
            is_staff=s.get("is_staff", False),
            is_superuser=s.get("is_superuser", False),
        )
        objs.append(user)
        village_names = ""
        if s.get("villages"):
            village_sets.append((user, [ctx.village_ids[c] for c in s["villages"]]))
            village_names = "（" + "、".join(village_name[c] for c in s["villages"]) + "）"
        if org is not None:
            where.append(org.short_name or org.name)
        elif town is not None:
            where.append(town.name + village_names)
        elif household is not None:
            where.append(f"{village_name[s['household_village']]} 户编号 {household.code}")
        else:
            where.append("全县")
    passwords = []
    for user in objs:
        # Hashed once per user with the configured hasher; a few dozen users, so this stays quick.
        password = logins_mod.new_password(user)
        user.password = make_password(password)
        passwords.append(password)
    User.objects.bulk_create(objs)
    through = User.villages.through
    through.objects.bulk_create(
        [through(user_id=u.pk, division_id=pk) for u, pks in village_sets for pk in pks]
    )
    ctx.users = {u.username: u for u in objs}
    ctx.counts["users"] = len(objs)
    return [
        logins_mod.Login(u.username, role_label[u.role], w, p)
        for u, w, p in zip(objs, where, passwords, strict=True)
    ]


def _extensions(ctx: DemoContext, clock: _Clock):
    """Each project app may add its own demo data: a `build(ctx)` function in its `demo` module
    (e.g. `puhui/plan/demo.py`), called in INSTALLED_APPS order inside the same transaction. It may
    return a dict of row counts for the summary, named in Chinese by the module's `COUNT_LABELS`."""
    for config in apps.get_app_configs():
        if not config.name.startswith(EXTENSION_PACKAGES) or config.name == "puhui.demo":
            continue
        module_name = f"{config.name}.demo"
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        build = getattr(module, "build", None)
        if build is None:
            continue
        clock.say(f"生成“{config.verbose_name}”演示数据……")
        counts = build(ctx)
        if isinstance(counts, dict):
            ctx.counts.update({f"{config.label}.{k}": v for k, v in counts.items()})
            # The summary in the audit log names them in Chinese: the module's COUNT_LABELS.
            # Every label, not only those of the counts returned now: a deferred step (`ctx.later`) adds some.
            labels = getattr(module, "COUNT_LABELS", {})
            _LABELS.update({f"{config.label}.{k}": v for k, v in labels.items()})
    if ctx.deferred:
        clock.say("生成依赖其他模块数据的后续演示数据……")
    for step in ctx.deferred:
        step()


@contextmanager
def _without_query_log():
    """With DEBUG on, Django keeps every statement with its parameters in memory (and SQLite
    quotes each parameter for it): hundreds of MB and a third of the time for bulk inserts."""
    debug = settings.DEBUG
    settings.DEBUG = False
    try:
        yield
    finally:
        settings.DEBUG = debug


def build_demo(
    *, scale: float = 1.0, seed: int = 2020, progress: Callable[[str], None] = print
) -> DemoResult:
    """Create the whole demo county, or nothing: refuses (DemoRefused) on a non-empty database."""
    clock = _Clock(progress)
    with _without_query_log(), transaction.atomic():
        if not database_is_empty():
            raise DemoRefused(
                "数据库中已有数据，为免与现有数据混在一起，不生成演示县。"
                "请换用空数据库（新建后先运行 puhui migrate）；已有演示县时可加 --if-empty 跳过。"
            )
        plan = county_mod.plan_county(seed, scale)
        ctx = DemoContext(seed=seed, scale=scale, plan=plan, progress=clock.say)
        clock.say(
            f"生成行政区划：{county_mod.COUNTY_NAME}，{len(plan.towns)} 个镇（街道），{len(plan.villages)} 个村（社区）"
        )
        _divisions(ctx)
        clock.say("生成金融机构、成员单位、网点、助农取款服务点和自助机具……")
        _network(ctx)
        households = firms = 0
        for town in plan.towns:
            h = _households(ctx, town)
            f = _firms(ctx, town)
            households += h
            firms += f
            clock.say(f"  {town.name}：农户 {h:,} 户，市场主体 {f:,} 户")
        ctx.counts["households"] = households
        ctx.counts["firms"] = firms
        _census_totals(ctx)
        clock.say("生成演示用户……")
        logins = ctx.logins = _users(ctx)
        _extensions(ctx, clock)
        counts = dict(ctx.counts)
        counts["population"] = ctx.county.population
        counts["farm_households"] = ctx.county.farm_households
        # Every count, named in Chinese, in the record's `after`; the note (300 characters) holds the first ones.
        named = {_LABELS.get(k, k): v for k, v in counts.items()}
        note = "，".join(f"{k} {v:,}" for k, v in named.items())
        audit_record(
            actor=None,
            action=AuditLog.Action.IMPORT,
            object_type="demo",
            object_id=county_mod.COUNTY_CODE,
            object_repr=f"{county_mod.COUNTY_NAME}演示数据（规模 {scale:g}，种子 {seed}）",
            note=note,
            after=named,
        )
    clock.say("更新数据库统计信息（ANALYZE）……")
    with connection.cursor() as cursor:
        # Planner statistics for the million rows just written; without them PostgreSQL and SQLite pick
        # poor plans for the list pages until autovacuum catches up. On PostgreSQL also the visibility map
        # (VACUUM), which index-only scans need (the county index reads a million credit lines by one);
        # VACUUM cannot run inside a transaction (the tests build the demo in one).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
    header = f"{county_mod.COUNTY_NAME}演示数据登录信息（规模 {scale:g}，种子 {seed}）"
    table = logins_mod.format_table(logins, header)
    seconds = time.perf_counter() - clock.start
    clock.say("完成。")
    return DemoResult(counts=counts, logins=logins, seconds=seconds, table=table)


_LABELS = {
    "divisions": "区划",
    "organisations": "机构",
    "service_points": "助农取款服务点",
    "terminals": "自助机具",
    "households": "户",
    "firms": "市场主体",
    "users": "用户",
    "population": "人口",
    "farm_households": "其中农户",
}


def counts_in_database() -> dict[str, int]:
    """Row counts of what the demo writes, for the benchmark and the tests."""
    divisions = Division.objects.aggregate(
        n=Count("pk"), villages=Count("pk", filter=Q(level=Division.Level.VILLAGE))
    )
    return {
        "divisions": divisions["n"],
        "villages": divisions["villages"],
        "organisations": Organisation.objects.count(),
        "service_points": ServicePoint.objects.count(),
        "terminals": Terminal.objects.count(),
        "households": Household.objects.count(),
        "firms": Firm.objects.count(),
        "users": User.objects.count(),
    }
