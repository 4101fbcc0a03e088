"""The index job reads its sources once for both frequencies (`index_build`): each frequency's town data are
the same as when read alone — on the small demo county, where every source has figures (archives, credit
lines, the network, the reported data) — and the runs it stores score the same."""

import pandas as pd

from puhui.core.models import User
from puhui.index import compute, services, sources
from puhui.index.models import IndexFramework
from puhui.index.periods import QUARTER, YEAR


def _frames(spec, collected=None):
    return {freq: services.measured_frame(spec, freq, 2021, collected=collected) for freq in (YEAR, QUARTER)}


def test_a_frequency_read_with_the_other_is_read_as_alone(in_demo):
    services.framework_ensure_default(actor=None)
    spec = compute.load(IndexFramework.objects.order_by("-version").first().spec_yaml)
    wanted = [p for freq in (YEAR, QUARTER) for p in services.candidate_periods(spec, freq, 2021)]
    together = _frames(spec, sources.collect(compute.source_keys(spec), wanted))
    for freq, (ps, frame, missing) in _frames(spec).items():
        ps_t, frame_t, missing_t = together[freq]
        assert [p.label for p in ps_t] == [p.label for p in ps] and missing_t == missing
        assert frame.notna().sum().sum() > len(frame) * 5  # figures in most columns, not an empty frame
        pd.testing.assert_frame_equal(frame_t, frame)


def test_the_job_stores_what_each_frequency_built_alone_stores(in_demo, monkeypatch):
    office = User.objects.get(username="office")
    reads, collect = [], sources.collect
    monkeypatch.setattr(sources, "collect", lambda keys, ps: reads.append(len(ps)) or collect(keys, ps))
    year, quarter = services.index_build(actor=office, last_year=2021, uncertainty_runs=0)
    assert len(reads) == 1  # both frequencies' periods in one read
    monkeypatch.setattr(sources, "collect", collect)
    framework = year.framework
    for run in (year, quarter):
        alone = services.run_compute(
            actor=office, framework=framework, frequency=run.frequency, last_year=2021, uncertainty_runs=0
        )
        fields = ("town_id", "period", "code", "score", "rank", "raw", "estimate", "as_of")
        assert list(run.scores.order_by(*fields[:3]).values_list(*fields)) == list(
            alone.scores.order_by(*fields[:3]).values_list(*fields)
        )
