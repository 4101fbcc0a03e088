"""Forms of the listing pipeline's pages: they read and type the input; the rules are the services'."""

from django import forms
from django.utils import timezone

from puhui.core.forms import DateInput
from puhui.core.models import Division
from puhui.localfin.models import Board, Stage
from puhui.localfin.services.listing import FIRST_GOAL_YEAR, LAST_GOAL_YEAR, MAX_GOAL

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput())


def _text(label: str, max_length: int, rows: int = 0) -> forms.CharField:
    widget = forms.Textarea(attrs={**TEXT, "rows": rows}) if rows else forms.TextInput(attrs=TEXT)
    return forms.CharField(label=label, max_length=max_length, required=False, widget=widget)


def _towns():
    return Division.objects.filter(level=Division.Level.TOWN).order_by("code")


class CandidateEditForm(forms.Form):
    board = forms.ChoiceField(label="目标板块", choices=Board.choices, widget=forms.Select(attrs=SELECT))
    sponsors = _text("保荐或服务机构", 200)
    obstacles = _text("存在的困难", 4000, rows=3)
    help_given = _text("已提供的帮助", 4000, rows=3)
    deadline = _date("本阶段计划完成日期", required=False)


class CandidateForm(CandidateEditForm):
    uscc = forms.CharField(label="统一社会信用代码", max_length=18, widget=forms.TextInput(attrs=TEXT))
    name = forms.CharField(label="企业名称", max_length=100, widget=forms.TextInput(attrs=TEXT))
    town = forms.ModelChoiceField(
        label="所在镇（街道）", queryset=Division.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    industry = forms.CharField(
        label="行业", max_length=40, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    stage = forms.ChoiceField(
        label="入库时所处阶段", choices=Stage.choices, widget=forms.Select(attrs=SELECT)
    )
    entered_on = _date("入库日期")

    field_order = ["uscc", "name", "town", "industry", "stage", "board", "entered_on", "deadline"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = _towns()
        self.fields["town"].empty_label = "请选择"
        self.fields["entered_on"].initial = timezone.localdate()


class MoveForm(forms.Form):
    to_stage = forms.ChoiceField(label="变更到阶段", choices=Stage.choices, widget=forms.Select(attrs=SELECT))
    on = _date("变更日期")
    reason = forms.CharField(
        label="原因（退回到前一阶段时必填）",
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )
    deadline = _date("新阶段计划完成日期", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class GoalForm(forms.Form):
    year = forms.IntegerField(
        label="年度",
        min_value=FIRST_GOAL_YEAR,
        max_value=LAST_GOAL_YEAR,
        widget=forms.NumberInput(attrs=TEXT),
    )
    stage = forms.ChoiceField(label="阶段", choices=Stage.choices, widget=forms.Select(attrs=SELECT))
    count = forms.IntegerField(
        label="目标数（户）", min_value=0, max_value=MAX_GOAL, widget=forms.NumberInput(attrs=TEXT)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
