"""Pipelines: COINr's standard example, panels comparable over time, replay, outputs and the CLI."""

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from puhui.engines.index import Pipeline, synthetic
from puhui.engines.index.cli import main

from .conftest import REPO, SPECS

EXAMPLE = {
    "name": "Example",
    "steps": [
        {"denominate": {}},
        {"impute": {"method": "mean_grp", "group": "EurAsia_group"}},
        {"screen": {"unit_screen": "byNA", "dat_thresh": 0.9}},
        {"treat": {"winmax": 5}},
        {"normalise": {"method": "minmax", "l_u": [0, 100]}},
        {"aggregate": {"method": "amean"}},
    ],
}


@pytest.fixture(scope="module")
def example():
    idata, imeta = synthetic.example()
    return idata, imeta, Pipeline(EXAMPLE).run(idata, imeta)


def test_coinr_standard_example_keeps_every_data_set(example):
    _, _, res = example
    assert list(res.datasets) == [
        "Raw",
        "Denominated",
        "Imputed",
        "Screened",
        "Treated",
        "Normalised",
        "Aggregated",
    ]
    assert [e["step"] for e in res.log] == [
        "load",
        "denominate",
        "impute",
        "screen",
        "treat",
        "normalise",
        "aggregate",
    ]
    assert all(e["seconds"] >= 0 for e in res.log)
    agg = res.aggregated
    assert agg["Index"].notna().all() and agg["Index"].between(0, 100).all()


def test_denominate_divides_by_the_denominator(example):
    idata, imeta, res = example
    d = imeta.dropna(subset=["Denominator"]).iloc[0]
    raw = res.datasets["Raw"].set_index("uCode")
    den = res.datasets["Denominated"].set_index("uCode")
    assert np.allclose(den[d["iCode"]], raw[d["iCode"]] / raw[d["Denominator"]], equal_nan=True)
    untouched = imeta[(imeta["Type"] == "Indicator") & imeta["Denominator"].isna()]["iCode"].iloc[0]
    assert np.allclose(den[untouched], raw[untouched], equal_nan=True)


def test_impute_by_group_mean(example):
    _, _, res = example
    before = res.datasets["Denominated"]
    after = res.datasets["Imputed"]
    col = next(c for c in res.framework.indicators if before[c].isna().sum() > 0)
    i = int(np.flatnonzero(before[col].isna().to_numpy())[0])
    grp = before.loc[i, "EurAsia_group"]
    assert after.loc[i, col] == pytest.approx(before.loc[before["EurAsia_group"] == grp, col].mean())
    assert res.analysis["Imputed.Summary"]["missing_after"].sum() == 0


def test_screening_removes_units_with_little_data():
    idata, imeta = synthetic.example()
    res = Pipeline({"steps": [{"screen": {"dat_thresh": 0.9}}, {"normalise": {}}, {"aggregate": {}}]}).run(
        idata, imeta
    )
    removed = set(res.analysis["Screened.RemovedUnits"]["uCode"])
    assert {"U50", "U51"} <= removed
    assert not removed & set(res.aggregated["uCode"])
    forced = Pipeline({"steps": [{"screen": {"dat_thresh": 0.9, "force": {"U51": True}}}]}).run(idata, imeta)
    assert "U51" in set(forced.datasets["Screened"]["uCode"])


def test_replay_from_the_resolved_spec_gives_identical_results(example):
    idata, imeta, res = example
    again = Pipeline(json.loads(json.dumps(res.pipeline.to_spec()))).run(idata, imeta)
    pd.testing.assert_frame_equal(again.results_table(), res.results_table())


def test_with_values_changes_a_step(example):
    idata, imeta, res = example
    pipe = res.pipeline.with_values({"normalise.method": "zscore", "normalise.l_u": None})
    pipe.step("normalise").params.pop("l_u")
    z = pipe.run(idata, imeta).datasets["Normalised"]
    assert abs(z[res.framework.indicators[0]].mean()) < 1e-9
    assert res.pipeline.step("normalise").params["method"] == "minmax"  # the original is untouched


def test_shipped_example_csv_pair_is_the_generator_output():
    idata, imeta = synthetic.example()
    shipped = pd.read_csv(SPECS / "example_idata.csv")
    assert list(shipped.columns) == list(idata.columns)
    num = idata.select_dtypes("number").columns
    assert np.allclose(shipped[num].to_numpy(dtype=float), idata[num].to_numpy(dtype=float), equal_nan=True)


def panel_spec(fit, base=2012):
    return {
        "steps": [
            {"normalise": {"method": "minmax", "fit": fit, "base_time": base}},
            {"weights": {"method": "cv", "base_time": base}}
            if fit == "base"
            else {"weights": {"method": "equal"}},
            {"aggregate": {}},
        ]
    }


def test_frozen_base_year_keeps_scores_comparable_over_time():
    idata, imeta = synthetic.panel(60, 12, 3, n_pillars=3, n_subindices=1)
    idata = idata.fillna(1.0)
    # unit C00000 keeps its 2012 values in 2013; everybody else moves
    first = idata[idata["uCode"] == "C00000"].iloc[0]
    mask = (idata["uCode"] == "C00000") & (idata["Time"] == 2013)
    ind = [c for c in idata.columns if c.startswith("X")]
    idata.loc[mask, ind] = first[ind].to_numpy()
    res = Pipeline(panel_spec("base")).run(idata, imeta)
    a = res.aggregated.set_index(["uCode", "Time"])
    assert a.loc[("C00000", 2012), "Index"] == pytest.approx(a.loc[("C00000", 2013), "Index"])
    per_time = Pipeline(panel_spec("per_time")).run(idata, imeta).aggregated.set_index(["uCode", "Time"])
    assert per_time.loc[("C00000", 2012), "Index"] != pytest.approx(per_time.loc[("C00000", 2013), "Index"])
    ch = res.tables()["Results.Changes"]
    row = ch[(ch["uCode"] == "C00000") & (ch["Time"] == 2013) & (ch["iCode"] == "Index")].iloc[0]
    assert row["dScore_prev"] == pytest.approx(0, abs=1e-9)
    assert set(res.tables()["Results.Dispersion"]["Time"]) == {2012, 2013, 2014}


def test_panel_imputation_latest_and_linear():
    idata, imeta = synthetic.panel(5, 8, 4, n_pillars=2, n_subindices=1)
    idata = idata.fillna(1.0)
    idata.loc[(idata["uCode"] == "C00001") & (idata["Time"] == 2013), "X001"] = np.nan
    idata.loc[(idata["uCode"] == "C00002") & (idata["Time"] == 2012), "X002"] = np.nan
    s = idata.set_index(["uCode", "Time"])
    latest = Pipeline({"steps": [{"impute": {"method": "latest"}}]}).run(idata, imeta).datasets["Imputed"]
    linear = Pipeline({"steps": [{"impute": {"method": "linear"}}]}).run(idata, imeta).datasets["Imputed"]
    li, ln = latest.set_index(["uCode", "Time"]), linear.set_index(["uCode", "Time"])
    assert li.loc[("C00001", 2013), "X001"] == s.loc[("C00001", 2012), "X001"]
    assert ln.loc[("C00001", 2013), "X001"] == pytest.approx(
        (s.loc[("C00001", 2012), "X001"] + s.loc[("C00001", 2014), "X001"]) / 2
    )
    assert np.isnan(li.loc[("C00002", 2012), "X002"])  # nothing earlier to carry forward
    assert ln.loc[("C00002", 2012), "X002"] == s.loc[("C00002", 2013), "X002"]  # ends held (R approx rule 2)


def test_write_outputs(tmp_path, esi_result):
    esi_result.write(tmp_path)
    res = pd.read_csv(tmp_path / "results.csv")
    assert list(res.columns[:4]) == ["uCode", "uName", "Time", "ESI"]
    assert "Rank.ESI" in res.columns and "Rank.PTRatio" in res.columns
    sheets = pd.ExcelFile(tmp_path / "pipeline.xlsx", engine="calamine").sheet_names
    for name in [
        "Data.Raw",
        "Data.Treated",
        "Data.Normalised",
        "Data.Aggregated",
        "Analysis.Treated.Dets_Table",
    ]:
        assert name in sheets
        assert (
            tmp_path
            / ("datasets" if name.startswith("Data.") else "analysis")
            / (name.split(".", 1)[1] + ".csv" if name.startswith("Data.") else name + ".csv")
        ).exists()
    log = json.loads((tmp_path / "log.json").read_text(encoding="utf-8"))
    assert [e["step"] for e in log] == ["load", "treat", "normalise", "aggregate"]


def test_strengths_and_weaknesses(esi_result):
    sw = esi_result.tables()["Results.StrengthsWeaknesses"]
    se = sw[sw["uCode"] == "SE"]
    assert list(se[se["Kind"] == "strength"]["iCode"])[0] == "RecTrain"  # Sweden leads on adult training
    assert (se[se["Kind"] == "strength"]["Rank"].diff().dropna() >= 0).all()
    assert (se[se["Kind"] == "weakness"]["Rank"].diff().dropna() <= 0).all()


# ---- the command line ----------------------------------------------------------------------------
def test_cli_build_on_a_csv_pair(tmp_path, capsys):
    idata, imeta = synthetic.example()
    idata.to_csv(tmp_path / "d.csv", index=False)
    imeta.to_csv(tmp_path / "m.csv", index=False)
    spec = {"name": "csv", "data": {"idata": "d.csv", "imeta": "m.csv"}, "steps": EXAMPLE["steps"]}
    (tmp_path / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    assert main(["build", str(tmp_path / "spec.json"), "--out", str(tmp_path / "out")]) == 0
    assert "已完成指数" in capsys.readouterr().out
    out = pd.read_csv(tmp_path / "out" / "results.csv")
    assert len(out) == 51 and "Index" in out.columns and "Rank.Index" in out.columns
    for name in ["Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised", "Aggregated"]:
        assert (tmp_path / "out" / "datasets" / f"{name}.csv").exists()


def test_cli_uncertainty_and_errors(tmp_path, capsys, esi_dir):
    spec = SPECS / "esi.yaml"
    assert (
        main(
            [
                "uncertainty",
                str(spec),
                "--data-dir",
                str(esi_dir),
                "--runs",
                "200",
                "--seed",
                "5",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    stats = pd.read_csv(tmp_path / "rank_stats.csv")
    assert list(stats.columns) == ["uCode", "uName", "Nominal", "Mean", "Median", "Q5", "Q95"]
    assert len(stats) == 27 and stats.loc[0, "uCode"] == "SE"
    assert (
        main(["build", str(spec), "--idata", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "x")])
        == 2
    )
    assert "错误：找不到单位数据文件" in capsys.readouterr().err


def test_cli_runs_without_django(tmp_path, esi_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    code = (
        "import sys, runpy; sys.argv = ['cli', 'build', sys.argv[1], '--data-dir', sys.argv[2], '--out', sys.argv[3]];"
        "import puhui.engines.index.cli as c; rc = c.main(sys.argv[1:]);"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'; sys.exit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(SPECS / "esi.yaml"), str(esi_dir), str(tmp_path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "results.csv").exists()


def test_unbalanced_panel_is_normalised_year_by_year():
    idata, imeta = synthetic.panel(30, 8, 3, n_pillars=2, n_subindices=1)
    idata = idata.drop(index=[0, 1, 2, 35, 70]).sample(frac=1, random_state=1)  # rows missing and shuffled
    res = Pipeline({"steps": [{"treat": {}}, {"normalise": {"method": "minmax"}}, {"aggregate": {}}]}).run(
        idata, imeta
    )
    treated, norm = res.datasets["Treated"], res.datasets["Normalised"]
    for year in (2012, 2013, 2014):
        t = treated.loc[treated["Time"] == year, "X002"]
        n = norm.loc[norm["Time"] == year, "X002"]
        assert np.allclose(n, (t - t.min()) / (t.max() - t.min()) * 100, equal_nan=True)
    assert len(res.aggregated) == 85
