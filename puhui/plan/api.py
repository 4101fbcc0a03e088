"""The plan over /api/v1/plan/: tasks and their assignments, and progress reports of member units' systems.

A token acts for one organisation and sees what that organisation's staff see on the plan pages
(`puhui.plan.access`): a unit its own tasks and reports, the PBoC (the office) everything. A report is
submitted through `services.report_submit`, so versions, audit and validation are the pages' own.
Evidence files are not part of the JSON API; they are uploaded with a report on the report form.
"""

import datetime
import re
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from puhui.api.errors import ApiError
from puhui.api.pagination import LimitOffsetTotal
from puhui.core.converters import MAX_ID
from puhui.plan import access, selectors, services
from puhui.plan.models import Assignment, LeadingGroupMember, Plan, PlanUnit, ProgressReport, Task
from puhui.plan.workdays import period_by_code

router = Router(tags=["实施方案"])

INDICATOR_SPLIT = re.compile(r"[,，、\s]+")


# ------------------------------------------------------------------------------------------- schemas


class AssignmentOut(Schema):
    unit: str = Field(..., alias="unit.name", title="责任单位（方案中的称谓）")
    unit_type: PlanUnit.Type = Field(..., alias="unit.type", title="单位类型")
    organisation_id: int | None = Field(None, alias="unit.organisation_id", title="机构ID")
    role: Assignment.Role = Field(..., title="职责")


class TaskItemOut(Schema):
    seq: int = Field(..., title="子项")
    target: str = Field(..., title="责任目标")
    lead: str = Field(..., alias="lead.name", title="牵头单位")
    units: list[str] = Field(..., title="责任单位")

    @staticmethod
    def resolve_units(obj) -> list[str]:
        return [u.name for u in obj.units.all()]


class MilestoneOut(Schema):
    id: int = Field(..., title="里程碑ID", description="报送时在 milestones 中引用")
    seq: int = Field(..., title="序号")
    item_seq: int | None = Field(None, title="所属子项")
    text: str = Field(..., title="里程碑")
    unit: str = Field(..., alias="unit.name", title="责任单位")
    organisation_id: int | None = Field(None, alias="unit.organisation_id", title="机构ID")
    original_due_on: datetime.date = Field(..., title="原定完成日期")
    due_on: datetime.date = Field(..., title="完成日期", description="批准延期后为新日期")
    completed_on: datetime.date | None = Field(None, title="实际完成日期")

    @staticmethod
    def resolve_item_seq(obj) -> int | None:
        return obj.item.seq if obj.item_id else None


class TaskOut(Schema):
    id: int
    plan_id: int = Field(..., title="方案ID")
    number: int = Field(..., title="任务序号")
    title: str = Field(..., title="工作内容")
    section_number: int | None = Field(None, title="对应方案条目序号")
    lead: str = Field(..., alias="lead.name", title="牵头单位")
    my_role: Assignment.Role | None = Field(
        None,
        title="本机构的职责",
        description="lead 牵头、cooperating 配合（含作为“各金融机构”之一）；办公室查看与本机构无关的任务时为 null",
    )
    assignments: list[AssignmentOut] = Field(..., title="分工")
    items: list[TaskItemOut] = Field(..., title="责任目标")
    milestones: list[MilestoneOut] = Field(..., title="里程碑")

    @staticmethod
    def resolve_section_number(obj) -> int | None:
        return obj.section.number if obj.section_id else None

    @staticmethod
    def resolve_my_role(obj) -> str | None:
        roles = {a.role for a in obj.mine}
        if Assignment.Role.LEAD in roles:
            return Assignment.Role.LEAD
        return Assignment.Role.COOPERATING if roles else None


class TaskDetailOut(TaskOut):
    section_title: str | None = Field(None, title="对应方案条目")
    section_text: str | None = Field(None, title="方案原文")

    @staticmethod
    def resolve_section_title(obj) -> str | None:
        return obj.section.title if obj.section_id else None

    @staticmethod
    def resolve_section_text(obj) -> str | None:
        return obj.section.text if obj.section_id else None


class TaskFilters(Schema):
    plan_id: int | None = Field(None, ge=1, le=MAX_ID, title="方案ID", description="缺省为最新的方案")
    role: Assignment.Role | None = Field(None, title="本机构的职责")


class EvidenceOut(Schema):
    name: str = Field(..., title="文件名")
    content_type: str = Field(..., title="类型")
    size: int = Field(..., title="大小（字节）")


class ReportOut(Schema):
    id: int
    task_number: int = Field(..., alias="task.number", title="任务序号")
    task_title: str = Field(..., alias="task.title", title="工作内容")
    unit_id: int = Field(..., title="报送单位ID")
    unit_name: str = Field(..., alias="unit.name", title="报送单位")
    period: str = Field(..., title="报送期")
    period_start: datetime.date = Field(..., title="期初")
    period_end: datetime.date = Field(..., title="期末")
    due_on: datetime.date = Field(..., title="报送期限")
    version: int = Field(..., title="版本")
    is_current: bool = Field(..., title="最新版本")
    status: ProgressReport.Status = Field(..., title="进展状态")
    completion: int = Field(..., title="完成进度（%）")
    narrative: str = Field(..., title="进展情况")
    indicator_codes: list[str] = Field(..., title="关联指标代码")
    milestones: list[int] = Field(..., title="申报本期完成的里程碑ID")
    evidence: list[EvidenceOut] = Field(
        ..., title="佐证材料", description="只列出文件；在平台报送页面随报告上传"
    )
    submitted_at: datetime.datetime = Field(..., title="报送时间")
    on_time: bool = Field(..., title="按期报送")
    review: ProgressReport.Review = Field(..., title="审核")
    review_comment: str = Field(..., title="审核意见")
    reviewed_at: datetime.datetime | None = Field(None, title="审核时间")

    @staticmethod
    def resolve_indicator_codes(obj) -> list[str]:
        return [c for c in INDICATOR_SPLIT.split(obj.indicator_codes or "") if c]

    @staticmethod
    def resolve_milestones(obj) -> list[int]:
        return sorted(m.pk for m in obj.milestones_done.all())

    @staticmethod
    def resolve_evidence(obj):
        return list(obj.evidence.all())

    # Times in the county's zone (+08:00), as staff read them on the pages.
    @staticmethod
    def resolve_submitted_at(obj) -> datetime.datetime:
        return timezone.localtime(obj.submitted_at)

    @staticmethod
    def resolve_reviewed_at(obj) -> datetime.datetime | None:
        return timezone.localtime(obj.reviewed_at) if obj.reviewed_at else None


class ReportFilters(Schema):
    plan_id: int | None = Field(None, ge=1, le=MAX_ID, title="方案ID", description="缺省为最新的方案")
    task: int | None = Field(None, ge=1, le=MAX_ID, title="任务序号")
    period: str | None = Field(None, max_length=8, title="报送期")
    status: ProgressReport.Status | None = Field(None, title="进展状态")
    review: ProgressReport.Review | None = Field(None, title="审核")
    unit_id: int | None = Field(None, ge=1, le=MAX_ID, title="报送单位ID")
    all_versions: bool = Field(False, title="包括被退回的旧版本")


class ReportIn(Schema):
    # Unknown fields are refused: a misspelt field name must not be dropped silently.
    model_config = ConfigDict(extra="forbid")

    plan_id: int | None = Field(None, ge=1, le=MAX_ID, title="方案ID", description="缺省为最新的方案")
    task: int = Field(..., ge=1, le=MAX_ID, title="任务序号", description="任务分解表中的序号，如 2")
    period: str = Field(
        ..., max_length=8, title="报送期", description="按季度报送如 2021Q1，按月报送如 2021-03"
    )
    status: ProgressReport.Status = Field(..., title="进展状态")
    completion: int = Field(..., ge=0, le=100, title="完成进度（%）")
    narrative: str = Field(..., max_length=10000, title="进展情况")
    indicator_codes: list[str] = Field(
        [], max_length=50, title="关联指标代码", description="有数量目标的任务可填写"
    )
    milestones: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        [],
        max_length=100,
        title="本期完成的里程碑",
        description="里程碑ID（见任务的 milestones）；审核通过后记为完成",
    )
    keep_evidence: bool = Field(
        True, title="沿用上一版的佐证材料", description="被退回后重新报送时，是否保留上一版的佐证材料"
    )


# ------------------------------------------------------------------------------------------ handlers


def _plan(request: HttpRequest, plan_id: int | None) -> Plan | None:
    """The plan a request is about: the one named, else the newest visible. Naming an unseen plan is 404."""
    return access.access_api_plan(request.auth.user, plan_id)


@router.get("/tasks", response=list[TaskOut], summary="任务列表")
@paginate(LimitOffsetTotal)
def list_tasks(request, filters: Query[TaskFilters]):
    """本机构可见的任务及分工、责任目标和里程碑：成员单位和金融机构只见本机构牵头或配合的任务（金融机构包括
    “各金融机构”负责的），人民银行（领导小组办公室）见全部。`role` 按本机构的职责筛选。"""
    plan = _plan(request, filters.plan_id)
    if plan is None:
        return Task.objects.none()
    return selectors.api_tasks(request.auth.user, plan, role=filters.role)


@router.get("/tasks/{int:number}", response=TaskDetailOut, summary="任务详情")
def get_task(request, number: int, plan_id: int | None = Query(None, title="方案ID")):
    """按任务序号读取；不在本机构可见范围内的任务返回 404。"""
    return access.access_api_task(request.auth.user, number, plan_id)


@router.get("/reports", response=list[ReportOut], summary="进度报告列表")
@paginate(LimitOffsetTotal)
def list_reports(request, filters: Query[ReportFilters]):
    """本机构报送的进度报告（人民银行令牌可见全部单位的报告），默认每期只列最新版本，含审核结果和意见。"""
    plan = _plan(request, filters.plan_id)
    if plan is None:
        return ProgressReport.objects.none()
    return selectors.api_reports(request.auth.user, plan, **filters.model_dump(exclude={"plan_id"}))


@router.get("/reports/{int:report_id}", response=ReportOut, summary="进度报告详情")
def get_report(request, report_id: int):
    return selectors.api_report(request.auth.user, report_id)


@router.post("/reports", response={201: ReportOut}, summary="报送进度")
def submit_report(request, payload: ReportIn):
    """为本机构负责的任务报送一期进度；被退回后再报送即生成新版本。不负责的任务返回 404。
    佐证材料不经接口上传：需要附件的一期请在平台“报送进度”页面报送。须带 Idempotency-Key 请求头。"""
    user = request.auth.user
    task = access.access_api_task_for_report(user, payload.task, payload.plan_id)
    milestones = _checked_milestones(user, task, payload)
    try:
        report = services.report_submit(
            actor=request.auth,
            task=task,
            unit=access.acting_unit(user),
            period=payload.period,
            status=payload.status,
            completion=payload.completion,
            narrative=payload.narrative,
            indicator_codes=",".join(c.strip() for c in payload.indicator_codes if c.strip()),
            milestones=milestones,
            keep_evidence=payload.keep_evidence,
        )
    except PermissionDenied:
        raise Http404 from None
    return Status(201, selectors.api_report(user, report.pk))


def _checked_milestones(user, task: Task, payload: ReportIn) -> list:
    """The milestones named in the body, and the checks the report form makes by what it offers."""
    errors = {}
    period = period_by_code(task.plan, payload.period)
    if period is not None and period.start > timezone.localdate():
        errors["period"] = [f"{period.label}尚未开始，不能报送。"]
    wanted = list(dict.fromkeys(payload.milestones))
    found = {
        m.pk: m for m in access.milestones_for(user).filter(task=task, pk__in=wanted).select_related("unit")
    }
    for pk in wanted:
        m = found.get(pk)
        if m is None:
            errors.setdefault("milestones", []).append(f"里程碑 {pk} 不是第{task.number}项任务的里程碑。")
        elif m.completed_on is not None:
            errors.setdefault("milestones", []).append(f"里程碑 {pk} 已于 {m.completed_on} 完成。")
    if errors:
        raise ValidationError(errors)
    return [found[pk] for pk in wanted]


# ---------------------------------------------------------------- the leading group (附件1)


POSTS_TEXT = "、".join(f"{p.value} {p.label}" for p in LeadingGroupMember.Post)


class LeadingGroupTermOut(Schema):
    id: int
    person_name: str = Field(..., title="姓名")
    post: str = Field(..., title=f"小组职务：{POSTS_TEXT}")
    post_label: str = Field(..., title="小组职务（中文）")
    unit_id: int = Field(..., title="单位ID")
    unit_code: str = Field(..., alias="unit.code", title="单位编码")
    unit_name: str = Field(..., alias="unit.name", title="单位名称")
    title: str = Field(..., title="本职职务")
    from_date: datetime.date = Field(..., title="任职日期")
    to_date: datetime.date | None = Field(None, title="离任日期（仍在任为空）")
    order: int = Field(..., title="排序")

    @staticmethod
    def resolve_post_label(obj) -> str:
        return obj.get_post_display()


class LeadingGroupFilters(Schema):
    on: datetime.date | None = Field(None, title="日期：只列该日在任的（不填列出全部任职，含已离任的）")
    post: Literal[tuple(LeadingGroupMember.Post.values)] | None = Field(None, title=f"小组职务：{POSTS_TEXT}")
    unit_id: int | None = Field(None, ge=1, le=MAX_ID, title="单位ID")


@router.get("/leading-group", response=list[LeadingGroupTermOut], summary="领导小组成员及任职")
@paginate(LimitOffsetTotal)
def list_leading_group(request, filters: Query[LeadingGroupFilters]):
    """实施方案附件1的领导小组：每段任职一条（谁、哪个单位、什么职务、从何时到何时）；`on` 为某日在任的组成人员。
    与“领导小组”页面同一范围：人民银行和成员单位的令牌可以读取，其他机构为 403。"""
    user = request.auth.user
    if not access.may_see_leading_group(user):
        raise ApiError(403, "forbidden", "本机构无权查看领导小组（人民银行和成员单位可以查看）")
    return selectors.leading_group_terms(user, **filters.model_dump())
