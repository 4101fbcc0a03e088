"""The lists of cases and publicity, declared for the one list component (docs/lists.md): search, filters,
true counts and an Excel export named in Chinese. Rows come only through `access.py`."""

import datetime

from puhui.cases import access
from puhui.cases.models import CaseStatus, PromotionKind, PromotionStatus, Topic
from puhui.cases.selectors.records import period_choices, year_choices
from puhui.core import lists
from puhui.core.models import Organisation


def _units(queryset):
    def choices(user, values):
        ids = queryset(user).order_by().values("unit_id")
        return [(o.pk, o.name) for o in Organisation.objects.filter(pk__in=ids).order_by("name")]

    return choices


def _year(qs, value, user):
    year = int(value)
    return qs.filter(held_on__gte=datetime.date(year, 1, 1), held_on__lte=datetime.date(year, 12, 31))


def _selected(qs, value, user):
    return qs.exclude(selected_for="") if value == "any" else qs.filter(selected_for=value)


def _selected_choices(user, values):
    return [("any", "全部入选案例")] + [(c, f"入选{label}评估报告") for c, label in period_choices()]


CASES = lists.ListSpec(
    key="cases-cases",
    title="典型案例",
    url_name="cases:cases",
    queryset=access.cases_for,
    columns=(
        lists.Column("title", "标题", link="cases:case_detail", sort=("title",)),
        lists.Column("unit", "报送单位", value="unit.name", sort=("unit_id",)),
        lists.Column("topic", "专题", value="get_topic_display", sort=("topic",)),
        lists.Column("period", "所属期间", value="period_label", sort=("period",), phone=False),
        lists.Column("task", "对应任务", value="task_label", phone=False),
        lists.Column("status", "状态", value="get_status_display", sort=("status",)),
        lists.Column("selected_for", "入选评估报告", value="selected_label", phone=False),
        lists.Column("entered_at", "报送时间", kind="datetime", sort=("entered_at",), phone=False),
    ),
    filters=(
        lists.Choice(
            "unit", "报送单位", field="unit_id", choices=_units(access.cases_for), all_label="全部单位"
        ),
        lists.Choice("topic", "专题", choices=Topic.choices, all_label="全部专题"),
        lists.Choice("period", "所属期间", choices=period_choices, all_label="全部期间"),
        lists.Choice("status", "状态", choices=CaseStatus.choices, all_label="全部状态"),
        lists.Choice(
            "selected", "入选评估报告", choices=_selected_choices, apply=_selected, all_label="不限"
        ),
    ),
    search=lists.Search(names=("title", "unit__name"), placeholder="标题或单位名称"),
    default_sort="-entered_at",
    empty="没有可查看的典型案例。",
)

PUBLICITY = lists.ListSpec(
    key="cases-publicity",
    title="示范区宣传",
    url_name="cases:publicity",
    queryset=access.promotions_for,
    columns=(
        lists.Column("held_on", "日期", kind="date", link="cases:publicity_detail", sort=("held_on",)),
        lists.Column("topic", "主题"),
        lists.Column("kind", "宣传方式", value="get_kind_display", sort=("kind",)),
        lists.Column("unit", "单位", value="unit.name", sort=("unit_id",), phone=False),
        lists.Column("place", "地点或媒体", phone=False),
        lists.Column("town", "镇（街道）", value=lambda r: r.town.name if r.town_id else "全县", phone=False),
        lists.Column("audience", "受众人数", kind="int", unit="人"),
        lists.Column("status", "审核状态", value="get_status_display", sort=("status",)),
    ),
    filters=(
        lists.Choice(
            "unit", "单位", field="unit_id", choices=_units(access.promotions_for), all_label="全部单位"
        ),
        lists.Choice("year", "年度", choices=year_choices, apply=_year, all_label="全部年度"),
        lists.Choice("kind", "宣传方式", choices=PromotionKind.choices, all_label="全部方式"),
        lists.Choice("status", "审核状态", choices=PromotionStatus.choices, all_label="全部状态"),
    ),
    search=lists.Search(names=("topic", "place", "unit__name"), placeholder="主题、地点或单位名称"),
    default_sort="-held_on",
    empty="没有可查看的示范区宣传记录。",
)
