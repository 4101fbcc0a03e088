"""Bulk import of household credit archives (农户信用档案) from CSV or Excel, on the generic engine.

The file is read by `puhui.imports.tabular` (the same parsers, header matching, error list and templates
as the division and organisation imports); its columns are in `archive_columns.py`. Rows are streamed and
checked against the database in chunks: the household is looked up (by 户编号 or by the head's ID
number, matched on its lookup hash) **only among the households the importer may edit**
(`access.credit_households_for`: an agent's villages, a town official's town, the office everything;
banks and farmers may not import). A household outside that scope and one that does not exist get the
same answer, so the import cannot be used to learn which household an ID number belongs to.

Everything happens in one transaction and the chunks are written as they pass (bulk insert, one UPDATE
statement executed for many rows), but the first error stops the writing and the transaction is rolled
back at the end: all rows or none. Completeness and status follow `services.archive_apply`, the same
code the agent's form goes through, so an imported archive is `draft` or `submitted`, never `verified`.
Every import that reached the household checks is audited, refused ones included.
"""

from __future__ import annotations

import contextlib
import itertools
import operator
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from puhui.core import crypto
from puhui.core.audit import audit_record
from puhui.core.models import AuditLog, User
from puhui.credit import access
from puhui.credit.archive_columns import (  # noqa: F401 - re-exported: callers import them from here
    ARCHIVE_COLUMNS,
    KIND,
    MAIN_ACTIVITIES,
    MEMBERS_SHEET,
    MEMBERS_SPEC,
    SPEC,
    Activities,
    IdNumber,
    template_workbook,
)
from puhui.credit.models import ArchiveMember, HouseholdArchive
from puhui.credit.services import EDITABLE_FIELDS, archive_apply
from puhui.imports.engine import MODE_CREATE, MODES, ImportResult, Progress
from puhui.imports.tabular import (
    ErrorList,
    FileError,
    Row,
    TableReader,
    file_name,
    is_empty,
    open_table,
)
from puhui.registry.models import Household

Role = User.Role
CHUNK = 2000
# Written on every changed archive besides the editable fields (what `archive_apply` may touch).
STATE_FIELDS = [
    "completeness",
    "is_complete",
    "status",
    "collected_by",
    "verified_by",
    "verified_bank",
    "verified_town",
    "verified_at",
    "updated_at",
]
KEY_COLUMNS = {"household_code", "head_id_number"}
# What a household row carries through the checks: (pk, code, head_id_hash, head_name, village, town, size).
HOUSEHOLD_FIELDS = ("pk", "code", "head_id_hash", "head_name", "village_id", "town_id", "size")


# ---------------------------------------------------------------- who may import


def may_import(user) -> bool:
    """Those who may save archives (`access.may_edit_archive`): agents, town officials, the office."""
    return access.may_edit_archive(user)


def not_found_reason(actor) -> str:
    """The one answer for a household that does not exist and for one outside the importer's scope.

    It names no household and depends only on the importer, so a file of ID numbers learns nothing
    about households the importer may not see."""
    if isinstance(actor, User) and actor.role == Role.AGENT:
        return "找不到该农户，或不在您的管辖范围内（村级代办员只能导入本人负责村的农户）"
    if isinstance(actor, User) and actor.role == Role.TOWN:
        return "找不到该农户，或不在您的管辖范围内（只能导入本镇（街道）的农户）"
    if isinstance(actor, User) and actor.role not in {Role.OFFICE, Role.ADMIN}:
        return "找不到该农户，或不在您的管辖范围内"
    return "农户登记中找不到该农户"


class _Rollback(Exception):
    pass


@dataclass
class ArchiveImportResult(ImportResult):
    members: int = 0  # members stored from the second sheet

    @property
    def summary(self) -> str:
        text = super().summary
        return f"{text}；家庭成员 {self.members} 人" if self.members else text


# ---------------------------------------------------------------- the import


def archive_import(
    *,
    actor,
    file,
    mode: str = MODE_CREATE,
    filename: str = "",
    sheet: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import archives from CSV/Excel bytes, a path or an uploaded file; all rows or none.

    `actor` is a user (scope and role checked) or a label for the command line (whole county). `progress`
    (a background import) hears of the two phases: checked, stored.
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    if isinstance(actor, User) and not may_import(actor):
        raise PermissionDenied
    errors = ErrorList()
    filename = filename or file_name(file)
    result = ArchiveImportResult(kind=KIND, title=SPEC.title, mode=mode, filename=filename, errors=errors)
    checked = False  # the rows reached the checks against the registry
    try:
        with open_table(
            file,
            filename=filename,
            max_bytes=settings.PUHUI_IMPORT_MAX_BYTES,
            sheet=sheet,
            preferred_sheet=SPEC.data_sheet,
        ) as source:
            result.source = source.description
            reader = TableReader(SPEC, source, errors, row_checks=False)
            if reader.ok and not KEY_COLUMNS & reader.headers.keys():
                errors.add_fatal(
                    reader.header_row,
                    "户编号",
                    "",
                    "缺少“户编号”列或“户主身份证号”列（至少要有一列，用来确定是哪一户）",
                )
            if errors.fatal:
                return result
            checked = True
            with transaction.atomic():
                job = _ArchiveImport(reader=reader, actor=actor, mode=mode, result=result)
                rows = iter(reader)
                while chunk := list(itertools.islice(rows, CHUNK)):
                    job.process(chunk)
                    if progress:
                        progress(reader.rows_read, 0, f"已检查 {reader.rows_read:,} 行")
                result.rows = reader.rows_read
                if source.format == "excel" and not errors.fatal:
                    job.import_members(file, filename)
                if errors:
                    raise _Rollback
                _audit(actor=actor, result=result, job=job)
    except FileError as e:
        errors.add_fatal(None, "", "", e.reason)
    except _Rollback:
        pass
    except IntegrityError:
        # Someone saved an archive for one of these households between our check and our write.
        errors.add(None, "", "", "写入时与他人同时保存的档案冲突，本次未保存任何数据，请重新导入")
    if not result.ok:
        result.created = result.updated = result.unchanged = result.members = 0
        if checked:
            _audit(actor=actor, result=result, job=None)
    return result


def _audit(*, actor, result: ArchiveImportResult, job: _ArchiveImport | None) -> None:
    """One audit row per import: the counts of a stored file, or a refused file's error count.

    A refused import is recorded too (outside the rolled-back transaction): it looked households up by
    户编号 and ID number, and the office should see who tried what even when nothing was saved."""
    after = {
        "file": result.filename,
        "source": result.source,
        "mode": result.mode,
        "rows": result.rows,
        "saved": job is not None,
    }
    if job is None:
        after["errors"] = result.errors.total
        repr_, note = (
            f"{SPEC.title}导入（未保存）：{result.filename}",
            f"未导入：{result.errors.total} 处问题",
        )
    else:
        after.update(
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            submitted=job.submitted,
            draft=job.draft,
            members=result.members,
        )
        repr_, note = f"{SPEC.title}导入：{result.filename}", result.summary
    audit_record(
        actor=actor,  # a label for the command line: recorded as actor_label
        action=AuditLog.Action.IMPORT,
        object_type=HouseholdArchive._meta.label,
        object_repr=repr_,
        after=after,
        note=note,
    )


class _ArchiveImport:
    def __init__(self, *, reader: TableReader, actor, mode: str, result: ImportResult):
        self.reader = reader
        self.actor = actor
        self.mode = mode
        self.result = result
        self.errors = result.errors
        self.user = actor if isinstance(actor, User) else None  # None: the command line's system actor
        # Households are only ever looked up here: nothing outside the importer's scope is read.
        self.households = access.credit_households_for(actor) if self.user else Household.objects.all()
        self.not_found = not_found_reason(actor)
        self.seen: dict[int, int] = {}  # household id → first row number
        self.present = [k for k in ARCHIVE_COLUMNS if k in reader.headers]
        self.absent = [k for k in ARCHIVE_COLUMNS if k not in reader.headers]
        self.now = timezone.now()
        self.key_column = "household_code" if "household_code" in reader.headers else "head_id_number"
        self.submitted = self.draft = 0

    def error(self, row: Row, key: str, reason: str) -> None:
        self.reader.add_error(row, key, reason)

    # ------------------------------------------------------------ checks

    def _households(self, rows: list[Row]) -> tuple[dict[str, tuple], dict[str, list[tuple]]]:
        """The households the chunk names, by code and by head ID hash — within the importer's scope."""
        codes = {r.values["household_code"] for r in rows if r.values.get("household_code")}
        hashes = {  # under every active key: during a key rotation some rows still carry the old key's hash
            digest
            for r in rows
            if r.values.get("head_id_number")
            for digest in crypto.lookup_hashes(r.values["head_id_number"])
        }
        by_code = (
            {h[1]: h for h in self.households.filter(code__in=codes).values_list(*HOUSEHOLD_FIELDS)}
            if codes
            else {}
        )
        by_hash: dict[str, list[tuple]] = {}
        if hashes:
            for h in self.households.filter(head_id_hash__in=hashes).values_list(*HOUSEHOLD_FIELDS):
                by_hash.setdefault(h[2], []).append(h)
        return by_code, by_hash

    def _resolve(self, row: Row, by_code, by_hash) -> tuple | None:
        """The household a row names, or None (with the reason listed)."""
        v = row.values
        code, idn = v.get("household_code"), v.get("head_id_number")
        if not code and not idn:
            refused = any(not is_empty(self.reader.raw(row, k)) for k in KEY_COLUMNS)
            if not refused:  # a refused cell has its own error already
                self.error(row, self.key_column, "户编号和户主身份证号至少填写一项，用来确定是哪一户")
            return None
        hh = None
        if code:
            hh = by_code.get(code)
            if hh is None:
                self.error(row, "household_code", self.not_found)
                return None
        if idn:
            found = [h for digest in crypto.lookup_hashes(idn) for h in by_hash.get(digest, [])]
            if hh is not None:
                if hh not in found:
                    self.error(row, "head_id_number", f"户主身份证号与户编号 {code} 的户主不符")
                    return None
            elif not found:
                self.error(row, "head_id_number", self.not_found)
                return None
            elif len(found) > 1:
                self.error(row, "head_id_number", "以此身份证号为户主的农户不止一户，请填写户编号")
                return None
            else:
                hh = found[0]
        return hh

    def process(self, rows: list[Row]) -> None:
        by_code, by_hash = self._households(rows)
        resolved = [(row, hh) for row in rows if (hh := self._resolve(row, by_code, by_hash)) is not None]
        ids = [hh[0] for _, hh in resolved]
        existing = {a.pk: a for a in HouseholdArchive.objects.filter(household_id__in=ids)}
        checked: list[tuple[Row, tuple, HouseholdArchive | None]] = []
        for row, hh in resolved:
            archive = existing.get(hh[0])
            if self._check(row, hh, archive):
                checked.append((row, hh, archive))
        if not self.errors:
            self._write(checked)

    def _check(self, row: Row, hh: tuple, archive: HouseholdArchive | None) -> bool:
        """One row of a household in scope: once per file, the name, the mode and the merged values."""
        pk, code = hh[0], hh[1]
        key = "household_code" if row.values.get("household_code") else "head_id_number"
        first = self.seen.setdefault(pk, row.number)
        if first != row.number:
            self.error(row, key, f"与第 {first} 行是同一农户（户编号 {code}），每户只能填写一行")
            return False
        name = row.values.get("head_name")
        if name and name != hh[3]:
            self.error(row, "head_name", f"户主姓名与农户登记中户编号 {code} 的户主姓名不一致")
        if archive is not None and self.mode == MODE_CREATE:
            status = HouseholdArchive.Status(archive.status).label
            self.error(
                row,
                key,
                f"农户 {code} 已有信用档案（{status}），“仅新增”方式不能覆盖；如需按文件更新，请选择“新增或更新”",
            )
            return False
        merged = {k: getattr(archive, k) if archive else None for k in self.absent}
        merged.update(row.values)
        for k, reason in SPEC.check_row(SPEC.complete(merged)):
            self.error(row, k, reason)
        labour = merged.get("labour_count")
        if labour is not None and hh[6] and labour > hh[6]:
            self.error(
                row, "labour_count", f"家庭劳动力人数（{labour}）不能多于农户登记的家庭人口（{hh[6]}）"
            )
        return row.ok

    # ------------------------------------------------------------ members (second sheet)

    def import_members(self, file, filename: str) -> None:
        with contextlib.ExitStack() as stack:
            try:
                source = stack.enter_context(open_table(file, filename=filename, sheet=MEMBERS_SHEET))
            except FileError:
                # The workbook was read a moment ago, so the one refusal left is "no such sheet": no members
                # to import, members stay as they are. (Asking for it by name never loads another sheet.)
                return
            self.reader = TableReader(MEMBERS_SPEC, source, self.errors)
            if not self.errors.fatal and not KEY_COLUMNS & self.reader.headers.keys():
                self.errors.add_fatal(
                    self.reader.header_row,
                    "户编号",
                    "",
                    f"“{MEMBERS_SHEET}”工作表缺少“户编号”列或“户主身份证号”列（至少要有一列）",
                )
            if self.errors.fatal:
                return
            self.key_column = (
                "household_code" if "household_code" in self.reader.headers else "head_id_number"
            )
            cleared: set[int] = set()
            rows = iter(self.reader)
            while chunk := list(itertools.islice(rows, CHUNK)):
                members = self._members(chunk)
                if self.errors:
                    continue
                fresh = {m.archive_id for m in members} - cleared
                ArchiveMember.objects.filter(archive_id__in=fresh).delete()
                cleared |= fresh
                ArchiveMember.objects.bulk_create(members, batch_size=500)
                self.result.members += len(members)

    def _members(self, chunk: list[Row]) -> list[ArchiveMember]:
        """The members of one chunk of the members sheet (errors listed for the rest)."""
        by_code, by_hash = self._households(chunk)
        members = []
        for row in chunk:
            hh = self._resolve(row, by_code, by_hash)
            if hh is None:
                continue
            if hh[0] not in self.seen:
                key = "household_code" if row.values.get("household_code") else "head_id_number"
                self.error(row, key, f"农户 {hh[1]} 不在“农户信用档案”工作表中；家庭成员只能随档案一起导入")
                continue
            if row.ok:
                v = row.values
                members.append(
                    ArchiveMember(
                        archive_id=hh[0],
                        name=v["name"],
                        relation=v["relation"],
                        id_number=v.get("id_number") or "",
                        age=v.get("age"),
                        is_labour=bool(v.get("is_labour")),
                    )
                )
        return members

    # ------------------------------------------------------------ writes

    def _write(self, checked: list[tuple[Row, tuple, HouseholdArchive | None]]) -> None:
        created: list[HouseholdArchive] = []
        updated: list[HouseholdArchive] = []
        for row, hh, archive in checked:
            data = {k: row.values[k] for k in self.present if k in row.values}
            if archive is None:
                archive = HouseholdArchive(household_id=hh[0], village_id=hh[4], town_id=hh[5])
                archive_apply(archive, data, actor=self.user)
                created.append(archive)
            elif archive_apply(archive, data, actor=self.user):
                archive.updated_at = self.now
                updated.append(archive)
            else:
                self.result.unchanged += 1
                continue
            if archive.status == HouseholdArchive.Status.SUBMITTED:
                self.submitted += 1
            else:
                self.draft += 1
        HouseholdArchive.objects.bulk_create(created, batch_size=500)
        _update_many(updated, [*EDITABLE_FIELDS, *STATE_FIELDS])
        self.result.created += len(created)
        self.result.updated += len(updated)


def _update_many(objs: Iterable[HouseholdArchive], names: list[str]) -> None:
    """One UPDATE … WHERE pk = %s executed for every object: the set-based write for many rows whose
    values all differ (bulk_update's CASE per column grows with rows × columns)."""
    objs = list(objs)
    if not objs:
        return
    fields = [HouseholdArchive._meta.get_field(n) for n in names]
    # Python values the drivers take as they are; dates and times go through Django (time zone, format).
    dated = [(i, f.get_db_prep_save) for i, f in enumerate(fields) if isinstance(f, models.DateField)]
    values = operator.attrgetter(*(f.attname for f in fields), "pk")
    table = connection.ops.quote_name(HouseholdArchive._meta.db_table)
    pk_column = connection.ops.quote_name(HouseholdArchive._meta.pk.column)
    sets = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    params = []
    for obj in objs:
        row = list(values(obj))
        for i, prep in dated:
            row[i] = prep(row[i], connection)
        params.append(row)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk_column} = %s", params)  # noqa: S608 - quoted names
