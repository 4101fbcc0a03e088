"""Reads never write: the data pages, opened on a fresh database, create no period, catalogue entry or
anything else. A reporting period's row is made by the first upload (`services.period_get`); pages read
`selectors.reporting_period`, which builds an unsaved one for a period nobody has reported in yet.
"""

import pytest
from django.urls import reverse

from puhui.data import selectors
from puhui.data.models import ReportingPeriod
from tests.reads import writes_during


def test_reporting_period_reads_and_creates_nothing(db):
    period = selectors.reporting_period("2020q3")
    assert period.pk is None and not ReportingPeriod.objects.exists()
    assert (period.code, period.label, str(period.start), str(period.end)) == (
        "2020Q3",
        "2020年第3季度",
        "2020-07-01",
        "2020-09-30",
    )
    with pytest.raises(ValueError):
        selectors.reporting_period("2020Q5")


def test_reporting_period_returns_the_stored_row(db):
    from puhui.data import services

    stored = services.period_get("2020Q1")
    assert selectors.reporting_period("2020Q1") == stored


@pytest.mark.parametrize(
    "who, names",
    [
        (
            "abc",
            [
                ("data_home", []),
                ("data_my_forms", []),
                ("data_form", ["loans", "2020Q1"]),
            ],
        ),
        (
            "office",
            [
                ("data_home", []),
                ("data_inbox", []),
                ("data_targets", []),
                ("data_explorer", []),
                ("data_catalogue", []),
            ],
        ),
    ],
)
def test_data_pages_write_nothing(client, users, catalogue, who, names):
    client.force_login(users[who])
    for name, args in names:
        url = reverse(name, args=args)
        status, writes = writes_during(client, url)
        assert status in (200, 302), url
        assert writes == [], f"GET {url} ({who}) wrote: {writes}"
    assert not ReportingPeriod.objects.exists()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_template_download_creates_no_period(client, users, catalogue, fmt):
    client.force_login(users["abc"])
    url = reverse("data_template", args=["loans", "2020Q1", fmt])
    status, writes = writes_during(client, url)
    assert status == 200
    assert writes == [], f"GET {url} wrote: {writes}"
    assert not ReportingPeriod.objects.exists()
