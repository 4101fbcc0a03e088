"""/api/v1/households/: the roster listed masked for the tokens that may read it, and imported (a file or JSON
rows) by the tokens that may keep it. `API_CASES` is every operation × the test tokens; tests/registry/
test_url_table.py exposes it in API_TABLE."""

import json

import pytest
from django.test import override_settings

from puhui.registry.models import Household
from tests.api import conftest as api_fixtures
from tests.api.conftest import error_of
from tests.registry.household_rows import HEADER, make_id, roster, to_csv

tokens = api_fixtures.tokens
api = api_fixtures.api

API_PREFIX = "/api/v1/households"
TOKENS = ["pboc", "member", "abc", "rcb", None]
KEYS = [
    "code",
    "village_code",
    "name",
    "relation",
    "id_number",
    "phone",
    "is_farm",
    "size",
    "land_area_mu",
    "main_activity",
]


def rows_json(n=1, start=0):
    return [dict(zip(KEYS, row, strict=True)) for row in roster(n, start=start)]


def api_row(method, path, statuses: str, *, body=None, params=None):
    codes = [int(c) for c in statuses.split()]
    assert len(codes) == len(TOKENS), path
    return (method, path, dict(zip(TOKENS, codes, strict=True)), body, params)


API_CASES = [
    # The PBoC's token reads the county's households; other organisations' tokens get an empty list.
    api_row("get", "/households", "200 200 200 200 401"),
    api_row("get", "/households/{household_id}", "200 404 404 404 401"),
    api_row("get", "/households/as-of", "200 200 200 200 401", params={"on": "2020-12-31"}),
    api_row("get", "/households/columns", "200 200 200 200 401"),
    # Only the office (the PBoC) keeps the roster: the others' tokens are refused with the reason.
    api_row("post", "/households/rows", "201 403 403 403 401", body={"rows": rows_json(), "confirm": True}),
    # A JSON body without a file: refused as such, whoever sends it.
    api_row("post", "/households/import", "422 422 422 422 401"),
    api_row("get", "/households/imports/{run_id}", "404 404 404 404 401"),  # no such run
]


def test_every_api_operation_has_a_row(db, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operations = {
        (method, path.removeprefix("/api/v1"))
        for path, methods in paths.items()
        if path == API_PREFIX or path.startswith(API_PREFIX + "/")
        for method in methods
    }
    assert operations == {(c[0], c[1]) for c in API_CASES}


@pytest.mark.parametrize(
    "method,path,expected,body,params", API_CASES, ids=[f"{c[0]} {c[1]}" for c in API_CASES]
)
def test_api_access(county, api, method, path, expected, body, params):
    url = path.format(household_id=county["households"][0].pk, run_id=999999)
    got = {}
    for n, who in enumerate(TOKENS):
        client = api(who)
        if method == "get":
            got[who] = client.get(url, params).status_code
        else:
            got[who] = client.post(url, body or {}, key=f"k-{n}-{path}").status_code
    assert got == expected, url


def test_households_are_listed_masked(county, api):
    body = api("pboc").get("/households", {"village": "370323001201"}).json()
    assert body["total"] == 1
    item = body["items"][0]
    assert item["head_id_number"] == "370323********1234" and item["phone"] == "138****0000"
    assert api("abc").get("/households").json()["total"] == 0


def test_json_rows_import_with_confirmation_and_errors_by_item(county, api):
    client = api("pboc")
    rows = rows_json(3)
    r = client.post("/households/rows", {"rows": rows}, key="a1")
    assert r.status_code == 422 and error_of(r)["code"] == "confirmation_required"
    assert "户数将由 300 户变为 4 户" in error_of(r)["details"][0]["message"]
    assert not Household.objects.filter(code__startswith="R").exists()
    bad = [dict(row) for row in rows]
    bad[4]["id_number"] = make_id(4)[:-1] + "0"
    r = client.post("/households/rows", {"rows": bad, "confirm": True}, key="a2")
    assert r.status_code == 422
    assert error_of(r)["details"] == [
        {
            "field": "rows[4]",
            "message": f"第 5 条（rows[4]）“id_number”（值：{bad[4]['id_number']}）：身份证号码校验位错误",
        }
    ]
    r = client.post("/households/rows", {"rows": rows, "confirm": True}, key="a3")
    assert r.status_code == 201 and r.json()["created"] == 3 and r.json()["members_created"] == 9
    # The same key again replays the answer and writes nothing more.
    again = client.post("/households/rows", {"rows": rows, "confirm": True}, key="a3")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert Household.objects.filter(code__startswith="R").count() == 3
    detail = client.get(f"/households/{Household.objects.get(code='R000000').pk}").json()
    assert [m["relation"] for m in detail["members"]] == ["head", "spouse", "child"]


def test_a_file_import_and_a_large_file_as_a_background_run(county, api, settings):
    client = api("pboc")
    upload = {"file": ("名录.csv", to_csv(roster(1)), "text/csv"), "confirm": "true"}
    r = client.client.post(
        "/api/v1/households/import",
        {"file": _file(to_csv(roster(1))), "confirm": "true"},
        headers={"Authorization": f"Bearer {client.token}", "Idempotency-Key": "f1"},
    )
    assert r.status_code == 201, r.content
    assert upload
    with override_settings(PUHUI_IMPORT_INLINE_BYTES=10):
        r = client.client.post(
            "/api/v1/households/import",
            {"file": _file(to_csv(roster(2, start=5))), "mode": "upsert"},
            headers={"Authorization": f"Bearer {client.token}", "Idempotency-Key": "f2"},
        )
    assert r.status_code == 202, r.content
    run = client.get(f"/households/imports/{r.json()['run_id']}").json()
    assert run["status"] == "queued"


def _file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("名录.csv", data, content_type="text/csv")


def test_columns_are_described(county, api):
    cols = api("member").get("/households/columns").json()
    assert [c["header"] for c in cols][: len(HEADER)] == HEADER
    assert json.dumps(cols, ensure_ascii=False).count("户主行") >= 3
