"""What local finance adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import ApiRouter, DataSource, JobLauncher, Menu, NavItem, TodoSource

Role = User.Role
LOCAL_FINANCE = Menu("地方金融", 47)  # after 政策工具 (45), before 普惠金融指数 (50)
READERS = frozenset({Role.OFFICE, Role.ADMIN, Role.MEMBER_UNIT, Role.INSTITUTION})
SEES_ALL = f"{__package__}.access.sees_all"  # the office, administrators, the finance centre

NAVIGATION = [
    NavItem(LOCAL_FINANCE, 10, "概况", "localfin:home", READERS),
    NavItem(
        LOCAL_FINANCE,
        20,
        "地方金融组织",
        "localfin:organisations",
        READERS,
        when=f"{__package__}.access.may_list_organisations",
    ),
    # No badge: the count checks every return against the rules, too much for every page (the home page's
    # to-do line below shows it).
    NavItem(LOCAL_FINANCE, 30, "监管指标核查", "localfin:breaches", READERS, when=SEES_ALL),
    NavItem(LOCAL_FINANCE, 40, "上市后备企业", "localfin:listing_board", READERS, when=SEES_ALL),
    NavItem(LOCAL_FINANCE, 50, "直接融资", "localfin:financing_overview", READERS, when=SEES_ALL),
    NavItem(LOCAL_FINANCE, 60, "农产品交易与信用互助", "localfin:exchange", READERS, when=SEES_ALL),
    NavItem(LOCAL_FINANCE, 70, "保险服务网络", "localfin:insurance", READERS, when=SEES_ALL),
]

API_ROUTERS = [ApiRouter("/localfin", f"{__package__}.api.router")]

JOB_LAUNCHERS = [
    JobLauncher(
        name="localfin_breaches",
        label="核查地方金融组织监管指标",
        description="按各地方金融组织审核通过的经营情况表核查监管指标，把新发现的超限情况通知县金融证券工作服务中心和办公室（每项只通知一次）。",
        task_path=f"{__package__}.tasks.breaches_notify_task",
        roles=frozenset({Role.OFFICE, Role.ADMIN}),
        order=47,
    ),
]

# Nightly, after the day's approvals (each breach is told once, however often it runs).
SCHEDULE = [
    {
        "name": "localfin.breaches",
        "at": "03:50",
        "command": "localfin_breaches",
        "label": "核查地方金融组织监管指标",
    }
]

TODO = [
    TodoSource(
        "地方金融组织监管指标超限",
        frozenset({Role.OFFICE, Role.MEMBER_UNIT}),
        count=f"{__package__}.selectors.orgs.breach_count",
        url_name="localfin:breaches",
        order=70,
        unit="项",
    ),
]

# Figures of the indicator catalogue computed from this app's records (puhui/data/catalogue/indicators.yaml).
DATA_SOURCES = [
    DataSource(
        "direct_financing",
        "直接融资额（债券和股权融资登记）",
        values=f"{__package__}.selectors.financing.direct_financing_values",
        levels=("town", "county"),
        link="localfin:financing_overview",
    ),
    DataSource(
        "listed_firms",
        "上市挂牌企业数（上市后备企业库）",
        values=f"{__package__}.selectors.listing.listed_firms_values",
        levels=("town", "county"),
        link="localfin:listing_board",
    ),
    DataSource(
        "insurance_outlets",
        "保险服务网点数（机构名录）",
        values=f"{__package__}.selectors.orgs.insurance_outlets_values",
        levels=("village", "town", "county"),
        link="localfin:insurance",
    ),
]
