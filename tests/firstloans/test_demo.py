"""The demo county's first loans (puhui/firstloans/demo.py) on a small demo county: the 2019 list and the latest
one, contacts and outcomes on part of the 2019 list by the banks of the firms' areas, some cultivated firms
granted a loan in 2020 and 2021 and others not; renewals detected; the pages answer."""

from urllib.parse import unquote

from django.urls import reverse

from puhui.core.models import User
from puhui.firstloans import access
from puhui.firstloans.demo import COUNT_LABELS
from puhui.firstloans.models import Contact, ListedFirm, Outcome, Run


def test_the_2019_list_and_the_latest_with_cultivation_partly_met(in_demo):
    first, latest = Run.objects.order_by("id")
    assert first.period.code == "2019Q4" and latest.period.end > first.period.end
    assert 0 < latest.listed <= first.listed < first.firms_checked
    listed_2019 = set(ListedFirm.objects.filter(run=first).values_list("firm_id", flat=True))
    cultivated = Outcome.objects.all()
    assert cultivated.exists() and set(cultivated.values_list("firm_id", flat=True)) <= listed_2019
    granted = cultivated.filter(status="granted")
    assert 0 < granted.count() < cultivated.count()
    assert {o.decided_on.year for o in granted} <= {2020, 2021}
    # a firm granted a loan has left the latest list; the others of the outcomes are still on it
    still = set(ListedFirm.objects.filter(run=latest).values_list("firm_id", flat=True))
    assert not set(granted.values_list("firm_id", flat=True)) & still
    for outcome in Outcome.objects.select_related("bank", "firm")[:50]:
        assert outcome.firm.town_id in access.service_area(outcome.bank)
    assert Contact.objects.count() >= cultivated.count()


def test_renewals_and_first_loans_are_found_in_the_demo_loans(in_demo):
    latest = Run.objects.order_by("-id").first()
    assert latest.renewals > 0 and latest.first_loans > 0 and latest.disagreements > 0


def test_the_pages_answer_for_the_office_and_a_bank(in_demo, client):
    office = User.objects.get(username="office")
    bank = Outcome.objects.select_related("bank").first().bank
    bank_user = User.objects.filter(role="institution", organisation=bank).first()
    for user in (office, bank_user):
        client.force_login(user)
        for name in ("list", "contacts", "first_check", "disagreements", "renewal_check", "renewals"):
            assert client.get(reverse(f"firstloans:{name}")).status_code == 200, (user, name)
    page = client.get(reverse("firstloans:contacts")).content.decode()
    assert bank.name in page


def test_the_counts_are_labelled(in_demo):
    assert set(COUNT_LABELS) == {"runs", "contacts", "outcomes"}
    assert in_demo["counts"]["firstloans.contacts"] == Contact.objects.count()
    assert in_demo["counts"]["firstloans.outcomes"] == Outcome.objects.count()


def test_the_pages_speak_chinese_and_export(in_demo, client):
    from tests.crawl import ALLOWED_WORDS, PageParser, english_words

    office = User.objects.get(username="office")
    outcome = Outcome.objects.select_related("bank").first()
    bank_user = User.objects.filter(role="institution", organisation=outcome.bank).first()
    pages = [reverse(f"firstloans:{n}") for n in ("list", "contacts", "first_check", "disagreements",
                                                   "renewal_check", "renewals")]  # fmt: skip
    pages += [reverse("firstloans:firm", args=[outcome.firm_id])]
    for user in (office, bank_user):
        client.force_login(user)
        for url in pages + [reverse("firstloans:contact_add", args=[outcome.firm_id])]:
            response = client.get(url)
            if response.status_code != 200:
                assert user == office, url  # the office records nothing
                continue
            parser = PageParser()
            parser.feed(response.content.decode())
            parser.close()
            assert english_words(parser.text, ALLOWED_WORDS) == set(), (user.username, url)
    client.force_login(office)
    assert client.get(reverse("firstloans:runs")).status_code == 200
    export = client.get(reverse("firstloans:list") + "?export=xlsx")
    assert export.status_code == 200 and "首贷培植名单" in unquote(export["Content-Disposition"])
