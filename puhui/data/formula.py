"""Formulas over indicator codes: `archived_households / farm_households * 100`.

Parsed with Python's own `ast` and checked against a whitelist (numbers, names, + - * /, parentheses),
never `eval`ed. Evaluation is vectorised: names map to pandas Series (one value per unit of a level),
and a zero or missing denominator gives a missing value, not an error.
"""

import ast
from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import pandas as pd

_OPS = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide}


class FormulaError(ValueError):
    pass


@lru_cache(maxsize=512)
def parse(text: str) -> ast.Expression:
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise FormulaError(f"公式“{text}”写法有误") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Expression | ast.Name | ast.Load):
            continue
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            continue
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            continue
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, int | float)
            and not isinstance(node.value, bool)
        ):
            continue
        if isinstance(node, ast.operator | ast.unaryop) and type(node) in (*_OPS, ast.USub, ast.UAdd):
            continue
        raise FormulaError(f"公式“{text}”中只能使用指标编码、数字、+ - * / 和括号")
    return tree


def names(text: str) -> list[str]:
    """The indicator codes a formula reads, in order of first use."""
    seen: dict[str, None] = {}
    for node in ast.walk(parse(text)):
        if isinstance(node, ast.Name):
            seen.setdefault(node.id, None)
    return list(seen)


def evaluate(text: str, values: Mapping[str, pd.Series]) -> pd.Series:
    """Evaluate over aligned Series; inf and NaN (zero or missing denominators) become NaN."""
    tree = parse(text)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = _eval(tree.body, values)
    if not isinstance(result, pd.Series):
        index = next(iter(values.values())).index if values else pd.RangeIndex(0)
        result = pd.Series(float(result), index=index)
    return result.replace([np.inf, -np.inf], np.nan)


def _eval(node, values):
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return values[node.id].astype("float64")
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, values)
        return -operand if isinstance(node.op, ast.USub) else operand
    left, right = _eval(node.left, values), _eval(node.right, values)
    if isinstance(node.op, ast.Div) and isinstance(right, pd.Series):
        right = right.where(right != 0)
    return _OPS[type(node.op)](left, right)
