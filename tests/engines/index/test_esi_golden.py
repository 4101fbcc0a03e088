"""COINr's European Skills Index demo: every published stage reproduced to 1e-6."""

import numpy as np
import pandas as pd
import pytest

TOL = 1e-6


def _compare(ours: pd.DataFrame, published: pd.DataFrame):
    exp = published.set_index("uCode")
    got = ours.set_index("uCode").loc[exp.index, exp.columns]
    a, b = got.to_numpy(dtype=float), exp.to_numpy(dtype=float)
    assert (np.isnan(a) == np.isnan(b)).all(), "missing values differ"
    assert np.nanmax(np.abs(a - b)) < TOL


@pytest.mark.parametrize("stage", ["Raw", "Treated", "Normalised", "Aggregated"])
def test_every_data_set_matches_coinr(esi_result, esi_published, stage):
    _compare(esi_result.datasets[stage], esi_published[f"Data.{stage}"])


def test_treatment_table_matches_coinr(esi_result, esi_published):
    ours = esi_result.analysis["Treated.Dets_Table"].set_index("iCode")
    pub = esi_published["Analysis.Treated.Dets_Table"].set_index("iCode")
    assert (ours.loc[pub.index, "Pass0"].astype(bool) == pub["check_SkewKurt0.Pass"]).all()
    assert np.allclose(ours.loc[pub.index, "Skew0"], pub["check_SkewKurt0.Skew"], atol=TOL)
    assert np.allclose(ours.loc[pub.index, "Kurt0"], pub["check_SkewKurt0.Kurt"], atol=TOL)
    treated = pub["winsorise.nwin"].notna()
    assert list(pub.index[treated]) == ["LTUnemp"]
    assert ours.loc["LTUnemp", "nwin"] == pub.loc["LTUnemp", "winsorise.nwin"] == 1
    assert ours.loc["LTUnemp", "Skew1"] == pytest.approx(pub.loc["LTUnemp", "check_SkewKurt1.Skew"], abs=TOL)
    assert ours.loc["LTUnemp", "Kurt1"] == pytest.approx(pub.loc["LTUnemp", "check_SkewKurt1.Kurt"], abs=TOL)
    points = esi_result.analysis["Treated.Treated_Points"]
    assert list(points["uCode"]) == ["EL"] and points.loc[0, "LTUnemp"] == "winhi"


def test_full_score_table(esi_result, esi_published):
    full = esi_published["Results.FullScore"].set_index("uCode")
    table = esi_result.results_table().set_index("uCode").loc[full.index]
    aggs = [
        "ESI",
        "SkillDev",
        "SkillAct",
        "SkillMatch",
        "TransWork",
        "ActRate",
        "BasicEd",
        "TrainEd",
        "SkillUtil",
        "SkillMisMa",
    ]
    # COINr publishes the scores rounded to two decimals
    assert np.abs(table[aggs].to_numpy().round(2) - full[aggs].to_numpy()).max() < TOL
    assert (table["Rank.ESI"].to_numpy() == full["Rank"].to_numpy()).all()
    # the indicator columns of FullScore are the raw values
    raw = esi_result.datasets["Raw"].set_index("uCode").loc[full.index]
    inds = [c for c in full.columns if c not in aggs + ["Rank"]]
    assert np.allclose(raw[inds].to_numpy(dtype=float), full[inds].to_numpy(dtype=float), equal_nan=True)


def test_headline_scores(esi_result):
    top = esi_result.results_table().head(5)
    assert list(top["uCode"]) == ["SE", "EE", "DK", "FI", "DE"]
    assert list(top["ESI"].round(2)) == [76.52, 74.83, 73.67, 70.63, 70.38]


def test_contributions_add_up_to_the_score(esi_result):
    c = esi_result.tables()["Results.Contributions"].set_index("uCode")
    a = esi_result.aggregated.set_index("uCode")
    fw = esi_result.framework
    assert np.allclose(c[fw.indicators].sum(axis=1), a["ESI"])
    assert np.allclose(c[["SkillDev", "SkillAct", "SkillMatch"]].sum(axis=1), a["ESI"])
    # Greece has no PTRatio: its BasicEd is SecEd alone, and PTRatio contributes nothing
    assert np.isnan(c.loc["EL", "PTRatio"])
