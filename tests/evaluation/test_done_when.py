"""Issue #14 item 5, done when: the yearly report for 2021 opens with python-docx and carries the figures the
target and index pages show for 2021 — the data app's own target evaluation as of 2021Q4 and the published
yearly run's county score, pillars and town ranking with rank intervals — with the towns' map, the plan's
tasks and overdue milestones as they stood at the end of 2021. Regenerating gives the same figures, also after
later events (a milestone completed in 2022).

The scene: the test county with two targets (tests/evaluation/conftest.py), the index built and published on
it (tests/index/conftest.py `published`, 30 Monte-Carlo runs) and the shipped plan (tests/plan/conftest.py)."""

import datetime
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from puhui.data import targets as data_targets
from puhui.data.models import ReportingPeriod
from puhui.evaluation import services
from puhui.index import selectors as index_selectors
from puhui.index.models import IndexRun
from puhui.plan.models import Milestone
from tests.index.conftest import dated, published  # noqa: F401  (fixtures)
from tests.plan.conftest import plan, units, village_bank  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
SQUARE = [[118.0, 36.0], [118.1, 36.0], [118.1, 36.1], [118.0, 36.1], [118.0, 36.0]]


@pytest.fixture
def scene(figures, published, plan, county):  # noqa: F811
    for n, town in enumerate(county["towns"]):
        ring = [[x + 0.1 * n, y] for x, y in SQUARE]
        town.boundary = {"type": "Polygon", "coordinates": [ring]}
        town.save(update_fields=["boundary"])
    return {"plan": plan, "runs": published}


def _docx(report) -> Document:
    return Document(io.BytesIO(b"".join(services.report_chunks(report, "docx"))))


def test_the_2021_report_carries_the_pages_figures_and_regenerates_them(scene, users):
    report = services.report_generate(actor=users["office"], period="2021")
    doc = _docx(report)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert text.count("、") and "沂源县普惠金融综合示范区建设评估报告（2021年）" in text
    assert len(doc.inline_shapes) == 1  # the towns' map

    # Targets: the target page's call (as of 2021Q4), figure for figure.
    page = data_targets.evaluate_all(as_of=ReportingPeriod.objects.get(code="2021Q4"))
    got = [
        (r["code"], r["status"], r["value"], r["threshold"], r["trend"])
        for r in report.figures["targets"]["rows"]
    ]
    assert got == [(s.target.code, s.status, s.figure, float(s.target.threshold), s.trend) for s in page]
    assert doc.tables[0].rows[1].cells[3].text == page[0].label

    # The index: the published yearly run the index page opens on, its 2021 ranking and intervals.
    run = IndexRun.objects.get(frequency="year", status="published")
    index = report.figures["index"]
    assert index["run"] == run.pk
    county_2021 = next(t for t in index_selectors.county_trend(run) if t["period"] == "2021")
    assert index["score"] == county_2021["score"]
    ranking = index_selectors.ranking(run, "2021")
    assert [(t["name"], t["score"], t["rank"], t["q5"], t["q95"]) for t in index["towns"]] == [
        (r["town"].name, r["score"], r["rank"], r["interval"].q5, r["interval"].q95) for r in ranking
    ]
    towns_table = doc.tables[1]
    assert [c.text for c in towns_table.rows[1].cells][:2] == [
        str(ranking[0]["rank"]),
        ranking[0]["town"].name,
    ]

    # The plan at the end of 2021: every task, the overdue milestones with their unit.
    tasks = report.figures["plan"]["tasks"]
    assert len(tasks) == scene["plan"].tasks.count() == 22
    end = datetime.date(2021, 12, 31)
    overdue = Milestone.objects.filter(task__plan=scene["plan"], due_on__lte=end, completed_on__isnull=True)
    assert len(report.figures["plan"]["overdue"]) == overdue.count() > 0
    assert sum(t["milestones_overdue"] for t in tasks) == overdue.count()

    wb = load_workbook(io.BytesIO(b"".join(services.report_chunks(report, "xlsx"))))
    sheet = wb["指数（镇街）"]
    assert sheet["A2"].value == "全县" and sheet["D2"].value == county_2021["score"]
    assert sheet.max_row == 2 + len(ranking)

    # Regenerated later, the same figures (the set-up of this scene is the slow part: one test for both).
    first = report
    # After the period: an overdue milestone is completed in 2022 and a new quarter is computed.
    late = Milestone.objects.filter(task__plan=scene["plan"], due_on__lte=datetime.date(2021, 12, 31)).first()
    late.completed_on = datetime.date(2022, 3, 1)
    late.save(update_fields=["completed_on"])
    second = services.report_generate(actor=users["office"], period="2021")
    assert second.version == 2 and second.figures == first.figures
    assert _docx(second).paragraphs[1].text == "示范区评估〔2021〕年度第2号"

    # A quarter's report takes the published quarterly run and the plan's report for that quarter.
    quarter = services.report_generate(actor=users["office"], period="2021Q3")
    run = IndexRun.objects.get(frequency="quarter", status="published")
    assert quarter.figures["index"]["run"] == run.pk
    assert [t["rank"] for t in quarter.figures["index"]["towns"]] == [
        r["rank"] for r in index_selectors.ranking(run, "2021Q3")
    ]
    assert quarter.figures["plan"]["plan_period"] == "2021Q3"
