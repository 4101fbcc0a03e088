from django import forms

from puhui.core.crypto import mask_id_number
from puhui.core.forms import DateInput
from puhui.credit.models import ArchiveMember, Consent, HouseholdArchive
from puhui.credit.services import EDITABLE_FIELDS, REQUIRED_FIELDS
from puhui.imports.engine import MODE_CREATE, MODE_UPSERT

YES_NO = [("", "未填写"), ("true", "是"), ("false", "否")]


class YesNoSelect(forms.Select):
    """是/否/未填写 for a nullable boolean. A plain Select renders a stored True/False as "True"/"False",
    matching no option: the form showed 未填写 and saving it again erased every yes/no answer."""

    def format_value(self, value):
        return super().format_value({True: "true", False: "false"}.get(value, value))


# The archive form in steps a village agent can finish on a phone, in the order the talk with the household
# goes. Every editable field is in one step (tests/credit/test_archive_form_steps.py); the members come last.
ARCHIVE_STEPS = (
    ("家庭基本情况", ("head_education", "labour_count", "residence_years", "housing")),
    (
        "土地与经营",
        (
            "land_contracted_mu",
            "land_transferred_in_mu",
            "main_activities",
            "operating_years",
            "new_agri_entity",
        ),
    ),
    (
        "资产、收入与保险",
        (
            "total_assets",
            "total_liabilities",
            "annual_net_income",
            "operating_income",
            "has_agri_insurance",
            "insurance",
            "accounts",
        ),
    ),
    (
        "借贷与信用记录",
        (
            "existing_loans",
            "lender_count",
            "overdue_count_3y",
            "repaid_loans_count",
            "current_overdue",
            "current_npl",
            "npl_since",
            "guarantee_outstanding",
        ),
    ),
    (
        "公共记录与村委会评议",
        (
            "utility_arrears",
            "litigation_pending",
            "enforcement_pending",
            "enforcement_closed",
            "debt_evasion_record",
            "village_assessment",
        ),
    ),
)
MEMBERS_STEP = "家庭成员"


class ArchiveForm(forms.ModelForm):
    class Meta:
        model = HouseholdArchive
        fields = EDITABLE_FIELDS
        widgets = {"village_assessment": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.NullBooleanField):
                field.widget = YesNoSelect(choices=YES_NO)
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if isinstance(field.widget, forms.DateInput):
                field.widget.input_type = "date"
            field.widget.attrs.setdefault("class", css)
            if isinstance(field, (forms.IntegerField, forms.DecimalField)):
                field.widget.attrs.setdefault("inputmode", "decimal")
            if (
                name in REQUIRED_FIELDS
            ):  # counted by the page's completeness figure as the agent types (app.js)
                field.widget.attrs["data-required-field"] = ""

    def steps(self) -> list[dict]:
        """The fields by step, for the template: [{"title", "fields": [BoundField], "required": n}]; a
        field with an error is marked for the eye (is-invalid) and for screen readers (aria-invalid)."""
        if self.is_bound:
            for name in self.errors:
                if name in self.fields:
                    attrs = self.fields[name].widget.attrs
                    attrs.update({"aria-invalid": "true", "class": attrs.get("class", "") + " is-invalid"})
        placed = {name for _, names in ARCHIVE_STEPS for name in names}
        steps = [
            {"title": title, "fields": [self[n] for n in names if n in self.fields]}
            for title, names in ARCHIVE_STEPS
        ]
        # A field added to the model later shows up in the last step rather than nowhere.
        steps[-1]["fields"] += [self[n] for n in self.fields if n not in placed]
        for step in steps:
            step["required"] = sum(1 for f in step["fields"] if f.name in REQUIRED_FIELDS)
        return steps

    def filled(self) -> tuple[int, int]:
        """(required fields filled, required fields) in what the page shows: the posted values after an
        error, the stored archive otherwise — the figure the agent sees is the one the save will count."""
        names = [n for n in REQUIRED_FIELDS if n in self.fields]
        count = 0
        for name in names:
            value = self[name].value()
            count += value not in (None, "", "unknown") and str(value).strip() != ""
        return count, len(names)


def error_summary(form, formset) -> list[dict]:
    """Every error of the archive form and its member rows, in page order, for the summary at the top:
    [{"label", "message", "anchor"}] — the anchor is the field's id, so the link takes the agent there."""
    out = [{"label": "", "message": str(e), "anchor": ""} for e in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name in form.fields:
            out += [
                {"label": form.fields[name].label, "message": e, "anchor": form[name].id_for_label}
                for e in errors
            ]
    out += [{"label": "家庭成员", "message": str(e), "anchor": ""} for e in formset.non_form_errors()]
    for i, member in enumerate(formset):
        for name, errors in member.errors.items():
            field = member.fields.get(name)
            label = f"第{i + 1}位家庭成员 {field.label if field else ''}".strip()
            anchor = member[name].id_for_label if field else ""
            out += [{"label": label, "message": e, "anchor": anchor} for e in errors]
    return out


class MemberForm(forms.ModelForm):
    """One member row. A stored ID number is shown masked (370323********1234) with a reference to it
    (`id_ref`, see `selectors.archive_id_numbers`); posted back unchanged it keeps the stored number, so
    the page never carries a clear ID number. A full number typed in replaces it; blank clears it."""

    id_ref = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = ArchiveMember
        fields = ["name", "relation", "id_number", "age", "is_labour"]
        widgets = {"id_number": forms.TextInput(attrs={"maxlength": 18})}

    def __init__(self, *args, known_ids: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_ids = known_ids or {}
        for name, field in self.fields.items():
            if name not in {"is_labour", "id_ref"}:
                field.widget.attrs.setdefault("class", "form-control form-control-sm")
        self.fields["id_number"].required = False
        self.fields["id_number"].widget.attrs.update(autocomplete="off", spellcheck="false")

    def clean_id_number(self):
        from puhui.core.validators import validate_id_number

        value = (self.cleaned_data.get("id_number") or "").strip().upper()
        if value and "*" not in value:  # a masked value is resolved in clean(), with its reference
            validate_id_number(value)
        return value

    def clean(self):
        data = super().clean()
        value = data.get("id_number") or ""
        if "*" in value:
            clear = self.known_ids.get(data.get("id_ref") or "")
            if clear and mask_id_number(clear) == value:
                data["id_number"] = clear
            else:
                self.add_error(
                    "id_number",
                    "请填写完整的18位身份证号（隐去部分数字的号码只能原样保留，不能修改其中的数字）",
                )
        return data


# One blank row adds a member without script; 添加家庭成员 adds more (app.js, data-formset-add).
MemberFormSet = forms.formset_factory(MemberForm, extra=1, can_delete=True)


class ConsentForm(forms.Form):
    scope = forms.ChoiceField(label="授权范围", choices=Consent.Scope.choices)
    granted_by_name = forms.CharField(label="授权人", max_length=40)
    expires_on = forms.DateField(label="有效期至", widget=DateInput())


class OfferForm(forms.Form):
    limit = forms.DecimalField(
        label="授信额度（元）", max_digits=14, decimal_places=2, required=False, min_value=1
    )
    valid_until = forms.DateField(label="有效期至", widget=DateInput())


class MoveForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=[("draw", "用信"), ("repay", "还款")])
    amount = forms.DecimalField(label="金额（元）", max_digits=14, decimal_places=2, min_value=0.01)


MAX_MODEL_BYTES = 5 * 1024 * 1024


def _read_upload(upload, what: str):
    """A JSON (or, for a model, YAML) upload → its parsed content, or a ValidationError naming the file."""
    import json

    if upload.size > MAX_MODEL_BYTES:
        raise forms.ValidationError(f"{what}“{upload.name}”超过 5 MB。")
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise forms.ValidationError(f"{what}“{upload.name}”不是 UTF-8 编码的文本文件。") from None
    if upload.name.lower().endswith((".yaml", ".yml")):
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise forms.ValidationError(f"{what}“{upload.name}”不是有效的 YAML：{exc}") from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                f"{what}“{upload.name}”不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，{exc.msg}"
            ) from None
    if not isinstance(data, dict):
        raise forms.ValidationError(f"{what}“{upload.name}”的内容应为一个对象（{{…}}）。")
    return data


def archive_columns() -> set[str]:
    """The columns `credit.scoring.archive_frame` gives a card (the field contract)."""
    from puhui.credit import scoring

    return {"head_age", *scoring.NUMERIC, *scoring.CATEGORICAL, *scoring.BOOLEAN, *scoring.PAYMENT_COLUMNS}


REPORT_SECTIONS = ("model", "samples", "discrimination", "iv", "calibration", "stability", "fairness")


class ScorecardUploadForm(forms.Form):
    """A model written by `puhui credit train` (MODEL.json) and its report (MODEL.report.json).

    The engine validates the points table (forbidden characteristics refused); the card must read only
    columns the archives supply; a statistical model needs its validation report, which the office
    reviews before promoting."""

    model_file = forms.FileField(label="模型文件（建模命令生成的 JSON 文件）")
    report_file = forms.FileField(label="验证报告（建模命令同时生成的 JSON 文件）", required=False)

    def clean_model_file(self):
        from puhui.engines.scoring import Scorecard, ScoringError

        spec = _read_upload(self.cleaned_data["model_file"], "模型文件")
        try:
            card = Scorecard.from_dict(spec)
        except ScoringError as exc:
            raise forms.ValidationError(str(exc)) from None
        missing = [c for c in card.required_columns() if c not in archive_columns()]
        if missing:
            raise forms.ValidationError(
                "模型使用了农户信用档案中没有的数据列："
                + "、".join(f"“{c}”" for c in missing)
                + "，无法用于农户评级（训练时请用 --exclude 排除这些列）。"
            )
        self.card = card
        return spec

    def clean_report_file(self):
        upload = self.cleaned_data.get("report_file")
        if not upload:
            return None
        report = _read_upload(upload, "验证报告")
        absent = [k for k in REPORT_SECTIONS if k not in report]
        if absent:
            raise forms.ValidationError(
                f"验证报告“{upload.name}”缺少以下部分：{'、'.join(absent)}（应为 puhui credit train 写出的 .report.json）。"
            )
        return report

    def clean(self):
        data = super().clean()
        card = getattr(self, "card", None)
        statistical = card is not None and card.spec.get("kind") == "statistical"
        if statistical and not data.get("report_file") and "report_file" not in self.errors:
            self.add_error(
                "report_file", "统计模型须同时上传验证报告（MODEL.report.json），审核报告后方可启用。"
            )
        return data


class ArchiveImportForm(forms.Form):
    mode = forms.ChoiceField(
        label="导入方式",
        choices=[
            (MODE_CREATE, "仅新增（该户已有档案即报错）"),
            (MODE_UPSERT, "新增或更新（已有档案按文件内容更新）"),
        ],
        initial=MODE_CREATE,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(label="文件", help_text="Excel（.xlsx）或 CSV（UTF-8 或 GBK）")
