"""The model report page: a statistical scorecard trained with the engine on synthetic households is
uploaded through the page, its validation report reviewed, and promoted; refusals; leaks per role."""

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from puhui.core.models import AuditLog
from puhui.credit import services
from puhui.credit.models import Rating, ScorecardVersion
from puhui.engines.scoring import Scorecard, default_config_path, synthetic
from puhui.engines.scoring.train import TrainOptions, train_scorecard


@pytest.fixture(scope="module")
def trained():
    """A statistical card from the engine (synthetic households, not real people): out-of-time sample
    from 2021-07, fairness by town; `main_activity` is not an archive column, so it is excluded."""
    df = synthetic.credit_sample(4000, seed=1)
    result = train_scorecard(
        df,
        TrainOptions(
            target="default",
            id_column="household_id",
            exclude=["main_activity"],
            groups=["town"],
            time_column="period",
            oot_from="2021-07",
            test_size=0.3,  # a hold-out beside the out-of-time sample, so the page shows all three
            name="农户统计评分卡（测试）",
            version="2026.1",
        ),
    )
    return {
        "model": result.scorecard.to_json(),
        "report": json.dumps(result.report, ensure_ascii=False),
        "spec": result.scorecard.to_dict(),
        "raw": result.report,
    }


def upload(client, model: str, report: str | None, name="MODEL.json"):
    data = {"model_file": SimpleUploadedFile(name, model.encode(), content_type="application/json")}
    if report is not None:
        data["report_file"] = SimpleUploadedFile(
            "MODEL.report.json", report.encode(), content_type="application/json"
        )
    return client.post("/credit/scorecards/upload/", data)


def test_upload_review_and_promote(county, users, login, trained, archived):
    office = login(users["office"])
    default = services.scorecard_active()
    r = upload(office, trained["model"], trained["report"])
    assert r.status_code == 302, r.content.decode()[:3000]
    version = ScorecardVersion.objects.get(card_id=trained["spec"]["id"], version="2026.1")
    assert r["Location"] == f"/credit/scorecards/{version.pk}/"
    assert version.status == "draft" and version.kind == "statistical"
    assert (
        version.report["model"]["fingerprint"]
        == version.fingerprint
        == Scorecard.from_dict(trained["spec"]).fingerprint
    )
    assert AuditLog.objects.filter(object_type="credit.ScorecardVersion", note="新增评分卡版本").exists()

    # the list links to every report
    listing = office.get("/credit/scorecards/").content.decode()
    assert f'href="/credit/scorecards/{version.pk}/"' in listing
    assert f'href="/credit/scorecards/{default.pk}/"' in listing

    page = office.get(f"/credit/scorecards/{version.pk}/").content.decode()
    raw = trained["raw"]
    # discrimination on training, test and out-of-time samples
    for sample in ("训练样本", "检验样本", "跨时间样本"):
        assert sample in page
    assert f"{raw['discrimination']['oot']['auc']:.3f}" in page
    assert f"{raw['discrimination']['test']['ks']:.3f}" in page
    # the cross-validation of the whole pipeline, fold by fold, with its mean ± sd
    cv = raw["cross_validation"]
    assert 'data-testid="cross-validation"' in page and len(cv["per_fold"]) == cv["folds"] == 5
    assert f"{cv['summary']['auc']['mean']:.3f} ± {cv['summary']['auc']['sd']:.3f}" in page
    # IV per characteristic, calibration with the Jeffreys test, PSI/CSI, fairness by town
    top = raw["iv"][0]
    assert f"{top['iv']:.4f}" in page and "入模" in page
    assert "Jeffreys" in page and raw["calibration"]["test"][0]["grade"] in page
    assert f"{raw['stability']['oot']['psi']:.4f}" in page
    assert "按“town”" in page and raw["fairness"]["groups"]["town"]["train"][0]["group"] in page
    # the points table (characteristic, bin, points) and the charts' data
    charts = page.split('<script id="report-charts" type="application/json">')[1].split("</script>")[0]
    charts = json.loads(charts)
    assert charts["discrimination"]["auc"] == [
        raw["discrimination"][k]["auc"] for k in ("train", "test", "oot")
    ]
    assert len(charts["iv"]["names"]) == len([r for r in raw["iv"] if r.get("iv") is not None])
    assert 'data-testid="points"' in page
    first = trained["spec"]["characteristics"][0]
    assert first["label"] in page
    assert 'id="chart-calibration"' in page and "vendor/echarts.min.js" in page
    assert 'name="reviewed"' in page

    # promoting needs the review box; then it records who and when
    r = office.post(f"/credit/scorecards/{version.pk}/promote/", follow=True)
    assert "请先审核验证报告" in r.content.decode()
    version.refresh_from_db()
    assert version.status == "draft"
    r = office.post(f"/credit/scorecards/{version.pk}/promote/", {"reviewed": "1"}, follow=True)
    assert "已启用评分卡" in r.content.decode()
    version.refresh_from_db()
    default.refresh_from_db()
    assert version.status == "active" and version.promoted_by == users["office"] and version.promoted_at
    assert default.status == "retired"
    assert 'data-testid="promoted"' in r.content.decode() and "office" in r.content.decode()
    assert AuditLog.objects.filter(object_type="credit.ScorecardVersion", note="启用评分卡版本").exists()

    # the promoted statistical card rates archives (it reads only archive columns)
    hh = archived(0)
    rating = Rating.objects.get(household=hh, is_current=True)
    assert rating.scorecard_id == version.pk and rating.grade


def test_expert_card_upload_has_points_only(county, users, login):
    spec = Scorecard.from_file(default_config_path()).to_dict()
    spec["version"] = "2026.2"
    office = login(users["office"])
    r = upload(office, json.dumps(spec, ensure_ascii=False), None)
    assert r.status_code == 302
    version = ScorecardVersion.objects.get(version="2026.2")
    page = office.get(f"/credit/scorecards/{version.pk}/").content.decode()
    assert "户主年龄" in page and "加减分项" in page and "不评级规则" in page and "AAA" in page
    assert "report-charts" not in page and 'name="reviewed"' not in page
    office.post(f"/credit/scorecards/{version.pk}/promote/")
    version.refresh_from_db()
    assert version.status == "active" and version.promoted_by == users["office"]


def refused(client, model, report, *needles):
    before = ScorecardVersion.objects.count()
    r = upload(client, model, report)
    assert r.status_code == 200
    page = r.content.decode()
    for n in needles:
        assert n in page, n
    assert ScorecardVersion.objects.count() == before  # nothing half-stored
    return page


def test_upload_refusals(county, users, login, trained):
    office = login(users["office"])
    services.scorecard_active()
    # a forbidden characteristic (the engine's policy), as scorecard_add refuses it
    spec = copy.deepcopy(trained["spec"])
    spec["characteristics"][0]["label"] = "是否党员"
    refused(office, json.dumps(spec, ensure_ascii=False), trained["report"], "党员")
    # a column the archives do not have
    spec = copy.deepcopy(trained["spec"])
    spec["characteristics"][0]["field"] = "main_activity"
    refused(office, json.dumps(spec, ensure_ascii=False), trained["report"], "main_activity", "档案中没有")
    # a statistical model without its report
    refused(office, trained["model"], None, "须同时上传验证报告")
    # a report of another model
    other = copy.deepcopy(trained["raw"])
    other["model"]["fingerprint"] = "0123456789abcdef"
    refused(office, trained["model"], json.dumps(other), "验证报告不属于该模型")
    # not a report at all
    refused(office, trained["model"], json.dumps({"model": {}}), "缺少以下部分")
    # broken JSON names the place
    refused(office, '{"format": "puhui-scorecard",', trained["report"], "不是有效的 JSON", "第 1 行")
    # an existing version
    upload(office, trained["model"], trained["report"])
    refused(office, trained["model"], trained["report"], "已存在")


def test_statistical_version_without_report_cannot_be_promoted(county, users, login, trained):
    version = services.scorecard_add(actor=users["office"], spec=trained["spec"])
    office = login(users["office"])
    page = office.get(f"/credit/scorecards/{version.pk}/").content.decode()
    assert "没有验证报告" in page and 'data-testid="promote-form"' not in page
    office.post(f"/credit/scorecards/{version.pk}/promote/", {"reviewed": "1"})
    version.refresh_from_db()
    assert version.status == "draft"


@pytest.mark.parametrize(
    "role", ["admin", "member", "abc", "rcb", "town_lishan", "town_lucun", "agent", "public"]
)
def test_leaks_model_pages(county, users, login, trained, role):
    version = services.scorecard_add(actor=users["office"], spec=trained["spec"], report=trained["raw"])
    c = login(users[role])
    allowed = role == "admin"
    expected = 200 if allowed else 404
    assert c.get(f"/credit/scorecards/{version.pk}/").status_code == expected
    assert c.get("/credit/scorecards/upload/").status_code == expected
    if not allowed:
        assert upload(c, trained["model"], trained["report"]).status_code == 404
        assert c.post(f"/credit/scorecards/{version.pk}/promote/", {"reviewed": "1"}).status_code == 404
        version.refresh_from_db()
        assert version.status == "draft"
    assert ScorecardVersion.objects.filter(card_id=trained["spec"]["id"]).count() == 1
