"""Column parsers: examples of what county staff type, and properties over any input."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from puhui.imports import tabular
from puhui.imports.specs import DIVISIONS, ORGANISATIONS
from puhui.imports.tabular import (
    Boolean,
    CellError,
    Choice,
    Code,
    Date,
    DecimalNumber,
    DivisionCode,
    Integer,
    Money,
    Text,
    Uscc,
)

# Whatever a CSV or calamine can hand a parser.
ANY_CELL = st.one_of(
    st.text(),
    st.text(alphabet="0123456789,.-+ 年月日/：:，．０１２３４５６７８９eE¥元"),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)
PARSERS = [
    Text(),
    Text(5),
    Code(32),
    DivisionCode(),
    Uscc(),
    Integer(),
    Integer(min_value=None),
    DecimalNumber(6, 9, -180, 180),
    DecimalNumber(2, 16),
    Money(),
    Money(min_value=None),
    Date(),
    Boolean(),
    Choice([("a", "甲"), ("b", "乙")]),
    *(c.parser for c in (*DIVISIONS.columns, *ORGANISATIONS.columns)),
]


@settings(max_examples=300, deadline=None)
@given(value=ANY_CELL, index=st.integers(min_value=0, max_value=len(PARSERS) - 1))
def test_parsers_never_raise_anything_but_cell_error(value, index):
    try:
        PARSERS[index](value)
    except CellError as e:
        assert e.reason and isinstance(e.reason, str)


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_integer_round_trip(n):
    parse = Integer()
    assert parse(n) == n
    assert parse(str(n)) == n
    assert parse(f"{n:,}") == n
    assert parse(f" {n} ") == n
    assert parse(float(n)) == n
    assert parse(f"{n}.00") == n


@given(st.decimals(min_value=-180, max_value=180, places=6, allow_nan=False))
def test_coordinate_round_trip(d):
    parse = DecimalNumber(6, 9, -180, 180)
    assert parse(str(d)) == d
    assert parse(float(d)) == d  # Excel's float, shortest repr, back to the same 6 places
    assert parse(format(d, ",f")) == d


@given(st.decimals(min_value=0, max_value=Decimal("9999999999999.99"), places=2, allow_nan=False))
def test_money_round_trip(d):
    parse = Money()
    assert parse(str(d)) == d
    assert parse(format(d, ",f")) == d
    assert parse(f"¥{d}") == d
    assert parse(f"{d}元") == d


@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)))
def test_date_round_trip(d):
    parse = Date()
    for text in (
        d.isoformat(),
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}年{d.month}月{d.day}日",
        f"{d:%Y%m%d}",
        f"{d.year}.{d.month:02d}.{d.day:02d}",
        f"{d.isoformat()} 00:00:00",
        f"{d.year}/{d.month}/{d.day} 0:00",
    ):
        assert parse(text) == d, text
    assert parse(d) == d
    assert parse(datetime.datetime(d.year, d.month, d.day)) == d


@given(st.sampled_from(DIVISIONS.column("kind").parser.options + ORGANISATIONS.column("kind").parser.options))
def test_choice_accepts_label_and_code(option):
    code, label = option
    parser = Choice([option])
    assert parser(label) == code
    assert parser(f" {label} ") == code
    assert parser(str(code).upper()) == code


@pytest.mark.parametrize(
    "parser, value, expected",
    [
        (Integer(), "１２３", 123),
        (Integer(), "1,234,567", 1234567),
        (Integer(), 12.0, 12),
        (Integer(), "12.0", 12),
        (DecimalNumber(6, 9, -180, 180), "118.1234567", Decimal("118.123457")),
        (Money(), "1,234.5", Decimal("1234.50")),
        (Money(), "￥1，234.50", Decimal("1234.50")),
        (Money(), 0.1 + 0.2, Decimal("0.30")),
        (Date(), "2020年7月28", datetime.date(2020, 7, 28)),
        (Date(), 20200728, datetime.date(2020, 7, 28)),
        (Date(), "２０２０－０７－２８", datetime.date(2020, 7, 28)),
        (Date(), "2020-07-28T00:00", datetime.date(2020, 7, 28)),
        (Boolean(), "是", True),
        (Boolean(), "Y", True),
        (Boolean(), 0.0, False),
        (Boolean(), False, False),
        (Uscc(), " 91370323ma3c4db553 ", "91370323MA3C4DB553"),
        (DivisionCode(), 370323102201.0, "370323102201"),
        (DivisionCode(), "３７０３２３１０２２０１", "370323102201"),
        (Text(), " 鲁村（东）村 ", "鲁村（东）村"),
        (Code(32), "ＡＢＣ-YY", "ABC-YY"),
    ],
)
def test_accepted_values(parser, value, expected):
    assert parser(value) == expected


@pytest.mark.parametrize(
    "parser, value, reason",
    [
        (Integer(), "三百", "不是整数"),
        (Integer(), "1,5", "“1,5”疑似用逗号作小数点，请改用小数点（如 1.5）"),
        (Integer(), "12.5", "应为整数，不能有小数"),
        (Integer(), -1, "不能小于 0"),
        (Integer(), "9" * 30, "数值过大"),
        (Integer(), True, "应为整数，不应是逻辑值 TRUE/FALSE"),
        (DecimalNumber(6, 9, -180, 180), "118,17", "“118,17”疑似用逗号作小数点，请改用小数点（如 118.17）"),
        (DecimalNumber(6, 9, -180, 180), "181", "不能大于 180"),
        (DecimalNumber(6, 9, -180, 180), "NaN", "不是数字"),
        (DecimalNumber(6, 9, -180, 180), float("inf"), "不是数字"),
        (Money(), "1.234,50", "不是数字"),
        (Money(), "12万", "不是数字"),
        (Money(), "-5", "金额不能小于 0"),
        (Money(), "1e30", "金额过大"),
        (Date(), "2020-13-01", "日期“2020-13-01”不存在"),
        (Date(), "28/07/2020", tabular.DATE_REASON),
        (Date(), "20/7/28", tabular.DATE_REASON),
        (Date(), 44040, tabular.DATE_REASON),
        (Date(), datetime.datetime(2020, 7, 28, 9, 30), "应为日期，不应带时间"),
        (Date(), "1850-01-01", "年份应在 1900–2100 之间"),
        (Boolean(), "可能", "不是可选值，应为：是、否"),
        (Uscc(), "91370323MA3C4DB554", "统一社会信用代码校验位错误"),
        (Uscc(), "123", "统一社会信用代码格式错误（应为18位数字或大写字母）"),
        (Uscc(), 913703231234567890.0, tabular.PRECISION_REASON),
        (DivisionCode(), "37032310220", "区划代码应为12位数字"),
        (DivisionCode(), "٣٧٠٣٢٣١٠٢٢٠١", "区划代码应为12位数字"),
        (Integer(), "٣", "不是整数"),
        (Code(32), "ABC YY", "编码中不能有空格"),
        (Code(32), "农行", "编码只能包含字母、数字和 - _ . /"),
        (Code(5), "ABCDEF", "长度不能超过 5 个字符（现为 6 个）"),
        (Text(), True, "应为文字，不应是逻辑值 TRUE/FALSE"),
    ],
)
def test_refused_values(parser, value, reason):
    with pytest.raises(CellError) as e:
        parser(value)
    assert e.value.reason == reason


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_a_result_never_an_exception(data):
    parsed = tabular.parse(data, DIVISIONS)
    assert parsed.ok or parsed.errors.total > 0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.text(max_size=12), max_size=10), max_size=8))
def test_any_csv_grid_gives_a_result_never_an_exception(grid):
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows([["区划代码", "名称", "层级", "户数", "农户数"], *grid])
    parsed = tabular.parse(buffer.getvalue().encode("utf-8"), DIVISIONS)
    assert all(isinstance(e.reason, str) and e.reason for e in parsed.errors)
