from django import forms

from puhui.imports.engine import MODE_CREATE, MODES
from puhui.imports.tables import tables_for


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="数据表")
    mode = forms.ChoiceField(
        label="导入方式", choices=list(MODES.items()), initial=MODE_CREATE, widget=forms.RadioSelect
    )
    file = forms.FileField(label="文件", help_text="CSV（UTF-8 或 GBK）或 Excel（.xlsx）")
    confirm = forms.BooleanField(
        label="确认",
        required=False,
        help_text="上次导入提示变化较大（如某村户数变化超过规定比例），核对无误后勾选此项重新上传",
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(name, t.title) for name, t in tables_for(user).items()]
