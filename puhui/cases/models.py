"""Typical cases and the zone's publicity (plan 二十四 加强宣传引导).

- `Case`: a typical case or experience write-up (典型案例/经验材料) sent by a unit — a member unit, a bank or the
  office itself — with its topic, the plan task it belongs to (if any), the period it reports on and its
  attachments (`CaseFile`, sealed at rest). The office accepts it into the library (已采用), publishes it
  (已发布: every staff user reads it) or returns it with a reason; separately it selects it for a periodic
  evaluation report (入选评估报告, `selected_for` a period code).
- `Promotion`: a publicity record for the demonstration zone itself (示范区宣传: 政府推介, 网点宣传, 集中宣讲,
  媒体报道), with its evidence (`PromotionFile`); reviewed by the office like the outreach records.

Periods are codes of `puhui.core.periods` ("2021", "2021Q3"), as the data app's reporting periods. The state
changes only in `services/`.
"""

from django.conf import settings
from django.db import models

from puhui.core import periods, review
from puhui.core.models import Division, Organisation


class Topic(models.TextChoices):
    CREDIT = "credit", "信用体系建设"
    FIRST_LOAN = "first_loan", "首贷培植"
    STATION = "station", "金融服务站"
    MOBILE_PAY = "mobile_pay", "移动支付"
    INSURANCE = "insurance", "普惠保险"
    RISK = "risk", "金融风险防控"
    PROTECTION = "protection", "消费者保护"
    OTHER = "other", "其他"


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已采用"
    PUBLISHED = "published", "已发布"


# The office has kept these in the library: the unit no longer edits them, and they may be selected.
KEPT = (CaseStatus.ACCEPTED, CaseStatus.PUBLISHED)


class Entered(review.Entered):
    """A record a unit enters: the unit, who entered it and the office's last decision on it."""

    unit = models.ForeignKey(
        Organisation, verbose_name="报送单位", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


class Case(Entered):
    topic = models.CharField("专题", max_length=12, choices=Topic.choices)
    task = models.ForeignKey(
        "plan.Task",
        verbose_name="对应实施方案任务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    period = models.CharField("所属期间", max_length=7)  # "2021" or "2021Q3"
    title = models.CharField("标题", max_length=100)
    text = models.TextField("正文")
    status = models.CharField("状态", max_length=10, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    selected_for = models.CharField("入选评估报告期间", max_length=7, blank=True)  # "" not selected
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="选定人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    selected_at = models.DateTimeField("选定时间", null=True, blank=True)

    class Meta:
        ordering = ["-entered_at", "-id"]
        verbose_name = verbose_name_plural = "典型案例"
        indexes = [
            models.Index(fields=["status", "id"], name="cases_case_status"),
            models.Index(fields=["unit", "id"], name="cases_case_unit"),
            models.Index(fields=["selected_for", "id"], name="cases_case_selected"),
        ]

    def __str__(self):
        return self.title

    @property
    def period_label(self) -> str:
        return periods.label(self.period) if self.period else ""

    @property
    def selected_label(self) -> str:
        return periods.label(self.selected_for) if self.selected_for else ""

    @property
    def task_label(self) -> str:
        return str(self.task) if self.task_id else ""


class PromotionKind(models.TextChoices):
    GOVERNMENT = "government", "政府推介"
    OUTLET = "outlet", "网点宣传"
    SESSION = "session", "集中宣讲"
    MEDIA = "media", "媒体报道"
    OTHER = "other", "其他"


PromotionStatus = review.ReviewStatus


class Promotion(Entered):
    kind = models.CharField("宣传方式", max_length=10, choices=PromotionKind.choices)
    held_on = models.DateField("日期")
    topic = models.CharField("主题", max_length=100)
    place = models.CharField("地点或媒体", max_length=100)
    town = models.ForeignKey(
        Division, verbose_name="镇（街道）", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    audience = models.PositiveIntegerField("受众人数（人）", null=True, blank=True)  # none for a media report
    summary = models.TextField("活动情况")
    status = models.CharField(
        "状态", max_length=10, choices=PromotionStatus.choices, default=PromotionStatus.PENDING
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = verbose_name_plural = "示范区宣传"
        indexes = [
            models.Index(fields=["status", "id"], name="cases_promo_status"),
            models.Index(fields=["held_on", "id"], name="cases_promo_held"),
            models.Index(fields=["unit", "id"], name="cases_promo_unit"),
        ]

    def __str__(self):
        return f"{self.topic}（{self.held_on:%Y-%m-%d}）"


class StoredFile(models.Model):
    """An attachment checked by its bytes and kept encrypted under MEDIA_ROOT (`core.sealed_files`)."""

    path = models.CharField("存储路径", max_length=200)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name


class CaseFile(StoredFile):
    case = models.ForeignKey(Case, verbose_name="案例", on_delete=models.CASCADE, related_name="files")

    class Meta:
        ordering = ["case", "id"]
        verbose_name = verbose_name_plural = "案例附件"


class PromotionFile(StoredFile):
    record = models.ForeignKey(
        Promotion, verbose_name="宣传记录", on_delete=models.CASCADE, related_name="files"
    )

    class Meta:
        ordering = ["record", "id"]
        verbose_name = verbose_name_plural = "宣传佐证材料"
