"""Risk disposal (plan 二十一; lead 县人民银行 = the office): the disposal register and the dishonest-debtor list.

- `RiskCase`: a firm, a household, a guarantee group or a bank in trouble, the measures taken, its steps
  (`CaseStep`, each owned by one unit of the linkage mechanism with a working-day deadline) and its outcome.
- `Listing`: a bank's proposal to put a debtor on the 逃废债黑名单, taken through due process — notice, an
  objection window, the office's decision, removal — each step a `ListingStep` row (the timeline) and an
  audit record. The state changes only in `services/listings.py`.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from puhui.core.fields import EncryptedField, LookupHashField
from puhui.core.models import Organisation

MONEY = {"max_digits": 16, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class Measure(models.TextChoices):
    RESTRUCTURING = "restructuring", "企业重组"
    ISOLATION = "isolation", "风险隔断"
    RENEWAL = "renewal", "转贷授信"
    DEBT = "debt", "债务重组"
    JUDICIAL = "judicial", "司法处置"
    OTHER = "other", "其他"


class RiskCase(models.Model):
    class Subject(models.TextChoices):
        FIRM = "firm", "企业"
        HOUSEHOLD = "household", "农户"
        GROUP = "group", "担保群"
        BANK = "bank", "金融机构"

    class Status(models.TextChoices):
        OPEN = "open", "处置中"
        CLOSED = "closed", "已办结"

    subject_kind = models.CharField("处置对象类型", max_length=10, choices=Subject.choices)
    firm = models.ForeignKey(
        "registry.Firm",
        verbose_name="企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name="农户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    group_label = models.CharField("担保群", max_length=100, blank=True)  # "担保群 3（2021Q1）"
    bank = models.ForeignKey(
        Organisation,
        verbose_name="金融机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField("案件名称", max_length=100)
    measures = models.JSONField("处置措施", default=list)
    opened_on = models.DateField("立案日期")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="立案人", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    outcome = models.TextField("处置结果", blank=True)
    amount_resolved = models.DecimalField("化解金额（元）", null=True, blank=True, **MONEY)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = verbose_name_plural = "风险处置案件"
        indexes = [models.Index(fields=["opened_on", "id"], name="disposal_case_opened")]

    def __str__(self):
        return self.title

    @property
    def subject_name(self) -> str:
        if self.subject_kind == self.Subject.FIRM and self.firm_id:
            return self.firm.name
        if self.subject_kind == self.Subject.HOUSEHOLD and self.household_id:
            return f"{self.household.head_name}户"
        if self.subject_kind == self.Subject.BANK and self.bank_id:
            return self.bank.name
        return self.group_label

    @property
    def measure_labels(self) -> str:
        return "、".join(Measure(m).label for m in self.measures if m in Measure.values)


class CaseStep(models.Model):
    case = models.ForeignKey(RiskCase, verbose_name="案件", on_delete=models.CASCADE, related_name="steps")
    what = models.CharField("工作事项", max_length=200)
    owner = models.ForeignKey(
        Organisation, verbose_name="责任单位", on_delete=models.PROTECT, related_name="disposal_steps"
    )
    working_days = models.PositiveSmallIntegerField("办理时限（工作日）")
    deadline = models.DateField("办理期限")
    done_on = models.DateField("办结日期", null=True, blank=True)
    report = models.TextField("办理情况", blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报告人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = verbose_name_plural = "处置步骤"
        # The owner's to-do count (overdue = not done, deadline passed) reads this index only.
        indexes = [models.Index(fields=["owner", "done_on", "deadline"], name="disposal_step_todo")]

    def __str__(self):
        return self.what


class Listing(models.Model):
    """A debtor proposed for, on or off the dishonest-debtor list (逃废银行债务黑名单)."""

    class Debtor(models.TextChoices):
        FIRM = "firm", "企业"
        PERSON = "person", "个人"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "已提议"
        NOTIFIED = "notified", "已告知"
        OBJECTED = "objected", "异议中"
        LISTED = "listed", "已列入"
        REJECTED = "rejected", "不予列入"
        REMOVED = "removed", "已移出"

    class Means(models.TextChoices):
        DELIVERY = "delivery", "直接送达"
        POST = "post", "邮寄送达"
        PHONE = "phone", "电话告知"
        NOTICE = "notice", "公告送达"

    class Removal(models.TextChoices):
        SETTLED = "settled", "已清偿债务"
        APPEAL = "appeal", "申诉成立"
        EXPIRY = "expiry", "惩戒期满"

    debtor_kind = models.CharField("债务人类型", max_length=10, choices=Debtor.choices)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True, db_index=True)
    id_number = EncryptedField("身份证号", blank=True)
    id_hash = LookupHashField(source="id_number")
    debtor_name = models.CharField("债务人名称或姓名", max_length=100)
    responsible = models.CharField("法定代表人、实际控制人、直接责任人", max_length=200, blank=True)
    bank = models.ForeignKey(
        Organisation, verbose_name="提议银行", on_delete=models.PROTECT, related_name="disposal_listings"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提议人", on_delete=models.PROTECT, related_name="+"
    )
    proposed_on = models.DateField("提议日期")
    judgment_no = models.CharField("判决书或裁定书文号", max_length=80)
    amount_owed = models.DecimalField("拒不偿还金额（元）", **MONEY)
    judgment_date = models.DateField("判决（裁定）日期")
    enforcement_date = models.DateField("申请强制执行日期")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PROPOSED)
    notified_on = models.DateField("告知日期", null=True, blank=True)
    notice_means = models.CharField("告知方式", max_length=10, choices=Means.choices, blank=True)
    # Kept on the row at notice: a later change of the rule does not move a window already open.
    window_days = models.PositiveSmallIntegerField("异议期（天）", null=True, blank=True)
    objection_until = models.DateField("异议期截止日期", null=True, blank=True)
    objection = models.TextField("异议内容", blank=True)
    objected_on = models.DateField("提出异议日期", null=True, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decision_reason = models.TextField("决定理由", blank=True)
    settled_on = models.DateField("清偿日期", null=True, blank=True)
    removed_on = models.DateField("移出日期", null=True, blank=True)
    removal = models.CharField("移出原因", max_length=10, choices=Removal.choices, blank=True)

    class Meta:
        ordering = ["-proposed_on", "-id"]
        verbose_name = verbose_name_plural = "逃废债黑名单"
        indexes = [
            models.Index(fields=["status", "id"], name="disposal_listing_status"),
            models.Index(fields=["proposed_on", "id"], name="disposal_listing_proposed"),
        ]

    def __str__(self):
        return f"{self.debtor_name}（{self.get_status_display()}）"


class ListingStep(models.Model):
    """One step of a listing's due process, in order: the timeline on its page."""

    class Kind(models.TextChoices):
        PROPOSE = "propose", "银行提议"
        NOTIFY = "notify", "告知债务人"
        OBJECT = "object", "债务人提出异议"
        LIST = "list", "决定列入"
        REJECT = "reject", "决定不予列入"
        SETTLE = "settle", "银行报告已清偿"
        REMOVE = "remove", "移出黑名单"

    listing = models.ForeignKey(
        Listing, verbose_name="黑名单记录", on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField("步骤", max_length=10, choices=Kind.choices)
    on = models.DateField("日期")
    note = models.TextField("说明", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="办理人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = verbose_name_plural = "黑名单办理步骤"

    def __str__(self):
        return f"{self.get_kind_display()} {self.on}"
