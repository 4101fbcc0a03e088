"""The stations' lists, declared for the one list component (docs/lists.md): search, filters, true counts and an
Excel export with Chinese headers. Rows come only through `access.py`."""

import datetime

from django.utils import timezone

from puhui.core import lists
from puhui.core.models import Division
from puhui.stations import access, rules
from puhui.stations.models import SceneKind


def _banks(user, values):
    banks = access.county_banks() if not access.bank_of(user) else access.offer_banks_for(user)
    return [(b.pk, b.name) for b in banks.order_by("name")]


def _towns(user, values):
    return [(t.pk, t.name) for t in Division.objects.filter(level="town").order_by("code")]


def _months(user=None, values=None):
    today = timezone.localdate()
    out, month = [], rules.month_start(today)
    while month.year >= 2019:
        out.append((month.isoformat(), f"{month:%Y年%m月}"))
        month = rules.previous_month(month)
    return out


def _over(qs, value, user):
    limit = rules.daily_limit_rule()
    return qs.filter(daily_limit__gt=limit) if value == "yes" else qs.filter(daily_limit__lte=limit)


def _state(qs, value, user):
    today = timezone.localdate()
    if value == "overdue":
        return qs.filter(rectified_on__isnull=True, rectify_by__lt=today)
    if value == "open":
        return qs.filter(rectified_on__isnull=True, rectify_by__isnull=False)
    if value == "done":
        return qs.filter(rectified_on__isnull=False)
    return qs.filter(rectify_by__isnull=True)


def _current(qs, value, user):
    return qs.filter(until__isnull=True) if value == "yes" else qs.filter(until__isnull=False)


BANK = lists.Choice("bank", "银行", field="bank_id", choices=_banks, all_label="全部银行")
TOWN = lists.Choice(
    "town", "镇（街道）", field="point__village__parent_id", choices=_towns, all_label="全部镇（街道）"
)

MONTHLY = lists.ListSpec(
    key="stations-monthly",
    title="服务站月度交易",
    url_name="stations:monthly",
    queryset=access.monthly_for,
    columns=(
        lists.Column("month", "月份", value=lambda r: f"{r.month:%Y-%m}", sort=("month",)),
        lists.Column("point", "服务点", value="point.name"),
        lists.Column("code", "编号", value="point.code", phone=False),
        lists.Column("bank", "报送银行", value="bank.name", phone=False),
        lists.Column("withdrawal_count", "取款", kind="int", unit="笔", sort=("withdrawal_count",)),
        lists.Column("withdrawal_amount", "取款金额", kind="money", unit="元", phone=False),
        lists.Column("transfer_count", "转账", kind="int", unit="笔", phone=False),
        lists.Column("remittance_count", "汇款", kind="int", unit="笔", phone=False),
        lists.Column("bill_count", "缴费", kind="int", unit="笔", phone=False),
        lists.Column("bill_amount", "缴费金额", kind="money", unit="元", phone=False),
        lists.Column("daily_limit", "单卡单日限额", kind="money", unit="元/卡/日"),
        lists.Column("over_limit", "超过规定限额", kind="bool"),
    ),
    filters=(
        lists.Choice("month", "月份", choices=_months, all_label="全部月份"),
        BANK,
        TOWN,
        lists.Choice(
            "over", "限额", choices=(("yes", "超过规定"), ("no", "符合规定")), apply=_over, all_label="全部"
        ),
    ),
    search=lists.Search(names=("point__name",), codes=("point__code",), placeholder="服务点名称或编号"),
    default_sort="-month",
    empty="没有可查看的月度交易。",
)

INSPECTIONS = lists.ListSpec(
    key="stations-inspections",
    title="服务站检查",
    url_name="stations:inspections",
    queryset=access.inspections_for,
    columns=(
        lists.Column(
            "inspected_on", "检查日期", kind="date", link="stations:inspection_detail", sort=("inspected_on",)
        ),
        lists.Column("point", "服务点", value="point.name"),
        lists.Column("bank", "检查银行", value="bank.name", phone=False),
        lists.Column("inspector", "检查人", phone=False),
        lists.Column("failed", "不合格项目", value="failed_labels", phone=False),
        lists.Column("rectify_by", "整改期限", kind="date", sort=("rectify_by",)),
        lists.Column("state", "整改状态", value="rectify_state"),
    ),
    filters=(
        BANK,
        TOWN,
        lists.Choice(
            "state",
            "整改状态",
            apply=_state,
            all_label="全部",
            choices=(("overdue", "整改逾期"), ("open", "待整改"), ("done", "已整改"), ("none", "无需整改")),
        ),
    ),  # fmt: skip
    search=lists.Search(
        names=("point__name", "inspector"), codes=("point__code",), placeholder="服务点或检查人"
    ),
    default_sort="-inspected_on",
    empty="没有可查看的检查记录。",
)

AGENTS = lists.ListSpec(
    key="stations-agents",
    title="服务站代办员",
    url_name="stations:agents",
    queryset=access.agents_for,
    columns=(
        lists.Column("name", "姓名", sort=("name",)),
        lists.Column("phone", "手机号", personal="phone"),
        lists.Column("point", "服务点", value="point.name"),
        lists.Column("bank", "签约银行", value="point.bank.name", phone=False),
        lists.Column("since", "开始日期", kind="date", sort=("since",)),
        lists.Column("until", "结束日期", kind="date", phone=False),
        lists.Column("user", "平台账号", value=lambda a: a.user.username if a.user_id else "—", phone=False),
        lists.Column(
            "end",
            "操作",
            export=False,
            template="stations/_agent_end.html",
            value=lambda a: a.pk if not a.until else None,
        ),
    ),
    filters=(
        lists.Choice("bank", "银行", field="point__bank_id", choices=_banks, all_label="全部银行"),
        lists.Choice(
            "current", "在任", choices=(("yes", "在任"), ("no", "已结束")), apply=_current, all_label="全部"
        ),
    ),
    search=lists.Search(
        names=("name", "point__name"), personal=("phone_hash",), placeholder="姓名、服务点或手机号"
    ),
    default_sort="name",
    empty="没有可查看的代办员。",
)

SCENES = lists.ListSpec(
    key="stations-scenes",
    title="便民支付场景",
    url_name="stations:scenes",
    queryset=access.scenes_for,
    columns=(
        lists.Column("kind", "场景", value="get_kind_display", sort=("kind",)),
        lists.Column("name", "名称", sort=("name",)),
        lists.Column("town", "镇（街道）", value="town.name"),
        lists.Column("bank", "收单银行", value="bank.name"),
        lists.Column("methods", "支付方式", phone=False),
        lists.Column("since", "开通日期", kind="date", sort=("since",)),
        lists.Column("until", "停用日期", kind="date", phone=False),
    ),
    filters=(
        lists.Choice("kind", "场景", choices=SceneKind.choices, all_label="全部场景"),
        BANK,
        lists.Choice("town", "镇（街道）", field="town_id", choices=_towns, all_label="全部镇（街道）"),
    ),
    search=lists.Search(names=("name",), placeholder="场景名称"),
    default_sort="kind",
    empty="没有登记的便民支付场景。",
)


def month_choice(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value).replace(day=1)
    except (TypeError, ValueError):
        return None
