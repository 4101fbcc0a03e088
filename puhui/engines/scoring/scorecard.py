"""The scorecard: one JSON/YAML points table, validated, compiled and scored in plain numpy.

Both kinds share this file format and this scorer:

* `kind: expert` — hand-written by a county (e.g. `configs/rural-household-default.yaml`), with
  bonus/penalty items, exclusion rules, grade cut-offs and an optional score range;
* `kind: statistical` — written by `train.train_scorecard` from repayment outcomes; it adds a
  `scaling` block (PDO / base odds) so every score also gives a probability of default, and a
  `monitoring` block (the development sample's distributions, for PSI/CSI).

Scoring needs numpy and pandas only (no optbinning, no scikit-learn, no Django). Every row is
scored: a missing value gets the characteristic's `missing` points, an unseen category or a number
outside the table's ranges gets its `unknown` points. See docs/scoring.md for the format.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import conditions
from .columns import Columns, norm_bool, norm_category
from .errors import ConfigError, DataError, ForbiddenCharacteristicError
from .policy import check_names

FORMAT = "puhui-scorecard"
KINDS = ("expert", "statistical")
TYPES = ("numeric", "categorical", "boolean")
DERIVE_OPS = ("ratio", "sum", "difference")
DEFAULT_EXCLUDED_GRADE = "不评级"


# --------------------------------------------------------------------------- helpers


def fmt_number(x: float) -> str:
    """Short human form: 20000 → '20000', 0.25 → '0.25', 1/3 → '0.3333'."""
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.4g}" if abs(x) < 1e15 else repr(x)


def range_label(lo: float | None, hi: float | None, unit: str = "") -> str:
    if lo is None and hi is None:
        return "全部取值"
    if lo is None:
        return f"低于{fmt_number(hi)}{unit}"
    if hi is None:
        return f"{fmt_number(lo)}{unit}及以上"
    return f"{fmt_number(lo)}{unit}至{fmt_number(hi)}{unit}（不含）"


def _is_number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(float(x))


def _is_bound(x: object) -> bool:
    return x is None or _is_number(x)


# --------------------------------------------------------------------------- compiled items


@dataclass
class Item:
    """One scoring item (characteristic or adjustment) compiled to a state table.

    States: characteristics 0..n_bins-1 are the bins, then `missing`, then `unknown`;
    adjustments have two states, 0 = applies, 1 = does not apply.
    """

    key: str
    label: str
    group: str | None
    kind: str  # numeric | categorical | boolean | adjustment
    points: np.ndarray
    texts: list[str]
    labels: list[str]
    fields: list[str]
    edges: np.ndarray | None = None  # numeric: inner split points
    lower: float | None = None
    upper: float | None = None
    category_index: dict[str, int] = field(default_factory=dict)
    derive: dict | None = None
    source: str | None = None
    condition: conditions.Compiled | None = None

    @property
    def n_bins(self) -> int:
        return len(self.points) - 2 if self.kind != "adjustment" else 2

    @property
    def missing_state(self) -> int:
        return self.n_bins

    @property
    def unknown_state(self) -> int:
        return self.n_bins + 1

    @property
    def loss32(self) -> np.ndarray:
        """Points lost in each state against the item's best state (float32: only ranks reasons)."""
        return (self.points.max() - self.points).astype(np.float32)

    @property
    def max_points(self) -> float:
        return float(self.points.max())

    @property
    def min_points(self) -> float:
        return float(self.points.min())

    def values(self, cols: Columns) -> np.ndarray:
        """The numeric input of a numeric item (a column, or derived from several)."""
        if self.derive is None:
            return cols.numeric(self.source)
        op, terms = next(iter(self.derive.items()))
        arrays = [cols.numeric(t) for t in terms]
        base = arrays[0]
        rest = [np.nan_to_num(a, nan=0.0) for a in arrays[1:]]  # a missing later term counts as 0
        with np.errstate(divide="ignore", invalid="ignore"):
            if op == "sum":
                stacked = np.vstack(arrays)
                out = np.where(np.isnan(stacked).all(axis=0), np.nan, np.nansum(stacked, axis=0))
            elif op == "difference":
                out = base - sum(rest)
            else:  # ratio: 0/0 → 0, x/0 → +inf, missing numerator → missing
                num, den = base, arrays[1]
                out = num / den
                out = np.where((num == 0) & (den == 0), 0.0, out)
                out = np.where((den == 0) & (num > 0), np.inf, out)
                out = np.where((den == 0) & (num < 0), -np.inf, out)
        return out

    def assign(self, cols: Columns) -> np.ndarray:
        if self.kind == "adjustment":
            hit = self.condition(cols)
            return np.where(hit, 0, 1).astype(np.int16)
        if self.kind == "numeric":
            x = self.values(cols)
            state = np.searchsorted(self.edges, x, side="right").astype(np.int16)
            out_of_range = np.zeros(len(x), dtype=bool)
            if self.lower is not None:
                out_of_range |= x < self.lower
            if self.upper is not None:
                out_of_range |= x >= self.upper
            state[out_of_range] = self.unknown_state
            state[np.isnan(x)] = self.missing_state
            return state
        codes, uniques = cols.factor(self.source)
        norm = norm_bool if self.kind == "boolean" else norm_category
        table = np.empty(len(uniques) + 1, dtype=np.int16)
        for i, u in enumerate(uniques):
            v = norm(u)
            if v is None:
                table[i] = self.missing_state
            else:
                key = ("true" if v else "false") if isinstance(v, bool) else str(v)
                table[i] = self.category_index.get(key, self.unknown_state)
        table[-1] = self.missing_state
        return table[codes]


@dataclass
class Exclusion:
    code: str
    label: str
    text: str
    condition: conditions.Compiled


# --------------------------------------------------------------------------- result


@dataclass
class ScoreResult:
    """Scores of many rows. Arrays are row-aligned with the input."""

    scorecard: Scorecard
    score: np.ndarray
    grade: np.ndarray
    excluded: np.ndarray
    exclusion_mask: np.ndarray  # rows × exclusion rules
    reason_state: np.ndarray  # rows × k, index into scorecard.state_* tables, -1 = none
    reason_lost: np.ndarray  # rows × k, points lost vs the item's maximum
    states: np.ndarray  # rows × items
    pd: np.ndarray | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def version(self) -> str:
        return self.scorecard.version

    def __len__(self) -> int:
        return len(self.score)

    def exclusion_codes(self) -> np.ndarray:
        """Object array: the codes of the exclusion rules a row meets, joined by ';' ('' if none)."""
        out = np.full(len(self.score), "", dtype=object)
        codes = [e.code for e in self.scorecard.exclusions]
        for i in np.flatnonzero(self.excluded):
            out[i] = ";".join(c for c, hit in zip(codes, self.exclusion_mask[i], strict=True) if hit)
        return out

    def exclusion_texts(self) -> np.ndarray:
        out = np.full(len(self.score), "", dtype=object)
        texts = [e.text for e in self.scorecard.exclusions]
        for i in np.flatnonzero(self.excluded):
            out[i] = "；".join(t for t, hit in zip(texts, self.exclusion_mask[i], strict=True) if hit)
        return out

    def to_frame(self, *, reasons: int | None = None, index: pd.Index | None = None) -> pd.DataFrame:
        """score, pd (statistical), grade, excluded, exclusion codes/texts, reason_i_code/text/lost."""
        sc = self.scorecard
        k = self.reason_state.shape[1] if reasons is None else min(reasons, self.reason_state.shape[1])
        data: dict[str, object] = {"score": np.round(self.score, 2)}
        if self.pd is not None:
            data["pd"] = np.round(self.pd, 6)
        data["grade"] = self.grade
        data["excluded"] = self.excluded
        data["exclusion_codes"] = self.exclusion_codes()
        data["exclusion_texts"] = self.exclusion_texts()
        codes = np.append(sc.state_code, "").astype(object)
        texts = np.append(sc.state_text, "").astype(object)
        for t in range(k):
            idx = self.reason_state[:, t]
            data[f"reason_{t + 1}_code"] = codes[idx]  # -1 takes the trailing ""
            data[f"reason_{t + 1}_text"] = texts[idx]
            data[f"reason_{t + 1}_lost"] = np.round(self.reason_lost[:, t], 2)
        data["version"] = np.full(len(self.score), sc.version, dtype=object)
        return pd.DataFrame(data, index=index)

    def group_points(self) -> pd.DataFrame:
        """Points per item group (家庭基本情况, 经济状况 …) for every row, columns = group keys."""
        out: dict[str, np.ndarray] = {}
        for j, item in enumerate(self.scorecard.items):
            key = item.group or "other"
            pts = item.points[self.states[:, j]]
            out[key] = out[key] + pts if key in out else pts
        return pd.DataFrame(out)

    def breakdown(self, row: int) -> list[dict]:
        """Per item: what the row got and the most it could get (for the household page)."""
        out = []
        for j, item in enumerate(self.scorecard.items):
            s = int(self.states[row, j])
            out.append(
                {
                    "key": item.key,
                    "label": item.label,
                    "group": item.group,
                    "value": item.labels[s],
                    "points": float(item.points[s]),
                    "max_points": item.max_points,
                    "lost": item.max_points - float(item.points[s]),
                    "text": item.texts[s],
                }
            )
        return out

    def reasons(self, row: int) -> list[dict]:
        sc = self.scorecard
        out = []
        for t in range(self.reason_state.shape[1]):
            g = int(self.reason_state[row, t])
            if g >= 0:
                out.append(
                    {
                        "code": sc.state_code[g],
                        "text": sc.state_text[g],
                        "lost": float(self.reason_lost[row, t]),
                    }
                )
        return out


# --------------------------------------------------------------------------- the scorecard


class Scorecard:
    """A validated points table. Build with `from_dict`, `from_file` or `from_json`."""

    def __init__(self, spec: dict):
        self.spec = spec
        self.kind: str = spec["kind"]
        self.id: str = str(spec["id"])
        self.name: str = str(spec.get("name") or spec["id"])
        self.version: str = f"{spec['id']}@{spec['version']}"
        self.reasons_top: int = int(spec.get("reasons", 3))
        self.excluded_grade: str = str(spec.get("excluded_grade", DEFAULT_EXCLUDED_GRADE))
        self.score_range: tuple[float, float] | None = (
            tuple(float(v) for v in spec["score_range"]) if spec.get("score_range") else None
        )
        self.groups = {g["key"]: g["label"] for g in spec.get("groups", []) or []}
        self.items: list[Item] = [compile_characteristic(c) for c in spec["characteristics"]]
        self.items += [compile_adjustment(a) for a in spec.get("adjustments", []) or []]
        self.exclusions = [
            Exclusion(
                code=str(e["code"]),
                label=str(e.get("label") or e["code"]),
                text=str(e.get("text") or e.get("label") or e["code"]),
                condition=conditions.compile_condition(e["when"]),
            )
            for e in spec.get("exclusions", []) or []
        ]
        grades = spec["grades"]
        self.grade_names = [str(g["grade"]) for g in grades]
        # ascending cut-offs for searchsorted; the last grade has no minimum
        self._cut_asc = np.array([float(g["min"]) for g in grades[:-1]][::-1])
        self._grade_asc = np.array(self.grade_names[::-1], dtype=object)
        scaling = spec.get("scaling")
        if scaling:
            self.factor = float(scaling["pdo"]) / math.log(2)
            self.offset = float(scaling["base_score"]) - self.factor * math.log(float(scaling["base_odds"]))
        else:
            self.factor = self.offset = None
        # flat state tables: item j's state s is global index offsets[j] + s
        self.offsets = np.cumsum([0] + [len(it.points) for it in self.items[:-1]]).astype(np.int64)
        self.state_code = np.array([it.key for it in self.items for _ in it.points], dtype=object)
        self.state_text = np.array([t for it in self.items for t in it.texts], dtype=object)
        self.fingerprint = hashlib.sha256(canonical_json(spec).encode()).hexdigest()[:16]

    # ---- construction

    @classmethod
    def from_dict(cls, spec: dict) -> Scorecard:
        spec = copy.deepcopy(spec)
        validate_spec(spec)
        return cls(spec)

    @classmethod
    def from_json(cls, text: str) -> Scorecard:
        return cls.from_dict(json.loads(text))

    @classmethod
    def from_file(cls, path: str | Path) -> Scorecard:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"无法读取评分卡文件 {path}：{exc.strerror}") from exc
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            try:
                spec = yaml.safe_load(text)
            except yaml.YAMLError as exc:
                raise ConfigError(f"评分卡文件 {path.name} 不是有效的 YAML：{exc}") from exc
        else:
            try:
                spec = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"评分卡文件 {path.name} 不是有效的 JSON：{exc}") from exc
        return cls.from_dict(spec)

    def to_dict(self) -> dict:
        return copy.deepcopy(self.spec)

    def to_json(self, *, indent: int | None = 1) -> str:
        return json.dumps(self.spec, ensure_ascii=False, indent=indent, allow_nan=False)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json() + "\n", encoding="utf-8")

    # ---- facts

    @property
    def characteristics(self) -> list[Item]:
        return [it for it in self.items if it.kind != "adjustment"]

    @property
    def min_score(self) -> float:
        lo = sum(it.min_points for it in self.items)
        return float(np.clip(lo, *self.score_range)) if self.score_range else lo

    @property
    def max_score(self) -> float:
        hi = sum(it.max_points for it in self.items)
        return float(np.clip(hi, *self.score_range)) if self.score_range else hi

    def required_columns(self) -> list[str]:
        cols: list[str] = []
        for it in self.items:
            cols += [f for f in it.fields if f not in cols]
        for e in self.spec.get("exclusions", []) or []:
            cols += [f for f in conditions.fields_of(e["when"]) if f not in cols]
        return cols

    def grade_of(self, score: np.ndarray) -> np.ndarray:
        idx = np.searchsorted(self._cut_asc, np.round(score, 6), side="right")
        return self._grade_asc[idx]

    def pd_of(self, score: np.ndarray) -> np.ndarray:
        """Probability of default from an (unclipped) statistical score."""
        if self.factor is None:
            raise ConfigError("专家评分卡没有违约概率刻度（scaling），不能换算违约概率")
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp((np.asarray(score, dtype=float) - self.offset) / self.factor))

    # ---- scoring

    def score(self, data: pd.DataFrame | dict, *, reasons: int | None = None) -> ScoreResult:
        """Score every row of `data` (a DataFrame or a mapping of column → array)."""
        cols = Columns(data)
        missing = [c for c in self.required_columns() if not cols.has(c)]
        if missing:
            raise DataError([f"数据缺少评分卡“{self.name}”需要的列“{c}”" for c in missing])
        n, m = cols.n, len(self.items)
        k = self.reasons_top if reasons is None else int(reasons)
        # item-major layout: each item writes one contiguous row
        states = np.empty((m, n), dtype=np.int16)
        loss = np.empty((m, n), dtype=np.float32)
        total = np.zeros(n)
        for j, item in enumerate(self.items):
            s = item.assign(cols).astype(np.intp)
            states[j] = s
            total += item.points[s]
            loss[j] = item.loss32[s]
        rows = np.arange(n)
        reason_state = np.full((n, k), -1, dtype=np.int64)
        reason_lost = np.zeros((n, k))
        for t in range(min(k, m)):
            j = loss.argmax(axis=0)  # first maximum: ties go to the item listed first
            lost = loss[j, rows]
            keep = lost > 1e-6
            reason_state[:, t] = np.where(keep, self.offsets[j] + states[j, rows], -1)
            reason_lost[:, t] = np.where(keep, lost, 0.0)
            loss[j, rows] = -np.inf
        pd_ = self.pd_of(total) if self.factor is not None else None
        score = np.round(total, 6)
        if self.score_range:
            score = np.clip(score, *self.score_range)
        grade = self.grade_of(score)
        if self.exclusions:
            mask = np.column_stack([e.condition(cols) for e in self.exclusions])
            excluded = mask.any(axis=1)
            grade[excluded] = self.excluded_grade
        else:
            mask = np.zeros((n, 0), dtype=bool)
            excluded = np.zeros(n, dtype=bool)
        return ScoreResult(
            scorecard=self,
            score=score,
            grade=grade,
            excluded=excluded,
            exclusion_mask=mask,
            reason_state=reason_state,
            reason_lost=reason_lost,
            states=states.T,
            pd=pd_,
            warnings=list(cols.warnings),
        )


def compile_characteristic(c: dict) -> Item:
    """Compile one validated characteristic spec (used by the scorecard and by training)."""
    typ = c["type"]
    label = str(c.get("label") or c["key"])
    unit = str(c.get("unit") or "")
    reason = c.get("reason")
    bins = c["bins"]
    points, texts, labels = [], [], []
    category_index: dict[str, int] = {}
    edges = None
    lower = upper = None
    for i, b in enumerate(bins):
        if typ == "numeric":
            lo, hi = b["range"]
            blabel = b.get("label") or range_label(lo, hi, unit)
        elif typ == "categorical":
            for cat in b["categories"]:
                category_index[norm_category(cat)] = i
            blabel = b.get("label") or "、".join(str(x) for x in b["categories"])
        else:
            category_index["true" if b["value"] else "false"] = i
            blabel = b.get("label") or ("是" if b["value"] else "否")
        points.append(float(b["points"]))
        labels.append(str(blabel))
        texts.append(str(b.get("text") or reason or f"{label}：{blabel}"))
    if typ == "numeric":
        edges = np.array([float(b["range"][0]) for b in bins[1:]])
        lower = None if bins[0]["range"][0] is None else float(bins[0]["range"][0])
        upper = None if bins[-1]["range"][1] is None else float(bins[-1]["range"][1])
    floor = min(points)
    miss = c.get("missing") or {}
    unk = c.get("unknown") or {}
    points.append(float(miss.get("points", floor)))
    labels.append("未填写")
    texts.append(str(miss.get("text") or f"{label}未填写"))
    points.append(float(unk.get("points", floor)))
    labels.append("超出评分表范围" if typ == "numeric" else "评分表外的取值")
    texts.append(
        str(
            unk.get("text")
            or (f"{label}超出评分表范围" if typ == "numeric" else f"{label}的填写值不在评分表中")
        )
    )
    derive = c.get("derive")
    source = None if derive else str(c.get("field") or c["key"])
    fields = list(next(iter(derive.values()))) if derive else [source]
    return Item(
        key=str(c["key"]),
        label=label,
        group=c.get("group"),
        kind=typ,
        points=np.array(points),
        texts=texts,
        labels=labels,
        fields=[str(f) for f in fields],
        edges=edges,
        lower=lower,
        upper=upper,
        category_index=category_index,
        derive=derive,
        source=source,
    )


def compile_adjustment(a: dict) -> Item:
    label = str(a.get("label") or a["key"])
    p = float(a["points"])
    if p > 0:
        texts = [label, str(a.get("text") or f"未满足加分项：{label}")]
    else:
        texts = [str(a.get("text") or f"减分项：{label}"), label]
    return Item(
        key=str(a["key"]),
        label=label,
        group=a.get("group"),
        kind="adjustment",
        points=np.array([p, 0.0]),
        texts=texts,
        labels=["符合", "不符合"],
        fields=conditions.fields_of(a["when"]),
        condition=conditions.compile_condition(a["when"]),
    )


def canonical_json(spec: dict) -> str:
    return json.dumps(spec, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


# --------------------------------------------------------------------------- validation


def validate_spec(spec: object) -> None:
    """Raise ConfigError (or ForbiddenCharacteristicError) listing every problem of a spec."""
    if not isinstance(spec, dict):
        raise ConfigError("评分卡必须是一个映射（YAML/JSON 对象）")
    problems = _validate_header(spec)
    forbidden: list[str] = []
    seen: set[str] = set()  # keys of characteristics and adjustments
    chars = spec.get("characteristics")
    if not isinstance(chars, list) or not chars:
        problems.append("characteristics（评分项）必须是非空列表")
        chars = []
    groups = spec.get("groups") or []
    group_keys = {g.get("key") for g in groups if isinstance(g, dict)}
    for i, c in enumerate(chars, 1):
        _validate_characteristic(c, i, bool(groups), group_keys, seen, problems, forbidden)
    for i, a in enumerate(spec.get("adjustments") or [], 1):
        _validate_adjustment(a, i, seen, problems, forbidden)
    codes: set[str] = set()
    for i, e in enumerate(spec.get("exclusions") or [], 1):
        _validate_exclusion(e, i, codes, problems, forbidden)
    problems += _validate_grades(spec.get("grades"))
    problems += _validate_scale(spec)
    if forbidden:
        raise ForbiddenCharacteristicError(forbidden + problems)
    if problems:
        raise ConfigError(problems)


def _validate_header(spec: dict) -> list[str]:
    problems = []
    if spec.get("format") != FORMAT:
        problems.append(f"format 必须为 {FORMAT}")
    if spec.get("kind") not in KINDS:
        problems.append(f"kind 必须是 {' 或 '.join(KINDS)}")
    for key in ("id", "version"):
        if spec.get(key) in (None, ""):
            problems.append(f"缺少 {key}")
    return problems


def _validate_characteristic(
    c: object, i: int, has_groups: bool, group_keys: set, seen: set, problems: list, forbidden: list
) -> None:
    """One characteristic: key unique, group defined, derive well formed, names allowed, bins, slots."""
    place = f"评分项 {c.get('key', i) if isinstance(c, dict) else i}"
    if not isinstance(c, dict):
        problems.append(f"{place}：必须是映射")
        return
    key = c.get("key")
    if not key or not isinstance(key, str):
        problems.append(f"{place}：缺少 key")
    elif key in seen:
        problems.append(f"{place}：key 重复")
    else:
        seen.add(key)
    if has_groups and c.get("group") not in group_keys:
        problems.append(f"{place}：group “{c.get('group')}” 未在 groups 中定义")
    names = [key, c.get("label"), c.get("field"), *_validate_derive(c, place, problems)]
    forbidden += check_names({place: [str(n) for n in names if n]})
    problems += _validate_bins(c, place)
    for slot in ("missing", "unknown"):
        v = c.get(slot)
        if v is not None and (not isinstance(v, dict) or not _is_number(v.get("points"))):
            problems.append(f"{place}：{slot} 必须形如 {{points: 数字, text: 说明}}")


def _validate_derive(c: dict, place: str, problems: list) -> list:
    """Check a characteristic's `derive`; return the columns it reads (none when absent or malformed)."""
    derive = c.get("derive")
    if derive is None:
        return []
    if (
        not isinstance(derive, dict)
        or len(derive) != 1
        or next(iter(derive)) not in DERIVE_OPS
        or not isinstance(next(iter(derive.values())), list)
        or len(next(iter(derive.values()))) < 2
    ):
        problems.append(f"{place}：derive 必须是 {{ratio|sum|difference: [列, 列, …]}}")
        return []
    if c.get("type") != "numeric":
        problems.append(f"{place}：derive 只能用于数值型评分项")
    if "field" in c:
        problems.append(f"{place}：field 与 derive 只能二选一")
    return list(next(iter(derive.values())))


def _validate_adjustment(a: object, i: int, seen: set, problems: list, forbidden: list) -> None:
    place = f"加减分项 {a.get('key', i) if isinstance(a, dict) else i}"
    if not isinstance(a, dict):
        problems.append(f"{place}：必须是映射")
        return
    key = a.get("key")
    if not key or not isinstance(key, str):
        problems.append(f"{place}：缺少 key")
    elif key in seen:
        problems.append(f"{place}：key 与其他评分项重复")
    else:
        seen.add(key)
    if not _is_number(a.get("points")) or float(a["points"]) == 0:
        problems.append(f"{place}：points 必须是非零数字（正数加分、负数减分）")
    problems += conditions.validate(a.get("when"), place)
    forbidden += check_names(
        {place: [str(n) for n in [key, a.get("label"), *conditions.fields_of(a.get("when"))] if n]}
    )


def _validate_exclusion(e: object, i: int, codes: set, problems: list, forbidden: list) -> None:
    place = f"排除规则 {e.get('code', i) if isinstance(e, dict) else i}"
    if not isinstance(e, dict):
        problems.append(f"{place}：必须是映射")
        return
    if not e.get("code"):
        problems.append(f"{place}：缺少 code")
    elif e["code"] in codes:
        problems.append(f"{place}：code 重复")
    else:
        codes.add(e["code"])
    problems += conditions.validate(e.get("when"), place)
    forbidden += check_names(
        {place: [str(n) for n in [e.get("label"), *conditions.fields_of(e.get("when"))] if n]}
    )


def _validate_scale(spec: dict) -> list[str]:
    """score_range, reasons and scaling."""
    problems = []
    rng = spec.get("score_range")
    if rng is not None and (
        not isinstance(rng, list) or len(rng) != 2 or not all(_is_number(v) for v in rng) or rng[0] >= rng[1]
    ):
        problems.append("score_range 必须是 [下限, 上限] 且下限小于上限")
    reasons = spec.get("reasons", 3)
    if isinstance(reasons, bool) or not isinstance(reasons, int) or reasons < 0:
        problems.append("reasons（原因代码个数）必须是非负整数")
    scaling = spec.get("scaling")
    if scaling is not None:
        ok = isinstance(scaling, dict) and all(
            _is_number(scaling.get(k)) for k in ("pdo", "base_score", "base_odds")
        )
        if not ok or float(scaling["pdo"]) <= 0 or float(scaling["base_odds"]) <= 0:
            problems.append("scaling 必须含正数 pdo、base_odds 与数字 base_score")
    return problems


def _validate_bins(c: dict, place: str) -> list[str]:
    typ = c.get("type")
    if typ not in TYPES:
        return [f"{place}：type 必须是 {'、'.join(TYPES)} 之一"]
    bins = c.get("bins")
    if not isinstance(bins, list) or not bins:
        return [f"{place}：bins（分档）必须是非空列表"]
    problems = []
    for j, b in enumerate(bins, 1):
        if not isinstance(b, dict):
            problems.append(f"{place} 第 {j} 档：必须是映射")
            continue
        if not _is_number(b.get("points")):
            problems.append(f"{place} 第 {j} 档：points 必须是数字")
    if problems:
        return problems
    if typ == "numeric":
        prev_hi = "start"
        for j, b in enumerate(bins, 1):
            r = b.get("range")
            if not isinstance(r, list) or len(r) != 2 or not all(_is_bound(v) for v in r):
                problems.append(f"{place} 第 {j} 档：range 必须是 [下限, 上限]（null 表示不设限）")
                prev_hi = None if j == len(bins) else "bad"
                continue
            lo, hi = r
            if lo is None and j != 1:
                problems.append(f"{place} 第 {j} 档：只有第一档的下限可以为空")
            if hi is None and j != len(bins):
                problems.append(f"{place} 第 {j} 档：只有最后一档的上限可以为空")
            if lo is not None and hi is not None and not lo < hi:
                problems.append(f"{place} 第 {j} 档：下限必须小于上限")
            if prev_hi not in ("start", "bad") and lo != prev_hi:
                problems.append(
                    f"{place} 第 {j} 档：下限 {lo} 应等于上一档上限 {prev_hi}（分档须首尾相接、不重叠）"
                )
            prev_hi = hi
    elif typ == "categorical":
        seen: dict[str, int] = {}
        for j, b in enumerate(bins, 1):
            cats = b.get("categories")
            if not isinstance(cats, list) or not cats:
                problems.append(f"{place} 第 {j} 档：categories 必须是非空列表")
                continue
            for cat in cats:
                v = norm_category(cat)
                if v is None:
                    problems.append(f"{place} 第 {j} 档：类别不能为空（缺失请用 missing）")
                elif v in seen:
                    problems.append(f"{place} 第 {j} 档：类别“{v}”已在第 {seen[v]} 档出现")
                else:
                    seen[v] = j
    else:
        values = [b.get("value") for b in bins]
        if any(not isinstance(v, bool) for v in values) or len(set(values)) != len(values):
            problems.append(f"{place}：是否型评分项的每档必须有不同的 value: true 或 false")
    return problems


def _validate_grades(grades: object) -> list[str]:
    if not isinstance(grades, list) or not grades:
        return ["grades（等级）必须是非空列表"]
    problems = []
    names = set()
    prev = None
    for i, g in enumerate(grades, 1):
        if not isinstance(g, dict) or not g.get("grade"):
            problems.append(f"第 {i} 个等级缺少 grade")
            continue
        if g["grade"] in names:
            problems.append(f"等级 {g['grade']} 重复")
        names.add(g["grade"])
        last = i == len(grades)
        mn = g.get("min")
        if last:
            if mn is not None:
                problems.append(f"最后一个等级 {g['grade']} 不设 min（其余分数都归入该等级）")
            continue
        if not _is_number(mn):
            problems.append(f"等级 {g['grade']} 的 min 必须是数字")
            continue
        if prev is not None and not mn < prev:
            problems.append(
                f"等级 {g['grade']} 的 min（{mn}）必须低于上一等级（{prev}），等级须按分数从高到低排列"
            )
        prev = mn
    return problems
