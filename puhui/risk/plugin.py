"""What risk monitoring adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import ApiRouter, JobLauncher, Menu, NavItem, TodoSource  # noqa: F401

Role = User.Role
RISK = Menu(
    "金融风险", 48
)  # after 地方金融 (47), before 普惠金融指数 (50); the disposal app's entries share it
STAFF = frozenset({Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION})
BANKS_AND_OFFICE = frozenset({Role.OFFICE, Role.ADMIN, Role.INSTITUTION})

NAVIGATION = [
    # ---- networks
    NavItem(RISK, 30, "担保网络", "risk:networks", BANKS_AND_OFFICE),
    # ---- warnings
]

API_ROUTERS = [ApiRouter("/risk", f"{__package__}.api.router")]

JOB_LAUNCHERS = [
    # ---- networks
    JobLauncher(
        name="risk_networks",
        label="生成担保网络",
        description="汇总各银行审核通过的担保关系明细表，生成所选报送期的全县担保网络（担保群、担保圈、传染损失）。",
        task_path=f"{__package__}.tasks.networks_build_task",
        roles=frozenset({Role.OFFICE, Role.ADMIN}),
        order=48,
    ),
    # ---- warnings
]

SCHEDULE = [
    # ---- warnings
]

TODO = [
    # ---- warnings
]
