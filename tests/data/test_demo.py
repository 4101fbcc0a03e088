"""The demo: three years of submissions consistent with a (small) demo county, mistakes corrected, every target judged."""

import pytest

from puhui.core.models import ServicePoint, User
from puhui.data import derived, targets
from puhui.data.models import AggregateValue, LoanRecord, Submission, Upload
from puhui.registry.models import Firm, Household


@pytest.fixture
def demo_county(in_demo):
    return User.objects.get(username="office")


def test_demo_submissions(demo_county):
    # `puhui demo` ran the data capability's demo through its build(ctx) hook.
    assert LoanRecord.objects.count() > 1000
    # Consistent with the rosters: every farm borrower's ID is a roster household head's.
    from puhui.core.crypto import lookup_hash

    farm_hashes = set(
        LoanRecord.objects.filter(borrower_type="farm").values_list("borrower_hash", flat=True)[:200]
    )
    heads = set(Household.objects.filter(head_id_hash__in=farm_hashes).values_list("head_id_hash", flat=True))
    assert heads == farm_hashes
    firm = LoanRecord.objects.filter(id_kind="uscc").first()
    assert (
        Firm.objects.filter(uscc=firm.borrower_id).exists()
        and lookup_hash(firm.borrower_id) == firm.borrower_hash
    )
    # Service points in the returns match the platform's at the end of 2021.
    reported = sum(
        v
        for v in AggregateValue.objects.filter(
            item="sp_total", submission__period__code="2021Q4"
        ).values_list("value", flat=True)
    )
    assert reported <= ServicePoint.objects.count()
    # Mistakes made and corrected: refused uploads, a returned return and its correction, late and missing returns.
    assert Upload.objects.filter(status="failed").count() == 2
    returned = Submission.objects.get(status="returned")
    assert (
        Submission.objects.get(
            institution=returned.institution, form="loans", period=returned.period, version=2
        ).status
        == "approved"
    )
    assert Submission.objects.filter(status="submitted").count() == 1
    assert not Submission.objects.filter(
        institution__code="CCB-YY", form="channels", period__code="2021Q4"
    ).exists()
    # Every target has a status; the demo's story shows more than one kind.
    statuses = targets.evaluate_all(as_of=targets.latest_period())
    assert len(statuses) == 16 and all(s.status != targets.NO_DATA for s in statuses)
    assert {targets.MET, targets.MISSED} <= {s.status for s in statuses}
    mid = targets.evaluate_all(as_of=Submission.objects.get(status="returned").period)
    assert {targets.ON_TRACK, targets.AT_RISK} & {s.status for s in mid}
    before = derived.compute_all()["values"]
    assert derived.compute_all()["values"] == before  # deterministic recomputation
