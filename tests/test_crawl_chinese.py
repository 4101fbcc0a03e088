"""Every page every role reaches, crawled: no server error, no English in what people read, and no list
that can outgrow a page without a search box and an Excel export.

One scene for all roles (the test county with the plan loaded, a data return approved, archives rated,
the index published, and more than a hundred households, firms, service points, pre-credit lines and log
entries, so that the lists which can grow do). Each role signs in, starts from the home page and from
every argument-less page of the role × URL tables, and follows every link (tests/crawl.py: at most three
paths per URL name and two query strings per path, so sorting and paging links do not multiply the walk).

Checked on every page (status < 500, HTML):
* English words in the visible text, placeholders and titles outside `tests.crawl.ALLOWED_WORDS`
  (formats, scorecard statistics, credit grades; code, pre and form values are not read);
* a table of more than 100 rows, or a paged list, without both a search box and an export link.
And every download is named in Chinese.
"""

import datetime
import time
from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from puhui.core.audit import audit_record
from puhui.core.models import AuditLog, ServicePoint, Terminal, User
from puhui.credit import services as credit_services
from puhui.credit.models import Consent, HouseholdArchive, PreCreditLine
from puhui.data import derived
from puhui.data import services as data_services
from puhui.plan import services as plan_services
from puhui.registry.models import Firm, Household
from tests.conftest import _org
from tests.crawl import Crawler
from tests.credit.conftest import COMPLETE, archived, next_year  # noqa: F401 (fixtures)
from tests.data.conftest import catalogue, loan_row, loans_csv, make_uscc  # noqa: F401 (fixtures)
from tests.index.conftest import dated, published  # noqa: F401 (fixtures)
from tests.plan.conftest import _media, plan, units, village_bank  # noqa: F401 (fixtures)
from tests.test_every_url_has_a_row import TABLE_MODULES

# The roles, as the issue lists them: the office, the administrator, a member unit, two banks, a town, an
# agent and a farmer (the user fixtures of tests/conftest.py).
ROLES = ["office", "admin", "member", "abc", "rcb", "town_lishan", "agent", "public"]
# Display names, as real users have them: the navigation bar shows the name, not the login name.
NAMES = {
    "office": "王主任",
    "admin": "系统管理员",
    "member": "李科长",
    "abc": "赵经理",
    "rcb": "钱经理",
    "town_lishan": "孙镇长",
    "town_lucun": "周镇长",
    "agent": "吴代办",
    "public": "户主0",
}
MANY = 120  # more than the 100 rows a list may show without search and export

# Lists not yet on the list component (puhui/core/lists.py): tolerated until they are converted. The
# test fails when one of them passes the check (the entry is then removed, so the tolerance only shrinks).
UNCONVERTED: set[str] = {"organisation_detail"}


def _bulk_scene(county, users):
    """More than a hundred rows in each list that can grow, cheaply (bulk inserts)."""
    v0 = county["villages"][0]
    town = v0.parent
    households = Household.objects.bulk_create(
        Household(code=f"B{i:04d}", village=v0, town=town, head_name=f"农户{i}", head_age=40, size=3)
        for i in range(MANY)
    )
    Firm.objects.bulk_create(
        Firm(
            uscc=make_uscc(f"92370323MA3X{i:05d}"),
            name=f"沂源测试商店{i}",
            kind="individual",
            industry="零售业",
            village=v0,
            town=town,
            registered_on=datetime.date(2018, 1, 1),
            employees=2,
            annual_revenue=Decimal("300000"),
        )
        for i in range(MANY)
    )
    ServicePoint.objects.bulk_create(
        ServicePoint(
            code=f"SPX{i:04d}",
            name=f"测试服务点{i}",
            bank=county["abc"],
            village=v0,
            functions=["withdrawal"],
        )
        for i in range(MANY)
    )
    for i in range(MANY):
        _org(f"ABC-T{i:03d}", f"农行测试网点{i}", "commercial_bank", parent=county["abc"], level="outlet")
    archives = HouseholdArchive.objects.bulk_create(
        HouseholdArchive(household=h, village=v0, town=town, **COMPLETE, completeness=100, is_complete=True)
        for h in households
    )
    now = timezone.now()
    PreCreditLine.objects.bulk_create(
        PreCreditLine(
            household=a.household,
            village=v0,
            town=town,
            bank=county["abc"],
            limit=Decimal("50000"),
            valid_from=now.date(),
            valid_until=now.date() + datetime.timedelta(days=300),
            offered_at=now,
            offered_by=users["abc"],
        )
        for a in archives
    )
    for i in range(MANY):
        audit_record(
            actor=users["office"], action=AuditLog.Action.UPDATE, obj=households[i], note="核对户主姓名"
        )


@pytest.fixture
def scene(county, users, plan, catalogue, archived, next_year, published):  # noqa: F811
    for key, name in NAMES.items():
        User.objects.filter(pk=users[key].pk).update(display_name=name)
    # Codes as a county has them (the test county's H0, SP1, T1 are short for the tests that read them).
    for i, hh in enumerate(county["households"]):
        Household.objects.filter(pk=hh.pk).update(code=f"{hh.village.code}{i + 1:04d}")
    for sp in ServicePoint.objects.all():
        ServicePoint.objects.filter(pk=sp.pk).update(code=f"{sp.village.code}{sp.pk:02d}")
    for t in Terminal.objects.all():
        Terminal.objects.filter(pk=t.pk).update(code=f"ZD37032300{t.pk:04d}")
    hh = archived(0)
    line = credit_services.line_offer(actor=users["abc"], household=hh, valid_until=next_year)
    credit_services.line_respond(actor=users["public"], line=line, accept=True)
    credit_services.consent_record(
        actor=users["agent"],
        household=hh,
        scope=Consent.Scope.PAYMENT_DATA,
        granted_by_name=hh.head_name,
        expires_on=next_year,
    )
    credit_services.objection_raise(actor=users["public"], household=hh, text="资产少算了")
    credit_services.archive_save(
        actor=users["office"], household=county["households"][1], data=dict(COMPLETE)
    )
    up = data_services.upload_start(
        actor=users["abc"],
        institution=county["abc"],
        form_code="loans",
        period_code="2020Q1",
        channel="page",
        file=loans_csv([loan_row(n) for n in range(1, 4)]),
        filename="农行2020年第1季度贷款明细.csv",
    )
    data_services.submission_review(actor=users["office"], submission=up.submission, approve=True)
    derived.compute_all()
    _plan_scene(plan, users)
    _bulk_scene(county, users)
    return users


def _plan_scene(the_plan, users):
    """A progress report with its evidence, a 督办, an assessment and its 通报: the plan's detail pages."""
    office, member = users["office"], users["member"]
    t2 = the_plan.tasks.get(number=2)
    plan_services.report_submit(
        actor=member,
        task=t2,
        unit=member.organisation,
        period="2020Q4",
        status="in_progress",
        completion=30,
        narrative="推动设立两家小贷公司。",
        files=[("进展材料.pdf", b"%PDF-1.4\n%%EOF\n")],
    )
    plan_services.notice_issue(
        actor=office,
        task=t2,
        unit=member.organisation,
        reason="未按期报送进度",
        required_action="五个工作日内补报",
        working_days=5,
        issued_on=datetime.date(2021, 1, 18),
    )
    scheme = plan_services.scheme_create(
        actor=office,
        plan=the_plan,
        name="2020年度考核",
        period_start=datetime.date(2020, 7, 28),
        period_end=datetime.date(2021, 1, 31),
    )
    plan_services.scheme_compute(actor=office, scheme=scheme, as_of=datetime.date(2021, 2, 1))
    plan_services.bulletin_create(
        actor=office,
        plan=the_plan,
        scheme=scheme,
        title="2020年度考核情况通报",
        number="普惠办〔2021〕1号",
        issued_on=datetime.date(2021, 2, 5),
    )


def _get_names() -> set[str]:
    """The URL names with a GET row in some role × URL table."""
    import importlib

    return {
        name
        for module in TABLE_MODULES
        for name, rows in importlib.import_module(module).URL_TABLE.items()
        if any(len(r) > 2 and "get" in r[2:4] for r in rows)
    }


def _start_urls() -> list[str]:
    """Every argument-less GET page of the role × URL tables."""
    import importlib

    names = []
    for module in TABLE_MODULES:
        for name, rows in importlib.import_module(module).URL_TABLE.items():
            if any(len(r) > 2 and r[1] is None and "get" in r[2:4] for r in rows):
                names.append(name)
    urls = []
    for name in dict.fromkeys(names):
        try:
            urls.append(reverse(name))
        except NoReverseMatch:
            continue
    return urls


def test_every_page_of_every_role_is_chinese_and_workable(client, scene, settings):
    settings.DEBUG = False
    users = scene
    start = ["/", *_start_urls()]
    usernames = {u.username for u in User.objects.all()}  # login names are ASCII on purpose: data
    problems, visited, tolerated = [], {}, set()
    began, cpu = time.monotonic(), time.process_time()
    for role in ROLES:
        client.force_login(users[role])
        result = Crawler(client, allowed=usernames, per_name=2, per_path=1).crawl(start)
        visited[role] = result
        problems += [f"{role}: 服务器错误 {e}" for e in result.server_errors]
        problems += [f"{role}: 英文 {url} {sorted(words)}" for url, words in sorted(result.english.items())]
        for url in result.unworkable_lists:
            name = _name(url)
            tolerated.add(name)
            if name not in UNCONVERTED:
                problems.append(f"{role}: 列表超过100行却没有搜索或导出 {url}")
        problems += [
            f"{role}: 下载文件名不是中文 {url} → {name}"
            for url, name in result.downloads.items()
            if not any("\u4e00" <= ch <= "\u9fff" for ch in name)
        ]
    reached = {_name(url) for r in visited.values() for url in r.visited}
    problems += [
        f"列表已可搜索和导出，请从 UNCONVERTED 中删除：{n}" for n in (UNCONVERTED & reached) - tolerated
    ]
    seconds, cpu = time.monotonic() - began, time.process_time() - cpu
    pages = sum(len(r.visited) for r in visited.values())
    print(f"crawled {pages} pages for {len(ROLES)} roles in {seconds:.1f} s ({cpu:.1f} s CPU)")
    print("never reached:", sorted(_get_names() - reached))
    slow = sorted(
        ((t, role, url) for role, r in visited.items() for url, t in r.seconds.items()), reverse=True
    )
    print("\n".join(f"{t:.2f} s {role} {url}" for t, role, url in slow[:25]))
    assert not problems, "\n".join(problems)


def _name(url: str) -> str:
    from urllib.parse import urlsplit

    from django.urls import resolve

    return resolve(urlsplit(url).path).view_name


# ---------------------------------------------------------------- the crawler's own reading of a page


def _parsed(html: str):
    from tests.crawl import PageParser

    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def test_the_crawler_reads_what_people_read():
    from tests.crawl import ALLOWED_WORDS, english_words

    page = _parsed(
        '<p>用户 core.User #1 导出 Excel</p><code>puhui audit verify</code><pre>{"status": "ok"}</pre>'
        '<input name="q" value="English value" placeholder="Search"><textarea>typed text</textarea>'
        "<td>370323********123X</td><td>2020Q4</td><td>A1 每万人网点数</td><td>AAA</td>"
    )
    assert english_words(page.text, ALLOWED_WORDS) == {"core.User", "Search"}


def test_the_crawler_finds_lists_without_search_or_export():
    rows = "".join(f"<tr><td>{i}</td></tr>" for i in range(101))
    bare = _parsed(f"<table><tbody>{rows}</tbody></table>")
    assert [(b.rows, b.searchable, b.exportable) for b in bare.lists] == [(101, False, False)]
    component = _parsed(
        '<div data-list="households"><form data-list-search><input type="search" name="q"></form>'
        f'<a data-list-export href="?export=xlsx">导出</a><table><tbody>{rows}</tbody></table>'
        '<ul class="pagination"><li>下一页</li></ul></div>'
    )
    (box,) = component.lists
    assert box.marked and box.paged and box.searchable and box.exportable and box.rows == 101
    paged_only = _parsed('<table><tbody><tr><td>1</td></tr></tbody></table><ul class="pagination"></ul>')
    assert any(b.paged and not b.searchable for b in paged_only.lists)
