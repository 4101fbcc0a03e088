"""The pages, the API and the Word 通报 as people use them: a bank sees its own result and rank beside the
county's averages and never another bank's detail; the office's 通报 opens in Word with every bank's grade."""

import io
import random
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from django.core.cache import cache
from django.urls import reverse

from puhui.bankeval import demo
from puhui.bankeval.models import QualitativeScore, Run
from puhui.bankeval.services.runs import run_compute, run_publish
from puhui.data.models import ReportingPeriod
from tests.api import conftest as api_fixtures
from tests.api.conftest import ApiClient
from tests.bankeval.conftest import score_all

pytestmark = pytest.mark.django_db
tokens = api_fixtures.tokens


@pytest.fixture
def published(users, county, figures):
    office = users["office"]
    score_all(office, county, 2021)
    return run_publish(
        actor=office, run=run_compute(actor=office, period=ReportingPeriod.objects.get(code="2021"))
    )


def test_a_bank_sees_its_own_result_and_rank_and_the_county_average_only(client, users, county, published):
    client.force_login(users["abc"])
    home = client.get(reverse("bankeval:home")).content.decode()
    assert "68.25 分" in home and "第 2 名（共 2 家）" in home and "77.63 分" in home
    page = client.get(reverse("bankeval:run", args=[published.pk])).content.decode()
    assert county["abc"].name in page and county["rcb"].name not in page and "87.00" not in page
    own = published.results.get(bank=county["abc"])
    detail = client.get(reverse("bankeval:result", args=[own.pk])).content.decode()
    assert "中等" in detail and "不适用" in detail and "全县平均得分" in detail
    other = published.results.get(bank=county["rcb"])
    assert client.get(reverse("bankeval:result", args=[other.pk])).status_code == 404


def test_the_api_gives_a_bank_its_own_results_only(tokens, county, published):
    cache.clear()
    mine = ApiClient(tokens["abc"]).get("/bankeval/results").json()
    assert [(r["bank_id"], r["grade"], r["rank"]) for r in mine] == [(county["abc"].pk, "中等", 2)]
    assert mine[0]["county_average"] == 77.63
    every = ApiClient(tokens["pboc"]).get("/bankeval/results?period=2021").json()
    assert {r["bank"] for r in every} == {county["abc"].name, county["rcb"].name}
    rcb = published.results.get(bank=county["rcb"])
    assert ApiClient(tokens["abc"]).get(f"/bankeval/results/{rcb.pk}").status_code == 404
    detail = ApiClient(tokens["rcb"]).get(f"/bankeval/results/{rcb.pk}").json()
    assert {s["code"]: s["points"] for s in detail["scores"]}["agri_loan_growth"] == 12.0


def test_the_bulletin_opens_in_word_with_every_grade_and_a_chinese_name(client, users, county, published):
    from docx import Document

    client.force_login(users["office"])
    response = client.get(reverse("bankeval:bulletin", args=[published.pk]))
    assert response.status_code == 200
    assert "2021年银行业金融机构普惠金融综合评价结果通报.docx" in unquote(response["Content-Disposition"])
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于2021年银行业金融机构普惠金融综合评价结果的通报" in text and "银发〔2021〕171号" in text
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[0] == ["名次", "银行业金融机构", "定量得分", "定性得分", "总分", "等级"]
    assert rows[1][1:] == [county["rcb"].name, "67.00", "20.00", "87.00", "良好"]
    assert rows[2][0] == "2" and rows[2][-1] == "中等"


def test_bad_qualitative_input_on_the_page_is_refused_in_chinese(client, users, county, figures):
    client.force_login(users["office"])
    url = reverse("bankeval:qualitative_edit", args=[2021, county["abc"].pk, "policy"])
    response = client.post(url, {"points": "9", "reason": "材料齐全"})
    assert response.status_code == 400
    assert "“政策实施”的得分应在 0 到 5 分之间" in response.content.decode()
    assert not QualitativeScore.objects.exists()
    assert client.post(url, {"points": "4.5", "reason": "材料齐全"}).status_code == 302
    assert QualitativeScore.objects.get().points == 4.5


def test_the_demo_scores_publishes_and_monitors(users, county, figures):
    ctx = SimpleNamespace(users={"office": users["office"]}, random=lambda *keys: random.Random(sum(keys)))
    counts = demo.build(ctx)
    assert counts == {"qualitative": 20, "runs": 3}  # 2 banks × 5 items × 2 years; 2020, 2021, 2021Q2
    assert Run.objects.filter(published_at__isnull=False, missing_qualitative=0).count() == 3


def _yaml_file(text: str, name="指标体系.yaml"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/x-yaml")


def test_the_office_downloads_the_set_edits_it_and_uploads_a_new_version_a_run_may_use(
    client, users, figures
):
    from puhui.bankeval.models import IndicatorSet

    client.force_login(users["office"])
    assert "上传新版本" in client.get(reverse("bankeval:set")).content.decode()
    response = client.get(reverse("bankeval:set"), {"download": "1"})
    assert "综合评价指标体系（第1版）.yaml" in unquote(response["Content-Disposition"])
    text = response.content.decode("utf-8")
    # A typo in one weight and a version already taken: every problem is listed, nothing stored.
    broken = text.replace("weight: 12", "weight: 十二", 1)
    response = client.post(reverse("bankeval:set_add"), {"file": _yaml_file(broken), "change_note": "试改"})
    listed = [m.message for m in response.wsgi_request._messages]
    assert "指标第 1 项（agri_loan_growth）：weight（分值）应为大于 0 的数" in listed
    assert IndicatorSet.objects.count() == 1
    response = client.post(
        reverse("bankeval:set_add"), {"file": _yaml_file(text), "change_note": "未改版本号"}
    )
    assert "版本 1 已经存在" in " ".join(m.message for m in response.wsgi_request._messages)
    # Version 2 with a higher loan-growth goal: stored, shown, and a run computed on it.
    v2 = text.replace("version: 1", "version: 2", 1).replace("（第1版）", "（第2版）", 1)
    v2 = v2.replace("goal: 20", "goal: 25", 1)
    response = client.post(
        reverse("bankeval:set_add"), {"file": _yaml_file(v2), "change_note": "提高增速目标"}
    )
    assert response.status_code == 302 and response["Location"].endswith("?version=2")
    page = client.get(response["Location"]).content.decode()
    assert "第 2 版：提高增速目标" in page and "达到 25% 得满分" in page
    stored = IndicatorSet.objects.get(version=2)
    run = run_compute(
        actor=users["office"], period=ReportingPeriod.objects.get(code="2021"), indicator_set=stored
    )
    assert run.indicator_set == stored


def test_a_set_that_is_not_yaml_or_too_large_or_from_a_bank_is_refused(client, users, figures):
    from puhui.bankeval.models import IndicatorSet

    client.force_login(users["office"])
    response = client.post(
        reverse("bankeval:set_add"), {"file": _yaml_file("version: [1"), "change_note": "坏文件"}, follow=True
    )
    assert "不是有效的 YAML（第 1 行）" in response.content.decode()
    assert list(IndicatorSet.objects.values_list("version", flat=True)) == [1]  # the shipped one, shown
    big = _yaml_file("#" * (300 * 1024))
    response = client.post(reverse("bankeval:set_add"), {"file": big, "change_note": "太大"}, follow=True)
    assert "超过 256 KB" in response.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    gbk = SimpleUploadedFile("旧.yaml", "版本: 2".encode("gbk"))
    response = client.post(reverse("bankeval:set_add"), {"file": gbk, "change_note": "编码"}, follow=True)
    assert "UTF-8 编码" in response.content.decode()
    client.force_login(users["abc"])
    assert "上传新版本" not in client.get(reverse("bankeval:set")).content.decode()
    assert client.post(reverse("bankeval:set_add"), {"change_note": "x"}).status_code == 404
