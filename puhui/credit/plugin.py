"""What the credit app adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import STAFF, ApiRouter, HomePage, ImportTable, Menu, NavItem, TodoSource

Role = User.Role
CREDIT = Menu("信用体系", 40)

_T = f"{__package__}.todo"

NAVIGATION = [
    NavItem(
        CREDIT,
        10,
        "信用档案",
        "credit_worklist",
        frozenset({Role.AGENT, Role.TOWN, Role.OFFICE, Role.ADMIN, Role.INSTITUTION}),
        badge=f"{_T}.todo_worklist_badge",
    ),
    NavItem(
        CREDIT,
        20,
        "预授信清单",
        "credit_lines",
        frozenset({Role.INSTITUTION, Role.OFFICE, Role.ADMIN, Role.TOWN, Role.AGENT}),
    ),
    NavItem(
        CREDIT,
        30,
        "异议处理",
        "credit_objections",
        frozenset({Role.OFFICE, Role.TOWN, Role.INSTITUTION}),
        badge=f"{_T}.todo_objections",
    ),
    # A town official's entry opens their own town's page (views.towns redirects).
    NavItem(CREDIT, 40, "镇村信用建设", "credit_towns", STAFF | {Role.TOWN}),
    NavItem(CREDIT, 50, "评分卡与评定", "credit_scorecards", frozenset({Role.OFFICE, Role.ADMIN})),
    NavItem(CREDIT, 60, "我的信用", "credit_mine", frozenset({Role.PUBLIC})),
]

API_ROUTERS = [ApiRouter("/credit", "puhui.credit.api.router")]

# The home page's to-do lines (counters in todo.py, each through access.py). Objections are answered by
# the office, the household's town and a bank for its own customers (access.may_answer_objection).
TODO = [
    TodoSource(
        "待核实的农户信用档案",
        frozenset({Role.INSTITUTION, Role.TOWN}),
        f"{_T}.todo_verify",
        "credit_worklist",
        20,
        items=f"{_T}.todo_verify_items",
        unit="份",
    ),
    TodoSource(
        "待答复的异议",
        frozenset({Role.OFFICE, Role.TOWN, Role.INSTITUTION}),
        f"{_T}.todo_objections",
        "credit_objections",
        60,
        items=f"{_T}.todo_objection_items",
        unit="条",
    ),
    TodoSource(
        "超过答复期限的异议",
        frozenset({Role.OFFICE, Role.TOWN, Role.INSTITUTION}),
        f"{_T}.todo_objections_overdue",
        "credit_objections",
        61,
        urgent=True,
        unit="条",
    ),
    TodoSource(
        "采集中的档案（未填完）",
        frozenset({Role.AGENT}),
        f"{_T}.todo_drafts",
        "credit_worklist",
        10,
        query="status=draft",
        items=f"{_T}.todo_draft_items",
        unit="份",
    ),
    TodoSource(
        "尚未建档的农户",
        frozenset({Role.AGENT}),
        f"{_T}.todo_unarchived",
        "credit_worklist",
        20,
        query="status=none",
        items=f"{_T}.todo_unarchived_items",
        unit="户",
    ),
]

# A farmer's home page is their own credit page (the navigation entry 我的信用).
HOME_PAGES = [HomePage(frozenset({Role.PUBLIC}), "credit_mine")]

# On the import page and `puhui import archives`; agents and towns import on the archive page itself.
IMPORT_TABLES = [
    ImportTable(
        "archives",
        spec="puhui.credit.archive_import.SPEC",
        run="puhui.credit.archive_import.archive_import",
        template="puhui.credit.archive_columns.template_workbook",
        roles=frozenset({Role.OFFICE, Role.ADMIN}),
        order=60,
    ),
    # Monthly payment aggregates under consent (payment_import.py): a bank its own customers' and its own data.
    ImportTable(
        "payments",
        spec="puhui.credit.payment_import.SPEC",
        run="puhui.credit.payment_import.payment_import",
        roles=frozenset({Role.OFFICE, Role.ADMIN, Role.INSTITUTION}),
        order=70,
    ),
]
