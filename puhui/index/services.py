"""Writes for the county index: framework versions, computing runs, publishing. Atomic and audited."""

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone

from puhui.core.audit import audit_changed, snapshot
from puhui.core.models import Division
from puhui.index import compute, sources
from puhui.index.models import IndexFramework, IndexRankInterval, IndexRun, IndexScore
from puhui.index.periods import FIRST_YEAR, QUARTER, YEAR, Period, base_label, periods

Progress = Callable[[int, int, str], None]
FRAMEWORK_DIR = Path(__file__).parent / "frameworks"


class IndexRefused(Exception):
    """A write the rules forbid (changing a published run, an unknown version…); message in Chinese."""


@transaction.atomic
def framework_create(*, actor, spec_yaml: str, note: str = "") -> IndexFramework:
    """A new version (one more than the latest). Older versions and their runs are left as they are."""
    try:
        spec = compute.load(spec_yaml)
    except Exception as exc:
        raise IndexRefused(f"指标框架无法读取：{exc}") from exc
    latest = IndexFramework.objects.select_for_update().order_by("-version").first()
    fw = IndexFramework.objects.create(
        version=(latest.version + 1) if latest else 1,
        name=spec.get("name", "普惠金融指数")[:100],
        spec_yaml=spec_yaml,
        note=note[:300],
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_changed(actor=actor, obj=fw, before=None, note=f"新增指数框架第{fw.version}版")
    return fw


# The shipped frameworks, in version order; the last is the default (the pages show the highest version).
SHIPPED = (
    ("v1.yaml", "系统内置第1版：基期固定阈值（适合多县比较）"),
    ("v2.yaml", "系统内置第2版：目标阈值（默认）"),
)


def framework_ensure_default(*, actor) -> IndexFramework:
    """The shipped frameworks as versions 1 and 2 when no version exists yet; the latest version."""
    fw = IndexFramework.objects.order_by("-version").first()
    if fw is None:
        for name, note in SHIPPED:
            fw = framework_create(
                actor=actor, spec_yaml=(FRAMEWORK_DIR / name).read_text(encoding="utf-8"), note=note
            )
    return fw


def _last_year() -> int:
    # Complete years only: the current year's figures are partial.
    return max(FIRST_YEAR, timezone.localdate().year - 1)


def run_compute(
    *,
    actor,
    framework: IndexFramework,
    frequency: str = YEAR,
    last_year: int | None = None,
    uncertainty_runs: int | None = None,
    progress: Progress | None = None,
    collected: tuple[pd.DataFrame, list[str]] | None = None,
) -> IndexRun:
    """Compute the index of every town for every period and store it as a draft run. `collected`: the
    sources already read for these periods and maybe more (`index_build` reads them once for both
    frequencies)."""
    if frequency not in (YEAR, QUARTER):
        raise IndexRefused("频度只能是年度或季度")
    report = progress or (lambda done, total, msg: None)
    t0 = time.perf_counter()
    spec = compute.load(framework.spec_yaml)
    report(0, 1, "读取指标数据")
    ps, frame, missing = measured_frame(spec, frequency, last_year, collected=collected)
    built = compute.build(spec, frame, missing, frequency, progress=report, uncertainty_runs=uncertainty_runs)
    with transaction.atomic():
        run = _store(actor, framework, frequency, ps, spec, built, time.perf_counter() - t0)
    report(1, 1, f"完成：{len(ps)} 个期间")
    return run


def candidate_periods(spec: dict, frequency: str, last_year: int | None = None) -> list[Period]:
    return periods(frequency, int(spec.get("first_year", FIRST_YEAR)), last_year or _last_year())


def measured_frame(spec: dict, frequency: str, last_year: int | None = None, *, collected=None):
    """(periods, town data, sources missing) up to the last measured period: a period after the last
    one whose data were reported and approved is never built (nor carried forward into). `collected`:
    `sources.collect` already run on these periods among others (the rows of the others are dropped)."""
    candidates = candidate_periods(spec, frequency, last_year)
    frame, missing = collected or sources.collect(compute.source_keys(spec), candidates)
    frame = frame[frame["Time"].isin([p.label for p in candidates])].reset_index(drop=True)
    last = compute.last_measured(spec, frame, missing)
    if last is None:
        raise IndexRefused("没有任何一个期间的指标数据齐全（已报送并审核通过），无法计算指数")
    ps = [p for p in candidates if compute.time_code(p.label) <= compute.time_code(last)]
    frame = frame[frame["Time"].isin([p.label for p in ps])].reset_index(drop=True)
    return ps, frame, missing


def _num(x):
    return None if x is None or (isinstance(x, float) and not np.isfinite(x)) else float(x)


def _store(actor, framework, frequency, ps, spec, built, seconds) -> IndexRun:
    run = IndexRun.objects.create(
        framework=framework,
        frequency=frequency,
        periods=[p.label for p in ps],
        data_through=ps[-1].label,
        base_period=base_label(frequency, int(spec.get("base_year", 2019))),
        used=built.used,
        skipped=built.skipped,
        notes=built.notes,
        goalposts=built.goalposts,
        weights=built.weights,
        dispersion=[
            {k: (_num(v) if k not in ("Time", "iCode") else str(v)) for k, v in r.items()}
            for r in built.dispersion.to_dict("records")
        ],
        uncertainty_runs=built.runs,
        seconds=seconds,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    towns = dict(Division.objects.filter(level=Division.Level.TOWN).values_list("code", "id"))
    rows = [
        IndexScore(
            run=run,
            town_id=towns[r.uCode],
            period=str(r.Time),
            code=r.code,
            score=_num(r.score),
            rank=None if _num(r.rank) is None else int(r.rank),
            contribution=_num(r.contribution),
            raw=_num(r.raw),
            estimate=r.estimate or "",
            as_of=r.as_of or "",
        )
        for r in built.scores.itertuples(index=False)
        if r.uCode in towns
    ]
    rows += _county_rows(run, built, towns)
    IndexScore.objects.bulk_create(rows, batch_size=2000)
    IndexRankInterval.objects.bulk_create(
        [
            IndexRankInterval(
                run=run,
                town_id=towns[r.uCode],
                period=str(r.Time),
                nominal=_num(r.Nominal),
                mean=_num(r.Mean),
                median=_num(r.Median),
                q5=_num(r.Q5),
                q95=_num(r.Q95),
            )
            for r in built.rank_stats.itertuples(index=False)
            if r.uCode in towns
        ],
        batch_size=2000,
    )
    audit_changed(actor=actor, obj=run, before=None, note=f"计算指数（{run.get_frequency_display()}）")
    return run


def _county_rows(run, built, towns) -> list[IndexScore]:
    """The county's score: the towns' scores weighted by their population (raw values likewise)."""
    from django.db.models import Sum

    pops = dict(
        Division.objects.filter(level=Division.Level.VILLAGE)
        .values_list("parent__code")
        .annotate(p=Sum("population"))
    )
    df = built.scores.copy()
    df["w"] = df["uCode"].map(pops).fillna(0).astype(float)
    out = []
    for (period, code), g in df.groupby(["Time", "code"], sort=False):
        out.append(
            IndexScore(
                run=run,
                town=None,
                period=str(period),
                code=code,
                score=_wmean(g, "score"),
                raw=_wmean(g, "raw"),
                # The county's figure is made from the towns': partly estimated if one of them is.
                estimate=compute.PARTLY if g["estimate"].fillna("").ne("").any() else "",
            )
        )
    return out


def _wmean(g, col):
    ok = g[col].notna() & (g["w"] > 0)
    return float(np.average(g.loc[ok, col], weights=g.loc[ok, "w"])) if ok.any() else None


def published_counterpart(run: IndexRun) -> IndexRun | None:
    """The published run a draft would replace on the pages: the latest published of its frequency
    (highest framework version first), which the draft is compared with before publishing."""
    return (
        IndexRun.objects.filter(frequency=run.frequency, status=IndexRun.Status.PUBLISHED)
        .exclude(pk=run.pk)
        .order_by("-framework__version", "-published_at", "-id")
        .first()
    )


# `compared_with` left out: published without the comparison page (the command's --publish, the demo).
UNCHECKED = object()


@transaction.atomic
def run_publish(*, actor, run: IndexRun, compared_with=UNCHECKED) -> IndexRun:
    """Publish a draft. From the comparison page `compared_with` is the id of the published run the
    office saw it compared with (None: there was none); a run published since makes it stale."""
    run = IndexRun.objects.select_for_update().get(pk=run.pk)
    if run.status == IndexRun.Status.PUBLISHED:
        raise IndexRefused("该结果已发布，不能重复发布")
    current = published_counterpart(run)
    if compared_with is not UNCHECKED and (current.pk if current else None) != compared_with:
        raise IndexRefused("对比所依据的已发布结果已经变化，请重新查看发布前对比后再发布")
    before = snapshot(run)
    run.status = IndexRun.Status.PUBLISHED
    run.published_at = timezone.now()
    run.compared_with = current
    run.save(update_fields=["status", "published_at", "compared_with"])
    audit_changed(actor=actor, obj=run, before=before, note="发布指数结果")
    return run


@transaction.atomic
def run_delete(*, actor, run: IndexRun) -> None:
    """Only a draft may go: published results are immutable."""
    run = IndexRun.objects.select_for_update().get(pk=run.pk)
    if run.status == IndexRun.Status.PUBLISHED:
        raise IndexRefused("已发布的指数结果不能删除或修改")
    before = snapshot(run)
    audit_changed(actor=actor, obj=run, before=before, note="删除未发布的指数结果")
    run.delete()


def index_build(
    *,
    actor,
    version: int | None = None,
    publish: bool = False,
    frequencies=(YEAR, QUARTER),
    last_year: int | None = None,
    uncertainty_runs: int | None = None,
    progress: Progress | None = None,
) -> list[IndexRun]:
    """What the job and the command do: compute (and optionally publish) every frequency."""
    if version is None:
        framework = framework_ensure_default(actor=actor)
    else:
        framework = IndexFramework.objects.filter(version=version).first()
        if framework is None:
            raise IndexRefused(f"指数框架第{version}版不存在")
    # The sources read once for every frequency: a source's figures for a period do not depend on the
    # other periods asked with it, and the large ones read their table once whatever the periods.
    spec = compute.load(framework.spec_yaml)
    if progress:
        progress(0, 100 * len(frequencies), "读取指标数据")
    wanted = [p for freq in frequencies for p in candidate_periods(spec, freq, last_year)]
    collected = sources.collect(compute.source_keys(spec), wanted)
    runs = []
    for n, freq in enumerate(frequencies):

        def step(done, total, msg, n=n, freq=freq):
            if progress:
                progress(
                    n * 100 + int(100 * done / max(total, 1)),
                    100 * len(frequencies),
                    f"{'年度' if freq == YEAR else '季度'}：{msg}",
                )

        run = run_compute(
            actor=actor,
            framework=framework,
            frequency=freq,
            last_year=last_year,
            uncertainty_runs=uncertainty_runs,
            progress=step,
            collected=collected,
        )
        if publish:
            run = run_publish(actor=actor, run=run)
        runs.append(run)
    return runs
