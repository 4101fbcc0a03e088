"""A small engine for tabular imports: read CSV or Excel, map the header, parse every cell, collect every error.

No models here. An app describes its table with a `TableSpec` (columns, parsers, row checks, unique keys),
reads it with `parse()` (small tables, all rows in memory) or `TableReader` (streams rows one at a time,
for submissions of a million rows), and adapts the parsed rows to the database itself.

Errors are collected for the whole file and never stop the reading; each names the row as Excel shows it
(the header is row 1), the column header as written in the file, the value, and the reason in Chinese.

The engine is three modules; this one holds the table description and the row reader, and re-exports the
other two so that callers import everything from here:

- `puhui.imports.cells`: `CellError`, `FileError`, `ErrorList`, and the column parsers;
- `puhui.imports.reading`: `open_table` (size, format, encoding, sheet, and the inflated-size guard for
  Excel), `Source`;
- `puhui.imports.tabular`: `Column`, `TableSpec`, `TableReader`, `parse`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from puhui.imports.cells import (  # noqa: F401 - re-exported: callers import the engine from here
    COMMA_DECIMAL_RE,
    DATE_PATTERNS,
    DATE_REASON,
    EXCEL_PRECISION,
    MAX_VALUE_SHOWN,
    PLAIN_DECIMAL_RE,
    PRECISION_REASON,
    THOUSANDS_RE,
    Boolean,
    CellError,
    Choice,
    Code,
    Date,
    DecimalNumber,
    DivisionCode,
    ErrorList,
    FileError,
    Integer,
    Money,
    Parser,
    TableError,
    Text,
    Uscc,
    _blank,
    _nfkc,
    display,
    is_empty,
)
from puhui.imports.reading import (  # noqa: F401 - re-exported
    ENCODING_LABELS,
    EXCEL_SUFFIXES,
    INSTRUCTIONS_SHEET,
    MERGES_EXPLAINED,
    TEXT_SUFFIXES,
    Source,
    check_inflated_size,
    column_letter,
    detect_encoding,
    file_name,
    human_size,
    max_inflated_bytes,
    open_table,
)

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
    on_row: Callable[[Row], None] | None = None,
) -> ParsedTable:
    """Read a whole (small) table into memory: every row parsed, every error collected.

    With `on_row`, each row is handed to it as it is read instead of kept (`rows` stays empty).
    """
    filename = filename or file_name(file)
    errors = ErrorList(max_errors)
    parsed = ParsedTable(spec=spec, filename=filename, errors=errors)
    try:
        with open_table(
            file, filename=filename, max_bytes=max_bytes, sheet=sheet, preferred_sheet=spec.data_sheet
        ) as source:
            parsed.source = source.description
            parsed.reader = TableReader(spec, source, errors, row_checks=row_checks)
            if on_row is None:
                parsed.rows = list(parsed.reader)
            else:
                for row in parsed.reader:
                    on_row(row)
    except FileError as e:
        errors.add_fatal(None, "", "", e.reason)
    return parsed
