"""Forms of the financing pages: what the user types, checked for shape only; the rules are the services'."""

from django import forms
from django.utils import timezone

from puhui.core.forms import DateInput
from puhui.core.models import Division
from puhui.engines.matching.vocabulary import FIELDS
from puhui.financing import access
from puhui.financing.models import COLLATERAL_CHOICES, Product, Route
from puhui.financing.services.demands import FLAGS

DATE = DateInput()
FLAG_LABELS = {
    "agri": "涉农用途",
    "female": "女性创业者（巾帼）",
    "youth": "青年创业者（45 周岁以下）",
    "talent": "认定人才",
    "first_loan": "首次贷款（从未在银行贷款）",
}


class ProductForm(forms.Form):
    name = forms.CharField(label="产品名称", max_length=50)
    owner = forms.ModelChoiceField(label="发布机构", queryset=None)
    amount_min = forms.DecimalField(label="最低金额（元）", min_value=0, decimal_places=2)
    amount_max = forms.DecimalField(label="最高金额（元）", min_value=0, decimal_places=2)
    term_min = forms.IntegerField(label="最短期限（月）", min_value=1)
    term_max = forms.IntegerField(label="最长期限（月）", min_value=1)
    rate_min = forms.DecimalField(label="最低年利率（%）", min_value=0, decimal_places=2)
    rate_max = forms.DecimalField(label="最高年利率（%）", min_value=0, decimal_places=2)
    collateral = forms.MultipleChoiceField(
        label="接受的担保方式", choices=COLLATERAL_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    towns = forms.ModelMultipleChoiceField(
        label="服务镇（街道）（不选：本机构服务范围内全部）",
        queryset=Division.objects.filter(level="town").order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    rule = forms.CharField(
        label="准入规则",
        required=False,
        max_length=500,
        help_text=(
            "用下列字段和“且、或、非”书写，例：金额 <= 3000000 且 （小型企业 或 微型企业）。留空表示不设条件。可用字段："
            + "、".join(f"{f.word}（{f.unit or '是为1，否为0'}）" for f in FIELDS.values())
        ),
    )
    description = forms.CharField(label="产品说明", required=False, max_length=300)
    active = forms.BooleanField(label="上架", required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = access.owners_for(user)
        self.fields["owner"].initial = access.lender_of(user)


def product_initial(product: Product) -> dict:
    names = ("name", "owner", "amount_min", "amount_max", "term_min", "term_max", "rate_min", "rate_max")
    initial = {n: getattr(product, n) for n in names}
    initial.update(
        collateral=product.collateral, towns=list(product.towns.all()), rule=product.rule,
        description=product.description, active=product.active,
    )  # fmt: skip
    return initial


class DemandForm(forms.Form):
    firm = forms.ModelChoiceField(label="企业", queryset=None)
    amount = forms.DecimalField(label="申请金额（元）", min_value=0, decimal_places=2)
    term = forms.IntegerField(label="申请期限（月）", min_value=1)
    purpose = forms.CharField(label="资金用途", max_length=200)
    collateral = forms.MultipleChoiceField(
        label="可提供的担保方式", choices=COLLATERAL_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    product = forms.ModelChoiceField(
        label="意向产品（可不选，由平台匹配）", queryset=Product.objects.filter(active=True), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        firms = access.firms_for_demand(user)
        self.fields["firm"].queryset = firms
        if access.firm_of(user) is not None:
            self.fields["firm"].initial = user.firm
        for name in FLAGS:
            self.fields[name] = forms.BooleanField(label=FLAG_LABELS[name], required=False)


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label="答复",
        choices=[(Route.Answer.ACCEPTED, "同意"), (Route.Answer.DECLINED, "不予支持")],
        widget=forms.RadioSelect,
    )
    amount = forms.DecimalField(label="批复金额（元）", required=False, min_value=0, decimal_places=2)
    rate = forms.DecimalField(label="年利率（%）", required=False, min_value=0, decimal_places=2)
    term = forms.IntegerField(label="期限（月）", required=False, min_value=1)
    reason = forms.CharField(label="不予支持的原因", required=False, max_length=200)


class GrantForm(forms.Form):
    granted_on = forms.DateField(label="放款日期", widget=DATE, initial=timezone.localdate)
    amount = forms.DecimalField(label="放款金额（元）", min_value=0, decimal_places=2)


class AssignmentForm(forms.Form):
    adviser = forms.ModelChoiceField(label="金融辅导员", queryset=None)
    firm_uscc = forms.CharField(label="企业统一社会信用代码", max_length=18)
    start = forms.DateField(label="结对日期", widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adviser"].queryset = access.adviser_candidates(user)


class VisitForm(forms.Form):
    firm = forms.ModelChoiceField(label="企业", queryset=None)
    visited_on = forms.DateField(label="走访日期", widget=DATE, initial=timezone.localdate)
    done = forms.CharField(label="走访内容", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    follow_up = forms.CharField(label="后续跟进", required=False, max_length=300)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm"].queryset = access.firms_to_visit(user)
