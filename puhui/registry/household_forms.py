"""Forms of a household's changes: split, merge, move between villages, dissolution (all dated)."""

from django import forms
from django.utils import timezone

from puhui.core.forms import DateInput
from puhui.core.models import Division
from puhui.registry import selectors
from puhui.registry.access import households_for
from puhui.registry.models import Household, HouseholdMember

Relation = HouseholdMember.Relation


class _Dated(forms.Form):
    on = forms.DateField(
        label="变动日期",
        widget=DateInput(),
        help_text="变动自哪天起生效；不能早于该户上次变动的日期，不能晚于今天",
    )
    note = forms.CharField(label="说明", max_length=200, required=False, help_text="如：依据户籍登记变更")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        self._style()

    def _style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class MoveForm(_Dated):
    village = forms.ModelChoiceField(
        label="迁入村（社区）", queryset=Division.objects.none(), empty_label="请选择"
    )

    field_order = ["village", "on", "note"]

    def __init__(self, user, household: Household, *args, **kwargs):
        super().__init__(*args, **kwargs)
        villages = selectors.household_villages_in_scope(user).exclude(pk=household.village_id)
        self.fields["village"].queryset = villages.select_related("parent").order_by("code")
        self.fields["village"].label_from_instance = lambda v: f"{v.parent.name} {v.name}（{v.code}）"


class SplitForm(_Dated):
    """Which members leave to form the new household, its head, and each one's relation to the new head."""

    code = forms.CharField(label="新户户编号", max_length=20)
    members = forms.TypedMultipleChoiceField(
        label="分出的成员", coerce=int, widget=forms.CheckboxSelectMultiple, help_text="原户户主不能分出"
    )
    head = forms.TypedChoiceField(label="新户户主", coerce=int)

    field_order = ["code", "members", "head", "on", "note"]

    def __init__(self, household: Household, *args, **kwargs):
        super().__init__(*args, **kwargs)
        movable = [m for m in household.members.order_by("id") if m.relation != Relation.HEAD]
        choices = [(m.pk, f"{m.name}（{m.get_relation_display()}）") for m in movable]
        self.fields["members"].choices = choices
        self.fields["head"].choices = [("", "请选择"), *choices]
        self.relation_fields = []
        for m in movable:
            name = f"relation_{m.pk}"
            self.fields[name] = forms.ChoiceField(
                label=f"{m.name}与新户主的关系",
                choices=[c for c in Relation.choices if c[0] != Relation.HEAD],
                initial=Relation.OTHER,
                required=False,
            )
            self.relation_fields.append(name)
        self._style()

    def clean(self):
        data = super().clean()
        if data.get("head") is not None and data.get("head") not in (data.get("members") or []):
            self.add_error("head", "新户户主须是分出的成员之一")
        return data

    def relations(self) -> dict[int, str]:
        return {
            int(name.removeprefix("relation_")): self.cleaned_data.get(name) or Relation.OTHER
            for name in self.relation_fields
        }


class MergeForm(_Dated):
    other_code = forms.CharField(
        label="并入本户的户编号",
        max_length=20,
        help_text="该户的成员并入本户（与户主关系记为“其他”），该户注销",
    )

    field_order = ["other_code", "on", "note"]

    def __init__(self, user, household: Household, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.household = household

    def clean_other_code(self) -> Household:
        code = self.cleaned_data["other_code"].strip()
        other = (
            households_for(self.user)
            .filter(code=code, status=Household.Status.ACTIVE)
            .exclude(pk=self.household.pk)
            .first()
        )
        if other is None:
            raise forms.ValidationError("找不到该户，或该户不在您的管辖范围内，或已注销")
        return other


class DissolveForm(_Dated):
    confirm = forms.BooleanField(label="确认注销该户（其成员将从名录中移出）")

    field_order = ["on", "note", "confirm"]
