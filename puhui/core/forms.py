from django import forms
from django.contrib.auth import password_validation

from puhui.core.models import Division, Organisation, User
from puhui.registry.models import Household


class UserForm(forms.ModelForm):
    household_code = forms.CharField(label="本人农户编号", required=False, help_text="公众用户填写")
    password = forms.CharField(
        label="初始密码",
        widget=forms.PasswordInput,
        required=False,
        help_text="至少10位，不能全为数字；留空则自动生成",
    )

    class Meta:
        model = User
        fields = [
            "username",
            "display_name",
            "role",
            "organisation",
            "town",
            "villages",
            "phone",
            "is_active",
        ]
        widgets = {"villages": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = creating
        if not creating:
            del self.fields["password"]
            if self.instance.household_id:
                self.fields["household_code"].initial = self.instance.household.code
        self.fields["organisation"].queryset = Organisation.objects.exclude(
            level=Organisation.Level.HEAD_OFFICE
        )
        self.fields["town"].queryset = Division.objects.filter(level=Division.Level.TOWN)
        self.fields["villages"].queryset = Division.objects.filter(
            level=Division.Level.VILLAGE
        ).select_related("parent")
        self.fields["villages"].label_from_instance = lambda v: f"{v.parent.name} {v.name}"
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean_household_code(self):
        code = self.cleaned_data["household_code"].strip()
        if not code:
            return None
        household = Household.objects.filter(code=code).first()
        if household is None:
            raise forms.ValidationError(f"农户编号 {code} 不存在。")
        return household

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if password:
            password_validation.validate_password(password, self.instance)
        return password

    def clean(self):
        data = super().clean()
        if data.get("role") == User.Role.AGENT and not data.get("villages"):
            self.add_error("villages", "村级代办员必须指定负责的村。")
        if data.get("role") == User.Role.PUBLIC and not data.get("household_code"):
            self.add_error("household_code", "公众用户必须关联本人农户。")
        return data
