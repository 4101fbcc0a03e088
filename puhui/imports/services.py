"""Register imports, from the page, the CLI or a background job: small files while the page waits, large ones
(above PUHUI_IMPORT_INLINE_BYTES) sealed on disk and checked and stored by a job with progress, so a
200,000-household roster holds neither a request nor the database's write lock.

The checks and writes are each register's own (`puhui.imports.engine.TableImport` subclasses, declared through
the IMPORT_TABLES hook); this module only decides where they run and keeps the outcome (`ImportRun`).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from puhui.api.access import TokenActor
from puhui.core import sealed_files
from puhui.core.audit import audit_changed
from puhui.imports.engine import (  # noqa: F401 (the modes and result are this app's public names)
    MODE_CREATE,
    MODE_UPSERT,
    MODES,
    SYSTEM_ACTOR,
    ImportResult,
    Progress,
)
from puhui.imports.models import CONFIRM_SUMMARY, ImportRun
from puhui.imports.reading import file_name
from puhui.imports.tables import tables

ERRORS_KEPT = 500


def table_import(
    *,
    actor,
    kind: str,
    file,
    mode: str = MODE_CREATE,
    filename: str = "",
    sheet: str | None = None,
    progress: Progress | None = None,
    confirm: bool = False,
) -> ImportResult:
    """Import one register (`kind` is its IMPORT_TABLES name) now; every error, or the counts.

    `confirm`: the user confirmed the changes a first run listed (`ImportResult.needs_confirmation`); passed
    only when set, so a register's import service that asks for no confirmation need not take it.
    """
    table = tables().get(kind)
    if table is None:
        raise ValueError(f"unknown table {kind!r}")
    if isinstance(actor, TokenActor) and not table.entry.visible_to(actor.user):
        # A register's service checks a user's role, not a token's: the token's role is checked here.
        raise PermissionDenied
    kwargs = {"actor": actor, "file": file, "mode": mode, "filename": filename, "sheet": sheet}
    if progress is not None:
        kwargs["progress"] = progress
    if confirm:
        kwargs["confirm"] = True
    return table.run(**kwargs)


def inline_limit() -> int:
    return settings.PUHUI_IMPORT_INLINE_BYTES


def _size(file) -> int:
    if hasattr(file, "size"):
        return file.size
    if isinstance(file, bytes | bytearray):
        return len(file)
    return os.path.getsize(file)


def import_start(
    *, actor, kind: str, file, mode: str = MODE_CREATE, filename: str = "", confirm: bool = False
) -> ImportResult | ImportRun:
    """Import now when the file is small (the result), else queue it (the `ImportRun` the page follows)."""
    if _size(file) <= inline_limit():
        return table_import(actor=actor, kind=kind, file=file, mode=mode, filename=filename, confirm=confirm)
    table = tables()[kind]
    filename = filename or file_name(file)
    relative = f"imports/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:10]}"
    if isinstance(file, str | Path):
        with open(file, "rb") as f:
            size = sealed_files.original_write(relative, f)
    else:
        size = sealed_files.original_write(relative, file)
    from puhui.imports.tasks import import_run_task
    from puhui.jobs.services import job_enqueue

    with transaction.atomic():
        run = ImportRun.objects.create(
            table=kind,
            title=table.title,
            mode=mode,
            filename=filename[:200],
            path=relative,
            size=size,
            started_by=actor if getattr(actor, "is_authenticated", False) else None,
            started_by_token=actor.token if isinstance(actor, TokenActor) else None,
        )
        run.job = job_enqueue(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            task=import_run_task,
            label=f"导入{table.title}：{run.filename}",
            run_id=run.pk,
            **({"confirm": True} if confirm else {}),
        )
        run.save(update_fields=["job"])
        audit_changed(actor=actor, obj=run, before=None, note=f"提交后台导入 {run.filename}")
    return run


def _run_actor(run: ImportRun):
    """Whoever submitted the run, in their scope: the user, the API token, or the command line."""
    if run.started_by_token is not None:
        return TokenActor(run.started_by_token)
    return run.started_by or SYSTEM_ACTOR


def import_run_process(*, run_id: int, progress: Progress | None = None, confirm: bool = False) -> ImportRun:
    """Run a queued import (from the worker) as the user who submitted it; the sealed file is then deleted."""
    run = ImportRun.objects.select_related("started_by", "started_by_token__organisation").get(pk=run_id)
    if run.is_finished:
        return run
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING)
    actor = _run_actor(run)
    try:
        with sealed_files.original_clear_copy(run.path) as clear:
            result = table_import(
                actor=actor,
                kind=run.table,
                file=clear,
                mode=run.mode,
                filename=run.filename,
                progress=progress,
                confirm=confirm,
            )
    finally:
        with contextlib.suppress(OSError):
            sealed_files.original_delete(run.path)
    errors = [[e.row, e.column, e.value, e.reason] for e in result.errors.sorted()[:ERRORS_KEPT]]
    run.status = ImportRun.Status.DONE if result.ok else ImportRun.Status.FAILED
    if result.ok:
        run.summary = result.summary
    elif result.needs_confirmation:
        # The warnings take the errors' place on the run's page; the user uploads again with 确认 ticked.
        run.summary = f"{CONFIRM_SUMMARY}（{len(result.warnings):,} 处）"
        errors = [[None, "", "", w] for w in result.warnings[:ERRORS_KEPT]]
    else:
        run.summary = f"共有 {result.errors.total:,} 处问题，未保存任何数据"
    run.summary = run.summary[:300]
    run.error_total = result.errors.total or len(errors)
    run.errors = errors
    run.finished_at = timezone.now()
    run.path = ""
    run.save(update_fields=["status", "summary", "error_total", "errors", "finished_at", "path"])
    return run
