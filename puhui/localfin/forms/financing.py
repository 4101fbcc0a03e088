"""Forms of direct financing, the exchange and the credit mutuals: they read and type the input; the
rules (dates, ranges, loans within funds) are the services'."""

import datetime
import re
from decimal import Decimal

from django import forms

from puhui.core.forms import DateInput
from puhui.core.models import Division
from puhui.localfin.models import BondIssue, EquityDeal
from puhui.localfin.selectors.financing import mutual_candidates

DATE = DateInput()
TEXT = {"class": "form-control"}
SELECT = forms.Select(attrs={"class": "form-select"})
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _money(label: str, *, minimum: str = "0.01") -> forms.DecimalField:
    return forms.DecimalField(
        label=f"{label}（元）",
        max_digits=16,
        decimal_places=2,
        min_value=Decimal(minimum),
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.01"}),
    )


def _text(label: str, max_length: int = 100, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, required=required, widget=forms.TextInput(attrs=TEXT)
    )


class MonthField(forms.CharField):
    """A month as 2020-04 (what `<input type="month">` sends) → its first day."""

    widget = forms.TextInput(attrs={"type": "month", "class": "form-control"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        if isinstance(value, datetime.date):
            return value.replace(day=1)
        found = MONTH.match(value.strip())
        if not found or not 1 <= int(found.group(2)) <= 12:
            raise forms.ValidationError(f"月份“{value}”的格式应为 2020-04。")
        return datetime.date(int(found.group(1)), int(found.group(2)), 1)

    def prepare_value(self, value):
        return f"{value:%Y-%m}" if isinstance(value, datetime.date) else value


class FirmFields(forms.Form):
    """The firm a record belongs to, named by its 统一社会信用代码: a known code updates that firm."""

    uscc = forms.CharField(
        label="统一社会信用代码",
        max_length=18,
        widget=forms.TextInput(attrs=TEXT),
        help_text="已登记的企业按统一社会信用代码找到，名称、所在镇和行业以本次填写为准。",
    )
    name = _text("企业名称")
    town = forms.ModelChoiceField(
        label="所在镇（街道）",
        queryset=Division.objects.filter(level=Division.Level.TOWN),
        widget=SELECT,
        empty_label="请选择",
    )
    industry = _text("行业", 40)

    @staticmethod
    def firm_initial(enterprise) -> dict:
        return {
            "uscc": enterprise.uscc,
            "name": enterprise.name,
            "town": enterprise.town_id,
            "industry": enterprise.industry,
        }


class BondForm(FirmFields):
    instrument = forms.ChoiceField(label="品种", choices=BondIssue.Instrument.choices, widget=SELECT)
    amount = _money("发行金额")
    rate = forms.DecimalField(
        label="票面利率（%）",
        max_digits=6,
        decimal_places=3,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.001"}),
    )
    term_months = forms.IntegerField(label="期限（月）", widget=forms.NumberInput(attrs=TEXT))
    issued_on = forms.DateField(label="发行日期", widget=DATE)
    matures_on = forms.DateField(label="到期日期", widget=DATE)
    underwriter = _text("主承销商")

    @classmethod
    def initial_of(cls, bond) -> dict:
        return {
            **FirmFields.firm_initial(bond.enterprise),
            "instrument": bond.instrument,
            "amount": bond.amount,
            "rate": bond.rate,
            "term_months": bond.term_months,
            "issued_on": bond.issued_on,
            "matures_on": bond.matures_on,
            "underwriter": bond.underwriter,
        }


class EquityForm(FirmFields):
    investor_kind = forms.ChoiceField(label="投资方类型", choices=EquityDeal.Investor.choices, widget=SELECT)
    investor = _text("投资方")
    amount = _money("融资金额")
    closed_on = forms.DateField(label="到位日期", widget=DATE)
    fund_project = _text("“基金+产业”项目（不是则留空）", required=False)

    @classmethod
    def initial_of(cls, deal) -> dict:
        return {
            **FirmFields.firm_initial(deal.enterprise),
            "investor_kind": deal.investor_kind,
            "investor": deal.investor,
            "amount": deal.amount,
            "closed_on": deal.closed_on,
            "fund_project": deal.fund_project,
        }


class ExchangeMonthForm(forms.Form):
    month = MonthField(label="月份")
    listed_volume = forms.DecimalField(
        label="摘挂牌交易量（吨）",
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.01"}),
    )
    turnover = _money("交易额", minimum="0")
    farmers = forms.IntegerField(label="服务农户数（户）", min_value=0, widget=forms.NumberInput(attrs=TEXT))


class MutualForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="合作社",
        queryset=mutual_candidates(),  # lazy, and re-read by each form
        widget=SELECT,
        empty_label="请选择",
        help_text="机构类型为“开展信用互助的农民专业合作社”且尚未登记为试点的机构。",
    )
    approved_on = forms.DateField(label="试点批准日期", widget=DATE)


class MutualMonthForm(forms.Form):
    month = MonthField(label="月份")
    members = forms.IntegerField(
        label="参与信用互助的社员数（人）", min_value=0, widget=forms.NumberInput(attrs=TEXT)
    )
    funds = _money("互助金总额", minimum="0")
    loans = _money("互助金借款余额", minimum="0")
