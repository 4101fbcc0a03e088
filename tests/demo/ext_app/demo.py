"""A capability's demo extension, as an app would write it: add rows after the core county."""

from puhui.core.audit import audit_record
from puhui.core.models import AuditLog

calls = []


def build(ctx):
    office = ctx.users["office"]
    draws = ctx.rng(1).integers(0, 1000, 3).tolist()
    calls.append({"seed": ctx.seed, "office": office.username, "towns": len(ctx.towns), "draws": draws})
    audit_record(
        actor=office, action=AuditLog.Action.CREATE, object_type="demo_ext_test", note="extension ran"
    )
    return {"things": 3}
