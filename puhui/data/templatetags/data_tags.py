"""Number formatting for figures: yuan in 万元/亿元, percentages with their decimals."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def fig(value, unit: str = ""):
    """A figure for reading: 12,345.67 / 1.23亿 / 85.20%."""
    if value is None or value == "":
        return "—"
    x = float(value)
    if unit == "元":
        if abs(x) >= 1e8:
            return f"{x / 1e8:,.2f}亿元"
        if abs(x) >= 1e4:
            return f"{x / 1e4:,.2f}万元"
        return f"{x:,.2f}元"
    if unit == "%":
        return f"{x:,.2f}%"
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}{unit if unit not in {'元·%'} else ''}"
    return f"{x:,.2f}{unit}"


@register.filter
def num(value, places: int = 2):
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{float(value):,.{int(places)}f}"


@register.filter
def signed(value, places: int = 1):
    if value is None:
        return "—"
    return f"{float(value):+,.{int(places)}f}"


@register.filter
def get(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def div100(value):
    return None if value is None else Decimal(int(value)).scaleb(-2)


@register.filter
def mask_id(value):
    from puhui.core.crypto import mask_id_number

    return mask_id_number(value or "")


@register.filter
def level_names(levels):
    """An indicator's levels in words: ["town", "county"] → "镇（街道）、全县"."""
    from puhui.data.models import IndicatorValue

    names = dict(IndicatorValue.Level.choices)
    return "、".join(str(names.get(code, code)) for code in levels or [])
