"""What the policy app adds to the platform's shared places (hooks: puhui/core/plugins.py)."""

from puhui.core.models import User
from puhui.core.plugins import ApiRouter, JobLauncher, Menu, NavItem, TodoSource

Role = User.Role
POLICY = Menu("政策工具", 45)  # the monetary app's entries share this menu
# A member unit sees the menu only if it grants a rule (县财政局), as the pages check (access.can_read_policy).
READERS = frozenset({Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION})
ANSWER_COUNT = f"{__package__}.selectors.open_objection_count"
READS = f"{__package__}.access.can_read_policy"

NAVIGATION = [
    NavItem(POLICY, 10, "政策激励评价", "policy_home", READERS, when=READS),
    NavItem(POLICY, 20, "资金拨付台账", "policy_ledger", READERS, when=READS),
    NavItem(POLICY, 30, "优惠存款准备金率考核", "policy_reserve", READERS, when=READS),
]
API_ROUTERS = [ApiRouter("/policy", f"{__package__}.api.router")]
JOB_LAUNCHERS = [
    JobLauncher(
        name="policy_evaluate",
        label="评价上一年度的政策激励",
        description="按现行激励规则和审核通过的数据，测算上一个已结束年度各机构的财政奖补和优惠存款准备金率（与“政策激励评价”页的“运行评价”相同）。",
        task_path=f"{__package__}.tasks.evaluation_run_task",
        roles=frozenset({Role.OFFICE}),
        order=60,
    )
]
TODO = [
    TodoSource(
        "待答复的政策激励异议",
        frozenset({Role.OFFICE, Role.MEMBER_UNIT}),
        count=ANSWER_COUNT,
        url_name="policy_home",
        unit="件",
        order=70,
    )
]
