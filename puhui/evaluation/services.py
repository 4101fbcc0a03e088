"""Writing evaluation reports: the office generates a period's report — figures read from the owning apps
(`selectors.sections`), the Word document and the Excel annex written from them and sealed at rest, a new
version each time (older versions stay listed) — and publishes one, after which every staff user reads it.
Each write is one transaction and one audit record; the files are removed again if the write fails."""

import contextlib
import time
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from puhui.core import sealed_files
from puhui.core.audit import audit_record
from puhui.core.models import AuditLog
from puhui.evaluation import access
from puhui.evaluation.documents import annex, word
from puhui.evaluation.models import EvaluationReport
from puhui.evaluation.selectors import sections
from puhui.evaluation.selectors.periods import period_problem, report_period

UPLOAD_DIR = "evaluation/reports"


def _refuse_unless_office(actor) -> None:
    if not access.may_generate(actor):
        raise ValidationError("只有领导小组办公室可以编写和发布评估报告。")


def report_title(figures: dict) -> str:
    return f"{figures['county']}普惠金融综合示范区建设评估报告（{figures['label']}）"


def report_number(figures: dict, version: int) -> str:
    """A 文号-like number: the year, the period and the version."""
    year = figures["period"][:4]
    part = "年度" if figures["kind"] == "year" else f"第{figures['period'][-1]}季度"
    return f"示范区评估〔{year}〕{part}第{version}号"


def report_files(figures: dict, *, version: int, day) -> tuple[str, str, bytes, bytes]:
    """(title, number, docx, xlsx) of a report, from its figures alone."""
    title, number = report_title(figures), report_number(figures, version)
    return title, number, word.write(figures, title=title, number=number, day=day), annex.write(figures)


def report_generate(*, actor, period: str, progress=None) -> EvaluationReport:
    """A new version of the period's report. Refused (ValidationError on "period") for a period not ended or
    without target figures, or a malformed one."""
    _refuse_unless_office(actor)
    code = str(period or "").strip().upper()
    if problem := period_problem(code):
        raise ValidationError({"period": problem})
    started = time.perf_counter()
    chosen = report_period(code)
    figures = {**sections.header(actor), **sections.collect(actor, chosen, progress=progress)}
    version = (EvaluationReport.objects.filter(period=chosen.code).aggregate(v=Max("version"))["v"] or 0) + 1
    if progress:
        progress(5, 7, "编写报告和附表")
    title, number, docx, xlsx = report_files(figures, version=version, day=timezone.localdate())
    return _store(actor, chosen, figures, version, title, number, docx, xlsx, started)


def _store(actor, chosen, figures, version, title, number, docx, xlsx, started) -> EvaluationReport:
    stem = f"{UPLOAD_DIR}/{chosen.code}/{uuid.uuid4().hex}"
    written = []
    try:
        with transaction.atomic():
            for suffix, content in ((".docx", docx), (".xlsx", xlsx)):
                sealed_files.original_write(stem + suffix, content)
                written.append(stem + suffix)
            report = EvaluationReport.objects.create(
                period=chosen.code, kind=chosen.kind, version=version, number=number, title=title,
                figures=figures, docx_path=stem + ".docx", docx_size=len(docx), xlsx_path=stem + ".xlsx",
                xlsx_size=len(xlsx), seconds=round(time.perf_counter() - started, 3), generated_by=actor,
            )  # fmt: skip
            audit_record(
                actor=actor, action=AuditLog.Action.CREATE, obj=report,
                after={"period": report.period, "version": version, "number": number},
            )  # fmt: skip
        return report
    except BaseException:
        for relative in written:
            with contextlib.suppress(OSError):
                sealed_files.original_delete(relative)
        raise


@transaction.atomic
def report_publish(*, actor, report: EvaluationReport) -> EvaluationReport:
    """Publish a version: every staff user then reads it. A published version stays published."""
    _refuse_unless_office(actor)
    report = EvaluationReport.objects.select_for_update().get(pk=report.pk)
    if report.is_published:
        raise ValidationError(f"{report}已于{timezone.localtime(report.published_at):%Y-%m-%d}发布。")
    report.published_at, report.published_by = timezone.now(), actor
    report.save(update_fields=["published_at", "published_by"])
    audit_record(
        actor=actor, action=AuditLog.Action.UPDATE, obj=report,
        before={"status": "待发布"}, after={"status": "已发布"},
    )  # fmt: skip
    return report


def report_chunks(report: EvaluationReport, what: str):
    """The stored file's clear bytes, chunk by chunk ("docx" or "xlsx")."""
    return sealed_files.original_chunks(report.docx_path if what == "docx" else report.xlsx_path)
