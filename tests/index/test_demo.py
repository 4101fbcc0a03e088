import pytest

from puhui.demo.build import DemoContext
from puhui.index import demo
from puhui.index.models import IndexRun

pytestmark = pytest.mark.django_db


def test_demo_build_publishes_2019_to_2021(dated, users):
    lines = []
    ctx = DemoContext(seed=1, scale=0.1, plan=None, progress=lines.append, users={"office": users["office"]})
    assert demo.build(ctx) == {"runs": 2}
    runs = IndexRun.objects.filter(status="published")
    assert sorted(r.frequency for r in runs) == ["quarter", "year"]
    assert runs.get(frequency="year").periods == ["2019", "2020", "2021"]
    assert runs.get(frequency="quarter").periods[-1] == "2021Q4"
    assert all(r.uncertainty_runs == demo.DEMO_UNCERTAINTY_RUNS for r in runs)
    assert "普惠金融指数" in lines[0]
