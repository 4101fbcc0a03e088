"""The evaluation scene on the shared small county (tests/conftest.py): ABC and RCB are the two county banks.

Figures at institution level are written straight into the data app's IndicatorValue (what its computation
stores), for 2020, 2021 and 2021Q2 (and their year-earlier periods for growth): RCB grows faster, lends more on
credit and reports pre-credit households; ABC reports none (the indicator does not apply to it)."""

import datetime
from decimal import Decimal

import pytest

from puhui.bankeval.services.qualitative import qualitative_set
from puhui.bankeval.services.sets import set_in_force
from puhui.data.models import DerivedRun, IndicatorValue
from puhui.data.services import period_get

D = datetime.date
ITEMS = ("policy", "system", "innovation", "environment", "external")

# code → (ABC, RCB) per period
FIGURES = {
    "2019": {"agri_loan_balance": (100, 100), "small_loan_balance": (200, 100), "loan_balance": (1000, 800)},
    "2020": {
        "agri_loan_balance": (110, 125), "small_loan_balance": (210, 120), "loan_balance": (1100, 900),
        "credit_loan_share": (10, 20), "platform_first_loans": (5, 9), "terminal_bill_rate": (50, 100),
        "loan_rate": ("4.80", "5.20"), "npl_ratio": ("1.2", "3.0"), "reported_precredit_households": (None, 150),
    },
    "2021": {
        "agri_loan_balance": (121, 150), "small_loan_balance": (252, 150), "loan_balance": (1200, 1000),
        "credit_loan_share": (12, 20), "platform_first_loans": (5, 9), "terminal_bill_rate": (60, 100),
        "loan_rate": ("4.60", "5.00"), "npl_ratio": ("1.0", "2.0"), "reported_precredit_households": (None, 250),
    },
    "2020Q2": {"agri_loan_balance": (100, 100), "loan_balance": (1000, 800)},
    "2021Q2": {"agri_loan_balance": (130, 110), "loan_balance": (1100, 900), "platform_first_loans": (2, 1)},
}  # fmt: skip


def write_figures(county, figures=FIGURES):
    banks = (county["abc"], county["rcb"])
    rows = []
    for code, by_indicator in figures.items():
        period = period_get(code)
        run = DerivedRun.objects.create(period=period)
        for indicator, values in by_indicator.items():
            for bank, value in zip(banks, values, strict=True):
                if value is not None:
                    rows.append(IndicatorValue(
                        run=run, indicator_code=indicator, indicator_version=1, period=period,
                        level="institution", organisation=bank, value=Decimal(str(value)),
                    ))  # fmt: skip
        for town in county["towns"]:  # 500 farm households in each town (tests/conftest.py: 2 × 250)
            rows.append(IndicatorValue(
                run=run, indicator_code="farm_households", indicator_version=1, period=period, level="town",
                division=town, value=Decimal(500),
            ))  # fmt: skip
    IndicatorValue.objects.bulk_create(rows)


def score_all(office, county, year, points="4"):
    stored = set_in_force(actor=office)
    for bank in (county["abc"], county["rcb"]):
        for item in ITEMS:
            qualitative_set(actor=office, indicator_set=stored, bank=bank, year=year, item=item, points=points,
                            reason="佐证材料齐全")  # fmt: skip
    return stored


@pytest.fixture
def figures(county):
    write_figures(county)
    return FIGURES
