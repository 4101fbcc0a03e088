"""The credit system's indicators for the county index, per town and period."""

import datetime

from django.utils import timezone

from puhui.credit import services
from puhui.credit.index_sources import archive_rate, precredit_rate
from puhui.credit.models import HouseholdArchive, PreCreditLine
from puhui.index.periods import periods


def test_archive_and_precredit_rates_follow_the_dates(county, users, archived):
    hh = archived(0)  # 历山街道: 2 villages × 250 farm households
    HouseholdArchive.objects.filter(household=hh).update(
        verified_at=timezone.make_aware(datetime.datetime(2020, 5, 1, 10))
    )
    services.line_offer(actor=users["abc"], household=hh, valid_until=datetime.date(2030, 1, 1))
    PreCreditLine.objects.filter(household=hh).update(valid_from=datetime.date(2021, 3, 1))
    years = periods("year", 2019, 2021)

    def by_year(frame, key, town="370323001000"):
        rows = frame[frame["uCode"] == town]
        return dict(zip(rows["Time"], rows[key].round(4), strict=True))

    assert by_year(archive_rate(years), "credit.archive_rate") == {"2019": 0.0, "2020": 0.2, "2021": 0.2}
    assert by_year(precredit_rate(years), "credit.precredit_rate") == {"2019": 0.0, "2020": 0.0, "2021": 0.2}
    assert by_year(archive_rate(years), "credit.archive_rate", town="370323102000")["2021"] == 0.0
