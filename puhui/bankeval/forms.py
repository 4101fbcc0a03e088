"""Forms of the banks' evaluation: start a run, enter a qualitative score. The services check the values
again and answer in Chinese; the forms only shape the input."""

from django import forms

from .models import IndicatorSet
from .selectors.results import evaluable_periods

SELECT = {"class": "form-select"}
TEXT = {"class": "form-control"}


class RunForm(forms.Form):
    period = forms.ChoiceField(
        label="评价期（年度评价或季度监测）", choices=(), widget=forms.Select(attrs=SELECT)
    )
    version = forms.ChoiceField(label="指标体系", choices=(), widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [
            (p.code, f"{p.label}{'（年度评价）' if p.kind == 'year' else '（季度监测）'}")
            for p in evaluable_periods()
        ]
        self.fields["version"].choices = [(s.version, s.name) for s in IndicatorSet.objects.all()] or [
            ("1", "随平台提供的第 1 版")
        ]


MAX_SET_BYTES = 256 * 1024


class SetForm(forms.Form):
    """A new version of the indicator set: the YAML file (the current version downloaded and edited) and why."""

    file = forms.FileField(
        label="指标体系文件（YAML，UTF-8 编码，不超过 256 KB）",
        help_text="先下载现行版本，在其基础上修改，并写一个新的版本号",
        widget=forms.ClearableFileInput(attrs={**TEXT, "accept": ".yaml,.yml"}),
    )
    change_note = forms.CharField(label="修改说明", max_length=300, widget=forms.TextInput(attrs=TEXT))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_SET_BYTES:
            raise forms.ValidationError(f"文件有 {upload.size // 1024:,} KB，超过 256 KB。")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("文件应为 UTF-8 编码的 YAML 文本。") from None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class QualitativeForm(forms.Form):
    points = forms.CharField(
        label="得分（分）", max_length=20, widget=forms.TextInput(attrs={**TEXT, "inputmode": "decimal"})
    )
    reason = forms.CharField(label="评分理由", widget=forms.Textarea(attrs={**TEXT, "rows": 4}))
    files = forms.FileField(
        label="佐证材料（PDF、图片或 Excel，可多选，每个不超过 10 MB）",
        required=False,
        widget=MultipleFileInput(attrs=TEXT),
    )
