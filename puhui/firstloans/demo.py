"""首贷培植和续贷 in the demo county.

The data app's demo already lends to about two fifths of the register's firms, under their USCCs, with
yearly renewals at the same bank and the banks' own 首贷 flag (puhui/data/demo.py `Book`), so nothing here
invents loans: the demo computes the list as at 2019Q4 (the plan's “2019年首贷培植企业”) and as at the last
quarter, and each bank records contacts and outcomes on part of the 2019 list in its service area — a firm
of the 2019 list that borrowed since is recorded “已获得贷款” by the bank that lent, when the firm is in its
area; the others are contacted and end in one of the other outcomes — so the 2020/2021 cultivation is
partly met.
"""

import datetime
import random

from django.core.exceptions import ValidationError
from django.db.models import Min

from puhui.core import crypto
from puhui.core.models import User
from puhui.data.models import LoanRecord, ReportingPeriod
from puhui.data.selectors import approved_loan_returns
from puhui.firstloans import access
from puhui.firstloans.models import Contact, ListedFirm, Outcome, Run
from puhui.firstloans.services.compute import latest_loans_period, run_compute
from puhui.firstloans.services.records import contact_record, outcome_set

COUNT_LABELS = {"runs": "首贷培植名单计算", "contacts": "首贷培植对接记录", "outcomes": "首贷培植结果"}
HASHES_PER_QUERY = 10_000
# Firms recorded one service call at a time; the rest in bulk (tens of thousands at scale 10).
THROUGH_SERVICES = 60
BATCH = 5000
WAYS = ["visit", "phone", "meeting", "online"]
SHARE_CONTACTED = 0.3  # of the firms of the 2019 list still unborrowed, in a bank's area
RESULTS = {
    "not_interested": ("企业表示暂无融资需求", "半年后回访"),
    "not_eligible": ("企业财务报表不全，暂不符合授信条件", "指导企业规范财务后再评估"),
    "applied": ("企业已提交贷款申请材料", "完成贷前调查"),
    "granted": ("企业获得首笔贷款", "跟踪贷后使用情况"),
}


def _bank_users() -> dict[int, User]:
    users = {}
    for bank in access.county_banks():
        user = User.objects.filter(role="institution", organisation=bank).order_by("pk").first()
        if user is not None:
            users[bank.pk] = user
    return users


def _first_loans(gone) -> dict[int, tuple[int, datetime.date, int]]:
    """firm id → (lending bank, issue date, amount in fen) of its first loan in the approved returns, for the
    listed firms of `gone` (a ListedFirm queryset)."""
    usccs = dict(gone.values_list("firm_id", "firm__uscc").distinct())
    hashes = {crypto.lookup_hash(u): f for f, u in usccs.items()}
    approved = approved_loan_returns()
    found = []
    keys = list(hashes)
    for start in range(0, len(keys), HASHES_PER_QUERY):  # SQLite takes at most 32,766 parameters a query
        found += (
            LoanRecord.objects.filter(
                borrower_hash__in=keys[start : start + HASHES_PER_QUERY], submission__in=approved
            )
            .values("borrower_hash", "submission__institution_id", "amount_fen")
            .annotate(first=Min("issued_on"))
        )
    out = {}
    for r in sorted(found, key=lambda r: r["first"]):
        out.setdefault(
            hashes[r["borrower_hash"]], (r["submission__institution_id"], r["first"], r["amount_fen"])
        )
    return out


class _Recorder:
    """Records a bank's cultivation of a firm: the first firms through the services (validated and audited, as a
    bank's clerk would), the rest as the same rows written in bulk — one call per contact is half an hour at
    scale 10."""

    def __init__(self):
        self.firms = 0
        self.contacts: list[Contact] = []
        self.outcomes: list[Outcome] = []

    def cultivate(
        self, rnd: random.Random, user, firm, status: str, on: datetime.date, amount_fen=None
    ) -> int:
        bulk = self.firms >= THROUGH_SERVICES
        self.firms += 1
        steps = rnd.randint(1, 3)
        for step in range(steps):
            day = on - datetime.timedelta(days=30 * (step + 1) + rnd.randint(0, 20))
            result, nxt = RESULTS["applied" if step == 0 and status == "granted" else status]
            fields = dict(firm=firm, contacted_on=day, way=rnd.choice(WAYS), result=result, next_step=nxt)
            if bulk:
                self.contacts.append(Contact(bank=user.organisation, recorded_by=user, **fields))
            else:
                contact_record(actor=user, **fields)
        fields = dict(firm=firm, status=status, decided_on=on, note=RESULTS[status][0])
        if bulk:
            self.outcomes.append(
                Outcome(bank=user.organisation, recorded_by=user, amount_fen=amount_fen, **fields)
            )
        else:
            outcome_set(actor=user, amount=None if amount_fen is None else amount_fen / 100, **fields)
        return steps

    def flush(self) -> None:
        Contact.objects.bulk_create(self.contacts, batch_size=BATCH)
        Outcome.objects.bulk_create(self.outcomes, batch_size=BATCH)


def build(ctx) -> dict:
    office = ctx.users.get("office")
    base = ReportingPeriod.objects.filter(code="2019Q4").first()
    if office is None or base is None or latest_loans_period() is None:
        return {}
    try:
        first = run_compute(actor=office, period=base)
        latest = run_compute(actor=office)
    except ValidationError:  # no approved loans return by 2019Q4
        return {}
    rnd = ctx.random(42)
    listed = list(ListedFirm.objects.filter(run=first).select_related("firm").order_by("firm_id"))
    still = ListedFirm.objects.filter(run=latest).values("firm_id")
    borrowed = _first_loans(ListedFirm.objects.filter(run=first).exclude(firm_id__in=still))
    users = _bank_users()
    areas = {bank: access.service_area(user.organisation) for bank, user in users.items()}
    contacts = outcomes = 0
    recorder = _Recorder()
    for row in listed:
        banks = [b for b, towns in areas.items() if row.town_id in towns]
        if row.firm_id in borrowed:
            bank, issued, amount = borrowed[row.firm_id]
            if bank not in areas or row.town_id not in areas[bank] or issued.year < 2020:
                continue
            contacts += recorder.cultivate(rnd, users[bank], row.firm, "granted", issued, amount)
        elif banks and rnd.random() < SHARE_CONTACTED:
            status = rnd.choices(["not_interested", "not_eligible", "applied"], weights=[5, 3, 2])[0]
            on = datetime.date(rnd.choice([2020, 2021]), rnd.randint(3, 12), rnd.randint(1, 28))
            contacts += recorder.cultivate(rnd, users[rnd.choice(banks)], row.firm, status, on)
        else:
            continue
        outcomes += 1
    recorder.flush()
    return {"runs": Run.objects.count(), "contacts": contacts, "outcomes": outcomes}
