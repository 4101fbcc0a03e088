"""The reading engine alone: encodings, Excel quirks, header problems, row numbers, whole-file error collection."""

import datetime
import io
from decimal import Decimal

import openpyxl

from puhui.imports import tabular
from puhui.imports.tabular import Column, Date, DivisionCode, Integer, Money, TableSpec, Text

from .conftest import make_csv, make_xlsx

SPEC = TableSpec(
    name="demo",
    title="演示",
    columns=(
        Column("code", "区划代码", DivisionCode(), required=True, aliases=("代码",)),
        Column("name", "名称", Text(10), required=True),
        Column("count", "户数", Integer(), default=0),
        Column("amount", "金额", Money()),
        Column("day", "日期", Date()),
    ),
    unique=(("code",),),
    row_checks=(lambda v: [("count", "户数不能是13")] if v["count"] == 13 else [],),
)
HEADER = ["区划代码", "名称", "户数", "金额", "日期"]


def parse(data, **kw):
    return tabular.parse(data, SPEC, **kw)


def errors_of(parsed):
    return [(e.row, e.column, e.value, e.reason) for e in parsed.errors.sorted()]


def test_utf8_gbk_bom_and_tab_separated_read_the_same():
    rows = [HEADER, ["370323102201", "鲁村村", "1,234", "1,234.50", "2020年7月28日"]]
    expected = {
        "code": "370323102201",
        "name": "鲁村村",
        "count": 1234,
        "amount": Decimal("1234.50"),
        "day": datetime.date(2020, 7, 28),
    }
    for data, label in [
        (make_csv(rows), "UTF-8"),
        (make_csv(rows, "utf-8-sig"), "UTF-8（带BOM）"),
        (make_csv(rows, "gbk"), "GBK/GB18030"),
        (make_csv(rows, "gb18030"), "GBK/GB18030"),
        (make_csv(rows, "utf-16"), "UTF-16"),
        (make_csv(rows, delimiter="\t"), "UTF-8"),
    ]:
        parsed = parse(data)
        assert parsed.ok, errors_of(parsed)
        assert parsed.source == f"CSV（{label}）"
        assert [r.values for r in parsed.rows] == [expected]


def test_gbk_detected_even_when_the_first_megabyte_is_ascii():
    # English header keys and ASCII rows first: only the last row shows the file is GBK.
    rows = [["code", "name", "count"]] + [[f"3703231{i:05d}", "abc", "1"] for i in range(1, 60000)]
    big = make_csv([*rows, ["370323199999", "鲁村村", "1"]], "gbk")
    assert len(big) > 1 << 20 and big[: 1 << 20].isascii()
    parsed = parse(big)
    assert parsed.ok and parsed.source == "CSV（GBK/GB18030）"
    assert parsed.rows[-1].values["name"] == "鲁村村"


def test_undecodable_bytes_are_a_file_error():
    parsed = parse(b"abc,\x80\xff,def\r\n")
    assert errors_of(parsed) == [
        (
            None,
            "",
            "",
            "无法识别文件的文字编码，请在 Excel/WPS 中另存为“CSV UTF-8”或“CSV（逗号分隔）”后重新上传",
        )
    ]
    assert parsed.errors.fatal


def test_empty_file_and_header_only_and_blank_lines_only():
    assert errors_of(parse(b"")) == [(None, "", "", "文件为空")]
    assert errors_of(parse(b"\r\n,,,\r\n\r\n")) == [(None, "", "", "文件中没有任何内容（空文件）")]
    assert errors_of(parse(make_csv([HEADER]))) == [(None, "", "", "文件只有表头，没有数据行")]
    assert errors_of(parse(make_xlsx([]))) == [(None, "", "", "文件中没有任何内容（空文件）")]


def test_file_over_the_limit_is_refused_before_parsing():
    # Not even a valid file: the size alone decides.
    parsed = parse(b"\x00" * 2048, max_bytes=1024)
    assert errors_of(parsed) == [(None, "", "", "文件大小 2.0 KB，超过上限 1.0 KB，未作处理")]


def test_unsupported_extension_and_fake_excel():
    assert (
        errors_of(parse(b"x", filename="a.pdf"))[0][3]
        == "不支持的文件类型“.pdf”，请上传 CSV 或 Excel（.xlsx）文件"
    )
    assert (
        errors_of(parse(make_csv([HEADER, ["1"]]), filename="a.xlsx"))[0][3]
        == "文件扩展名是“.xlsx”，但内容不是 Excel 工作簿"
    )
    broken = make_xlsx([HEADER])[:300]
    assert errors_of(parse(broken, filename="a.xlsx"))[0][3].startswith("无法读取该 Excel 文件")


def test_excel_detected_by_content_even_when_named_csv():
    parsed = parse(make_xlsx([HEADER, ["370323102201", "鲁村村"]]), filename="renamed.csv")
    assert parsed.ok and parsed.source == "Excel（工作表“数据”）"


def test_header_problems_are_reported_up_front_and_rows_are_not_read():
    data = make_csv([["代码", "名字", "户数", "户数 ", "备注"], ["bad", "x", "y", "z", "w"]])
    assert errors_of(parse(data)) == [
        (1, "名字", "名字", "无法识别的列（第 B 列），请使用模板中的列名"),
        (1, "户数", "户数", "列“户数”重复出现（第 D 列），每列只能有一个"),
        (1, "备注", "备注", "无法识别的列（第 E 列），请使用模板中的列名"),
        (1, "名称", "", "缺少必需的列“名称”"),
    ]


def test_headers_match_loosely_english_keys_stars_and_full_width():
    data = make_csv(
        [["*Code", "名 称（必填）", "COUNT", "ａｍｏｕｎｔ"], ["370323102201", "鲁村村", "3", "5"]]
    )
    parsed = parse(data)
    assert parsed.ok, errors_of(parsed)
    assert parsed.rows[0].values == {
        "code": "370323102201",
        "name": "鲁村村",
        "count": 3,
        "amount": Decimal("5.00"),
    }
    assert parsed.reader.header_of("name") == "名 称（必填）"


def test_every_row_error_of_the_whole_file_is_collected_with_its_row_number():
    rows = [
        HEADER,
        ["370323102201", "鲁村村", "5", "", ""],  # row 2 fine
        ["", "", "", "", ""],  # row 3 blank: skipped, still counted as a row
        ["37032310220", "x", "三百", "1,5", "2020-02-30"],  # row 4: four errors
        ["370323102201", "这个名称实在是太长了超过十个字", "13", "", ""],  # row 5: duplicate, too long
        ["370323102203", "", "13", "", "2020/7/28"],  # row 6: required empty
        ["370323102204", "ok", "13", "", ""],  # row 7: row check
    ]
    parsed = parse(make_csv(rows))
    assert errors_of(parsed) == [
        (4, "区划代码", "37032310220", "区划代码应为12位数字"),
        (4, "户数", "三百", "不是整数"),
        (4, "金额", "1,5", "“1,5”疑似用逗号作小数点，请改用小数点（如 1.5）"),
        (4, "日期", "2020-02-30", "日期“2020-02-30”不存在"),
        (5, "名称", "这个名称实在是太长了超过十个字", "长度不能超过 10 个字符（现为 15 个）"),
        (5, "区划代码", "370323102201", "区划代码与第 2 行重复"),
        (6, "名称", "", "不能为空"),
        (7, "户数", "13", "户数不能是13"),
    ]
    assert [(r.number, r.ok) for r in parsed.rows] == [
        (2, True),
        (4, False),
        (5, False),
        (6, False),
        (7, False),
    ]


def test_data_under_no_header_is_an_error_not_silently_dropped():
    rows = [["区划代码", "", "名称"], ["370323102201", "", "a"], ["370323102202", "多出来", "b", "更多"]]
    assert errors_of(parse(make_csv(rows))) == [
        (3, "第 B 列", "多出来", "该列没有表头，无法确定是什么数据"),
        (3, "第 D 列", "更多", "该列没有表头，无法确定是什么数据"),
    ]


def test_xlsx_row_numbers_are_excel_row_numbers_with_offset_table_and_blank_rows():
    # The table starts at C3; rows 5 and 6 are blank; the bad cell is on Excel row 8.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C3"], ws["D3"], ws["E3"] = "区划代码", "名称", "户数"
    ws["C4"], ws["D4"], ws["E4"] = "370323102201", "鲁村村", 3
    ws["C7"], ws["D7"], ws["E7"] = 370323102202, "三岔村", 4.0
    ws["C8"], ws["D8"], ws["E8"] = "370323102203", "东村", 4.5
    buffer = io.BytesIO()
    wb.save(buffer)
    parsed = parse(buffer.getvalue())
    assert errors_of(parsed) == [(8, "户数", "4.5", "应为整数")]
    assert [r.number for r in parsed.rows] == [4, 7, 8]
    assert parsed.rows[1].values["code"] == "370323102202"  # a number cell read back as the code


def test_xlsx_cells_dates_formulas_merged_and_lost_precision():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["区划代码", "名称", "户数", "日期"])
    ws.append(["370323102201", "合并的名称", "=1+2", datetime.date(2020, 7, 28)])
    ws.append(["370323102202", None, 5, datetime.datetime(2021, 1, 2)])
    ws.append([370323102203000000, "x", 5, "2020/7/28"])
    ws.merge_cells("B2:B3")
    ws["C2"].value = "=1+2"
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    parsed = parse(data)
    # openpyxl stores no cached value for a formula, so the cell reads as empty: the default.
    assert parsed.rows[0].values == {
        "code": "370323102201",
        "name": "合并的名称",
        "count": 0,
        "day": datetime.date(2020, 7, 28),
    }
    assert parsed.rows[1].values == {
        "code": "370323102202",
        "name": "合并的名称",
        "count": 5,
        "day": datetime.date(2021, 1, 2),
    }
    assert errors_of(parsed) == [(4, "区划代码", "3.70323102203e+17", tabular.PRECISION_REASON)]


def test_xlsx_formula_cached_values_are_read(tmp_path):
    # A workbook saved by Excel carries the formula's last result; build one by hand the way Excel writes it.
    data = make_xlsx([["区划代码", "名称", "户数"], ["370323102201", "鲁村村", 7]])
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b'<c r="C2" t="n"><v>7</v></c>', b'<c r="C2"><f>3+4</f><v>7</v></c>'
                )
                assert b"<f>3+4</f>" in content
            dst.writestr(item, content)
    parsed = parse(out.getvalue())
    assert parsed.rows[0].values["count"] == 7


def test_sheet_choice_named_missing_and_instructions_only():
    two = make_xlsx([HEADER, ["370323102201", "a"]], sheet="填写说明", extra_sheets=["演示"])
    assert errors_of(parse(two, sheet="不存在")) == [
        (None, "", "", "工作簿中没有名为“不存在”的工作表（现有：填写说明、演示）")
    ]
    only_instructions = make_xlsx([["说明"]], sheet="填写说明")
    assert errors_of(parse(only_instructions)) == [(None, "", "", "工作簿中没有可导入的数据工作表")]
    # The spec's own sheet name wins over the first sheet.
    wb = openpyxl.Workbook()
    wb.active.title = "其他"
    wb.active.append(["无关"])
    wb.create_sheet("演示").append(HEADER)
    wb["演示"].append(["370323102201", "鲁村村"])
    buffer = io.BytesIO()
    wb.save(buffer)
    parsed = parse(buffer.getvalue())
    assert parsed.ok and parsed.source == "Excel（工作表“演示”）"
    assert errors_of(parse(make_csv([HEADER]), sheet="x"))[0][3] == "CSV 文件没有工作表，不能指定工作表"


def test_error_list_keeps_the_first_n_but_counts_all():
    rows = [HEADER] + [[f"3703231022{i:02d}", "x", "bad", "", ""] for i in range(10, 40)]
    parsed = parse(make_csv(rows), max_errors=5)
    assert parsed.errors.total == 30 and len(parsed.errors.items) == 5 and parsed.errors.truncated


def test_reader_streams_rows_for_large_submissions():
    rows = [HEADER] + [[f"3703231{i:05d}", "x", str(i), "", ""] for i in range(1, 2001)]
    errors = tabular.ErrorList()
    with tabular.open_table(make_csv(rows), preferred_sheet="演示") as source:
        reader = tabular.TableReader(SPEC, source, errors)
        total = sum(r.values["count"] for r in reader if r.ok)
    # Row 14 holds 13, refused by the spec's row check; every other row streams through.
    assert total == sum(range(1, 2001)) - 13
    assert [(e.row, e.reason) for e in errors] == [(14, "户数不能是13")]


def test_paths_and_django_files_are_accepted(tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    path = tmp_path / "划.csv"
    path.write_bytes(make_csv([HEADER, ["370323102201", "a"]], "gbk"))
    assert parse(path).ok and parse(str(path)).filename == "划.csv"
    upload = SimpleUploadedFile("上传.csv", path.read_bytes())
    upload.read()  # a view may have read it already
    parsed = parse(upload)
    assert parsed.ok and parsed.filename == "上传.csv"
