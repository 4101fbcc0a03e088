from django.core.management import call_command

from puhui.core.models import AuditLog, Division
from puhui.registry import services
from puhui.registry.models import Household


def census(county):
    return {v.name: (v.households, v.farm_households) for v in Division.objects.filter(level="village")}


def test_refresh_counts_villages_towns_and_county(users, county):
    h = county["households"]
    h[1].is_farm = False
    h[1].save()
    Household.objects.create(
        code="H9",
        village=county["villages"][0],
        town=county["towns"][0],
        head_name="户主9",
        head_id_number="370323199001011234",
        head_age=50,
        size=2,
    )
    steps = []
    summary = services.census_refresh(actor=users["office"], progress=lambda d, t, m: steps.append((d, t, m)))
    assert census(county) == {"历山1村": (2, 2), "历山2村": (1, 0), "鲁村1村": (1, 1), "鲁村2村": (1, 1)}
    towns = {t.name: (t.households, t.farm_households) for t in Division.objects.filter(level="town")}
    assert towns == {"历山街道": (3, 2), "鲁村镇": (2, 2)}
    assert Division.objects.get(level="county").households == 5
    assert summary == {
        "towns": 2,
        "villages": 4,
        "changed_villages": 4,
        "households": 5,
        "farm_households": 4,
        "population": 14,  # the households' sizes: 3 + 3 + 3 + 3 + 2
    }
    # An opening line, one per town, a closing one.
    assert [s[:2] for s in steps] == [(0, 2), (1, 2), (2, 2), (2, 2)]
    assert steps[1][2].startswith("历山街道")
    assert steps[-1][2] == "完成：4 个村户数有变化；全县 5 户，其中农户 4 户"
    log = AuditLog.objects.get(object_type="core.Division", action="update")
    assert log.actor == users["office"]
    assert log.before["villages"]["370323001201"] == {
        "households": 300,
        "farm_households": 250,
        "population": 1000,
    }
    assert log.after["villages"]["370323001201"] == {"households": 2, "farm_households": 2, "population": 5}
    assert Division.objects.get(level="county").population == 14


def test_refresh_twice_changes_nothing_the_second_time(users, county):
    services.census_refresh(actor=None)
    summary = services.census_refresh(actor=None)
    assert summary["changed_villages"] == 0
    assert AuditLog.objects.filter(object_type="core.Division").count() == 2


def test_command_now_prints_a_line_per_town(county, capsys):
    call_command("census_refresh", "--now")
    out = capsys.readouterr().out
    assert "[1/2] 历山街道：2 户，其中农户 2 户" in out
    assert "[2/2] 鲁村镇：2 户，其中农户 2 户" in out
    assert "完成：4 个村，4 个村有变化" in out
    assert census(county)["鲁村2村"] == (1, 1)
