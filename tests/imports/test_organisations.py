"""Importing organisations: hierarchy in any order, materialised paths, subtree moves, every bad input."""

import datetime

import pytest

from puhui.core.access import organisations_for
from puhui.core.models import AuditLog, Organisation, User
from puhui.imports.services import SYSTEM_ACTOR, table_import

from .conftest import ORG_HEADER, db_state, make_csv, make_xlsx, org_row, uscc_for


def run(data, mode="create", filename="机构.csv"):
    return table_import(actor=SYSTEM_ACTOR, kind="organisations", file=data, mode=mode, filename=filename)


def errors_of(result):
    return [(e.row, e.column, e.value, e.reason) for e in result.errors.sorted()]


def refused(data, mode="create"):
    before = db_state()
    result = run(data, mode=mode)
    assert not result.ok and result.created == result.updated == 0
    assert db_state() == before, "a refused file must leave the database exactly as it was"
    return errors_of(result)


# Outlets first, their branch and head office after them.
GOLDEN = [
    org_row(
        "CCB-YY-01",
        "建行鲁村分理处",
        level="网点",
        parent="CCB-YY",
        division="370323102201",
        opened="2010年3月1日",
    ),
    org_row(
        "CCB-YY-02",
        "建行历山分理处",
        level="网点",
        parent="CCB-YY",
        division="370323001201",
        opened="20120601",
        closed="2020/12/31",
    ),
    org_row(
        "CCB-YY",
        "中国建设银行沂源县支行",
        level="县级机构",
        parent="CCB",
        uscc=uscc_for(1),
        division="370323001201",
        opened="2008-05-20",
        sannong="否",
        alias="县建设银行",
        short="建行沂源支行",
        address="沂源县城",
    ),
    org_row("CCB", "中国建设银行", level="总行/总公司"),
    org_row(
        "YYCZ",
        "沂源博商村镇银行",
        kind="村镇银行",
        uscc=uscc_for(2),
        division="370323001201",
        legal="是",
        new_rural="是",
        alias="县博商村镇银行",
    ),
    org_row("FGJ", "沂源县发展和改革局", kind="政府部门", member="是", alias="县发改局"),
]


def xlsx_golden():
    rows = []
    for row in GOLDEN:
        row = list(row)
        for i in (9, 10):  # dates as Excel date cells
            if row[i]:
                row[i] = {
                    "2010年3月1日": datetime.date(2010, 3, 1),
                    "20120601": datetime.date(2012, 6, 1),
                    "2020/12/31": datetime.datetime(2020, 12, 31),
                    "2008-05-20": datetime.date(2008, 5, 20),
                }[row[i]]
        for i in range(11, 15):  # 是/否 as Excel booleans
            row[i] = row[i] == "是"
        if row[7]:
            row[7] = int(row[7])
        rows.append(row)
    return make_xlsx([ORG_HEADER, *rows], sheet="机构")


@pytest.mark.parametrize(
    "make",
    [lambda: make_csv([ORG_HEADER, *GOLDEN]), lambda: make_csv([ORG_HEADER, *GOLDEN], "gbk"), xlsx_golden],
    ids=["utf8", "gbk", "xlsx"],
)
def test_golden_path(county, make):
    result = run(make())
    assert result.ok, errors_of(result)
    assert (result.rows, result.created) == (6, 6)
    ccb = Organisation.objects.get(code="CCB")
    branch = Organisation.objects.get(code="CCB-YY")
    outlet = Organisation.objects.get(code="CCB-YY-01")
    closed = Organisation.objects.get(code="CCB-YY-02")
    assert (ccb.level, ccb.parent, ccb.path) == ("head", None, f"/{ccb.pk}/")
    assert (branch.level, branch.parent, branch.path) == ("branch", ccb, f"/{ccb.pk}/{branch.pk}/")
    assert (outlet.level, outlet.parent, outlet.path) == (
        "outlet",
        branch,
        f"/{ccb.pk}/{branch.pk}/{outlet.pk}/",
    )
    assert branch.uscc == uscc_for(1) and branch.division.code == "370323001201"
    assert (branch.short_name, branch.plan_alias, branch.address) == (
        "建行沂源支行",
        "县建设银行",
        "沂源县城",
    )
    assert branch.opened_on == datetime.date(2008, 5, 20) and outlet.opened_on == datetime.date(2010, 3, 1)
    assert (closed.opened_on, closed.closed_on) == (datetime.date(2012, 6, 1), datetime.date(2020, 12, 31))
    bank = Organisation.objects.get(code="YYCZ")
    assert (
        bank.kind,
        bank.is_county_legal_person,
        bank.is_new_rural_institution,
        bank.has_sannong_division,
    ) == ("village_bank", True, True, False)
    gov = Organisation.objects.get(code="FGJ")
    assert (gov.kind, gov.is_leading_group_member, gov.level, gov.uscc) == ("government", True, "branch", "")
    # The materialised path drives access: the branch's staff see the branch and its outlets only.
    staff = User.objects.create(username="ccb", role="institution", organisation=branch)
    assert set(organisations_for(staff).values_list("code", flat=True)) == {
        "CCB-YY",
        "CCB-YY-01",
        "CCB-YY-02",
    }
    assert AuditLog.objects.filter(action="create", object_type="core.Organisation").count() == 6
    assert AuditLog.objects.get(action="create", object_id=str(outlet.pk)).after["path"] == outlet.path
    assert AuditLog.objects.filter(action="import", object_type="core.Organisation").count() == 1


def test_bad_values_are_all_reported(county):
    rows = [
        ORG_HEADER,
        org_row("X1", "坏代码", uscc="91370323MA3C4DB554"),
        org_row("X2", "坏类型", kind="银行"),
        org_row("X3", "坏日期", opened="2020-02-30", closed="去年"),
        org_row("X4", "日期颠倒", opened="2020-07-28", closed="2019/1/1"),
        org_row("X5", "坏标志", legal="可能"),
        org_row("X 6", "编码有空格"),
        org_row("X7", "坏区划", division="370323109201"),
        org_row("X8", "自己管自己", parent="X8"),
        org_row("X9", "坏层级", level="分行"),
        org_row("X10", "坏代码且无上级", uscc="123", parent="NOPE", division="370323109201"),
    ]
    assert refused(make_csv(rows)) == [
        (2, "统一社会信用代码", "91370323MA3C4DB554", "统一社会信用代码校验位错误"),
        (
            3,
            "类型",
            "银行",
            "不是可选值，应为：人民银行、政府部门、法院、检察院、人民团体、政策性银行、商业银行、农村商业银行、"
            "村镇银行、保险公司、融资担保公司、证券公司、小额贷款公司、融资租赁公司、商业保理公司、"
            "民间融资登记服务机构、开展信用互助的农民专业合作社、交易场所、保险中介机构、其他",
        ),
        (4, "开业日期", "2020-02-30", "日期“2020-02-30”不存在"),
        (4, "撤销日期", "去年", "不是有效日期，请写成 2020-07-28、2020/7/28 或 2020年7月28日"),
        (5, "撤销日期", "2019/1/1", "撤销日期（2019-01-01）早于开业日期（2020-07-28）"),
        (6, "县域法人机构", "可能", "不是可选值，应为：是、否"),
        (7, "机构编码", "X 6", "编码中不能有空格"),
        (8, "所在区划代码", "370323109201", "所在区划代码 370323109201 在系统中不存在，请先导入行政区划"),
        (9, "上级机构编码", "X8", "上级机构不能是本机构自身"),
        (10, "层级", "分行", "不是可选值，应为：总行/总公司、县级机构、网点"),
        (11, "统一社会信用代码", "123", "统一社会信用代码格式错误（应为18位数字或大写字母）"),
        (11, "上级机构编码", "NOPE", "上级机构编码 NOPE 不存在（系统中和本文件中都没有）"),
        (11, "所在区划代码", "370323109201", "所在区划代码 370323109201 在系统中不存在，请先导入行政区划"),
    ]


def test_hierarchy_problems(county):
    rows = [
        ORG_HEADER,
        org_row("N1", "无主网点", level="网点", parent="NOPE"),
        org_row("N2", "网点下的网点", level="网点", parent="ABC-YY-01"),
        org_row("N3", "支行下的总行", level="总行", parent="ABC-YY"),
        org_row("N4", "文件里的网点", level="网点", parent="ABC-YY"),
        org_row("N5", "挂在文件网点下", level="网点", parent="N4"),
        org_row("ABC-YY", "重复的已有编码"),
        org_row("N4", "文件内重复", level="网点"),
    ]
    assert refused(make_csv(rows)) == [
        (2, "上级机构编码", "NOPE", "上级机构编码 NOPE 不存在（系统中和本文件中都没有）"),
        (3, "上级机构编码", "ABC-YY-01", "上级机构 ABC-YY-01 是网点，网点下不能再设下级机构"),
        (4, "层级", "总行", "层级“总行/总公司”高于上级机构 ABC-YY 的层级“县级机构”"),
        (6, "上级机构编码", "N4", "上级机构 N4 是网点，网点下不能再设下级机构"),
        (7, "机构编码", "ABC-YY", "机构编码已存在于系统中；如需修改，请选择“新增或更新”方式导入"),
        (8, "机构编码", "N4", "机构编码与第 5 行重复"),
    ]


def test_missing_and_unknown_columns(county):
    assert refused(make_csv([["机构编码", "机构名称", "备注"], ["A", "甲", "x"]])) == [
        (1, "备注", "备注", "无法识别的列（第 C 列），请使用模板中的列名"),
        (1, "类型", "", "缺少必需的列“类型”"),
    ]


def test_upsert_moves_a_subtree_and_its_paths(county):
    abc_yy, outlet = county["abc"], county["abc_outlet"]
    old_head = abc_yy.parent
    rows = [
        ["机构编码", "名称", "类型", "层级", "上级机构编码"],
        ["ABC-YY", abc_yy.name, "商业银行", "县级机构", "ABC2"],
        ["ABC2", "中国农业银行（新）", "商业银行", "总行", ""],
    ]
    result = run(make_csv(rows), mode="upsert")
    assert result.ok, errors_of(result)
    assert (result.created, result.updated, result.moved_descendants) == (1, 1, 1)
    new_head = Organisation.objects.get(code="ABC2")
    abc_yy.refresh_from_db()
    outlet.refresh_from_db()
    assert abc_yy.parent == new_head and abc_yy.path == f"/{new_head.pk}/{abc_yy.pk}/"
    assert outlet.path == f"/{new_head.pk}/{abc_yy.pk}/{outlet.pk}/"
    assert (abc_yy.division, abc_yy.opened_on) == (county["villages"][0], None)  # absent columns kept
    entry = AuditLog.objects.get(action="update", object_type="core.Organisation")
    assert (entry.before["parent_id"], entry.after["parent_id"]) == (old_head.pk, new_head.pk)
    assert entry.after["path"] == abc_yy.path
    # Access follows the move at once.
    head_staff = User.objects.create(username="abchead", role="institution", organisation=old_head)
    assert set(organisations_for(head_staff).values_list("code", flat=True)) == {"ABC"}


def test_upsert_unchanged_rows_are_not_written(county):
    rcb = county["rcb"]
    rows = [["机构编码", "名称", "类型", "县域法人机构"], ["RCB-YY", rcb.name, "农村商业银行", "是"]]
    result = run(make_csv(rows), mode="upsert")
    assert result.ok and (result.updated, result.unchanged) == (0, 1)
    assert not AuditLog.objects.filter(action="update").exists()


def test_cycles_in_the_file_and_through_stored_organisations(county):
    rows = [
        ["机构编码", "名称", "类型", "上级机构编码"],
        ["B1", "甲", "商业银行", ""],
        ["B2", "乙", "商业银行", "B1"],
        ["B3", "丙", "商业银行", "B2"],
    ]
    assert run(make_csv(rows)).ok
    # B1 under B3, whose stored chain runs B3 → B2 → B1.
    through_db = [["机构编码", "名称", "类型", "上级机构编码"], ["B1", "甲", "商业银行", "B3"]]
    assert refused(make_csv(through_db), mode="upsert") == [
        (2, "上级机构编码", "B3", "上级机构关系形成循环：B1 最终隶属于它自己")
    ]
    in_file = [
        ["机构编码", "名称", "类型", "上级机构编码"],
        ["C1", "丁", "商业银行", "C2"],
        ["C2", "戊", "商业银行", "C1"],
    ]
    assert refused(make_csv(in_file), mode="upsert") == [
        (2, "上级机构编码", "C2", "上级机构关系形成循环：C1 最终隶属于它自己"),
        (3, "上级机构编码", "C1", "上级机构关系形成循环：C2 最终隶属于它自己"),
    ]
    # Re-rooting the whole chain the other way round in one file is fine.
    flipped = [
        ["机构编码", "名称", "类型", "上级机构编码"],
        ["B1", "甲", "商业银行", "B3"],
        ["B3", "丙", "商业银行", ""],
    ]
    result = run(make_csv(flipped), mode="upsert")
    assert result.ok, errors_of(result)
    b1, b2, b3 = (Organisation.objects.get(code=c) for c in ("B1", "B2", "B3"))
    assert (b3.path, b1.path, b2.path) == (f"/{b3.pk}/", f"/{b3.pk}/{b1.pk}/", f"/{b3.pk}/{b1.pk}/{b2.pk}/")
    assert result.moved_descendants == 1  # B2, not in the file, followed B1


def test_upsert_cannot_turn_a_parent_into_an_outlet(county):
    rows = [["机构编码", "名称", "类型", "层级"], ["ABC-YY", "农行", "商业银行", "网点"]]
    assert refused(make_csv(rows), mode="upsert") == [
        (2, "层级", "网点", "该机构下已有下级机构（如 ABC-YY-01，网点），不能改为此层级")
    ]
