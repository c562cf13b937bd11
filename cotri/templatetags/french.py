"""French formats for templates: 422 371 €, 81,3 %, 31/12/2023, 1 234,5."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import template
from django.utils.safestring import mark_safe

from indicators.rules import THOUSANDS_SEP, format_euros_fr, format_rate_fr, format_threshold_fr

register = template.Library()


@register.filter
def euros(value) -> str:
    """« 422 371 € »; « — » when unknown."""
    if value is None or value == "":
        return "—"
    return format_euros_fr(Decimal(value))


@register.filter
def rate(value) -> str:
    """« 81,3 % » (rounded down, so a failing rate never shows as passing)."""
    if value is None or value == "":
        return "—"
    return format_rate_fr(Decimal(value))


@register.filter
def threshold(value) -> str:
    """« 60 % », « 100 % »."""
    if value is None or value == "":
        return "—"
    return format_threshold_fr(Decimal(value))


def number_fr(value) -> str:
    """« 1 234,5 »: French grouping, no trailing zeros."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    whole_number = value == value.to_integral_value()
    value = value.quantize(Decimal(1)) if whole_number else value.normalize()
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):f}".partition(".")
    groups = []
    while len(whole) > 3:
        whole, tail = whole[:-3], whole[-3:]
        groups.insert(0, tail)
    text = THOUSANDS_SEP.join([whole, *groups])
    return sign + text + ("," + fraction if fraction else "")


register.filter("number", number_fr)


@register.filter
def date_fr(value) -> str:
    """« 31/12/2023 »; « — » when unknown."""
    if not value:
        return "—"
    if isinstance(value, datetime.datetime):
        value = value.date()
    return value.strftime("%d/%m/%Y")


@register.filter
def css_string(value) -> str:
    """Text for a CSS ``content: "…"`` string (PDF running headers): quotes, backslashes and
    line breaks escaped the CSS way, angle brackets too so that it cannot close a <style>."""
    text = str(value)
    for char in ("\\", '"', "\n", "\r", "<", ">"):
        text = text.replace(char, f"\\{ord(char):x} ")
    return mark_safe(text)  # noqa: S308 - <style> is raw text: HTML escapes would show as is
