"""普惠金融综合评价 of the banks (plan clause 二十五): the versioned indicator set, the office's qualitative
scores with evidence, and the evaluation runs with their stored results per bank.

A `Run` evaluates every county bank branch for one period — a year (the evaluation) or a quarter (monitoring,
quantitative indicators only) — under one version of the indicator set, and is a snapshot: a later run never
changes it. The office publishes one run per period and set; only then does a bank see its own result and rank.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models

from puhui.core.models import Organisation
from puhui.data.models import ReportingPeriod


class IndicatorSet(models.Model):
    """One version of the indicator set, kept as the YAML text the engine reads (`engines.evaluation.spec`)."""

    version = models.PositiveIntegerField("版本", unique=True)
    name = models.CharField("名称", max_length=200)
    text = models.TextField("指标体系（YAML）")
    change_note = models.CharField("修改说明", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = verbose_name_plural = "综合评价指标体系"

    def __str__(self) -> str:
        return f"{self.name}"


class QualitativeScore(models.Model):
    """The office's points on one qualitative item (定性) for one bank and year, with the reason."""

    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.PROTECT, related_name="qualitative")
    year = models.PositiveSmallIntegerField("年度")
    bank = models.ForeignKey(Organisation, verbose_name="银行", on_delete=models.PROTECT, related_name="+")
    item = models.CharField("定性项目", max_length=40)
    points = models.DecimalField("得分", max_digits=6, decimal_places=2)
    reason = models.TextField("评分理由")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField("录入时间", auto_now=True)

    class Meta:
        ordering = ["year", "bank", "item"]
        verbose_name = verbose_name_plural = "定性评分"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_set", "year", "bank", "item"], name="bankeval_qual_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.bank_id} {self.item}"


class Evidence(models.Model):
    """A file behind a qualitative score (PDF, image or Excel, checked by content: `core.evidence`)."""

    score = models.ForeignKey(QualitativeScore, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("文件", upload_to="bankeval/evidence/%Y/%m/", max_length=200)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["score", "pk"]
        verbose_name = verbose_name_plural = "定性评分佐证材料"

    def __str__(self) -> str:
        return self.name


class Run(models.Model):
    """One evaluation of every county bank branch for a period under one indicator set version."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", "年度评价"
        MONITORING = "monitoring", "季度监测"

    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.PROTECT, related_name="runs")
    period = models.ForeignKey(
        ReportingPeriod, verbose_name="评价期", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    computed_at = models.DateTimeField("计算时间", auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    banks = models.PositiveIntegerField("参评银行（家）", default=0)
    averages = models.JSONField("全县平均", default=dict)  # code → {"value", "points"}; "total"
    missing_qualitative = models.PositiveIntegerField("未录入的定性项目", default=0)
    seconds = models.FloatField("用时（秒）", default=0)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-period__end", "-id"]
        verbose_name = verbose_name_plural = "综合评价"
        indexes = [models.Index(fields=["period", "published_at"], name="bankeval_run_published")]

    def __str__(self) -> str:
        return f"{self.period.label}{self.get_kind_display()}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Result(models.Model):
    """One bank's result in a run: value and points per indicator, total, grade and rank."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="results")
    bank = models.ForeignKey(Organisation, verbose_name="银行", on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField("总分", max_digits=6, decimal_places=2, default=Decimal("0"))
    grade = models.CharField("等级", max_length=10)
    rank = models.PositiveIntegerField("名次")
    applicable = models.DecimalField("适用指标分值", max_digits=6, decimal_places=2, default=Decimal("0"))
    # code → {"value": str | None, "points": str, "status": "scored" | "absent" | "na", "note": str}
    scores = models.JSONField("各项得分", default=dict)

    class Meta:
        ordering = ["run", "rank", "bank__name"]
        verbose_name = verbose_name_plural = "综合评价结果"
        constraints = [models.UniqueConstraint(fields=["run", "bank"], name="bankeval_result_once")]

    def __str__(self) -> str:
        return f"{self.run_id} {self.bank_id} {self.total}"
