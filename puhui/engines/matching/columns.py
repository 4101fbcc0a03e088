"""A rule evaluated over whole columns at once (numpy), with the meaning `policy.expr.evaluate` gives it
row by row: a missing value (NaN here, None there) makes arithmetic and comparisons missing; `and` is
decided by a false operand and `or` by a true one even beside a missing one (three-valued, like SQL); a
zero denominator is missing. Truth values are 1.0, 0.0 and NaN (unknown).

Arithmetic is binary floating point, where the policy engine uses Decimal: the same for the rules' whole
yuan, months and counts, but a comparison of two quotients may differ in the last digit."""

from __future__ import annotations

import ast
import operator

import numpy as np

_NAN = np.nan
_ARITH = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply}
_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


def evaluate_columns(tree: ast.expr | None, columns: dict[str, np.ndarray], size: int) -> np.ndarray:
    """1.0 (met), 0.0 (not met) or NaN (缺少数据) for each of `size` rows; an empty rule (None) is met."""
    if tree is None:
        return np.ones(size)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        value = _eval(tree, columns)
    return np.broadcast_to(np.asarray(value, dtype=float), (size,)).copy()


def _truth(x):
    return np.where(np.isnan(x), _NAN, np.asarray(x) != 0)


def _eval(node, cols):
    kind = type(node)
    if kind is ast.Constant:
        return float(node.value)
    if kind is ast.Name:
        return cols[node.id]
    if kind is ast.UnaryOp:
        x = _eval(node.operand, cols)
        if isinstance(node.op, ast.Not):
            return np.where(np.isnan(x), _NAN, np.asarray(x) == 0)
        return -x if isinstance(node.op, ast.USub) else x
    if kind is ast.BinOp:
        a, b = _eval(node.left, cols), _eval(node.right, cols)
        if isinstance(node.op, ast.Div):
            return np.where(np.asarray(b) == 0, _NAN, np.divide(a, b))
        return _ARITH[type(node.op)](a, b)
    if kind is ast.Compare:
        a, b = _eval(node.left, cols), _eval(node.comparators[0], cols)
        return np.where(np.isnan(a) | np.isnan(b), _NAN, _COMPARE[type(node.ops[0])](a, b))
    if kind is ast.BoolOp:
        return _bool(node, cols)
    if kind is ast.IfExp:
        test = _truth(_eval(node.test, cols))
        return np.where(
            np.isnan(test), _NAN, np.where(test == 1, _eval(node.body, cols), _eval(node.orelse, cols))
        )
    if kind is ast.Call:
        args = [_eval(a, cols) for a in node.args]
        if node.func.id == "abs":
            return np.abs(args[0])
        return (np.minimum if node.func.id == "min" else np.maximum).reduce(np.broadcast_arrays(*args))
    raise ValueError(f"不支持的写法：{ast.unparse(node)}")  # check_rule lets none through


def _bool(node, cols):
    decisive = 1.0 if isinstance(node.op, ast.Or) else 0.0
    decided = unknown = False
    for operand in node.values:
        t = _truth(_eval(operand, cols))
        decided = decided | (t == decisive)
        unknown = unknown | np.isnan(t)
    return np.where(decided, decisive, np.where(unknown, _NAN, 1.0 - decisive))
