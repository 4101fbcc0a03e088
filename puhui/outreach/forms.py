"""Forms of the outreach pages, phone first (one column, large controls, the camera offered for photos): they
read and type the input; the rules are the services'."""

from django import forms
from django.utils import timezone

from puhui.core.forms import DateInput
from puhui.core.models import Division, Organisation
from puhui.core.photos import MAX_PHOTO_BYTES, MAX_PHOTOS
from puhui.outreach import access
from puhui.outreach.models import Audience, Channel, EventService, PlaceType

TEXT = {"class": "form-control"}
NUMBER = {"class": "form-control", "inputmode": "numeric", "min": "0"}
SELECT = {"class": "form-select"}


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        initial=timezone.localdate,
        widget=DateInput(attrs={"max": ""}),
    )


def _text(label: str, max_length: int, rows: int = 0, required: bool = True) -> forms.CharField:
    widget = forms.Textarea(attrs={**TEXT, "rows": rows}) if rows else forms.TextInput(attrs=TEXT)
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget)


def _number(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, widget=forms.NumberInput(attrs=NUMBER))


def _towns():
    return Division.objects.filter(level="town").order_by("code")


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one field; each is checked by the service (a real image, within the size limit)."""

    def __init__(self, **kwargs):
        attrs = {"class": "form-control", "accept": "image/jpeg,image/png", "capture": "environment"}
        super().__init__(widget=MultiplePhotoInput(attrs=attrs), required=False, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(PhotosField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class EventForm(forms.Form):
    held_on = _date("活动日期")
    place_type = forms.ChoiceField(label="活动地点类型", choices=PlaceType.choices, widget=forms.RadioSelect)
    town = forms.ModelChoiceField(
        label="镇（街道）", queryset=Division.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    place = _text("具体地点（村、社区或矿区名称）", 100)
    services = forms.MultipleChoiceField(
        label="提供的服务", choices=EventService.choices, widget=forms.CheckboxSelectMultiple
    )
    people_served = _number("服务人数（人）")
    note = _text("活动情况（选填）", 2000, rows=3, required=False)
    photos = PhotosField(
        label=f"活动照片（手机拍摄的照片或图片文件，每张不超过 {MAX_PHOTO_BYTES // 1024 // 1024} MB，最多 {MAX_PHOTOS} 张）"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = _towns()
        self.fields["town"].empty_label = "请选择"
        self.fields["held_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class PublicityForm(forms.Form):
    held_on = _date("活动日期")
    channel = forms.ChoiceField(label="宣传渠道", choices=Channel.choices, widget=forms.Select(attrs=SELECT))
    audience_group = forms.ChoiceField(
        label="宣传对象", choices=Audience.choices, widget=forms.Select(attrs=SELECT)
    )
    topic = _text("宣传主题", 100)
    town = forms.ModelChoiceField(
        label="镇（街道）（电视广播、报纸、公众号可不选）",
        queryset=Division.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    village = forms.ModelChoiceField(
        label="村（社区）",
        queryset=Division.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    audience = _number("受众人数（人）")
    note = _text("活动情况（选填）", 2000, rows=3, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        if user is not None and access.is_agent(user):
            # An agent's own session in one of its villages: the channel and the town follow.
            del self.fields["channel"], self.fields["town"]
            self.fields["village"].queryset = user.villages.order_by("code")
            self.fields["village"].required = True
            self.fields["village"].label = "村（社区）（您负责的村）"
        else:
            self.fields["channel"].choices = [c for c in Channel.choices if c[0] != Channel.AGENT]
            self.fields["town"].queryset = _towns()
            self.fields["village"].queryset = Division.objects.filter(level="village").order_by("code")
            self.fields["village"].label = "村（社区）（选填）"
        for name in ("town", "village"):
            if name in self.fields:
                self.fields[name].empty_label = "请选择"

    def clean(self):
        data = super().clean()
        data.setdefault("channel", Channel.AGENT)
        data.setdefault("town", None)
        return data


class SchoolForm(forms.Form):
    school = _text("学校", 100)
    town = forms.ModelChoiceField(
        label="镇（街道）", queryset=Division.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    year = forms.IntegerField(label="年度", widget=forms.NumberInput(attrs=NUMBER))
    bank = forms.ModelChoiceField(
        label="对接金融机构（选填）", queryset=Organisation.objects.none(), required=False,
        widget=forms.Select(attrs=SELECT),
    )  # fmt: skip
    curriculum = _text("纳入课程情况（课程名称、年级、课时）", 2000, rows=3)
    lectures = _number("专题讲座（次）")
    practice_days = _number("社会实践和职业体验（天）")
    teachers_trained = _number("金融知识义务宣讲团培训教师（人）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = _towns()
        self.fields["town"].empty_label = "请选择"
        self.fields["bank"].queryset = Organisation.objects.filter(
            kind__in=access.BANK_KINDS, level=Organisation.Level.BRANCH
        ).order_by("name")
        self.fields["bank"].empty_label = "不填"
        self.fields["year"].initial = timezone.localdate().year


class ReviewForm(forms.Form):
    prefix = "review"
    decision = forms.ChoiceField(
        label="审核结果", choices=[("approve", "通过"), ("return", "退回修改")], widget=forms.RadioSelect
    )
    reason = _text("退回原因（退回时必填）", 1000, rows=2, required=False)


def initial_of(record, names) -> dict:
    """A record's values as a form's initial data (the edit page)."""
    return {name: getattr(record, name) for name in names if hasattr(record, name)}
