"""What the county index adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import STAFF, ApiRouter, JobLauncher, Menu, NavItem

Role = User.Role
INDEX = Menu("普惠金融指数", 50)

NAVIGATION = [NavItem(INDEX, 10, "普惠金融指数", "index:overview", STAFF | {Role.TOWN})]

API_ROUTERS = [ApiRouter("/index", "puhui.index.api.router")]

JOB_LAUNCHERS = [
    JobLauncher(
        name="index_build",
        label="重新计算普惠金融指数（草稿）",
        description="按当前指标体系重新计算各镇（街道）的年度和季度指数及排名区间，结果为草稿，审核后在指数页面发布。",
        task_path="puhui.index.tasks.index_build_task",
        roles=frozenset({Role.OFFICE, Role.ADMIN}),
        order=20,
    ),
]
