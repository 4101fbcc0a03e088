"""Bank outlets (网点) are suspended and resumed with dates and history, as service points are: by the service
(`network.outlet_suspend` / `outlet_resume`), the outlet's page and the banks' batch API; the register of any
day says whether an outlet was suspended then."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from puhui.core.models import AuditLog, Organisation, OutletEvent
from puhui.registry import network
from tests.api import conftest as api_fixtures
from tests.api.conftest import error_of

tokens = api_fixtures.tokens
api = api_fixtures.api

D = datetime.date


@pytest.fixture
def outlet(county):
    o = county["abc_outlet"]
    o.opened_on = D(2015, 3, 1)
    o.save(update_fields=["opened_on"])
    return o


def messages(exc) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


def test_suspended_and_resumed_with_dates_and_history(users, outlet):
    network.outlet_suspend(actor=users["abc"], outlet=outlet, on=D(2020, 7, 1), note="装修")
    network.outlet_resume(actor=users["abc"], outlet=outlet, on=D(2020, 9, 15))
    outlet.refresh_from_db()
    assert outlet.suspended_on is None
    assert list(outlet.outlet_events.values_list("kind", "on")) == [
        (OutletEvent.Kind.SUSPENDED, D(2020, 7, 1)),
        (OutletEvent.Kind.RESUMED, D(2020, 9, 15)),
    ]
    # The register on a day: in the register all along, suspended only between the two dates.
    assert network.outlet_on(outlet, D(2020, 6, 30)) == (outlet.pk, False)
    assert network.outlet_on(outlet, D(2020, 7, 1)) == (outlet.pk, True)
    assert network.outlet_on(outlet, D(2020, 9, 14)) == (outlet.pk, True)
    assert network.outlet_on(outlet, D(2020, 9, 15)) == (outlet.pk, False)
    assert network.outlet_on(outlet, D(2015, 2, 28)) is None  # not yet open
    assert outlet.pk in network.outlets_suspended_on(D(2020, 8, 1))
    assert [what for _on, what, _note in network.outlet_timeline(outlet)] == ["开业", "暂停营业", "恢复营业"]
    notes = AuditLog.objects.filter(object_type="core.Organisation", object_id=str(outlet.pk))
    assert set(notes.values_list("note", flat=True)) == {"装修", "网点恢复营业"}


def test_every_refusal_in_chinese(users, county, outlet):
    with pytest.raises(ValidationError) as exc:
        network.outlet_suspend(actor=users["abc"], outlet=outlet, on=D(2015, 1, 1))
    assert "暂停日期（2015-01-01）早于开业日期（2015-03-01）" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        network.outlet_suspend(actor=users["abc"], outlet=outlet, on=None)
    assert "请填写暂停日期" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        network.outlet_resume(actor=users["abc"], outlet=outlet, on=D(2020, 1, 1))
    assert "没有暂停营业，无需恢复" in messages(exc)
    network.outlet_suspend(actor=users["abc"], outlet=outlet, on=D(2020, 7, 1))
    with pytest.raises(ValidationError) as exc:
        network.outlet_suspend(actor=users["abc"], outlet=outlet, on=D(2020, 8, 1))
    assert "已于 2020-07-01 暂停营业" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        network.outlet_resume(actor=users["abc"], outlet=outlet, on=D(2020, 6, 1))
    assert "恢复日期（2020-06-01）早于暂停日期（2020-07-01）" in messages(exc)
    # Another bank's outlet, a county branch, a town official: not theirs to change.
    for actor, target in (
        (users["rcb"], outlet),
        (users["abc"], county["abc"]),
        (users["town_lucun"], outlet),
    ):
        with pytest.raises(PermissionDenied):
            network.outlet_suspend(actor=actor, outlet=target, on=D(2020, 8, 1))
    closed = county["rcb_outlet"]
    closed.closed_on = D(2021, 1, 1)
    closed.save(update_fields=["closed_on"])
    with pytest.raises(ValidationError) as exc:
        network.outlet_suspend(actor=users["office"], outlet=closed, on=D(2021, 2, 1))
    assert "已于 2021-01-01 撤销，不能暂停营业" in messages(exc)
    assert OutletEvent.objects.count() == 1


def test_the_outlets_page(login, users, outlet):
    client = login(users["abc"])
    url = reverse("outlet_detail", args=[outlet.pk])
    assert 'data-testid="outlet-steps"' in client.get(url).content.decode()
    r = client.post(
        reverse("outlet_suspend", args=[outlet.pk]), {"suspend-on": "2020-07-01", "suspend-note": ""}
    )
    assert r.status_code == 302
    page = client.get(url, {"on": "2020-08-01"}).content.decode()
    assert "2020年8月1日：\n  在册，暂停营业" in page and "恢复营业" in page
    assert "在册，营业中" in client.get(url, {"on": "2020-06-30"}).content.decode()
    bad = client.post(reverse("outlet_resume", args=[outlet.pk]), {"resume-on": "2020-06-01"})
    assert bad.status_code == 200 and "早于暂停日期" in bad.content.decode()
    # The organisation's page leads to it; the other bank's staff get no such page.
    assert url in client.get(reverse("organisation_detail", args=[outlet.pk])).content.decode()
    assert login(users["rcb"]).get(url).status_code == 404
    town = login(users["town_lucun"]).get(url).content.decode()  # reads it, changes nothing
    assert "暂停营业" in town and 'data-testid="outlet-steps"' not in town


def test_the_banks_batch_api_suspends_and_resumes(api, outlet):
    abc = api("abc")

    def item(**kw):
        return {
            "code": "ABC-YY-01",
            "name": "农行鲁村分理处",
            "parent_code": "ABC-YY",
            "opened_on": "2015-03-01",
        } | kw

    r = abc.post("/registers/outlets/batch", {"items": [item(suspended_on="2020-07-01")]}, key="os-1")
    assert r.status_code == 200, r.content
    outlet.refresh_from_db()
    assert outlet.suspended_on == D(2020, 7, 1)
    assert network.outlet_on(outlet, D(2020, 8, 1)).suspended
    r = abc.post("/registers/outlets/batch", {"items": [item()]}, key="os-2")
    assert r.status_code == 200, r.content
    outlet.refresh_from_db()
    assert outlet.suspended_on is None
    assert list(outlet.outlet_events.values_list("kind", flat=True)) == ["suspended", "resumed"]
    r = abc.post("/registers/outlets/batch", {"items": [item(suspended_on="2014-01-01")]}, key="os-3")
    assert r.status_code == 422
    [detail] = error_of(r)["details"]
    assert detail["field"] == "items[0].suspended_on" and "早于开业日期" in detail["message"]
    assert Organisation.objects.get(pk=outlet.pk).suspended_on is None
