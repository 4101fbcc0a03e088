"""Forms of the case and publicity pages (one column, phone first): they read and type the input; the rules
are the services'."""

from django import forms
from django.utils import timezone

from puhui.cases.models import PromotionKind, Topic
from puhui.cases.selectors.records import period_choices
from puhui.cases.services.attachments import KINDS_CN, MAX_FILE_BYTES, MAX_FILES
from puhui.core.forms import DateInput
from puhui.core.models import Division

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
ACCEPT = ".doc,.docx,.pdf,.jpg,.jpeg,.png"
FILES_LABEL = f"附件（{KINDS_CN}，每个不超过 {MAX_FILE_BYTES // 1024 // 1024} MB，最多 {MAX_FILES} 个）"


def _text(label: str, max_length: int, rows: int = 0, required: bool = True) -> forms.CharField:
    widget = forms.Textarea(attrs={**TEXT, "rows": rows}) if rows else forms.TextInput(attrs=TEXT)
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one field; each is checked by the service (its type from the bytes, its size)."""

    def __init__(self, **kwargs):
        attrs = {"class": "form-control", "accept": ACCEPT}
        super().__init__(widget=MultipleFileInput(attrs=attrs), required=False, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(FilesField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class _WithFiles(forms.Form):
    """Adds the attachments field, and on the edit page the boxes to remove existing ones."""

    def __init__(self, *args, existing=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"] = FilesField(label=FILES_LABEL)
        if existing:
            self.fields["remove"] = forms.MultipleChoiceField(
                label="删除已有附件（勾选要删除的）",
                choices=[(str(f.pk), f.name) for f in existing],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )


class CaseForm(_WithFiles):
    title = _text("标题", 100)
    topic = forms.ChoiceField(label="专题", choices=Topic.choices, widget=forms.Select(attrs=SELECT))
    task = forms.ModelChoiceField(
        label="对应实施方案任务（选填）", queryset=None, required=False, widget=forms.Select(attrs=SELECT)
    )
    period = forms.ChoiceField(label="所属期间（年度或季度）", choices=(), widget=forms.Select(attrs=SELECT))
    text = _text("正文（做法、成效、经验）", 20_000, rows=12)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from puhui.plan.models import Task  # the plan app is installed wherever cases are

        self.fields["task"].queryset = Task.objects.select_related("plan").order_by(
            "-plan__issued_on", "number"
        )
        self.fields["task"].empty_label = "不对应具体任务"
        self.fields["period"].choices = period_choices()


class PromotionForm(_WithFiles):
    kind = forms.ChoiceField(
        label="宣传方式", choices=PromotionKind.choices, widget=forms.Select(attrs=SELECT)
    )
    held_on = forms.DateField(
        label="日期",
        initial=timezone.localdate,
        widget=DateInput(),
    )
    topic = _text("主题", 100)
    place = _text("地点（媒体报道填媒体名称和栏目）", 100)
    town = forms.ModelChoiceField(
        label="镇（街道）（选填）", queryset=None, required=False, widget=forms.Select(attrs=SELECT)
    )
    audience = forms.IntegerField(
        label="受众人数（人）（媒体报道可不填）",
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric", "min": "0"}),
    )
    summary = _text("活动情况", 5000, rows=5)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = Division.objects.filter(level="town").order_by("code")
        self.fields["town"].empty_label = "不限（全县）"
        self.fields["held_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class CaseReviewForm(forms.Form):
    prefix = "review"
    decision = forms.ChoiceField(label="审核结果", choices=(), widget=forms.RadioSelect)
    reason = _text("退回原因（退回时必填）", 1000, rows=2, required=False)

    LABELS = {"accept": "采用（收入案例库）", "publish": "发布（全体工作人员可阅）", "return": "退回修改",
              "unpublish": "撤回发布"}  # fmt: skip

    def __init__(self, *args, decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [(d, self.LABELS[d]) for d in decisions]
        if "return" not in decisions:
            del self.fields["reason"]


class SelectForm(forms.Form):
    prefix = "select"
    period = forms.ChoiceField(
        label="入选评估报告的期间", choices=(), required=False, widget=forms.Select(attrs=SELECT)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [("", "不入选")] + period_choices()


class PromotionReviewForm(forms.Form):
    prefix = "review"
    decision = forms.ChoiceField(
        label="审核结果", choices=[("approve", "通过"), ("return", "退回修改")], widget=forms.RadioSelect
    )
    reason = _text("退回原因（退回时必填）", 1000, rows=2, required=False)


def initial_of(record, names) -> dict:
    return {name: getattr(record, name) for name in names}
