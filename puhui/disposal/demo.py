"""The demo county's risk disposal: cases in both states with a step for each unit of the linkage mechanism
(some done, some overdue), and dishonest-debtor listings in every state of the due process — one of them
about the demo farmer's household head, notified, so `farmer_01` sees their own notice and may object.

Written through the services as the office and the banks' own users, so every rule holds; only the dates a
service sets to today (a proposal's date) are moved back afterwards, so the history has a past.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from puhui.core.models import Organisation
from puhui.disposal.access import LINKAGE_UNITS
from puhui.disposal.models import Listing
from puhui.disposal.services import cases as case_services
from puhui.disposal.services import listings as listing_services
from puhui.registry.models import Firm

COUNT_LABELS = {"cases": "风险处置案件", "case_steps": "处置步骤", "listings": "逃废债黑名单记录"}
WAN = Decimal(10_000)
# What each linkage unit does in a case (by 方案称谓); the PBoC's own step is the office's coordination.
UNIT_STEPS = {
    "县法院": ("诉讼保全和执行：查封、冻结可供执行的财产", 20),
    "县检察院": ("对涉嫌逃废债的刑事案件提前介入、审查起诉", 15),
    "县公安局": ("对恶意转移资产的行为立案侦查", 10),
    "县金融证券工作服务中心": ("协调企业重组和转贷资金", 10),
}


def _ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _cases(ctx, office, units, firms, banks) -> tuple[int, int]:
    specs = [
        # (title, subject, measures, opened days ago, closed?)
        (
            "资金链断裂企业重组处置",
            ("firm", firms[0] if firms else None),
            ["restructuring", "renewal"],
            200,
            True,
        ),
        ("担保圈风险隔断处置", ("group", "担保群 1，2021年第一季度"), ["isolation", "renewal"], 120, False),
        ("逃废债务司法处置", ("firm", firms[1] if len(firms) > 1 else None), ["judicial", "debt"], 60, False),
        ("农户联保贷款债务重组", ("household", None), ["debt"], 30, True),
    ]
    cases = steps = 0
    for n, (title, (kind, subject), measures, ago, close) in enumerate(specs):
        kw = {"firm": subject} if kind == "firm" else {"group_label": subject} if kind == "group" else {}
        if kind == "household":
            farmer = ctx.users.get("farmer_01")
            if farmer is None or farmer.household_id is None:
                continue
            kw = {"household": farmer.household}
        if kind == "firm" and subject is None:
            continue
        name = subject.name if kind == "firm" else ""
        case = case_services.case_open(
            actor=office, subject_kind=kind, title=f"{name}{title}" if name else title, measures=measures,
            opened_on=_ago(ago), **kw,
        )  # fmt: skip
        owners = [(u, *UNIT_STEPS[u.plan_alias]) for u in units]
        if "renewal" in measures and banks:
            owners.append((banks[n % len(banks)], "落实转贷授信，不抽贷、不断贷", 15))
        for owner, what, days in owners:
            step = case_services.step_add(actor=office, case=case, what=what, owner=owner, working_days=days)
            steps += 1
            # Closed cases: every step done; open ones: the earlier half done, the rest open (some overdue).
            if close or (
                owner.plan_alias in ("县法院", "县金融证券工作服务中心") and step.deadline < _ago(0)
            ):
                done = min(step.deadline, _ago(1))
                case_services.step_report(actor=office, step=step, report=f"{what}：已办结。", done_on=done)
        if close:
            case_services.case_close(
                actor=office, case=case, outcome="企业完成重组，银行续贷到位，风险已化解。",
                amount_resolved=Decimal(1200) * WAN, closed_on=_ago(5),
            )  # fmt: skip
        cases += 1
    return cases, steps


def _listings(ctx, office, firms) -> int:
    bank_users = [ctx.users[k] for k in ("bank_abc", "bank_rcb", "bank_psbc") if k in ctx.users]
    if not bank_users or len(firms) < 6:
        return 0
    made = 0
    # stage → firm index; each firm's judgment and amount differ.
    for n, stage in enumerate(("proposed", "notified", "objected", "listed", "rejected", "removed")):
        firm = firms[n + 2] if len(firms) > n + 2 else firms[n]
        bank = bank_users[n % len(bank_users)]
        listing = listing_services.listing_propose(
            actor=bank, debtor_kind="firm", debtor_name=firm.name, uscc=firm.uscc,
            responsible="法定代表人、实际控制人（见判决书）", judgment_no=f"（2020）鲁0323民初{1200 + n * 37}号",
            amount_owed=Decimal(80 + n * 45) * WAN, judgment_date=_ago(400), enforcement_date=_ago(330),
        )  # fmt: skip
        made += 1
        Listing.objects.filter(pk=listing.pk).update(proposed_on=_ago(60))
        listing.refresh_from_db()
        if stage == "proposed":
            continue
        if stage == "rejected":
            listing_services.listing_decide(
                actor=office, listing=listing, decision="reject", reason="债务人已与银行达成和解，证据不足以认定恶意逃废债。",
                on=_ago(50),
            )  # fmt: skip
            continue
        notified = _ago(5) if stage == "notified" else _ago(50)
        listing = listing_services.listing_notify(
            actor=office, listing=listing, notified_on=notified, means="post"
        )
        if stage == "notified":
            continue
        if stage == "objected":
            listing_services.listing_object(
                actor=office,
                listing=listing,
                objection="企业称已提出分期还款方案，请求暂缓列入。",
                on=_ago(45),
            )
            continue
        listing = listing_services.listing_decide(
            actor=office,
            listing=listing,
            decision="list",
            reason="异议期满未提出异议，拒不履行生效判决。",
            on=_ago(30),
        )
        if stage == "removed":
            listing_services.listing_settle(
                actor=bank, listing=listing, settled_on=_ago(10), note="已全额归还本息。"
            )
            listing_services.listing_remove(
                actor=office,
                listing=listing,
                removal="settled",
                reason="银行报告债务人已全额清偿。",
                on=_ago(8),
            )
    farmer = ctx.users.get("farmer_01")
    if farmer is not None and farmer.household_id:
        home = farmer.household
        listing = listing_services.listing_propose(
            actor=bank_users[0], debtor_kind="person", debtor_name=home.head_name, id_number=home.head_id_number,
            judgment_no="（2021）鲁0323民初318号", amount_owed=Decimal(15) * WAN,
            judgment_date=_ago(200), enforcement_date=_ago(150),
        )  # fmt: skip
        listing_services.listing_notify(actor=office, listing=listing, notified_on=_ago(0), means="delivery")
        made += 1
    return made


def build(ctx) -> dict:
    office = ctx.users.get("office")
    if office is None:
        return {}
    units = list(Organisation.objects.filter(plan_alias__in=LINKAGE_UNITS).order_by("plan_alias"))
    banks = [ctx.users[k].organisation for k in ("bank_abc", "bank_rcb", "bank_psbc") if k in ctx.users]
    firms = list(Firm.objects.filter(deregistered_on__isnull=True).order_by("uscc")[:8])
    cases, steps = _cases(ctx, office, units, firms, banks)
    return {"cases": cases, "case_steps": steps, "listings": _listings(ctx, office, firms)}
