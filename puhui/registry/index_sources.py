"""The registry's indicator for the county index (found by `puhui/index/sources.py`)."""

from django.db.models import Q

from puhui.index.sources import _counts, _ratio, _town_totals, source
from puhui.registry.models import Firm


# Firms are county subjects like outlets and service points: the key keeps its "core." name.
@source("core.firms_per_1k", "每千人市场主体数", unit="户/千人")
def firms_per_1k(periods):
    num = _counts(Firm.objects.all(), "town__code", periods, lambda p: Q(registered_on__lte=p.end))
    return _ratio("core.firms_per_1k", periods, num, _town_totals()["pop"], 1_000)
