"""`puhui import …`: the management command named `import`."""

import io

import pytest
from django.core.management import CommandError, call_command

from puhui.core.models import AuditLog, Division, Organisation
from puhui.imports.services import SYSTEM_ACTOR
from puhui.imports.specs import DIVISIONS

from .conftest import DIV_HEADER, DIV_ROWS, ORG_HEADER, db_state, make_csv, org_row


def run(*args):
    out = io.StringIO()
    call_command("import", *args, stdout=out)
    return out.getvalue()


def test_divisions_then_organisations(db, tmp_path):
    divisions = tmp_path / "区划.csv"
    divisions.write_bytes(make_csv([DIV_HEADER, *DIV_ROWS], "gbk"))
    out = run("divisions", str(divisions))
    assert "导入成功" in out and "新增 5 条" in out
    orgs = tmp_path / "机构.csv"
    orgs.write_bytes(
        make_csv([ORG_HEADER, org_row("RCB", "沂源农商银行", kind="农村商业银行", division="370323102201")])
    )
    assert "新增 1 条" in run("organisations", str(orgs))
    assert Organisation.objects.get(code="RCB").division == Division.objects.get(code="370323102201")
    assert set(AuditLog.objects.values_list("actor_label", flat=True)) == {SYSTEM_ACTOR}


def test_errors_print_a_table_and_exit_non_zero(county, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        make_csv([DIV_HEADER, ["370323102201", "已有", "村", "370323102000"], ["370323102209", "x", "乡村"]])
    )
    before = db_state()
    out = io.StringIO()
    with pytest.raises(CommandError) as e:
        call_command("import", "divisions", str(path), stdout=out)
    assert str(e.value) == "导入失败：文件 bad.csv 共有 2 处问题，未保存任何数据。"
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["行", "列", "值", "原因"]
    assert lines[1].split()[:3] == ["2", "区划代码", "370323102201"]
    assert lines[2].split()[:3] == ["3", "层级", "乡村"]
    assert db_state() == before


def test_upsert_mode_and_actor(county, users, tmp_path):
    path = tmp_path / "u.csv"
    path.write_bytes(make_csv([["区划代码", "名称", "层级"], [county["villages"][0].code, "改名村", "村"]]))
    assert "更新 1 条" in run("divisions", str(path), "--mode", "upsert", "--actor", "office")
    assert AuditLog.objects.get(action="update").actor == users["office"]
    with pytest.raises(CommandError, match="没有用户名为 nobody 的有效用户"):
        run("divisions", str(path), "--actor", "nobody")


def test_template_and_missing_file(db, tmp_path):
    target = tmp_path / "t.csv"
    assert "已写出行政区划模板" in run("divisions", "--template", str(target))
    assert target.read_bytes().decode("utf-8-sig").strip() == ",".join(c.header for c in DIVISIONS.columns)
    run("organisations", "--template", str(tmp_path / "t.xlsx"))
    assert (tmp_path / "t.xlsx").read_bytes().startswith(b"PK")
    with pytest.raises(CommandError, match="找不到文件"):
        run("divisions", str(tmp_path / "nope.csv"))
    with pytest.raises(CommandError, match="请给出要导入的文件"):
        run("divisions")
