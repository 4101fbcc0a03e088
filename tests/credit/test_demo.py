"""The credit demo data at a small scale: archives by town, ratings, lines, rates partly on target."""

import datetime
import io

from django.core.management import call_command

from puhui.credit import selectors
from puhui.credit.models import Designation, HouseholdArchive, PreCreditLine, Rating
from puhui.registry.models import Household


def test_demo_builds_credit_data(db):
    call_command("demo", scale=0.05, seed=11, stdout=io.StringIO())
    farm = Household.objects.filter(is_farm=True).count()
    archives = HouseholdArchive.objects.count()
    counted = HouseholdArchive.objects.filter(is_complete=True, status="verified").count()
    assert 0.75 * farm < archives < farm and 0.6 * farm < counted < archives
    assert HouseholdArchive.objects.filter(is_complete=False).exclude(completeness=100).exists()
    assert Rating.objects.filter(is_current=True).count() == counted
    assert Rating.objects.exclude(reasons=[]).exists()
    assert PreCreditLine.objects.filter(status="accepted").exists()
    assert Designation.objects.filter(year=2021).exists()
    towns = selectors.archive_rates("town")
    rates = [r["rate"] for r in towns.values() if r["rate"] is not None]
    assert min(rates) < 0.8 < max(rates)  # the 2020 target met by some towns, not all
    county = next(iter(selectors.precredit_rates("county", on=datetime.date(2021, 12, 31)).values()))
    assert 0.3 < county["rate"] < 0.9
