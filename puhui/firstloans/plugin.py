"""What 首贷培植和续贷 adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import (
    ApiRouter,
    DataSource,
    EventHandler,
    JobLauncher,
    Menu,
    NavItem,
    TodoSource,
)

Role = User.Role
# Shared by the three small-firm apps (docs/smallfirm.md): firms 20–39, this app 40–59, financing 60–79.
SMALL_FIRMS = Menu("小微企业", 42)
ACCESS = f"{__package__}.access"
FIGURES = f"{__package__}.selectors.figures"
OFFICE = frozenset({Role.OFFICE, Role.ADMIN})
BANKS_AND_OFFICE = frozenset({Role.OFFICE, Role.ADMIN, Role.INSTITUTION})

NAVIGATION = [
    NavItem(SMALL_FIRMS, 40, "首贷培植名单", "firstloans:list", BANKS_AND_OFFICE, when=f"{ACCESS}.may_see"),
    NavItem(
        SMALL_FIRMS, 42, "首贷培植对接记录", "firstloans:contacts", BANKS_AND_OFFICE, when=f"{ACCESS}.may_see"
    ),
    NavItem(
        SMALL_FIRMS, 44, "首贷认定核对", "firstloans:first_check", BANKS_AND_OFFICE, when=f"{ACCESS}.may_see"
    ),
    NavItem(
        SMALL_FIRMS,
        46,
        "无还本续贷核对",
        "firstloans:renewal_check",
        BANKS_AND_OFFICE,
        when=f"{ACCESS}.may_see",
    ),
    NavItem(SMALL_FIRMS, 48, "首贷续贷计算", "firstloans:runs", OFFICE),
]

API_ROUTERS = [ApiRouter("/firstloans", f"{__package__}.api.router")]

JOB_LAUNCHERS = [
    JobLauncher(
        name="firstloans_compute",
        label="计算首贷培植名单和续贷",
        description="比对名录企业和各银行审核通过的贷款明细表，生成从未获得贷款的企业名单（按银行服务区域分发），"
        "认定每个借款人在各银行的第一笔贷款（首贷）并与银行的首贷标记核对，识别无还本续贷。",
        task_path=f"{__package__}.tasks.firstloans_compute_task",
        roles=OFFICE,
        order=42,
    ),
]

# Nightly, after the day's approvals (each approved 贷款明细表 also queues a computation at once).
SCHEDULE = [
    {
        "name": "firstloans.compute",
        "at": "04:30",
        "command": "firstloans_compute",
        "label": "计算首贷培植名单和续贷",
    },
]

EVENT_HANDLERS = [EventHandler("submission_approved", f"{__package__}.events.on_submission_approved")]

TODO = [
    TodoSource(
        "首贷培植名单中尚未联系的企业",
        frozenset({Role.INSTITUTION}),
        count=f"{FIGURES}.not_contacted_count",
        url_name="firstloans:list",
        order=42,
        unit="户",
    ),
]

# Figures for the indicator catalogue (puhui/data/catalogue/indicators.yaml), from the latest computation.
DATA_SOURCES = [
    DataSource(
        "platform_first_loans",
        "首贷户数（平台认定：借款人在各银行的第一笔贷款）",
        values=f"{FIGURES}.platform_first_values",
        levels=("institution", "town", "county"),
        link="firstloans:first_check",
    ),
    DataSource(
        "platform_first_loans_firms",
        "小微企业和个体工商户首贷户数（平台认定）",
        values=f"{FIGURES}.platform_first_firms_values",
        levels=("institution", "town", "county"),
        link="firstloans:first_check",
    ),
    DataSource(
        "detected_renewals",
        "无还本续贷笔数（平台按贷款明细识别）",
        values=f"{FIGURES}.renewal_count_values",
        levels=("institution", "town", "county"),
        link="firstloans:renewals",
    ),
    DataSource(
        "detected_renewal_amount",
        "无还本续贷结转余额（平台按贷款明细识别）",
        values=f"{FIGURES}.renewal_carried_values",
        levels=("institution", "town", "county"),
        link="firstloans:renewals",
    ),
    DataSource(
        "detected_renewal_balance",
        "无还本续贷余额（平台识别，期末）",
        values=f"{FIGURES}.renewal_balance_values",
        levels=("institution", "town", "county"),
        link="firstloans:renewal_check",
    ),
    DataSource(
        "never_borrowed_firms",
        "从未获得贷款的名录企业数（首贷培植名单，期末）",
        values=f"{FIGURES}.never_borrowed_values",
        levels=("town", "county"),
        link="firstloans:list",
    ),
    DataSource(
        "cultivated_first_loans",
        "首贷培植成功企业数（银行登记已获得贷款）",
        values=f"{FIGURES}.cultivated_values",
        levels=("institution", "village", "town", "county"),
        link="firstloans:contacts",
    ),
]
