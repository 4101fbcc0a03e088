"""Writes to the plan: loading, progress reports, 督办, delay requests, assessment, 通报, notifications.

Each runs in a transaction and leaves an audit record. Permission checks that belong to the business
rule (only the office reviews, a unit answers only its own notice) live here too, so the API and the
pages cannot differ; they raise PermissionDenied, which the views turn into 404.
"""

import contextlib
import contextvars
import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from puhui.api.access import acting_user
from puhui.core.audit import audit_changed, audit_record, snapshot
from puhui.core.models import AuditLog, Organisation, User
from puhui.core.periods import date_cn
from puhui.core.workdays import add_working_days
from puhui.plan import access, engine, loader, selectors
from puhui.plan.evidence import check_evidence
from puhui.plan.models import (
    AssessmentResult,
    AssessmentScheme,
    Assignment,
    Bulletin,
    Criterion,
    DelayRequest,
    Evidence,
    Milestone,
    Notification,
    Plan,
    PlanUnit,
    ProgressReport,
    Score,
    Section,
    SupervisionNotice,
    Task,
    TaskItem,
)
from puhui.plan.workdays import period_by_code

Role = User.Role


def _require_office(actor):
    if actor is not None and not access.is_office(actor):
        raise PermissionDenied("只有领导小组办公室可以执行此操作。")


def _now(at=None) -> datetime.datetime:
    return at or timezone.now()


# ------------------------------------------------------------------------------------------- loading


def _read_file(file) -> tuple[str, bytes]:
    if isinstance(file, (str, Path)):
        path = Path(file)
        try:
            return path.name, path.read_bytes()
        except OSError as exc:
            raise loader.PlanFileError([f"无法读取文件 {path}：{exc.strerror}"]) from None
    name = getattr(file, "name", "") or ""
    content = file.read()
    if isinstance(content, str):
        content = content.encode("utf-8")
    return Path(name).name, content


def plan_check(*, file) -> list[str]:
    """Every problem in a plan file (empty when it would load); writes nothing."""
    name, content = _read_file(file)
    try:
        data, locate, problems = loader.read_plan_file(name, content)
    except loader.PlanFileError as exc:
        return exc.problems
    more, _spec = loader.check_plan(data, locate)
    return problems + more


@transaction.atomic
def plan_load(*, actor, file) -> Plan:
    """Load a plan file (YAML or the Excel template). Any problem: PlanFileError listing all, nothing written."""
    _require_office(actor)
    name, content = _read_file(file)
    data, locate, problems = loader.read_plan_file(name, content)
    more, spec = loader.check_plan(data, locate)
    problems += more
    if problems:
        raise loader.PlanFileError(problems)

    plan = Plan.objects.create(county=spec.county, source_name=name[:200], **spec.plan)
    units = [
        PlanUnit.objects.create(
            plan=plan,
            name=u.name,
            type=u.type,
            organisation=u.organisation,
            leading_group=u.leading_group,
            order=u.order,
        )
        for u in spec.units
    ]
    sections = {
        s["number"]: Section.objects.create(
            plan=plan, number=s["number"], chapter=s["chapter"], title=s["title"], text=s["text"]
        )
        for s in spec.sections
    }
    n_items = n_milestones = 0
    for t in spec.tasks:
        task = Task.objects.create(
            plan=plan,
            number=t["number"],
            section=sections.get(t["section"]),
            title=t["title"],
            lead=units[t["lead"]],
        )
        order = [t["lead"], *t["cooperating"]]
        for item in t["items"]:  # a unit named only in 附件2's row still co-operates on the task
            order += [u for u in item["units"] if u not in order]
        Assignment.objects.bulk_create(
            Assignment(
                task=task,
                unit=units[u],
                role=Assignment.Role.LEAD if u == t["lead"] else Assignment.Role.COOPERATING,
                order=position,
            )
            for position, u in enumerate(order)
        )
        items = []
        for seq, item in enumerate(t["items"], start=1):
            row = TaskItem.objects.create(task=task, seq=seq, target=item["target"], lead=units[item["lead"]])
            row.units.set([units[u] for u in item["units"]])
            items.append(row)
        n_items += len(items)
        for seq, ms in enumerate(t["milestones"], start=1):
            item = items[ms["item"] - 1] if ms["item"] else None
            Milestone.objects.create(
                task=task,
                item=item,
                seq=seq,
                text=ms["text"],
                unit=item.lead if item else task.lead,
                original_due_on=ms["due"],
                due_on=ms["due"],
            )
        n_milestones += len(t["milestones"])
    audit_record(
        actor=actor,
        action=AuditLog.Action.IMPORT,
        obj=plan,
        after=snapshot(plan),
        note=f"导入方案 {name}：{len(units)} 个单位，{len(sections)} 个条目，{len(spec.tasks)} 项任务，"
        f"{n_items} 条责任目标，{n_milestones} 个里程碑",
    )
    return plan


@transaction.atomic
def plan_update_settings(*, actor, plan: Plan, report_frequency: str, report_due_working_days: int) -> Plan:
    _require_office(actor)
    before = snapshot(plan)
    plan.report_frequency = report_frequency
    plan.report_due_working_days = report_due_working_days
    plan.full_clean()
    plan.save(update_fields=["report_frequency", "report_due_working_days"])
    audit_changed(actor=actor, obj=plan, before=before, note="修改进度报送设置")
    return plan


# ------------------------------------------------------------------------------------- notifications


def unit_users(org_id) -> list[User]:
    return list(
        User.objects.filter(
            organisation_id=org_id, is_active=True, role__in=[Role.MEMBER_UNIT, Role.INSTITUTION, Role.OFFICE]
        )
    )


def office_users() -> list[User]:
    return list(User.objects.filter(role=Role.OFFICE, is_active=True))


_mail_off = contextvars.ContextVar("plan_mail_off", default=False)


@contextlib.contextmanager
def mail_suppressed():
    """No e-mail inside this block (the demo generator replays two years of events)."""
    token = _mail_off.set(True)
    try:
        yield
    finally:
        _mail_off.reset(token)


def notify(
    *, users, kind: str, title: str, body: str = "", url: str = "", key: str = ""
) -> list[Notification]:
    """Create in-app notifications (once per user and key) and mail those with an address.

    Mail goes through Django's backend (console by default); a failing mail server never loses the
    in-app notification.
    """
    created = []
    for user in {u.pk: u for u in users}.values():
        if key and Notification.objects.filter(user=user, key=key).exists():
            continue
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        user=user, kind=kind, title=title[:200], body=body, url=url[:300], key=key[:150]
                    )
                )
        except IntegrityError:  # a concurrent run made it first
            continue
    mailed = [n for n in created if n.user.email and not _mail_off.get()]
    messages = [
        EmailMessage(
            subject=f"【普惠金融示范区平台】{n.title}", body=f"{n.body}\n\n{n.url}".strip(), to=[n.user.email]
        )
        for n in mailed
    ]
    if messages:

        def send():
            try:
                get_connection(fail_silently=True).send_messages(messages)
            except OSError:
                return
            Notification.objects.filter(pk__in=[n.pk for n in mailed]).update(emailed=True)

        # Only mail about what was committed.
        transaction.on_commit(send)
    return created


def notification_mark_read(*, actor, notification: Notification | None = None) -> int:
    """Mark one notification, or all of the actor's, as read. Not audited: it changes nothing of the plan."""
    qs = access.notifications_for(actor).filter(read_at__isnull=True)
    if notification is not None:
        qs = qs.filter(pk=notification.pk)
    return qs.update(read_at=timezone.now())


# ------------------------------------------------------------------------------------ progress reports


def _reporting_check(actor, task: Task, unit: Organisation):
    if actor is None:
        return
    # An API token (TokenActor) is checked with its organisation's virtual user.
    user = acting_user(actor)
    if (
        access.acting_unit(user) is None
        or user.organisation_id != unit.pk
        or not access.may_report_on(user, task)
    ):
        raise PermissionDenied("只能为本单位负责的任务报送进度。")


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
    _reporting_check(actor, task, unit)
    # A report sent through the API has no staff member behind it; the audit log names the token.
    submitter = actor if isinstance(actor, User) else None
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
    try:
        checked = check_evidence(files)
    except ValidationError as exc:
        errors["files"] = exc.messages
    if errors:
        raise ValidationError(errors)

    previous = (
        ProgressReport.objects.select_for_update()
        .filter(task=task, unit=unit, period=period, is_current=True)
        .first()
    )
    if previous is not None and previous.review != ProgressReport.Review.RETURNED:
        raise ValidationError(
            {"period": f"{p.label}的报告已报送（{previous.get_review_display()}），退回后才能重新报送。"}
        )
    if previous is not None:
        ProgressReport.objects.filter(pk=previous.pk).update(is_current=False)
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
        submitted_at=_now(submitted_at),
    )
    report.milestones_done.set(milestones)
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
    audit_changed(
        actor=actor, obj=report, before=None, note=f"报送进度 {task.number} {p.label} 第{report.version}版"
    )
    return report


@transaction.atomic
def report_review(
    *, actor, report: ProgressReport, accept: bool, comment: str = "", reviewed_at=None
) -> ProgressReport:
    _require_office(actor)
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
    report.reviewed_at = _now(reviewed_at)
    report.save(update_fields=["review", "review_comment", "reviewed_by", "reviewed_at"])
    if accept:
        done_on = min(timezone.localdate(report.submitted_at), report.period_end)
        for m in report.milestones_done.filter(completed_on__isnull=True):
            m_before = snapshot(m)
            m.completed_on = done_on
            m.completed_report = report
            m.save(update_fields=["completed_on", "completed_report"])
            audit_changed(actor=actor, obj=m, before=m_before, note="里程碑完成（报告审核通过）")
    audit_changed(actor=actor, obj=report, before=before, note="审核通过" if accept else "退回修改")
    url = reverse("plan_report_detail", args=[report.pk])
    label = f"{report.task.number}.{report.task.title}（{report.period}）"
    if accept:
        notify(
            users=unit_users(report.unit_id),
            kind="report_accepted",
            title=f"进度报告已通过：{label}",
            url=url,
            key=f"report-reviewed:{report.pk}",
        )
    else:
        notify(
            users=unit_users(report.unit_id),
            kind="report_returned",
            title=f"进度报告被退回：{label}",
            body=f"审核意见：{comment}\n请修改后重新报送。",
            url=url,
            key=f"report-reviewed:{report.pk}",
        )
    return report


# -------------------------------------------------------------------------------------------- 督办


def _responsible_orgs(task: Task) -> set[int]:
    return set(
        Assignment.objects.filter(task=task, unit__organisation__isnull=False).values_list(
            "unit__organisation_id", flat=True
        )
    )


@transaction.atomic
def notice_issue(
    *,
    actor,
    task: Task,
    unit: Organisation,
    reason: str,
    required_action: str,
    working_days: int,
    issued_on=None,
) -> SupervisionNotice:
    _require_office(actor)
    errors = {}
    if unit.pk not in _responsible_orgs(task):
        errors["unit"] = "督办对象必须是该任务的责任单位。"
    if not (reason or "").strip():
        errors["reason"] = "请填写督办事由。"
    if not (required_action or "").strip():
        errors["required_action"] = "请填写办理要求。"
    try:
        working_days = int(working_days)
        if not 1 <= working_days <= 60:
            raise ValueError
    except (TypeError, ValueError):
        errors["working_days"] = "办理时限应为 1 到 60 个工作日。"
    if errors:
        raise ValidationError(errors)
    issued_on = issued_on or timezone.localdate()
    plan = task.plan
    year_count = SupervisionNotice.objects.filter(plan=plan, issued_on__year=issued_on.year).count()
    notice = SupervisionNotice.objects.create(
        plan=plan,
        number=f"督办〔{issued_on.year}〕{year_count + 1}号",
        task=task,
        unit=unit,
        reason=reason.strip(),
        required_action=required_action.strip(),
        working_days=working_days,
        issued_on=issued_on,
        deadline=add_working_days(issued_on, working_days),
        issued_by=actor,
    )
    audit_changed(actor=actor, obj=notice, before=None, note=f"签发督办单 {notice.number}")
    notify(
        users=unit_users(unit.pk),
        kind="notice_issued",
        title=f"督办通知 {notice.number}：{task.number}.{task.title}",
        body=f"督办事由：{notice.reason}\n办理要求：{notice.required_action}\n请于 {date_cn(notice.deadline)} 前办理并回复。",
        url=reverse("plan_notice_detail", args=[notice.pk]),
        key=f"notice-issued:{notice.pk}",
    )
    return notice


@transaction.atomic
def notice_respond(
    *, actor, notice: SupervisionNotice, response: str, responded_at=None
) -> SupervisionNotice:
    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    if actor is not None and (access.acting_unit(actor) is None or actor.organisation_id != notice.unit_id):
        raise PermissionDenied("只能回复发给本单位的督办单。")
    if notice.status != SupervisionNotice.Status.OPEN:
        raise ValidationError("该督办单已回复。")
    if not (response or "").strip():
        raise ValidationError({"response": "请填写办理情况。"})
    before = snapshot(notice)
    notice.status = SupervisionNotice.Status.RESPONDED
    notice.response = response.strip()
    notice.responded_at = _now(responded_at)
    notice.responded_by = actor
    notice.save(update_fields=["status", "response", "responded_at", "responded_by"])
    audit_changed(actor=actor, obj=notice, before=before, note="回复督办单")
    notify(
        users=office_users(),
        kind="notice_responded",
        title=f"督办单 {notice.number} 已回复（{notice.unit.short_name or notice.unit.name}）",
        url=reverse("plan_notice_detail", args=[notice.pk]),
        key=f"notice-responded:{notice.pk}",
    )
    return notice


@transaction.atomic
def notice_close(*, actor, notice: SupervisionNotice, comment: str = "", closed_at=None) -> SupervisionNotice:
    _require_office(actor)
    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != SupervisionNotice.Status.RESPONDED:
        raise ValidationError("单位回复后才能办结。")
    before = snapshot(notice)
    notice.status = SupervisionNotice.Status.CLOSED
    notice.close_comment = (comment or "").strip()
    notice.closed_at = _now(closed_at)
    notice.save(update_fields=["status", "close_comment", "closed_at"])
    audit_changed(actor=actor, obj=notice, before=before, note="督办办结")
    return notice


@transaction.atomic
def notice_remind(*, actor, notice: SupervisionNotice, on=None) -> SupervisionNotice:
    """催办: a reminder on an open notice (the job sends one when it falls overdue; the office may send more)."""
    _require_office(actor)
    notice = SupervisionNotice.objects.select_for_update().select_related("task", "unit").get(pk=notice.pk)
    if notice.status != SupervisionNotice.Status.OPEN:
        raise ValidationError("只能催办未回复的督办单。")
    on = on or timezone.localdate()
    before = snapshot(notice)
    notice.reminder_count += 1
    notice.last_reminded_on = on
    notice.save(update_fields=["reminder_count", "last_reminded_on"])
    audit_changed(actor=actor, obj=notice, before=before, note=f"第{notice.reminder_count}次催办")
    overdue = on > notice.deadline
    notify(
        users=unit_users(notice.unit_id),
        kind="notice_reminder",
        title=f"催办：督办单 {notice.number}{'已逾期' if overdue else '即将到期'}",
        body=f"{notice.task.number}.{notice.task.title}\n办理期限：{date_cn(notice.deadline)}。"
        + ("逾期未办结的督办事项将列入通报。" if overdue else ""),
        url=reverse("plan_notice_detail", args=[notice.pk]),
        key=f"notice-remind:{notice.pk}:{notice.reminder_count}",
    )
    return notice


# ------------------------------------------------------------------------------------- delay requests


@transaction.atomic
def delay_request(
    *,
    actor,
    task: Task,
    unit: Organisation,
    reason: str,
    requested_due,
    milestone: Milestone | None = None,
    requested_at=None,
) -> DelayRequest:
    _reporting_check(actor, task, unit)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = "请填写延期理由。"
    if milestone is not None and milestone.task_id != task.pk:
        errors["milestone"] = "里程碑不属于该任务。"
    if requested_due is None:
        errors["requested_due"] = "请填写申请延至的日期。"
    elif milestone is not None and requested_due <= milestone.due_on:
        errors["requested_due"] = f"申请日期应晚于现定完成日期 {milestone.due_on}。"
    if (
        milestone is not None
        and DelayRequest.objects.filter(
            milestone=milestone, unit=unit, status=DelayRequest.Status.PENDING
        ).exists()
    ):
        errors["milestone"] = "该里程碑已有待审批的延期申请。"
    if errors:
        raise ValidationError(errors)
    request = DelayRequest.objects.create(
        task=task,
        milestone=milestone,
        unit=unit,
        reason=reason.strip(),
        requested_due=requested_due,
        requested_by=actor,
        requested_at=_now(requested_at),
    )
    audit_changed(actor=actor, obj=request, before=None, note="提交延期申请")
    notify(
        users=office_users(),
        kind="delay_requested",
        title=f"延期申请：{task.number}.{task.title}（{unit.short_name or unit.name}）",
        url=reverse("plan_delay_list"),
        key=f"delay-requested:{request.pk}",
    )
    return request


@transaction.atomic
def delay_decide(
    *, actor, request: DelayRequest, approve: bool, comment: str = "", decided_at=None
) -> DelayRequest:
    _require_office(actor)
    request = DelayRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != DelayRequest.Status.PENDING:
        raise ValidationError("该申请已审批。")
    if not approve and not (comment or "").strip():
        raise ValidationError({"comment": "不同意时请说明理由。"})
    before = snapshot(request)
    request.status = DelayRequest.Status.APPROVED if approve else DelayRequest.Status.REFUSED
    request.decided_by = actor
    request.decided_at = _now(decided_at)
    request.decision_comment = (comment or "").strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
    audit_changed(actor=actor, obj=request, before=before, note="同意延期" if approve else "不同意延期")
    if approve and request.milestone_id:
        m = request.milestone
        m_before = snapshot(m)
        m.due_on = request.requested_due
        m.save(update_fields=["due_on"])
        audit_changed(actor=actor, obj=m, before=m_before, note=f"延期至 {m.due_on}")
    notify(
        users=unit_users(request.unit_id),
        kind="delay_decided",
        title=f"延期申请{'已同意' if approve else '未同意'}：{request.task.number}.{request.task.title}",
        body=request.decision_comment,
        url=reverse("plan_task_detail", args=[request.task_id]),
        key=f"delay-decided:{request.pk}",
    )
    return request


# ----------------------------------------------------------------------------------------- assessment

DEFAULT_CRITERIA = [
    (
        "进度报送及时性",
        Criterion.Kind.REPORT_TIMELINESS,
        Decimal("30"),
        "按期报送得满分，逾期补报得一半，未报不得分；按应报份数折算。",
    ),
    (
        "里程碑完成情况",
        Criterion.Kind.MILESTONES,
        Decimal("30"),
        "考核期内到期的里程碑按期完成的比例；经批准延期的以新日期为准。",
    ),
    (
        "督办事项按期办理",
        Criterion.Kind.NOTICE_RESPONSE,
        Decimal("20"),
        "考核期内收到的督办单在办理期限内回复的比例；未收到督办单得满分。",
    ),
    (
        "工作质量",
        Criterion.Kind.QUALITY,
        Decimal("20"),
        "领导小组办公室根据报告质量、工作成效评分，须写明理由。",
    ),
]


@transaction.atomic
def scheme_create(
    *, actor, plan: Plan, name: str, period_start, period_end, criteria=None
) -> AssessmentScheme:
    """A round of assessment; `criteria` is [(name, kind, max_points, description)], the default set if None."""
    _require_office(actor)
    errors = {}
    if not (name or "").strip():
        errors["name"] = "请填写考核名称。"
    if period_start is None or period_end is None or period_start > period_end:
        errors["period_end"] = "考核期不正确。"
    criteria = DEFAULT_CRITERIA if criteria is None else criteria
    if not criteria:
        errors["criteria"] = "至少需要一个考核项目。"
    for c_name, kind, points, _d in criteria:
        if kind not in Criterion.Kind.values or Decimal(points) <= 0:
            errors["criteria"] = f"考核项目“{c_name}”的计分方式或分值不正确。"
    if errors:
        raise ValidationError(errors)
    scheme = AssessmentScheme.objects.create(
        plan=plan, name=name.strip(), period_start=period_start, period_end=period_end, created_by=actor
    )
    for order, (c_name, kind, points, description) in enumerate(criteria):
        Criterion.objects.create(
            scheme=scheme,
            order=order,
            name=c_name,
            kind=kind,
            max_points=Decimal(points),
            description=description,
        )
    audit_changed(actor=actor, obj=scheme, before=None, note=f"新建考核（{len(criteria)} 个考核项目）")
    return scheme


@transaction.atomic
def score_manual(
    *, actor, scheme: AssessmentScheme, criterion: Criterion, unit: Organisation, points, reason: str
) -> Score:
    _require_office(actor)
    errors = {}
    if criterion.scheme_id != scheme.pk or criterion.is_automatic:
        errors["criterion"] = "该考核项目由系统自动计分。"
    try:
        points = Decimal(str(points)).quantize(engine.CENT)
        if points < 0 or points > criterion.max_points:
            errors["points"] = f"得分应在 0 到 {criterion.max_points} 之间。"
    except (InvalidOperation, ValueError):
        errors["points"] = "得分应为数字。"
    if not (reason or "").strip():
        errors["reason"] = "人工评分须写明理由。"
    if unit.pk not in selectors.assessed_unit_ids(scheme.plan):
        errors["unit"] = "该单位不是本方案的责任单位。"
    if errors:
        raise ValidationError(errors)
    score = Score.objects.filter(criterion=criterion, unit=unit).first()
    before = snapshot(score)
    if score is None:
        score = Score(scheme=scheme, criterion=criterion, unit=unit)
    score.points = points
    score.reason = reason.strip()
    score.is_manual = True
    score.scored_by = actor
    score.detail = {}
    score.save()
    audit_changed(actor=actor, obj=score, before=before, note="人工评分")
    return score


@transaction.atomic
def scheme_compute(*, actor, scheme: AssessmentScheme, as_of=None) -> list[AssessmentResult]:
    """Automatic points from the data, manual points as entered, totals and ranks."""
    _require_office(actor)
    as_of = as_of or timezone.localdate()
    facts = selectors.assessment_facts(scheme, as_of=as_of)
    criteria = list(scheme.criteria.all())
    manual = {
        (s.criterion_id, s.unit_id): s.points for s in Score.objects.filter(scheme=scheme, is_manual=True)
    }
    results = engine.assess(
        [engine.CriterionSpec(key=c.pk, kind=c.kind, max_points=c.max_points) for c in criteria],
        facts,
        manual,
    )
    Score.objects.filter(scheme=scheme, is_manual=False).delete()
    AssessmentResult.objects.filter(scheme=scheme).delete()
    by_pk = {c.pk: c for c in criteria}
    Score.objects.bulk_create(
        Score(
            scheme=scheme,
            criterion=by_pk[key],
            unit_id=r.unit,
            points=cs.points,
            detail=cs.detail,
            is_manual=False,
        )
        for r in results
        for key, cs in r.scores.items()
        if by_pk[key].is_automatic
    )
    rows = AssessmentResult.objects.bulk_create(
        AssessmentResult(scheme=scheme, unit_id=r.unit, unit_name=r.name, total=r.total, rank=r.rank)
        for r in results
    )
    before = snapshot(scheme)
    scheme.status = AssessmentScheme.Status.COMPUTED
    scheme.computed_at = timezone.now()
    scheme.save(update_fields=["status", "computed_at"])
    audit_changed(
        actor=actor, obj=scheme, before=before, note=f"计算考核得分（{len(rows)} 个单位，截至 {as_of}）"
    )
    return rows


# --------------------------------------------------------------------------------------------- 通报


@transaction.atomic
def bulletin_create(
    *,
    actor,
    plan: Plan,
    title: str,
    number: str,
    issued_on,
    scheme: AssessmentScheme | None = None,
    body: str | None = None,
) -> Bulletin:
    """A draft 通报. Open 督办 notices past their deadline and not yet listed are listed in it."""
    _require_office(actor)
    errors = {}
    if not (title or "").strip():
        errors["title"] = "请填写标题。"
    if not (number or "").strip():
        errors["number"] = "请填写文号。"
    elif Bulletin.objects.filter(plan=plan, number=number.strip()).exists():
        errors["number"] = "该文号已被使用。"
    if scheme is not None and (
        scheme.plan_id != plan.pk or scheme.status != AssessmentScheme.Status.COMPUTED
    ):
        errors["scheme"] = "请先计算考核得分。"
    if errors:
        raise ValidationError(errors)
    overdue = list(
        SupervisionNotice.objects.select_for_update().filter(
            plan=plan, status=SupervisionNotice.Status.OPEN, deadline__lt=issued_on, bulletin__isnull=True
        )
    )
    if body is None:
        body = selectors.bulletin_draft_body(plan=plan, scheme=scheme, issued_on=issued_on, overdue=overdue)
    bulletin = Bulletin.objects.create(
        plan=plan,
        scheme=scheme,
        number=number.strip(),
        title=title.strip(),
        issued_on=issued_on,
        body=body,
        created_by=actor,
    )
    SupervisionNotice.objects.filter(pk__in=[n.pk for n in overdue]).update(bulletin=bulletin)
    audit_changed(
        actor=actor, obj=bulletin, before=None, note=f"起草通报，列入逾期督办事项 {len(overdue)} 件"
    )
    return bulletin


@transaction.atomic
def bulletin_update(*, actor, bulletin: Bulletin, title: str, body: str, issued_on) -> Bulletin:
    _require_office(actor)
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if bulletin.status != Bulletin.Status.DRAFT:
        raise ValidationError("已发布的通报不能修改。")
    before = snapshot(bulletin)
    bulletin.title, bulletin.body, bulletin.issued_on = title.strip(), body, issued_on
    bulletin.full_clean()
    bulletin.save()
    audit_changed(actor=actor, obj=bulletin, before=before)
    return bulletin


@transaction.atomic
def bulletin_publish(*, actor, bulletin: Bulletin, published_at=None) -> Bulletin:
    _require_office(actor)
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if bulletin.status != Bulletin.Status.DRAFT:
        raise ValidationError("该通报已发布。")
    before = snapshot(bulletin)
    bulletin.status = Bulletin.Status.PUBLISHED
    bulletin.published_at = _now(published_at)
    bulletin.save(update_fields=["status", "published_at"])
    audit_changed(actor=actor, obj=bulletin, before=before, note="发布通报")
    org_ids = selectors.assessed_unit_ids(bulletin.plan)
    notify(
        users=User.objects.filter(
            organisation_id__in=org_ids, is_active=True, role__in=[Role.MEMBER_UNIT, Role.INSTITUTION]
        ),
        kind="bulletin_published",
        title=f"通报：{bulletin.title}",
        url=reverse("plan_bulletin_detail", args=[bulletin.pk]),
        key=f"bulletin:{bulletin.pk}",
    )
    return bulletin


# ----------------------------------------------------------------------------------------- reminders


def plan_remind(*, actor=None, as_of=None, plan: Plan | None = None) -> dict:
    """Find reports due, notices near or past their deadline and milestones at risk; notify the users concerned.

    Safe to run as often as wanted: each event notifies each user once (notification keys).
    """
    as_of = as_of or timezone.localdate()
    counts = {
        "reports_due": 0,
        "reports_overdue": 0,
        "notices_due": 0,
        "notices_reminded": 0,
        "milestones_at_risk": 0,
    }
    before = Notification.objects.count()
    plans = [plan] if plan is not None else list(Plan.objects.all())
    office = office_users()
    for p in plans:
        for due in selectors.reports_missing(p, as_of=as_of, horizon_days=7):
            overdue = due["due_on"] < as_of
            counts["reports_overdue" if overdue else "reports_due"] += 1
            title = (
                f"进度报告逾期未报：{due['task'].number}.{due['task'].title}（{due['period'].label}）"
                if overdue
                else f"请报送进度：{due['task'].number}.{due['task'].title}（{due['period'].label}）"
            )
            notify(
                users=unit_users(due["unit_id"]),
                kind="report_overdue" if overdue else "report_due",
                title=title,
                body=f"报送期限：{date_cn(due['due_on'])}。",
                url=reverse("plan_report_new", args=[due["task"].pk]) + f"?period={due['period'].code}",
                key=f"report-{'overdue' if overdue else 'due'}:{due['task'].pk}:{due['unit_id']}:{due['period'].code}",
            )
        for notice in SupervisionNotice.objects.filter(
            plan=p, status=SupervisionNotice.Status.OPEN
        ).select_related("task", "unit"):
            if notice.deadline < as_of:
                if notice.last_reminded_on is None or notice.last_reminded_on <= notice.deadline:
                    # One 催办 when it falls overdue; the 通报 is the next step.
                    notice_remind(actor=None, notice=notice, on=as_of)
                    counts["notices_reminded"] += 1
                    notify(
                        users=office,
                        kind="notice_overdue",
                        title=f"督办单 {notice.number} 逾期未回复（{notice.unit.short_name or notice.unit.name}）",
                        body="已自动催办；逾期未办结的将列入下一期通报。",
                        url=reverse("plan_notice_detail", args=[notice.pk]),
                        key=f"notice-overdue:{notice.pk}",
                    )
            elif add_working_days(as_of, 2) >= notice.deadline:
                counts["notices_due"] += 1
                notify(
                    users=unit_users(notice.unit_id),
                    kind="notice_due",
                    title=f"督办单 {notice.number} 即将到期",
                    body=f"办理期限：{date_cn(notice.deadline)}。",
                    url=reverse("plan_notice_detail", args=[notice.pk]),
                    key=f"notice-due:{notice.pk}",
                )
        for risk in selectors.milestones_at_risk(p, as_of=as_of):
            m = risk["milestone"]
            counts["milestones_at_risk"] += 1
            users = unit_users(m.unit.organisation_id) if m.unit.organisation_id else []
            notify(
                users=[*users, *office] if risk["overdue"] else users,
                kind="milestone_risk",
                title=f"里程碑{'已逾期' if risk['overdue'] else '有延误风险'}：{m.task.number}.{m.text[:40]}",
                body=f"完成日期：{date_cn(m.due_on)}；{risk['why']}",
                url=reverse("plan_task_detail", args=[m.task_id]),
                key=f"milestone-{'overdue' if risk['overdue'] else 'risk'}:{m.pk}:{m.due_on}",
            )
    counts["notifications"] = Notification.objects.count() - before
    audit_record(
        actor=actor,
        action=AuditLog.Action.CREATE,
        object_type="plan.Reminder",
        object_repr=f"提醒 {as_of}",
        after=counts,
        note="进度、督办、里程碑提醒",
    )
    return counts
