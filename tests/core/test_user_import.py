"""Users in bulk: town officials, agents with their villages, staff of units and banks (`puhui import users`)."""

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from puhui.core import password_sheets
from puhui.core.models import AuditLog, Division, User
from puhui.core.selectors import record_history
from puhui.core.user_import import USERS, quick_password_hash, user_import
from puhui.imports.blank_forms import template_xlsx
from puhui.imports.engine import MODE_UPSERT, SYSTEM_ACTOR
from puhui.imports.tabular import parse

HEADER = "用户名,姓名,角色,所属机构编码,所属镇（街道）代码,负责的村代码,手机号,是否启用\n"


def csv(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run(data: bytes, actor=SYSTEM_ACTOR, mode="create", name="用户.csv"):
    return user_import(actor=actor, file=data, mode=mode, filename=name)


def works(username: str, password: str) -> bool:
    return User.objects.get(username=username).check_password(password)


def reasons(result) -> list[tuple]:
    return [(e.row, e.column, e.reason) for e in result.errors.sorted()]


GOOD = csv(
    "lucun-zhen,王镇长,镇（街道）,,370323102000,,13800001111,",
    "lucun-dby,李代办,代办员,,,370323102201、370323102202,13800001112,",
    "abc-kehu,赵经理,金融机构,ABC-YY-01,,,,是",
    "jrzx-1,钱主任,成员单位,JRZX,,,,",
    "rh-2,孙科长,领导小组办公室,PBOC,,,,",
)


def test_new_users_get_initial_passwords_and_must_change(county, users):
    result = run(GOOD, actor=users["admin"])
    assert result.ok, reasons(result)
    assert (result.created, result.updated) == (5, 0)
    agent = User.objects.get(username="lucun-dby")
    assert agent.role == "agent" and agent.must_change_password
    assert sorted(agent.villages.values_list("code", flat=True)) == ["370323102201", "370323102202"]
    assert agent.town is None and agent.phone == "13800001112"
    town = User.objects.get(username="lucun-zhen")
    assert town.town.code == "370323102000" and town.role == "town"
    assert User.objects.get(username="abc-kehu").organisation == county["abc_outlet"]
    # Each new account's password works once it is known, and it is nowhere in the database or the log.
    passwords = {p[0]: p[3] for p in result.passwords}
    assert len(passwords) == 5
    assert works("lucun-dby", passwords["lucun-dby"])
    log_text = " ".join(str(v) for v in AuditLog.objects.values_list("before", "after", "note"))
    assert not any(p in log_text for p in passwords.values())
    assert "初始密码请到“用户管理 → 初始密码”下载" in result.summary
    assert [s.users for s in password_sheets.pending(users["admin"])] == [5]


def test_the_password_sheet_downloads_once(client, county, users):
    result = run(GOOD, actor=users["admin"])
    client.force_login(users["admin"])
    page = client.get(reverse("user_password_sheets")).content.decode()
    assert "5 个" in page
    url = reverse("user_password_sheet_download", args=[result.sheet_token])
    assert client.get(url).status_code == 405
    client.force_login(User.objects.create(username="admin2", role="admin"))
    assert client.post(url).status_code == 404  # another administrator's sheet
    client.force_login(users["admin"])
    response = client.post(url)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["初始密码"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["lucun-dby"][1:3] == ("李代办", "村级代办员")
    assert works("lucun-dby", rows["lucun-dby"][3])
    assert client.post(url).status_code == 404  # once
    assert "没有待下载的初始密码表" in client.get(reverse("user_password_sheets")).content.decode()
    assert AuditLog.objects.filter(action="unmask", object_repr="新用户初始密码表").count() == 1


def test_the_sheet_is_sealed_on_disk(county, users, settings):
    result = run(GOOD, actor=users["admin"])
    stored = list((settings.MEDIA_ROOT / "user-passwords").rglob("*.xlsx"))
    assert len(stored) == 1 and result.sheet_token in stored[0].name
    raw = stored[0].read_bytes()
    assert raw.startswith(b"PUHUI-ENC1") and result.passwords[0][3].encode() not in raw


def test_the_command_line_prints_the_passwords(county, users, tmp_path, capsys):
    path = tmp_path / "users.csv"
    path.write_bytes(GOOD)
    call_command("import", "users", str(path), "--actor", "admin")
    out = capsys.readouterr().out
    assert "导入成功" in out and "新用户的初始密码" in out
    line = next(line for line in out.splitlines() if line.startswith("lucun-dby\t"))
    assert works("lucun-dby", line.split("\t")[3])
    assert password_sheets.pending(users["admin"]) == []  # printed once: no sheet waits on the page


def test_only_the_administrator_imports_users(county, users):
    for who in ["office", "member", "abc", "town_lishan", "agent", "public"]:
        with pytest.raises(PermissionDenied):
            run(GOOD, actor=users[who])
    assert not User.objects.filter(username="lucun-dby").exists()


def test_bad_rows_are_all_reported_and_nothing_is_stored(county, users):
    Division.objects.create(code="370305001000", name="外县镇", level="town", kind="town")
    data = csv(
        "t1,甲,镇（街道）,,,,,",  # town official without town
        "a1,乙,代办员,,,370305001001,,",  # village of another county
        "a2,丙,代办员,,,370323102299,,",  # unknown village
        "a3,丁,代办员,,370323001000,370323102201,,",  # village outside the given town
        "a4,戊,代办员,,,370323102000,,",  # a town's code as a village
        "b1,己,金融机构,NOPE,,,,",  # unknown organisation
        "b2,庚,金融机构,JRZX,,,,",  # not a financial institution
        "b3,辛,领导小组办公室,ABC-YY,,,,",  # the office is the PBoC's
        "b4,壬,金融机构,ABC,,,,",  # a head office
        "m1,癸,成员单位,JRZX,370323102000,,,",  # a town code for a member unit
        "p1,子,公众,,,,,",  # farmers are not imported
        "p2,丑,代办员,,,370323102201,1380000,",  # bad phone
        "t1,寅,镇（街道）,,370323102000,,,",  # duplicate username
        "bad name,卯,镇（街道）,,370323102000,,,",
        "admin,管理员,系统管理员,,,,,否",  # exists (create mode)
    )
    result = run(data, actor=users["admin"])
    assert not result.ok
    got = reasons(result)
    expected = [
        (2, "所属镇（街道）代码", "镇（街道）用户必须填写所属镇（街道）代码"),
        (3, "负责的村代码", "370305001001 是其他县的区划代码（本县为 370323），只能填写本县的村（社区）"),
        (4, "负责的村代码", "村（社区）代码 370323102299 在系统中不存在，请先导入行政区划"),
        (5, "负责的村代码", "村 370323102201 不在所属镇（街道）370323001000 内"),
        (6, "负责的村代码", "370323102000（鲁村镇）不是村（社区）"),
        (7, "所属机构编码", "机构编码 NOPE 在系统中不存在，请先导入机构"),
        (8, "所属机构编码", "金融机构用户必须属于金融机构；沂源县金融证券工作服务中心是政府部门"),
        (9, "所属机构编码", "领导小组办公室用户必须属于人民银行；中国农业银行沂源县支行是商业银行"),
        (10, "所属机构编码", "中国农业银行是总行/总公司；请填写其在本县的县级机构或网点的编码"),
        (11, "所属镇（街道）代码", "成员单位用户不填所属镇（街道）代码"),
    ]
    for item in expected:
        assert item in got, item
    assert any(r[0] == 12 and r[1] == "角色" and "不是可选值" in r[2] for r in got)
    assert any(r[0] == 13 and r[1] == "手机号" for r in got)
    assert (14, "用户名", "用户名与第 2 行重复") in got
    assert any(r[0] == 15 and r[1] == "用户名" and "只能包含" in r[2] for r in got)
    assert (16, "用户名", "用户名已存在于系统中；如需修改，请选择“新增或更新”方式导入") in got
    assert User.objects.count() == len(users)


def test_upsert_moves_an_agent_changes_a_role_and_deactivates(county, users):
    assert run(GOOD, actor=users["admin"]).ok
    data = csv(
        "lucun-dby,李代办,代办员,,,370323001201,13800001112,",  # villages change
        "jrzx-1,钱主任,镇（街道）,,370323001000,,,",  # member unit → town official: its organisation goes
        "abc-kehu,赵经理,金融机构,ABC-YY-01,,,,否",  # deactivated
        "rh-2,孙科长,领导小组办公室,PBOC,,,,",  # unchanged
    )
    result = run(data, actor=users["admin"], mode=MODE_UPSERT)
    assert result.ok, reasons(result)
    assert (result.created, result.updated, result.unchanged) == (0, 3, 1)
    assert result.passwords == [] and "初始密码" not in result.summary
    agent = User.objects.get(username="lucun-dby")
    assert list(agent.villages.values_list("code", flat=True)) == ["370323001201"]
    moved = User.objects.get(username="jrzx-1")
    assert moved.role == "town" and moved.organisation is None and moved.town.code == "370323001000"
    assert not User.objects.get(username="abc-kehu").is_active
    history = record_history(agent)
    assert any("负责的村 370323102201、370323102202 → 370323001201" in h["log"].note for h in history)
    latest = record_history(moved)[0]
    changes = {c["label"]: (c["before"], c["after"]) for c in latest["changes"]}
    assert changes["角色"] == ("member_unit", "town")


def test_upsert_keeps_columns_the_file_leaves_out(county, users):
    assert run(GOOD, actor=users["admin"]).ok
    data = "用户名,角色,姓名\nlucun-dby,代办员,李四\n".encode()
    result = run(data, actor=users["admin"], mode=MODE_UPSERT)
    assert result.ok, reasons(result)
    agent = User.objects.get(username="lucun-dby")
    assert agent.display_name == "李四" and agent.villages.count() == 2 and agent.phone == "13800001112"


def test_an_administrator_cannot_lock_themselves_out(county, users):
    data = csv("admin,管理员,代办员,,,370323102201,,", "admin2,管理员2,系统管理员,,,,,")
    result = run(data, actor=users["admin"], mode=MODE_UPSERT)
    assert (2, "角色", "不能在导入中更改自己的角色") in reasons(result)
    data = csv("admin,管理员,系统管理员,,,,,否")
    assert (2, "是否启用", "不能在导入中停用自己的账号") in reasons(
        run(data, actor=users["admin"], mode=MODE_UPSERT)
    )


def test_a_farmers_account_is_not_changed_by_an_import(county, users):
    data = csv("farmer,农户,代办员,,,370323102201,,")
    result = run(data, actor=users["admin"], mode=MODE_UPSERT)
    assert (2, "用户名", "该用户名是农户本人的“公众”账号，不能通过导入修改") in reasons(result)


def test_several_separators_and_an_excel_number(county, users):
    data = csv('v1,甲,村级代办员,,,"370323102201,370323102202；370323001201",,')
    result = run(data, actor=users["admin"])
    assert result.ok, reasons(result)
    assert User.objects.get(username="v1").villages.count() == 3
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx(USERS)))
    wb["用户"].append(["v2", "乙", "代办员", None, None, 370323102201, None, None])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = user_import(actor=users["admin"], file=buffer.getvalue(), filename="用户.xlsx")
    assert result.ok, reasons(result)
    assert list(User.objects.get(username="v2").villages.values_list("code", flat=True)) == ["370323102201"]


def test_template_round_trip():
    parsed = parse(template_xlsx(USERS), USERS)
    assert [e.reason for e in parsed.errors] == ["文件只有表头，没有数据行"]


def test_initial_password_hash_is_checkable(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    from django.contrib.auth.hashers import check_password

    encoded = quick_password_hash("Abc-123456789xyz")
    assert encoded.startswith("pbkdf2_sha256$2000$")
    assert check_password("Abc-123456789xyz", encoded)


def test_cli_refuses_without_changes(county, tmp_path):
    path = tmp_path / "users.csv"
    path.write_bytes(csv("t1,甲,镇（街道）,,,,,"))
    with pytest.raises(CommandError, match="未保存任何数据"):
        call_command("import", "users", str(path))


def test_the_accounts_page_shows_its_import_history(client, county, users):
    assert run(GOOD, actor=users["admin"]).ok
    agent = User.objects.get(username="lucun-dby")
    client.force_login(users["admin"])
    page = client.get(reverse("user_edit", args=[agent.pk])).content.decode()
    assert 'data-testid="record-history"' in page and "导入 用户.csv" in page


def test_a_new_phone_number_is_stored_and_found_by_its_hash(county, users):
    from puhui.core import crypto

    assert run(GOOD, actor=users["admin"]).ok
    data = csv("lucun-dby,李代办,代办员,,,370323102201、370323102202,13900002222,")
    result = run(data, actor=users["admin"], mode=MODE_UPSERT)
    assert result.ok and result.updated == 1, reasons(result)
    found = User.objects.filter(phone_hash__in=crypto.lookup_hashes("13900002222"))
    assert list(found.values_list("username", flat=True)) == ["lucun-dby"]
    assert "13900002222" not in str(AuditLog.objects.latest("id").after)
