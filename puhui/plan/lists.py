"""The plan's lists (puhui/core/lists.py): progress reports, 督办单, delay requests and messages.

Rows come from `access` (the office sees every unit's, a unit its own); the views narrow them to the
plan shown (`?plan=`, carried through every link of the list).
"""

from django.utils import timezone

from puhui.core import lists
from puhui.core import notifications as core_notifications
from puhui.core.models import Organisation
from puhui.core.periods import label as period_label
from puhui.plan import access, selectors
from puhui.plan.models import DelayRequest, ProgressReport, SupervisionNotice


def _office(user) -> bool:
    return access.is_office(user)


def _units(model):
    """The units that have rows of this kind (the office's filter; a unit sees only its own)."""

    def choices(user, values):
        if not access.is_office(user):
            return []
        ids = model.objects.values("unit_id").distinct()
        units = Organisation.objects.filter(pk__in=ids).order_by("name")
        return [(o.pk, o.short_name or o.name) for o in units]

    return choices


def _unit(x) -> str:
    return x.unit.short_name or x.unit.name


def _task(x) -> str:
    return f"{x.task.number}. {x.task.title}"


TASK_SEARCH = lists.Search(
    names=("task__title", "unit__name", "unit__short_name"), placeholder="任务名称或单位名称"
)


# ----- 进展报告


def _report_periods(user, values):
    codes = access.reports_for(user).values_list("period", flat=True).distinct().order_by("-period")
    out = []
    for code in codes:
        try:
            out.append((code, period_label(code)))
        except ValueError:
            out.append((code, code))
    return out


def _period(r) -> str:
    try:
        return period_label(r.period)
    except ValueError:
        return r.period


REPORTS = lists.ListSpec(
    key="plan-reports",
    title="进展报告",
    url_name="plan_report_list",
    keep=("plan",),
    queryset=lambda user: access.reports_for(user).select_related("task", "unit"),
    columns=(
        lists.Column("task", "任务", value=_task, link="plan_report_detail", sort=("task__number",)),
        lists.Column("unit", "报送单位", value=_unit),
        lists.Column("period", "报送期", value=_period, sort=("period_end",)),
        lists.Column("status", "进展状态", value="get_status_display"),
        lists.Column("completion", "完成进度", kind="int", unit="%", phone=False),
        lists.Column("version", "版本", value=lambda r: f"第{r.version}版", phone=False),
        lists.Column("review", "审核", value="get_review_display"),
        lists.Column("submitted_at", "报送时间", kind="datetime", sort=("submitted_at",), phone=False),
        lists.Column("due_on", "报送期限", kind="date", phone=False),
    ),
    filters=(
        lists.Choice("review", "审核", choices=ProgressReport.Review.choices, all_label="全部审核状态"),
        lists.Choice("status", "进展状态", choices=ProgressReport.Status.choices, all_label="全部进展状态"),
        lists.Choice("period", "报送期", choices=_report_periods, all_label="全部报送期"),
        lists.Choice("unit", "报送单位", field="unit_id", choices=_units(ProgressReport)),
        lists.Boolean(
            "current", "版本", field="is_current", yes="仅最新版本", no="仅历史版本", all_label="全部版本"
        ),
    ),
    search=TASK_SEARCH,
    default_sort="-submitted_at",
    empty="没有进展报告。",
)


# ----- 督办单


def _overdue(qs, value, user):
    today = timezone.localdate()
    open_ = qs.filter(status=SupervisionNotice.Status.OPEN)
    return open_.filter(deadline__lt=today) if value == "overdue" else open_.filter(deadline__gte=today)


NOTICES = lists.ListSpec(
    key="plan-notices",
    title="督办单",
    url_name="plan_notice_list",
    keep=("plan",),
    queryset=lambda user: access.notices_for(user).select_related("task", "unit"),
    columns=(
        lists.Column("number", "编号", link="plan_notice_detail", sort=("number",)),
        lists.Column("task", "任务", value=_task, sort=("task__number",)),
        lists.Column("unit", "督办对象", value=_unit),
        lists.Column("issued_on", "督办日期", kind="date", sort=("issued_on",), phone=False),
        lists.Column(
            "deadline", "办理期限", kind="date", sort=("deadline",), template="plan/_notice_deadline.html"
        ),
        lists.Column("status", "状态", value="get_status_display"),
        lists.Column("reminder_count", "催办", kind="int", unit="次", phone=False),
    ),
    filters=(
        lists.Choice("status", "状态", choices=SupervisionNotice.Status.choices, all_label="全部状态"),
        lists.Choice(
            "due",
            "期限",
            choices=[("overdue", "逾期未办结"), ("open", "未到期未办结")],
            apply=_overdue,
            all_label="全部期限",
        ),
        lists.Choice("unit", "督办对象", field="unit_id", choices=_units(SupervisionNotice)),
    ),
    search=TASK_SEARCH,
    default_sort="-issued_on",
    empty="没有督办单。",
)


# ----- 延期申请


def _with_task_counts(delays, request):
    """The office sees how many delays each task has had (approved / all) beside each request."""
    if delays and access.is_office(request.user):
        counts = selectors.delay_counts_by_task(delays[0].task.plan)
        for d in delays:
            d.task_counts = counts.get(d.task_id)
    return delays


def _milestone(d) -> str:
    return d.milestone.text if d.milestone_id else "整个任务"


def _task_counts(d) -> str:
    counts = getattr(d, "task_counts", None) or {}
    return f"{counts.get('approved', 0)}/{counts.get('total', 0)}"


DELAYS = lists.ListSpec(
    key="plan-delays",
    title="延期申请",
    url_name="plan_delay_list",
    keep=("plan",),
    queryset=lambda user: access.delay_requests_for(user).select_related(
        "task", "task__plan", "unit", "milestone"
    ),
    columns=(
        lists.Column(
            "task", "任务", value=_task, link=("plan_task_detail", "task_id"), sort=("task__number",)
        ),
        lists.Column("unit", "申请单位", value=_unit),
        lists.Column("milestone", "里程碑", value=_milestone, phone=False),
        lists.Column("requested_due", "申请延至", kind="date", sort=("requested_due",)),
        lists.Column("reason", "延期理由", phone=False),
        lists.Column("status", "状态", value="get_status_display", template="plan/_delay_status.html"),
        lists.Column("task_counts", "本任务累计（同意/总数）", value=_task_counts, show=_office, phone=False),
        lists.Column("decide", "审批", template="plan/_delay_decide.html", export=False, show=_office),
    ),
    filters=(
        lists.Choice("status", "状态", choices=DelayRequest.Status.choices, all_label="全部状态"),
        lists.Choice("unit", "申请单位", field="unit_id", choices=_units(DelayRequest)),
    ),
    search=TASK_SEARCH,
    default_sort="-requested_due",
    prepare=_with_task_counts,
    empty="没有延期申请。",
)


# ----- 消息 (the core's notifications, on the plan's page)


NOTIFICATIONS = lists.ListSpec(
    key="notifications",
    title="消息",
    url_name="plan_notifications",
    queryset=core_notifications.notifications_for,
    columns=(
        lists.Column("created_at", "时间", kind="datetime", sort=("created_at",)),
        lists.Column("title", "标题", template="plan/_notification_title.html"),
        lists.Column("body", "内容", phone=False, css="small plan-text"),
        lists.Column("read", "状态", value=lambda n: "已读" if n.read_at else "未读"),
        lists.Column("actions", "操作", template="plan/_notification_actions.html", export=False),
    ),
    filters=(
        lists.Boolean("unread", "状态", field="read_at__isnull", yes="未读", no="已读", all_label="全部消息"),
    ),
    search=lists.Search(names=("title", "body"), placeholder="消息标题或内容"),
    default_sort="-created_at",
    empty="没有消息。",
)
