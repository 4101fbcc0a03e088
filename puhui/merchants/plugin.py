"""What the 惠农商圈 register adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.plugins import ApiRouter, DataSource, FinderLayer, Menu, NavItem

SERVICES_MENU = Menu("便民服务", 44)  # the menu of issue 19's apps (stations, merchants, cash, insurance)
ACCESS = f"{__package__}.access"
COVERAGE = f"{__package__}.selectors.coverage"

# No badges (a badge is a query on every page) and no to-do line: nothing here waits for anyone.
NAVIGATION = [
    NavItem(SERVICES_MENU, 30, "惠农商圈商户", "merchants:list", None, when=f"{ACCESS}.may_see"),
    NavItem(
        SERVICES_MENU, 32, "商户月度交易上传", "merchants:figures_upload", None, when=f"{ACCESS}.may_keep"
    ),
    NavItem(SERVICES_MENU, 34, "惠农商圈覆盖情况", "merchants:coverage", None, when=f"{ACCESS}.may_see"),
]

API_ROUTERS = [ApiRouter("/merchants", f"{__package__}.api.router")]

# Figures of the indicator catalogue computed from the register (puhui/data/catalogue/indicators.yaml).
DATA_SOURCES = [
    DataSource(
        "huinong_merchants",
        "惠农商圈签约商户数（期末签约中的商户）",
        values=f"{COVERAGE}.merchants_values",
        levels=("institution", "village", "town", "county"),
        link="merchants:list",
    ),
    DataSource(
        "huinong_villages_covered",
        "惠农商圈覆盖的村数（期末至少一家受理银行卡或二维码的签约商户）",
        values=f"{COVERAGE}.villages_covered_values",
        levels=("village", "town", "county"),
        link="merchants:coverage",
    ),
    DataSource(
        "huinong_noncash_transactions",
        "惠农商圈商户非现金交易笔数（银行按月报送）",
        values=f"{COVERAGE}.noncash_transactions_values",
        levels=("institution", "village", "town", "county"),
        link="merchants:coverage",
    ),
    DataSource(
        "huinong_noncash_amount",
        "惠农商圈商户非现金交易金额（元，银行按月报送）",
        values=f"{COVERAGE}.noncash_amount_values",
        levels=("institution", "village", "town", "county"),
        link="merchants:coverage",
    ),
]

FINDER_LAYERS = [
    FinderLayer("merchants", "惠农商圈商户", places=f"{__package__}.selectors.finder_places", order=40)
]
