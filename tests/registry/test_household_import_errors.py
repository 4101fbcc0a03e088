"""Bad household rosters: every problem at its row and column with a Chinese reason, nothing stored."""

import io

import openpyxl

from puhui.imports.services import SYSTEM_ACTOR, table_import
from puhui.registry.models import Household, HouseholdMember
from tests.registry.household_rows import HEADER, make_id, roster, to_csv

LUCUN1 = "370323102201"


def run(data, *, mode="create", name="名录.csv"):
    before = (Household.objects.count(), HouseholdMember.objects.count())
    result = table_import(
        actor=SYSTEM_ACTOR, kind="households", file=data, filename=name, mode=mode, confirm=True
    )
    assert not result.ok
    assert (Household.objects.count(), HouseholdMember.objects.count()) == before  # nothing stored
    return [(e.row, e.column, e.value, e.reason) for e in result.errors.sorted()]


def test_the_same_person_twice_in_the_file(county):
    rows = roster(3)
    rows[7][4] = rows[1][4]  # R000002's second member is R000000's spouse
    rows[5][4] = rows[3][4]  # R000001's last member is its own head
    found = run(to_csv(rows))
    masked = make_id(1)[:6] + "********" + make_id(1)[-4:]
    assert (9, "身份证号", masked, "同一人不能属于两户：该身份证号已在第 3 行（户编号 R000000）出现") in found
    assert (
        7,
        "身份证号",
        make_id(5)[:6] + "********" + make_id(5)[-4:],
        "同一户中身份证号重复（与第 5 行相同）",
    ) in found
    assert len(found) == 2


def test_a_person_stored_in_another_household(county):
    assert table_import(actor=SYSTEM_ACTOR, kind="households", file=to_csv(roster(2)), confirm=True).ok
    rows = roster(1, start=5)
    rows[1][4] = make_id(1)  # R000000's spouse, stored
    reason = (
        "该身份证号已登记在户编号 R000000 的农户中：同一人不能属于两户（如确需调整，请先办理分户、合户，"
        "或用“新增或更新”在同一文件中一并修改原户）"
    )
    assert [f[3] for f in run(to_csv(rows))] == [reason]
    assert [f[3] for f in run(to_csv(rows), mode="upsert")] == [reason]
    # The head of a household stored without member rows (the demo's) is a person of that household too.
    rows[1][4] = "370323199001011234"  # H0's head in the test county
    assert "户编号 H0 的农户中" in run(to_csv(rows))[0][3]
    # Moving the person in the same upsert file, with the household they leave, is allowed.
    moved = roster(2)
    moved[4][4] = make_id(1)  # R000001's spouse is now R000000's spouse…
    moved[1][4] = make_id(777)  # …whose place in R000000 another person takes
    result = table_import(
        actor=SYSTEM_ACTOR, kind="households", file=to_csv(moved), mode="upsert", confirm=True
    )
    assert result.ok, list(result.errors)
    assert HouseholdMember.objects.get(name="成员1-1").household.code == "R000001"


def test_wrong_check_digit_and_an_id_of_another_county(county):
    rows = roster(1)
    rows[1][4] = make_id(1)[:-1] + ("0" if make_id(1)[-1] != "0" else "1")
    rows[2][4] = make_id(2, area="110101")  # 北京市东城区: valid, not of this county
    found = run(to_csv(rows))
    assert found[0][1:] == ("身份证号", rows[1][4], "身份证号码校验位错误")
    assert found[1][0] == 4 and found[1][3].startswith("不是本县户籍的身份证号：地区码不是沂源县的（")
    assert "370323" in found[1][3]


def test_a_village_of_another_county_or_unknown(county):
    rows = roster(1, village="370322102201") + roster(1, village="370323109201", start=1)
    found = run(to_csv(rows))
    assert {f[3] for f in found[:3]} == {"370322102201 不是本县（沂源县）的区划代码，不能导入外县的农户"}
    assert {f[3] for f in found[3:]} == {"村（社区）代码 370323109201 在系统中不存在，请先导入行政区划"}
    assert [f[0] for f in found] == [2, 3, 4, 5, 6, 7]


def test_a_column_renamed(county):
    header = [
        "户编号",
        "村（社区）代码",
        "姓名",
        "与户主关系",
        "证件号",
        "联系电话",
        "农户",
        "家庭人口",
        "承包地面积（亩）",
        "主要经营",
    ]
    found = run(to_csv(roster(1), header))
    assert (1, "证件号", "证件号", "无法识别的列（第 E 列），请使用模板中的列名") in found
    assert (1, "身份证号", "", "缺少必需的列“身份证号”") in found


def test_half_a_household_roster_and_half_a_firm_roster(county):
    header = [*HEADER, "统一社会信用代码", "名称", "行业", "成立日期"]
    rows = [[*row, "", "", "", ""] for row in roster(1)]
    found = run(to_csv(rows, header))
    assert found[0][3].startswith("表头中有 4 列属于“市场主体”")
    assert "两张表须分成两个文件" in found[0][3]
    # The firm roster pasted below the households, with its own header row.
    firm_rows = [
        ["统一社会信用代码", "名称", "类型", "行业", "成立日期"],
        ["91370323MA3C4DB553", "沂源甲公司", "小型企业", "制造业", "2015-03-01"],
    ]
    found = run(to_csv(roster(1) + firm_rows))
    assert (
        5,
        "",
        "",
        "此行是“市场主体”的表头：一个文件只能包含一张表，农户名录与市场主体须分成两个文件分别导入",
    ) in found


def test_households_without_a_head_with_two_heads_or_too_small(county):
    rows = roster(3)
    rows[0][3] = "配偶"  # R000000 has no head
    rows[4][3] = "户主"  # R000001 has two
    rows[6][7] = 2  # R000002 declares 2 people for 3 rows
    rows[8][1] = "370323102202"  # and one of them in another village
    rows[7][9] = "蔬菜大棚"  # and a member row disagreeing with the head's activity
    found = run(to_csv(rows))
    assert (2, "与户主关系", "", "户编号 R000000 没有户主行（每户须有一行“与户主关系”为“户主”）") in found
    assert (6, "与户主关系", "户主", "本户已有户主（第 5 行），每户只能有一个户主") in found
    assert (8, "家庭人口", "2", "家庭人口 2 人少于本户的成员行数 3 行") in found
    assert (
        10,
        "村（社区）代码",
        "370323102202",
        "与户主行（第 8 行）的村代码 370323102201 不一致：同一户只能在一个村",
    ) in found
    assert (
        9,
        "主要经营",
        "蔬菜大棚",
        "与户主行（第 8 行）不一致：户级信息以户主行为准，成员行可不填",
    ) in found


def test_a_long_file_with_one_bad_row_at_the_end(county):
    """Every row is read and checked; the one problem is reported at its row; nothing is stored. (The
    200,000-household version of this file is in bench/bench_household_import.py.)"""
    rows = roster(1500, size=2)
    rows.append(["R999999", LUCUN1, "末行", "户主", "37032319750506012X", "", "", "", "", ""])
    found = run(to_csv(rows))
    assert found == [(3002, "身份证号", "37032319750506012X", "身份证号码校验位错误")]
    assert Household.objects.count() == 4


def test_an_excel_roster_with_errors_reports_excel_rows(county):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "农户名录"
    ws.append(HEADER)
    for row in roster(2):
        ws.append(row)
    ws["E3"] = "370323197505061234"
    buffer = io.BytesIO()
    wb.save(buffer)
    found = run(buffer.getvalue(), name="名录.xlsx")
    assert found == [(3, "身份证号", "370323197505061234", "身份证号码校验位错误")]


def test_the_village_column_is_required_and_filled_on_the_head_row(county):
    rows = roster(2)
    rows[1][1] = rows[2][1] = ""  # member rows may leave it blank…
    assert table_import(actor=SYSTEM_ACTOR, kind="households", file=to_csv(rows), confirm=True).ok
    rows = roster(1, start=5)
    rows[0][1] = ""  # …the head row may not
    assert run(to_csv(rows)) == [(2, "村（社区）代码", "", "户主行须填写村（社区）代码")]
    without = [[cell for k, cell in enumerate(row) if k != 1] for row in roster(1, start=6)]
    assert run(to_csv(without, [h for h in HEADER if h != "村（社区）代码"])) == [
        (1, "村（社区）代码", "", "缺少必需的列“村（社区）代码”")
    ]


def test_an_in_mover_is_refused_unless_the_county_accepts_the_area(county, settings):
    """A member who moved in from another county keeps an ID number of that county: refused by default
    (the issue's bad input), accepted once the deployment lists the code in PUHUI_EXTRA_AREA_CODES."""
    rows = roster(1)
    rows[2][4] = make_id(2, area="370322")  # 淄博市高青县: valid, not 沂源县's
    settings.PUHUI_EXTRA_AREA_CODES = []
    [found] = run(to_csv(rows))
    assert found[0] == 4 and found[3].startswith("不是本县户籍的身份证号")
    settings.PUHUI_EXTRA_AREA_CODES = ["110101"]  # another code: still refused, and the reason names both
    [found] = run(to_csv(rows))
    assert "本县认可的外县地区码（110101）" in found[3]
    settings.PUHUI_EXTRA_AREA_CODES = ["370322"]
    result = table_import(actor=SYSTEM_ACTOR, kind="households", file=to_csv(rows), confirm=True)
    assert result.ok, list(result.errors)
    assert HouseholdMember.objects.filter(household__code="R000000").count() == 3
