"""The local-finance lists that can grow past a page, declared for the one list component (docs/lists.md).
Rows come only through `access.py`."""

from django.utils import timezone

from puhui.core import lists
from puhui.core.models import Division, Organisation
from puhui.localfin import access
from puhui.localfin.models import Board, Stage
from puhui.localfin.selectors.financing import FILTER_FIRST_YEAR, INSTRUMENTS, INVESTORS, year_range
from puhui.localfin.selectors.listing import days_in_stage
from puhui.localfin.selectors.orgs import insurer_outlets_open

Kind = Organisation.Kind
LOCAL_KIND_CHOICES = [(k, label) for k, label in Kind.choices if k in Organisation.LOCAL_FINANCE_KINDS]


def _towns(user, values):
    return list(Division.objects.filter(level=Division.Level.TOWN).order_by("code").values_list("pk", "name"))


ORGANISATIONS = lists.ListSpec(
    key="localfin-organisations",
    title="地方金融组织",
    url_name="localfin:organisations",
    queryset=lambda user: access.organisations_for(user),
    columns=(
        lists.Column("name", "名称", link="localfin:organisation", sort=("name",)),
        lists.Column("kind", "类型", value="get_kind_display"),
        lists.Column("licence_no", "许可证或批准文号", value="localfin_licence.licence_no", phone=False),
        lists.Column(
            "capital",
            "注册资本",
            value="localfin_licence.registered_capital",
            kind="money",
            unit="元",
            phone=False,
        ),
        lists.Column("division", "所在地", value="division.name", phone=False),
        lists.Column("opened_on", "开业日期", kind="date", sort=("opened_on",), phone=False),
        lists.Column("closed_on", "撤销日期", kind="date", phone=False),
    ),
    filters=(lists.Choice("kind", "类型", field="kind", choices=LOCAL_KIND_CHOICES, all_label="全部类型"),),
    search=lists.Search(names=("name", "short_name"), codes=("code", "uscc"), placeholder="名称或机构编码"),
    default_sort="name",
    empty="没有可查看的地方金融组织。",
)


def _insurer_outlets(user):
    if not access.sees_all(user):
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(insurer_outlets_open(timezone.localdate()))
        .select_related("parent", "division", "division__parent")
        .defer("division__boundary", "division__parent__boundary")
    )


def _insurers(user, values):
    return list(
        Organisation.objects.filter(kind=Kind.INSURER, level=Organisation.Level.BRANCH)
        .order_by("name")
        .values_list("pk", "name")
    )


INSURER_OUTLETS = lists.ListSpec(
    key="localfin-insurer-outlets",
    title="保险服务网点",
    url_name="localfin:insurance",
    queryset=_insurer_outlets,
    columns=(
        lists.Column("name", "网点", sort=("name",)),
        lists.Column(
            "insurer", "保险公司", value=lambda o: o.parent.short_name or o.parent.name if o.parent else ""
        ),
        lists.Column(
            "town",
            "镇（街道）",
            value=lambda o: (
                o.division.parent.name if o.division.level == Division.Level.VILLAGE else o.division.name
            ),
        ),
        lists.Column("division", "所在村（社区）", value="division.name", phone=False),
        lists.Column("opened_on", "开业日期", kind="date", sort=("opened_on",), phone=False),
    ),
    filters=(
        lists.Choice("insurer", "保险公司", field="parent_id", choices=_insurers, all_label="全部保险公司"),
        lists.Choice(
            "town", "镇（街道）", field="division__parent_id", choices=_towns, all_label="全部镇（街道）"
        ),
    ),
    search=lists.Search(names=("name",), placeholder="网点名称"),
    default_sort="name",
    empty="没有在营的保险服务网点。",
)


# ---------------------------------------------------------------- the listing pipeline

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
        lists.Choice(
            "town", "镇（街道）", field="enterprise__town_id", choices=_towns, all_label="全部镇（街道）"
        ),
    ),
    search=lists.Search(
        prefix=("enterprise__name",),
        codes=("enterprise__uscc",),
        placeholder="企业名称（从头开始）或统一社会信用代码",
    ),
    default_sort="name",
    empty="没有符合条件的上市后备企业。",
)


# ---------------------------------------------------------------- direct financing


def _years(user, values):
    return [(y, f"{y}年") for y in range(timezone.localdate().year, FILTER_FIRST_YEAR - 1, -1)]


def _in_year(day_field: str):
    def apply(qs, value, user):
        start, end = year_range(int(value), int(value))
        return qs.filter(**{f"{day_field}__gte": start, f"{day_field}__lte": end})

    return apply


def _edit_column(url_name: str) -> lists.Column:
    return lists.Column(
        "edit", "操作", value=lambda row: "修改", link=url_name, export=False, show=access.can_manage
    )


FIRM_SEARCH = lists.Search(prefix=("enterprise__name",), placeholder="企业名称（从头开始）")

BONDS = lists.ListSpec(
    key="localfin_bonds",
    title="债券和债务融资工具发行",
    url_name="localfin:bonds",
    queryset=access.bonds_for,
    columns=(
        lists.Column("firm", "发行企业", value="enterprise.name", sort=("enterprise__name",)),
        lists.Column("instrument", "品种", value="get_instrument_display", sort=("instrument",)),
        lists.Column("amount", "发行金额", kind="money", unit="元", sort=("amount",)),
        lists.Column("rate", "票面利率", kind="decimal", unit="%", sort=("rate",)),
        lists.Column("term_months", "期限", kind="int", unit="月", sort=("term_months",)),
        lists.Column("issued_on", "发行日期", kind="date", sort=("issued_on",)),
        lists.Column("matures_on", "到期日期", kind="date", sort=("matures_on",), phone=False),
        lists.Column("underwriter", "主承销商", phone=False),
        _edit_column("localfin:bond_edit"),
    ),
    filters=(
        lists.Choice("instrument", "品种", choices=INSTRUMENTS, all_label="全部品种"),
        lists.Choice("year", "发行年度", choices=_years, apply=_in_year("issued_on"), all_label="全部年度"),
    ),
    search=FIRM_SEARCH,
    default_sort="-issued_on",
    empty="没有符合条件的债券发行记录。",
)

EQUITY = lists.ListSpec(
    key="localfin_equity",
    title="股权融资",
    url_name="localfin:equity",
    queryset=access.equity_for,
    columns=(
        lists.Column("firm", "融资企业", value="enterprise.name", sort=("enterprise__name",)),
        lists.Column(
            "investor_kind", "投资方类型", value="get_investor_kind_display", sort=("investor_kind",)
        ),
        lists.Column("investor", "投资方"),
        lists.Column("amount", "融资金额", kind="money", unit="元", sort=("amount",)),
        lists.Column("closed_on", "到位日期", kind="date", sort=("closed_on",)),
        lists.Column("fund_project", "“基金+产业”项目", phone=False),
        _edit_column("localfin:equity_edit"),
    ),
    filters=(
        lists.Choice("investor_kind", "投资方类型", choices=INVESTORS, all_label="全部类型"),
        lists.Choice("year", "到位年度", choices=_years, apply=_in_year("closed_on"), all_label="全部年度"),
        lists.Boolean(
            "fund",
            "“基金+产业”",
            yes="“基金+产业”项目",
            no="其他",
            apply=lambda qs, value, user: (
                qs.exclude(fund_project="") if value else qs.filter(fund_project="")
            ),
        ),
    ),
    search=FIRM_SEARCH,
    default_sort="-closed_on",
    empty="没有符合条件的股权融资记录。",
)
