"""Forms of the cash pages, phone first: they read and type the input; the rules are the services'."""

from django import forms
from django.utils import timezone

from puhui.cash import access
from puhui.cash.models import BOOKABLE, WEEKDAYS, CashPoint, Service, Warning
from puhui.cash.selectors import open_points
from puhui.core.forms import DateInput
from puhui.core.models import Organisation, ServicePoint

TIME = {"type": "time", "class": "form-control", "step": "300"}
TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


def _text(label, max_length, rows=0, required=True):
    widget = forms.Textarea(attrs={**TEXT, "rows": rows}) if rows else forms.TextInput(attrs=TEXT)
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget)


def _date(label, required=True):
    return forms.DateField(label=label, required=required, widget=DateInput())


def _time(label, required=True):
    return forms.TimeField(label=label, required=required, widget=forms.TimeInput(attrs=TIME, format="%H:%M"))


class PointForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=CashPoint.Kind.choices, widget=forms.Select(attrs=SELECT))
    name = _text("名称", 100)
    bank = forms.ModelChoiceField(
        label="所属银行", queryset=Organisation.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    outlet = forms.ModelChoiceField(
        label="所在网点（与服务点二选一）", queryset=Organisation.objects.none(), required=False,
        widget=forms.Select(attrs=SELECT),
    )  # fmt: skip
    service_point = forms.ModelChoiceField(
        label="所在普惠金融服务站（与网点二选一）", queryset=ServicePoint.objects.none(), required=False,
        widget=forms.Select(attrs=SELECT),
    )  # fmt: skip
    services = forms.MultipleChoiceField(
        label="服务项目", choices=Service.choices, widget=forms.CheckboxSelectMultiple
    )
    phone = _text("联系电话（选填）", 20, required=False)
    opened_on = _date("设立日期")
    closed_on = _date("撤销日期（撤销时填写）", required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        banks = access.banks_for(user).order_by("name")
        self.fields["bank"].queryset = banks
        paths = [b.path for b in banks]
        outlets = Organisation.objects.filter(level=Organisation.Level.OUTLET, kind__in=access.BANK_KINDS)
        if not access.sees_all(user):
            outlets = outlets.filter(path__startswith=paths[0]) if paths else outlets.none()
        self.fields["outlet"].queryset = outlets.filter(closed_on__isnull=True).order_by("name")
        # 普惠金融服务站 only: cash services are a station's (plan 十), and the county's thousands of plain points
        # would make the page heavy on a phone.
        self.fields["service_point"].queryset = ServicePoint.objects.filter(
            bank__in=banks, closed_on__isnull=True, is_station=True
        ).order_by("name")
        for name in ("bank", "outlet", "service_point"):
            self.fields[name].empty_label = "请选择"
        # One open/close pair per weekday: a day left empty is closed.
        for day, label in enumerate(WEEKDAYS):
            self.fields[f"opens_{day}"] = _time(f"{label}开门时间", required=False)
            self.fields[f"closes_{day}"] = _time(f"{label}关门时间", required=False)

    def clean(self):
        data = super().clean()
        hours = {}
        for day, label in enumerate(WEEKDAYS):
            opens, closes = data.pop(f"opens_{day}", None), data.pop(f"closes_{day}", None)
            if opens or closes:
                if not (opens and closes):
                    self.add_error(f"opens_{day}", f"{label}请同时填写开门和关门时间。")
                hours[day] = (opens, closes)
        data["hours"] = hours
        return data


def point_initial(point) -> dict:
    initial = {n: getattr(point, n) for n in ("kind", "name", "bank", "outlet", "service_point", "services",
                                               "phone", "opened_on", "closed_on")}  # fmt: skip
    for h in point.hours.all():
        initial[f"opens_{h.weekday}"], initial[f"closes_{h.weekday}"] = h.opens, h.closes
    return initial


class WarningForm(forms.Form):
    title = _text("标题", 100)
    denomination = forms.ChoiceField(
        label="券别", choices=Warning.Denomination.choices, widget=forms.Select(attrs=SELECT)
    )
    features = _text("冠字号码及特征", 2000, rows=3)
    text = _text("预警内容（识别要点、处置要求）", 4000, rows=5)
    deadline = _date("确认期限")


class AcknowledgeForm(forms.Form):
    outlet = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    service_point = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    everything = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any number is read: whether the unit received the warning is the service's rule, refused in Chinese.
        for name in ("outlet", "service_point"):
            self.fields[name].valid_value = lambda value: str(value).isdigit()


class ConfirmForm(forms.Form):
    prefix = "confirm"
    day = _date("确认日期")
    time = _time("确认时间")


class RefuseForm(forms.Form):
    prefix = "refuse"
    reason = _text("拒绝原因", 300, rows=2)


class BookingForm(forms.Form):
    service = forms.ChoiceField(
        label="预约业务", choices=[("", "请选择")] + [(s.value, s.label) for s in BOOKABLE],
        widget=forms.Select(attrs=SELECT),
    )  # fmt: skip
    point = forms.ModelChoiceField(
        label="现金服务点", queryset=CashPoint.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    day = _date("预约日期")
    time = _time("预约时间")
    name = _text("姓名", 40)
    phone = forms.CharField(
        label="手机号码", max_length=20, required=False,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "tel", "autocomplete": "tel"}),
    )  # fmt: skip
    amount = forms.DecimalField(
        label="金额（元，取款和兑换填写）", required=False, min_value=0, max_digits=14, decimal_places=2,
        widget=forms.NumberInput(attrs={**TEXT, "inputmode": "decimal"}),
    )  # fmt: skip
    quantity = forms.IntegerField(
        label="纪念币数量（枚，兑换纪念币填写）", required=False, min_value=0,
        widget=forms.NumberInput(attrs={**TEXT, "inputmode": "numeric"}),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        points = open_points().select_related("bank").order_by("town__code", "name")
        self.fields["point"].queryset = points
        self.fields["point"].label_from_instance = lambda p: f"{p.name}（{p.service_labels}）"
        self.fields["point"].empty_label = "请选择"
        self.fields["day"].widget.attrs["min"] = timezone.localdate().isoformat()


class TrackForm(forms.Form):
    code = forms.CharField(
        label="查询码", max_length=20, widget=forms.TextInput(attrs={**TEXT, "autocomplete": "off"})
    )
    digits = forms.CharField(
        label="手机号码后 4 位", max_length=4, min_length=4,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "numeric"}),
    )  # fmt: skip
