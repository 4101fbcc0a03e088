"""Forms of the service-network pages (service points, terminals) and of a firm's deregistration.

They only parse what was typed; every rule (dates in order, the station checklist, the bank's own scope) is
checked by the services in `puhui.registry.network`, whose errors the views put back under the fields.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from puhui.core.forms import DateInput
from puhui.core.models import Division, Organisation, ServicePoint, Terminal
from puhui.registry.access import network_banks_for


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


def _day(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        error_messages={"required": f"请填写{label}", "invalid": f"{label}格式不正确，应为 年-月-日"},
    )


class DatedStepForm(forms.Form):
    """One dated step of a point's or terminal's life: suspend, resume, close, retire, deregister."""

    on = _day("日期")
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, label: str = "日期", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].label = label
        self.fields["on"].error_messages["required"] = f"请填写{label}"
        self.fields["on"].initial = timezone.localdate()
        _styled(self)


class UpgradeForm(DatedStepForm):
    functions = forms.MultipleChoiceField(
        label="升级后的服务功能",
        choices=ServicePoint.Function.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="普惠金融服务站须具备："
        + "、".join(dict(ServicePoint.Function.choices)[f] for f in ServicePoint.STATION_FUNCTIONS),
    )

    def __init__(self, *args, point: ServicePoint | None = None, **kwargs):
        super().__init__(*args, label="升级日期", **kwargs)
        if point is not None:
            self.fields["functions"].initial = sorted(
                set(point.functions) | set(ServicePoint.STATION_FUNCTIONS)
            )


def _villages():
    return Division.objects.filter(level=Division.Level.VILLAGE).select_related("parent").order_by("code")


class VillageChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Division) -> str:
        return f"{obj.parent.name if obj.parent_id else ''} {obj.name}（{obj.code}）".strip()


class ServicePointOpenForm(forms.Form):
    code = forms.CharField(label="服务点编号", max_length=32)
    name = forms.CharField(label="名称", max_length=100)
    bank = forms.ModelChoiceField(
        label="签约银行", queryset=Organisation.objects.none(), empty_label="请选择"
    )
    village = VillageChoice(label="所在村（社区）", queryset=Division.objects.none(), empty_label="请选择")
    functions = forms.MultipleChoiceField(
        label="服务功能", choices=ServicePoint.Function.choices, widget=forms.CheckboxSelectMultiple
    )
    opened_on = _day("设立日期")
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank"].queryset = network_banks_for(user).filter(closed_on__isnull=True).order_by("path")
        self.fields["village"].queryset = _villages()
        self.fields["functions"].error_messages["required"] = "至少选择一项服务功能"
        _styled(self)


class TerminalAddForm(forms.Form):
    code = forms.CharField(label="机具编号", max_length=32)
    kind = forms.ChoiceField(label="类型", choices=[("", "请选择"), *Terminal.Kind.choices])
    bank = forms.ModelChoiceField(
        label="所属银行", queryset=Organisation.objects.none(), empty_label="请选择"
    )
    village = VillageChoice(label="所在村（社区）", queryset=Division.objects.none(), empty_label="请选择")
    outlet = forms.ModelChoiceField(
        label="所在网点", queryset=Organisation.objects.none(), required=False, empty_label="（不在网点）"
    )
    service_point = forms.ModelChoiceField(
        label="所在服务点", queryset=ServicePoint.objects.none(), required=False, empty_label="（不在服务点）"
    )
    installed_on = _day("布放日期")
    bill_payment = forms.BooleanField(label="开通实时缴费", required=False)
    bill_items = forms.MultipleChoiceField(
        label="缴费项目",
        choices=Terminal.BillItem.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    bill_payment_since = _day("实时缴费开通日期", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        banks = network_banks_for(user).filter(closed_on__isnull=True)
        self.fields["bank"].queryset = banks.order_by("path")
        self.fields["village"].queryset = _villages()
        self.fields["outlet"].queryset = banks.filter(level=Organisation.Level.OUTLET).order_by("path")
        self.fields["service_point"].queryset = ServicePoint.objects.filter(
            bank__in=banks, closed_on__isnull=True
        ).order_by("code")
        _styled(self)


def put_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's errors under the form's fields (a field the form lacks: at the top)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    aliases = {"bank_id": "bank", "village_code": "village"}
    for field, messages in error.message_dict.items():
        name = aliases.get(field, field)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
