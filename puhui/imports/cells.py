"""What a cell may hold, and what is wrong with a file: the column parsers and the error list.

Part of the import engine (`puhui.imports.tabular` re-exports every name). A parser gets one non-empty
cell (text from CSV, str/float/int/bool/date from python-calamine) and returns its value or raises
`CellError` with the reason in Chinese; `ErrorList` collects the errors of a whole file.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError

from puhui.core.validators import (
    check_id_number,
    check_id_or_uscc,
    check_in_county,
    parse_money,
    validate_division_code,
    validate_uscc,
)

# Excel keeps 15 significant digits; a longer number typed into a General cell has already lost digits.
EXCEL_PRECISION = 10**15
MAX_VALUE_SHOWN = 100

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


class _Identifier(Text):
    """An ID number or USCC cell: the one rule is `core.validators`; these only normalise the cell (full-width
    characters, spaces, lower-case x) and report in the engine's terms.

    With `county_codes` (`core.validators.county_area_codes`, current and historical) the number must also
    have been issued in the county: a table of the county's own residents or firms passes them, a table where
    people from elsewhere belong does not.
    """

    number_format = "@"
    noun = "证件号码"

    def __init__(self, county_codes=None, county_name: str = "本县"):
        super().__init__()
        self.county_codes = None if county_codes is None else frozenset(county_codes)
        self.county_name = county_name

    def _compact(self, value: Any) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise CellError(
                f"{self.noun}被 Excel 存成了数字（末尾数字已丢失）；请把该列设置为“文本”格式后重新填写"
            )
        return "".join(_nfkc(self._text(value)).split()).upper()

    def _in_county(self, number: str, kind: str) -> str:
        if self.county_codes is None:
            return number
        try:
            return check_in_county(number, self.county_codes, county_name=self.county_name, kind=kind)
        except ValidationError as e:
            raise CellError(e.messages[0]) from None

    def _describe_county(self) -> str:
        return f"，须为{self.county_name}的" if self.county_codes is not None else ""


class Uscc(_Identifier):
    label = noun = "统一社会信用代码"

    def __call__(self, value: Any) -> str:
        text = _nfkc(self._text(value)).upper()
        if not text.isascii():
            raise CellError("统一社会信用代码格式错误（应为18位数字或大写字母）")
        try:
            number = validate_uscc(text)
        except ValidationError as e:
            raise CellError(e.messages[0]) from None
        return self._in_county(number, "uscc")

    def describe(self) -> str:
        return f"18位统一社会信用代码（校验位须正确{self._describe_county()}）"


class IdNumber(_Identifier):
    """A resident ID number (`core.validators.check_id_number`)."""

    label = noun = "身份证号码"

    def __call__(self, value: Any) -> str:
        try:
            number = check_id_number(self._compact(value))
        except ValidationError as e:
            raise CellError(e.messages[0]) from None
        return self._in_county(number, "ric")

    def describe(self) -> str:
        return f"18位居民身份证号码（校验位须正确{self._describe_county()}）"


class IdOrUscc(_Identifier):
    """A resident ID number or a USCC, told apart by `core.validators.check_id_or_uscc`: (kind, number),
    kind "ric" or "uscc"."""

    label = "证件号码"

    def __call__(self, value: Any) -> tuple[str, str]:
        try:
            kind, number = check_id_or_uscc(self._compact(value))
        except ValidationError as e:
            raise CellError(e.messages[0]) from None
        return kind, self._in_county(number, kind)

    def describe(self) -> str:
        return f"18位居民身份证号码或统一社会信用代码（校验位须正确{self._describe_county()}）"


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
