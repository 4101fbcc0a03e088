"""The household roster import (`households` in IMPORT_TABLES): one row per member, all or nothing.

Reading keeps the file in columns (`household_columns.Roster`, the engine's `gatherer` hook); the checks run
over those columns (numpy for the duplicates) and against the database in a few set-based queries: the file's
codes and ID hashes go into temporary tables, the stored households and members of those codes stream back in
file order, read chunk by chunk, and the people stored in another household come back at once (few). So a
200,000-household roster needs no per-row query and never holds every parsed row.

The checks leave a plan (`household_write.RosterWriter`), written in bulk: new households, members and history
versions by COPY (PostgreSQL), changes by one UPDATE per set of changed columns; an upsert writes only the
households and members that changed. A changed household gets its audit row (before and after, the members by
name and relation, never their ID numbers) naming the file; the households an import creates share one audit
row, which each of them points at (`Household.created_log`). The villages touched are recounted
(`services.census_recount`), and an import that would move a village's household count by more than
PUHUI_CENSUS_CONFIRM_SHARE asks for confirmation first (`confirmations`).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from puhui.core import crypto
from puhui.core.models import Division, User
from puhui.core.validators import area_codes_of, extra_area_codes
from puhui.imports.engine import MODE_CREATE, MODE_UPSERT, ImportResult, TableImport, chunks, run_import
from puhui.registry import selectors, services
from puhui.registry.access import may_import_households
from puhui.registry.bulk import Stream, drop_temp_table, temp_table
from puhui.registry.household_columns import (
    HEAD_BYTE,
    HOUSEHOLD_KEYS,
    SPEC,
    foreign_table,
    hundredths,
    id_text,
)
from puhui.registry.household_write import EXISTING, RosterWriter
from puhui.registry.models import Household, HouseholdMember

Role = User.Role
CHUNK = 600  # households per round of checks: what is held of the stored roster at a time, and progress
K = {key: i for i, key in enumerate(HOUSEHOLD_KEYS)}
E = {name: i for i, name in enumerate(EXISTING)}
HOUSEHOLDS = Household._meta.db_table
MEMBERS = HouseholdMember._meta.db_table
TEMP_HOUSEHOLDS, TEMP_PEOPLE = "roster_file_households", "roster_file_people"
_COLUMNS = ", ".join(f'h."{c}"' for c in EXISTING)
# The stored households of the file's codes, and their members, by the household's place in the file.
EXISTING_SQL = (
    f'SELECT f."hh", {_COLUMNS} FROM "{TEMP_HOUSEHOLDS}" f JOIN "{HOUSEHOLDS}" h ON h."code" = f."code" '
    'ORDER BY f."hh"'
)
STORED_SQL = (
    f'SELECT f."hh", m."id", m."id_hash", m."name", m."relation" FROM "{TEMP_HOUSEHOLDS}" f '
    f'JOIN "{HOUSEHOLDS}" h ON h."code" = f."code" JOIN "{MEMBERS}" m ON m."household_id" = h."id" '
    'ORDER BY f."hh", m."id"'
)
# People of the file stored in another household (a member row, or the head of one stored without members).
HITS_SQL = (
    f'SELECT t."i", m."id", m."household_id", h."code", h."town_id" FROM "{TEMP_PEOPLE}" t '
    f'JOIN "{MEMBERS}" m ON m."id_hash" = t."hash" JOIN "{HOUSEHOLDS}" h ON h."id" = m."household_id" '
    'WHERE h."code" <> t."code"'
)
HEAD_HITS_SQL = (
    f'SELECT t."i", h."id", h."code", h."town_id" FROM "{TEMP_PEOPLE}" t '
    f'JOIN "{HOUSEHOLDS}" h ON h."head_id_hash" = t."hash" WHERE h."status" = %s AND h."code" <> t."code"'
)


@dataclass
class HouseholdImportResult(ImportResult):
    members_created: int = 0
    members_updated: int = 0
    members_removed: int = 0
    versions: int = 0
    villages_recounted: int = 0

    @property
    def written(self) -> int:
        """Rows written: households, members and history versions (an upsert writes only what changed)."""
        return (
            self.created
            + self.updated
            + self.members_created
            + self.members_updated
            + self.members_removed
            + self.versions
        )

    def counts(self) -> dict[str, int]:
        return {
            **super().counts(),
            "members_created": self.members_created,
            "members_updated": self.members_updated,
            "members_removed": self.members_removed,
            "versions": self.versions,
            "written": self.written,
        }

    @property
    def summary(self) -> str:
        text = super().summary
        if not self.ok:
            return text
        text += (
            f"；家庭成员新增 {self.members_created:,} 人、更新 {self.members_updated:,} 人、"
            f"移出 {self.members_removed:,} 人"
        )
        if self.villages_recounted:
            text += f"；已按名录重算 {self.villages_recounted:,} 个村的户数和人口"
        return text


def acting_user(actor) -> User | None:
    """Whose scope applies: the user, an API token's virtual user (`actor.user`), or None for the command
    line's system actor (the whole county)."""
    if isinstance(actor, User):
        return actor
    user = getattr(actor, "user", None)
    return user if isinstance(user, User) else None


def _counties() -> list[tuple[str, str]]:
    return list(Division.objects.filter(level=Division.Level.COUNTY).values_list("code", "name"))


class HouseholdImport(TableImport):
    spec = SPEC
    model = Household
    exists_reason = "户编号已存在于系统中；如需修改，请选择“新增或更新”方式导入"
    result_class = HouseholdImportResult

    @classmethod
    def gatherer(cls, progress):
        from puhui.registry.household_columns import Roster

        return Roster(progress)

    # ---------------------------------------------------------------- checks

    def check(self) -> None:
        r = self.gathered
        self.r = r
        self.reader = self.parsed.reader
        self.present = self.parsed.present
        self.today = timezone.localdate()
        self.user = acting_user(self.actor)
        self.plan = RosterWriter(self)
        n = len(r.codes)
        self.m_hh = np.frombuffer(r.m_hh, dtype=np.uint32) if len(r.m_hh) else np.zeros(0, np.uint32)
        order = np.argsort(self.m_hh, kind="stable")
        # array.array, not numpy: element by element, numpy makes a scalar object of every value it yields.
        self.m_order = array("I", order.astype(np.uint32).tobytes())
        self.m_start = array(
            "Q", np.searchsorted(self.m_hh[order], np.arange(n + 1)).astype(np.uint64).tobytes()
        )
        self.head_member = array("q", [-1]) * n  # the member index of each household's (first) head row
        self.digests = bytearray(32 * len(r.m_id))  # each member's look-up hash, current key, once computed
        if "village_code" not in self.present:  # required as a column, filled on the head rows only
            header = SPEC.column("village_code").header
            self.parsed.errors.add(self.reader.header_row, header, "", f"缺少必需的列“{header}”")
            return
        self._report_reading()
        self._check_heads()
        self._check_duplicates_in_file()
        self._check_villages()
        self._check_database()

    def members_of(self, hh: int) -> array:
        return self.m_order[self.m_start[hh] : self.m_start[hh + 1]]

    def digest(self, i: int) -> str:
        """Member `i`'s look-up hash under the current key, as computed by the checks."""
        return self.digests[32 * i : 32 * i + 32].hex()

    def _error(self, number: int | None, key: str, value, reason: str) -> None:
        header = self.reader.header_of(key) if key else ""
        self.parsed.errors.add(number, header, value, reason)

    def _report_reading(self) -> None:
        r = self.r
        for number, key, value, reason in r.problems:
            self._error(number, key, value, reason)
        for number, cells in r.header_rows:
            foreign = foreign_table(cells)
            if foreign and foreign[1] >= 2:
                title = foreign[0]
                self._error(
                    number,
                    "",
                    "",
                    f"此行是“{title}”的表头：一个文件只能包含一张表，农户名录与{title}须分成两个文件分别导入",
                )
            elif sum(1 for c in cells if self.spec.match_header(c)) >= 3:
                self._error(number, "", "", "此行重复了表头：一个文件只能有一行表头，请删除此行")

    def _check_heads(self) -> None:
        """Each household: one head row with its village, a size not below its member rows, member rows
        agreeing with the head row."""
        r = self.r
        rel = np.frombuffer(bytes(r.m_rel), dtype=np.uint8)
        village = np.frombuffer(r.m_village, dtype=np.int32) if len(r.m_village) else np.zeros(0, np.int32)
        heads = np.flatnonzero(rel == HEAD_BYTE)[::-1]  # reversed: the first head of a household wins
        for i in heads.tolist():
            self.head_member[r.m_hh[i]] = i
        counts = np.bincount(self.m_hh, minlength=len(r.codes)) if len(self.m_hh) else []
        for hh, code in enumerate(r.codes):
            if not r.head_row[hh]:
                reason = f"户编号 {code} 没有户主行（每户须有一行“与户主关系”为“户主”）"
                self._error(r.first_row[hh], "relation", "", reason)
                continue
            if r.m_village[self.head_member[hh]] == -2:
                self._error(r.head_row[hh], "village_code", "", "户主行须填写村（社区）代码")
            size = r.values[hh][K["size"]]
            if size is not None and size < counts[hh]:
                reason = f"家庭人口 {size} 人少于本户的成员行数 {counts[hh]} 行"
                self._error(r.head_row[hh], "size", size, reason)
        for number, hh, key, value in r.extras:
            head = r.values[hh]
            if head is not None and head[K[key]] != value:
                shown = hundredths(value) if key in {"land_area_mu", "annual_income"} else value
                reason = f"与户主行（第 {r.head_row[hh]} 行）不一致：户级信息以户主行为准，成员行可不填"
                self._error(number, key, shown, reason)
        # A village on a member row is the head row's.
        head_village = np.full(len(r.codes), -1, dtype=np.int32)
        head_village[self.m_hh[heads]] = village[heads]
        expected = head_village[self.m_hh] if len(self.m_hh) else village
        for i in np.flatnonzero((village != expected) & (village >= 0) & (expected >= 0)).tolist():
            hh = r.m_hh[i]
            self._error(
                r.m_row[i],
                "village_code",
                r.villages[village[i]],
                f"与户主行（第 {r.head_row[hh]} 行）的村代码 {r.villages[expected[i]]} 不一致：同一户只能在一个村",
            )

    def _check_duplicates_in_file(self) -> None:
        r = self.r
        ids = np.frombuffer(r.m_id, dtype=np.int64) if len(r.m_id) else np.zeros(0, np.int64)
        valid = np.flatnonzero(ids)
        order = valid[np.argsort(ids[valid], kind="stable")]
        same = ids[order][1:] == ids[order][:-1]
        if not same.any():
            return
        starts = np.r_[True, ~same]
        first = order[np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))]
        for j in np.flatnonzero(~starts):
            i, f = order[j], first[j]
            if r.m_hh[i] == r.m_hh[f]:
                reason = f"同一户中身份证号重复（与第 {r.m_row[f]} 行相同）"
            else:
                reason = (
                    f"同一人不能属于两户：该身份证号已在第 {r.m_row[f]} 行（户编号 {r.codes[r.m_hh[f]]}）出现"
                )
            self._error(r.m_row[i], "id_number", crypto.mask_id_number(id_text(int(ids[i]))), reason)

    def _check_villages(self) -> None:
        """Each village code: of this county, in the system, a village, within a town official's town.
        And each ID number: of this county (its current or former codes: the one rule)."""
        r = self.r
        counties = {code[:6]: name for code, name in _counties()}
        found = {
            d["code"]: d
            for chunk in chunks(r.villages)
            for d in Division.objects.filter(code__in=chunk).values("id", "code", "level", "parent_id")
        }
        self.village_ids: dict[int, tuple[int, int]] = {}
        bad: dict[int, str] = {}
        for index, code in enumerate(r.villages):
            d = found.get(code)
            if counties and code[:6] not in counties:
                bad[index] = (
                    f"{code} 不是本县（{'、'.join(counties.values())}）的区划代码，不能导入外县的农户"
                )
            elif d is None:
                bad[index] = f"村（社区）代码 {code} 在系统中不存在，请先导入行政区划"
            elif d["level"] != Division.Level.VILLAGE:
                bad[index] = f"{code} 不是村（社区）级区划代码"
            elif self.user and self.user.role == Role.TOWN and d["parent_id"] != self.user.town_id:
                bad[index] = "该村不在您的管辖范围内（只能导入本镇（街道）的农户）"
            else:
                self.village_ids[index] = (d["id"], d["parent_id"])
        if bad:
            village = np.frombuffer(r.m_village, dtype=np.int32)
            for i in np.flatnonzero(np.isin(village, list(bad))):
                self._error(r.m_row[i], "village_code", r.villages[village[i]], bad[int(village[i])])
        self._check_id_areas()

    def _check_id_areas(self) -> None:
        """Residents of this county only: the ID number's area code is one of the county's current or former
        codes (`validators.area_codes_of`, the one rule) or one the deployment added for people who moved in
        (PUHUI_EXTRA_AREA_CODES, `validators.extra_area_codes`)."""
        counties = _counties()
        if not counties:
            return
        r = self.r
        areas = frozenset().union(*(area_codes_of(code, name) for code, name in counties))
        names = "、".join(name for _code, name in counties)
        reason = f"不是本县户籍的身份证号：地区码不是{names}的（{'、'.join(sorted(areas))}）"
        extra = extra_area_codes() - areas
        if extra:
            reason += f"，也不是本县认可的外县地区码（{'、'.join(sorted(extra))}）"
            areas |= extra
        ids = np.frombuffer(r.m_id, dtype=np.int64) if len(r.m_id) else np.zeros(0, np.int64)
        # The area code is the first six of 17 digits: key // 11 // 10**11.
        area = ids // 11 // 10**11
        allowed = np.array(sorted(int(a) for a in areas), dtype=np.int64)
        for i in np.flatnonzero((ids != 0) & ~np.isin(area, allowed)):
            self._error(r.m_row[i], "id_number", crypto.mask_id_number(id_text(int(ids[i]))), reason)

    # ---------------------------------------------------------------- against the database, in chunks

    def _check_database(self) -> None:
        """The file against the stored roster in a few set-based queries: the file's codes and ID hashes go
        into temporary tables; the stored households and members of the file's codes come back ordered by
        household and are read in step with the chunks (never all in memory); the people stored in another
        household than the file's are few and read at once."""
        r, n = self.r, len(self.r.codes)
        self.rotating = bool(crypto.old_masters())  # a key rotation: stored hashes may be under an old key
        temp_table(TEMP_HOUSEHOLDS, [("hh", "integer"), ("code", "varchar(20)")], enumerate(r.codes))
        temp_table(
            TEMP_PEOPLE, [("i", "integer"), ("hash", "varchar(64)"), ("code", "varchar(20)")], self._people()
        )
        hits = self._hits()
        existing = Stream(EXISTING_SQL, name="roster_existing")
        stored = Stream(STORED_SQL, name="roster_stored") if self.mode == MODE_UPSERT else None
        try:
            for start in range(0, n, CHUNK):
                end = min(n, start + CHUNK)
                self._check_chunk(
                    range(start, end), existing.until(end), stored.until(end) if stored else {}, hits
                )
                self.plan.end_chunk()
                self.progress(0, 2, f"正在核对：{end:,} / {n:,} 户")
        finally:
            existing.close()
            if stored:
                stored.close()
            drop_temp_table(TEMP_HOUSEHOLDS)
            drop_temp_table(TEMP_PEOPLE)

    def _people(self):
        """(member index, look-up hash, household code) of every ID number in the file, as the temporary table
        takes them (one row per active key during a key rotation); each hash is kept (`digests`) for the write."""
        r, rotating = self.r, self.rotating
        for i, key in enumerate(r.m_id):
            if key:
                text = id_text(key)
                found = crypto.lookup_hashes(text) if rotating else [crypto.lookup_hash(text)]
                self.digests[32 * i : 32 * i + 32] = bytes.fromhex(found[0])
                code = r.codes[r.m_hh[i]]
                for digest in found:
                    yield i, digest, code

    def _check_chunk(self, hhs: range, existing: dict, stored: dict, hits: dict[int, tuple]) -> None:
        for hh in hhs:
            ex = existing.get(hh)
            if ex is not None:
                ex = _stored_values(ex[0][1:])
                if not self._may_update(hh, ex):
                    continue
            for i in self.members_of(hh):
                if i in hits:
                    self._conflict(i, hits[i])
            if self.parsed.errors.total:
                continue  # nothing will be stored: no need to plan it
            if ex is None:
                self.plan.add_new(hh)
            else:
                self.plan.compare(hh, ex, stored.get(hh, []), self._hash_index(hh), hits)

    def _hash_index(self, hh: int) -> dict[str, int]:
        """The household's members by look-up hash (every active key's during a key rotation)."""
        index = {}
        for i in self.members_of(hh):
            if self.r.m_id[i]:
                index[self.digest(i)] = i
                if self.rotating:
                    for digest in crypto.lookup_hashes(id_text(self.r.m_id[i]))[1:]:
                        index[digest] = i
        return index

    def _hits(self) -> dict[int, tuple]:
        """Member index → (member pk or None, household pk, household code, town pk) of a person stored in
        another household than the file's: as a member, or as the head of an active household stored without
        member rows."""
        hits: dict[int, tuple] = {}
        with connection.cursor() as cursor:
            cursor.execute(HITS_SQL)
            for i, pk, hh, code, town in cursor.fetchall():
                hits[i] = (pk, hh, code, town)
            cursor.execute(HEAD_HITS_SQL, [Household.Status.ACTIVE])
            for i, hh, code, town in cursor.fetchall():
                hits.setdefault(i, (None, hh, code, town))
        return hits

    def _may_update(self, hh: int, ex: tuple) -> bool:
        r = self.r
        number, code = r.first_row[hh], r.codes[hh]
        if self.mode == MODE_CREATE:
            self._error(number, "code", code, self.exists_reason)
        elif self.user and self.user.role == Role.TOWN and ex[E["town_id"]] != self.user.town_id:
            self._error(number, "code", code, "该户编号已被其他镇（街道）的农户使用")
        elif ex[E["status"]] == Household.Status.DISSOLVED:
            self._error(number, "code", code, f"该户已于 {ex[E['dissolved_on']]} 注销，不能再导入")
        else:
            return True
        return False

    def _conflict(self, i: int, hit: tuple) -> None:
        """A person stored in another household: moving them is allowed only when that household is in the
        same upsert file (its rows there leave them out); otherwise one person would be in two households."""
        r = self.r
        _pk, _hh, code, town = hit
        if self.mode == MODE_UPSERT and code in r.index:
            return
        if self.user and self.user.role == Role.TOWN and town != self.user.town_id:
            where = "其他镇（街道）的农户中"
        else:
            where = f"户编号 {code} 的农户中"
        self._error(
            r.m_row[i],
            "id_number",
            crypto.mask_id_number(id_text(r.m_id[i])),
            f"该身份证号已登记在{where}：同一人不能属于两户（如确需调整，请先办理分户、合户，"
            "或用“新增或更新”在同一文件中一并修改原户）",
        )

    # ---------------------------------------------------------------- confirmation, writing

    def confirmations(self) -> list[str]:
        """Villages whose household count would move by more than the set share of their census figure."""
        delta = self.plan.village_delta
        villages = [pk for pk, change in delta.items() if change]
        if not villages:
            return []
        share = settings.PUHUI_CENSUS_CONFIRM_SHARE
        now = selectors.roster_counts(villages)
        warnings = []
        for pk, code, name, before in (
            Division.objects.filter(pk__in=villages)
            .order_by("code")
            .values_list("pk", "code", "name", "households")
        ):
            after = now.get(pk, (0, 0, 0))[0] + delta[pk]
            if before and abs(after - before) > share * before:
                change = (after - before) / before
                warnings.append(
                    f"{name}（{code}）：户数将由 {before:,} 户变为 {after:,} 户"
                    f"（{'增加' if change > 0 else '减少'} {abs(change):.1%}，超过 {share:.0%}）"
                )
        return warnings

    def write(self) -> None:
        self.plan.write()

    def audit(self, entries: list[tuple]) -> None:
        services.household_audit(actor=self.actor, entries=entries, note=self._note())

    def event_actor(self) -> dict:
        saved = self.actor if isinstance(self.actor, User) else None  # not an API token's unsaved user
        return {"actor": saved, "actor_label": str(self.actor or "系统")[:150]}


def household_import(*, actor, confirm: bool = False, **kwargs) -> ImportResult:
    """Import a household roster (CSV/Excel): every error with its row, column and reason, or everything
    stored. The office and administrators import the whole county; a town official only its own town's
    villages; the command line (a label as actor) the whole county."""
    user = acting_user(actor)
    if user is not None and not may_import_households(user):
        raise PermissionDenied
    result = run_import(HouseholdImport, actor=actor, confirm=confirm, **kwargs)
    if result.errors.fatal:
        _explain_foreign_headers(result)
    return result


def _explain_foreign_headers(result: ImportResult) -> None:
    """A header that is another register's (half a household roster, half a firm roster): say so plainly,
    first, besides the engine's 无法识别的列 for each column."""
    unknown = [e.column for e in result.errors if e.row is not None and e.reason.startswith("无法识别的列")]
    foreign = foreign_table(unknown)
    if not foreign:
        return
    title, count = foreign
    first = type(result.errors.items[0])(
        None,
        "",
        "",
        f"表头中有 {count} 列属于“{title}”（见下表）：这像是农户名录与{title}合在一个文件里。"
        f"两张表须分成两个文件，分别选择“{SPEC.title}”和“{title}”导入",
    )
    result.errors.items.insert(0, first)
    result.errors.total += 1


def _stored_values(row: tuple) -> tuple:
    """A stored household as `EXISTING` reads it, typed: SQLite gives decimals back as numbers."""
    row = list(row)
    for name in ("land_area_mu", "annual_income"):
        value = row[E[name]]
        if not isinstance(value, Decimal):
            row[E[name]] = Decimal(str(value)).quantize(Decimal("0.01"))
    row[E["is_farm"]] = bool(row[E["is_farm"]])
    return tuple(row)
