"""Uncertainty and sensitivity analysis, checked against plain reruns of the pipeline."""

import numpy as np
import pytest

from puhui.engines.index import Pipeline, SpecError, drop_one, sensitivity, uncertainty
from puhui.engines.index.aggregate import rank_desc
from puhui.engines.index.robustness import Analysis

from .conftest import SPECS


@pytest.fixture(scope="module")
def esi(esi_dir):
    pipe = Pipeline.from_file(SPECS / "esi.yaml")
    idata, imeta = pipe.load_data(esi_dir)
    return pipe, idata, imeta


def test_rank_statistics(esi, esi_result):
    pipe, idata, imeta = esi
    out = uncertainty(pipe, idata, imeta, runs=300, seed=11)
    stats = out["rank_stats"].set_index("uCode")
    nominal = esi_result.results_table().set_index("uCode")["Rank.ESI"]
    assert (stats["Nominal"] == nominal.loc[stats.index]).all()
    assert (stats["Q5"] <= stats["Median"]).all() and (stats["Median"] <= stats["Q95"]).all()
    assert stats["Mean"].between(1, 27).all()
    assert out["ranks"].shape == (300, 27) and not out["failures"]
    again = uncertainty(pipe, idata, imeta, runs=300, seed=11)["rank_stats"]
    assert again.equals(out["rank_stats"])
    other = uncertainty(pipe, idata, imeta, runs=300, seed=12)["rank_stats"]
    assert not other["Mean"].equals(out["rank_stats"]["Mean"])


def test_batched_runs_equal_plain_reruns(esi):
    pipe, idata, imeta = esi
    an = Analysis(pipe, idata, imeta, seed=3)
    U = an.sample(12)
    ranks = an.evaluate(U)
    mult = an._noise()
    for r in range(12):
        picks = [f.pick(U[r : r + 1, j], an.n_sets)[0] for j, f in enumerate(an.factors)]
        values = {
            f.address: f.value(c) for f, c in zip(an.factors, picks, strict=True) if f.kind != "weights_noise"
        }
        w = {c: an.fw.weight[c] * mult[picks[0], i] for i, c in enumerate(an.tree.codes)}
        values["aggregate.weights"] = w
        res = pipe.with_values(values).run(idata, imeta)
        expected = rank_desc(res.aggregated["ESI"].to_numpy()[None])[0]
        assert np.array_equal(ranks[r], expected)


def test_upstream_choices_rerun_the_pipeline_once_each(esi):
    pipe, idata, imeta = esi
    spec = {
        "factors": [
            {"name": "winmax", "address": "treat.winmax", "values": [0, 1, 5]},
            {"name": "agg", "address": "aggregate.method", "values": ["amean", "hmean"]},
        ]
    }
    an = Analysis(pipe, idata, imeta, spec=spec, seed=1)
    an.evaluate(an.sample(200))
    assert len(an._upstream_cache) == 3


def test_failed_runs_are_reported_not_hidden(esi):
    pipe, idata, imeta = esi
    spec = {"factors": [{"name": "agg", "address": "aggregate.method", "values": ["amean", "gmean"]}]}
    out = uncertainty(pipe, idata, imeta, runs=50, seed=1, spec=spec)
    assert out["failures"] and "几何均值" in out["failures"][0]
    failed = out["choices"]["agg"] == "gmean"
    assert out["ranks"][failed.to_numpy()].isna().all().all()
    assert out["ranks"][~failed.to_numpy()].notna().all().all()
    with pytest.raises(SpecError):
        uncertainty(pipe, idata, imeta, runs=5, spec={"factors": []})


def test_sobol_indices(esi):
    pipe, idata, imeta = esi
    spec = {
        "factors": [
            {"name": "aggregation", "address": "aggregate.method", "values": ["amean", "hmean"]},
            {
                "name": "normalisation",
                "address": "normalise",
                "values": [{"method": "minmax", "l_u": [1, 100]}, {"method": "rank"}],
            },
            {"name": "dummy", "address": "treat.winmax", "values": [5, 6]},
        ]
    }  # no indicator needs a 6th point
    out = sensitivity(pipe, idata, imeta, n=128, seed=2, spec=spec, num_resamples=20)
    t = out["indices"].set_index("Variable")
    assert out["runs"] == 128 * 5
    assert abs(t.loc["dummy", "ST"]) < 1e-9 and abs(t.loc["dummy", "S1"]) < 1e-9
    assert t.loc["normalisation", "ST"] > 0.05


def test_drop_one_equals_zero_weight_reruns(esi, esi_result):
    pipe, idata, imeta = esi
    d = drop_one(esi_result, level=3)
    assert list(d["summary"]["iCode"]) == ["SkillDev", "SkillAct", "SkillMatch"]
    res = pipe.with_values({"aggregate.weights": {"SkillAct": 0}}).run(idata, imeta)
    expected = rank_desc(res.aggregated["ESI"].to_numpy()[None])[0] - d["shifts"]["Nominal"].to_numpy()
    assert np.array_equal(d["shifts"]["SkillAct"].to_numpy(), expected)
    assert d["summary"]["MeanAbsShift"].gt(0).all()
