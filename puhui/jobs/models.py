"""Progress of background jobs; django-tasks keeps their status, result and errors."""

from django.conf import settings
from django.db import models


class Job(models.Model):
    """One enqueued task as users see it: who started it, what it is, how far it got."""

    task_result_id = models.CharField(max_length=64, unique=True)
    label = models.CharField("任务", max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    done = models.PositiveBigIntegerField("已完成", default=0)
    total = models.PositiveBigIntegerField("总量", default=0)
    message = models.CharField("进度说明", max_length=300, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "后台任务"

    def __str__(self) -> str:
        return self.label

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
