"""The evaluation scene on the test county: two targets with county figures for 2020Q4–2021Q4 (what the data
app's computation stores), reports' files in a temporary MEDIA_ROOT. No plan and no index run: those sections
say so (the demo-based module checks them with real data)."""

from decimal import Decimal

import pytest

from puhui.data.models import DerivedRun, Indicator, IndicatorValue, Target
from puhui.data.services import period_get

QUARTERS = ("2020Q4", "2021Q1", "2021Q2", "2021Q3", "2021Q4")
# Farm households with a credit archive (%), quarter by quarter: rising to the 90 % of the plan's target.
ARCHIVED = (60, 70, 78, 85, 91)
NPL = (3.1, 2.9, 2.8, 2.6, 2.4)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def figures(county):
    for code, name in (("archive_rate", "农户建档率"), ("npl_ratio", "不良贷款率")):
        Indicator.objects.create(
            code=code,
            name=name,
            definition=name,
            unit="%",
            source_kind="derived",
            source="-",
            levels=["county"],
        )
    Target.objects.create(
        code="archive_rate", name="农户建档率", clause="九", indicator_code="archive_rate", rule="level",
        comparator="ge", threshold=Decimal("90"), period_kind="quarter", deadline_period="2021Q4",
    )  # fmt: skip
    Target.objects.create(
        code="npl", name="不良贷款率", clause="十一", indicator_code="npl_ratio", rule="level",
        comparator="le", threshold=Decimal("2.5"), period_kind="quarter",
    )  # fmt: skip
    for code, archived, npl in zip(QUARTERS, ARCHIVED, NPL, strict=True):
        period = period_get(code)
        run = DerivedRun.objects.create(period=period)
        for indicator, value in (("archive_rate", archived), ("npl_ratio", npl)):
            IndicatorValue.objects.create(
                run=run, indicator_code=indicator, indicator_version=1, period=period, level="county",
                value=Decimal(str(value)),
            )  # fmt: skip
    return county
