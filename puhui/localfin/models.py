"""Local finance beyond the banks (plan 二、三、四; lead: 县金融证券工作服务中心).

Local financial organisations are `Organisation`s of the local-finance kinds; their licences are here and
their quarterly figures come through the data capability's forms. The listing pipeline, direct financing,
the apple exchange's months and the credit mutuals' months are the finance centre's own records.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from puhui.core.models import Division, Organisation
from puhui.core.validators import validate_uscc

ZERO = Decimal("0")
MONEY = {"max_digits": 16, "decimal_places": 2, "validators": [MinValueValidator(ZERO)]}


class Licence(models.Model):
    """The licence of a local financial organisation: who supervises it and the caps it operates under."""

    organisation = models.OneToOneField(
        Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="localfin_licence"
    )
    licence_no = models.CharField("经营许可证或批准文号", max_length=60)
    licensed_on = models.DateField("批准日期")
    supervisor = models.CharField("监管部门", max_length=60, default="县金融证券工作服务中心")
    registered_capital = models.DecimalField("注册资本（元）", **MONEY)
    # 融资担保公司: 融资担保责任余额 ≤ 净资产 × this (《融资担保公司监督管理条例》第十五条: 10, or 15 for a company
    # mainly serving small firms and farmers). Blank: the rules' default for the kind.
    leverage_cap = models.DecimalField(
        "放大倍数上限（倍）",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1"))],
    )
    scope = models.CharField("经营范围", max_length=300, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "地方金融组织许可"

    def __str__(self):
        return f"{self.organisation.name}（{self.licence_no}）"


class Enterprise(models.Model):
    """A county firm the finance centre follows: a listing candidate, a bond issuer, an equity investee."""

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, validators=[validate_uscc])
    name = models.CharField("企业名称", max_length=100)
    town = models.ForeignKey(
        Division, verbose_name="所在镇（街道）", on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField("行业", max_length=40)

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "重点企业"

    def __str__(self):
        return self.name


class Stage(models.TextChoices):
    """The listing pipeline, in order (上市后备企业库)."""

    CULTIVATING = "cultivating", "培育"
    RESTRUCTURING = "restructuring", "规范化公司制改制"
    COUNSELLING = "counselling", "辅导备案"
    APPLYING = "applying", "申报审核"
    LISTED = "listed", "上市挂牌"


STAGE_ORDER = {stage: n for n, stage in enumerate(Stage.values)}


class Board(models.TextChoices):
    MAIN = "main", "沪深主板"
    CHINEXT = "chinext", "创业板"
    STAR = "star", "科创板"
    BSE = "bse", "北京证券交易所"
    NEEQ = "neeq", "全国中小企业股份转让系统"
    QILU = "qilu", "齐鲁股权交易中心"


class Candidate(models.Model):
    """A firm in the listing pipeline. Its stage changes only through `candidate_move` (history below)."""

    enterprise = models.OneToOneField(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="candidate"
    )
    stage = models.CharField("所处阶段", max_length=16, choices=Stage.choices, db_index=True)
    stage_since = models.DateField("进入本阶段日期")
    board = models.CharField("目标板块", max_length=10, choices=Board.choices)
    sponsors = models.CharField("保荐或服务机构", max_length=200, blank=True)
    obstacles = models.TextField("存在的困难", blank=True)
    help_given = models.TextField("已提供的帮助", blank=True)
    deadline = models.DateField("本阶段计划完成日期", null=True, blank=True)
    entered_on = models.DateField("入库日期")

    class Meta:
        ordering = ["enterprise__name"]
        verbose_name = verbose_name_plural = "上市后备企业"

    def __str__(self):
        return str(self.enterprise)


class StageChange(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="changes")
    from_stage = models.CharField("原阶段", max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField("新阶段", max_length=16, choices=Stage.choices)
    on = models.DateField("日期")
    reason = models.CharField("原因", max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self):
        return f"{self.candidate}：{self.get_to_stage_display()}（{self.on}）"


class ListingGoal(models.Model):
    """The county's yearly goal: how many firms reach a stage in the year."""

    year = models.PositiveSmallIntegerField("年度")
    stage = models.CharField("阶段", max_length=16, choices=Stage.choices)
    count = models.PositiveSmallIntegerField("目标数（户）")

    class Meta:
        ordering = ["year", "stage"]
        constraints = [models.UniqueConstraint(fields=["year", "stage"], name="localfin_goal_unique")]

    def __str__(self):
        return f"{self.year}年{self.get_stage_display()}目标 {self.count} 户"


class BondIssue(models.Model):
    class Instrument(models.TextChoices):
        SCP = "scp", "短期融资券"
        MTN = "mtn", "中期票据"
        SMECN = "smecn", "中小企业集合票据"
        ENTERPRISE = "enterprise", "企业债"
        CORPORATE = "corporate", "公司债"

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="发行企业", on_delete=models.PROTECT, related_name="bonds"
    )
    instrument = models.CharField("品种", max_length=12, choices=Instrument.choices)
    amount = models.DecimalField("发行金额（元）", **MONEY)
    rate = models.DecimalField("票面利率（%）", max_digits=6, decimal_places=3)
    term_months = models.PositiveSmallIntegerField("期限（月）")
    issued_on = models.DateField("发行日期", db_index=True)
    matures_on = models.DateField("到期日期")
    underwriter = models.CharField("主承销商", max_length=100)

    class Meta:
        ordering = ["-issued_on", "pk"]
        verbose_name = verbose_name_plural = "债券和债务融资工具发行"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(matures_on__gt=models.F("issued_on")),
                name="localfin_bond_matures_after_issue",
            )
        ]

    def __str__(self):
        return f"{self.enterprise} {self.get_instrument_display()} {self.issued_on}"


class EquityDeal(models.Model):
    class Investor(models.TextChoices):
        ANGEL = "angel", "天使投资"
        VC = "vc", "风险投资"
        PE = "pe", "私募股权投资"
        GUIDANCE = "guidance", "政府引导基金"
        IPO = "ipo", "首发上市募资"
        OTHER = "other", "其他股权融资"

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="融资企业", on_delete=models.PROTECT, related_name="equity_deals"
    )
    investor_kind = models.CharField("投资方类型", max_length=10, choices=Investor.choices)
    investor = models.CharField("投资方", max_length=100)
    amount = models.DecimalField("融资金额（元）", **MONEY)
    closed_on = models.DateField("到位日期", db_index=True)
    fund_project = models.CharField("“基金+产业”项目", max_length=100, blank=True)

    class Meta:
        ordering = ["-closed_on", "pk"]
        verbose_name = verbose_name_plural = "股权融资"

    def __str__(self):
        return f"{self.enterprise} {self.get_investor_kind_display()} {self.closed_on}"


class ExchangeMonth(models.Model):
    """齐鲁农产品交易中心's apple trading in a month, as its report to the finance centre gives it."""

    month = models.DateField("月份", unique=True)  # the first day of the month
    listed_volume = models.DecimalField(
        "摘挂牌交易量（吨）", max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    turnover = models.DecimalField("交易额（元）", **MONEY)
    farmers = models.PositiveIntegerField("服务农户数（户）")

    class Meta:
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%Y年%m月}交易情况"


class CreditMutual(models.Model):
    """A farmer cooperative allowed to run credit mutual business (信用互助)."""

    organisation = models.OneToOneField(
        Organisation, verbose_name="合作社", on_delete=models.PROTECT, related_name="credit_mutual"
    )
    approved_on = models.DateField("试点批准日期")

    class Meta:
        verbose_name = verbose_name_plural = "信用互助合作社"

    def __str__(self):
        return self.organisation.name


class MutualMonth(models.Model):
    mutual = models.ForeignKey(CreditMutual, on_delete=models.CASCADE, related_name="months")
    month = models.DateField("月份")
    members = models.PositiveIntegerField("参与信用互助的社员数（人）")
    funds = models.DecimalField("互助金总额（元）", **MONEY)
    loans = models.DecimalField("互助金借款余额（元）", **MONEY)

    class Meta:
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["mutual", "month"], name="localfin_mutual_month")]

    def __str__(self):
        return f"{self.mutual}{self.month:%Y年%m月}"
