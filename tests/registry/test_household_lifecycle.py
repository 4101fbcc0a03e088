"""Households split, merge, move and dissolve, dated: the register as it stood on any date, and the pages."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from puhui.core.models import AuditLog, Division
from puhui.imports.services import SYSTEM_ACTOR, table_import
from puhui.registry import selectors, services
from puhui.registry.models import Household, HouseholdEvent
from tests.registry.household_rows import roster, to_csv

D = datetime.date


@pytest.fixture
def family(county):
    """R000000 in 鲁村1村: a head, a spouse, three children (imported, so with members and a version)."""
    result = table_import(
        actor=SYSTEM_ACTOR,
        kind="households",
        file=to_csv(roster(2, size=5)),
        filename="名录.csv",
        confirm=True,
    )
    assert result.ok, list(result.errors)
    return Household.objects.get(code="R000000")


def counts(on):
    by_pk = selectors.households_as_of(on)
    return {d.code: by_pk.get(d.pk, (0, 0, 0))[:1][0] for d in Division.objects.filter(level="village")}


def test_split_makes_a_new_household_from_dated_members(family, users):
    son, daughter_in_law = family.members.filter(relation="child").order_by("id")[:2]
    new = services.household_split(
        actor=users["office"],
        household=family,
        code="R000000-1",
        member_ids=[son.pk, daughter_in_law.pk],
        head_id=son.pk,
        relations={daughter_in_law.pk: "spouse"},
        on=D(2021, 5, 1),
        note="分家",
    )
    family.refresh_from_db()
    assert (family.size, new.size, new.head_name, new.village_id) == (3, 2, son.name, family.village_id)
    assert sorted(new.members.values_list("relation", flat=True)) == ["head", "spouse"]
    assert new.formed_on == D(2021, 5, 1) and new.head_id_number == son.id_number
    event = HouseholdEvent.objects.get(kind="split")
    assert (event.household, event.other, event.actor) == (new, family, users["office"])
    # Before the split there was one household of five; after it, two.
    assert counts(D(2021, 4, 30))["370323102201"] == 3  # H2 + R000000 + R000001
    assert counts(D(2021, 5, 1))["370323102201"] == 4
    assert Division.objects.get(code="370323102201").households == 4
    log = AuditLog.objects.filter(object_type="registry.Household", object_id=str(new.pk)).get()
    assert log.note.startswith("分户（2021-05-01）") and log.after["members"]


@pytest.mark.parametrize(
    "pick,message",
    [
        (lambda f: [f.members.get(relation="head").pk], "原户户主不能分出"),
        (lambda f: [], "请选择分出的成员"),
    ],
)
def test_split_refusals(family, users, pick, message):
    ids = pick(family)
    with pytest.raises(ValidationError, match=message):
        services.household_split(
            actor=users["office"],
            household=family,
            code="X1",
            member_ids=ids,
            head_id=(ids or [0])[0],
            on=D(2021, 1, 1),
        )


def test_merge_and_dissolve_end_the_household_on_their_date(family, users):
    other = Household.objects.get(code="R000001")
    services.household_merge(actor=users["office"], household=family, other=other, on=D(2022, 1, 1))
    other.refresh_from_db()
    family.refresh_from_db()
    assert (other.status, other.dissolved_on, other.merged_into) == ("dissolved", D(2022, 1, 1), family)
    assert (family.size, family.members.count()) == (10, 10)
    assert counts(D(2021, 12, 31))["370323102201"] == 3 and counts(D(2022, 1, 1))["370323102201"] == 2
    with pytest.raises(ValidationError, match="不能早于该户上次变动的日期"):
        services.household_dissolve(actor=users["office"], household=family, on=D(2021, 6, 1))
    services.household_dissolve(actor=users["office"], household=family, on=D(2023, 3, 1))
    family.refresh_from_db()
    assert family.status == "dissolved" and not family.members.exists()
    assert counts(D(2023, 3, 1))["370323102201"] == 1  # H2 alone
    assert Division.objects.get(code="370323102201").households == 1


def test_move_is_dated_and_a_town_official_moves_within_the_town(family, users):
    lucun2 = Division.objects.get(code="370323102202")
    services.household_move(actor=users["office"], household=family, village=lucun2, on=D(2020, 6, 1))
    assert counts(D(2020, 5, 31))["370323102202"] == 1 and counts(D(2020, 12, 31))["370323102202"] == 2
    town = users["town_lishan"]  # 历山街道
    h0 = Household.objects.get(code="H0")  # in 历山1村
    with pytest.raises(ValidationError, match="只能迁入本镇"):
        services.household_move(actor=town, household=h0, village=lucun2, on=D(2021, 1, 1))
    lishan2 = Division.objects.get(code="370323001202")
    services.household_move(actor=town, household=h0, village=lishan2, on=D(2021, 1, 1))
    # H0 was stored without history versions: its earlier village is kept as one from the start.
    assert list(h0.versions.order_by("id").values_list("village__code", "valid_from", "valid_to")) == [
        ("370323001201", None, D(2021, 1, 1)),
        ("370323001202", D(2021, 1, 1), None),
    ]


def test_pages_change_the_household_and_show_its_history(client, family, users):
    client.force_login(users["office"])
    detail = client.get(reverse("household_detail", args=[family.pk])).content.decode()
    assert 'data-testid="household-members"' in detail and "370323********" in detail
    assert "导入新增 2 户：名录.csv" in detail  # the history names the file
    url = reverse("household_move", args=[family.pk])
    lucun2 = Division.objects.get(code="370323102202")
    assert client.get(url).status_code == 200
    response = client.post(url, {"village": lucun2.pk, "on": "2021-02-01", "note": "搬迁"})
    assert response.status_code == 302
    detail = client.get(reverse("household_detail", args=[family.pk])).content.decode()
    assert "鲁村1村 → 鲁村2村" in detail and "迁移（2021-02-01）" in detail
    # A date in the future is refused on the form.
    lucun1 = Division.objects.get(code="370323102201")
    response = client.post(url, {"village": lucun1.pk, "on": "2999-01-01"})
    assert "变动日期不能晚于今天" in response.content.decode()
    census = client.get(reverse("household_census"), {"on": "2021-01-31"}).content.decode()
    assert 'data-testid="census-as-of"' in census


def test_the_clear_export_is_for_those_who_may_unmask_and_is_logged(client, family, users):
    client.force_login(users["office"])
    response = client.get(reverse("household_export_clear"), {"town": family.town_id})
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and body[:2] == b"PK"
    log = AuditLog.objects.get(action=AuditLog.Action.UNMASK, object_type="registry.Household")
    assert log.after["rows"] == 4 and log.actor == users["office"]  # 鲁村镇: H2, H3 and the two imported
    clear = [
        c for row in openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True) for c in row
    ]
    assert family.head_id_number in clear
    # The list's own export (every role that sees the list) is masked.
    response = client.get(reverse("household_list"), {"town": family.town_id, "export": "xlsx"})
    masked = b"".join(response.streaming_content)
    cells = [
        c
        for row in openpyxl.load_workbook(io.BytesIO(masked)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert (
        family.head_id_number not in cells
        and family.head_id_number[:6] + "********" + family.head_id_number[-4:] in cells
    )
    client.force_login(users["admin"])  # administrators never see personal data in clear
    assert client.get(reverse("household_export_clear")).status_code == 404
    assert 'data-testid="export-clear"' not in client.get(reverse("household_list")).content.decode()
