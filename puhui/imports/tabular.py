"""A small engine for tabular imports: read CSV or Excel, map the header, parse every cell, collect every error.

No models here. An app describes its table with a `TableSpec` (columns, parsers, row checks, unique keys),
reads it with `parse()` (small tables, all rows in memory) or `TableReader` (streams rows one at a time,
for submissions of a million rows), and adapts the parsed rows to the database itself.

Errors are collected for the whole file and never stop the reading; each names the row as Excel shows it
(the header is row 1), the column header as written in the file, the value, and the reason in Chinese.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import io
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import python_calamine
from django.core.exceptions import ValidationError

from puhui.core.validators import parse_money, validate_division_code, validate_uscc

INSTRUCTIONS_SHEET = "填写说明"
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
TEXT_SUFFIXES = {".csv", ".txt"}
# Excel keeps 15 significant digits; a longer number typed into a General cell has already lost digits.
EXCEL_PRECISION = 10**15
MAX_VALUE_SHOWN = 100
_CHUNK = 1 << 20


# ---------------------------------------------------------------- errors


class CellError(ValueError):
    """The only exception a parser raises: the cell's value is refused, `reason` says why (Chinese)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class FileError(Exception):
    """The file cannot be read as a table at all (empty, too large, not CSV/Excel, no such sheet…)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class TableError:
    row: int | None  # as Excel numbers it (header = 1); None for a problem with the whole file
    column: str  # the header as written in the file, or the expected header when it is missing
    value: str
    reason: str


class ErrorList:
    """Every error of a file: counts all of them, keeps the first `limit` so a file of garbage cannot exhaust memory."""

    def __init__(self, limit: int = 10_000):
        self.limit = limit
        self.items: list[TableError] = []
        self.total = 0
        # A file or header problem: the rows were not (or could not be) read.
        self.fatal = False

    def add(self, row: int | None, column: str, value: Any, reason: str) -> None:
        self.total += 1
        if len(self.items) < self.limit:
            self.items.append(TableError(row, column, display(value), reason))

    def add_fatal(self, row: int | None, column: str, value: Any, reason: str) -> None:
        self.fatal = True
        self.add(row, column, value, reason)

    def __bool__(self) -> bool:
        return self.total > 0

    def __iter__(self) -> Iterator[TableError]:
        return iter(self.items)

    def sorted(self) -> list[TableError]:
        """File-level errors first, then by row; stable, so errors of one row keep their column order."""
        return sorted(self.items, key=lambda e: -1 if e.row is None else e.row)

    @property
    def truncated(self) -> bool:
        return self.total > len(self.items)


def display(value: Any) -> str:
    """A cell value as the user typed or sees it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < EXCEL_PRECISION else repr(value)
    elif isinstance(value, datetime.datetime):
        text = value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    elif isinstance(value, datetime.date | datetime.time):
        text = value.isoformat()
    else:
        text = str(value)
    if len(text) > MAX_VALUE_SHOWN:
        text = text[: MAX_VALUE_SHOWN - 1] + "…"
    return text


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _blank(cells: list[Any]) -> bool:
    for c in cells:
        if c is None or c == "" or (c.__class__ is str and c.isspace()):
            continue
        return False
    return True


# ---------------------------------------------------------------- parsers


def _nfkc(text: str) -> str:
    # Full-width digits, letters and punctuation typed with a Chinese IME become ASCII.
    return unicodedata.normalize("NFKC", text).strip()


def _precision_lost(value: float) -> bool:
    return abs(value) >= EXCEL_PRECISION


PRECISION_REASON = "数字超过15位，Excel 已丢失末尾数字；请把该列设置为“文本”格式后重新填写"
THOUSANDS_RE = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")
PLAIN_DECIMAL_RE = re.compile(r"-?[0-9]{1,30}(\.[0-9]{1,30})?")
COMMA_DECIMAL_RE = re.compile(r"[+-]?[0-9]+,[0-9]+")


def _number_text(value: Any) -> str:
    """A numeric cell's text with thousands separators removed; refuses a comma used as the decimal mark."""
    text = _nfkc(str(value)).replace("，", ",").replace(" ", "")
    if THOUSANDS_RE.fullmatch(text):
        return text.replace(",", "")
    if COMMA_DECIMAL_RE.fullmatch(text):
        raise CellError(f"“{text}”疑似用逗号作小数点，请改用小数点（如 {text.replace(',', '.')}）")
    return text


class Parser:
    """Turns one non-empty cell into a value or raises CellError. Empty cells never reach a parser."""

    label = "文本"
    # Shown as a drop-down in the template; a parser with choices validates against them.
    choices: tuple[str, ...] = ()
    # Cell number format for the template ("@" keeps codes as text in Excel).
    number_format: str | None = None

    def __call__(self, value: Any) -> Any:
        raise NotImplementedError

    def describe(self) -> str:
        return self.label


class Text(Parser):
    def __init__(self, max_length: int | None = None):
        self.max_length = max_length

    def _text(self, value: Any) -> str:
        if isinstance(value, bool):
            raise CellError("应为文字，不应是逻辑值 TRUE/FALSE")
        if isinstance(value, float):
            if _precision_lost(value):
                raise CellError(PRECISION_REASON)
            return display(value)
        if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
            return display(value)
        return str(value).strip()

    def __call__(self, value: Any) -> str:
        text = self._text(value)
        if self.max_length is not None and len(text) > self.max_length:
            raise CellError(f"长度不能超过 {self.max_length} 个字符（现为 {len(text)} 个）")
        return text

    def describe(self) -> str:
        return f"文字，不超过 {self.max_length} 个字符" if self.max_length else "文字"


class Code(Text):
    """An identifier: full-width characters folded, no spaces inside."""

    label = "编码"
    number_format = "@"

    def __init__(self, max_length: int | None = None, pattern: str = r"[0-9A-Za-z_.\-/]+"):
        super().__init__(max_length)
        self.pattern = re.compile(pattern)

    def __call__(self, value: Any) -> str:
        text = _nfkc(self._text(value))
        if re.search(r"\s", text):
            raise CellError("编码中不能有空格")
        if not self.pattern.fullmatch(text):
            raise CellError("编码只能包含字母、数字和 - _ . /")
        return super().__call__(text)

    def describe(self) -> str:
        return (
            f"字母、数字和 - _ . /，不超过 {self.max_length} 位"
            if self.max_length
            else "字母、数字和 - _ . /"
        )


class DivisionCode(Text):
    label = "区划代码"
    number_format = "@"

    def __call__(self, value: Any) -> str:
        text = _nfkc(self._text(value))
        if not text.isascii():  # other scripts' digits pass a \d check
            raise CellError("区划代码应为12位数字")
        try:
            return validate_division_code(text)
        except ValidationError as e:
            raise CellError(e.messages[0]) from None

    def describe(self) -> str:
        return "12位统计用区划代码，如 370323102000"


class Uscc(Text):
    label = "统一社会信用代码"
    number_format = "@"

    def __call__(self, value: Any) -> str:
        text = _nfkc(self._text(value)).upper()
        if not text.isascii():
            raise CellError("统一社会信用代码格式错误（应为18位数字或大写字母）")
        try:
            return validate_uscc(text)
        except ValidationError as e:
            raise CellError(e.messages[0]) from None

    def describe(self) -> str:
        return "18位统一社会信用代码（校验位须正确）"


class Integer(Parser):
    label = "整数"

    def __init__(self, min_value: int | None = 0, max_value: int | None = None):
        self.min_value = min_value
        self.max_value = max_value

    def __call__(self, value: Any) -> int:
        if isinstance(value, bool):
            raise CellError("应为整数，不应是逻辑值 TRUE/FALSE")
        if isinstance(value, int):
            number = value
        elif isinstance(value, float):
            if not value.is_integer():
                raise CellError("应为整数")
            if _precision_lost(value):
                raise CellError(PRECISION_REASON)
            number = int(value)
        elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
            number = int(value)  # the common case, without normalising
        elif isinstance(value, str):
            text = _number_text(value)
            match = re.fullmatch(r"([+-]?[0-9]{1,18})(\.0*)?", text)
            if not match:
                if re.fullmatch(r"[+-]?[0-9]+\.[0-9]+", text):
                    raise CellError("应为整数，不能有小数")
                if re.fullmatch(r"[+-]?[0-9]+", text):
                    raise CellError("数值过大")
                raise CellError("不是整数")
            number = int(match.group(1))
        else:
            raise CellError("不是整数")
        if self.min_value is not None and number < self.min_value:
            raise CellError(f"不能小于 {self.min_value}")
        if self.max_value is not None and number > self.max_value:
            raise CellError(f"不能大于 {self.max_value}")
        return number

    def describe(self) -> str:
        if self.min_value == 0 and self.max_value is None:
            return "不小于0的整数"
        parts = ["整数"]
        if self.min_value is not None:
            parts.append(f"≥{self.min_value}")
        if self.max_value is not None:
            parts.append(f"≤{self.max_value}")
        return "，".join(parts)


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellError("应为数字，不应是逻辑值 TRUE/FALSE")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr is the shortest text that round-trips: 0.1 stays 0.1, not 0.1000000000000000055…
        text = repr(value)
    elif isinstance(value, str):
        if PLAIN_DECIMAL_RE.fullmatch(value):
            return Decimal(value)  # the common case, without normalising
        text = _number_text(value)
    else:
        raise CellError("不是数字")
    if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?", text):
        raise CellError("不是数字")
    return Decimal(text)


class DecimalNumber(Parser):
    """A decimal with `places` digits after the point; more digits are rounded half up."""

    label = "数字"

    def __init__(
        self,
        places: int,
        max_digits: int,
        min_value: Decimal | int | None = 0,
        max_value: Decimal | int | None = None,
    ):
        self.places = places
        self.max_digits = max_digits
        self.min_value = None if min_value is None else Decimal(min_value)
        self.max_value = None if max_value is None else Decimal(max_value)
        self.quantum = Decimal(1).scaleb(-places)
        self.limit = Decimal(10) ** (max_digits - places)

    def __call__(self, value: Any) -> Decimal:
        number = _decimal(value)
        if abs(number) >= self.limit:
            raise CellError("数值过大")
        number = number.quantize(self.quantum, rounding=ROUND_HALF_UP)
        if self.min_value is not None and number < self.min_value:
            raise CellError(f"不能小于 {self.min_value}")
        if self.max_value is not None and number > self.max_value:
            raise CellError(f"不能大于 {self.max_value}")
        return number

    def describe(self) -> str:
        parts = [f"数字，最多{self.places}位小数"]
        if self.min_value is not None:
            parts.append(f"≥{self.min_value}")
        if self.max_value is not None:
            parts.append(f"≤{self.max_value}")
        return "，".join(parts)


class Money(Parser):
    """Yuan with 2 places (`parse_money`); accepts 1,234.50 and a leading ¥ or trailing 元, never a comma as decimal mark."""

    label = "金额（元）"

    def __init__(self, min_value: Decimal | int | None = 0, max_digits: int = 18):
        self.min_value = None if min_value is None else Decimal(min_value)
        self.limit = Decimal(10) ** (max_digits - 2)

    def __call__(self, value: Any) -> Decimal:
        if isinstance(value, str):
            value = _nfkc(value).removeprefix("¥").removeprefix("￥").removesuffix("元").strip()
        number = _decimal(value)  # the same shapes as any number, with the comma-decimal hint
        if abs(number) >= self.limit:
            raise CellError("金额过大")
        try:
            amount = parse_money(number)
        except ValidationError as e:
            raise CellError(e.messages[0]) from None
        if self.min_value is not None and amount < self.min_value:
            raise CellError(f"金额不能小于 {self.min_value}")
        return amount

    def describe(self) -> str:
        return "金额（元），最多2位小数，可带千位分隔符，如 1,234.50"


DATE_PATTERNS = [
    re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?:[ T]0{1,2}:00(?::00(?:\.0+)?)?)?"),
    re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日?"),
    re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})"),
]
DATE_REASON = "不是有效日期，请写成 2020-07-28、2020/7/28 或 2020年7月28日"


class Date(Parser):
    label = "日期"
    number_format = "yyyy-mm-dd"

    def __init__(self, min_year: int = 1900, max_year: int = 2100):
        self.min_year = min_year
        self.max_year = max_year

    def __call__(self, value: Any) -> datetime.date:
        if isinstance(value, bool):
            raise CellError(DATE_REASON)
        if isinstance(value, datetime.datetime):
            if value.time() != datetime.time():
                raise CellError("应为日期，不应带时间")
            day = value.date()
        elif isinstance(value, datetime.date):
            day = value
        elif isinstance(value, int | float | str):
            if isinstance(value, float):
                if not value.is_integer():
                    raise CellError(DATE_REASON)
                value = int(value)
            text = _nfkc(str(value))
            for pattern in DATE_PATTERNS:
                if match := pattern.fullmatch(text):
                    break
            else:
                raise CellError(DATE_REASON)
            year, month, dom = (int(g) for g in match.groups())
            try:
                day = datetime.date(year, month, dom)
            except ValueError:
                raise CellError(f"日期“{text}”不存在") from None
        else:
            raise CellError(DATE_REASON)
        if not self.min_year <= day.year <= self.max_year:
            raise CellError(f"年份应在 {self.min_year}–{self.max_year} 之间")
        return day

    def describe(self) -> str:
        return "日期，如 2020-07-28、2020/7/28、2020年7月28日"


def _choice_key(text: str) -> str:
    return re.sub(r"\s+", "", _nfkc(text)).casefold()


class Choice(Parser):
    """One of a list, by its Chinese label, its code, or an accepted alias; returns the code."""

    label = "选项"

    def __init__(self, options: Iterable[tuple[Any, str]], aliases: Mapping[str, Any] | None = None):
        self.options = tuple(options)
        self.choices = tuple(label for _, label in self.options)
        self._lookup: dict[str, Any] = {}
        for code, label in self.options:
            self._lookup.setdefault(_choice_key(str(code)), code)
            self._lookup[_choice_key(label)] = code
        for alias, code in (aliases or {}).items():
            self._lookup.setdefault(_choice_key(alias), code)

    def __call__(self, value: Any) -> Any:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        code = self._lookup.get(_choice_key(str(value)), _MISSING)
        if code is _MISSING:
            raise CellError(f"不是可选值，应为：{'、'.join(self.choices)}")
        return code

    def describe(self) -> str:
        return "可选：" + "、".join(self.choices)


_MISSING = object()


class Boolean(Choice):
    label = "是/否"

    def __init__(self):
        super().__init__(
            [(True, "是"), (False, "否")],
            aliases={
                "y": True,
                "yes": True,
                "true": True,
                "1": True,
                "√": True,
                "✓": True,
                "n": False,
                "no": False,
                "false": False,
                "0": False,
                "×": False,
                "✗": False,
            },
        )

    def __call__(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        return super().__call__(value)

    def describe(self) -> str:
        return "是 或 否"


# ---------------------------------------------------------------- table description


RowCheck = Callable[[Mapping[str, Any]], Iterable[tuple[str, str]]]


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header the template writes
    parser: Parser = field(default_factory=Text)
    required: bool = False  # the column must be present and every cell filled
    aliases: tuple[str, ...] = ()  # other accepted headers; the key itself is always accepted
    default: Any = None  # the value of an empty cell
    help: str = ""
    example: str = ""


def normalise_header(text: str) -> str:
    """Header cells compare without spaces, required-markers (*, （必填）) or letter case."""
    text = re.sub(r"\s+", "", _nfkc(str(text)))
    text = re.sub(r"\((必填|选填|可选)\)$", "", text).strip("*")
    return text.casefold()


@dataclass(frozen=True)
class TableSpec:
    name: str  # machine name, e.g. "divisions"
    title: str  # Chinese title, e.g. "行政区划"
    columns: tuple[Column, ...]
    # Each entry: column keys whose values together must be unique in the file.
    unique: tuple[tuple[str, ...], ...] = ()
    # Whole-row checks on the completed values (absent columns at their defaults); yield (key, reason).
    row_checks: tuple[RowCheck, ...] = ()
    notes: tuple[str, ...] = ()  # extra lines for the template's instruction sheet
    sheet_name: str = ""  # the data sheet's name in the template; defaults to the title

    def __post_init__(self):
        lookup: dict[str, Column] = {}
        for col in self.columns:
            for name in (col.header, col.key, *col.aliases):
                key = normalise_header(name)
                if lookup.get(key, col) is not col:
                    raise ValueError(f"header {name!r} is ambiguous in {self.name}")
                lookup[key] = col
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "_by_key", {c.key: c for c in self.columns})

    @property
    def data_sheet(self) -> str:
        return self.sheet_name or self.title

    def column(self, key: str) -> Column:
        return self._by_key[key]

    def match_header(self, text: str) -> Column | None:
        return self._lookup.get(normalise_header(text))

    def complete(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The row's values with every absent column at its default."""
        return {c.key: values.get(c.key, c.default) for c in self.columns}

    def check_row(self, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        for check in self.row_checks:
            problems.extend(check(values))
        return problems


# ---------------------------------------------------------------- reading files


@dataclass
class Source:
    """An open table: its rows as (row number as Excel shows it, cells), and how it was read."""

    format: str  # "csv" or "excel"
    rows: Iterator[tuple[int, list[Any]]]
    encoding: str = ""
    sheet: str = ""
    first_column: int = 0  # cells[0] is this column (0 = A)
    # Horizontally merged ranges as (first row, last row, first col, last col, "E8:F8"): rows as Excel shows
    # them, columns as indexes into cells. Only consulted for an empty required cell, to say why it is empty.
    merged_across: list[tuple[int, int, int, int, str]] = field(default_factory=list)

    def merge_covering(self, number: int, index: int) -> str:
        """The merged range ("E8:F8") an empty cell lies in, right of the range's first column, or ""."""
        for r0, r1, c0, c1, text in self.merged_across:
            if r0 <= number <= r1 and c0 < index <= c1:
                return text
        return ""

    @property
    def description(self) -> str:
        if self.format == "csv":
            return f"CSV（{self.encoding}）"
        return f"Excel（工作表“{self.sheet}”）"


def _size(f) -> int:
    size = getattr(f, "size", None)
    if isinstance(size, int):
        return size
    pos = f.tell()
    f.seek(0, os.SEEK_END)
    end = f.tell()
    f.seek(pos)
    return end - pos


def _decodes_as(f, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    f.seek(0)
    try:
        while chunk := f.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        f.seek(0)
    return True


ENCODING_LABELS = {
    "utf-8-sig": "UTF-8（带BOM）",
    "utf-8": "UTF-8",
    "gb18030": "GBK/GB18030",
    "utf-16": "UTF-16",
}


def detect_encoding(f) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 — what WPS and Excel save in China."""
    head = f.read(4)
    f.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    # A whole-file check, not a sample: a GBK file may be pure ASCII for its first megabytes.
    for encoding in ("utf-8", "gb18030"):
        if _decodes_as(f, encoding):
            return encoding
    raise FileError("无法识别文件的文字编码，请在 Excel/WPS 中另存为“CSV UTF-8”或“CSV（逗号分隔）”后重新上传")


def _csv_rows(f, encoding: str) -> Iterator[tuple[int, list[Any]]]:
    text = io.TextIOWrapper(f, encoding=encoding, newline="")
    try:
        first = text.readline()
        text.seek(0)
        # Excel's "Unicode text" and some exports are tab-separated.
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        reader = csv.reader(text, delimiter=delimiter)
        number = 0
        try:
            for number, cells in enumerate(reader, start=1):  # noqa: B007 - reported on a csv.Error
                yield number, cells
        except csv.Error as e:
            raise FileError(f"第 {number + 1} 行附近 CSV 格式错误：{e}") from None
    finally:
        text.detach()


def _excel_rows(sheet) -> Iterator[tuple[int, list[Any]]]:
    start = sheet.start
    if start is None:  # an empty sheet
        return
    first_col = start[1]
    # Vertically merged cells show their value on every row; calamine stores it only in the top cell.
    fills: dict[int, list[tuple[int, int]]] = {}  # row → [(column, top row)]
    tops_wanted: dict[int, list[int]] = {}  # top row → [column]
    for (r0, c0), (r1, _c1) in sheet.merged_cell_ranges or ():
        if r1 > r0:
            tops_wanted.setdefault(r0, []).append(c0 - first_col)
            for r in range(r0 + 1, r1 + 1):
                fills.setdefault(r, []).append((c0 - first_col, r0))
    tops: dict[tuple[int, int], Any] = {}
    # iter_rows starts at row 0 (A1's row) but at the first used column.
    for index, cells in enumerate(sheet.iter_rows()):
        for col in tops_wanted.get(index, ()):
            if 0 <= col < len(cells):
                tops[(index, col)] = cells[col]
        for col, r0 in fills.get(index, ()):
            if 0 <= col < len(cells) and is_empty(cells[col]):
                cells[col] = tops.get((r0, col), "")
        yield index + 1, cells


def _open_binary(file) -> tuple[Any, bool]:
    if isinstance(file, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(file)), True
    if isinstance(file, str | os.PathLike):
        return open(file, "rb"), True  # noqa: SIM115 - closed by open_table
    if hasattr(file, "open") and hasattr(file, "chunks"):  # a Django File: read its underlying file object
        file.open("rb")
        file = file.file
    file.seek(0)
    return file, False


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} 字节"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1048576:.1f} MB"


def file_name(file, default: str = "") -> str:
    if isinstance(file, str | os.PathLike):
        return os.path.basename(os.fspath(file))
    return os.path.basename(getattr(file, "name", "") or default)


@contextlib.contextmanager
def open_table(
    file,
    *,
    filename: str = "",
    max_bytes: int | None = None,
    sheet: str | None = None,
    preferred_sheet: str = "",
):
    """Open CSV/Excel bytes, a path or a binary file object; raises FileError with the reason in Chinese.

    The size is checked before anything is parsed. The format is told by content, not by the name
    (county staff rename files), and the name only has to be a CSV or Excel one if given.
    """
    filename = filename or file_name(file)
    suffix = os.path.splitext(filename)[1].lower()
    if suffix and suffix not in EXCEL_SUFFIXES | TEXT_SUFFIXES:
        raise FileError(f"不支持的文件类型“{suffix}”，请上传 CSV 或 Excel（.xlsx）文件")
    f, owned = _open_binary(file)
    source = None
    try:
        size = _size(f)
        if max_bytes is not None and size > max_bytes:
            raise FileError(f"文件大小 {human_size(size)}，超过上限 {human_size(max_bytes)}，未作处理")
        if size == 0:
            raise FileError("文件为空")
        head = f.read(8)
        f.seek(0)
        if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
            source = _open_excel(f, sheet=sheet, preferred_sheet=preferred_sheet)
            yield source
        else:
            if suffix in EXCEL_SUFFIXES:
                raise FileError(f"文件扩展名是“{suffix}”，但内容不是 Excel 工作簿")
            if sheet:
                raise FileError("CSV 文件没有工作表，不能指定工作表")
            encoding = detect_encoding(f)
            if encoding != "utf-16" and b"\x00" in f.read(_CHUNK):
                raise FileError("文件不是 CSV 文本文件")
            f.seek(0)
            source = Source(format="csv", rows=_csv_rows(f, encoding), encoding=ENCODING_LABELS[encoding])
            yield source
    finally:
        if source is not None:
            source.rows.close()  # a half-read CSV generator detaches its text wrapper before the file closes
        if owned:
            f.close()


MERGES_EXPLAINED = 1000  # a sheet merged all over is not worth a slower error path


def _open_excel(f, *, sheet: str | None, preferred_sheet: str) -> Source:
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(f)
    except python_calamine.PasswordError:
        raise FileError("Excel 文件设置了打开密码，请取消密码后再上传") from None
    except Exception:  # calamine raises several error types (zip, xml, format) for a broken file
        raise FileError("无法读取该 Excel 文件（文件可能已损坏，或不是 .xlsx/.xls 格式）") from None
    visible = [
        m.name
        for m in workbook.sheets_metadata
        if m.visible == python_calamine.SheetVisibleEnum.Visible
        and m.typ == python_calamine.SheetTypeEnum.WorkSheet
    ]
    if sheet:
        if sheet not in workbook.sheet_names:
            raise FileError(f"工作簿中没有名为“{sheet}”的工作表（现有：{'、'.join(workbook.sheet_names)}）")
        name = sheet
    elif preferred_sheet and preferred_sheet in visible:
        name = preferred_sheet
    else:
        candidates = [n for n in visible if n != INSTRUCTIONS_SHEET]
        if not candidates:
            raise FileError("工作簿中没有可导入的数据工作表")
        name = candidates[0]
    data = workbook.get_sheet_by_name(name)
    first_column = data.start[1] if data.start else 0
    across = [
        (
            r0 + 1,
            r1 + 1,
            c0 - first_column,
            c1 - first_column,
            f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}",
        )
        for (r0, c0), (r1, c1) in (data.merged_cell_ranges or ())[:MERGES_EXPLAINED]
        if c1 > c0
    ]
    return Source(
        format="excel", rows=_excel_rows(data), sheet=name, first_column=first_column, merged_across=across
    )


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# ---------------------------------------------------------------- parsing rows


@dataclass(slots=True)
class Row:
    number: int  # as Excel shows it
    values: dict[str, Any]  # parsed values of the file's columns; a cell that failed to parse is absent
    cells: list[Any]  # the cells as read, for error messages
    ok: bool = True


class TableReader:
    """Maps the header of an open Source onto a TableSpec and yields every non-empty row, parsed.

    Header problems are recorded (fatal) before any row is read. Rows with errors are still yielded
    (`ok` False) so that a caller can tell "this code is in the file" from "this code is unknown";
    callers store only when the ErrorList is empty at the end.
    """

    def __init__(self, spec: TableSpec, source: Source, errors: ErrorList, *, row_checks: bool = True):
        self.spec = spec
        self.source = source
        self.errors = errors
        self.row_checks = row_checks
        self.header_row = 0
        self.columns: dict[int, Column] = {}
        self.headers: dict[str, str] = {}  # key → header text as written in the file
        self._index_of: dict[str, int] = {}
        self.rows_read = 0
        self._unnamed: list[int] = []  # header cells left empty
        self._reported: set[int] = set()
        self._width = 0
        self._seen: list[dict[tuple, int]] = [{} for _ in spec.unique]
        self._read_header()

    @property
    def ok(self) -> bool:
        return not self.errors.fatal

    def header_of(self, key: str) -> str:
        return self.headers.get(key) or self.spec.column(key).header

    def _letter(self, index: int) -> str:
        return column_letter(index + self.source.first_column)

    def _read_header(self) -> None:
        for number, cells in self.source.rows:  # noqa: B007 - the header row is the one the loop stops at
            if not _blank(cells):
                break
        else:
            self.errors.add_fatal(None, "", "", "文件中没有任何内容（空文件）")
            return
        self.header_row = number
        self._width = len(cells)
        for index, cell in enumerate(cells):
            if is_empty(cell):
                self._unnamed.append(index)
                continue
            text = display(cell).strip()
            col = self.spec.match_header(text)
            if col is None:
                self.errors.add_fatal(
                    number, text, text, f"无法识别的列（第 {self._letter(index)} 列），请使用模板中的列名"
                )
            elif col.key in self.headers:
                self.errors.add_fatal(
                    number,
                    text,
                    text,
                    f"列“{col.header}”重复出现（第 {self._letter(index)} 列），每列只能有一个",
                )
            else:
                self.columns[index] = col
                self.headers[col.key] = text
                self._index_of[col.key] = index
        for col in self.spec.columns:
            if col.required and col.key not in self.headers:
                self.errors.add_fatal(number, col.header, "", f"缺少必需的列“{col.header}”")

    def __iter__(self) -> Iterator[Row]:
        if not self.ok:
            return
        spec, errors = self.spec, self.errors
        # The hot loop of a million-row submission: plain tuples, no per-row dictionaries beyond `values`.
        present = [
            (index, col.key, self.headers[col.key], col.parser, col.required, col.default)
            for index, col in self.columns.items()
        ]
        width = self._width
        for number, cells in self.source.rows:
            if _blank(cells):
                continue  # Excel leaves blank lines between blocks; they carry no data
            self.rows_read += 1
            n = len(cells)
            values: dict[str, Any] = {}
            row = Row(number, values, cells)
            for index, key, header, parser, required, default in present:
                raw = cells[index] if index < n else None
                if raw is None or raw == "" or (raw.__class__ is str and raw.isspace()):
                    if required:
                        merge = self.source.merge_covering(number, index) if self.source.merged_across else ""
                        errors.add(
                            number,
                            header,
                            "",
                            (
                                f"不能为空：该单元格在合并单元格 {merge} 中，值只在最左一格；请取消合并，每列分别填写"
                                if merge
                                else "不能为空"
                            ),
                        )
                        row.ok = False
                    else:
                        values[key] = default
                    continue
                try:
                    values[key] = parser(raw)
                except CellError as e:
                    errors.add(number, header, raw, e.reason)
                    row.ok = False
            if self._unnamed or n > width:
                self._check_loose(row)
            if self._seen:
                self._check_unique(row)
            if self.row_checks and row.ok and spec.row_checks:
                for key, reason in spec.check_row(spec.complete(values)):
                    self.add_error(row, key, reason)
            yield row
        if self.rows_read == 0:
            errors.add_fatal(None, "", "", "文件只有表头，没有数据行")

    def _check_loose(self, row: Row) -> None:
        """Data under no header would otherwise be dropped silently; reported once per column."""
        cells = row.cells
        loose = [i for i in self._unnamed if i < len(cells)]
        loose.extend(range(self._width, len(cells)))
        for index in loose:
            if index not in self._reported and not is_empty(cells[index]):
                self._reported.add(index)
                self.errors.add(
                    row.number,
                    f"第 {self._letter(index)} 列",
                    cells[index],
                    "该列没有表头，无法确定是什么数据",
                )
                row.ok = False

    def raw(self, row: Row, key: str) -> Any:
        index = self._index_of.get(key)
        return row.cells[index] if index is not None and index < len(row.cells) else None

    def _check_unique(self, row: Row) -> None:
        for seen, keys in zip(self._seen, self.spec.unique, strict=True):
            if any(k not in row.values or row.values[k] is None or row.values[k] == "" for k in keys):
                continue
            value = tuple(row.values[k] for k in keys)
            first = seen.setdefault(value, row.number)
            if first != row.number:
                names = "、".join(self.header_of(k) for k in keys)
                self.add_error(row, keys[-1], f"{names}与第 {first} 行重复")

    def add_error(self, row: Row, key: str, reason: str) -> None:
        """An error found after parsing (a row check, or the caller's check against the database)."""
        row.ok = False
        self.errors.add(row.number, self.header_of(key), self.raw(row, key), reason)


@dataclass
class ParsedTable:
    spec: TableSpec
    filename: str
    errors: ErrorList
    rows: list[Row] = field(default_factory=list)
    reader: TableReader | None = None
    source: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def present(self) -> set[str]:
        return set(self.reader.headers) if self.reader else set()

    def add_error(self, row: Row, key: str, reason: str) -> None:
        self.reader.add_error(row, key, reason)


def parse(
    file,
    spec: TableSpec,
    *,
    filename: str = "",
    max_bytes: int | None = None,
    sheet: str | None = None,
    row_checks: bool = True,
    max_errors: int = 10_000,
) -> ParsedTable:
    """Read a whole (small) table into memory: every row parsed, every error collected."""
    filename = filename or file_name(file)
    errors = ErrorList(max_errors)
    parsed = ParsedTable(spec=spec, filename=filename, errors=errors)
    try:
        with open_table(
            file, filename=filename, max_bytes=max_bytes, sheet=sheet, preferred_sheet=spec.data_sheet
        ) as source:
            parsed.source = source.description
            parsed.reader = TableReader(spec, source, errors, row_checks=row_checks)
            parsed.rows = list(parsed.reader)
    except FileError as e:
        errors.add_fatal(None, "", "", e.reason)
    return parsed
