import pytest

from puhui.index import sources
from puhui.index.periods import periods

pytestmark = pytest.mark.django_db

LISHAN, LUCUN = "370323001000", "370323102000"


def _values(key, frequency="year"):
    df = sources.REGISTRY[key].fn(periods(frequency, 2019, 2021))
    return {(r.uCode, r.Time): r._2 for r in df.itertuples(index=False)}


def test_core_sources_use_the_dates_of_each_period(dated):
    # 2,000 people, 500 farm households and 2 villages in each town.
    outlets = _values("core.outlets_per_10k")
    assert outlets[(LISHAN, "2019")] == pytest.approx(15.0)  # ABC branch, RCB branch, RCB outlet
    assert outlets[(LUCUN, "2019")] == pytest.approx(5.0)
    terminals = _values("core.terminals_per_10k")
    assert [terminals[(LISHAN, y)] for y in ("2019", "2020", "2021")] == pytest.approx([5.0, 5.0, 10.0])
    bill = _values("core.bill_payment_share")
    assert bill[(LISHAN, "2021")] == pytest.approx(100.0) and bill[(LUCUN, "2021")] == pytest.approx(0.0)
    coverage = _values("core.village_point_coverage")
    assert coverage[(LUCUN, "2019")] == pytest.approx(50.0) and coverage[(LUCUN, "2020")] == pytest.approx(
        100.0
    )
    # The point closed on 2019-12-31 no longer counts at the end of 2019.
    assert coverage[(LISHAN, "2019")] == pytest.approx(50.0)
    stations = _values("core.station_share")
    assert stations[(LISHAN, "2019")] == pytest.approx(100.0)
    assert stations[(LUCUN, "2019")] == pytest.approx(0.0)
    points = _values("core.points_per_10k_farm")
    assert points[(LUCUN, "2019")] == pytest.approx(20.0) and points[(LUCUN, "2020")] == pytest.approx(40.0)
    firms = _values("core.firms_per_1k")
    assert firms[(LISHAN, "2019")] == pytest.approx(0.5)


def test_quarters_see_the_mid_year_opening(dated):
    coverage = _values("core.village_point_coverage", "quarter")
    assert coverage[(LUCUN, "2020Q1")] == pytest.approx(50.0)
    assert coverage[(LUCUN, "2020Q2")] == pytest.approx(100.0)
    assert coverage[(LISHAN, "2019Q3")] == pytest.approx(100.0)  # the old point still open


def test_collect_reports_missing_sources(dated):
    keys = ["core.outlets_per_10k", "data.npl_ratio", "insurer.claims_paid"]
    frame, missing = sources.collect(keys, periods("year", 2019, 2020))
    assert missing == ["insurer.claims_paid"]
    # a yearly source says which period each figure was measured in (`<key>.as_of`)
    assert len(frame) == 4 and set(frame.columns) == {
        "uCode",
        "uName",
        "Time",
        *keys[:2],
        "data.npl_ratio.as_of",
    }
    assert frame["data.npl_ratio"].isna().all()  # registered, but nothing reported yet


def test_a_registered_source_is_used(dated):
    import pandas as pd

    @sources.source("test.constant", "测试常数")
    def constant(ps):
        return pd.DataFrame(
            [(c, p.label, 7.0) for c in (LISHAN, LUCUN) for p in ps],
            columns=["uCode", "Time", "test.constant"],
        )

    try:
        frame, missing = sources.collect(["test.constant"], periods("year", 2019, 2019))
        assert missing == [] and set(frame["test.constant"]) == {7.0}
    finally:
        sources.REGISTRY.pop("test.constant")
