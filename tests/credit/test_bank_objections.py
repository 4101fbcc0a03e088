"""A bank answers the objections of its own customers (a line it offered or an archive it verified), sees
them on its to-do list and its objections page, and never reaches another bank's."""

import pytest
from django.urls import reverse

from puhui.credit import access, services
from puhui.credit.models import Objection
from tests.core.test_home import todo


@pytest.fixture
def two(county, users, archived):
    """H0 verified by ABC, H1 verified by RCB (both in 历山街道), an objection on each."""
    mine, theirs = archived(0, verifier="abc"), archived(1, verifier="rcb")
    return {
        "abc": services.objection_raise(actor=users["public"], household=mine, text="资产少算了"),
        "rcb": services.objection_raise(actor=users["office"], household=theirs, text="收入登记有误"),
    }


def test_each_bank_sees_only_its_customers_objections(users, two):
    assert list(access.objections_to_answer_for(users["abc"])) == [two["abc"]]
    assert list(access.objections_to_answer_for(users["rcb"])) == [two["rcb"]]
    assert access.may_answer_objection(users["abc"])
    assert not access.may_answer_objection(users["member"])


def test_the_list_and_the_to_do_lead_a_bank_to_its_own(login, users, two):
    client = login(users["abc"])
    page = client.get(reverse("credit_objections")).content.decode()
    assert "资产少算了" in page and "收入登记有误" not in page
    line = todo(client)["待答复的异议"]
    assert line["count"] == 1
    assert line["items"][0]["url"] == reverse("credit_household", args=[two["abc"].household_id])
    assert "资产少算了" in client.get(line["items"][0]["url"]).content.decode()


def test_a_bank_answers_its_own_and_never_another_banks(login, users, two):
    client = login(users["abc"])
    url = reverse("credit_objection_answer", args=[two["rcb"].pk])
    assert client.post(url, {"answer": "不是我行客户"}).status_code == 404
    assert Objection.objects.get(pk=two["rcb"].pk).answered_at is None
    r = client.post(reverse("credit_objection_answer", args=[two["abc"].pk]), {"answer": "已复核资产"})
    assert r.status_code == 302
    done = Objection.objects.get(pk=two["abc"].pk)
    assert done.answer == "已复核资产" and done.answered_by == users["abc"]
    assert "待答复的异议" not in todo(client)
    assert todo(login(users["rcb"]))["待答复的异议"]["count"] == 1
