"""French formats for templates: 422 371 €, 81,3 %, 31/12/2023, 1 234,5, 30/11/2026 à 00:03.

Thin filters over ``french.output`` (the one module that formats French output). Every filter
prints « — » for an unknown value (``None`` or empty). Dates of instants are in Europe/Paris.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import template
from django.utils.safestring import mark_safe

from french import output

register = template.Library()


def _known(value) -> bool:
    return value is not None and value != ""


def _decimal(value) -> Decimal | int:
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return value
    return Decimal(str(value))


@register.filter
def euros(value) -> str:
    """« 422 371 € »; « — » when unknown."""
    return output.format_euros(_decimal(value)) if _known(value) else output.EMPTY


@register.filter
def rate(value) -> str:
    """« 81,3 % » (rounded down, so a failing rate never shows as passing)."""
    return output.format_rate(_decimal(value)) if _known(value) else output.EMPTY


@register.filter
def threshold(value) -> str:
    """« 60 % », « 100 % »."""
    return output.format_threshold(_decimal(value)) if _known(value) else output.EMPTY


def number_fr(value) -> str:
    """« 1 234,5 »: French grouping, no trailing zeros."""
    return output.format_number(_decimal(value)) if _known(value) else output.EMPTY


register.filter("number", number_fr)


@register.filter
def agree(count, words: str) -> str:
    """The word agreeing with ``count`` the French way (0 and 1 singular): ``{{ n|agree:"ligne" }}``
    gives « ligne » or « lignes »; ``{{ n|agree:"attend,attendent" }}`` for irregular words."""
    singular, _, plural = words.partition(",")
    return output.agree(int(count or 0), singular, plural or None)


@register.filter
def year(value) -> str:
    """« 2021 »: years, codes and ids are never grouped."""
    return output.format_year(_decimal(value)) if _known(value) else output.EMPTY


@register.filter
def date_fr(value) -> str:
    """« 31/12/2023 » (an instant is dated in Europe/Paris); « — » when unknown."""
    if not value:
        return output.EMPTY
    return output.format_date(value)


@register.filter
def datetime_fr(value) -> str:
    """« 30/11/2026 à 00:03 » in Europe/Paris (a date alone prints « 30/11/2026 »)."""
    if not value:
        return output.EMPTY
    if not isinstance(value, datetime.datetime):
        return output.format_date(value)
    return output.format_datetime(value)


@register.filter
def css_string(value) -> str:
    """Text for a CSS ``content: "…"`` string (PDF running headers): quotes, backslashes and
    line breaks escaped the CSS way, angle brackets too so that it cannot close a <style>."""
    text = str(value)
    for char in ("\\", '"', "\n", "\r", "<", ">"):
        text = text.replace(char, f"\\{ord(char):x} ")
    return mark_safe(text)  # noqa: S308 - <style> is raw text: HTML escapes would show as is
