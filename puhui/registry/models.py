"""The county's rosters: households and firms (small and micro firms, individual businesses).

A household's members (`HouseholdMember`) carry the ID numbers; the head's name and ID number are also kept on
the household (the list, the credit archive and the look-ups read them there). What a household was on any
date is in `HouseholdVersion` (valid-from / valid-to rows: village, size, farm or not), and each split, merge,
move and dissolution is a `HouseholdEvent` (docs/registers.md, 农户).
"""

from django.conf import settings
from django.db import models

from puhui.core.fields import EncryptedField, LookupHashField
from puhui.core.models import Division
from puhui.core.validators import validate_uscc


class Household(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "现存"
        DISSOLVED = "dissolved", "已注销"

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
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # None: the household was on the register when its records began (a roster loaded without dates).
    formed_on = models.DateField("立户日期", null=True, blank=True)
    dissolved_on = models.DateField("注销日期", null=True, blank=True)
    # Not indexed (db_index=False here and below): every index costs each row of a 200,000-household import,
    # and these are never searched.
    merged_into = models.ForeignKey(
        "self",
        verbose_name="并入户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # A household created by a roster import points at the import's one summary audit row (who, when, which
    # file) instead of an audit row of its own: 200,000 rows would cost more than the import itself.
    created_log = models.ForeignKey(
        "core.AuditLog",
        verbose_name="建立记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        # No foreign-key constraint: audit rows are never deleted (hash chain), and PostgreSQL would check
        # the constraint once per household of a 200,000-household import at its commit.
        db_constraint=False,
    )

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "农户"
        # id last: a town official's page (town filter, ordered by village, id) reads straight off the index.
        indexes = [
            models.Index(fields=["town", "village", "id"]),
            # A town's work list by code (the keyset's code, id), read backwards for the last page: without it
            # PostgreSQL walked the code index from the other towns' end (0.4-0.6 s at demo scale 10).
            models.Index(fields=["town", "code", "id"], name="household_town_code"),
            # The list's sort by head's name (registry and credit lists): a keyset page is an index seek.
            models.Index(fields=["head_name", "id"], name="household_head_name"),
            # The name search from the start (lists.Search.prefix): LIKE '王生%' seeks this index under any
            # collation; the sort index above does not (outside the C collation).
            models.Index(
                fields=["head_name"], opclasses=["text_pattern_ops"], name="household_head_name_prefix"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.head_name}"


class HouseholdMember(models.Model):
    """One person of a household. A person (ID number) belongs to one household: `id_hash` is unique."""

    class Relation(models.TextChoices):
        HEAD = "head", "户主"
        SPOUSE = "spouse", "配偶"
        CHILD = "child", "子女"
        CHILD_IN_LAW = "child_in_law", "儿媳、女婿"
        GRANDCHILD = "grandchild", "孙子女"
        PARENT = "parent", "父母"
        GRANDPARENT = "grandparent", "祖父母"
        SIBLING = "sibling", "兄弟姐妹"
        OTHER = "other", "其他"

    class Sex(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    household = models.ForeignKey(
        Household, verbose_name="所属户", on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField("姓名", max_length=40)
    relation = models.CharField("与户主关系", max_length=12, choices=Relation.choices)
    id_number = EncryptedField("身份证号")
    id_hash = LookupHashField(source="id_number", unique=True)
    # Both read from the ID number (GB 11643): digits 7-14 and the parity of digit 17.
    birth_date = models.DateField("出生日期")
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)

    class Meta:
        ordering = ["household", "id"]
        verbose_name = verbose_name_plural = "家庭成员"

    def __str__(self) -> str:
        return f"{self.name}（{self.get_relation_display()}）"


class HouseholdVersion(models.Model):
    """What a household was from `valid_from` (inclusive) to `valid_to` (exclusive): its village, size and
    farm status. `valid_from` None: since the register's records begin; `valid_to` None: still so today.
    `households_as_of(date)` counts the rows valid on that date."""

    # The two indexes of Meta serve every read; single-column FK indexes would only slow the bulk import.
    household = models.ForeignKey(
        Household, verbose_name="农户", on_delete=models.CASCADE, related_name="versions", db_index=False
    )
    valid_from = models.DateField("起始日期", null=True, blank=True)
    valid_to = models.DateField("截止日期", null=True, blank=True)
    village = models.ForeignKey(
        Division, verbose_name="所在村", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    town = models.ForeignKey(
        Division, verbose_name="所在镇（街道）", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    size = models.PositiveSmallIntegerField("家庭人口")
    is_farm = models.BooleanField("农户")

    class Meta:
        ordering = ["household", "valid_from"]
        verbose_name = verbose_name_plural = "农户历史版本"
        indexes = [
            models.Index(fields=["valid_to", "village"]),
            models.Index(fields=["household", "valid_to"]),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.valid_from or '…'}–{self.valid_to or '…'}"


class HouseholdEvent(models.Model):
    """A change of the register's shape, dated: split, merge, move between villages, dissolution."""

    class Kind(models.TextChoices):
        SPLIT = "split", "分户"
        MERGE = "merge", "合户"
        MOVE = "move", "迁移"
        DISSOLVE = "dissolve", "注销"

    kind = models.CharField("变动类型", max_length=10, choices=Kind.choices)
    on = models.DateField("变动日期")
    household = models.ForeignKey(
        Household, verbose_name="农户", on_delete=models.CASCADE, related_name="events"
    )
    # split: the household the members came from; merge: the household merged into this one.
    other = models.ForeignKey(
        Household, verbose_name="相关户", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    from_village = models.ForeignKey(
        Division, verbose_name="迁出村", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_village = models.ForeignKey(
        Division, verbose_name="迁入村", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    members = models.JSONField("涉及成员", default=list, blank=True)  # names with relations, no ID numbers
    note = models.CharField("说明", max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField("操作人", max_length=150, blank=True)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = verbose_name_plural = "农户变动"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


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
    # 注销: the firm stays in the register (its history, the figures of earlier periods) but no longer counts.
    deregistered_on = models.DateField("注销日期", null=True, blank=True)
    employees = models.PositiveIntegerField("从业人数")
    annual_revenue = models.DecimalField("年营业收入（元）", max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["uscc"]
        verbose_name = verbose_name_plural = "市场主体"
        indexes = [
            models.Index(fields=["town", "kind"]),
            # The list's sortable columns (registry/lists.py): a keyset page is an index seek, not a sort.
            models.Index(fields=["name", "id"], name="firm_name"),
            models.Index(fields=["registered_on", "id"], name="firm_registered"),
            models.Index(fields=["deregistered_on", "id"], name="firm_deregistered"),
            models.Index(fields=["employees", "id"], name="firm_employees"),
        ]

    def __str__(self) -> str:
        return self.name
