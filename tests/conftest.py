"""A small hand-made county shared by the tests: two towns, two banks, a user for every role.

The demo generator has tests of its own; these fixtures stay independent of it so a generator
change never hides an access-rule regression.
"""

import datetime
import os
import shutil
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from pytest_django.plugin import blocking_manager_key

from puhui.core.models import Division, Organisation, ServicePoint, Terminal, User
from puhui.registry.models import Firm, Household
from tests import small_demo
from tests.small_demo import _shared_demo, demo, in_demo  # noqa: F401  (fixtures for every module)

# Playwright's sync API keeps an event loop in the main thread; the ORM calls around it stay sequential.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "Ceshi-mima-2026"
# Valid by GB 11643 / GB 32100 check digits.
ID_NUMBERS = ["370323199001011234", "370323199006150022", "37032319921230001X", "37032320000229004X"]


ENGINE_TESTS = Path(__file__).resolve().parent / "engines"


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests (row locks across threads) are left out on SQLite, not skipped: the suite's
    SQLite leg reports them as deselected and the PostgreSQL leg of .ci/run runs them. The pure engines'
    tests (tests/engines/: no Django, no database — tests/engines/test_purity.py holds them to it) are left
    out of the PostgreSQL leg the same way: a second run of them there would test nothing the first did not;
    so are the long tests marked `sqlite_leg` (a migration round trip, the demo's extension hook)."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        kept = [
            item
            for item in items
            if ENGINE_TESTS not in Path(str(item.path)).parents
            and item.get_closest_marker("sqlite_leg") is None
        ]
    else:
        kept = [item for item in items if item.get_closest_marker("postgres") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept
    # The tests that read the shared demo county run first, together: it is built once.
    items.sort(key=lambda item: not small_demo.reads_the_demo(item))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getoption("dist") == "loadfile":
        return small_demo.DemoFirstScheduling(config, log)
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before any fixture of a test that does not read the shared demo county: roll the county back."""
    if not small_demo.reads_the_demo(item):
        small_demo.SHARED.close(item.config.stash[blocking_manager_key])


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    # The limits stay the production defaults; only the counters start from zero in every test (the
    # database cache outlives a test: live-server tests flush model tables, not the cache table).
    settings.PUHUI_RATELIMIT_PREFIX = f"rl-{uuid.uuid4().hex}"


def _org(code, name, kind, parent=None, level=Organisation.Level.BRANCH, division=None, **kw):
    org = Organisation.objects.create(
        code=code, name=name, kind=kind, parent=parent, level=level, division=division, **kw
    )
    org.path = org.compute_path()
    org.save(update_fields=["path"])
    return org


@pytest.fixture
def exact_count_runs_out(monkeypatch):
    """PostgreSQL counts a list exactly when that is quick (puhui.core.keyset.count_rows, under a time budget),
    which it always is on a test's few rows: make that exact count run out of time, as on a large county, so
    the bounded count ("超过 N 条") is what a test sees on both databases."""
    from puhui.core import keyset

    budgeted = keyset._budgeted
    monkeypatch.setattr(
        keyset,
        "_budgeted",
        lambda conn, fn, ms: None if ms == keyset.COUNT_BUDGET_MS else budgeted(conn, fn, ms),
    )


@pytest.fixture
def county(db):
    c = Division.objects.create(code="370323000000", name="沂源县", level="county", kind="county")
    towns = [
        Division.objects.create(code="370323001000", name="历山街道", level="town", kind="street", parent=c),
        Division.objects.create(code="370323102000", name="鲁村镇", level="town", kind="town", parent=c),
    ]
    villages = []
    for t in towns:
        for i in (1, 2):
            villages.append(
                Division.objects.create(
                    code=t.code[:9] + f"{200 + i:03d}",
                    name=f"{t.name[:2]}{i}村",
                    level="village",
                    kind="village",
                    parent=t,
                    population=1000,
                    households=300,
                    farm_households=250,
                )
            )
    pboc = _org("PBOC", "中国人民银行沂源县支行", "pboc", division=villages[0], is_leading_group_member=True)
    finance_centre = _org("JRZX", "沂源县金融证券工作服务中心", "government", is_leading_group_member=True)
    abc_head = _org("ABC", "中国农业银行", "commercial_bank", level=Organisation.Level.HEAD_OFFICE)
    abc = _org("ABC-YY", "中国农业银行沂源县支行", "commercial_bank", parent=abc_head, division=villages[0])
    abc_outlet = _org(
        "ABC-YY-01", "农行鲁村分理处", "commercial_bank", parent=abc, level="outlet", division=villages[2]
    )
    rcb = _org("RCB-YY", "沂源农村商业银行", "rural_bank", division=villages[0], is_county_legal_person=True)
    rcb_outlet = _org(
        "RCB-YY-01", "农商行历山支行", "rural_bank", parent=rcb, level="outlet", division=villages[1]
    )
    sp_abc = ServicePoint.objects.create(
        code="SP1", name="鲁村1村服务点", bank=abc, village=villages[2], functions=["withdrawal"]
    )
    sp_rcb = ServicePoint.objects.create(
        code="SP2",
        name="历山1村服务站",
        bank=rcb,
        village=villages[0],
        functions=["withdrawal", "cross_bank"],
        is_station=True,
    )
    Terminal.objects.create(code="T1", kind="atm", bank=abc, outlet=abc_outlet, village=villages[2])
    Terminal.objects.create(
        code="T2", kind="kiosk", bank=rcb, service_point=sp_rcb, village=villages[0], bill_payment=True
    )
    households = [
        Household.objects.create(
            code=f"H{i}",
            village=v,
            town=v.parent,
            head_name=f"户主{i}",
            head_id_number=ID_NUMBERS[i],
            phone=f"1380000000{i}",
            head_age=40 + i,
            size=3,
            land_area_mu="5.50",
            annual_income="52000.00",
        )
        for i, v in enumerate(villages)
    ]
    firms = [
        Firm.objects.create(
            uscc=uscc,
            name=name,
            kind=kind,
            industry="制造业",
            village=v,
            town=v.parent,
            registered_on=datetime.date(2015, 3, 1),
            employees=12,
            annual_revenue="3500000.00",
        )
        for uscc, name, kind, v in [
            ("91370323MA3C4DB553", "沂源甲公司", "small", villages[0]),
            ("92370323MA3C4DB61L", "鲁村乙商店", "individual", villages[2]),
        ]
    ]
    return {
        "county": c,
        "towns": towns,
        "villages": villages,
        "pboc": pboc,
        "finance_centre": finance_centre,
        "abc": abc,
        "abc_outlet": abc_outlet,
        "rcb": rcb,
        "rcb_outlet": rcb_outlet,
        "service_points": [sp_abc, sp_rcb],
        "households": households,
        "firms": firms,
    }


@pytest.fixture
def users(county):
    def make(username, role, **kw):
        villages = kw.pop("villages", None)
        u = User.objects.create(username=username, role=role, password=make_password(PASSWORD), **kw)
        if villages:
            u.villages.set(villages)
        return u

    v = county["villages"]
    return {
        "office": make("office", "office", organisation=county["pboc"]),
        "admin": make("admin", "admin", is_staff=True),
        "member": make("member", "member_unit", organisation=county["finance_centre"]),
        "abc": make("abc", "institution", organisation=county["abc"]),
        "rcb": make("rcb", "institution", organisation=county["rcb"]),
        "town_lishan": make("lishan", "town", town=county["towns"][0]),
        "town_lucun": make("lucun", "town", town=county["towns"][1]),
        "agent": make("agent", "agent", villages=[v[0]]),
        "public": make("farmer", "public", household=county["households"][0]),
    }


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


# Browser tests: Debian's headless Chromium driven by Playwright against the live test server.

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("没有找到 Chromium：请先运行 make test（它会安装 Debian 的 chromium）")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def as_user(browser, live_server):
    """`as_user(username, viewport=None)`: a new browser context signed in as that test user (the password
    of the user fixtures); a viewport (a phone's) also makes it a mobile browser."""
    contexts = []

    def open_as(username, viewport=None):
        context = browser.new_context(
            base_url=live_server.url,
            locale="zh-CN",
            viewport=viewport or {"width": 1280, "height": 900},
            is_mobile=viewport is not None,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        log_in(page, username, PASSWORD)
        page.wait_for_load_state()
        return page

    yield open_as
    for c in contexts:
        c.close()


def log_in(page, username, password):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
