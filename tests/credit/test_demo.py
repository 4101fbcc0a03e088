"""The credit demo data at a small scale: archives by town, ratings, lines, the plan's 2020 and 2021
targets (建档率 ≥ 80% / 90%, 预授信率 ≥ 60% / 70%) partly met and partly missed across towns."""

import datetime

from django.db.models import Count
from django.utils import timezone

from puhui.core.models import Division
from puhui.credit import selectors
from puhui.credit.models import Designation, HouseholdArchive, PreCreditLine, Rating
from puhui.registry.models import Household

TARGETS = {2020: (0.80, 0.60), 2021: (0.90, 0.70)}


def _town_rates(year: int) -> dict[int, tuple[float, float]]:
    """(建档率, 预授信率) per town at the end of `year`, from the credit selectors' querysets."""
    day = datetime.date(year, 12, 31)
    end = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
    archived = dict(
        selectors.archived_households()
        .filter(verified_at__lte=end)
        .values("town_id")
        .annotate(n=Count("pk"))
        .values_list("town_id", "n")
    )
    lines = {k: v["with_line"] for k, v in selectors.precredit_rates("town", on=day).items()}
    farm = dict(Division.objects.filter(level="town").values_list("pk", "farm_households"))
    return {t: (archived.get(t, 0) / f, lines.get(t, 0) / f) for t, f in farm.items() if f}


def test_demo_builds_credit_data(in_demo):
    farm = Household.objects.filter(is_farm=True).count()
    archives = HouseholdArchive.objects.count()
    counted = HouseholdArchive.objects.filter(is_complete=True, status="verified").count()
    assert 0.75 * farm < archives < farm and 0.6 * farm < counted < archives
    assert HouseholdArchive.objects.filter(is_complete=False).exclude(completeness=100).exists()
    assert HouseholdArchive.objects.filter(status="submitted", is_complete=True).exists()  # a queue to verify
    assert Rating.objects.filter(is_current=True).count() == counted
    assert Rating.objects.exclude(reasons=[]).exists()
    assert PreCreditLine.objects.filter(status="accepted").exists()
    assert not PreCreditLine.objects.exclude(
        bank__kind__in=["commercial_bank", "rural_bank", "village_bank"]
    ).exists()
    assert Designation.objects.filter(year=2021).exists()

    # The current 建档率 is the end-2021 one (the demo's last verification is in 2021).
    rates = {year: _town_rates(year) for year in TARGETS}
    now = selectors.archive_rates("town")
    assert all(abs(now[t]["rate"] - rates[2021][t][0]) < 1e-9 for t in rates[2021])
    met = {
        year: {t: a >= TARGETS[year][0] and p >= TARGETS[year][1] for t, (a, p) in rates[year].items()}
        for year in TARGETS
    }
    # Partly met and partly not, in each year and between the years.
    for year in TARGETS:
        assert any(met[year].values()) and not all(met[year].values()), (year, rates[year])
    assert any(met[2020][t] and met[2021][t] for t in met[2020])  # on target both years
    assert any(met[2020][t] and not met[2021][t] for t in met[2020])  # fell short of 2021's
    assert any(not met[2020][t] and not met[2021][t] for t in met[2020])  # behind throughout
    # Rates rise from 2020 to 2021 in every town.
    assert all(
        rates[2021][t][0] >= rates[2020][t][0] and rates[2021][t][1] >= rates[2020][t][1] for t in met[2020]
    )
    # The county as a whole is close to each threshold (within 6 points), not far above or below.
    for year, (a_target, p_target) in TARGETS.items():
        day = datetime.date(year, 12, 31)
        a = selectors.archived_households(as_of=day).count() / farm
        p = next(iter(selectors.precredit_rates("county", on=day).values()))["rate"]
        assert abs(a - a_target) < 0.06 and abs(p - p_target) < 0.06, (year, a, p)
