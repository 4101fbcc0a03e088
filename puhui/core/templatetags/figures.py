"""How every page shows a number: thousands separators, a unit, yuan scaled to 万元/亿元 where a figure is
read rather than copied, percentages with their sign.

    {% load figures %}
    {{ value|fig:"元" }}      1.23亿元 · 45.60万元 · 980.00元      (a figure to read: totals, indicators)
    {{ value|money }}        300,000 元 · 1,234.50 元            (an amount to check: a household's, a line's)
    {{ value|count:"户" }}   12,345 户
    {{ value|share }}        78.6%        (a share 0–1)
    {{ value|percent }}      78.60%       (already in percent)
    {{ value|change }}       +12.3%       (a change in percent, signed)

None and "" show as "—". The list component formats its cells the same way (`puhui.core.lists.display`).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()
DASH = "—"


def _number(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def figure(value, unit: str = "") -> str:
    """A figure for reading: 12,345.67 / 1.23亿元 / 85.20%."""
    x = _number(value)
    if x is None:
        return DASH
    if unit == "元":
        if abs(x) >= 100_000_000:
            return f"{x / 100_000_000:,.2f}亿元"
        if abs(x) >= 10_000:
            return f"{x / 10_000:,.2f}万元"
        return f"{x:,.2f}元"
    if unit == "%":
        return f"{x:,.2f}%"
    if x == x.to_integral_value() and abs(x) < 10**15:
        return f"{int(x):,}{unit}"
    return f"{x:,.2f}{unit}"


@register.filter
def fig(value, unit: str = ""):
    return figure(value, unit)


@register.filter
def money(value):
    """An amount in yuan as it is: 300,000 元, 1,234.50 元."""
    x = _number(value)
    if x is None:
        return DASH
    return f"{int(x):,} 元" if x == x.to_integral_value() else f"{x:,.2f} 元"


@register.filter
def count(value, unit: str = ""):
    x = _number(value)
    if x is None:
        return DASH
    text = f"{int(x):,}" if x == x.to_integral_value() else f"{x:,.2f}"
    return f"{text} {unit}" if unit else text


@register.filter
def share(value, digits: int = 1):
    """A share between 0 and 1 as a percentage: 0.786 → 78.6%."""
    x = _number(value)
    return DASH if x is None else f"{100 * x:,.{int(digits)}f}%"


@register.filter
def percent(value, digits: int = 2):
    """A value already in percent: 78.6 → 78.60%."""
    x = _number(value)
    return DASH if x is None else f"{x:,.{int(digits)}f}%"


@register.filter
def change(value, digits: int = 1):
    """A change in percent, always signed: +12.3%, −4.0%."""
    x = _number(value)
    return DASH if x is None else f"{x:+,.{int(digits)}f}%"
