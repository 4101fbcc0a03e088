"""What cash services add to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import ApiRouter, FinderLayer, Menu, NavItem, PublicLink, TodoSource

Role = User.Role
MENU = Menu("便民服务", 44)  # shared with stations, merchants and insurance; cash takes orders 40–59
ACCESS = f"{__package__}.access"
READS = f"{__package__}.selectors.reads"

# No badges: the to-do lines count what waits (a badge is a query on every page).
NAVIGATION = [
    NavItem(MENU, 40, "现金服务点", "cash:points", None, when=f"{ACCESS}.may_see_points"),
    NavItem(MENU, 50, "假币预警", "cash:warnings", None, when=f"{ACCESS}.may_see_warnings"),
    NavItem(MENU, 55, "现金预约", "cash:bookings", None, when=f"{ACCESS}.may_see_bookings"),
]

API_ROUTERS = [ApiRouter("/cash", f"{__package__}.api.router")]

TODO = [
    TodoSource(
        "待确认的假币预警（网点和服务点）",
        frozenset({Role.INSTITUTION}),
        count=f"{READS}.bank_warning_count",
        url_name="cash:recipients",
        query="state=open",
        order=44,
        unit="个",
    ),
    TodoSource(
        "待确认的现金预约",
        frozenset({Role.INSTITUTION}),
        count=f"{READS}.bank_booking_count",
        url_name="cash:bookings",
        query="status=pending",
        order=45,
        unit="件",
    ),
    TodoSource(
        "逾期未确认假币预警的网点和服务点",
        frozenset({Role.OFFICE}),
        count=f"{READS}.office_overdue_count",
        url_name="cash:recipients",
        query="state=overdue",
        order=44,
        urgent=True,
        unit="个",
    ),
]

FINDER_LAYERS = [
    FinderLayer("cash_points", "现金服务点", places=f"{__package__}.selectors.finder_places", order=30)
]

PUBLIC_LINKS = [PublicLink("预约现金服务", "cash:booking", order=20)]
