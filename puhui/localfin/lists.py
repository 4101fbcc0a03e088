"""The local-finance lists that can grow past a page, declared for the one list component (docs/lists.md)."""

from django.utils import timezone

from puhui.core import lists
from puhui.core.models import Division, Organisation
from puhui.localfin import access
from puhui.localfin.selectors.orgs import insurer_outlets_open

Kind = Organisation.Kind
LOCAL_KIND_CHOICES = [(k, label) for k, label in Kind.choices if k in Organisation.LOCAL_FINANCE_KINDS]


def _towns(user, values):
    return list(Division.objects.filter(level=Division.Level.TOWN).order_by("code").values_list("pk", "name"))


ORGANISATIONS = lists.ListSpec(
    key="localfin-organisations",
    title="地方金融组织",
    url_name="localfin:organisations",
    queryset=lambda user: access.organisations_for(user),
    columns=(
        lists.Column("name", "名称", link="localfin:organisation", sort=("name",)),
        lists.Column("kind", "类型", value="get_kind_display"),
        lists.Column("licence_no", "许可证或批准文号", value="localfin_licence.licence_no", phone=False),
        lists.Column(
            "capital",
            "注册资本",
            value="localfin_licence.registered_capital",
            kind="money",
            unit="元",
            phone=False,
        ),
        lists.Column("division", "所在地", value="division.name", phone=False),
        lists.Column("opened_on", "开业日期", kind="date", sort=("opened_on",), phone=False),
        lists.Column("closed_on", "撤销日期", kind="date", phone=False),
    ),
    filters=(lists.Choice("kind", "类型", field="kind", choices=LOCAL_KIND_CHOICES, all_label="全部类型"),),
    search=lists.Search(names=("name", "short_name"), codes=("code", "uscc"), placeholder="名称或机构编码"),
    default_sort="name",
    empty="没有可查看的地方金融组织。",
)


def _insurer_outlets(user):
    if not access.sees_all(user):
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(insurer_outlets_open(timezone.localdate()))
        .select_related("parent", "division", "division__parent")
        .defer("division__boundary", "division__parent__boundary")
    )


def _insurers(user, values):
    return list(
        Organisation.objects.filter(kind=Kind.INSURER, level=Organisation.Level.BRANCH)
        .order_by("name")
        .values_list("pk", "name")
    )


INSURER_OUTLETS = lists.ListSpec(
    key="localfin-insurer-outlets",
    title="保险服务网点",
    url_name="localfin:insurance",
    queryset=_insurer_outlets,
    columns=(
        lists.Column("name", "网点", sort=("name",)),
        lists.Column(
            "insurer", "保险公司", value=lambda o: o.parent.short_name or o.parent.name if o.parent else ""
        ),
        lists.Column(
            "town",
            "镇（街道）",
            value=lambda o: (
                o.division.parent.name if o.division.level == Division.Level.VILLAGE else o.division.name
            ),
        ),
        lists.Column("division", "所在村（社区）", value="division.name", phone=False),
        lists.Column("opened_on", "开业日期", kind="date", sort=("opened_on",), phone=False),
    ),
    filters=(
        lists.Choice("insurer", "保险公司", field="parent_id", choices=_insurers, all_label="全部保险公司"),
        lists.Choice(
            "town", "镇（街道）", field="division__parent_id", choices=_towns, all_label="全部镇（街道）"
        ),
    ),
    search=lists.Search(names=("name",), placeholder="网点名称"),
    default_sort="name",
    empty="没有在营的保险服务网点。",
)
