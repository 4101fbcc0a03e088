"""Reads never write: every credit page, opened by each role that may see it, changes no data.

The defaults a page reads — the shipped scorecard, the limit rule, the designation rules — are installed
by the post_migrate handler (`puhui.credit.defaults.install_defaults`), not by the first page view; with
the rows gone, the pages read the shipped defaults in memory and still write nothing. The pages and who
may open them are the GET rows of the URL table (`tests/credit/test_url_table.py`).
"""

import pytest
from django.urls import reverse

from puhui.credit.models import DesignationRule, LimitRule, ScorecardVersion
from tests.credit.test_url_table import CASES, scene  # noqa: F401  (scene: the fixture)
from tests.reads import writes_during
from tests.url_tables import ROLES

# (url name, args, roles that get a page: 200, or 302 for the farmer's own-household redirect)
PAGES = [
    (name, args, [role for role, code in expected.items() if role in ROLES and code in ("200", "302")])
    for name, args, method, expected, _ in CASES
    if method == "get"
]


@pytest.mark.parametrize("role", list(ROLES))
def test_credit_pages_write_nothing(client, scene, users, role):  # noqa: F811
    client.force_login(users[ROLES[role]])
    seen = 0
    for name, args, roles in PAGES:
        if role not in roles:
            continue
        url = reverse(name, args=args(scene) if args else None)
        status, writes = writes_during(client, url)
        assert status in (200, 302), (url, role, status)
        assert writes == [], f"GET {url} ({role}) wrote: {writes}"
        seen += 1
    assert seen >= 1


def test_credit_pages_write_nothing_without_the_default_rows(client, scene, users):  # noqa: F811
    """A database whose defaults are missing (e.g. deleted by hand): the pages use the shipped
    defaults in memory and install nothing."""
    # The scene's rating points at the default card (PROTECT-free FK): keep it, drop the rules.
    LimitRule.objects.all().delete()
    DesignationRule.objects.all().delete()
    cards_before = ScorecardVersion.objects.count()
    for role in ("office", "town", "institution", "agent", "public"):
        client.force_login(users[ROLES[role]])
        for name, args, roles in PAGES:
            if role not in roles:
                continue
            url = reverse(name, args=args(scene) if args else None)
            status, writes = writes_during(client, url)
            assert status in (200, 302), (url, role, status)
            assert writes == [], f"GET {url} ({role}) without defaults wrote: {writes}"
    assert not LimitRule.objects.exists() and not DesignationRule.objects.exists()
    assert ScorecardVersion.objects.count() == cards_before


def test_scorecards_page_on_an_empty_card_table_writes_nothing(client, db, users):
    ScorecardVersion.objects.all().delete()
    client.force_login(users["office"])
    status, writes = writes_during(client, reverse("credit_scorecards"))
    assert status == 200 and writes == []
    assert not ScorecardVersion.objects.exists()


def test_defaults_are_installed_by_migrate_and_idempotent(db):
    """post_migrate installed one active default of each; running the handler again adds nothing."""
    from puhui.credit.defaults import install_defaults

    counts = (ScorecardVersion.objects.count(), LimitRule.objects.count(), DesignationRule.objects.count())
    assert ScorecardVersion.objects.filter(status=ScorecardVersion.Status.ACTIVE).count() == 1
    assert LimitRule.objects.filter(is_active=True).count() == 1
    levels = set(DesignationRule.objects.filter(is_active=True).values_list("level", flat=True))
    assert levels == {"household", "village", "town", "county"}
    install_defaults()
    install_defaults()
    assert (
        ScorecardVersion.objects.count(),
        LimitRule.objects.count(),
        DesignationRule.objects.count(),
    ) == counts
