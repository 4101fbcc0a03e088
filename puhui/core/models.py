"""The county: divisions, organisations with their outlets and service points, users, the audit trail."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone

from puhui.core.fields import EncryptedField, LookupHashField
from puhui.core.validators import validate_division_code, validate_mobile, validate_uscc


class Division(models.Model):
    """An administrative division with its 12-digit statistical code (统计用区划代码)."""

    class Level(models.TextChoices):
        COUNTY = "county", "县"
        TOWN = "town", "镇/街道"
        VILLAGE = "village", "村/社区"

    class Kind(models.TextChoices):
        COUNTY = "county", "县"
        TOWN = "town", "镇"
        STREET = "street", "街道"
        VILLAGE = "village", "村"
        COMMUNITY = "community", "社区"

    code = models.CharField("区划代码", max_length=12, unique=True, validators=[validate_division_code])
    name = models.CharField("名称", max_length=50)
    level = models.CharField("层级", max_length=10, choices=Level.choices, db_index=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    population = models.PositiveIntegerField("户籍人口", default=0)
    households = models.PositiveIntegerField("户数", default=0)
    farm_households = models.PositiveIntegerField("农户数", default=0)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    # GeoJSON geometry (Polygon/MultiPolygon); another county may load its real boundaries here.
    boundary = models.JSONField("边界", null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "行政区划"

    def __str__(self) -> str:
        return self.name

    @property
    def town_code(self) -> str:
        return self.code[:9]


class Organisation(models.Model):
    """A government unit or a financial institution, at any level of its hierarchy.

    The tree is head office → county branch → outlet; `path` is a materialised path
    ("/1/7/42/") so that "this institution and everything under it" is one indexed query.
    """

    class Kind(models.TextChoices):
        PBOC = "pboc", "人民银行"
        GOVERNMENT = "government", "政府部门"
        COURT = "court", "法院"
        PROCURATORATE = "procuratorate", "检察院"
        PEOPLES_ORG = "peoples_org", "人民团体"
        POLICY_BANK = "policy_bank", "政策性银行"
        COMMERCIAL_BANK = "commercial_bank", "商业银行"
        RURAL_BANK = "rural_bank", "农村商业银行"
        VILLAGE_BANK = "village_bank", "村镇银行"
        INSURER = "insurer", "保险公司"
        GUARANTEE = "guarantee", "融资担保公司"
        SECURITIES = "securities", "证券公司"
        MICROCREDIT = "microcredit", "小额贷款公司"
        LEASING = "leasing", "融资租赁公司"
        FACTORING = "factoring", "商业保理公司"
        PRIVATE_LENDING = "private_lending", "民间融资登记服务机构"
        CREDIT_MUTUAL = "credit_mutual", "开展信用互助的农民专业合作社"
        EXCHANGE = "exchange", "交易场所"
        INSURANCE_AGENCY = "insurance_agency", "保险中介机构"
        OTHER = "other", "其他"

    class Level(models.TextChoices):
        HEAD_OFFICE = "head", "总行/总公司"
        BRANCH = "branch", "县级机构"
        OUTLET = "outlet", "网点"

    # Banks: the lenders the plan's lending targets, relending and bank outlets concern (not insurers, guarantors
    # or micro-lenders).
    BANK_KINDS = frozenset({Kind.POLICY_BANK, Kind.COMMERCIAL_BANK, Kind.RURAL_BANK, Kind.VILLAGE_BANK})
    FINANCIAL_KINDS = frozenset(
        {
            Kind.POLICY_BANK,
            Kind.COMMERCIAL_BANK,
            Kind.RURAL_BANK,
            Kind.VILLAGE_BANK,
            Kind.INSURER,
            Kind.GUARANTEE,
            Kind.SECURITIES,
            Kind.MICROCREDIT,
            Kind.LEASING,
            Kind.FACTORING,
            Kind.PRIVATE_LENDING,
            Kind.CREDIT_MUTUAL,
            Kind.EXCHANGE,
            Kind.INSURANCE_AGENCY,
        }
    )
    # 地方金融组织 (plan 二): supervised by the county's finance centre rather than by the PBoC or the NFRA.
    LOCAL_FINANCE_KINDS = frozenset(
        {
            Kind.GUARANTEE,
            Kind.MICROCREDIT,
            Kind.LEASING,
            Kind.FACTORING,
            Kind.PRIVATE_LENDING,
            Kind.CREDIT_MUTUAL,
            Kind.EXCHANGE,
        }
    )

    code = models.CharField("机构编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, db_index=True)
    level = models.CharField("层级", max_length=10, choices=Level.choices, default=Level.BRANCH)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    uscc = models.CharField(
        "统一社会信用代码", max_length=18, blank=True, validators=[validate_uscc], db_index=True
    )
    division = models.ForeignKey(
        Division, verbose_name="所在区划", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    opened_on = models.DateField("开业日期", null=True, blank=True)
    # An outlet's suspension (暂停营业) while it lasts; every suspension and resumption is an `OutletEvent`.
    suspended_on = models.DateField("暂停营业日期", null=True, blank=True, help_text="网点正在暂停营业时填写")
    closed_on = models.DateField("撤销日期", null=True, blank=True)
    is_county_legal_person = models.BooleanField("县域法人机构", default=False)
    is_new_rural_institution = models.BooleanField("新型农村金融机构", default=False)
    has_sannong_division = models.BooleanField("三农金融事业部", default=False)
    is_leading_group_member = models.BooleanField("领导小组成员单位", default=False)
    plan_alias = models.CharField("方案中的称谓", max_length=40, blank=True, help_text="如“县人民银行”")

    class Meta:
        ordering = ["path"]
        verbose_name = verbose_name_plural = "机构"

    def __str__(self) -> str:
        return self.name

    @property
    def is_financial(self) -> bool:
        return self.kind in self.FINANCIAL_KINDS

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.pk}/"


class ServicePoint(models.Model):
    """A 助农取款服务点 run by a bank in a village shop; upgraded ones are 普惠金融服务站.

    Its life is dated: opened, upgraded, suspended (and resumed), closed. The dates of the current state are
    fields here; every step is also a `ServicePointEvent`, so the register as it stood on any day can be
    rebuilt (`service_points_as_of` in the registry app's network module).
    """

    class Function(models.TextChoices):
        WITHDRAWAL = "withdrawal", "小额取款"
        TRANSFER = "transfer", "转账"
        REMITTANCE = "remittance", "汇款"
        BILL_PAYMENT = "bill_payment", "缴费"
        CROSS_BANK = "cross_bank", "跨行支付"
        EDUCATION = "education", "金融知识宣传"
        ANTI_COUNTERFEIT = "anti_counterfeit", "反假货币"
        DISPUTE = "dispute", "纠纷协调"
        ECOMMERCE = "ecommerce", "电商服务"
        CREDIT_INFO = "credit_info", "信用信息采集"
        # The plan (十): 通过当地普惠金融服务站代为采购; 樱桃、苹果、干果等特色农副产品网上销售.
        AGENCY_PURCHASE = "agency_purchase", "代理购买"
        ONLINE_SALES = "online_sales", "本地农产品网上销售"

    # The plan (十): a station keeps withdrawal, transfer, remittance and bill payment, pays across banks,
    # and adds financial education, anti-counterfeiting and dispute coordination. E-commerce ("为有条件的")
    # and credit information collection are welcome but not required.
    STATION_FUNCTIONS = (
        Function.WITHDRAWAL,
        Function.TRANSFER,
        Function.REMITTANCE,
        Function.BILL_PAYMENT,
        Function.CROSS_BANK,
        Function.EDUCATION,
        Function.ANTI_COUNTERFEIT,
        Function.DISPUTE,
    )

    code = models.CharField("编号", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    bank = models.ForeignKey(
        Organisation, verbose_name="签约银行", on_delete=models.PROTECT, related_name="service_points"
    )
    village = models.ForeignKey(Division, verbose_name="所在村", on_delete=models.PROTECT, related_name="+")
    functions = models.JSONField("功能", default=list)
    is_station = models.BooleanField("已升级为普惠金融服务站", default=False)
    opened_on = models.DateField("设立日期", null=True, blank=True)
    upgraded_on = models.DateField("升级日期", null=True, blank=True)
    suspended_on = models.DateField("暂停营业日期", null=True, blank=True, help_text="正在暂停营业时填写")
    closed_on = models.DateField("撤销日期", null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "助农取款服务点"

    def __str__(self) -> str:
        return self.name

    @property
    def function_labels(self) -> list[str]:
        labels = dict(self.Function.choices)
        return [labels.get(f, f) for f in self.functions]

    @property
    def status_label(self) -> str:
        if self.closed_on:
            return "已撤销"
        if self.suspended_on:
            return "暂停营业"
        return "普惠金融服务站" if self.is_station else "助农取款服务点"


class ServicePointEvent(models.Model):
    """One dated step in a service point's life; the functions before and after when they changed."""

    class Kind(models.TextChoices):
        OPENED = "opened", "设立"
        UPGRADED = "upgraded", "升级为普惠金融服务站"
        SUSPENDED = "suspended", "暂停营业"
        RESUMED = "resumed", "恢复营业"
        CLOSED = "closed", "撤销"
        CHANGED = "changed", "功能调整"

    point = models.ForeignKey(
        ServicePoint, verbose_name="服务点", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("事项", max_length=10, choices=Kind.choices)
    on = models.DateField("日期")
    functions_before = models.JSONField("调整前功能", null=True, blank=True)
    functions = models.JSONField("调整后功能", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["point", "on", "id"]
        verbose_name = verbose_name_plural = "服务点变动"
        indexes = [models.Index(fields=["point", "on"])]

    def __str__(self) -> str:
        return f"{self.point_id} {self.on} {self.get_kind_display()}"

    @property
    def function_labels(self) -> list[str]:
        labels = dict(ServicePoint.Function.choices)
        return [labels.get(f, f) for f in self.functions or ()]


class OutletEvent(models.Model):
    """One dated suspension or resumption of a bank outlet (网点), so the register of any day knows whether it
    was open (`outlets_as_of` / `outlet_on` in the registry app's network module); opening and closing are the
    outlet's own dates."""

    class Kind(models.TextChoices):
        SUSPENDED = "suspended", "暂停营业"
        RESUMED = "resumed", "恢复营业"

    outlet = models.ForeignKey(
        Organisation, verbose_name="网点", on_delete=models.CASCADE, related_name="outlet_events"
    )
    kind = models.CharField("事项", max_length=10, choices=Kind.choices)
    on = models.DateField("日期")
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["outlet", "on", "id"]
        verbose_name = verbose_name_plural = "网点变动"
        indexes = [models.Index(fields=["outlet", "on"])]

    def __str__(self) -> str:
        return f"{self.outlet_id} {self.on} {self.get_kind_display()}"


class Terminal(models.Model):
    """A self-service machine or POS of a bank, at an outlet or a service point; installed, then retired."""

    class Kind(models.TextChoices):
        ATM = "atm", "ATM取款机"
        CRS = "crs", "存取款一体机"
        KIOSK = "kiosk", "自助服务终端"
        POS = "pos", "POS机"
        RURAL = "rural", "助农终端"

    class BillItem(models.TextChoices):
        # The plan (十二): 水电费、燃气费、暖气费、交通违章罚款和养老保险等实时缴费业务.
        WATER = "water", "水费"
        ELECTRICITY = "electricity", "电费"
        GAS = "gas", "燃气费"
        HEATING = "heating", "暖气费"
        TRAFFIC_FINE = "traffic_fine", "交通违章罚款"
        PENSION = "pension", "养老保险"
        MEDICAL = "medical", "医疗保险"
        PHONE = "phone", "通信费"

    code = models.CharField("编号", max_length=32, unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    bank = models.ForeignKey(
        Organisation, verbose_name="所属银行", on_delete=models.PROTECT, related_name="terminals"
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
        related_name="terminals",
    )
    village = models.ForeignKey(Division, verbose_name="所在村", on_delete=models.PROTECT, related_name="+")
    bill_payment = models.BooleanField("开通实时缴费", default=False)
    bill_payment_since = models.DateField("实时缴费开通日期", null=True, blank=True)
    bill_items = models.JSONField("缴费项目", default=list, blank=True)
    installed_on = models.DateField("布放日期", null=True, blank=True)
    retired_on = models.DateField("撤除日期", null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "自助机具"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"

    @property
    def bill_item_labels(self) -> list[str]:
        labels = dict(self.BillItem.choices)
        return [labels.get(i, i) for i in self.bill_items]


class User(AbstractUser):
    class Role(models.TextChoices):
        OFFICE = "office", "领导小组办公室"
        MEMBER_UNIT = "member_unit", "成员单位"
        INSTITUTION = "institution", "金融机构"
        TOWN = "town", "镇（街道）"
        AGENT = "agent", "村级代办员"
        PUBLIC = "public", "公众"
        ADMIN = "admin", "系统管理员"

    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.PUBLIC, db_index=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="所属机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    town = models.ForeignKey(
        Division,
        verbose_name="所属镇（街道）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    villages = models.ManyToManyField(Division, verbose_name="负责的村", blank=True, related_name="agents")
    household = models.ForeignKey(
        "registry.Household",
        verbose_name="本人农户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A public user who acts for a small firm (its legal representative or finance staff): the firm's own
    # pages, authorisations and financing demands hang on it (puhui.firms, puhui.financing).
    firm = models.ForeignKey(
        "registry.Firm",
        verbose_name="所代表的市场主体",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    display_name = models.CharField("姓名", max_length=40, blank=True)
    phone = EncryptedField("手机号", blank=True, validators=[validate_mobile])
    phone_hash = LookupHashField(source="phone")
    # Set when an administrator creates the account or resets its password; the user must choose a
    # password of their own before using any page (puhui.core.security.PasswordChangeRequiredMiddleware).
    must_change_password = models.BooleanField("须修改密码", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_office(self) -> bool:
        return self.role in {self.Role.OFFICE, self.Role.ADMIN}

    def clean(self):
        """Each role needs the anchor its access scope hangs on."""
        super().clean()
        errors = {}
        org = self.organisation if self.organisation_id else None
        if self.role == self.Role.INSTITUTION and (org is None or not org.is_financial):
            errors["organisation"] = "金融机构用户必须属于一家金融机构。"
        if self.role == self.Role.MEMBER_UNIT and (org is None or org.is_financial):
            errors["organisation"] = "成员单位用户必须属于一个非金融机构的成员单位。"
        if self.role == self.Role.OFFICE and (org is None or org.kind != Organisation.Kind.PBOC):
            errors["organisation"] = "领导小组办公室用户必须属于人民银行。"
        if self.role == self.Role.TOWN and (self.town_id is None or self.town.level != Division.Level.TOWN):
            errors["town"] = "镇（街道）用户必须指定所属镇（街道）。"
        if self.firm_id and self.role != self.Role.PUBLIC:
            errors["firm"] = "只有公众用户可以代表市场主体。"
        if errors:
            raise ValidationError(errors)


# Audit entries about things that are not a model (a demo build, a reminder run, a key check).
AUDIT_TYPE_LABELS = {
    "demo": "演示数据",
    "plan.Reminder": "提醒",
    "registry.Reconciliation": "名录核对",
    "core.KeyCheck": "密钥校验",
}


def _audit_model(object_type: str):
    from django.apps import apps

    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field_label(model, key: str) -> str:
    """A recorded field in words; a key that is no field of the model (a summary's) as stored."""
    try:
        return str(model._meta.get_field(key).verbose_name) if model is not None else key
    except FieldDoesNotExist:
        return key


def audit_type_label(object_type: str) -> str:
    """An audit entry's object type in words: "core.User" → "用户"; an unknown type → "其他对象"."""
    if object_type in AUDIT_TYPE_LABELS:
        return AUDIT_TYPE_LABELS[object_type]
    model = _audit_model(object_type)
    return str(model._meta.verbose_name) if model is not None else "其他对象"


class AuditLogQuerySet(models.QuerySet):
    def bulk_create(self, objs, batch_size=None, **kwargs):
        """Every insertion is chained (`puhui.core.audit.audit_append`); the options of a plain bulk insert
        (ignore_conflicts, update_conflicts) make no sense for an append-only log and are refused."""
        if kwargs:
            raise TypeError(f"操作日志只能追加：不支持 {', '.join(kwargs)}")
        from puhui.core.audit import audit_append

        return audit_append(list(objs), batch_size=batch_size, using=self.db)

    def _bulk_create_unchained(self, objs, batch_size=None):
        """The plain insert, for `audit_append` only (which has computed the chain and holds its lock)."""
        return super().bulk_create(objs, batch_size=batch_size)


class AuditLog(models.Model):
    """Who did what, when, to which object, with the state before and after.

    Append-only and tamper-evident: each row carries `hash` = HMAC(prev_hash ‖ canonical content), chained to the
    row before it (`puhui.core.audit`); `puhui audit verify` finds the first broken link. Every insertion —
    `objects.create`, `save()` of a new row, `objects.bulk_create` — goes through `audit.audit_append`.
    """

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        IMPORT = "import", "导入"
        UNMASK = "unmask", "查看明文"
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOGOUT = "logout", "退出"
        TOKEN = "token", "令牌"

    # Set when the row is built (not auto_now_add, which pre_save would overwrite after the hash is computed).
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("操作", max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    prev_hash = models.CharField("前一条校验值", max_length=64, blank=True, editable=False)
    hash = models.CharField("校验值", max_length=64, blank=True, editable=False)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = verbose_name_plural = "操作日志"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self._state.adding and self.pk is None:
            from puhui.core.audit import audit_append

            audit_append([self], using=kwargs.get("using"))
            return
        super().save(*args, **kwargs)

    @property
    def object_label(self) -> str:
        """The object as people read it — 用户 王主任, 报送数据 农行《贷款明细表》2020年第1季度 第1版 — never
        the stored type and id (core.User #1): the model's Chinese name, then the object as it was named."""
        return f"{audit_type_label(self.object_type)} {self.object_repr or self.object_id}".strip()

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field in words, before, after) for each field the entry records, for the 变更 column."""
        before, after = self.before or {}, self.after or {}
        if not isinstance(before, dict) or not isinstance(after, dict):
            return []
        model = _audit_model(self.object_type)
        out = []
        for key in dict.fromkeys([*before, *after]):
            out.append((_field_label(model, key), before.get(key, "—"), after.get(key, "—")))
        return out


class AuditChain(models.Model):
    """One row (pk 1): the head of the audit chain, and the result of the last full verification.

    Writers lock this row (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's IMMEDIATE transactions already
    serialise them), read `head_hash`, insert their rows and move the head, so concurrent writers never fork the
    chain. `head_id` lets `puhui audit verify` notice rows deleted from the end of the log.
    """

    head_id = models.BigIntegerField("链头记录编号", default=0)
    head_hash = models.CharField("链头校验值", max_length=64, blank=True)
    verified_at = models.DateTimeField("上次核验时间", null=True, blank=True)
    verified_ok = models.BooleanField("上次核验结果完整", null=True)
    verified_count = models.BigIntegerField("上次核验条数", default=0)
    verified_through = models.BigIntegerField("上次核验至编号", default=0)
    broken_id = models.BigIntegerField("断裂处记录编号", null=True, blank=True)
    verified_detail = models.CharField("上次核验说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "操作日志校验链"

    def __str__(self) -> str:
        return f"#{self.head_id} {self.head_hash[:12]}"


class KeyCheck(models.Model):
    """One row: a check value derived from FIELD_ENCRYPTION_KEY, to detect a wrong key at start-up.

    The value is an HMAC of a constant under the key (see `puhui.core.keycheck`); it reveals nothing about the
    key or the sub-keys that encrypt personal data.
    """

    value = models.CharField("校验值", max_length=64)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "字段加密密钥校验值"

    def __str__(self) -> str:
        return self.value[:8]


class Notification(models.Model):
    """An in-app message to one user, mailed once when sent (`puhui.core.notifications`).

    Any app notifies through `puhui.core.notifications`; the table keeps the name it had when the plan
    owned the model (`plan_notification`, moved by core 0006 / plan 0002 without touching the table).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField("类别", max_length=30)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    # One notification per user and event, however often a job runs.
    key = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed = models.BooleanField("已发邮件", default=False)

    class Meta:
        db_table = "plan_notification"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~models.Q(key=""), name="notification_unique_key"
            )
        ]
        # The index's name is the one the plan's migration gave it (derived from the same table name).
        indexes = [models.Index(fields=["user", "read_at"], name="plan_notifi_user_id_ba2550_idx")]
        verbose_name = verbose_name_plural = "消息提醒"

    def __str__(self) -> str:
        return self.title
