"""The demo county's risk monitoring: the guarantee network of every quarter the banks reported
guarantees for (the data demo's 担保关系明细表, with its steered circles and chains), then the early warnings
(`demo_warnings`: every quarter evaluated, and warnings left in every state).

Runs after the data demo (INSTALLED_APPS order), through the services as the office's own user."""

from puhui.risk import demo_warnings
from puhui.risk.services.networks import networks_build_pending

# Three figures for the demo's summary (the audit note is short).
COUNT_LABELS = {
    "networks": "担保网络（期）",
    "groups": "担保群（最近一期，个）",
    "warnings": "风险预警（项）",
}


def build(ctx) -> dict:
    runs = networks_build_pending(actor=ctx.users.get("office"))
    latest = max(runs, key=lambda r: r.period.end, default=None)
    warnings = demo_warnings.build(ctx) or {}
    return {
        "networks": len(runs),
        "groups": latest.groups if latest else 0,
        "warnings": warnings.get("warnings", 0),
    }
