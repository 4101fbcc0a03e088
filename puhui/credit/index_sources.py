"""The credit system's indicators for the county index: 农户建档率 and 预授信率 per town and period.

Both tables hold a row per farm household (a million at scale 10): they are read grouped by town and day
(`index.sources._spans`), not counted once per period."""

from collections import defaultdict

import pandas as pd
from django.db.models import Count
from django.db.models.functions import TruncDate

from puhui.credit import selectors
from puhui.credit.models import PreCreditLine
from puhui.index.sources import _ratio, _spans, _town_totals, source


@source("credit.archive_rate", "农户信用建档率", unit="%")
def archive_rate(periods):
    """Complete archives verified by the end of the period, over the town's farm households."""
    archived = selectors.archived_households().filter(**{f"{selectors.ARCHIVED_SINCE}__isnull": False})
    num = _spans(archived, "town_id", TruncDate(selectors.ARCHIVED_SINCE), None, periods)
    return _ratio("credit.archive_rate", periods, num, _town_totals()["farm"], 100)


@source("credit.precredit_rate", "农户预授信率", unit="%")
def precredit_rate(periods):
    """Households holding a live pre-credit line at the end of the period, over farm households. Lines are
    counted by their validity; a household holding more than one live line (two banks) counts once."""
    live = PreCreditLine.objects.filter(selectors.live_line_q())
    lines = _spans(live, "town_id", selectors.LINE_VALID_FROM, selectors.LINE_VALID_UNTIL, periods)
    num = lines.merge(_second_lines(live, periods), on=["uCode", "Time"], how="left").fillna({"extra": 0})
    num["n"] = num["n"] - num["extra"]
    return _ratio("credit.precredit_rate", periods, num[["uCode", "Time", "n"]], _town_totals()["farm"], 100)


def _second_lines(live, periods) -> pd.DataFrame:
    """Per town and period, the live lines beyond a household's first (few: read line by line)."""
    several = PreCreditLine.objects.values("household_id").annotate(n=Count("pk")).filter(n__gt=1)
    rows = live.filter(household_id__in=several.values("household_id")).values_list(
        "town__code", "household_id", selectors.LINE_VALID_FROM, selectors.LINE_VALID_UNTIL
    )
    held = defaultdict(int)
    for town, household, start, end in rows:
        for p in periods:
            if start <= p.end <= end:
                held[(town, p.label, household)] += 1
    extra = defaultdict(int)
    for (town, label, _household), n in held.items():
        extra[(town, label)] += n - 1
    return pd.DataFrame(
        [(t, label, n) for (t, label), n in extra.items()], columns=["uCode", "Time", "extra"]
    )
