"""What a household roster import will write, and the writing (`household_import.HouseholdImport`).

The checks fill a `RosterWriter` household by household: new households (indices into the file's columns),
and for each stored household only what differs — its changed fields, the members to add, rename or remove —
so an upsert of an unchanged roster plans, and writes, nothing. `write()` then stores the plan in bulk:
members leaving first (a person moving between two households of the file keeps the unique ID hash free),
then new households with their members and first history version, then the changes, each household with its
audit row; finally the villages touched are recounted.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING

from puhui.core import crypto
from puhui.core.audit import audit_record, snapshot
from puhui.core.models import AuditLog
from puhui.imports.engine import chunks
from puhui.registry.bulk import allocate_ids, encrypted, insert_rows, update_rows
from puhui.registry.household_columns import (
    HOUSEHOLD_KEYS,
    RELATIONS,
    age_on,
    birth_date,
    hundredths,
    id_text,
    sex_of,
)
from puhui.registry.models import Household, HouseholdEvent, HouseholdMember, HouseholdVersion

if TYPE_CHECKING:
    from puhui.registry.household_import import HouseholdImport

BATCH = 1000
NEW_BATCH = 5000  # new households per COPY round (~16,000 members)
# Household fields an import compares (phone and head ID number by their look-up hashes).
COMPARED = (
    "village_id",
    "town_id",
    "head_name",
    "size",
    "is_farm",
    "main_activity",
    "land_area_mu",
    "annual_income",
    "formed_on",
)
VERSIONED = ("village_id", "size", "is_farm")
K = {key: i for i, key in enumerate(HOUSEHOLD_KEYS)}
FORMED_ON = K["formed_on"]
# A stored household as the checks read it (no clear personal data: phone and head ID by their hashes).
EXISTING = (
    "id",
    "code",
    "village_id",
    "town_id",
    "status",
    "dissolved_on",
    "head_name",
    "head_id_hash",
    "phone_hash",
    "size",
    "is_farm",
    "main_activity",
    "land_area_mu",
    "annual_income",
    "formed_on",
)


@dataclass
class Change:
    """One stored household's differences from the file."""

    hh: int  # index in the file's columns
    pk: int
    fields: set[str] = field(default_factory=set)
    added: list[int] = field(default_factory=list)  # member indices
    renamed: list[tuple[int, int, str, str]] = field(
        default_factory=list
    )  # (member pk, index, old name, old relation)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (name, relation) of members leaving
    effective: datetime.date | None = None  # when a versioned field changes
    # The stored history versions (pk, valid_from, valid_to), oldest first, when versions or 立户日期 change.
    versions: list[tuple] = field(default_factory=list)


class RosterWriter:
    def __init__(self, importer):
        self.imp = importer
        self.new: list[int] = []
        self.changes: list[Change] = []
        self.leaving: set[int] = set()  # member pks removed from their household (or moving to another)
        self.village_delta: Counter = Counter()
        self.touched: set[int] = set()
        self._dated: list[Change] = []  # this chunk's changes whose history versions are read at its end

    # ---------------------------------------------------------------- planning

    def village_of(self, hh: int) -> tuple[int, int]:
        imp = self.imp
        return imp.village_ids[imp.r.m_village[imp.head_member[hh]]]

    def add_new(self, hh: int) -> None:
        village, _town = self.village_of(hh)
        self.new.append(hh)
        self.village_delta[village] += 1
        self.touched.add(village)

    def compare(self, hh: int, ex: tuple, stored: list[tuple], hashes: dict[str, int], hits: dict) -> None:
        """Plan the differences between the file's household `hh` and its stored row `ex` and members."""
        imp, r = self.imp, self.imp.r
        old = SimpleNamespace(**dict(zip(EXISTING, ex, strict=True)), phone="")  # phone: by its hash
        new = household_values(imp, hh, old)
        change = Change(hh=hh, pk=old.id)
        change.fields = {f for f in COMPARED if new[f] != getattr(old, f)}
        head = imp.head_member[hh]
        if old.head_id_hash != imp.digest(head) and (
            not imp.rotating or old.head_id_hash not in crypto.lookup_hashes(new["head_id_number"])
        ):
            change.fields.add("head_id_number")
        if (
            "phone" in imp.present
            and (crypto.lookup_hash(new["phone"]) if new["phone"] else "") != old.phone_hash
        ):
            change.fields.add("phone")
        matched = set()
        for _hh, pk, digest, name, relation in stored:
            i = hashes.get(digest)
            if i is None or r.m_hh[i] != hh:
                change.removed.append((name, relation))
                self.leaving.add(pk)
                continue
            matched.add(i)
            if (name, relation) != (r.name(i), RELATIONS[r.m_rel[i]]):
                change.renamed.append((pk, i, name, relation))
        for i in imp.members_of(hh):
            i = int(i)
            if i not in matched:
                change.added.append(i)
                hit = hits.get(i)
                if hit is not None and hit[0] is not None:
                    self.leaving.add(hit[0])  # moving here from another household of the file
        if not (change.fields or change.added or change.renamed or change.removed):
            imp.result.unchanged += 1
            return
        if change.fields & set(VERSIONED):
            change.effective = effective_on(imp, hh)
            self.touched.update({old.village_id, new["village_id"]})
        if change.effective or "formed_on" in change.fields:
            self._dated.append(change)
        if new["village_id"] != old.village_id:
            self.village_delta[old.village_id] -= 1
            self.village_delta[new["village_id"]] += 1
        self.changes.append(change)

    def end_chunk(self) -> None:
        """Read the history versions of this chunk's dated changes in one query and check the dates: a
        change takes effect no earlier than the household's last one; 立户日期 precedes its first change."""
        imp, dated = self.imp, self._dated
        self._dated = []
        if not dated:
            return
        versions: dict[int, list[tuple]] = {}
        for part in chunks([c.pk for c in dated]):
            for hh, pk, start, end in HouseholdVersion.objects.filter(household_id__in=part).values_list(
                "household_id", "id", "valid_from", "valid_to"
            ):
                versions.setdefault(hh, []).append((pk, start, end))
        for change in dated:
            change.versions = sorted(versions.get(change.pk, []), key=lambda v: (v[1] is not None, v[1]))
            row = imp.r.head_row[change.hh]
            last = max((v[1] for v in change.versions if v[1]), default=None)
            if change.effective and last and last > change.effective:
                imp._error(
                    row,
                    "changed_on",
                    change.effective,
                    f"变动日期 {change.effective} 早于该户上次变动的日期 {last}：历史记录只能向后续写",
                )
            formed = imp.r.values[change.hh][FORMED_ON]
            first_end = change.versions[0][2] if change.versions else None
            if "formed_on" in change.fields and formed and first_end and formed >= first_end:
                imp._error(row, "formed_on", formed, f"立户日期 {formed} 晚于该户的第一次变动（{first_end}）")

    # ---------------------------------------------------------------- writing

    def write(self) -> None:
        from puhui.registry import services

        imp, result = self.imp, self.imp.result
        for part in chunks(self.leaving, BATCH):
            HouseholdMember.objects.filter(pk__in=part).delete()
        result.members_removed = len(self.leaving)
        total = len(self.new) + len(self.changes)
        done = 0
        if self.new:
            log = self._creation_log()
            writer = _NewRows(imp, log.pk)
            for part in chunks(self.new, NEW_BATCH):
                writer.write(part)
                done += len(part)
                imp.progress(1, 2, f"正在保存：{done:,} / {total:,} 户")
        for part in chunks(self.changes, BATCH):
            self._write_changes(part)
            done += len(part)
            imp.progress(1, 2, f"正在保存：{done:,} / {total:,} 户")
        if self.touched:
            summary = services.census_recount(
                actor=imp.actor, village_ids=self.touched, note=f"{imp._note()}后按名录重算"
            )
            result.villages_recounted = summary["villages"]

    def _creation_log(self):
        """The one audit row of the households this import creates (who, when, which file); each of them
        points at it (`Household.created_log`) and shows it in its history."""
        imp = self.imp
        members = sum(len(imp.members_of(hh)) for hh in self.new)
        return audit_record(
            actor=imp.actor,
            action=AuditLog.Action.CREATE,
            object_type=Household._meta.label,
            object_repr=f"导入新增 {len(self.new):,} 户：{imp.result.filename}"[:200],
            after={"file": imp.result.filename, "households": len(self.new), "members": members},
            note=imp._note(),
        )

    def _write_changes(self, part: list[Change]) -> None:
        imp, r = self.imp, self.imp.r
        stored = Household.objects.in_bulk([c.pk for c in part])
        updates: dict[tuple[str, ...], list[Household]] = {}
        entries, renamed, added = [], [], []
        history = _History()
        for change in part:
            obj = stored[change.pk]
            before = snapshot(obj)
            was = SimpleNamespace(
                village_id=obj.village_id, town_id=obj.town_id, size=obj.size, is_farm=obj.is_farm
            )
            for name, value in household_values(imp, change.hh, obj).items():
                setattr(obj, name, value)
            obj.head_id_hash = crypto.lookup_hash(obj.head_id_number)
            obj.phone_hash = crypto.lookup_hash(obj.phone) if obj.phone else ""
            fields = _columns(change.fields)
            if fields:
                updates.setdefault(fields, []).append(obj)
            for pk, i, _name, _relation in change.renamed:
                renamed.append(HouseholdMember(pk=pk, name=r.name(i), relation=RELATIONS[r.m_rel[i]]))
            mine = [HouseholdMember(household_id=obj.pk, **member_values(imp, i)) for i in change.added]
            added.extend(mine)
            history.plan(change, obj, was, imp)
            members_before = change.removed + [(n, rel) for _pk, _i, n, rel in change.renamed]
            members_after = [(m.name, m.relation) for m in mine] + [
                (r.name(i), RELATIONS[r.m_rel[i]]) for _pk, i, _n, _rel in change.renamed
            ]
            entries.append((obj, before, members_before, members_after))
        for fields, objs in updates.items():
            update_rows(Household, fields, objs)
        update_rows(HouseholdMember, ["name", "relation"], renamed)
        HouseholdMember.objects.bulk_create(added, batch_size=BATCH)
        imp.result.versions += history.write()
        imp.audit(entries)
        imp.result.updated += len(part)
        imp.result.members_updated += len(renamed)
        imp.result.members_created += len(added)


class _NewRows:
    """New households, their members and first history versions, written with `bulk.insert_rows`: the values
    encrypted and hashed here as the model fields would."""

    HOUSEHOLD = (
        "id",
        "code",
        "village_id",
        "town_id",
        "head_name",
        "head_id_number",
        "head_id_hash",
        "phone",
        "phone_hash",
        "head_age",
        "size",
        "is_farm",
        "main_activity",
        "land_area_mu",
        "annual_income",
        "status",
        "formed_on",
        "dissolved_on",
        "merged_into_id",
        "created_log_id",
    )
    MEMBER = ("household_id", "name", "relation", "id_number", "id_hash", "birth_date", "sex")
    VERSION = ("household_id", "valid_from", "valid_to", "village_id", "town_id", "size", "is_farm")

    def __init__(self, imp, log_id: int):
        self.imp = imp
        self.log_id = log_id
        self.head_id = encrypted(Household, "head_id_number")
        self.phone = encrypted(Household, "phone")
        self.member_id = encrypted(HouseholdMember, "id_number")

    def write(self, part: list[int]) -> None:
        imp, r = self.imp, self.imp.r
        households, members, versions = [], [], []
        for hh, pk in zip(part, allocate_ids(Household, len(part)), strict=True):
            v = household_values(imp, hh)
            head, phone = v["head_id_number"], v["phone"]
            households.append(
                (
                    pk,
                    r.codes[hh],
                    v["village_id"],
                    v["town_id"],
                    v["head_name"],
                    self.head_id(head),
                    imp.digest(imp.head_member[hh]),
                    self.phone(phone),
                    crypto.lookup_hash(phone) if phone else "",
                    v["head_age"],
                    v["size"],
                    v["is_farm"],
                    v["main_activity"],
                    v["land_area_mu"],
                    v["annual_income"],
                    Household.Status.ACTIVE,
                    v["formed_on"],
                    None,
                    None,
                    self.log_id,
                )
            )
            for i in imp.members_of(hh):
                # Inline rather than member_values(): this loop runs 650,000 times.
                idn = id_text(r.m_id[i])
                born = datetime.date(int(idn[6:10]), int(idn[10:12]), int(idn[12:14]))
                sex = "M" if int(idn[16]) % 2 else "F"
                members.append(
                    (pk, r.name(i), RELATIONS[r.m_rel[i]], self.member_id(idn), imp.digest(i), born, sex)
                )
            versions.append(
                (pk, v["formed_on"], None, v["village_id"], v["town_id"], v["size"], v["is_farm"])
            )
        insert_rows(Household, self.HOUSEHOLD, households)
        insert_rows(HouseholdMember, self.MEMBER, members)
        insert_rows(HouseholdVersion, self.VERSION, versions)
        imp.result.created += len(households)
        imp.result.members_created += len(members)
        imp.result.versions += len(versions)


class _History:
    """The history rows of a batch of changed households, written in bulk: the open version closed on the
    change's date and a new one opened (or, opened that very day, corrected); a household stored before
    versions existed first gets its earlier state as a version from the start of the records; a changed
    立户日期 moves the first version's start; a move between villages is a `HouseholdEvent`."""

    def __init__(self):
        self.corrected: list[HouseholdVersion] = []
        self.closed: list[HouseholdVersion] = []
        self.started: list[HouseholdVersion] = []
        self.created: list[HouseholdVersion] = []
        self.events: list[HouseholdEvent] = []

    def plan(self, change: Change, obj: Household, was, imp) -> None:
        versions = change.versions
        if "formed_on" in change.fields and versions:
            self.started.append(HouseholdVersion(pk=versions[0][0], valid_from=obj.formed_on))
        on = change.effective
        if on is None:
            return
        current = next((v for v in versions if v[2] is None), None)
        if current and current[1] == on:
            self.corrected.append(HouseholdVersion(pk=current[0], **_state(obj)))
        else:
            if current:
                self.closed.append(HouseholdVersion(pk=current[0], valid_to=on))
            else:
                self.created.append(
                    HouseholdVersion(
                        household_id=obj.pk,
                        valid_from=obj.formed_on,
                        valid_to=on,
                        village_id=was.village_id,
                        town_id=was.town_id,
                        size=was.size,
                        is_farm=was.is_farm,
                    )
                )
            self.created.append(HouseholdVersion(household_id=obj.pk, valid_from=on, **_state(obj)))
        if was.village_id != obj.village_id:
            self.events.append(
                HouseholdEvent(
                    kind=HouseholdEvent.Kind.MOVE,
                    on=on,
                    household_id=obj.pk,
                    from_village_id=was.village_id,
                    to_village_id=obj.village_id,
                    note=imp._note()[:200],
                    **imp.event_actor(),
                )
            )

    def write(self) -> int:
        HouseholdVersion.objects.bulk_update(self.started, ["valid_from"], batch_size=200)
        HouseholdVersion.objects.bulk_update(self.corrected, list(_STATE), batch_size=200)
        HouseholdVersion.objects.bulk_update(self.closed, ["valid_to"], batch_size=200)
        HouseholdVersion.objects.bulk_create(self.created, batch_size=BATCH)
        HouseholdEvent.objects.bulk_create(self.events, batch_size=BATCH)
        return len(self.started) + len(self.corrected) + len(self.closed) + len(self.created)


_STATE = ("village_id", "town_id", "size", "is_farm")


def _state(obj: Household) -> dict:
    return {name: getattr(obj, name) for name in _STATE}


def _columns(changed: set[str]) -> tuple[str, ...]:
    """The columns to UPDATE for the changed fields: an encrypted value with its look-up hash (bulk_update
    does not run the hash field's pre_save), the head's age with the head."""
    out = set(changed)
    if "head_id_number" in out:
        out |= {"head_id_hash", "head_age"}
    if "phone" in out:
        out.add("phone_hash")
    return tuple(sorted(out))


def member_values(importer: HouseholdImport, i: int) -> dict:
    """A member row's values, ready for the model."""
    r = importer.r
    text = id_text(r.m_id[i])
    return {
        "name": r.name(i),
        "relation": RELATIONS[r.m_rel[i]],
        "id_number": text,
        "birth_date": birth_date(text),
        "sex": sex_of(text),
    }


def household_values(importer: HouseholdImport, hh: int, stored: Household | None = None) -> dict:
    """The household's values after this import: the head row's, with columns absent from the file kept as
    stored (an upsert) or at their defaults (a new household)."""
    r, present = importer.r, importer.present
    values = r.values[hh]
    head = importer.head_member[hh]
    head_id = id_text(r.m_id[head])
    village, town = importer.village_ids[r.m_village[head]]
    out = {
        "village_id": village,
        "town_id": town,
        "head_name": r.name(head),
        "head_id_number": head_id,
        "head_age": age_on(birth_date(head_id), importer.today),
    }
    count = len(importer.members_of(hh))
    given = {
        "phone": values[K["phone"]] or "",
        "is_farm": bool(values[K["is_farm"]]),
        "size": values[K["size"]] or count,
        "land_area_mu": hundredths(values[K["land_area_mu"]]),
        "main_activity": values[K["main_activity"]] or "",
        "annual_income": hundredths(values[K["annual_income"]]),
        "formed_on": values[K["formed_on"]],
    }
    for key, value in given.items():
        if stored is None or key in present or (key == "size" and stored.size < count):
            out[key] = value
        else:
            out[key] = getattr(stored, key)
    return out


def effective_on(importer: HouseholdImport, hh: int) -> datetime.date:
    return importer.r.values[hh][K["changed_on"]] or importer.today
