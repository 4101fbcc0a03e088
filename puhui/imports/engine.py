"""The import engine: parse the whole file, check every row against the database, then store all of it or
none. Each register subclasses `TableImport` (its spec, its checks, its writes) and calls `run_import`.

Parsing happens outside the transaction; the database checks and the writes happen inside one, so what was
checked is what is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction

from puhui.core.audit import audit_record, snapshot
from puhui.core.models import AuditLog
from puhui.imports import tabular
from puhui.imports.tabular import ErrorList, ParsedTable, Row, TableSpec

Progress = Callable[[int, int, str], None]

MODE_CREATE = "create"
MODE_UPSERT = "upsert"
MODES = {
    MODE_CREATE: "仅新增（编码已存在即报错）",
    MODE_UPSERT: "新增或更新（已存在的按文件内容更新）",
}
# The actor recorded for imports run from the command line without --actor.
SYSTEM_ACTOR = "系统（命令行导入）"
_CHUNK = 2000
_UPDATE_BATCH = 200


@dataclass
class ImportResult:
    kind: str
    title: str
    mode: str
    filename: str
    errors: ErrorList
    source: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Organisations not in the file whose materialised path moved with a re-parented ancestor.
    moved_descendants: int = 0
    # Changes the user must confirm (`TableImport.confirmations`): stored only when the import was confirmed.
    warnings: list[str] = field(default_factory=list)
    needs_confirmation: bool = False

    @property
    def ok(self) -> bool:
        """Stored: no error, and nothing left to confirm."""
        return not self.errors and not self.needs_confirmation

    def counts(self) -> dict[str, int]:
        """What the import's audit row records; a register's result may add its own counts."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "moved_descendants": self.moved_descendants,
        }

    @property
    def mode_label(self) -> str:
        return MODES[self.mode]

    @property
    def summary(self) -> str:
        text = f"{self.title}：共 {self.rows} 行，新增 {self.created} 条，更新 {self.updated} 条，未变 {self.unchanged} 条"
        if self.moved_descendants:
            text += f"；另有 {self.moved_descendants} 个下级机构随上级调整了隶属路径"
        return text


class _Rollback(Exception):
    pass


def run_import(
    importer_class: type[TableImport],
    *,
    actor,
    file,
    mode: str = MODE_CREATE,
    filename: str = "",
    sheet: str | None = None,
    progress: Progress | None = None,
    confirm: bool = False,
) -> ImportResult:
    """Import one table with `importer_class` from CSV/Excel bytes, a path or an uploaded file.

    Returns the counts, or every error found; on any error nothing is stored. An import whose checks pass
    but which makes a change the register asks to confirm (`TableImport.confirmations`) stores nothing
    either unless `confirm` is set: the result then lists the warnings (`needs_confirmation`).
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    progress = progress or _no_progress
    spec = importer_class.spec
    gather = importer_class.gatherer(progress)
    parsed = tabular.parse(
        file,
        spec,
        filename=filename,
        max_bytes=settings.PUHUI_IMPORT_MAX_BYTES,
        sheet=sheet,
        row_checks=False,
        on_row=gather,
    )
    result = importer_class.result_class(
        kind=spec.name,
        title=spec.title,
        mode=mode,
        filename=parsed.filename,
        errors=parsed.errors,
        source=parsed.source,
        rows=parsed.reader.rows_read if parsed.reader else 0,
    )
    if parsed.errors.fatal:
        return result
    progress(0, 2, f"已读取 {result.rows:,} 行，正在与系统中的数据核对")
    try:
        with transaction.atomic():
            importer = importer_class(
                parsed=parsed, mode=mode, actor=actor, result=result, gathered=gather, progress=progress
            )
            importer.check()
            if result.errors:
                raise _Rollback
            result.warnings = importer.confirmations()
            if result.warnings and not confirm:
                result.needs_confirmation = True
                raise _Rollback
            progress(1, 2, "核对无误，正在保存")
            importer.write()
            _audit(importer, result)
    except _Rollback:
        pass
    except IntegrityError:
        # Someone stored the same code between our check and our write; nothing of ours was kept.
        result.errors.add(
            None, "", "", "写入时与他人同时提交的数据冲突（编码重复），本次未保存任何数据，请重新导入"
        )
    if not result.ok:
        result.created = result.updated = result.unchanged = result.moved_descendants = 0
    if result.ok:
        progress(2, 2, result.summary)
    elif result.needs_confirmation:
        progress(2, 2, f"有 {len(result.warnings):,} 处变化需要确认，未保存任何数据")
    else:
        progress(2, 2, f"有 {result.errors.total:,} 处问题，未保存任何数据")
    return result


def _audit(importer: TableImport, result: ImportResult) -> None:
    """The import's one summary row (the file, the mode, the counts, the changes confirmed)."""
    audit_record(
        actor=importer.actor,
        action=AuditLog.Action.IMPORT,
        object_type=importer.model._meta.label,
        object_repr=f"{result.title}导入：{result.filename}"[:200],
        after={
            "file": result.filename,
            "source": result.source,
            "mode": result.mode,
            "rows": result.rows,
            **result.counts(),
            **({"confirmed": result.warnings} if result.warnings else {}),
        },
        note=result.summary,
    )


def _no_progress(done: int, total: int, message: str = "") -> None:
    return None


# ---------------------------------------------------------------- shared plumbing


def chunks(values: Iterable, size: int = _CHUNK) -> Iterable[list]:
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i : i + size]


def by_code(queryset: models.QuerySet, codes: Iterable[str]) -> dict[str, Any]:
    """Rows (objects or `values()` dicts) by code, in chunks that stay under SQLite's parameter limit."""
    found = {}
    for chunk in chunks(sorted(codes)):
        for obj in queryset.filter(code__in=chunk):
            found[obj["code"] if isinstance(obj, dict) else obj.code] = obj
    return found


def bulk_update_changed(model: type[models.Model], changes: list[tuple[models.Model, dict | None]]) -> None:
    """UPDATE only the columns that changed, grouped by which ones, in small batches.

    bulk_update writes one CASE expression per column over the whole batch: every column of every
    row for a one-column change made a 6,500-village census update take 9–16 seconds.
    """
    groups: dict[tuple[str, ...], list[models.Model]] = {}
    for obj, before in changes:
        if before is None:
            continue
        after = snapshot(obj)
        fields = tuple(name for name in after if after[name] != before.get(name) and name != "id")
        groups.setdefault(fields, []).append(obj)
    for fields, objs in groups.items():
        model.objects.bulk_update(
            objs, [model._meta.get_field(f).name for f in fields], batch_size=_UPDATE_BATCH
        )


class TableImport:
    """One register's import: `check()` compares the parsed rows with the database (errors via `error`),
    `write()` stores them; both run in one transaction (`run_import`)."""

    spec: TableSpec
    model: type[models.Model]
    exists_reason: str
    result_class: type[ImportResult] = ImportResult

    def __init__(
        self,
        *,
        parsed: ParsedTable,
        mode: str,
        actor,
        result: ImportResult,
        gathered: Any = None,
        progress: Progress | None = None,
    ):
        self.parsed = parsed
        self.mode = mode
        self.actor = actor
        self.result = result
        self.gathered = gathered
        self.progress = progress or _no_progress
        # The first row of each code; later duplicates were reported by the reader.
        self.file_rows: dict[str, Row] = {}
        for row in parsed.rows:
            code = row.values.get("code")
            if code and code not in self.file_rows:
                self.file_rows[code] = row
        self.codes = set(self.file_rows)
        self.existing: dict[str, models.Model] = {}
        # (row, existing object or None, values with the database's for columns the file leaves out)
        self.plan: list[tuple[Row, Any, dict[str, Any]]] = []
        self.merged: dict[str, dict[str, Any]] = {}
        self.rejected: list[tuple[Row, dict[str, Any]]] = []
        self.flagged: set[tuple[int, str]] = set()

    @classmethod
    def gatherer(cls, progress: Progress) -> Callable[[Row], None] | None:
        """For a register whose files run to hundreds of thousands of rows (the household roster, one row
        per member): a callable given each parsed row as it is read, keeping only what the checks need, so
        the parsed rows are never all in memory. The importer finds it as `self.gathered`. None (the
        default): the rows are kept in `parsed.rows`."""
        return None

    def confirmations(self) -> list[str]:
        """Changes the user must confirm before they are stored (e.g. a village's household count moving by
        more than a set share), each a Chinese sentence; called after `check()` found no error. A non-empty
        list stores nothing unless the import was run with `confirm=True`."""
        return []

    def error(self, row: Row, key: str, reason: str) -> None:
        self.flagged.add((row.number, key))
        self.parsed.add_error(row, key, reason)

    def unknown_reference(self, row: Row, values: dict[str, Any], key: str, known) -> bool:
        """A rejected row's reference that is nowhere to be found, unless its cell already has an error."""
        code = values.get(key)
        return bool(code) and code not in known and (row.number, key) not in self.flagged

    def current_values(self, obj) -> dict[str, Any]:
        raise NotImplementedError

    def _merge(self) -> None:
        """Complete each parsed row: absent columns keep the stored value (upsert) or take their default.

        Rows already in error are kept aside (`rejected`) with what could be parsed, so that their
        references are still checked and the user sees every problem of the file at once.
        """
        for code, row in self.file_rows.items():
            ex = self.existing.get(code)
            if ex is not None and self.mode == MODE_CREATE:
                self.error(row, "code", self.exists_reason)
                self.rejected.append((row, row.values))
                continue
            if not row.ok:
                self.rejected.append((row, row.values))
                continue
            if ex is None:
                values = self.spec.complete(row.values)
            else:
                values = self.current_values(ex)
                values.update(row.values)
            problems = self.spec.check_row(values)
            for key, reason in problems:
                self.error(row, key, reason)
            if problems:
                self.rejected.append((row, values))
            else:
                self.merged[code] = values
                self.plan.append((row, ex, values))

    def _referenced(self, key: str) -> set[str]:
        """Codes in column `key` of every row, planned or rejected."""
        codes = {v.get(key) for _row, _ex, v in self.plan}
        codes.update(v.get(key) for _row, v in self.rejected)
        codes.discard(None)
        codes.discard("")
        return codes

    def _note(self) -> str:
        return f"导入 {self.result.filename}"

    def stage(self, obj: models.Model, fields: dict[str, Any], changes: list) -> None:
        """Set `fields` on a stored row: counted unchanged, or (row, state before) added to `changes`."""
        before = snapshot(obj)
        for name, value in fields.items():
            setattr(obj, name, value)
        if snapshot(obj) == before:
            self.result.unchanged += 1
        else:
            changes.append((obj, before))

    def save_staged(
        self, model: type[models.Model], new: list, changes: list, *, batch_size: int = 1000
    ) -> list:
        """Insert the new rows and update the changed columns of the staged ones; the (row, before) pairs
        the audit log records (None before: created)."""
        model.objects.bulk_create(new, batch_size=batch_size)
        bulk_update_changed(model, changes)
        self.result.created, self.result.updated = len(new), len(changes)
        return [*changes, *((obj, None) for obj in new)]
