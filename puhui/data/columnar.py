"""Checking a loan-level submission in columns: the import engine's checks, a block of rows at a time.

`TableReader` parses a file row by row, some 30 µs of Python a row of the 贷款明细表. `BlockChecker` gives
the same answers — every error with the same row, column, value and Chinese reason, in the same order, and
the same values for the rows that pass — while doing the work per column of a block of rows:

- Reading (`puhui.data.blocks.read_blocks`). A CSV without quotes, NULs or bare carriage returns (what banks'
  systems export) is read as bytes, its cells made str only when needed; every other file (quoted CSV,
  Excel, JSON rows) comes through the engine's own `Source`. Blank rows are skipped and rows numbered as
  the engine does.
- Parsing. Cells repeat: a million loans have a few hundred dates, sixty places, some hundred thousand
  borrowers. Each distinct cell is parsed once per submission, by the column's own parser, into the
  column's `Table`, and every cell becomes a code into it (`_factorize`); what the rest of the intake
  needs of a value (an ordinal, a COPY field, a ciphertext) is also made once per distinct cell
  (`Table.projection`). Two kinds of column rarely repeat and have a numpy fast path for the shape almost
  every cell has — loan numbers (`Code`: code characters only) and amounts (`Money`: plain decimals with at
  most two places) — which is exact for that shape; every other cell goes to the parser.
- Row checks. A row check may carry a vectorised twin, `check.suspects(columns) -> bool array`, that marks
  a superset of the rows it could object to (`puhui.data.specs` gives the loan checks theirs); only those
  rows go through the row check itself. A check without a twin runs on every row.

tests/data/test_intake_columnar.py runs files full of bad cells through both readers and compares. The
checker reads the header through `TableReader` and uses its bookkeeping (columns, unnamed columns, the
loose cells reported), so that both report a file's shape the same way.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from itertools import repeat
from typing import Any

import numpy as np

from puhui.data.blocks import WINDOW, Block, ByteColumn, _factorize
from puhui.imports.cells import Boolean, CellError, Code, Date, Money, is_empty
from puhui.imports.tabular import TableReader

MEMO_LIMIT = 200_000  # distinct cells remembered per column
DEFAULT_CODE_PATTERN = Code().pattern.pattern
_CODE_CHARS = np.zeros(128, dtype=bool)
for _c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_.-/":
    _CODE_CHARS[ord(_c)] = True
MONEY_WIDTH = 16  # the fast path's longest amount: 13 digits, the point and 2 places
MONEY_INT_DIGITS = 13
_POW10 = 10 ** np.arange(19, dtype=np.int64)


# ---------------------------------------------------------------- parsed columns


EMPTY = object()


class _Refused:
    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason


def _failed(value: Any) -> bool:
    return value is EMPTY or value.__class__ is _Refused


class Table:
    """A column's distinct cells and their outcomes (a value, `_Refused` or EMPTY), each made once; and
    projections of the outcomes (`projection`), also made once per distinct cell."""

    def __init__(self):
        self.index: dict[Any, int] = {}  # text cell → code
        self.outcomes: list = []
        self.failed = np.zeros(0, dtype=bool)
        self.empty_code = -1
        self._projections: dict[str, np.ndarray] = {}

    def add(self, outcomes: list) -> int:
        """Append outcomes; the code of the first."""
        start = len(self.outcomes)
        self.outcomes.extend(outcomes)
        failed = np.fromiter((_failed(o) for o in outcomes), dtype=bool, count=len(outcomes))
        self.failed = np.concatenate((self.failed, failed))
        return start

    def projection(self, name: str, fn, dtype, fill) -> np.ndarray:
        """`fn` of every outcome (`fill` for a failed one), as an array of `dtype`; `bytes` for str values
        encoded as UTF-8 (a numpy bytes array)."""
        done = self._projections.get(name)
        have = 0 if done is None else len(done)
        if have < len(self.outcomes):
            new = self.outcomes[have:]
            values = (fill if _failed(v) else fn(v) for v in new)
            if dtype is bytes:
                more = np.array([v.encode() for v in values], dtype=bytes)
            else:
                more = np.fromiter(values, dtype=dtype, count=len(new))
            done = more if done is None else np.concatenate((done, more))
            self._projections[name] = done
        return done


class Parsed:
    """One column of a block, parsed: `bad` marks cells refused or empty where required (reported already);
    `value(pos)` is the parser's value (the column's default for an empty cell); `array(fn, name=…)` applies
    `fn` to every good value (`fill` elsewhere); `name` says that `fn` is always the same function for that
    name, so that a shared table computes it once per distinct cell."""

    bad: np.ndarray

    def value(self, pos: int) -> Any:
        raise NotImplementedError

    def array(
        self, fn: Callable[[Any], Any], dtype=object, fill: Any = None, *, name: str = ""
    ) -> np.ndarray:
        raise NotImplementedError


class MemoParsed(Parsed):
    """Cells as codes into the column's `Table`."""

    def __init__(self, codes: np.ndarray, table: Table):
        self.codes, self.table = codes, table
        self.bad = table.failed[codes]

    def value(self, pos: int) -> Any:
        return self.table.outcomes[self.codes[pos]]

    def array(self, fn, dtype=object, fill=None, *, name: str = "") -> np.ndarray:
        if name:
            return self.table.projection(name, fn, dtype, fill)[self.codes]
        used, inverse = np.unique(self.codes, return_inverse=True)
        values = (fill if _failed(v) else fn(v) for v in map(self.table.outcomes.__getitem__, used.tolist()))
        return np.fromiter(values, dtype=dtype, count=len(used))[inverse]


def _constant(n: int, value: Any) -> MemoParsed:
    """A column of `n` cells that all hold `value`."""
    table = Table()
    table.add([value])
    return MemoParsed(np.zeros(n, dtype=np.int64), table)


class ListParsed(Parsed):
    """One outcome per cell (a column whose cells rarely repeat)."""

    def __init__(self, values: list, bad: np.ndarray):
        self.values, self.bad = values, bad

    def value(self, pos: int) -> Any:
        return self.values[pos]

    def array(self, fn, dtype=object, fill=None, *, name: str = "") -> np.ndarray:
        if fn is str and not self.bad.any():  # the common case: text cells that are their own value
            return np.fromiter(self.values, dtype=dtype, count=len(self.values))
        values = (fill if _failed(v) else fn(v) for v in self.values)
        return np.fromiter(values, dtype=dtype, count=len(self.values))


class FenParsed(Parsed):
    """Amounts as integer fen (`fen`, 0 where refused). `values` keeps the parser's own outcome where one
    was asked for (by position, or the memo column of an Excel block); other cells are `fen` in yuan."""

    def __init__(self, fen: np.ndarray, bad: np.ndarray, values: dict[int, Any] | MemoParsed | None = None):
        self.fen, self.bad, self.values = fen, bad, {} if values is None else values

    @classmethod
    def of(cls, parsed: MemoParsed) -> FenParsed:
        fen = parsed.array(_fen, np.int64, 0, name="fen")
        return cls(fen, parsed.bad, parsed)

    def value(self, pos: int) -> Any:
        if isinstance(self.values, MemoParsed):
            return self.values.value(pos)
        if pos in self.values:
            return self.values[pos]
        return Decimal(int(self.fen[pos])).scaleb(-2)

    def array(self, fn, dtype=object, fill=None, *, name: str = "") -> np.ndarray:
        values = (fill if b else fn(self.value(i)) for i, b in enumerate(self.bad.tolist()))
        return np.fromiter(values, dtype=dtype, count=len(self.fen))


def _fen(value: Any) -> int:
    return int(value.scaleb(2)) if isinstance(value, Decimal) else 0


def _kind_or_value(value: Any) -> Any:
    return value[0] if value.__class__ is tuple else value


def vector(parsed: Parsed, parser) -> np.ndarray:
    """A column as the row checks' twins see it: Money as int64 fen, Date as int64 ordinals, Boolean as bool,
    a (kind, number) identifier as its kind, anything else as its values (object array). Cells that failed
    hold 0/False/None; the twins' answers for them are ignored."""
    if isinstance(parsed, FenParsed):
        return parsed.fen
    if isinstance(parser, Date):
        return parsed.array(datetime.date.toordinal, np.int64, 0, name="vector")
    if isinstance(parser, Boolean):
        return parsed.array(bool, bool, False, name="vector")
    return parsed.array(_kind_or_value, name="vector")


# ---------------------------------------------------------------- one column


class ColumnReader:
    """Parses one column of every block. Text cells (CSV) share one `Table` across blocks, so each distinct
    cell is parsed once per submission (up to MEMO_LIMIT of them; then a new table begins)."""

    def __init__(self, *, index: int, header: str, parser, required: bool, default: Any):
        self.index, self.header, self.parser = index, header, parser
        self.required, self.default = required, default
        self.table = Table()
        self.memo: dict[Any, Any] = {}  # the slow cells of a fast column
        self.fast = None
        if isinstance(parser, Money) and parser.min_value is not None and parser.min_value >= 0:
            self.fast = self._money
            # the parser's bounds in fen: at least min_value, below its limit ("金额过大")
            self.min_fen = int((parser.min_value * 100).to_integral_value(rounding=ROUND_CEILING))
            self.limit_fen = int(min(parser.limit * 100, Decimal(2**62)))
        elif type(parser) is Code and parser.pattern.pattern == DEFAULT_CODE_PATTERN:
            self.fast = self._code

    def outcome(self, cell: Any) -> Any:
        """The parser's value for one cell, `_Refused`, or EMPTY for an empty cell of a required column (an
        optional one takes its default) — as TableReader would decide."""
        if cell is None or cell == "" or (cell.__class__ is str and cell.isspace()):
            return EMPTY if self.required else self.default
        try:
            return self.parser(cell)
        except CellError as e:
            return _Refused(e.reason)

    def _remembered(self, cell: Any) -> Any:
        hit = self.memo.get(cell, self)
        if hit is self:
            hit = self.outcome(cell)
            if len(self.memo) < MEMO_LIMIT:
                self.memo[cell] = hit
        return hit

    def parse(
        self, cells, *, text: bool, complete: bool, report: Callable[[int, Any, str], None], empty_reason
    ) -> Parsed:
        """The column of a block; `report(pos, cell, reason)` for each refused cell, in row order."""
        if text and complete and self.fast is not None:
            parsed = self.fast(cells)
        else:
            parsed = self._text_codes(cells) if text else self._any_codes(cells)
            if isinstance(self.parser, Money):
                parsed = FenParsed.of(parsed)
        for pos in np.flatnonzero(parsed.bad).tolist():
            value = parsed.value(pos)
            if value.__class__ is _Refused:
                report(pos, cells[pos], value.reason)
            else:
                report(pos, "", empty_reason(pos))  # as TableReader: an empty cell shows no value
        return parsed

    def _text_codes(self, cells) -> MemoParsed:
        if len(self.table.outcomes) > MEMO_LIMIT:
            self.table = Table()  # earlier blocks keep theirs
        table = self.table
        if isinstance(cells, ByteColumn):
            local, uniques = cells.factorize()
        else:
            local, uniques = _factorize(np.asarray(cells, dtype=object))  # None (a short row) → -1

        get = table.index.get
        codes = np.fromiter((*map(get, uniques, repeat(-1)), -1), dtype=np.int64, count=len(uniques) + 1)
        missing = np.flatnonzero(codes[:-1] < 0).tolist()
        if missing:
            new = [uniques[i] for i in missing]
            start = table.add([self.outcome(u) for u in new])
            codes[missing] = range(start, start + len(new))
            table.index.update(zip(new, range(start, start + len(new)), strict=True))
        if (local < 0).any():
            if table.empty_code < 0:
                table.empty_code = table.add([self.outcome(None)])
            codes[-1] = table.empty_code  # local code -1 picks the last
        return MemoParsed(codes[local], table)

    def _any_codes(self, cells) -> MemoParsed:
        """Excel and JSON cells, a table per block: the same value of another type (1, 1.0, True) is
        another cell."""
        table = Table()
        local: dict[tuple, int] = {}
        outcomes: list = []
        codes = np.empty(len(cells), dtype=np.int64)
        for i, cell in enumerate(cells):
            key = (cell.__class__, cell)
            try:
                code = local.get(key)
            except TypeError:  # a list or object in JSON: parsed alone
                code, key = None, None
            if code is None:
                code = len(outcomes)
                outcomes.append(self._remembered(cell) if cell.__class__ is str else self.outcome(cell))
                if key is not None:
                    local[key] = code
            codes[i] = code
        table.add(outcomes)
        return MemoParsed(codes, table)

    def _code(self, cells) -> ListParsed:
        """Code cells of code characters only, 1 to max_length long, are their own value."""
        n = len(cells)
        width = min(self.parser.max_length or WINDOW, WINDOW)
        matrix, lengths, fits = _chars(cells, width)
        inside = np.arange(width) < lengths[:, None]
        allowed = _CODE_CHARS[np.minimum(matrix, 127)] & (matrix < 128)
        fast = fits & (allowed | ~inside).all(axis=1)
        values = list(cells.tolist() if isinstance(cells, ByteColumn) else cells)
        bad = np.zeros(n, dtype=bool)
        for pos in np.flatnonzero(~fast).tolist():
            values[pos] = value = self._remembered(cells[pos])
            bad[pos] = _failed(value)
        return ListParsed(values, bad)

    def _money(self, cells) -> FenParsed:
        fen, fast = _plain_fen(cells)
        fast &= (fen >= self.min_fen) & (fen < self.limit_fen)
        values: dict[int, Any] = {}
        bad = np.zeros(len(cells), dtype=bool)
        for pos in np.flatnonzero(~fast).tolist():
            # the parser's own outcome: -0.00 stays -0.00, an optional cell's default stays what it is
            values[pos] = value = self._remembered(cells[pos])
            bad[pos] = _failed(value)
            fen[pos] = 0 if bad[pos] else _fen(value)
        return FenParsed(fen, bad, values)


def _lengths(cells) -> np.ndarray:
    return np.fromiter(map(len, cells), dtype=np.int64, count=len(cells))


def _chars(cells, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(n, width) code points of str cells (0 past the end), their lengths (at most `width`), and which
    cells fit whole: not longer than `width`, not empty, no NUL (numpy drops trailing NULs). A ByteColumn
    gives bytes and byte lengths instead: the same for the ASCII cells the fast paths take, and a byte
    ≥ 128 (anything else) is no code character or digit either."""
    if isinstance(cells, ByteColumn):
        lengths = cells.lengths
        fits = (lengths >= 1) & (lengths <= width)
        return cells.matrix(width), np.minimum(lengths, width), fits
    lengths = _lengths(cells)
    array = np.asarray(cells, dtype=f"U{width}")  # longer cells are cut; `fits` leaves them out
    fits = (lengths >= 1) & (lengths <= width) & (np.strings.str_len(array) == lengths)
    return array.view(np.uint32).reshape(len(cells), width), np.minimum(lengths, width), fits


def _plain_fen(cells) -> tuple[np.ndarray, np.ndarray]:
    """Cells like 1234, 1234.5 or 1234.56 (ASCII digits, at most 13 before the point, 1-2 after it) as
    integer fen, and which cells had that shape."""
    n = len(cells)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    matrix, lengths, fits = _chars(cells, MONEY_WIDTH)
    lengths = lengths[:, None]
    pos = np.arange(MONEY_WIDTH)[None, :]
    inside = pos < lengths
    digit = (matrix >= 48) & (matrix <= 57)
    dot = matrix == 46
    dots = dot.sum(axis=1)
    point = np.where(dots == 1, dot.argmax(axis=1), lengths[:, 0])[:, None]  # the point, or the end
    places = lengths[:, 0] - point[:, 0] - 1
    fast = (
        fits
        & ((digit | dot) | ~inside).all(axis=1)
        & (dots <= 1)
        & (point[:, 0] >= 1)
        & (point[:, 0] <= MONEY_INT_DIGITS)
        & ((dots == 0) | ((places >= 1) & (places <= 2)))
    )
    exponent = np.where(pos < point, point - pos + 1, point - pos + 2)  # 10^exponent fen per digit
    weight = np.where(digit & inside & fast[:, None], _POW10[np.clip(exponent, 0, 18)], 0)
    fen = ((matrix.astype(np.int64) - 48) * weight).sum(axis=1)
    return fen, fast


# ---------------------------------------------------------------- a block, checked


@dataclass
class Checked:
    """A block after checking: which rows passed, and every column parsed (`parsed[key]`)."""

    numbers: np.ndarray
    ok: np.ndarray
    parsed: dict[str, Parsed]
    vectors: Callable[[str], np.ndarray]


class BlockChecker:
    """Checks blocks of a file whose header `reader` has read, adding errors to its ErrorList exactly as its
    own row loop (`TableReader.__iter__`) would; `finish()` at the end."""

    def __init__(self, reader: TableReader):
        if reader.spec.unique:
            raise ValueError("BlockChecker does not check unique keys; TableReader does")
        self.reader = reader
        self.spec = reader.spec
        self.columns = {
            col.key: ColumnReader(
                index=index,
                header=reader.headers[col.key],
                parser=col.parser,
                required=col.required,
                default=col.default,
            )
            for index, col in reader.columns.items()
        }
        # An optional column the file leaves out is its default on every row, as TableReader completes a row.
        self.absent = {col.key: col.default for col in self.spec.columns if col.key not in self.columns}
        self.parsers = {col.key: col.parser for col in self.spec.columns}

    def check(self, block: Block) -> Checked:
        reader, n = self.reader, len(block)
        reader.rows_read += n
        found: list[
            tuple[int, str, Any, str]
        ] = []  # (position, column, cell, reason), in row order once sorted
        parsed: dict[str, Parsed] = {}
        for key, column in self.columns.items():

            def report(pos, cell, reason, header=column.header):
                found.append((pos, header, cell, reason))

            def empty_reason(pos, index=column.index):
                merged = reader.source.merged_across
                merge = reader.source.merge_covering(int(block.numbers[pos]), index) if merged else ""
                if merge:
                    return (
                        f"不能为空：该单元格在合并单元格 {merge} 中，值只在最左一格；请取消合并，每列分别填写"
                    )
                return "不能为空"

            parsed[key] = column.parse(
                block.columns[column.index],
                text=block.text,
                complete=block.complete,
                report=report,
                empty_reason=empty_reason,
            )
        for key, default in self.absent.items():
            parsed[key] = _constant(n, default)
        ok = np.ones(n, dtype=bool)
        for p in parsed.values():
            ok &= ~p.bad
        self._loose(block, ok, found)
        vectors = self._vectors(parsed)
        if reader.row_checks and self.spec.row_checks:
            self._row_checks(block, parsed, vectors, ok, found)
        found.sort(key=lambda f: f[0])  # stable: a row's errors keep their order (cells, loose, row checks)
        for pos, header, cell, reason in found:
            reader.errors.add(int(block.numbers[pos]), header, cell, reason)
        return Checked(block.numbers, ok, parsed, vectors)

    def finish(self) -> None:
        if self.reader.ok and self.reader.rows_read == 0:
            self.reader.errors.add_fatal(None, "", "", "文件只有表头，没有数据行")

    def _vectors(self, parsed: dict[str, Parsed]) -> Callable[[str], np.ndarray]:
        cache: dict[str, np.ndarray] = {}

        def get(key: str) -> np.ndarray:
            if key not in cache:
                cache[key] = vector(parsed[key], self.parsers[key])
            return cache[key]

        return get

    def _loose(self, block: Block, ok: np.ndarray, found: list) -> None:
        """Data under no header, reported once per column (TableReader._check_loose)."""
        reader = self.reader
        candidates = set(block.long_rows)
        for index in reader._unnamed:
            if index in reader._reported or index >= len(block.columns):
                continue
            first = next((i for i, c in enumerate(block.columns[index]) if not is_empty(c)), None)
            if first is not None:
                candidates.add(first)
        for pos in sorted(candidates):
            cells = block.cells(pos)
            loose = [i for i in reader._unnamed if i < len(cells)]
            loose.extend(range(reader._width, len(cells)))
            for index in loose:
                if index not in reader._reported and not is_empty(cells[index]):
                    reader._reported.add(index)
                    found.append(
                        (
                            pos,
                            f"第 {reader._letter(index)} 列",
                            cells[index],
                            "该列没有表头，无法确定是什么数据",
                        )
                    )
                    ok[pos] = False

    def _row_checks(self, block: Block, parsed: dict, vectors, ok: np.ndarray, found: list) -> None:
        suspect = np.zeros(len(block), dtype=bool)
        for check in self.spec.row_checks:
            twin = getattr(check, "suspects", None)
            if twin is None:
                suspect[:] = True
                break
            suspect |= np.asarray(twin(vectors), dtype=bool)
        spec, reader = self.spec, self.reader
        for pos in np.flatnonzero(suspect & ok).tolist():
            values = {key: p.value(pos) for key, p in parsed.items()}
            cells = block.cells(pos)
            for key, reason in spec.check_row(spec.complete(values)):
                index = reader._index_of.get(key)
                cell = cells[index] if index is not None and index < len(cells) else None
                found.append((pos, reader.header_of(key), cell, reason))
                ok[pos] = False
