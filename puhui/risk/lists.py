"""The risk lists that can grow past a page, declared for the one list component (docs/lists.md).
Rows come only through `access.py`; the view narrows them to the period shown (`keep=("period",)`)."""

from django.urls import reverse

from puhui.core import lists
from puhui.risk import access
from puhui.risk.models import NetworkGroup, NetworkNode


def _group_link(group: NetworkGroup) -> str:
    return f"{reverse('risk:group', args=[group.number])}?period={group.run.period.code}"


def _node_group_link(node: NetworkNode) -> str:
    return f"{reverse('risk:group', args=[node.group.number])}?period={node.run.period.code}"


def _yuan(attr):
    return lambda row: getattr(row, attr) / 100


NETWORK_GROUPS = lists.ListSpec(
    key="risk-network-groups",
    title="担保群",
    url_name="risk:network_groups",
    queryset=lambda user: NetworkGroup.objects.none() if not access.may_see_networks(user) else NetworkGroup.objects.select_related("run__period"),
    columns=(
        lists.Column("number", "担保群编号", kind="int", link=_group_link, sort=("number",)),
        lists.Column("size", "企业数", kind="int", unit="户", sort=("size",)),
        lists.Column("edges", "担保关系数", kind="int", unit="条", phone=False),
        lists.Column("exposure", "担保总额", value=_yuan("exposure_fen"), kind="money", unit="元", sort=("exposure_fen",)),
        lists.Column("balance", "群内贷款余额", value=_yuan("balance_fen"), kind="money", unit="元", sort=("balance_fen",), phone=False),
        lists.Column("npl", "群内不良贷款", value=_yuan("npl_fen"), kind="money", unit="元", sort=("npl_fen",)),
        lists.Column("circles", "担保圈数", kind="int", unit="个", sort=("circles",)),
        lists.Column("mutual", "互保对数", kind="int", unit="对", phone=False),
        lists.Column("chain", "最长担保链", kind="int", unit="层", sort=("chain",), phone=False),
        lists.Column("banks", "涉及银行", kind="int", unit="家", phone=False),
        lists.Column("hub_label", "核心企业", phone=False, show=access.sees_all),
        lists.Column("max_loss", "单户违约最大传染损失", value=_yuan("max_loss_fen"), kind="money", unit="元", sort=("max_loss_fen",), phone=False),
    ),
    filters=(
        lists.Boolean("circle", "担保圈", yes="含担保圈", no="不含担保圈", apply=lambda qs, v, user: qs.filter(circles__gt=0) if v else qs.filter(circles=0)),
        lists.Boolean("default", "违约企业", yes="含违约企业", no="不含违约企业", apply=lambda qs, v, user: qs.filter(defaulted__gt=0) if v else qs.filter(defaulted=0)),
    ),
    default_sort="number",
    keep=("period",),
    empty="本期没有担保群。",
)  # fmt: skip

NETWORK_FIRMS = lists.ListSpec(
    key="risk-network-firms",
    title="担保网络企业",
    url_name="risk:network_firms",
    queryset=lambda user: NetworkNode.objects.select_related("group", "run__period") if access.sees_all(user) else NetworkNode.objects.none(),
    columns=(
        lists.Column("label", "企业", sort=("label",)),
        lists.Column("group", "担保群编号", value="group.number", kind="int", link=_node_group_link),
        lists.Column("circle", "担保圈编号", kind="int", phone=False),
        lists.Column("in_degree", "入度", kind="int", unit="户", phone=False),
        lists.Column("out_degree", "出度", kind="int", unit="户", sort=("out_degree",), phone=False),
        lists.Column("exposure", "对外担保额", value=_yuan("exposure_fen"), kind="money", unit="元", sort=("exposure_fen",)),
        lists.Column("balance", "贷款余额", value=_yuan("balance_fen"), kind="money", unit="元", sort=("balance_fen",), phone=False),
        lists.Column("defaulted", "是否违约", kind="bool"),
        lists.Column("contagion", "传染损失", value=_yuan("contagion_fen"), kind="money", unit="元", sort=("contagion_fen",)),
        lists.Column("vulnerability", "易损度", kind="decimal", unit="户次", sort=("vulnerability",)),
    ),
    filters=(
        lists.Boolean("defaulted", "是否违约", field="defaulted", yes="违约", no="未违约"),
        lists.Boolean("in_circle", "担保圈", yes="在担保圈内", no="不在担保圈内", apply=lambda qs, v, user: qs.filter(circle__isnull=not v)),
    ),
    search=lists.Search(names=("label",), placeholder="企业名称"),
    default_sort="-contagion",
    keep=("period",),
    empty="本期担保网络中没有企业。",
)  # fmt: skip


# ---- warnings: the early-warning list (views/warnings.py)


def _warning_rules(user, values):
    from puhui.risk.models import Warning

    return list(Warning.objects.values_list("rule_code", "rule_name").distinct().order_by("rule_code"))


def _warning_banks(user, values):
    from puhui.core.models import Organisation
    from puhui.data.catalogue import LOANS_FORM

    if not access.sees_all(user):
        return []  # a bank sees its own warnings only: no bank picker
    from puhui.data.models import Submission

    ids = Submission.objects.filter(form=LOANS_FORM).values("institution_id").distinct()
    return list(Organisation.objects.filter(pk__in=ids).order_by("name").values_list("pk", "name"))


def _warning_periods(user, values):
    from puhui.risk.selectors.warnings import periods_with_warnings

    return [(p.code, p.label) for p in periods_with_warnings()]


def _by_bank(qs, value, user):
    from django.db.models import Q

    return qs.filter(Q(subject_bank_id=value) | Q(owner_id=value) | Q(bank_ids__contains=f",{value},"))


def _mine(qs, value, user):
    unit = access.warning_unit_of(user)
    if unit is None:
        return qs
    return qs.filter(owner=unit) if value else qs.exclude(owner=unit)


def _raised_on(w):
    from django.utils import timezone

    return timezone.localdate(w.raised_at)


def _warning_age(w) -> int:
    from puhui.risk.selectors.warnings import age_days

    return age_days(w)


def _warning_choices(enum):
    return [(v, label) for v, label in enum.choices]


def _warnings_spec():
    from puhui.risk.models import Warning

    return lists.ListSpec(
        key="risk-warnings",
        title="风险预警",
        url_name="risk:warnings",
        queryset=access.warnings_for,
        columns=(
            lists.Column("raised_at", "发出日期", kind="date", value=_raised_on, sort=("raised_at",)),
            lists.Column("rule", "预警规则", value="rule_name", link="risk:warning", sort=("rule_code",)),
            lists.Column("subject", "预警对象", value="subject_label", sort=("subject_label",)),
            lists.Column("severity", "严重程度", value="get_severity_display", sort=("severity",)),
            lists.Column("status", "状态", value="get_status_display", sort=("status",)),
            lists.Column("period", "报送期", value="period.label", sort=("period__start",), phone=False),
            lists.Column(
                "owner", "责任单位", value=lambda w: w.owner.name if w.owner else "未指派", phone=False
            ),
            lists.Column("age", "已持续", kind="int", unit="天", value=_warning_age, phone=False),
        ),
        filters=(
            lists.Choice(
                "status",
                "状态",
                field="status",
                choices=_warning_choices(Warning.Status),
                all_label="全部状态",
            ),
            lists.Choice("rule", "预警规则", field="rule_code", choices=_warning_rules, all_label="全部规则"),
            lists.Choice(
                "severity",
                "严重程度",
                field="severity",
                choices=_warning_choices(Warning.Severity),
                all_label="全部",
            ),
            lists.Choice("bank", "银行", choices=_warning_banks, apply=_by_bank, all_label="全部银行"),
            lists.Choice(
                "period", "报送期", field="period__code", choices=_warning_periods, all_label="全部报送期"
            ),
            lists.Boolean("mine", "指派给本单位", yes="指派给本单位", no="其他", apply=_mine),
        ),
        search=lists.Search(names=("subject_label",), placeholder="预警对象名称"),
        default_sort="-raised_at",
        empty="没有符合条件的风险预警。",
    )


WARNINGS = _warnings_spec()
