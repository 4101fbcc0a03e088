"""The demo county's consumer protection (puhui/protection/demo.py) on a small demo county: complaints
over 2020–2021 in every state, late answers counted, a few carried through 司法确认 and enforcement, the
typical cases published; the pages answer."""

from django.urls import reverse

from puhui.core.models import User
from puhui.protection.demo import COUNT_LABELS
from puhui.protection.models import Complaint, MediationCase, TypicalCase


def test_complaints_in_every_state_and_the_chain(in_demo):
    assert set(Complaint.objects.values_list("status", flat=True)) == set(Complaint.Status.values)
    assert Complaint.objects.filter(late=True).exists()
    assert Complaint.objects.filter(received_on__year__in=(2020, 2021)).count() >= 15
    assert MediationCase.objects.filter(status="enforced").exists()
    assert {"agreed", "failed", "enforced"} <= set(MediationCase.objects.values_list("status", flat=True))
    assert TypicalCase.objects.filter(published_on__isnull=False).count() == 2
    counts = in_demo["counts"]
    assert counts["protection.complaints"] == Complaint.objects.count() and set(COUNT_LABELS) >= {
        "complaints",
        "mediations",
    }
    farmer = User.objects.get(username="farmer_01")
    assert Complaint.objects.filter(complainant=farmer).count() == 1


def test_the_pages_answer_on_the_demo(in_demo, client):
    client.force_login(User.objects.get(username="office"))
    for name in ("complaints", "board", "statistics", "mediations", "orgs", "typical"):
        assert client.get(reverse(f"protection:{name}")).status_code == 200, name
    case = MediationCase.objects.filter(status="enforced").first()
    assert client.get(reverse("protection:mediation_detail", args=[case.pk])).status_code == 200
    client.logout()
    page = client.get(reverse("protection:public")).content.decode()
    assert "贷款捆绑销售理财产品" in page
