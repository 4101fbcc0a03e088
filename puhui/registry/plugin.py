"""What the registry adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import DIRECTORY, JobLauncher, NavItem

Role = User.Role

NAVIGATION = [
    NavItem(
        DIRECTORY,
        40,
        "农户名录",
        "household_list",
        frozenset({Role.OFFICE, Role.ADMIN, Role.TOWN, Role.AGENT, Role.PUBLIC}),
    ),
    NavItem(
        DIRECTORY,
        50,
        "市场主体",
        "firm_list",
        frozenset({Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.TOWN}),
    ),
]

JOB_LAUNCHERS = [
    JobLauncher(
        name="census_refresh",
        label="按农户名录重算各村户数",
        description="按农户名录重新统计每个村（社区）的户数和农户数，并汇总到镇（街道）和全县。",
        task_path="puhui.registry.tasks.census_refresh_task",
        roles=frozenset({Role.OFFICE, Role.ADMIN}),
        order=10,
    ),
]
