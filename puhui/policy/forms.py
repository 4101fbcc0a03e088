from django import forms

from puhui.core.forms import DateInput
from puhui.policy.models import Result


class RunForm(forms.Form):
    year = forms.TypedChoiceField(label="评价年度", coerce=int, choices=())

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y} 年") for y in years]


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="审定", choices=[(Result.Decision.APPROVED, "同意"), (Result.Decision.REJECTED, "不同意")]
    )
    amount = forms.DecimalField(label="核定金额（元）", required=False, min_value=0, max_digits=16, decimal_places=2,
                                help_text="不填则按测算金额核定；不能超过测算金额")  # fmt: skip
    standard_ratio = forms.DecimalField(label="同类机构存款准备金率（%）", required=False, min_value=0, max_digits=6,
                                        decimal_places=2, help_text="用于计算适用的存款准备金率")  # fmt: skip
    approval_no = forms.CharField(label="批复文号", required=False, max_length=60)
    note = forms.CharField(label="审定意见", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="不同意时必须写明理由")  # fmt: skip

    def __init__(self, *args, result: Result, **kwargs):
        super().__init__(*args, **kwargs)
        if result.kind == Result.Kind.FISCAL:
            del self.fields["standard_ratio"]
        else:
            del self.fields["amount"]


class PayForm(forms.Form):
    paid_on = forms.DateField(label="拨付日期", widget=DateInput())
    amount = forms.DecimalField(label="拨付金额（元）", required=False, min_value=0, max_digits=16, decimal_places=2,
                                help_text="不填则按核定金额")  # fmt: skip
    reference = forms.CharField(label="拨付凭证号", required=False, max_length=60)


class ObjectionForm(forms.Form):
    text = forms.CharField(label="异议内容", widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label="书面答复", widget=forms.Textarea(attrs={"rows": 2}))


class RulesForm(forms.Form):
    file = forms.FileField(label="规则文件（YAML）", help_text="在现行规则的基础上修改，并写一个新的版本号")
    change_note = forms.CharField(label="修改说明", max_length=300)
