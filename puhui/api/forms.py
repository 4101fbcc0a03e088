import datetime

from django import forms
from django.utils import timezone

from puhui.core.access import organisations_for
from puhui.core.forms import DateInput
from puhui.core.models import User


class TokenCreateForm(forms.Form):
    name = forms.CharField(label="用途", max_length=60, help_text="如“信贷数据报送”，便于日后识别和吊销")
    expires_on = forms.DateField(
        label="有效期至",
        required=False,
        widget=DateInput(),
        help_text="含当日；留空表示长期有效，直到吊销",
    )
    organisation = forms.ModelChoiceField(label="所属机构", queryset=None, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.role == User.Role.ADMIN:
            self.fields["organisation"].queryset = organisations_for(user).order_by("path")
            self.fields["organisation"].required = True
        else:
            del self.fields["organisation"]
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError("有效期不能早于今天")
        return value

    def expires_at(self) -> datetime.datetime | None:
        """Valid through the chosen day: the token expires at the next local midnight."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(
            datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
        )

    def chosen_organisation(self):
        if "organisation" in self.fields:
            return self.cleaned_data["organisation"]
        return self.user.organisation
