"""What changed in a contract's workbooks: history records (simple-history) in French.

Reads only. Who, when, what, and each changed field before → after; at most ``HISTORY_LIMIT``
changes, so the work per request stays bounded.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
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


def _previous(model, records: list) -> dict[int, object]:
    """history_id → the version just before it of the same object, for the "~" records (one
    query, instead of one ``prev_record`` per record)."""
    changed = [r for r in records if r.history_type == "~"]
    if not changed:
        return {}
    latest = max(r.history_date for r in changed)
    versions: dict[int, list] = defaultdict(list)
    earlier = model.history.filter(id__in={r.id for r in changed}, history_date__lte=latest)
    for version in earlier.order_by("id", "history_date", "history_id"):
        versions[version.id].append(version)
    previous = {}
    for record in changed:
        chain = [v.history_id for v in versions[record.id]]
        position = chain.index(record.history_id) if record.history_id in chain else 0
        if position > 0:
            previous[record.history_id] = versions[record.id][position - 1]
    return previous


def _changes_of(model, label: str, fields: tuple[str, ...], records: list) -> list[Change]:
    changes = []
    before_of = _previous(model, records)
    for record in records:
        name = _display(record, fields[0])
        verbs = {"+": "ajouté", "~": "modifié", "-": "retiré"}
        verb = verbs[record.history_type] + ("e" if label in ("action",) else "")
        details = []
        previous = before_of.get(record.history_id)
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
    ``HISTORY_LIMIT``), after ``since`` when given. Two queries per kind (the records, then the
    versions before the modified ones), whatever the number of changes."""
    changes: list[Change] = []
    objectives = Objective.history.filter(contract_id=contract.pk).select_related("history_user")
    if since is not None:
        objectives = objectives.filter(history_date__gt=since)
    records = list(objectives.order_by("-history_date")[:HISTORY_LIMIT])
    before_of = _previous(Objective, records)
    for record in records:
        previous = before_of.get(record.history_id)
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
        records = list(records.order_by("-history_date")[:HISTORY_LIMIT])
        changes += _changes_of(model, label, fields, records)
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:HISTORY_LIMIT]
