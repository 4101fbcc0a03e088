"""The demo county's risk disposal (puhui/disposal/demo.py) on a small demo county: cases in both states
with a step for each linkage unit, listings in every state, the demo farmer's own notice; the office's pages
answer."""

from django.urls import reverse

from puhui.core.models import User
from puhui.disposal.access import LINKAGE_UNITS
from puhui.disposal.demo import COUNT_LABELS
from puhui.disposal.models import CaseStep, Listing, RiskCase


def test_cases_in_both_states_with_a_step_for_each_linkage_unit(in_demo):
    assert set(RiskCase.objects.values_list("status", flat=True)) == {"open", "closed"}
    for case in RiskCase.objects.all():
        aliases = set(CaseStep.objects.filter(case=case).values_list("owner__plan_alias", flat=True))
        assert set(LINKAGE_UNITS) <= aliases, case.title
    assert not CaseStep.objects.filter(case__status="closed", done_on__isnull=True).exists()


def test_listings_in_every_state(in_demo):
    assert set(Listing.objects.values_list("status", flat=True)) == set(Listing.Status.values)
    for listing in Listing.objects.all():
        assert listing.steps.filter(kind="propose").exists()


def test_the_counts_are_labelled(in_demo):
    assert set(COUNT_LABELS) == {"cases", "case_steps", "listings"}


def test_the_pages_answer_for_the_office_the_farmer_and_a_bank(in_demo, client):
    client.force_login(User.objects.get(username="office"))
    for name in ("disposal:cases", "disposal:listings"):
        assert client.get(reverse(name)).status_code == 200
    case = RiskCase.objects.first()
    assert client.get(reverse("disposal:case_detail", args=[case.pk])).status_code == 200
    farmer = User.objects.get(username="farmer_01")
    client.force_login(farmer)
    own = client.get(reverse("disposal:listings"))
    assert own.status_code == 200 and farmer.household.head_name in own.content.decode()
    client.force_login(User.objects.get(username="bank_rcb"))
    listed = Listing.objects.get(status="listed")
    assert client.get(reverse("disposal:listing_detail", args=[listed.pk])).status_code == 200
