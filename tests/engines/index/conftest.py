"""Fixtures of the index engine tests: no database, no Django models."""

from pathlib import Path

import pandas as pd
import pytest

from puhui.engines.index import Framework, Pipeline
from puhui.engines.index.model import TimeBlocks, prepare_data

REPO = Path(__file__).resolve().parents[3]
ESI_DIR = REPO / "tests" / "fixtures" / "coinr-esi"  # vendored: see its README for source and licence
SPECS = REPO / "puhui" / "engines" / "index" / "specs"


@pytest.fixture(scope="session")
def esi_dir():
    if not (ESI_DIR / "ESI_COINr_input.xlsx").exists():
        pytest.fail(f"COINr ESI fixture missing at {ESI_DIR}")
    return ESI_DIR


@pytest.fixture(scope="session")
def esi_published(esi_dir):
    return pd.read_excel(esi_dir / "ESI_results.xlsx", sheet_name=None, engine="calamine")


@pytest.fixture(scope="session")
def esi_result(esi_dir):
    pipe = Pipeline.from_file(SPECS / "esi.yaml")
    idata, imeta = pipe.load_data(esi_dir)
    return pipe.run(idata, imeta)


def one_indicator(values, direction=1, times=None, extra_meta=None):
    """A framework with indicators X (and Y) under one index; returns (panel, framework, blocks)."""
    n = len(values)
    meta = pd.DataFrame(
        [
            {
                "iCode": "X",
                "Level": 1,
                "Parent": "I",
                "Direction": direction,
                "Weight": 1,
                "Type": "Indicator",
                **(extra_meta or {}),
            },
            {"iCode": "Y", "Level": 1, "Parent": "I", "Direction": 1, "Weight": 1, "Type": "Indicator"},
            {"iCode": "I", "Level": 2, "Parent": None, "Direction": 1, "Weight": 1, "Type": "Aggregate"},
        ]
    )
    data = pd.DataFrame({"uCode": [f"u{i:04d}" for i in range(n)], "X": values, "Y": range(1, n + 1)})
    if times is not None:
        data["Time"] = times
    fw = Framework.from_meta(meta)
    df = prepare_data(data, fw)
    return df, fw, TimeBlocks(df["Time"])
