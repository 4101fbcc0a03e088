from django import forms

from puhui.data.models import Indicator, IndicatorValue, ReportingPeriod, Target
from puhui.data.services import INDICATOR_FIELDS, TARGET_FIELDS


class BootstrapMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")


class UploadForm(forms.Form):
    file = forms.FileField(label="文件", help_text="本表的 Excel 模板（.xlsx）或 CSV（UTF-8 或 GBK）")
    comment = forms.CharField(
        label="报送说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="整份报表的说明；贷款明细的余额合计比上年同期变动较大时须写明原因（其他报表的行说明写在文件的“说明”列）",
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "审核通过"), ("return", "退回修改")])
    comment = forms.CharField(
        label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class IndicatorForm(BootstrapMixin, forms.ModelForm):
    code = forms.CharField(
        label="指标编码",
        max_length=60,
        help_text="小写字母、数字和下划线组成，公式、接口和导出文件用它指代本指标，保存后不能修改",
    )
    levels = forms.MultipleChoiceField(
        label="统计层级", choices=IndicatorValue.Level.choices, widget=forms.CheckboxSelectMultiple
    )
    change_note = forms.CharField(label="修改说明", max_length=300)

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            del self.fields["change_note"]
            self.order_fields(["code"])
        else:
            del self.fields["code"]

    class Meta:
        model = Indicator
        fields = list(INDICATOR_FIELDS)  # the fields the catalogue services version
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}


class TargetForm(BootstrapMixin, forms.ModelForm):
    change_note = forms.CharField(label="修改说明", max_length=300)

    class Meta:
        model = Target
        fields = list(TARGET_FIELDS)
        widgets = {"quote": forms.Textarea(attrs={"rows": 2})}


PERIOD_KINDS = ReportingPeriod.Kind.choices
