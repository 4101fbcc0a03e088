"""Inclusive insurance (plan 七, 二十): the insurers' products and what they wrote per town and year.

- `Product`: an insurer's product — its line (种植业, 特色水果, 设施农业, 农房, 普惠型人身保险 …), the insured
  object (苹果, 中药材, 大棚 … or a group: 低保对象, 留守儿童 …), premium (a rate or a sum per unit), sum insured
  per unit, the subsidy shares (central, provincial, city, county, farmer; 100% together), whether it is a
  local special product (地方特色), and when it is on sale.
- `Report`: one product's policies and claims in one town in one year, reported by the insurer.

The unit (亩, 头, 户, 台, 人) follows from the insured object. Writes only in `services/`.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models

from puhui.core.models import Division, Organisation


class Line(models.TextChoices):
    CROP = "crop", "种植业"
    LIVESTOCK = "livestock", "养殖业"
    FOREST = "forest", "森林"
    FRUIT = "fruit", "特色水果"
    HERB = "herb", "中药材"
    FACILITY = "facility", "设施农业"
    HOUSE = "house", "农房"
    MACHINERY = "machinery", "农机"
    PERSONAL = "personal", "普惠型人身保险"


# The lines of agricultural insurance (二十): the households they cover count towards the 参保农户覆盖率.
AGRI_LINES = frozenset({Line.CROP, Line.LIVESTOCK, Line.FOREST, Line.FRUIT, Line.HERB, Line.FACILITY})


class Subject(models.TextChoices):
    WHEAT = "wheat", "小麦"
    CORN = "corn", "玉米"
    PEANUT = "peanut", "花生"
    APPLE = "apple", "苹果"
    PEACH = "peach", "桃"
    GRAPE = "grape", "葡萄"
    CHERRY = "cherry", "樱桃"
    HERB = "herb", "中药材"
    GREENHOUSE = "greenhouse", "大棚（大小拱棚）"
    SOW = "sow", "能繁母猪"
    HOG = "hog", "育肥猪"
    COW = "cow", "奶牛"
    FOREST = "forest", "公益林和商品林"
    HOUSE = "house", "农房"
    MACHINERY = "machinery", "农机具"
    DIBAO = "dibao", "低保对象"
    TEKUN = "tekun", "特困人员"
    ELDERLY = "elderly", "留守老人"
    CHILDREN = "children", "留守儿童"
    DISABLED = "disabled", "残疾人"


# What each insured object may be written under, and its unit.
SUBJECT_LINES = {
    Subject.WHEAT: {Line.CROP},
    Subject.CORN: {Line.CROP},
    Subject.PEANUT: {Line.CROP},
    Subject.APPLE: {Line.FRUIT},
    Subject.PEACH: {Line.FRUIT},
    Subject.GRAPE: {Line.FRUIT},
    Subject.CHERRY: {Line.FRUIT},
    Subject.HERB: {Line.HERB, Line.CROP},
    Subject.GREENHOUSE: {Line.FACILITY},
    Subject.SOW: {Line.LIVESTOCK},
    Subject.HOG: {Line.LIVESTOCK},
    Subject.COW: {Line.LIVESTOCK},
    Subject.FOREST: {Line.FOREST},
    Subject.HOUSE: {Line.HOUSE},
    Subject.MACHINERY: {Line.MACHINERY},
    Subject.DIBAO: {Line.PERSONAL},
    Subject.TEKUN: {Line.PERSONAL},
    Subject.ELDERLY: {Line.PERSONAL},
    Subject.CHILDREN: {Line.PERSONAL},
    Subject.DISABLED: {Line.PERSONAL},
}
LINE_UNITS = {
    Line.CROP: "亩",
    Line.FRUIT: "亩",
    Line.HERB: "亩",
    Line.FACILITY: "亩",
    Line.FOREST: "亩",
    Line.LIVESTOCK: "头",
    Line.HOUSE: "户",
    Line.MACHINERY: "台",
    Line.PERSONAL: "人",
}
SHARES = (
    ("central_share", "中央财政补贴"),
    ("provincial_share", "省级财政补贴"),
    ("city_share", "市级财政补贴"),
    ("county_share", "县级财政补贴"),
    ("farmer_share", "农户自缴"),
)
CENT = Decimal("0.01")


def _share(label):
    return models.DecimalField(f"{label}（%）", max_digits=5, decimal_places=2, default=Decimal("0"))


class Product(models.Model):
    insurer = models.ForeignKey(
        Organisation, verbose_name="保险机构", on_delete=models.PROTECT, related_name="insurance_products"
    )
    name = models.CharField("产品名称", max_length=100)
    line = models.CharField("险种", max_length=12, choices=Line.choices)
    subject = models.CharField("保险标的", max_length=12, choices=Subject.choices)
    covers = models.TextField("保障内容", blank=True)
    premium_rate = models.DecimalField("保险费率（%）", max_digits=6, decimal_places=3, null=True, blank=True)
    premium_per_unit = models.DecimalField(
        "单位保费（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    sum_insured_per_unit = models.DecimalField("单位保险金额（元）", max_digits=12, decimal_places=2)
    central_share = _share("中央财政补贴")
    provincial_share = _share("省级财政补贴")
    city_share = _share("市级财政补贴")
    county_share = _share("县级财政补贴")
    farmer_share = _share("农户自缴")
    is_local_special = models.BooleanField("地方特色险种", default=False)
    on_sale_from = models.DateField("开办日期")
    on_sale_to = models.DateField("停办日期", null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["line", "name", "id"]
        verbose_name = verbose_name_plural = "普惠保险产品"
        constraints = [models.UniqueConstraint(fields=["insurer", "name"], name="insurance_product_name")]

    def __str__(self):
        return self.name

    @property
    def unit(self) -> str:
        return LINE_UNITS[Line(self.line)]

    @property
    def premium(self) -> Decimal:
        """The premium per unit in 元: given, or the sum insured × the rate."""
        if self.premium_per_unit is not None:
            return self.premium_per_unit
        return (self.sum_insured_per_unit * (self.premium_rate or 0) / 100).quantize(CENT)

    @property
    def farmer_pays(self) -> Decimal:
        """What the insured pays per unit after every subsidy, in 元."""
        return (self.premium * self.farmer_share / 100).quantize(CENT)

    @property
    def subsidy_text(self) -> str:
        parts = [f"{label}{getattr(self, f):g}%" for f, label in SHARES if getattr(self, f)]
        return "、".join(parts)

    def on_sale_in(self, year: int) -> bool:
        return self.on_sale_from.year <= year and (self.on_sale_to is None or self.on_sale_to.year >= year)

    def on_sale_on(self, day) -> bool:
        return self.on_sale_from <= day and (self.on_sale_to is None or self.on_sale_to >= day)


class Report(models.Model):
    """One product's business in one town in one year (a later report of the same three replaces it)."""

    product = models.ForeignKey(
        Product, verbose_name="产品", on_delete=models.PROTECT, related_name="reports"
    )
    town = models.ForeignKey(Division, verbose_name="镇（街道）", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    policies = models.PositiveIntegerField("承保件数（件）")
    households = models.PositiveIntegerField("参保户数（户）")
    quantity = models.DecimalField("承保数量", max_digits=14, decimal_places=2)
    premium = models.DecimalField("保费（元）", max_digits=14, decimal_places=2)
    claims = models.PositiveIntegerField("赔付件数（件）")
    claims_paid = models.DecimalField("赔款（元）", max_digits=14, decimal_places=2)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-year", "product", "town", "id"]
        verbose_name = verbose_name_plural = "保险承保理赔情况"
        constraints = [
            models.UniqueConstraint(fields=["product", "town", "year"], name="insurance_report_once")
        ]
        indexes = [models.Index(fields=["year", "product"], name="insurance_report_year")]

    def __str__(self):
        return f"{self.product.name} {self.town.name} {self.year}年"
