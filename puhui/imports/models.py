"""A register file handed to a background job: what was asked, how it ended, the errors to show."""

from django.conf import settings
from django.db import models

# A run that stopped for confirmation says so in its summary, which the page and the API read.
CONFIRM_SUMMARY = "有较大变化需要确认，未保存任何数据；核对无误后请勾选“确认”重新上传"


class ImportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "正在检查和保存"
        DONE = "done", "已导入"
        FAILED = "failed", "有错误，未保存任何数据"

    table = models.CharField("数据表", max_length=40)
    title = models.CharField("数据表名称", max_length=60)
    mode = models.CharField("导入方式", max_length=10)
    filename = models.CharField("文件名", max_length=200)
    # The upload, sealed at rest (puhui.core.sealed_files), relative to MEDIA_ROOT; deleted once imported.
    path = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField("文件大小（字节）", default=0)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Submitted through the API: the token it acted for, so the job runs in the token's scope and only that
    # token (or the office) follows the run.
    started_by_token = models.ForeignKey(
        "api.ApiToken",
        verbose_name="接口令牌",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    job = models.ForeignKey(
        "jobs.Job",
        verbose_name="后台任务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.CharField("结果", max_length=300, blank=True)
    error_total = models.PositiveIntegerField("问题处数", default=0)
    # The first errors, as [row, column, value, reason] lists, for the result page.
    errors = models.JSONField("问题", default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "导入批次"

    def __str__(self) -> str:
        return f"{self.title}导入：{self.filename}"

    @property
    def needs_confirmation(self) -> bool:
        return self.summary.startswith(CONFIRM_SUMMARY)

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
