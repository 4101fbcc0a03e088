"""Rural credit system (plan sections 十 and 十四): archives, ratings, consent, objections,
pre-credit lines and credit designations. Scoring itself is the pure engine in puhui.engines.scoring."""

from django.conf import settings
from django.db import models

from puhui.core.fields import EncryptedField, LookupHashField
from puhui.core.models import Division, Organisation
from puhui.registry.models import Household

MONEY = {"max_digits": 14, "decimal_places": 2}
AREA = {"max_digits": 8, "decimal_places": 2}


class HouseholdArchive(models.Model):
    """One farm household's credit archive (农户信用档案). Counts as 建档 only when complete AND verified."""

    class Status(models.TextChoices):
        DRAFT = "draft", "采集中"
        SUBMITTED = "submitted", "待核实"
        VERIFIED = "verified", "已核实"

    class Education(models.TextChoices):
        PRIMARY = "primary_or_below", "小学及以下"
        JUNIOR = "junior_secondary", "初中"
        SENIOR = "senior_secondary", "高中"
        VOCATIONAL = "vocational", "中专/职高"
        COLLEGE = "college_or_above", "大专及以上"

    class Housing(models.TextChoices):
        BRICK = "owned_brick", "自有楼房或砖混房"
        OTHER = "owned_other", "自有其他住房"
        RENTED = "rented", "租住或借住"

    # Primary key = the household's, so logs and URLs name one number for both.
    household = models.OneToOneField(
        Household, verbose_name="农户", on_delete=models.CASCADE, related_name="archive", primary_key=True
    )
    # Denormalised from the household so rates by village/town read one index.
    village = models.ForeignKey(Division, verbose_name="所在村", on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(
        Division, verbose_name="所在镇（街道）", on_delete=models.PROTECT, related_name="+"
    )

    # Family basics
    head_education = models.CharField("户主文化程度", max_length=20, choices=Education.choices, blank=True)
    labour_count = models.PositiveSmallIntegerField("家庭劳动力人数", null=True, blank=True)
    residence_years = models.PositiveSmallIntegerField("在本地居住年限", null=True, blank=True)
    housing = models.CharField("住房情况", max_length=20, choices=Housing.choices, blank=True)
    # Land and activities
    land_contracted_mu = models.DecimalField("承包地面积（亩）", **AREA, null=True, blank=True)
    land_transferred_in_mu = models.DecimalField("流转入面积（亩）", **AREA, null=True, blank=True)
    main_activities = models.CharField(
        "主要经营项目", max_length=100, blank=True, help_text="如 苹果、桃、樱桃、畜牧、大棚"
    )
    operating_years = models.PositiveSmallIntegerField("从事主营产业年限", null=True, blank=True)
    new_agri_entity = models.BooleanField("家庭农场主或合作社成员", null=True, blank=True)
    # Finances (yuan)
    total_assets = models.DecimalField("家庭总资产（元）", **MONEY, null=True, blank=True)
    total_liabilities = models.DecimalField("家庭总负债（元）", **MONEY, null=True, blank=True)
    annual_net_income = models.DecimalField("家庭年纯收入（元）", **MONEY, null=True, blank=True)
    operating_income = models.DecimalField("年经营收入（元）", **MONEY, null=True, blank=True)
    has_agri_insurance = models.BooleanField("参加政策性农业保险", null=True, blank=True)
    insurance = models.CharField("保险情况", max_length=200, blank=True)
    accounts = models.CharField("银行账户和银行卡", max_length=200, blank=True)
    # Credit record
    existing_loans = models.CharField("现有贷款情况", max_length=200, blank=True)
    lender_count = models.PositiveSmallIntegerField("有贷款的机构数", null=True, blank=True)
    overdue_count_3y = models.PositiveSmallIntegerField("近三年贷款逾期次数", null=True, blank=True)
    repaid_loans_count = models.PositiveSmallIntegerField("按时结清的贷款笔数", null=True, blank=True)
    current_overdue = models.BooleanField("当前有逾期贷款", null=True, blank=True)
    current_npl = models.BooleanField("当前有不良贷款", null=True, blank=True)
    npl_since = models.DateField("不良贷款形成日期", null=True, blank=True)
    guarantee_outstanding = models.DecimalField("对外担保余额（元）", **MONEY, null=True, blank=True)
    # Public records
    utility_arrears = models.BooleanField("欠缴公共事业费", null=True, blank=True)
    litigation_pending = models.BooleanField("有未结诉讼", null=True, blank=True)
    enforcement_pending = models.BooleanField("有未履行的强制执行", null=True, blank=True)
    enforcement_closed = models.BooleanField("有已履行完毕的被执行记录", null=True, blank=True)
    debt_evasion_record = models.BooleanField("有逃废债记录", null=True, blank=True)
    # Kept for staff, never scored (see the default scorecard's header).
    village_assessment = models.TextField("村委会评议意见", blank=True)

    completeness = models.PositiveSmallIntegerField("完整度（%）", default=0)
    is_complete = models.BooleanField("必填项齐全", default=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The current rating's grade, written with every rating (scoring.insert_ratings): counting credit
    # households per village then reads this table's index instead of joining a million ratings.
    grade = models.CharField("当前信用等级", max_length=10, blank=True, default="", db_default="")
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="采集人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核实人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_bank = models.ForeignKey(
        Organisation,
        verbose_name="核实银行",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_town = models.ForeignKey(
        Division,
        verbose_name="核实镇（街道）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField("核实时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "农户信用档案"
        indexes = [
            models.Index(
                fields=["village", "is_complete", "status", "grade"], name="credit_archive_village_grade"
            ),
            models.Index(fields=["town", "is_complete", "status"]),
            # The verification queue: archives waiting, oldest first (a small partial index).
            models.Index(
                fields=["updated_at"], condition=models.Q(status="submitted"), name="credit_archive_waiting"
            ),
            # A bank's customers (access.bank_customer_filter) read from the index alone.
            models.Index(fields=["verified_bank", "household"], name="credit_archive_bank_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.household.code} 信用档案"

    @property
    def counts_as_archived(self) -> bool:
        """The 建档 rule, defined once in `puhui.credit.selectors`."""
        from puhui.credit.selectors import is_archived

        return is_archived(self)


class ArchiveMember(models.Model):
    archive = models.ForeignKey(HouseholdArchive, on_delete=models.CASCADE, related_name="members")
    name = models.CharField("姓名", max_length=40)
    relation = models.CharField("与户主关系", max_length=20)
    id_number = EncryptedField("身份证号", blank=True)
    id_hash = LookupHashField(source="id_number")
    age = models.PositiveSmallIntegerField("年龄", null=True, blank=True)
    is_labour = models.BooleanField("劳动力", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "家庭成员"

    def __str__(self) -> str:
        return self.name


class ScorecardVersion(models.Model):
    """A scorecard points table (expert or statistical) kept in the database; the office promotes one."""

    class Status(models.TextChoices):
        DRAFT = "draft", "待审核"
        ACTIVE = "active", "使用中"
        RETIRED = "retired", "已停用"

    card_id = models.CharField("评分卡", max_length=60)
    version = models.CharField("版本", max_length=30)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=12)
    spec = models.JSONField("评分卡内容")
    fingerprint = models.CharField("指纹", max_length=16)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    promoted_at = models.DateTimeField("启用时间", null=True, blank=True)
    # Statistical versions: the validation report written by `puhui credit train` (MODEL.report.json).
    report = models.JSONField("验证报告", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评分卡版本"
        constraints = [
            models.UniqueConstraint(fields=["card_id", "version"], name="credit_scorecard_unique_version")
        ]

    def __str__(self) -> str:
        # People read the name; the card's id@version stays on the scorecard pages, as code.
        return f"{self.name}（{self.version}版）"


class Rating(models.Model):
    household = models.ForeignKey(Household, verbose_name="农户", on_delete=models.CASCADE, related_name="+")
    scorecard = models.ForeignKey(ScorecardVersion, verbose_name="评分卡版本", on_delete=models.PROTECT)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2)
    grade = models.CharField("等级", max_length=10, db_index=True)
    excluded = models.BooleanField("不评级", default=False)
    reasons = models.JSONField("主要失分原因", default=list)  # [{code, text, lost}] or exclusion texts
    used_payment_signals = models.BooleanField("使用了支付数据", default=False)
    # The county's pre-credit rule applied to this rating (0 = not eligible), whole yuan.
    rule_limit = models.DecimalField("规则授信额度（元）", max_digits=14, decimal_places=2, default=0)
    is_current = models.BooleanField("当前有效", default=True)
    rated_at = models.DateTimeField("评级时间")

    class Meta:
        verbose_name = verbose_name_plural = "信用评级"
        indexes = [models.Index(fields=["household", "is_current"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.grade}"


class Consent(models.Model):
    class Scope(models.TextChoices):
        PAYMENT_DATA = "payment_data", "使用银行卡和移动支付数据"
        CREDIT_RECORD = "credit_record", "查询和使用信贷记录"

    household = models.ForeignKey(Household, verbose_name="农户", on_delete=models.CASCADE, related_name="+")
    scope = models.CharField("授权范围", max_length=20, choices=Scope.choices)
    granted_by_name = models.CharField("授权人", max_length=40)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField("授权时间")
    expires_on = models.DateField("有效期至")
    revoked_at = models.DateTimeField("撤回时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "授权记录"
        indexes = [models.Index(fields=["household", "scope"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.get_scope_display()}"


class Objection(models.Model):
    """异议: answered in writing within 20 days."""

    DAYS = 20

    household = models.ForeignKey(Household, verbose_name="农户", on_delete=models.CASCADE, related_name="+")
    rating = models.ForeignKey(
        Rating, verbose_name="针对的评级", null=True, blank=True, on_delete=models.SET_NULL
    )
    text = models.TextField("异议内容")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField("提出时间")
    due_on = models.DateField("答复期限")
    answer = models.TextField("书面答复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "异议"

    def __str__(self) -> str:
        return f"{self.household_id} 异议"


class LimitRule(models.Model):
    """Pre-credit limit rule per county, versioned. spec: base by grade, asset/income rates, cap, exclusions."""

    county = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    version = models.CharField("版本", max_length=30)
    spec = models.JSONField("规则")
    is_active = models.BooleanField("使用中", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "预授信额度规则"

    def __str__(self) -> str:
        return f"额度规则 {self.version}"


class PreCreditLine(models.Model):
    class Status(models.TextChoices):
        OFFERED = "offered", "已授信待确认"
        ACCEPTED = "accepted", "已确认"
        DECLINED = "declined", "已拒绝"

    household = models.ForeignKey(Household, verbose_name="农户", on_delete=models.CASCADE, related_name="+")
    village = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    bank = models.ForeignKey(
        Organisation, verbose_name="授信银行", on_delete=models.PROTECT, related_name="+"
    )
    rating = models.ForeignKey(Rating, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    limit = models.DecimalField("授信额度（元）", **MONEY)
    outstanding = models.DecimalField("用信余额（元）", **MONEY, default=0)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OFFERED)
    valid_from = models.DateField("有效期自")
    valid_until = models.DateField("有效期至")
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    offered_at = models.DateTimeField("授信时间")
    accepted_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "预授信"
        indexes = [
            models.Index(fields=["village", "status"]),
            models.Index(fields=["bank", "status"]),
            # The lists, newest first: a town's lines and a bank's lines (see access.lines_for).
            models.Index(fields=["town", "id"], name="credit_line_town_id"),
            models.Index(fields=["bank", "id"], name="credit_line_bank_id"),
            models.Index(fields=["bank", "household"], name="credit_line_bank_customer"),
            # The list's default order, newest offer first, for every scope (puhui/credit/lists.py).
            models.Index(fields=["offered_at", "id"], name="credit_line_offered"),
            # The list's other sorts (limit, valid until): index seeks, not sorts of a million lines.
            models.Index(fields=["limit", "id"], name="credit_line_limit"),
            models.Index(fields=["valid_until", "id"], name="credit_line_valid_until"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.limit}"


class CreditMovement(models.Model):
    class Kind(models.TextChoices):
        DRAW = "draw", "用信"
        REPAY = "repay", "还款"

    line = models.ForeignKey(PreCreditLine, on_delete=models.CASCADE, related_name="movements")
    kind = models.CharField("类型", max_length=5, choices=Kind.choices)
    amount = models.DecimalField("金额（元）", **MONEY)
    at = models.DateTimeField("时间")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "用信和还款"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class DesignationRule(models.Model):
    class Level(models.TextChoices):
        HOUSEHOLD = "household", "信用户"
        VILLAGE = "village", "信用村"
        TOWN = "town", "信用乡镇"
        COUNTY = "county", "信用县"

    level = models.CharField("类别", max_length=10, choices=Level.choices)
    version = models.CharField("版本", max_length=30)
    spec = models.JSONField("条件")
    is_active = models.BooleanField("使用中", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "信用评定规则"

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.version}"


class Designation(models.Model):
    """One yearly evaluation of a village/town/county with each condition's figure."""

    rule = models.ForeignKey(DesignationRule, on_delete=models.PROTECT)
    division = models.ForeignKey(Division, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    passed = models.BooleanField("达标")
    figures = models.JSONField("各项条件")  # [{key, label, value, op, threshold, met}]
    evaluated_at = models.DateTimeField("评定时间")

    class Meta:
        verbose_name = verbose_name_plural = "信用评定结果"
        constraints = [
            models.UniqueConstraint(fields=["division", "year"], name="credit_designation_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.division_id} {'达标' if self.passed else '未达标'}"


class PaymentMonth(models.Model):
    """Monthly payment aggregates per household (bank cards and mobile payments), one row per reporting
    institution; used only under a payment-data consent (`scoring.add_payment_signals` adds up the
    institutions' rows of a month). Loaded by `puhui import payments` (credit/payment_import.py)."""

    household = models.ForeignKey(Household, verbose_name="农户", on_delete=models.CASCADE, related_name="+")
    month = models.CharField("月份", max_length=7)  # YYYY-MM
    # The institution that reported the row; empty for rows made before aggregates were imported.
    bank = models.ForeignKey(
        Organisation,
        verbose_name="报送机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    inflow_count = models.PositiveIntegerField("入账笔数", default=0)
    inflow_amount = models.DecimalField("入账金额（元）", **MONEY, default=0)
    outflow_count = models.PositiveIntegerField("出账笔数", default=0)
    outflow_amount = models.DecimalField("出账金额（元）", **MONEY, default=0)
    bill_pay_count = models.PositiveIntegerField("缴费笔数", default=0)
    bill_pay_amount = models.DecimalField("缴费金额（元）", **MONEY, default=0)

    class Meta:
        verbose_name = verbose_name_plural = "支付月度数据"
        indexes = [models.Index(fields=["household", "month"])]
        constraints = [
            models.UniqueConstraint(fields=["household", "month", "bank"], name="paymentmonth_one_per_bank")
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.month}"
