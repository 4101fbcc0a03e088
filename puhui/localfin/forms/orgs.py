from django import forms

from puhui.core.forms import DateInput
from puhui.localfin.models import Licence


class LicenceForm(forms.ModelForm):
    class Meta:
        model = Licence
        fields = ["licence_no", "licensed_on", "supervisor", "registered_capital", "leverage_cap", "scope"]
        widgets = {"licensed_on": DateInput()}
        help_texts = {"leverage_cap": "仅融资担保公司填写；不填按条例的 10 倍核查。"}
