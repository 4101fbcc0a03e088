"""Filter forms for the roster lists. Choices are limited to the user's scope; bad values are dropped."""

from django import forms

from puhui.core.models import Division, User
from puhui.registry import selectors
from puhui.registry.models import Firm

FARM_CHOICES = [("", "全部"), ("1", "农户"), ("0", "非农户")]


class HouseholdFilterForm(forms.Form):
    # The fields that may appear in the list's address (`q` only when it is not an ID number or phone).
    URL_FIELDS = ("town", "village", "farm", "activity", "q", "key")

    town = forms.ModelChoiceField(queryset=Division.objects.none(), required=False)
    village = forms.ModelChoiceField(queryset=Division.objects.none(), required=False)
    farm = forms.ChoiceField(choices=FARM_CHOICES, required=False)
    activity = forms.ChoiceField(required=False)
    q = forms.CharField(required=False, max_length=50, strip=True)
    # A look-up hash from `HouseholdLookupForm`: the clear number itself never goes into a URL.
    key = forms.RegexField(regex=r"^[0-9a-f]{64}$", required=False)

    def __init__(self, user, data=None):
        super().__init__(data)
        self.user = user
        self.fields["town"].queryset = selectors.towns_in_scope(user)
        self.fields["village"].queryset = selectors.household_villages_in_scope(user)
        self.fields["activity"].choices = [("", "全部"), *((a, a) for a in selectors.main_activities())]

    def filters(self) -> dict:
        """The valid filters as keyword arguments for `household_search`; invalid ones are ignored."""
        data = self.cleaned_data if self.is_valid() else getattr(self, "cleaned_data", {})
        town, village = data.get("town"), data.get("village")
        if town is not None and village is not None and village.parent_id != town.pk:
            village = None  # the town changed under a village picked before
        farm = data.get("farm", "")
        return {
            "town": town,
            "village": village,
            "is_farm": None if farm == "" else farm == "1",
            "main_activity": data.get("activity", ""),
            "q": data.get("q", ""),
            "key": data.get("key", ""),
        }

    def village_options(self, town):
        """Villages for the select: those of the chosen town, or all in scope when the scope is one town
        or an agent's few villages (the county's 600-odd would make a useless list)."""
        villages = self.fields["village"].queryset.select_related("parent")
        if town is not None:
            return villages.filter(parent_id=town.pk)
        if self.user.role in {User.Role.TOWN, User.Role.AGENT}:
            return villages
        return villages.none()


class HouseholdLookupForm(forms.Form):
    """Exact look-up by ID number or mobile number, posted so that the number stays out of URLs and logs."""

    number = forms.CharField(label="身份证号或手机号", max_length=30)

    def clean_number(self) -> str:
        key = selectors.personal_lookup_key(self.cleaned_data["number"])
        if key is None:
            raise forms.ValidationError("请输入完整的18位（或15位）身份证号，或11位手机号。")
        return key


class FirmFilterForm(forms.Form):
    town = forms.ModelChoiceField(queryset=Division.objects.none(), required=False)
    kind = forms.ChoiceField(choices=[("", "全部"), *Firm.Kind.choices], required=False)
    industry = forms.ChoiceField(required=False)
    q = forms.CharField(required=False, max_length=100, strip=True)

    def __init__(self, user, data=None):
        super().__init__(data)
        self.fields["town"].queryset = selectors.firm_towns_in_scope(user)
        self.fields["industry"].choices = [("", "全部"), *((i, i) for i in selectors.firm_industries())]

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else getattr(self, "cleaned_data", {})
        return {
            "town": data.get("town"),
            "kind": data.get("kind", ""),
            "industry": data.get("industry", ""),
            "q": data.get("q", ""),
        }
