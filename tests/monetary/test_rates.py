"""Rate monitoring on a hand-built loan book: weighted averages and spreads worked out by hand, the returns
that count, the alert rule, and what a bank sees."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from puhui.monetary import selectors, services

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def book(county, users, loans):
    abc, rcb = county["abc"], county["rcb"]
    loans(
        abc,
        "2020Q1",
        [
            ("A1", "farm", "credit", 100_000, "5.00", D(2020, 1, 10), True),  # LPR 4.15
            ("A2", "small", "mortgage", 300_000, "6.00", D(2020, 2, 15), False),  # LPR 4.05
            ("A3", "individual", "guarantee", 100_000, "7.00", D(2020, 3, 20), False),  # LPR 4.05
            ("A0", "farm", "credit", 500_000, "9.00", D(2019, 6, 1), True),  # outstanding, issued earlier
        ],
    )
    # a newer version awaiting review does not count
    loans(
        abc,
        "2020Q1",
        [("A1", "farm", "credit", 100_000, "12.00", D(2020, 1, 10), True)],
        status="submitted",
        version=2,
    )
    # 2020Q2: two approved versions, the higher one counts
    loans(abc, "2020Q2", [("B1", "farm", "credit", 200_000, "5.00", D(2020, 4, 10), True)])
    loans(
        abc,
        "2020Q2",
        [
            ("B1", "farm", "credit", 200_000, "6.80", D(2020, 4, 10), True),  # LPR 3.85
            ("B2", "small", "credit", 200_000, "6.40", D(2020, 5, 10), False),
        ],
        version=2,
    )
    loans(abc, "2019Q2", [("C1", "small", "credit", 100_000, "7.50", D(2019, 5, 5), False)])  # before the LPR
    loans(abc, "2021Q1", [("D1", "small", "credit", 100_000, "5.50", D(2021, 1, 5), False)])
    loans(rcb, "2020Q1", [("R1", "farm", "credit", 100_000, "4.00", D(2020, 1, 5), True)])
    services.rate_cells_refresh(actor=users["office"])
    return {"abc": abc, "rcb": rcb}


def test_weighted_rates_and_spreads_by_hand(book, users):
    m = selectors.monitor(users["office"], quarter="2020Q1")
    abc = book["abc"].pk
    q1 = m.bank_quarters[(abc, "2020Q1")]
    # (100k×5 + 300k×6 + 100k×7) / 500k; A0 was issued in 2019 and the unapproved version 2 is ignored
    assert q1.rate == pytest.approx(6.0)
    assert q1.amount == 50_000_000 and q1.loans == 3
    # (100k×(5−4.15) + 300k×(6−4.05) + 100k×(7−4.05)) / 500k
    assert q1.spread == pytest.approx(1.93)
    assert m.bank_quarters[(abc, "2020Q2")].rate == pytest.approx(6.6)  # version 2 counts
    assert m.bank_quarters[(abc, "2019Q2")].spread is None  # issued before the LPR existed
    assert m.county["2020Q1"].rate == pytest.approx((500_000 * 6 + 100_000 * 4) / 600_000)
    abc_detail = next(d for d in m.detail if d["bank"] == abc)
    by_label = {(r["kind"], r["label"]): r["acc"].rate for r in abc_detail["rows"]}
    assert by_label == {
        ("借款人类型", "农户"): pytest.approx(5.0),
        ("借款人类型", "小微企业"): pytest.approx(6.0),
        ("借款人类型", "个体工商户"): pytest.approx(7.0),
        ("担保方式", "信用"): pytest.approx(5.0),
        ("担保方式", "保证"): pytest.approx(7.0),
        ("担保方式", "抵押"): pytest.approx(6.0),
    }
    assert m.without_lpr == 10_000_000  # C1


def test_small_firms_2019_against_2021_and_the_trend_against_2019(book, users):
    m = selectors.monitor(users["office"])
    small = {r["name"]: r for r in m.small}
    abc = small[book["abc"].name]
    assert (abc["before"], abc["after"]) == (pytest.approx(7.5), pytest.approx(5.5))
    assert abc["change"] == pytest.approx(-2.0)
    trend = next(t for t in m.trend if t["bank"] == book["abc"].pk)
    assert trend["base"] == pytest.approx(7.5)
    q1 = next(p for p in trend["points"] if p["quarter"] == "2020Q1")
    assert q1["vs_base"] == pytest.approx(-1.5)


def test_an_alert_when_a_bank_raises_its_rate_while_the_lpr_does_not(book, users):
    alerts = selectors.monitor(users["office"]).alerts
    assert [(a["bank"], a["quarter"]) for a in alerts] == [(book["abc"].name, "2020Q2")]
    assert alerts[0]["rise"] == pytest.approx(0.6)
    assert alerts[0]["lpr_change"] == pytest.approx(-0.2)  # 4.05 (March) → 3.85 (June)
    assert selectors.monitor(users["office"], threshold=Decimal("0.7")).alerts == []
    # had the LPR risen by June, the same rise would be no alert
    services.lpr_set(actor=users["office"], month=D(2020, 6, 1), one_year="4.50", five_year="4.65")
    assert selectors.monitor(users["office"]).alerts == []


def test_a_bank_sees_its_own_rows_and_the_county(book, users):
    m = selectors.monitor(users["rcb"], quarter="2020Q1")
    assert [b.pk for b in m.banks] == [book["rcb"].pk]
    assert m.county["2020Q1"].rate == pytest.approx((500_000 * 6 + 100_000 * 4) / 600_000)
    assert all(key[0] == book["rcb"].pk for key in m.bank_quarters)
    assert m.alerts == [] and [d["name"] for d in m.detail] == ["全县", book["rcb"].name]
    names = {row[0] for row in selectors.export_rows(users["rcb"])}
    assert names == {"全县", book["rcb"].name}
    assert {r["bank"] for r in selectors.api_rates(users["abc"], quarter="2020Q1")} == {
        "全县",
        book["abc"].name,
    }


def test_the_summary_reads_the_loan_rows_with_one_grouped_query(book, users):
    with CaptureQueriesContext(connection) as ctx:
        services.rate_cells_refresh(actor=users["office"])
    reads = [q["sql"] for q in ctx.captured_queries if "data_loanrecord" in q["sql"]]
    assert len(reads) == 1 and "GROUP BY" in reads[0]


def test_the_page_says_when_the_summary_is_out_of_date(book, users, loans):
    assert selectors.refresh_state()["stale"] is False
    loans(book["rcb"], "2020Q2", [("R2", "farm", "credit", 100_000, "4.00", D(2020, 4, 5), True)])
    assert selectors.refresh_state()["stale"] is True
    services.rate_cells_refresh(actor=users["office"])
    assert selectors.refresh_state()["stale"] is False
