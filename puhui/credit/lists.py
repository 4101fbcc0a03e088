"""The credit lists (archive work list, pre-credit lines) declared for the list component
(puhui/core/lists.py). Rows come only from `access`; households are shown by name and village, their ID
numbers and phones are searched by keyed hash only and never loaded for these lists.
"""

from puhui.core import lists
from puhui.core.access import organisations_for
from puhui.core.models import Organisation, User
from puhui.credit import access
from puhui.credit.models import HouseholdArchive, PreCreditLine
from puhui.registry import selectors as registry_selectors
from puhui.registry.lists import agent_villages

Role = User.Role
# Encrypted columns the lists never show: not decrypted for nothing.
PERSONAL = ("head_id_number", "phone")


def _towns(user, values):
    if user.role not in {Role.OFFICE, Role.ADMIN}:
        return []
    return [(t.pk, t.name) for t in registry_selectors.towns_in_scope(user)]


def _villages(user, values):
    villages = registry_selectors.household_villages_in_scope(user)
    if values.get("town"):
        return list(villages.filter(parent_id=values["town"]).values_list("pk", "name"))
    if user.role in {Role.TOWN, Role.AGENT}:
        return list(villages.values_list("pk", "name"))
    return []


TOWN = lists.Choice("town", "镇（街道）", field="town_id", choices=_towns)
VILLAGE = lists.Choice("village", "村（社区）", field="village_id", choices=_villages, depends="town")


# ----- the archive work list


def _worklist_rows(user):
    qs = access.credit_households_for(user).select_related("village", "archive")
    return agent_villages(qs.defer(*PERSONAL, "village__boundary"), user)


def _archive_status(h) -> str:
    archive = getattr(h, "archive", None)
    return archive.get_status_display() if archive else "未建档"


def _archive_statuses(user, values):
    """A bank's customers all have an archive (one it verified, or one a line it offered needs), so a bank is
    not offered 未建档: the choice could only ever show nothing (and costs seconds to prove it at scale)."""
    statuses = list(HouseholdArchive.Status.choices)
    return statuses if access.bank_ids(user) else [("none", "未建档"), *statuses]


def _archive_filter(qs, value, user):
    if value == "none":
        return qs.filter(archive__isnull=True)
    few = access.bank_customers_with_archive_status(user, value)
    return qs.filter(pk__in=few) if few is not None else qs.filter(archive__status=value)


def _completeness(h):
    archive = getattr(h, "archive", None)
    return archive.completeness if archive else None


WORKLIST = lists.ListSpec(
    key="credit-worklist",
    title="农户信用档案",
    url_name="credit_worklist",
    queryset=_worklist_rows,
    columns=(
        lists.Column("head_name", "户主", link="credit_household", sort=("head_name",)),
        lists.Column("code", "户编号", sort=("code",), phone=False),
        lists.Column("village", "村（社区）", value="village.name", sort=("village_id",)),
        lists.Column("status", "档案状态", value=_archive_status),
        lists.Column("completeness", "完整度", value=_completeness, kind="int", unit="%", phone=False),
        lists.Column("action", "操作", template="credit/_worklist_action.html", export=False),
    ),
    filters=(
        lists.Choice(
            "status",
            "档案状态",
            choices=_archive_statuses,
            apply=_archive_filter,
            all_label="全部档案状态",
        ),
        TOWN,
        VILLAGE,
    ),
    search=lists.Search(
        prefix=("head_name",),
        codes=("code",),
        personal=("head_id_hash", "phone_hash"),
        placeholder="户主姓名（从姓开始）、户编号或完整身份证号/手机号",
    ),
    default_sort="code",  # the code leads with the village's code: village order off the unique index
    empty="没有农户。",
)


# ----- pre-credit lines


def _line_rows(user):
    qs = access.lines_list_for(user).select_related("household", "village", "bank")
    return agent_villages(qs.defer(*(f"household__{f}" for f in PERSONAL), "village__boundary"), user)


def _banks(user, values):
    """County branches of the banks (a bank user sees its own lines only: no choice to make)."""
    if user.role == Role.INSTITUTION:
        return []
    banks = organisations_for(user).filter(
        kind__in=Organisation.FINANCIAL_KINDS, level=Organisation.Level.BRANCH
    )
    return [(o.pk, o.short_name or o.name) for o in banks.order_by("name")]


def _bank_filter(qs, value, user):
    org = Organisation.objects.filter(pk=value).only("path").first()
    if org is None:
        return qs.none()
    # The branch and its offices as literal ids: the planner then knows from its statistics how many lines
    # each has (a join on the path made it walk every line for a bank with none: 1.7 s at demo scale 10).
    banks = Organisation.objects.filter(path__startswith=org.path).values_list("pk", flat=True)
    return qs.filter(bank_id__in=list(banks))


LINES = lists.ListSpec(
    key="credit-lines",
    title="预授信清单",
    url_name="credit_lines",
    queryset=_line_rows,
    columns=(
        lists.Column(
            "household", "农户", value="household.head_name", link=("credit_household", "household_id")
        ),
        lists.Column("code", "户编号", value="household.code", phone=False),
        lists.Column("village", "村（社区）", value="village.name", phone=False),
        lists.Column("bank", "授信银行", value=lambda line: line.bank.short_name or line.bank.name),
        lists.Column("limit", "授信额度", kind="money", unit="元", sort=("limit",)),
        lists.Column("outstanding", "用信余额", kind="money", unit="元", phone=False),
        lists.Column("status", "状态", value="get_status_display"),
        lists.Column("valid_until", "有效期至", kind="date", sort=("valid_until",), phone=False),
        lists.Column("offered_at", "授信日期", kind="date", sort=("offered_at",), phone=False),
    ),
    filters=(
        lists.Choice("status", "状态", choices=PreCreditLine.Status.choices, all_label="全部状态"),
        lists.Expiry("expiry", "有效期", field="valid_until", all_label="全部有效期"),
        lists.Choice("bank", "授信银行", choices=_banks, apply=_bank_filter, all_label="全部银行"),
        TOWN,
        VILLAGE,
    ),
    search=lists.Search(
        prefix=("household__head_name",),
        codes=("household__code",),
        personal=("household__head_id_hash", "household__phone_hash"),
        placeholder="户主姓名（从姓开始）、户编号或完整身份证号/手机号",
    ),
    default_sort="-offered_at",
    empty="没有预授信。",
)


# ----- who opened which archive (the office)


ACCESS_LOG = lists.ListSpec(
    key="credit-access-log",
    title="信用档案查阅记录",
    url_name="credit_access_log",
    queryset=access.archive_access_log_for,
    columns=(
        lists.Column("at", "时间", kind="datetime", sort=("at",)),
        lists.Column("actor", "人员", value="actor_label"),
        lists.Column("object", "档案", value="object_repr"),
        lists.Column("note", "说明", phone=False),
        lists.Column("ip", "IP地址", value="ip_address", phone=False),
    ),
    filters=(
        lists.Param("household", "农户", field="object_id"),
        lists.DateRange("date", "日期", field="at", datetimes=True),
    ),
    search=lists.Search(names=("actor_label", "object_repr"), placeholder="人员或档案"),
    default_sort="-at",
    empty="没有记录。",
)
