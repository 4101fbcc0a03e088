"""The core's lists declared for the list component (puhui/core/lists.py): divisions, organisations,
service points, users and the audit log. Rows come only from `core.access`."""

from django.apps import apps
from django.core.cache import cache
from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from puhui.core import lists
from puhui.core.access import (
    audit_logs_for,
    divisions_for,
    organisations_for,
    service_points_for,
    users_for,
)
from puhui.core.lockout import locked_usernames
from puhui.core.models import AuditLog, Division, Organisation, User

Role = User.Role
# A division's map outline: large JSON the lists never show, so never read for them.
SHAPE = ("boundary",)


def _towns_by_id(user, values):
    return list(divisions_for(user).filter(level=Division.Level.TOWN).values_list("pk", "name"))


def _url_or_none(name: str, pk) -> str | None:
    """A link into an app that may not be installed here (the service point page is the registry's)."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


# ----- 行政区划: the villages, by town


def _towns_by_code(user, values):
    towns = divisions_for(user).filter(level=Division.Level.TOWN).annotate(n=Count("children"))
    return [(t.code, f"{t.name}（{t.n}）") for t in towns.order_by("code")]


DIVISIONS = lists.ListSpec(
    key="divisions",
    title="行政区划",
    url_name="division_list",
    queryset=lambda user: (
        divisions_for(user)
        .filter(level=Division.Level.VILLAGE)
        .select_related("parent")
        .defer(*SHAPE, *(f"parent__{f}" for f in SHAPE))
    ),
    columns=(
        lists.Column("code", "区划代码", sort=("code",)),
        lists.Column("name", "名称", sort=("name",)),
        lists.Column("kind", "类型", value="get_kind_display", phone=False),
        lists.Column("town", "所属镇（街道）", value="parent.name", sort=("parent_id",)),
        lists.Column("population", "户籍人口", kind="int", unit="人", sort=("population",)),
        lists.Column("households", "户数", kind="int", unit="户", sort=("households",), phone=False),
        lists.Column(
            "farm_households", "农户数", kind="int", unit="户", sort=("farm_households",), phone=False
        ),
    ),
    filters=(lists.Choice("town", "镇（街道）", field="parent__code", choices=_towns_by_code),),
    search=lists.Search(
        names=("name",),
        codes=("code__startswith",),
        code_pattern=r"^\d{1,12}$",
        placeholder="村（社区）名称或区划代码",
    ),
    default_sort="code",
    empty="没有符合条件的区划。",
)


# ----- 机构与网点


ORGANISATIONS = lists.ListSpec(
    key="organisations",
    title="机构与网点",
    url_name="organisation_list",
    queryset=lambda user: (
        organisations_for(user).select_related("parent", "division").defer("division__boundary")
    ),
    columns=(
        lists.Column("name", "名称", link="organisation_detail", sort=("name",)),
        lists.Column("kind", "类型", value="get_kind_display", sort=("kind",)),
        lists.Column("level", "层级", value="get_level_display", phone=False),
        lists.Column("parent", "上级机构", value="parent.name", phone=False),
        lists.Column("division", "所在地", value="division.name", phone=False),
        lists.Column("opened_on", "开业日期", kind="date", sort=("opened_on",), phone=False),
        lists.Column("closed_on", "撤销日期", kind="date", phone=False, screen=False),
        lists.Column("code", "机构编码", screen=False),
    ),
    filters=(
        lists.Choice("kind", "类型", choices=Organisation.Kind.choices, all_label="全部类型"),
        lists.Choice("level", "层级", choices=Organisation.Level.choices, all_label="全部层级"),
    ),
    search=lists.Search(
        names=("name", "short_name"),
        codes=("code", "uscc"),
        code_pattern=r"^[0-9A-Za-z-]{4,}$",
        placeholder="机构名称、简称或编码",
    ),
    default_sort="name",
    empty="没有可查看的机构。",
)


# ----- 助农取款服务点


def _point_banks(user, values):
    if user.role == Role.INSTITUTION:
        return []
    banks = organisations_for(user).filter(
        kind__in=Organisation.FINANCIAL_KINDS, level=Organisation.Level.BRANCH
    )
    return [(o.pk, o.short_name or o.name) for o in banks.order_by("name")]


def _point_bank_filter(qs, value, user):
    org = organisations_for(user).filter(pk=value).only("path").first()
    return qs.filter(bank__path__startswith=org.path) if org else qs.none()


SERVICE_POINTS = lists.ListSpec(
    key="service-points",
    title="助农取款服务点",
    url_name="servicepoint_list",
    queryset=lambda user: (
        service_points_for(user)
        .select_related("bank", "village", "village__parent")
        .defer("village__boundary", "village__parent__boundary")
    ),
    columns=(
        lists.Column("code", "编号", sort=("code",), phone=False),
        lists.Column(
            "name", "名称", link=lambda p: _url_or_none("service_point_detail", p.pk), sort=("name",)
        ),
        lists.Column("bank", "签约银行", value=lambda p: p.bank.short_name or p.bank.name),
        lists.Column("town", "镇（街道）", value="village.parent.name", phone=False),
        lists.Column("village", "村（社区）", value="village.name", sort=("village_id",)),
        lists.Column(
            "functions", "功能", value=lambda p: "、".join(p.function_labels), phone=False, css="small"
        ),
        lists.Column("status", "状态", value="status_label"),
        lists.Column("opened_on", "设立日期", kind="date", sort=("opened_on",), phone=False),
    ),
    filters=(
        lists.Boolean(
            "station",
            "普惠金融服务站",
            field="is_station",
            yes="已升级为普惠金融服务站",
            no="未升级",
            all_label="是否服务站：全部",
        ),
        lists.Choice("town", "镇（街道）", field="village__parent_id", choices=_towns_by_id),
        lists.Choice(
            "bank", "签约银行", choices=_point_banks, apply=_point_bank_filter, all_label="全部银行"
        ),
    ),
    search=lists.Search(
        names=("name",), codes=("code",), code_pattern=r"^[0-9A-Za-z-]+$", placeholder="服务点名称或编号"
    ),
    default_sort="code",
    empty="没有可查看的服务点。",
)


# ----- 用户管理


def _with_lock_state(users, request):
    locked = locked_usernames(u.username for u in users)
    for u in users:
        u.is_locked = u.username in locked
    return users


def _account_state(u) -> str:
    if not u.is_active:
        return "停用"
    state = "已锁定" if getattr(u, "is_locked", False) else "正常"
    return f"{state}，待改密" if u.must_change_password else state


USERS = lists.ListSpec(
    key="users",
    title="用户",
    url_name="user_list",
    queryset=lambda user: users_for(user).select_related("organisation", "town").defer("town__boundary"),
    columns=(
        lists.Column("username", "用户名", link="user_edit", sort=("username",)),
        lists.Column("display_name", "姓名", sort=("display_name",)),
        lists.Column("role", "角色", value="get_role_display", sort=("role", "username")),
        lists.Column(
            "unit",
            "机构 / 镇（街道）",
            value=lambda u: (
                (u.organisation.name if u.organisation_id else "") or (u.town.name if u.town_id else "")
            ),
            phone=False,
        ),
        lists.Column("state", "状态", value=_account_state, template="core/_user_state.html"),
        lists.Column("last_login", "最近登录", kind="datetime", sort=("last_login",), phone=False),
        lists.Column("actions", "操作", template="core/_user_actions.html", export=False),
    ),
    filters=(
        lists.Choice("role", "角色", choices=Role.choices, all_label="全部角色"),
        lists.Boolean("active", "账号状态", field="is_active", yes="正常", no="停用", all_label="全部账号"),
    ),
    search=lists.Search(names=("username", "display_name"), placeholder="用户名或姓名"),
    default_sort="role",
    prepare=_with_lock_state,
    empty="没有用户。",
)


# ----- 操作日志


def object_type_label(object_type: str) -> str:
    """ "core.User" → "用户": the model's Chinese name, or the stored text when the model is gone."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def _object_types(user, values):
    types = cache.get("core:audit_object_types")
    if types is None:
        types = sorted(AuditLog.objects.values_list("object_type", flat=True).distinct().order_by())
        cache.set("core:audit_object_types", types, 600)
    return sorted(((t, object_type_label(t)) for t in types if t), key=lambda pair: pair[1])


def _object(log) -> str:
    label = object_type_label(log.object_type) if log.object_type else ""
    number = f" {log.object_id}号" if log.object_id else ""
    return f"{label}{number} {log.object_repr}".strip()


AUDIT_LOG = lists.ListSpec(
    key="audit",
    title="操作日志",
    url_name="audit_list",
    queryset=audit_logs_for,
    columns=(
        lists.Column("at", "时间", kind="datetime", sort=("at",)),
        lists.Column("actor", "操作人", value="actor_label"),
        lists.Column("action", "操作", value="get_action_display"),
        lists.Column("object", "对象", value=_object),
        lists.Column("ip", "IP地址", value="ip_address", phone=False),
        lists.Column("note", "说明", phone=False),
        lists.Column("changes", "变更", template="core/_audit_changes.html", export=False, phone=False),
        lists.Column("before", "修改前", screen=False),
        lists.Column("after", "修改后", screen=False),
    ),
    filters=(
        lists.Choice("action", "操作", choices=AuditLog.Action.choices, all_label="全部操作"),
        lists.Choice("object_type", "对象类型", choices=_object_types, all_label="全部对象类型"),
        lists.DateRange("date", "日期", field="at", datetimes=True),
    ),
    search=lists.Search(names=("actor_label", "object_repr"), placeholder="操作人或对象名称"),
    default_sort="-at",
    count_cap=10_000,
    empty="没有记录。",
)
