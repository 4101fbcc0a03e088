"""Forms of the merchant pages, phone first: they read and type the input; the rules are the services'."""

from django import forms
from django.utils import timezone

from puhui.core.forms import DateInput
from puhui.core.models import Division
from puhui.merchants import access
from puhui.merchants.models import ACCEPTANCE, BusinessType

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
DECIMAL = {"class": "form-control", "inputmode": "decimal"}
NUMBER = {"class": "form-control", "inputmode": "numeric", "min": "0"}


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
    )


class MerchantForm(forms.Form):
    code = forms.CharField(label="商户编号（收单商户号）", max_length=32, widget=forms.TextInput(attrs=TEXT))
    name = forms.CharField(label="商户名称", max_length=100, widget=forms.TextInput(attrs=TEXT))
    bank = forms.ModelChoiceField(label="签约银行", queryset=None, widget=forms.Select(attrs=SELECT))
    town = forms.ModelChoiceField(label="镇（街道）", queryset=None, widget=forms.Select(attrs=SELECT))
    village = forms.ModelChoiceField(
        label="村（社区）（镇区商户不选）", queryset=None, required=False, widget=forms.Select(attrs=SELECT)
    )
    address = forms.CharField(
        label="地址（选填）", max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    business_type = forms.ChoiceField(
        label="经营类型", choices=BusinessType.choices, widget=forms.Select(attrs=SELECT)
    )
    acceptance = forms.MultipleChoiceField(
        label="受理方式", choices=ACCEPTANCE, widget=forms.CheckboxSelectMultiple
    )
    discounts = forms.CharField(
        label="优惠措施（选填，如“刷卡满 50 元减 5 元”）",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 2}),
    )
    discount_rate = forms.CharField(
        label="消费折扣（%，选填）", required=False, widget=forms.TextInput(attrs=DECIMAL)
    )
    fee_subsidy = forms.CharField(
        label="手续费补贴（元/月，选填）", required=False, widget=forms.TextInput(attrs=DECIMAL)
    )
    signed_on = _date("签约日期")
    ended_on = _date("终止日期（终止签约时填写）", required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if access.acquirer_of(user) is not None:
            del self.fields["bank"]  # a bank signs for its own county branch
        else:
            self.fields["bank"].queryset = access.banks_for(user).order_by("name")
            self.fields["bank"].empty_label = "请选择"
        self.fields["town"].queryset = Division.objects.filter(level="town").order_by("code")
        self.fields["village"].queryset = (
            Division.objects.filter(level="village").select_related("parent").order_by("code")
        )
        self.fields["village"].label_from_instance = lambda v: f"{v.parent.name} {v.name}"
        for name in ("town", "village"):
            self.fields[name].empty_label = "请选择"
        today = timezone.localdate().isoformat()
        for name in ("signed_on", "ended_on"):
            self.fields[name].widget.attrs["max"] = today

    def clean(self):
        data = super().clean()
        data.setdefault("bank", None)
        return data


def merchant_initial(m) -> dict:
    return {
        "code": m.code, "name": m.name, "bank": m.bank_id, "town": m.town_id, "village": m.village_id,
        "address": m.address, "business_type": m.business_type,
        "acceptance": [field for field, _ in ACCEPTANCE if getattr(m, field)], "discounts": m.discounts,
        "discount_rate": m.discount_rate if m.discount_rate is not None else "",
        "fee_subsidy": m.fee_subsidy if m.fee_subsidy is not None else "",
        "signed_on": m.signed_on, "ended_on": m.ended_on,
    }  # fmt: skip


class FigureForm(forms.Form):
    month = forms.CharField(
        label="月份",
        widget=forms.TextInput(attrs={"type": "month", "class": "form-control", "placeholder": "2021-03"}),
    )
    transactions = forms.CharField(label="非现金交易笔数（笔）", widget=forms.TextInput(attrs=NUMBER))
    amount = forms.CharField(label="非现金交易金额（元）", widget=forms.TextInput(attrs=DECIMAL))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].widget.attrs["max"] = timezone.localdate().strftime("%Y-%m")


class CorrectionForm(forms.Form):
    transactions = forms.CharField(label="非现金交易笔数（笔）", widget=forms.TextInput(attrs=NUMBER))
    amount = forms.CharField(label="非现金交易金额（元）", widget=forms.TextInput(attrs=DECIMAL))


class UploadForm(forms.Form):
    file = forms.FileField(
        label="月度交易文件（Excel 或 CSV）",
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.xls,.csv"}),
    )
