"""The product register and the reports, declared for the one list component (docs/lists.md): search,
filters, true counts and an Excel export with Chinese headers. Rows come only through `access.py`."""

from puhui.core import lists
from puhui.core.models import Division, Organisation
from puhui.insurance import access
from puhui.insurance.models import Line


def _all_insurers(user, values):
    qs = Organisation.objects.filter(kind=access.INSURER).exclude(level=Organisation.Level.OUTLET)
    return [(o.pk, o.short_name or o.name) for o in qs.order_by("name")]


def _years(user, values):
    years = access.reports_for(user).values_list("year", flat=True).distinct().order_by("-year")
    return [(y, f"{y}年") for y in years]


def _towns(user, values):
    return [(t.pk, t.name) for t in Division.objects.filter(level=Division.Level.TOWN).order_by("code")]


def _yes_no(value) -> str:
    return "是" if value else "否"


PRODUCTS = lists.ListSpec(
    key="insurance-products",
    title="普惠保险产品",
    url_name="insurance:products",
    queryset=access.products_for,
    columns=(
        lists.Column("id", "产品编号", kind="int", sort=("id",), phone=False),
        lists.Column("name", "产品名称", link="insurance:product_detail", sort=("name",)),
        lists.Column(
            "insurer", "保险机构", value=lambda p: p.insurer.short_name or p.insurer.name, phone=False
        ),
        lists.Column("line", "险种", value="get_line_display", sort=("line",)),
        lists.Column("subject", "保险标的", value="get_subject_display"),
        lists.Column("premium", "单位保费", value=lambda p: f"{p.premium} 元/{p.unit}", phone=False),
        lists.Column("farmer_pays", "农户自缴", value=lambda p: f"{p.farmer_pays} 元/{p.unit}"),
        lists.Column("special", "地方特色", value=lambda p: _yes_no(p.is_local_special), phone=False),
        lists.Column("on_sale_from", "开办日期", kind="date", sort=("on_sale_from",), phone=False),
        lists.Column("on_sale_to", "停办日期", kind="date", phone=False),
    ),
    filters=(
        lists.Choice("insurer", "保险机构", field="insurer_id", choices=_all_insurers, all_label="全部机构"),
        lists.Choice("line", "险种", choices=Line.choices, all_label="全部险种"),
        lists.Boolean("special", "地方特色险种", field="is_local_special"),
    ),
    search=lists.Search(names=("name",), placeholder="产品名称"),
    default_sort="name",
    empty="还没有登记保险产品。",
)

REPORTS = lists.ListSpec(
    key="insurance-reports",
    title="承保理赔情况",
    url_name="insurance:reports",
    queryset=access.reports_for,
    columns=(
        lists.Column("year", "年度", kind="int", unit="年", sort=("year",)),
        lists.Column("product", "产品", value="product.name", sort=("product_id",)),
        lists.Column(
            "insurer",
            "保险机构",
            value=lambda r: r.product.insurer.short_name or r.product.insurer.name,
            phone=False,
        ),  # fmt: skip
        lists.Column("town", "镇（街道）", value="town.name", sort=("town_id",)),
        lists.Column("policies", "承保件数", kind="int", unit="件", sort=("policies",)),
        lists.Column("households", "参保户数", kind="int", unit="户", sort=("households",), phone=False),
        lists.Column("quantity", "承保数量", value=lambda r: f"{r.quantity:,} {r.product.unit}", phone=False),
        lists.Column("premium", "保费", kind="money", unit="元", sort=("premium",), phone=False),
        lists.Column("claims", "赔付件数", kind="int", unit="件", phone=False),
        lists.Column("claims_paid", "赔款", kind="money", unit="元", sort=("claims_paid",)),
    ),
    filters=(
        lists.Choice("year", "年度", choices=_years, all_label="全部年度"),
        lists.Choice("town", "镇（街道）", field="town_id", choices=_towns, all_label="全部镇（街道）"),
        lists.Choice("line", "险种", field="product__line", choices=Line.choices, all_label="全部险种"),
    ),
    search=lists.Search(names=("product__name",), placeholder="产品名称"),
    default_sort="-year",
    empty="还没有报送承保理赔情况。",
)
