"""What the core adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import DIRECTORY, HOME, STAFF, SYSTEM, ImportTable, NavItem

Role = User.Role

NAVIGATION = [
    NavItem(HOME, 10, "首页", "dashboard"),
    # Every village of the county: the staff's; a town official finds theirs on 镇村信用建设.
    NavItem(DIRECTORY, 10, "行政区划", "division_list", STAFF),
    NavItem(DIRECTORY, 20, "机构与网点", "organisation_list", STAFF | {Role.TOWN}),
    NavItem(DIRECTORY, 30, "助农取款服务点", "servicepoint_list", STAFF | {Role.TOWN, Role.AGENT}),
    NavItem(SYSTEM, 40, "操作日志", "audit_list", frozenset({Role.OFFICE, Role.ADMIN})),
    NavItem(SYSTEM, 50, "用户管理", "user_list", frozenset({Role.ADMIN})),
]

# Users in bulk (puhui/core/user_import.py): the administrator's, who manages accounts (access.can_manage_users).
IMPORT_TABLES = [
    ImportTable(
        "users",
        spec="puhui.core.user_import.USERS",
        run="puhui.core.user_import.user_import",
        roles=frozenset({Role.ADMIN}),
        order=30,
    )
]

# Key rotation (puhui/core/rotation.py): the initial-password sheets of user imports are sealed under the field
# key until their one download (puhui/core/password_sheets.py).
KEY_ROTATION = [
    {
        "files": "puhui.core.password_sheets.stored_paths",
        "rotate_file": "puhui.core.sealed_files.original_rotate",
    }
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
