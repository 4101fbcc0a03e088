"""Service stations and bill-pay coverage (plan 十, 十二; issue #19 §1–2), on top of the register of service
points and terminals (`core.ServicePoint`, `core.Terminal`, kept by `puhui/registry/network.py`).

- `BankOffer`: what a bank offers at its stations — the station functions and the bill items; the register
  refuses a station function the bank does not offer (the `station_functions_allowed` service).
- `ChannelOffer`: the bill items a bank offers on one channel (终端, 服务站, 网上银行, 手机银行), real time or not.
- `MonthlyReport`: a station's month as the bank reports it — withdrawals, transfers, remittances and bill
  payments (笔, 元) and the daily cash-withdrawal limit per card it applies (元/卡/日).
- `Inspection` with `InspectionPhoto`: the bank's visit — date, inspector, checklist, findings, photos,
  rectification due and done.
- `StationAgent`: who runs the station (name, phone encrypted, ID number optional), since/until.
- `PaymentScene`: a place of 便民支付 (taxi, parking, cinema, scenic spot, hospital, school, bus) with the
  bank that acquires its payments.
"""

from django.conf import settings
from django.db import models

from puhui.core.fields import EncryptedField, LookupHashField
from puhui.core.models import Division, Organisation, ServicePoint, Terminal
from puhui.stations.rules import daily_limit_rule

USER = settings.AUTH_USER_MODEL


class BankOffer(models.Model):
    bank = models.OneToOneField(
        Organisation, verbose_name="银行", on_delete=models.PROTECT, related_name="station_offer"
    )
    functions = models.JSONField("服务站功能", default=list)
    bill_items = models.JSONField("缴费项目", default=list)
    updated_by = models.ForeignKey(USER, verbose_name="维护人", on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("维护时间", auto_now=True)

    class Meta:
        ordering = ["bank__name"]
        verbose_name = verbose_name_plural = "银行服务站功能"

    def __str__(self):
        return f"{self.bank.name}服务站功能"

    @property
    def function_labels(self) -> str:
        labels = dict(ServicePoint.Function.choices)
        return "、".join(labels.get(f, f) for f in self.functions) or "—"

    @property
    def bill_item_labels(self) -> str:
        labels = dict(Terminal.BillItem.choices)
        return "、".join(labels.get(i, i) for i in self.bill_items) or "—"


class ChannelKind(models.TextChoices):
    TERMINAL = "terminal", "自助终端"
    STATION = "station", "服务站"
    ONLINE = "online", "网上银行"
    MOBILE = "mobile", "手机银行"


class ChannelOffer(models.Model):
    bank = models.ForeignKey(
        Organisation, verbose_name="银行", on_delete=models.PROTECT, related_name="channel_offers"
    )
    channel = models.CharField("渠道", max_length=10, choices=ChannelKind.choices)
    bill_items = models.JSONField("缴费项目", default=list)
    realtime = models.BooleanField("实时缴费", default=False)
    updated_at = models.DateTimeField("维护时间", auto_now=True)

    class Meta:
        ordering = ["bank__name", "channel"]
        verbose_name = verbose_name_plural = "缴费渠道"
        constraints = [models.UniqueConstraint(fields=["bank", "channel"], name="stations_channel_once")]

    def __str__(self):
        return f"{self.bank.name}{self.get_channel_display()}缴费"

    @property
    def bill_item_labels(self) -> str:
        labels = dict(Terminal.BillItem.choices)
        return "、".join(labels.get(i, i) for i in self.bill_items) or "—"


class MonthlyReport(models.Model):
    """One station's month; `month` is the month's first day. Counts in 笔, amounts in 元."""

    point = models.ForeignKey(
        ServicePoint, verbose_name="服务点", on_delete=models.PROTECT, related_name="monthly_reports"
    )
    bank = models.ForeignKey(
        Organisation, verbose_name="报送银行", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField("月份")
    withdrawal_count = models.PositiveIntegerField("取款笔数（笔）")
    withdrawal_amount = models.DecimalField("取款金额（元）", max_digits=16, decimal_places=2)
    transfer_count = models.PositiveIntegerField("转账笔数（笔）")
    transfer_amount = models.DecimalField("转账金额（元）", max_digits=16, decimal_places=2)
    remittance_count = models.PositiveIntegerField("汇款笔数（笔）")
    remittance_amount = models.DecimalField("汇款金额（元）", max_digits=16, decimal_places=2)
    bill_count = models.PositiveIntegerField("缴费笔数（笔）")
    bill_amount = models.DecimalField("缴费金额（元）", max_digits=16, decimal_places=2)
    daily_limit = models.DecimalField("单卡单日取款限额（元/卡/日）", max_digits=10, decimal_places=2)
    entered_by = models.ForeignKey(USER, verbose_name="填报人", on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField("填报时间", auto_now=True)

    class Meta:
        ordering = ["-month", "point_id"]
        verbose_name = verbose_name_plural = "服务站月度交易"
        constraints = [models.UniqueConstraint(fields=["point", "month"], name="stations_month_once")]
        indexes = [models.Index(fields=["bank", "month"], name="stations_month_bank")]

    def __str__(self):
        return f"{self.point.name} {self.month:%Y年%m月}"

    @property
    def total_count(self) -> int:
        return self.withdrawal_count + self.transfer_count + self.remittance_count + self.bill_count

    @property
    def over_limit(self) -> bool:
        return self.daily_limit > daily_limit_rule()


class CheckItem(models.TextChoices):
    SIGNAGE = "signage", "标识标牌规范"
    NOTICE = "notice", "服务内容和收费公示"
    DEVICE = "device", "机具运行正常"
    LEDGER = "ledger", "业务登记簿完整"
    CASH = "cash", "备付现金充足"
    LIMIT = "limit", "单卡单日取款限额执行"
    COUNTERFEIT = "counterfeit", "反假货币宣传和识别"
    EDUCATION = "education", "金融知识宣传资料"
    COMPLAINT = "complaint", "投诉渠道公示"


class Inspection(models.Model):
    point = models.ForeignKey(
        ServicePoint, verbose_name="服务点", on_delete=models.PROTECT, related_name="inspections"
    )
    bank = models.ForeignKey(
        Organisation, verbose_name="检查银行", on_delete=models.PROTECT, related_name="+"
    )
    inspected_on = models.DateField("检查日期")
    inspector = models.CharField("检查人", max_length=40)
    failed = models.JSONField("不合格项目", default=list)
    findings = models.TextField("检查发现", blank=True)
    rectify_by = models.DateField("整改期限", null=True, blank=True)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)
    rectify_note = models.TextField("整改情况", blank=True)
    entered_by = models.ForeignKey(USER, verbose_name="填报人", on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField("填报时间", auto_now_add=True)

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = verbose_name_plural = "服务站检查"
        indexes = [models.Index(fields=["bank", "rectified_on", "rectify_by"], name="stations_insp_open")]

    def __str__(self):
        return f"{self.point.name} {self.inspected_on:%Y-%m-%d} 检查"

    @property
    def failed_labels(self) -> str:
        return "、".join(CheckItem(c).label for c in self.failed if c in CheckItem.values) or "全部合格"

    @property
    def rectify_state(self) -> str:
        if self.rectify_by is None:
            return "无需整改"
        return "已整改" if self.rectified_on else "待整改"


class InspectionPhoto(models.Model):
    """A photo of an inspection, checked to be an image and kept encrypted (`core.photos`)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name="检查", on_delete=models.CASCADE, related_name="photos"
    )
    path = models.CharField("存储路径", max_length=200)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=40)
    size = models.PositiveIntegerField("大小（字节）")
    width = models.PositiveIntegerField("宽（像素）")
    height = models.PositiveIntegerField("高（像素）")
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["inspection", "id"]
        verbose_name = verbose_name_plural = "检查照片"

    def __str__(self):
        return self.name


class StationAgent(models.Model):
    point = models.ForeignKey(
        ServicePoint, verbose_name="服务点", on_delete=models.PROTECT, related_name="agents"
    )
    name = models.CharField("姓名", max_length=40)
    phone = EncryptedField("手机号")
    phone_hash = LookupHashField(source="phone")
    id_number = EncryptedField("身份证号", blank=True)
    id_hash = LookupHashField(source="id_number")
    since = models.DateField("开始日期")
    until = models.DateField("结束日期", null=True, blank=True)
    user = models.ForeignKey(
        USER, verbose_name="平台账号", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["point_id", "-since", "-id"]
        verbose_name = verbose_name_plural = "服务站代办员"

    def __str__(self):
        return f"{self.name}（{self.point.name}）"


class SceneKind(models.TextChoices):
    TAXI = "taxi", "出租车"
    PARKING = "parking", "停车场"
    CINEMA = "cinema", "电影院"
    SCENIC = "scenic", "旅游景点"
    HOSPITAL = "hospital", "医院"
    SCHOOL = "school", "学校"
    BUS = "bus", "公交"


# The plan (十二): 到2020年底，拓展包括出租车、停车场、电影院、旅游景点等场所的便民支付.
PLAN_SCENES = (SceneKind.TAXI, SceneKind.PARKING, SceneKind.CINEMA, SceneKind.SCENIC)


class PaymentScene(models.Model):
    kind = models.CharField("场景", max_length=10, choices=SceneKind.choices)
    name = models.CharField("名称", max_length=100)
    town = models.ForeignKey(Division, verbose_name="镇（街道）", on_delete=models.PROTECT, related_name="+")
    bank = models.ForeignKey(
        Organisation, verbose_name="收单银行", on_delete=models.PROTECT, related_name="payment_scenes"
    )
    since = models.DateField("开通日期")
    until = models.DateField("停用日期", null=True, blank=True)
    methods = models.CharField("支付方式", max_length=100, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = verbose_name_plural = "便民支付场景"

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"
