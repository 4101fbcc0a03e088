"""The data app's index sources: approved submissions → derived town figures → the index's columns."""

import datetime
from decimal import Decimal

import pytest

from puhui.data import derived, services
from puhui.data.models import DerivedRun, IndicatorValue
from puhui.index import sources
from puhui.index.periods import periods
from tests.data.conftest import loan_row, loans_csv

pytestmark = pytest.mark.django_db

LISHAN, LUCUN = "370323001000", "370323102000"


def _values(key, frequency="year"):
    df = sources.registered()[key].fn(periods(frequency, 2019, 2021))
    return {(r.uCode, r.Time): r._2 for r in df.itertuples(index=False)}


@pytest.fixture
def approved_loans(users, county, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    services.catalogue_sync(actor=users["office"])
    rows = [
        loan_row(
            1, 发放日期="2020-10-10", 到期日期="2021-10-09"
        ),  # 50,000 at 5.5 %, balance 40,000, 信用, normal
        loan_row(
            2,
            **{"贷款金额（元）": "100000", "贷款余额（元）": "60000", "年利率（%）": "4.5"},
            发放日期="2020-11-01",
            到期日期="2021-11-01",
            担保方式="保证",
            信用贷款="否",
            贷款状态="逾期",
        ),
        loan_row(
            3,
            **{"贷款金额（元）": "20000", "贷款余额（元）": "20000", "年利率（%）": "6"},
            发放日期="2020-12-01",
            到期日期="2021-12-01",
            担保方式="抵押",
            信用贷款="否",
            贷款状态="不良",
        ),
    ]
    up = services.upload_start(
        actor=users["abc"],
        institution=county["abc"],
        form_code="loans",
        period_code="2020Q4",
        channel="page",
        file=loans_csv(rows),
        filename="abc.csv",
    )
    assert up.status == "succeeded", up.errors
    services.submission_review(actor=users["office"], submission=up.submission, approve=True)
    derived.compute_all()


def test_loan_figures_reach_the_index_per_town_and_period(approved_loans):
    # All three loans are in 鲁村镇; 历山街道 has no loans, so its ratios have no value (not zero).
    npl = _values("data.npl_ratio")
    assert npl[(LUCUN, "2020")] == pytest.approx(20000 / 120000 * 100, abs=1e-3)
    assert (LISHAN, "2020") not in npl and (LUCUN, "2019") not in npl
    assert _values("data.overdue_ratio")[(LUCUN, "2020")] == pytest.approx(50.0)
    assert _values("data.credit_loan_share")[(LUCUN, "2020")] == pytest.approx(40000 / 120000 * 100, abs=1e-3)
    rate = (5.5 * 50000 + 4.5 * 100000 + 6 * 20000) / 170000
    assert _values("data.avg_lending_rate")[(LUCUN, "2020")] == pytest.approx(rate, abs=1e-4)
    # 3 borrowing farm households of the town's 500.
    assert _values("data.loan_penetration")[(LUCUN, "2020")] == pytest.approx(0.6)
    # Quarterly: the loans were reported for the fourth quarter only.
    quarterly = _values("data.npl_ratio", "quarter")
    assert set(quarterly) == {(LUCUN, "2020Q4")}


def test_a_yearly_indicator_enters_quarters_with_the_latest_ended_year(county):
    from puhui.core.models import Division

    lucun = Division.objects.get(code=LUCUN)
    for code, value in (("2019", "40"), ("2020", "55")):
        period = services.period_get(code)
        run = DerivedRun.objects.create(period=period)
        IndicatorValue.objects.create(
            run=run,
            indicator_code="farm_insured_rate",
            indicator_version=1,
            period=period,
            level="town",
            division=lucun,
            value=Decimal(value),
        )
    quarterly = _values("data.insurance_coverage", "quarter")
    assert (LUCUN, "2019Q3") not in quarterly  # no year had ended yet
    assert quarterly[(LUCUN, "2019Q4")] == pytest.approx(40.0)
    assert quarterly[(LUCUN, "2020Q2")] == pytest.approx(40.0)
    assert quarterly[(LUCUN, "2020Q4")] == pytest.approx(55.0)
    assert quarterly[(LUCUN, "2021Q3")] == pytest.approx(55.0)
    assert _values("data.insurance_coverage")[(LUCUN, "2020")] == pytest.approx(55.0)
    assert datetime.date(2021, 9, 30) == periods("quarter", 2021, 2021)[2].end


def test_goalposts_of_a_lower_is_better_indicator_are_the_highest_as_worst():
    from types import SimpleNamespace

    import pandas as pd

    from puhui.index.compute import _goalposts

    params = pd.DataFrame({"iCode": ["A1", "S1"], "min": [5.0, 0.69], "max": [15.0, 2.03]})
    res = SimpleNamespace(analysis={"Normalised.Params": params})
    assert _goalposts(res, [{"code": "A1", "direction": 1}, {"code": "S1", "direction": -1}]) == {
        "A1": {"worst": 5.0, "best": 15.0},
        "S1": {"worst": 2.03, "best": 0.69},  # the highest NPL ratio is the worst
    }
