"""Rates and their changes as the monetary pages write them: 4.35%, +0.35 个百分点."""

from django import template

from puhui.core.templatetags.figures import DASH, _number

register = template.Library()


@register.filter
def rate(value, digits: int = 2):
    """An annual rate already in percent: 4.3512 → 4.35%."""
    x = _number(value)
    return DASH if x is None else f"{x:,.{int(digits)}f}%"


@register.filter
def points(value, digits: int = 2):
    """A difference of rates, signed, in percentage points: +0.35 个百分点."""
    x = _number(value)
    return DASH if x is None else f"{x:+,.{int(digits)}f} 个百分点"
