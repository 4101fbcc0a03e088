"""The protection pages crawled for each role on a scene with a complaint and a confirmed mediation case:
no server error, no English in what people read, downloads named in Chinese."""

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from puhui.core.models import User
from puhui.protection.services import complaints as cs
from puhui.protection.services import mediation as ms
from tests.crawl import Crawler
from tests.protection.conftest import days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(users, units, file):
    complaint, _ = file(received_ago=30)
    cs.complaint_answer(actor=users["abc"], complaint=complaint, answer="不予退费。", answered_on=days_ago(2))
    cs.complaint_escalate(actor=None, complaint=complaint, reason="不满意")
    file(received_ago=12)
    case = ms.mediation_open(
        actor=users["office"], complaint=complaint, org=units["org"], opened_on=days_ago(1)
    )
    ms.session_add(actor=units["justice_user"], case=case, held_on=days_ago(1), note="调解")
    ms.agreement_make(
        actor=units["justice_user"], case=case, terms="退还", amount=None, agreement_on=timezone.localdate(),
        applicant_consents=True, institution_consents=True,
    )  # fmt: skip
    ms.confirmation_apply(actor=units["justice_user"], case=case, applied_on=timezone.localdate())
    return case


@pytest.mark.parametrize("who", ["office", "abc", "public", "court", "justice", None])
def test_the_pages_are_chinese_and_answer(client, users, scene, who, settings):
    settings.DEBUG = False
    if who:
        client.force_login(User.objects.get(username=who if who != "public" else "farmer"))
    start = [reverse("protection:public")]
    if who:
        start += [
            reverse(f"protection:{n}")
            for n in ("complaints", "board", "statistics", "mediations", "orgs", "typical")
        ]
    usernames = set(User.objects.values_list("username", flat=True))
    # Only this app's pages: every other top-level path is left to its own app's crawl.
    others = {
        f"/{p.pattern}" for p in get_resolver().url_patterns if str(p.pattern) not in ("protection/", "")
    }
    result = Crawler(client, allowed=usernames, per_name=2, per_path=1, skip=tuple(others)).crawl(start)
    assert not result.server_errors
    mine = {url: words for url, words in result.english.items() if url.startswith("/protection/")}
    assert not mine, mine
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in name) for name in result.downloads.values())
    if who in ("office", "justice", "court"):
        assert any(
            "/protection/mediation/" in url and url.rstrip("/").split("/")[-1].isdigit()
            for url in result.visited
        )
