"""The complaint deadlines, in one place (docs/protection.md gives the sources and the reading).

《中国人民银行金融消费者权益保护实施办法》(2020) and the PBoC's complaint rules give the institution 15 日 to
answer, extendable with its superior's approval and the reason told, to at most 60 日 from receipt. They
say 日, not 工作日: calendar days, counted from the day after receipt (民法典 第二百零一条); a period whose
last day is a public holiday or weekend ends on the next working day (民法典 第二百零三条).
"""

import datetime

from puhui.core.workdays import is_working_day

ANSWER_DAYS = 15
MAX_DAYS = 60
RETENTION_YEARS = 3


def period_end(start: datetime.date, days: int) -> datetime.date:
    """The last day of a period of `days` calendar days after `start`, moved past non-working days."""
    day = start + datetime.timedelta(days=days)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def answer_due(received_on: datetime.date) -> datetime.date:
    return period_end(received_on, ANSWER_DAYS)


def latest_extension(received_on: datetime.date) -> datetime.date:
    return period_end(received_on, MAX_DAYS)


def retention_cutoff(today: datetime.date) -> datetime.date:
    """Complaints closed before this day have been kept RETENTION_YEARS years."""
    try:
        return today.replace(year=today.year - RETENTION_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - RETENTION_YEARS, day=28)
