"""Consumer protection (plan 十五; lead 县法院 with the office): complaints, mediation and the court chain.

- `Complaint`: one consumer's complaint, classified by JR/T 0169-2018 (business channel, business category,
  cause) and by how it came in, routed to an institution with its answer deadline (see docs/protection.md for the day count), the
  answer (late ones kept and marked), an extension (≤ 60 days from receipt, approver and reason), transfers,
  escalation to the PBoC, the complainant's feedback, closure and, 3 years later, the purge of personal data.
- `MediationCase`: a dispute taken to a mediation organisation; its sessions, the agreement (调解协议书),
  司法确认 by the court and 强制执行. The state changes only in `services/`.
- `TypicalCase`: an anonymised typical case the office publishes on the public page.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from puhui.core.fields import EncryptedField, LookupHashField
from puhui.core.models import Organisation

MONEY = {"max_digits": 16, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}
USER = settings.AUTH_USER_MODEL


class Channel(models.TextChoices):
    """受理方式: how the complaint reached the platform (not a JR/T dimension; see BusinessChannel)."""

    ONLINE = "01", "网络（平台公开页面）"
    VISIT = "02", "现场"
    PHONE = "03", "电话"
    LETTER = "04", "信函"
    HOTLINE = "05", "12363 热线转办"


# JR/T 0169-2018《金融消费者投诉统计分类及编码 银行业金融机构》classifies a complaint on three dimensions:
# A 业务办理渠道, B 业务类别, C 投诉原因. The classes and their hierarchy below follow the standard as published
# (docs/protection.md names the sources); the numeric codes are the platform's, in the standard's pattern
# ("其他" is 9 or 99), and are to be checked against the standard's code tables before figures go upward coded.


class BusinessChannel(models.TextChoices):
    """A 业务办理渠道: where the business complained about was done (前台 1xx, 中后台 200)."""

    COUNTER = "101", "营业现场"
    SELF_SERVICE = "102", "自助机具"
    E_WEB = "1031", "电子渠道·网上银行"
    E_PHONE = "1032", "电子渠道·电话银行"
    E_MOBILE = "1033", "电子渠道·移动客户端"
    E_PUBLIC = "1034", "电子渠道·网络公众平台"
    E_SMS = "1035", "电子渠道·短信"
    E_OTHER = "1039", "电子渠道·其他"
    THIRD_PARTY = "104", "第三方渠道"
    FRONT_OTHER = "109", "前台·其他"
    BACK_OFFICE = "200", "中、后台业务渠道"


class Business(models.TextChoices):
    """B 业务类别."""

    DEPOSIT = "01", "人民币储蓄"
    LOAN = "02", "贷款"
    DEBIT = "0301", "银行卡·借记卡"
    CREDIT_CARD = "0302", "银行卡·信用卡"
    PAYMENT = "04", "支付结算"
    CURRENCY = "05", "人民币管理"
    PERSONAL_INFO = "06", "个人金融信息"
    OTHER = "99", "其他"


class Cause(models.TextChoices):
    """C 投诉原因."""

    SERVICE = "01", "服务态度及服务质量"
    FACILITIES = "02", "服务设施、设备、业务系统"
    RULES = "03", "管理制度、业务规则与流程"
    MARKETING = "04", "营销方式和手段"
    DISCLOSURE = "05", "信息披露"
    RETURNS = "06", "产品收益"
    CHOICE = "07", "自主选择权"
    CONTRACT = "08", "合同条款"
    FUNDS = "09", "消费者资金安全"
    PRIVACY = "10", "消费者信息安全"
    PRICING = "11", "定价收费"
    COLLECTION = "12", "债务催收方式和手段"
    OTHER = "99", "其他"


class Complaint(models.Model):
    class Status(models.TextChoices):
        HANDLING = "handling", "机构处理中"
        ANSWERED = "answered", "机构已答复"
        ESCALATED = "escalated", "已提请人民银行"
        MEDIATION = "mediation", "已转调解"
        CLOSED = "closed", "已办结"

    class Feedback(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        UNSATISFIED = "unsatisfied", "不满意"

    number = models.CharField("投诉编号", max_length=20, unique=True)  # TS20210506001: staff reference
    tracking_hash = models.CharField(max_length=64, unique=True, editable=False)  # sha256 of the secret code
    channel = models.CharField("受理方式", max_length=2, choices=Channel.choices)
    business_channel = models.CharField("业务办理渠道", max_length=4, choices=BusinessChannel.choices)
    business = models.CharField("业务类别", max_length=4, choices=Business.choices)
    cause = models.CharField("投诉原因", max_length=2, choices=Cause.choices)
    institution = models.ForeignKey(
        Organisation, verbose_name="被投诉机构", on_delete=models.PROTECT, related_name="complaints"
    )
    name = EncryptedField("投诉人姓名", blank=True)
    phone = EncryptedField("联系电话", blank=True)
    phone_hash = LookupHashField(source="phone")
    id_number = EncryptedField("身份证号", blank=True)
    id_hash = LookupHashField(source="id_number")
    content = models.TextField("投诉事项")
    demand = models.TextField("诉求", blank=True)
    filed_by = models.ForeignKey(
        USER, verbose_name="登记人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    complainant = models.ForeignKey(  # the public account that filed it (sees it), else None
        USER, verbose_name="投诉人账号", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_on = models.DateField("受理日期")
    due_on = models.DateField("答复期限")
    extended_to = models.DateField("延长后期限", null=True, blank=True)
    extension_reason = models.TextField("延长理由", blank=True)
    extension_approver = models.CharField("延长审批人", max_length=100, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.HANDLING)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    answer = models.TextField("处理结果", blank=True)
    late = models.BooleanField("逾期答复", default=False)
    feedback = models.CharField("投诉人评价", max_length=12, choices=Feedback.choices, blank=True)
    feedback_note = models.TextField("评价意见", blank=True)
    escalated_on = models.DateField("提请人民银行日期", null=True, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    conclusion = models.TextField("办结意见", blank=True)
    purged_on = models.DateField("个人信息清除日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = verbose_name_plural = "金融消费投诉"
        indexes = [
            # The institution's to-do count: open complaints by institution and deadline.
            models.Index(fields=["institution", "status", "due_on"], name="protection_cmp_todo"),
            models.Index(fields=["status", "received_on"], name="protection_cmp_status"),
            models.Index(fields=["received_on", "id"], name="protection_cmp_received"),
            # The statistics page's counts read this index alone on PostgreSQL (an index-only scan), not the
            # rows, which carry the encrypted personal data and the texts (about 500 bytes each).
            models.Index(
                fields=["received_on", "institution"],
                include=[
                    "channel",
                    "business_channel",
                    "business",
                    "cause",
                    "late",
                    "status",
                    "answered_on",
                    "extended_to",
                    "due_on",
                    "escalated_on",
                    "feedback",
                ],
                name="protection_cmp_stats",
            ),  # fmt: skip
        ]

    def __str__(self):
        return self.number

    @property
    def classification_code(self) -> str:
        """The JR/T 0169-2018 dimensions in one string, e.g. A101-B02-C11."""
        return f"A{self.business_channel}-B{self.business}-C{self.cause}"

    @property
    def deadline(self):
        return self.extended_to or self.due_on


class ComplaintStep(models.Model):
    """The complaint's timeline (also what the complainant sees when following it)."""

    class Kind(models.TextChoices):
        FILE = "file", "受理投诉"
        TRANSFER = "transfer", "转交其他机构"
        EXTEND = "extend", "延长处理期限"
        ANSWER = "answer", "机构答复"
        FEEDBACK = "feedback", "投诉人评价"
        ESCALATE = "escalate", "提请人民银行处理"
        MEDIATE = "mediate", "转入调解"
        CLOSE = "close", "办结"
        PURGE = "purge", "清除个人信息"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField("事项", max_length=10, choices=Kind.choices)
    on = models.DateField("日期")
    note = models.TextField("说明", blank=True)
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = verbose_name_plural = "投诉办理记录"

    def __str__(self):
        return f"{self.get_kind_display()} {self.on}"


class MediationOrg(models.Model):
    class Kind(models.TextChoices):
        PEOPLE = "people", "人民调解委员会"
        INDUSTRY = "industry", "金融纠纷专业调解组织"
        INVITED = "invited", "法院特邀调解组织"

    name = models.CharField("调解组织名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    active = models.BooleanField("在册", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "调解组织"

    def __str__(self):
        return self.name


class Mediator(models.Model):
    org = models.ForeignKey(
        MediationOrg, verbose_name="调解组织", on_delete=models.PROTECT, related_name="mediators"
    )
    name = models.CharField("姓名", max_length=50)
    specialty = models.CharField("擅长领域", max_length=100, blank=True)
    active = models.BooleanField("在册", default=True)

    class Meta:
        ordering = ["org", "name"]
        verbose_name = verbose_name_plural = "调解员"

    def __str__(self):
        return f"{self.name}（{self.org.name}）"


class MediationCase(models.Model):
    class Source(models.TextChoices):
        COMPLAINT = "complaint", "投诉转调解"
        BANK = "bank", "金融机构申请"
        COURT = "court", "法院诉前委派"

    class Status(models.TextChoices):
        MEDIATING = "mediating", "调解中"
        AGREED = "agreed", "已达成调解协议"
        FAILED = "failed", "调解不成"
        PERFORMED = "performed", "已自动履行"
        CONFIRMING = "confirming", "司法确认审查中"
        CONFIRMED = "confirmed", "已司法确认"
        NOT_CONFIRMED = "rejected", "不予确认"
        ENFORCING = "enforcing", "强制执行中"
        ENFORCED = "enforced", "执行完毕"

    number = models.CharField("调解案号", max_length=20, unique=True)
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    complaint = models.OneToOneField(
        Complaint,
        verbose_name="投诉",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mediation",
    )
    institution = models.ForeignKey(
        Organisation, verbose_name="金融机构", on_delete=models.PROTECT, related_name="mediations"
    )
    applicant = EncryptedField("当事人（金融消费者）")
    subject = models.TextField("纠纷事项")
    claim = models.DecimalField("争议金额（元）", null=True, blank=True, **MONEY)
    org = models.ForeignKey(
        MediationOrg, verbose_name="调解组织", on_delete=models.PROTECT, related_name="cases"
    )
    mediator = models.ForeignKey(
        Mediator, verbose_name="调解员", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    dispute_on = models.DateField("纠纷发生日期")  # the complaint's receipt, or the day the dispute arose
    opened_on = models.DateField("受理调解日期")
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.MEDIATING)
    agreement_on = models.DateField("协议日期", null=True, blank=True)
    terms = models.TextField("协议内容", blank=True)
    amount = models.DecimalField("协议金额（元）", null=True, blank=True, **MONEY)
    failed_reason = models.TextField("调解不成原因", blank=True)
    performed_on = models.DateField("履行日期", null=True, blank=True)
    confirm_applied_on = models.DateField("申请司法确认日期", null=True, blank=True)
    confirm_accepted_on = models.DateField("法院受理日期", null=True, blank=True)
    ruling_no = models.CharField("裁定书文号", max_length=80, blank=True)
    ruled_on = models.DateField("裁定日期", null=True, blank=True)
    enforce_applied_on = models.DateField("申请强制执行日期", null=True, blank=True)
    enforce_case_no = models.CharField("执行案号", max_length=80, blank=True)
    enforced_on = models.DateField("执行完毕日期", null=True, blank=True)
    enforced_amount = models.DecimalField("执行到位金额（元）", null=True, blank=True, **MONEY)
    enforce_outcome = models.TextField("执行结果", blank=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = verbose_name_plural = "调解案件"
        indexes = [models.Index(fields=["opened_on", "id"], name="protection_med_opened")]

    def __str__(self):
        return self.number

    @property
    def title_day(self):
        """The day the dispute got an enforceable title: the ruling confirming the agreement."""
        return (
            self.ruled_on
            if self.status in (self.Status.CONFIRMED, self.Status.ENFORCING, self.Status.ENFORCED)
            else None
        )


class MediationSession(models.Model):
    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField("调解日期")
    note = models.TextField("调解情况")
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = verbose_name_plural = "调解记录"

    def __str__(self):
        return f"调解记录 {self.held_on}"


class TypicalCase(models.Model):
    """An anonymised typical case: no name, phone or number of a person, written by the office."""

    title = models.CharField("标题", max_length=100)
    business = models.CharField("业务类别", max_length=4, choices=Business.choices)
    cause = models.CharField("投诉原因", max_length=2, choices=Cause.choices)
    summary = models.TextField("基本案情")
    outcome = models.TextField("处理结果")
    lesson = models.TextField("典型意义", blank=True)
    published_on = models.DateField("发布日期", null=True, blank=True)  # None: a draft
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = verbose_name_plural = "典型案例"

    def __str__(self):
        return self.title
