"""The county's rosters: households and firms (small and micro firms, individual businesses)."""

from django.db import models

from puhui.core.fields import EncryptedField, LookupHashField
from puhui.core.models import Division
from puhui.core.validators import validate_uscc


class Household(models.Model):
    code = models.CharField("户编号", max_length=20, unique=True)
    village = models.ForeignKey(Division, verbose_name="所在村", on_delete=models.PROTECT, related_name="+")
    # Denormalised from village so that town-scoped queries on a million rows use one index.
    town = models.ForeignKey(
        Division, verbose_name="所在镇（街道）", on_delete=models.PROTECT, related_name="+"
    )
    head_name = models.CharField("户主姓名", max_length=40)
    head_id_number = EncryptedField("户主身份证号")
    head_id_hash = LookupHashField(source="head_id_number")
    phone = EncryptedField("联系电话", blank=True)
    phone_hash = LookupHashField(source="phone")
    head_age = models.PositiveSmallIntegerField("户主年龄")
    size = models.PositiveSmallIntegerField("家庭人口")
    is_farm = models.BooleanField("农户", default=True, db_index=True)
    main_activity = models.CharField("主要经营", max_length=20, blank=True)
    land_area_mu = models.DecimalField("承包地面积（亩）", max_digits=8, decimal_places=2, default=0)
    annual_income = models.DecimalField("家庭年收入（元）", max_digits=12, decimal_places=2, default=0)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "农户"
        # id last: a town official's page (town filter, ordered by village, id) reads straight off the index.
        indexes = [models.Index(fields=["town", "village", "id"])]

    def __str__(self) -> str:
        return f"{self.code} {self.head_name}"


class Firm(models.Model):
    class Kind(models.TextChoices):
        SMALL = "small", "小型企业"
        MICRO = "micro", "微型企业"
        INDIVIDUAL = "individual", "个体工商户"

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, validators=[validate_uscc])
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, db_index=True)
    industry = models.CharField("行业", max_length=30)
    village = models.ForeignKey(
        Division, verbose_name="所在村（社区）", on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey(
        Division, verbose_name="所在镇（街道）", on_delete=models.PROTECT, related_name="+"
    )
    registered_on = models.DateField("成立日期")
    employees = models.PositiveIntegerField("从业人数")
    annual_revenue = models.DecimalField("年营业收入（元）", max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["uscc"]
        verbose_name = verbose_name_plural = "市场主体"
        indexes = [models.Index(fields=["town", "kind"])]

    def __str__(self) -> str:
        return self.name
