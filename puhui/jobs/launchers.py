"""Jobs a user may start from the job page. Another app adds its own entry here."""

from dataclasses import dataclass

from django.utils.module_loading import import_string

from puhui.core.models import User

Role = User.Role
OFFICE_ROLES = frozenset({Role.OFFICE, Role.ADMIN})


@dataclass(frozen=True)
class Launcher:
    name: str
    label: str
    description: str
    task_path: str
    roles: frozenset

    @property
    def task(self):
        return import_string(self.task_path)


LAUNCHERS = [
    Launcher(
        name="census_refresh",
        label="按农户名录重算各村户数",
        description="按农户名录重新统计每个村（社区）的户数和农户数，并汇总到镇（街道）和全县。",
        task_path="puhui.registry.tasks.census_refresh_task",
        roles=OFFICE_ROLES,
    ),
    Launcher(
        name="index_build",
        label="重新计算普惠金融指数（草稿）",
        description="按当前指标体系重新计算各镇（街道）的年度和季度指数及排名区间，结果为草稿，审核后在指数页面发布。",
        task_path="puhui.index.tasks.index_build_task",
        roles=OFFICE_ROLES,
    ),
    Launcher(
        name="derived_compute",
        label="重新计算全部派生指标",
        description="按已审核通过的报送和平台数据，重新计算各报送期、各层级的派生指标和目标监测结果。",
        task_path="puhui.data.tasks.derived_compute_task",
        roles=OFFICE_ROLES,
    ),
]


def launchers_for(user: User) -> list[Launcher]:
    if not user.is_authenticated:
        return []
    return [launcher for launcher in LAUNCHERS if user.role in launcher.roles]


def launcher_for(user: User, name: str) -> Launcher | None:
    return next((launcher for launcher in launchers_for(user) if launcher.name == name), None)
