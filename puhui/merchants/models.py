"""惠农商圈 (plan 十一): merchants a bank has signed for non-cash acceptance, and their monthly figures.

- `Merchant`: a shop, pharmacy, petrol station or market stall in a village (or a town) signed by one bank's
  county branch: what it accepts (bank card, QR code, POS), the discounts and fee subsidies offered, and
  its dated life (signed on, ended on). Entered by the bank or the office.
- `MonthlyFigure`: the non-cash transactions (笔) and their amount (元) of one merchant in one month, as its
  bank reported them (one row per merchant and month; a wrong figure is corrected, not reported twice).

Which merchant is active on a day, and which village is covered, is one rule in `selectors/coverage.py`.
"""

from django.conf import settings
from django.db import models

from puhui.core.models import Division, Organisation


class BusinessType(models.TextChoices):
    SUPERMARKET = "supermarket", "超市、便利店"
    FARM_SUPPLIES = "farm_supplies", "农资店"
    RESTAURANT = "restaurant", "餐饮"
    PHARMACY = "pharmacy", "药店、诊所"
    FUEL = "fuel", "加油站"
    MARKET_STALL = "market_stall", "集市摊位"
    AGRITOURISM = "agritourism", "农家乐、民宿"
    OTHER = "other", "其他"


# What a merchant accepts: the field on the model and its Chinese name (the order of the list columns).
ACCEPTANCE = (("accepts_card", "银行卡"), ("accepts_qr", "二维码"), ("accepts_pos", "POS机"))


class Merchant(models.Model):
    code = models.CharField("商户编号", max_length=32, unique=True)  # the acquirer's merchant number
    name = models.CharField("商户名称", max_length=100)
    bank = models.ForeignKey(
        Organisation, verbose_name="签约银行", on_delete=models.PROTECT, related_name="huinong_merchants"
    )
    town = models.ForeignKey(Division, verbose_name="镇（街道）", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        Division, verbose_name="村（社区）", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # empty: a merchant in the town seat, not in a village
    address = models.CharField("地址", max_length=200, blank=True)
    business_type = models.CharField("经营类型", max_length=20, choices=BusinessType.choices)
    accepts_card = models.BooleanField("受理银行卡", default=False)
    accepts_qr = models.BooleanField("受理二维码", default=False)
    accepts_pos = models.BooleanField("布放POS机", default=False)
    discounts = models.TextField("优惠措施", blank=True)
    discount_rate = models.DecimalField(
        "消费折扣（%）", max_digits=5, decimal_places=2, null=True, blank=True
    )  # 5.00: 5% off the price for a non-cash payment
    fee_subsidy = models.DecimalField(
        "手续费补贴（元/月）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    signed_on = models.DateField("签约日期")
    ended_on = models.DateField("终止日期", null=True, blank=True)  # not active from this day on
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "惠农商圈商户"
        indexes = [
            models.Index(fields=["name", "id"], name="merchants_name"),
            models.Index(fields=["signed_on", "id"], name="merchants_signed"),
            models.Index(fields=["town", "village"], name="merchants_place"),
        ]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @property
    def acceptance_labels(self) -> str:
        return "、".join(label for field, label in ACCEPTANCE if getattr(self, field))

    @property
    def place_name(self) -> str:
        return f"{self.town.name}{self.village.name}" if self.village_id else f"{self.town.name}（镇区）"


class MonthlyFigure(models.Model):
    merchant = models.ForeignKey(
        Merchant, verbose_name="商户", on_delete=models.CASCADE, related_name="figures"
    )
    month = models.DateField("月份")  # the month's first day
    transactions = models.PositiveIntegerField("非现金交易笔数（笔）")
    amount = models.DecimalField("非现金交易金额（元）", max_digits=16, decimal_places=2)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField("报送时间", auto_now=True)

    class Meta:
        ordering = ["merchant", "-month"]
        verbose_name = verbose_name_plural = "惠农商圈月度非现金交易"
        constraints = [models.UniqueConstraint(fields=["merchant", "month"], name="merchants_figure_month")]
        indexes = [models.Index(fields=["month", "merchant"], name="merchants_figure_by_month")]

    def __str__(self):
        return f"{self.merchant.name} {self.month.year}年{self.month.month}月"
