"""Reading a loan-level file as blocks of rows by column, for `puhui.data.columnar`.

A CSV without quotes, NULs or bare carriage returns (what banks' systems export) is read as bytes: there
csv.reader's records are exactly its lines split at the delimiter, and a cell is the bytes between two
separators (`ByteColumn`), made a str only when asked for. Every other file (quoted CSV, Excel, JSON rows)
comes through the import engine's own `Source`, transposed a block at a time. Blank rows are skipped and
rows numbered as the engine's `TableReader` does.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import zip_longest

import numpy as np
import pandas as pd

from puhui.imports.cells import _blank
from puhui.imports.tabular import ENCODING_LABELS, Source, TableReader

BLOCK_ROWS = 20_000
# Codecs whose multi-byte characters never hold an ASCII byte, by Source.encoding's label.
PLAIN_ENCODINGS = {ENCODING_LABELS[c]: c for c in ("utf-8", "utf-8-sig", "gb18030")}
SCAN_BYTES = 1 << 22


@dataclass
class Block:
    """Non-blank rows of a file, by column."""

    numbers: np.ndarray  # int64: each row's number as Excel shows it
    columns: list  # column index → that column's cells (None where a row is shorter), header width at least
    text: bool  # every cell is a str or None (CSV)
    complete: bool = True  # no row shorter than the header (no None filled in)
    # position → all the cells of a row wider than the header
    long_rows: dict[int, list] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.numbers)

    def cells(self, pos: int) -> list:
        """One row's cells."""
        return self.long_rows.get(pos) or [col[pos] for col in self.columns]


def read_blocks(
    reader: TableReader, source: Source, path: str | None, size: int = BLOCK_ROWS
) -> Iterator[Block]:
    """The rows after the header (which `reader` has read), in blocks of `size` rows or fewer."""
    if not reader.ok:
        return
    if source.format == "csv" and path and source.encoding in PLAIN_ENCODINGS and plain_csv(path):
        encoding = PLAIN_ENCODINGS[source.encoding]
        yield from _plain_blocks(path, encoding, reader.header_row, reader._width, size)
    else:
        yield from _source_blocks(source.rows, reader._width, size, text=source.format == "csv")


def plain_csv(path: str) -> bool:
    """Whether csv.reader's records of this file are its lines split at the delimiter: no quote character,
    no NUL, no carriage return but in CRLF, and no line longer than csv's field limit (csv.Error)."""
    limit = csv.field_size_limit()
    with open(path, "rb") as f:
        while chunk := f.read(SCAN_BYTES):
            chunk += f.readline()  # end the chunk at a line's end, so a CRLF is never split
            if b'"' in chunk or b"\0" in chunk or chunk.count(b"\r") != chunk.count(b"\r\n"):
                return False
            if len(chunk) > limit:
                ends = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 10)
                bounds = np.concatenate(([-1], ends, [len(chunk)]))
                if np.diff(bounds).max() > limit:
                    return False
    return True


def _plain_blocks(path: str, encoding: str, header_row: int, width: int, size: int) -> Iterator[Block]:
    """The rows after the header of a file `plain_csv` passed: its lines, split, `size` lines a block."""
    with open(path, "rb") as f:
        first = f.readline().decode(encoding, errors="replace")
        delimiter = "\t" if first.count("\t") > first.count(",") else ","  # as reading._csv_rows decides
        f.seek(0)
        for _ in range(header_row):
            f.readline()
        body = "utf-8" if encoding == "utf-8-sig" else encoding  # a BOM is only at the file's start
        number = header_row + 1
        carry = b""
        while True:
            chunk = f.read(SCAN_BYTES)
            data = carry + chunk
            if not data:
                return
            ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10) + 1  # each line's end
            if chunk:  # more to come: the unfinished last line waits for it
                carry = data[ends[-1] :] if len(ends) else data
                data = data[: ends[-1]] if len(ends) else b""
            else:
                carry = b""
                if not data.endswith(b"\n"):
                    ends = np.append(ends, len(data))  # the last line, without a line end
            for k in range(0, len(ends), size):
                start = int(ends[k - 1]) if k else 0
                stop = int(ends[min(k + size, len(ends)) - 1])
                lines = min(size, len(ends) - k)
                block = _bytes_block(data[start:stop], number, lines, delimiter, width, body)
                number += lines
                if len(block):
                    yield block


_ALNUM = np.zeros(256, dtype=bool)  # bytes of ASCII letters and digits
_ALNUM[[ord(c) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"]] = True


def _bytes_block(data: bytes, first: int, n: int, delimiter: str, width: int, encoding: str) -> Block:
    """`n` lines of a plain CSV (each ends with "\n" but perhaps the file's last) as a block."""
    numbers = np.arange(first, first + n, dtype=np.int64)
    buf = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(buf == 10)
    if len(ends) < n:
        ends = np.append(ends, len(buf))
    starts = np.concatenate(([0], ends[:-1] + 1))
    counts = np.diff(np.searchsorted(np.flatnonzero(buf == ord(delimiter)), ends), prepend=0)
    # Blank lines hold only delimiters and whitespace: a line that begins with a letter or digit is not one;
    # the others (few, unless the first column holds Chinese) are looked at as text.
    maybe = np.flatnonzero(~_ALNUM[buf[np.minimum(starts, len(buf) - 1)]] | (starts >= ends)).tolist()
    blank = [
        i for i in maybe if not data[starts[i] : ends[i]].decode(encoding).replace(delimiter, "").strip()
    ]
    keep = np.ones(n, dtype=bool)
    keep[blank] = False
    if not (counts == width - 1).all():
        text = data.decode(encoding).replace("\r\n", "\n").removesuffix("\n")
        rows = [line.split(delimiter) for line in text.split("\n")]
        return _rows_block(
            numbers[keep], [r for r, k in zip(rows, keep.tolist(), strict=True) if k], width, text=True
        )
    # Every line has its `width` fields: each cell is the bytes between two separators, no str made yet.
    seps = np.flatnonzero((buf == ord(delimiter)) | (buf == 10))
    if len(seps) < n * width:
        seps = np.append(seps, len(buf))  # the file's last line, without a line end
    cell_ends = seps.reshape(n, width)
    cell_starts = np.empty_like(cell_ends)
    cell_starts[:, 0] = starts
    cell_starts[:, 1:] = cell_ends[:, :-1] + 1
    last = cell_ends[:, -1]
    cell_ends[:, -1] = np.where(
        (last > cell_starts[:, -1]) & (buf[np.maximum(last - 1, 0)] == 13), last - 1, last
    )
    if blank:
        cell_starts, cell_ends, numbers = cell_starts[keep], cell_ends[keep], numbers[keep]
    windows = _windows(buf)
    columns = [ByteColumn(data, windows, cell_starts[:, j], cell_ends[:, j], encoding) for j in range(width)]
    return Block(numbers, columns, text=True)


class ByteColumn:
    """A column of a plain CSV block: each cell a range of the block's bytes. The str of a cell is made when
    asked for (`[pos]`, `tolist()`); `factorize` and `matrix` work on the bytes. Exactly the cells the line
    splitter would make: the file has no quotes, and its separators are ASCII bytes no character holds."""

    def __init__(self, data: bytes, windows: np.ndarray, starts: np.ndarray, ends: np.ndarray, encoding: str):
        self.data, self.windows, self.starts, self.ends, self.encoding = data, windows, starts, ends, encoding
        self.lengths = ends - starts
        self._list: list[str] | None = None

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, pos: int) -> str:
        if self._list is not None:
            return self._list[pos]
        return self.data[self.starts[pos] : self.ends[pos]].decode(self.encoding)

    def __iter__(self) -> Iterator[str]:
        return iter(self.tolist())

    def matrix(self, width: int) -> np.ndarray:
        """(n, width) bytes of the cells, NUL-padded; longer cells cut (see `lengths`); width ≤ WINDOW."""
        rows = self.windows[self.starts, :width]  # a copy: each row the bytes from the cell's start on
        rows[np.arange(width) >= self.lengths[:, None]] = 0
        return rows

    def tolist(self) -> list[str]:
        if self._list is None:
            width = int(self.lengths.max(initial=0))
            if 0 < width <= WINDOW and (bytes_ := self.matrix(width)).max() < 128:  # ASCII: numpy decodes it
                self._list = bytes_.view(f"S{width}").ravel().astype(f"U{width}").tolist()
            else:
                data, enc = self.data, self.encoding
                bounds = zip(self.starts.tolist(), self.ends.tolist(), strict=True)
                self._list = [data[a:b].decode(enc) for a, b in bounds]
        return self._list

    def factorize(self) -> tuple[np.ndarray, list[str]]:
        """(code of each cell, the distinct cells), as `_factorize`; cells of up to 16 bytes are told apart
        by their bytes, two 64-bit words each (no cell holds a NUL, so the padding is unambiguous)."""
        if not len(self) or self.lengths.max() > 16:
            return _factorize(np.array(self.tolist(), dtype=object))
        words = np.ascontiguousarray(self.matrix(16)).view(np.uint64)
        low, _ = pd.factorize(words[:, 0])
        high, found = pd.factorize(words[:, 1])
        codes, _ = pd.factorize(low * len(found) + high)
        first = np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)  # codes count up from 0
        return codes, [self[i] for i in first.tolist()]


WINDOW = 64  # the widest cell ByteColumn.matrix gives


def _windows(buf: np.ndarray) -> np.ndarray:
    """Every WINDOW bytes of `buf` from each offset on (a view; zeros past the end)."""
    padded = np.concatenate((buf, np.zeros(WINDOW, dtype=np.uint8)))
    return np.lib.stride_tricks.sliding_window_view(padded, WINDOW)


def _source_blocks(rows: Iterable[tuple[int, list]], width: int, size: int, *, text: bool) -> Iterator[Block]:
    numbers: list[int] = []
    batch: list[list] = []
    for number, cells in rows:
        if _blank(cells):
            continue  # Excel leaves blank lines between blocks; they carry no data
        numbers.append(number)
        batch.append(cells)
        if len(batch) == size:
            yield _rows_block(np.array(numbers, dtype=np.int64), batch, width, text=text)
            numbers, batch = [], []
    if batch:
        yield _rows_block(np.array(numbers, dtype=np.int64), batch, width, text=text)


def _rows_block(numbers: np.ndarray, rows: list[list], width: int, *, text: bool) -> Block:
    columns: list = [list(col) for col in zip_longest(*rows)][:width] if rows else []
    columns += [[None] * len(rows) for _ in range(width - len(columns))]
    long_rows = {i: r for i, r in enumerate(rows) if len(r) > width}
    complete = all(len(r) >= width for r in rows)
    return Block(numbers, columns, text=text, complete=complete, long_rows=long_rows)


def _factorize(cells: np.ndarray, most: int = 8) -> tuple[np.ndarray, list]:
    """(code of each cell, distinct cells). A column of a few distinct values (是/否, 农户, 正常) is split by
    comparing with each in turn, several times faster than hashing every cell; others by pandas.factorize."""
    if not len(cells):
        return np.zeros(0, dtype=np.int64), []
    codes = np.zeros(len(cells), dtype=np.int64)
    uniques = [cells[0]]
    rest = np.flatnonzero(cells != cells[0])
    while len(rest) and len(uniques) < most and (len(uniques) < 3 or len(rest) < len(cells) // 4):
        value = cells[rest[0]]
        same = cells[rest] == value
        codes[rest[same]] = len(uniques)
        uniques.append(value)
        rest = rest[~same]
    if len(rest):
        codes, found = pd.factorize(cells)
        return codes, found.tolist()
    if any(u is None for u in uniques):  # as pandas.factorize: None (a short row's missing cell) is -1
        missing = uniques.index(None)
        codes = np.where(codes == missing, -1, codes - (codes > missing))
        uniques.remove(None)
    return codes, uniques
