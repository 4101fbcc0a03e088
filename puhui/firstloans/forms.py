"""Forms of the first-loan pages, phone first: they read and type the input; the rules are the services'."""

from django import forms

from puhui.core.forms import DateInput
from puhui.data.models import ReportingPeriod
from puhui.data.selectors import approved_loan_returns
from puhui.firstloans.models import Contact, Outcome

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


def _date(label: str) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput())


class ContactForm(forms.Form):
    contacted_on = _date("联系日期")
    way = forms.ChoiceField(label="联系方式", choices=Contact.Way.choices, widget=forms.Select(attrs=SELECT))
    result = forms.CharField(
        label="联系结果", max_length=300, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )
    next_step = forms.CharField(
        label="下一步", max_length=300, required=False, widget=forms.TextInput(attrs=TEXT)
    )


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(
        label="培植结果", choices=Outcome.Status.choices, widget=forms.Select(attrs=SELECT)
    )
    decided_on = _date("日期")
    amount = forms.DecimalField(
        label="贷款金额（元）",
        required=False,
        max_digits=14,
        decimal_places=2,
        help_text="已获得贷款时填写",
        widget=forms.NumberInput(attrs={**TEXT, "inputmode": "decimal", "step": "0.01"}),
    )
    note = forms.CharField(label="说明", max_length=300, required=False, widget=forms.TextInput(attrs=TEXT))


def _loan_quarters():
    ids = approved_loan_returns().values("period_id")
    return [("", "最近一个有审核通过贷款明细的季度")] + [
        (p.code, p.label) for p in ReportingPeriod.objects.filter(pk__in=ids).order_by("-end")
    ]


class ComputeForm(forms.Form):
    period = forms.ChoiceField(
        label="截至季度", required=False, choices=(), widget=forms.Select(attrs=SELECT)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = _loan_quarters()
