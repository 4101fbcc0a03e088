"""The credit system's indicators for the county index: 农户建档率 and 预授信率 per town and period."""

import pandas as pd
from django.db.models import Count

from puhui.credit import selectors
from puhui.credit.models import PreCreditLine
from puhui.index.sources import _counts, _ratio, _town_totals, source


@source("credit.archive_rate", "农户信用建档率", unit="%")
def archive_rate(periods):
    """Complete archives verified by the end of the period, over the town's farm households."""
    archived = selectors.archived_households()
    num = _counts(archived, "town__code", periods, lambda p: selectors.archived_q(as_of=p.end))
    return _ratio("credit.archive_rate", periods, num, _town_totals()["farm"], 100)


@source("credit.precredit_rate", "农户预授信率", unit="%")
def precredit_rate(periods):
    """Households holding a live pre-credit line at the end of the period, over farm households."""
    live = PreCreditLine.objects.filter(selectors.live_line_q())
    ann = {
        f"p{i}": Count("household_id", distinct=True, filter=selectors.live_line_q(p.end))
        for i, p in enumerate(periods)
    }
    rows = live.values("town__code").annotate(**ann)
    num = pd.DataFrame(
        [(r["town__code"], p.label, r[f"p{i}"]) for r in rows for i, p in enumerate(periods)],
        columns=["uCode", "Time", "n"],
    )
    return _ratio("credit.precredit_rate", periods, num, _town_totals()["farm"], 100)
