"""Fixtures of the scorecard engine tests: no database, no Django models."""

from pathlib import Path

import pandas as pd
import pytest

from puhui.engines.scoring import Scorecard, default_config_path, synthetic

GERMAN_CREDIT = Path(__file__).resolve().parents[2] / "fixtures" / "german-credit" / "germancredit.csv"


@pytest.fixture(scope="session")
def german():
    # Vendored (see its README for source and licence): a missing file is a broken checkout, never a skip.
    if not GERMAN_CREDIT.exists():
        pytest.fail(f"German credit fixture missing at {GERMAN_CREDIT}")
    return pd.read_csv(GERMAN_CREDIT)


@pytest.fixture(scope="session")
def german_result(german):
    from puhui.engines.scoring.train import TrainOptions, train_scorecard

    return train_scorecard(
        german,
        TrainOptions(
            target="creditability",
            exclude=["personal_status_and_sex"],
            groups=["personal_status_and_sex"],
            name="german-credit",
            version="test",
        ),
    )


@pytest.fixture(scope="session")
def default_card():
    return Scorecard.from_file(default_config_path())


@pytest.fixture(scope="session")
def default_spec(default_card):
    return default_card.to_dict()


@pytest.fixture(scope="session")
def sample():
    return synthetic.credit_sample(6000, seed=11)


@pytest.fixture(scope="session")
def sample_result(sample):
    from puhui.engines.scoring.train import TrainOptions, train_scorecard

    return train_scorecard(
        sample,
        TrainOptions(
            target="default",
            id_column="household_id",
            time_column="period",
            oot_from="2021-07",
            test_size=0.3,  # a hold-out on request, beside the out-of-time sample
            groups=["town"],
            name="synthetic",
            version="test",
        ),
    )


def good_household(**overrides) -> dict:
    """One household that earns every point of the default scorecard (values are lists of one)."""
    row = {
        "head_age": 40,
        "head_education": "college_or_above",
        "labour_count": 3,
        "residence_years": 20,
        "annual_net_income": 250000,
        "total_assets": 900000,
        "total_liabilities": 0,
        "land_contracted_mu": 6,
        "land_transferred_in_mu": 10,
        "operating_years": 15,
        "housing": "owned_brick",
        "overdue_count_3y": 0,
        "repaid_loans_count": 5,
        "current_overdue": "否",
        "guarantee_outstanding": 0,
        "utility_arrears": False,
        "enforcement_closed": False,
        "has_agri_insurance": "是",
        "new_agri_entity": True,
        "pay_months_active": 12,
        "pay_inflow_cv": 0.2,
        "lender_count": 1,
        "litigation_pending": False,
        "enforcement_pending": False,
        "current_npl": False,
        "debt_evasion_record": False,
    }
    row.update(overrides)
    return row


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))
