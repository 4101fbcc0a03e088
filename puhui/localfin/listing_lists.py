"""The listing pipeline's firms as a list (puhui/core/lists.py): filters, sorting, keyset pages and the Excel
export. Rows come only from `access.candidates_for`."""

from puhui.core import lists
from puhui.core.models import Division
from puhui.localfin import access
from puhui.localfin.models import Board, Stage
from puhui.localfin.selectors.listing import days_in_stage


def _towns(user, values):
    return [(t.pk, t.name) for t in Division.objects.filter(level=Division.Level.TOWN).order_by("code")]


CANDIDATES = lists.ListSpec(
    key="listing_candidates",
    title="上市后备企业库",
    url_name="localfin:listing_firms",
    queryset=access.candidates_for,
    columns=(
        lists.Column(
            "name",
            "企业名称",
            value="enterprise.name",
            link="localfin:candidate_detail",
            sort=("enterprise__name",),
        ),
        lists.Column("uscc", "统一社会信用代码", value="enterprise.uscc", phone=False),
        lists.Column(
            "town", "所在镇（街道）", value="enterprise.town.name", sort=("enterprise__town_id",), phone=False
        ),
        lists.Column("stage", "所处阶段", value="get_stage_display", sort=("stage",)),
        lists.Column("board", "目标板块", value="get_board_display", sort=("board",), phone=False),
        lists.Column("days", "本阶段已用", value=days_in_stage, kind="int", unit="天"),
        lists.Column("deadline", "本阶段计划完成日期", kind="date", sort=("deadline",)),
    ),
    filters=(
        lists.Choice("stage", "所处阶段", choices=Stage.choices),
        lists.Choice("board", "目标板块", choices=Board.choices),
        lists.Choice("town", "镇（街道）", field="enterprise__town_id", choices=_towns),
    ),
    search=lists.Search(
        prefix=("enterprise__name",),
        codes=("enterprise__uscc",),
        placeholder="企业名称（从头开始）或统一社会信用代码",
    ),
    default_sort="name",
    empty="没有符合条件的上市后备企业。",
)
