"""/api/v1/imports/: the import page's registers by API — the same service (`import_start`), roles, checks and
audit; every error with its row and column, nothing stored; a large file a background run its token follows.
`API_CASES` is every operation × the test tokens; tests/core/test_url_table_other.py exposes it in API_TABLE."""

import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from puhui.api.models import ApiToken
from puhui.core.models import AuditLog, Division
from puhui.credit.models import PaymentMonth
from puhui.imports.models import ImportRun
from puhui.registry.models import Household
from tests.api import conftest as api_fixtures
from tests.api.conftest import error_of
from tests.url_tables import api_operations

from .conftest import make_csv

tokens = api_fixtures.tokens
api = api_fixtures.api

API_PREFIX = "/api/v1/imports"
TOKENS = ["pboc", "member", "abc", "rcb", None]  # None: no token
DIV_HEADER = ["区划代码", "名称", "层级", "上级区划代码", "户数"]
# A town after its village on purpose: the register resolves the order itself.
GOOD_DIVISIONS = [
    DIV_HEADER,
    ["370323103201", "中庄1村", "村", "370323103000", "120"],
    ["370323103000", "中庄镇", "镇", "370323000000", "3000"],
]
PAY_HEADER = ["户编号", "月份", "报送机构编码", "入账笔数", "入账金额"]


def this_month() -> str:
    return f"{timezone.localdate():%Y-%m}"


def payments_csv(code="H0", bank="") -> bytes:
    return make_csv([PAY_HEADER, [code, this_month(), bank, "1", "100"]])


def api_row(method, path, statuses: str, *, args=None, upload=None):
    codes = [int(c) for c in statuses.split()]
    assert len(codes) == len(TOKENS), path
    return (method, path, dict(zip(TOKENS, codes, strict=True)), args or {}, upload)


API_CASES = [
    # Each token lists the registers its organisation may import (a member unit: none, an empty list).
    api_row("get", "/imports/tables", "200 200 200 200 401"),
    # Templates as on the page; a register the organisation may not import is 403, an unknown one 404.
    api_row("get", "/imports/tables/{name}/template", "200 403 403 403 401", args={"name": "divisions"}),
    api_row("get", "/imports/tables/{name}/template", "200 403 200 200 401", args={"name": "payments"}),
    api_row("get", "/imports/tables/{name}/template", "403 403 403 403 401", args={"name": "users"}),
    api_row("get", "/imports/tables/{name}/template", "404 404 404 404 401", args={"name": "nothing"}),
    # Divisions are the office's: the PBoC's token stores them (201), the others are refused (403).
    api_row(
        "post", "/imports/tables/{name}", "201 403 403 403 401", args={"name": "divisions"}, upload="div"
    ),
    # Payments: H0 has no consent (the office: 422) and is no bank's customer (the banks: 422).
    api_row("post", "/imports/tables/{name}", "422 403 422 422 401", args={"name": "payments"}, upload="pay"),
    api_row("post", "/imports/tables/{name}", "403 403 403 403 401", args={"name": "users"}, upload="div"),
    # A background run: the token that started it (ABC's here) and the PBoC's (the office follows every run).
    api_row("get", "/imports/runs/{run_id}", "200 404 200 404 401", args={"run_id": "abc_run"}),
    api_row("get", "/imports/runs/{run_id}", "404 404 404 404 401", args={"run_id": "none"}),
]
UPLOADS = {"div": lambda: make_csv(GOOD_DIVISIONS), "pay": payments_csv}


@pytest.fixture
def scene(county, tokens):
    abc_token = ApiToken.objects.get(organisation=county["abc"])
    run = ImportRun.objects.create(
        table="payments", title="支付月度汇总", mode="create", filename="支付.csv", started_by_token=abc_token
    )
    return {"abc_run": run.pk, "none": 999999}


def post_file(client, path, content: bytes, *, key, name="导入.csv", **fields):
    headers = {"Idempotency-Key": key}
    if client.token:
        headers["Authorization"] = f"Bearer {client.token}"
    data = {"file": SimpleUploadedFile(name, content, content_type="text/csv"), **fields}
    return client.client.post(f"/api/v1{path}", data, headers=headers)


def test_every_api_operation_has_a_row(db, client):
    assert api_operations(client, API_PREFIX + "/") == {(c[0], c[1]) for c in API_CASES}


@pytest.mark.parametrize(
    "method,path,expected,args,upload", API_CASES, ids=[f"{c[0]} {c[1]}-{i}" for i, c in enumerate(API_CASES)]
)
def test_api_access(scene, api, method, path, expected, args, upload):
    url = path.format(**{k: scene.get(v, v) for k, v in args.items()})
    got = {}
    for i, who in enumerate(TOKENS):
        client = api(who)
        sid = transaction.savepoint()
        try:
            if method == "get":
                response = client.get(url)
            else:
                response = post_file(client, url, UPLOADS[upload](), key=f"imports-table-{i}")
        finally:
            transaction.savepoint_rollback(sid)
        got[who] = response.status_code
    assert got == expected, url


def test_tables_list_the_registers_with_their_columns(county, api):
    office = {t["name"]: t for t in api("pboc").get("/imports/tables").json()}
    assert {"divisions", "organisations", "households", "payments", "leading_group"} <= set(office)
    assert "users" not in office  # the administrator's, and a token is never the administrator
    divisions = office["divisions"]
    assert divisions["title"] == "行政区划"
    code = divisions["columns"][0]
    assert (code["key"], code["header"], code["required"]) == ("code", "区划代码", True)
    assert "12位" in code["description"] and "统计用区划代码" in code["aliases"]
    assert divisions["template_url"] == "/api/v1/imports/tables/divisions/template"
    assert [t["name"] for t in api("abc").get("/imports/tables").json()] == ["payments"]
    assert api("member").get("/imports/tables").json() == []


def test_the_template_is_the_pages_xlsx_under_its_chinese_name(county, api):
    r = api("pboc").get("/imports/tables/divisions/template")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "filename*=utf-8''%E8%A1%8C%E6%94%BF%E5%8C%BA%E5%88%92" in r["Content-Disposition"]  # 行政区划…
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert "行政区划" in wb.sheetnames and "填写说明" in wb.sheetnames


def test_a_good_file_is_stored_and_audited(county, api):
    client = api("pboc")
    r = post_file(client, "/imports/tables/divisions", make_csv(GOOD_DIVISIONS), key="good-1")
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["status"], body["table"], body["rows"], body["created"]) == ("done", "divisions", 2, 2)
    assert body["counts"]["created"] == 2 and "行政区划" in body["summary"]
    village = Division.objects.get(code="370323103201")
    assert village.parent.code == "370323103000" and village.households == 120
    logged = AuditLog.objects.filter(action="import").latest("pk")
    assert logged.actor is None and "接口令牌" in logged.actor_label and "中国人民银行" in logged.actor_label
    # The same key replays the answer; nothing is imported twice.
    again = post_file(client, "/imports/tables/divisions", make_csv(GOOD_DIVISIONS), key="good-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    # A file without the key is refused before anything is read.
    r = client.client.post(
        "/api/v1/imports/tables/divisions",
        {"file": SimpleUploadedFile("a.csv", make_csv(GOOD_DIVISIONS))},
        headers={"Authorization": f"Bearer {client.token}"},
    )
    assert r.status_code == 400 and error_of(r)["code"] == "idempotency_key_missing"


def test_a_bad_file_gives_every_error_with_row_and_column_and_stores_nothing(county, api):
    before = Division.objects.count()
    bad = [
        DIV_HEADER,
        ["370323103201", "中庄1村", "村", "370323103000", "120"],
        ["37032310300", "中庄镇", "乡镇府", "370323000000", "三千"],  # 11 digits, no such level, not a number
        ["370323104201", "", "村", "370323104000", ""],  # no name; its town is nowhere
    ]
    r = post_file(api("pboc"), "/imports/tables/divisions", make_csv(bad), key="bad-1")
    assert r.status_code == 422, r.content
    error = error_of(r)
    assert error["code"] == "validation_error" and "没有保存任何数据" in error["message"]
    where = {(d["row"], d["column"]) for d in error["details"]}
    assert {(3, "区划代码"), (3, "层级"), (3, "户数"), (4, "名称")} <= where
    assert all(d["field"] == "file" and d["reason"] for d in error["details"])
    assert f"共有 {len(error['details'])} 处问题" in error["message"]
    first = next(d for d in error["details"] if (d["row"], d["column"]) == (3, "层级"))
    assert first["message"].startswith("第 3 行“层级”（值：乡镇府）：")
    assert Division.objects.count() == before
    assert not Division.objects.filter(code="370323103201").exists()


def test_a_register_the_organisation_may_not_import_is_403(county, api):
    r = post_file(api("abc"), "/imports/tables/divisions", make_csv(GOOD_DIVISIONS), key="no-1")
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden"
    assert "行政区划" in error_of(r)["message"]
    assert not Division.objects.filter(code="370323103000").exists()


def test_a_bank_token_imports_payments_in_its_own_scope(county, api):
    """The token acts as the bank's staff: H0 is not its customer, so it is refused as the page refuses it."""
    r = post_file(api("abc"), "/imports/tables/payments", payments_csv("H0"), key="pay-1")
    assert r.status_code == 422
    details = error_of(r)["details"]
    assert [(d["row"], d["column"]) for d in details] == [(2, "户编号")]
    assert "不是本机构的信贷客户" in details[0]["reason"]
    assert PaymentMonth.objects.count() == 0


def test_a_census_change_must_be_confirmed(county, api):
    from tests.registry.household_rows import roster, to_csv

    client = api("pboc")
    r = post_file(client, "/imports/tables/households", to_csv(roster(1)), key="hh-1")
    assert r.status_code == 422
    error = error_of(r)
    assert error["code"] == "confirmation_required" and "confirm=true" in error["message"]
    assert error["details"][0]["field"] == "confirm" and "户数将由" in error["details"][0]["message"]
    r = post_file(client, "/imports/tables/households", to_csv(roster(1)), key="hh-2", confirm="true")
    assert r.status_code == 201, r.content
    assert r.json()["counts"]["members_created"] == 3


@pytest.mark.django_db(transaction=True)
def test_a_large_file_becomes_a_run_its_token_follows(county, api, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PUHUI_IMPORT_INLINE_BYTES = 10
    office = api("pboc")
    r = post_file(office, "/imports/tables/divisions", make_csv(GOOD_DIVISIONS), key="big-1", mode="upsert")
    assert r.status_code == 202, r.content
    body = r.json()
    run_url = body["run_url"]
    assert body["status"] == "queued" and run_url == f"/api/v1/imports/runs/{body['run_id']}"
    status = office.get(run_url.removeprefix("/api/v1")).json()
    assert (status["status"], status["table"], status["mode"]) == ("queued", "divisions", "upsert")
    assert status["progress"] == {"done": 0, "total": 0, "percent": 0, "message": ""}
    assert api("abc").get(run_url.removeprefix("/api/v1")).status_code == 404  # not the bank's run
    call_command("worker", batch=True, verbosity=0)
    status = office.get(run_url.removeprefix("/api/v1")).json()
    assert status["status"] == "done" and "共 2 行" in status["summary"], status
    assert status["finished_at"] and status["errors"] == [] and not status["needs_confirmation"]
    assert Division.objects.filter(code="370323103201").exists()
    # Run by the worker as the token: the audit names it.
    assert "接口令牌" in AuditLog.objects.filter(action="import").latest("pk").actor_label


@pytest.mark.django_db(transaction=True)
def test_a_background_run_that_needs_confirmation_says_so(county, api, settings, tmp_path):
    from tests.registry.household_rows import roster, to_csv

    settings.MEDIA_ROOT = str(tmp_path)
    settings.PUHUI_IMPORT_INLINE_BYTES = 10
    office = api("pboc")
    before = Household.objects.count()
    r = post_file(office, "/imports/tables/households", to_csv(roster(1)), key="big-hh")
    assert r.status_code == 202, r.content
    call_command("worker", batch=True, verbosity=0)
    status = office.get(r.json()["run_url"].removeprefix("/api/v1")).json()
    assert status["status"] == "failed" and status["needs_confirmation"], status
    assert Household.objects.count() == before  # nothing stored


@pytest.mark.django_db(transaction=True)
def test_a_bank_tokens_background_run_keeps_the_banks_scope(county, api, settings, tmp_path):
    """Before the run kept its token, a token's job ran as the command line: county-wide."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PUHUI_IMPORT_INLINE_BYTES = 10
    bank = api("abc")
    r = post_file(bank, "/imports/tables/payments", payments_csv("H0"), key="big-pay")
    assert r.status_code == 202, r.content
    path = r.json()["run_url"].removeprefix("/api/v1")
    assert api("rcb").get(path).status_code == 404 and api("pboc").get(path).status_code == 200
    call_command("worker", batch=True, verbosity=0)
    status = bank.get(path).json()
    assert status["status"] == "failed" and status["error_total"] == 1, status
    error = status["errors"][0]
    assert (error["row"], error["column"]) == (2, "户编号") and "不是本机构的信贷客户" in error["reason"]
    assert PaymentMonth.objects.count() == 0


def test_the_run_answer_is_json_in_the_api_format(county, api):
    r = api("abc").get("/imports/runs/999999")
    assert r.status_code == 404 and error_of(r)["code"] == "not_found"
    r = api("pboc").get("/imports/tables/nothing/template")
    assert r.status_code == 404 and "GET /imports/tables" in json.loads(r.content)["error"]["message"]
