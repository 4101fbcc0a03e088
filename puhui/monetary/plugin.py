"""What the monetary policy tools add to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import ApiRouter, ImportTable, JobLauncher, Menu, NavItem

Role = User.Role
# Shared with puhui.policy (fiscal subsidies, reserve ratios): the same label and order in both plugin modules.
POLICY = Menu("政策工具", 45)
READERS = frozenset({Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION})

NAVIGATION = [
    NavItem(POLICY, 50, "再贷款再贴现台账", "monetary:lines", READERS),
    NavItem(POLICY, 60, "贷款市场报价利率", "monetary:lpr", READERS),
    NavItem(POLICY, 70, "利率监测", "monetary:rates", READERS),
]

API_ROUTERS = [ApiRouter("/monetary", f"{__package__}.api.router")]

JOB_LAUNCHERS = [
    JobLauncher(
        name="monetary_rates",
        label="汇总利率监测数据",
        description="按已审核通过的贷款明细表，重新汇总各机构各季度按借款人类型和担保方式发放贷款的加权平均利率，供利率监测页面使用。",
        task_path=f"{__package__}.tasks.rate_cells_refresh_task",
        roles=frozenset({Role.OFFICE, Role.ADMIN}),
        order=45,
    ),
]

# Nightly, after the day's approvals: the rate page reads the summary (the command skips when nothing changed).
SCHEDULE = [
    {"name": "monetary.rates", "at": "03:40", "command": "monetary_rates", "label": "汇总利率监测数据"}
]

# The loans a line financed, many at once (the line's page takes them one by one).
IMPORT_TABLES = [
    ImportTable(
        "monetary_financed_loans",
        spec=f"{__package__}.financed_import.SPEC",
        run=f"{__package__}.financed_import.financed_loan_import",
        roles=frozenset({Role.OFFICE}),
        order=80,
    ),
]
