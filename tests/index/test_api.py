"""/api/v1/index/: the published county index for tokens, with the pages' scope (puhui/index/access.py).

Who gets what is in the role × URL/API table (tests/index/test_url_table.py); here the answers' content,
the filters, pagination totals and edge ids.
"""

import re

import pytest

from puhui.index import services
from puhui.index.models import IndexRankInterval, IndexRun, IndexScore

pytestmark = pytest.mark.django_db

LISHAN, LUCUN = "370323001000", "370323102000"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def runs(published):
    by = {r.frequency: r for r in published}
    return by["year"], by["quarter"]


def test_published_runs_are_listed_drafts_are_not(runs, users, api):
    year, quarter = runs
    draft = services.run_compute(
        actor=users["office"], framework=year.framework, last_year=2020, uncertainty_runs=0
    )
    body = api("pboc").get("/index/runs").json()
    assert body["total"] == 2 and {r["id"] for r in body["items"]} == {year.pk, quarter.pk}
    assert draft.pk not in {
        r["id"] for r in body["items"]
    }  # the office's token too: the API is the published index
    item = next(r for r in body["items"] if r["id"] == year.pk)
    assert (
        item["framework_version"] == 2 and item["frequency"] == "year" and item["frequency_label"] == "年度"
    )
    assert item["periods"] == ["2019", "2020", "2021"] and item["base_period"] == "2019"
    assert item["published_at"] and "A1" in item["indicators_used"]
    quarterly = api("abc").get("/index/runs", {"frequency": "quarter"}).json()
    assert [r["id"] for r in quarterly["items"]] == [quarter.pk]
    assert api("abc").get("/index/runs", {"frequency": "month"}).status_code == 422


def test_scores_of_a_period_county_first_then_towns(runs, api):
    year, _quarter = runs
    r = api("member").get(f"/index/runs/{year.pk}/scores", {"period": "2021", "level": "index"})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 3
    county, *towns = body["items"]
    assert county["town_code"] is None and county["town"] == "全县" and county["rank"] is None
    assert {t["town_code"] for t in towns} == {LISHAN, LUCUN}
    for row in body["items"]:
        assert row["code"] == "Index" and row["name"] == "普惠金融指数" and row["level"] == "index"
        assert row["period"] == "2021"
    stored = IndexScore.objects.get(run=year, town__code=LISHAN, period="2021", code="Index")
    lishan = next(t for t in towns if t["town_code"] == LISHAN)
    assert (lishan["score"], lishan["rank"], lishan["raw"]) == (stored.score, stored.rank, stored.raw)
    assert sorted(t["rank"] for t in towns) == [1, 2]


def test_score_filters(runs, api):
    year, quarter = runs
    client = api("pboc")
    url = f"/index/runs/{year.pk}/scores"
    a1 = client.get(url, {"code": "A1", "town": LUCUN}).json()
    assert a1["total"] == 3 and [r["period"] for r in a1["items"]] == ["2019", "2020", "2021"]
    row = a1["items"][0]
    assert row["name"] == "每万人银行网点数" and row["level"] == "indicator" and row["unit"] == "个/万人"
    assert row["town"] == "鲁村镇" and row["score"] is not None and row["raw"] is not None
    pillars = client.get(url, {"level": "pillar", "period": "2020", "town": "county"}).json()
    assert [r["code"] for r in pillars["items"]] == [
        c for c in ["AVAIL", "USAGE", "QUALITY", "SAFETY"] if c in year.weights
    ]
    context = client.get(url, {"level": "context", "period": "2019"}).json()
    assert {r["code"] for r in context["items"]} == {"C1"} and context["items"][0]["level"] == "context"
    assert (
        client.get(f"/index/runs/{quarter.pk}/scores", {"period": "2021Q4", "code": "Index"}).json()["total"]
        == 3
    )
    assert client.get(url, {"period": "2030"}).json()["total"] == 0  # no such period: nothing, not an error
    for bad in ({"period": "2021Q5"}, {"town": "历山"}, {"level": "town"}, {"code": "A1'--"}):
        assert client.get(url, bad).status_code == 422, bad
    # A town filter is the town page: a village code or an unknown town is a 404.
    assert client.get(url, {"town": "370323001201"}).status_code == 404
    assert client.get(url, {"town": "370323999000"}).status_code == 404


def test_scores_paginate_with_the_total(runs, api):
    year, _quarter = runs
    url = f"/index/runs/{year.pk}/scores"
    everything = IndexScore.objects.filter(run=year).count()
    first = api("pboc").get(url, {"limit": 10}).json()
    assert first["total"] == everything and len(first["items"]) == 10 and first["limit"] == 10
    seen = []
    for offset in range(0, everything, 40):
        seen += api("pboc").get(url, {"limit": 40, "offset": offset}).json()["items"]
    assert len(seen) == everything
    assert (
        len({(r["period"], r["town_code"], r["code"]) for r in seen}) == everything
    )  # stable order, no repeats
    past = api("pboc").get(url, {"offset": everything}).json()
    assert past["items"] == [] and past["total"] == everything
    assert api("pboc").get(url, {"limit": 501}).status_code == 422


def test_an_institution_sees_the_county_rows_only(runs, api):
    year, _quarter = runs
    url = f"/index/runs/{year.pk}/scores"
    body = api("abc").get(url, {"limit": 500}).json()
    assert body["total"] == IndexScore.objects.filter(run=year, town=None).count() > 0
    assert {r["town_code"] for r in body["items"]} == {None}
    assert api("abc").get(url, {"town": LISHAN}).status_code == 404  # like the town page
    assert api("abc").get(url, {"town": "county", "code": "Index"}).json()["total"] == 3
    assert api("abc").get(f"/index/runs/{year.pk}/ranks").status_code == 404  # the ranking is the towns'


def test_rank_intervals(runs, api):
    year, _quarter = runs
    body = api("pboc").get(f"/index/runs/{year.pk}/ranks", {"period": "2021"}).json()
    assert body["total"] == 2
    stored = IndexRankInterval.objects.get(run=year, period="2021", town__code=LISHAN)
    lishan = next(r for r in body["items"] if r["town_code"] == LISHAN)
    assert lishan["town"] == "历山街道"
    assert (lishan["q5"], lishan["q95"], lishan["nominal"]) == (stored.q5, stored.q95, stored.nominal)
    assert [r["nominal"] for r in body["items"]] == sorted(r["nominal"] for r in body["items"])
    every = api("member").get(f"/index/runs/{year.pk}/ranks").json()
    assert every["total"] == IndexRankInterval.objects.filter(run=year).count() == 2 * 3


def test_framework_with_the_published_weights_and_goalposts(runs, api):
    year, quarter = runs
    body = api("abc").get("/index/frameworks/2").json()
    assert body["version"] == 2 and body["name"] == "沂源县普惠金融指数" and body["base_year"] == 2019
    assert body["frequency"] == "year" and body["run_id"] == year.pk
    assert [p["code"] for p in body["pillars"]] == ["AVAIL", "USAGE", "QUALITY", "SAFETY"]
    assert body["pillars"][0]["weight"] == 0.3
    by = {i["code"]: i for i in body["indicators"]}
    assert by["A1"]["direction"] == 1 and by["Q3"]["direction"] == -1 and by["A1"]["pillar"] == "AVAIL"
    assert by["A1"]["included"] and (by["A1"]["worst"], by["A1"]["best"]) == (
        year.goalposts["A1"]["worst"],
        year.goalposts["A1"]["best"],
    )
    assert (by["A1"]["worst"], by["A1"]["best"]) == (
        0.0,
        2.0,
    )  # v2: the floor and goal written in the framework
    included = [i for i in body["indicators"] if i["included"]]
    assert {i["code"] for i in included} == set(year.used)
    assert sum(i["weight_in_index"] for i in included) == pytest.approx(1)
    # Not included (no data here): no weight, but the goalposts the framework writes are still shown.
    assert all(i["weight_in_index"] == 0 for i in body["indicators"] if not i["included"])
    assert (by["S1"]["worst"], by["S1"]["best"]) == (5.0, 0.0)
    assert [c["code"] for c in body["context"]] == ["C1"]
    assert api("pboc").get("/index/frameworks/2", {"frequency": "quarter"}).json()["run_id"] == quarter.pk
    assert api("pboc").get("/index/frameworks/3").status_code == 404


def test_framework_before_anything_is_published(dated, users, api):
    fw = services.framework_ensure_default(actor=users["office"])
    services.run_compute(actor=users["office"], framework=fw, last_year=2020, uncertainty_runs=0)  # a draft
    body = api("member").get(f"/index/frameworks/{fw.version}").json()
    # v2 (the default) writes its goalposts in the framework: shown before any run is published.
    assert body["run_id"] is None and body["version"] == 2
    assert {i["code"]: i["best"] for i in body["indicators"]}["U3"] == 90
    v1 = api("member").get("/index/frameworks/1").json()  # v1 fits them on the base year: none yet
    assert v1["run_id"] is None and all(i["worst"] is None for i in v1["indicators"])
    assert api("member").get("/index/runs").json()["total"] == 0


@pytest.mark.parametrize("who", ["other"])
def test_a_token_whose_organisation_sees_no_index_gets_404(runs, api, who):
    year, _quarter = runs
    client = api(who)
    for path in (
        "/index/runs",
        f"/index/runs/{year.pk}/scores",
        f"/index/runs/{year.pk}/ranks",
        "/index/frameworks/1",
    ):
        r = client.get(path)
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", path


def test_edge_ids_are_404(runs, users, api):
    year, _quarter = runs
    draft = services.run_compute(
        actor=users["office"], framework=year.framework, last_year=2020, uncertainty_runs=0
    )
    client = api("pboc")
    for run_id in (0, draft.pk, 999999, 10**18 - 1, 10**18, 2**63, 10**30):
        for tail in ("scores", "ranks"):
            assert client.get(f"/index/runs/{run_id}/{tail}").status_code == 404, (run_id, tail)
    for version in (0, 2**31, 2**63, 10**30):
        assert client.get(f"/index/frameworks/{version}").status_code == 404, version
    for bad in ("-1", "abc", "1.0"):
        assert client.get(f"/index/runs/{bad}/scores").status_code == 404, bad
    assert IndexRun.objects.filter(pk=draft.pk).exists()


def test_every_response_field_has_a_chinese_title(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    seen, missing = set(), []

    def walk(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref:
                name = ref.rsplit("/", 1)[-1]
                if name not in seen:
                    seen.add(name)
                    target = components[name]
                    paged = set(target.get("properties", {})) == {"items", "total", "limit", "offset"}
                    for field, prop in target.get("properties", {}).items():
                        if not paged and not CJK.search(prop.get("title", "")):
                            missing.append(f"{name}.{field}")
                    walk(target)
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    operations = [ops for path, ops in schema["paths"].items() if path.startswith("/api/v1/index/")]
    assert len(operations) == 4
    for ops in operations:
        for op in ops.values():
            walk(op["responses"]["200"])
            for p in op.get("parameters", []):
                assert (
                    CJK.search(p.get("schema", {}).get("title", "") or p.get("title", ""))
                    or p["in"] == "path"
                ), p
    assert missing == [] and {"IndexRunOut", "IndexScoreOut", "IndexRankOut", "IndexFrameworkOut"} <= seen


@pytest.mark.parametrize("who", ["pboc", "abc"])
def test_hostile_query_values_with_a_published_run(runs, api, who):
    """tests/api/test_edge_values.py sweeps with no run built (every id a 404); here with one."""
    from django.test import Client

    from tests.security.test_edge_values import EDGE

    year, _quarter = runs
    client = api(who)
    client.client = Client(raise_request_exception=False)
    paths = client.get("/openapi.json").json()["paths"]
    failures = []
    for path, ops in paths.items():
        if not path.startswith("/api/v1/index/"):
            continue
        url = path.removeprefix("/api/v1").format(run_id=year.pk, version=1)
        names = [p["name"] for p in ops["get"].get("parameters", []) if p["in"] == "query"]
        for value in EDGE:
            for query in ({n: value for n in names}, *({n: value} for n in names)):
                r = client.get(url, query)
                if r.status_code >= 500 or not r["Content-Type"].startswith("application/json"):
                    failures.append((url, query, r.status_code))
    assert failures == []
