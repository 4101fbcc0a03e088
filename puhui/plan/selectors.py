"""Reads for the plan's pages, reminders and assessment. A handful of queries each, never one per row."""

import datetime
from collections import defaultdict

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from puhui.core.access import get_or_404
from puhui.core.converters import parse_id
from puhui.core.models import Organisation, User
from puhui.core.periods import date_cn
from puhui.engines.assessment import engine
from puhui.plan import access, outcomes
from puhui.plan.models import (
    AssessmentResult,
    AssessmentScheme,
    Assignment,
    Criterion,
    DelayRequest,
    Milestone,
    Plan,
    PlanUnit,
    ProgressReport,
    SupervisionNotice,
    Task,
    TaskItem,
)
from puhui.plan.workdays import Period, period_containing, plan_periods

OVERDUE_LOOKBACK_DAYS = 60
AT_RISK_DAYS = 30
AT_RISK_COMPLETION = 80


def current_plan(user: User, pk=None) -> Plan | None:
    plans = access.plans_for(user)
    if pk:
        pk = parse_id(pk)
        return plans.filter(pk=pk).first() if pk else None
    return plans.order_by("-issued_on", "-pk").first()


def plan_counts(plan: Plan) -> dict:
    return {
        "sections": plan.sections.count(),
        "tasks": plan.tasks.count(),
        "units": plan.units.count(),
        "milestones": Milestone.objects.filter(task__plan=plan).count(),
    }


def obligations(plan: Plan) -> list[tuple[int, int]]:
    """(task id, organisation id) for every unit that owes a progress report on a task each period."""
    return list(
        Assignment.objects.filter(
            task__plan=plan, unit__type=PlanUnit.Type.ORGANISATION, unit__organisation__isnull=False
        )
        .order_by("task__number", "order")
        .values_list("task_id", "unit__organisation_id")
    )


def assessed_unit_ids(plan: Plan) -> list[int]:
    seen = []
    for _task, org in obligations(plan):
        if org not in seen:
            seen.append(org)
    return seen


def assessed_units(plan: Plan) -> list[tuple[Organisation, str]]:
    """The organisations assessed under the plan, in the plan's unit order, with the name the plan uses."""
    ids = set(assessed_unit_ids(plan))
    units = (
        PlanUnit.objects.filter(plan=plan, organisation_id__in=ids)
        .select_related("organisation")
        .order_by("order")
    )
    return [(u.organisation, u.name) for u in units]


def periods_until(plan: Plan, day: datetime.date) -> list[Period]:
    return [p for p in plan_periods(plan) if p.start <= day]


def default_period(plan: Plan, today: datetime.date | None = None) -> Period | None:
    """The latest period whose report is already due, else the first one."""
    today = today or timezone.localdate()
    periods = plan_periods(plan)
    due = [p for p in periods if p.due_on <= today]
    if due:
        return due[-1]
    return periods[0] if periods else None


# --------------------------------------------------------------------------------------------- board


def board(plan: Plan, user: User, period: Period) -> dict:
    """Tasks × units with the role each unit plays and the status of its current report for the period."""
    tasks = list(access.tasks_for(user).filter(plan=plan).order_by("number"))
    if access.is_office(user):
        columns = assessed_units(plan)
    else:
        org = access.acting_unit(user)
        columns = [(org, org.short_name or org.name)] if org else []
    col_ids = [org.pk for org, _name in columns]
    roles = {
        (a["task_id"], a["unit__organisation_id"]): a["role"]
        for a in Assignment.objects.filter(task__in=tasks, unit__organisation_id__in=col_ids).values(
            "task_id", "unit__organisation_id", "role"
        )
    }
    reports = {
        (r.task_id, r.unit_id): r
        for r in access.reports_for(user)
        .filter(task__in=tasks, unit_id__in=col_ids, period=period.code, is_current=True)
        .only(
            "id", "task_id", "unit_id", "status", "completion", "review", "version", "submitted_at", "due_on"
        )
    }
    today = timezone.localdate()
    rows = []
    for task in tasks:
        cells = []
        for org, _name in columns:
            role = roles.get((task.pk, org.pk))
            report = reports.get((task.pk, org.pk))
            if role is None:
                cells.append({"role": None})
                continue
            if report is not None:
                css = {
                    ProgressReport.Status.DONE: "done",
                    ProgressReport.Status.IN_PROGRESS: "progress",
                    ProgressReport.Status.DELAYED: "delayed",
                    ProgressReport.Status.NOT_STARTED: "notstarted",
                }[report.status]
                if report.review == ProgressReport.Review.RETURNED:
                    css = "returned"
            else:
                css = "overdue" if period.due_on < today else "missing"
            cells.append({"role": role, "report": report, "css": css})
        rows.append({"task": task, "cells": cells})
    return {"columns": columns, "rows": rows, "period": period}


def task_table(plan: Plan, user: User, period: Period, board_data: dict) -> list[dict]:
    """Rows of the exported task table, in the board's task order and scope."""
    tasks = {
        t.pk: t
        for t in access.tasks_for(user)
        .filter(plan=plan)
        .select_related("lead")
        .prefetch_related(
            "items", "milestones", Prefetch("assignments", queryset=Assignment.objects.select_related("unit"))
        )
    }
    notice_counts = {}
    for n in access.notices_for(user).filter(plan=plan).values_list("task_id", flat=True):
        notice_counts[n] = notice_counts.get(n, 0) + 1
    delays = delay_counts_by_task(plan) if access.is_office(user) else {}
    leads_report = {}
    for r in access.reports_for(user).filter(task__plan=plan, period=period.code, is_current=True):
        if r.task_id in tasks and r.unit_id == tasks[r.task_id].lead.organisation_id:
            leads_report[r.task_id] = r
    rows = []
    for row in board_data["rows"]:
        t = tasks[row["task"].pk]
        report = leads_report.get(t.pk)
        d = delays.get(t.pk, {})
        rows.append(
            {
                "cells": [
                    t.number,
                    t.title,
                    "\n".join(f"{i.seq}. {i.target}" for i in t.items.all()),
                    t.lead.name,
                    "、".join(
                        a.unit.name for a in t.assignments.all() if a.role == Assignment.Role.COOPERATING
                    ),
                    "\n".join(f"{m.text}（{m.due_on}）" for m in t.milestones.all()),
                    report.get_status_display() if report else "",
                    report.completion if report else None,
                    notice_counts.get(t.pk, 0),
                    f"{d.get('approved', 0)}/{d.get('total', 0)}" if access.is_office(user) else "",
                ]
            }
        )
    return rows


# ------------------------------------------------------------------------------------ due / overdue


def reports_missing(
    plan: Plan,
    *,
    as_of: datetime.date,
    horizon_days: int = 7,
    lookback_days: int = OVERDUE_LOOKBACK_DAYS,
    org_id=None,
) -> list[dict]:
    """Reports not yet submitted whose deadline is within the horizon, or passed within the look-back."""
    periods = [
        p
        for p in plan_periods(plan)
        if as_of - datetime.timedelta(days=lookback_days)
        <= p.due_on
        <= as_of + datetime.timedelta(days=horizon_days)
        and p.end < as_of + datetime.timedelta(days=horizon_days)
    ]
    if not periods:
        return []
    pairs = obligations(plan)
    if org_id is not None:
        pairs = [(t, o) for t, o in pairs if o == org_id]
    submitted = set(
        ProgressReport.objects.filter(task__plan=plan, period__in=[p.code for p in periods]).values_list(
            "task_id", "unit_id", "period"
        )
    )
    tasks = {t.pk: t for t in Task.objects.filter(plan=plan)}
    missing = []
    for p in periods:
        for task_id, unit_id in pairs:
            if (task_id, unit_id, p.code) not in submitted:
                missing.append({"task": tasks[task_id], "unit_id": unit_id, "period": p, "due_on": p.due_on})
    return missing


def milestones_at_risk(plan: Plan, *, as_of: datetime.date, org_id=None) -> list[dict]:
    """Open milestones past due, or due within 30 days while the unit's last report says < 80% or delayed."""
    qs = (
        Milestone.objects.filter(
            task__plan=plan,
            completed_on__isnull=True,
            due_on__lte=as_of + datetime.timedelta(days=AT_RISK_DAYS),
        )
        .select_related("task", "unit")
        .order_by("due_on")
    )
    if org_id is not None:
        qs = qs.filter(unit__organisation_id=org_id)
    milestones = list(qs)
    latest = {}
    if milestones:
        for r in (
            ProgressReport.objects.filter(task_id__in={m.task_id for m in milestones}, is_current=True)
            .order_by("period")
            .values("task_id", "unit_id", "completion", "status")
        ):
            latest[(r["task_id"], r["unit_id"])] = r
    risks = []
    for m in milestones:
        if m.due_on < as_of:
            risks.append({"milestone": m, "overdue": True, "why": "已过完成日期，尚未完成。"})
            continue
        last = latest.get((m.task_id, m.unit.organisation_id))
        if last is None:
            risks.append({"milestone": m, "overdue": False, "why": "尚无进度报告。"})
        elif last["status"] == ProgressReport.Status.DELAYED or last["completion"] < AT_RISK_COMPLETION:
            risks.append(
                {"milestone": m, "overdue": False, "why": f"最近一期报告完成进度 {last['completion']}%。"}
            )
    return risks


def overdue(plan: Plan, user: User, *, as_of: datetime.date) -> dict:
    org_id = None if access.is_office(user) else getattr(access.acting_unit(user), "pk", -1)
    reports = reports_missing(plan, as_of=as_of, horizon_days=0, lookback_days=3660, org_id=org_id)
    reports = [r for r in reports if r["due_on"] < as_of]
    names = dict(
        Organisation.objects.filter(pk__in={r["unit_id"] for r in reports}).values_list("pk", "short_name")
    )
    full = dict(Organisation.objects.filter(pk__in={r["unit_id"] for r in reports}).values_list("pk", "name"))
    for r in reports:
        r["unit_name"] = names.get(r["unit_id"]) or full.get(r["unit_id"])
        r["days"] = (as_of - r["due_on"]).days
    notices = access.notices_for(user).filter(
        plan=plan, status=SupervisionNotice.Status.OPEN, deadline__lt=as_of
    )
    milestones = Milestone.objects.filter(task__plan=plan, completed_on__isnull=True, due_on__lt=as_of)
    if org_id is not None:
        milestones = milestones.filter(unit__organisation_id=org_id)
    reports = sorted(reports, key=lambda r: (r["due_on"], r["task"].number))
    return {
        "reports": reports,
        "report_units": _overdue_by_unit(reports),
        "notices": notices.select_related("task", "unit").order_by("deadline"),
        "milestones": milestones.select_related("task", "unit").order_by("due_on"),
    }


def _overdue_by_unit(reports: list[dict]) -> list[dict]:
    """One row a unit (there are at most as many as the plan's units, so the page stays a page):
    how many reports it owes, the oldest deadline and the longest delay; its items under it."""
    units: dict = {}
    for r in reports:
        units.setdefault(r["unit_id"], {"name": r["unit_name"], "items": []})["items"].append(r)
    rows = [
        {**u, "count": len(u["items"]), "oldest": u["items"][0]["due_on"], "days": u["items"][0]["days"]}
        for u in units.values()
    ]
    return sorted(rows, key=lambda u: (-u["count"], u["oldest"]))


# ------------------------------------------------------------------------------------------ my tasks


def unit_agenda(plan: Plan, user: User, *, as_of: datetime.date) -> dict:
    """What a unit has on its plate: its tasks, reports to write or rewrite, open notices, milestones."""
    org = access.acting_unit(user)
    tasks = list(
        access.tasks_for(user)
        .filter(plan=plan)
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(unit__organisation_id=getattr(org, "pk", None)),
                to_attr="mine",
            )
        )
        .order_by("number")
    )
    latest = {}
    for r in access.reports_for(user).filter(task__plan=plan, is_current=True).order_by("period"):
        latest[r.task_id] = r
    for t in tasks:
        t.my_role = t.mine[0].get_role_display() if t.mine else "各金融机构"
        t.latest = latest.get(t.pk)
    missing = reports_missing(
        plan, as_of=as_of, horizon_days=30, lookback_days=3660, org_id=getattr(org, "pk", -1)
    )
    returned = access.reports_for(user).filter(
        task__plan=plan, is_current=True, review=ProgressReport.Review.RETURNED
    )
    return {
        "tasks": tasks,
        "missing": missing,
        "returned": returned.select_related("task"),
        "notices": access.notices_for(user)
        .filter(plan=plan, status=SupervisionNotice.Status.OPEN)
        .select_related("task")
        .order_by("deadline"),
        "milestones": Milestone.objects.filter(
            task__plan=plan, unit__organisation_id=getattr(org, "pk", -1), completed_on__isnull=True
        )
        .select_related("task")
        .order_by("due_on"),
        "delays": access.delay_requests_for(user)
        .filter(task__plan=plan)
        .select_related("task", "milestone")[:20],
    }


# -------------------------------------------------------------------------------------------- task page


def task_page(task: Task, user: User) -> dict:
    assignments = list(task.assignments.select_related("unit", "unit__organisation"))
    items = list(task.items.select_related("lead").prefetch_related("units"))
    milestones = list(task.milestones.select_related("unit", "item"))
    reports = list(
        access.reports_for(user)
        .filter(task=task)
        .select_related("unit", "submitted_by", "reviewed_by")
        .prefetch_related("evidence")
        .order_by("-period", "unit_id", "-version")
    )
    notices = list(access.notices_for(user).filter(task=task).select_related("unit").order_by("-issued_on"))
    delays = list(access.delay_requests_for(user).filter(task=task).select_related("unit", "milestone"))
    history = []
    for r in reports:
        history.append(
            (r.submitted_at, f"{r.unit.short_name or r.unit.name} 报送 {r.period} 第{r.version}版", r)
        )
        if r.reviewed_at:
            history.append((r.reviewed_at, f"办公室{r.get_review_display()} {r.period} 第{r.version}版", r))
    tz = timezone.get_current_timezone()
    for n in notices:
        history.append(
            (datetime.datetime.combine(n.issued_on, datetime.time(9), tz), f"签发督办单 {n.number}", n)
        )
        if n.responded_at:
            history.append((n.responded_at, f"{n.unit.short_name or n.unit.name} 回复督办单 {n.number}", n))
    for d in delays:
        history.append(
            (d.requested_at, f"{d.unit.short_name or d.unit.name} 申请延期至 {d.requested_due}", d)
        )
        if d.decided_at:
            history.append((d.decided_at, f"办公室{d.get_status_display()}延期申请", d))
    history.sort(key=lambda e: e[0], reverse=True)
    delay_counts = DelayRequest.objects.filter(task=task).aggregate(
        total=Count("pk"), approved=Count("pk", filter=Q(status=DelayRequest.Status.APPROVED))
    )
    return {
        "assignments": assignments,
        "items": items,
        "milestones": milestones,
        "reports": reports,
        "notices": notices,
        "delays": delays,
        "history": history[:100],
        "delay_counts": delay_counts,
    }


def delay_counts_by_task(plan: Plan) -> dict[int, dict]:
    rows = (
        DelayRequest.objects.filter(task__plan=plan)
        .values("task_id")
        .annotate(total=Count("pk"), approved=Count("pk", filter=Q(status=DelayRequest.Status.APPROVED)))
    )
    return {r["task_id"]: r for r in rows}


# -------------------------------------------------------------------------------------------- timeline


def timeline(plan: Plan, user: User) -> list[dict]:
    milestones = (
        access.milestones_for(user)
        .filter(task__plan=plan)
        .select_related("task", "unit")
        .order_by("due_on", "task__number")
    )
    today = timezone.localdate()
    rows = []
    for m in milestones:
        if m.completed_on:
            state = "met" if m.completed_on <= m.due_on else "late"
        else:
            state = "overdue" if m.due_on < today else "open"
        rows.append({"m": m, "state": state})
    return rows


# ------------------------------------------------------------------------------------------ assessment


def assessment_facts(scheme: AssessmentScheme, *, as_of: datetime.date) -> list[engine.UnitFacts]:
    """Per assessed unit: reports due in the window and how they came, milestones due and met, notices answered."""
    plan = scheme.plan
    start, end = scheme.period_start, min(scheme.period_end, as_of)
    units = assessed_units(plan)
    facts = {org.pk: engine.UnitFacts(unit=org.pk, name=name) for org, name in units}
    periods = [p for p in plan_periods(plan) if start <= p.due_on <= end]
    pairs = obligations(plan)
    for _p in periods:
        for _task, org in pairs:
            facts[org].reports_due += 1
    first_versions = ProgressReport.objects.filter(
        task__plan=plan, version=1, period__in=[p.code for p in periods]
    ).values_list("task_id", "unit_id", "submitted_at", "due_on")
    owed = set(pairs)
    for task_id, unit_id, submitted_at, due_on in first_versions:
        if (task_id, unit_id) not in owed or unit_id not in facts:
            continue
        if timezone.localdate(submitted_at) <= due_on:
            facts[unit_id].reports_on_time += 1
        elif timezone.localdate(submitted_at) <= end:
            facts[unit_id].reports_late += 1
    for unit_org, due_on, completed_on in Milestone.objects.filter(
        task__plan=plan, due_on__gte=start, due_on__lte=end, unit__organisation__isnull=False
    ).values_list("unit__organisation_id", "due_on", "completed_on"):
        if unit_org in facts:
            facts[unit_org].milestones_due += 1
            if completed_on is not None and completed_on <= due_on:
                facts[unit_org].milestones_met += 1
    for unit_id, deadline, responded_at in SupervisionNotice.objects.filter(
        plan=plan, issued_on__gte=start, issued_on__lte=end
    ).values_list("unit_id", "deadline", "responded_at"):
        if unit_id in facts:
            facts[unit_id].notices += 1
            if responded_at is not None and timezone.localdate(responded_at) <= deadline:
                facts[unit_id].notices_on_time += 1
    kinds = set(scheme.criteria.values_list("kind", flat=True))
    if Criterion.Kind.TARGETS in kinds:
        outcomes.add_target_facts(facts, plan, start, end)
    if Criterion.Kind.BANK_EVALUATION in kinds:
        outcomes.add_bank_facts(facts, scheme, {org.pk for org, _n in units if org.is_financial})
    return list(facts.values())


def scheme_table(scheme: AssessmentScheme) -> dict:
    """Scores as a units × criteria table, ordered by rank when computed."""
    criteria = list(scheme.criteria.all())
    results = {r.unit_id: r for r in AssessmentResult.objects.filter(scheme=scheme)}
    scores = defaultdict(dict)
    for s in scheme.scores.all():
        scores[s.unit_id][s.criterion_id] = s
    rows = []
    for org, name in assessed_units(scheme.plan):
        result = results.get(org.pk)
        rows.append(
            {
                "unit": org,
                "name": name,
                "scores": [scores[org.pk].get(c.pk) for c in criteria],
                "total": result.total if result else None,
                "rank": result.rank if result else None,
            }
        )
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["name"]))
    return {"criteria": criteria, "rows": rows}


def ranking(scheme: AssessmentScheme) -> list[AssessmentResult]:
    return list(AssessmentResult.objects.filter(scheme=scheme).order_by("rank", "unit_name"))


def _cn(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def bulletin_draft_body(
    *,
    plan: Plan,
    scheme: AssessmentScheme | None,
    issued_on: datetime.date,
    overdue,
    found: dict | None = None,
) -> str:
    """A first draft the office edits: the plan, the assessment round, the ranking summary, the targets
    (milestones unmet, closed by override), overdue 督办. `found`: `outcomes.bulletin_outcomes(scheme)`."""
    paragraphs = []
    basis = f"根据《{plan.title}》（{plan.doc_number}）关于建立定期督办机制和专项评估制度的要求"
    if scheme is not None:
        results = ranking(scheme)
        paragraphs.append(
            f"{basis}，领导小组办公室对{_cn(scheme.period_start)}至{_cn(scheme.period_end)}"
            f"各责任单位重点工作任务落实情况进行了考核。现将有关情况通报如下。"
        )
        if results:
            top = "、".join(r.unit_name for r in results if r.rank <= 3)
            names = [c.name for c in scheme.criteria.all()]
            listed = "、".join(names[:-1]) + f"和{names[-1]}" if len(names) > 1 else "".join(names)
            paragraphs.append(
                f"一、考核结果。本次共考核 {len(results)} 个责任单位，考核项目包括{listed}。"
                f"{top}等单位名列前茅，得分及排名见附表。"
            )
    else:
        paragraphs.append(f"{basis}，现将示范区建设任务推进情况通报如下。")
    n = 2
    if found and (found.get("criteria") or found.get("overrides") or found.get("unmet")):
        paragraphs.append(_targets_paragraph(found))
        n = 3
    heads = {2: "二", 3: "三", 4: "四"}
    if overdue:
        listed = "；".join(
            f"{o.number}（{o.unit.short_name or o.unit.name}，{o.task.number}.{o.task.title}，办理期限{_cn(o.deadline)}）"
            for o in overdue
        )
        paragraphs.append(
            f"{heads[n]}、逾期未办结督办事项。截至{date_cn(issued_on)}，以下督办事项逾期未办结：{listed}。"
        )
    else:
        paragraphs.append(f"{heads[n]}、督办事项办理情况。截至{date_cn(issued_on)}，无逾期未办结的督办事项。")
    paragraphs.append(
        f"{heads[n + 1]}、下一步要求。各责任单位要对照任务分解表，按期报送工作进展，按时办理督办事项，"
        "确保示范区建设各项任务按时保质完成，各项量化目标如期达成。"
    )
    return "\n".join(paragraphs)


def _targets_paragraph(found: dict) -> str:
    """二、目标达成情况: the milestones whose targets are unmet, and those the office closed by override."""
    text = "二、目标达成情况。"
    if found["unmet"]:
        text += (
            "以下关联量化目标的里程碑，目标未达到："
            + "；".join(f"{r['task']}“{r['milestone']}”（{r['unit']}，{r['check']}）" for r in found["unmet"])
            + "。"
        )
    else:
        text += "考核期内到期的关联量化目标的里程碑，目标均已达到。"
    if found["overrides"]:
        text += (
            "以下里程碑目标数据未达到，经领导小组办公室书面确认完成："
            + "；".join(
                f"{r['task']}“{r['milestone']}”（{r['unit']}，确认理由：{r['reason']}）"
                for r in found["overrides"]
            )
            + "。"
        )
    return text


def period_of(plan: Plan, day: datetime.date) -> Period:
    return period_containing(day, plan.report_frequency, plan.report_due_working_days)


# ------------------------------------------------------------------------------------------------ API


def own_assignments(user: User):
    """The assignments through which the user's own organisation takes part in tasks.

    For a unit that is what makes a task visible to it; the office sees every task, and its own part
    is the PBoC's assignments.
    """
    if not access.is_office(user):
        return access.assignments_for(user)
    org = access.acting_unit(user)
    return Assignment.objects.filter(unit__organisation_id=getattr(org, "pk", None))


def api_tasks(user: User, plan: Plan, *, role: str | None = None):
    """Visible tasks of a plan with their units, targets and milestones: five queries for any page."""
    qs = access.tasks_for(user).filter(plan=plan)
    if role:
        qs = qs.filter(pk__in=own_assignments(user).filter(role=role).values("task_id"))
    return (
        qs.select_related("section", "lead")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("unit").order_by("order")),
            Prefetch(
                "assignments",
                queryset=own_assignments(user).select_related("unit").order_by("order"),
                to_attr="mine",
            ),
            Prefetch(
                "items",
                queryset=TaskItem.objects.select_related("lead")
                .prefetch_related(Prefetch("units", queryset=PlanUnit.objects.order_by("order")))
                .order_by("seq"),
            ),
            Prefetch("milestones", queryset=Milestone.objects.select_related("unit", "item").order_by("seq")),
        )
        .order_by("number")
    )


def api_reports(
    user: User,
    plan: Plan,
    *,
    task: int | None = None,
    period: str | None = None,
    status: str | None = None,
    review: str | None = None,
    unit_id: int | None = None,
    all_versions: bool = False,
):
    """Progress reports the user may read (a unit: its own; the office: all), newest version only by default."""
    qs = access.reports_for(user).filter(task__plan=plan)
    if not all_versions:
        qs = qs.filter(is_current=True)
    if task is not None:
        qs = qs.filter(task__number=task)
    if period:
        qs = qs.filter(period=period)
    if status:
        qs = qs.filter(status=status)
    if review:
        qs = qs.filter(review=review)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return _api_report_rows(qs).order_by("task__number", "period", "unit_id", "-version")


def api_report(user: User, pk) -> ProgressReport:
    """One report the user may read, any version; Http404 when missing or another unit's."""
    return get_or_404(_api_report_rows(access.reports_for(user)), pk=pk)


def _api_report_rows(qs):
    return qs.select_related("task", "unit").prefetch_related(
        Prefetch("milestones_done", queryset=Milestone.objects.only("id")), "evidence"
    )


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 14 → 十四, 20 → 二十, 22 → 二十二 (the plan's clause numbers)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else _DIGITS[tens] + "十"
    return head + (_DIGITS[ones] if ones else "") if n else _DIGITS[0]


def task_indicators(task) -> list[tuple[str, str]]:
    """(code, name) of the catalogue's indicators for this task's clause of the plan (the data capability's
    indicator catalogue, when it is installed): what a progress report may link to, chosen by name."""
    from django.apps import apps

    if not apps.is_installed("puhui.data"):
        return []
    indicator = apps.get_model("data", "Indicator")
    clause = chinese_number(task.number)
    rows = indicator.objects.filter(is_current=True, clause__contains=clause).order_by("code")
    # "十" is contained in "十四": keep only the indicators whose clause names this one exactly.
    return [(i.code, i.name) for i in rows if clause in i.clause.replace("，", "、").split("、")]


# ---------------------------------------------------------------- the leading group (附件1) for the API


def leading_group_terms(user: User, *, on=None, post: str | None = None, unit_id: int | None = None):
    """The terms this user may read (`access.leading_group_for`): those standing on `on`, or the whole history,
    in the annex's order within each start date."""
    qs = access.leading_group_for(user)
    if on is not None:
        qs = qs.filter(from_date__lte=on).filter(Q(to_date__isnull=True) | Q(to_date__gte=on))
    if post:
        qs = qs.filter(post=post)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return qs.order_by("from_date", "post", "order", "pk")


# ---------------------------------------------------------------- the plan's progress on a past day


TASK_STATUS = {"done": "已完成", "on_track": "正常推进", "overdue": "存在逾期"}


def progress_as_of(plan, end: datetime.date) -> dict:
    """Each task as it stood on `end`: the lead unit's report for the reporting period containing that day, its
    milestones due by then and met by then, and the milestones overdue then (due, not completed by `end`). A
    task is 已完成 when all its milestones were met by then, or its lead reported it done with none overdue."""
    plan_period = period_containing(end, plan.report_frequency, plan.report_due_working_days)
    reports = {
        (r.task_id, r.unit_id): r
        for r in ProgressReport.objects.filter(task__plan=plan, period=plan_period.code, is_current=True)
    }
    milestones = list(
        Milestone.objects.filter(task__plan=plan)
        .select_related("unit", "task")
        .order_by("due_on", "task__number", "seq")
    )
    overdue = [m for m in milestones if m.due_on <= end and (m.completed_on is None or m.completed_on > end)]
    tasks = plan.tasks.select_related("lead").order_by("number")
    return {
        "plan_period": plan_period.code,
        "tasks": [_task_as_of(t, reports, milestones, overdue, end) for t in tasks],
        "overdue": overdue,
    }


def _task_as_of(task, reports: dict, milestones: list, overdue: list, end: datetime.date) -> dict:
    report = reports.get((task.pk, task.lead.organisation_id))
    own = [m for m in milestones if m.task_id == task.pk]
    met = [m for m in own if m.completed_on is not None and m.completed_on <= end]
    late = sum(1 for m in overdue if m.task_id == task.pk)
    done = (bool(own) and len(met) == len(own)) or (
        report is not None and report.status == ProgressReport.Status.DONE and not late
    )
    status = "overdue" if late else ("done" if done else "on_track")
    return {
        "number": task.number, "title": task.title, "lead": task.lead.name, "status": status,
        "status_label": TASK_STATUS[status], "report": report.get_status_display() if report else "未报送",
        "completion": report.completion if report else None,
        "milestones_due": sum(1 for m in own if m.due_on <= end),
        "milestones_met": sum(1 for m in met if m.due_on <= end), "milestones_overdue": late,
    }  # fmt: skip
