"""The loans intake checks in columns (puhui.data.columnar); the import engine's row reader (TableReader) is the
reference. Files full of varied bad cells go through both: the same errors (row, column, value, Chinese
reason, in the same order), the same rows passing, with the same values."""

import csv
import datetime
import io
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc

from puhui.data import blocks, columnar
from puhui.data.county import county_context
from puhui.data.intake import json_source
from puhui.data.specs import loan_spec
from puhui.imports.tabular import ErrorList, TableReader, open_table

from .conftest import LOAN_HEADER, resident_id, xlsx_bytes

FIRM = "91370323MA3C8HJK8" + uscc.calc_check_digit("91370323MA3C8HJK8")
OLD_ORG_FIRM = "91370323163034563Q"  # all digits but the last: a USCC, not an ID number
IDS = [
    resident_id("370323", "19900101", "011"),
    resident_id("370323", "19750506", "012"),  # the current code, born before it existed
    resident_id("372828", "19600101", "013"),  # the old code
    FIRM,
    OLD_ORG_FIRM,
    resident_id("370302", "19800101", "011"),  # another county
    "91370302163034563" + uscc.calc_check_digit("91370302163034563"),
    resident_id("370323", "19900101", "011")[:-1] + "0",
    resident_id("370323", "19800101", "019")[:-1].lower() + "x",
    "3703231990",
    " 370323 19900101 0112",
    "３７０３２３１９９００１０１０１１" + resident_id("370323", "19900101", "011")[-1],
    "",
    "3.70323199001011e+17",
]
MONEY = [
    "50000.00", "50000", "5.5", "40000", "0", "0.00", "-0.00", "-5", "1,234.50", "1,5", "¥300", "300元",
    "１２", " 12 ", "1e3", "abc", "", "9999999999999.99", "99999999999999999", "0.005", "12.345", ".5", "5.",
    "00012.10", "1 000",
]  # fmt: skip
VARIANTS = {
    "借据号": ["L{n}", "l-{n}/a.b_c", " L{n} ", "Ｌ{n}", "L {n}", "", "   ", "x" * 41, "借{n}", "L{d}", "0012"],
    "借款人证件号码": IDS,
    "借款人类型": ["农户", "小微企业", "个体工商户", "其他", "农户贷款", "farm", "小 微", "", "企业"],
    "所在区划代码": ["370323102201", "370323102000", "370323001202", "370323999000", "37032310220", "",
                 "３７０３２３１０２２０１", "370302102201"],
    "贷款金额（元）": MONEY,
    "贷款余额（元）": MONEY,
    "年利率（%）": ["5.5", "4.35%", "0", "36", "36.0001", "-1", "abc", "", "5.12345"],
    "发放日期": ["2020-01-10", "2019-12-31", "2020/3/5", "2020年3月31日", "20200401", "2021-01-01", "2020-02-30",
             "10/01/2020", "", "1989-01-01"],
    "到期日期": ["2021-01-09", "2019-06-30", "2020/3/5", "2030年3月31日", "20200101", "2020-02-30", "", "x"],
    "担保方式": ["信用", "保证", "抵押", "质押", "其他", "信用贷款", "credit", "", "无"],
    "信用贷款": ["是", "否", "Y", "n", "1", "0", "√", "", "maybe"],
    "首贷": ["否", "是", "", "2"],
    "涉农贷款": ["是", "否", "TRUE", "假"],
    "贷款状态": ["正常", "逾期", "不良", "次级", "", "坏"],
    # optional columns (a file may leave them out)
    "贷款产品": ["", "鲁担惠农贷", " 巾帼信用贷 ", "x" * 61, "带\\反斜杠", "人才贷{n}"],
    "押品类型": ["", "土地经营权", "仓单质押", "房产", "黄金", "其他"],
}  # fmt: skip
OPTIONAL = ("贷款产品", "押品类型")


@st.composite
def loan_files(draw, *, commas: bool = True):
    """(header, rows): rows of cells picked from VARIANTS (the first, valid one most often), some rows blank,
    short or long, sometimes an unnamed column."""
    header = list(LOAN_HEADER) + (list(OPTIONAL) if draw(st.booleans()) else [])
    unnamed = draw(st.sampled_from([None, None, None, 3, len(header)]))
    rows = []
    for n in range(1, draw(st.integers(min_value=1, max_value=40)) + 1):
        shape = draw(st.sampled_from(["row"] * 12 + ["blank", "short", "long"]))
        if shape == "blank":
            rows.append([""] * len(header))
            continue
        row = []
        for h in header:
            options = [v for v in VARIANTS[h] if commas or "," not in v]
            pick = draw(st.one_of(st.just(0), st.integers(min_value=0, max_value=len(options) - 1)))
            row.append(options[pick].format(n=n, d=n // 3))
        if shape == "short":
            row = row[: draw(st.integers(min_value=1, max_value=len(row) - 1))]
        elif shape == "long":
            row.append(draw(st.sampled_from(["", "多余", "x"])))
        if unnamed is not None:
            row.insert(unnamed, draw(st.sampled_from(["", "", "备注"])))
        rows.append(row)
    if unnamed is not None:
        header.insert(unnamed, "")
    return header, rows


def _csv(header, rows, *, newline: str) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _unquoted_csv(header, rows, *, newline: str) -> bytes:
    """Cells joined by commas as they stand (csv.writer would quote a row of one empty cell as "")."""
    assert not any('"' in c or "," in c for r in [header, *rows] for c in r)
    return newline.join(",".join(r) for r in [header, *rows]).encode("utf-8") + newline.encode()


def _spec():
    return loan_spec(
        ctx=county_context(), period_start=datetime.date(2020, 1, 1), period_end=datetime.date(2020, 3, 31)
    )


def _by_rows(spec, source):
    errors = ErrorList(10**6)
    reader = TableReader(spec, source, errors)
    values = {row.number: row.values for row in reader if row.ok}
    return list(errors), values, reader.rows_read


def _by_columns(spec, source, path, block):
    errors = ErrorList(10**6)
    reader = TableReader(spec, source, errors)
    checker = columnar.BlockChecker(reader)
    values = {}
    for b in blocks.read_blocks(reader, source, path, size=block):
        checked = checker.check(b)
        for pos in np.flatnonzero(checked.ok).tolist():
            number = int(checked.numbers[pos])
            values[number] = {key: p.value(pos) for key, p in checked.parsed.items()}
    checker.finish()
    return list(errors), values, reader.rows_read


def _same(expected, got):
    (errors, values, rows), (errors2, values2, rows2) = expected, got
    assert errors2 == errors
    assert rows2 == rows
    assert values2.keys() == values.keys()
    for number, row in values.items():
        for key, value in row.items():
            assert values2[number][key] == value, (number, key)
            assert type(values2[number][key]) is type(value), (number, key)
            if isinstance(value, Decimal):
                assert str(values2[number][key]) == str(value), (number, key)  # -0.00 stays -0.00


def _both(spec, path, block):
    with open_table(path, filename="loans.csv") as source:
        expected = _by_rows(spec, source)
    with open_table(path, filename="loans.csv") as source:
        got = _by_columns(spec, source, path, block)
    _same(expected, got)
    return expected


FILES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FILES
@given(loan_files(commas=False), st.sampled_from(["\n", "\r\n"]), st.sampled_from([1, 7, 1000]))
def test_a_csv_without_quotes_is_read_by_lines_and_checked_as_the_row_reader_does(
    county, tmp_path, file, nl, block
):
    path = tmp_path / "loans.csv"
    path.write_bytes(_unquoted_csv(*file, newline=nl))
    assert blocks.plain_csv(str(path))
    _both(_spec(), str(path), block)


@FILES
@given(loan_files(), st.sampled_from([3, 1000]))
def test_a_quoted_csv_goes_through_the_engine_source_and_is_checked_the_same(county, tmp_path, file, block):
    path = tmp_path / "loans.csv"
    path.write_bytes(_csv(*file, newline="\r\n"))
    _both(_spec(), str(path), block)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(loan_files(commas=False))
def test_an_xlsx_of_the_same_cells_is_checked_the_same(county, tmp_path, file):
    header, rows = file
    numbers = [[float(c) if c.replace(".", "", 1).isdigit() and len(c) < 10 else c for c in r] for r in rows]
    path = tmp_path / "loans.xlsx"
    path.write_bytes(xlsx_bytes([header, *numbers]))
    _both(_spec(), str(path), 4)


def test_json_cells_of_any_type_are_checked_the_same(county):
    spec = _spec()
    good = {h: v[0].format(n=1, d=0) for h, v in VARIANTS.items()}  # with the optional columns
    odd = [1, 1.0, True, None, 50000, 50000.5, -0.0, [1], {"a": 1}, "", "是", 20200110, 1.5e20]
    rows = [
        dict(good, **{h: odd[(i + j) % len(odd)]}) for i, h in enumerate(VARIANTS) for j in range(len(odd))
    ]
    rows += [dict(good, 借据号=f"J{i}") for i in range(5)]
    _same(_by_rows(spec, json_source(rows)), _by_columns(spec, json_source(rows), None, 16))


def test_fast_paths_agree_with_the_parsers_on_every_shape(county):
    """Amounts and loan numbers of every shape: numpy's answer where it has one, the parser's otherwise."""
    from puhui.imports.cells import Code, Money

    cells = MONEY + [
        "7",
        "7.1",
        "7.12",
        "0000000000001.5",
        "1234567890123.45",
        "12345678901234",
        "٣",
        "1\x00",
    ]
    for parser, sample in ((Money(), cells), (Code(40), VARIANTS["借据号"] + ["a" * 40, "a\x00", "A\u0301"])):
        reader = columnar.ColumnReader(index=0, header="h", parser=parser, required=True, default=None)
        found: list = []

        def report(pos, cell, reason, found=found):
            found.append((pos, reason))

        parsed = reader.parse(
            np.array(sample, dtype=object),
            text=True,
            complete=True,
            report=report,
            empty_reason=lambda pos: "不能为空",
        )
        for pos, cell in enumerate(sample):
            try:
                expected = parser(cell) if cell.strip() else None
            except Exception as e:
                expected = e
            if expected is None:
                assert (pos, "不能为空") in found
            elif isinstance(expected, Exception):
                assert (pos, expected.reason) in found
            else:
                assert parsed.value(pos) == expected and str(parsed.value(pos)) == str(expected), cell


@pytest.mark.parametrize("text", ['a,"b"\n', "a,b\rc,d\n", "a\x00,b\n"])
def test_quotes_bare_carriage_returns_and_nuls_leave_the_line_reader(tmp_path, text):
    path = tmp_path / "x.csv"
    path.write_bytes(("借据号,首贷\n" + text).encode())
    assert not blocks.plain_csv(str(path))


def test_a_line_longer_than_the_csv_field_limit_leaves_the_line_reader(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(("借据号,首贷\n" + "a" * (csv.field_size_limit() + 1) + ",是\n").encode())
    assert not blocks.plain_csv(str(path))


def test_a_full_table_starts_a_new_one_and_nothing_changes(county, tmp_path, monkeypatch):
    """More distinct cells than a column keeps (MEMO_LIMIT): later blocks get a fresh table."""
    import random

    monkeypatch.setattr(columnar, "MEMO_LIMIT", 5)
    rng = random.Random(7)

    def cell(h, n):
        options = [v for v in VARIANTS[h] if "," not in v]
        return (rng.choice(options) if rng.random() < 0.1 else options[0]).format(n=n, d=n // 3)

    rows = [[cell(h, n) for h in LOAN_HEADER] for n in range(1, 400)]
    path = tmp_path / "loans.csv"
    path.write_bytes(_csv(LOAN_HEADER, rows, newline="\n"))
    errors, values, count = _both(_spec(), str(path), 13)
    assert count == len(rows) and errors and values


def test_the_optional_product_and_collateral_columns_are_checked_in_chinese(county):
    good = {h: v[0].format(n=1, d=0) for h, v in VARIANTS.items()}
    rows = [
        dict(good, 借据号="A1", 贷款产品="鲁担惠农贷", 押品类型="土地经营权", 担保方式="抵押", 信用贷款="否"),
        dict(good, 借据号="A2", 押品类型="仓单"),  # 信用: nothing is pledged
        dict(good, 借据号="A3", 贷款产品="惠农\t贷"),
        dict(good, 借据号="A4", 押品类型="黄金", 担保方式="质押", 信用贷款="否"),
    ]
    errors, values, _rows = _by_columns(_spec(), json_source(rows), None, 16)
    assert [(e.row, e.column, e.reason) for e in errors] == [
        (2, "押品类型", "押品类型只在担保方式为“抵押”或“质押”时填写"),  # JSON rows count from 1
        (3, "贷款产品", "不能含制表符、换行符或反斜杠"),
        (4, "押品类型", errors[-1].reason),
    ]
    assert "黄金" in str(errors[-1].value) and "土地经营权" in errors[-1].reason
    assert (values[1]["product"], values[1]["collateral"]) == ("鲁担惠农贷", "land_rights")
