"""Two years of the plan in the demo county: reports, reviews, 督办, delays, two assessment rounds and their 通报.

`plan_demo` is called by `puhui demo` after the organisations exist (the 27 leading-group units with
their `plan_alias`). It replays the events in date order through the services, so every row is what
the pages would have written, with back-dated timestamps. Deterministic for a given `rng`.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from puhui.core.models import Notification, User
from puhui.core.notifications import mail_suppressed
from puhui.core.workdays import add_working_days, is_working_day
from puhui.plan import selectors, services
from puhui.plan.demo_outcomes import is_linked, link_and_close
from puhui.plan.documents import DATA_DIR
from puhui.plan.leading_group_demo import leading_group_demo
from puhui.plan.models import DelayRequest, Milestone, Plan, ProgressReport, SupervisionNotice
from puhui.plan.workdays import plan_periods

PLAN_FILE = DATA_DIR / "yiyuan-2020.yaml"
# The demo summary's words for the counts `build` returns (puhui/demo/build.py).
COUNT_LABELS = {
    "reports": "进度报告",
    "returned": "退回的报告",
    "notices": "督办",
    "delays": "延期申请",
    "bulletins": "通报",
    "open_notices": "未办结督办",
    "approved_delays": "批准的延期",
    "leading_group": "领导小组成员",
    "linked": "关联目标的里程碑",
    "target_met": "目标达标完成的里程碑",
    "overridden": "办公室确认完成的里程碑",
    "target_unmet": "目标未达标的里程碑",
}

OPENINGS = [
    "本期围绕“{title}”，{unit}",
    "{unit}按照任务分解要求，",
    "对照“{title}”的责任目标，{unit}",
]
ACTIONS = [
    "召开专题推进会，细化工作措施，明确责任科室和时间节点。",
    "会同有关单位开展实地调研，梳理存在的问题并提出解决办法。",
    "印发工作方案，建立工作台账，按月调度推进情况。",
    "组织金融机构开展对接活动，推动政策落地见效。",
    "开展政策宣传和业务培训，覆盖镇（街道）和重点企业。",
    "配合牵头单位完成数据报送和情况汇总。",
]
PROBLEMS = [
    "受疫情影响，部分线下活动推迟。",
    "个别金融机构配合不够积极，数据报送不及时。",
    "基层人员业务能力有待提高。",
    "资金保障仍需进一步落实。",
]
NEXT = [
    "下一步将加大推进力度，确保按期完成目标任务。",
    "下一步将加强与牵头单位的沟通协调，形成工作合力。",
    "下一步将及时总结经验做法，推动形成长效机制。",
]
RETURN_COMMENTS = [
    "请补充具体数据和佐证材料。",
    "进展情况过于笼统，请对照责任目标逐项说明。",
    "请说明未完成事项的原因和下一步措施。",
]
QUALITY_REASONS = {
    "high": "报告内容翔实，数据准确，工作成效明显。",
    "mid": "能按要求报送，工作有一定进展，报告质量一般。",
    "low": "报告较为简略，部分工作推进不够有力。",
}


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(rng.randint(8, 17), rng.randint(0, 59)))
    )


def _working_day_before(day: datetime.date, rng: random.Random, span: int) -> datetime.date:
    candidate = day - datetime.timedelta(days=rng.randint(0, span))
    while not is_working_day(candidate):
        candidate -= datetime.timedelta(days=1)
    return candidate


def _narrative(rng: random.Random, title: str, unit: str, completion: int, status: str) -> str:
    text = rng.choice(OPENINGS).format(title=title, unit=unit)
    text += "".join(rng.sample(ACTIONS, 2))
    if status == ProgressReport.Status.DONE:
        text += "该项任务已全部完成，转入常态化推进。"
    else:
        text += f"目前完成约{completion}%。"
        if status == ProgressReport.Status.DELAYED or rng.random() < 0.3:
            text += "存在的问题：" + rng.choice(PROBLEMS)
        text += rng.choice(NEXT)
    return text


def _load_plan(actor) -> Plan:
    plan = Plan.objects.filter(doc_number="源政发〔2020〕9号").first()
    return plan or services.plan_load(actor=actor, file=PLAN_FILE)


@transaction.atomic
def plan_demo(
    *,
    rng: random.Random,
    actor,
    start=datetime.date(2020, 8, 1),
    end=datetime.date(2022, 6, 30),
    later=None,
) -> dict:
    """Load the shipped plan (if not loaded) and generate its history from `start` to `end`.

    The milestones linked to targets, the assessment rounds and their 通报 read the targets' figures, which
    the data app's demo makes after this one: given `later` (the demo builder's `ctx.later`), they are
    handed to it to run once every app's demo is built; without it they run at once (no figures: the
    links are skipped)."""
    with mail_suppressed():
        w = _generate(rng=rng, actor=actor, start=start, end=end)
        if later is None:
            return _finish(w, end)
    later(lambda: _finish_quietly(w, end))
    return w.counts


def _finish_quietly(w, end) -> dict:
    with mail_suppressed(), transaction.atomic():
        return _finish(w, end)


@dataclass
class _Replay:
    """What the two years' replay works with: the plan, the assessed units and their staff, each unit's
    diligence, the (task, unit) obligations and their completion so far, the random stream."""

    rng: random.Random
    office: User
    plan: Plan
    names: dict
    orgs: dict
    staff: dict
    diligence: dict
    pairs: list
    tasks: dict
    finish: dict
    completion: dict
    milestones: list
    counts: dict = field(default_factory=lambda: {"reports": 0, "returned": 0, "notices": 0, "delays": 0})


def _generate(*, rng, actor, start, end) -> "_Replay":
    plan = _load_plan(actor)
    units = selectors.assessed_units(plan)
    names = {org.pk: name for org, name in units}
    orgs = {org.pk: org for org, _name in units}
    staff = {}
    for user in User.objects.filter(organisation_id__in=names, is_active=True).order_by("pk"):
        if user.role in {User.Role.MEMBER_UNIT, User.Role.INSTITUTION, User.Role.OFFICE}:
            staff.setdefault(user.organisation_id, user)
    diligence = {org_id: rng.uniform(0.62, 0.98) for org_id in names}
    pairs = selectors.obligations(plan)
    tasks = {t.pk: t for t in plan.tasks.all()}
    periods = [p for p in plan_periods(plan) if p.end >= start and p.end <= end]
    # Each task finishes at its own pace: the period (index) by which its units reach 100%.
    finish = {t: rng.randint(max(len(periods) - 4, 2), len(periods) + 2) for t in tasks}
    w = _Replay(
        rng=rng,
        office=actor,
        plan=plan,
        names=names,
        orgs=orgs,
        staff=staff,
        diligence=diligence,
        pairs=pairs,
        tasks=tasks,
        finish=finish,
        completion={pair: 0 for pair in pairs},
        milestones=list(Milestone.objects.filter(task__plan=plan).select_related("unit")),
    )
    for index, period in enumerate(periods):
        _delays(w, period)
        for task_id, org_id in pairs:
            _report(w, index, period, task_id, org_id)
        _notices(w, period)
    return w


def _finish(w: "_Replay", end) -> dict:
    """Close the target-linked milestones on their figures, then the assessment rounds and their 通报."""
    plan = w.plan
    w.counts.update(link_and_close(office=w.office, plan=plan, end=end))
    bulletins = _assessments(w, end)
    # Two years of replayed notifications are history; leave only the last 通报 unread.
    history = Notification.objects.filter(read_at__isnull=True)
    if bulletins:
        history = history.exclude(key=f"bulletin:{bulletins[-1].pk}")
    history.update(read_at=timezone.now())
    counts = w.counts
    counts.update(
        bulletins=len(bulletins),
        open_notices=SupervisionNotice.objects.filter(plan=plan, status="open").count(),
        approved_delays=DelayRequest.objects.filter(task__plan=plan, status="approved").count(),
    )
    return counts


def _delays(w: _Replay, period) -> None:
    """Delay requests for milestones falling due this period, from the slower units."""
    for m in w.milestones:
        if (
            m.completed_on is None
            and period.start <= m.due_on <= period.end
            and m.unit.organisation_id in w.names
        ):
            org_id = m.unit.organisation_id
            if w.rng.random() < 0.9 * (1 - w.diligence[org_id]) + 0.15:
                asked = _at(_working_day_before(m.due_on - datetime.timedelta(days=20), w.rng, 15), w.rng)
                request = services.delay_request(
                    actor=w.staff.get(org_id),
                    task=w.tasks[m.task_id],
                    unit=m.unit.organisation,
                    milestone=m,
                    reason=w.rng.choice(
                        [
                            "受疫情影响，相关工作推迟。",
                            "涉及多部门协调，需要延长办理时间。",
                            "数据核实工作量大，申请延期完成。",
                        ]
                    ),
                    requested_due=m.due_on + datetime.timedelta(days=w.rng.choice([31, 59, 90])),
                    requested_at=asked,
                )
                approve = w.rng.random() < 0.8
                services.delay_decide(
                    actor=w.office,
                    request=request,
                    approve=approve,
                    comment="同意延期，请按新的时间节点完成。" if approve else "理由不充分，请按原计划推进。",
                    decided_at=asked + datetime.timedelta(days=w.rng.randint(2, 6)),
                )
                m.refresh_from_db()
                w.counts["delays"] += 1


def _report(w: _Replay, index: int, period, task_id: int, org_id: int) -> None:
    """One unit's progress report on one task for the period (or none), reviewed — some returned once."""
    pair = (task_id, org_id)
    task = w.tasks[task_id]
    d = w.diligence[org_id]
    roll = w.rng.random()
    if roll > d + (1 - d) * 0.6:
        return  # not reported at all
    late = roll > d
    day = (
        add_working_days(period.due_on, w.rng.randint(1, 12))
        if late
        else _working_day_before(period.due_on, w.rng, 9)
    )
    target = min(100, round(100 * (index + 1) / w.finish[task_id]))
    value = max(w.completion[pair], min(100, target + w.rng.randint(-15, 8)))
    w.completion[pair] = value
    if value >= 100:
        status = ProgressReport.Status.DONE
    elif value == 0:
        status = ProgressReport.Status.NOT_STARTED
    elif w.rng.random() < 0.06 + 0.2 * (1 - d):
        status = ProgressReport.Status.DELAYED
    else:
        status = ProgressReport.Status.IN_PROGRESS
    claims = [
        m
        for m in w.milestones
        if m.task_id == task_id
        and m.unit.organisation_id == org_id
        and m.completed_on is None
        and m.due_on <= period.end + datetime.timedelta(days=45)
        and (value >= 60 or m.due_on < period.start)
        and w.rng.random() < 0.55 + 0.4 * d
        and not is_linked(task.number, m.seq)  # closed on its target's figure (demo_outcomes)
    ]
    report = services.report_submit(
        actor=w.staff.get(org_id),
        task=task,
        unit=w.orgs[org_id],
        period=period.code,
        status=status,
        completion=value,
        narrative=_narrative(w.rng, task.title, w.names[org_id], value, status),
        milestones=claims,
        submitted_at=_at(day, w.rng),
    )
    w.counts["reports"] += 1
    reviewed = report.submitted_at + datetime.timedelta(days=w.rng.randint(1, 8), hours=w.rng.randint(0, 5))
    if w.rng.random() < 0.06 + 0.1 * (1 - d):
        services.report_review(
            actor=w.office,
            report=report,
            accept=False,
            comment=w.rng.choice(RETURN_COMMENTS),
            reviewed_at=reviewed,
        )
        w.counts["returned"] += 1
        again = reviewed + datetime.timedelta(days=w.rng.randint(2, 7))
        report = services.report_submit(
            actor=w.staff.get(org_id),
            task=task,
            unit=report.unit,
            period=period.code,
            status=status,
            completion=value,
            narrative=report.narrative + "（已按审核意见补充具体数据和佐证材料。）",
            milestones=claims,
            submitted_at=again,
        )
        reviewed = again + datetime.timedelta(days=w.rng.randint(1, 4))
    services.report_review(actor=w.office, report=report, accept=True, reviewed_at=reviewed)
    for m in claims:
        m.refresh_from_db()


def _notices(w: _Replay, period) -> None:
    """督办 for reports missing a week after the deadline; answered, reminded or left open."""
    grace = timezone.make_aware(
        datetime.datetime.combine(add_working_days(period.due_on, 5), datetime.time(23, 59))
    )
    submitted = set(
        ProgressReport.objects.filter(
            task__plan=w.plan, period=period.code, version=1, submitted_at__lte=grace
        ).values_list("task_id", "unit_id")
    )
    issued_on = add_working_days(period.due_on, 6)
    for task_id, org_id in w.pairs:
        if (task_id, org_id) in submitted or w.rng.random() > 0.6:
            continue
        notice = services.notice_issue(
            actor=w.office,
            task=w.tasks[task_id],
            unit=w.orgs[org_id],
            reason=f"{period.label}进度报告逾期未报送。",
            required_action="请立即补报进度报告，并书面说明逾期原因。",
            working_days=w.rng.choice([3, 5, 5, 7]),
            issued_on=issued_on,
        )
        w.counts["notices"] += 1
        d = w.diligence[org_id]
        if w.rng.random() < 0.55 + 0.45 * d:
            answer = _working_day_before(notice.deadline, w.rng, 4)
        elif w.rng.random() < 0.7:
            answer = add_working_days(notice.deadline, w.rng.randint(1, 6))
            services.notice_remind(actor=w.office, notice=notice, on=add_working_days(notice.deadline, 1))
        else:
            services.notice_remind(actor=w.office, notice=notice, on=add_working_days(notice.deadline, 1))
            continue  # never answered: stays open and goes into the next 通报
        services.notice_respond(
            actor=w.staff.get(org_id),
            notice=notice,
            response="已补报进度报告。逾期原因：经办人员变动，交接不及时。已落实专人负责。",
            responded_at=_at(answer, w.rng),
        )
        if w.rng.random() < 0.8:
            services.notice_close(
                actor=w.office,
                notice=notice,
                comment="同意办结。",
                closed_at=_at(add_working_days(answer, 2), w.rng),
            )


def _assessments(w: _Replay, end: datetime.date) -> list:
    """The two assessment rounds (quality scored by hand, the rest computed) and their 通报."""
    rounds = [
        (
            "2020—2021年度考核（第一轮）",
            w.plan.starts_on,
            datetime.date(2021, 6, 30),
            datetime.date(2021, 7, 30),
            "普惠办通报〔2021〕1号",
        ),
        ("2021—2022年度考核（第二轮）", datetime.date(2021, 7, 1), end, end, f"普惠办通报〔{end.year}〕1号"),
    ]
    bulletins = []
    for name, first, last, as_of, number in rounds:
        if last > end or first > last:
            continue
        scheme = services.scheme_create(
            actor=w.office, plan=w.plan, name=name, period_start=first, period_end=last
        )
        quality = scheme.criteria.get(kind="quality")
        for org_id in w.names:
            d = w.diligence[org_id]
            band = "high" if d > 0.88 else "mid" if d > 0.72 else "low"
            drawn = {
                "high": w.rng.randint(17, 20),
                "mid": w.rng.randint(14, 17),
                "low": w.rng.randint(10, 14),
            }
            # Drawn out of 20 and scaled to the criterion's points (15 in the default set).
            points = (Decimal(drawn[band]) * quality.max_points / 20).quantize(Decimal("0.5"))
            services.score_manual(
                actor=w.office,
                scheme=scheme,
                criterion=quality,
                unit=w.orgs[org_id],
                points=points,
                reason=QUALITY_REASONS[band],
            )
        services.scheme_compute(actor=w.office, scheme=scheme, as_of=as_of)
        bulletin = services.bulletin_create(
            actor=w.office,
            plan=w.plan,
            scheme=scheme,
            number=number,
            title=f"关于{name.split('（')[0].removesuffix('考核')}示范区建设任务落实情况的通报",
            issued_on=add_working_days(as_of, 5),
        )
        services.bulletin_publish(
            actor=w.office, bulletin=bulletin, published_at=_at(bulletin.issued_on, w.rng)
        )
        bulletins.append(bulletin)
    return bulletins


def build(ctx) -> dict:
    """Hook called by `puhui demo` once the county, its units and users exist."""
    later = getattr(ctx, "later", None)
    deferred = None
    if callable(later):
        # The late part's counts join the summary when it has run (keys present now, for their labels).
        def deferred(step):
            later(lambda: ctx.counts.update({f"plan.{k}": v for k, v in step().items()}))

    counts = plan_demo(rng=ctx.random(6), actor=ctx.users["office"], later=deferred)
    for key in ("bulletins", "open_notices", "approved_delays", "linked", "target_met", "overridden"):
        counts.setdefault(key, 0)
    counts["leading_group"] = leading_group_demo(ctx, ctx.rng(61))
    return counts
