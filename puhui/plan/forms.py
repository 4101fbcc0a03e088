from django import forms
from django.core.exceptions import ValidationError

from puhui.core.forms import DateInput
from puhui.plan.models import Criterion, Plan, ProgressReport
from puhui.plan.services.assessment import DEFAULT_CRITERIA


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors on their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class Bootstrap:
    """Bootstrap classes on every widget, so templates render fields plainly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class ReportForm(Bootstrap, forms.Form):
    period = forms.ChoiceField(label="报送期")
    status = forms.ChoiceField(label="进展状态", choices=ProgressReport.Status.choices)
    completion = forms.IntegerField(label="完成进度（%）", min_value=0, max_value=100)
    narrative = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 6}))
    indicator_codes = forms.MultipleChoiceField(
        label="关联指标",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="本任务的量化指标中，本期进展涉及的指标",
    )
    milestones = forms.MultipleChoiceField(
        label="本期完成的里程碑", required=False, widget=forms.CheckboxSelectMultiple
    )
    keep_evidence = forms.BooleanField(label="保留上一版的佐证材料", required=False, initial=True)

    def __init__(self, *args, periods=(), milestones=(), resubmission=False, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.code, f"{p.label}（期限 {p.due_on:%m月%d日}）") for p in periods]
        # The task's indicators by name (plan.selectors.task_indicators); none: nothing to ask.
        self.fields["indicator_codes"].choices = list(indicators)
        if not indicators:
            del self.fields["indicator_codes"]
        self.fields["milestones"].choices = [(str(m.pk), f"{m.text}（{m.due_on}）") for m in milestones]
        if not milestones:
            del self.fields["milestones"]
        if not resubmission:
            del self.fields["keep_evidence"]

    def clean_indicator_codes(self) -> str:
        return ",".join(self.cleaned_data.get("indicator_codes") or [])


class ReviewForm(Bootstrap, forms.Form):
    decision = forms.ChoiceField(
        label="审核结果", choices=[("accept", "通过"), ("return", "退回修改")], widget=forms.RadioSelect
    )
    comment = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class NoticeForm(Bootstrap, forms.Form):
    unit = forms.ChoiceField(label="督办对象")
    reason = forms.CharField(label="督办事由", widget=forms.Textarea(attrs={"rows": 3}))
    required_action = forms.CharField(label="办理要求", widget=forms.Textarea(attrs={"rows": 3}))
    working_days = forms.IntegerField(label="办理时限（工作日）", min_value=1, max_value=60, initial=5)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(str(org.pk), name) for org, name in units]


class RespondForm(Bootstrap, forms.Form):
    response = forms.CharField(label="办理情况", widget=forms.Textarea(attrs={"rows": 4}))


class CommentForm(Bootstrap, forms.Form):
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DelayForm(Bootstrap, forms.Form):
    milestone = forms.ChoiceField(label="里程碑", required=False)
    requested_due = forms.DateField(label="申请延至", widget=DateInput)
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, milestones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].choices = [("", "（整个任务）")] + [
            (str(m.pk), f"{m.text[:40]}（{m.due_on}）") for m in milestones
        ]


class DecideForm(Bootstrap, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "同意"), ("refuse", "不同意")], widget=forms.RadioSelect, label="审批"
    )
    comment = forms.CharField(label="审批意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SchemeForm(Bootstrap, forms.Form):
    name = forms.CharField(label="考核名称", max_length=100)
    period_start = forms.DateField(label="考核期起", widget=DateInput)
    period_end = forms.DateField(label="考核期止", widget=DateInput)


class CriteriaForm(Bootstrap, forms.Form):
    """A round's points, one field per way of scoring (0 or empty: not assessed); the names and scoring
    standards are the round's own where it has the criterion, the default round's otherwise."""

    def __init__(self, *args, current, frozen: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.known = {k: (n, d) for n, k, _p, d in DEFAULT_CRITERIA}
        self.known |= {c.kind: (c.name, c.description) for c in current}
        points = {c.kind: c.max_points for c in current}
        for kind, label in Criterion.Kind.choices:
            name, description = self.known.get(kind, (label, ""))
            self.fields[kind] = forms.DecimalField(
                label=f"{name}（分）", required=False, min_value=0, max_digits=6, decimal_places=2,
                initial=points.get(kind), help_text=description, disabled=frozen,
            )  # fmt: skip

    def criteria(self) -> list[tuple]:
        """[(name, kind, points, description)] of the criteria given points, in the kinds' order."""
        out = []
        for kind, label in Criterion.Kind.choices:
            points = self.cleaned_data.get(kind)
            if points:
                name, description = self.known.get(kind, (label, ""))
                out.append((name, kind, points, description))
        return out


class ManualScoreForm(Bootstrap, forms.Form):
    criterion = forms.ChoiceField(label="考核项目")
    unit = forms.ChoiceField(label="单位")
    points = forms.DecimalField(label="得分", max_digits=6, decimal_places=2, min_value=0)
    reason = forms.CharField(label="评分理由", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, criteria=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [
            (str(c.pk), f"{c.name}（满分 {c.max_points}）")
            for c in criteria
            if c.kind not in Criterion.AUTOMATIC
        ]
        self.fields["unit"].choices = [(str(org.pk), name) for org, name in units]


class BulletinForm(Bootstrap, forms.Form):
    scheme = forms.ChoiceField(label="考核（附排名）", required=False)
    number = forms.CharField(label="文号", max_length=60)
    title = forms.CharField(label="标题", max_length=200)
    issued_on = forms.DateField(label="日期", widget=DateInput)

    def __init__(self, *args, schemes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].choices = [("", "（不附排名）")] + [(str(s.pk), s.name) for s in schemes]


class BulletinEditForm(Bootstrap, forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    issued_on = forms.DateField(label="日期", widget=DateInput)
    body = forms.CharField(label="正文（每段一行）", widget=forms.Textarea(attrs={"rows": 12}))


class PlanSettingsForm(Bootstrap, forms.Form):
    report_frequency = forms.ChoiceField(label="进度报送周期", choices=Plan.Frequency.choices)
    report_due_working_days = forms.IntegerField(label="报送期限（期末后工作日）", min_value=0, max_value=60)


class PlanUploadForm(Bootstrap, forms.Form):
    file = forms.FileField(label="方案文件（.yaml 或 .xlsx）")
    check_only = forms.BooleanField(label="只检查，不导入", required=False)


class MilestoneTargetForm(Bootstrap, forms.Form):
    target_code = forms.CharField(
        label="关联目标编码", max_length=60, required=False, help_text="数据与目标中的目标编码；留空取消关联"
    )


class MilestoneCloseForm(Bootstrap, forms.Form):
    reason = forms.CharField(
        label="确认理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="目标已达标时可不填；未达标或暂无数据时须写明办公室确认完成的理由，理由将列入通报",
    )
