"""The demo's milestones linked to the plan's targets, closed on the figures the data demo reported.

Runs once the targets and their figures exist (after the data app's demo; `puhui.plan.demo.build` asks
the demo builder to run it last, `ctx.later`): each linked milestone due by the end of the replay is closed
when its target's figure for the due period meets it; the first one that does not is closed by the office's
override with a written reason; the others stay open, unmet, and the 通报 lists them.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from puhui.plan import outcomes, services
from puhui.plan.models import Milestone, Plan

# (task number, milestone seq) → target code (puhui/data/catalogue/targets.yaml): the plan's milestones
# that restate one of its quantitative targets.
DEMO_LINKS = {
    (5, 1): "agri_loan_growth",
    (9, 1): "mobile_bank_events",
    (10, 1): "service_point_upgrade",
    (12, 2): "terminal_bill_payment",
    (14, 1): "archive_rate_2020",
    (14, 2): "archive_rate_2021",
    (20, 2): "farm_insured_rate",
}
OVERRIDE_REASON = (
    "经领导小组办公室实地核查，该项工作已按方案要求完成；监测数据口径与方案表述不一致，"
    "以核查结论为准，确认完成。"
)


def is_linked(task_number: int, seq: int) -> bool:
    """Whether the replay leaves this milestone to be closed on its target (its units do not claim it)."""
    return (task_number, seq) in DEMO_LINKS


def _noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def link_and_close(*, office, plan: Plan, end: datetime.date) -> dict:
    """Link, then close the linked milestones due by `end` as their targets' figures say; counts returned."""
    counts = {"linked": 0, "target_met": 0, "overridden": 0, "target_unmet": 0}
    milestones = {
        (m.task.number, m.seq): m for m in Milestone.objects.filter(task__plan=plan).select_related("task")
    }
    overridden = False
    for key, code in DEMO_LINKS.items():
        m = milestones.get(key)
        if m is None or m.completed_on is not None:
            continue
        try:
            m = services.milestone_link_target(actor=office, milestone=m, target_code=code)
        except ValidationError:
            continue  # the data app (or this target) is not in the demo: nothing to link to
        counts["linked"] += 1
        if m.due_on > end:
            continue
        verdict = outcomes.target_status(code, on=m.due_on)
        if verdict is not None and verdict["met"]:
            services.milestone_close(actor=office, milestone=m, completed_on=m.due_on, at=_noon(m.due_on))
            counts["target_met"] += 1
        elif not overridden:
            day = m.due_on + datetime.timedelta(days=20)
            services.milestone_close(
                actor=office, milestone=m, reason=OVERRIDE_REASON, completed_on=day, at=_noon(day)
            )
            overridden = True
            counts["overridden"] += 1
        else:
            counts["target_unmet"] += 1
    return counts
