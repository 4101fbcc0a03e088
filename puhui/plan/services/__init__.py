"""Writes to the plan: loading, progress reports, 督办, delay requests, assessment, 通报, reminders.

Each runs in a transaction and leaves an audit record. Permission checks that belong to the business
rule (only the office reviews, a unit answers only its own notice) live here too, so the API and the
pages cannot differ; they raise PermissionDenied, which the views turn into 404.

One module per part of the work; callers keep writing `from puhui.plan import services` and
`services.report_submit(...)`, which this package re-exports:

    plan_file       plan_check, plan_load, plan_update_settings
    notifications   unit_users, office_users (whom to notify; sending is `puhui.core.notifications`)
    reports         report_submit, report_review
    supervision     notice_issue, notice_respond, notice_close, notice_remind (督办, 催办)
    delays          delay_request, delay_decide
    milestones      milestone_link_target, milestone_close (target-linked milestones, the office's override)
    assessment      DEFAULT_CRITERIA, scheme_create, scheme_criteria_set, score_manual, scheme_compute
    bulletins       bulletin_create, bulletin_update, bulletin_publish (通报)
    reminders       plan_remind (the daily job)
    common          the office check, the reporting check, the clock
"""

from puhui.plan.services.assessment import (
    DEFAULT_CRITERIA,
    scheme_compute,
    scheme_create,
    scheme_criteria_set,
    score_manual,
)
from puhui.plan.services.bulletins import bulletin_create, bulletin_publish, bulletin_update
from puhui.plan.services.delays import delay_decide, delay_request
from puhui.plan.services.milestones import milestone_close, milestone_link_target
from puhui.plan.services.notifications import office_users, unit_users
from puhui.plan.services.plan_file import plan_check, plan_load, plan_update_settings
from puhui.plan.services.reminders import plan_remind
from puhui.plan.services.reports import report_review, report_submit
from puhui.plan.services.supervision import notice_close, notice_issue, notice_remind, notice_respond

__all__ = [
    "DEFAULT_CRITERIA",
    "bulletin_create",
    "bulletin_publish",
    "bulletin_update",
    "delay_decide",
    "delay_request",
    "milestone_close",
    "milestone_link_target",
    "notice_close",
    "notice_issue",
    "notice_remind",
    "notice_respond",
    "office_users",
    "plan_check",
    "plan_load",
    "plan_remind",
    "plan_update_settings",
    "report_review",
    "report_submit",
    "scheme_compute",
    "scheme_create",
    "scheme_criteria_set",
    "score_manual",
    "unit_users",
]
