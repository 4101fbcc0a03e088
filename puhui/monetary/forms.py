"""Forms of the monetary pages: they read and type the input; the rules are the services'."""

import datetime
import re
from decimal import Decimal

from django import forms

from puhui.core.forms import DateInput
from puhui.data.models import LoanRecord
from puhui.monetary import access
from puhui.monetary.models import RelendingLine
from puhui.monetary.selectors import DEFAULT_THRESHOLD

DATE = DateInput()
TEXT = {"class": "form-control"}


def _money_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=f"{label}（元）",
        max_digits=16,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.01"}),
    )


class LineForm(forms.Form):
    bank = forms.ModelChoiceField(
        label="金融机构",
        queryset=access.lender_choices(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    kind = forms.ChoiceField(
        label="工具类型",
        choices=RelendingLine.Kind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    amount = _money_field("额度")
    rate = forms.DecimalField(
        label="利率（%）",
        max_digits=6,
        decimal_places=3,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.001"}),
    )
    granted_on = forms.DateField(label="发放日期", widget=DATE)
    due_on = forms.DateField(label="到期日期", widget=DATE)
    doc_no = forms.CharField(label="文号", max_length=60, required=False, widget=forms.TextInput(attrs=TEXT))
    note = forms.CharField(
        label="备注", required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2}), max_length=2000
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:  # the bank of a line stays: a new line for another bank
            del self.fields["bank"]


class DrawForm(forms.Form):
    amount = _money_field("支用金额")
    drawn_on = forms.DateField(label="支用日期", widget=DATE)
    due_on = forms.DateField(label="到期日期", widget=DATE)
    note = forms.CharField(label="备注", required=False, max_length=200, widget=forms.TextInput(attrs=TEXT))


class RepaymentForm(forms.Form):
    amount = _money_field("归还金额")
    repaid_on = forms.DateField(label="归还日期", widget=DATE)
    note = forms.CharField(label="备注", required=False, max_length=200, widget=forms.TextInput(attrs=TEXT))


class FinancedLoanForm(forms.Form):
    loan_no = forms.CharField(label="借据号", max_length=40, widget=forms.TextInput(attrs=TEXT))
    amount = _money_field("贷款金额")
    borrower_type = forms.ChoiceField(
        label="借款人类型",
        choices=LoanRecord.BorrowerType.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    is_agri = forms.BooleanField(
        label="涉农贷款", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )


MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class MonthField(forms.CharField):
    """A month as 2020-04 (what `<input type="month">` sends)."""

    widget = forms.TextInput(attrs={"type": "month", "class": "form-control"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        found = MONTH.match(value.strip())
        if not found or not 1 <= int(found.group(2)) <= 12:
            raise forms.ValidationError(f"月份“{value}”的格式应为 2020-04。")
        return datetime.date(int(found.group(1)), int(found.group(2)), 1)


class LprForm(forms.Form):
    month = MonthField(label="月份")
    one_year = forms.DecimalField(
        label="1年期LPR（%）",
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.01"}),
    )
    five_year = forms.DecimalField(
        label="5年期以上LPR（%）",
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.01"}),
    )


class LprLookupForm(forms.Form):
    month = MonthField(label="查询月份", required=False)


class RatesQueryForm(forms.Form):
    """?quarter=2021Q2&threshold=0.3 — a bad threshold falls back to the default (0.3 个百分点)."""

    quarter = forms.RegexField(regex=r"^\d{4}Q[1-4]$", required=False)
    threshold = forms.DecimalField(
        label="预警阈值（个百分点）",
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("5"),
        decimal_places=2,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.05"}),
    )

    def threshold_value(self) -> Decimal:
        if self.is_valid() and self.cleaned_data.get("threshold") is not None:
            return self.cleaned_data["threshold"]
        return DEFAULT_THRESHOLD

    def quarter_value(self) -> str | None:
        if self.is_valid():
            return self.cleaned_data.get("quarter") or None
        return None
