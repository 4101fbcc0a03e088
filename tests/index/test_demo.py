import pytest

from puhui.demo.build import DemoContext
from puhui.index import demo
from puhui.index.models import IndexRun, IndexScore

pytestmark = pytest.mark.django_db


def test_demo_build_publishes_only_the_reported_periods(reported, users):
    """The build asks for every year up to the last complete one; data were reported up to 2021Q4, so
    2021 is the last period built (no carried-forward 2022 onwards), every score within [0, 100]."""
    lines = []
    ctx = DemoContext(seed=1, scale=0.1, plan=None, progress=lines.append, users={"office": users["office"]})
    assert demo.build(ctx) == {"runs": 2}
    runs = IndexRun.objects.filter(status="published")
    assert sorted(r.frequency for r in runs) == ["quarter", "year"]
    assert runs.get(frequency="year").periods == ["2019", "2020", "2021"]
    assert runs.get(frequency="quarter").periods[-1] == runs.get(frequency="quarter").data_through == "2021Q4"
    assert all(r.framework.version == 2 for r in runs)
    assert all(r.uncertainty_runs == demo.DEMO_UNCERTAINTY_RUNS for r in runs)
    scores = IndexScore.objects.filter(run__in=runs, score__isnull=False).values_list("score", flat=True)
    assert scores and all(0 <= s <= 100 for s in scores)
    assert "普惠金融指数" in lines[0] and "2021年第4季度" in lines[0]
