"""The demo's guarantee returns (on the shared demo county): guarantors reported with the loans of the bank's
return, and the structures the demo steers — circles across banks, a mutual pair, chains, a hub guarantor."""

from collections import defaultdict

from puhui.data.demo_check import refused_submissions
from puhui.data.models import GuaranteeRecord, LoanRecord, Submission


def _cycles(edges: set[tuple[str, str]], length: int) -> list[tuple[str, ...]]:
    """Simple directed cycles of exactly `length` nodes (a small graph: plain search), each once."""
    out = defaultdict(set)
    for a, b in edges:
        out[a].add(b)
    found = set()

    def walk(path):
        if len(path) == length:
            if path[0] in out[path[-1]]:
                i = path.index(min(path))
                found.add(tuple(path[i:] + path[:i]))
            return
        for nxt in out[path[-1]]:
            if nxt not in path and nxt > path[0]:
                walk([*path, nxt])

    for start in list(out):
        walk([start])
    return sorted(found)


def test_the_demo_reports_guarantors_and_the_steered_structures(in_demo):
    subs = Submission.objects.filter(form="guarantees", is_current=True)
    assert subs.count() > 10 and set(subs.values_list("status", flat=True)) == {"approved"}
    # Every guaranteed loan is a loan of the bank's loan return of the quarter, with the same borrower.
    for sub in subs.filter(period__code__in=["2020Q1", "2021Q4"]):
        loans = dict(
            LoanRecord.objects.filter(
                submission_id=sub.totals["loans_submission"], submission__is_current=True
            ).values_list("loan_no", "borrower_hash")
        )
        rows = list(GuaranteeRecord.objects.filter(submission=sub).values_list("loan_no", "borrower_hash"))
        assert rows and all(loans[no] == h for no, h in rows)
        assert sub.row_count == len(rows)
    # The demo's own rules: its guarantee returns pass the validator as the banks would send them.
    assert refused_submissions(subs.filter(period__code="2021Q4")) == {}

    q4 = GuaranteeRecord.objects.filter(submission__in=subs.filter(period__code="2021Q4"))
    edges = set(q4.values_list("guarantor_hash", "borrower_hash"))
    bank_of = dict(q4.values_list("borrower_hash", "submission__institution_id"))
    npl = set(
        LoanRecord.objects.filter(
            submission__form="loans",
            submission__is_current=True,
            submission__period__code="2021Q4",
            status="npl",
        ).values_list("borrower_hash", flat=True)
    )
    circles3 = [c for c in _cycles(edges, 3) if len({bank_of[n] for n in c}) == 2]
    assert circles3
    assert _cycles(edges, 2)
    assert any(set(c) & npl for c in _cycles(edges, 5))
    out_degree = defaultdict(int)
    for a, _b in edges:
        out_degree[a] += 1
    assert max(out_degree.values()) >= 8
    # Two chains of four guarantees: a guarantor nobody guarantees, then four links.
    guaranteed = {b for _a, b in edges}
    nxt = defaultdict(list)
    for a, b in edges:
        nxt[a].append(b)

    def longest(node, seen=()):
        return max((1 + longest(b, (*seen, node)) for b in nxt[node] if b not in seen), default=0)

    heads = [a for a in nxt if a not in guaranteed and out_degree[a] == 1]
    assert sum(longest(h) >= 4 for h in heads) >= 2
