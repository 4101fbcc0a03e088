"""`puhui monetary_rates`, the nightly rebuild of the rate summary: it rebuilds when the approved returns changed
and says so, skips when they did not (unless --force); the default schedule runs it."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from puhui.jobs import schedule
from puhui.monetary.models import RateCell, RateRefresh

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("monetary_rates", *args, stdout=out)
    return out.getvalue().strip()


def test_the_nightly_rebuild_runs_only_when_the_returns_changed(county, loans, settings):
    loans(
        county["abc"], "2020Q1", [("A1", "farm", "credit", 100_000, "5.00", datetime.date(2020, 1, 10), True)]
    )
    assert _run().startswith("已重新汇总利率监测数据：1 格")
    assert RateCell.objects.count() == 1 and RateRefresh.objects.count() == 1
    assert _run() == "利率监测汇总已是最新，未重新汇总。"
    assert RateRefresh.objects.count() == 1
    assert _run("--force").startswith("已重新汇总利率监测数据：1 格")
    loans(
        county["rcb"], "2020Q1", [("R1", "small", "credit", 50_000, "6.00", datetime.date(2020, 2, 1), False)]
    )
    assert _run().startswith("已重新汇总利率监测数据：2 格")

    if hasattr(settings, "PUHUI_SCHEDULE"):
        del settings.PUHUI_SCHEDULE
    entry = {e.name: e for e in schedule.scheduled_jobs()}["monetary.rates"]
    assert (entry.command, entry.at) == ("monetary_rates", datetime.time(3, 40))
