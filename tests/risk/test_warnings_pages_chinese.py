"""The early-warning pages read in Chinese for each role that reaches them (the crawl's word check, on this
scene: a warning assigned to ABC and answered, a rule changed) and show their numbers with units."""

import pytest
from django.urls import reverse

from puhui.risk.models import Warning
from puhui.risk.services import warnings as services
from tests.crawl import ALLOWED_WORDS, PageParser, english_words

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(loans, periods, users, county):
    for key, name in (
        ("office", "王主任"),
        ("admin", "系统管理员"),
        ("abc", "赵经理"),
    ):  # as real users have them
        users[key].display_name = name
        users[key].save(update_fields=["display_name"])
    services.warnings_evaluate(period=periods["2021Q1"])
    w = Warning.objects.get(rule_code="credit_withdrawal")
    services.warning_assign(actor=users["office"], warning=w, owner=county["abc"], note="请核查")
    services.warning_answer(actor=users["abc"], warning=w, text="已核查，到期收回。")
    services.rules_change(
        actor=users["office"], rule_code="npl_rise_bank", bands={"attention": 0.6}, min_base=1, note="试行"
    )
    return w


def _words(html: str) -> set[str]:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return english_words(parser.text, ALLOWED_WORDS)


@pytest.mark.parametrize("who", ["office", "admin", "abc"])
def test_every_page_is_chinese(client, scene, users, who):
    client.force_login(users[who])
    urls = [reverse("risk:warnings"), reverse("risk:warning", args=[scene.pk])]
    if who != "abc":
        urls += [reverse("risk:warnings_dashboard"), reverse("risk:warning_rules") + "?rule=npl_rise_bank"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _words(response.content.decode()) == set(), url


def test_the_rules_page_shows_versions_and_units(client, scene, users):
    client.force_login(users["office"])
    page = client.get(reverse("risk:warning_rules")).content.decode()
    assert "第 2 版" in page and "试行" in page and "0.60 个百分点" in page and "10,000,000 元" in page
