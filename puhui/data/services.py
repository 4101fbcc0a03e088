"""Writes of the data capability. Each is keyword-only, atomic where it writes, and audited."""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from puhui.api.access import TokenActor, acting_user
from puhui.core import sealed_files
from puhui.core.audit import audit_changed, audit_record, snapshot
from puhui.core.crypto import mask_id_number
from puhui.core.models import AuditLog, Organisation, User
from puhui.core.notifications import notifications_resolve, notifications_send
from puhui.core.periods import parse_code
from puhui.core.plugins import publish
from puhui.data import access, catalogue, intake, selectors, storage
from puhui.data.catalogue import FormDef
from puhui.data.models import Indicator, ReportingPeriod, Submission, Target, Upload

UPLOAD_DIR = "data/uploads"
ERRORS_KEPT = 1000
_ID_LIKE = re.compile(r"\d{17}[\dXx]")
Progress = Callable[[int, int, str], None]


def actor_label(actor) -> str:
    return str(actor) if actor is not None else "系统"


# ---------------------------------------------------------------- periods


def period_get(code: str) -> ReportingPeriod:
    """The period row for a code, created on first use by a write (an upload, the derived computation);
    codes are validated, dates computed. Pages read `selectors.reporting_period`, which creates nothing.
    """
    spec = parse_code(code)
    period, _ = ReportingPeriod.objects.get_or_create(
        code=spec.code,
        defaults=dict(
            kind=spec.kind, year=spec.year, number=spec.number, start=spec.start, end=spec.end, due=spec.due
        ),
    )
    return period


# ---------------------------------------------------------------- catalogue


INDICATOR_FIELDS = (
    "name",
    "definition",
    "unit",
    "direction",
    "frequency",
    "levels",
    "source_kind",
    "source",
    "dimension",
    "decimals",
    "clause",
    "auxiliary",
)
TARGET_FIELDS = (
    "name",
    "clause",
    "quote",
    "indicator_code",
    "rule",
    "comparator",
    "threshold",
    "change_unit",
    "each_threshold",
    "period_kind",
    "base_period",
    "deadline_period",
    "scope",
    "chart_by",
    "interpretation",
)


def _indicator_errors(values: dict, *, known: set[str]) -> dict[str, str]:
    errors = {}
    try:
        values["levels"] = catalogue.validate_levels(values.get("levels") or [])
    except ValueError as e:
        errors["levels"] = str(e)
    try:
        catalogue.validate_source(
            values["source_kind"], values["source"], known_codes=known, own_code=values["code"]
        )
    except ValueError as e:
        errors["source"] = str(e)
    if not str(values.get("name", "")).strip():
        errors["name"] = "指标名称不能为空"
    return errors


def _target_errors(values: dict, *, indicators: set[str]) -> dict[str, str]:
    errors = {}
    if values.get("indicator_code") not in indicators:
        errors["indicator_code"] = f"指标“{values.get('indicator_code')}”不在指标目录中"
    for name in ("base_period", "deadline_period"):
        if values.get(name):
            try:
                spec = parse_code(values[name])
            except ValueError as e:
                errors[name] = str(e)
                continue
            if spec.kind != values.get("period_kind"):
                errors[name] = "应与考核频度一致（年度目标写 2021，季度目标写 2021Q4）"
    if values.get("rule") == Target.Rule.CHANGE_VS_BASE and not values.get("base_period"):
        errors["base_period"] = "“较基期变化”规则须填写基期"
    if values.get("rule") == Target.Rule.CHANGE_VS_BASE and not values.get("change_unit"):
        errors["change_unit"] = "“较基期变化”规则须选择变化口径"
    if values.get("rule") == Target.Rule.EACH_INSTITUTION and values.get("each_threshold") in (None, ""):
        errors["each_threshold"] = "“每家机构达到”规则须填写每家机构应达到的数值"
    return errors


@transaction.atomic
def catalogue_sync(*, actor) -> dict:
    """Load the shipped indicators and targets that are not in the database yet (as version 1).

    Entries already present are left alone: the office's edits win over the shipped file.
    """
    shipped = catalogue.shipped()
    have = set(Indicator.objects.values_list("code", flat=True).distinct())
    known = have | {d["code"] for d in shipped.indicators}
    created = []
    for d in shipped.indicators:
        if d["code"] in have:
            continue
        values = {
            "code": d["code"],
            "name": d["name"],
            "definition": d.get("definition", ""),
            "unit": d.get("unit", ""),
            "direction": d.get("direction", Indicator.Direction.HIGHER),
            "frequency": d.get("frequency", "quarter"),
            "levels": d.get("levels", ["county"]),
            "source_kind": d["source_kind"],
            "source": str(d["source"]),
            "dimension": d.get("dimension", ""),
            "decimals": d.get("decimals", 2),
            "clause": str(d.get("clause", "")),
            "auxiliary": bool(d.get("auxiliary", False)),
        }
        errors = _indicator_errors(values, known=known)
        if errors:
            raise ValidationError({f"{d['code']}.{k}": v for k, v in errors.items()})
        created.append(Indicator(version=1, is_current=True, change_note="随方案载入", **values))
    Indicator.objects.bulk_create(created)
    indicator_codes = known
    have_targets = set(Target.objects.values_list("code", flat=True).distinct())
    targets = []
    for d in shipped.targets:
        if d["code"] in have_targets:
            continue
        values = {k: d.get(k, "") for k in TARGET_FIELDS if k not in {"indicator_code"}}
        values["indicator_code"] = d["indicator"]
        values["threshold"] = Decimal(str(d["threshold"]))
        values["each_threshold"] = (
            Decimal(str(d["each_threshold"])) if d.get("each_threshold") is not None else None
        )
        values["base_period"] = str(values.get("base_period") or "")
        values["deadline_period"] = str(values.get("deadline_period") or "")
        values["comparator"] = values.get("comparator") or Target.Comparator.GE
        values["period_kind"] = values.get("period_kind") or "quarter"
        values["scope"] = values.get("scope") or "全县"
        values["chart_by"] = values.get("chart_by") or Target.ChartBy.TOWN
        errors = _target_errors(values, indicators=indicator_codes)
        if errors:
            raise ValidationError({f"{d['code']}.{k}": v for k, v in errors.items()})
        targets.append(Target(code=d["code"], version=1, is_current=True, change_note="随方案载入", **values))
    Target.objects.bulk_create(targets)
    if created or targets:
        audit_record(
            actor=actor,
            action=AuditLog.Action.IMPORT,
            object_type="data.Indicator",
            object_repr="指标目录和目标",
            after={"indicators": [i.code for i in created], "targets": [t.code for t in targets]},
            note=f"载入方案指标 {len(created)} 个、目标 {len(targets)} 个",
        )
    return {"indicators": len(created), "targets": len(targets)}


def _new_version(model, *, actor, code: str, changes: dict, change_note: str, check):
    current = model.objects.select_for_update().filter(code=code, is_current=True).first()
    if current is None:
        raise ValidationError({"code": "不存在"})
    if not change_note.strip():
        raise ValidationError({"change_note": "请填写修改说明"})
    fields = TARGET_FIELDS if model is Target else INDICATOR_FIELDS
    values = {name: getattr(current, name) for name in fields}
    values["code"] = code
    values.update({k: v for k, v in changes.items() if k in fields})
    errors = check(values)
    if errors:
        raise ValidationError(errors)
    values.pop("code")
    if all(values[k] == getattr(current, k) for k in values):
        raise ValidationError({"__all__": "没有任何修改"})
    before = snapshot(current)
    current.is_current = False
    current.save(update_fields=["is_current"])
    user = actor if getattr(actor, "is_authenticated", False) else None
    new = model.objects.create(
        code=code,
        version=current.version + 1,
        is_current=True,
        change_note=change_note.strip()[:300],
        created_by=user,
        **values,
    )
    audit_record(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=new,
        before=before,
        after=snapshot(new),
        note=f"第{new.version}版：{new.change_note}",
    )
    return new


@transaction.atomic
def indicator_update(*, actor, code: str, change_note: str, **changes) -> Indicator:
    known = set(Indicator.objects.filter(is_current=True).values_list("code", flat=True))
    return _new_version(
        Indicator,
        actor=actor,
        code=code,
        changes=changes,
        change_note=change_note,
        check=lambda v: _indicator_errors(v, known=known),
    )


CODE_RE = re.compile(r"[a-z][a-z0-9_]{1,59}")


@transaction.atomic
def indicator_create(*, actor, code: str, **fields) -> Indicator:
    """A new catalogue entry (version 1), e.g. an indicator the office wants to follow beyond the plan's."""
    code = (code or "").strip()
    errors = {}
    if not CODE_RE.fullmatch(code):
        errors["code"] = "编码应以小写字母开头，只含小写字母、数字和下划线，2–60 位"
    elif Indicator.objects.filter(code=code).exists():
        errors["code"] = "该编码已存在"
    values = {
        name: fields.get(name, getattr(Indicator, name, None)) for name in INDICATOR_FIELDS if name in fields
    }
    values["code"] = code
    known = set(Indicator.objects.filter(is_current=True).values_list("code", flat=True))
    errors.update(_indicator_errors(values, known=known))
    if errors:
        raise ValidationError(errors)
    values.pop("code")
    user = actor if getattr(actor, "is_authenticated", False) else None
    ind = Indicator.objects.create(
        code=code, version=1, is_current=True, change_note="新增", created_by=user, **values
    )
    audit_changed(actor=actor, obj=ind, before=None, note="新增指标")
    return ind


@transaction.atomic
def target_update(*, actor, code: str, change_note: str, **changes) -> Target:
    known = set(Indicator.objects.filter(is_current=True).values_list("code", flat=True))
    if "threshold" in changes:
        try:
            changes["threshold"] = Decimal(str(changes["threshold"]))
        except InvalidOperation:
            raise ValidationError({"threshold": "目标值应为数字"}) from None
    return _new_version(
        Target,
        actor=actor,
        code=code,
        changes=changes,
        change_note=change_note,
        check=lambda v: _target_errors(v, indicators=known),
    )


# ---------------------------------------------------------------- uploads and submissions


def _require_submitter(actor, institution: Organisation, form: FormDef) -> None:
    user = acting_user(actor)
    if not (user.role in {"institution", "member_unit"} and user.organisation_id == institution.pk):
        raise PermissionDenied("只能报送本机构的报表")
    if not form.applies_to(institution):
        raise PermissionDenied(f"本机构不报送《{form.title}》")


def _save_file(file, filename: str) -> tuple[str, int]:
    """Store the uploaded file under MEDIA_ROOT, encrypted (it holds ID numbers); returns (relative path, size)."""
    suffix = os.path.splitext(filename)[1].lower()[:8]
    relative = f"{UPLOAD_DIR}/{timezone.localdate():%Y%m}/{uuid.uuid4().hex}{suffix}"
    return relative, sealed_files.original_write(relative, file)


def _inline_limit() -> int:
    return int(getattr(settings, "PUHUI_DATA_INLINE_BYTES", 2 * 1024 * 1024))


def upload_start(
    *,
    actor,
    institution: Organisation,
    form_code: str,
    period_code: str,
    channel: str,
    file=None,
    filename: str = "",
    rows: list[dict] | None = None,
    comment: str = "",
) -> Upload:
    """Take a submission in: small ones are checked and stored at once, large files in a background job.

    Returns the Upload; when it has finished, `status` says whether a Submission was stored.
    """
    form = catalogue.form(form_code)
    if form is None:
        raise ValidationError({"form": f"报表“{form_code}”不存在"})
    try:
        period = period_get(period_code)
    except ValueError as e:
        raise ValidationError({"period": str(e)}) from None
    if period.kind != form.frequency:
        raise ValidationError(
            {
                "period": f"《{form.title}》按{dict(ReportingPeriod.Kind.choices)[form.frequency]}报送，报送期应为该频度"
            }
        )
    if period.end >= timezone.localdate():
        raise ValidationError({"period": f"{period.label}尚未结束（{period.end}），期末之后才能报送"})
    first, last = selectors.first_year(), selectors.last_year(timezone.localdate())
    if not first <= period.year <= last:
        raise ValidationError({"period": f"{period.label}不在报送范围内（{first}–{last} 年）"})
    _require_submitter(actor, institution, form)
    user = actor if getattr(actor, "is_authenticated", False) else None
    upload = Upload(
        institution=institution,
        form=form.code,
        period=period,
        channel=channel,
        filename=(filename or "")[:200],
        comment=comment or "",
        created_by=user,
        created_label=actor_label(actor)[:150],
    )
    if rows is not None:
        upload.save()
        _process(upload, form=form, actor=actor, rows=rows)
        return upload
    upload.path, upload.size = _save_file(file, filename)
    upload.save()
    if upload.size <= _inline_limit():
        _process(upload, form=form, actor=actor)
        return upload
    from puhui.data.tasks import upload_process_task
    from puhui.jobs.services import job_enqueue

    job = job_enqueue(
        actor=user,
        task=upload_process_task,
        label=f"检查并保存报送：{form.title} {period.label}（{upload.filename}）",
        upload_id=upload.pk,
        actor_id=user.pk if user else None,
        token_id=actor.token.pk if isinstance(actor, TokenActor) else None,
    )
    Upload.objects.filter(pk=upload.pk).update(job=job)
    upload.job = job
    return upload


def upload_process(*, upload_id: int, actor, progress: Progress | None = None) -> Upload:
    """Run a queued upload (from the worker)."""
    upload = Upload.objects.select_related("institution", "period").get(pk=upload_id)
    if upload.is_finished:
        return upload
    form = catalogue.form(upload.form)
    _process(upload, form=form, actor=actor, progress=progress)
    return upload


def _masked(value: str) -> str:
    return _ID_LIKE.sub(lambda m: mask_id_number(m.group(0)), value or "")


def _process(upload: Upload, *, form: FormDef, actor, rows=None, progress: Progress | None = None) -> None:
    """Check an upload. The encrypted original is decrypted to a private temporary copy for the check only."""
    if not upload.path:
        _check(upload, form=form, actor=actor, rows=rows, progress=progress, absolute=None)
        return
    relative = upload.path
    try:
        with sealed_files.original_clear_copy(relative) as absolute:
            _check(upload, form=form, actor=actor, rows=rows, progress=progress, absolute=absolute)
    except Exception:  # e.g. the stored file is missing or does not decrypt: the upload must not hang
        Upload.objects.filter(pk=upload.pk).exclude(status=Upload.Status.SUCCEEDED).update(
            status=Upload.Status.FAILED,
            finished_at=timezone.now(),
            error_total=1,
            errors=[[None, "", "", "处理时发生内部错误，未保存任何数据；请稍后重试或联系平台管理员"]],
        )
        raise
    if not upload.path:  # refused: the original is not kept either
        sealed_files.original_delete(relative)


def _check(upload: Upload, *, form: FormDef, actor, rows, progress: Progress | None, absolute) -> None:
    Upload.objects.filter(pk=upload.pk).update(status=Upload.Status.RUNNING)
    try:
        outcome = intake.receive(
            actor=actor,
            actor_label=upload.created_label,
            institution=upload.institution,
            form=form,
            period=upload.period,
            channel=upload.channel,
            path=absolute,
            rows=rows,
            filename=upload.filename,
            comment=upload.comment,
            progress=progress,
            keep_file=upload.path,
        )
    except Exception:
        Upload.objects.filter(pk=upload.pk).update(
            status=Upload.Status.FAILED,
            finished_at=timezone.now(),
            error_total=1,
            errors=[[None, "", "", "处理时发生内部错误，未保存任何数据；请稍后重试或联系平台管理员"]],
        )
        raise
    upload.status = Upload.Status.SUCCEEDED if outcome.ok else Upload.Status.FAILED
    upload.rows_read = outcome.rows
    upload.source = outcome.source[:100]
    upload.error_total = outcome.errors.total
    upload.errors = [
        [e.row, e.column, _masked(e.value), _masked(e.reason)] for e in outcome.errors.sorted()[:ERRORS_KEPT]
    ]
    upload.submission = outcome.submission
    upload.finished_at = timezone.now()
    upload.seconds = round(outcome.seconds, 3)
    if not outcome.ok and absolute:
        with contextlib.suppress(FileNotFoundError):
            os.remove(absolute)  # a refused file is not kept; its errors are
        upload.path = ""
    upload.save()
    if outcome.ok and outcome.submission is not None:
        _office_notify(outcome.submission)


def _office_users() -> list[User]:
    return list(User.objects.filter(role=User.Role.OFFICE, is_active=True))


def _review_key(submission: Submission) -> str:
    return f"data-review:{submission.pk}"


def _office_notify(submission: Submission) -> None:
    """Tell the office a submission waits for its review (the review clears it: `submission_review`)."""
    org = submission.institution
    notifications_send(
        users=_office_users(),
        kind="data_submitted",
        title=f"报送待审核：{org.short_name or org.name} {submission.form_title}（{submission.period.label}）",
        body=f"第{submission.version}版，共 {submission.row_count:,} 行。",
        url=reverse("data_submission", args=[submission.pk]),
        key=_review_key(submission),
    )


# ---------------------------------------------------------------- original files (encrypted, kept for a period)


def retention_days() -> int:
    return int(getattr(settings, "PUHUI_UPLOAD_RETENTION_DAYS", 180))


def _stream(first: bytes, chunks: Iterator[bytes]) -> Iterator[bytes]:
    try:
        yield first
        yield from chunks
    finally:
        chunks.close()  # the file is closed when the response is, even if the client goes away


@transaction.atomic
def submission_file_open(*, actor, submission: Submission) -> Iterator[bytes]:
    """The original file of a submission, decrypted, to download. It holds the borrowers' ID numbers in
    clear, so every download is recorded like any clear view (查看明文), and the administrator never gets it.

    The caller has loaded `submission` through access. Raises FileNotFoundError when there is no original.
    """
    if not access.can_download_original(acting_user(actor)):
        raise PermissionDenied("系统管理员不能下载含个人信息明文的原始文件")
    if not submission.file:
        raise FileNotFoundError("原件已按保存期限删除" if submission.file_purged_at else "没有原始文件")
    chunks = sealed_files.original_chunks(submission.file)
    first = next(chunks, b"")  # fail now (missing file, wrong key), not halfway through the response
    audit_record(
        actor=actor,
        action=AuditLog.Action.UNMASK,
        obj=submission,
        after={"field": "file", "filename": submission.filename},
        note=f"下载原始文件（含证件号码明文）：{submission.filename}",
    )
    return _stream(first, chunks)


def submissions_unfinished_purge(*, actor, now=None, hours: float | None = None) -> list[int]:
    """Delete the submissions a crash left half stored (status STORING, never shown to anyone) once older
    than PUHUI_DATA_UNFINISHED_HOURS: their rows in batches, then the row (`storage.submission_discard`).
    Run by `puhui purge_uploads` (daily). Audited when there was any."""
    hours = storage.unfinished_hours() if hours is None else hours
    deleted = storage.submissions_unfinished_delete(now=now, hours=hours)
    if deleted:
        audit_record(
            actor=actor,
            action=AuditLog.Action.DELETE,
            object_type="data.Submission",
            object_repr="未完成保存的报送",
            after={"submissions": deleted, "hours": hours},
            note=f"删除中断后未完成保存的报送 {len(deleted)} 份（开始保存已超过 {hours:g} 小时，从未对任何人显示）",
        )
    return deleted


def submission_files_purge(*, actor, now=None, days: int | None = None) -> dict:
    """Delete the originals of submissions older than the retention period (PUHUI_UPLOAD_RETENTION_DAYS).

    The rows and the submission itself stay; `file_purged_at` records that the original was deleted, and
    the page says so. Upload files left behind (a crash during a check) past the same age go too. First,
    the leftovers of interrupted stores go (`submissions_unfinished_purge`, short transactions of its own).
    """
    now = now or timezone.now()
    unfinished = submissions_unfinished_purge(actor=actor, now=now)
    return {**_originals_purge(actor=actor, now=now, days=days), "unfinished": len(unfinished)}


@transaction.atomic
def _originals_purge(*, actor, now, days: int | None) -> dict:
    days = retention_days() if days is None else days
    cutoff = now - datetime.timedelta(days=days)
    expired = list(
        Submission.objects.select_for_update()
        .filter(submitted_at__lt=cutoff)
        .exclude(file="")
        .values_list("pk", "file")
    )
    files = {f for _pk, f in expired}
    Submission.objects.filter(pk__in=[pk for pk, _f in expired]).update(file="", file_purged_at=now)
    uploads = Upload.objects.exclude(path="").filter(Q(path__in=files) | Q(created_at__lt=cutoff))
    stale = set(uploads.values_list("path", flat=True))
    stale -= set(Submission.objects.filter(file__in=stale).values_list("file", flat=True))  # still kept
    uploads.filter(path__in=files | stale).update(path="")
    deleted = sum(sealed_files.original_delete(f) for f in sorted(files | stale))
    if expired or stale:
        audit_record(
            actor=actor,
            action=AuditLog.Action.DELETE,
            object_type="data.Submission",
            object_repr="报送原始文件",
            after={"submissions": [pk for pk, _f in expired], "files": deleted, "days": days},
            note=f"按保存期限（{days} 天）删除原始文件：{len(expired)} 份报送，{deleted} 个文件",
        )
    return {"submissions": len(expired), "files": deleted}


def submission_files_encrypt(*, actor) -> dict:
    """Encrypt in place the originals stored in clear before encryption at rest (idempotent)."""
    paths = set(Submission.objects.exclude(file="").values_list("file", flat=True))
    paths |= set(Upload.objects.exclude(path="").values_list("path", flat=True))
    encrypted = missing = 0
    for path in sorted(paths):
        try:
            encrypted += sealed_files.original_encrypt_in_place(path)
        except FileNotFoundError:
            missing += 1
    if encrypted:
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            object_type="data.Submission",
            object_repr="报送原始文件",
            after={"files": encrypted},
            note=f"加密保存此前以明文保存的原始文件 {encrypted} 个",
        )
    return {"encrypted": encrypted, "missing": missing}


def derived_schedule(*, actor):
    """Queue a recomputation of the derived indicators unless one is already waiting.

    Approvals in a row share one queued job; the figures follow within the job's run time.
    """
    from puhui.data.tasks import derived_compute_task
    from puhui.jobs.services import job_enqueue

    try:
        from django_tasks_db.models import DBTaskResult

        if DBTaskResult.objects.filter(task_path=derived_compute_task.module_path, status="READY").exists():
            return None
    except ImportError:  # another task backend: just queue it
        pass
    user = actor if getattr(actor, "is_authenticated", False) else None
    return job_enqueue(
        actor=actor,
        task=derived_compute_task,
        label="重新计算派生指标（报送审核通过后）",
        actor_id=user.pk if user else None,
    )


@transaction.atomic
def submission_review(
    *, actor, submission: Submission, approve: bool, comment: str = "", recompute: bool = True
) -> Submission:
    """Approve or return a submission. Only the latest version awaiting review can be reviewed.

    An approval queues the recomputation of the derived indicators (after this transaction commits).
    """
    user = acting_user(actor)
    if user.role != "office":
        raise PermissionDenied("只有领导小组办公室可以审核报送")
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if not submission.is_current:
        raise ValidationError({"__all__": "这不是最新版本，不能审核；请审核最新版本"})
    if submission.status != Submission.Status.SUBMITTED:
        raise ValidationError({"__all__": f"该报送已{submission.get_status_display()}，不能重复审核"})
    if not approve and not comment.strip():
        raise ValidationError({"comment": "退回时请写明原因"})
    before = snapshot(submission)
    submission.status = Submission.Status.APPROVED if approve else Submission.Status.RETURNED
    submission.reviewed_by = actor if getattr(actor, "is_authenticated", False) else None
    submission.reviewed_at = timezone.now()
    submission.review_comment = comment.strip()
    submission.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    audit_changed(
        actor=actor,
        obj=submission,
        before=before,
        note="审核通过" if approve else f"退回：{comment.strip()[:200]}",
    )
    notifications_resolve(users=_office_users(), key=_review_key(submission))
    if approve and recompute:
        transaction.on_commit(lambda: derived_schedule(actor=actor))
    if approve:  # other apps react after the commit (risk monitoring: the period's early warnings)
        publish("submission_approved", submission_id=submission.pk)
    return submission
