import datetime
from decimal import Decimal

import pytest

COMPLETE = {
    "head_education": "junior_secondary",
    "labour_count": 2,
    "residence_years": 30,
    "housing": "owned_brick",
    "land_contracted_mu": Decimal("6.5"),
    "land_transferred_in_mu": Decimal("3"),
    "main_activities": "苹果",
    "operating_years": 12,
    "new_agri_entity": False,
    "total_assets": Decimal("300000"),
    "total_liabilities": Decimal("20000"),
    "annual_net_income": Decimal("80000"),
    "operating_income": Decimal("120000"),
    "has_agri_insurance": True,
    "insurance": "苹果政策性保险",
    "accounts": "农商行社保卡",
    "existing_loans": "农商行 3万元",
    "lender_count": 1,
    "overdue_count_3y": 0,
    "repaid_loans_count": 2,
    "current_overdue": False,
    "current_npl": False,
    "guarantee_outstanding": Decimal("0"),
    "utility_arrears": False,
    "litigation_pending": False,
    "enforcement_pending": False,
    "enforcement_closed": False,
    "debt_evasion_record": False,
    "village_assessment": "经营稳定",
}


@pytest.fixture
def complete():
    return dict(COMPLETE)


@pytest.fixture
def archived(county, users):
    """Household 0 (历山1村, the agent's village) with a complete archive verified by ABC, rated."""
    from puhui.credit import services

    def make(index=0, verifier="abc", **overrides):
        hh = county["households"][index]
        archive = services.archive_save(actor=users["agent"], household=hh, data={**COMPLETE, **overrides})
        services.archive_verify(actor=users[verifier], archive=archive)
        services.household_rate(actor=users[verifier], household=hh)
        return hh

    return make


@pytest.fixture
def next_year():
    return datetime.date.today() + datetime.timedelta(days=365)
