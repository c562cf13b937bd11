"""What changed in a contract's workbooks: history records (simple-history) in French.

Reads only. Who, when, what, and each changed field before → after; at most ``HISTORY_LIMIT``
changes, so the work per request stays bounded.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from cotri.templatetags.french import date_fr
from indicators.models import Objective
from indicators.workbook import ITEMS

HISTORY_LIMIT = 100


@dataclass
class Change:
    """One history record, as a reader sees it."""

    when: datetime.datetime
    who: str
    objective: str  # objective code
    what: str  # « Action « Guichet unique » ajoutée »
    details: list[tuple[str, str, str]]  # (field label, before, after)


def _display(record, field_name: str) -> str:
    value = getattr(record, field_name)
    getter = getattr(record, f"get_{field_name}_display", None)
    if getter is not None and value not in (None, ""):
        return str(getter())
    if isinstance(value, list):
        return " ; ".join(str(v) for v in value)
    if isinstance(value, datetime.date):
        return date_fr(value)
    return "" if value is None else str(value)


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return "import ou système"
    return user.get_full_name() or user.get_username()


def _changes_of(model, label: str, fields: tuple[str, ...], records) -> list[Change]:
    changes = []
    for record in records:
        name = _display(record, fields[0])
        verbs = {"+": "ajouté", "~": "modifié", "-": "retiré"}
        verb = verbs[record.history_type] + ("e" if label in ("action",) else "")
        details = []
        previous = record.prev_record if record.history_type == "~" else None
        for field_name in fields:
            before = _display(previous, field_name) if previous else ""
            after = _display(record, field_name) if record.history_type != "-" else ""
            if record.history_type == "+" and not after:
                continue
            if record.history_type == "~" and before == after:
                continue
            verbose = model._meta.get_field(field_name).verbose_name
            details.append((str(verbose), before, after))
        if record.history_type == "~" and not details:
            continue  # a reorder only
        changes.append(
            Change(
                when=record.history_date,
                who=_who(record),
                objective=record.objective.code,
                what=f"{label.capitalize()} « {name} » {verb}",
                details=details,
            )
        )
    return changes


def workbook_changes(*, contract, since: datetime.datetime | None = None) -> list[Change]:
    """The latest changes to the workbooks of ``contract``'s objectives (newest first, at most
    ``HISTORY_LIMIT``), after ``since`` when given. A constant number of queries per kind."""
    changes: list[Change] = []
    objectives = Objective.history.filter(contract_id=contract.pk).select_related("history_user")
    if since is not None:
        objectives = objectives.filter(history_date__gt=since)
    for record in objectives.order_by("-history_date")[:HISTORY_LIMIT]:
        previous = record.prev_record if record.history_type == "~" else None
        if previous is not None and previous.findings == record.findings:
            continue  # an officer's change to the contract itself (code, title…): not the workbook
        changes.append(
            Change(
                when=record.history_date,
                who=_who(record),
                objective=record.code,
                what="État des lieux modifié" if previous else "Objectif créé",
                details=[
                    (
                        "état des lieux",
                        _display(previous, "findings") if previous else "",
                        _display(record, "findings"),
                    )
                ],
            )
        )
    for model, fields, label in ITEMS.values():
        records = model.history.filter(objective__contract_id=contract.pk).select_related(
            "history_user", "objective"
        )
        if since is not None:
            records = records.filter(history_date__gt=since)
        records = records.order_by("-history_date")[:HISTORY_LIMIT]
        changes += _changes_of(model, label, fields, records)
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:HISTORY_LIMIT]
