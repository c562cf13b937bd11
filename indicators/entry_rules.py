"""The write rules every progress entry obeys, whatever the door (form, API, file, document, admin).

- **One value per indicator and date.** The database enforces it (``entry_indicator_date_unique``);
  the doors check it first to give a French message, and serialise writes per indicator
  (``lock_indicators``) so that two concurrent writers of the same date meet: the second one
  updates in place (imports) or is refused (« une valeur existe déjà au 31/12/2022 :
  modifiez-la »), never inserts a second row.
- **A value's date lies within its contract's period** (start to end, as amended: the contract's
  ``start`` and ``end`` fields, which an amendment changes) **and not after today** (Paris):
  « date hors de la période du contrat (01/01/2024 – 31/12/2026) ».

The functions return the message (for the file import, which collects one per row) or raise a
``ValidationError`` keyed by field (``{"date": [...]}``: the form puts it under the field, the API
answers 422 with ``champ: "date"``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from french.output import format_date as date_fr
from indicators.models import Indicator, ProgressEntry

UNIQUE_CONSTRAINT = "entry_indicator_date_unique"


def duplicate_message(date: datetime.date) -> str:
    """« une valeur existe déjà au 31/12/2022 : modifiez-la »."""
    return f"une valeur existe déjà au {date_fr(date)} : modifiez-la"


def date_error(*, contract, date: datetime.date, today: datetime.date | None = None) -> str | None:
    """The refusal of ``date`` for a value of ``contract``, or None when the date is allowed.

    Allowed: ``contract.start <= date <= contract.end`` (a missing bound does not limit) and
    ``date <= today`` (today in Europe/Paris by default).
    """
    today = today or timezone.localdate()
    start, end = contract.start, contract.end
    if (start is None or date >= start) and (end is None or date <= end) and date <= today:
        return None
    period = f"({date_fr(start) if start else '…'} – {date_fr(end) if end else '…'})"
    message = f"date hors de la période du contrat {period}"
    if (start is None or date >= start) and (end is None or date <= end):
        message += f" : une valeur ne peut pas être datée après aujourd'hui ({date_fr(today)})"
    return message


def check_entry(
    *, indicator: Indicator, date: datetime.date, exclude_pk: int | None = None
) -> None:
    """Raise ``ValidationError({"date": [...]})`` unless ``date`` is free and within the period.

    ``exclude_pk``: the entry being changed (its own date is not a duplicate).
    """
    message = date_error(contract=indicator.objective.contract, date=date)
    if message is None:
        taken = ProgressEntry.objects.filter(indicator_id=indicator.pk, date=date)
        if exclude_pk is not None:
            taken = taken.exclude(pk=exclude_pk)
        if taken.exists():
            message = duplicate_message(date)
    if message is not None:
        raise ValidationError({"date": [message]}, code="entry_date")


def lock_indicators(indicator_ids: Iterable[int]) -> None:
    """Lock the indicators' rows until the transaction ends (PostgreSQL; no-op on SQLite).

    Every writer of entries takes these locks first, in id order: two writers of the same
    indicator run one after the other, and the second one sees the first one's entries.
    """
    ids = sorted(set(indicator_ids))
    if ids:
        list(Indicator.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))


def is_duplicate_error(error: IntegrityError) -> bool:
    """Whether the database refused a second entry for the same indicator and date."""
    text = str(error)
    return UNIQUE_CONSTRAINT in text or (
        "UNIQUE constraint failed" in text and "indicator_id" in text and ".date" in text
    )
