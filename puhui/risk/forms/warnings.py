"""Forms of the early-warning pages: they read and type the input; the rules are the services'."""

from django import forms

from puhui.engines.warnings import SEVERITIES
from puhui.risk.services.warnings import NOTE_LIMIT, TEXT_LIMIT

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


def _text(label: str, limit: int, rows: int = 3, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=limit, required=required, widget=forms.Textarea(attrs={**TEXT, "rows": rows})
    )


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(label="责任单位", queryset=None, widget=forms.Select(attrs=SELECT))
    note = _text("指派说明", NOTE_LIMIT, rows=2, required=False)

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        from puhui.core.models import Organisation

        self.fields["owner"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in owners]).order_by(
            "kind", "name"
        )
        self.fields["owner"].empty_label = "请选择"


class AnswerForm(forms.Form):
    text = _text("答复内容（核查情况和采取的措施）", TEXT_LIMIT, rows=4)


class NoteForm(forms.Form):
    text = _text("跟进记录", TEXT_LIMIT, rows=2)


class CloseForm(forms.Form):
    note = _text("关闭说明", TEXT_LIMIT, rows=2)


def _threshold(label: str, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.01"}),
    )


class RuleChangeForm(forms.Form):
    rule_code = forms.ChoiceField(label="规则", widget=forms.Select(attrs=SELECT))
    attention = _threshold(f"“{SEVERITIES['attention']}”级阈值")
    elevated = _threshold(f"“{SEVERITIES['elevated']}”级阈值")
    serious = _threshold(f"“{SEVERITIES['serious']}”级阈值")
    min_base = forms.DecimalField(
        label="最低基数（元）",
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.01"}),
    )
    note = _text("修改原因", NOTE_LIMIT, rows=2)

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule_code"].choices = [("", "请选择")] + [(r.code, r.name) for r in rules]
