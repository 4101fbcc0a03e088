"""What typical cases and the zone's publicity add to the shared places (see `puhui/core/plugins.py`). They join
the plan's menu 实施方案 (20), taking orders 60–69 (the plan's entries are 10 and 20)."""

from puhui.core.models import User
from puhui.core.plugins import STAFF, ApiRouter, DataSource, Menu, NavItem, Service, TodoSource

Role = User.Role
PLAN = Menu("实施方案", 20)
ACCESS = f"{__package__}.access"
RECORDS = f"{__package__}.selectors.records"
FIGURES = f"{__package__}.selectors.figures"
OFFICE = frozenset({Role.OFFICE})

# No badges (a badge is a query on every page): the office's to-do lines count what waits for review.
NAVIGATION = [
    NavItem(PLAN, 60, "典型案例", "cases:cases", STAFF),
    NavItem(PLAN, 63, "示范区宣传", "cases:publicity", STAFF, when=f"{ACCESS}.may_see_promotions"),
    NavItem(PLAN, 66, "宣传与案例汇总", "cases:summary", frozenset({Role.OFFICE, Role.ADMIN})),
]

API_ROUTERS = [ApiRouter("/cases", f"{__package__}.api.router")]

TODO = [
    TodoSource("待审核的典型案例", OFFICE, count=f"{RECORDS}.pending_cases_count", url_name="cases:cases",
               query="status=submitted", order=62, unit="篇"),
    TodoSource("待审核的示范区宣传记录", OFFICE, count=f"{RECORDS}.pending_promotions_count",
               url_name="cases:publicity", query="status=pending", order=63, unit="条"),
]  # fmt: skip

# What a periodic evaluation report takes, without naming this app: `plugins.service("evaluation_cases")(period)`.
SERVICES = [
    Service("evaluation_cases", f"{__package__}.selectors.report.selected_cases"),
    Service("publicity_summary", f"{__package__}.selectors.report.publicity_summary"),
]

# Figures for the indicator catalogue (puhui/data/catalogue/indicators.yaml).
DATA_SOURCES = [
    DataSource("zone_publicity_events", "示范区宣传活动次数（审核通过的示范区宣传记录）",
               values=f"{FIGURES}.zone_publicity_events_values", levels=("institution", "town", "county"),
               link="cases:publicity"),
    DataSource("zone_publicity_audience", "示范区宣传受众人数（人，审核通过的记录，媒体报道不计）",
               values=f"{FIGURES}.zone_publicity_audience_values", levels=("institution", "town", "county"),
               link="cases:publicity"),
    DataSource("cases_published", "发布的典型案例篇数（按案例所属期间）",
               values=f"{FIGURES}.cases_published_values", levels=("institution", "county"), link="cases:cases"),
]  # fmt: skip
