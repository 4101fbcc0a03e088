"""The demo county's outreach (puhui/outreach/demo.py) on a small demo county: 2020–2021 events that meet the
九 target for some banks and not others, publicity, school bases, records pending and returned; the office's
page answers."""

from django.urls import reverse

from puhui.core.models import User
from puhui.outreach.demo import COUNT_LABELS
from puhui.outreach.models import MobileEvent, Publicity, SchoolBase
from puhui.outreach.selectors import figures


def test_the_target_is_partly_met_in_both_years(in_demo):
    office = User.objects.get(username="office")
    for year in (2020, 2021):
        rows = figures.crosscheck(office, year)["rows"]
        met = [r for r in rows if r.meets]
        assert 0 < len(met) < len(rows), year


def test_records_in_every_state_with_photos(in_demo):
    for model in (MobileEvent, Publicity, SchoolBase):
        assert set(model.objects.values_list("status", flat=True)) >= {"approved", "pending"}, model
    assert MobileEvent.objects.filter(status="returned").exists()
    assert SchoolBase.objects.filter(status="returned").exists()
    assert not MobileEvent.objects.filter(photos__isnull=True).exists()
    assert (
        Publicity.objects.filter(channel="agent").exists()
        and Publicity.objects.filter(channel="wechat").exists()
    )


def test_the_counts_are_labelled(in_demo):
    assert set(COUNT_LABELS) == {"events", "publicity", "school_bases"}
    assert in_demo["counts"]["outreach.events"] == MobileEvent.objects.count()


def test_the_pages_answer_for_the_office_and_a_bank(in_demo, client):
    client.force_login(User.objects.get(username="office"))
    for name in ("outreach:targets", "outreach:events", "outreach:publicity", "outreach:schools"):
        assert client.get(reverse(name)).status_code == 200, name
    bank = User.objects.get(username="bank_abc")
    event = MobileEvent.objects.filter(bank=bank.organisation).first()
    client.force_login(bank)
    assert client.get(reverse("outreach:event_detail", args=[event.pk])).status_code == 200
    photo = event.photos.first()
    assert client.get(reverse("outreach:photo", args=[photo.pk])).status_code == 200
