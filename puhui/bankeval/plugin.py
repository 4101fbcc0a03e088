"""What the banks' evaluation adds to the shared places (see `puhui/core/plugins.py`).

Its menu entry sits in 数据与目标 (30), after 数据报送 (10) and 目标监测 (20): the evaluation scores the figures
the banks report there against the plan's targets, and the banks already read that menu (实施方案 is the
plan's task workflow for the member units)."""

from puhui.core.models import User
from puhui.core.plugins import ApiRouter, JobLauncher, Menu, NavItem, Service, TodoSource

Role = User.Role
DATA = Menu("数据与目标", 30)
ACCESS = f"{__package__}.access"
RESULTS = f"{__package__}.selectors.results"
READERS = frozenset({Role.OFFICE, Role.ADMIN, Role.INSTITUTION})

NAVIGATION = [
    NavItem(DATA, 40, "普惠金融综合评价", "bankeval:home", READERS, when=f"{ACCESS}.may_see"),
]

API_ROUTERS = [ApiRouter("/bankeval", f"{__package__}.api.router")]

JOB_LAUNCHERS = [
    JobLauncher(
        name="bankeval_run",
        label="银行业金融机构普惠金融综合评价",
        description="按现行指标体系评价最近一个有数据的年度：读取各银行的机构层级指标、登记簿和定性评分，"
        "计算各项得分、总分、等级和名次（结果待办公室发布）。",
        task_path=f"{__package__}.tasks.bankeval_run_task",
        roles=frozenset({Role.OFFICE}),
        order=35,
    ),
]

TODO = [
    TodoSource(
        "综合评价尚未录入的定性评分",
        frozenset({Role.OFFICE}),
        count=f"{RESULTS}.missing_qualitative_count",
        url_name="bankeval:qualitative",
        order=35,
        unit="项",
    ),
]

# For the plan's assessment: bank id → published total, grade and rank of a year's evaluation.
SERVICES = [Service("bank_evaluation_results", f"{RESULTS}.published_results")]
