"""What financial education and outreach adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import ApiRouter, DataSource, Menu, NavItem, TodoSource

Role = User.Role
OUTREACH = Menu("宣传教育", 46)  # after 政策工具 (45), before 地方金融 (47)
ACCESS = f"{__package__}.access"

# No badges: the office's to-do line counts what waits for review (a badge is a query on every page).
NAVIGATION = [
    NavItem(OUTREACH, 10, "目标与核对", "outreach:targets", None, when=f"{ACCESS}.may_see_any"),
    NavItem(OUTREACH, 20, "流动银行“三进”活动", "outreach:events", None, when=f"{ACCESS}.may_see_events"),
    NavItem(OUTREACH, 30, "金融知识宣传活动", "outreach:publicity", None, when=f"{ACCESS}.may_see_publicity"),
    NavItem(OUTREACH, 40, "校园金融知识教育基地", "outreach:schools", None, when=f"{ACCESS}.may_see_schools"),
]

API_ROUTERS = [ApiRouter("/outreach", f"{__package__}.api.router")]

TODO = [
    TodoSource(
        "待审核的宣传教育记录",
        frozenset({Role.OFFICE}),
        count=f"{__package__}.selectors.records.pending_count",
        url_name="outreach:targets",
        order=46,
        unit="条",
    ),
]

# Figures of the indicator catalogue computed from the approved records (puhui/data/catalogue/indicators.yaml).
DATA_SOURCES = [
    DataSource(
        "mobile_bank_events",
        "流动银行“三进”活动次数（审核通过的活动记录）",
        values=f"{__package__}.selectors.figures.mobile_bank_events_values",
        levels=("institution", "town", "county"),
        link="outreach:events",
    ),
    DataSource(
        "publicity_events",
        "金融知识宣传活动次数（审核通过的宣传记录）",
        values=f"{__package__}.selectors.figures.publicity_events_values",
        levels=("institution", "village", "town", "county"),
        link="outreach:publicity",
    ),
    DataSource(
        "school_bases",
        "校园金融知识教育基地数（审核通过的教育基地记录）",
        values=f"{__package__}.selectors.figures.school_bases_values",
        levels=("town", "county"),
        link="outreach:schools",
    ),
]
