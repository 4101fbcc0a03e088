"""The indicator explorer opens on the latest period with the indicator's figures, offers only periods
with figures, and says so for a period computed without them."""

import re

import pytest

from puhui.data import services
from puhui.data.models import DerivedRun
from tests.data.test_access import abc_submission  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("catalogue")


def options(page: str) -> list[str]:
    m = re.search(r'<select name="period"[^>]*>(.*?)</select>', page, re.S)
    return re.findall(r'<option value="([^"]+)"', m.group(1))


@pytest.fixture
def empty_later_quarter(abc_submission):  # noqa: F811
    """2020Q2 computed with no submissions: a derived run, no loan figures."""
    DerivedRun.objects.create(period=services.period_get("2020Q2"))


def test_opens_on_the_latest_period_with_figures(empty_later_quarter, login, users):
    page = (
        login(users["office"]).get("/data/indicators/?indicator=loan_balance&level=county").content.decode()
    )
    assert options(page) == ["2020Q1"]  # 2020Q2 has a run but no loan figures: not offered
    assert "selected>2020年第1季度<" in page
    assert 'data-testid="period-notice"' not in page


def test_a_period_without_figures_says_so(empty_later_quarter, login, users):
    page = (
        login(users["office"])
        .get("/data/indicators/?indicator=loan_balance&level=county&period=2020Q2")
        .content.decode()
    )
    assert "2020年第2季度没有数据，最近有数据的是2020年第1季度。" in page
    assert (
        'href="?indicator=loan_balance&amp;level=county&amp;period=2020Q1" data-testid="period-latest"'
        in page
    )
    assert options(page) == ["2020Q2", "2020Q1"]


def test_a_malformed_or_unknown_period_is_a_404(empty_later_quarter, login, users):
    client = login(users["office"])
    assert client.get("/data/indicators/?indicator=loan_balance&period=2020Q9").status_code == 404
    assert client.get("/data/indicators/?indicator=loan_balance&period=2019Q1").status_code == 404
