"""The firms' lists, declared for the one list component (docs/lists.md). Rows come only through `access.py`:
for a bank the list is its work list — the firms whose authorisation of it is in force, with their ratings."""

from puhui.core import lists
from puhui.core.models import Division
from puhui.firms import access, catalogue
from puhui.firms.models import FirmRating
from puhui.registry.models import Firm


def _with_ratings(rows, request):
    """The current rating of each firm on the page (one query per page)."""
    rows = list(rows)
    ratings = {
        r.firm_id: r
        for r in FirmRating.objects.filter(firm_id__in=[f.pk for f in rows], is_current=True).order_by(
            "rated_on"
        )
    }
    for firm in rows:
        firm.rating = ratings.get(firm.pk)
    return rows


def _grade(firm) -> str:
    return firm.rating.grade if firm.rating else "未评级"


def _score(firm):
    return firm.rating.score if firm.rating else None


def _towns(user, values):
    return [(t.pk, t.name) for t in Division.objects.filter(level=Division.Level.TOWN).order_by("code")]


FIRMS = lists.ListSpec(
    key="firms-profiles",
    title="企业信用画像",
    url_name="firms:list",
    queryset=access.firms_for,
    columns=(
        lists.Column("name", "企业名称", link="firms:profile", sort=("name",)),
        lists.Column("uscc", "统一社会信用代码", phone=False),
        lists.Column("kind", "类型", value="get_kind_display", phone=False),
        lists.Column("town", "镇（街道）", value="town.name", phone=False),
        lists.Column("grade", "信用等级", value=_grade),
        lists.Column("score", "评分", value=_score, kind="decimal", unit="分"),
    ),
    filters=(
        lists.Choice("town", "镇（街道）", field="town_id", choices=_towns, all_label="全部镇（街道）"),
        lists.Choice("kind", "类型", choices=Firm.Kind.choices, all_label="全部类型"),
    ),
    search=lists.Search(names=("name", "uscc"), placeholder="企业名称或统一社会信用代码"),
    default_sort="name",
    prepare=_with_ratings,
    empty="没有可查看的企业。银行只能查看授权本行且授权仍在有效期内的企业。",
)


def _source_name(upload) -> str:
    source = catalogue.source(upload.source)
    return source.name if source else upload.source


UPLOADS = lists.ListSpec(
    key="firms-uploads",
    title="部门共享企业信息",
    url_name="firms:uploads",
    queryset=access.uploads_for,
    columns=(
        lists.Column("source", "信息来源", value=_source_name, link="firms:upload_detail", sort=("source",)),
        lists.Column("period", "期间", value=lambda u: f"{u.period:%Y年%m月}", sort=("period",)),
        lists.Column("organisation", "报送部门", value="organisation.name", phone=False),
        lists.Column("rows", "文件行数", kind="int", unit="行"),
        lists.Column("matched", "匹配企业", kind="int", unit="户"),
        lists.Column("unmatched", "未匹配", value=lambda u: len(u.unmatched), kind="int", unit="行"),
        lists.Column("uploaded_at", "上传时间", kind="datetime", sort=("uploaded_at",), phone=False),
    ),
    filters=(
        lists.Choice(
            "source",
            "信息来源",
            choices=lambda user, values: [(s.code, s.name) for s in catalogue.sources().values()],
            all_label="全部来源",
        ),
    ),
    default_sort="-uploaded_at",
    empty="还没有部门上传企业信息。",
)
