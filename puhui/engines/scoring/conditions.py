"""Conditions of adjustment (bonus/penalty) items and exclusion rules.

    {field: litigation_pending, eq: true}
    {field: lender_count, ge: 3}
    {field: main_activity, in: [apple, peach]}
    {field: annual_net_income, missing: true}
    {all: [...]}, {any: [...]}, {not: {...}}

The operand's type decides how the column is read: true/false → yes/no values (是/否, 1/0, true/false…),
a number → numeric, text → category text. A missing value never satisfies a comparison (only
`missing: true` tests for it): an exclusion does not fire on an empty archive field, completeness is
checked by the archive itself.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .columns import Columns, norm_bool, norm_category

OPS = ("eq", "ne", "gt", "ge", "lt", "le", "in", "not_in", "missing")
Compiled = Callable[[Columns], np.ndarray]


def fields_of(cond: object) -> list[str]:
    """Every column a condition reads (for validation and the forbidden-name rule)."""
    if not isinstance(cond, dict):
        return []
    out: list[str] = []
    for key in ("all", "any"):
        for sub in cond.get(key, []) or []:
            out += fields_of(sub)
    if "not" in cond:
        out += fields_of(cond["not"])
    if "field" in cond:
        out.append(str(cond["field"]))
    return out


def validate(cond: object, place: str) -> list[str]:
    if not isinstance(cond, dict) or not cond:
        return [f"{place}：条件必须是非空的映射"]
    problems: list[str] = []
    combos = [k for k in ("all", "any", "not") if k in cond]
    if combos:
        if len(cond) != 1:
            problems.append(f"{place}：all/any/not 必须单独使用")
        key = combos[0]
        if key == "not":
            problems += validate(cond["not"], place)
        elif not isinstance(cond[key], list) or not cond[key]:
            problems.append(f"{place}：{key} 必须是非空列表")
        else:
            for sub in cond[key]:
                problems += validate(sub, place)
        return problems
    if "field" not in cond or not isinstance(cond["field"], str) or not cond["field"]:
        return [f"{place}：条件缺少 field（数据列名）"]
    ops = [k for k in cond if k != "field"]
    if len(ops) != 1 or ops[0] not in OPS:
        return [f"{place}：条件必须恰好有一个运算符（{'、'.join(OPS)}），实际为 {ops}"]
    op = ops[0]
    operand = cond[op]
    if op in ("in", "not_in"):
        if not isinstance(operand, list) or not operand:
            problems.append(f"{place}：{op} 的取值必须是非空列表")
    elif op == "missing":
        if not isinstance(operand, bool):
            problems.append(f"{place}：missing 的取值必须是 true 或 false")
    elif op in ("gt", "ge", "lt", "le"):
        if isinstance(operand, bool) or not isinstance(operand, (int, float)):
            problems.append(f"{place}：{op} 的取值必须是数字")
    elif operand is None:
        problems.append(f"{place}：{op} 的取值不能为空")
    return problems


def compile_condition(cond: dict) -> Compiled:
    if "all" in cond:
        parts = [compile_condition(c) for c in cond["all"]]
        return lambda cols: np.logical_and.reduce([p(cols) for p in parts])
    if "any" in cond:
        parts = [compile_condition(c) for c in cond["any"]]
        return lambda cols: np.logical_or.reduce([p(cols) for p in parts])
    if "not" in cond:
        inner = compile_condition(cond["not"])
        return lambda cols: ~inner(cols)
    field = cond["field"]
    op = next(k for k in cond if k != "field")
    operand = cond[op]
    if op == "missing":
        return lambda cols: _missing(cols, field) == operand
    values = operand if op in ("in", "not_in") else [operand]
    first = values[0]
    if isinstance(first, bool):
        return _by_unique(field, op, {bool(v) for v in values}, norm_bool)
    if isinstance(first, (int, float)) and op not in ("in", "not_in", "eq", "ne"):
        return _numeric(field, op, float(first))
    if isinstance(first, (int, float)):
        nums = np.array([float(v) for v in values])

        def numeric_set(cols: Columns) -> np.ndarray:
            x = cols.numeric(field)
            hit = np.isin(x, nums)
            return hit if op in ("eq", "in") else (~hit & ~np.isnan(x))

        return numeric_set
    return _by_unique(field, op, {norm_category(v) for v in values}, norm_category)


def _missing(cols: Columns, field: str) -> np.ndarray:
    codes, _ = cols.factor(field)
    return codes < 0


def _by_unique(field: str, op: str, wanted: set, norm) -> Compiled:
    positive = op in ("eq", "in")

    def run(cols: Columns) -> np.ndarray:
        codes, uniques = cols.factor(field)
        per = np.zeros(len(uniques) + 1, dtype=bool)
        for i, u in enumerate(uniques):
            v = norm(u)
            if v is None:
                continue
            per[i] = (v in wanted) if positive else (v not in wanted)
        return per[codes]

    return run


def _numeric(field: str, op: str, bound: float) -> Compiled:
    fn = {"gt": np.greater, "ge": np.greater_equal, "lt": np.less, "le": np.less_equal}[op]

    def run(cols: Columns) -> np.ndarray:
        x = cols.numeric(field)
        with np.errstate(invalid="ignore"):
            return fn(x, bound)  # NaN compares False

    return run
