"""The demo banks' 担保关系明细表: who guarantees the loans of their loan returns (issue #16).

Called by `puhui.data.demo` once the loan returns are written and approved, with the loan book (`demo.Book`).

- A share of the 保证 loans to small firms and individual businesses report their guarantors: one or two,
  other firms of the county's register (their USCC) or persons (household heads who borrow too). A loan
  keeps its guarantors in every quarter it is reported.
- Steered structures for the risk monitoring (puhui.risk) among firms with an outstanding loan in the
  last quarter (STEER_QUARTER): a 3-firm circle A→B→C→A across two banks, a mutual pair, a 5-firm circle
  holding a non-performing loan, two chains of four guarantees, and a hub firm guaranteeing nine others.
  “X→Y”: X guarantees Y's loan. The steered loans get no random guarantors.

Draws come from a child stream (`spawn`), the submissions' dates included, so the main stream is unchanged.
Rows are written in bulk per submission; no query per row.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from django.db import transaction

from puhui.core import crypto
from puhui.core.validators import check_id_or_uscc
from puhui.data import catalogue, demo_policy
from puhui.data.models import GuaranteeRecord, Submission
from puhui.registry.models import Firm

SHARE = 0.35  # of the eligible 保证 loans whose guarantors are reported
P_TWO = 0.3  # a second guarantor
P_FIRM = 0.45  # a guarantor is a firm (else a person)
STEER_QUARTER = "2021Q4"
HUB_SIZE = 9
CHAINS, CHAIN_EDGES = 2, 4


class _Edges:
    """Guarantees as parallel lists: the guaranteed loan (index into the book) and the guarantor's number."""

    def __init__(self):
        self.loan: list[int] = []
        self.guarantor: list[str] = []

    def add(self, loan: int, guarantor: str) -> None:
        self.loan.append(loan)
        self.guarantor.append(guarantor)


def guarantee_returns(gen, writer, book, banks, quarters, progress=print) -> dict:
    """Write and approve each open bank's guarantees return for each quarter; what was steered."""
    child = gen.spawn(1)[0]
    firms = list(Firm.objects.order_by("pk").values_list("uscc", flat=True))
    edges = _Edges()
    steered = _steer(book, banks, quarters, firms, edges)
    _random(child, book, firms, edges, skip=steered["loans"], avoid=steered["firms"])
    main, writer.gen = writer.gen, child  # the submissions' dates from the child stream too
    try:
        rows = _write(writer, book, banks, quarters, edges)
    finally:
        writer.gen = main
    progress(f"    担保关系明细共 {rows:,} 行；{steered['summary']}")
    return {"guarantee_rows": rows, **{k: v for k, v in steered.items() if k not in {"loans", "firms"}}}


def _random(gen, book, firms: list[str], edges: _Edges, *, skip: set[int], avoid: set[str]) -> None:
    """One or two guarantors for SHARE of the 保证 loans to small firms and individual businesses."""
    n = len(book.l_b)
    if not n:
        return
    kind = book.kind[book.l_b]
    eligible = (book.l_guarantee == "guarantee") & np.isin(kind, ["small", "individual"])
    take = eligible & (gen.random(n) < SHARE)
    loans = np.flatnonzero(take)
    loans = loans[~np.isin(loans, np.fromiter(skip, dtype=np.int64, count=len(skip)))]
    firm_pool = [f for f in firms if f not in avoid]
    person_pool = [book.ids[i] for i in np.flatnonzero(book.id_kind == "ric").tolist()]
    if not len(loans) or not (firm_pool or person_pool):
        return
    m = len(loans)
    count = 1 + (gen.random(m) < P_TWO)
    is_firm = gen.random((m, 2)) < P_FIRM
    if not firm_pool:
        is_firm[:] = False
    if not person_pool:
        is_firm[:] = True
    pick_firm = gen.integers(0, max(1, len(firm_pool)), (m, 2))
    pick_person = gen.integers(0, max(1, len(person_pool)), (m, 2))
    for j, loan in enumerate(loans.tolist()):
        borrower = book.ids[book.l_b[loan]]
        chosen = set()
        for k in range(int(count[j])):
            pool, at = (
                (firm_pool, int(pick_firm[j, k])) if is_firm[j, k] else (person_pool, int(pick_person[j, k]))
            )
            guarantor = pool[at]
            if guarantor == borrower or guarantor in chosen:
                guarantor = pool[(at + 1) % len(pool)]
            if guarantor == borrower or guarantor in chosen:
                continue
            chosen.add(guarantor)
            edges.add(loan, guarantor)


def _candidates(book, banks, quarters) -> list[tuple[int, int, bool]]:
    """(loan, bank index, non-performing) of firms' outstanding non-credit loans in STEER_QUARTER, one per
    borrower, 保证 loans first."""
    q = next((p for p in quarters if p.code == STEER_QUARTER), quarters[-1] if quarters else None)
    if q is None:
        return []
    out, seen = [], set()
    for bi, bank in enumerate(banks):
        if not demo_policy.is_open(bank, q):
            continue
        idx, balance = book.snapshot(bi, q)
        ok = (balance > 0) & (book.id_kind[book.l_b[idx]] == "uscc") & (book.l_guarantee[idx] != "credit")
        idx = idx[ok]
        order = np.argsort(book.l_guarantee[idx] != "guarantee", kind="stable")
        for loan in idx[order].tolist():
            b = int(book.l_b[loan])
            if b not in seen:
                seen.add(b)
                out.append((loan, bi, book.l_status[loan] == "npl"))
    return out


def _steer(book, banks, quarters, firms: list[str], edges: _Edges) -> dict:
    """The structures the risk monitoring should find, as far as the (possibly tiny) loan book allows."""
    cands = _candidates(book, banks, quarters)
    used: set[int] = set()  # loans
    made = defaultdict(int)

    def free(test=lambda c: True):
        return [c for c in cands if c[0] not in used and test(c)]

    def take(members):
        used.update(c[0] for c in members)
        return members

    def number(c) -> str:
        return book.ids[book.l_b[c[0]]]

    def circle(members):
        for a, b in zip(members, members[1:] + members[:1], strict=True):
            edges.add(b[0], number(a))  # a guarantees b's loan

    # A 5-firm circle holding a non-performing loan (first: such loans are few).
    npl = free(lambda c: c[2])
    if npl and len(free()) >= 5:
        circle(take(npl[:1] + [c for c in free() if c[0] != npl[0][0]][:4]))
        made["circle5_npl"] += 1
    # A 3-firm circle across two banks: A and B borrow at one bank, C at another.
    counts = defaultdict(int)
    for c in free():
        counts[c[1]] += 1
    for x in sorted(counts, key=lambda b: (-counts[b], b)):
        at_x, elsewhere = free(lambda c, x=x: c[1] == x), free(lambda c, x=x: c[1] != x)
        if len(at_x) >= 2 and elsewhere:
            circle(take(at_x[:2] + elsewhere[:1]))
            made["circle3"] += 1
            break
    if len(free()) >= 2:
        circle(take(free()[:2]))
        made["mutual"] += 1
    # Firms of the register that borrow nowhere head the chains and make the hub.
    borrowers = {number(c) for c in cands}
    heads = [f for f in firms if f not in borrowers][: CHAINS + 1]
    for head in heads[:CHAINS]:
        if len(free()) < CHAIN_EDGES:
            break
        guarantor = head
        for c in take(free()[:CHAIN_EDGES]):
            edges.add(c[0], guarantor)
            guarantor = number(c)
        made["chains"] += 1
    hub = heads[CHAINS] if len(heads) > CHAINS and len(free()) >= HUB_SIZE else None
    if hub:
        for c in take(free()[:HUB_SIZE]):
            edges.add(c[0], hub)
        made["hub"] += 1
    summary = (
        f"引导结构：含不良贷款的五户担保圈 {made['circle5_npl']} 个、跨两家银行的三户担保圈 {made['circle3']} 个、"
        f"互保 {made['mutual']} 对、担保链 {made['chains']} 条、为 {HUB_SIZE} 户担保的企业 {made['hub']} 户"
    )
    return {
        "loans": used,
        "firms": {number(c) for c in cands if c[0] in used} | set(heads),
        "summary": summary,
        "steered": dict(made),
        "hub": hub,
    }


def _write(writer, book, banks, quarters, edges: _Edges) -> int:
    """Each open bank's return per quarter (the guarantees of the loans its loan return reports)."""
    if not edges.loan:
        return 0
    e_loan = np.array(edges.loan, dtype=np.int64)
    order = np.argsort(e_loan, kind="stable")
    e_loan = e_loan[order]
    e_guarantor = [edges.guarantor[i] for i in order.tolist()]
    kind_of = {g: check_id_or_uscc(g)[0] for g in set(e_guarantor)}
    hash_of = {g: crypto.lookup_hash(g) for g in kind_of}
    loan_subs = {
        (inst, period): (pk, version)
        for pk, inst, period, version in Submission.objects.filter(
            form=catalogue.LOANS_FORM, is_current=True
        ).values_list("pk", "institution_id", "period_id", "version")
    }
    rows_total = 0
    reported = np.zeros(len(book.l_b), dtype=bool)
    for q in quarters:
        for bi, bank in enumerate(banks):
            loans_sub = loan_subs.get((bank.pk, q.pk))
            if loans_sub is None or not demo_policy.is_open(bank, q):
                continue
            idx, _balance = book.snapshot(bi, q)
            reported[:] = False
            reported[idx] = True
            picked = np.flatnonzero(reported[e_loan])
            if not len(picked):
                continue
            sub = writer.create(bank, "guarantees", q)
            objs = []
            for row, e in enumerate(picked.tolist(), start=2):
                loan, g = int(e_loan[e]), e_guarantor[e]
                objs.append(
                    GuaranteeRecord(
                        submission=sub,
                        row=row,
                        loan_no=book.l_no[loan],
                        borrower_id=book.ids[book.l_b[loan]],
                        borrower_hash=book.hash[book.l_b[loan]],
                        guarantor_kind=kind_of[g],
                        guarantor_id=g,
                        guarantor_hash=hash_of[g],
                        amount_fen=int(book.l_amount[loan]),
                    )
                )
            with transaction.atomic():
                GuaranteeRecord.objects.bulk_create(objs, batch_size=2000)
            sub.row_count = len(objs)
            sub.totals = {
                "rows": len(objs),
                "guarantees": len(objs),
                "loans": len({o.loan_no for o in objs}),
                "guarantors": len({o.guarantor_hash for o in objs}),
                "amount_fen": sum(o.amount_fen for o in objs),
                "loans_submission": loans_sub[0],
                "loans_version": loans_sub[1],
            }
            sub.save(update_fields=["row_count", "totals"])
            rows_total += len(objs)
    return rows_total
