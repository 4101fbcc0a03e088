"""The protection lists, declared for the one list component (docs/lists.md). Rows come only through
`access.py`."""

from django.db.models import Q
from django.utils import timezone

from puhui.core import lists
from puhui.protection import access
from puhui.protection.models import Business, BusinessChannel, Cause, Channel, Complaint, MediationCase
from puhui.protection.selectors.complaints import state

Status = Complaint.Status


def _overdue_q():
    today = timezone.localdate()
    return Q(status=Status.HANDLING) & (
        Q(extended_to__lt=today) | Q(extended_to__isnull=True, due_on__lt=today)
    )


def _overdue(qs, value, user):
    return qs.filter(_overdue_q()) if value else qs.exclude(_overdue_q())


def _banks(user, values):
    from puhui.protection.forms import banks

    if access.bank_of(user) is not None:
        return []  # a bank sees its own: no picker
    return [(b.pk, b.name) for b in banks()]


def _complaints(user):
    return access.complaints_for(user).defer("name", "id_number", "content", "demand", "answer")


COLUMNS = (
    lists.Column("number", "投诉编号", link="protection:complaint_detail", sort=("number",)),
    lists.Column("institution", "被投诉机构", value="institution.name", sort=("institution_id",)),
    lists.Column("channel", "受理方式", value="get_channel_display", phone=False),
    lists.Column("business_channel", "业务办理渠道", value="get_business_channel_display", phone=False),
    lists.Column("business", "业务类别", value="get_business_display", phone=False),
    lists.Column("cause", "投诉原因", value="get_cause_display", phone=False),
    lists.Column("phone", "联系电话", personal="phone", phone=False),
    lists.Column("received_on", "受理日期", kind="date", sort=("received_on",)),
    lists.Column("deadline", "答复期限", kind="date", value="deadline", sort=("due_on",)),
    lists.Column("state", "状态", value=lambda c: state(c)),
    lists.Column("answered_on", "答复日期", kind="date", phone=False),
    lists.Column("late", "逾期答复", kind="bool", phone=False),
)
FILTERS = (
    lists.Choice("status", "状态", choices=Status.choices, all_label="全部状态"),
    lists.Choice("institution", "被投诉机构", field="institution_id", choices=_banks, all_label="全部机构"),
    lists.Choice("channel", "受理方式", choices=Channel.choices, all_label="全部方式"),
    lists.Choice("business_channel", "业务办理渠道", choices=BusinessChannel.choices, all_label="全部渠道"),
    lists.Choice("business", "业务类别", choices=Business.choices, all_label="全部业务"),
    lists.Choice("cause", "投诉原因", choices=Cause.choices, all_label="全部原因"),
    lists.Boolean("overdue", "逾期未答复", yes="逾期未答复", no="其他", apply=_overdue),
    lists.Boolean("late", "逾期答复", field="late", yes="逾期答复", no="按期或未答复"),
    lists.DateRange("received", "受理日期", field="received_on"),
)

COMPLAINTS = lists.ListSpec(
    key="protection-complaints",
    title="金融消费投诉",
    url_name="protection:complaints",
    queryset=_complaints,
    columns=COLUMNS,
    filters=FILTERS,
    search=lists.Search(
        codes=("number",), personal=("phone_hash", "id_hash"), placeholder="投诉编号或完整手机号/身份证号"
    ),
    default_sort="-received_on",
    empty="没有可查看的投诉。",
)

BOARD = lists.ListSpec(
    key="protection-board",
    title="投诉答复期限看板",
    url_name="protection:board",
    queryset=lambda user: _complaints(user).filter(status=Status.HANDLING),
    columns=COLUMNS[:2] + (COLUMNS[6], COLUMNS[7], COLUMNS[8]),
    filters=(FILTERS[1], FILTERS[5]),
    default_sort="deadline",
    empty="没有待答复的投诉。",
)

MEDIATIONS = lists.ListSpec(
    key="protection-mediations",
    title="调解案件",
    url_name="protection:mediations",
    queryset=access.mediations_for,
    columns=(
        lists.Column("number", "调解案号", link="protection:mediation_detail", sort=("number",)),
        lists.Column("source", "来源", value="get_source_display", phone=False),
        lists.Column("institution", "金融机构", value="institution.name"),
        lists.Column("org", "调解组织", value="org.name", phone=False),
        lists.Column("claim", "争议金额", kind="money", unit="元", phone=False),
        lists.Column("opened_on", "受理调解日期", kind="date", sort=("opened_on",)),
        lists.Column("status", "状态", value="get_status_display", sort=("status",)),
        lists.Column("ruled_on", "裁定日期", kind="date", phone=False),
    ),
    filters=(
        lists.Choice("status", "状态", choices=MediationCase.Status.choices, all_label="全部状态"),
        lists.Choice("source", "来源", choices=MediationCase.Source.choices, all_label="全部来源"),
    ),
    search=lists.Search(
        codes=("number",), names=("institution__name", "org__name"), placeholder="调解案号或机构名称"
    ),
    default_sort="-opened_on",
    empty="没有可查看的调解案件。",
)
