"""Writes and reads of an objective's workbook, kept by the territory's chefs de projet.

The workbook is what the territory writes about an objective (domain.md): état des lieux
(``Objective.findings``), actions, actors and means. Every change keeps a history record
(simple-history: who, when, before, after); officers read what changed since their last visit.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from indicators import perms
from indicators.models import Action, Actor, Means, Objective, WorkbookVisit

# name → (model, fields a chef may write, French label of one item)
ITEMS: dict[str, tuple[type, tuple[str, ...], str]] = {
    "actions": (Action, ("title", "lead", "status", "scheme", "starts_on", "ends_on"), "action"),
    "actors": (Actor, ("organisation", "role", "quadrant"), "acteur"),
    "means": (Means, ("kind", "organisation", "detail"), "moyen"),
}


def _save(obj, *, by) -> None:
    obj._history_user = by
    obj.full_clean(exclude=["objective"])
    obj.save()


def _update_items(objective: Objective, name: str, rows: list[dict[str, Any]], *, by) -> None:
    model, fields, label = ITEMS[name]
    existing = {o.pk: o for o in model.objects.select_for_update().filter(objective=objective)}
    order = 0
    for number, row in enumerate(rows, start=1):
        pk = row.get("id")
        if pk is not None and pk not in existing:
            raise ValidationError(
                f"{label.capitalize()} n° {number} : élément inconnu de cet objectif "
                "(rechargez la page)."
            )
        obj = existing.get(pk)
        if row.get("delete"):
            if obj is not None:
                obj._history_user = by
                obj.delete()
            continue
        values = {f: row.get(f) if row.get(f) is not None else "" for f in fields}
        for date_field in ("starts_on", "ends_on"):
            if date_field in values and values[date_field] == "":
                values[date_field] = None
        if obj is None:
            obj = model(objective=objective, order=order, **values)
        elif all(getattr(obj, f) == v for f, v in values.items()) and obj.order == order:
            order += 1
            continue
        else:
            for field_name, value in values.items():
                setattr(obj, field_name, value)
            obj.order = order
        try:
            _save(obj, by=by)
        except ValidationError as exc:
            message = f"{label.capitalize()} n° {number} : {' '.join(exc.messages)}"
            raise ValidationError(message) from None
        order += 1


@transaction.atomic
def objective_workbook_update(
    *,
    objective: Objective,
    by,
    findings: list[str],
    actions: list[dict[str, Any]],
    actors: list[dict[str, Any]],
    means: list[dict[str, Any]],
) -> Objective:
    """Replace the workbook of ``objective`` with what a chef de projet wrote.

    ``findings``: one line of état des lieux per item (blank lines dropped). ``actions``,
    ``actors``, ``means``: rows in display order, each ``{"id": pk or None, "delete": bool,
    <fields of ITEMS>}``; rows without ``id`` are created, unchanged rows are left alone (no
    history record). All or nothing: ``ValidationError`` (French, naming the item) or
    ``PermissionDenied`` leaves everything as it was. Codes, titles, indicators, targets and
    priority are not touched: they stay the officers'.
    """
    if not perms.can_edit_workbook(by, objective):
        raise PermissionDenied("Seuls les chefs de projet du territoire modifient ce carnet.")
    objective = (
        Objective.objects.select_for_update().select_related("contract").get(pk=objective.pk)
    )
    findings = [line.strip() for line in findings if line.strip()]
    if objective.findings != findings:
        objective.findings = findings
        objective._history_user = by
        objective.save()
    for name, rows in (("actions", actions), ("actors", actors), ("means", means)):
        _update_items(objective, name, rows, by=by)
    return objective


# --- Visits ---------------------------------------------------------------------------------------


def workbook_visit(*, contract, by) -> datetime.datetime | None:
    """Record that ``by`` reads the workbooks now; return their previous visit (None: first)."""
    now = timezone.now()
    visit, created = WorkbookVisit.objects.get_or_create(
        user=by, contract=contract, defaults={"seen_at": now}
    )
    if created:
        return None
    previous = visit.seen_at
    WorkbookVisit.objects.filter(pk=visit.pk).update(seen_at=now)
    return previous
