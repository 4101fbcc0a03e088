"""The list of evaluation reports, declared for the one list component (docs/lists.md): search, filters, true
counts and an Excel export named in Chinese. Rows come only through `access.py`."""

from puhui.core import lists
from puhui.evaluation import access
from puhui.evaluation.models import ReportKind


def _status(qs, value, user):
    return qs.filter(published_at__isnull=value != "published")


REPORTS = lists.ListSpec(
    key="evaluation-reports",
    title="专项评估报告",
    url_name="evaluation:reports",
    queryset=access.reports_for,
    columns=(
        lists.Column("title", "标题", link="evaluation:report_detail", sort=("period", "version")),
        lists.Column("number", "文号", phone=False),
        lists.Column("version", "版本", kind="int", unit="版", sort=("version",), phone=False),
        lists.Column("status", "状态", value="status_label"),
        lists.Column("generated_at", "生成时间", kind="datetime", sort=("generated_at",), phone=False),
        lists.Column("published_at", "发布时间", kind="datetime", sort=("published_at",), phone=False),
    ),
    filters=(
        lists.Choice("kind", "类型", choices=ReportKind.choices, all_label="年度和季度"),
        lists.Choice(
            "status",
            "状态",
            choices=(("published", "已发布"), ("draft", "待发布")),
            apply=_status,
            all_label="全部状态",
        ),  # fmt: skip
    ),
    search=lists.Search(
        names=("title", "number"), codes=("period",), placeholder="标题、文号或期间（如 2021Q3）"
    ),
    default_sort="-generated_at",
    empty="还没有可查看的评估报告。",
)
