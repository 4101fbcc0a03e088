"""Forms of the protection pages: they read and type the input; the rules are the services'."""

from django import forms
from django.utils import timezone

from puhui.core.forms import DateInput
from puhui.core.models import Organisation
from puhui.protection.models import (
    Business,
    BusinessChannel,
    Cause,
    Channel,
    Complaint,
    MediationOrg,
    Mediator,
)

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, initial=timezone.localdate,
        widget=DateInput(),
    )  # fmt: skip


def _text(label: str, max_length: int = 4000, rows: int = 0, required: bool = True) -> forms.CharField:
    widget = forms.Textarea(attrs={**TEXT, "rows": rows}) if rows else forms.TextInput(attrs=TEXT)
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget)


def _choice(label, choices):
    return forms.ChoiceField(
        label=label, choices=[("", "请选择")] + list(choices), widget=forms.Select(attrs=SELECT)
    )


def banks():
    return Organisation.objects.filter(
        kind__in=Organisation.FINANCIAL_KINDS, level=Organisation.Level.BRANCH
    ).order_by("name")


def _bank_field(label="被投诉机构", required=True):
    return forms.ModelChoiceField(
        label=label, queryset=banks(), required=required, empty_label="请选择",
        widget=forms.Select(attrs=SELECT),
    )  # fmt: skip


class PublicComplaintForm(forms.Form):
    """The public page's form; the phone is required by the service (its refusal is the one message)."""

    institution = _bank_field()
    business_channel = _choice("在哪里办理的业务", BusinessChannel.choices)
    business = _choice("业务类别", Business.choices)
    cause = _choice("投诉原因", Cause.choices)
    name = _text("您的姓名", 50)
    phone = forms.CharField(
        label="联系电话（查询进度时需要后 4 位）", max_length=20, required=False,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "tel", "autocomplete": "tel"}),
    )  # fmt: skip
    content = _text("投诉事项（发生了什么）", rows=4)
    demand = _text("您的诉求", rows=2, required=False)


class StaffComplaintForm(PublicComplaintForm):
    channel = _choice("受理方式", [c for c in Channel.choices if c[0] != Channel.ONLINE])
    id_number = _text("身份证号（可不填）", 18, required=False)
    received_on = _date("受理日期")
    field_order = ["channel", "received_on", "institution"]

    def __init__(self, *args, bank=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = "投诉人姓名"
        if bank is not None:  # a bank records complaints about itself
            self.fields["institution"].required = False
            self.fields["institution"].queryset = banks().filter(pk=bank.pk)


class TrackForm(forms.Form):
    code = forms.CharField(
        label="查询码", max_length=20, widget=forms.TextInput(attrs={**TEXT, "autocomplete": "off"})
    )
    digits = forms.CharField(
        label="联系电话后 4 位", max_length=4, min_length=4,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "numeric", "autocomplete": "off"}),
    )  # fmt: skip


class AnswerForm(forms.Form):
    answer = _text("处理结果（告知投诉人）", rows=3)
    answered_on = _date("答复日期")


class ExtendForm(forms.Form):
    until = _date("延长至", required=False)
    reason = _text("延长理由（将告知投诉人）", rows=2)
    approver = _text("审批人（延长至 30 日以上须经上级机构或总行高级管理人员审批）", 100)


class TransferForm(forms.Form):
    to = _bank_field("转交机构")
    reason = _text("转交理由", rows=2)


class FeedbackForm(forms.Form):
    feedback = forms.ChoiceField(
        label="对处理结果", choices=Complaint.Feedback.choices, widget=forms.RadioSelect
    )
    note = _text("评价意见", rows=2, required=False)


class EscalateForm(forms.Form):
    reason = _text("提请人民银行处理的理由", rows=2)


class CloseForm(forms.Form):
    conclusion = _text("办结意见", rows=2)
    closed_on = _date("办结日期")


def _org_field():
    return forms.ModelChoiceField(
        label="调解组织", queryset=MediationOrg.objects.filter(active=True), empty_label="请选择",
        widget=forms.Select(attrs=SELECT),
    )  # fmt: skip


def _mediator_field():
    return forms.ModelChoiceField(
        label="调解员", queryset=Mediator.objects.filter(active=True).select_related("org"), required=False,
        empty_label="待指定", widget=forms.Select(attrs=SELECT),
    )  # fmt: skip


class ReferForm(forms.Form):
    """The office refers an escalated complaint to mediation."""

    org = _org_field()
    mediator = _mediator_field()
    opened_on = _date("受理调解日期")


class MediationForm(forms.Form):
    """A bank's own dispute, or the court's pre-litigation referral."""

    institution = _bank_field("纠纷涉及的金融机构", required=False)
    applicant = _text("当事人（金融消费者）姓名", 50)
    subject = _text("纠纷事项", rows=3)
    claim = forms.DecimalField(label="争议金额（元）", required=False, min_value=0, max_digits=16, decimal_places=2,
                               widget=forms.NumberInput(attrs=TEXT))  # fmt: skip
    dispute_on = _date("纠纷发生日期")
    org = _org_field()
    mediator = _mediator_field()
    opened_on = _date("受理调解日期")


class SessionForm(forms.Form):
    held_on = _date("调解日期")
    note = _text("调解情况", rows=2)


class AgreementForm(forms.Form):
    terms = _text("协议内容", rows=3)
    amount = forms.DecimalField(label="协议金额（元）", required=False, min_value=0, max_digits=16, decimal_places=2,
                                widget=forms.NumberInput(attrs=TEXT))  # fmt: skip
    agreement_on = _date("协议日期")
    applicant_consents = forms.BooleanField(label="金融消费者同意", required=False)
    institution_consents = forms.BooleanField(label="金融机构同意", required=False)


class FailForm(forms.Form):
    reason = _text("调解不成原因", rows=2)


class PerformForm(forms.Form):
    performed_on = _date("履行日期")


class ConfirmApplyForm(forms.Form):
    applied_on = _date("申请司法确认日期")


class AcceptForm(forms.Form):
    accepted_on = _date("受理日期")


class RuleForm(forms.Form):
    confirmed = forms.TypedChoiceField(
        label="裁定", choices=[("1", "确认调解协议有效"), ("0", "驳回申请（不予确认）")],
        coerce=lambda v: v == "1", widget=forms.Select(attrs=SELECT),
    )  # fmt: skip
    ruling_no = _text("裁定书文号", 80)
    ruled_on = _date("裁定日期")


class EnforceApplyForm(forms.Form):
    applied_on = _date("申请强制执行日期")
    case_no = _text("执行案号", 80, required=False)


class EnforceCloseForm(forms.Form):
    enforced_on = _date("执行完毕日期")
    amount = forms.DecimalField(label="执行到位金额（元）", required=False, min_value=0, max_digits=16, decimal_places=2,
                                widget=forms.NumberInput(attrs=TEXT))  # fmt: skip
    outcome = _text("执行结果", rows=2)


class OrgForm(forms.Form):
    name = _text("调解组织名称", 100)
    kind = _choice("类型", MediationOrg.Kind.choices)


class MediatorForm(forms.Form):
    org = _org_field()
    name = _text("调解员姓名", 50)
    specialty = _text("擅长领域", 100, required=False)


class TypicalForm(forms.Form):
    title = _text("标题", 100)
    business = _choice("业务类别", Business.choices)
    cause = _choice("投诉原因", Cause.choices)
    summary = _text("基本案情（不得含姓名、电话、证件号）", rows=4)
    outcome = _text("处理结果", rows=3)
    lesson = _text("典型意义", rows=2, required=False)
    publish = forms.BooleanField(label="立即发布到公开页面", required=False)
