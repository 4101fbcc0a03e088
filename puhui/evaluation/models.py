"""The periodic evaluation report (plan 二十五: 定期评估、验收、反馈和通报): one row per generated version of a
period's report. The figures it was written from are kept as a JSON snapshot beside the Word document and the
Excel annex (both sealed at rest, `core.sealed_files`), so a past report can be shown, compared and regenerated.
A row is never changed after it is written, except that the office publishes it."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from puhui.core import periods


class ReportKind(models.TextChoices):
    YEAR = "year", "年度"
    QUARTER = "quarter", "季度"


class EvaluationReport(models.Model):
    period = models.CharField("评估期间", max_length=10, db_index=True)  # "2021" or "2021Q3"
    kind = models.CharField("类型", max_length=10, choices=ReportKind.choices)
    version = models.PositiveSmallIntegerField("版本", default=1)
    number = models.CharField("文号", max_length=60)
    title = models.CharField("标题", max_length=200)
    figures = models.JSONField("所用数据", default=dict)
    docx_path = models.CharField("报告文件", max_length=300)
    docx_size = models.PositiveIntegerField("报告大小（字节）", default=0)
    xlsx_path = models.CharField("附表文件", max_length=300)
    xlsx_size = models.PositiveIntegerField("附表大小（字节）", default=0)
    seconds = models.FloatField("生成耗时（秒）", default=0)
    generated_at = models.DateTimeField("生成时间", auto_now_add=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="生成人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    published_at = models.DateTimeField("发布时间", null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["-period", "-version"]
        verbose_name = verbose_name_plural = "评估报告"
        constraints = [
            models.UniqueConstraint(fields=["period", "version"], name="evaluation_report_version"),
            models.CheckConstraint(condition=Q(kind__in=["year", "quarter"]), name="evaluation_report_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.period_label}评估报告（第{self.version}版）"

    @property
    def period_label(self) -> str:
        return periods.label(self.period)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def status_label(self) -> str:
        return "已发布" if self.is_published else "待发布"

    @property
    def docx_name(self) -> str:
        return f"{self.title}（第{self.version}版）.docx" if self.version > 1 else f"{self.title}.docx"

    @property
    def xlsx_name(self) -> str:
        suffix = f"（第{self.version}版）" if self.version > 1 else ""
        return f"{self.title}附表{suffix}.xlsx"
