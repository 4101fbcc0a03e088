"""Forms of the stations pages, phone first: they read and type the input; the rules are the services'."""

from django import forms
from django.utils import timezone

from puhui.core.forms import DateInput
from puhui.core.models import Division, ServicePoint, Terminal, User
from puhui.core.photos import MAX_PHOTO_BYTES, MAX_PHOTOS
from puhui.stations import access
from puhui.stations.models import ChannelKind, CheckItem, SceneKind
from puhui.stations.services.monthly import FIGURES, parse_month

TEXT = {"class": "form-control"}
NUMBER = {"class": "form-control", "inputmode": "decimal", "step": "0.01"}
SELECT = {"class": "form-select"}


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput())


def _text(label: str, max_length: int, rows: int = 0, required: bool = True) -> forms.CharField:
    widget = forms.Textarea(attrs={**TEXT, "rows": rows}) if rows else forms.TextInput(attrs=TEXT)
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget)


def _items() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="缴费项目",
        choices=Terminal.BillItem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class OfferForm(forms.Form):
    functions = forms.MultipleChoiceField(
        label="本行服务站可开办的功能",
        choices=ServicePoint.Function.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    bill_items = forms.MultipleChoiceField(
        label="本行服务站可缴费项目",
        choices=Terminal.BillItem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in ChannelKind.choices:
            self.fields[f"{kind}_items"] = forms.MultipleChoiceField(
                label=f"{label}：缴费项目", choices=Terminal.BillItem.choices, required=False,
                widget=forms.CheckboxSelectMultiple,
            )  # fmt: skip
            self.fields[f"{kind}_realtime"] = forms.BooleanField(label=f"{label}：实时缴费", required=False)


class MonthField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_month(value)
        except ValueError:
            raise forms.ValidationError("请按 2021-03 的格式填写月份。") from None


def _points(user):
    return access.points_for_bank(user).order_by("code")


class MonthlyForm(forms.Form):
    point = forms.ModelChoiceField(
        label="服务点", queryset=ServicePoint.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    month = MonthField(label="月份（如 2021-03）", widget=forms.TextInput(attrs={**TEXT, "type": "month"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = _points(user)
        self.fields["point"].empty_label = "请选择"
        for key, label in FIGURES:
            self.fields[f"{key}_count"] = forms.IntegerField(
                label=f"{label}笔数（笔）", widget=forms.NumberInput(attrs={**TEXT, "inputmode": "numeric"})
            )
            self.fields[f"{key}_amount"] = forms.DecimalField(
                label=f"{label}金额（元）",
                max_digits=16,
                decimal_places=2,
                widget=forms.NumberInput(attrs=NUMBER),
            )
        self.fields["daily_limit"] = forms.DecimalField(
            label="单卡单日取款限额（元/卡/日）",
            max_digits=10,
            decimal_places=2,
            widget=forms.NumberInput(attrs=NUMBER),
        )


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Excel 或 CSV 文件", widget=forms.ClearableFileInput(attrs={"class": "form-control"})
    )


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def __init__(self, **kwargs):
        attrs = {"class": "form-control", "accept": "image/jpeg,image/png", "capture": "environment"}
        super().__init__(widget=MultiplePhotoInput(attrs=attrs), required=False, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(PhotosField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class InspectionForm(forms.Form):
    point = forms.ModelChoiceField(
        label="服务点", queryset=ServicePoint.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    inspected_on = _date("检查日期")
    inspector = _text("检查人", 40)
    failed = forms.MultipleChoiceField(
        label="不合格项目（全部合格则不选）",
        choices=CheckItem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    findings = _text("检查发现（有不合格项目时必填）", 2000, rows=3, required=False)
    rectify_by = _date("整改期限（有不合格项目时必填）", required=False)
    photos = PhotosField(
        label=f"检查照片（至少 1 张，每张不超过 {MAX_PHOTO_BYTES // 1024 // 1024} MB，最多 {MAX_PHOTOS} 张）"
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = _points(user)
        self.fields["point"].empty_label = "请选择"
        self.fields["inspected_on"].initial = timezone.localdate


class RectifyForm(forms.Form):
    on = _date("整改完成日期")
    note = _text("整改情况", 2000, rows=2)


class AgentForm(forms.Form):
    point = forms.ModelChoiceField(
        label="服务点", queryset=ServicePoint.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    name = _text("姓名", 40)
    phone = _text("手机号", 20)
    id_number = _text("身份证号（选填）", 18, required=False)
    since = _date("开始日期")
    user = forms.ModelChoiceField(
        label="平台账号（村级代办员，选填）",
        queryset=User.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = _points(user)
        self.fields["point"].empty_label = "请选择"
        self.fields["user"].queryset = User.objects.filter(role=User.Role.AGENT, is_active=True).order_by(
            "username"
        )
        self.fields["user"].empty_label = "不关联"


class EndForm(forms.Form):
    on = _date("结束日期")


class SceneForm(forms.Form):
    kind = forms.ChoiceField(label="场景", choices=SceneKind.choices, widget=forms.Select(attrs=SELECT))
    name = _text("名称", 100)
    town = forms.ModelChoiceField(
        label="镇（街道）", queryset=Division.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    bank = forms.ModelChoiceField(
        label="收单银行", queryset=ServicePoint.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    since = _date("开通日期")
    methods = _text("支付方式（如 银行卡、二维码、闪付）", 100, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = Division.objects.filter(level="town").order_by("code")
        self.fields["town"].empty_label = "请选择"
        self.fields["bank"].queryset = access.scene_banks_for(user).order_by("name")
        self.fields["bank"].empty_label = "请选择"
