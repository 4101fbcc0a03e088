"""What the plan adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import STAFF, ApiRouter, Menu, NavItem

Role = User.Role
PLAN = Menu("实施方案", 20)
MESSAGES = Menu("消息", 80)

NAVIGATION = [
    NavItem(PLAN, 10, "任务看板", "plan_board", STAFF),
    NavItem(
        PLAN, 20, "我的任务", "plan_my_tasks", frozenset({Role.MEMBER_UNIT, Role.INSTITUTION, Role.OFFICE})
    ),
    # The notifications are core's (any app sends them); their page is still the plan's, so is the entry.
    NavItem(
        MESSAGES, 10, "消息", "plan_notifications", badge="puhui.core.notifications.unread_notification_count"
    ),
]

API_ROUTERS = [ApiRouter("/plan", "puhui.plan.api.router")]

# Daily jobs the worker runs (puhui/jobs/schedule.py).
SCHEDULE = [{"name": "plan.remind", "at": "07:00", "command": "plan_remind", "label": "工作计划到期提醒"}]
