"""What service stations and bill-pay coverage add to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import ApiRouter, DataSource, Menu, NavItem, Service, TodoSource

Role = User.Role
SERVICES_MENU = Menu("便民服务", 44)  # after 信用体系 (40), before 政策工具 (45); this app orders 10–29
ACCESS = f"{__package__}.access"
BANK = frozenset({Role.INSTITUTION})

# No badges (a badge is a query on every page): the bank's to-do lines count what waits.
NAVIGATION = [
    NavItem(SERVICES_MENU, 10, "服务站目标", "stations:targets", None, when=f"{ACCESS}.may_see_targets"),
    NavItem(
        SERVICES_MENU, 12, "实时缴费与便民支付", "stations:billpay", None, when=f"{ACCESS}.may_see_targets"
    ),
    NavItem(SERVICES_MENU, 14, "银行服务站功能", "stations:offers", None, when=f"{ACCESS}.may_see_offers"),
    NavItem(SERVICES_MENU, 16, "服务站月度交易", "stations:monthly", None, when=f"{ACCESS}.may_see_records"),
    NavItem(SERVICES_MENU, 18, "服务站检查", "stations:inspections", None, when=f"{ACCESS}.may_see_records"),
    NavItem(SERVICES_MENU, 20, "服务站代办员", "stations:agents", None, when=f"{ACCESS}.may_see_agents"),
    NavItem(SERVICES_MENU, 22, "便民支付场景", "stations:scenes", None, when=f"{ACCESS}.may_see_scenes"),
]

API_ROUTERS = [ApiRouter("/stations", f"{__package__}.api.router")]

# The register asks, without naming this app, whether a bank offers a station's functions.
SERVICES = [Service("station_functions_allowed", f"{__package__}.services.offers.station_functions_allowed")]

TODO = [
    TodoSource(
        "整改逾期的服务站检查",
        BANK,
        count=f"{__package__}.selectors.figures.overdue_rectifications",
        url_name="stations:inspections",
        query="state=overdue",
        order=44,
        urgent=True,
        unit="次",
    ),
    TodoSource(
        "上月未报送交易的服务点",
        BANK,
        count=f"{__package__}.selectors.figures.missing_last_month",
        url_name="stations:monthly_add",
        order=45,
        unit="个",
    ),
]

# Figures for the indicator catalogue computed from this app's records (puhui/data/catalogue/indicators.yaml).
DATA_SOURCES = [
    DataSource(
        "station_transactions",
        "服务站交易笔数（取款、转账、汇款、缴费，银行月报）",
        values=f"{__package__}.selectors.figures.station_transactions_values",
        levels=("institution", "village", "town", "county"),
        link="stations:monthly",
    ),
    DataSource(
        "station_withdrawal_amount",
        "服务站取款金额（银行月报）",
        values=f"{__package__}.selectors.figures.station_withdrawal_amount_values",
        levels=("institution", "village", "town", "county"),
        link="stations:monthly",
    ),
    DataSource(
        "payment_scenes",
        "便民支付场景数（期末在用）",
        values=f"{__package__}.selectors.figures.payment_scenes_values",
        levels=("institution", "town", "county"),
        link="stations:scenes",
    ),
]
