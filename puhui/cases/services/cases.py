"""Typical cases: a unit sends one (待审核) and corrects it while it is waiting or returned; the office returns it
with a reason, keeps it in the library (已采用), publishes it (已发布, read by every staff user) or takes the
publication back, and selects a kept case for a periodic evaluation report (入选评估报告, with the period).
Each write is one transaction and one audit record; the unit is told of the office's decisions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from puhui.cases import access
from puhui.cases.models import KEPT, Case, CaseFile, CaseStatus, Topic
from puhui.cases.services.attachments import files_check, files_remove, files_store
from puhui.core import periods
from puhui.core.audit import audit_changed, snapshot
from puhui.core.notifications import notifications_send
from puhui.core.service_checks import text_within

FIRST_YEAR = 2020  # the plan's first year (源政发〔2020〕9号)
UPLOAD_DIR = "cases/files"
MAX_TEXT = 20_000


def period_check(code, field: str = "period", label: str = "所属期间") -> str:
    """A year or a quarter code of the plan's years that has begun: "2021", "2021Q3"."""
    try:
        spec = periods.parse_code(str(code or ""))
    except ValueError:
        raise ValidationError({field: f"请选择{label}（年度或季度）。"}) from None
    if spec.kind not in (periods.KIND_YEAR, periods.KIND_QUARTER):
        raise ValidationError({field: f"{label}须为年度或季度。"})
    if spec.year < FIRST_YEAR:
        raise ValidationError({field: f"{label}不能早于 {FIRST_YEAR} 年（实施方案的第一年）。"})
    if spec.start > timezone.localdate():
        raise ValidationError({field: f"{label}（{spec.label}）尚未开始。"})
    return spec.code


def _task(task):
    if task is None:
        return None
    from puhui.plan.models import Task  # the plan app is installed wherever cases are

    if not isinstance(task, Task):
        raise ValidationError({"task": "请选择实施方案中的任务，或不选。"})
    return task


def _fields(topic, task, period, title, text) -> dict:
    if topic not in Topic.values:
        raise ValidationError({"topic": "请选择专题。"})
    return {
        "topic": topic,
        "task": _task(task),
        "period": period_check(period),
        "title": text_within(title, "title", "标题", limit=100),
        "text": text_within(text, "text", "正文", limit=MAX_TEXT),
    }


@transaction.atomic
def case_create(*, actor, topic, period, title, text, task=None, files=()) -> Case:
    """A unit's typical case or experience write-up, waiting for the office."""
    unit = access.unit_of(actor)
    if unit is None:
        raise ValidationError("只有成员单位、金融机构和领导小组办公室可以报送典型案例。")
    fields = _fields(topic, task, period, title, text)
    checked = files_check(files)
    case = Case.objects.create(unit=unit, entered_by=actor, **fields)
    audit_changed(actor=actor, obj=case, before=None, note=f"报送典型案例（{len(checked)} 个附件）")
    files_store(CaseFile, "case", case, checked, UPLOAD_DIR)
    return case


@transaction.atomic
def case_update(*, actor, case: Case, topic, period, title, text, task=None, files=(), remove=()) -> Case:
    """The unit corrects a waiting or returned case (files may be added or removed); it waits again."""
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if not access.may_edit_case(actor, case):
        raise ValidationError("这篇案例已被办公室采用或不属于本单位，不能修改。")
    fields = _fields(topic, task, period, title, text)
    before = snapshot(case)
    removed = files_remove(case.files.all(), remove)
    checked = files_check(files, already=case.files.count())
    for name, value in fields.items():
        setattr(case, name, value)
    case.status = CaseStatus.SUBMITTED
    case.save()
    note = "修改后重新提交" + (f"，删除附件：{'、'.join(removed)}" if removed else "")
    audit_changed(actor=actor, obj=case, before=before, note=note)
    files_store(CaseFile, "case", case, checked, UPLOAD_DIR)
    return case


DECISIONS = {
    # decision: (the states it applies to, the state after, the verb, what the unit is told)
    "accept": ((CaseStatus.SUBMITTED,), CaseStatus.ACCEPTED, "采用", "已被办公室采用"),
    "publish": ((CaseStatus.SUBMITTED, CaseStatus.ACCEPTED), CaseStatus.PUBLISHED, "发布", "已发布"),
    "return": ((CaseStatus.SUBMITTED,), CaseStatus.RETURNED, "退回", "被退回"),
    "unpublish": ((CaseStatus.PUBLISHED,), CaseStatus.ACCEPTED, "撤回发布", "已撤回发布"),
}


def _notify(case: Case, title: str, body: str = "") -> None:
    notifications_send(
        users=[case.entered_by],
        kind="cases",
        title=f"典型案例{title}：{case.title}",
        body=body,
        url=reverse("cases:case_detail", args=[case.pk]),
        key=f"cases-case-{case.pk}-{timezone.now():%Y%m%d%H%M%S%f}",
    )


@transaction.atomic
def case_review(*, actor, case: Case, decision: str, reason: str = "") -> Case:
    """The office's decision: accept, publish, return (a reason is required) or take a publication back."""
    if not access.can_review(actor):
        raise ValidationError("只有领导小组办公室可以审核典型案例。")
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if decision not in DECISIONS:
        raise ValidationError({"decision": "请选择审核结果。"})
    allowed, after, verb, told = DECISIONS[decision]
    if case.status not in allowed:
        raise ValidationError(f"这篇案例处于“{case.get_status_display()}”状态，不能{verb}。")
    reason = text_within(reason, "reason", "退回原因", limit=1000, required=decision == "return")
    if decision == "return" and case.selected_for:
        raise ValidationError("这篇案例已入选评估报告，请先取消入选再退回。")
    before = snapshot(case)
    case.status = after
    case.reviewed_by, case.reviewed_at = actor, timezone.now()
    if decision == "return":
        case.return_reason = reason
    if decision == "publish":
        case.published_at = case.reviewed_at
    if decision == "unpublish":
        case.published_at = None
    case.save()
    audit_changed(actor=actor, obj=case, before=before, note=f"{told}" + (f"：{reason}" if reason else ""))
    _notify(case, told, f"退回原因：{reason}。请修改后重新提交。" if decision == "return" else "")
    return case


@transaction.atomic
def case_select(*, actor, case: Case, period: str = "") -> Case:
    """Select a kept case for the evaluation report of `period` (入选评估报告), or clear it with ""."""
    if not access.can_review(actor):
        raise ValidationError("只有领导小组办公室可以选定入选评估报告的案例。")
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    period = (period or "").strip()
    if period:
        period = period_check(period, "period", "评估报告期间")
        if case.status not in KEPT:
            raise ValidationError("只有办公室已采用或已发布的案例可以入选评估报告。")
    before = snapshot(case)
    case.selected_for = period
    case.selected_by, case.selected_at = (actor, timezone.now()) if period else (None, None)
    case.save(update_fields=["selected_for", "selected_by", "selected_at"])
    note = f"入选{periods.label(period)}评估报告" if period else "取消入选评估报告"
    audit_changed(actor=actor, obj=case, before=before, note=note)
    if period:
        _notify(case, f"入选{periods.label(period)}评估报告")
    return case
