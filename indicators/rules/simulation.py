"""« Et si… » : the entries that would give an indicator a hypothetical level.

The simulator never computes a rate itself: it replaces an indicator's validated entries with
the one validated entry that gives the typed level, then the same ``evaluate`` runs. So the
simulated verdict and amount are, by construction, what an evaluation would give once entries
bringing the indicator to that level are validated.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, localcontext

from .values import (
    CONTEXT,
    Accumulation,
    EntryStatus,
    EntryValue,
    IndicatorSpec,
    as_date,
    as_decimal,
)


def entries_for_level(spec: IndicatorSpec, level: Decimal, *, as_of: date) -> tuple[EntryValue]:
    """The single validated entry (dated ``as_of``) whose level is ``level``.

    ``sum``: one increment of ``level − baseline``; ``latest``: one value ``level``.
    ValueError (French message) when no valid entry gives that level: a negative level, or a
    ``sum`` level below the baseline (increments are never negative).
    """
    level = as_decimal(level, "level")
    as_of = as_date(as_of, "as_of")
    if level < 0:
        raise ValueError("la valeur doit être positive ou nulle")
    if spec.accumulation is Accumulation.SUM:
        if level < spec.baseline:
            raise ValueError(
                "le niveau d'un indicateur cumulé ne peut pas être inférieur à sa valeur "
                "de référence"
            )
        with localcontext(CONTEXT):
            value = level - spec.baseline
    else:
        value = level
    return (EntryValue(value, as_of, EntryStatus.VALIDATED),)


def entries_with_level(
    spec: IndicatorSpec, entries: Iterable[EntryValue], level: Decimal, *, as_of: date
) -> tuple[EntryValue, ...]:
    """``entries`` with their validated ones replaced by the hypothetical level (pending kept)."""
    kept = tuple(e for e in entries if e.status != EntryStatus.VALIDATED)
    return kept + entries_for_level(spec, level, as_of=as_of)
