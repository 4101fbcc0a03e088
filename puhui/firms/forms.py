"""Forms of the firms app: a department's upload, a firm's authorisation, the office's partial-match switch."""

import datetime
import re

from django import forms
from django.utils import timezone

from puhui.core.forms import DateInput
from puhui.firms import access


def parse_period(text: str) -> datetime.date:
    """A period as a month: 2021-06, 2021/6, 2021年6月, 202106."""
    match = re.fullmatch(r"\s*(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?|(\d{2}))\s*", text or "")
    if match:
        month = int(match.group(2) or match.group(3))
        if 1 <= month <= 12:
            return datetime.date(int(match.group(1)), month, 1)
    raise forms.ValidationError("期间请写成月份，如 2021-06（季度写季末月，年度写 12 月）。")


class UploadForm(forms.Form):
    source = forms.ChoiceField(label="信息来源")
    period = forms.CharField(label="期间", help_text="月份，如 2021-06；季度报送写季末月，年度报送写 12 月。")
    file = forms.FileField(label="文件", help_text="Excel 或 CSV，按模板填写。")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [
            (s.code, f"{s.name}（{s.frequency_label}）") for s in access.sources_for_upload(user)
        ]

    def clean_period(self):
        return parse_period(self.cleaned_data["period"])


class GrantForm(forms.Form):
    banks = forms.ModelMultipleChoiceField(
        label="授权的银行", queryset=access.county_banks(), widget=forms.CheckboxSelectMultiple,
        help_text="被授权的银行在有效期内可以查看本企业的信用画像和部门共享信息，每次查看都会留下记录。",
    )  # fmt: skip
    expires_on = forms.DateField(label="有效期至", widget=DateInput(), help_text="最长 3 年，可随时撤回。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["banks"].queryset = access.county_banks()
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("expires_on", today + datetime.timedelta(days=365))
