"""Writes for the rosters. Each runs in a transaction and leaves an audit record."""

from collections.abc import Callable

from django.db import transaction
from django.db.models import Count, Q

from puhui.core.audit import audit_record
from puhui.core.models import AuditLog, Division
from puhui.registry.models import Household
from puhui.registry.selectors import PERSONAL_FIELDS, household_clear_value

# progress(done, total, message): a job's progress bar, or a line on the terminal.
Progress = Callable[[int, int, str], None]


@transaction.atomic
def household_unmask(*, actor, household: Household, field: str) -> str:
    """Return one clear personal field and log who saw it. The caller loads the household through
    `access_household_for_unmask`, so role and scope are already checked."""
    value = household_clear_value(household, field)
    audit_record(
        actor=actor,
        action=AuditLog.Action.UNMASK,
        obj=household,
        after={"field": field},
        note=f"查看明文：{PERSONAL_FIELDS[field]}",
    )
    return value


def census_refresh(*, actor, progress: Progress | None = None) -> dict:
    """Recompute every village's household and farm-household counts from the roster.

    The counting runs as one GROUP BY per town (each served by the (town, village) index) so progress
    is real; the writes then go in one short transaction with one summary audit record, which keeps
    SQLite's write lock brief while the web pages keep reading.
    """
    progress = progress or (lambda done, total, message: None)
    towns = list(Division.objects.filter(level=Division.Level.TOWN).order_by("code"))
    total = len(towns)
    counts: dict[int, tuple[int, int]] = {}
    progress(0, total, "正在按农户名录统计各村户数……")
    for done, town in enumerate(towns, start=1):
        rows = (
            Household.objects.filter(town_id=town.pk)
            .values("village_id")
            .annotate(n=Count("pk"), farm=Count("pk", filter=Q(is_farm=True)))
            .order_by()
        )
        households = farm = 0
        for row in rows:
            counts[row["village_id"]] = (row["n"], row["farm"])
            households += row["n"]
            farm += row["farm"]
        progress(done, total, f"{town.name}：{households:,} 户，其中农户 {farm:,} 户")
    summary = _census_write(actor=actor, counts=counts, towns=len(towns))
    progress(
        total,
        total,
        f"完成：{summary['changed_villages']} 个村户数有变化；全县 {summary['households']:,} 户，"
        f"其中农户 {summary['farm_households']:,} 户",
    )
    return summary


@transaction.atomic
def _census_write(*, actor, counts: dict[int, tuple[int, int]], towns: int) -> dict:
    villages = list(
        Division.objects.select_for_update()
        .filter(level=Division.Level.VILLAGE)
        .only("pk", "code", "parent_id", "households", "farm_households")
    )
    before, after, changed = {}, {}, []
    for v in villages:
        n, farm = counts.get(v.pk, (0, 0))
        if (v.households, v.farm_households) != (n, farm):
            before[v.code] = {"households": v.households, "farm_households": v.farm_households}
            after[v.code] = {"households": n, "farm_households": farm}
            v.households, v.farm_households = n, farm
            changed.append(v)
    Division.objects.bulk_update(changed, ["households", "farm_households"], batch_size=500)

    # Keep towns and the county equal to the sum of their villages.
    by_town: dict[int, list[int]] = {}
    for v in villages:
        sums = by_town.setdefault(v.parent_id, [0, 0])
        sums[0] += v.households
        sums[1] += v.farm_households
    parents = list(
        Division.objects.filter(pk__in=by_town).only("pk", "parent_id", "households", "farm_households")
    )
    county_sums: dict[int, list[int]] = {}
    for town in parents:
        town.households, town.farm_households = by_town[town.pk]
        if town.parent_id:
            sums = county_sums.setdefault(town.parent_id, [0, 0])
            sums[0] += town.households
            sums[1] += town.farm_households
    counties = list(Division.objects.filter(pk__in=county_sums).only("pk", "households", "farm_households"))
    for county in counties:
        county.households, county.farm_households = county_sums[county.pk]
    Division.objects.bulk_update(parents + counties, ["households", "farm_households"])

    summary = {
        "towns": towns,
        "villages": len(villages),
        "changed_villages": len(changed),
        "households": sum(v.households for v in villages),
        "farm_households": sum(v.farm_households for v in villages),
    }
    audit_record(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        object_type=Division._meta.label,
        object_repr="各村户数、农户数（按农户名录重算）",
        before={"villages": before},
        after={"villages": after, "summary": summary},
        note=f"重算 {len(villages)} 个村，{len(changed)} 个村有变化",
    )
    return summary
