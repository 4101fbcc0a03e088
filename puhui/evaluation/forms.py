"""The generate form: the period picker offers only periods that have figures and have ended; the rules (and
their Chinese refusals) are the service's."""

from django import forms

from puhui.evaluation.selectors.periods import available_periods


class GenerateForm(forms.Form):
    period = forms.ChoiceField(label="评估期间", widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = available_periods()
        self.fields["period"].choices = choices
        self.fields["period"].error_messages["invalid_choice"] = (
            "所选期间没有可用的指标数据或尚未结束，请在列表中选择。"
        )
        self.fields["period"].help_text = (
            "只列出已经结束、且已计算出指标数据的年度和季度。" if choices else "还没有可以评估的期间。"
        )
