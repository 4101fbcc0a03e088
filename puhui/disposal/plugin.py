"""What risk disposal adds to the shared places (see `puhui/core/plugins.py`). Its entries join the risk app's
menu 金融风险 after the risk app's own (orders 60+)."""

from puhui.core.models import User
from puhui.core.plugins import ApiRouter, NavItem, ProfileFlag, Service, TodoSource
from puhui.risk.plugin import RISK

Role = User.Role
STAFF = frozenset({Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION})
# The list's menu entry: staff in scope, and a public user who is a notified debtor (their own notice).
LIST_ROLES = frozenset({*STAFF, Role.PUBLIC})

# No badge on the list: the office's to-do line counts what waits for it (a badge is a query on every page).
NAVIGATION = [
    NavItem(RISK, 60, "风险处置台账", "disposal:cases", STAFF, when=f"{__package__}.access.may_see_cases"),
    NavItem(
        RISK,
        70,
        "逃废债黑名单",
        "disposal:listings",
        LIST_ROLES,
        when=f"{__package__}.access.may_see_listings",
    ),
]

API_ROUTERS = [ApiRouter("/disposal", f"{__package__}.api.router")]

TODO = [
    TodoSource(
        "逾期未办结的风险处置步骤",
        frozenset({Role.OFFICE, Role.MEMBER_UNIT, Role.INSTITUTION}),
        count=f"{__package__}.selectors.cases.overdue_count",
        items=f"{__package__}.selectors.cases.overdue_items",
        url_name="disposal:cases",
        order=60,
        urgent=True,
        unit="项",
    ),
    TodoSource(
        "待办理的逃废债黑名单事项",
        frozenset({Role.OFFICE}),
        count=f"{__package__}.selectors.listings.pending_count",
        url_name="disposal:listings",
        query="pending=1",
        order=61,
        unit="条",
    ),
]

# The registry's firm and household pages show "已列入逃废债黑名单" to those in publication scope.
PROFILE_FLAGS = [ProfileFlag("dishonest_debtor", f"{__package__}.selectors.listings.flags_for")]

# The credit app's rating and pre-credit exclude listed debtors (credit/scoring.py `LISTED_SERVICE`).
SERVICES = [Service("dishonest_debtor_households", f"{__package__}.selectors.listings.dishonest_households")]
