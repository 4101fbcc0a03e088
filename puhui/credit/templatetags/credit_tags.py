"""Filters of the credit pages: shares as percentages, report numbers, dictionary look-ups."""

from django import template

register = template.Library()


@register.filter
def pct(value, digits=1):
    """0.786 → "78.6%"; None → "—"."""
    if value is None or value == "":
        return "—"
    return f"{100 * float(value):.{int(digits)}f}%"


@register.filter
def num(value, digits=3):
    """A report figure with `digits` decimals; None → "—"."""
    if value is None or value == "":
        return "—"
    return f"{float(value):.{int(digits)}f}"


@register.filter
def pts(value):
    """Points without a trailing .0 (12.0 → 12, 3.25 → 3.25)."""
    if value is None:
        return "—"
    v = float(value)
    return str(int(v)) if v == int(v) else f"{v:.2f}".rstrip("0").rstrip(".")


@register.filter
def op_sign(op):
    """A designation condition's operator as a sign ("ge" → "≥"); an unknown one raises."""
    from puhui.credit.services import DESIGNATION_OPS

    return DESIGNATION_OPS[op][0]
