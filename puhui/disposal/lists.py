"""The disposal lists, declared for the one list component (docs/lists.md). Rows come only through
`access.py`."""

from django.db.models import Q
from django.utils import timezone

from puhui.core import lists
from puhui.disposal import access
from puhui.disposal.models import Listing, Measure, RiskCase
from puhui.disposal.selectors.listings import debtor_code


def _measure(qs, value, user):
    # A text match on the stored JSON list works on SQLite and PostgreSQL alike (`contains` is PostgreSQL's).
    return qs.filter(measures__icontains=f'"{value}"')


def _overdue(qs, value, user):
    late = Q(
        steps__done_on__isnull=True, steps__deadline__lt=timezone.localdate(), status=RiskCase.Status.OPEN
    )
    return qs.filter(late).distinct() if value else qs.exclude(late)


CASES = lists.ListSpec(
    key="disposal-cases",
    title="风险处置台账",
    url_name="disposal:cases",
    queryset=access.cases_for,
    columns=(
        lists.Column("title", "案件名称", link="disposal:case_detail", sort=("title",)),
        lists.Column("subject_kind", "处置对象类型", value="get_subject_kind_display", phone=False),
        lists.Column("subject", "处置对象", value="subject_name"),
        lists.Column("measures", "处置措施", value="measure_labels", phone=False),
        lists.Column("opened_on", "立案日期", kind="date", sort=("opened_on",)),
        lists.Column("status", "状态", value="get_status_display", sort=("status",)),
        lists.Column("closed_on", "办结日期", kind="date", phone=False),
        lists.Column("amount_resolved", "化解金额", kind="money", unit="元", phone=False),
    ),
    filters=(
        lists.Choice("status", "状态", choices=RiskCase.Status.choices, all_label="全部状态"),
        lists.Choice("subject_kind", "处置对象类型", choices=RiskCase.Subject.choices, all_label="全部对象"),
        lists.Choice("measure", "处置措施", choices=Measure.choices, apply=_measure, all_label="全部措施"),
        lists.Boolean("overdue", "步骤逾期", yes="有逾期步骤", no="无逾期步骤", apply=_overdue),
    ),
    search=lists.Search(
        names=("title", "group_label", "firm__name", "bank__name"), placeholder="案件名称或处置对象"
    ),
    default_sort="-opened_on",
    empty="没有可查看的风险处置案件。",
)


def _pending(qs, value, user):
    todo = Q(status__in=(Listing.Status.PROPOSED, Listing.Status.OBJECTED)) | Q(
        status=Listing.Status.NOTIFIED, objection_until__lt=timezone.localdate()
    )
    return qs.filter(todo) if value else qs.exclude(todo)


LISTINGS = lists.ListSpec(
    key="disposal-listings",
    title="逃废债黑名单",
    url_name="disposal:listings",
    queryset=access.listings_for,
    columns=(
        lists.Column("debtor_name", "债务人", link="disposal:listing_detail", sort=("debtor_name",)),
        lists.Column("debtor_kind", "类型", value="get_debtor_kind_display", phone=False),
        lists.Column(
            "code", "统一社会信用代码或身份证号", value=lambda row: debtor_code(row, None), phone=False
        ),
        lists.Column("responsible", "法定代表人、实际控制人、直接责任人", phone=False),
        lists.Column("bank", "提议银行", value="bank.name", phone=False),
        lists.Column("judgment_no", "判决书或裁定书文号", phone=False),
        lists.Column("amount_owed", "拒不偿还金额", kind="money", unit="元", sort=("amount_owed",)),
        lists.Column("status", "状态", value="get_status_display", sort=("status",)),
        lists.Column("proposed_on", "提议日期", kind="date", sort=("proposed_on",)),
        lists.Column("decided_on", "决定日期", kind="date", phone=False),
    ),
    filters=(
        lists.Choice("status", "状态", choices=Listing.Status.choices, all_label="全部状态"),
        lists.Choice("debtor_kind", "类型", choices=Listing.Debtor.choices, all_label="全部类型"),
        lists.Boolean("pending", "待办理", yes="待办公室办理", no="其他", apply=_pending),
    ),
    search=lists.Search(
        names=("debtor_name",),
        codes=("uscc",),
        personal=("id_hash",),
        placeholder="债务人名称、统一社会信用代码或身份证号",
    ),
    default_sort="-proposed_on",
    empty="没有可查看的黑名单记录。",
)
