"""Forms of the finder pages: they read and type the input; the rules are the services'."""

from django import forms

from puhui.core.models import Division
from puhui.finder.models import Article
from puhui.finder.needs import NEEDS


class FinderForm(forms.Form):
    """The public page's question: which village, and what the visitor needs."""

    village = forms.ModelChoiceField(
        label="您所在的村（社区）", queryset=Division.objects.none(), empty_label="请选择",
        widget=forms.Select(attrs={"class": "pick"}),
    )  # fmt: skip
    need = forms.MultipleChoiceField(
        label="想办的事（可多选）", required=False, choices=[(n.code, n.label) for n in NEEDS],
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args, town: Division, **kwargs):
        """Only the villages of the town chosen first: the page stays small on a slow connection."""
        super().__init__(*args, **kwargs)
        villages = Division.objects.filter(level=Division.Level.VILLAGE, parent=town)
        self.fields["village"].queryset = villages.order_by("code")


class ArticleForm(forms.Form):
    title = forms.CharField(
        label="标题", max_length=60, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    topic = forms.ChoiceField(
        label="主题",
        choices=[("", "请选择"), *Article.Topic.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    body = forms.CharField(
        label="正文（每段一行）",
        max_length=20_000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 12}),
    )
