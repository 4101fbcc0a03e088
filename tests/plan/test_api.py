"""/api/v1/plan/: tasks and reports for a member unit, an institution and the PBoC; leaks are 404.

The API answers with the plan access layer's scope for the token's organisation, and a report goes
through `services.report_submit`: versions, audit and the same validation as the report page.
"""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from puhui.api.models import IdempotencyRecord
from puhui.api.services import token_create
from puhui.core.models import AuditLog, Organisation
from puhui.plan import access, services
from puhui.plan.models import Assignment, ProgressReport
from tests.api.conftest import ApiClient, error_of
from tests.plan.conftest import task


@pytest.fixture
def api(plan, county, users, more_users):
    """api("member") → a client with a token of that organisation (created through the service)."""
    orgs = {
        "pboc": county["pboc"],  # the office
        "member": county["finance_centre"],  # 县金融证券工作服务中心, a member unit
        "czj": more_users["czj"].organisation,  # 县财政局, another member unit
        "abc": county["abc"],  # an institution, responsible only as one of 各金融机构
        "rcb": county["rcb"],  # an institution the plan names (task 14)
    }
    clients = {}

    def make(name):
        if name not in clients:
            _token, raw = token_create(actor=users["admin"], organisation=orgs[name], name="业务系统")
            clients[name] = ApiClient(raw)
        return clients[name]

    return make


def body(number=2, period="2020Q4", **kw):
    data = {
        "task": number,
        "period": period,
        "status": "in_progress",
        "completion": 40,
        "narrative": "已召开推进会，制定工作方案。",
    }
    data.update(kw)
    return data


def numbers(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [t["number"] for t in response.json()["items"]]


# ------------------------------------------------------------------------------------------- tasks


def test_each_token_lists_the_tasks_its_organisation_sees(api, users, more_users):
    for name, user in [("pboc", users["office"]), ("member", users["member"]), ("abc", users["abc"])]:
        r = api(name).get("/plan/tasks", {"limit": 100})
        expected = sorted(access.tasks_for(user).values_list("number", flat=True))
        assert numbers(r) == expected and r.json()["total"] == len(expected), name
    assert api("pboc").get("/plan/tasks").json()["total"] == 22
    assert api("member").get("/plan/tasks").json()["total"] == 18
    assert api("abc").get("/plan/tasks").json()["total"] == 17  # where 各金融机构 are responsible
    assert 14 in numbers(api("rcb").get("/plan/tasks")) and 14 not in numbers(api("abc").get("/plan/tasks"))

    page = api("pboc").get("/plan/tasks", {"limit": 5, "offset": 20}).json()
    assert ([t["number"] for t in page["items"]], page["total"]) == ([21, 22], 22)


def test_tasks_carry_units_targets_milestones_and_the_tokens_role(api, plan, county):
    items = {t["number"]: t for t in api("member").get("/plan/tasks", {"limit": 100}).json()["items"]}
    t2 = items[2]
    assert (t2["title"], t2["lead"], t2["my_role"], t2["section_number"]) == (
        "丰富金融业态",
        "县金融证券工作服务中心",
        "lead",
        2,
    )
    assert [(a["unit"], a["role"]) for a in t2["assignments"]] == [
        ("县金融证券工作服务中心", "lead"),
        ("县人民银行", "cooperating"),
        ("各金融机构", "cooperating"),
    ]
    assert t2["assignments"][0]["organisation_id"] == county["finance_centre"].pk
    assert t2["assignments"][2]["unit_type"] == "all_institutions"
    assert [i["seq"] for i in t2["items"]] == [1, 2] and t2["items"][1]["lead"] == "县人民银行"
    assert items[1]["my_role"] == "cooperating"

    ms = items[13]["milestones"]
    m13 = task(plan, 13).milestones.get()
    assert ms == [
        {
            "id": m13.pk,
            "seq": 1,
            "item_seq": m13.item.seq if m13.item_id else None,
            "text": m13.text,
            "unit": "县金融证券工作服务中心",
            "organisation_id": county["finance_centre"].pk,
            "original_due_on": "2021-12-31",
            "due_on": "2021-12-31",
            "completed_on": None,
        }
    ]
    # An institution co-operates as one of 各金融机构.
    assert api("abc").get("/plan/tasks/1").json()["my_role"] == "cooperating"
    # The office sees every task; where the PBoC has no part its role is null.
    assert api("pboc").get("/plan/tasks/4").json()["my_role"] is None
    assert api("pboc").get("/plan/tasks/1").json()["my_role"] == "lead"


def test_role_filter_is_the_tokens_own_role(api, plan, county):
    org = county["finance_centre"]
    led = set(
        Assignment.objects.filter(unit__organisation=org, role="lead").values_list("task__number", flat=True)
    )
    helped = set(
        Assignment.objects.filter(unit__organisation=org, role="cooperating").values_list(
            "task__number", flat=True
        )
    )
    assert led and helped
    assert set(numbers(api("member").get("/plan/tasks", {"role": "lead", "limit": 100}))) == led
    assert set(numbers(api("member").get("/plan/tasks", {"role": "cooperating", "limit": 100}))) == helped
    # For an institution, 各金融机构's part is its part.
    assert len(numbers(api("abc").get("/plan/tasks", {"role": "cooperating", "limit": 100}))) == 17
    assert numbers(api("abc").get("/plan/tasks", {"role": "lead"})) == []

    r = api("member").get("/plan/tasks", {"role": "support"})
    assert r.status_code == 422
    (detail,) = error_of(r)["details"]
    assert detail["field"] == "role" and "“本机构的职责”（role）取值应为以下之一" in detail["message"]


def test_task_detail_has_the_plans_text(api):
    r = api("member").get("/plan/tasks/2")
    assert r.status_code == 200
    t = r.json()
    assert t["section_title"] == "丰富金融业态"
    assert "牵头单位：县金融证券工作服务中心" in t["section_text"]


def test_a_task_outside_the_tokens_scope_is_404(api, plan):
    for name, number in [("member", 5), ("member", 18), ("abc", 14), ("czj", 1), ("pboc", 99)]:
        r = api(name).get(f"/plan/tasks/{number}")
        assert r.status_code == 404, (name, number)
        assert error_of(r)["code"] == "not_found"
    assert api("rcb").get("/plan/tasks/14").status_code == 200
    # Naming a plan the token cannot see is 404 too, not an empty list.
    assert api("member").get("/plan/tasks", {"plan_id": plan.pk + 100}).status_code == 404
    assert api("member").get("/plan/tasks", {"plan_id": plan.pk}).json()["total"] == 18


def test_an_organisation_without_a_part_sees_nothing(api, users, county):
    other = Organisation.objects.create(code="XH", name="沂源县某协会", kind="other")
    _token, raw = token_create(actor=users["admin"], organisation=other, name="协会")
    client = ApiClient(raw)
    assert client.get("/plan/tasks").json() == {"items": [], "total": 0, "limit": 50, "offset": 0}
    assert client.get("/plan/reports").json()["total"] == 0
    assert client.get("/plan/tasks/1").status_code == 404
    assert client.post("/plan/reports", body(), key="k").status_code == 404


def test_task_list_queries_do_not_grow_with_the_page(api):
    client = api("pboc")
    client.get("/plan/tasks")  # token's last_used_at written once a minute: not in the counts below
    with CaptureQueriesContext(connection) as two:
        assert len(client.get("/plan/tasks", {"limit": 2}).json()["items"]) == 2
    with CaptureQueriesContext(connection) as all_:
        assert len(client.get("/plan/tasks", {"limit": 100}).json()["items"]) == 22
    assert len(two) == len(all_) <= 10, [q["sql"] for q in all_.captured_queries]


# ----------------------------------------------------------------------------------------- reports


def test_each_token_submits_for_its_own_tasks(api, plan, county, users):
    r = api("member").post("/plan/reports", body(2), key="m-1")
    assert r.status_code == 201, r.content
    report = r.json()
    assert (report["task_number"], report["unit_id"], report["version"], report["review"]) == (
        2,
        county["finance_centre"].pk,
        1,
        "submitted",
    )
    assert (report["period_start"], report["period_end"], report["due_on"]) == (
        "2020-10-01",
        "2020-12-31",
        "2021-01-15",
    )
    assert report["submitted_at"].endswith("+08:00")
    saved = ProgressReport.objects.get(pk=report["id"])
    assert saved.submitted_by is None and saved.narrative == "已召开推进会，制定工作方案。"
    log = AuditLog.objects.get(object_type="plan.ProgressReport", object_id=str(saved.pk))
    assert log.actor is None and log.actor_label.startswith("接口令牌 ph_")
    assert "沂源县金融证券工作服务中心" in log.actor_label and "第1版" in log.note

    # An institution: for a task under 各金融机构, and rcb for the task that names it.
    assert api("abc").post("/plan/reports", body(1), key="a-1").status_code == 201
    assert api("rcb").post("/plan/reports", body(14), key="r-1").status_code == 201
    # The PBoC (the office) reports for the tasks the PBoC is responsible for.
    r = api("pboc").post("/plan/reports", body(1, indicator_codes=["D01", "D02"]), key="p-1")
    assert r.status_code == 201
    assert r.json()["indicator_codes"] == ["D01", "D02"]
    assert ProgressReport.objects.get(pk=r.json()["id"]).indicator_codes == "D01,D02"
    assert ProgressReport.objects.count() == 4


def test_submitting_for_a_task_one_is_not_responsible_for_is_404(api):
    for name, number in [
        ("member", 5),  # not one of its tasks
        ("abc", 14),  # names rcb and 博商, not 各金融机构
        ("czj", 2),
        ("pboc", 4),  # the office sees task 4, but the PBoC has no part in it
        ("pboc", 99),
    ]:
        r = api(name).post("/plan/reports", body(number), key=f"{name}-{number}")
        assert r.status_code == 404, (name, number, r.content)
        assert error_of(r)["code"] == "not_found"
    assert not ProgressReport.objects.exists()
    assert not IdempotencyRecord.objects.exists()


def test_reports_are_the_organisations_own(api, plan):
    mine = api("member").post("/plan/reports", body(3), key="1").json()
    theirs = api("czj").post("/plan/reports", body(3, narrative="财政局的报告"), key="1").json()
    bank = api("rcb").post("/plan/reports", body(14), key="1").json()

    def ids(name, **params):
        r = api(name).get("/plan/reports", params)
        assert r.status_code == 200
        return [item["id"] for item in r.json()["items"]]

    # Both units work on task 3; neither reads the other's report.
    assert ids("member") == [mine["id"]]
    assert ids("czj") == [theirs["id"]]
    assert ids("rcb") == [bank["id"]] and ids("abc") == []
    # The PBoC runs the office and reads every unit's reports, as on the pages.
    assert sorted(ids("pboc")) == sorted([mine["id"], theirs["id"], bank["id"]])
    assert ids("pboc", task=14) == [bank["id"]]
    assert sorted(ids("pboc", task=3)) == sorted([mine["id"], theirs["id"]])
    assert ids("pboc", unit_id=mine["unit_id"]) == [mine["id"]]

    for name, report in [("member", theirs), ("czj", mine), ("abc", bank), ("member", bank)]:
        r = api(name).get(f"/plan/reports/{report['id']}")
        assert r.status_code == 404 and error_of(r)["code"] == "not_found", name
    assert api("member").get(f"/plan/reports/{mine['id']}").json()["narrative"] == mine["narrative"]
    assert api("pboc").get(f"/plan/reports/{bank['id']}").status_code == 200


def test_returned_report_is_resubmitted_as_a_new_version(api, plan, users):
    client = api("member")
    v1 = client.post("/plan/reports", body(2), key="v1").json()

    again = client.post("/plan/reports", body(2, completion=50), key="v1-again")
    assert again.status_code == 422
    (detail,) = error_of(again)["details"]
    assert detail["field"] == "period" and "退回后才能重新报送" in detail["message"]

    services.report_review(
        actor=users["office"],
        report=ProgressReport.objects.get(pk=v1["id"]),
        accept=False,
        comment="请补充齐鲁农产品交易中心的交易数据。",
    )
    returned = client.get(f"/plan/reports/{v1['id']}").json()
    assert returned["review"] == "returned" and returned["review_comment"].startswith("请补充")
    assert returned["reviewed_at"].endswith("+08:00")

    v2 = client.post("/plan/reports", body(2, completion=60), key="v2")
    assert v2.status_code == 201
    assert (v2.json()["version"], v2.json()["is_current"]) == (2, True)

    latest = client.get("/plan/reports").json()
    assert [(r["version"], r["completion"]) for r in latest["items"]] == [(2, 60)]
    every = client.get("/plan/reports", {"all_versions": "true"}).json()
    assert [(r["version"], r["is_current"], r["review"]) for r in every["items"]] == [
        (2, True, "submitted"),
        (1, False, "returned"),
    ]
    assert client.get("/plan/reports", {"review": "returned"}).json()["total"] == 0
    assert client.get("/plan/reports", {"review": "returned", "all_versions": "true"}).json()["total"] == 1


def test_milestones_are_declared_by_id_and_completed_on_acceptance(api, plan, users):
    m13 = task(plan, 13).milestones.get()
    r = api("member").post("/plan/reports", body(13, milestones=[m13.pk]), key="ms")
    assert r.status_code == 201 and r.json()["milestones"] == [m13.pk]
    services.report_review(
        actor=users["office"], report=ProgressReport.objects.get(pk=r.json()["id"]), accept=True
    )
    m13.refresh_from_db()
    assert m13.completed_on is not None
    task_json = api("member").get("/plan/tasks/13").json()
    assert task_json["milestones"][0]["completed_on"] == m13.completed_on.isoformat()

    later = api("member").post("/plan/reports", body(13, period="2021Q1", milestones=[m13.pk]), key="ms2")
    assert later.status_code == 422
    (detail,) = error_of(later)["details"]
    assert detail == {"field": "milestones", "message": f"里程碑 {m13.pk} 已于 {m13.completed_on} 完成。"}


# -------------------------------------------------------------------------------------- validation


def test_schema_errors_are_chinese_and_name_the_fields(api):
    r = api("member").post(
        "/plan/reports", body(2, completion=101, status="finished", remark="备注"), key="bad-1"
    )
    assert r.status_code == 422
    err = error_of(r)
    assert err["code"] == "validation_error" and err["message"] == "请求数据有误，共 3 处"
    by_field = {d["field"]: d["message"] for d in err["details"]}
    assert by_field["completion"] == "“完成进度（%）”（completion）不能大于 100"
    assert by_field["status"].startswith("“进展状态”（status）取值应为以下之一：'not_started'")
    assert by_field["remark"] == "字段 remark 不是本接口的字段（请检查拼写）"

    r = api("member").post("/plan/reports", {"period": "2020Q4"}, key="bad-2")
    fields = {d["field"] for d in error_of(r)["details"]}
    assert fields == {"task", "status", "completion", "narrative"}
    assert all("为必填项" in d["message"] for d in error_of(r)["details"])


def test_service_validation_reports_every_problem_at_once(api):
    r = api("member").post(
        "/plan/reports", body(2, period="2019Q4", status="done", completion=50, narrative="  "), key="bad"
    )
    assert r.status_code == 422
    err = error_of(r)
    assert err["message"] == "请求数据有误，共 3 处"
    assert {d["field"]: d["message"] for d in err["details"]} == {
        "period": "“2019Q4”不是本方案的报送期。",
        "completion": "状态为“已完成”时，完成进度应为 100%。",
        "narrative": "请填写进展情况。",
    }
    assert not ProgressReport.objects.exists() and not IdempotencyRecord.objects.exists()


def test_milestones_must_be_the_units_own_on_that_task(api, plan):
    pboc_milestone = task(plan, 9).milestones.first()  # task 9 is shared, this milestone is the PBoC's
    other_task = task(plan, 5).milestones.first()
    r = api("member").post("/plan/reports", body(9, milestones=[pboc_milestone.pk]), key="m1")
    assert r.status_code == 422
    assert error_of(r)["details"] == [
        {"field": "milestones", "message": "只能申报本单位负责的本任务里程碑。"}
    ]

    r = api("member").post("/plan/reports", body(9, milestones=[other_task.pk, 999999]), key="m2")
    assert r.status_code == 422
    assert [d["message"] for d in error_of(r)["details"]] == [
        f"里程碑 {other_task.pk} 不是第9项任务的里程碑。",
        "里程碑 999999 不是第9项任务的里程碑。",
    ]
    assert not ProgressReport.objects.exists()


def test_a_period_not_yet_begun_cannot_be_reported(api, plan):
    next_year = timezone.localdate().year + 1
    plan.ends_on = datetime.date(next_year, 12, 31)
    plan.save(update_fields=["ends_on"])
    r = api("member").post("/plan/reports", body(2, period=f"{next_year}Q4"), key="future")
    assert r.status_code == 422
    assert error_of(r)["details"] == [
        {"field": "period", "message": f"{next_year}年第4季度尚未开始，不能报送。"}
    ]


# ------------------------------------------------------------------------------------- idempotency


def test_a_retried_submission_is_replayed_not_repeated(api):
    client = api("member")
    first = client.post("/plan/reports", body(2), key="retry-1")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    # The same JSON with another key order is the same request.
    raw = json.dumps(dict(reversed(list(body(2).items()))), ensure_ascii=False, indent=2)
    second = client.post("/plan/reports", raw=raw, key="retry-1")
    assert second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.content == first.content
    assert ProgressReport.objects.count() == 1
    assert AuditLog.objects.filter(object_type="plan.ProgressReport").count() == 1

    reused = client.post("/plan/reports", body(2, completion=90), key="retry-1")
    assert reused.status_code == 422 and error_of(reused)["code"] == "idempotency_key_reused"

    missing = client.post("/plan/reports", body(3))
    assert missing.status_code == 400 and error_of(missing)["code"] == "idempotency_key_missing"
    assert ProgressReport.objects.count() == 1


def test_reads_need_a_token(plan):
    r = ApiClient(None).get("/plan/tasks")
    assert r.status_code == 401 and error_of(r)["code"] == "unauthorized"


def test_openapi_lists_the_plan_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path, method in [
        ("/api/v1/plan/tasks", "get"),
        ("/api/v1/plan/tasks/{number}", "get"),
        ("/api/v1/plan/reports", "get"),
        ("/api/v1/plan/reports", "post"),
        ("/api/v1/plan/reports/{report_id}", "get"),
    ]:
        operation = paths[path][method]
        assert operation["security"] == [{"TokenAuth": []}] and "404" in operation["responses"], path
    post = paths["/api/v1/plan/reports"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["required"] for p in post["parameters"])
    assert {p["name"] for p in paths["/api/v1/plan/tasks"]["get"]["parameters"]} >= {
        "role",
        "plan_id",
        "limit",
        "offset",
    }
