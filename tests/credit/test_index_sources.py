"""The credit system's indicators for the county index, per town and period."""

import datetime

from django.utils import timezone

from puhui.credit import selectors, services
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


def test_the_grouped_reads_equal_the_rule_counted_on_each_quarter_end(county, users, archived):
    """Two banks' overlapping lines count the household once; an archive verified in the last minutes of a
    local day counts on that day (the index reads dates in the county's time zone, the rule compares moments)."""
    first, second = archived(0), archived(1)
    local = timezone.get_current_timezone()
    HouseholdArchive.objects.filter(household=first).update(
        verified_at=datetime.datetime(2020, 12, 31, 23, 50, tzinfo=local)
    )
    HouseholdArchive.objects.filter(household=second).update(
        verified_at=datetime.datetime(2021, 1, 1, 0, 5, tzinfo=local)
    )
    for bank, start, end in [
        ("abc", datetime.date(2020, 3, 1), datetime.date(2021, 6, 30)),
        ("rcb", datetime.date(2021, 1, 1), datetime.date(2030, 1, 1)),
    ]:
        line = services.line_offer(actor=users[bank], household=first, valid_until=datetime.date(2030, 1, 1))
        PreCreditLine.objects.filter(pk=line.pk).update(valid_from=start, valid_until=end)
    line = services.line_offer(actor=users["abc"], household=second, valid_until=datetime.date(2030, 1, 1))
    PreCreditLine.objects.filter(pk=line.pk).update(valid_from=datetime.date(2021, 6, 30))
    quarters = periods("quarter", 2020, 2021)
    farm = 500  # 历山街道: 2 villages × 250 farm households
    archives, lines = archive_rate(quarters), precredit_rate(quarters)
    for p in quarters:
        town = "370323001000"
        archived_then = selectors.archived_households(as_of=p.end).filter(town__code=town).count()
        holding = (
            selectors.live_lines(p.end).filter(town__code=town).values("household_id").distinct().count()
        )
        row = (archives["uCode"] == town) & (archives["Time"] == p.label)
        assert archives.loc[row, "credit.archive_rate"].item() == 100 * archived_then / farm
        row = (lines["uCode"] == town) & (lines["Time"] == p.label)
        assert lines.loc[row, "credit.precredit_rate"].item() == 100 * holding / farm
    assert archives.set_index(["uCode", "Time"]).loc[("370323001000", "2020Q4"), "credit.archive_rate"] == 0.2
    by_quarter = lines[lines["uCode"] == "370323001000"].set_index("Time")["credit.precredit_rate"]
    assert by_quarter["2020Q4"] == 0.2 and by_quarter["2021Q1"] == 0.2 and by_quarter["2021Q2"] == 0.4
