"""Writes for the rosters. Each runs in a transaction and leaves an audit record."""

import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from puhui.core.audit import _actor_fields, audit_append, audit_record, snapshot
from puhui.core.models import AuditLog, Division, User
from puhui.registry import selectors
from puhui.registry.models import Household, HouseholdEvent, HouseholdMember, HouseholdVersion
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
    """Recompute every village's household, farm-household and population figures from the roster.

    The counting runs as one GROUP BY per town (each served by the (town, village) index) so progress
    is real; the writes then go in one short transaction with one summary audit record, which keeps
    SQLite's write lock brief while the web pages keep reading. (A roster import recounts the villages it
    touched itself: `census_recount`.)
    """
    progress = progress or (lambda done, total, message: None)
    towns = list(Division.objects.filter(level=Division.Level.TOWN).order_by("code"))
    total = len(towns)
    counts: dict[int, tuple[int, int, int]] = {}
    progress(0, total, "正在按农户名录统计各村户数……")
    for done, town in enumerate(towns, start=1):
        found = selectors.roster_counts(town=town.pk)
        counts.update(found)
        households = sum(c[0] for c in found.values())
        farm = sum(c[1] for c in found.values())
        progress(done, total, f"{town.name}：{households:,} 户，其中农户 {farm:,} 户")
    villages = Division.objects.filter(level=Division.Level.VILLAGE)
    summary = _census_write(actor=actor, counts=counts, villages=villages, note="重算")
    summary["towns"] = len(towns)
    progress(
        total,
        total,
        f"完成：{summary['changed_villages']} 个村户数有变化；全县 {summary['households']:,} 户，"
        f"其中农户 {summary['farm_households']:,} 户",
    )
    return summary


def census_recount(*, actor, village_ids, note: str = "") -> dict:
    """Recount the given villages from the roster (after an import or a household's split, merge, move or
    dissolution), then their towns and the county as sums of their villages; in the caller's transaction."""
    village_ids = sorted(set(village_ids))
    villages = Division.objects.filter(pk__in=village_ids, level=Division.Level.VILLAGE)
    return _census_write(
        actor=actor, counts=selectors.roster_counts(village_ids), villages=villages, note=note or "重算"
    )


@transaction.atomic
def _census_write(*, actor, counts: dict[int, tuple[int, int, int]], villages, note: str) -> dict:
    villages = list(
        villages.select_for_update().only(
            "pk", "code", "parent_id", "households", "farm_households", "population"
        )
    )
    before, after, changed = {}, {}, []
    for v in villages:
        n, farm, people = counts.get(v.pk, (0, 0, 0))
        if (v.households, v.farm_households, v.population) != (n, farm, people):
            before[v.code] = {
                "households": v.households,
                "farm_households": v.farm_households,
                "population": v.population,
            }
            after[v.code] = {"households": n, "farm_households": farm, "population": people}
            v.households, v.farm_households, v.population = n, farm, people
            changed.append(v)
    Division.objects.bulk_update(changed, CENSUS_FIELDS, batch_size=500)
    totals = _census_sums({v.parent_id for v in villages})
    summary = {
        "villages": len(villages),
        "changed_villages": len(changed),
        "households": sum(v.households for v in villages),
        "farm_households": sum(v.farm_households for v in villages),
        "population": sum(v.population for v in villages),
    }
    audit_record(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        object_type=Division._meta.label,
        object_repr="各村户数、农户数、人口（按农户名录重算）",
        before={"villages": before},
        after={"villages": after, "summary": summary, "county": totals},
        note=f"{note}：{len(villages)} 个村，{len(changed)} 个村有变化"[:300],
    )
    return summary


CENSUS_FIELDS = ["households", "farm_households", "population"]


def _census_sums(town_ids: set[int]) -> dict:
    """Keep the given towns, and the county, equal to the sums of their villages."""
    sums = {
        row["parent_id"]: row
        for row in Division.objects.filter(level=Division.Level.VILLAGE, parent_id__in=town_ids)
        .values("parent_id")
        .annotate(h=Sum("households"), f=Sum("farm_households"), p=Sum("population"))
        .order_by()
    }
    towns = list(Division.objects.filter(pk__in=town_ids).only("pk", "parent_id", *CENSUS_FIELDS))
    for town in towns:
        row = sums.get(town.pk, {})
        town.households, town.farm_households, town.population = (row.get(k) or 0 for k in "hfp")
    Division.objects.bulk_update(towns, CENSUS_FIELDS)
    county_ids = {t.parent_id for t in towns if t.parent_id}
    county_sums = {
        row["parent_id"]: row
        for row in Division.objects.filter(level=Division.Level.TOWN, parent_id__in=county_ids)
        .values("parent_id")
        .annotate(h=Sum("households"), f=Sum("farm_households"), p=Sum("population"))
        .order_by()
    }
    counties = list(Division.objects.filter(pk__in=county_ids).only("pk", *CENSUS_FIELDS))
    for county in counties:
        row = county_sums.get(county.pk, {})
        county.households, county.farm_households, county.population = (row.get(k) or 0 for k in "hfp")
    Division.objects.bulk_update(counties, CENSUS_FIELDS)
    return {name: sum(getattr(c, name) for c in counties) for name in CENSUS_FIELDS}


# ---------------------------------------------------------------- the audit rows of households


def members_summary(members) -> list[str]:
    """Members as the audit log keeps them: name and relation, never the ID number."""
    labels = dict(HouseholdMember.Relation.choices)
    return [f"{name}（{labels.get(relation, relation)}）" for name, relation in members]


def household_audit(*, actor, entries: list[tuple], note: str) -> None:
    """One audit row per created or changed household: (household, state before or None, members before,
    members after) with members as (name, relation); the household's page shows them (`household_history`)."""
    common = _actor_fields(actor)
    rows = []
    for obj, before, members_before, members_after in entries:
        after = snapshot(obj)
        after["members"] = members_summary(members_after)
        if before is not None:
            before = {**before, "members": members_summary(members_before)}
        rows.append(
            AuditLog(
                **common,
                action=AuditLog.Action.CREATE if before is None else AuditLog.Action.UPDATE,
                object_type=Household._meta.label,
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                before=before,
                after=after,
                note=note[:300],
            )
        )
    audit_append(rows, batch_size=1000)


# ---------------------------------------------------------------- lifecycle: split, merge, move, dissolve


def _actor_label(actor) -> dict:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return {"actor": user, "actor_label": (str(actor) if actor else "系统")[:150]}


def _check_date(household: Household, on: datetime.date) -> None:
    if on > timezone.localdate():
        raise ValidationError({"on": "变动日期不能晚于今天"})
    last = max(
        (d for d in household.versions.values_list("valid_from", flat=True) if d), default=household.formed_on
    )
    if last and on < last:
        raise ValidationError({"on": f"变动日期不能早于该户上次变动的日期（{last}）"})


def _state(household: Household) -> dict:
    return {
        "village_id": household.village_id,
        "town_id": household.town_id,
        "size": household.size,
        "is_farm": household.is_farm,
    }


def _reversion(household: Household, on: datetime.date, was: dict, *, closed: bool = False) -> None:
    """The household's history from `on`: its open version closed, a new one opened with its state now
    (none when `closed`: merged away or dissolved). A household stored before versions existed first gets
    its earlier state (`was`) as a version from the start of the records."""
    current = household.versions.filter(valid_to__isnull=True).first()
    if current is not None and current.valid_from == on:
        if closed:
            current.delete()
        else:
            HouseholdVersion.objects.filter(pk=current.pk).update(**_state(household))
        return
    if current is not None:
        HouseholdVersion.objects.filter(pk=current.pk).update(valid_to=on)
    else:
        HouseholdVersion.objects.create(
            household=household, valid_from=household.formed_on, valid_to=on, **was
        )
    if not closed:
        HouseholdVersion.objects.create(household=household, valid_from=on, **_state(household))


def _members(household: Household) -> list[tuple[str, str]]:
    return list(household.members.values_list("name", "relation"))


def _in_scope(actor, village: Division) -> None:
    if getattr(actor, "role", None) == User.Role.TOWN and village.parent_id != actor.town_id:
        raise ValidationError({"village": "只能迁入本镇（街道）的村（社区）"})


@transaction.atomic
def household_move(
    *, actor, household: Household, village: Division, on: datetime.date, note: str = ""
) -> Household:
    """Move a household to another village from `on` (dated: its history keeps the old village before)."""
    household = Household.objects.select_for_update().get(pk=household.pk, status=Household.Status.ACTIVE)
    if village.level != Division.Level.VILLAGE:
        raise ValidationError({"village": "请选择村（社区）"})
    if village.pk == household.village_id:
        raise ValidationError({"village": "该户已在此村（社区）"})
    _in_scope(actor, village)
    _check_date(household, on)
    before, was, members = snapshot(household), _state(household), _members(household)
    old_village = household.village_id
    household.village, household.town_id = village, village.parent_id
    household.save(update_fields=["village", "town"])
    _reversion(household, on, was)
    HouseholdEvent.objects.create(
        kind=HouseholdEvent.Kind.MOVE,
        on=on,
        household=household,
        from_village_id=old_village,
        to_village=village,
        note=note[:200],
        **_actor_label(actor),
    )
    household_audit(actor=actor, entries=[(household, before, members, members)], note=f"迁移（{on}）{note}")
    census_recount(actor=actor, village_ids=[old_village, village.pk], note="农户迁移后按名录重算")
    return household


@transaction.atomic
def household_split(
    *,
    actor,
    household: Household,
    code: str,
    member_ids: list[int],
    head_id: int,
    relations: dict[int, str] | None = None,
    on: datetime.date,
    note: str = "",
) -> Household:
    """A new household (户编号 `code`, formed on `on`, in the same village) of some members of `household`;
    `head_id` becomes its head, the others take `relations` (relation to the new head, default 其他)."""
    household = Household.objects.select_for_update().get(pk=household.pk, status=Household.Status.ACTIVE)
    _check_date(household, on)
    code = (code or "").strip()
    if not code:
        raise ValidationError({"code": "请填写新户的户编号"})
    if Household.objects.filter(code=code).exists():
        raise ValidationError({"code": f"户编号 {code} 已被使用"})
    members = list(household.members.select_for_update().filter(pk__in=member_ids))
    remaining = household.members.exclude(pk__in=[m.pk for m in members]).count()
    if not members:
        raise ValidationError({"member_ids": "请选择分出的成员"})
    if any(m.relation == HouseholdMember.Relation.HEAD for m in members):
        raise ValidationError({"member_ids": "原户户主不能分出；请先在名录中变更户主"})
    if not remaining:
        raise ValidationError({"member_ids": "原户至少要留下一名成员"})
    head = next((m for m in members if m.pk == head_id), None)
    if head is None:
        raise ValidationError({"head_id": "新户的户主须是分出的成员之一"})
    before, was, members_before = snapshot(household), _state(household), _members(household)
    new = Household.objects.create(
        code=code,
        village_id=household.village_id,
        town_id=household.town_id,
        head_name=head.name,
        head_id_number=head.id_number,
        head_age=_age(head.birth_date, on),
        size=len(members),
        is_farm=household.is_farm,
        main_activity=household.main_activity,
        formed_on=on,
    )
    relations = relations or {}
    for m in members:
        m.household = new
        m.relation = HouseholdMember.Relation.HEAD if m.pk == head.pk else relations.get(m.pk, "other")
    HouseholdMember.objects.bulk_update(members, ["household", "relation"])
    household.size = max(household.size - len(members), remaining)
    household.save(update_fields=["size"])
    _reversion(household, on, was)
    HouseholdVersion.objects.create(household=new, valid_from=on, **_state(new))
    moved = [(m.name, m.relation) for m in members]
    HouseholdEvent.objects.create(
        kind=HouseholdEvent.Kind.SPLIT,
        on=on,
        household=new,
        other=household,
        members=members_summary(moved),
        note=note[:200],
        **_actor_label(actor),
    )
    text = f"分户（{on}）：{household.code} → {new.code} {note}"
    household_audit(
        actor=actor,
        entries=[(household, before, members_before, _members(household)), (new, None, [], moved)],
        note=text,
    )
    census_recount(actor=actor, village_ids=[household.village_id], note="分户后按名录重算")
    return new


def _age(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@transaction.atomic
def household_merge(
    *, actor, household: Household, other: Household, on: datetime.date, note: str = ""
) -> Household:
    """Merge `other` into `household` from `on`: its members join (relation 其他, its head included), its
    size adds up, and `other` is dissolved as merged (its history ends on `on`)."""
    pair = {h.pk: h for h in Household.objects.select_for_update().filter(pk__in=[household.pk, other.pk])}
    household, other = pair[household.pk], pair.get(other.pk)
    if other is None or other.pk == household.pk:
        raise ValidationError({"other": "请选择另一户"})
    if Household.Status.DISSOLVED in (household.status, other.status):
        raise ValidationError({"other": "已注销的户不能合户"})
    _check_date(household, on)
    _check_date(other, on)
    before, was, members_before = snapshot(household), _state(household), _members(household)
    other_before, other_was, moved = snapshot(other), _state(other), _members(other)
    other.members.update(household=household, relation=HouseholdMember.Relation.OTHER)
    household.size += other.size
    household.save(update_fields=["size"])
    other.status, other.dissolved_on, other.merged_into = Household.Status.DISSOLVED, on, household
    other.save(update_fields=["status", "dissolved_on", "merged_into"])
    _reversion(household, on, was)
    _reversion(other, on, other_was, closed=True)
    HouseholdEvent.objects.create(
        kind=HouseholdEvent.Kind.MERGE,
        on=on,
        household=household,
        other=other,
        members=members_summary(moved),
        note=note[:200],
        **_actor_label(actor),
    )
    text = f"合户（{on}）：{other.code} 并入 {household.code} {note}"
    household_audit(
        actor=actor,
        entries=[(household, before, members_before, _members(household)), (other, other_before, moved, [])],
        note=text,
    )
    census_recount(actor=actor, village_ids=[household.village_id, other.village_id], note="合户后按名录重算")
    return household


@transaction.atomic
def household_dissolve(*, actor, household: Household, on: datetime.date, note: str = "") -> Household:
    """Dissolve a household from `on` (all its members died or moved away): its members leave the roster
    (their names stay in the event and the audit log), its history ends on `on`."""
    household = Household.objects.select_for_update().get(pk=household.pk, status=Household.Status.ACTIVE)
    _check_date(household, on)
    before, was, members = snapshot(household), _state(household), _members(household)
    household.members.all().delete()
    household.status, household.dissolved_on = Household.Status.DISSOLVED, on
    household.save(update_fields=["status", "dissolved_on"])
    _reversion(household, on, was, closed=True)
    HouseholdEvent.objects.create(
        kind=HouseholdEvent.Kind.DISSOLVE,
        on=on,
        household=household,
        members=members_summary(members),
        note=note[:200],
        **_actor_label(actor),
    )
    household_audit(actor=actor, entries=[(household, before, members, [])], note=f"注销（{on}）{note}")
    census_recount(actor=actor, village_ids=[household.village_id], note="农户注销后按名录重算")
    return household
