"""The report's figures, section by section, each read from the app that owns them — plain values only (they
are stored as the report's JSON snapshot, and the Word document, the Excel annex and the pages are written
from that snapshot alone):

- targets: the data app's own evaluation (`data.targets.evaluate_all`) as of the period's last quarter, the
  same call the target page makes, and again as of the previous period for the trend;
- the county index: the published run for the period (`index.access`, `index.selectors`): county score,
  pillars, the towns' ranking with the rank intervals of the run's uncertainty analysis;
- the plan: its tasks and milestones as they stood at the period's end (`plan_progress`);
- the banks' evaluation, typical cases and publicity: plug-in services of whichever apps offer them
  (`core.plugins.service`), never imported by name.

Every section reads only data of the period or before, so a past period's report can be regenerated.
"""

import math

from django.utils import timezone

from puhui.core import periods, plugins
from puhui.core.models import Division, Organisation
from puhui.data import targets as data_targets
from puhui.data.models import ReportingPeriod
from puhui.evaluation.selectors.periods import ReportPeriod
from puhui.index import access as index_access
from puhui.index import selectors as index_selectors
from puhui.index.models import IndexRun
from puhui.plan import selectors as plan_selectors

NOT_CONDUCTED = "本期未开展"


def _num(value):
    """A float for the snapshot (None for a missing or NaN figure)."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


# ---------------------------------------------------------------- targets


def _target_row(s, before) -> dict:
    t = s.target
    return {
        "code": t.code, "clause": t.clause, "name": t.name, "measure": s.measure_name, "scope": t.scope,
        "deadline": s.deadline_label, "status": s.status, "status_label": s.label, "value": _num(s.figure),
        "value_period": s.figure_period, "comparator": t.get_comparator_display(),
        "threshold": _num(t.threshold), "unit": s.measure_unit, "trend": s.trend, "slope": _num(s.slope),
        "projection": _num(s.projection) if s.status in (data_targets.ON_TRACK, data_targets.AT_RISK) else None,
        "previous_status": before.status if before else "",
        "previous_status_label": before.label if before else "",
        "previous_value": _num(before.figure) if before else None,
    }  # fmt: skip


def targets_section(period: ReportPeriod) -> dict:
    """Every current target judged as of the period's last quarter, as the target page shows it, beside its
    verdict as of the previous period."""
    as_of = ReportingPeriod.objects.filter(code=period.as_of).first()
    previous_as_of = period.previous if period.kind == periods.KIND_QUARTER else f"{period.previous}Q4"
    before_period = ReportingPeriod.objects.filter(code=previous_as_of).first()
    now = data_targets.evaluate_all(as_of=as_of) if as_of else []
    before = (
        {s.target.code: s for s in data_targets.evaluate_all(as_of=before_period)} if before_period else {}
    )
    rows = [_target_row(s, before.get(s.target.code)) for s in now]
    counts = {key: sum(1 for r in rows if r["status"] == key) for key in data_targets.STATUS_LABELS}
    return {
        "as_of": period.as_of,
        "as_of_label": periods.label(period.as_of),
        "previous_as_of": previous_as_of if before_period else "",
        "rows": rows,
        "counts": [
            {"status": k, "label": data_targets.STATUS_LABELS[k], "count": n} for k, n in counts.items()
        ],
    }


# ---------------------------------------------------------------- the county index


def published_run(actor, period: ReportPeriod) -> IndexRun | None:
    """The run the index pages show for the period: published, of the period's frequency, the highest framework
    version and the latest published among those that cover the period."""
    runs = (
        index_access.published_runs_for(actor)
        .filter(frequency=period.kind)
        .order_by("-framework__version", "-published_at", "-id")
    )
    return next((r for r in runs if period.code in r.periods), None)


def _town_row(r: dict) -> dict:
    interval = r["interval"]
    return {
        "code": r["town"].code, "name": r["town"].name, "score": _num(r["score"]), "rank": r["rank"],
        "estimate": r["estimate"], "pillars": [_num(v) for v in r["pillars"]],
        "q5": _num(interval.q5) if interval else None, "q95": _num(interval.q95) if interval else None,
        "median": _num(interval.median) if interval else None,
    }  # fmt: skip


def index_section(actor, period: ReportPeriod) -> dict:
    run = published_run(actor, period)
    if run is None:
        return {"available": False, "note": f"{period.label}的普惠金融指数尚未发布。"}
    cat = index_selectors.run_catalogue(run)
    pillars = [c for c, v in cat.items() if v["level"] == 2 and c in run.weights]
    trend = {t["period"]: t for t in index_selectors.county_trend(run)}
    before = run.periods[run.periods.index(period.code) - 1] if run.periods.index(period.code) else ""
    county = {
        s.code: s.score
        for s in index_selectors.api_scores(
            index_access.scores_for(actor, run), run, period=period.code, county=True, level="pillar"
        )
    }
    balance = {b["period"]: b for b in index_selectors.balance(run)}
    return {
        "available": True,
        "run": run.pk,
        "framework": run.framework.name,
        "framework_version": run.framework.version,
        "published_at": timezone.localdate(run.published_at).isoformat() if run.published_at else "",
        "data_through": index_selectors.data_through_title(run),
        "uncertainty_runs": run.uncertainty_runs,
        "score": _num(trend[period.code]["score"]),
        "previous_period": before,
        "previous_score": _num(trend[before]["score"]) if before else None,
        "cv": _num(balance.get(period.code, {}).get("cv")),
        "pillars": [{"code": c, "name": cat[c]["name"], "score": _num(county.get(c))} for c in pillars],
        "towns": [_town_row(r) for r in index_selectors.ranking(run, period.code)],
    }


# ---------------------------------------------------------------- the plan's tasks


def plan_progress(actor, period: ReportPeriod) -> dict:
    """The current plan's tasks and overdue milestones at the period's end (the plan's own rule,
    `plan.selectors.progress_as_of`)."""
    plan = plan_selectors.current_plan(actor)
    if plan is None:
        return {"available": False, "note": "尚未导入实施方案。"}
    end = period.end
    progress = plan_selectors.progress_as_of(plan, end)
    rows = progress["tasks"]
    return {
        "available": True,
        "plan": plan.title,
        "doc_number": plan.doc_number,
        "plan_period": progress["plan_period"],
        "plan_period_label": periods.label(progress["plan_period"]),
        "end": end.isoformat(),
        "tasks": rows,
        "counts": {key: sum(1 for r in rows if r["status"] == key) for key in plan_selectors.TASK_STATUS},
        "overdue": [
            {
                "task": m.task.number,
                "task_title": m.task.title,
                "milestone": m.text,
                "unit": m.unit.name,
                "due_on": m.due_on.isoformat(),
                "days": (end - m.due_on).days,
            }
            for m in progress["overdue"]
        ],  # fmt: skip
    }


# ---------------------------------------------------------------- plug-in services


def _service(name: str):
    try:
        return plugins.service(name)
    except LookupError:
        return None


def banks_section(period: ReportPeriod) -> dict:
    """The banks' published yearly evaluation (Service "bank_evaluation_results"): a year's report only."""
    results = _service("bank_evaluation_results")
    if results is None or period.kind != periods.KIND_YEAR:
        why = "金融机构普惠金融综合评价按年度开展。" if results is not None else ""
        return {"conducted": False, "note": f"{NOT_CONDUCTED}。{why}".rstrip("。") + "。"}
    found = results(period.year) or {}
    if not found:
        return {"conducted": False, "note": f"{NOT_CONDUCTED}（{period.label}没有发布的评价结果）。"}
    names = dict(Organisation.objects.filter(pk__in=list(found)).values_list("pk", "name"))
    rows = [
        {"bank": names.get(bank, str(bank)), "total": _num(r.get("total")), "grade": r.get("grade") or "",
         "rank": r.get("rank")}
        for bank, r in found.items()
    ]  # fmt: skip
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["bank"]))
    return {"conducted": True, "rows": rows, "banks": len(rows)}


def cases_section(period: ReportPeriod) -> dict:
    """The typical cases selected for the period and the zone's publicity held in it (Services
    "evaluation_cases", "publicity_summary")."""
    cases, publicity = _service("evaluation_cases"), _service("publicity_summary")
    out = {"cases": [], "publicity": None}
    if cases is not None:
        out["cases"] = [
            {k: c.get(k) for k in ("title", "unit", "topic_label", "task", "period_label", "text")}
            for c in cases(period.code)
        ]
    if publicity is not None:
        found = publicity(period.code)
        out["publicity"] = {k: found.get(k) for k in ("events", "audience", "by_kind", "by_unit")}
    return out


def collect(actor, period: ReportPeriod, progress=None) -> dict:
    """Every section's figures for the period: the report's snapshot."""
    steps = [
        ("targets", "量化目标", lambda: targets_section(period)),
        ("index", "普惠金融指数", lambda: index_section(actor, period)),
        ("plan", "重点工作任务", lambda: plan_progress(actor, period)),
        ("banks", "金融机构综合评价", lambda: banks_section(period)),
        ("cases", "典型案例和宣传", lambda: cases_section(period)),
    ]
    figures = {
        "period": period.code, "kind": period.kind, "label": period.label,
        "start": period.start.isoformat(), "end": period.end.isoformat(),
    }  # fmt: skip
    for i, (key, label, read) in enumerate(steps):
        if progress:
            progress(i, len(steps) + 2, f"读取{label}")
        figures[key] = read()
    return figures


def header(actor) -> dict:
    """Who issues the report and for which county: the plan's issuing office (`plan.documents.office_issuer`)."""
    from puhui.plan.documents import office_issuer

    plan = plan_selectors.current_plan(actor)
    if plan is None:
        county = Division.objects.filter(level=Division.Level.COUNTY).order_by("code").first()
        name = county.name if county else "本县"
        return {"county": name, "issuer": f"{name}普惠金融领导小组办公室", "plan_title": ""}
    return {"county": plan.county.name, "issuer": office_issuer(plan), "plan_title": plan.title}
