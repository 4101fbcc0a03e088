"""The demand list, declared for the one list component (docs/lists.md): filters by state and town, a
search by firm name, an Excel export with Chinese headers. Rows come only through `access.py`."""

from puhui.core import lists
from puhui.core.models import Division
from puhui.financing import access
from puhui.financing.models import Demand


def _towns(user, values):
    return [(t.pk, t.name) for t in Division.objects.filter(level="town").order_by("code")]


DEMANDS = lists.ListSpec(
    key="financing-demands",
    title="融资需求",
    url_name="financing:demands",
    queryset=access.demands_for,
    columns=(
        lists.Column("posted_on", "发布日期", kind="date", link="financing:demand", sort=("posted_on",)),
        lists.Column("firm", "企业", value="firm.name"),
        lists.Column("town", "镇（街道）", value="firm.town.name", phone=False),
        lists.Column("amount", "申请金额", kind="money", unit="元", sort=("amount",)),
        lists.Column("term", "申请期限", kind="int", unit="个月", phone=False),
        lists.Column("purpose", "资金用途", phone=False),
        lists.Column("status", "状态", value="get_status_display", sort=("status",)),
    ),
    filters=(
        lists.Choice("status", "状态", choices=Demand.Status.choices, all_label="全部状态"),
        lists.Choice("town", "镇（街道）", field="firm__town_id", choices=_towns, all_label="全部镇（街道）"),
    ),
    search=lists.Search(names=("firm__name",), placeholder="企业名称"),
    default_sort="-posted_on",
    empty="没有可查看的融资需求。",
)
