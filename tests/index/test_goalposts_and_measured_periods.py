"""Issue 14, items 1–2: framework v2 scores every indicator against goalposts written in the framework
(the plan's targets where it has them), in [0, 100]; only measured periods are built, a carried figure is
marked wherever it is shown, and a rebuild is compared with the published index before it is published."""

import io
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from puhui.core.models import ServicePoint
from puhui.index import compute, services
from puhui.index.models import IndexRun, IndexScore
from tests.index.conftest import REPORTED_2019_2021, report_npl

pytestmark = pytest.mark.django_db

LISHAN, LUCUN = "370323001000", "370323102000"
ROOT = Path(__file__).resolve().parents[2]


def _spec(name="v2.yaml"):
    return compute.load((ROOT / "puhui/index/frameworks" / name).read_text(encoding="utf-8"))


def test_every_goalpost_has_its_source_and_the_plan_targets_are_the_goals():
    targets = {
        t["code"]: t
        for t in yaml.safe_load((ROOT / "puhui/data/catalogue/targets.yaml").read_text(encoding="utf-8"))[
            "targets"
        ]
    }
    spec = _spec()
    assert compute.uses_fixed_goalposts(spec) and not compute.uses_fixed_goalposts(_spec("v1.yaml"))
    for i in spec["indicators"]:
        gp = i["goalposts"]
        assert gp["basis"].strip() and gp["kind"] in compute.GOAL_KINDS, i["code"]
        if gp["kind"] == "target":
            target = targets[gp["target"]]
            assert float(gp["goal"]) == float(target["threshold"]) and gp["clause"] == target["clause"]
    goals = {i["code"]: (i["goalposts"]["floor"], i["goalposts"]["goal"]) for i in spec["indicators"]}
    assert goals["U3"] == (0, 90) and goals["S1"] == (5, 0)  # 建档率 90% = 100; NPL reversed


def test_a_goalpost_without_its_basis_is_refused(users, county):
    text = (ROOT / "puhui/index/frameworks/v2.yaml").read_text(encoding="utf-8")
    bad = text.replace("      basis: 方案第十四条：2021年底农户建档率达到90%。\n", "", 1)
    with pytest.raises(services.IndexRefused, match="农户信用建档率.*依据"):
        services.framework_create(actor=users["office"], spec_yaml=bad)
    wrong_way = text.replace("      floor: 5\n      goal: 0\n", "      floor: 0\n      goal: 5\n", 1)
    with pytest.raises(services.IndexRefused, match="不良贷款率.*方向"):
        services.framework_create(actor=users["office"], spec_yaml=wrong_way)


def test_v2_scores_are_within_0_and_100_and_say_how_far_beyond_the_goal(published, login, users):
    year, quarter = published
    assert year.framework.version == 2
    scores = IndexScore.objects.filter(run__in=published, score__isnull=False).values_list("score", flat=True)
    assert scores and all(0 <= s <= 100 for s in scores)
    # Outlets per 10k: 15 (历山) and 5 (鲁村) in these tiny test towns, both beyond the goal of 2 → 100.
    a1 = IndexScore.objects.get(run=year, code="A1", period="2019", town__code=LUCUN)
    assert (a1.raw, a1.score) == (pytest.approx(5.0), pytest.approx(100.0))
    assert year.goalposts["A1"]["worst"] == 0 and year.goalposts["A1"]["best"] == 2
    # Terminals per 10k, 5 in 2019 against a goal of 20: a quarter of the way.
    a2 = IndexScore.objects.get(run=year, code="A2", period="2019", town__code=LUCUN)
    assert a2.score == pytest.approx(25.0)
    page = login(users["town_lucun"]).get(f"/index/towns/{LUCUN}/?run={year.pk}&period=2019").content.decode()
    assert "超出目标 3.00 个/万人" in page
    indicator = (
        login(users["member"]).get(f"/index/indicators/A1/?run={year.pk}&period=2019").content.decode()
    )
    assert "超出目标 13.00 个/万人" in indicator and "阈值依据：政策取值" in indicator
    wb = load_workbook(io.BytesIO(login(users["office"]).get(f"/index/runs/{year.pk}/export.xlsx").content))
    head = [c.value for c in wb["得分"][1]]
    rows = [dict(zip(head, (c.value for c in r), strict=True)) for r in wb["得分"].iter_rows(min_row=2)]
    lucun_a1 = next(
        r for r in rows if r["期间"] == "2019年" and r["镇（街道）"] == "鲁村镇" and r["指标代码"] == "A1"
    )
    assert lucun_a1["与目标相比"] == "超出目标 3.00 个/万人" and lucun_a1["数据状态"] == "实测"
    assert [c.value for c in wb["权重与阈值"][1]][4:] == ["起点（0分）", "目标（100分）", "阈值依据"]


def test_only_reported_periods_are_built_and_the_overview_says_up_to_when(reported, login, users):
    year, quarter = services.index_build(actor=users["office"], publish=True, uncertainty_runs=0)
    # The build asks up to the last complete year; the NPL ratio was reported up to 2021Q4 only.
    assert year.periods == ["2019", "2020", "2021"] and quarter.periods[-1] == "2021Q4"
    assert (year.data_through, quarter.data_through) == ("2021", "2021Q4")
    client = login(users["member"])
    for freq in ("year", "quarter"):
        page = client.get(f"/index/?freq={freq}").content.decode()
        assert "数据截至 2021年第4季度" in page
        assert "2022" not in page.split('data-testid="period-form"')[1].split("</form>")[0]
    asked = client.get("/index/?freq=year&period=2022").content.decode()
    assert "2022年没有指数数据，已显示2021年。" in asked


def test_a_carried_figure_is_marked_in_every_table_and_export(dated, login, users, api):
    lishan, lucun = dated["towns"]
    report_npl([lishan], REPORTED_2019_2021)
    report_npl([lucun], [c for c in REPORTED_2019_2021 if c not in ("2021", "2021Q4")], value="2.5")
    _year, quarter = services.index_build(actor=users["office"], publish=True, uncertainty_runs=0)
    assert quarter.periods[-1] == "2021Q4"  # 历山 reported it: the period is measured
    s1 = IndexScore.objects.get(run=quarter, code="S1", period="2021Q4", town=lucun)
    assert (s1.estimate, s1.as_of, s1.raw) == ("carry", "2021Q3", pytest.approx(2.5))
    index = IndexScore.objects.get(run=quarter, code="Index", period="2021Q4", town=lucun)
    county = IndexScore.objects.get(run=quarter, code="S1", period="2021Q4", town=None)
    assert index.estimate == county.estimate == "partial"
    assert IndexScore.objects.get(run=quarter, code="S1", period="2021Q4", town=lishan).estimate == ""
    client = login(users["office"])
    query = f"?freq=quarter&run={quarter.pk}&period=2021Q4"
    assert "沿用2021年第3季度数据" in client.get(f"/index/towns/{LUCUN}/{query}").content.decode()
    assert "沿用2021年第3季度数据" in client.get(f"/index/indicators/S1/{query}").content.decode()
    assert "含推算值" in client.get(f"/index/{query}").content.decode()
    wb = load_workbook(io.BytesIO(client.get(f"/index/runs/{quarter.pk}/export.xlsx").content))
    assert "沿用2021年第3季度数据" in [r[10] for r in wb["得分"].iter_rows(min_row=2, values_only=True)]
    body = api("pboc").get(
        f"/index/runs/{quarter.pk}/scores", {"period": "2021Q4", "town": LUCUN, "code": "S1"}
    )
    item = body.json()["items"][0]
    assert (item["estimate"], item["as_of"]) == ("carry", "2021Q3")


def test_a_rebuild_after_new_data_is_compared_with_the_published_index_before_publishing(
    reported, login, users
):
    published_year, _ = services.index_build(actor=users["office"], publish=True, uncertainty_runs=0)
    # New data: 2022 reported and approved, and a service point 历山 opened in 2021 that was entered late.
    report_npl(reported["towns"], ["2022", "2022Q1", "2022Q2", "2022Q3", "2022Q4"], value="3")
    ServicePoint.objects.create(
        code="SP9",
        name="历山2村新服务点",
        bank=reported["rcb"],
        village=reported["villages"][1],
        functions=["withdrawal"],
        opened_on="2021-05-01",
    )
    draft_year, _ = services.index_build(actor=users["office"], last_year=2022, uncertainty_runs=0)
    assert draft_year.status == IndexRun.Status.DRAFT and draft_year.periods[-1] == "2022"
    client = login(users["office"])
    assert (
        f'href="/index/runs/{draft_year.pk}/compare/"'
        in client.get(f"/index/?run={draft_year.pk}").content.decode()
    )
    page = client.get(f"/index/runs/{draft_year.pk}/compare/").content.decode()
    assert "新增期间：2022年（数据已报送并审核通过）。" in page
    assert "数据截至：2021年第4季度 → 2022年第4季度。" in page
    indicators = page.split('data-testid="compare-indicators"')[1]
    # 历山's villages with a point: 1 of 2 → 2 of 2 in 2021, 50 → 100 points.
    row = next(
        r for r in indicators.split("<tr>") if "2021年" in r and "历山街道" in r and "设有助农取款" in r
    )
    assert "数据更新：原始值 50.00 → 100.00 %" in row and "50.0" in row and "100.0" in row
    aggregates = page.split('data-testid="compare-aggregates"')[1].split("</table>")[0]
    assert "历山街道" in aggregates and "普惠金融指数" in aggregates
    assert "2020年" not in indicators.split("</table>")[0]  # nothing moved in 2020
    # Publishing needs the comparison the office saw: a stale one is refused.
    stale = client.post(f"/index/runs/{draft_year.pk}/publish/", {"compared_with": str(draft_year.pk + 100)})
    assert stale["Location"] == f"/index/runs/{draft_year.pk}/compare/"
    draft_year.refresh_from_db()
    assert draft_year.status == IndexRun.Status.DRAFT
    client.post(f"/index/runs/{draft_year.pk}/publish/", {"compared_with": str(published_year.pk)})
    draft_year.refresh_from_db()
    assert draft_year.status == IndexRun.Status.PUBLISHED and draft_year.compared_with == published_year
    assert "数据截至 2022年第4季度" in client.get("/index/?freq=year").content.decode()
