"""What the plan adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import STAFF, ApiRouter, ImportTable, Menu, NavItem, TodoSource

Role = User.Role
PLAN = Menu("实施方案", 20)
MESSAGES = Menu("消息", 80)

_T = f"{__package__}.todo"
OFFICE = frozenset({Role.OFFICE})
UNITS = frozenset({Role.MEMBER_UNIT, Role.INSTITUTION})

NAVIGATION = [
    NavItem(PLAN, 10, "任务看板", "plan_board", STAFF, badge=f"{_T}.todo_board_badge"),
    NavItem(
        PLAN,
        20,
        "我的任务",
        "plan_my_tasks",
        frozenset({Role.MEMBER_UNIT, Role.INSTITUTION, Role.OFFICE}),
        badge=f"{_T}.todo_my_tasks_badge",
    ),
    # The notifications are core's (any app sends them); their page is still the plan's, so is the entry.
    NavItem(
        MESSAGES, 10, "消息", "plan_notifications", badge="puhui.core.notifications.unread_notification_count"
    ),
]

API_ROUTERS = [ApiRouter("/plan", "puhui.plan.api.router")]

# The home page's to-do lines (counters in todo.py, each through access.py).
TODO = [
    TodoSource(
        "待审核的进度报告",
        OFFICE,
        f"{_T}.todo_report_reviews",
        "plan_report_list",
        20,
        query="review=submitted",  # only a current version awaits review: the same rows as the count
        items=f"{_T}.todo_report_review_items",
        unit="份",
    ),
    TodoSource("待审批的延期申请", OFFICE, f"{_T}.todo_delays", "plan_delay_list", 30, unit="件"),
    TodoSource(
        "逾期事项（进度报告、督办、里程碑）", OFFICE, f"{_T}.todo_overdue", "plan_overdue", 50, urgent=True
    ),
    TodoSource(
        "已回复待办结的督办",
        OFFICE,
        f"{_T}.todo_notices_to_close",
        "plan_notice_list",
        60,
        query="status=responded",
        unit="件",
    ),
    TodoSource(
        "待报送的进度报告",
        UNITS,
        f"{_T}.todo_unit_reports",
        "plan_my_tasks",
        20,
        items=f"{_T}.todo_unit_report_items",
        unit="份",
    ),
    TodoSource(
        "待回复的督办",
        UNITS,
        f"{_T}.todo_unit_notices",
        "plan_my_tasks",
        30,
        items=f"{_T}.todo_unit_notice_items",
        urgent=True,
        unit="件",
    ),
]

# Daily jobs the worker runs (puhui/jobs/schedule.py).
SCHEDULE = [{"name": "plan.remind", "at": "07:00", "command": "plan_remind", "label": "工作计划到期提醒"}]

# The leading group (附件1) from a file: the office and administrators (puhui/plan/leading_group_import.py).
IMPORT_TABLES = [
    ImportTable(
        "leading_group",
        spec="puhui.plan.leading_group_import.SPEC",
        run="puhui.plan.leading_group_import.leading_group_import",
        roles=frozenset({Role.OFFICE, Role.ADMIN}),
        order=35,
    )
]
