"""A capability's plug-in module, as an app would write it: a menu of its own, an entry in the core's
系统 menu with a badge, a job launcher and an API router."""

from puhui.core.models import User
from puhui.core.plugins import SYSTEM, ApiRouter, HomePage, JobLauncher, Menu, NavItem

Role = User.Role
EXTRA = Menu("扩展示例", 55)  # between 普惠金融指数 (50) and 名录 (60)

NAVIGATION = [
    NavItem(EXTRA, 10, "示例页面", "plugin_app_page"),
    NavItem(SYSTEM, 35, "示例消息", "plugin_app_inbox", frozenset({Role.OFFICE}), badge=f"{__name__}.unread"),
]

# A public user named "firm-…" lands on the example page; other public users keep the credit app's landing.
HOME_PAGES = [HomePage(frozenset({Role.PUBLIC}), "plugin_app_page", when=f"{__name__}.acts_for_a_firm")]

API_ROUTERS = [ApiRouter("/plugin-app", "tests.core.plugin_app.api.router")]

JOB_LAUNCHERS = [
    JobLauncher(
        name="plugin_app_job",
        label="示例任务",
        description="只为测试。",
        task_path="tests.jobs.tasks.count_to",
        roles=frozenset({Role.OFFICE}),
        order=15,
    )
]


def unread(user) -> int:
    return 7


def acts_for_a_firm(user) -> bool:
    return user.username.startswith("firm-")
