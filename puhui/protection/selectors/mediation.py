"""Reads of mediation: the chain's durations and outcomes (what the plan's claim — less time and cost than
litigation — is measured by: days from the dispute to an enforceable title)."""

from statistics import median

from puhui.protection import access
from puhui.protection.models import MediationCase
from puhui.protection.selectors.statistics import rate

S = MediationCase.Status


def _days(a, b):
    return (b - a).days if a and b else None


def durations(case: MediationCase) -> dict:
    return {
        "to_agreement": _days(case.dispute_on, case.agreement_on),
        "to_title": _days(case.dispute_on, case.title_day),
        "to_enforced": _days(case.dispute_on, case.enforced_on),
    }


def _avg(values):
    values = [v for v in values if v is not None]
    return {"n": len(values), "mean": round(sum(values) / len(values), 1) if values else None,
            "median": median(values) if values else None}  # fmt: skip


def chain_summary(user) -> dict:
    cases = list(access.mediations_for(user))
    outcome = {label: 0 for _, label in S.choices}
    for c in cases:
        outcome[c.get_status_display()] += 1
    rows = [durations(c) for c in cases]
    agreed = sum(1 for c in cases if c.agreement_on)
    return {
        "total": len(cases),
        "outcomes": [{"label": k, "n": v} for k, v in outcome.items()],
        "agreement_rate": rate(agreed, len(cases)),
        "to_agreement": _avg(r["to_agreement"] for r in rows),
        "to_title": _avg(r["to_title"] for r in rows),
        "to_enforced": _avg(r["to_enforced"] for r in rows),
    }


def actions(user, case: MediationCase) -> dict:
    mediate, court = access.may_mediate(user), access.is_court(user)
    return {
        "session": mediate and case.status == S.MEDIATING,
        "agree": mediate and case.status == S.MEDIATING,
        "fail": mediate and case.status == S.MEDIATING,
        "perform": mediate and case.status == S.AGREED,
        "confirm_apply": mediate and case.status == S.AGREED,
        "accept": court and case.status == S.CONFIRMING and case.confirm_accepted_on is None,
        "rule": court and case.status == S.CONFIRMING and case.confirm_accepted_on is not None,
        "enforce_apply": court and case.status == S.CONFIRMED,
        "enforce_close": court and case.status == S.ENFORCING,
    }
