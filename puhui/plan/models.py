"""The county's implementation plan: tasks and their responsible units, progress reports, 督办, assessment.

A plan is loaded from a file (`puhui plan_load`); its units are the names the plan uses (县人民银行,
各金融机构 …) mapped to organisations. Progress reports are versioned: a resubmission is a new row and
the old versions stay readable.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from puhui.core.models import Division, Organisation


class Plan(models.Model):
    class Frequency(models.TextChoices):
        QUARTERLY = "quarterly", "按季度"
        MONTHLY = "monthly", "按月"

    county = models.ForeignKey(Division, verbose_name="县", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("方案名称", max_length=200)
    notice_title = models.CharField("印发通知标题", max_length=300, blank=True)
    doc_number = models.CharField("文号", max_length=60)
    issuer = models.CharField("印发机关", max_length=100, blank=True)
    issued_on = models.DateField("印发日期")
    starts_on = models.DateField("实施开始")
    ends_on = models.DateField("实施结束")
    report_frequency = models.CharField(
        "进度报送周期", max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    report_due_working_days = models.PositiveSmallIntegerField(
        "报送期限（期末后工作日）", default=10, validators=[MaxValueValidator(60)]
    )
    source_name = models.CharField("来源文件", max_length=200, blank=True)
    loaded_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["county", "doc_number"], name="plan_unique_doc_number")
        ]
        verbose_name = verbose_name_plural = "实施方案"

    def __str__(self) -> str:
        return f"{self.title}（{self.doc_number}）"


class PlanUnit(models.Model):
    """A unit as the plan names it; most are organisations, "各金融机构" stands for all institutions."""

    class Type(models.TextChoices):
        ORGANISATION = "organisation", "单位"
        ALL_INSTITUTIONS = "all_institutions", "各金融机构"
        EXTERNAL = "external", "平台外单位"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="units")
    name = models.CharField("方案中的称谓", max_length=60)
    type = models.CharField("类型", max_length=20, choices=Type.choices, default=Type.ORGANISATION)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_units",
    )
    leading_group = models.BooleanField("领导小组成员单位", default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="planunit_unique_name")]
        verbose_name = verbose_name_plural = "方案责任单位"

    def __str__(self) -> str:
        return self.name


class Section(models.Model):
    """One of the numbered items of the plan's body, （一）…（二十五）."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField("序号")
    chapter = models.CharField("篇章", max_length=100, blank=True)
    title = models.CharField("标题", max_length=200)
    text = models.TextField("正文", blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="section_unique_number")]
        verbose_name = verbose_name_plural = "方案条目"

    def __str__(self) -> str:
        return f"（{self.number}）{self.title}"


class Task(models.Model):
    """A row of the task decomposition table (重点工作任务分解表)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    number = models.PositiveSmallIntegerField("序号")
    section = models.ForeignKey(
        Section,
        verbose_name="对应条目",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    title = models.CharField("工作内容", max_length=200)
    lead = models.ForeignKey(
        PlanUnit, verbose_name="牵头单位", on_delete=models.PROTECT, related_name="led_tasks"
    )

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="task_unique_number")]
        verbose_name = verbose_name_plural = "重点工作任务"

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Assignment(models.Model):
    """A unit responsible for a task: the lead or a co-operating unit."""

    class Role(models.TextChoices):
        LEAD = "lead", "牵头"
        COOPERATING = "cooperating", "配合"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(PlanUnit, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField("职责", max_length=12, choices=Role.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["task", "order"]
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="assignment_unique_unit")]
        verbose_name = verbose_name_plural = "任务分工"

    def __str__(self) -> str:
        return f"{self.task.number} {self.unit.name}（{self.get_role_display()}）"


class TaskItem(models.Model):
    """A sub-row of a task: one responsibility target (责任目标) and the units named for it."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="items")
    seq = models.PositiveSmallIntegerField("子项")
    target = models.TextField("责任目标")
    lead = models.ForeignKey(
        PlanUnit, verbose_name="牵头单位", on_delete=models.PROTECT, related_name="led_items"
    )
    units = models.ManyToManyField(PlanUnit, verbose_name="责任单位", related_name="items")

    class Meta:
        ordering = ["task", "seq"]
        constraints = [models.UniqueConstraint(fields=["task", "seq"], name="taskitem_unique_seq")]
        verbose_name = verbose_name_plural = "责任目标"

    def __str__(self) -> str:
        return f"{self.task.number}.{self.seq}"


class Milestone(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    item = models.ForeignKey(
        TaskItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="milestones"
    )
    seq = models.PositiveSmallIntegerField("序号")
    text = models.TextField("里程碑")
    unit = models.ForeignKey(
        PlanUnit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="milestones"
    )
    original_due_on = models.DateField("原定完成日期")
    due_on = models.DateField("完成日期", db_index=True)
    completed_on = models.DateField("实际完成日期", null=True, blank=True)
    completed_report = models.ForeignKey(
        "ProgressReport", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A milestone may depend on one of the plan's quantitative targets (the data app's target code, its
    # current version): it closes only when the target's figure for the due period meets it, or when the
    # office overrides with a written reason (shown on the milestone and in the 通报).
    target_code = models.CharField("关联目标", max_length=60, blank=True, db_index=True)
    target_check = models.JSONField("目标核验", default=dict, blank=True)  # the verdict it closed on
    override_reason = models.TextField("办公室确认理由", blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    overridden_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        ordering = ["due_on", "task", "seq"]
        constraints = [models.UniqueConstraint(fields=["task", "seq"], name="milestone_unique_seq")]
        verbose_name = verbose_name_plural = "里程碑"

    def __str__(self) -> str:
        return f"{self.task.number}-{self.seq} {self.text[:30]}"

    @property
    def met_on_time(self) -> bool:
        return self.completed_on is not None and self.completed_on <= self.due_on

    @property
    def is_overridden(self) -> bool:
        return bool(self.override_reason)


class ProgressReport(models.Model):
    """A unit's progress on a task for one period. Never overwritten: a resubmission is a new version."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "未开始"
        IN_PROGRESS = "in_progress", "进行中"
        DONE = "done", "已完成"
        DELAYED = "delayed", "已延期"

    class Review(models.TextChoices):
        SUBMITTED = "submitted", "待审核"
        ACCEPTED = "accepted", "已通过"
        RETURNED = "returned", "已退回"

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(
        Organisation, verbose_name="报送单位", on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField("报送期", max_length=8)
    period_start = models.DateField("期初")
    period_end = models.DateField("期末")
    due_on = models.DateField("报送期限")
    version = models.PositiveSmallIntegerField("版本", default=1)
    is_current = models.BooleanField("最新版本", default=True)
    status = models.CharField("进展状态", max_length=12, choices=Status.choices)
    completion = models.PositiveSmallIntegerField("完成进度（%）", validators=[MaxValueValidator(100)])
    narrative = models.TextField("进展情况")
    indicator_codes = models.TextField("关联指标", null=True, blank=True, help_text="指标代码，逗号分隔")
    milestones_done = models.ManyToManyField(
        Milestone, verbose_name="本期完成的里程碑", blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField("报送时间")
    review = models.CharField(
        "审核", max_length=10, choices=Review.choices, default=Review.SUBMITTED, db_index=True
    )
    review_comment = models.TextField("审核意见", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        ordering = ["task__number", "period", "unit_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit", "period", "version"], name="report_unique_version"
            ),
            models.UniqueConstraint(
                fields=["task", "unit", "period"], condition=Q(is_current=True), name="report_one_current"
            ),
        ]
        indexes = [models.Index(fields=["unit", "period"]), models.Index(fields=["period", "is_current"])]
        verbose_name = verbose_name_plural = "进度报告"

    def __str__(self) -> str:
        return f"{self.task.number} {self.period} v{self.version}"

    @property
    def on_time(self) -> bool:
        from django.utils import timezone

        return timezone.localdate(self.submitted_at) <= self.due_on


class Evidence(models.Model):
    """An attachment to a progress report; a resubmission may carry the same file forward."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("文件", upload_to="plan/evidence/%Y/%m/", max_length=200)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["report", "pk"]
        verbose_name = verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return self.name


class Bulletin(models.Model):
    """A 通报: the office's periodic public notice of progress, assessment ranking and overdue 督办."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="bulletins")
    scheme = models.ForeignKey(
        "AssessmentScheme",
        verbose_name="考核",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bulletins",
    )
    number = models.CharField("文号", max_length=60)
    title = models.CharField("标题", max_length=200)
    issued_on = models.DateField("日期")
    body = models.TextField("正文")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    # As drafted, so a published 通报 never changes: each unit's outcome criteria, the milestones closed
    # by the office's override with their reasons, and those whose targets are unmet (selectors.outcomes).
    outcomes = models.JSONField("目标达成情况", default=dict, blank=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="bulletin_unique_number")]
        verbose_name = verbose_name_plural = "通报"

    def __str__(self) -> str:
        return self.title


class SupervisionNotice(models.Model):
    """督办单: the office tells a unit what to do about a task and by when (working days)."""

    class Status(models.TextChoices):
        OPEN = "open", "待回复"
        RESPONDED = "responded", "已回复"
        CLOSED = "closed", "已办结"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="notices")
    number = models.CharField("编号", max_length=40)
    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.PROTECT, related_name="notices")
    unit = models.ForeignKey(
        Organisation, verbose_name="督办对象", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("督办事由")
    required_action = models.TextField("办理要求")
    working_days = models.PositiveSmallIntegerField("办理时限（工作日）")
    issued_on = models.DateField("督办日期")
    deadline = models.DateField("办理期限", db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    response = models.TextField("办理情况", blank=True)
    responded_at = models.DateTimeField("回复时间", null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminder_count = models.PositiveSmallIntegerField("催办次数", default=0)
    last_reminded_on = models.DateField("最近催办", null=True, blank=True)
    bulletin = models.ForeignKey(
        Bulletin,
        verbose_name="列入通报",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="overdue_notices",
    )
    close_comment = models.TextField("办结意见", blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="notice_unique_number")]
        verbose_name = verbose_name_plural = "督办单"

    def __str__(self) -> str:
        return self.number

    @property
    def responded_on(self):
        from django.utils import timezone

        return timezone.localdate(self.responded_at) if self.responded_at else None

    @property
    def responded_on_time(self) -> bool:
        return self.responded_on is not None and self.responded_on <= self.deadline


class DelayRequest(models.Model):
    """延期申请: a unit asks for more time on a task or one of its milestones."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已同意"
        REFUSED = "refused", "不同意"

    task = models.ForeignKey(
        Task, verbose_name="任务", on_delete=models.PROTECT, related_name="delay_requests"
    )
    milestone = models.ForeignKey(
        Milestone,
        verbose_name="里程碑",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delay_requests",
    )
    unit = models.ForeignKey(
        Organisation, verbose_name="申请单位", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("延期理由")
    requested_due = models.DateField("申请延至")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_comment = models.TextField("审批意见", blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = verbose_name_plural = "延期申请"

    def __str__(self) -> str:
        return f"{self.task.number} 延期至 {self.requested_due}"


class AssessmentScheme(models.Model):
    """考核: one round of assessment over a period, with its criteria."""

    class Status(models.TextChoices):
        DRAFT = "draft", "未计算"
        COMPUTED = "computed", "已计算"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="schemes")
    # The criteria and their points in force when the scores were computed (name, kind, max_points):
    # the weights are this round's own; once computed they are frozen (services.assessment).
    weights = models.JSONField("分值（计算时）", default=list, blank=True)
    name = models.CharField("名称", max_length=100)
    period_start = models.DateField("考核期起")
    period_end = models.DateField("考核期止")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = verbose_name_plural = "考核方案"

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    class Kind(models.TextChoices):
        REPORT_TIMELINESS = "report_timeliness", "进度报送及时性"
        MILESTONES = "milestones", "里程碑完成情况"
        NOTICE_RESPONSE = "notice_response", "督办事项按期办理"
        TARGETS = "targets", "目标达成"
        BANK_EVALUATION = "bank_evaluation", "金融机构综合评价"
        QUALITY = "quality", "工作质量（办公室评分）"
        MANUAL = "manual", "其他（人工评分）"

    AUTOMATIC = frozenset(
        {
            Kind.REPORT_TIMELINESS,
            Kind.MILESTONES,
            Kind.NOTICE_RESPONSE,
            Kind.TARGETS,
            Kind.BANK_EVALUATION,
        }
    )
    OUTCOMES = frozenset({Kind.TARGETS, Kind.BANK_EVALUATION})  # 考核结果导向: shown in the 通报

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField("考核项目", max_length=100)
    kind = models.CharField("计分方式", max_length=20, choices=Kind.choices)
    max_points = models.DecimalField("分值", max_digits=6, decimal_places=2)
    description = models.TextField("评分标准", blank=True)

    class Meta:
        ordering = ["scheme", "order", "pk"]
        verbose_name = verbose_name_plural = "考核项目"

    def __str__(self) -> str:
        return self.name

    @property
    def is_automatic(self) -> bool:
        return self.kind in self.AUTOMATIC


class Score(models.Model):
    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField("得分", max_digits=6, decimal_places=2)
    is_manual = models.BooleanField("人工评分", default=False)
    reason = models.TextField("评分说明", blank=True)
    detail = models.JSONField("计分依据", default=dict, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scored_at = models.DateTimeField("评分时间", auto_now=True)

    class Meta:
        ordering = ["scheme", "unit", "criterion__order"]
        constraints = [models.UniqueConstraint(fields=["criterion", "unit"], name="score_unique_unit")]
        verbose_name = verbose_name_plural = "考核得分"

    def __str__(self) -> str:
        return f"{self.unit} {self.criterion}: {self.points}"


class AssessmentResult(models.Model):
    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField("单位", max_length=60)
    total = models.DecimalField("总分", max_digits=7, decimal_places=2)
    rank = models.PositiveSmallIntegerField("名次")

    class Meta:
        ordering = ["scheme", "rank", "unit_name"]
        constraints = [models.UniqueConstraint(fields=["scheme", "unit"], name="result_unique_unit")]
        verbose_name = verbose_name_plural = "考核结果"

    def __str__(self) -> str:
        return f"{self.rank}. {self.unit_name} {self.total}"


class LeadingGroupMember(models.Model):
    """One term on the county's leading group (附件1 of the plan): who held which post, for which unit, from
    when to when. A post changing hands closes the previous holder's term (`to_date`) and opens a new row,
    so the group as it stood on any date is the rows whose term covers it."""

    class Post(models.TextChoices):
        LEADER = "leader", "组长"
        DEPUTY = "deputy", "副组长"
        MEMBER = "member", "成员"
        OFFICE_DIRECTOR = "office_director", "办公室主任"
        OFFICE_DEPUTY = "office_deputy", "办公室副主任"

    # Held by one person at a time; the other posts by one person per unit.
    SINGLE_POSTS = frozenset({Post.LEADER, Post.OFFICE_DIRECTOR})

    person_name = models.CharField("姓名", max_length=40)
    post = models.CharField("小组职务", max_length=20, choices=Post.choices, db_index=True)
    unit = models.ForeignKey(Organisation, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("本职职务", max_length=100, blank=True)
    from_date = models.DateField("任职日期")
    to_date = models.DateField("离任日期", null=True, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["from_date", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_date__isnull=True) | Q(to_date__gte=models.F("from_date")),
                name="leadinggroup_term_in_order",
            )
        ]
        indexes = [models.Index(fields=["post", "unit", "from_date"])]
        verbose_name = verbose_name_plural = "领导小组成员"

    def __str__(self) -> str:
        return f"{self.get_post_display()} {self.person_name}"

    def holds_on(self, day) -> bool:
        return self.from_date <= day and (self.to_date is None or day <= self.to_date)
