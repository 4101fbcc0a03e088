"""The demo county's cash services: points of several banks in several towns, warnings with some units
acknowledged and some overdue, bookings in every state."""

import pytest

from puhui.cash.models import Booking, CashPoint, Recipient, Warning
from puhui.cash.selectors import reads
from puhui.core.models import User


@pytest.mark.django_db
def test_the_demo_has_every_kind_of_record(in_demo):
    counts = in_demo["counts"]
    assert counts.get("cash.cash_points", counts.get("cash_points", 0)) == CashPoint.objects.count() > 0
    assert CashPoint.objects.values("town").distinct().count() >= 3
    assert CashPoint.objects.values("bank").distinct().count() >= 3
    assert set(CashPoint.objects.values_list("kind", flat=True)) == {"demo", "exchange", "new_notes"}
    assert Warning.objects.count() == 2
    acked = Recipient.objects.filter(acknowledged_at__isnull=False).count()
    assert 0 < acked < Recipient.objects.count()
    office = User.objects.get(username="office")
    assert reads.office_overdue_count(office) > 0
    assert set(Booking.objects.values_list("status", flat=True)) == {"pending", "confirmed", "refused"}


@pytest.mark.django_db
def test_the_demo_pages_answer(in_demo, client):
    from django.urls import reverse

    office = User.objects.get(username="office")
    client.force_login(office)
    warning = Warning.objects.order_by("issued_on").first()
    for url in (
        reverse("cash:points"),
        reverse("cash:warnings"),
        reverse("cash:recipients") + "?state=overdue",
        reverse("cash:bookings"),
        reverse("cash:warning_detail", args=[warning.pk]),
        reverse("cash:point_detail", args=[CashPoint.objects.first().pk]),
    ):
        assert client.get(url).status_code == 200, url
    bank = User.objects.get(username="bank_rcb")
    client.force_login(bank)
    page = client.get(reverse("cash:warning_detail", args=[warning.pk]))
    assert page.status_code == 200 and page.context["figures"]["total"] > 0
    pending = Booking.objects.filter(status="pending", bank=bank.organisation).first()
    if pending is not None:
        assert client.get(reverse("cash:booking_detail", args=[pending.pk])).status_code == 200
