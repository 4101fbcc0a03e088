"""The county index: framework versions, runs and their stored results.

A run's rows are written once, when it is computed; publishing only stamps the run. A published run
is never changed or deleted (services refuse), and a new framework version makes new runs, so a
version's published figures stay as they were.
"""

from django.conf import settings
from django.db import models

from puhui.core.models import Division


class IndexFramework(models.Model):
    version = models.PositiveIntegerField("版本", unique=True)
    name = models.CharField("名称", max_length=100)
    spec_yaml = models.TextField("指标框架（YAML）")
    note = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = "指数框架版本"

    def __str__(self):
        return f"{self.name} 第{self.version}版"


class IndexRun(models.Model):
    class Frequency(models.TextChoices):
        YEAR = "year", "年度"
        QUARTER = "quarter", "季度"

    class Status(models.TextChoices):
        DRAFT = "draft", "待发布"
        PUBLISHED = "published", "已发布"

    framework = models.ForeignKey(
        IndexFramework, verbose_name="框架版本", on_delete=models.PROTECT, related_name="runs"
    )
    frequency = models.CharField("频度", max_length=10, choices=Frequency.choices)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    periods = models.JSONField("期间", default=list)
    base_period = models.CharField("基期", max_length=10)
    used = models.JSONField("计入的指标", default=list)
    skipped = models.JSONField("未计入的指标", default=list)
    notes = models.JSONField("说明", default=list)
    goalposts = models.JSONField("基期阈值", default=dict)
    weights = models.JSONField("权重", default=dict)
    dispersion = models.JSONField("均衡度", default=list)
    uncertainty_runs = models.PositiveIntegerField("不确定性分析次数", default=0)
    seconds = models.FloatField("计算耗时（秒）", default=0)
    created_at = models.DateTimeField("计算时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="计算人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    # The last period whose data were reported and approved: no period after it is built.
    data_through = models.CharField("数据截至", max_length=10, blank=True)
    # The published run this one was compared with before it was published (none: it was the first).
    compared_with = models.ForeignKey(
        "self",
        verbose_name="发布前对比的结果",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "指数计算"

    def __str__(self):
        return f"{self.framework} · {self.get_frequency_display()} · #{self.pk}"


class Estimate(models.TextChoices):
    """How a figure was obtained (the values are compute.py's MEASURED, CARRIED, INTERPOLATED, PARTLY)."""

    MEASURED = "", "实测"
    CARRIED = "carry", "沿用"
    INTERPOLATED = "interp", "插值"
    PARTLY = "partial", "含推算"


class IndexScore(models.Model):
    """One score of one town (null town = the county, population-weighted) for a period and code."""

    run = models.ForeignKey(IndexRun, on_delete=models.CASCADE, related_name="scores")
    town = models.ForeignKey(Division, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    period = models.CharField("期间", max_length=10)
    code = models.CharField("指标代码", max_length=20)
    score = models.FloatField("得分", null=True)
    rank = models.PositiveSmallIntegerField("排名", null=True)
    contribution = models.FloatField("贡献", null=True)
    raw = models.FloatField("原始值", null=True)
    estimate = models.CharField("数据状态", max_length=10, choices=Estimate.choices, blank=True, default="")
    as_of = models.CharField("沿用的期间", max_length=10, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "town", "period", "code"], name="index_score_unique"),
        ]
        indexes = [models.Index(fields=["run", "code", "period"])]

    def __str__(self):
        return f"{self.period} {self.code} {self.score}"


class IndexRankInterval(models.Model):
    """Monte-Carlo rank statistics of a town's index in a period."""

    run = models.ForeignKey(IndexRun, on_delete=models.CASCADE, related_name="rank_intervals")
    town = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    period = models.CharField("期间", max_length=10)
    nominal = models.FloatField("名义排名", null=True)
    mean = models.FloatField("平均排名", null=True)
    median = models.FloatField("排名中位数", null=True)
    q5 = models.FloatField("5%分位", null=True)
    q95 = models.FloatField("95%分位", null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "town", "period"], name="index_rank_interval_unique"),
        ]

    def __str__(self):
        return f"{self.period} {self.q5}–{self.q95}"
