"""The policy engine's table of figures (`puhui.policy.figures`): averages of quarterly balances read from
the derived indicators, years a bank was not open, new outlets by town and village, a bounded query count."""

import datetime
from decimal import Decimal

import pytest

from puhui.core.models import Division, Organisation
from puhui.data import catalogue as data_catalogue
from puhui.data import derived, services
from puhui.data.models import DerivedRun, IndicatorValue
from puhui.policy.figures import policy_figures
from tests.data.conftest import loan_row


@pytest.fixture(autouse=True)
def _catalogue(db, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    services.catalogue_sync(actor=users["office"])


SMALL_FIRM, SHOP = "91370323MA3C4DB553", "92370323MA3C4DB61L"


def _submit(actor, office, org, form, period, rows):
    up = services.upload_start(
        actor=actor, institution=org, form_code=form, period_code=period, channel="api", rows=rows
    )
    assert up.status == "succeeded", up.errors
    services.submission_review(actor=office, submission=up.submission, approve=True, recompute=False)


def _deposits_row(town_code: str, deposits, loans, startup_issued) -> dict:
    form = data_catalogue.form("deposits_loans")
    items = {
        "deposits_total": deposits,
        "deposits_personal": deposits / 2,
        "loans_total": loans,
        "startup_balance": startup_issued,
        "startup_issued": startup_issued,
        "renewal_balance": 0,
        "discount_balance": 0,
        "green_balance": 0,
    }
    return {"镇（街道）代码": town_code, **{form.item(k).header: str(v) for k, v in items.items()}}


def _loans(period_start: str, k: int) -> list[dict]:
    """Four loans, balances scaled by k: a farm agri loan, a small firm's agri loan (counted in both
    涉农 and 小微), a shop's non-agri loan, a farm non-agri loan."""
    specs = [
        ("农户", None, "是", 1000),
        ("小微企业", SMALL_FIRM, "是", 2000),
        ("个体工商户", SHOP, "否", 3000),
        ("农户", None, "否", 4000),
    ]
    rows = []
    for n, (kind, borrower, agri, balance) in enumerate(specs, start=1):
        extra = {"借款人证件号码": borrower} if borrower else {}
        rows.append(
            loan_row(
                n,
                **extra,
                **{
                    "借款人类型": kind,
                    "涉农贷款": agri,
                    "贷款余额（元）": str(balance * k),
                    "贷款金额（元）": str(balance * k * 2),
                    "发放日期": period_start,
                    "到期日期": "2030-01-01",
                },
            )
        )
    return rows


def _row(rows, code, year):
    return next(r for r in rows if r["institution"] == code and r["year"] == year)


def test_averages_from_approved_submissions(users, county):
    office, abc = users["office"], county["abc"]
    abc.opened_on = datetime.date(2005, 3, 1)
    abc.has_sannong_division = True
    abc.save()
    starts = ["2020-01-05", "2020-04-05", "2020-07-05", "2020-10-05"]
    for k, start in enumerate(starts, start=1):
        period = f"2020Q{k}"
        _submit(users["abc"], office, abc, "loans", period, _loans(start, k))
        _submit(
            users["abc"],
            office,
            abc,
            "deposits_loans",
            period,
            [_deposits_row("370323102000", 100000 + 10000 * k, 20000 * k, 500 * k)],
        )
    derived.compute_all()

    rows = policy_figures([2020])
    # Both banks of the test county report the form; RCB reported nothing.
    assert [(r["institution"], r["year"]) for r in rows] == [("ABC-YY", 2020), ("RCB-YY", 2020)]
    abc_2020 = _row(rows, "ABC-YY", 2020)
    # Quarter k: deposits 100000 + 10000k, reported loans 20000k; mean of k over 1..4 is 2.5.
    assert abc_2020["deposit_avg"] == Decimal("125000.00")
    assert abc_2020["loan_avg"] == Decimal("50000.00")
    # Loan detail: all four loans (10000k), agri = farm + firm (3000k), agri + small − overlap = 6000k.
    assert abc_2020["local_loan_avg"] == Decimal("25000.00")
    assert abc_2020["agri_loan_avg"] == Decimal("7500.00")
    assert abc_2020["agri_small_avg"] == Decimal("15000.00")
    assert abc_2020["startup_issued"] == Decimal("5000.00")  # 500 × (1+2+3+4), a flow: summed
    assert abc_2020["opened_year"] == 2005
    assert abc_2020["has_sannong_division"] == 1 and abc_2020["is_village_bank"] == 0
    assert abc_2020["name"] == abc.name
    rcb_2020 = _row(rows, "RCB-YY", 2020)
    assert rcb_2020["loan_avg"] is None and rcb_2020["startup_issued"] is None
    assert rcb_2020["is_county_legal_person"] == 1


def _put(org, code, quarter, value):
    """An institution-level value as a computation stores it (one run per period)."""
    period = services.period_get(quarter)
    run = DerivedRun.objects.filter(period=period).first() or DerivedRun.objects.create(period=period)
    IndicatorValue.objects.create(
        run=run,
        indicator_code=code,
        indicator_version=1,
        period=period,
        level=IndicatorValue.Level.INSTITUTION,
        organisation=org,
        value=Decimal(value),
    )


def test_a_missing_quarter_gives_no_average(county):
    rcb = county["rcb"]
    for q, v in (("2020Q1", 100), ("2020Q2", 200), ("2020Q4", 400)):
        _put(rcb, "deposits_total", q, v)
    for q in ("2020Q1", "2020Q2", "2020Q3", "2020Q4"):
        _put(rcb, "loans_total_reported", q, 80)
    row = _row(policy_figures([2020]), "RCB-YY", 2020)
    assert row["deposit_avg"] is None  # not (100 + 200 + 400) / 3
    assert row["loan_avg"] == Decimal("80.00")


def test_a_bank_opened_mid_year_averages_from_its_opening_quarter(county):
    rcb = county["rcb"]
    rcb.kind, rcb.is_new_rural_institution = "village_bank", True
    rcb.opened_on = datetime.date(2020, 5, 10)  # in Q2: Q2–Q4 count
    rcb.save()
    for q, v in (("2020Q2", 300), ("2020Q3", 600), ("2020Q4", 900), ("2021Q1", 1000)):
        _put(rcb, "loans_total_reported", q, v)
    rows = policy_figures([2019, 2020, 2021])
    assert not [r for r in rows if r["institution"] == "RCB-YY" and r["year"] == 2019]  # not yet open
    row = _row(rows, "RCB-YY", 2020)
    assert row["loan_avg"] == Decimal("600.00")
    assert row["opened_year"] == 2020 and row["is_village_bank"] == 1 and row["is_new_rural"] == 1
    assert _row(rows, "RCB-YY", 2021)["loan_avg"] is None  # 2021Q2–Q4 missing


def test_new_outlets_by_town_and_village_and_year(county):
    abc, rcb = county["abc"], county["rcb"]
    town = county["towns"][1]
    community = Division.objects.create(
        code=town.code[:9] + "001", name="鲁村社区", level="village", kind="community", parent=town
    )
    village = county["villages"][2]

    def outlet(code, parent, division, opened):
        o = Organisation.objects.create(
            code=code,
            name=code,
            kind=parent.kind,
            parent=parent,
            level=Organisation.Level.OUTLET,
            division=division,
            opened_on=opened,
        )
        o.path = o.compute_path()
        o.save(update_fields=["path"])

    outlet("ABC-N1", abc, community, datetime.date(2020, 3, 1))
    outlet("ABC-N2", abc, village, datetime.date(2020, 9, 1))
    outlet("ABC-N3", abc, village, datetime.date(2020, 11, 1))
    outlet("ABC-N4", abc, community, datetime.date(2021, 2, 1))
    outlet("RCB-N1", rcb, village, datetime.date(2021, 6, 1))
    rows = policy_figures([2020, 2021])
    got = {(r["institution"], r["year"]): (r["new_outlets_town"], r["new_outlets_village"]) for r in rows}
    assert got == {
        ("ABC-YY", 2020): (1, 2),
        ("ABC-YY", 2021): (1, 0),
        ("RCB-YY", 2020): (0, 0),
        ("RCB-YY", 2021): (0, 1),
    }


def test_institutions_filter(county):
    rows = policy_figures([2020], institutions=["RCB-YY"])
    assert [r["institution"] for r in rows] == ["RCB-YY"]


@pytest.mark.parametrize("extra_banks", [0, 12])
def test_query_count_does_not_grow_with_institutions(county, django_assert_max_num_queries, extra_banks):
    for i in range(extra_banks):
        bank = Organisation.objects.create(code=f"B{i}", name=f"银行{i}", kind="commercial_bank")
        bank.path = bank.compute_path()
        bank.save(update_fields=["path"])
        for q in ("2020Q1", "2020Q2", "2020Q3", "2020Q4"):
            _put(bank, "deposits_total", q, 100 + i)
    with django_assert_max_num_queries(3):
        rows = policy_figures([2019, 2020, 2021])
    assert len(rows) == 3 * (2 + extra_banks)
    if extra_banks:
        assert _row(rows, "B3", 2020)["deposit_avg"] == Decimal("103.00")
