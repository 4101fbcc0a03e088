"""The first-loan lists, declared for the one list component (docs/lists.md), each with an Excel export with
Chinese headers. Rows come only through `access.py`, from the latest computation."""

from django.urls import reverse

from puhui.core import lists
from puhui.core.models import Division
from puhui.data.models import ReportingPeriod
from puhui.firstloans import access
from puhui.firstloans.models import Contact, Disagreement
from puhui.firstloans.selectors.figures import latest_run
from puhui.registry.models import Firm

TYPES = {"farm": "农户", "small": "小微企业", "individual": "个体工商户", "other": "其他"}


def _banks(user, values):
    return [(b.pk, b.name) for b in access.banks_for(user).order_by("name")]


def _towns(user, values):
    return [(t.pk, t.name) for t in Division.objects.filter(level="town").order_by("code")]


def _quarters(user, values):
    run = latest_run()
    qs = ReportingPeriod.objects.filter(kind="quarter")
    if run is not None:
        qs = qs.filter(start__gte=run.window_start, end__lte=run.period.end)
    return [(p.pk, p.label) for p in qs.order_by("-end")]


def _listed(user):
    return access.listed_for(user, latest_run())


def _borrower(row) -> str:
    return row.firm.name if row.firm_id else f"{TYPES.get(row.borrower_type, '其他')}（不在企业名录）"


def _firm_page(row) -> str | None:
    return reverse("firstloans:firm", args=[row.firm_id]) if row.firm_id else None


LISTED = lists.ListSpec(
    key="firstloans-listed",
    title="首贷培植名单",
    url_name="firstloans:list",
    queryset=_listed,
    columns=(
        lists.Column(
            "name", "企业名称", value="firm.name", link=("firstloans:firm", "firm_id"), sort=("firm_id",)
        ),
        lists.Column("uscc", "统一社会信用代码", value="firm.uscc", phone=False),
        lists.Column("kind", "类型", value="firm.get_kind_display", phone=False),
        lists.Column("industry", "行业", value="firm.industry", phone=False),
        lists.Column("town", "镇（街道）", value="town.name", sort=("town_id",)),
        lists.Column("village", "村（社区）", value="firm.village.name", phone=False),
        lists.Column("employees", "从业人数", value="firm.employees", kind="int", unit="人", phone=False),
    ),
    filters=(
        lists.Choice("town", "镇（街道）", field="town_id", choices=_towns, all_label="全部镇（街道）"),
        lists.Choice("kind", "类型", field="firm__kind", choices=Firm.Kind.choices, all_label="全部类型"),
    ),
    search=lists.Search(
        names=("firm__name",), codes=("firm__uscc",), placeholder="企业名称或统一社会信用代码"
    ),
    default_sort="firm_id",
    empty="名单上没有本行服务区域内的企业，或还没有计算首贷培植名单。",
)

CONTACTS = lists.ListSpec(
    key="firstloans-contacts",
    title="首贷培植对接记录",
    url_name="firstloans:contacts",
    queryset=access.contacts_for,
    columns=(
        lists.Column("contacted_on", "联系日期", kind="date", sort=("contacted_on",)),
        lists.Column("bank", "银行", value="bank.name", sort=("bank_id",)),
        lists.Column("firm", "企业", value="firm.name", link=("firstloans:firm", "firm_id")),
        lists.Column("town", "镇（街道）", value="firm.town.name", phone=False),
        lists.Column("way", "联系方式", value="get_way_display", phone=False),
        lists.Column("result", "联系结果"),
        lists.Column("next_step", "下一步", phone=False),
    ),
    filters=(
        lists.Choice("bank", "银行", field="bank_id", choices=_banks, all_label="全部银行"),
        lists.Choice("way", "联系方式", choices=Contact.Way.choices, all_label="全部方式"),
    ),
    search=lists.Search(names=("firm__name",), placeholder="企业名称"),
    default_sort="-contacted_on",
    empty="还没有对接记录。",
)

DISAGREEMENTS = lists.ListSpec(
    key="firstloans-disagreements",
    title="首贷标记不一致的贷款",
    url_name="firstloans:disagreements",
    queryset=lambda user: access.disagreements_for(user, latest_run()),
    columns=(
        lists.Column("period", "发放季度", value="period.label", sort=("period_id",)),
        lists.Column("bank", "银行", value="bank.name", sort=("bank_id",)),
        lists.Column("kind", "不一致类型", value="get_kind_display"),
        lists.Column("loan_no", "借据号"),
        lists.Column("borrower", "借款人", value=_borrower, link=_firm_page, phone=False),
        lists.Column("issued_on", "发放日期", kind="date", sort=("issued_on",)),
        lists.Column("amount", "贷款金额", kind="money", unit="元", phone=False),
        lists.Column("earlier_on", "更早贷款发放日期", kind="date", phone=False),
        lists.Column(
            "earlier_where",
            "更早贷款在",
            phone=False,
            value=lambda r: ("本行" if r.earlier_same_bank else "他行") if r.earlier_on else "—",
        ),
    ),  # fmt: skip
    filters=(
        lists.Choice("bank", "银行", field="bank_id", choices=_banks, all_label="全部银行"),
        lists.Choice("period", "发放季度", field="period_id", choices=_quarters, all_label="全部季度"),
        lists.Choice("kind", "不一致类型", choices=Disagreement.Kind.choices, all_label="全部类型"),
    ),
    search=lists.Search(codes=("loan_no",), placeholder="借据号"),
    default_sort="-issued_on",
    empty="没有首贷标记不一致的贷款。",
)

RENEWALS = lists.ListSpec(
    key="firstloans-renewals",
    title="无还本续贷（平台识别）",
    url_name="firstloans:renewals",
    queryset=lambda user: access.renewals_for(user, latest_run()),
    columns=(
        lists.Column("period", "续贷季度", value="period.label", sort=("period_id",)),
        lists.Column("bank", "银行", value="bank.name", sort=("bank_id",)),
        lists.Column("borrower", "借款人", value=_borrower, link=_firm_page, phone=False),
        lists.Column("town", "镇（街道）", value="town.name", phone=False),
        lists.Column("old_loan_no", "原借据号", phone=False),
        lists.Column("old_due_on", "原贷款到期日", kind="date"),
        lists.Column("new_loan_no", "新借据号"),
        lists.Column("new_issued_on", "新贷款发放日", kind="date", sort=("new_issued_on",)),
        lists.Column("carried", "结转余额", kind="money", unit="元"),
        lists.Column("new_amount", "新贷款金额", kind="money", unit="元", phone=False),
    ),
    filters=(
        lists.Choice("bank", "银行", field="bank_id", choices=_banks, all_label="全部银行"),
        lists.Choice("period", "续贷季度", field="period_id", choices=_quarters, all_label="全部季度"),
    ),
    search=lists.Search(codes=("new_loan_no", "old_loan_no"), placeholder="借据号"),
    default_sort="-new_issued_on",
    empty="没有识别出无还本续贷。",
)
