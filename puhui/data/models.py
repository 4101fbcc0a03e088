"""Data reporting: reporting periods, the indicator catalogue and the plan's targets (both versioned),
submissions from institutions with their rows, and the derived indicators computed from them.

Versioning rule: a catalogue entry, a target or a submission is never overwritten. A change writes a
new row with the next version number; `is_current` marks the one in force.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from puhui.core.fields import EncryptedField
from puhui.core.models import Division, Organisation


class ReportingPeriod(models.Model):
    class Kind(models.TextChoices):
        MONTH = "month", "月度"
        QUARTER = "quarter", "季度"
        YEAR = "year", "年度"

    code = models.CharField("报送期编码", max_length=10, unique=True)  # 2020-03, 2020Q1, 2020
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, db_index=True)
    year = models.PositiveSmallIntegerField("年份")
    number = models.PositiveSmallIntegerField("序号", help_text="月份 1–12、季度 1–4，年度为 1")
    start = models.DateField("开始日期")
    end = models.DateField("截止日期")
    due = models.DateField("报送期限")

    class Meta:
        ordering = ["end", "kind"]
        verbose_name = verbose_name_plural = "报送期"

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == self.Kind.QUARTER:
            return f"{self.year}年第{self.number}季度"
        if self.kind == self.Kind.MONTH:
            return f"{self.year}年{self.number}月"
        return f"{self.year}年"


class Versioned(models.Model):
    """The versioning rule of a catalogue entry and a target: a stable code, one row per version, one in force
    (the services' `_new_version` adds the next and retires the current)."""

    version = models.PositiveIntegerField("版本", default=1)
    is_current = models.BooleanField("现行版本", default=True)
    change_note = models.CharField("修改说明", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="%(app_label)s_%(class)s_code_version"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(is_current=True), name="%(app_label)s_%(class)s_one_current"
            ),
        ]


class Indicator(Versioned):
    """One version of a catalogue entry. The code is stable; every edit adds a version."""

    class Direction(models.TextChoices):
        HIGHER = "higher", "越高越好"
        LOWER = "lower", "越低越好"
        NEUTRAL = "neutral", "中性"

    class SourceKind(models.TextChoices):
        ITEM = "item", "报表项目"
        LOANS = "loans", "贷款明细汇总"
        PLATFORM = "platform", "平台数据"
        FORMULA = "formula", "公式"

    class Dimension(models.TextChoices):
        AVAILABILITY = "availability", "可得性"
        USAGE = "usage", "使用情况"
        QUALITY = "quality", "质量"
        SAFETY = "safety", "安全性"
        NONE = "", "不计入指数"

    code = models.CharField("指标编码", max_length=60, db_index=True)
    name = models.CharField("指标名称", max_length=100)
    definition = models.TextField("定义与口径")
    unit = models.CharField("单位", max_length=20)
    direction = models.CharField("方向", max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    frequency = models.CharField(
        "频度", max_length=10, choices=ReportingPeriod.Kind.choices, default=ReportingPeriod.Kind.QUARTER
    )
    levels = models.JSONField("统计层级", default=list)  # subset of LEVELS
    source_kind = models.CharField("来源类型", max_length=10, choices=SourceKind.choices)
    source = models.CharField("来源", max_length=300)
    dimension = models.CharField("指数维度", max_length=20, choices=Dimension.choices, blank=True, default="")
    decimals = models.PositiveSmallIntegerField("小数位数", default=2)
    clause = models.CharField("方案条款", max_length=20, blank=True)
    auxiliary = models.BooleanField("辅助指标", default=False, help_text="只用于计算其他指标，浏览时不单列")

    class Meta(Versioned.Meta):
        verbose_name = verbose_name_plural = "指标"

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class Target(Versioned):
    """One version of a quantitative target of the plan, measured on a catalogue indicator."""

    class Rule(models.TextChoices):
        LEVEL = "level", "达到水平"
        YOY_GROWTH = "yoy_growth", "同比增长"
        CHANGE_VS_BASE = "change_vs_base", "较基期变化"
        EACH_INSTITUTION = "each_institution", "每家机构达到"

    class Comparator(models.TextChoices):
        GE = "ge", "不低于"
        LE = "le", "不高于"

    class ChangeUnit(models.TextChoices):
        POINTS = "points", "百分点/数值差"
        PERCENT = "percent", "增长率（%）"

    class ChartBy(models.TextChoices):
        TOWN = "town", "按镇（街道）"
        INSTITUTION = "institution", "按机构"

    code = models.CharField("目标编码", max_length=60, db_index=True)
    name = models.CharField("目标", max_length=200)
    clause = models.CharField("方案条款", max_length=20, blank=True)
    quote = models.TextField("方案原文", blank=True)
    indicator_code = models.CharField("考核指标", max_length=60)
    rule = models.CharField("规则", max_length=20, choices=Rule.choices)
    comparator = models.CharField("比较", max_length=2, choices=Comparator.choices, default=Comparator.GE)
    threshold = models.DecimalField("目标值", max_digits=14, decimal_places=4)
    change_unit = models.CharField(
        "变化口径", max_length=10, choices=ChangeUnit.choices, blank=True, default=""
    )
    each_threshold = models.DecimalField(
        "每家机构应达到", max_digits=14, decimal_places=4, null=True, blank=True
    )
    period_kind = models.CharField(
        "考核频度", max_length=10, choices=ReportingPeriod.Kind.choices, default=ReportingPeriod.Kind.QUARTER
    )
    base_period = models.CharField("基期", max_length=10, blank=True)
    deadline_period = models.CharField("考核期", max_length=10, blank=True, help_text="留空表示每期考核")
    scope = models.CharField("考核范围", max_length=60, default="全县")
    chart_by = models.CharField("分布图", max_length=12, choices=ChartBy.choices, default=ChartBy.TOWN)
    interpretation = models.CharField("口径说明", max_length=300, blank=True)

    class Meta(Versioned.Meta):
        verbose_name = verbose_name_plural = "目标"

    def __str__(self) -> str:
        return self.name


class VisibleSubmissions(models.Manager):
    """Submissions as everyone sees them: never one whose rows are still being stored (status STORING)."""

    def get_queryset(self):
        return super().get_queryset().exclude(status=Submission.Status.STORING)


class AllSubmissions(models.Manager):
    """Every submission, those being stored included: for the store and its cleanup only."""


class Submission(models.Model):
    """One version of one institution's form for one period; its rows are LoanRecord or AggregateValue.

    A submission is stored in batches (`storage.submission_store`): it is created STORING — version 0, not
    current, hidden by the default manager `objects` from every page, export, API and computation — its
    rows go in, each batch in its own short transaction, and one short final transaction gives it its version
    number and makes it the current version, SUBMITTED. A failed or crashed store is deleted (its leftovers
    by `storage.submissions_unfinished_delete`, run by `puhui purge_uploads`). Only the store and that cleanup
    use `all_objects`.
    """

    class Status(models.TextChoices):
        STORING = "storing", "保存中"
        SUBMITTED = "submitted", "待审核"
        APPROVED = "approved", "已通过"
        RETURNED = "returned", "已退回"

    class Channel(models.TextChoices):
        PAGE = "page", "页面上传"
        API = "api", "接口（JSON）"
        API_FILE = "api_file", "接口（文件）"
        CLI = "cli", "命令行"
        DEMO = "demo", "演示数据"

    institution = models.ForeignKey(
        Organisation, verbose_name="报送机构", on_delete=models.PROTECT, related_name="data_submissions"
    )
    form = models.CharField("报表", max_length=40)
    period = models.ForeignKey(
        ReportingPeriod, verbose_name="报送期", on_delete=models.PROTECT, related_name="submissions"
    )
    version = models.PositiveIntegerField("版本")
    is_current = models.BooleanField("最新版本", default=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    channel = models.CharField("报送方式", max_length=10, choices=Channel.choices)
    filename = models.CharField("文件名", max_length=200, blank=True)
    file = models.CharField("原始文件", max_length=300, blank=True)  # path under MEDIA_ROOT, encrypted
    file_purged_at = models.DateTimeField(
        "原始文件删除时间", null=True, blank=True
    )  # set when the original was deleted after the retention period (`puhui purge_uploads`)
    sha256 = models.CharField(max_length=64, blank=True)
    row_count = models.PositiveIntegerField("行数", default=0)
    totals = models.JSONField("合计", default=dict)
    comment = models.TextField("报送说明", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_label = models.CharField("报送人", max_length=150, blank=True)
    submitted_at = models.DateTimeField("报送时间")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_comment = models.TextField("审核意见", blank=True)

    objects = VisibleSubmissions()  # the default manager: what pages, API, exports and computations see
    all_objects = AllSubmissions()  # with the submissions being stored: for the store and its cleanup only

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = verbose_name_plural = "报送"
        constraints = [
            # Version numbers are unique among stored submissions; those being stored all have version 0
            # and get theirs in the final transaction of the store.
            models.UniqueConstraint(
                fields=["institution", "form", "period", "version"],
                condition=~Q(status="storing"),
                name="data_submission_version",
            ),
        ]
        indexes = [models.Index(fields=["period", "form", "status"])]

    def __str__(self) -> str:
        return f"{self.institution}《{self.form_title}》{self.period.label} 第{self.version}版"

    @property
    def is_late(self) -> bool:
        return timezone.localtime(self.submitted_at).date() > self.period.due

    @property
    def form_title(self) -> str:
        from puhui.data.catalogue import form

        f = form(self.form)
        return f.title if f else self.form


class Upload(models.Model):
    """One attempt to submit a file or JSON rows: checked, then stored as a Submission or refused with its errors.

    Large files are checked in a background job; the page polls this row for progress.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "检查中"
        FAILED = "failed", "未通过"
        SUCCEEDED = "succeeded", "已保存"

    institution = models.ForeignKey(
        Organisation, verbose_name="报送机构", on_delete=models.PROTECT, related_name="+"
    )
    form = models.CharField("报表", max_length=40)
    period = models.ForeignKey(
        ReportingPeriod, verbose_name="报送期", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField("报送方式", max_length=10, choices=Submission.Channel.choices)
    filename = models.CharField("文件名", max_length=200, blank=True)
    path = models.CharField("暂存文件", max_length=300, blank=True)  # under MEDIA_ROOT, removed once handled
    size = models.PositiveBigIntegerField("大小", default=0)
    comment = models.TextField("报送说明", blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_read = models.PositiveIntegerField("已读行数", default=0)
    errors = models.JSONField(
        "错误", default=list
    )  # [[row, column, value, reason], …], the first ERRORS_KEPT
    error_total = models.PositiveIntegerField("错误数", default=0)
    source = models.CharField("读取方式", max_length=100, blank=True)
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_label = models.CharField("上传人", max_length=150, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    seconds = models.FloatField("用时（秒）", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "上传记录"

    def __str__(self) -> str:
        return f"{self.filename or self.form} · {self.get_status_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.FAILED, self.Status.SUCCEEDED}

    @property
    def form_title(self) -> str:
        from puhui.data.catalogue import form

        f = form(self.form)
        return f.title if f else self.form


class LoanRecord(models.Model):
    """One loan of a loan-level submission.

    Amounts are whole fen (分) in integer columns: sums over a million rows are exact on SQLite as on
    PostgreSQL (SQLite keeps DecimalField as floating point). Python sees Decimal yuan through the properties.
    Division columns are validated against the county before writing; no database constraint on them or on
    the submission, so that COPY does not fire a foreign-key trigger per row.
    """

    class BorrowerType(models.TextChoices):
        FARM = "farm", "农户"
        SMALL = "small", "小微企业"
        INDIVIDUAL = "individual", "个体工商户"
        OTHER = "other", "其他"

    class IdKind(models.TextChoices):
        RESIDENT = "ric", "居民身份证"
        USCC = "uscc", "统一社会信用代码"

    class Guarantee(models.TextChoices):
        CREDIT = "credit", "信用"
        GUARANTEE = "guarantee", "保证"
        MORTGAGE = "mortgage", "抵押"
        PLEDGE = "pledge", "质押"
        OTHER = "other", "其他"

    class Collateral(models.TextChoices):
        """What a mortgage or pledge is on (plan 十三: 动产、仓单、应收账款、股权、知识产权、土地经营权、林权)."""

        REAL_ESTATE = "real_estate", "房产"
        LAND_RIGHTS = "land_rights", "土地经营权"
        FOREST_RIGHTS = "forest_rights", "林权"
        MOVABLE = "movable", "动产"
        WAREHOUSE = "warehouse", "仓单"
        RECEIVABLES = "receivables", "应收账款"
        EQUITY = "equity", "股权"
        IP = "ip", "知识产权"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        NORMAL = "normal", "正常"
        OVERDUE = "overdue", "逾期"
        NPL = "npl", "不良"

    # No database constraint, as for the divisions: COPY would fire a foreign-key trigger per row (a third of
    # the database's work storing a million rows); rows are written and deleted only under their submission
    # (storage.write_loans, storage.submission_discard).
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="loans", db_index=False, db_constraint=False
    )
    row = models.PositiveIntegerField("行号")
    loan_no = models.CharField("借据号", max_length=40)
    id_kind = models.CharField("证件类型", max_length=4, choices=IdKind.choices)
    borrower_id = EncryptedField("借款人证件号码")
    # Indexed in Meta: db_index=True would add a second, LIKE-pattern index on PostgreSQL that no query uses
    # and that doubled the cost of storing a submission (random keys: data/migrations/0004).
    borrower_hash = models.CharField(max_length=64)
    borrower_type = models.CharField("借款人类型", max_length=10, choices=BorrowerType.choices)
    town = models.ForeignKey(
        Division, on_delete=models.PROTECT, db_constraint=False, db_index=False, related_name="+"
    )
    village = models.ForeignKey(
        Division,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    amount_fen = models.BigIntegerField("贷款金额（分）")
    balance_fen = models.BigIntegerField("贷款余额（分）")
    rate = models.DecimalField("年利率（%）", max_digits=7, decimal_places=4)
    issued_on = models.DateField("发放日期")
    due_on = models.DateField("到期日期")
    guarantee = models.CharField("担保方式", max_length=10, choices=Guarantee.choices)
    is_credit = models.BooleanField("信用贷款")
    is_first = models.BooleanField("首贷")
    is_agri = models.BooleanField("涉农贷款")
    status = models.CharField("贷款状态", max_length=8, choices=Status.choices)
    # Optional columns of the form (issue #15): the bank's product name and what a mortgage or pledge is on.
    # A database default as well, so rows written before them and bulk paths that name no such column agree.
    product = models.CharField("贷款产品", max_length=60, blank=True, default="", db_default="")
    collateral = models.CharField(
        "押品类型", max_length=16, choices=Collateral.choices, blank=True, default="", db_default=""
    )

    class Meta:
        ordering = ["submission", "row"]
        verbose_name = verbose_name_plural = "贷款明细"
        indexes = [
            models.Index(fields=["submission", "row"], name="data_loan_sub_row"),
            models.Index(fields=["submission", "town"], name="data_loan_sub_town"),
            models.Index(fields=["borrower_hash"], name="data_loan_borrower_hash"),
        ]

    def __str__(self) -> str:
        return self.loan_no

    @property
    def amount(self) -> Decimal:
        return Decimal(self.amount_fen).scaleb(-2)

    @property
    def balance(self) -> Decimal:
        return Decimal(self.balance_fen).scaleb(-2)


class GuaranteeRecord(models.Model):
    """One guarantor of one loan (担保关系明细表, submitted beside the loans form): who guaranteed whose loan,
    and for how much. Guarantor and borrower are keyed hashes of their ID number or USCC — the same hash as
    `LoanRecord.borrower_hash`, so a firm that borrows at one bank and guarantees at another is one node of
    the county's guarantee graph (puhui.risk). Amounts in whole fen, as for loans."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="guarantees")
    row = models.PositiveIntegerField("行号")
    loan_no = models.CharField("借据号", max_length=40)
    borrower_id = EncryptedField("借款人证件号码")  # kept so that a key rotation can re-hash it
    borrower_hash = models.CharField(max_length=64)
    guarantor_kind = models.CharField("保证人证件类型", max_length=4, choices=LoanRecord.IdKind.choices)
    guarantor_id = EncryptedField("保证人证件号码")
    guarantor_hash = models.CharField(max_length=64)
    amount_fen = models.BigIntegerField("担保金额（分）")

    class Meta:
        ordering = ["submission", "row"]
        verbose_name = verbose_name_plural = "担保关系明细"
        indexes = [
            models.Index(fields=["submission", "row"], name="data_guar_sub_row"),
            models.Index(fields=["guarantor_hash"], name="data_guar_guarantor_hash"),
            models.Index(fields=["borrower_hash"], name="data_guar_borrower_hash"),
        ]

    def __str__(self) -> str:
        return self.loan_no

    @property
    def amount(self) -> Decimal:
        return Decimal(self.amount_fen).scaleb(-2)


class AggregateValue(models.Model):
    """One item of one row (usually one town) of an aggregate form."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    row = models.PositiveIntegerField("行号")
    town = models.ForeignKey(Division, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    item = models.CharField("项目", max_length=40)
    value = models.DecimalField("数值", max_digits=20, decimal_places=4)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        ordering = ["submission", "row", "id"]
        verbose_name = verbose_name_plural = "报表数值"

    def __str__(self) -> str:
        return f"{self.item}={self.value}"


class DerivedRun(models.Model):
    """One computation of the derived indicators for one period: which submissions it read."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="+")
    submissions = models.JSONField("使用的报送", default=list)  # submission ids
    started_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(default=0)
    values = models.PositiveIntegerField(default=0)
    actor_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = verbose_name_plural = "指标计算"

    def __str__(self) -> str:
        return f"{self.period_id} @ {self.started_at:%Y-%m-%d %H:%M}"


LEVELS = ("institution", "village", "town", "county")
LEVEL_LABELS = {"institution": "机构", "village": "村（社区）", "town": "镇（街道）", "county": "全县"}


class IndicatorValue(models.Model):
    """A derived figure: one indicator, one period, one unit at one level (an institution or a division)."""

    class Level(models.TextChoices):
        INSTITUTION = "institution", "机构"
        VILLAGE = "village", "村（社区）"
        TOWN = "town", "镇（街道）"
        COUNTY = "county", "全县"

    run = models.ForeignKey(DerivedRun, on_delete=models.CASCADE, related_name="+", db_index=False)
    indicator_code = models.CharField(max_length=60)
    indicator_version = models.PositiveIntegerField()
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="+", db_index=False)
    level = models.CharField(max_length=12, choices=Level.choices)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )
    division = models.ForeignKey(
        Division, null=True, blank=True, on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )
    value = models.DecimalField(max_digits=24, decimal_places=6, null=True)

    class Meta:
        ordering = ["period", "indicator_code", "level", "id"]
        verbose_name = verbose_name_plural = "指标值"
        indexes = [
            models.Index(fields=["period", "indicator_code", "level"], name="data_value_lookup"),
            models.Index(fields=["indicator_code", "level", "period"], name="data_value_series"),
            models.Index(fields=["run"], name="data_value_run"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.period_id} {self.level} = {self.value}"
