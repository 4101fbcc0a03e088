"""Financing match-making (融资对接, issue #15 items 5–6; plan 五、十三、十六): the shelf of loan products kept
by the banks and the guarantee company, the firms' financing demands routed to the banks serving their
town, the banks' answers and the loans granted; the 金融辅导员 assigned to firms and their visits."""

from django.conf import settings
from django.db import models

from puhui.core.models import Division, Organisation
from puhui.engines.matching.vocabulary import COLLATERAL, collateral_labels
from puhui.registry.models import Firm

COLLATERAL_CHOICES = list(COLLATERAL.items())


class Product(models.Model):
    """A loan product on the shelf (产品货架); its eligibility rule is data (docs/matching-engine.md)."""

    owner = models.ForeignKey(
        Organisation, verbose_name="发布机构", on_delete=models.PROTECT, related_name="financing_products"
    )
    name = models.CharField("产品名称", max_length=50)
    amount_min = models.DecimalField("最低金额（元）", max_digits=14, decimal_places=2)
    amount_max = models.DecimalField("最高金额（元）", max_digits=14, decimal_places=2)
    term_min = models.PositiveSmallIntegerField("最短期限（月）")
    term_max = models.PositiveSmallIntegerField("最长期限（月）")
    rate_min = models.DecimalField("最低年利率（%）", max_digits=5, decimal_places=2)
    rate_max = models.DecimalField("最高年利率（%）", max_digits=5, decimal_places=2)
    collateral = models.JSONField("接受的担保方式", default=list)
    towns = models.ManyToManyField(Division, verbose_name="服务镇（街道）", blank=True, related_name="+")
    rule = models.CharField("准入规则", max_length=500, blank=True)
    description = models.CharField("产品说明", max_length=300, blank=True)
    active = models.BooleanField("上架", default=True)
    created_at = models.DateTimeField("发布时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        ordering = ["owner", "name"]
        verbose_name = verbose_name_plural = "贷款产品"
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="financing_product_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def collateral_labels(self) -> str:
        return collateral_labels(self.collateral)


class Demand(models.Model):
    """A firm's financing demand, posted by the firm's own user or by an adviser for it."""

    class Status(models.TextChoices):
        OPEN = "open", "待答复"
        ACCEPTED = "accepted", "已获批"
        GRANTED = "granted", "已放款"
        DECLINED = "declined", "均未获支持"
        UNMATCHED = "unmatched", "无匹配产品"
        WITHDRAWN = "withdrawn", "已撤回"

    firm = models.ForeignKey(Firm, verbose_name="企业", on_delete=models.PROTECT, related_name="+")
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", on_delete=models.PROTECT, related_name="+"
    )
    by_adviser = models.BooleanField("由金融辅导员代为发布", default=False)
    amount = models.DecimalField("申请金额（元）", max_digits=14, decimal_places=2)
    term = models.PositiveSmallIntegerField("申请期限（月）")
    purpose = models.CharField("资金用途", max_length=200)
    collateral = models.JSONField("可提供的担保方式", default=list)
    agri = models.BooleanField("涉农用途", default=False)
    female = models.BooleanField("女性创业者", default=False)
    youth = models.BooleanField("青年创业者（45 周岁以下）", default=False)
    talent = models.BooleanField("认定人才", default=False)
    first_loan = models.BooleanField("首次贷款", default=False)
    product = models.ForeignKey(
        Product, verbose_name="意向产品", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ranked = models.JSONField("符合条件的产品（按排序）", default=list)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    posted_on = models.DateField("发布日期", db_index=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["-posted_on", "-id"]
        verbose_name = verbose_name_plural = "融资需求"
        indexes = [models.Index(fields=["posted_on", "id"], name="financing_demand_posted")]

    def __str__(self) -> str:
        return f"{self.firm.name} {self.amount:,.0f} 元"

    @property
    def collateral_labels(self) -> str:
        return collateral_labels(self.collateral)


class Route(models.Model):
    """A demand routed to one bank (or the guarantee company): its fitting products, its answer by the
    deadline, and the loan if granted."""

    class Answer(models.TextChoices):
        PENDING = "pending", "待答复"
        ACCEPTED = "accepted", "同意"
        DECLINED = "declined", "不予支持"

    demand = models.ForeignKey(
        Demand, verbose_name="融资需求", on_delete=models.CASCADE, related_name="routes"
    )
    bank = models.ForeignKey(Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    products = models.JSONField("本机构符合条件的产品", default=list)
    best_rank = models.PositiveSmallIntegerField("最优产品名次")
    due_on = models.DateField("答复期限", db_index=True)
    answer = models.CharField(
        "答复", max_length=10, choices=Answer.choices, default=Answer.PENDING, db_index=True
    )
    offered_amount = models.DecimalField(
        "批复金额（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    offered_rate = models.DecimalField("年利率（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    offered_term = models.PositiveSmallIntegerField("期限（月）", null=True, blank=True)
    decline_reason = models.CharField("不予支持的原因", max_length=200, blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="答复人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    granted_on = models.DateField("放款日期", null=True, blank=True)
    granted_amount = models.DecimalField(
        "放款金额（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    # The loan as the bank's next approved 贷款明细表 shows it (services/arrivals.py): the figures then come
    # from the return, and the platform's first-loan rule counts it like any other loan.
    loan_no = models.CharField("借据号", max_length=40, blank=True)
    loan_seen_in = models.CharField("贷款明细表", max_length=40, blank=True)

    class Meta:
        ordering = ["demand", "best_rank", "id"]
        verbose_name = verbose_name_plural = "需求推送"
        constraints = [models.UniqueConstraint(fields=["demand", "bank"], name="financing_route_once")]
        indexes = [models.Index(fields=["bank", "answer", "due_on"], name="financing_route_todo")]

    def __str__(self) -> str:
        return f"{self.demand} → {self.bank.name}"


class Assignment(models.Model):
    """A 金融辅导员 (a bank's staff user) assigned to a firm, from a day until ended."""

    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="金融辅导员", on_delete=models.PROTECT, related_name="+"
    )
    bank = models.ForeignKey(
        Organisation, verbose_name="派出机构", on_delete=models.PROTECT, related_name="+"
    )
    firm = models.ForeignKey(Firm, verbose_name="企业", on_delete=models.PROTECT, related_name="+")
    start = models.DateField("结对日期")
    end = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        ordering = ["bank", "adviser", "firm"]
        verbose_name = verbose_name_plural = "金融辅导员结对"
        constraints = [
            models.UniqueConstraint(
                fields=["adviser", "firm"],
                condition=models.Q(end__isnull=True),
                name="financing_assignment_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.adviser} — {self.firm.name}"


class Visit(models.Model):
    """An adviser's visit to a firm (走访/蹲点调研), logged on a phone."""

    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="金融辅导员", on_delete=models.PROTECT, related_name="+"
    )
    bank = models.ForeignKey(
        Organisation, verbose_name="派出机构", on_delete=models.PROTECT, related_name="+"
    )
    firm = models.ForeignKey(Firm, verbose_name="企业", on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField("走访日期", db_index=True)
    done = models.CharField("走访内容", max_length=300)
    follow_up = models.CharField("后续跟进", max_length=300, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = verbose_name_plural = "金融辅导员走访记录"

    def __str__(self) -> str:
        return f"{self.visited_on} {self.firm.name}"
