"""Loading a plan file (YAML or the Excel template) and the plan's reporting settings."""

from pathlib import Path

from django.db import transaction

from puhui.core.audit import audit_changed, audit_record, snapshot
from puhui.core.models import AuditLog
from puhui.plan import loader
from puhui.plan.models import Assignment, Milestone, Plan, PlanUnit, Section, Task, TaskItem
from puhui.plan.services.common import require_office


def _read_file(file) -> tuple[str, bytes]:
    if isinstance(file, (str, Path)):
        path = Path(file)
        try:
            return path.name, path.read_bytes()
        except OSError as exc:
            raise loader.PlanFileError([f"无法读取文件 {path}：{exc.strerror}"]) from None
    name = getattr(file, "name", "") or ""
    content = file.read()
    if isinstance(content, str):
        content = content.encode("utf-8")
    return Path(name).name, content


def plan_check(*, file) -> list[str]:
    """Every problem in a plan file (empty when it would load); writes nothing."""
    name, content = _read_file(file)
    try:
        data, locate, problems = loader.read_plan_file(name, content)
    except loader.PlanFileError as exc:
        return exc.problems
    more, _spec = loader.check_plan(data, locate)
    return problems + more


def _create_task(plan: Plan, t: dict, *, units: list[PlanUnit], sections: dict) -> tuple[int, int]:
    """One task of a checked plan: its units (lead first), 附件2's items and the milestones.

    Returns (items, milestones) created.
    """
    task = Task.objects.create(
        plan=plan,
        number=t["number"],
        section=sections.get(t["section"]),
        title=t["title"],
        lead=units[t["lead"]],
    )
    order = [t["lead"], *t["cooperating"]]
    for item in t["items"]:  # a unit named only in 附件2's row still co-operates on the task
        order += [u for u in item["units"] if u not in order]
    Assignment.objects.bulk_create(
        Assignment(
            task=task,
            unit=units[u],
            role=Assignment.Role.LEAD if u == t["lead"] else Assignment.Role.COOPERATING,
            order=position,
        )
        for position, u in enumerate(order)
    )
    items = []
    for seq, item in enumerate(t["items"], start=1):
        row = TaskItem.objects.create(task=task, seq=seq, target=item["target"], lead=units[item["lead"]])
        row.units.set([units[u] for u in item["units"]])
        items.append(row)
    for seq, ms in enumerate(t["milestones"], start=1):
        item = items[ms["item"] - 1] if ms["item"] else None
        Milestone.objects.create(
            task=task,
            item=item,
            seq=seq,
            text=ms["text"],
            unit=item.lead if item else task.lead,
            original_due_on=ms["due"],
            due_on=ms["due"],
            target_code=ms["target"],
        )
    return len(items), len(t["milestones"])


@transaction.atomic
def plan_load(*, actor, file) -> Plan:
    """Load a plan file (YAML or the Excel template). Any problem: PlanFileError listing all, nothing written."""
    require_office(actor)
    name, content = _read_file(file)
    data, locate, problems = loader.read_plan_file(name, content)
    more, spec = loader.check_plan(data, locate)
    problems += more
    if problems:
        raise loader.PlanFileError(problems)

    plan = Plan.objects.create(county=spec.county, source_name=name[:200], **spec.plan)
    units = [
        PlanUnit.objects.create(
            plan=plan,
            name=u.name,
            type=u.type,
            organisation=u.organisation,
            leading_group=u.leading_group,
            order=u.order,
        )
        for u in spec.units
    ]
    sections = {
        s["number"]: Section.objects.create(
            plan=plan, number=s["number"], chapter=s["chapter"], title=s["title"], text=s["text"]
        )
        for s in spec.sections
    }
    n_items = n_milestones = 0
    for t in spec.tasks:
        items, milestones = _create_task(plan, t, units=units, sections=sections)
        n_items += items
        n_milestones += milestones
    audit_record(
        actor=actor,
        action=AuditLog.Action.IMPORT,
        obj=plan,
        after=snapshot(plan),
        note=f"导入方案 {name}：{len(units)} 个单位，{len(sections)} 个条目，{len(spec.tasks)} 项任务，"
        f"{n_items} 条责任目标，{n_milestones} 个里程碑",
    )
    return plan


@transaction.atomic
def plan_update_settings(*, actor, plan: Plan, report_frequency: str, report_due_working_days: int) -> Plan:
    require_office(actor)
    before = snapshot(plan)
    plan.report_frequency = report_frequency
    plan.report_due_working_days = report_due_working_days
    plan.full_clean()
    plan.save(update_fields=["report_frequency", "report_due_working_days"])
    audit_changed(actor=actor, obj=plan, before=before, note="修改进度报送设置")
    return plan
