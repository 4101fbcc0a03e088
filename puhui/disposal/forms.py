"""Forms of the disposal pages: they read and type the input; the rules are the services'."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from puhui.core.forms import DateInput
from puhui.core.models import Organisation
from puhui.disposal.models import Listing, Measure, RiskCase
from puhui.disposal.services.cases import MAX_WORKING_DAYS
from puhui.registry.models import Firm, Household
from puhui.risk.access import LINKAGE_UNITS

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


def _date(label: str, required: bool = True, today: bool = True) -> forms.DateField:
    field = forms.DateField(label=label, required=required, widget=DateInput())
    if today:
        field.initial = timezone.localdate
    return field


def _text(label: str, max_length: int, rows: int = 0, required: bool = True) -> forms.CharField:
    widget = forms.Textarea(attrs={**TEXT, "rows": rows}) if rows else forms.TextInput(attrs=TEXT)
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget)


def _banks():
    return Organisation.objects.filter(
        kind__in=Organisation.FINANCIAL_KINDS, level=Organisation.Level.BRANCH
    ).order_by("name")


def step_owners():
    """The units a step may be given to: the linkage units, the PBoC and the county's financial institutions."""
    return Organisation.objects.filter(
        Q(plan_alias__in=LINKAGE_UNITS)
        | Q(kind=Organisation.Kind.PBOC)
        | Q(kind__in=Organisation.FINANCIAL_KINDS, level=Organisation.Level.BRANCH)
    ).order_by("kind", "name")


class CaseForm(forms.Form):
    title = _text("案件名称", 100)
    subject_kind = forms.ChoiceField(
        label="处置对象类型", choices=RiskCase.Subject.choices, widget=forms.Select(attrs=SELECT)
    )
    firm_uscc = forms.CharField(
        label="企业统一社会信用代码（对象为企业时）",
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )
    household_code = forms.CharField(
        label="户编号（对象为农户时）", max_length=20, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    group_label = _text("担保群（对象为担保群时，如“担保群 3，2021年第一季度”）", 100, required=False)
    bank = forms.ModelChoiceField(
        label="金融机构（对象为金融机构时）",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    measures = forms.MultipleChoiceField(
        label="处置措施", choices=Measure.choices, widget=forms.CheckboxSelectMultiple
    )
    opened_on = _date("立案日期")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank"].queryset = _banks()
        self.fields["bank"].empty_label = "请选择"

    def clean(self):
        data = super().clean()
        kind = data.get("subject_kind")
        code = (data.pop("firm_uscc", "") or "").strip().upper()
        hh = (data.pop("household_code", "") or "").strip()
        data["firm"] = data["household"] = None
        if kind == RiskCase.Subject.FIRM and code:
            data["firm"] = Firm.objects.filter(uscc=code).first()
            if data["firm"] is None:
                self.add_error("firm_uscc", f"市场主体名录中没有统一社会信用代码为“{code}”的企业。")
        if kind == RiskCase.Subject.HOUSEHOLD and hh:
            data["household"] = Household.objects.filter(code=hh).first()
            if data["household"] is None:
                self.add_error("household_code", f"农户名录中没有户编号为“{hh}”的农户。")
        return data


class StepForm(forms.Form):
    prefix = "step"  # several forms share a page: their field ids stay apart
    what = _text("工作事项", 200)
    owner = forms.ModelChoiceField(
        label="责任单位", queryset=Organisation.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    working_days = forms.IntegerField(
        label="办理时限（工作日）",
        min_value=1,
        max_value=MAX_WORKING_DAYS,
        widget=forms.NumberInput(attrs=TEXT),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = step_owners()
        self.fields["owner"].empty_label = "请选择"


class StepReportForm(forms.Form):
    report = _text("办理情况", 4000, rows=3)
    done_on = _date("办结日期（尚未办结的留空，仅报告进展）", required=False, today=False)


class CloseForm(forms.Form):
    prefix = "close"  # several forms share a page: their field ids stay apart
    outcome = _text("处置结果", 4000, rows=3)
    amount_resolved = forms.DecimalField(
        label="化解金额（元）", min_value=0, max_digits=16, decimal_places=2, required=False,
        widget=forms.NumberInput(attrs=TEXT),
    )  # fmt: skip
    closed_on = _date("办结日期")


class ProposeForm(forms.Form):
    debtor_kind = forms.ChoiceField(
        label="债务人类型", choices=Listing.Debtor.choices, widget=forms.Select(attrs=SELECT)
    )
    debtor_name = _text("债务人名称或姓名", 100)
    uscc = forms.CharField(
        label="统一社会信用代码（企业）", max_length=18, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    id_number = forms.CharField(
        label="身份证号（个人）", max_length=18, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    responsible = _text("法定代表人、实际控制人、直接责任人", 200, required=False)
    # The evidence: left to the service, so that a missing piece gets its own Chinese message.
    judgment_no = _text("判决书或裁定书文号", 80, required=False)
    amount_owed = forms.DecimalField(
        label="拒不偿还金额（元）", max_digits=16, decimal_places=2, required=False,
        widget=forms.NumberInput(attrs=TEXT),
    )  # fmt: skip
    judgment_date = _date("判决（裁定）日期", required=False, today=False)
    enforcement_date = _date("申请强制执行日期", required=False, today=False)


class NoticeForm(forms.Form):
    prefix = "notice"  # several forms share a page: their field ids stay apart
    notified_on = _date("告知日期")
    means = forms.ChoiceField(
        label="告知方式", choices=Listing.Means.choices, widget=forms.Select(attrs=SELECT)
    )


class ObjectionForm(forms.Form):
    prefix = "objection"  # several forms share a page: their field ids stay apart
    objection = _text("异议内容和理由", 2000, rows=3)


class OfficeObjectionForm(ObjectionForm):
    on = _date("收到异议日期")


class DecisionForm(forms.Form):
    prefix = "decision"  # several forms share a page: their field ids stay apart
    decision = forms.ChoiceField(
        label="决定",
        choices=[("list", "列入黑名单"), ("reject", "不予列入")],
        widget=forms.Select(attrs=SELECT),
    )
    reason = _text("决定理由（有异议的，须答复异议）", 2000, rows=3)
    on = _date("决定日期")


class SettleForm(forms.Form):
    prefix = "settle"  # several forms share a page: their field ids stay apart
    settled_on = _date("清偿日期")
    note = _text("清偿情况", 2000, rows=2)


class RemoveForm(forms.Form):
    prefix = "remove"  # several forms share a page: their field ids stay apart
    removal = forms.ChoiceField(
        label="移出原因", choices=Listing.Removal.choices, widget=forms.Select(attrs=SELECT)
    )
    reason = _text("移出说明", 2000, rows=2)
    on = _date("移出日期")
