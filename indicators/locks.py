"""Locked periods, checked on every write of a chef de projet's progress entry.

Whether a date is locked is decided above this app (``reporting.locks``: closed campaigns, decided
bonus evaluations, officers' unlocks), which registers its provider when Django starts; the write
path (``indicators.services``, ``exchange.progress_import``, the API through the services) asks
here, so a lower app never imports a higher one. Without a provider nothing is locked.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError

# provider(contract_ids) -> reason(contract_id, date, entry_id) -> French reason or None
LockReason = Callable[[int, datetime.date, int | None], str | None]
_provider: Callable[[Iterable[int]], LockReason] | None = None


def set_lock_provider(provider: Callable[[Iterable[int]], LockReason]) -> None:
    global _provider  # noqa: PLW0603 (one provider, set once at start-up)
    _provider = provider


def lock_checker(contract_ids: Iterable[int]) -> LockReason:
    """The lock reasons of these contracts, loaded once (a constant number of queries)."""
    if _provider is None:
        return lambda contract_id, date, entry_id: None
    return _provider(contract_ids)


def check_entry_unlocked(*, indicator, date: datetime.date, entry=None) -> None:
    """Refuse (``ValidationError``, code ``entry_period_locked``) a chef's write in a locked period.

    ``entry``: the existing entry being changed; its current date must be unlocked too (moving a
    value out of a locked period changes that period).
    """
    contract_id = indicator.objective.contract_id
    reason = lock_checker([contract_id])
    dates = [date] if entry is None or entry.date == date else [entry.date, date]
    for day in dates:
        message = reason(contract_id, day, entry.pk if entry is not None else None)
        if message:
            raise ValidationError(message, code="entry_period_locked")
