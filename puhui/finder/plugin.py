"""What the finder adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import ApiRouter, Menu, NavItem, PublicLink

Role = User.Role
CONVENIENCE = Menu(
    "便民服务", 44
)  # after 信用体系 (40), before 政策工具 (45); shared with stations, cash, merchants, insurance

NAVIGATION = [
    NavItem(CONVENIENCE, 90, "便民服务查询（公众页面）", "finder:home", None),
    NavItem(CONVENIENCE, 95, "金融知识文章", "finder:articles", frozenset({Role.OFFICE})),
]

API_ROUTERS = [ApiRouter("/finder", f"{__package__}.api.router")]

PUBLIC_LINKS = [PublicLink("金融知识", "finder:knowledge", order=50)]
