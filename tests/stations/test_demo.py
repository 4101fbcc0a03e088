"""The demo county's stations (puhui/stations/demo.py) on a small demo county: some 2020 targets met and some
missed, monthly figures for 2020–2021, offers, inspections, agents and scenes; the pages answer."""

import datetime

from django.urls import reverse

from puhui.core.models import ServicePoint, User
from puhui.stations import rules
from puhui.stations.demo import COUNT_LABELS
from puhui.stations.models import BankOffer, ChannelOffer, Inspection, MonthlyReport, StationAgent
from puhui.stations.selectors import targets


def test_some_towns_meet_the_2020_station_targets_and_others_miss(in_demo):
    office = User.objects.get(username="office")
    t = targets.station_targets(office, rules.STATION_TARGET_DAY)
    met = [r for r in t["rows"] if r.stations_met and r.cross_bank_met]
    assert met and len(met) < len(t["rows"])
    assert t["county"].station_share < 100
    scenes = targets.scene_coverage(office, rules.SCENES_TARGET_DAY)
    assert 0 < scenes["planned_met"] < scenes["planned"]


def test_one_bank_meets_the_realtime_bill_pay_target(in_demo):
    b = targets.billpay_targets(User.objects.get(username="office"), rules.BILLPAY_TARGET_DAY)
    assert any(r.met for r in b["banks"]) and not b["county"].met


def test_every_point_has_its_months_and_an_agent(in_demo):
    points = ServicePoint.objects.count()
    months = set(MonthlyReport.objects.values_list("month", flat=True))
    assert datetime.date(2020, 1, 1) in months and datetime.date(2021, 12, 1) in months
    assert MonthlyReport.objects.filter(daily_limit__gt=rules.daily_limit_rule()).exists()
    assert StationAgent.objects.count() == points
    assert in_demo["counts"]["stations.months"] == MonthlyReport.objects.count()
    assert set(COUNT_LABELS) >= {k.split(".", 1)[1] for k in in_demo["counts"] if k.startswith("stations.")}


def test_offers_cover_every_existing_function(in_demo):
    for point in ServicePoint.objects.select_related("bank"):
        offer = BankOffer.objects.get(bank=point.bank)
        assert set(point.functions) <= set(offer.functions), point.code
    assert ChannelOffer.objects.filter(channel="mobile", realtime=True).exists()


def test_inspections_rectified_and_overdue(in_demo):
    assert Inspection.objects.filter(rectified_on__isnull=False).exists()
    assert Inspection.objects.filter(rectified_on__isnull=True, rectify_by__isnull=False).exists()
    assert not Inspection.objects.filter(photos__isnull=True).exists()


def test_the_pages_answer_for_the_office_and_a_bank(in_demo, client):
    client.force_login(User.objects.get(username="office"))
    for name in ("targets", "billpay", "offers", "monthly", "inspections", "agents", "scenes"):
        assert client.get(reverse(f"stations:{name}")).status_code == 200, name
    bank = User.objects.get(username="bank_rcb")
    client.force_login(bank)
    inspection = Inspection.objects.filter(bank=bank.organisation).first()
    assert client.get(reverse("stations:inspection_detail", args=[inspection.pk])).status_code == 200
    assert client.get(reverse("stations:photo", args=[inspection.photos.first().pk])).status_code == 200
    assert client.get(reverse("stations:monthly") + "?export=xlsx").status_code == 200


def test_the_pages_speak_chinese(in_demo, client):
    from tests.crawl import ALLOWED_WORDS, PageParser, english_words

    pages = ("targets", "billpay", "offers", "monthly", "monthly_add", "monthly_upload", "inspections",
             "inspection_add", "agents", "agent_add", "scenes", "scene_add")  # fmt: skip
    for username in ("office", "bank_rcb"):
        client.force_login(User.objects.get(username=username))
        for name in pages:
            response = client.get(reverse(f"stations:{name}"))
            if response.status_code != 200:
                continue
            parser = PageParser()
            parser.feed(response.content.decode())
            parser.close()
            assert english_words(parser.text, ALLOWED_WORDS) == set(), (username, name)
