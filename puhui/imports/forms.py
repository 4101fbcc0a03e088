from django import forms

from puhui.imports.services import MODE_CREATE, MODES
from puhui.imports.specs import SPECS


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="数据表", choices=[(name, spec.title) for name, spec in SPECS.items()])
    mode = forms.ChoiceField(
        label="导入方式", choices=list(MODES.items()), initial=MODE_CREATE, widget=forms.RadioSelect
    )
    file = forms.FileField(label="文件", help_text="CSV（UTF-8 或 GBK）或 Excel（.xlsx）")
