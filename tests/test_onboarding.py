"""The "Done when" of issue #13: a new county brought up from an empty database entirely from files, through the
command line, in the order of docs/onboarding.md — no step needs `puhui shell`.

The county (青山县, 370321: a real area code, so its people's ID numbers are valid, with a made-up name, towns
and villages) is the files in tests/fixtures/onboarding/. Every step is `call_command` of the documented
command; the test then checks what the county's users see.
"""

import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from puhui.core.models import Division, Organisation, ServicePoint, Terminal, User
from puhui.credit.models import HouseholdArchive
from puhui.data.models import Indicator
from puhui.imports.tables import tables
from puhui.plan.models import LeadingGroupMember, Plan
from puhui.registry.models import Firm, Household

FILES = Path(__file__).parent / "fixtures" / "onboarding"
COUNTY = "370321000000"

# (table, file, the counts the step must report); the order is docs/onboarding.md's.
IMPORTS = [
    ("divisions", "01-行政区划.csv", "新增 14 条"),
    ("organisations", "02-机构.csv", "新增 11 条"),
    ("users", "03-用户.csv", "新增 10 条"),
    ("households", "04-农户.csv", "新增 12 条"),
    ("firms", "05-市场主体.csv", "新增 5 条"),
    ("service_points", "06-服务点.csv", "新增 4 条"),
    ("terminals", "07-自助机具.csv", "新增 5 条"),
]
AFTER_PLAN = [
    ("leading_group", "09-领导小组.csv", "新增 7 条"),
    ("archives", "10-信用档案.csv", "新增 6 "),
]


def run(*args) -> str:
    out = []

    class Sink:
        def write(self, text):
            out.append(text)

        def flush(self):
            pass

    try:
        call_command(*args, stdout=Sink())
    except Exception:
        print("".join(out))  # the step's error table, shown with the failure
        raise
    return "".join(out)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_every_table_of_the_walk_is_importable():
    """A step whose importer is missing fails here with its name (the walk needs every one of them)."""
    missing = [t for t, _f, _c in IMPORTS + AFTER_PLAN if t not in tables()]
    assert missing == []


def _import(table: str, name: str, expected: str, *extra: str) -> str:
    out = run("import", table, str(FILES / name), *extra)
    assert "导入成功" in out and expected in out, out
    return out


def test_a_new_county_from_files(db, client):
    assert not Division.objects.exists() and not User.objects.exists()  # an empty database
    passwords: dict[str, str] = {}
    for table, name, expected in IMPORTS:
        # The first administrator is made by the users file itself: the command line acts for the county.
        extra = () if table in {"divisions", "organisations", "users"} else ("--actor", "qs-office")
        if table == "households":
            # The statistics office's counts (280 households a village) against a 12-household roster: the
            # import lists the villages whose counts would move by more than the set share, stores nothing,
            # and is run again with --confirm once they are checked.
            with pytest.raises(CommandError, match="--confirm"):
                run("import", table, str(FILES / name), *extra)
            assert not Household.objects.exists()
            extra = (*extra, "--confirm")
        out = _import(table, name, expected, *extra)
        if table == "users":
            passwords = dict(re.findall(r"^(qs-[a-z0-9-]+)\t[^\t]*\t[^\t]*\t(\S+)$", out, re.M))
    assert len(passwords) == 10

    out = run("plan_load", str(FILES / "08-实施方案.yaml"), "--user", "qs-office")
    assert "3 项任务" in out, out
    run("data_catalogue", "--actor", "qs-office")
    for table, name, expected in AFTER_PLAN:
        _import(table, name, expected, "--actor", "qs-office")

    # The registers as the files said.
    county = Division.objects.get(code=COUNTY)
    assert county.name == "青山县" and Division.objects.filter(level="village").count() == 10
    assert Organisation.objects.get(code="QS-RCB-01").parent.code == "QS-RCB"
    assert Household.objects.count() == 12 and Firm.objects.count() == 5
    assert ServicePoint.objects.filter(is_station=True).count() == 1 and Terminal.objects.count() == 5
    plan = Plan.objects.get()
    assert plan.county == county and plan.units.exclude(organisation=None).count() == 6
    assert Indicator.objects.exists()
    assert HouseholdArchive.objects.count() == 6
    # The leader changed in 2022: the first leader's term was closed by the second's row.
    first = LeadingGroupMember.objects.get(person_name="高振华")
    assert str(first.to_date) == "2022-05-09"
    agent = User.objects.get(username="qs-dby-03")
    assert agent.villages.count() == 4 and agent.must_change_password

    # The administrator signs in with the printed password and must choose their own first.
    response = client.post(reverse("login"), {"username": "qs-admin", "password": passwords["qs-admin"]})
    assert response.status_code == 302
    assert client.get(reverse("user_list")).url == reverse("password_change")

    # The county's people find their registers (signed in directly: their passwords are theirs to change).
    client.force_login(User.objects.get(username="qs-office"))
    User.objects.update(must_change_password=False)
    assert "青山县县域普惠金融示范区建设实施方案" in client.get(reverse("plan_board")).content.decode()
    assert "鲁国强" in client.get(reverse("plan_leading_group")).content.decode()
    client.force_login(agent)
    worklist = client.get(reverse("credit_worklist"), {"status": "none"}).content.decode()
    assert "严庆山" in worklist and "杨德福" not in worklist  # the agent's own villages' households only
