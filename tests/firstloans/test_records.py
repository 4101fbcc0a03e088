"""The banks' contacts and outcomes: only on firms of the list in their own area, each bank seeing its own."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from puhui.core.models import AuditLog
from puhui.firstloans import access
from puhui.firstloans.models import Contact, Outcome
from puhui.firstloans.services.compute import run_compute
from puhui.firstloans.services.records import contact_record, outcome_set
from tests.firstloans.conftest import D, approved_return, loan

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(county, more_firms, users):
    sub = approved_return(county["abc"], "2020Q2")
    loan(sub, more_firms["borrower"].uscc, "ABC-1", D(2020, 4, 10), D(2021, 4, 10), town=county["towns"][1])
    return run_compute(actor=users["office"])


def _contact(actor, firm, **kw):
    data = {"contacted_on": D(2021, 3, 2), "way": "phone", "result": "有意向", "next_step": ""}
    data.update(kw)
    return contact_record(actor=actor, firm=firm, **data)


def test_a_bank_cannot_record_on_a_firm_outside_its_area(run, county, users, login):
    lucun_shop = county["firms"][1]  # 鲁村镇: ABC's area, not RCB's
    with pytest.raises(ValidationError, match="不在本行的服务区域内"):
        _contact(users["rcb"], lucun_shop)
    client = login(users["rcb"])
    url = reverse("firstloans:contact_add", args=[lucun_shop.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"contacted_on": "2021-03-02", "way": "visit", "result": "走访"})
    assert response.status_code == 404 and not Contact.objects.exists()
    assert client.get(reverse("firstloans:firm", args=[lucun_shop.pk])).status_code == 404


def test_a_firm_that_borrowed_is_not_on_the_list_and_takes_no_contact(run, more_firms, users, login):
    with pytest.raises(ValidationError, match="不在首贷培植名单上"):
        _contact(users["abc"], more_firms["borrower"])
    url = reverse("firstloans:contact_add", args=[more_firms["borrower"].pk])
    assert login(users["abc"]).get(url).status_code == 404


def test_each_bank_sees_its_own_contacts_the_office_all(run, county, users):
    lishan_firm = county["firms"][0]  # both banks' area
    mine = _contact(users["abc"], lishan_firm)
    theirs = _contact(users["rcb"], lishan_firm, way="visit")
    assert mine.bank == county["abc"] and theirs.bank == county["rcb"]
    assert list(access.contacts_for(users["abc"])) == [mine]
    assert list(access.contacts_for(users["rcb"])) == [theirs]
    assert set(access.contacts_for(users["office"])) == {mine, theirs}
    assert not access.contacts_for(users["member"]).exists()
    assert AuditLog.objects.filter(object_type="firstloans.Contact").count() == 2


def test_bad_input_is_refused_in_chinese_naming_the_field(run, county, users, login):
    firm = county["firms"][0]
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as caught:
        _contact(users["abc"], firm, contacted_on=tomorrow)
    assert "联系日期不能晚于今天" in caught.value.message_dict["contacted_on"][0]
    with pytest.raises(ValidationError) as caught:
        outcome_set(actor=users["abc"], firm=firm, status="granted", decided_on=D(2021, 5, 1))
    assert "贷款金额" in caught.value.message_dict["amount"][0]
    client = login(users["abc"])
    response = client.post(reverse("firstloans:contact_add", args=[firm.pk]), {"way": "visit", "result": ""})
    assert response.status_code == 400 and "还没有保存" in response.content.decode()
    assert not Contact.objects.exists() and not Outcome.objects.exists()


def test_an_outcome_is_one_per_bank_and_firm_and_moves_on(run, county, users, login):
    firm = county["firms"][0]
    client = login(users["abc"])
    url = reverse("firstloans:outcome_edit", args=[firm.pk])
    client.post(url, {"status": "applied", "decided_on": "2021-04-01", "note": "已申请"})
    client.post(url, {"status": "granted", "decided_on": "2021-05-20", "amount": "300000", "note": "已放款"})
    outcome = Outcome.objects.get()
    assert (outcome.status, outcome.amount_fen, outcome.bank) == ("granted", 30_000_000, county["abc"])
    page = client.get(reverse("firstloans:firm", args=[firm.pk])).content.decode()
    assert "已获得贷款" in page and "300,000 元" in page
    from puhui.firstloans.selectors.figures import cultivated_values

    village = firm.village_id
    assert cultivated_values(D(2021, 1, 1), D(2021, 12, 31)) == [(county["abc"].pk, firm.town_id, village, 1)]


def test_the_list_page_shows_the_banks_area_and_its_summary(run, county, users, login):
    page = login(users["rcb"]).get(reverse("firstloans:list")).content.decode()
    assert "沂源甲公司" in page and "鲁村乙商店" not in page and "名单企业 1 户" in page
    office = login(users["office"]).get(reverse("firstloans:list")).content.decode()
    assert "沂源甲公司" in office and "鲁村乙商店" in office
