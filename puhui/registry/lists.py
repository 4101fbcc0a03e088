"""The roster lists (households, firms) declared for the list component (puhui/core/lists.py).

Rows come only from `access`; choices are limited to the user's scope. Personal data is masked on screen
and in the export; an ID number or phone is searched by its keyed hash only.
"""

from puhui.core import lists
from puhui.core.models import User
from puhui.registry import selectors
from puhui.registry.access import firms_for, households_for
from puhui.registry.models import Firm, Household

Role = User.Role


def _towns(user, values):
    return [(t.pk, t.name) for t in selectors.towns_in_scope(user)]


def _villages(user, values):
    """The chosen town's villages, or all in scope when the scope is one town or an agent's few villages
    (the county's 600-odd would make a useless list)."""
    villages = selectors.household_villages_in_scope(user)
    if values.get("town"):
        villages = villages.filter(parent_id=values["town"])
    elif user.role not in {Role.TOWN, Role.AGENT}:
        return []
    return list(villages.values_list("pk", "name"))


def agent_villages(qs, user):
    """An agent's scope again, as literal village ids: PostgreSQL cannot estimate `IN (subquery)` and walks
    a whole sort index for the last page (1.4 s at demo scale 10); with the ids it reads the few villages."""
    if user.role != Role.AGENT:
        return qs
    return qs.filter(village_id__in=list(user.villages.values_list("pk", flat=True)))


def _households(user):
    qs = households_for(user).select_related("village", "town").defer("village__boundary", "town__boundary")
    return agent_villages(qs, user)


def _masked(households, request):
    # Templates and the export get masked views, never model instances holding clear numbers.
    return [selectors.MaskedHousehold(h) for h in households]


HOUSEHOLDS = lists.ListSpec(
    key="households",
    title="农户名录",
    url_name="household_list",
    search_url="household_lookup",
    queryset=_households,
    columns=(
        lists.Column("code", "户编号", link="household_detail", sort=("code",)),
        lists.Column("head_name", "户主", sort=("head_name",)),
        lists.Column("head_id_number", "身份证号", personal="id_number"),
        lists.Column("phone", "联系电话", personal="phone", phone=False),
        lists.Column("town", "镇（街道）", value="town.name", phone=False, sort=("town_id", "village_id")),
        lists.Column("village", "村（社区）", value="village.name", sort=("village_id",)),
        lists.Column("is_farm", "农户", kind="bool", phone=False),
        lists.Column("main_activity", "主要经营", phone=False),
        lists.Column("size", "家庭人口", kind="int", unit="人", phone=False),
    ),
    filters=(
        lists.Choice("town", "镇（街道）", field="town_id", choices=_towns),
        lists.Choice("village", "村（社区）", field="village_id", choices=_villages, depends="town"),
        lists.Boolean("farm", "农户", field="is_farm", yes="农户", no="非农户", all_label="农户与非农户"),
        lists.Choice(
            "activity",
            "主要经营",
            field="main_activity",
            choices=lambda user, values: [(a, a) for a in selectors.main_activities()],
            all_label="全部经营类型",
        ),
        # Dissolved households stay on the roster (their history counts on past dates).
        lists.Choice("status", "状态", choices=Household.Status.choices, all_label="现存与已注销"),
    ),
    search=lists.Search(
        prefix=("head_name",),
        codes=("code",),
        personal=("head_id_hash", "phone_hash"),
        placeholder="户主姓名（从姓开始）、户编号或完整身份证号/手机号",
    ),
    default_sort="town",
    prepare=_masked,
    empty="没有符合条件的农户。",
)


def _firm_towns(user, values):
    return [(t.pk, t.name) for t in selectors.firm_towns_in_scope(user)]


FIRMS = lists.ListSpec(
    key="firms",
    title="市场主体名录",
    url_name="firm_list",
    queryset=lambda user: (
        firms_for(user).select_related("village", "town").defer("village__boundary", "town__boundary")
    ),
    columns=(
        lists.Column("uscc", "统一社会信用代码", sort=("uscc",), phone=False),
        lists.Column("name", "名称", link="firm_detail", sort=("name",)),
        lists.Column("kind", "类型", value="get_kind_display"),
        lists.Column("industry", "行业", phone=False),
        lists.Column("town", "镇（街道）", value="town.name", phone=False),
        lists.Column("village", "村（社区）", value="village.name"),
        lists.Column("registered_on", "成立日期", kind="date", sort=("registered_on",), phone=False),
        lists.Column("deregistered_on", "注销日期", kind="date", sort=("deregistered_on",), phone=False),
        lists.Column("employees", "从业人数", kind="int", unit="人", sort=("employees",), phone=False),
        lists.Column("annual_revenue", "年营业收入", kind="money", unit="元", phone=False),
    ),
    filters=(
        lists.Choice("town", "镇（街道）", field="town_id", choices=_firm_towns),
        lists.Choice("kind", "类型", choices=Firm.Kind.choices, all_label="全部类型"),
        lists.Boolean(
            "active",
            "状态",
            apply=lambda qs, value, user: qs.filter(deregistered_on__isnull=value),
            yes="存续",
            no="已注销",
            all_label="存续与已注销",
        ),
        lists.Choice(
            "industry",
            "行业",
            choices=lambda user, values: [(i, i) for i in selectors.firm_industries()],
            all_label="全部行业",
        ),
    ),
    search=lists.Search(
        names=("name",),
        codes=("uscc",),
        code_pattern=r"^[0-9A-Za-z]{18}$",
        placeholder="名称或统一社会信用代码",
    ),
    default_sort="uscc",
    empty="没有符合条件的市场主体。",
)
