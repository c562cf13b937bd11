"""French display of rates and amounts, as the rules' reasons and the evaluation JSON spell them.

The formatting itself lives in ``french.output`` (one module for every French output); the names
here stay for the rules and their callers. Percentages use a plain space before ``%``; amounts use
U+202F between thousands and U+00A0 before ``€``.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal, localcontext

from french.output import EURO_SEP, THOUSANDS_SEP
from french.output import format_euros as format_euros_fr
from french.output import format_rate as format_rate_fr
from french.output import format_threshold as format_threshold_fr

from .values import CONTEXT, as_decimal

__all__ = [
    "EURO_SEP",
    "THOUSANDS_SEP",
    "format_euros_fr",
    "format_rate_fr",
    "format_threshold_fr",
    "rate_for_output",
]


def rate_for_output(rate: Decimal) -> Decimal:
    """Rate rounded down to 4 decimals, as written in the evaluation JSON."""
    with localcontext(CONTEXT):
        return as_decimal(rate, "rate").quantize(Decimal("0.0001"), rounding=ROUND_FLOOR)
