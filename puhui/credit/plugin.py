"""What the credit app adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import STAFF, ApiRouter, Menu, NavItem

Role = User.Role
CREDIT = Menu("信用体系", 40)

NAVIGATION = [
    NavItem(
        CREDIT,
        10,
        "信用档案",
        "credit_worklist",
        frozenset({Role.AGENT, Role.TOWN, Role.OFFICE, Role.ADMIN, Role.INSTITUTION}),
    ),
    NavItem(
        CREDIT,
        20,
        "预授信清单",
        "credit_lines",
        frozenset({Role.INSTITUTION, Role.OFFICE, Role.ADMIN, Role.TOWN, Role.AGENT}),
    ),
    NavItem(CREDIT, 30, "异议处理", "credit_objections", frozenset({Role.OFFICE, Role.TOWN})),
    NavItem(CREDIT, 40, "镇村信用建设", "credit_towns", STAFF | {Role.TOWN}),
    NavItem(CREDIT, 50, "评分卡与评定", "credit_scorecards", frozenset({Role.OFFICE, Role.ADMIN})),
    NavItem(CREDIT, 60, "我的信用", "credit_mine", frozenset({Role.PUBLIC})),
]

API_ROUTERS = [ApiRouter("/credit", "puhui.credit.api.router")]
