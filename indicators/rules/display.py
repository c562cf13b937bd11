"""French display of rates and amounts.

Percentages use a plain space before ``%`` (as the evaluation JSON spells its reasons); amounts use
U+202F (narrow no-break space) between thousands and U+00A0 (no-break space) before ``€``.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal, localcontext

from .values import CONTEXT, ONE, as_decimal, to_cents

THOUSANDS_SEP = "\u202f"  # narrow no-break space, French thousands separator
EURO_SEP = "\u00a0"  # no-break space before the euro sign


def rate_for_output(rate: Decimal) -> Decimal:
    """Rate rounded down to 4 decimals, as written in the evaluation JSON."""
    with localcontext(CONTEXT):
        return as_decimal(rate, "rate").quantize(Decimal("0.0001"), rounding=ROUND_FLOOR)


def _group(digits: str) -> str:
    groups = []
    while len(digits) > 3:
        digits, tail = digits[:-3], digits[-3:]
        groups.insert(0, tail)
    return THOUSANDS_SEP.join([digits, *groups])


def _format_fixed(value: Decimal) -> str:
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):f}".partition(".")
    return sign + _group(whole) + ("," + fraction if fraction else "")


def format_rate_fr(rate: Decimal) -> str:
    """« 81,3 % »: rounded DOWN to 0.1 % so that a failing rate never shows as passing."""
    with localcontext(CONTEXT):
        percent = (as_decimal(rate, "rate") * 100).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
    return f"{_format_fixed(percent)} %"


def format_threshold_fr(threshold: Decimal) -> str:
    """« 100 % », « 60 % », « 62,5 % »: a threshold without trailing zeros."""
    with localcontext(CONTEXT):
        percent = as_decimal(threshold, "threshold") * 100
        if percent == percent.to_integral_value():
            percent = percent.quantize(ONE)
    text = _format_fixed(percent)
    if "," in text:
        text = text.rstrip("0")
    return f"{text} %"


def format_euros_fr(amount: Decimal) -> str:
    """« 422 371 € » or « 152 371,50 € »: cents shown only when there are some."""
    cents = to_cents(amount)
    if cents == cents.to_integral_value():
        cents = cents.quantize(ONE)
    return f"{_format_fixed(cents)}{EURO_SEP}€"
