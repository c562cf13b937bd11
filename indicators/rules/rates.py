"""Rules of one indicator: level, pending value, rate, missing value, projection."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, localcontext

from .values import (
    CONTEXT,
    ZERO,
    Accumulation,
    Direction,
    EntryStatus,
    EntryValue,
    IndicatorSpec,
    Kind,
    as_date,
    as_decimal,
)


def _order_key(entry: EntryValue) -> tuple[date, bool, datetime]:
    # Latest date first, then latest validation; an entry never validated loses a tie.
    return (entry.date, entry.validated_at is not None, entry.validated_at or datetime.min)


def _aggregate(
    spec: IndicatorSpec, entries: Iterable[EntryValue], as_of: date, status: EntryStatus
) -> Decimal | None:
    counted = [e for e in entries if e.status == status and e.date <= as_of]
    if not counted:
        return None
    if spec.accumulation is Accumulation.SUM:
        with localcontext(CONTEXT):
            return sum((e.value for e in counted), ZERO)
    latest = counted[0]
    for entry in counted[1:]:  # on a complete tie, the later entry in the input wins
        if _order_key(entry) >= _order_key(latest):
            latest = entry
    return latest.value


def indicator_level(spec: IndicatorSpec, entries: Iterable[EntryValue], as_of: date) -> Decimal:
    """Level reached at ``as_of`` from validated entries dated on or before it."""
    total = _aggregate(spec, entries, as_date(as_of, "as_of"), EntryStatus.VALIDATED)
    if total is None:
        return spec.baseline
    if spec.accumulation is Accumulation.SUM:
        with localcontext(CONTEXT):
            return spec.baseline + total
    return total


def indicator_pending(
    spec: IndicatorSpec, entries: Iterable[EntryValue], as_of: date
) -> Decimal | None:
    """Sum (``sum``) or latest value (``latest``) of submitted entries: shown, never counted."""
    return _aggregate(spec, entries, as_date(as_of, "as_of"), EntryStatus.SUBMITTED)


def indicator_level_with_pending(
    spec: IndicatorSpec, entries: Iterable[EntryValue], as_of: date
) -> Decimal:
    """Level at ``as_of`` if the submitted entries were validated as they stand (``sum``: added
    to the validated ones; ``latest``: a later submitted value replaces the validated one)."""
    counted = [
        EntryValue(e.value, e.date, EntryStatus.VALIDATED, e.validated_at)
        for e in entries
        if e.status in (EntryStatus.VALIDATED, EntryStatus.SUBMITTED)
    ]
    return indicator_level(spec, counted, as_of)


def indicator_problem(spec: IndicatorSpec) -> str | None:
    """French description of what makes the indicator impossible to rate, or None."""
    if spec.kind is Kind.MILESTONE:
        if spec.target <= 0:
            return "la cible d'un jalon doit être strictement positive"
        return None
    if spec.target == spec.baseline:
        return "la cible est égale à la valeur de référence"
    if spec.direction is Direction.INCREASE and spec.target < spec.baseline:
        return "la cible d'un indicateur à la hausse est inférieure à la valeur de référence"
    if spec.direction is Direction.DECREASE and spec.target > spec.baseline:
        return "la cible d'un indicateur à la baisse est supérieure à la valeur de référence"
    return None


def _span_and_progress(spec: IndicatorSpec, level: Decimal) -> tuple[Decimal, Decimal]:
    problem = indicator_problem(spec)
    if problem is not None:
        raise ValueError(f"{spec.code} : {problem}")
    with localcontext(CONTEXT):
        if spec.kind is Kind.MILESTONE:
            return spec.target, level
        if spec.direction is Direction.INCREASE:
            return spec.target - spec.baseline, level - spec.baseline
        return spec.baseline - spec.target, spec.baseline - level


def indicator_rate(spec: IndicatorSpec, level: Decimal) -> Decimal:
    """Exact achievement rate, never below 0, may exceed 1; ValueError if misconfigured."""
    span, progress = _span_and_progress(spec, as_decimal(level, "level"))
    with localcontext(CONTEXT):
        return max(ZERO, progress / span)


def indicator_missing(spec: IndicatorSpec, level: Decimal, threshold: Decimal) -> Decimal:
    """Value still needed (in the indicator's unit) for the rate to reach ``threshold``."""
    span, progress = _span_and_progress(spec, as_decimal(level, "level"))
    with localcontext(CONTEXT):
        return max(ZERO, as_decimal(threshold, "threshold") * span - progress)


def projected_rate(
    spec: IndicatorSpec,
    rate: Decimal,
    *,
    as_of: date,
    start: date,
    end: date,
    level: Decimal | None = None,
) -> Decimal:
    """Rate at ``end`` if progress since ``start`` goes on at the same pace (linear in days).

    Before start or from the end on, there is no pace to extrapolate: the current rate. A
    milestone is done or not, so its projection is its current rate as well. Given the ``level``
    the rate comes from, the projection is one division of exact products: the rate is already
    rounded toward -inf, and carrying it on would project a pace that exactly reaches the target
    (2 of 3 after 2 days of 3) at 99.99…%, below a 100 % threshold.
    """
    rate = as_decimal(rate, "rate")
    as_of, start, end = (as_date(d, "date") for d in (as_of, start, end))
    if spec.kind is Kind.MILESTONE or not start < as_of < end:
        return rate
    total, elapsed = (end - start).days, (as_of - start).days
    if level is None:
        with localcontext(CONTEXT):
            return rate * total / elapsed
    span, progress = _span_and_progress(spec, as_decimal(level, "level"))
    with localcontext(CONTEXT):
        return max(ZERO, progress * total / (span * elapsed))
