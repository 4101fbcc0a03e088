"""Forms of the insurance pages, phone first (one column, large controls): they read and type the input; the
rules — shares adding up to 100%, counts within the farm households, years on sale — are the services'."""

from django import forms
from django.utils import timezone

from puhui.core.forms import DateInput
from puhui.core.models import Division
from puhui.insurance import access
from puhui.insurance.models import SHARES, Line, Subject

TEXT = {"class": "form-control"}
NUMBER = {"class": "form-control", "inputmode": "decimal", "min": "0", "step": "any"}
INTEGER = {"class": "form-control", "inputmode": "numeric", "min": "0"}
SELECT = {"class": "form-select"}


def _decimal(label: str, required: bool = True, places: int = 2) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=14,
        decimal_places=places,
        widget=forms.NumberInput(attrs=NUMBER),
    )


def _integer(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, widget=forms.NumberInput(attrs=INTEGER))


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput())


class ProductForm(forms.Form):
    insurer = forms.ModelChoiceField(label="保险机构", queryset=None, widget=forms.Select(attrs=SELECT))
    name = forms.CharField(label="产品名称", max_length=100, widget=forms.TextInput(attrs=TEXT))
    line = forms.ChoiceField(label="险种", choices=Line.choices, widget=forms.Select(attrs=SELECT))
    subject = forms.ChoiceField(label="保险标的（作物、畜禽、财产或保障人群）", choices=Subject.choices,
                                widget=forms.Select(attrs=SELECT))  # fmt: skip
    covers = forms.CharField(label="保障内容（保什么、怎么赔）", max_length=1000,
                             widget=forms.Textarea(attrs={**TEXT, "rows": 3}))  # fmt: skip
    sum_insured_per_unit = _decimal("单位保险金额（元/亩、元/头、元/人……）")
    premium_rate = _decimal("保险费率（%）（与单位保费二者填一项）", required=False, places=3)
    premium_per_unit = _decimal("单位保费（元）（与保险费率二者填一项）", required=False)
    central_share = _decimal("中央财政补贴（%）")
    provincial_share = _decimal("省级财政补贴（%）")
    city_share = _decimal("市级财政补贴（%）")
    county_share = _decimal("县级财政补贴（%）")
    farmer_share = _decimal("农户自缴（%）（五项合计 100%）")
    is_local_special = forms.BooleanField(
        label="地方特色险种（苹果、桃、葡萄、樱桃、中药材、大小拱棚等）", required=False
    )
    on_sale_from = _date("开办日期")
    on_sale_to = _date("停办日期（仍在开办的不填）", required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        insurers = access.insurers_for(user).order_by("name")
        self.fields["insurer"].queryset = insurers
        self.fields["insurer"].empty_label = "请选择"
        if not self.is_bound and insurers.count() == 1:
            self.fields["insurer"].initial = insurers.first()
        for name, _label in SHARES:
            self.fields[name].initial = 0


class ReportForm(forms.Form):
    product = forms.ModelChoiceField(label="保险产品", queryset=None, widget=forms.Select(attrs=SELECT))
    town = forms.ModelChoiceField(label="镇（街道）", queryset=None, widget=forms.Select(attrs=SELECT))
    year = forms.IntegerField(label="年度", widget=forms.NumberInput(attrs=INTEGER))
    policies = _integer("承保件数（件）")
    households = _integer("参保户数（户）")
    quantity = _decimal("承保数量（按产品单位：亩、头、户、台或人）")
    premium = _decimal("保费（元）")
    claims = _integer("赔付件数（件）")
    claims_paid = _decimal("赔款（元）")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = access.reportable_products(user).order_by("name")
        self.fields["product"].label_from_instance = lambda p: (
            f"{p.name}（{p.insurer.short_name or p.insurer.name}，按{p.unit}）"
        )
        self.fields["town"].queryset = Division.objects.filter(level=Division.Level.TOWN).order_by("code")
        for name in ("product", "town"):
            self.fields[name].empty_label = "请选择"
        self.fields["year"].initial = timezone.localdate().year - 1
        self.fields["claims"].initial = 0
        self.fields["claims_paid"].initial = 0


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Excel 或 CSV 文件",
        widget=forms.ClearableFileInput(attrs={**TEXT, "accept": ".xlsx,.xls,.csv"}),
    )


def initial_of(product) -> dict:
    names = ["insurer", "name", "line", "subject", "covers", "sum_insured_per_unit", "premium_rate",
             "premium_per_unit", *(f for f, _ in SHARES), "is_local_special", "on_sale_from", "on_sale_to"]  # fmt: skip
    return {name: getattr(product, name) for name in names}
