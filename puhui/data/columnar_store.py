"""Checked blocks of loan rows (`puhui.data.columnar`) as COPY text lines, and their totals, by column.

The lines are those `storage.write_loans` has always read: tab-separated, \\N for NULL, booleans t/f, in the
order of `storage.LOAN_COLUMNS` after `submission_id`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import numpy as np
import pandas as pd

from puhui.core import crypto
from puhui.data.columnar import Checked, MemoParsed
from puhui.data.specs import PLACE_KEY

NULL = "\\N"  # COPY text format
_SAFE = 2**62


def _flag(value) -> str:
    return "t" if value else "f"


class LoanLines:
    """One COPY line per good row of a checked block. The borrower's ID number is encrypted and hashed once
    per distinct number in the submission (a projection of the column's table): the rows of one borrower
    share one ciphertext, which reveals nothing their look-up hash (deterministic by design) does not
    already say; a nonce is never reused for another value."""

    def __init__(self, context: str, prefix: str = ""):
        self.context = context
        self.prefix = prefix  # before each line: "<submission id>\t" when the lines go straight to COPY

    def _borrower(self, value) -> str:
        number = value[1]
        return f"{value[0]}\t{crypto.encrypt(number, context=self.context)}\t{crypto.lookup_hash(number)}"

    def __call__(self, checked: Checked, good: np.ndarray) -> bytes:
        """The good rows' COPY lines, as UTF-8, assembled with numpy: each field as a NUL-padded byte matrix
        (a distinct cell's bytes made once), side by side, then every NUL dropped (COPY text never holds one).
        """
        p = checked.parsed
        prefix = np.frombuffer(self.prefix.encode(), dtype=np.uint8)
        fields = [
            np.hstack((np.broadcast_to(prefix, (len(good), len(prefix))), _digits(checked.numbers[good]))),
            _text_bytes(p["loan_no"].array(str, name="str")[good]),
            # id_kind, borrower_id (encrypted), borrower_hash: made once per distinct borrower
            _text_bytes(p["borrower_id"].array(self._borrower, bytes, "", name="sealed")[good]),
            _joined(good, (p["borrower_type"], "str", str), (p[PLACE_KEY], "town_village", _town_village)),
            _digits(p["amount"].fen[good]),
            _digits(p["balance"].fen[good]),
            _joined(
                good,
                (p["rate"], "str", str),
                (p["issued_on"], "iso", datetime.date.isoformat),
                (p["due_on"], "iso", datetime.date.isoformat),
                (p["guarantee"], "str", str),
                (p["is_credit"], "flag", _flag),
                (p["is_first"], "flag", _flag),
                (p["is_agri"], "flag", _flag),
                (p["status"], "str", str),
                (p["product"], "str", str),  # no tab, line break or backslash (specs.ProductName)
                (p["collateral"], "line_end", lambda v: f"{v}\n"),  # the last field ends the line
            ),
        ]
        tab = np.full((len(good), 1), 9, dtype=np.uint8)
        parts = [part for field in fields for part in (field, tab)][:-1]
        flat = np.hstack(parts).ravel()
        return flat[flat != 0].tobytes()


def _town_village(place) -> str:
    town, village = place
    return f"{town}\t{NULL if village is None else village}"


def _text_bytes(values: np.ndarray) -> np.ndarray:
    """(n, width) UTF-8 bytes of str values, NUL-padded."""
    try:
        fixed = values.astype(bytes)  # ASCII, the usual case: numpy encodes it
    except UnicodeEncodeError:
        fixed = np.array([v.encode() for v in values.tolist()], dtype=bytes)
    if not len(fixed):
        return np.zeros((0, 1), dtype=np.uint8)
    return fixed.view(np.uint8).reshape(len(fixed), max(fixed.dtype.itemsize, 1))


def _digits(values: np.ndarray) -> np.ndarray:
    """(n, width) ASCII decimal digits of integers (NUL before the first significant digit)."""
    values = np.asarray(values, dtype=np.int64)
    if len(values) and values.min() < 0:
        return _text_bytes(values.astype(str).astype(object))
    width = len(str(int(values.max()))) if len(values) else 1
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits = (values[:, None] // powers) % 10 + 48
    return np.where((values[:, None] >= powers) | (powers == 1), digits, 0).astype(np.uint8)


def _joined(good: np.ndarray, *parts) -> np.ndarray:
    """The good rows' fields of several columns (parsed, projection name, projection), tab-joined, as
    `_text_bytes`; each distinct combination of their cells is joined once (a block has far fewer than it
    has rows)."""
    values = [parsed.array(fn, object, "", name=name)[good] for parsed, name, fn in parts]
    if not all(isinstance(parsed, MemoParsed) for parsed, _n, _f in parts):
        return _text_bytes(np.array(list(map("\t".join, zip(*values, strict=True))), dtype=object))
    key = np.zeros(len(good), dtype=np.int64)
    span = 1
    for parsed, _name, _fn in parts:
        size = max(len(parsed.table.outcomes), 1)
        if span * size >= _SAFE:  # renumber what we have so far: fewer distinct keys than rows
            key, _ = pd.factorize(key)
            span = len(good) + 1
        key = key * size + parsed.codes[good]
        span *= size
    _combos, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    joined = np.array(
        ["\t".join(t) for t in zip(*(v[first].tolist() for v in values), strict=True)], dtype=object
    )
    return _text_bytes(joined)[inverse]


def exact_sum(values: np.ndarray) -> int:
    """Sum of int64 fen without overflow (Python integers when numpy's could overflow)."""
    if not len(values):
        return 0
    if int(np.abs(values).max()) < _SAFE // len(values):
        return int(values.sum())
    return sum(values.tolist())


def sums_by(keys: np.ndarray, values: np.ndarray) -> Iterator[tuple]:
    """(key, exact sum of its values), keys in the order they first appear."""
    if not len(keys):
        return iter(())
    codes, uniques = pd.factorize(keys)
    if int(np.abs(values).max()) < _SAFE // len(values):
        sums = np.zeros(len(uniques), dtype=np.int64)
        np.add.at(sums, codes, values)
        return zip(uniques.tolist(), sums.tolist(), strict=True)
    totals = [0] * len(uniques)
    for code, value in zip(codes.tolist(), values.tolist(), strict=True):
        totals[code] += value
    return zip(uniques.tolist(), totals, strict=True)
