"""The data model, compatible with COINr's: unit data (iData) and indicator metadata (iMeta).

iData: one row per unit and period — uCode, uName (optional), Time (optional), then one column per
code described in iMeta (indicators, denominators, group labels, other columns).

iMeta: iCode, iName, Level, Parent, Direction, Weight, Type (Indicator / Aggregate / Group /
Denominator / Other), optional Denominator, Target, goalpost_lower/upper/scale/trunc2posts,
minmax_lower/upper, zscore_mean/sd, logeff_lower/upper (frozen log-efficacy bounds), Unit.

Weights rule: a weight is relative to its siblings (the children of one parent). Every weight of an
Indicator or Aggregate must be a finite number ≥ 0 and every sibling group must have a positive sum,
so that it can be rescaled to sum to 1. A weight set declared `normalised` (shares) must in addition
sum to 1 (±1e-6) in each group. Anything else raises WeightSumError.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import (
    CycleError,
    DataError,
    EmptyUnitError,
    IndexEngineError,
    LevelError,
    MetadataError,
    MissingColumnError,
    MissingParentError,
    UnknownColumnError,
    WeightSumError,
    raise_problems,
)

TYPES = ("Indicator", "Aggregate", "Group", "Denominator", "Other")
ID_COLS = ("uCode", "uName", "Time")
TIME_NONE = "__none__"


def _blank(v) -> bool:
    return (
        v is None
        or (isinstance(v, float) and np.isnan(v))
        or (isinstance(v, str) and not v.strip())
        or v is pd.NA
    )


def _row(i: int) -> int:
    """Spreadsheet row of data row i (the header is row 1)."""
    return int(i) + 2


def _normalised_meta(imeta: pd.DataFrame) -> pd.DataFrame:
    """iMeta with stripped headers and codes, blank codes dropped, optional columns added, Type capitalised."""
    meta = imeta.copy()
    meta.columns = [str(c).strip() for c in meta.columns]
    problems: list[IndexEngineError] = [
        MissingColumnError(f"指标元数据（iMeta）缺少必需列“{col}”", column=col)
        for col in ("iCode", "Level", "Parent", "Type")
        if col not in meta.columns
    ]
    if problems:
        raise_problems(problems)
    meta = meta[~meta["iCode"].map(_blank)].reset_index(drop=True)
    meta["iCode"] = meta["iCode"].astype(str).str.strip()
    if "iName" not in meta.columns:
        meta["iName"] = meta["iCode"]
    if "Direction" not in meta.columns:
        meta["Direction"] = np.nan
    if "Weight" not in meta.columns:
        meta["Weight"] = np.nan
    meta["Type"] = meta["Type"].map(lambda t: str(t).strip().capitalize() if not _blank(t) else "")
    return meta


def _code_and_type_problems(meta: pd.DataFrame) -> list[IndexEngineError]:
    """Duplicate codes and unknown types."""
    problems: list[IndexEngineError] = []
    dup = meta["iCode"][meta["iCode"].duplicated()].unique()
    for code in dup:
        problems.append(MetadataError(f"指标元数据中代码“{code}”重复出现", column="iCode"))
    for i, t in meta["Type"].items():
        if t not in TYPES:
            problems.append(
                MetadataError(
                    f"指标元数据第 {_row(i)} 行（{meta.at[i, 'iCode']}）类型“{t}”无效，应为 {'/'.join(TYPES)} 之一",
                    row=_row(i),
                    column="Type",
                )
            )
    return problems


def _read_tree(tree: pd.DataFrame, problems: list[IndexEngineError]) -> tuple[dict, dict, dict, dict]:
    """Level, parent, direction and weight of each indicator and aggregate (bad values added to `problems`)."""
    level: dict[str, int] = {}
    parent: dict[str, str | None] = {}
    direction: dict[str, int] = {}
    weight: dict[str, float] = {}
    for i, r in tree.iterrows():
        code = r["iCode"]
        lv = pd.to_numeric(r["Level"], errors="coerce")
        if pd.isna(lv) or lv != int(lv) or lv < 1:
            problems.append(
                MetadataError(
                    f"指标元数据第 {_row(i)} 行（{code}）层级 Level 应为正整数",
                    row=_row(i),
                    column="Level",
                )
            )
        else:
            level[code] = int(lv)
        par = None if _blank(r["Parent"]) else str(r["Parent"]).strip()
        parent[code] = par
        d = pd.to_numeric(r["Direction"], errors="coerce")
        if r["Type"] == "Indicator" and d not in (1, -1):
            problems.append(
                MetadataError(
                    f"指标元数据第 {_row(i)} 行（{code}）方向 Direction 应为 1 或 -1",
                    row=_row(i),
                    column="Direction",
                )
            )
        direction[code] = int(d) if d in (1, -1) else 1
        w = pd.to_numeric(r["Weight"], errors="coerce")
        weight[code] = float(w) if not pd.isna(w) else np.nan
    return level, parent, direction, weight


def _parent_problems(parent: dict, agg_set: set, all_codes: set) -> list[IndexEngineError]:
    """Every parent exists and is an aggregate."""
    problems: list[IndexEngineError] = []
    for code, par in parent.items():
        if par is None:
            continue
        if par not in agg_set:
            what = "不是聚合项（Aggregate）" if par in all_codes else "不存在"
            problems.append(MissingParentError(f"“{code}”的上级“{par}”{what}", column="Parent"))
    return problems


def _cycle_problems(codes: list[str], parent: dict) -> list[IndexEngineError]:
    """Cycles in the parent links, each reported once: walk each chain of parents."""
    problems: list[IndexEngineError] = []
    reported: set[frozenset] = set()
    for start in codes:
        seen = [start]
        cur = parent.get(start)
        while cur is not None and cur in parent:
            if cur in seen:
                cyc = seen[seen.index(cur) :] + [cur]
                key = frozenset(cyc)
                if key not in reported:
                    reported.add(key)
                    problems.append(CycleError(f"指标框架存在循环：{' → '.join(cyc)}", column="Parent"))
                break
            seen.append(cur)
            cur = parent.get(cur)
    return problems


def _level_problems(
    tree: pd.DataFrame, codes: list[str], level: dict, parent: dict, maxlev: int
) -> list[IndexEngineError]:
    """Indicators at level 1, aggregates above, each parent one level up, only the top without a parent."""
    problems: list[IndexEngineError] = []
    for code in codes:
        t = tree.loc[tree["iCode"] == code, "Type"].iloc[0]
        if t == "Indicator" and level[code] != 1:
            problems.append(LevelError(f"指标“{code}”的层级应为 1，实际为 {level[code]}", column="Level"))
        if t == "Aggregate" and level[code] < 2:
            problems.append(LevelError(f"聚合项“{code}”的层级应不小于 2", column="Level"))
        par = parent[code]
        if par is None:
            if level[code] != maxlev:
                problems.append(
                    MissingParentError(
                        f"“{code}”缺少上级（Parent），只有最高层（第 {maxlev} 层）可以没有上级",
                        column="Parent",
                    )
                )
        elif level[par] != level[code] + 1:
            problems.append(
                LevelError(
                    f"“{code}”（第 {level[code]} 层）的上级“{par}”应在第 {level[code] + 1} 层，实际在第 {level[par]} 层",
                    column="Level",
                )
            )
    return problems


@dataclass
class Framework:
    """A validated iMeta: the tree of indicators and aggregates, directions and weights."""

    meta: pd.DataFrame
    indicators: list[str]
    aggregates: list[str]
    groups: list[str]
    denominators: list[str]
    others: list[str]
    level: dict[str, int]
    parent: dict[str, str | None]
    children: dict[str, list[str]]
    direction: dict[str, int]
    weight: dict[str, float]
    name: dict[str, str]
    maxlev: int
    extra: dict[str, dict] = field(default_factory=dict)
    _rows_memo: tuple | None = field(default=None, init=False, repr=False, compare=False)

    # ---- construction -------------------------------------------------------------------
    @classmethod
    def from_meta(cls, imeta: pd.DataFrame) -> Framework:
        meta = _normalised_meta(imeta)
        problems = _code_and_type_problems(meta)
        tree = meta[meta["Type"].isin(["Indicator", "Aggregate"])]
        codes = list(tree["iCode"])
        aggregates = [c for c, t in zip(tree["iCode"], tree["Type"], strict=True) if t == "Aggregate"]
        level, parent, direction, weight = _read_tree(tree, problems)
        problems += _parent_problems(parent, set(aggregates), set(meta["iCode"]))
        problems += _cycle_problems(codes, parent)
        children: dict[str, list[str]] = {a: [] for a in aggregates}
        for code in codes:
            par = parent[code]
            if par in children:
                children[par].append(code)
        maxlev = max(level.values()) if level else 0
        if not problems:
            problems += _level_problems(tree, codes, level, parent, maxlev)
            for a in aggregates:
                if not children[a]:
                    problems.append(MetadataError(f"聚合项“{a}”没有任何下级指标", column="Parent"))
            problems.extend(check_weights(weight, parent))
        if not codes:
            problems.append(MetadataError("指标元数据中没有任何指标（Type = Indicator）"))
        raise_problems(problems)

        def of_type(t):
            return list(meta.loc[meta["Type"] == t, "iCode"])

        names = {c: (c if _blank(n) else str(n)) for c, n in zip(meta["iCode"], meta["iName"], strict=True)}
        return cls(
            meta=meta,
            indicators=of_type("Indicator"),
            aggregates=aggregates,
            groups=of_type("Group"),
            denominators=of_type("Denominator"),
            others=of_type("Other"),
            level=level,
            parent=parent,
            children=children,
            direction=direction,
            weight=weight,
            name=names,
            maxlev=maxlev,
        )

    # ---- helpers -----------------------------------------------------------------------
    @property
    def tree_codes(self) -> list[str]:
        return self.indicators + self.aggregates

    def codes_at(self, level: int) -> list[str]:
        return [c for c in self.tree_codes if self.level[c] == level]

    @property
    def top(self) -> list[str]:
        return self.codes_at(self.maxlev)

    def meta_value(self, code: str, column: str, default=np.nan):
        if column not in self.meta.columns:
            return default
        row = self._meta_rows().get(code)
        if row is None or _blank(row[column]):
            return default
        return row[column]

    def _meta_rows(self) -> dict[str, dict]:
        """iCode → its (first) iMeta row, built once per meta table: each pipeline run reads a few
        hundred values, and a filtered lookup per value was most of a 1,000-run uncertainty analysis."""
        if self._rows_memo is None or self._rows_memo[0] is not self.meta:
            rows = self.meta.drop_duplicates("iCode", keep="first").set_index("iCode", drop=False)
            self._rows_memo = (self.meta, rows.to_dict("index"))
        return self._rows_memo[1]

    def lineage(self) -> pd.DataFrame:
        """One row per indicator: its ancestors level by level (COINr's Meta.Lineage)."""
        rows = []
        for ind in self.indicators:
            chain = [ind]
            cur = self.parent[ind]
            while cur is not None:
                chain.append(cur)
                cur = self.parent[cur]
            rows.append(chain + [None] * (self.maxlev - len(chain)))
        return pd.DataFrame(rows, columns=[f"Level_{i}" for i in range(1, self.maxlev + 1)])

    def ancestor_at(self, code: str, level: int) -> str | None:
        cur = code
        while cur is not None and self.level[cur] < level:
            cur = self.parent[cur]
        return cur if cur is not None and self.level[cur] == level else None

    def weights_series(self, weight: dict[str, float] | None = None) -> pd.Series:
        w = self.weight if weight is None else weight
        return pd.Series({c: float(w[c]) for c in self.tree_codes}, name="Weight")

    def effective_weights(self, weight: dict[str, float] | None = None) -> pd.DataFrame:
        """Weights rescaled within each group, multiplied down from the top (COINr get_eff_weights)."""
        w = self.weights_series(weight)
        eff: dict[str, float] = {}
        for lev in range(self.maxlev, 0, -1):
            for code in self.codes_at(lev):
                par = self.parent[code]
                sibs = self.children[par] if par is not None else self.top
                s = sum(w[c] for c in sibs)
                share = w[code] / s if s > 0 else np.nan
                eff[code] = share * (eff[par] if par is not None else 1.0)
        return pd.DataFrame(
            {
                "iCode": self.tree_codes,
                "iName": [self.name[c] for c in self.tree_codes],
                "Level": [self.level[c] for c in self.tree_codes],
                "Parent": [self.parent[c] for c in self.tree_codes],
                "Weight": [w[c] for c in self.tree_codes],
                "EffWeight": [eff[c] for c in self.tree_codes],
            }
        )


def check_weights(
    weight: dict[str, float], parent: dict[str, str | None], *, normalised: bool = False, label: str = ""
) -> list[IndexEngineError]:
    """The weights rule (module docstring); returns the problems found."""
    problems: list[IndexEngineError] = []
    prefix = f"权重集“{label}”中" if label else ""
    for code, w in weight.items():
        if w is None or not np.isfinite(w) or w < 0:
            problems.append(
                WeightSumError(f"{prefix}“{code}”的权重 {w} 无效：权重须为不小于 0 的有限数", column="Weight")
            )
    groups: dict[str | None, list[str]] = {}
    for code, par in parent.items():
        groups.setdefault(par, []).append(code)
    for par, sibs in groups.items():
        ws = [weight.get(c, np.nan) for c in sibs]
        if not all(w is not None and np.isfinite(w) and w >= 0 for w in ws):
            continue
        s = float(sum(ws))
        where = f"“{par}”的下级" if par is not None else "最高层"
        if s <= 0:
            problems.append(
                WeightSumError(
                    f"{prefix}{where}（{'、'.join(sibs)}）权重之和为 {s:g}，须大于 0", column="Weight"
                )
            )
        elif normalised and abs(s - 1.0) > 1e-6:
            problems.append(
                WeightSumError(
                    f"{prefix}{where}（{'、'.join(sibs)}）权重之和为 {s:.6g}，声明为归一化权重时须等于 1",
                    column="Weight",
                )
            )
    return problems


def prepare_data(idata: pd.DataFrame, fw: Framework) -> pd.DataFrame:
    """Validate iData against the framework; return the canonical panel (all problems at once)."""
    df, has_time = _with_unit_columns(idata)
    problems = _column_problems(df, fw)
    problems += _duplicate_problems(df, has_time)
    numeric_cols = [c for c in fw.indicators + fw.denominators if c in df.columns]
    problems += _to_numbers(df, numeric_cols)
    inds = [c for c in fw.indicators if c in df.columns]
    if inds and not problems:
        problems += _empty_unit_problems(df, inds, has_time)
    if len(df) == 0:
        problems.append(DataError("单位数据（iData）没有任何行"))
    raise_problems(problems)
    order = ["uCode", "uName", "Time"] + fw.groups + fw.denominators + fw.others + fw.indicators
    df = df[[c for c in order if c in df.columns]]
    df = df.sort_values(["Time", "uCode"], kind="stable", na_position="first").reset_index(drop=True)
    df.attrs["has_time"] = has_time
    return df


def _with_unit_columns(idata: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """A copy with stripped headers, rows without uCode dropped, uName defaulting to uCode, a Time column."""
    df = idata.copy()
    df.columns = [str(c).strip() for c in df.columns]
    if "uCode" not in df.columns:
        raise_problems([MissingColumnError("单位数据（iData）缺少必需列“uCode”", column="uCode")])
    code = df["uCode"].astype(str).str.strip()
    keep = (df["uCode"].notna() & code.ne("")).to_numpy()
    df = df[keep].reset_index(drop=True)
    df["uCode"] = code.to_numpy()[keep]
    if "uName" not in df.columns:
        df["uName"] = df["uCode"]
    name = df["uName"].astype(str)
    df["uName"] = name.where(df["uName"].notna() & name.str.strip().ne(""), df["uCode"])
    has_time = "Time" in df.columns
    if not has_time:
        df["Time"] = np.nan
    return df, has_time


def _column_problems(df: pd.DataFrame, fw: Framework) -> list[IndexEngineError]:
    """Columns unknown to iMeta, indicators and denominators missing, aggregates present."""
    problems: list[IndexEngineError] = []
    known = set(fw.meta["iCode"])
    for col in df.columns:
        if col in ID_COLS:
            continue
        if col not in known:
            problems.append(UnknownColumnError(f"数据列“{col}”在指标元数据（iMeta）中不存在", column=col))
    for code in fw.indicators + fw.denominators:
        if code not in df.columns:
            kind = "指标" if code in fw.indicators else "分母"
            problems.append(
                MissingColumnError(f"指标元数据中的{kind}“{code}”在单位数据中找不到对应列", column=code)
            )
    for code in fw.aggregates:
        if code in df.columns:
            problems.append(
                DataError(f"单位数据中不应包含聚合项“{code}”的列（聚合项由引擎计算）", column=code)
            )
    return problems


def _duplicate_problems(df: pd.DataFrame, has_time: bool) -> list[IndexEngineError]:
    """A unit appearing twice in one period."""
    problems: list[IndexEngineError] = []
    dup = df.duplicated(["uCode", "Time"], keep="first")
    for i in np.flatnonzero(dup.to_numpy()):
        t = "" if not has_time else f"、期间 {df.at[i, 'Time']}"
        problems.append(
            DataError(
                f"单位数据第 {_row(i)} 行：单位“{df.at[i, 'uCode']}”{t}重复出现", row=_row(i), column="uCode"
            )
        )
    return problems


def _to_numbers(df: pd.DataFrame, numeric_cols: list[str]) -> list[IndexEngineError]:
    """Convert the numeric columns to float in place; values that are not numbers (first 20 per column)
    and infinities (first 20) are problems."""
    problems: list[IndexEngineError] = []
    for col in numeric_cols:
        raw = df[col]
        if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
            num = raw.astype(float)
        else:
            num = pd.to_numeric(raw, errors="coerce")
            blank = raw.isna() | raw.astype(str).str.strip().eq("")
            bad = num.isna() & ~blank
            for i in np.flatnonzero(bad.to_numpy())[:20]:
                problems.append(
                    DataError(
                        f"单位数据第 {_row(i)} 行“{col}”列的值“{raw.iat[i]}”不是数字", row=_row(i), column=col
                    )
                )
        df[col] = num.astype(float)
    if numeric_cols:
        inf = np.isinf(df[numeric_cols].to_numpy(dtype=float))
        for i, j in np.argwhere(inf)[:20]:
            problems.append(
                DataError(
                    f"单位数据第 {_row(i)} 行“{numeric_cols[j]}”列的值为无穷大",
                    row=_row(i),
                    column=numeric_cols[j],
                )
            )
    return problems


def _empty_unit_problems(df: pd.DataFrame, inds: list[str], has_time: bool) -> list[IndexEngineError]:
    """Rows without any indicator value."""
    problems: list[IndexEngineError] = []
    empty = np.isnan(df[inds].to_numpy(dtype=float)).all(axis=1)
    for i in np.flatnonzero(empty):
        t = "" if not has_time else f"（期间 {df.at[i, 'Time']}）"
        problems.append(
            EmptyUnitError(
                f"单位数据第 {_row(i)} 行：单位“{df.at[i, 'uCode']}”{t}没有任何指标数据",
                row=_row(i),
                column="uCode",
            )
        )
    return problems


class TimeBlocks:
    """Maps rows (units × periods, any order) onto a (units, periods × columns) matrix so that
    per-period, per-column statistics become plain column-wise numpy operations."""

    def __init__(self, time: pd.Series):
        codes, uniques = pd.factorize(time, sort=True, use_na_sentinel=False)
        self.codes = codes.astype(np.int64)
        self.times = list(uniques)
        self.T = len(uniques)
        counts = np.bincount(self.codes, minlength=self.T)
        self.nmax = int(counts.max()) if len(counts) else 0
        order = np.argsort(self.codes, kind="stable")
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        pos = np.empty(len(self.codes), dtype=np.int64)
        pos[order] = np.arange(len(self.codes)) - np.repeat(starts, counts)
        self.pos = pos

    def to_cols(self, X: np.ndarray) -> np.ndarray:
        K = X.shape[1]
        M = np.full((self.nmax, self.T, K), np.nan)
        M[self.pos, self.codes] = X
        return M.reshape(self.nmax, self.T * K)

    def from_cols(self, M: np.ndarray, K: int) -> np.ndarray:
        return M.reshape(self.nmax, self.T, K)[self.pos, self.codes]

    def time_mask(self, t) -> np.ndarray:
        idx = self.index_of(t)
        return self.codes == idx

    def index_of(self, t) -> int:
        for i, u in enumerate(self.times):
            if u == t or (str(u) == str(t)) or (_is_num(u) and _is_num(t) and float(u) == float(t)):
                return i
        raise KeyError(t)


def _is_num(v) -> bool:
    try:
        float(v)
        return True
    except (TypeError, ValueError):
        return False
