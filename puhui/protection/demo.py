"""The demo county's consumer protection: complaints over 2020–2021 in every state (on time, late, extended,
transferred, satisfied, escalated, closed by the office, sent to mediation), mediation organisations, and a
few cases carried through 调解 → 司法确认 → 强制执行; two anonymised typical cases on the public page.

Written through the services as the office, the banks, 县司法局 and 县法院, so every rule holds; the dates a
service sets to today (feedback, escalation) are moved back afterwards, so the history has a past. The court's
and 县司法局's users are the core demo's logins member_fy and member_sfj (puhui/demo/people.py).
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from puhui.core.models import User
from puhui.protection.models import Complaint, MediationOrg, Mediator
from puhui.protection.services import complaints as cs
from puhui.protection.services import mediation as ms
from puhui.protection.services import typical as ts

COUNT_LABELS = {"complaints": "金融消费投诉", "mediations": "调解案件", "confirmed": "经司法确认的调解协议"}
D = datetime.date
STAGES = (
    "handling",
    "overdue",
    "answered",
    "late",
    "satisfied",
    "escalated",
    "closed",
    "chain",
    "agreed",
    "failed",
)
TEXTS = [  # (JR/T 0169-2018 业务办理渠道, 业务类别, 投诉原因), what happened, the demand
    ("101", "02", "07", "办理农户贷款时被要求购买理财产品，否则不予放贷。", "退还理财产品资金，取消捆绑。"),
    ("101", "0301", "01", "网点柜员态度生硬，办理社保卡激活排队两小时。", "改进服务。"),
    ("200", "0302", "12", "信用卡逾期后催收电话打到亲戚家中。", "停止向第三人催收。"),
    ("104", "04", "09", "助农取款点取款后账户多扣一笔。", "退还多扣款项。"),
    ("200", "06", "10", "征信报告有一笔不是本人办理的贷款记录。", "更正征信记录。"),
]


def _user(ctx, username: str) -> User | None:
    """A demo login of the core demo's (puhui/demo/people.py MEMBER_UNITS), if it made one."""
    return ctx.users.get(username)


def _orgs(office) -> list[MediationOrg]:
    kinds = [("沂源县金融纠纷人民调解委员会", "people"), ("沂源县银行业纠纷调解中心", "industry")]
    orgs = [ms.org_add(actor=office, name=name, kind=kind) for name, kind in kinds]
    for org, names in zip(orgs, (("张调解", "李调解"), ("王调解",)), strict=True):
        for name in names:
            ms.mediator_add(actor=office, org=org, name=name, specialty="金融借款纠纷")
    return orgs


def _chain(case, justice, court, *, stage: str, on: D) -> bool:
    """Take a mediation case from its opening along the chain; True when it was confirmed by the court."""
    ms.session_add(
        actor=justice, case=case, held_on=on + datetime.timedelta(days=3), note="组织双方面对面调解。"
    )
    if stage == "failed":
        ms.mediation_fail(actor=justice, case=case, reason="金融机构不同意退还费用。")
        return False
    agreed = on + datetime.timedelta(days=7)
    ms.agreement_make(
        actor=justice, case=case, terms="银行于协议签订后 10 日内退还消费者 3,200 元。", amount=Decimal("3200"),
        agreement_on=agreed, applicant_consents=True, institution_consents=True,
    )  # fmt: skip
    if stage == "agreed" or court is None:
        return False
    ms.confirmation_apply(actor=justice, case=case, applied_on=agreed + datetime.timedelta(days=2))
    ms.confirmation_accept(actor=court, case=case, accepted_on=agreed + datetime.timedelta(days=3))
    ms.confirmation_rule(
        actor=court, case=case, confirmed=True, ruling_no=f"（2021）鲁0323民特{case.pk}号",
        ruled_on=agreed + datetime.timedelta(days=10),
    )  # fmt: skip
    ms.enforcement_apply(
        actor=court,
        case=case,
        applied_on=agreed + datetime.timedelta(days=30),
        case_no=f"（2021）鲁0323执{case.pk}号",
    )
    ms.enforcement_close(
        actor=court, case=case, enforced_on=agreed + datetime.timedelta(days=50), amount=Decimal("3200"),
        outcome="已扣划被执行人账户款项，执行完毕。",
    )  # fmt: skip
    return True


def _complaint(n: int, office, bank, farmer, today):
    """Complaint n taken to its stage; (complaint, escalation day, stage) when it goes on to mediation."""
    stage = STAGES[n % len(STAGES)]
    business_channel, business, cause, content, demand = TEXTS[n % len(TEXTS)]
    received = (
        today - datetime.timedelta(days=2)
        if stage == "handling"
        else D(2020, 3, 2) + datetime.timedelta(days=37 * n)
    )
    kw = dict(
        business_channel=business_channel,
        business=business,
        cause=cause,
        name=f"投诉人{n + 1:02d}",
        phone=f"1390533{n:04d}",
        content=content,
        demand=demand,
    )
    if farmer is not None:  # the demo farmer's own complaint, filed signed in
        complaint, _ = cs.complaint_file(actor=farmer, channel="01", institution=bank.organisation, **kw)
    elif n % 3 == 0:
        complaint, _ = cs.complaint_file(
            actor=office, channel="05", institution=bank.organisation, received_on=received, **kw
        )
    else:
        complaint, _ = cs.complaint_file(
            actor=bank, channel="02", institution=None, received_on=received, **kw
        )
    if stage in ("handling", "overdue"):
        return None
    answered = (
        complaint.due_on + datetime.timedelta(days=6)
        if stage == "late"
        else complaint.received_on + datetime.timedelta(days=8)
    )
    answered = min(answered, today)
    cs.complaint_answer(
        actor=bank, complaint=complaint, answer="经核查，已向您解释并按规定处理。", answered_on=answered
    )
    if stage in ("answered", "late"):
        return None
    if stage == "satisfied":
        cs.complaint_feedback(actor=None, complaint=complaint, feedback="satisfied")
        Complaint.objects.filter(pk=complaint.pk).update(closed_on=answered + datetime.timedelta(days=3))
        return None
    cs.complaint_feedback(actor=None, complaint=complaint, feedback="unsatisfied", note="对处理结果不满意。")
    cs.complaint_escalate(actor=None, complaint=complaint, reason="对银行答复不满意，请人民银行处理。")
    escalated = answered + datetime.timedelta(days=5)
    Complaint.objects.filter(pk=complaint.pk).update(escalated_on=escalated)
    complaint.refresh_from_db()
    if stage == "escalated":
        return None
    if stage == "closed":
        cs.complaint_close(actor=office, complaint=complaint, conclusion="经人民银行核查，银行处理符合规定。",
                           closed_on=escalated + datetime.timedelta(days=10))  # fmt: skip
        return None
    return complaint, escalated, stage


def build(ctx) -> dict:
    office = ctx.users.get("office")
    banks = [ctx.users[k] for k in ("bank_abc", "bank_rcb", "bank_psbc") if k in ctx.users]
    if office is None or not banks:
        return {}
    justice = _user(ctx, "member_sfj") or office
    court = _user(ctx, "member_fy")
    orgs = _orgs(office)
    mediators = list(Mediator.objects.all())
    farmer = ctx.users.get("farmer_01")
    today = timezone.localdate()
    complaints = mediations = confirmed = 0
    for n in range(20):
        made = _complaint(n, office, banks[n % len(banks)], farmer if n == 0 else None, today)
        complaints += 1
        if made is None:
            continue
        org = orgs[n % len(orgs)]
        case = ms.mediation_open(
            actor=office, complaint=made[0], org=org, opened_on=made[1] + datetime.timedelta(days=2),
            mediator=next((m for m in mediators if m.org_id == org.pk), None), claim=Decimal("3200"),
        )  # fmt: skip
        mediations += 1
        confirmed += _chain(case, justice, court, stage=made[2], on=case.opened_on)
    ts.typical_add(
        actor=office, title="贷款捆绑销售理财产品，调解后退还资金", business="02", cause="07",
        summary="某农户申请农户小额贷款时，被要求同时购买理财产品。农户投诉后对银行答复不满意，提请人民银行处理。",
        outcome="经金融纠纷人民调解委员会调解，银行退还理财资金并取消捆绑；调解协议经县法院司法确认。",
        lesson="金融机构不得将购买理财产品作为发放贷款的条件，消费者有权自主选择。", publish=True,
    )  # fmt: skip
    ts.typical_add(
        actor=office, title="催收电话骚扰第三人，银行整改", business="0302", cause="12",
        summary="某持卡人逾期后，催收人员多次致电其亲属。", outcome="银行停止向第三人催收并对催收外包机构整改。",
        publish=True,
    )  # fmt: skip
    return {"complaints": complaints, "mediations": mediations, "confirmed": confirmed}
