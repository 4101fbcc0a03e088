"""What the core adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import DIRECTORY, HOME, STAFF, SYSTEM, NavItem

Role = User.Role

NAVIGATION = [
    NavItem(HOME, 10, "首页", "dashboard"),
    NavItem(DIRECTORY, 10, "行政区划", "division_list"),
    NavItem(DIRECTORY, 20, "机构与网点", "organisation_list", STAFF | {Role.TOWN}),
    NavItem(DIRECTORY, 30, "助农取款服务点", "servicepoint_list", STAFF | {Role.TOWN, Role.AGENT}),
    NavItem(SYSTEM, 40, "操作日志", "audit_list", frozenset({Role.OFFICE, Role.ADMIN})),
    NavItem(SYSTEM, 50, "用户管理", "user_list", frozenset({Role.ADMIN})),
]

# Daily jobs the worker runs (puhui/jobs/schedule.py): a broken audit chain fails the job, which the jobs
# page shows with its error.
SCHEDULE = [
    {
        "name": "core.audit_verify",
        "at": "02:30",
        "command": "audit",
        "args": ["verify"],
        "label": "核验操作日志校验链",
    }
]
