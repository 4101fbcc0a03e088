"""The home page per role: the to-do hook (`TODO` in each app's plugin.py), what each role's list counts
(through its app's access layer: a bank only its own rows), the office told of what waits for its review,
the badges in the navigation, the menus per role, and the role-aware user form."""

import pytest
from django.urls import reverse
from django.utils.module_loading import import_string

from puhui.core import plugins
from puhui.core.models import Notification, User
from puhui.credit import services as credit
from puhui.data import services as data_services
from puhui.data.models import DerivedRun, IndicatorValue, Submission
from puhui.plan import services as plan_services
from tests.credit.conftest import COMPLETE
from tests.data.conftest import _media, catalogue, loan_row, loans_csv, upload  # noqa: F401
from tests.plan.conftest import plan, units, village_bank  # noqa: F401

Role = User.Role
CALLS = []


def counter(user) -> int:
    CALLS.append(user.pk)
    return 3


def todo(client) -> dict[str, dict]:
    return {t["label"]: t for t in client.get("/").context["todo"]}


def badges(client, path="/") -> dict[str, int]:
    menus = client.get(path).context["nav_menus"]
    return {i["label"]: i["badge"] for m in menus for i in m["items"]} | {
        m["label"]: m["badge"] for m in menus if len(m["items"]) > 1
    }


def test_every_to_do_line_names_a_page_and_its_counters(db):
    sources = plugins.contributions("TODO")
    assert {s.url_name for s in sources} >= {"data_inbox", "plan_report_list", "credit_worklist", "job_list"}
    for s in sources:
        reverse(s.url_name)
        assert callable(import_string(s.count))
        assert not s.items or callable(import_string(s.items))
        assert s.roles and s.roles <= set(Role.values) and s.unit
    assert plugins.check_plugins() == []
    # Every role but the farmer (who lands on 我的信用) has a to-do list.
    for role in set(Role.values) - {Role.PUBLIC}:
        assert plugins.todo_sources(User(role=role)), role
    assert plugins.home_page(User(role=Role.PUBLIC)) == "credit_mine"
    assert plugins.home_page(User(role=Role.TOWN)) is None


def test_a_count_is_computed_once_per_request(db):
    user = User(pk=1, role=Role.OFFICE)
    path = f"{__name__}.counter"
    CALLS.clear()
    assert plugins.counted(path, user) == plugins.counted(path, user) == 3
    assert CALLS == [1]


def test_office_is_told_of_a_submission_and_reviews_it_from_its_list(login, users, catalogue):  # noqa: F811
    response = upload(login(users["abc"]), "loans", "2020Q1", loans_csv([loan_row(1)]))
    assert response.status_code == 302
    submission = Submission.objects.get()
    told = Notification.objects.get(user=users["office"], kind="data_submitted")
    assert told.url == f"/data/submissions/{submission.pk}/" and "农业银行" in told.title

    office = login(users["office"])
    line = todo(office)["待审核的数据报送"]
    assert line["count"] == 1 and line["unit"] == "份" and line["url"] == "/data/inbox/"
    assert line["items"][0]["url"] == f"/data/submissions/{submission.pk}/"
    assert badges(office)["数据报送"] == 1 and badges(office)["数据与目标"] == 1

    data_services.submission_review(
        actor=users["office"], submission=submission, approve=True, recompute=False
    )
    told.refresh_from_db()
    assert told.read_at is not None  # reviewed: the notification is done for every office user
    assert "待审核的数据报送" not in todo(office)
    # Nobody else has the office's lines.
    assert "待审核的数据报送" not in todo(login(users["admin"]))


def test_office_is_told_of_a_progress_report_and_its_line_opens_the_reports_awaiting_review(
    login,
    users,
    plan,  # noqa: F811
):
    report = plan_services.report_submit(
        actor=users["member"],
        task=plan.tasks.get(number=2),
        unit=users["member"].organisation,
        period="2020Q3",
        status="in_progress",
        completion=40,
        narrative="推动两家小额贷款公司规范发展。",
    )
    assert Notification.objects.get(user=users["office"], kind="report_submitted").url == (
        f"/plan/reports/{report.pk}/"
    )
    office = login(users["office"])
    line = todo(office)["待审核的进度报告"]
    assert line["count"] == 1 and line["url"] == "/plan/reports/?review=submitted"
    assert "丰富金融业态" in office.get(line["url"]).content.decode()
    assert badges(office)["任务看板"] == 1
    # The unit itself has the report off its own list of reports to write.
    assert "待审核的进度报告" not in todo(login(users["member"]))


def test_a_bank_counts_only_its_own_archives_to_verify(login, users, county):
    # 鲁村1村: ABC has an outlet in 鲁村镇, the rural commercial bank has no office there.
    hh = county["households"][2]
    credit.archive_save(actor=users["office"], household=hh, data=dict(COMPLETE))
    abc = todo(login(users["abc"]))
    assert abc["待核实的农户信用档案"]["count"] == 1
    assert abc["待核实的农户信用档案"]["items"][0]["text"].startswith("户主2 · 鲁村1村")
    assert "待核实的农户信用档案" not in todo(login(users["rcb"]))
    assert "待核实的农户信用档案" not in todo(login(users["town_lishan"]))
    lucun = login(users["town_lucun"])
    assert todo(lucun)["待核实的农户信用档案"]["count"] == 1
    assert badges(lucun)["信用档案"] == 1


def test_an_agents_unfinished_archives(login, users, county):
    agent = login(users["agent"])  # 历山1村: household 0
    assert todo(agent)["尚未建档的农户"]["count"] == 1
    assert todo(agent)["尚未建档的农户"]["url"] == "/credit/?status=none"
    credit.archive_save(
        actor=users["agent"], household=county["households"][0], data={**COMPLETE, "housing": ""}
    )
    lines = todo(agent)
    assert "尚未建档的农户" not in lines
    assert lines["采集中的档案（未填完）"]["items"][0]["url"] == (
        f"/credit/households/{county['households'][0].pk}/archive/"
    )
    assert badges(agent)["信用档案"] == 1


def test_objections_to_answer_for_the_office_and_the_town(login, users, county):
    credit.objection_raise(actor=users["public"], household=county["households"][0], text="收入登记有误。")
    for who in ("office", "town_lishan"):
        lines = todo(login(users[who]))
        assert lines["待答复的异议"]["count"] == 1, who
        assert "超过答复期限的异议" not in lines
    assert "待答复的异议" not in todo(login(users["town_lucun"]))
    assert "待答复的异议" not in todo(
        login(users["abc"])
    )  # not ABC's customer (tests/credit/test_bank_objections.py)


def test_a_towns_villages_below_the_plans_targets(login, users, county, catalogue):  # noqa: F811
    period = data_services.period_get("2021Q4")
    run = DerivedRun.objects.create(period=period)
    v = county["villages"]
    for village, rate in ((v[0], 50), (v[1], 95), (v[2], 10)):  # v[2] is 鲁村镇's
        IndicatorValue.objects.create(
            run=run,
            indicator_code="archive_rate",
            indicator_version=1,
            period=period,
            level="village",
            division=village,
            value=rate,
        )
    line = todo(login(users["town_lishan"]))["建档率未达目标的村"]
    assert line["count"] == 1 and line["unit"] == "个"
    assert line["items"][0]["text"] == "历山1村：建档率 50.0%（目标 90%）"
    assert "建档率未达目标的村" not in todo(login(users["office"]))


@pytest.mark.parametrize("who", ["town_lishan", "agent"])
def test_menus_of_towns_and_agents_leave_out_staff_pages(login, users, who):
    labels = badges(login(users[who]))
    for staff_only in ("后台任务", "行政区划", "任务看板", "我的任务"):
        assert staff_only not in labels, staff_only


def test_the_farmer_sees_no_plan_tabs_on_the_messages_page(login, users):
    page = login(users["public"]).get("/plan/notifications/").content.decode()
    assert 'data-testid="plan-nav"' not in page


def test_a_town_officials_credit_entry_opens_their_own_town(login, users, county):
    response = login(users["town_lishan"]).get("/credit/towns/?year=2021")
    assert response.url == f"/credit/towns/{county['towns'][0].pk}/?year=2021"
    assert login(users["office"]).get("/credit/towns/").status_code == 200


def test_user_form_keeps_only_the_chosen_roles_fields(login, users, county):
    admin = login(users["admin"])
    page = admin.get("/users/new/").content.decode()
    assert 'data-role-field="agent"' in page and "data-role-select" in page
    assert '<optgroup label="鲁村镇">' in page  # villages grouped by town for the picker
    response = admin.post(
        "/users/new/",
        {
            "username": "lishan2",
            "display_name": "历山街道干部",
            "role": "town",
            "town": county["towns"][0].pk,
            # left over from an earlier choice of role, in fields the page had hidden
            "organisation": county["abc"].pk,
            "villages": [county["villages"][2].pk],
            "household_code": "NOPE",
            "is_active": "on",
        },
    )
    assert response.status_code == 200 and "lishan2" in response.content.decode()
    made = User.objects.get(username="lishan2")
    assert made.town == county["towns"][0] and made.organisation is None and not made.villages.exists()
    assert made.household is None
