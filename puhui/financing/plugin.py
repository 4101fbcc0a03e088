"""What financing match-making adds to the shared places (see `puhui/core/plugins.py`). Menu 小微企业 (42) is
shared with puhui.firms and puhui.firstloans (docs/smallfirm.md); this app's entries are 60–89."""

from puhui.core.models import User
from puhui.core.plugins import ApiRouter, DataSource, EventHandler, Menu, NavItem, ProfileSection, TodoSource

Role = User.Role
SMALL_FIRMS = Menu("小微企业", 42)
ACCESS = f"{__package__}.access"
TODO_PATH = f"{__package__}.selectors.todo"
FIGURES = f"{__package__}.selectors.figures"
LENDERS = frozenset({Role.INSTITUTION})
STAFF = frozenset({Role.OFFICE, Role.ADMIN, Role.INSTITUTION})

# No badges (a badge is a query on every page): the lender's to-do lines count the answers waiting.
NAVIGATION = [
    NavItem(SMALL_FIRMS, 60, "融资对接概况", "financing:home", STAFF, when=f"{ACCESS}.may_see_overview"),
    NavItem(SMALL_FIRMS, 70, "融资需求", "financing:demands", None, when=f"{ACCESS}.may_see_any"),
    NavItem(SMALL_FIRMS, 75, "贷款产品", "financing:products", None, when=f"{ACCESS}.may_see_any"),
    NavItem(SMALL_FIRMS, 80, "金融辅导员", "financing:advisers", STAFF, when=f"{ACCESS}.may_see_advisers"),
]

API_ROUTERS = [ApiRouter("/financing", f"{__package__}.api.router")]

# A lender's approved 贷款明细表 shows the loans granted on the demands it accepted (services/arrivals.py).
EVENT_HANDLERS = [EventHandler("submission_approved", f"{__package__}.events.on_submission_approved")]

# The firm's demands and its adviser's visits on its credit profile (信用画像).
PROFILE_SECTIONS = [ProfileSection("financing", f"{__package__}.selectors.profile.section", order=60)]

TODO = [
    TodoSource("逾期未答复的融资需求", LENDERS, count=f"{TODO_PATH}.overdue_count", url_name="financing:home",
               order=42, items=f"{TODO_PATH}.overdue_items", urgent=True, unit="笔"),
    TodoSource("待答复的融资需求", LENDERS, count=f"{TODO_PATH}.pending_count", url_name="financing:demands",
               query="status=open", order=43, unit="笔"),
]  # fmt: skip

# Figures for the indicator catalogue computed from this app's records (puhui/data/catalogue/indicators.yaml).
DATA_SOURCES = [
    DataSource("financing_demands", "融资需求笔数（企业或金融辅导员发布，不含撤回）",
               values=f"{FIGURES}.demands_values", levels=("village", "town", "county"), link="financing:demands"),
    DataSource("financing_demands_met", "融资需求获得贷款笔数（按放款机构）",
               values=f"{FIGURES}.demands_met_values", levels=("institution", "village", "town", "county"),
               link="financing:home"),
    DataSource("financing_amount_granted", "融资需求获得贷款金额（元，按放款机构）",
               values=f"{FIGURES}.amount_granted_values", levels=("institution", "village", "town", "county"),
               link="financing:home"),
    DataSource("adviser_visits", "金融辅导员走访企业次数（按派出银行）",
               values=f"{FIGURES}.adviser_visits_values", levels=("institution", "village", "town", "county"),
               link="financing:advisers"),
    DataSource("advisers_assigned", "结对企业的金融辅导员人数（按派出银行，来自结对记录）",
               values=f"{FIGURES}.advisers_assigned_values", levels=("institution", "county"),
               link="financing:advisers"),
    DataSource("advisers_visiting", "到结对企业走访的金融辅导员人数（按派出银行，来自走访记录）",
               values=f"{FIGURES}.advisers_visiting_values", levels=("institution", "county"),
               link="financing:advisers"),
]  # fmt: skip
