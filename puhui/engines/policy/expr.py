"""Expressions of the policy rules: `loan_avg / deposit_avg * 100`, `total(startup_issued) * pool_rate`.

Python's own `ast` parses them and a whitelist checks them (numbers, names, + - * /, comparisons, and/or/not,
`a if c else b`, and the functions below); nothing is ever `eval`ed. Values are `Decimal`, so a figure
exactly at a threshold (70.000 %) compares as the rule's text means it. A missing figure (None) or a zero
denominator makes the result None: the rule says 缺少数据 instead of guessing.

Functions:
    prev(x)          x for the same institution in the previous year
    total(x)         x summed over every institution in the year (missing values left out)
    passed_total(x)  x summed over the institutions that passed this rule in the year (grants only)
    min(a, b, …), max(a, b, …), abs(a)
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import lru_cache

AGGREGATES = frozenset({"prev", "total", "passed_total"})
SCALAR_FUNCTIONS = frozenset({"min", "max", "abs"})
FUNCTIONS = AGGREGATES | SCALAR_FUNCTIONS

_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div)
_COMPARE = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)


class ExpressionError(ValueError):
    """An expression that does not parse or uses something outside the whitelist (message in Chinese)."""


@lru_cache(maxsize=1024)
def parse(text: str) -> ast.expr:
    """The checked syntax tree of `text`; ExpressionError says what is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("表达式为空")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise ExpressionError(f"表达式“{text}”写法有误") from None
    for node in ast.walk(tree):
        _check(node, text)
    return tree.body


_ALLOWED = (
    ast.Expression,
    ast.Name,
    ast.Load,
    ast.And,
    ast.Or,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.BoolOp,
    ast.IfExp,
)
_ALLOWED += (ast.UnaryOp, *_ARITHMETIC, *_COMPARE)


def _check(node: ast.AST, text: str) -> None:
    if isinstance(node, _ALLOWED):
        return
    if isinstance(node, ast.BinOp) and isinstance(node.op, _ARITHMETIC):
        return
    if isinstance(node, ast.Compare):
        if len(node.ops) == 1:
            return
        raise ExpressionError(f"表达式“{text}”中不能连写比较，请用 and 连接")
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        return
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
            raise ExpressionError(f"表达式“{text}”使用了不支持的函数“{name}”")
        if node.keywords:
            raise ExpressionError(f"表达式“{text}”中函数“{node.func.id}”不接受命名参数")
        want_one = node.func.id in AGGREGATES or node.func.id == "abs"
        if (want_one and len(node.args) != 1) or (not want_one and len(node.args) < 2):
            raise ExpressionError(f"表达式“{text}”中函数“{node.func.id}”的参数个数不对")
        return
    raise ExpressionError(f"表达式“{text}”含有不支持的写法“{ast.unparse(node)}”")


def names(text: str) -> set[str]:
    """The names `text` reads (function names excluded)."""
    tree = parse(text)
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in called}


def functions(text: str) -> set[str]:
    return {n.func.id for n in ast.walk(parse(text)) if isinstance(n, ast.Call)}


class Scope:
    """What an expression reads: `lookup(name)`, and the aggregates, which depend on where it is evaluated."""

    def lookup(self, name: str):  # pragma: no cover - interface
        raise NotImplementedError

    def aggregate(self, function: str, node: ast.expr):  # pragma: no cover - interface
        raise NotImplementedError


def evaluate(text: str, scope: Scope):
    """The value of `text` in `scope`: a Decimal, a bool, or None when a figure it needs is missing."""
    return evaluate_node(parse(text), scope)


def evaluate_node(node: ast.expr, scope: Scope):
    return _EVAL[type(node)](node, scope)


def _constant(node, scope):
    return Decimal(str(node.value))


def _name(node, scope):
    return scope.lookup(node.id)


def _unary(node, scope):
    value = evaluate_node(node.operand, scope)
    if value is None:
        return None
    if isinstance(node.op, ast.Not):
        return not value
    return -value if isinstance(node.op, ast.USub) else value


def _binary(node, scope):
    left, right = evaluate_node(node.left, scope), evaluate_node(node.right, scope)
    if left is None or right is None:
        return None
    if isinstance(node.op, ast.Div):
        if right == 0:
            return None
        try:
            return Decimal(left) / Decimal(right)
        except InvalidOperation:
            return None
    return _ARITH_OPS[type(node.op)](Decimal(left), Decimal(right))


_ARITH_OPS: dict[type, Callable] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
}
COMPARISONS: dict[str, Callable] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
_COMPARE_SYMBOL = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


def compare(op: str, left, right):
    """`left op right`, None when either side is missing."""
    if left is None or right is None:
        return None
    return COMPARISONS[op](left, right)


def _compare(node, scope):
    return compare(
        _COMPARE_SYMBOL[type(node.ops[0])],
        evaluate_node(node.left, scope),
        evaluate_node(node.comparators[0], scope),
    )


def _bool(node, scope):
    # Three-valued, like SQL: False decides `and` even beside a missing value, True decides `or`.
    decisive = isinstance(node.op, ast.Or)
    unknown = False
    for operand in node.values:
        value = evaluate_node(operand, scope)
        if value is None:
            unknown = True
        elif bool(value) == decisive:
            return decisive
    return None if unknown else not decisive


def _if(node, scope):
    test = evaluate_node(node.test, scope)
    if test is None:
        return None
    return evaluate_node(node.body if test else node.orelse, scope)


def _call(node, scope):
    name = node.func.id
    if name in AGGREGATES:
        return scope.aggregate(name, node.args[0])
    values = [evaluate_node(a, scope) for a in node.args]
    if any(v is None for v in values):
        return None
    if name == "abs":
        return abs(values[0])
    return min(values) if name == "min" else max(values)


_EVAL: dict[type, Callable] = {
    ast.Constant: _constant,
    ast.Name: _name,
    ast.UnaryOp: _unary,
    ast.BinOp: _binary,
    ast.Compare: _compare,
    ast.BoolOp: _bool,
    ast.IfExp: _if,
    ast.Call: _call,
}
