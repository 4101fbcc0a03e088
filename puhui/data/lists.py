"""The data returns as lists (puhui/core/lists.py): every submission (报送记录) and every upload attempt
(上传记录), for the office and for each submitting unit its own. Rows come only from `access`."""

from django.http import Http404

from puhui.core import lists
from puhui.data import access
from puhui.data.catalogue import forms
from puhui.data.models import Indicator, IndicatorValue, ReportingPeriod, Submission, Upload


def _require_reader(user) -> None:
    """The office and administrators see every unit's returns; a bank or member unit its own; nobody else."""
    if not (access.can_see_inbox(user) or (user.role in access.SUBMITTER_ROLES and user.organisation_id)):
        raise Http404


def _submissions(user):
    _require_reader(user)
    return access.submissions_for(user)


def _uploads(user):
    _require_reader(user)
    return access.uploads_for(user)


def _forms(user, values):
    return [(f.code, f.title) for f in forms().values()]


def _periods(user, values):
    """Only the periods that have returns (newest first), so no choice leads to an empty list."""
    used = Submission.objects.values("period_id").distinct()
    periods = ReportingPeriod.objects.filter(pk__in=used).order_by("-end", "kind")
    return [(p.code, p.label) for p in periods]


def _institutions(user, values):
    if not access.can_see_inbox(user):
        return []  # a unit sees its own returns only: nothing to choose
    from puhui.core.models import Organisation

    ids = Submission.objects.values("institution_id").distinct()
    return [(o.pk, o.short_name or o.name) for o in Organisation.objects.filter(pk__in=ids).order_by("name")]


def _institution(x) -> str:
    return x.institution.short_name or x.institution.name


PERIOD = lists.Choice("period", "报送期", field="period__code", choices=_periods, all_label="全部报送期")
FORM = lists.Choice("form", "报表", choices=_forms, all_label="全部报表")
INSTITUTION = lists.Choice("institution", "报送机构", field="institution_id", choices=_institutions)
SEARCH = lists.Search(names=("institution__name", "institution__short_name"), placeholder="报送机构名称")


SUBMISSIONS = lists.ListSpec(
    key="submissions",
    title="报送记录",
    url_name="data_submission_list",
    queryset=_submissions,
    columns=(
        lists.Column("submitted_at", "报送时间", kind="datetime", sort=("submitted_at",)),
        lists.Column("institution", "报送机构", value=_institution, sort=("institution__name",)),
        lists.Column("form", "报表", value="form_title", link="data_submission"),
        lists.Column("period", "报送期", value="period.label", sort=("period__end",)),
        lists.Column("version", "版本", value=lambda s: f"第{s.version}版", phone=False),
        lists.Column("status", "状态", value="get_status_display"),
        lists.Column("row_count", "行数", kind="int", unit="行", phone=False),
        lists.Column("channel", "报送方式", value="get_channel_display", phone=False),
        lists.Column("late", "迟报", kind="bool", value="is_late", phone=False),
    ),
    filters=(
        lists.Choice(
            "status",
            "状态",
            choices=[c for c in Submission.Status.choices if c[0] != Submission.Status.STORING],
            all_label="全部状态",
        ),
        FORM,
        PERIOD,
        INSTITUTION,
        lists.Boolean(
            "current", "版本", field="is_current", yes="仅最新版本", no="仅历史版本", all_label="全部版本"
        ),
    ),
    search=SEARCH,
    default_sort="-submitted_at",
    empty="没有符合条件的报送。",
)


UPLOADS = lists.ListSpec(
    key="uploads",
    title="上传记录",
    url_name="data_upload_list",
    queryset=_uploads,
    columns=(
        lists.Column("created_at", "上传时间", kind="datetime", sort=("created_at",)),
        lists.Column("institution", "报送机构", value=_institution),
        lists.Column("form", "报表", value="form_title", link="data_upload"),
        lists.Column("period", "报送期", value="period.label"),
        lists.Column("filename", "文件名", value=lambda u: u.filename or "（接口）", phone=False),
        lists.Column("status", "结果", value="get_status_display"),
        lists.Column("error_total", "错误数", kind="int", unit="处", phone=False),
        lists.Column("created_label", "上传人", phone=False),
    ),
    filters=(
        lists.Choice("status", "结果", choices=Upload.Status.choices, all_label="全部结果"),
        FORM,
        PERIOD,
        INSTITUTION,
    ),
    search=SEARCH,
    default_sort="-created_at",
    empty="没有上传记录。",
)


# ---------------------------------------------------------------- the indicator catalogue (指标目录)


def _current_indicators(user):
    return access.indicators_for(user).filter(is_current=True)


def _level_names(indicator: Indicator) -> str:
    names = dict(IndicatorValue.Level.choices)
    return "、".join(str(names.get(code, code)) for code in indicator.levels or [])


def _indicator_name(indicator: Indicator) -> str:
    return f"{indicator.name}（辅助）" if indicator.auxiliary else indicator.name


INDICATORS = lists.ListSpec(
    key="data-indicators",
    title="指标目录",
    url_name="data_catalogue",
    queryset=_current_indicators,
    columns=(
        lists.Column("clause", "条款", sort=("clause", "code")),
        # codes and sources are identifiers, not words: shown as code, as on the indicator's page
        lists.Column("code", "编码", sort=("code",), phone=False, template="data/_indicator_code.html"),
        lists.Column("name", "名称", value=_indicator_name, link=("data_indicator", "code"), sort=("name",)),
        lists.Column("unit", "单位"),
        lists.Column("direction", "方向", value="get_direction_display", phone=False),
        lists.Column("levels", "层级", value=_level_names, phone=False),
        lists.Column(
            "source",
            "来源",
            value=lambda i: f"{i.get_source_kind_display()}：{i.source}",
            phone=False,
            template="data/_indicator_source.html",
        ),
        lists.Column("dimension", "指数维度", value="get_dimension_display", phone=False),
        lists.Column("version", "版本", kind="int", phone=False),
    ),
    filters=(
        lists.Choice("source_kind", "来源类型", choices=Indicator.SourceKind.choices, all_label="全部来源"),
        lists.Choice("dimension", "指数维度", choices=Indicator.Dimension.choices, all_label="全部维度"),
    ),
    search=lists.Search(names=("code", "name"), placeholder="指标编码或名称"),
    default_sort="clause",
    empty="没有符合条件的指标。",
)
