import io

import pytest
from openpyxl import load_workbook

from puhui.index import services
from puhui.index.models import IndexFramework, IndexRun
from puhui.jobs.models import Job

pytestmark = pytest.mark.django_db

LISHAN, LUCUN = "370323001000", "370323102000"


@pytest.mark.parametrize("who", ["office", "admin", "member", "town_lishan"])
def test_town_viewers_see_ranking_towns_and_indicators(published, login, users, who):
    client = login(users[who])
    page = client.get("/index/").content.decode()
    assert 'data-testid="ranking"' in page and "历山街道" in page and "鲁村镇" in page
    assert 'data-testid="county-score"' in page and "未计入的指标" in page
    # A town official may open another town's page: the index is public statistics.
    town = client.get(f"/index/towns/{LUCUN}/?period=2021")
    assert town.status_code == 200 and "优势指标" in town.content.decode()
    assert client.get("/index/indicators/A1/").status_code == 200
    assert client.get("/index/methodology/").status_code == 200


def test_institution_sees_county_figures_only(published, login, users):
    client = login(users["abc"])
    page = client.get("/index/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="county-score"' in body and 'data-testid="ranking"' not in body
    assert 'id="county-map"' not in body
    assert client.get(f"/index/towns/{LISHAN}/").status_code == 404
    assert client.get("/index/indicators/A1/").status_code == 404
    assert client.get(f"/index/runs/{published[0].pk}/export.xlsx").status_code == 404
    assert client.get("/index/methodology/").status_code == 200


@pytest.mark.parametrize("who", ["agent", "public"])
def test_agents_and_public_see_nothing(published, login, users, who):
    client = login(users[who])
    for url in ("/index/", f"/index/towns/{LISHAN}/", "/index/methodology/", "/index/indicators/A1/"):
        assert client.get(url).status_code == 404


def test_unknown_town_indicator_and_village_codes_are_404(published, login, users):
    client = login(users["office"])
    assert client.get("/index/towns/370323999000/").status_code == 404
    assert client.get(f"/index/towns/{'370323001201'}/").status_code == 404  # a village, not a town
    assert client.get("/index/indicators/NOPE/").status_code == 404


def test_draft_runs_are_for_the_office_only(dated, login, users):
    fw = services.framework_ensure_default(actor=users["office"])
    draft = services.run_compute(actor=users["office"], framework=fw, last_year=2020, uncertainty_runs=0)
    office = login(users["office"])
    assert "未发布" in office.get(f"/index/?run={draft.pk}").content.decode()
    member = login(users["member"])
    assert member.get(f"/index/?run={draft.pk}").status_code == 404
    assert member.get(f"/index/runs/{draft.pk}/export.xlsx").status_code == 404
    assert "尚无已发布" in member.get("/index/").content.decode()
    assert member.post(f"/index/runs/{draft.pk}/publish/").status_code == 404
    office = login(users["office"])
    # Only from the comparison page, which sends the published run it compared with (none yet here).
    assert office.post(f"/index/runs/{draft.pk}/publish/")["Location"] == f"/index/runs/{draft.pk}/compare/"
    draft.refresh_from_db()
    assert draft.status == IndexRun.Status.DRAFT
    r = office.post(f"/index/runs/{draft.pk}/publish/", {"compared_with": ""})
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.status == IndexRun.Status.PUBLISHED
    assert "尚无已发布" not in login(users["member"]).get("/index/").content.decode()


def test_export_workbook(published, login, users):
    r = login(users["town_lucun"]).get(f"/index/runs/{published[0].pk}/export.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["得分", "排名区间", "均衡度", "权重与阈值", "未计入指标"]
    assert wb["得分"].max_row > 10 and wb["排名区间"].max_row == 1 + 2 * 3


def test_methodology_has_actual_weights_goalposts_and_downloads(published, login, users):
    client = login(users["member"])
    page = client.get("/index/methodology/").content.decode()
    for text in (
        "可得性",
        "使用情况",
        "质量",
        "安全",
        "每万人银行网点数",
        "暂未接入",
        "起点（0分）",
        "目标（100分）",
        "方案第十四条：2021年底农户建档率达到90%。",
        "60分表示走完了从起点到目标的六成路程",
        "蒙特卡洛",
    ):
        assert text in page
    assert "90.00" in page  # 建档率: the plan's target is the goal
    doc = client.get("/index/methodology/?download=1")
    assert doc["Content-Disposition"].startswith("attachment")
    assert "编制方法（第2版）" in doc.content.decode()
    word = client.get("/index/methodology/?download=docx")
    assert (
        word["Content-Disposition"].endswith(".docx") and "filename*=utf-8''" in word["Content-Disposition"]
    )
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    assert "可得性" in text and "怎么看分数" in text and "加权算术平均" in text and "30 次" in text


def test_rebuild_queues_a_job_for_the_office_only(dated, login, users):
    assert login(users["member"]).post("/index/rebuild/").status_code == 404
    assert login(users["town_lishan"]).post("/index/rebuild/").status_code == 404
    r = login(users["office"]).post("/index/rebuild/")
    assert r.status_code == 302 and Job.objects.get().label == "计算普惠金融指数"


def test_overview_has_no_n_plus_one(published, login, users, django_assert_max_num_queries):
    client = login(users["office"])
    client.get("/")  # a process's first request also checks the encryption key (puhui/core/keycheck.py)
    # 16: the page's own queries and the menu's badges (the risk warnings' one count among them).
    with django_assert_max_num_queries(16):
        client.get("/index/?freq=quarter")
    assert IndexFramework.objects.count() == 2  # the shipped v1 and v2


def test_missing_run_ids_are_404(published, login, users):
    client = login(users["office"])
    assert client.get("/index/runs/999999/export.xlsx").status_code == 404
    assert client.get("/index/?run=999999").status_code == 404
    assert client.get("/index/?run=abc").status_code == 404
    assert client.post("/index/runs/999999/publish/").status_code == 404


def test_sources_query_count_does_not_grow_with_rows(dated, django_assert_max_num_queries):
    from puhui.index import compute, sources
    from puhui.index.periods import periods

    spec = compute.load((services.FRAMEWORK_DIR / "v1.yaml").read_text(encoding="utf-8"))
    keys = compute.source_keys(spec)
    # A few queries per source, however many rows and periods there are.
    with django_assert_max_num_queries(2 * len(keys) + 5):
        sources.collect(keys, periods("quarter", 2019, 2021))
