"""Who sees what: every page and endpoint of the plan, with the users who may and may not reach it.

A forbidden object answers 404 like a missing one. The table at the bottom lists every URL name of
puhui.plan; a test fails when a new endpoint has no row.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from puhui.core.models import Notification
from puhui.plan import access, services
from puhui.plan.urls import urlpatterns
from tests.plan.conftest import task
from tests.url_tables import api_operations

PDF = b"%PDF-1.4\n%%EOF\n"


def at(day):
    return timezone.make_aware(datetime.datetime.fromisoformat(day).replace(hour=10))


@pytest.fixture
def scene(plan, users, more_users):
    office, member, czj = users["office"], users["member"], more_users["czj"]
    r_czj = services.report_submit(
        actor=czj,
        task=task(plan, 3),
        unit=czj.organisation,
        period="2020Q4",
        status="in_progress",
        completion=30,
        narrative="财政局的报告",
        files=[("财政.pdf", PDF)],
        submitted_at=at("2021-01-08"),
    )
    r_member = services.report_submit(
        actor=member,
        task=task(plan, 2),
        unit=member.organisation,
        period="2020Q4",
        status="in_progress",
        completion=30,
        narrative="中心的报告",
        submitted_at=at("2021-01-08"),
    )
    n_czj = services.notice_issue(
        actor=office,
        task=task(plan, 3),
        unit=czj.organisation,
        reason="财政局督办事由",
        required_action="补报",
        working_days=5,
        issued_on=datetime.date(2021, 1, 18),
    )
    d_czj = services.delay_request(
        actor=czj,
        task=task(plan, 3),
        unit=czj.organisation,
        reason="财政局延期理由",
        requested_due=datetime.date(2022, 3, 31),
    )
    scheme = services.scheme_create(
        actor=office,
        plan=plan,
        name="2020年度考核",
        period_start=datetime.date(2020, 7, 28),
        period_end=datetime.date(2021, 1, 31),
    )
    services.scheme_compute(actor=office, scheme=scheme, as_of=datetime.date(2021, 2, 1))
    draft = services.bulletin_create(
        actor=office,
        plan=plan,
        scheme=scheme,
        title="草稿通报",
        number="草〔2021〕1号",
        issued_on=datetime.date(2021, 2, 5),
    )
    published = services.bulletin_create(
        actor=office,
        plan=plan,
        scheme=scheme,
        title="已发布通报",
        number="普〔2021〕1号",
        issued_on=datetime.date(2021, 2, 6),
    )
    services.bulletin_publish(actor=office, bulletin=published)
    n_member = Notification.objects.filter(user=member).first()
    return {
        "plan": plan,
        "r_czj": r_czj,
        "r_member": r_member,
        "n_czj": n_czj,
        "d_czj": d_czj,
        "scheme": scheme,
        "criterion": scheme.criteria.get(kind="quality"),
        "draft": draft,
        "published": published,
        "e_czj": r_czj.evidence.get(),
        "note_member": n_member,
    }


def test_tasks_each_role_sees(plan, users, more_users):
    counts = {name: access.tasks_for(u).count() for name, u in {**users, **more_users}.items()}
    assert counts["office"] == counts["admin"] == 22
    assert counts["member"] == 18  # 县金融证券工作服务中心 leads or co-operates on 18 tasks
    assert counts["tjj"] == 1 and counts["fy"] == 2
    assert counts["abc"] == 17  # where 各金融机构 are responsible
    assert counts["rcb"] == counts["boshang"] == 18  # and task 14, which names them
    assert counts["town_lishan"] == counts["agent"] == counts["public"] == 0
    assert set(access.tasks_for(more_users["fy"]).values_list("number", flat=True)) == {15, 21}


def test_units_see_only_their_own_reports_notices_and_delays(scene, users, more_users):
    member, czj = users["member"], more_users["czj"]
    assert list(access.reports_for(member)) == [
        scene["r_member"]
    ]  # co-operates on task 3 but not 财政局's report
    assert list(access.reports_for(czj)) == [scene["r_czj"]]
    assert not access.notices_for(member).exists() and access.notices_for(czj).count() == 1
    assert not access.delay_requests_for(member).exists()
    assert list(access.bulletins_for(member)) == [scene["published"]]
    assert not access.bulletins_for(users["town_lishan"]).exists()
    assert not access.schemes_for(member).exists()


def test_board_and_export_show_a_unit_only_its_tasks_and_column(client, scene, more_users):
    client.force_login(more_users["tjj"])
    html = client.get(reverse("plan_board") + "?period=2020Q4").content.decode()
    assert "构建普惠金融指数统计体系" in html and "丰富金融业态" not in html
    assert "县金融证券工作服务中心</th>" not in html
    response = client.get(reverse("plan_task_export") + "?period=2020Q4")
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(response.content))["任务分解表"]
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == [22]


def test_lists_do_not_leak(client, scene, users, more_users):
    client.force_login(users["member"])
    for name in [
        "plan_notice_list",
        "plan_delay_list",
        "plan_report_list",
        "plan_overdue",
        "plan_my_tasks",
        "plan_timeline",
        "plan_bulletin_list",
    ]:
        html = client.get(reverse(name)).content.decode()
        assert (
            "财政局督办事由" not in html and "财政局延期理由" not in html and "督办〔2021〕1号" not in html
        ), name
        assert "草稿通报" not in html, name
    assert "已发布通报" in client.get(reverse("plan_bulletin_list")).content.decode()
    client.force_login(more_users["czj"])
    assert "督办〔2021〕1号" in client.get(reverse("plan_notice_list")).content.decode()
    assert "财政局延期理由" in client.get(reverse("plan_delay_list")).content.decode()


def test_notification_badge_counts_only_ones_own(client, scene, users, more_users):
    client.force_login(more_users["tjj"])
    assert (
        client.get(reverse("plan_notification_badge")).json()["unread"]
        == Notification.objects.filter(user=more_users["tjj"], read_at=None).count()
    )
    client.force_login(users["member"])
    data = client.get(reverse("plan_notification_badge")).json()
    assert data["unread"] == Notification.objects.filter(user=users["member"], read_at=None).count() > 0


# (url name, args from the scene, method, who gets through, who gets 404)
OFFICE_ONLY = (["office"], ["member", "czj", "abc", "town_lishan", "public"])
T = lambda n: lambda s: [s["plan"].tasks.get(number=n).pk]  # noqa: E731
M = lambda n: lambda s: [s["plan"].tasks.get(number=n).milestones.order_by("seq").first().pk]  # noqa: E731
CASES = [
    ("plan_board", None, "get", ["office", "member", "tjj", "abc"], []),
    ("plan_my_tasks", None, "get", ["member", "czj", "abc"], []),
    ("plan_overdue", None, "get", ["office", "member"], []),
    ("plan_timeline", None, "get", ["office", "member"], []),
    ("plan_task_export", None, "get", ["office", "member", "abc"], ["town_lishan", "public"]),
    ("plan_task_detail", T(22), "get", ["office", "tjj", "member"], ["abc", "fy", "town_lishan", "public"]),
    ("plan_task_detail", T(14), "get", ["rcb", "boshang"], ["abc"]),
    ("plan_task_detail", T(9), "get", ["abc", "rcb"], ["tjj", "czj"]),
    ("plan_report_new", T(22), "get", ["tjj", "office"], ["czj", "abc", "fy", "town_lishan"]),
    ("plan_report_new", T(9), "get", ["abc"], ["tjj"]),
    ("plan_report_new", T(20), "get", ["czj"], ["office", "tjj"]),
    ("plan_notice_new", T(3), "get", *OFFICE_ONLY),
    ("plan_delay_new", T(20), "get", ["czj", "member"], ["tjj", "abc", "town_lishan"]),
    ("plan_delay_new", T(3), "get", ["czj", "abc"], ["tjj", "fy"]),
    (
        "plan_report_detail",
        lambda s: [s["r_czj"].pk],
        "get",
        ["office", "czj"],
        ["member", "tjj", "abc", "town_lishan"],
    ),
    ("plan_report_review", lambda s: [s["r_czj"].pk], "post", ["office"], ["member", "czj", "abc"]),
    # A milestone's target link and its closing (on the target or by override): the office only, though
    # the units responsible for task 20 (财政局 co-operates) can read the milestone.
    ("plan_milestone_target", M(20), "post", ["office"], ["member", "czj", "abc", "town_lishan", "public"]),
    ("plan_milestone_close", M(20), "post", ["office"], ["member", "czj", "abc", "town_lishan", "public"]),
    (
        "plan_evidence_download",
        lambda s: [s["e_czj"].pk],
        "get",
        ["office", "czj"],
        ["member", "tjj", "abc", "public"],
    ),
    # Lists: the office sees every unit's rows, a unit its own (test_lists_do_not_leak).
    ("plan_report_list", None, "get", ["office", "czj", "member", "abc"], []),
    ("plan_notice_list", None, "get", ["office", "czj", "member"], []),
    (
        "plan_notice_detail",
        lambda s: [s["n_czj"].pk],
        "get",
        ["office", "czj"],
        ["member", "tjj", "abc", "public"],
    ),
    ("plan_notice_respond", lambda s: [s["n_czj"].pk], "post", ["czj"], ["member", "tjj", "abc"]),
    # The 督办单 as Word: whoever may open the notice (the office and the unit it is addressed to).
    (
        "plan_notice_docx",
        lambda s: [s["n_czj"].pk],
        "get",
        ["office", "czj"],
        ["member", "tjj", "abc", "public"],
    ),
    ("plan_notice_remind", lambda s: [s["n_czj"].pk], "post", ["office"], ["czj", "member"]),
    ("plan_notice_close", lambda s: [s["n_czj"].pk], "post", ["office"], ["czj", "member"]),
    ("plan_delay_list", None, "get", ["office", "czj", "member"], []),
    ("plan_delay_decide", lambda s: [s["d_czj"].pk], "post", ["office"], ["czj", "member"]),
    ("plan_assessment_list", None, "get", *OFFICE_ONLY),
    ("plan_assessment_detail", lambda s: [s["scheme"].pk], "get", *OFFICE_ONLY),
    ("plan_assessment_criteria", lambda s: [s["scheme"].pk], "get", *OFFICE_ONLY),
    ("plan_assessment_criteria", lambda s: [s["scheme"].pk], "post", *OFFICE_ONLY),
    ("plan_assessment_compute", lambda s: [s["scheme"].pk], "post", *OFFICE_ONLY),
    ("plan_score_manual", lambda s: [s["scheme"].pk], "post", *OFFICE_ONLY),
    ("plan_assessment_docx", lambda s: [s["scheme"].pk], "get", *OFFICE_ONLY),
    ("plan_bulletin_list", None, "get", ["office", "member", "abc"], []),
    ("plan_bulletin_new", None, "get", *OFFICE_ONLY),
    ("plan_bulletin_detail", lambda s: [s["draft"].pk], "get", *OFFICE_ONLY),
    (
        "plan_bulletin_detail",
        lambda s: [s["published"].pk],
        "get",
        ["office", "member", "abc"],
        ["town_lishan", "agent", "public"],
    ),
    ("plan_bulletin_publish", lambda s: [s["draft"].pk], "post", *OFFICE_ONLY),
    ("plan_bulletin_docx", lambda s: [s["draft"].pk], "get", *OFFICE_ONLY),
    (
        "plan_bulletin_docx",
        lambda s: [s["published"].pk],
        "get",
        ["office", "member"],
        ["town_lishan", "public"],
    ),
    ("plan_notifications", None, "get", ["office", "member", "public"], []),
    ("plan_notification_badge", None, "get", ["office", "member", "public"], []),
    ("plan_notifications_read_all", None, "post", ["member"], []),
    ("plan_notification_read", lambda s: [s["note_member"].pk], "post", ["member"], ["office", "czj", "abc"]),
    ("plan_setup", None, "get", *OFFICE_ONLY),
    ("plan_template_download", None, "get", *OFFICE_ONLY),
    # The leading group (附件1): the office and administrators keep it, member units read it.
    (
        "plan_leading_group",
        None,
        "get",
        ["office", "admin", "member", "czj"],
        ["abc", "town_lishan", "agent", "public"],
    ),
    (
        "plan_leading_group_member",
        lambda s: [_leading_group_term().pk],
        "get",
        ["office", "admin", "member"],
        ["abc", "rcb", "town_lishan", "agent", "public"],
    ),
]


def _leading_group_term():
    from puhui.core.models import Organisation
    from puhui.plan.models import LeadingGroupMember

    return LeadingGroupMember.objects.create(
        person_name="甲一",
        post=LeadingGroupMember.Post.LEADER,
        unit=Organisation.objects.get(code="PBOC"),
        from_date=datetime.date(2020, 7, 28),
    )


def test_every_endpoint_has_a_row():
    assert {p.name for p in urlpatterns} == {c[0] for c in CASES}


@pytest.mark.parametrize(
    "name,args,method,allowed,denied", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_endpoint_access(client, scene, users, more_users, name, args, method, allowed, denied):
    people = {**users, **more_users}
    url = reverse(name, args=args(scene) if args else None)
    for who in denied:
        client.force_login(people[who])
        response = getattr(client, method)(url)
        assert response.status_code == 404, (who, url)
    for who in allowed:
        client.force_login(people[who])
        response = getattr(client, method)(url)
        assert response.status_code in (200, 302), (who, url, response.status_code)
    client.logout()
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_pages_show_nothing_to_roles_without_a_plan(client, scene, users):
    for who in ["town_lishan", "agent", "public"]:
        client.force_login(users[who])
        for name in [
            "plan_board",
            "plan_my_tasks",
            "plan_overdue",
            "plan_timeline",
            "plan_notice_list",
            "plan_bulletin_list",
        ]:
            html = client.get(reverse(name)).content.decode()
            assert "暂无可查看的实施方案任务" in html and "丰富金融业态" not in html, (who, name)


def test_another_banks_report_is_404(client, scene, plan, users):
    r = services.report_submit(
        actor=users["rcb"],
        task=task(plan, 9),
        unit=users["rcb"].organisation,
        period="2020Q4",
        status="in_progress",
        completion=20,
        narrative="农商行三进活动",
        submitted_at=at("2021-01-08"),
    )
    client.force_login(users["abc"])
    assert client.get(reverse("plan_report_detail", args=[r.pk])).status_code == 404
    client.force_login(users["rcb"])
    assert client.get(reverse("plan_report_detail", args=[r.pk])).status_code == 200


# ---------------------------------------------------------------- the API: /api/v1/plan/ × tokens
# A token acts for one organisation and gets the scope its staff get on the pages (docs/architecture.md).
# (method, path, body, {token: status}); a test fails when an operation of the schema has no row.

API_TOKENS = ["pboc", "member", "czj", "abc", "rcb", None]  # None: no token


def api_row(method, path, statuses: str, body=None):
    codes = [int(c) for c in statuses.split()]
    assert len(codes) == len(API_TOKENS), path
    return (method, path, body, dict(zip(API_TOKENS, codes, strict=True)))


def report_body(number):
    return {
        "task": number,
        "period": "2020Q4",
        "status": "in_progress",
        "completion": 40,
        "narrative": "已召开推进会。",
    }


API_CASES = [
    api_row("get", "/plan/tasks", "200 200 200 200 200 401"),
    api_row("get", "/plan/tasks/{number}", "200 200 404 404 404 401", {"number": 22}),
    api_row("get", "/plan/tasks/{number}", "200 200 404 404 200 401", {"number": 14}),
    api_row("get", "/plan/reports", "200 200 200 200 200 401"),
    api_row("get", "/plan/reports/{report_id}", "200 404 200 404 404 401", {"report": "r_czj"}),
    api_row("get", "/plan/reports/{report_id}", "200 200 404 404 404 401", {"report": "r_member"}),
    api_row("post", "/plan/reports", "404 201 201 404 404 401", report_body(20)),
    api_row("post", "/plan/reports", "201 201 404 201 201 401", report_body(9)),
    # The leading group: read as on its page (the office and member units); banks 403.
    api_row("get", "/plan/leading-group", "200 200 200 403 403 401"),
]


@pytest.fixture
def plan_api(scene, county, users, more_users):
    from puhui.api.services import token_create
    from tests.api.conftest import ApiClient

    orgs = {
        "pboc": county["pboc"],
        "member": county["finance_centre"],
        "czj": more_users["czj"].organisation,
        "abc": county["abc"],
        "rcb": county["rcb"],
    }

    def make(name):
        if name is None:
            return ApiClient(None)
        return ApiClient(token_create(actor=users["admin"], organisation=orgs[name], name="业务系统")[1])

    return make


def test_every_api_operation_has_a_row(client, db):
    assert api_operations(client, "/api/v1/plan/") == {(c[0], c[1]) for c in API_CASES}


@pytest.mark.parametrize(
    "method,path,body,expected", API_CASES, ids=[f"{c[0]} {c[1]}-{i}" for i, c in enumerate(API_CASES)]
)
def test_api_access(scene, plan_api, method, path, body, expected):
    got = {}
    for i, who in enumerate(API_TOKENS):
        api = plan_api(who)
        if method == "post":
            response = api.post(path, body, key=f"table-{i}")
        else:
            url = path.format(
                number=(body or {}).get("number"),
                report_id=scene[body["report"]].pk if body and "report" in body else None,
            )
            response = api.get(url)
        got[who] = response.status_code
    assert got == expected, path


# Read by tests/test_every_url_has_a_row.py: url name → its rows; (METHOD, schema path) → its rows.
URL_TABLE = {n: [c for c in CASES if c[0] == n] for n in dict.fromkeys(c[0] for c in CASES)}
API_TABLE = {
    (m.upper(), f"/api/v1{p}"): [c for c in API_CASES if c[:2] == (m, p)]
    for m, p in dict.fromkeys(c[:2] for c in API_CASES)
}
