"""Financial education and outreach (plan 九, 十六, 十七): the records the targets count.

- `MobileEvent`: a bank's 流动银行“三进” event (进农村、进社区、进矿区) with its photos (`EventPhoto`, sealed
  at rest) as evidence.
- `Publicity`: a publicity activity by a bank's outlet, a village agent, the media (TV and radio, press, 公众号)
  or a special session for returning entrepreneurs or low-income groups.
- `SchoolBase`: a school financial-education base and one school year's work there (lectures, practice
  days, teachers trained by the volunteer lecturer group).

Each is entered by those who do the work and reviewed by the office (待审核 → 已通过, or 已退回 with a reason,
corrected and sent again). Only approved records count. The state changes only in `services/`.
"""

from django.db import models

from puhui.core.models import Division, Organisation
from puhui.core.review import Entered, ReviewStatus

Status = ReviewStatus


class Reviewed(Entered):
    """What every outreach record carries: who entered it and the office's review."""

    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)

    class Meta:
        abstract = True


class PlaceType(models.TextChoices):
    RURAL = "rural", "农村"
    COMMUNITY = "community", "社区"
    MINING = "mining", "矿区"


class EventService(models.TextChoices):
    CASH = "cash", "小额现金存取"
    REMIT = "remit", "汇款"
    PAYMENT = "payment", "缴费"
    CONSULT = "consult", "咨询"
    EDUCATION = "education", "金融知识宣传"
    PRODUCT = "product", "产品介绍"


class MobileEvent(Reviewed):
    bank = models.ForeignKey(
        Organisation, verbose_name="银行", on_delete=models.PROTECT, related_name="outreach_events"
    )
    held_on = models.DateField("活动日期")
    place_type = models.CharField("活动地点类型", max_length=10, choices=PlaceType.choices)
    town = models.ForeignKey(Division, verbose_name="镇（街道）", on_delete=models.PROTECT, related_name="+")
    place = models.CharField("具体地点", max_length=100)
    services = models.JSONField("提供的服务", default=list)
    people_served = models.PositiveIntegerField("服务人数（人）")
    note = models.TextField("活动情况", blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = verbose_name_plural = "流动银行“三进”活动"
        indexes = [
            models.Index(fields=["status", "id"], name="outreach_event_status"),
            models.Index(fields=["held_on", "id"], name="outreach_event_held"),
        ]

    def __str__(self):
        return f"{self.bank.name} {self.held_on:%Y-%m-%d} {self.place}"

    @property
    def service_labels(self) -> str:
        return "、".join(EventService(s).label for s in self.services if s in EventService.values)


class EventPhoto(models.Model):
    """A photo of an event, checked to be an image and kept encrypted under MEDIA_ROOT (`core.sealed_files`)."""

    event = models.ForeignKey(
        MobileEvent, verbose_name="活动", on_delete=models.CASCADE, related_name="photos"
    )
    path = models.CharField("存储路径", max_length=200)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=40)
    size = models.PositiveIntegerField("大小（字节）")
    width = models.PositiveIntegerField("宽（像素）")
    height = models.PositiveIntegerField("高（像素）")
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["event", "id"]
        verbose_name = verbose_name_plural = "活动照片"

    def __str__(self):
        return self.name


class Channel(models.TextChoices):
    OUTLET = "outlet", "银行网点"
    AGENT = "agent", "代办员（驻村）"
    TV = "tv", "电视广播"
    PRESS = "press", "报纸"
    WECHAT = "wechat", "微信公众号"
    SPECIAL = "special", "专项宣讲"


MEDIA_CHANNELS = (Channel.TV, Channel.PRESS, Channel.WECHAT)


class Audience(models.TextChoices):
    GENERAL = "general", "城乡居民"
    RETURNING = "returning", "返乡创业农民"
    LOW_INCOME = "low_income", "城乡低收入人群"
    FIRMS = "firms", "企业和个体工商户"
    STUDENTS = "students", "学生"


class Publicity(Reviewed):
    organiser = models.ForeignKey(
        Organisation,
        verbose_name="组织单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outreach_publicity",
    )  # a bank or a member unit; empty for a village agent's own session
    held_on = models.DateField("活动日期")
    channel = models.CharField("宣传渠道", max_length=10, choices=Channel.choices)
    audience_group = models.CharField("宣传对象", max_length=12, choices=Audience.choices)
    topic = models.CharField("宣传主题", max_length=100)
    town = models.ForeignKey(
        Division, verbose_name="镇（街道）", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # empty for county-wide media
    village = models.ForeignKey(
        Division, verbose_name="村（社区）", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    audience = models.PositiveIntegerField("受众人数（人）")
    note = models.TextField("活动情况", blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = verbose_name_plural = "金融知识宣传活动"
        indexes = [
            models.Index(fields=["status", "id"], name="outreach_publicity_status"),
            models.Index(fields=["held_on", "id"], name="outreach_publicity_held"),
        ]

    def __str__(self):
        return f"{self.topic}（{self.held_on:%Y-%m-%d}）"

    @property
    def organiser_name(self) -> str:
        return self.organiser.name if self.organiser_id else f"代办员 {self.entered_by}"


class SchoolBase(Reviewed):
    """One school's financial-education base in one year (a base's work is reported year by year)."""

    school = models.CharField("学校", max_length=100)
    town = models.ForeignKey(Division, verbose_name="镇（街道）", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    bank = models.ForeignKey(
        Organisation,
        verbose_name="对接金融机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outreach_schools",
    )
    curriculum = models.TextField("纳入课程情况")
    lectures = models.PositiveIntegerField("专题讲座（次）")
    practice_days = models.PositiveIntegerField("社会实践和职业体验（天）")
    teachers_trained = models.PositiveIntegerField("宣讲团培训教师（人）")

    class Meta:
        ordering = ["-year", "school", "id"]
        verbose_name = verbose_name_plural = "校园金融知识教育基地"
        constraints = [models.UniqueConstraint(fields=["school", "year"], name="outreach_school_year")]
        indexes = [models.Index(fields=["status", "id"], name="outreach_school_status")]

    def __str__(self):
        return f"{self.school}（{self.year}年）"
