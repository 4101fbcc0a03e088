"""The demo county's risk monitoring: the guarantee network of every quarter the banks reported
guarantees for (the data demo's 担保关系明细表, with its steered circles and chains), then the early warnings.

Runs after the data demo (INSTALLED_APPS order), through the services as the office's own user."""

from puhui.risk.services.networks import networks_build_pending

COUNT_LABELS = {"networks": "担保网络（期）", "groups": "担保群（最近一期，个）"}


def build(ctx) -> dict:
    actor = ctx.users.get("office")
    runs = networks_build_pending(actor=actor)
    latest = max(runs, key=lambda r: r.period.end, default=None)
    return {"networks": len(runs), "groups": latest.groups if latest else 0}
