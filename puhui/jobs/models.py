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
    # Retries: `task_result_id` points at the current attempt; a failed attempt with attempts left is
    # enqueued again (after a back-off) and this row re-pointed. `error` keeps the last failure's message.
    attempt = models.PositiveSmallIntegerField("第几次尝试", default=1)
    max_attempts = models.PositiveSmallIntegerField("最多尝试次数", default=1)
    error = models.CharField("上次失败原因", max_length=500, blank=True)
    # What a successful job produced, in a sentence, and where to see it (a path on this site). The task
    # returns them (`job_result`); the jobs app records them and names no app.
    result_summary = models.CharField("结果说明", max_length=300, blank=True)
    result_url = models.CharField("结果链接", max_length=300, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "后台任务"

    def __str__(self) -> str:
        return self.label

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


class WorkerHeartbeat(models.Model):
    """A `puhui worker` process that is running: it writes `seen_at` every few seconds while idle and
    marks itself busy around each task, so a page can tell a queue with no worker from a busy one."""

    worker_id = models.CharField("处理进程编号", max_length=64, unique=True)
    host = models.CharField("主机", max_length=100, blank=True)
    pid = models.PositiveIntegerField("进程号", default=0)
    queues = models.CharField("队列", max_length=200, blank=True)
    started_at = models.DateTimeField("启动时间")
    seen_at = models.DateTimeField("最近心跳", db_index=True)
    busy_since = models.DateTimeField("开始处理当前任务", null=True, blank=True)

    class Meta:
        ordering = ["-seen_at"]
        verbose_name = verbose_name_plural = "后台任务处理进程"

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"


class ScheduledRun(models.Model):
    """One run of a scheduled job on one day. The unique (name, run_date) pair is what lets several
    workers check the schedule at once: the first to insert the row enqueues the job, the others fail
    the insert and move on."""

    name = models.CharField("计划任务", max_length=100)
    run_date = models.DateField("日期")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    job = models.ForeignKey(
        Job, verbose_name="后台任务", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-run_date", "name"]
        verbose_name = verbose_name_plural = "计划任务运行记录"
        constraints = [
            models.UniqueConstraint(fields=["name", "run_date"], name="jobs_scheduledrun_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.run_date}"
