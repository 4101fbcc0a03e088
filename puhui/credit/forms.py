from django import forms

from puhui.credit.models import ArchiveMember, Consent, HouseholdArchive
from puhui.credit.services import EDITABLE_FIELDS

YES_NO = [("", "未填写"), ("true", "是"), ("false", "否")]


class ArchiveForm(forms.ModelForm):
    class Meta:
        model = HouseholdArchive
        fields = EDITABLE_FIELDS
        widgets = {"village_assessment": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.NullBooleanField):
                field.widget = forms.Select(choices=YES_NO)
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if isinstance(field.widget, forms.DateInput):
                field.widget.input_type = "date"
            field.widget.attrs.setdefault("class", css)
            if isinstance(field, (forms.IntegerField, forms.DecimalField)):
                field.widget.attrs.setdefault("inputmode", "decimal")


class MemberForm(forms.ModelForm):
    class Meta:
        model = ArchiveMember
        fields = ["name", "relation", "id_number", "age", "is_labour"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "is_labour":
                field.widget.attrs.setdefault("class", "form-control form-control-sm")
        self.fields["id_number"].required = False

    def clean_id_number(self):
        from puhui.core.validators import validate_id_number

        value = (self.cleaned_data.get("id_number") or "").strip().upper()
        if value:
            validate_id_number(value)
        return value


MemberFormSet = forms.formset_factory(MemberForm, extra=0, can_delete=True)


class ConsentForm(forms.Form):
    scope = forms.ChoiceField(label="授权范围", choices=Consent.Scope.choices)
    granted_by_name = forms.CharField(label="授权人", max_length=40)
    expires_on = forms.DateField(label="有效期至", widget=forms.DateInput(attrs={"type": "date"}))


class OfferForm(forms.Form):
    limit = forms.DecimalField(
        label="授信额度（元）", max_digits=14, decimal_places=2, required=False, min_value=1
    )
    valid_until = forms.DateField(label="有效期至", widget=forms.DateInput(attrs={"type": "date"}))


class MoveForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=[("draw", "用信"), ("repay", "还款")])
    amount = forms.DecimalField(label="金额（元）", max_digits=14, decimal_places=2, min_value=0.01)
