"""`puhui demo` into a test database at --scale 0.02: what it stores, who can log in, and that it
never writes over a populated database.

The county is generated once for the module inside a transaction that is rolled back at the
end; each test still runs in its own savepoint through pytest-django's `db` fixture.
"""

import io
import re
import stat

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.test import override_settings
from stdnum.cn import ric, uscc

from puhui.core import crypto
from puhui.core.models import AuditLog, Division, Organisation, ServicePoint, Terminal, User
from puhui.core.validators import MOBILE_RE
from puhui.demo.build import counts_in_database
from puhui.registry.models import Firm, Household

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("var")
    with (
        django_db_blocker.unblock(),
        override_settings(VAR_DIR=var_dir, PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        out = io.StringIO()
        call_command("demo", scale=0.02, seed=7, stdout=out)
        yield {"output": out.getvalue(), "var_dir": var_dir}
        transaction.set_rollback(True)


@pytest.fixture
def in_demo(demo, db, settings):
    settings.VAR_DIR = demo["var_dir"]
    return demo


def _printed_logins(output: str) -> dict[str, str]:
    rows = {}
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("用户名"))
    for line in lines[start + 1 :]:
        parts = line.split()
        if len(parts) < 3 or not re.fullmatch(r"[A-Za-z0-9-]{14}", parts[-1]):
            break
        rows[parts[0]] = parts[-1]
    return rows


def test_output_ends_with_address_and_logins(in_demo):
    out = in_demo["output"]
    assert "http://127.0.0.1:8000/" in out
    logins = _printed_logins(out)
    assert {"office", "admin", "bank_rcb", "town_370323102", "agent_01", "farmer_01"} <= logins.keys()
    assert "领导小组办公室" in out and "村级代办员" in out


def test_logins_file_is_private_and_matches_output(in_demo):
    path = in_demo["var_dir"] / "demo-logins.txt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _printed_logins(path.read_text(encoding="utf-8")) == _printed_logins(in_demo["output"])


def test_every_role_can_log_in_with_the_printed_password(in_demo, client):
    logins = _printed_logins(in_demo["output"])
    users = {u.username: u for u in User.objects.all()}
    assert {u.role for u in users.values()} == set(User.Role.values)
    for username, password in logins.items():
        assert users[username].check_password(password)
    for role in User.Role.values:
        username = next(n for n, u in users.items() if u.role == role)
        r = client.post("/login/", {"username": username, "password": logins[username]})
        assert r.status_code == 302, (role, r.status_code)
        assert client.get("/", follow=True).status_code == 200
        client.post("/logout/")


def test_user_scopes(in_demo):
    office = User.objects.get(username="office")
    assert office.organisation.plan_alias == "县人民银行" and office.organisation.kind == "pboc"
    rcb = User.objects.get(username="bank_rcb")
    assert rcb.organisation.level == "branch" and rcb.organisation.is_county_legal_person
    town = User.objects.get(username="town_370323102")
    assert town.town.name == "鲁村镇"
    agent = User.objects.get(username="agent_01")
    assert agent.villages.count() == 3 and all(v.parent_id == agent.town_id for v in agent.villages.all())
    farmer = User.objects.get(username="farmer_01")
    assert farmer.household is not None and farmer.household.village in agent.villages.all()
    assert farmer.display_name == farmer.household.head_name
    assert all(u.display_name for u in User.objects.all())


def test_divisions(in_demo):
    county = Division.objects.get(code="370323000000")
    assert county.name == "沂源县" and county.level == "county"
    assert county.boundary["type"] == "Polygon"
    towns = Division.objects.filter(level="town").order_by("code")
    assert [t.code for t in towns] == [f"370323{n}000" for n in ("001", "002", *map(str, range(102, 112)))]
    assert [t.name for t in towns][:3] == ["历山街道", "南麻街道", "鲁村镇"]
    assert all(
        t.parent_id == county.pk and t.boundary["coordinates"][0][0] == t.boundary["coordinates"][0][-1]
        for t in towns
    )
    assert Division.objects.filter(level="village").count() == 643
    assert not Division.objects.filter(level="village", longitude=None).exists()


def test_village_totals_equal_the_roster(in_demo):
    roster = {
        r["village_id"]: r
        for r in Household.objects.values("village_id").annotate(n=Count("pk"), p=Sum("size"))
    }
    farm = dict(
        Household.objects.filter(is_farm=True)
        .values("village_id")
        .annotate(n=Count("pk"))
        .values_list("village_id", "n")
    )
    for v in Division.objects.filter(level="village"):
        r = roster.get(v.pk, {"n": 0, "p": 0})
        assert (v.households, v.population, v.farm_households) == (r["n"], r["p"] or 0, farm.get(v.pk, 0)), (
            v.code
        )
    county = Division.objects.get(level="county")
    assert county.households == Household.objects.count() == 3_500
    assert county.population == Household.objects.aggregate(s=Sum("size"))["s"]
    for t in Division.objects.filter(level="town"):
        assert t.households == Household.objects.filter(town=t).count()


def test_personal_data_valid_encrypted_and_hashed(in_demo):
    for h in Household.objects.select_related("village"):
        assert ric.is_valid(h.head_id_number)
        assert h.head_id_hash == crypto.lookup_hash(h.head_id_number)
        assert h.code.startswith(h.village.code) and len(h.code) == 16
        assert h.town_id == h.village.parent_id
        if h.phone:
            assert MOBILE_RE.match(h.phone) and h.phone_hash == crypto.lookup_hash(h.phone)
        else:
            assert h.phone_hash == ""
    with connection.cursor() as cur:  # stored encrypted, not in clear
        cur.execute("SELECT head_id_number FROM registry_household LIMIT 5")
        assert all(row[0].startswith(crypto.PREFIX) for row in cur.fetchall())
    assert all(MOBILE_RE.match(u.phone) for u in User.objects.all())


def test_firms(in_demo):
    firms = list(Firm.objects.all())
    assert 500 < len(firms) < 700
    assert all(uscc.is_valid(f.uscc) for f in firms)
    assert {f.kind for f in firms} == {"small", "micro", "individual"}
    assert all(f.town_id == f.village.parent_id for f in Firm.objects.select_related("village"))


def test_organisations(in_demo):
    orgs = {o.code: o for o in Organisation.objects.select_related("parent")}
    for o in orgs.values():
        assert o.path == (o.parent.path if o.parent else "/") + f"{o.pk}/"
        if o.uscc:
            assert uscc.is_valid(o.uscc), o.name
    members = [o for o in orgs.values() if o.is_leading_group_member]
    assert len(members) == 27
    aliases = {o.plan_alias: o for o in members}
    assert aliases["县人民银行"].name == "中国人民银行沂源县支行" and aliases["县人民银行"].kind == "pboc"
    assert aliases["县法院"].kind == "court" and aliases["县检察院"].kind == "procuratorate"
    assert {aliases[a].kind for a in ("团县委", "县妇联", "县残联")} == {"peoples_org"}
    assert orgs["ADBC-YY"].kind == "policy_bank"
    assert orgs["ABC-YY"].has_sannong_division
    assert orgs["RCB-YY"].is_county_legal_person and orgs["RCB-YY"].kind == "rural_bank"
    bsvb = orgs["BSVB-YY"]
    assert bsvb.kind == "village_bank" and bsvb.is_county_legal_person and bsvb.is_new_rural_institution
    for key in ("ADBC", "ABC", "PSBC", "RCB", "BSVB", "ICBC", "BOC", "CCB"):
        branch = orgs[f"{key}-YY"]
        assert branch.level == "branch" and branch.parent.level == "head"
        outlets = Organisation.objects.filter(parent=branch)
        assert outlets.exists() and all(
            o.level == "outlet" and o.division.level == "village" for o in outlets
        )
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert {"insurer", "guarantee", "microcredit"} <= kinds


def test_service_points_and_terminals(in_demo):
    functions = set(ServicePoint.Function.values)
    points = list(ServicePoint.objects.select_related("bank"))
    assert points and any(p.is_station for p in points)
    assert all(set(p.functions) <= functions and p.bank.level == "branch" for p in points)
    assert Terminal.objects.filter(bill_payment=True).exists()
    assert (
        Terminal.objects.exclude(outlet=None).exists()
        and Terminal.objects.exclude(service_point=None).exists()
    )


def test_one_audit_entry(in_demo):
    entries = AuditLog.objects.filter(object_type="demo")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.action == AuditLog.Action.IMPORT and "3,500" in entry.note


def test_dashboard_map_has_every_town(in_demo, client):
    client.force_login(User.objects.get(username="office"))
    geo = client.get("/map/county.json").json()
    assert len(geo["features"]) == 12


def test_if_empty_leaves_a_populated_database_alone(in_demo):
    before = counts_in_database()
    out = io.StringIO()
    call_command("demo", "--if-empty", scale=0.02, url="http://127.0.0.1:8011/", stdout=out)
    assert counts_in_database() == before
    assert "演示县已存在" in out.getvalue()
    assert "登录地址：http://127.0.0.1:8011/" in out.getvalue()
    assert _printed_logins(out.getvalue()) == _printed_logins(in_demo["output"])


def test_refuses_a_populated_database(in_demo):
    before = counts_in_database()
    with pytest.raises(CommandError, match="数据库中已有数据"):
        call_command("demo", scale=0.02, stdout=io.StringIO())
    assert counts_in_database() == before
