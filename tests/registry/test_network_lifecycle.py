"""Service points and terminals over their life: opened, upgraded, suspended, resumed, closed; installed and
retired. Each step is a service (atomic, audited, scoped to the bank), refused with a clear Chinese reason when
it makes no sense, and the register "as it stood on a day" follows the dates."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from puhui.core.models import AuditLog, ServicePoint, ServicePointEvent, Terminal
from puhui.registry import network
from puhui.registry.models import Firm

D = datetime.date
STATION = list(ServicePoint.STATION_FUNCTIONS)
BASIC = ["withdrawal", "transfer", "remittance", "bill_payment"]


@pytest.fixture
def point(county, users):
    return network.service_point_open(
        actor=users["abc"],
        code="SP-ABC-9",
        name="鲁村2村服务点",
        bank=county["abc"],
        village=county["villages"][3],
        functions=BASIC,
        opened_on=D(2019, 5, 1),
    )


def messages(excinfo) -> list[str]:
    return [m for ms in excinfo.value.message_dict.values() for m in ms]


def test_a_point_goes_through_its_life_and_the_register_remembers_each_day(point, users):
    abc = users["abc"]
    network.service_point_upgrade(actor=abc, point=point, on=D(2021, 1, 15), functions=STATION)
    network.service_point_suspend(actor=abc, point=point, on=D(2021, 3, 1), note="店主外出")
    network.service_point_resume(actor=abc, point=point, on=D(2021, 4, 1))
    network.service_point_close(actor=users["office"], point=point, on=D(2021, 6, 30))
    point.refresh_from_db()
    assert (point.is_station, point.upgraded_on, point.suspended_on, point.closed_on) == (
        True,
        D(2021, 1, 15),
        None,
        D(2021, 6, 30),
    )
    kinds = [e.kind for e in point.events.order_by("on", "id")]
    assert kinds == ["opened", "upgraded", "suspended", "resumed", "closed"]

    end_2020 = network.point_on(point, D(2020, 12, 31))
    assert end_2020 is not None and not end_2020.station and not end_2020.upgraded
    assert list(end_2020.functions) == BASIC  # the functions it had then, not today's
    assert network.point_on(point, D(2021, 2, 1)).upgraded
    assert network.point_on(point, D(2021, 3, 15)).suspended
    assert not network.point_on(point, D(2021, 4, 1)).suspended
    assert network.point_on(point, D(2021, 6, 30)) is None  # closed that day
    assert network.point_on(point, D(2019, 4, 30)) is None  # not yet opened
    # Every step is in the audit trail, with before and after.
    logs = AuditLog.objects.filter(object_type="core.ServicePoint", object_id=str(point.pk))
    assert logs.count() == 5


def test_share_upgraded_at_the_end_of_2020_is_computed_on_the_register_of_that_day(point, county, users):
    network.service_point_upgrade(actor=users["abc"], point=point, on=D(2021, 1, 15), functions=STATION)
    end_2020 = network.service_points_as_of(D(2020, 12, 31))
    # SP1 and SP2 of the fixture have no dates (always in the register); SP2 is a station with cross-bank pay.
    assert sorted(p.code for p in end_2020) == ["SP-ABC-9", "SP1", "SP2"]
    assert sorted(p.code for p in end_2020 if p.upgraded) == ["SP2"]
    assert sorted(p.code for p in network.service_points_as_of(D(2021, 1, 31)) if p.upgraded) == [
        "SP-ABC-9",
        "SP2",
    ]


@pytest.mark.parametrize(
    "step,kwargs,reason",
    [
        ("service_point_close", {"on": D(2019, 4, 1)}, "撤销日期（2019-04-01）早于设立日期（2019-05-01）"),
        (
            "service_point_upgrade",
            {"on": D(2020, 1, 1), "functions": BASIC},
            "尚缺：跨行支付、金融知识宣传、反假货币、纠纷协调",
        ),
        (
            "service_point_upgrade",
            {"on": D(2019, 1, 1), "functions": STATION},
            "升级日期（2019-01-01）早于设立日期",
        ),
        ("service_point_resume", {"on": D(2020, 1, 1)}, "没有暂停营业，无需恢复"),
        ("service_point_suspend", {"on": None}, "请填写暂停日期"),
        ("service_point_suspend", {"on": D(2999, 1, 1)}, "不能晚于今天"),
    ],
)
def test_steps_that_make_no_sense_are_refused(point, users, step, kwargs, reason):
    with pytest.raises(ValidationError) as excinfo:
        getattr(network, step)(actor=users["abc"], point=point, **kwargs)
    assert any(reason in m for m in messages(excinfo)), messages(excinfo)
    assert point.events.count() == 1  # nothing half-stored


def test_a_closed_point_is_not_upgraded(point, users):
    network.service_point_close(actor=users["abc"], point=point, on=D(2020, 6, 30))
    with pytest.raises(ValidationError) as excinfo:
        network.service_point_upgrade(actor=users["abc"], point=point, on=D(2020, 7, 1), functions=STATION)
    assert messages(excinfo) == ["服务点“鲁村2村服务点”已于 2020-06-30 撤销，不能升级"]
    with pytest.raises(ValidationError, match="撤销，不能再次撤销"):
        network.service_point_close(actor=users["abc"], point=point, on=D(2020, 7, 1))


def test_a_point_with_terminals_in_place_is_not_closed(point, county, users):
    network.terminal_add(
        actor=users["abc"],
        code="T-9",
        kind="rural",
        bank=county["abc"],
        village=county["villages"][3],
        service_point=point,
        installed_on=D(2019, 6, 1),
    )
    with pytest.raises(ValidationError, match="还有未撤除的自助机具（T-9）"):
        network.service_point_close(actor=users["abc"], point=point, on=D(2020, 6, 30))


def test_only_the_office_and_the_banks_own_staff_change_a_point(point, users, county):
    for who in ("rcb", "town_lucun", "agent", "member", "admin"):
        with pytest.raises(PermissionDenied):
            network.service_point_suspend(actor=users[who], point=point, on=D(2020, 1, 1))
    with pytest.raises(ValidationError, match="不是本机构或本机构的下属机构"):
        network.service_point_open(
            actor=users["rcb"],
            code="SP-X",
            name="x",
            bank=county["abc"],
            village=county["villages"][0],
            functions=BASIC,
            opened_on=D(2020, 1, 1),
        )


def test_terminals_are_installed_and_retired_with_dates(county, users):
    t = network.terminal_add(
        actor=users["abc"],
        code="T-10",
        kind="kiosk",
        bank=county["abc"],
        outlet=county["abc_outlet"],
        village=county["villages"][2],
        installed_on=D(2019, 3, 1),
        bill_payment=True,
        bill_items=["electricity", "water"],
        bill_payment_since=D(2020, 7, 1),
    )
    assert t.bill_items == ["water", "electricity"]  # the list's order
    network.terminal_retire(actor=users["abc"], terminal=t, on=D(2021, 9, 30))
    on = {
        d: {x.code: x for x in network.terminals_as_of(d)}
        for d in (D(2020, 6, 30), D(2020, 12, 31), D(2021, 9, 30))
    }
    assert not on[D(2020, 6, 30)]["T-10"].bill_payment
    assert on[D(2020, 12, 31)]["T-10"].bill_payment
    assert "T-10" not in on[D(2021, 9, 30)]
    with pytest.raises(ValidationError, match="已于 2021-09-30 撤除"):
        network.terminal_retire(actor=users["abc"], terminal=t, on=D(2021, 10, 1))
    with pytest.raises(ValidationError) as excinfo:
        network.terminal_add(
            actor=users["abc"],
            code="T-11",
            kind="atm",
            bank=county["abc"],
            outlet=county["rcb_outlet"],
            village=county["villages"][2],
            installed_on=D(2019, 3, 1),
            bill_items=["gas"],
        )
    assert set(excinfo.value.message_dict) == {"outlet", "bill_items"}
    assert not Terminal.objects.filter(code="T-11").exists()


# ---------------------------------------------------------------- the pages


def test_the_bank_upgrades_its_point_on_the_page(client, point, users):
    client.force_login(users["abc"])
    url = reverse("service_point_upgrade", args=[point.pk])
    response = client.post(url, {"upgrade-on": "2020-11-30", "upgrade-functions": BASIC})
    assert response.status_code == 200
    assert "尚缺：跨行支付、金融知识宣传、反假货币、纠纷协调" in response.content.decode()
    response = client.post(url, {"upgrade-on": "2020-11-30", "upgrade-functions": STATION})
    assert response.status_code == 302
    page = client.get(reverse("service_point_detail", args=[point.pk]) + "?on=2020-12-31").content.decode()
    assert "普惠金融服务站" in page and "已实现跨行支付，计入升级数" in page
    assert "升级为普惠金融服务站" in page  # the timeline and the history
    page = client.get(reverse("service_point_detail", args=[point.pk]) + "?on=2020-11-01").content.decode()
    assert "计入升级数" not in page


def test_the_office_deregisters_a_firm_on_its_page(client, county, users):
    firm = county["firms"][0]
    client.force_login(users["office"])
    url = reverse("firm_deregister", args=[firm.pk])
    response = client.post(url, {"deregister-on": "2014-01-01"})
    assert "注销日期（2014-01-01）早于成立日期（2015-03-01）" in response.content.decode()
    assert client.post(url, {"deregister-on": "2021-03-31"}).status_code == 302
    assert Firm.objects.get(pk=firm.pk).deregistered_on == D(2021, 3, 31)
    page = client.get(reverse("firm_detail", args=[firm.pk])).content.decode()
    assert "已注销" in page and "注销日期" in page and "变更记录" in page


def test_new_point_and_terminal_forms(client, county, users):
    client.force_login(users["abc"])
    response = client.post(
        reverse("service_point_new"),
        {
            "code": "SP-NEW",
            "name": "鲁村2村新点",
            "bank": county["abc"].pk,
            "village": county["villages"][3].pk,
            "functions": BASIC,
            "opened_on": "2020-03-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = ServicePoint.objects.get(code="SP-NEW")
    assert ServicePointEvent.objects.filter(point=made, kind="opened", on=D(2020, 3, 1)).exists()
    response = client.post(
        reverse("terminal_new"),
        {
            "code": "T-NEW",
            "kind": "atm",
            "bank": county["abc"].pk,
            "village": county["villages"][3].pk,
            "service_point": made.pk,
            "installed_on": "2020-04-01",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("terminal_list") + "?export=xlsx").status_code == 200
