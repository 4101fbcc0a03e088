import pytest
from django.core.management import call_command

from puhui.core.models import AuditLog
from puhui.index import services
from puhui.index.models import IndexFramework, IndexRankInterval, IndexRun, IndexScore
from puhui.jobs.models import Job

pytestmark = pytest.mark.django_db

LISHAN, LUCUN = "370323001000", "370323102000"


def test_build_stores_scores_ranks_intervals_and_balance(published_v1):
    """Framework v1: min-max goalposts frozen at the base year."""
    year, quarter = published_v1
    assert year.periods == ["2019", "2020", "2021"] and year.base_period == "2019"
    assert quarter.periods[0] == "2019Q1" and len(quarter.periods) == 12 and quarter.base_period == "2019Q4"
    assert year.status == IndexRun.Status.PUBLISHED and year.published_at
    # Indicators with no figure at all are skipped and said so: nothing was reported here, so the data
    # app's indicators (the whole 安全 pillar) have no value.
    assert {s["code"] for s in year.skipped} >= {"S1", "S2", "U2"}
    assert any("安全" in n for n in year.notes)
    scores = IndexScore.objects.filter(run=year, code="Index", town__isnull=False)
    assert scores.count() == 2 * 3
    ranks = {(s.town.code, s.period): s.rank for s in scores.select_related("town")}
    assert {ranks[(LISHAN, "2019")], ranks[(LUCUN, "2019")]} == {1, 2}
    # Frozen base-year goalposts: terminals per 10k were 5 in both towns in 2019 → no spread there,
    # outlets: worst 5 (鲁村), best 15 (历山).
    assert year.goalposts["A1"] == {"worst": pytest.approx(5.0), "best": pytest.approx(15.0)}
    a1 = {
        s.town.code: s.score
        for s in IndexScore.objects.filter(
            run=year, code="A1", period="2019", town__isnull=False
        ).select_related("town")
    }
    assert a1 == {LISHAN: pytest.approx(100.0), LUCUN: pytest.approx(0.0)}
    # County row: population-weighted (equal populations → the mean).
    county = IndexScore.objects.get(run=year, town=None, code="Index", period="2019")
    assert county.score == pytest.approx(sum(s.score for s in scores.filter(period="2019")) / 2)
    assert IndexRankInterval.objects.filter(run=year, period="2021").count() == 2
    assert year.uncertainty_runs == 30
    assert {r["iCode"] for r in year.dispersion} >= {"Index", "AVAIL"}
    assert all(r.get("cv") is not None for r in year.dispersion if r["iCode"] == "Index")
    # Contributions add up to the index (arithmetic mean).
    contrib = IndexScore.objects.filter(run=year, town__code=LUCUN, period="2021", code__in=year.used)
    idx = IndexScore.objects.get(run=year, town__code=LUCUN, period="2021", code="Index")
    # (terminals per 10k had no spread in the base year, so that indicator has no score at all)
    assert sum(c.contribution for c in contrib if c.contribution is not None) == pytest.approx(idx.score)
    # Context figure stored beside the index, not in it.
    assert IndexScore.objects.filter(run=year, code="C1", score=None).exists()
    assert AuditLog.objects.filter(object_type="index.IndexRun").exists()


def test_published_runs_are_immutable_and_new_versions_leave_them_alone(published, users):
    year, _ = published
    before = list(IndexScore.objects.filter(run=year).order_by("pk").values_list("score", flat=True))
    with pytest.raises(services.IndexRefused):
        services.run_delete(actor=users["office"], run=year)
    with pytest.raises(services.IndexRefused):
        services.run_publish(actor=users["office"], run=year)
    v1 = IndexFramework.objects.get(version=1)
    spec2 = v1.spec_yaml.replace(
        "{code: AVAIL, name: 可得性, weight: 0.3}", "{code: AVAIL, name: 可得性, weight: 0.6}"
    )
    v3 = services.framework_create(actor=users["office"], spec_yaml=spec2, note="提高可得性权重")
    assert v3.version == 3  # after the shipped v1 and v2
    run2 = services.run_compute(actor=users["office"], framework=v3, last_year=2021, uncertainty_runs=0)
    assert run2.status == IndexRun.Status.DRAFT
    after = list(IndexScore.objects.filter(run=year).order_by("pk").values_list("score", flat=True))
    assert after == before
    services.run_delete(actor=users["office"], run=run2)  # a draft may go
    assert not IndexRun.objects.filter(pk=run2.pk).exists()


def test_bad_framework_is_refused(users, county):
    with pytest.raises(services.IndexRefused):
        services.framework_create(actor=users["office"], spec_yaml="name: 空框架\n")


def test_command_now_and_unknown_version(dated, capsys):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="第9版不存在"):
        call_command("index_build", "--now", "--framework", "9")
    call_command("index_build", "--now", "--publish")
    out = capsys.readouterr().out
    assert "年度" in out and "已发布" in out and "未计入" in out
    assert IndexRun.objects.filter(status="published").count() == 2


@pytest.mark.django_db(transaction=True)
def test_command_queues_a_job_the_worker_runs(dated):
    call_command("index_build", "--publish")
    job = Job.objects.get()
    assert job.label == "计算普惠金融指数"
    call_command("worker", batch=True, verbosity=0)
    job.refresh_from_db()
    assert job.total and job.done == job.total
    assert IndexRun.objects.filter(status="published").count() == 2
