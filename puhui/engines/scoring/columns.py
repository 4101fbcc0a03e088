"""Column access for scoring: parse once, vectorised, never drop a row.

Input is a pandas DataFrame or a mapping of column name → array. Values are normalised the same way
for configuration categories and for data (so `1`, `1.0` and `"1"` are one category, blank is
missing), and parsed through `pd.factorize` so that a million strings cost one hash pass.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

TRUE_WORDS = frozenset({"true", "t", "1", "yes", "y", "是", "有", "真"})
FALSE_WORDS = frozenset({"false", "f", "0", "no", "n", "否", "无", "假"})


def norm_category(value: object) -> str | None:
    """Canonical text of a category value; None for missing (None, NaN, NA, blank)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if math.isnan(v):
            return None
        return str(int(v)) if v.is_integer() else repr(v)
    text = str(value).strip()
    return text or None


def norm_bool(value: object) -> bool | None | str:
    """True/False, None for missing, or the text itself when it is neither (an unknown value)."""
    text = norm_category(value)
    if text is None:
        return None
    low = text.lower()
    if low in TRUE_WORDS:
        return True
    if low in FALSE_WORDS:
        return False
    return text


class Columns:
    """Cached, parsed views of the input columns."""

    def __init__(self, data: pd.DataFrame | Mapping[str, object]):
        if isinstance(data, pd.DataFrame):
            self._data = data
            self.n = len(data)
            self.names = [str(c) for c in data.columns]
        else:
            self._data = {str(k): v for k, v in data.items()}
            lengths = {len(v) for v in self._data.values()}  # type: ignore[arg-type]
            if len(lengths) > 1:
                raise ValueError("columns of different lengths")
            self.n = lengths.pop() if lengths else 0
            self.names = list(self._data)
        self._numeric: dict[str, np.ndarray] = {}
        self._factor: dict[str, tuple[np.ndarray, list[str | None]]] = {}
        self.warnings: list[str] = []

    def has(self, name: str) -> bool:
        return name in self.names

    def series(self, name: str) -> pd.Series:
        value = self._data[name]
        return value if isinstance(value, pd.Series) else pd.Series(value)

    def numeric(self, name: str) -> np.ndarray:
        """float64 values; non-numbers become NaN (missing) and are reported in `warnings`."""
        if name in self._numeric:
            return self._numeric[name]
        s = self.series(name)
        if pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
            out = s.to_numpy(dtype="float64", na_value=np.nan)
        else:
            codes, uniques = self.factor(name)
            parsed = np.full(len(uniques) + 1, np.nan)
            bad = []
            for i, u in enumerate(uniques):
                if u is None:
                    continue
                try:
                    parsed[i] = float(u.replace(",", ""))
                except ValueError:
                    bad.append(i)
            out = parsed[codes]
            if bad:
                rows = np.flatnonzero(np.isin(codes, bad))
                examples = "、".join(str(int(r) + 2) for r in rows[:5])
                self.warnings.append(
                    f"列“{name}”有 {len(rows)} 个值不是数字（如第 {examples} 行），按缺失计分"
                )
        self._numeric[name] = out
        return out

    def factor(self, name: str) -> tuple[np.ndarray, list[str | None]]:
        """(codes, normalised uniques); code -1 (missing) indexes the trailing slot callers append."""
        if name in self._factor:
            return self._factor[name]
        s = self.series(name)
        if s.dtype == np.bool_:  # plain booleans need no hashing
            out = (s.to_numpy().astype(np.int64), ["false", "true"])
            self._factor[name] = out
            return out
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        normed = [norm_category(u) for u in list(uniques)]
        codes = np.asarray(codes, dtype=np.int64)
        # Values that normalise to missing (blank text) join the missing slot.
        if any(u is None for u in normed):
            remap = np.array([-1 if u is None else i for i, u in enumerate(normed)] + [-1])
            codes = remap[codes]
        self._factor[name] = (codes, normed)
        return codes, normed
