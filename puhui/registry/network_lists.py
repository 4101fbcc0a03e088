"""The terminal register as a list (puhui/core/lists.py): filters, sorting, keyset pages and the Excel export.

Rows come only from `core.access.terminals_for`; the service point list is core's (`servicepoint_list`).
"""

from django.db.models import Q

from puhui.core import lists
from puhui.core.access import divisions_for, organisations_for, terminals_for
from puhui.core.models import Division, Terminal
from puhui.registry.access import BANK_KINDS


def _towns(user, values):
    return [(t.pk, t.name) for t in divisions_for(user).filter(level=Division.Level.TOWN)]


def _banks(user, values):
    banks = organisations_for(user).filter(kind__in=BANK_KINDS).exclude(level="outlet").order_by("path")
    return [(b.pk, b.short_name or b.name) for b in banks]


def _in_place(qs, value, user):
    retired = Q(retired_on__isnull=False)
    return qs.exclude(retired) if value else qs.filter(retired)


def _bank_subtree(qs, value, user):
    bank = organisations_for(user).filter(pk=value).first()
    return qs.filter(bank__path__startswith=bank.path) if bank else qs.none()


TERMINALS = lists.ListSpec(
    key="terminals",
    title="自助机具名录",
    url_name="terminal_list",
    queryset=lambda user: terminals_for(user).select_related(
        "bank", "village", "village__parent", "outlet", "service_point"
    ),
    columns=(
        lists.Column("code", "机具编号", link="terminal_detail", sort=("code",)),
        lists.Column("kind", "类型", value="get_kind_display", sort=("kind",)),
        lists.Column("bank", "所属银行", value=lambda t: t.bank.short_name or t.bank.name, phone=False),
        lists.Column(
            "town", "镇（街道）", value="village.parent.name", phone=False, sort=("village__parent_id",)
        ),
        lists.Column("village", "村（社区）", value="village.name", sort=("village_id",)),
        lists.Column(
            "place",
            "所在网点或服务点",
            value=lambda t: (
                t.outlet.name if t.outlet_id else t.service_point.name if t.service_point_id else ""
            ),
            phone=False,
        ),
        lists.Column("bill_payment", "实时缴费", kind="bool"),
        lists.Column("bill_items", "缴费项目", value=lambda t: "、".join(t.bill_item_labels), phone=False),
        lists.Column("installed_on", "布放日期", kind="date", sort=("installed_on",), phone=False),
        lists.Column("retired_on", "撤除日期", kind="date", sort=("retired_on",), phone=False),
    ),
    filters=(
        lists.Choice("town", "镇（街道）", field="village__parent_id", choices=_towns),
        lists.Choice("bank", "所属银行", choices=_banks, apply=_bank_subtree, all_label="全部银行"),
        lists.Choice("kind", "类型", choices=Terminal.Kind.choices, all_label="全部类型"),
        lists.Boolean("bill", "实时缴费", field="bill_payment", yes="已开通", no="未开通"),
        lists.Boolean("active", "状态", apply=_in_place, yes="在用", no="已撤除"),
    ),
    search=lists.Search(codes=("code",), placeholder="机具编号"),
    default_sort="code",
    empty="没有符合条件的自助机具。",
)
