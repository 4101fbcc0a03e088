"""The demo county's firm credit information (puhui/firms/demo.py) on a small demo county: every source has an
upload, the utility file lists firms from outside the county, firm users act for firms with authorisations
in every state, banks looked and the firms see it, every firm is rated."""

from django.urls import reverse

from puhui.core.models import User
from puhui.firms import access, catalogue
from puhui.firms.demo import COUNT_LABELS
from puhui.firms.models import Authorisation, DepartmentUpload, FirmRating, FirmScorecard, LookUp
from puhui.registry.models import Firm


def test_every_source_has_data_and_the_partial_one_lists_unmatched(in_demo):
    assert set(DepartmentUpload.objects.values_list("source", flat=True)) == set(catalogue.sources())
    utility = DepartmentUpload.objects.get(source="utility_arrears")
    assert len(utility.unmatched) == 3 and utility.matched > 0
    assert in_demo["counts"]["firms.records"] > 0


def test_firm_users_with_authorisations_in_every_state_and_look_ups(in_demo, client):
    users = list(User.objects.filter(username__startswith="firm_").order_by("username"))
    assert [u.username for u in users] == ["firm_01", "firm_02", "firm_03", "firm_04", "firm_05"]
    assert all(u.firm_id and u.role == "public" for u in users)
    assert Authorisation.objects.filter(revoked_at__isnull=False).exists()
    assert (
        Authorisation.objects.exclude(access.in_force()).filter(revoked_at__isnull=True).exists()
    )  # expired
    assert LookUp.objects.exists()
    client.force_login(users[0])
    home = client.get(reverse("dashboard"), follow=True)
    assert home.redirect_chain and home.redirect_chain[-1][0].endswith(reverse("firms:mine"))


def test_every_firm_is_rated_and_a_bank_sees_its_work_list(in_demo, client):
    assert (
        FirmRating.objects.filter(is_current=True).count()
        == Firm.objects.filter(deregistered_on__isnull=True).count()
    )
    assert FirmRating.objects.values("grade").distinct().count() >= 3
    granted = Authorisation.objects.filter(access.in_force()).select_related("bank").first()
    bank_user = User.objects.filter(role="institution", organisation=granted.bank).first()
    if bank_user is not None:
        client.force_login(bank_user)
        assert client.get(reverse("firms:list")).status_code == 200
        assert client.get(reverse("firms:profile", args=[granted.firm_id])).status_code == 200


def test_the_counts_are_labelled(in_demo):
    assert set(COUNT_LABELS) == {
        "uploads", "records", "firm_users", "authorisations", "lookups", "ratings", "scorecards",
    }  # fmt: skip
    assert in_demo["counts"]["firms.ratings"] == FirmRating.objects.filter(is_current=True).count()


def test_a_statistical_version_is_trained_when_there_are_enough_outcomes(in_demo):
    """At scale 0.02 the county has too few firms with loan outcomes: the demo goes on without a version and
    the expert card stays in force (at scale 1 a draft version is trained, docs/firms.md)."""
    versions = FirmScorecard.objects.count()
    assert in_demo["counts"]["firms.scorecards"] == versions
    assert not FirmScorecard.objects.filter(status=FirmScorecard.Status.ACTIVE).exists()
    assert set(FirmRating.objects.values_list("version", flat=True)) == {"small-firm-default@2026.1"}
