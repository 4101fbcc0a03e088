"""The dishonest-debtor list's rule: how long the debtor has to object after the notice.

15 calendar days (the usual 异议期 of credit-discipline lists, e.g. 失信被执行人 and 信用中国 objection rules).
A county may set `PUHUI_DISPOSAL_OBJECTION_DAYS` in its settings; the window is fixed on each listing at
notice, so a change applies to notices given after it.
"""

import datetime

from django.conf import settings

DEFAULT_OBJECTION_DAYS = 15


def objection_days() -> int:
    return int(getattr(settings, "PUHUI_DISPOSAL_OBJECTION_DAYS", DEFAULT_OBJECTION_DAYS))


def objection_until(notified_on: datetime.date, days: int) -> datetime.date:
    """The last day an objection is accepted: `days` calendar days after the notice (the notice day not
    counted, as deadlines are counted in Chinese procedure law)."""
    return notified_on + datetime.timedelta(days=days)
