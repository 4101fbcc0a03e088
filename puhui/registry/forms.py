"""The household look-up form (the lists' filters are declared in registry/lists.py)."""

from django import forms

from puhui.registry import selectors


class HouseholdLookupForm(forms.Form):
    """Exact look-up by ID number or mobile number, posted so that the number stays out of URLs and logs."""

    number = forms.CharField(label="身份证号或手机号", max_length=30)

    def clean_number(self) -> str:
        key = selectors.personal_lookup_key(self.cleaned_data["number"])
        if key is None:
            raise forms.ValidationError("请输入完整的18位（或15位）身份证号，或11位手机号。")
        return key
