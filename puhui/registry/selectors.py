"""Reads for the household and firm rosters, each scoped through `access`.

Personal data leaves this module masked: templates get `MaskedHousehold` views, never model
instances holding clear ID numbers or phones.
"""

from collections.abc import Iterator

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum

from puhui.core import crypto, lists
from puhui.core.access import audit_logs_for, divisions_for
from puhui.core.models import AuditLog, Division, User
from puhui.core.selectors import record_history, villages_in_scope
from puhui.registry.models import Firm, Household, HouseholdEvent, HouseholdMember, HouseholdVersion

Role = User.Role

MASKERS = {"head_id_number": crypto.mask_id_number, "phone": crypto.mask_phone}
PERSONAL_FIELDS = {"head_id_number": "户主身份证号", "phone": "联系电话"}


class MaskedHousehold:
    """A read-only view of a household for templates: personal fields come out masked, hashes never."""

    def __init__(self, household: Household):
        self._household = household

    def __getattr__(self, name):
        if name in MASKERS:
            value = getattr(self._household, name)
            return MASKERS[name](value) if value else ""
        if name.endswith("_hash"):
            raise AttributeError(name)
        return getattr(self._household, name)


# ----- households -----


def towns_in_scope(user: User) -> QuerySet[Division]:
    towns = divisions_for(user).filter(level=Division.Level.TOWN)
    if user.role == Role.TOWN:
        return towns.filter(pk=user.town_id)
    if user.role == Role.AGENT:
        return towns.filter(pk__in=user.villages.values("parent_id"))
    if user.role in {Role.OFFICE, Role.ADMIN}:
        return towns
    return towns.none()


def household_villages_in_scope(user: User) -> QuerySet[Division]:
    if user.role not in {Role.OFFICE, Role.ADMIN, Role.TOWN, Role.AGENT}:
        return Division.objects.none()
    return villages_in_scope(user)


def main_activities() -> list[str]:
    """The roster's distinct main activities; a full scan, so cached for an hour (county-wide categories)."""
    values = cache.get("registry:main_activities")
    if values is None:
        values = sorted(
            Household.objects.exclude(main_activity="")
            .values_list("main_activity", flat=True)
            .distinct()
            .order_by()
        )
        cache.set("registry:main_activities", values, 3600)
    return values


def personal_lookup_key(term: str) -> str | None:
    """The current key's look-up hash of an ID number or mobile number, or None when the term is neither."""
    return crypto.lookup_hash(crypto.normalise(term)) if lists.is_personal_term(term) else None


def personal_lookup_keys(term: str) -> list[str]:
    """The look-up hashes of an ID number or mobile number under every active key (see lists)."""
    return lists.personal_term_hashes(term)


def household_clear_value(household: Household, field: str) -> str:
    if field not in PERSONAL_FIELDS:
        raise ValueError(field)
    return getattr(household, field) or ""


def household_unmask_log(user: User, household: Household) -> QuerySet[AuditLog]:
    """Who viewed this household's personal data in clear, newest first (office and admin only)."""
    return (
        audit_logs_for(user)
        .filter(action=AuditLog.Action.UNMASK, object_type=Household._meta.label, object_id=str(household.pk))
        .select_related("actor")
        .order_by("-at", "-id")
    )


# ----- firms -----


def firm_towns_in_scope(user: User) -> QuerySet[Division]:
    towns = divisions_for(user).filter(level=Division.Level.TOWN)
    if user.role == Role.TOWN:
        return towns.filter(pk=user.town_id)
    if user.role in {Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT}:
        return towns
    return towns.none()


def firm_industries() -> list[str]:
    values = cache.get("registry:firm_industries")
    if values is None:
        values = sorted(Firm.objects.values_list("industry", flat=True).distinct().order_by())
        cache.set("registry:firm_industries", values, 3600)
    return values


# ----- the roster's counts, now and on any date -----


def roster_counts(village_ids=None, *, town=None) -> dict[int, tuple[int, int, int]]:
    """Village pk → (households, farm households, population) of the active households on the roster
    (population: the sum of household sizes), for the given villages or a town's."""
    qs = Household.objects.filter(status=Household.Status.ACTIVE)
    if town is not None:
        qs = qs.filter(town_id=town)
    parts = [None] if village_ids is None else list(_chunks(sorted(set(village_ids))))
    counts = {}
    for part in parts:
        rows = qs if part is None else qs.filter(village_id__in=part)
        for row in (
            rows.values("village_id")
            .annotate(n=Count("pk"), farm=Count("pk", filter=Q(is_farm=True)), people=Sum("size"))
            .order_by()
        ):
            counts[row["village_id"]] = (row["n"], row["farm"], row["people"] or 0)
    return counts


def _chunks(values: list, size: int = 2000):
    for i in range(0, len(values), size):
        yield values[i : i + size]


def households_as_of(on, *, village_ids=None) -> dict[int, tuple[int, int, int]]:
    """The register as it stood on `on`: village pk → (households, farm households, population), from the
    history versions valid that day (`HouseholdVersion`). A household stored before versions were kept
    counts with its current village and size on any date."""
    valid = (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gt=on)
    )
    versions = HouseholdVersion.objects.filter(valid)
    unversioned = Household.objects.filter(status=Household.Status.ACTIVE, versions__isnull=True).filter(
        Q(formed_on__isnull=True) | Q(formed_on__lte=on)
    )
    if village_ids is not None:
        versions = versions.filter(village_id__in=list(village_ids))
        unversioned = unversioned.filter(village_id__in=list(village_ids))
    counts: dict[int, list[int]] = {}
    for qs in (versions, unversioned):
        for row in (
            qs.values("village_id")
            .annotate(n=Count("pk"), farm=Count("pk", filter=Q(is_farm=True)), people=Sum("size"))
            .order_by()
        ):
            c = counts.setdefault(row["village_id"], [0, 0, 0])
            c[0] += row["n"]
            c[1] += row["farm"]
            c[2] += row["people"] or 0
    return {pk: tuple(c) for pk, c in counts.items()}


def census_as_of(user: User, on) -> list[dict]:
    """Per town and village in the user's scope: households, farm households and population on `on`."""
    villages = list(
        household_villages_in_scope(user).select_related("parent").order_by("parent__code", "code")
    )
    counts = households_as_of(on, village_ids=[v.pk for v in villages])
    rows = []
    for v in villages:
        n, farm, people = counts.get(v.pk, (0, 0, 0))
        rows.append({"village": v, "town": v.parent, "households": n, "farm": farm, "population": people})
    return rows


# ----- one household's page: members, history -----


class MaskedMember:
    """A member for templates: the ID number masked, never the hash."""

    def __init__(self, member: HouseholdMember):
        self.name = member.name
        self.relation = member.get_relation_display()
        self.id_number = crypto.mask_id_number(member.id_number) if member.id_number else ""
        self.birth_date = member.birth_date
        self.sex = member.get_sex_display()


def household_members(household: Household) -> list[MaskedMember]:
    order = {code: i for i, (code, _label) in enumerate(HouseholdMember.Relation.choices)}
    members = sorted(household.members.all(), key=lambda m: (order.get(m.relation, 99), m.birth_date))
    return [MaskedMember(m) for m in members]


def household_events(household: Household) -> QuerySet[HouseholdEvent]:
    return (
        HouseholdEvent.objects.filter(Q(household=household) | Q(other=household))
        .select_related("household", "other", "from_village", "to_village")
        .order_by("-on", "-id")
    )


def household_versions(household: Household) -> QuerySet[HouseholdVersion]:
    return household.versions.select_related("village").order_by("-valid_to", "-id")


def household_history(household: Household) -> list[dict]:
    """The household's change history (`core.selectors.record_history`), with its members' changes (kept in
    the audit rows by name and relation) and, for a household created by a roster import, that import."""
    history = record_history(household)
    for item in history:
        before, after = item["log"].before or {}, item["log"].after or {}
        if "members" in after and before.get("members") != after.get("members"):
            item["changes"].append(
                {
                    "label": "家庭成员",
                    "before": "、".join(before.get("members") or []) or None,
                    "after": "、".join(after.get("members") or []) or None,
                }
            )
    if household.created_log_id:
        log = AuditLog.objects.filter(pk=household.created_log_id).select_related("actor").first()
        if log is not None:
            first = household.versions.order_by("id").select_related("village").first()
            changes = [{"label": "建立方式", "before": None, "after": log.object_repr}]
            if first is not None:
                changes += [
                    {"label": "所在村", "before": None, "after": first.village.name},
                    {"label": "家庭人口", "before": None, "after": first.size},
                ]
            history.append({"log": log, "changes": changes})
    return history


def roster_rows(households) -> Iterator[list]:
    """Households as the roster import reads them (`household_columns.SPEC`, one row per member, the household
    columns on the head's row), clear ID numbers and phones included: for a caller that may see them. A
    household stored without member rows (the demo's) gives its head's row alone."""
    from puhui.registry.household_columns import SPEC

    labels = dict(HouseholdMember.Relation.choices)
    members: dict[int, list[HouseholdMember]] = {}
    households = list(households.select_related("village").order_by("code"))
    for m in HouseholdMember.objects.filter(household__in=[h.pk for h in households]).order_by("id"):
        members.setdefault(m.household_id, []).append(m)
    yield [c.header for c in SPEC.columns]
    for h in households:
        head = [
            h.phone or "",
            "是" if h.is_farm else "否",
            h.size,
            h.land_area_mu,
            h.main_activity,
            h.annual_income,
            h.formed_on or "",
            "",
        ]
        people = members.get(h.pk) or [None]
        for m in people:
            if m is None:
                yield [h.code, h.village.code, h.head_name, "户主", h.head_id_number, *head]
            elif m.relation == HouseholdMember.Relation.HEAD:
                yield [h.code, h.village.code, m.name, labels[m.relation], m.id_number, *head]
            else:
                yield [h.code, h.village.code, m.name, labels[m.relation], m.id_number, *[""] * len(head)]
