"""The demo county's incentives: 2020 and 2021 evaluated with the shipped rules, every passing result
decided by its grantor (县财政局 the fiscal ones, the office the reserve ratios), the 2020 grants paid and
half of 2021's, and one bank's objection answered. Decisions are dated in the spring after the year."""

from __future__ import annotations

import datetime

from django.utils import timezone

from puhui.policy import services
from puhui.policy.models import Result

YEARS = (2020, 2021)
COUNT_LABELS = {
    "policy_results": "政策激励评价结果",
    "policy_decided": "审定的奖补",
    "policy_paid": "拨付的奖补",
}
# Peers' reserve ratios the office records when it decides a cut (illustrative, in %).
STANDARD_RATIO = {"rrr_sannong": "9.5", "rrr_local_lending": "6"}


def build(ctx) -> dict:
    office, finance = ctx.users["office"], ctx.users.get("member_czj", ctx.users["office"])
    counts = {"policy_results": 0, "policy_decided": 0, "policy_paid": 0}
    for year in YEARS:
        evaluation = services.evaluation_run(actor=office, year=year)
        decided_at = timezone.make_aware(datetime.datetime(year + 1, 3, 15, 10))
        passed = list(
            evaluation.results.filter(status=Result.Status.PASSED).order_by("rule_code", "institution__path")
        )
        counts["policy_results"] += evaluation.results.count()
        for n, r in enumerate(passed, start=1):
            fiscal = r.kind == Result.Kind.FISCAL
            services.result_decide(
                actor=finance if fiscal else office, result=r, approve=True,
                approval_no=f"沂财金〔{year + 1}〕{n}号" if fiscal else f"沂银发〔{year + 1}〕{n}号",
                standard_ratio=None if fiscal else STANDARD_RATIO.get(r.rule_code),
                note="经审核，符合条件。",
            )  # fmt: skip
        Result.objects.filter(evaluation=evaluation).exclude(decided_at=None).update(decided_at=decided_at)
        counts["policy_decided"] += len(passed)
        fiscal = [r for r in passed if r.kind == Result.Kind.FISCAL]
        for n, r in enumerate(fiscal):
            if year == YEARS[0] or n % 2 == 0:
                r.refresh_from_db()
                services.result_pay(
                    actor=finance,
                    result=r,
                    paid_on=datetime.date(year + 1, 6, 30),
                    reference=f"ZF{year + 1}{n + 1:04d}",
                )
                counts["policy_paid"] += 1
    _objection(office, finance, ctx)
    ctx.progress(
        f"政策激励：评价 {YEARS[0]}–{YEARS[-1]} 年，共 {counts['policy_results']} 项结果，"
        f"审定 {counts['policy_decided']} 项，拨付 {counts['policy_paid']} 项"
    )
    return counts


def _objection(office, finance, ctx) -> None:
    """A bank that failed a condition in 2021 objects; its grantor answers."""
    failed = Result.objects.filter(evaluation__year=YEARS[-1], status=Result.Status.FAILED).select_related(
        "institution"
    )
    bank_users = {
        u.organisation_id: u for u in ctx.users.values() if u.role == "institution" and u.organisation_id
    }
    for r in failed.order_by("rule_code"):
        user = bank_users.get(r.institution_id)
        if user is None:
            continue
        objection = services.objection_raise(
            actor=user,
            result=r,
            text="我行第四季度的涉农贷款有一笔漏报，已于次年1月补报更正，请按更正后的数据重新测算。",
        )
        services.objection_answer(
            actor=finance if r.kind == Result.Kind.FISCAL else office,
            objection=objection,
            answer="已核对：补报数据经审核后将在重新评价时采用，本次评价维持原结果。",
        )
        return
