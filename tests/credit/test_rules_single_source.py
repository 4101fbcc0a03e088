"""建档 and 预授信 are defined once (puhui.credit.selectors): change the rule there and every consumer —
the county index source, the data capability's derived indicator, the pages' selectors and the model —
follows. Also: a designation condition with an unknown operator raises."""

import types

import pytest
from django.utils import timezone

from puhui.credit import selectors, services
from puhui.credit.index_sources import archive_rate, precredit_rate
from puhui.credit.models import HouseholdArchive, PreCreditLine
from puhui.data import derived
from puhui.index.periods import periods

from .conftest import COMPLETE


def _figures(town):
    """Each consumer's count of archived households and of households with a live line, today."""
    today = timezone.localdate()
    (this_year,) = periods("year", today.year, today.year)
    farm = sum(v.farm_households for v in town.children.all())

    def index_count(frame, key):
        row = frame[(frame["uCode"] == town.code) & (frame["Time"] == this_year.label)]
        return round(float(row[key].iloc[0]) * farm / 100)

    out: dict = {}
    derived._credit_values({"credit_archived", "credit_precredit"}, types.SimpleNamespace(end=today), out)

    def derived_count(key):
        series = out.get(f"platform:{key}", {}).get("town")
        return int(series.get(town.pk, 0)) if series is not None else 0

    rows = selectors.village_rows(town.children.all(), year=today.year)
    return {
        "archived": {
            "index": index_count(archive_rate([this_year]), "credit.archive_rate"),
            "derived": derived_count("credit_archived"),
            "rates": selectors.archive_rates("town")[town.pk]["archived"],
            "page": sum(r["archived"] for r in rows),
            "model": sum(a.counts_as_archived for a in HouseholdArchive.objects.filter(town=town)),
        },
        "live": {
            "index": index_count(precredit_rate([this_year]), "credit.precredit_rate"),
            "derived": derived_count("credit_precredit"),
            "rates": selectors.precredit_rates("town", on=today)[town.pk]["with_line"],
            "page": sum(r["with_line"] for r in rows),
        },
    }


@pytest.fixture
def setting(county, users, archived):
    """Household 0: archived (complete, verified) with an offered line; another household of the town:
    complete but only submitted."""
    hh = archived(0)
    services.line_offer(actor=users["abc"], household=hh, valid_until=timezone.localdate().replace(year=2099))
    other = next(h for h in county["households"][1:] if h.town_id == hh.town_id)
    services.archive_save(actor=users["agent"], household=other, data=dict(COMPLETE))
    assert HouseholdArchive.objects.get(household=other).status == "submitted"
    return hh.town


def test_every_consumer_agrees_on_the_rules_as_defined(setting):
    town = setting
    figures = _figures(town)
    assert set(figures["archived"].values()) == {1}, figures
    assert set(figures["live"].values()) == {1}, figures


def test_changing_the_archive_rule_in_one_place_changes_every_consumer(setting, monkeypatch):
    town = setting
    # A looser rule: complete is enough (no verification), counted from the last change.
    monkeypatch.setattr(selectors, "ARCHIVED_WHERE", {"is_complete": True})
    monkeypatch.setattr(selectors, "ARCHIVED_SINCE", "updated_at")
    figures = _figures(town)
    assert set(figures["archived"].values()) == {2}, figures
    # A stricter one nobody meets.
    monkeypatch.setattr(selectors, "ARCHIVED_WHERE", {"is_complete": True, "status": "withdrawn"})
    figures = _figures(town)
    assert set(figures["archived"].values()) == {0}, figures


def test_changing_the_live_line_rule_in_one_place_changes_every_consumer(setting, monkeypatch):
    town = setting
    assert PreCreditLine.objects.get().status == PreCreditLine.Status.OFFERED
    monkeypatch.setattr(selectors, "LIVE_LINE_STATUSES", (PreCreditLine.Status.ACCEPTED,))
    figures = _figures(town)
    assert set(figures["live"].values()) == {0}, figures
    assert set(figures["archived"].values()) == {1}, figures


def test_the_offer_gate_uses_the_same_rule(setting, users, county, monkeypatch):
    from django.http import Http404

    from puhui.credit import access

    other = HouseholdArchive.objects.get(status="submitted").household
    with pytest.raises(Http404):
        access.access_household_for_offer(users["abc"], other.pk)
    monkeypatch.setattr(selectors, "ARCHIVED_WHERE", {"is_complete": True})
    assert access.access_household_for_offer(users["abc"], other.pk) == other


# ---------------------------------------------------------------- designation operators


@pytest.mark.parametrize(
    ("op", "value", "met"),
    [
        ("ge", 0.5, True),
        ("ge", 0.4, False),
        ("gt", 0.5, False),
        ("gt", 0.6, True),
        ("le", 0.5, True),
        ("le", 0.6, False),
        ("lt", 0.5, False),
        ("lt", 0.4, True),
    ],
)
def test_known_designation_operators(op, value, met):
    assert services._check({"key": "x", "op": op, "threshold": 0.5}, value) is met


@pytest.mark.parametrize("op", ["gte", "<=", "", None, "LE"])
def test_an_unknown_designation_operator_raises_never_falls_back(op):
    cond = {"key": "x", "op": op, "threshold": 0.5}
    with pytest.raises(ValueError, match="运算符"):
        services._check(cond, 0.1)
    with pytest.raises(ValueError):
        services._check(cond, None)  # even without a figure


def test_missing_operator_raises():
    with pytest.raises(ValueError):
        services._check({"key": "x", "threshold": 0.5}, 0.1)


def test_evaluation_with_a_mistyped_rule_stops(county, users):
    from puhui.credit.models import Designation, DesignationRule

    spec = {
        "conditions": [{"key": "credit_household_share", "label": "信用户", "op": "gte", "threshold": 0.7}]
    }
    DesignationRule.objects.create(level="village", version="typo", spec=spec)
    with pytest.raises(ValueError):
        services.designations_evaluate(actor=users["office"], year=2020)
    assert not Designation.objects.exists()


def test_pages_show_each_operator_sign(county, users, login):
    from puhui.credit.models import DesignationRule

    spec = {
        "conditions": [
            {"key": "credit_household_share", "label": "信用户占比", "op": op, "threshold": 0.5}
            for op in ("ge", "gt", "le", "lt")
        ]
    }
    for level in ("village", "town"):
        DesignationRule.objects.create(level=level, version="四种", spec=spec)
    village, town = county["villages"][0], county["towns"][0]
    office = login(users["office"])
    for url in (f"/credit/villages/{village.pk}/", f"/credit/towns/{town.pk}/"):
        page = office.get(url).content.decode()
        for sign in ("≥ ", "&gt; ", "≤ ", "&lt; "):
            assert sign in page, (url, sign)
