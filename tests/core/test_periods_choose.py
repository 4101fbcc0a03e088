"""`periods.choose`: the period a page shows — asked for, else the latest with data — and its notice."""

import pytest

from puhui.core.periods import choose


def test_nothing_asked_opens_on_the_latest_with_data():
    c = choose("", ["2021Q4", "2021Q3"])
    assert (c.code, c.has_data, c.notice, c.asked) == ("2021Q4", True, "", False)


def test_a_period_without_data_is_shown_and_said_to_be_empty():
    c = choose("2026", ["2021", "2020"])
    assert (c.code, c.has_data, c.asked) == ("2026", False, True)
    assert c.notice == "2026年没有数据，最近有数据的是2021年。"


def test_no_data_at_all_falls_back_to_the_default():
    c = choose(None, [], default="2026")
    assert (c.code, c.latest, c.notice) == ("2026", None, "还没有任何一期的数据。")
    assert choose(None, []).code is None


def test_codes_are_normalised_and_malformed_ones_refused():
    assert choose(" 2021q3 ", ["2021Q3"]).has_data
    with pytest.raises(ValueError):
        choose("2021Q5", ["2021Q4"])
