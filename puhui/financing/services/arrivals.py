"""Loans granted on a demand, as the lender's loan-level return shows them.

A lender that accepted a demand reports the loan in its next 贷款明细表 like every other loan; when the office
approves that return, the accepted routes of that lender are matched to its loans by the keyed hash of the
firm's USCC (never by decrypting): the earliest loan issued on or after the acceptance is the demand's loan.
The route then takes the return's date, amount and 借据号 — a date the bank typed on the demand page gives way
to the return — and the platform's first-loan computation (puhui.firstloans) judges it as it judges any loan.
"""

from decimal import Decimal

from django.db import transaction

from puhui.core.audit import audit_changed, snapshot
from puhui.core.crypto import lookup_hashes
from puhui.data.catalogue import LOANS_FORM
from puhui.data.models import LoanRecord, Submission
from puhui.financing.models import Demand, Route
from puhui.financing.services.demands import status_from_routes


def _waiting_routes(bank_id: int) -> list[Route]:
    """The lender's accepted routes whose loan no return has shown yet, oldest answer first."""
    return list(
        Route.objects.select_for_update(of=("self",))
        .filter(bank_id=bank_id, answer=Route.Answer.ACCEPTED, loan_no="")
        .exclude(demand__status=Demand.Status.WITHDRAWN)
        .select_related("demand__firm")
        .order_by("answered_on", "pk")
    )


def _after_answer(route: Route, issued_on) -> bool:
    return issued_on >= (route.answered_on or route.demand.posted_on)


@transaction.atomic
def routes_match_return(*, actor, submission: Submission) -> list[Route]:
    """The lender's waiting routes whose loan this approved loans return holds, updated from it; one audit
    record per route. Called when the office approves the return (events.py)."""
    if submission.form != LOANS_FORM or submission.status != Submission.Status.APPROVED:
        return []
    routes = _waiting_routes(submission.institution_id)
    hashes: dict[str, list[Route]] = {}  # a firm may have several accepted demands: oldest answer first
    for route in routes:
        for h in lookup_hashes(route.demand.firm.uscc):
            hashes.setdefault(h, []).append(route)
    if not hashes:
        return []
    loans = (
        LoanRecord.objects.filter(submission=submission, borrower_hash__in=list(hashes))
        .order_by("issued_on", "row")
        .values_list("borrower_hash", "loan_no", "issued_on", "amount_fen")
    )
    taken = set(
        Route.objects.filter(bank_id=submission.institution_id)
        .exclude(loan_no="")
        .values_list("loan_no", flat=True)
    )
    matched = []
    for borrower_hash, loan_no, issued_on, amount_fen in loans:
        route = next(
            (r for r in hashes[borrower_hash] if not r.loan_no and _after_answer(r, issued_on)), None
        )
        if route is None or loan_no in taken:
            continue
        before = snapshot(route)
        route.loan_no, route.loan_seen_in = loan_no, submission.period.label
        route.granted_on, route.granted_amount = issued_on, Decimal(amount_fen).scaleb(-2)
        route.save(update_fields=["loan_no", "loan_seen_in", "granted_on", "granted_amount"])
        status_from_routes(route.demand)
        audit_changed(
            actor=actor, obj=route, before=before,
            note=f"贷款明细表（{submission.period.label}）显示放款：借据号 {loan_no}，{route.granted_amount:,.2f} 元",
        )  # fmt: skip
        taken.add(loan_no)
        matched.append(route)
    return matched
