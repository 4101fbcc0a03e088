"""The household roster import: one row per member, all or nothing, history and census kept."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from puhui.core import crypto
from puhui.core.models import AuditLog, Division
from puhui.imports.services import SYSTEM_ACTOR, table_import
from puhui.registry import selectors
from puhui.registry.household_import import household_import
from puhui.registry.models import Household, HouseholdMember, HouseholdVersion
from tests.registry.household_rows import HEADER, make_id, roster, to_csv

LUCUN1 = "370323102201"  # 鲁村1村 of the test county: census 300 households, one on the roster (H2)


def run(data, *, mode="create", confirm=True, actor=SYSTEM_ACTOR, name="名录.csv"):
    return table_import(actor=actor, kind="households", file=data, filename=name, mode=mode, confirm=confirm)


def errors(result):
    return [(e.row, e.column, e.reason) for e in result.errors.sorted()]


def test_a_roster_is_stored_with_members_history_and_census(county):
    result = run(to_csv(roster(4)))
    assert result.ok, errors(result)
    assert (result.created, result.members_created, result.versions) == (4, 12, 4)
    h = Household.objects.get(code="R000000")
    assert (h.head_name, h.size, h.is_farm, h.main_activity) == ("成员0-0", 3, True, "苹果")
    assert h.head_id_number == make_id(0) and h.phone == "13800000000"
    assert h.village.code == LUCUN1 and h.town.code == "370323102000"
    assert h.head_age == selectors_age(make_id(0))
    wife = h.members.get(relation="spouse")
    assert (wife.name, wife.birth_date, wife.sex) == ("成员0-1", datetime.date(1975, 5, 6), "M")  # 101: odd
    # Encrypted at rest, found by its keyed hash.
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM registry_householdmember WHERE id = %s", [wife.pk])
        assert make_id(1) not in cursor.fetchone()[0]
    assert HouseholdMember.objects.get(id_hash__in=crypto.lookup_hashes(make_id(1))) == wife
    assert HouseholdVersion.objects.filter(household=h, valid_from=None, valid_to=None).count() == 1
    # The village is recounted from the roster: H2 plus four households of three.
    village = Division.objects.get(code=LUCUN1)
    assert (village.households, village.farm_households, village.population) == (5, 5, 15)
    assert Division.objects.get(code="370323102000").households == 5 + 300  # 鲁村2村 keeps its census figure
    # One audit row for the import, one for the households it created (which they point at).
    assert h.created_log.object_repr == "导入新增 4 户：名录.csv"
    assert (
        AuditLog.objects.filter(action=AuditLog.Action.IMPORT, object_type="registry.Household").count() == 1
    )


def selectors_age(id_number):
    from puhui.registry.household_columns import age_on, birth_date

    return age_on(birth_date(id_number), datetime.date.today())


def test_upsert_writes_only_what_changed(county):
    rows = roster(5)
    assert run(to_csv(rows)).ok
    again = run(to_csv(rows), mode="upsert")
    assert again.ok and (again.created, again.updated, again.unchanged, again.written) == (0, 0, 5, 0)
    rows[0][8] = "7.25"  # R000000's land, on its head row
    rows[4][2] = "改名"  # R000001's spouse renamed
    del rows[5]  # R000001's child leaves
    rows.append(["R000001", LUCUN1, "新成员", "孙子", make_id(999), "", "", "", "", ""])
    rows[3][7] = 3  # R000001 keeps 3 people
    result = run(to_csv(rows), mode="upsert")
    assert result.ok, errors(result)
    assert (result.updated, result.unchanged) == (2, 3)
    assert (result.members_created, result.members_updated, result.members_removed) == (1, 1, 1)
    assert Household.objects.get(code="R000000").land_area_mu == datetime_decimal("7.25")
    members = sorted(Household.objects.get(code="R000001").members.values_list("name", "relation"))
    assert members == [("成员1-0", "head"), ("改名", "spouse"), ("新成员", "grandchild")]
    # The changed household's history names the file and shows the member changes.
    h1 = Household.objects.get(code="R000001")
    history = selectors.household_history(h1)
    assert history[0]["log"].note == "导入 名录.csv"
    labels = {c["label"]: c for c in history[0]["changes"]}
    assert (
        "成员1-2（子女）" in labels["家庭成员"]["before"]
        and "新成员（孙子女）" in labels["家庭成员"]["after"]
    )
    assert history[-1]["log"].object_repr == "导入新增 5 户：名录.csv"


def datetime_decimal(text):
    from decimal import Decimal

    return Decimal(text)


def test_a_move_by_upsert_is_dated_and_counted_on_each_date(county):
    assert run(to_csv(roster(2))).ok
    rows = roster(2)
    for row in rows[:3]:
        row[1] = "370323102202"  # R000000 moves to 鲁村2村
    header = [*HEADER, "变动日期"]
    rows = [[*row, "2021-03-01" if row[3] == "户主" else ""] for row in rows]
    result = run(to_csv(rows, header), mode="upsert")
    assert result.ok, errors(result)
    h = Household.objects.get(code="R000000")
    assert h.village.code == "370323102202"
    assert list(h.versions.order_by("id").values_list("valid_from", "valid_to")) == [
        (None, datetime.date(2021, 3, 1)),
        (datetime.date(2021, 3, 1), None),
    ]
    assert h.events.get().kind == "move"
    lucun1, lucun2 = (Division.objects.get(code=c).pk for c in (LUCUN1, "370323102202"))
    end_2020 = selectors.households_as_of(datetime.date(2020, 12, 31))
    now = selectors.households_as_of(datetime.date(2021, 6, 1))
    # H2 and H3 (fixture households stored without versions) count on every date.
    assert (end_2020[lucun1][0], end_2020[lucun2][0]) == (3, 1)
    assert (now[lucun1][0], now[lucun2][0]) == (2, 2)
    # A change dated before the household's last one is refused.
    rows = [[*row[:-1], "2021-01-01" if row[3] == "户主" else ""] for row in rows]
    for row in rows[:3]:
        row[1] = LUCUN1
    late = run(to_csv(rows, header), mode="upsert")
    assert any("早于该户上次变动的日期 2021-03-01" in e.reason for e in late.errors)


def test_a_large_change_of_a_village_count_asks_for_confirmation(county):
    first = run(to_csv(roster(5)), confirm=False)
    assert not first.ok and first.needs_confirmation and not first.errors
    assert first.warnings == ["鲁村1村（370323102201）：户数将由 300 户变为 6 户（减少 98.0%，超过 20%）"]
    assert not Household.objects.filter(code__startswith="R").exists()
    assert run(to_csv(roster(5)), confirm=True).ok
    # Now the census is the roster's: five more households in a village of six asks again, a few do not.
    assert run(to_csv(roster(5, start=10)), confirm=False).needs_confirmation
    assert run(to_csv(roster(1, start=20)), confirm=False).ok


def test_the_command_line_takes_confirm(county, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    path = tmp_path / "名录.csv"
    path.write_bytes(to_csv(roster(3)))
    with pytest.raises(CommandError, match="加 --confirm 重新运行"):
        call_command("import", "households", str(path))
    assert "户数将由 300 户变为 4 户" in capsys.readouterr().out
    call_command("import", "households", str(path), "--confirm")
    assert Household.objects.filter(code__startswith="R").count() == 3


def test_town_officials_import_their_own_town_only(county, users):
    town = users["town_lishan"]  # 历山街道
    result = run(to_csv(roster(1)), actor=town)
    assert [e.reason for e in result.errors] == ["该村不在您的管辖范围内（只能导入本镇（街道）的农户）"] * 3
    assert run(to_csv(roster(1, village="370323001201")), actor=town).ok
    # Another town's household code is not theirs to change.
    rows = roster(1, village="370323001201")
    for row in rows:
        row[0] = "H2"  # 鲁村1村's household
    taken = run(to_csv(rows), actor=town, mode="upsert")
    assert "该户编号已被其他镇（街道）的农户使用" in [e.reason for e in taken.errors]
    with pytest.raises(PermissionDenied):
        household_import(actor=users["member"], file=to_csv(roster(1)), filename="x.csv")


def test_demo_households_pass_the_import_into_an_empty_county(db):
    """The demo generates its households directly; exported in the roster's format they import cleanly."""
    from decimal import Decimal

    from puhui.demo import roster as demo
    from puhui.demo.county import plan_county

    plan = plan_county(scale=0.05)
    town = plan.towns[3]
    county = Division.objects.create(code="370323000000", name="沂源县", level="county", kind="county")
    t = Division.objects.create(
        code=town.division_code, name=town.name, level="town", kind=town.kind, parent=county
    )
    villages = {
        v.code: Division.objects.create(code=v.code, name=v.name, level="village", kind=v.kind, parent=t)
        for v in plan.villages_of(town.index)
    }
    cols = demo.household_columns(plan, town)
    vil = list(villages.values())
    Household.objects.bulk_create(
        Household(
            code=cols["code"][i],
            village=vil[cols["village"][i]],
            town=t,
            head_name=cols["head_name"][i],
            head_id_number=cols["head_id_number"][i],
            phone=cols["phone"][i],
            head_age=int(cols["head_age"][i]),
            size=int(cols["size"][i]),
            is_farm=bool(cols["is_farm"][i]),
            main_activity=cols["main_activity"][i],
            land_area_mu=Decimal(int(cols["land_tenths"][i])).scaleb(-1),
            annual_income=Decimal(int(cols["income_cents"][i])).scaleb(-2),
        )
        for i in range(len(cols["code"]))
    )
    rows = list(selectors.roster_rows(Household.objects.all()))
    Household.objects.all().delete()
    result = run(to_csv(rows[1:], rows[0]))
    assert result.ok, errors(result)[:5]
    assert result.created == len(cols["code"]) > 50
    stored = Household.objects.order_by("code").first()
    assert stored.head_id_number == cols["head_id_number"][0] and stored.members.get().relation == "head"
