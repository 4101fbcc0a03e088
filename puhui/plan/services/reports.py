"""Progress reports: submitting (a new version after a return) and the office's review."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from puhui.core.audit import audit_changed, snapshot
from puhui.core.evidence import check_evidence
from puhui.core.models import Organisation, User
from puhui.core.notifications import notifications_resolve, notifications_send
from puhui.plan import outcomes
from puhui.plan.models import Evidence, Milestone, ProgressReport, Task
from puhui.plan.services.common import at_or_now, require_office, require_reporting_unit
from puhui.plan.services.notifications import office_users, unit_users
from puhui.plan.workdays import period_by_code


def _checked_submission(*, task, unit, period, status, completion, narrative, milestones, files):
    """The report's period, completion, milestones and evidence files, checked; every problem raised at once."""
    errors = {}
    p = period_by_code(task.plan, period)
    if p is None:
        errors["period"] = f"“{period}”不是本方案的报送期。"
    if status not in ProgressReport.Status.values:
        errors["status"] = "请选择进展状态。"
    try:
        completion = int(completion)
        if not 0 <= completion <= 100:
            raise ValueError
    except (TypeError, ValueError):
        errors["completion"] = "完成进度应为 0 到 100 之间的整数。"
    if not (narrative or "").strip():
        errors["narrative"] = "请填写进展情况。"
    if status == ProgressReport.Status.DONE and not errors.get("completion") and completion != 100:
        errors["completion"] = "状态为“已完成”时，完成进度应为 100%。"
    milestones = list(milestones)
    if any(m.task_id != task.pk or m.unit.organisation_id != unit.pk for m in milestones):
        errors["milestones"] = "只能申报本单位负责的本任务里程碑。"
    else:
        refused = _unmet_targets(milestones)
        if refused:
            errors["milestones"] = refused
    checked = []
    try:
        checked = check_evidence(files)
    except ValidationError as exc:
        errors["files"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return p, completion, milestones, checked


def _unmet_targets(milestones) -> list[str]:
    """Why each target-linked milestone claimed may not close: its target's figure does not meet it."""
    refused = []
    # As stored now: the caller's objects may predate the office's link.
    fresh = Milestone.objects.filter(pk__in=[m.pk for m in milestones]).select_related("unit")
    for m in fresh:
        if m.target_code and m.completed_on is None:
            try:
                outcomes.check_milestone(m)
            except ValidationError as exc:
                refused.extend(exc.messages)
    return refused


def _previous_returned(*, task, unit, period, label) -> ProgressReport | None:
    """The current report of the period, if any; only a returned one may be followed by a new version."""
    previous = (
        ProgressReport.objects.select_for_update()
        .filter(task=task, unit=unit, period=period, is_current=True)
        .first()
    )
    if previous is not None and previous.review != ProgressReport.Review.RETURNED:
        raise ValidationError(
            {"period": f"{label}的报告已报送（{previous.get_review_display()}），退回后才能重新报送。"}
        )
    if previous is not None:
        ProgressReport.objects.filter(pk=previous.pk).update(is_current=False)
    return previous


def _attach_evidence(report: ProgressReport, *, previous, keep_evidence: bool, checked, submitter) -> None:
    """The returned version's files (kept unless asked otherwise), then the new ones."""
    if previous is not None and keep_evidence:
        Evidence.objects.bulk_create(
            Evidence(
                report=report,
                file=e.file.name,
                name=e.name,
                content_type=e.content_type,
                size=e.size,
                sha256=e.sha256,
                uploaded_by=e.uploaded_by,
            )
            for e in previous.evidence.all()
        )
    for f in checked:
        evidence = Evidence(
            report=report,
            name=f.name,
            content_type=f.content_type,
            size=len(f.content),
            sha256=f.sha256,
            uploaded_by=submitter,
        )
        evidence.file.save(f.name, ContentFile(f.content), save=False)
        evidence.save()


@transaction.atomic
def report_submit(
    *,
    actor,
    task: Task,
    unit: Organisation,
    period: str,
    status: str,
    completion: int,
    narrative: str,
    indicator_codes: str | None = None,
    milestones=(),
    files=(),
    keep_evidence: bool = True,
    submitted_at=None,
) -> ProgressReport:
    """Submit a period's report, or a new version after the office returned the last one."""
    require_reporting_unit(actor, task, unit)
    # A report sent through the API has no staff member behind it; the audit log names the token.
    submitter = actor if isinstance(actor, User) else None
    p, completion, milestones, checked = _checked_submission(
        task=task,
        unit=unit,
        period=period,
        status=status,
        completion=completion,
        narrative=narrative,
        milestones=milestones,
        files=files,
    )
    previous = _previous_returned(task=task, unit=unit, period=period, label=p.label)
    report = ProgressReport.objects.create(
        task=task,
        unit=unit,
        period=p.code,
        period_start=p.start,
        period_end=p.end,
        due_on=p.due_on,
        version=previous.version + 1 if previous else 1,
        status=status,
        completion=completion,
        narrative=narrative.strip(),
        indicator_codes=(indicator_codes or "").strip() or None,
        submitted_by=submitter,
        submitted_at=at_or_now(submitted_at),
    )
    report.milestones_done.set(milestones)
    _attach_evidence(
        report, previous=previous, keep_evidence=keep_evidence, checked=checked, submitter=submitter
    )
    audit_changed(
        actor=actor, obj=report, before=None, note=f"报送进度 {task.number} {p.label} 第{report.version}版"
    )
    notifications_send(  # the office reviews it; the review clears this for every office user
        users=office_users(),
        kind="report_submitted",
        title=f"进度报告待审核：{unit.short_name or unit.name} {task.number}.{task.title}（{p.label}）",
        url=reverse("plan_report_detail", args=[report.pk]),
        key=_review_key(report),
    )
    return report


def _complete_milestones(actor, report: ProgressReport) -> None:
    """The accepted report's milestones close; one linked to a target whose figure (checked again now)
    does not meet it stays open, and `report.milestones_refused` says why."""
    done_on = min(timezone.localdate(report.submitted_at), report.period_end)
    for m in report.milestones_done.filter(completed_on__isnull=True).select_related("unit"):
        check = {}
        if m.target_code:
            try:
                check = outcomes.verdict_record(outcomes.check_milestone(m))
            except ValidationError as exc:
                report.milestones_refused.extend(exc.messages)
                audit_changed(actor=actor, obj=m, before=snapshot(m), note="里程碑未完成：关联目标未达到")
                continue
        m_before = snapshot(m)
        m.completed_on = done_on
        m.completed_report = report
        m.target_check = check
        m.save(update_fields=["completed_on", "completed_report", "target_check"])
        audit_changed(actor=actor, obj=m, before=m_before, note="里程碑完成（报告审核通过）")


def _review_key(report: ProgressReport) -> str:
    return f"report-review:{report.pk}"


@transaction.atomic
def report_review(
    *, actor, report: ProgressReport, accept: bool, comment: str = "", reviewed_at=None
) -> ProgressReport:
    require_office(actor)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_current or report.review != ProgressReport.Review.SUBMITTED:
        raise ValidationError("只能审核待审核的最新版本报告。")
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": "退回时请填写审核意见。"})
    before = snapshot(report)
    report.review = ProgressReport.Review.ACCEPTED if accept else ProgressReport.Review.RETURNED
    report.review_comment = comment
    report.reviewed_by = actor
    report.reviewed_at = at_or_now(reviewed_at)
    report.save(update_fields=["review", "review_comment", "reviewed_by", "reviewed_at"])
    report.milestones_refused = []
    if accept:
        _complete_milestones(actor, report)
    audit_changed(actor=actor, obj=report, before=before, note="审核通过" if accept else "退回修改")
    notifications_resolve(users=office_users(), key=_review_key(report))
    url = reverse("plan_report_detail", args=[report.pk])
    label = f"{report.task.number}.{report.task.title}（{report.period}）"
    if accept:
        notifications_send(
            users=unit_users(report.unit_id),
            kind="report_accepted",
            title=f"进度报告已通过：{label}",
            url=url,
            key=f"report-reviewed:{report.pk}",
        )
    else:
        notifications_send(
            users=unit_users(report.unit_id),
            kind="report_returned",
            title=f"进度报告被退回：{label}",
            body=f"审核意见：{comment}\n请修改后重新报送。",
            url=url,
            key=f"report-reviewed:{report.pk}",
        )
    return report
