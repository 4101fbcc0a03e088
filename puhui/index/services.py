"""Writes for the county index: framework versions, computing runs, publishing. Atomic and audited."""

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from django.db import transaction
from django.utils import timezone

from puhui.core.audit import audit_changed, snapshot
from puhui.core.models import Division
from puhui.index import compute, sources
from puhui.index.models import IndexFramework, IndexRankInterval, IndexRun, IndexScore
from puhui.index.periods import FIRST_YEAR, QUARTER, YEAR, base_label, periods

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


def framework_ensure_default(*, actor) -> IndexFramework:
    """The shipped framework as version 1 when no version exists yet."""
    fw = IndexFramework.objects.order_by("-version").first()
    return fw or framework_create(
        actor=actor, spec_yaml=(FRAMEWORK_DIR / "v1.yaml").read_text(encoding="utf-8"), note="系统内置第1版"
    )


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
) -> IndexRun:
    """Compute the index of every town for every period and store it as a draft run."""
    if frequency not in (YEAR, QUARTER):
        raise IndexRefused("频度只能是年度或季度")
    report = progress or (lambda done, total, msg: None)
    t0 = time.perf_counter()
    spec = compute.load(framework.spec_yaml)
    first = int(spec.get("first_year", FIRST_YEAR))
    ps = periods(frequency, first, last_year or _last_year())
    report(0, 1, "读取指标数据")
    frame, missing = sources.collect(compute.source_keys(spec), ps)
    built = compute.build(spec, frame, missing, frequency, progress=report, uncertainty_runs=uncertainty_runs)
    with transaction.atomic():
        run = _store(actor, framework, frequency, ps, spec, built, time.perf_counter() - t0)
    report(1, 1, f"完成：{len(ps)} 个期间")
    return run


def _num(x):
    return None if x is None or (isinstance(x, float) and not np.isfinite(x)) else float(x)


def _store(actor, framework, frequency, ps, spec, built, seconds) -> IndexRun:
    run = IndexRun.objects.create(
        framework=framework,
        frequency=frequency,
        periods=[p.label for p in ps],
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
            )
        )
    return out


def _wmean(g, col):
    ok = g[col].notna() & (g["w"] > 0)
    return float(np.average(g.loc[ok, col], weights=g.loc[ok, "w"])) if ok.any() else None


@transaction.atomic
def run_publish(*, actor, run: IndexRun) -> IndexRun:
    run = IndexRun.objects.select_for_update().get(pk=run.pk)
    if run.status == IndexRun.Status.PUBLISHED:
        raise IndexRefused("该结果已发布，不能重复发布")
    before = snapshot(run)
    run.status = IndexRun.Status.PUBLISHED
    run.published_at = timezone.now()
    run.save(update_fields=["status", "published_at"])
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
        )
        if publish:
            run = run_publish(actor=actor, run=run)
        runs.append(run)
    return runs
