"""The outreach lists, declared for the one list component (docs/lists.md), each with filters by bank, year and
type and an Excel export with Chinese headers. Rows come only through `access.py`."""

import datetime

from puhui.core import lists
from puhui.outreach import access
from puhui.outreach.models import Audience, Channel, PlaceType, Status
from puhui.outreach.selectors.records import year_choices


def _banks(user, values):
    return [(b.pk, b.name) for b in access.banks_for(user).order_by("name")]


def _year(field):
    """A year as a date range on `field` (its index serves it), or the `year` column itself."""

    def apply(qs, value, user):
        year = int(value)
        if field == "year":
            return qs.filter(year=year)
        return qs.filter(
            **{f"{field}__gte": datetime.date(year, 1, 1), f"{field}__lte": datetime.date(year, 12, 31)}
        )

    return apply


STATUS = lists.Choice("status", "审核状态", choices=Status.choices, all_label="全部状态")
YEAR_EVENTS = lists.Choice("year", "年度", choices=year_choices, apply=_year("held_on"), all_label="全部年度")

EVENTS = lists.ListSpec(
    key="outreach-events",
    title="流动银行“三进”活动",
    url_name="outreach:events",
    queryset=access.events_for,
    columns=(
        lists.Column("held_on", "活动日期", kind="date", link="outreach:event_detail", sort=("held_on",)),
        lists.Column("bank", "银行", value="bank.name", sort=("bank_id",)),
        lists.Column("place_type", "地点类型", value="get_place_type_display", sort=("place_type",)),
        lists.Column("town", "镇（街道）", value="town.name", phone=False),
        lists.Column("place", "具体地点", phone=False),
        lists.Column("services", "提供的服务", value="service_labels", phone=False),
        lists.Column("people_served", "服务人数", kind="int", unit="人", sort=("people_served",)),
        lists.Column("status", "审核状态", value="get_status_display", sort=("status",)),
    ),
    filters=(
        lists.Choice("bank", "银行", field="bank_id", choices=_banks, all_label="全部银行"),
        YEAR_EVENTS,
        lists.Choice("place_type", "地点类型", choices=PlaceType.choices, all_label="全部类型"),
        STATUS,
    ),
    search=lists.Search(names=("place", "bank__name"), placeholder="地点或银行名称"),
    default_sort="-held_on",
    empty="没有可查看的流动银行活动。",
)

PUBLICITY = lists.ListSpec(
    key="outreach-publicity",
    title="金融知识宣传活动",
    url_name="outreach:publicity",
    queryset=access.publicity_for,
    columns=(
        lists.Column("held_on", "活动日期", kind="date", link="outreach:publicity_detail", sort=("held_on",)),
        lists.Column("topic", "宣传主题"),
        lists.Column("channel", "宣传渠道", value="get_channel_display", sort=("channel",)),
        lists.Column("audience_group", "宣传对象", value="get_audience_group_display", phone=False),
        lists.Column("organiser", "组织单位", value="organiser_name", phone=False),
        lists.Column("town", "镇（街道）", value=lambda r: r.town.name if r.town_id else "全县", phone=False),
        lists.Column("audience", "受众人数", kind="int", unit="人", sort=("audience",)),
        lists.Column("status", "审核状态", value="get_status_display", sort=("status",)),
    ),
    filters=(
        lists.Choice("bank", "组织银行", field="organiser_id", choices=_banks, all_label="全部单位"),
        lists.Choice("year", "年度", choices=year_choices, apply=_year("held_on"), all_label="全部年度"),
        lists.Choice("channel", "宣传渠道", choices=Channel.choices, all_label="全部渠道"),
        lists.Choice("audience_group", "宣传对象", choices=Audience.choices, all_label="全部对象"),
        STATUS,
    ),
    search=lists.Search(names=("topic",), placeholder="宣传主题"),
    default_sort="-held_on",
    empty="没有可查看的宣传活动。",
)

SCHOOLS = lists.ListSpec(
    key="outreach-schools",
    title="校园金融知识教育基地",
    url_name="outreach:schools",
    queryset=access.schools_for,
    columns=(
        lists.Column("school", "学校", link="outreach:school_detail", sort=("school",)),
        lists.Column("year", "年度", kind="int", unit="年", sort=("year",)),
        lists.Column("town", "镇（街道）", value="town.name", phone=False),
        lists.Column("bank", "对接金融机构", value=lambda r: r.bank.name if r.bank_id else "—", phone=False),
        lists.Column("lectures", "专题讲座", kind="int", unit="次"),
        lists.Column("practice_days", "社会实践和职业体验", kind="int", unit="天", phone=False),
        lists.Column("teachers_trained", "培训教师", kind="int", unit="人", phone=False),
        lists.Column("status", "审核状态", value="get_status_display", sort=("status",)),
    ),
    filters=(
        lists.Choice("bank", "对接金融机构", field="bank_id", choices=_banks, all_label="全部机构"),
        lists.Choice("year", "年度", choices=year_choices, apply=_year("year"), all_label="全部年度"),
        STATUS,
    ),
    search=lists.Search(names=("school",), placeholder="学校名称"),
    default_sort="-year",
    empty="没有可查看的教育基地记录。",
)
