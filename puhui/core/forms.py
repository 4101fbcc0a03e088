from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm

from puhui.core.converters import parse_id
from puhui.core.models import Division, Organisation, User
from puhui.registry.models import Household


class RowMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows that refuses a value which is no row id before asking the database: Django
    bounds `pk=` look-ups to the column's range but not `pk__in=`, where 2^63 is an overflow, not a 404."""

    def _check_values(self, value):
        for pk in value or ():
            if parse_id(pk) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class DateInput(forms.DateInput):
    """The browser's date picker wants ISO dates whatever the locale's display format (zh-hans shows
    2021/03/05, which a date input takes for no date at all — and a required one then blocks the form)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%Y-%m-%d")


Role = User.Role
# The fields each role needs (the anchor its access scope hangs on, `User.clean`); the page shows only the
# chosen role's (static/js/app.js, data-role-field), and `clean` drops what another role would have used.
ROLE_FIELDS = {
    "organisation": frozenset({Role.OFFICE, Role.INSTITUTION, Role.MEMBER_UNIT}),
    "town": frozenset({Role.TOWN}),
    "villages": frozenset({Role.AGENT}),
    "household_code": frozenset({Role.PUBLIC}),
}
EMPTY = {"organisation": None, "town": None, "villages": [], "household_code": None}


class UserForm(forms.ModelForm):
    household_code = forms.CharField(label="本人农户编号", required=False, help_text="公众用户填写")
    password = forms.CharField(
        label="初始密码",
        widget=forms.PasswordInput,
        required=False,
        help_text="至少10位，包含大写字母、小写字母、数字、特殊符号中的至少3类；留空则自动生成。用户首次登录时须修改",
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
        field_classes = {"villages": RowMultipleChoiceField}

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
        villages = Division.objects.filter(level=Division.Level.VILLAGE).select_related("parent")
        self.fields["villages"].queryset = villages
        self.fields["villages"].choices = _villages_by_town(villages)
        self.fields["villages"].help_text = "可输入村名或镇名筛选；按住 Ctrl（手机上直接点选）可选多个村"
        self.fields["role"].widget.attrs["data-role-select"] = ""
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def rows(self):
        """(bound field, the roles it is shown for as "town agent", or "" for every role) for the page."""
        return [(bf, " ".join(sorted(ROLE_FIELDS.get(bf.name, ())))) for bf in self]

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
        role = data.get("role")
        for name, roles in ROLE_FIELDS.items():
            if role and role not in roles:  # a value left in a field hidden when the role changed
                data[name] = EMPTY[name]
                self._errors.pop(name, None)
        if data.get("role") == User.Role.AGENT and not data.get("villages"):
            self.add_error("villages", "村级代办员必须指定负责的村。")
        if data.get("role") == User.Role.PUBLIC and not data.get("household_code"):
            self.add_error("household_code", "公众用户必须关联本人农户。")
        return data


def _villages_by_town(villages) -> list:
    """The villages grouped under their town, in code order: 643 villages stay findable."""
    groups: dict[str, list] = {}
    for v in villages.order_by("code"):
        groups.setdefault(v.parent.name, []).append((v.pk, v.name))
    return list(groups.items())


class OwnPasswordChangeForm(PasswordChangeForm):
    """Django's form (Chinese labels and messages under zh-hans), plus: the new password must be new."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django builds this help text once at import; build it now, in the active language (zh-hans).
        self.fields["new_password1"].help_text = password_validation.password_validators_help_text_html()
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def clean(self):
        data = super().clean()
        password = data.get("new_password1")
        if password and not self.has_error("new_password2") and self.user.check_password(password):
            self.add_error(
                "new_password1", forms.ValidationError("新密码不能与当前密码相同。", code="unchanged")
            )
        return data

    def save(self, commit=True):
        from puhui.core.services import user_change_own_password

        return user_change_own_password(user=self.user, password=self.cleaned_data["new_password1"])
