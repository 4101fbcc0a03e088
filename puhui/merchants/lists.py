"""The merchant register as a list of the one list component (docs/lists.md): search by name or number,
filters by bank, town, acceptance, type, state and year, the true count and the Excel export. Rows come
only through `access.py`."""

import datetime

from django.db.models import Q
from django.utils import timezone

from puhui.core import lists
from puhui.merchants import access
from puhui.merchants.models import ACCEPTANCE, BusinessType
from puhui.merchants.selectors.coverage import active_q
from puhui.merchants.selectors.records import year_choices


def _banks(user, values):
    return [(b.pk, b.name) for b in access.banks_for(user).order_by("name")]


def _towns(user, values):
    return [(t.pk, t.name) for t in access.towns_for(user).order_by("code")]


def _acceptance(qs, value, user):
    return qs.filter(**{value: True})


def _state(qs, value, user):
    today = timezone.localdate()
    return qs.filter(active_q(today)) if value == "active" else qs.exclude(active_q(today))


def _year(qs, value, user):
    """Merchants signed at some time in the year (the catalogue's lineage links here with ?year=)."""
    year = int(value)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return qs.filter(Q(signed_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gt=start)))


def _discounts(m) -> str:
    parts = []
    if m.discount_rate is not None:
        parts.append(f"折扣 {m.discount_rate}%")
    if m.fee_subsidy is not None:
        parts.append(f"手续费补贴 {m.fee_subsidy:,.2f} 元/月")
    if m.discounts:
        parts.append(m.discounts)
    return "；".join(parts)


MERCHANTS = lists.ListSpec(
    key="merchants",
    title="惠农商圈商户",
    url_name="merchants:list",
    queryset=access.merchants_for,
    columns=(
        lists.Column("code", "商户编号", link="merchants:merchant_detail", sort=("code",)),
        lists.Column("name", "商户名称", link="merchants:merchant_detail", sort=("name",)),
        lists.Column("bank", "签约银行", value="bank.name", sort=("bank_id",), phone=False),
        lists.Column("town", "镇（街道）", value="town.name", sort=("town_id",)),
        lists.Column("village", "村（社区）", value=lambda m: m.village.name if m.village_id else "镇区", phone=False),
        lists.Column("business_type", "经营类型", value="get_business_type_display", sort=("business_type",), phone=False),
        lists.Column("acceptance", "受理方式", value="acceptance_labels"),
        lists.Column("discounts", "优惠措施", value=_discounts, phone=False),
        lists.Column("discount_rate", "消费折扣", kind="decimal", unit="%", screen=False),
        lists.Column("fee_subsidy", "手续费补贴", kind="money", unit="元/月", screen=False),
        lists.Column("signed_on", "签约日期", kind="date", sort=("signed_on",)),
        lists.Column("ended_on", "终止日期", kind="date", sort=("ended_on",), phone=False),
    ),
    filters=(
        lists.Choice("bank", "签约银行", field="bank_id", choices=_banks, all_label="全部银行"),
        lists.Choice("town", "镇（街道）", field="town_id", choices=_towns, all_label="全部镇（街道）"),
        lists.Choice("acceptance", "受理方式", choices=ACCEPTANCE, apply=_acceptance, all_label="全部受理方式"),
        lists.Choice("type", "经营类型", field="business_type", choices=BusinessType.choices, all_label="全部类型"),
        lists.Choice("state", "状态", choices=(("active", "签约中"), ("ended", "未生效或已终止")), apply=_state,
                     all_label="全部状态"),
        lists.Choice("year", "年度", choices=year_choices, apply=_year, all_label="全部年度"),
    ),
    search=lists.Search(names=("name", "address"), codes=("code",), placeholder="商户名称、地址或商户编号"),
    default_sort="code",
    empty="没有可查看的惠农商圈商户。",
)  # fmt: skip
