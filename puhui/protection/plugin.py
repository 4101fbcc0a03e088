"""What consumer protection adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import ApiRouter, JobLauncher, Menu, NavItem, PublicLink, Service, TodoSource

Role = User.Role
PROTECTION = Menu("消费者保护", 49)  # after 金融风险 (48), before 普惠金融指数 (50)
STAFF = frozenset({Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION})
A = f"{__package__}.access"

# No badges: each is a query on every page; the home page's to-do lines below count what waits.
NAVIGATION = [
    NavItem(PROTECTION, 10, "金融消费投诉", "protection:complaints", frozenset({*STAFF, Role.PUBLIC}),
            when=f"{A}.may_list_complaints"),
    NavItem(PROTECTION, 20, "答复期限看板", "protection:board", STAFF, when=f"{A}.may_see_complaints"),
    NavItem(PROTECTION, 30, "调解案件", "protection:mediations", frozenset({*STAFF, Role.PUBLIC}),
            when=f"{A}.may_list_mediations"),
    NavItem(PROTECTION, 40, "投诉与调解统计", "protection:statistics", STAFF, when=f"{A}.may_see_statistics"),
    NavItem(PROTECTION, 50, "典型案例", "protection:typical", frozenset({Role.OFFICE, Role.ADMIN})),
    NavItem(PROTECTION, 60, "投诉公开页面", "protection:public", None),
]  # fmt: skip

API_ROUTERS = [ApiRouter("/protection", f"{__package__}.api.router")]

# On the public finder: filing a complaint, and the anonymised complaints and typical cases.
PUBLIC_LINKS = [
    PublicLink("金融消费投诉", "protection:file", order=60),
    PublicLink("投诉公开与典型案例", "protection:public", order=70),
]

TODO = [
    TodoSource(
        "三天内到期或已逾期的待答复投诉",
        frozenset({Role.INSTITUTION}),
        count=f"{__package__}.selectors.complaints.due_count",
        items=f"{__package__}.selectors.complaints.due_items",
        url_name="protection:board",
        order=49,
        urgent=True,
        unit="件",
    ),
    TodoSource(
        "提请人民银行处理的投诉",
        frozenset({Role.OFFICE}),
        count=f"{__package__}.selectors.complaints.escalated_count",
        url_name="protection:complaints",
        query="status=escalated",
        order=49,
        unit="件",
    ),
]

JOB_LAUNCHERS = [
    JobLauncher(
        name="protection_purge",
        label="清除保存期满的投诉个人信息",
        description="清除办结满 3 年的投诉中投诉人的姓名、电话、证件号和投诉内容，保留分类和日期供统计。",
        task_path=f"{__package__}.tasks.purge_task",
        roles=frozenset({Role.ADMIN}),
        order=49,
    ),
]

# Nightly: complaints closed more than 3 years ago lose their personal data (records kept at least 3 years).
SCHEDULE = [
    {
        "name": "protection.purge",
        "at": "03:30",
        "command": "protection_purge",
        "label": "清除保存期满的投诉个人信息",
    }
]

# The banks' evaluation (puhui.bankeval) scores complaints answered on time without naming this app.
SERVICES = [Service("complaints_on_time_rate", f"{__package__}.selectors.statistics.on_time_rates")]
