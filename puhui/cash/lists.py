"""The cash-service lists, declared for the one list component (docs/lists.md): search, filters, true counts and
an Excel export with Chinese headers. Rows come only through `access.py`."""

from django.db.models import Q
from django.utils import timezone

from puhui.cash import access
from puhui.cash.models import Booking, CashPoint, Service
from puhui.core import lists
from puhui.core.models import Division


def _banks(user, values):
    return [(b.pk, b.name) for b in access.banks_for(user).order_by("name")]


def _towns(user, values):
    return [(t.pk, t.name) for t in Division.objects.filter(level="town").order_by("code")]


def _warnings(user, values):
    return [
        (w.pk, f"{w.issued_on:%Y-%m-%d} {w.title}") for w in access.warnings_for(user).order_by("-issued_on")
    ]


def _service(qs, value, user):
    # JSON lists: a contains-test works on both databases when the value is a quoted word of the list.
    return qs.filter(services__icontains=f'"{value}"')


def _point_state(qs, value, user):
    today = timezone.localdate()
    open_q = (Q(closed_on__isnull=True) | Q(closed_on__gt=today)) & Q(opened_on__lte=today)
    return qs.filter(open_q) if value == "open" else qs.exclude(open_q)


POINTS = lists.ListSpec(
    key="cash-points",
    title="现金服务点",
    url_name="cash:points",
    queryset=access.points_for,
    columns=(
        lists.Column("name", "名称", link="cash:point_detail", sort=("name",)),
        lists.Column("kind", "类型", value="get_kind_display", sort=("kind",)),
        lists.Column("bank", "所属银行", value="bank.name", sort=("bank_id",)),
        lists.Column("place", "所在网点或服务点", value="place_label", phone=False),
        lists.Column("town", "镇（街道）", value=lambda p: p.town.name if p.town_id else "—", phone=False),
        lists.Column("services", "服务项目", value="service_labels", phone=False),
        lists.Column("opened_on", "设立日期", kind="date", sort=("opened_on",), phone=False),
        lists.Column("closed_on", "撤销日期", kind="date", phone=False),
    ),
    filters=(
        lists.Choice("kind", "类型", choices=CashPoint.Kind.choices, all_label="全部类型"),
        lists.Choice("bank", "所属银行", field="bank_id", choices=_banks, all_label="全部银行"),
        lists.Choice("town", "镇（街道）", field="town_id", choices=_towns, all_label="全部镇（街道）"),
        lists.Choice("service", "服务项目", choices=Service.choices, apply=_service, all_label="全部服务"),
        lists.Choice(
            "state",
            "状态",
            choices=[("open", "营业中"), ("closed", "未营业或已撤销")],
            apply=_point_state,
            all_label="全部",
        ),  # fmt: skip
    ),
    search=lists.Search(names=("name", "bank__name"), placeholder="名称或银行"),
    default_sort="name",
    empty="没有可查看的现金服务点。",
)

WARNINGS = lists.ListSpec(
    key="cash-warnings",
    title="假币预警",
    url_name="cash:warnings",
    queryset=access.warnings_for,
    columns=(
        lists.Column("issued_on", "发布日期", kind="date", sort=("issued_on",)),
        lists.Column("title", "标题", link="cash:warning_detail"),
        lists.Column("denomination", "券别", value="get_denomination_display"),
        lists.Column("deadline", "确认期限", kind="date", sort=("deadline",)),
        lists.Column("recipient_count", "发送单位", kind="int", unit="个", phone=False),
    ),
    search=lists.Search(names=("title",), placeholder="预警标题"),
    default_sort="-issued_on",
    empty="没有可查看的假币预警。",
)


def _ack_state(qs, value, user):
    if value == "done":
        return qs.filter(acknowledged_at__isnull=False)
    qs = qs.filter(acknowledged_at__isnull=True)
    return qs.filter(warning__deadline__lt=timezone.localdate()) if value == "overdue" else qs


RECIPIENTS = lists.ListSpec(
    key="cash-recipients",
    title="假币预警接收单位",
    url_name="cash:recipients",
    queryset=access.recipients_for,
    columns=(
        lists.Column("unit_name", "接收单位", sort=("unit_name",)),
        lists.Column("unit_kind", "单位类型", value="unit_kind"),
        lists.Column("bank", "所属银行", value="bank.name", sort=("bank_id",)),
        lists.Column("warning", "预警", value="warning.title", link=("cash:warning_detail", "warning_id")),
        lists.Column("deadline", "确认期限", kind="date", value="warning.deadline", phone=False),
        lists.Column("acknowledged_at", "确认时间", kind="datetime", sort=("acknowledged_at",)),
    ),
    filters=(
        lists.Choice("warning", "预警", field="warning_id", choices=_warnings, all_label="全部预警"),
        lists.Choice("bank", "所属银行", field="bank_id", choices=_banks, all_label="全部银行"),
        lists.Choice(
            "state",
            "确认情况",
            choices=[("overdue", "逾期未确认"), ("open", "未确认"), ("done", "已确认")],
            apply=_ack_state,
            all_label="全部",
        ),
    ),  # fmt: skip
    search=lists.Search(names=("unit_name",), placeholder="网点或服务点名称"),
    default_sort="unit_name",
    empty="没有符合条件的接收单位。",
)

BOOKINGS = lists.ListSpec(
    key="cash-bookings",
    title="现金预约",
    url_name="cash:bookings",
    queryset=access.bookings_for,
    columns=(
        lists.Column(
            "created_at", "提交时间", kind="datetime", link="cash:booking_detail", sort=("created_at",)
        ),
        lists.Column("service", "预约业务", value="get_service_display", sort=("service",)),
        lists.Column("point", "现金服务点", value="point.name"),
        lists.Column("day", "预约日期", kind="date", sort=("day",)),
        lists.Column("time", "预约时间", value=lambda b: f"{b.time:%H:%M}", phone=False),
        lists.Column("phone", "联系电话", personal="phone", phone=False),
        lists.Column("status", "状态", value="get_status_display", sort=("status",)),
    ),
    filters=(
        lists.Choice("status", "状态", choices=Booking.Status.choices, all_label="全部状态"),
        lists.Choice("service", "预约业务", choices=Service.choices, all_label="全部业务"),
        lists.Choice("bank", "银行", field="bank_id", choices=_banks, all_label="全部银行"),
    ),
    search=lists.Search(names=("point__name",), personal=("phone_hash",), placeholder="服务点名称或联系电话"),
    default_sort="-created_at",
    empty="没有可查看的现金预约。",
)
