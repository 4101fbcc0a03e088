"""Cash services (plan 八, 十二): the cash points register with opening hours, counterfeit warnings sent to every
open outlet and service point with their acknowledgements, and the public's bookings routed to a point's bank."""

from django.conf import settings
from django.db import models

from puhui.core.fields import EncryptedField, LookupHashField
from puhui.core.models import Division, Organisation, ServicePoint

USER = settings.AUTH_USER_MODEL


class Service(models.TextChoices):
    SMALL = "small", "小面额兑换"
    UNFIT = "unfit", "残损币兑换"
    NEW = "new", "新券兑换"
    COIN = "coin", "纪念币兑换"
    WITHDRAWAL = "withdrawal", "大额现金预约取款"
    COUNTERFEIT = "counterfeit", "反假货币咨询"


# What the public may book: every service but the consultation, which needs no appointment.
BOOKABLE = (Service.WITHDRAWAL, Service.SMALL, Service.UNFIT, Service.NEW, Service.COIN)
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")  # date.weekday() order


class CashPoint(models.Model):
    class Kind(models.TextChoices):
        DEMO = "demo", "现金服务示范点"
        EXCHANGE = "exchange", "小面额及残损人民币兑换点"
        NEW_NOTES = "new_notes", "新票直供代理点"

    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    name = models.CharField("名称", max_length=100)
    bank = models.ForeignKey(
        Organisation, verbose_name="所属银行", on_delete=models.PROTECT, related_name="cash_points"
    )
    outlet = models.ForeignKey(
        Organisation,
        verbose_name="所在网点",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    service_point = models.ForeignKey(
        ServicePoint,
        verbose_name="所在服务点",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Where it is, copied from its outlet or service point when saved (the finder and the town filter read it).
    village = models.ForeignKey(
        Division, verbose_name="所在村", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey(
        Division,
        verbose_name="所在镇（街道）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    services = models.JSONField("服务项目", default=list)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    opened_on = models.DateField("设立日期")
    closed_on = models.DateField("撤销日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = verbose_name_plural = "现金服务点"

    def __str__(self) -> str:
        return self.name

    @property
    def service_labels(self) -> str:
        labels = dict(Service.choices)
        return "、".join(labels.get(s, s) for s in self.services)

    @property
    def place_label(self) -> str:
        if self.outlet_id:
            return self.outlet.name
        return self.service_point.name if self.service_point_id else ""


class OpeningHours(models.Model):
    """One weekday's opening, so a booking's day and time can be checked; a weekday without a row is closed."""

    point = models.ForeignKey(CashPoint, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField("星期")  # 0 Monday … 6 Sunday, as date.weekday()
    opens = models.TimeField("开门时间")
    closes = models.TimeField("关门时间")

    class Meta:
        ordering = ["point", "weekday"]
        constraints = [models.UniqueConstraint(fields=["point", "weekday"], name="cash_hours_one_per_day")]
        verbose_name = verbose_name_plural = "营业时间"

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Warning(models.Model):  # noqa: A001 - the plan's word (假币预警), not the builtin
    class Denomination(models.TextChoices):
        Y100 = "100", "100元"
        Y50 = "50", "50元"
        Y20 = "20", "20元"
        Y10 = "10", "10元"
        Y5 = "5", "5元"
        Y1 = "1", "1元"
        OTHER = "other", "其他（见正文）"

    title = models.CharField("标题", max_length=100)
    text = models.TextField("预警内容")
    denomination = models.CharField("券别", max_length=6, choices=Denomination.choices)
    features = models.TextField("冠字号码及特征")
    deadline = models.DateField("确认期限")
    issued_on = models.DateField("发布日期")
    issued_by = models.ForeignKey(
        USER, verbose_name="发布人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient_count = models.PositiveIntegerField("发送单位数", default=0)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = verbose_name_plural = "假币预警"

    def __str__(self) -> str:
        return self.title


class Recipient(models.Model):
    """One unit a warning went to: a bank outlet or a service point, and the bank (county branch) that answers."""

    # Fewer indexes, quicker issue: `warning` is the first column of the unique pairs below and `bank` of
    # cash_recipient_bank_ack, so neither needs its own.
    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="recipients", db_index=False)
    bank = models.ForeignKey(
        Organisation, verbose_name="银行", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    outlet = models.ForeignKey(
        Organisation, verbose_name="网点", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service_point = models.ForeignKey(
        ServicePoint, verbose_name="服务点", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit_name = models.CharField("接收单位", max_length=100)  # copied: the list shows it without a join
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(  # read only with its row: no index to keep up on every issue
        USER, verbose_name="确认人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_index=False,
    )  # fmt: skip

    class Meta:
        ordering = ["warning", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["warning", "outlet"], name="cash_recipient_outlet_once"),
            models.UniqueConstraint(fields=["warning", "service_point"], name="cash_recipient_point_once"),
            models.CheckConstraint(
                condition=models.Q(outlet__isnull=False, service_point__isnull=True)
                | models.Q(outlet__isnull=True, service_point__isnull=False),
                name="cash_recipient_one_unit",
            ),
        ]
        indexes = [models.Index(fields=["bank", "acknowledged_at"], name="cash_recipient_bank_ack")]
        verbose_name = verbose_name_plural = "预警接收单位"

    def __str__(self) -> str:
        return self.unit_name

    @property
    def unit_kind(self) -> str:
        return "网点" if self.outlet_id else "服务点"


class Booking(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待确认"
        CONFIRMED = "confirmed", "已确认"
        REFUSED = "refused", "已拒绝"

    tracking_hash = models.CharField(max_length=64, unique=True, editable=False)  # sha256 of the secret code
    point = models.ForeignKey(
        CashPoint, verbose_name="现金服务点", on_delete=models.PROTECT, related_name="bookings"
    )
    bank = models.ForeignKey(Organisation, verbose_name="银行", on_delete=models.PROTECT, related_name="+")
    service = models.CharField("预约业务", max_length=12, choices=Service.choices)
    day = models.DateField("预约日期")
    time = models.TimeField("预约时间")
    name = EncryptedField("姓名")
    phone = EncryptedField("联系电话")
    phone_hash = LookupHashField(source="phone")
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    quantity = models.PositiveIntegerField("数量（枚）", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    confirmed_day = models.DateField("确认日期", null=True, blank=True)
    confirmed_time = models.TimeField("确认时间", null=True, blank=True)
    refuse_reason = models.CharField("拒绝原因", max_length=300, blank=True)
    handled_by = models.ForeignKey(
        USER, verbose_name="办理人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["bank", "status"], name="cash_booking_bank_status")]
        verbose_name = verbose_name_plural = "现金预约"

    def __str__(self) -> str:
        return f"{self.get_service_display()}预约（{self.point.name}）"
