"""What the registry adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import DIRECTORY, STAFF, ApiRouter, ImportTable, JobLauncher, NavItem, Service

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
    # After the core's 助农取款服务点 (30): the terminals, and the registers checked against the banks' reports.
    NavItem(DIRECTORY, 35, "自助机具", "terminal_list", STAFF | {Role.TOWN, Role.AGENT}),
    NavItem(
        DIRECTORY,
        70,
        "登记数与报送数核对",
        "reconciliation",
        frozenset({Role.OFFICE, Role.ADMIN, Role.INSTITUTION}),
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

# Registers loaded from files (the import page, `puhui import <name>`, background jobs for large files).
# Firms and the service network (service points, terminals) are below; households join this list too.
OFFICE_ADMIN = frozenset({Role.OFFICE, Role.ADMIN})
IMPORT_TABLES = [
    ImportTable(
        "households",
        spec="puhui.registry.household_columns.SPEC",
        run="puhui.registry.household_import.household_import",
        # A town official imports its own town's households; every row is scope-checked.
        roles=frozenset({Role.OFFICE, Role.ADMIN, Role.TOWN}),
        order=30,
    ),
    ImportTable(
        "firms",
        spec="puhui.registry.firm_import.SPEC",
        run="puhui.registry.firm_import.firm_import",
        roles=OFFICE_ADMIN,
        order=40,
    ),
    ImportTable(
        "service_points",
        spec="puhui.registry.network_import.SERVICE_POINTS",
        run="puhui.registry.network_import.service_point_import",
        roles=OFFICE_ADMIN,
        order=50,
    ),
    ImportTable(
        "terminals",
        spec="puhui.registry.network_import.TERMINALS",
        run="puhui.registry.network_import.terminal_import",
        roles=OFFICE_ADMIN,
        order=55,
    ),
]

# Daily: the service-channel figures the banks reported beside the registers; large differences to the office.
SCHEDULE = [
    {"name": "registry.reconcile", "at": "06:40", "command": "reconcile", "label": "登记数与报送数核对"},
]

# The banks' registers over the API (puhui/registry/network_api.py): batches of upserts, and the lists.
API_ROUTERS = [
    ApiRouter("/registers", "puhui.registry.network_api.router"),
    ApiRouter("/households", "puhui.registry.api.router"),
]

# The service-point lifecycle's one rule, offered to the platform: the API's POST /service-points
# (puhui/api/services.py) registers a point through it (checklist, dates, the bank's scope).
SERVICES = [Service("service_point_register", f"{__package__}.network.service_point_register")]
