"""Bulk import of credit archives from Excel: real xlsx files written with openpyxl, all-or-nothing, scope, page, CLI."""

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from puhui.core.models import AuditLog
from puhui.credit import services
from puhui.credit.archive_import import SPEC, archive_import
from puhui.credit.models import HouseholdArchive
from tests.conftest import ID_NUMBERS

# Every archive column, by its template header, for a complete archive.
FULL = {
    "户主文化程度": "初中",
    "家庭劳动力人数": 2,
    "在本地居住年限": 30,
    "住房情况": "自有楼房或砖混房",
    "承包地面积（亩）": 6.5,
    "流转入面积（亩）": 3,
    "主要经营项目": "苹果",
    "从事主营产业年限": 12,
    "家庭农场主或合作社成员": "否",
    "家庭总资产（元）": 300000,
    "家庭总负债（元）": "20,000",
    "家庭年纯收入（元）": 80000,
    "年经营收入（元）": "120000元",
    "参加政策性农业保险": "是",
    "保险情况": "苹果政策性保险",
    "银行账户和银行卡": "农商行社保卡",
    "现有贷款情况": "农商行 3万元",
    "有贷款的机构数": 1,
    "近三年贷款逾期次数": 0,
    "按时结清的贷款笔数": 2,
    "当前有逾期贷款": "否",
    "当前有不良贷款": "否",
    "对外担保余额（元）": 0,
    "欠缴公共事业费": "否",
    "有未结诉讼": "否",
    "有未履行的强制执行": "否",
    "有已履行完毕的被执行记录": "否",
    "有逃废债记录": "否",
    "村委会评议意见": "经营稳定",
}
HEADER = ["户编号", "户主身份证号", "户主姓名", *FULL]


MEMBER_HEADER = ["户编号", "户主身份证号", "姓名", "与户主关系", "身份证号", "年龄", "劳动力"]


def xlsx(rows, header=HEADER, sheet="农户信用档案", members=None, member_header=MEMBER_HEADER) -> bytes:
    """rows: dicts header → value (missing headers left blank); members: the optional second sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append([row.get(h) for h in header])
    if members is not None:
        ms = wb.create_sheet("家庭成员")
        ms.append(member_header)
        for row in members:
            ms.append([row.get(h) for h in member_header])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def full(code="H0", **overrides):
    return {"户编号": code, **FULL, **overrides}


def errors_of(result):
    return [(e.row, e.column, e.reason) for e in result.errors.sorted()]


def assert_refused(result, row, column, reason_part):
    assert not result.ok
    assert any(e.row == row and e.column == column and reason_part in e.reason for e in result.errors), (
        errors_of(result)
    )
    assert HouseholdArchive.objects.count() == 0
    # A refused import is audited as such (it looked households up), never as a stored one.
    logs = AuditLog.objects.filter(action=AuditLog.Action.IMPORT)
    assert not logs.filter(after__saved=True).exists()


# ---------------------------------------------------------------- storing


def test_valid_import_stores_rows_and_one_audit_row(county, users):
    h = county["households"]
    data = xlsx(
        [
            full("H0", 户主姓名="户主0", 主要经营项目="苹果，畜牧 苹果"),
            {"户主身份证号": ID_NUMBERS[2], "承包地面积（亩）": "4.25", "主要经营项目": "樱桃"},
        ]
    )
    result = archive_import(actor=users["office"], file=data, filename="档案.xlsx")
    assert result.ok, errors_of(result)
    assert (result.rows, result.created, result.updated, result.unchanged) == (2, 2, 0, 0)
    a0 = HouseholdArchive.objects.get(household=h[0])
    assert a0.is_complete and a0.completeness == 100 and a0.status == "submitted"
    assert a0.village_id == h[0].village_id and a0.town_id == h[0].town_id
    assert a0.main_activities == "苹果、畜牧养殖" and str(a0.total_liabilities) == "20000.00"
    assert a0.operating_income == 120000 and a0.has_agri_insurance is True and a0.current_npl is False
    assert a0.collected_by is None  # only an agent is recorded as collector
    a2 = HouseholdArchive.objects.get(household=h[2])
    # Blank cells are "not filled", never 0 or 否: the same completeness as the agent's form gives.
    assert a2.status == "draft" and a2.has_agri_insurance is None and a2.total_assets is None
    assert str(a2.land_contracted_mu) == "4.25" and a2.main_activities == "樱桃"
    assert a2.completeness == services.archive_completeness(a2)[0] < 100
    logs = AuditLog.objects.filter(object_type="credit.HouseholdArchive")
    assert logs.count() == 1
    log = logs.get()
    assert log.action == AuditLog.Action.IMPORT and log.actor == users["office"]
    assert log.after["created"] == 2 and log.after["submitted"] == 1 and log.after["draft"] == 1
    assert "档案.xlsx" in log.object_repr


def test_agent_imports_own_village_and_is_collector(county, users):
    result = archive_import(actor=users["agent"], file=xlsx([full("H0")]))
    assert result.ok, errors_of(result)
    assert HouseholdArchive.objects.get().collected_by == users["agent"]


def test_town_official_imports_own_town(county, users):
    result = archive_import(actor=users["town_lucun"], file=xlsx([full("H2"), full("H3")]))
    assert result.ok and result.created == 2


def test_upsert_updates_unverifies_changed_and_leaves_unchanged(county, users, archived, complete):
    archived(0)  # H0 verified by ABC
    services.archive_verify(
        actor=users["abc"],
        archive=services.archive_save(actor=users["agent"], household=county["households"][1], data=complete),
    )
    rows = [full("H0"), full("H1", **{"家庭总资产（元）": 350000}), {"户编号": "H2", "主要经营项目": "桃"}]
    # "仅新增" refuses households that already have an archive
    refused = archive_import(actor=users["office"], file=xlsx(rows))
    assert not refused.ok
    assert any(e.row == 2 and "已有信用档案（已核实）" in e.reason for e in refused.errors)
    result = archive_import(actor=users["office"], file=xlsx(rows), mode="upsert")
    assert result.ok, errors_of(result)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    a0, a1, a2 = (HouseholdArchive.objects.get(household=h) for h in county["households"][:3])
    assert a0.status == "verified" and a0.verified_by == users["abc"]  # same content: untouched
    assert (
        a1.status == "submitted" and a1.verified_by is None and a1.verified_bank is None
    )  # changed: re-verify
    assert a1.total_assets == 350000
    assert a2.status == "draft"
    assert not HouseholdArchive.objects.filter(status="verified").exclude(pk=a0.pk).exists()


def test_upsert_keeps_columns_absent_from_file(county, users, complete):
    services.archive_save(actor=users["agent"], household=county["households"][0], data=complete)
    data = xlsx([{"户编号": "H0", "家庭总资产（元）": 1}], header=["户编号", "家庭总资产（元）"])
    result = archive_import(actor=users["agent"], file=data, mode="upsert")
    assert result.ok and result.updated == 1
    a = HouseholdArchive.objects.get()
    assert a.total_assets == 1 and a.accounts == complete["accounts"] and a.is_complete


# ---------------------------------------------------------------- refused files: nothing stored


def test_unknown_column(county, users):
    result = archive_import(actor=users["office"], file=xlsx([full("H0")], header=[*HEADER, "备注栏"]))
    assert_refused(result, 1, "备注栏", "无法识别的列")


def test_no_household_column(county, users):
    result = archive_import(
        actor=users["office"], file=xlsx([{"家庭总资产（元）": 1}], header=["家庭总资产（元）"])
    )
    assert_refused(result, 1, "户编号", "缺少“户编号”列或“户主身份证号”列")


def test_text_in_number(county, users):
    result = archive_import(
        actor=users["office"], file=xlsx([full("H1"), full("H0", **{"家庭总资产（元）": "三十万"})])
    )
    assert_refused(result, 3, "家庭总资产（元）", "不是数字")


def test_out_of_range_and_fraction(county, users):
    result = archive_import(
        actor=users["office"], file=xlsx([full("H0", 家庭劳动力人数=2.5, 在本地居住年限=500)])
    )
    assert_refused(result, 2, "家庭劳动力人数", "应为整数")
    assert any(e.column == "在本地居住年限" and "不能大于 120" in e.reason for e in result.errors)


def test_unknown_household(county, users):
    result = archive_import(actor=users["office"], file=xlsx([full("H0"), full("H99")]))
    assert_refused(result, 3, "户编号", "农户登记中找不到该农户")


def test_unknown_id_number(county, users):
    rows = [{"户主身份证号": "110101199003070011"}]  # valid check digit, nobody's
    result = archive_import(actor=users["office"], file=xlsx(rows))
    assert_refused(result, 2, "户主身份证号", "农户登记中找不到该农户")


def test_id_number_of_another_household(county, users):
    result = archive_import(actor=users["office"], file=xlsx([full("H0", 户主身份证号=ID_NUMBERS[1])]))
    assert_refused(result, 2, "户主身份证号", "与户编号 H0 的户主不符")


def test_bad_id_number(county, users):
    result = archive_import(actor=users["office"], file=xlsx([{"户主身份证号": "370323199001011235"}]))
    assert_refused(result, 2, "户主身份证号", "校验位错误")


def test_agent_household_outside_villages(county, users):
    # H1 is in 历山2村, not the agent's village.
    result = archive_import(actor=users["agent"], file=xlsx([full("H0"), full("H1")]))
    assert_refused(
        result, 3, "户编号", "找不到该农户，或不在您的管辖范围内（村级代办员只能导入本人负责村的农户）"
    )


def test_town_official_household_of_another_town(county, users):
    result = archive_import(
        actor=users["town_lishan"], file=xlsx([full("H1"), {"户主身份证号": ID_NUMBERS[2]}])
    )
    assert_refused(
        result, 3, "户主身份证号", "找不到该农户，或不在您的管辖范围内（只能导入本镇（街道）的农户）"
    )


# ---------------------------------------------------------------- no ID → household oracle (finding H1)

NOBODY = "110101199003070011"  # valid check digit, no household's head


def _reasons(result):
    return {e.row: (e.column, e.reason) for e in result.errors}


def _leaks(result, household) -> list[str]:
    """What the result says about `household` beyond the cells the importer typed (shown back as values)."""
    said = " ".join(f"{e.column} {e.reason}" for e in result.errors) + result.summary
    shown = said + " ".join(e.value for e in result.errors)
    return [s for s in (household.code,) if s in said] + [s for s in (household.head_name,) if s in shown]


@pytest.mark.parametrize("who", ["town_lucun", "agent"])
def test_id_of_household_outside_scope_answers_like_no_household(county, users, who):
    """The attack: a file with only 户主身份证号 used to say “农户 H0 不在您的管辖范围内” for any ID of the
    county, i.e. which household an ID number belongs to. Now an ID outside the importer's scope and an ID
    of nobody get the same words, and nothing about the other household comes back."""
    outside = county["households"][1]  # 历山2村: outside 鲁村镇 and outside the agent's village
    rows = [{"户主身份证号": ID_NUMBERS[1]}, {"户主身份证号": NOBODY}]
    result = archive_import(actor=users[who], file=xlsx(rows, header=["户主身份证号"]))
    assert not result.ok
    reasons = _reasons(result)
    assert reasons[2] == reasons[3], reasons
    assert reasons[2][0] == "户主身份证号" and reasons[2][1].startswith("找不到该农户，或不在您的管辖范围内")
    assert not _leaks(result, outside)
    assert HouseholdArchive.objects.count() == 0


def test_code_of_household_outside_scope_answers_like_no_household(county, users):
    outside = county["households"][2]  # 鲁村1村
    result = archive_import(actor=users["agent"], file=xlsx([{"户编号": "H2"}, {"户编号": "H99"}]))
    reasons = _reasons(result)
    assert reasons[2] == reasons[3] == ("户编号", reasons[2][1])
    assert "找不到该农户" in reasons[2][1] and not _leaks(result, outside)


def test_in_scope_code_with_outside_id_answers_like_unknown_id(county, users):
    # H0 is the agent's; ID_NUMBERS[1] is H1's head (another village), NOBODY is no one's.
    rows = [full("H0", 户主身份证号=ID_NUMBERS[1])]
    outside = archive_import(actor=users["agent"], file=xlsx(rows))
    unknown = archive_import(actor=users["agent"], file=xlsx([full("H0", 户主身份证号=NOBODY)]))
    assert (
        _reasons(outside)[2] == _reasons(unknown)[2] == ("户主身份证号", "户主身份证号与户编号 H0 的户主不符")
    )
    assert not _leaks(outside, county["households"][1])


def test_members_sheet_outside_scope_answers_like_no_household(county, users):
    members = [
        {"户主身份证号": ID_NUMBERS[2], "姓名": "甲", "与户主关系": "户主"},  # H2: 鲁村镇
        {"户主身份证号": NOBODY, "姓名": "乙", "与户主关系": "户主"},
    ]
    result = archive_import(actor=users["town_lishan"], file=xlsx([full("H0")], members=members))
    reasons = [(e.column, e.reason) for e in result.errors.sorted()]
    assert len(reasons) == 2 and reasons[0] == reasons[1], reasons
    assert not _leaks(result, county["households"][2])


def test_import_page_does_not_name_household_outside_scope(county, users, login):
    c = login(users["town_lucun"])
    upload = SimpleUploadedFile(
        "身份证.xlsx", xlsx([{"户主身份证号": ID_NUMBERS[0]}], header=["户主身份证号"])
    )
    page = c.post("/credit/archives/import/", {"mode": "create", "file": upload}).content.decode()
    assert "找不到该农户，或不在您的管辖范围内" in page
    # Word-bounded: the page's random CSRF token may contain the letters "H0".
    assert not re.search(r"\bH0\b", page) and "户主0" not in page


def test_refused_import_is_audited(county, users):
    rows = [{"户主身份证号": ID_NUMBERS[0]}, {"户主身份证号": NOBODY}]
    archive_import(actor=users["town_lucun"], file=xlsx(rows, header=["户主身份证号"]), filename="试探.xlsx")
    log = AuditLog.objects.get(action=AuditLog.Action.IMPORT)
    assert log.actor == users["town_lucun"] and log.object_type == "credit.HouseholdArchive"
    assert log.after["saved"] is False and log.after["errors"] == 2 and log.after["rows"] == 2
    assert "未保存" in log.object_repr and "试探.xlsx" in log.object_repr
    assert ID_NUMBERS[0] not in str(log.after) + log.note  # the numbers tried are not copied into the log


def test_unreadable_file_is_not_audited(county, users):
    result = archive_import(actor=users["agent"], file=b"\x00\x01 not a table", filename="x.xlsx")
    assert not result.ok and not AuditLog.objects.filter(action=AuditLog.Action.IMPORT).exists()


def test_duplicate_household(county, users):
    # The same household twice, once by code and once by the head's ID number.
    result = archive_import(actor=users["office"], file=xlsx([full("H0"), {"户主身份证号": ID_NUMBERS[0]}]))
    assert_refused(result, 3, "户主身份证号", "与第 2 行是同一农户（户编号 H0）")


def test_bad_choice(county, users):
    result = archive_import(actor=users["office"], file=xlsx([full("H0", 户主文化程度="博士后")]))
    assert_refused(result, 2, "户主文化程度", "不是可选值，应为：小学及以下、初中")


def test_bad_activity(county, users):
    result = archive_import(actor=users["office"], file=xlsx([full("H0", 主要经营项目="苹果、种花")]))
    assert_refused(result, 2, "主要经营项目", "“种花”不是可选的经营项目")


def test_inconsistent_row(county, users):
    rows = [full("H0", 当前有不良贷款="是", 当前有逾期贷款="否"), full("H1", 家庭劳动力人数=5)]
    result = archive_import(actor=users["office"], file=xlsx(rows))
    assert_refused(result, 2, "当前有逾期贷款", "当前有不良贷款的")
    assert any(e.row == 3 and "不能多于农户登记的家庭人口（3）" in e.reason for e in result.errors)


def test_head_name_mismatch(county, users):
    result = archive_import(actor=users["office"], file=xlsx([full("H0", 户主姓名="王五")]))
    assert_refused(result, 2, "户主姓名", "户主姓名不一致")


def test_every_error_listed_and_nothing_stored_after_valid_chunks(county, users, monkeypatch):
    # Small chunks: the valid first rows were already written when the bad row came; all rolled back.
    monkeypatch.setattr("puhui.credit.archive_import.CHUNK", 1)
    rows = [
        full("H0"),
        full("H1"),
        full("H2", **{"家庭总资产（元）": "x"}),  # the template's header, so the bad value reaches the file
        full("H3", 参加政策性农业保险="也许"),
    ]
    assert all(set(row) <= set(HEADER) for row in rows)  # no cell is silently left out of the file
    result = archive_import(actor=users["office"], file=xlsx(rows))
    assert_refused(result, 4, "家庭总资产（元）", "不是数字")
    assert_refused(result, 5, "参加政策性农业保险", "不是可选值")
    assert {(e.row, e.column) for e in result.errors} == {(4, "家庭总资产（元）"), (5, "参加政策性农业保险")}
    assert result.created == 0


# ---------------------------------------------------------------- members sheet


def test_members_sheet_replaces_members_of_listed_households(county, users, complete):
    h = county["households"]
    services.archive_save(
        actor=users["agent"], household=h[1], data=complete, members=[{"name": "旧成员", "relation": "户主"}]
    )
    members = [
        {
            "户编号": "H0",
            "姓名": "户主0",
            "与户主关系": "户主",
            "身份证号": ID_NUMBERS[0],
            "年龄": 40,
            "劳动力": "是",
        },
        {"户主身份证号": ID_NUMBERS[0], "姓名": "张小", "与户主关系": "子女", "年龄": 12},
    ]
    result = archive_import(
        actor=users["town_lishan"], file=xlsx([full("H0"), full("H1")], members=members), mode="upsert"
    )
    assert result.ok, errors_of(result)
    assert result.members == 2 and "家庭成员 2 人" in result.summary
    a0 = HouseholdArchive.objects.get(household=h[0])
    got = sorted((m.name, m.relation, m.age, m.is_labour, m.id_number) for m in a0.members.all())
    assert got == [("张小", "子女", 12, False, ""), ("户主0", "户主", 40, True, ID_NUMBERS[0])]
    assert a0.members.get(name="户主0").id_hash  # encrypted, with its lookup hash
    # H1 is not in the members sheet: its members are kept.
    assert [m.name for m in HouseholdArchive.objects.get(household=h[1]).members.all()] == ["旧成员"]
    assert AuditLog.objects.get(action=AuditLog.Action.IMPORT).after["members"] == 2


def test_members_sheet_errors_store_nothing(county, users):
    members = [
        {"户编号": "H0", "姓名": "甲", "与户主关系": "户主", "身份证号": ID_NUMBERS[0]},
        {"户编号": "H1", "姓名": "乙", "与户主关系": "户主"},  # H1 is not in the archive sheet
        {"户编号": "H0", "姓名": "丙", "与户主关系": "配偶", "身份证号": ID_NUMBERS[0], "年龄": "四十"},
        {"户编号": "H0", "与户主关系": "子女"},
    ]
    result = archive_import(actor=users["office"], file=xlsx([full("H0")], members=members))
    assert not result.ok
    got = {(e.row, e.column) for e in result.errors}
    assert {(3, "户编号"), (4, "身份证号"), (4, "年龄"), (5, "姓名")} <= got, errors_of(result)
    assert any("不在“农户信用档案”工作表中" in e.reason for e in result.errors)
    assert HouseholdArchive.objects.count() == 0


# ---------------------------------------------------------------- page, permissions, template, CLI


def test_worklist_links_import_for_editors_only(county, users, login):
    assert "archive-import-link" in login(users["agent"]).get("/credit/").content.decode()
    assert "archive-import-link" not in login(users["abc"]).get("/credit/").content.decode()


@pytest.mark.parametrize("who", ["abc", "public", "member", "admin"])
def test_page_refused(county, users, login, who):
    c = login(users[who])
    assert c.get("/credit/archives/import/").status_code == 404
    assert c.get("/credit/archives/import/template.xlsx").status_code == 404
    upload = SimpleUploadedFile("a.xlsx", xlsx([full("H0")]))
    assert c.post("/credit/archives/import/", {"mode": "create", "file": upload}).status_code == 404
    assert HouseholdArchive.objects.count() == 0


def test_page_needs_login(client, county):
    r = client.get("/credit/archives/import/")
    assert r.status_code == 302 and "login" in r["Location"]


def test_service_refuses_bank(county, users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        archive_import(actor=users["abc"], file=xlsx([full("H0")]))


def test_page_shows_errors_for_another_village(county, users, login):
    c = login(users["agent"])
    upload = SimpleUploadedFile("档案.xlsx", xlsx([full("H0"), full("H2")]))
    r = c.post("/credit/archives/import/", {"mode": "create", "file": upload})
    page = r.content.decode()
    assert r.status_code == 200 and 'data-testid="import-errors"' in page
    assert "不在您的管辖范围内" in page and "没有保存任何数据" in page
    assert HouseholdArchive.objects.count() == 0


def test_template_downloads_and_reimports_after_filling(county, users, login):
    c = login(users["agent"])
    page = c.get("/credit/archives/import/").content.decode()
    assert "template.xlsx" in page
    r = c.get("/credit/archives/import/template.xlsx")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[:3] == ["农户信用档案", "家庭成员", "填写说明"]
    ws = wb["农户信用档案"]
    headers = [cell.value for cell in ws[1]]
    assert headers == [col.header for col in SPEC.columns]
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert any("初中" in f for f in lists) and any("是,否" in f for f in lists)
    notes = " ".join(str(row[0].value) for row in wb["填写说明"].iter_rows() if row[0].value)
    assert "户编号" in notes and "导入不会核实档案" in notes
    values = {"户编号": "H0", "户主身份证号": ID_NUMBERS[0], "户主姓名": "户主0", **FULL}
    for index, header in enumerate(headers, start=1):
        ws.cell(row=2, column=index, value=values.get(header))
    ms = wb["家庭成员"]
    member_headers = [cell.value for cell in ms[1]]
    member = {
        "户编号": "H0",
        "姓名": "户主0",
        "与户主关系": "户主",
        "身份证号": ID_NUMBERS[0],
        "劳动力": "是",
    }
    for index, header in enumerate(member_headers, start=1):
        ms.cell(row=2, column=index, value=member.get(header))
    buffer = io.BytesIO()
    wb.save(buffer)
    upload = SimpleUploadedFile("农户信用档案导入模板.xlsx", buffer.getvalue())
    r = c.post("/credit/archives/import/", {"mode": "create", "file": upload}, HTTP_HX_REQUEST="true")
    assert 'data-testid="import-ok"' in r.content.decode(), r.content.decode()
    archive = HouseholdArchive.objects.get()
    assert archive.is_complete and archive.status == "submitted" and archive.collected_by == users["agent"]
    assert archive.members.get().id_number == ID_NUMBERS[0]
    assert (
        c.get("/credit/archives/import/template.csv")
        .content.decode("utf-8-sig")
        .startswith("户编号,户主身份证号")
    )


def test_cli(county, users, tmp_path):
    path = tmp_path / "档案.xlsx"
    path.write_bytes(xlsx([full("H0"), full("H1")]))
    out = io.StringIO()
    call_command("import", "archives", str(path), "--actor", "lishan", stdout=out)
    assert "导入成功" in out.getvalue() and HouseholdArchive.objects.count() == 2
    with pytest.raises(CommandError, match="无权导入农户信用档案"):
        call_command(
            "import", "archives", str(path), "--actor", "abc", "--mode", "upsert", stdout=io.StringIO()
        )
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([full("H2"), full("H9")]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="未保存任何数据"):
        call_command("import", "archives", str(bad), stdout=out)
    assert "H9" in out.getvalue() and HouseholdArchive.objects.count() == 2
    system = tmp_path / "系统.xlsx"
    system.write_bytes(xlsx([full("H3", 主要经营项目="桃")]))
    call_command("import", "archives", str(system), "--mode", "upsert", stdout=io.StringIO())
    assert HouseholdArchive.objects.get(household=county["households"][3]).collected_by is None
    assert AuditLog.objects.filter(action=AuditLog.Action.IMPORT, actor=None).exists()
    template = tmp_path / "模板.xlsx"
    call_command("import", "archives", "--template", str(template), stdout=io.StringIO())
    assert openpyxl.load_workbook(template).sheetnames[:2] == ["农户信用档案", "家庭成员"]
