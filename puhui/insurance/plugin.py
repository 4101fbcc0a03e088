"""What inclusive insurance adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.plugins import ApiRouter, DataSource, Menu, NavItem, PublicLink

SERVICES_MENU = Menu("便民服务", 44)  # shared with the stations, merchants and cash apps; ours: orders 60–79
ACCESS = f"{__package__}.access"
FIGURES = f"{__package__}.selectors.coverage"

# No badges (a badge is a query on every page).
NAVIGATION = [
    NavItem(SERVICES_MENU, 60, "普惠保险覆盖情况", "insurance:coverage", None, when=f"{ACCESS}.may_see_any"),
    NavItem(SERVICES_MENU, 65, "普惠保险产品", "insurance:products", None, when=f"{ACCESS}.may_see_any"),
    NavItem(SERVICES_MENU, 70, "承保理赔情况", "insurance:reports", None, when=f"{ACCESS}.may_see_any"),
]

API_ROUTERS = [ApiRouter("/insurance", f"{__package__}.api.router")]

PUBLIC_LINKS = [PublicLink("普惠保险产品", "insurance:public", order=30)]

# Figures for the indicator catalogue's `platform` sources (puhui/data/catalogue/indicators.yaml), from the
# insurers' reports per product, town and year.
DATA_SOURCES = [
    DataSource(
        "insurance_policies",
        "普惠保险承保件数（保险机构分产品报送）",
        values=f"{FIGURES}.policies_values",
        levels=("institution", "town", "county"),
        link="insurance:reports",
    ),
    DataSource(
        "insurance_premiums",
        "普惠保险保费收入（保险机构分产品报送）",
        values=f"{FIGURES}.premiums_values",
        levels=("institution", "town", "county"),
        link="insurance:reports",
    ),
    DataSource(
        "insurance_claims_paid",
        "普惠保险赔款支出（保险机构分产品报送）",
        values=f"{FIGURES}.claims_paid_values",
        levels=("institution", "town", "county"),
        link="insurance:reports",
    ),
    DataSource(
        "insurance_agri_households",
        "农业保险参保农户数（各镇参保户数最多的农业保险产品）",
        values=f"{FIGURES}.agri_households_values",
        levels=("town", "county"),
        link="insurance:coverage",
    ),
]
