"""The demo county's 惠农商圈 (puhui/merchants/demo.py) on a small demo county: merchants in most villages of
some towns and none in others, monthly figures for 2020–2021, and the pages answer."""

import datetime

from django.urls import reverse

from puhui.core.models import User
from puhui.merchants.demo import COUNT_LABELS
from puhui.merchants.models import Merchant, MonthlyFigure
from puhui.merchants.selectors import coverage


def test_some_towns_are_mostly_covered_and_others_not_at_all(in_demo):
    office = User.objects.get(username="office")
    rows = coverage.coverage(office, 2021, datetime.date(2021, 12, 31))["rows"]
    shares = [r.share for r in rows if r.villages]
    assert any(s == 0 for s in shares) and any(s >= 50 for s in shares), shares
    assert all(r.merchants == 0 for r in rows if r.share == 0 and r.villages)


def test_figures_cover_2020_and_2021_within_each_merchants_life(in_demo):
    months = set(MonthlyFigure.objects.dates("month", "month"))
    assert min(months).year == 2020 and max(months).year == 2021 and len(months) == 24
    for f in MonthlyFigure.objects.select_related("merchant")[:500]:
        assert f.month >= f.merchant.signed_on.replace(day=1)
        assert f.merchant.ended_on is None or f.merchant.ended_on > f.month
    assert Merchant.objects.filter(ended_on__isnull=False).exists()
    assert Merchant.objects.filter(accepts_pos=True, accepts_card=False, accepts_qr=False).exists()


def test_the_counts_are_labelled(in_demo):
    assert set(COUNT_LABELS) == {"merchants", "figures"}
    assert in_demo["counts"]["merchants.merchants"] == Merchant.objects.count()
    assert in_demo["counts"]["merchants.figures"] == MonthlyFigure.objects.count()


def test_the_pages_answer_for_the_office_and_a_bank(in_demo, client):
    client.force_login(User.objects.get(username="office"))
    for name in ("merchants:list", "merchants:coverage", "merchants:figures_upload"):
        assert client.get(reverse(name)).status_code == 200, name
    merchant = Merchant.objects.filter(figures__isnull=False).first()
    bank = User.objects.filter(role="institution", organisation=merchant.bank).first()
    client.force_login(bank)
    assert client.get(reverse("merchants:merchant_detail", args=[merchant.pk])).status_code == 200
    other = Merchant.objects.exclude(bank=merchant.bank).first()
    if other is not None:
        assert client.get(reverse("merchants:merchant_detail", args=[other.pk])).status_code == 404
