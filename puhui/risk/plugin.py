"""What risk monitoring adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import ApiRouter, EventHandler, JobLauncher, Menu, NavItem, TodoSource  # noqa: F401

Role = User.Role
# After 地方金融 (47), before 普惠金融指数 (50); the disposal app's entries share it.
RISK = Menu("金融风险", 48)
STAFF = frozenset({Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION})
BANKS_AND_OFFICE = frozenset({Role.OFFICE, Role.ADMIN, Role.INSTITUTION})

NAVIGATION = [
    # ---- networks
    NavItem(RISK, 30, "担保网络", "risk:networks", BANKS_AND_OFFICE),
    # ---- warnings
    NavItem(
        RISK,
        10,
        "风险预警",
        "risk:warnings",
        STAFF,
        badge=f"{__package__}.selectors.warnings.badge_count",
        when=f"{__package__}.access.may_see_warnings",
    ),
    NavItem(RISK, 12, "预警看板", "risk:warnings_dashboard", frozenset({Role.OFFICE, Role.ADMIN})),
    NavItem(RISK, 14, "预警规则", "risk:warning_rules", frozenset({Role.OFFICE, Role.ADMIN})),
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
    JobLauncher(
        name="risk_warnings",
        label="评估风险预警",
        description="按现行预警规则评估各季度审核通过的贷款明细表（不良率和逾期率上升、抽贷断贷压贷、集中度、涉农和小微贷款骤降），发出或更新风险预警。",
        task_path=f"{__package__}.tasks.warnings_evaluate_task",
        roles=frozenset({Role.OFFICE, Role.ADMIN}),
        order=49,
    ),
]

SCHEDULE = [
    # ---- warnings: nightly, after the day's approvals (each approval also queues its own quarter at once)
    {"name": "risk.warnings", "at": "04:10", "command": "risk_warnings", "label": "评估风险预警"},
]

TODO = [
    # ---- warnings
    TodoSource(
        "待指派的风险预警",
        frozenset({Role.OFFICE}),
        count=f"{__package__}.selectors.warnings.todo_office_open",
        url_name="risk:warnings",
        query="status=open",
        order=72,
        unit="项",
    ),
    TodoSource(
        "已答复待关闭的风险预警",
        frozenset({Role.OFFICE}),
        count=f"{__package__}.selectors.warnings.todo_office_answered",
        url_name="risk:warnings",
        query="status=answered",
        order=73,
        unit="项",
    ),
    TodoSource(
        "指派给本单位的风险预警",
        frozenset({Role.INSTITUTION, Role.MEMBER_UNIT}),
        count=f"{__package__}.selectors.warnings.todo_mine_count",
        url_name="risk:warnings",
        query="status=assigned&mine=1",
        order=72,
        urgent=True,
        unit="项",
    ),
]

# ---- warnings: an approved 贷款明细表 queues the evaluation of its quarter
EVENT_HANDLERS = [EventHandler("submission_approved", f"{__package__}.events.on_submission_approved")]
