"""Importing divisions: the golden path in every format, each kind of bad input, and all-or-nothing."""

from decimal import Decimal

import pytest

from puhui.core.models import AuditLog, Division
from puhui.imports.services import SYSTEM_ACTOR, table_import

from .conftest import DIV_HEADER, DIV_ROWS, db_state, make_csv, make_xlsx


def run(data, actor=SYSTEM_ACTOR, mode="create", filename="区划.csv"):
    return table_import(actor=actor, kind="divisions", file=data, mode=mode, filename=filename)


def errors_of(result):
    return [(e.row, e.column, e.value, e.reason) for e in result.errors.sorted()]


def xlsx_rows():
    # As Excel holds them: numbers as numbers, codes typed into General cells as numbers too.
    out = []
    for row in DIV_ROWS:
        code, name, kind, parent, pop, hh, farm, lon, lat = row
        out.append(
            [
                int(code),
                name,
                kind,
                int(parent) if parent else None,
                int(pop.replace(",", "")),
                int(hh),
                int(farm),
                float(lon) if lon else None,
                float(lat) if lat else None,
            ]
        )
    return out


@pytest.mark.parametrize(
    "data, filename, source",
    [
        (make_csv([DIV_HEADER, *DIV_ROWS]), "区划.csv", "CSV（UTF-8）"),
        (make_csv([DIV_HEADER, *DIV_ROWS], "gbk"), "区划.csv", "CSV（GBK/GB18030）"),
        (make_xlsx([DIV_HEADER, *xlsx_rows()], sheet="行政区划"), "区划.xlsx", "Excel（工作表“行政区划”）"),
    ],
    ids=["utf8", "gbk", "xlsx"],
)
def test_golden_path(db, data, filename, source):
    result = run(data, filename=filename)
    assert result.ok, errors_of(result)
    assert (result.rows, result.created, result.updated, result.source) == (5, 5, 0, source)
    county = Division.objects.get(code="370323000000")
    assert (county.level, county.kind, county.parent, county.population) == ("county", "county", None, 570000)
    town = Division.objects.get(code="370323102000")
    assert (town.level, town.kind, town.parent, town.population) == ("town", "town", county, 40000)
    assert Division.objects.get(code="370323001000").kind == "street"
    village = Division.objects.get(code="370323102201")
    assert (village.level, village.kind, village.parent, village.farm_households) == (
        "village",
        "village",
        town,
        365,
    )
    assert (village.longitude, village.latitude) == (Decimal("118.170512"), Decimal("36.184321"))
    community = Division.objects.get(code="370323102202")
    assert (community.level, community.kind, community.longitude) == ("village", "community", None)
    # One entry per created division, plus the import summary.
    creates = AuditLog.objects.filter(action="create", object_type="core.Division")
    assert creates.count() == 5
    entry = creates.get(object_id=str(village.pk))
    assert entry.actor_label == SYSTEM_ACTOR and entry.before is None and entry.after["parent_id"] == town.pk
    summary = AuditLog.objects.get(action="import")
    assert (
        summary.after["created"] == 5
        and summary.object_type == "core.Division"
        and filename in summary.object_repr
    )


def test_office_user_is_the_actor(users):
    data = make_csv([DIV_HEADER, ["370323102299", "新村", "村", "370323102000", "1", "1", "1", "", ""]])
    assert run(data, actor=users["office"]).ok
    assert AuditLog.objects.get(action="create", object_type="core.Division").actor == users["office"]


def test_villages_under_an_existing_town(county):
    data = make_csv(
        [DIV_HEADER, ["370323102203", "鲁村3村", "村", "370323102000", "100", "30", "20", "", ""]]
    )
    result = run(data)
    assert result.ok and result.created == 1
    assert Division.objects.get(code="370323102203").parent == county["towns"][1]


def refused(data, mode="create"):
    before = db_state()
    result = run(data, mode=mode)
    assert not result.ok and result.created == result.updated == 0
    assert db_state() == before, "a refused file must leave the database exactly as it was"
    return errors_of(result)


@pytest.mark.parametrize(
    "header, expected",
    [
        (["区划代码", "层级", "上级区划代码"], [(1, "名称", "", "缺少必需的列“名称”")]),
        (
            ["区划代码", "区划名", "层级"],
            [
                (1, "区划名", "区划名", "无法识别的列（第 B 列），请使用模板中的列名"),
                (1, "名称", "", "缺少必需的列“名称”"),
            ],
        ),
        (
            ["区划代码", "名称", "层级", "备注"],
            [(1, "备注", "备注", "无法识别的列（第 D 列），请使用模板中的列名")],
        ),
        (
            ["区划代码", "名称", "层级", "代码"],
            [(1, "代码", "代码", "列“区划代码”重复出现（第 D 列），每列只能有一个")],
        ),
    ],
    ids=["missing", "renamed", "unknown", "duplicated"],
)
def test_wrong_columns(county, header, expected):
    assert refused(make_csv([header, ["370323102203", "x", "村", "370323102000"]])) == expected


def test_duplicate_codes_in_the_file_and_against_the_database(county):
    rows = [
        DIV_HEADER,
        ["370323102203", "鲁村3村", "村", "370323102000", "1", "1", "1", "", ""],
        ["370323102201", "已有的村", "村", "370323102000", "1", "1", "1", "", ""],
        ["370323102203", "重复", "村", "370323102000", "1", "1", "1", "", ""],
    ]
    assert refused(make_csv(rows)) == [
        (3, "区划代码", "370323102201", "区划代码已存在于系统中；如需修改，请选择“新增或更新”方式导入"),
        (4, "区划代码", "370323102203", "区划代码与第 2 行重复"),
    ]


def test_parent_problems(county):
    rows = [
        DIV_HEADER,
        ["370323103201", "无主村", "村", "370323103000", "1", "1", "1", "", ""],  # unknown parent
        [
            "370323102204",
            "越级村",
            "村",
            "370323000000",
            "1",
            "1",
            "1",
            "",
            "",
        ],  # village straight under county
        ["370323104000", "镇下镇", "镇", "370323102000", "1", "1", "1", "", ""],  # prefix mismatch
        ["370323001205", "错前缀", "村", "370323102000", "1", "1", "1", "", ""],  # prefix mismatch
        ["370323102206", "没上级", "村", "", "1", "1", "1", "", ""],
        ["370324000000", "又一个县", "县", "370300000000", "1", "1", "1", "", ""],
        ["370323105000", "形状不符", "村", "370323000000", "1", "1", "1", "", ""],
        ["370323107201", "坏人口且无上级", "村", "370323107000", "x", "1", "1", "", ""],
    ]
    assert refused(make_csv(rows)) == [
        (2, "上级区划代码", "370323103000", "上级区划代码 370323103000 不存在（系统中和本文件中都没有）"),
        (3, "上级区划代码", "370323000000", "上级区划 370323000000 是县级；村/社区的上级应为镇/街道"),
        (4, "上级区划代码", "370323102000", "区划代码 370323104000 与上级 370323102000 不一致"),
        (5, "上级区划代码", "370323102000", "区划代码 370323001205 与上级 370323102000 不一致"),
        (6, "上级区划代码", "", "镇（街道）和村（社区）必须填写上级区划代码"),
        (7, "上级区划代码", "370300000000", "县级区划不填写上级区划代码"),
        (8, "层级", "村", "区划代码 370323105000 是镇/街道级代码，与层级“村”不符"),
        # A row with a bad cell still has its references checked: every problem shows at once.
        (9, "户籍人口", "x", "不是整数"),
        (9, "上级区划代码", "370323107000", "上级区划代码 370323107000 不存在（系统中和本文件中都没有）"),
    ]


def test_parent_later_in_the_same_file_with_wrong_level(db):
    rows = [
        DIV_HEADER,
        ["370323102201", "村", "村", "370323102000", "1", "1", "1", "", ""],
        ["370323102000", "错成村的镇", "社区", "370323000000", "1", "1", "1", "", ""],
    ]
    errors = refused(make_csv(rows))
    assert (3, "层级", "社区", "区划代码 370323102000 是镇/街道级代码，与层级“社区”不符") in errors
    # The child is not blamed for its parent's own mistake.
    assert not [e for e in errors if e[0] == 2]


def test_numbers_text_commas_and_census_consistency(county):
    rows = [
        DIV_HEADER,
        ["370323102203", "a", "村", "370323102000", "三百", "1", "1", "", ""],
        ["370323102204", "b", "村", "370323102000", "1,5", "1", "1", "118,17", ""],
        ["370323102205", "c", "村", "370323102000", "-3", "10", "11", "", "91"],
        ["370323102206", "d", "居委", "370323102000", "1", "1", "1", "", ""],
        ["370323102207", "e", "村", "370323102000", "1", "10", "11", "", ""],
    ]
    assert refused(make_csv(rows)) == [
        (2, "户籍人口", "三百", "不是整数"),
        (3, "户籍人口", "1,5", "“1,5”疑似用逗号作小数点，请改用小数点（如 1.5）"),
        (3, "经度", "118,17", "“118,17”疑似用逗号作小数点，请改用小数点（如 118.17）"),
        (4, "户籍人口", "-3", "不能小于 0"),
        (4, "纬度", "91", "不能大于 90"),
        (5, "层级", "居委", "不是可选值，应为：县、镇、街道、村、社区"),
        (6, "农户数", "11", "农户数（11）不能大于户数（10）"),
    ]


def test_row_error_reported_at_its_excel_row_after_blank_rows(county):
    rows = [DIV_HEADER] + [
        [f"3703231022{i}", f"村{i}", "村", "370323102000", "1", "1", "1", "", ""] for i in range(10, 14)
    ]
    rows.insert(3, [""] * 9)  # Excel row 4 is blank
    rows.append([""] * 9)
    rows.append(["370323102299", "坏行", "村", "370323102000", "x", "1", "1", "", ""])
    # Header row 1, data rows 2–3, blank 4, data 5–6, blank 7, bad row 8.
    assert refused(make_csv(rows)) == [(8, "户籍人口", "x", "不是整数")]
    assert refused(make_xlsx(rows)) == [(8, "户籍人口", "x", "不是整数")]


def test_one_bad_row_among_many_good_stores_nothing(county):
    rows = [DIV_HEADER, *DIV_ROWS[:2]] + [
        [f"3703231022{i}", f"村{i}", "村", "370323102000", "1", "1", "1", "", ""] for i in range(10, 60)
    ]
    rows.append(["370323102299", "坏行", "村", "370323102000", "1", "1", "2", "", ""])
    # Upsert: two rows would update stored villages and fifty would be new; one bad row stops all of them.
    errors = refused(make_csv(rows), mode="upsert")
    assert errors == [(len(rows), "农户数", "2", "农户数（2）不能大于户数（1）")]


def test_empty_and_huge_files(county, settings):
    assert refused(b"") == [(None, "", "", "文件为空")]
    assert refused(make_csv([DIV_HEADER])) == [(None, "", "", "文件只有表头，没有数据行")]
    settings.PUHUI_IMPORT_MAX_BYTES = 1000
    data = make_csv([DIV_HEADER] + [DIV_ROWS[0]] * 40)
    assert len(data) > 1000
    assert refused(data) == [
        (None, "", "", f"文件大小 {len(data) / 1024:.1f} KB，超过上限 1000 字节，未作处理")
    ]


def test_upsert_updates_with_before_and_after_and_keeps_absent_columns(county):
    village = county["villages"][0]
    data = make_csv(
        [
            ["区划代码", "名称", "层级", "户数", "农户数"],
            [village.code, "历山一村", "村", "320", "260"],
            ["370323001203", "历山3村", "村", "10", "5"],  # new: no parent column, so it has no parent
        ]
    )
    errors = refused(data, mode="upsert")
    assert errors == [(3, "上级区划代码", "", "镇（街道）和村（社区）必须填写上级区划代码")]
    data = make_csv(
        [
            ["区划代码", "名称", "层级", "户数", "农户数"],
            [village.code, "历山一村", "村", "320", "260"],
            [county["villages"][1].code, county["villages"][1].name, "村", "300", "250"],  # unchanged
        ]
    )
    result = run(data, mode="upsert")
    assert result.ok and (result.created, result.updated, result.unchanged) == (0, 1, 1)
    village.refresh_from_db()
    assert (village.name, village.households, village.farm_households) == ("历山一村", 320, 260)
    assert (village.population, village.parent) == (1000, county["towns"][0])  # absent columns kept
    entry = AuditLog.objects.get(action="update", object_type="core.Division")
    assert entry.object_id == str(village.pk)
    assert (entry.before["name"], entry.after["name"]) == ("历山1村", "历山一村")
    assert (entry.before["households"], entry.after["households"]) == (300, 320)


def test_upsert_checks_census_against_stored_values(county):
    # The file has no 户数 column: 农户数 is checked against the stored 300.
    village = county["villages"][0]
    data = make_csv([["区划代码", "名称", "层级", "农户数"], [village.code, village.name, "村", "301"]])
    assert refused(data, mode="upsert") == [(2, "农户数", "301", "农户数（301）不能大于户数（300）")]


def test_upsert_cannot_change_level_of_a_division_with_children(county):
    town = county["towns"][1]
    data = make_csv(
        [["区划代码", "名称", "层级", "上级区划代码"], [town.code, town.name, "街道", "370323000000"]]
    )
    assert run(data, mode="upsert").ok  # 镇 → 街道 keeps the level
    data = make_csv(
        [["区划代码", "名称", "层级", "上级区划代码"], ["370323000000", "沂源县", "镇", "370323000000"]]
    )
    errors = refused(data, mode="upsert")
    assert (2, "层级", "镇", "区划代码 370323000000 是县级代码，与层级“镇”不符") in errors
