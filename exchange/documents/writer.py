"""Writes of one checked contract document (see ``importer`` for the all-or-nothing batch).

Rows are matched and updated in place so that simple-history keeps who changed what: objectives
and indicators by code, tranches by (year, label), progress entries by (indicator, date),
documents by (kind, title). Lists that carry no history (workbook, signatories, governance,
amendments) are replaced as a whole when the document gives them.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from contracts.models import (
    Amendment,
    Contract,
    ContractDocument,
    ContractTransition,
    GovernanceBody,
    Signatory,
)
from contracts.services import contract_set_status
from exchange.documents.checks import CheckedDocument, Path
from funding.models import Funder, Tranche
from funding.services import contract_tranches_from_programme
from indicators.enums import EntrySource, EntryStatus
from indicators.models import (
    Action,
    Actor,
    EntryTransition,
    Indicator,
    Means,
    Objective,
    ProgressEntry,
)
from territories.services import groupement_save

IMPORT_NOTE = "Import d'un document de contrat"


class WriteError(Exception):
    """A write refused by another app's service, told as (JSON path, message) pairs."""

    def __init__(self, errors: list[tuple[Path, str]]):
        super().__init__(errors)
        self.errors = errors


_GROUPEMENT_FIELDS = {
    "code": ["territory", "code"],
    "name": ["territory", "name"],
    "groupement_type": ["territory", "groupement_type"],
    "member_codes": ["territory", "members"],
}


def _save_groupement(checked: CheckedDocument, by):
    data = checked.document["territory"]
    try:
        return groupement_save(
            code=data["code"],
            name=data["name"],
            groupement_type=checked.groupement_type,
            member_codes=data["members"],
            by=by,
        )
    except ValidationError as exc:
        errors: list[tuple[Path, str]] = []
        if hasattr(exc, "error_dict"):
            for key, messages in exc.message_dict.items():
                path = _GROUPEMENT_FIELDS.get(key, ["territory"])
                errors.extend((path, message) for message in messages)
        else:
            errors.extend((["territory"], message) for message in exc.messages)
        raise WriteError(errors) from exc


def _assign(instance, values: dict[str, Any]) -> bool:
    """Set ``values`` on ``instance``; True when something changed (or the row is new)."""
    changed = instance.pk is None
    for name, value in values.items():
        field = instance._meta.get_field(name)
        if field.is_relation:
            # Compare keys: reading an unset foreign key of a new row would raise. The key is the
            # target field's (a funder's code, not its pk).
            current = getattr(instance, field.attname)
            key = getattr(value, field.target_field.attname) if value is not None else None
            differs = current != key
        else:
            differs = getattr(instance, name) != value
        if differs:
            setattr(instance, name, value)
            changed = True
    return changed


def _save(instance, by, values: dict[str, Any]) -> bool:
    """Save ``instance`` with ``values`` only if it changes, so history records real changes."""
    if not _assign(instance, values):
        return False
    _persist(instance, by)
    return True


def _persist(instance, by) -> None:
    if by is not None:
        instance._history_user = by
    instance._change_reason = IMPORT_NOTE
    instance.save()


def _delete(instance, by) -> None:
    if by is not None:
        instance._history_user = by
    instance._change_reason = IMPORT_NOTE
    instance.delete()


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def document_write(checked: CheckedDocument, *, by) -> Contract:
    """Create or update the contract of a checked document; returns it."""
    document = checked.document
    territory = checked.territory or _save_groupement(checked, by)
    population = document["population"]
    values: dict[str, Any] = {
        "programme": checked.programme,
        "territory": territory,
        "title": document["title"],
        "holder": document["holder"],
        "signed_on": _date(document["signed_on"]),
        "start": _date(document["start"]),
        "end": _date(document["end"]),
        "population": population["value"] if population else None,
        "population_vintage": population["vintage"] if population else None,
        "published": document["published"],
    }
    for key in ("summary", "data_notes", "holder_siret"):
        if key in document:
            values[key] = document[key]
    rule = document.get("bonus_rule")
    if rule is not None:
        values.update(
            bonus_per_inhabitant=Decimal(rule["per_inhabitant"]),
            bonus_objective_threshold=Decimal(rule["objective_threshold"]),
            bonus_priority_threshold=Decimal(rule["priority_threshold"]),
            bonus_priority_count=rule["priority_count"],
            bonus_cap=_decimal(rule["cap"]),
            bonus_mode=rule["mode"],
        )

    contract = checked.contract
    if contract is None:
        contract = Contract(reference=document["reference"], status=document["status"])
        if rule is None:
            contract.copy_rule_from(checked.programme)
        _save(contract, by, values)
        ContractTransition.objects.create(
            contract=contract, from_status="", to_status=contract.status, by=by, note=IMPORT_NOTE
        )
    else:
        _save(contract, by, values)
        if contract.status != document["status"]:
            contract = contract_set_status(
                contract=contract, to_status=document["status"], by=by, note=IMPORT_NOTE
            )

    if "tranches" in document:
        _write_tranches(contract, document["tranches"], checked.funders, by)
    elif checked.contract is None:  # omitted on creation: the programme's defaults apply
        contract_tranches_from_programme(contract=contract, by=by)
    indicators = _write_objectives(checked, contract, by)
    if "progress" in document:
        _write_progress(contract, document["progress"], indicators, by)
    _write_contract_children(contract, document)
    return contract


def _write_tranches(
    contract: Contract, tranches: list[dict[str, Any]], funders: dict[int, Funder], by
) -> None:
    """``funders``: each tranche's funder, resolved by the checks (code or official name)."""
    existing = {(t.year, t.label): t for t in Tranche.objects.filter(contract=contract)}
    for order, data in enumerate(tranches):
        tranche = existing.pop((data["year"], data["label"]), None) or Tranche(
            contract=contract, year=data["year"], label=data["label"]
        )
        _save(
            tranche,
            by,
            {
                "funder": funders[order],
                "kind": data["kind"],
                "planned_amount": _decimal(data.get("amount")),
                "order": order,
            },
        )
    for tranche in existing.values():  # checks refused removing requested or paid ones
        _delete(tranche, by)


def _write_objectives(
    checked: CheckedDocument, contract: Contract, by
) -> dict[tuple[str, str], Indicator]:
    """Objectives and indicators matched by code and updated in place; returns the indicators."""
    existing = {o.code: o for o in Objective.objects.filter(contract=contract)}
    existing_indicators: dict[int, dict[str, Indicator]] = defaultdict(dict)
    for indicator in Indicator.objects.filter(objective__contract=contract):
        existing_indicators[indicator.objective_id][indicator.code] = indicator
    result: dict[tuple[str, str], Indicator] = {}
    for order, data in enumerate(checked.document["objectives"]):
        objective = existing.pop(data["code"], None) or Objective(
            contract=contract, code=data["code"]
        )
        values = {
            "incontournable": checked.incontournables[data["incontournable"]],
            "title": data["title"],
            "priority": data["priority"],
            "order": order,
        }
        for key in ("notes", "findings", "links"):
            if key in data:
                values[key] = data[key]
        _save(objective, by, values)
        indicators = existing_indicators.pop(objective.pk, {})
        for position, item in enumerate(data["indicators"]):
            indicator = indicators.pop(item["code"], None) or Indicator(
                objective=objective, code=item["code"]
            )
            values = {
                "label": item["label"],
                "unit": item["unit"],
                "kind": item["kind"],
                "direction": item["direction"],
                "accumulation": item["accumulation"],
                "baseline": Decimal(item["baseline"]),
                "target": Decimal(item["target"]),
                "order": position,
            }
            if "definition" in item:
                values["definition"] = checked.definitions.get(item["definition"] or "")
            _save(indicator, by, values)
            result[(objective.code, indicator.code)] = indicator
        for indicator in indicators.values():  # checks refused removing ones with entries
            _delete(indicator, by)
        _write_workbook(objective, data)
    for objective in existing.values():
        for indicator in existing_indicators.pop(objective.pk, {}).values():
            _delete(indicator, by)
        _delete(objective, by)
    return result


def _write_workbook(objective: Objective, data: dict[str, Any]) -> None:
    """Actions, actors and means: replaced as a whole when the document gives them."""
    if "actions" in data:
        Action.objects.filter(objective=objective).delete()
        Action.objects.bulk_create(
            Action(
                objective=objective,
                title=item["title"],
                lead=item.get("lead", ""),
                status=item["status"],
                scheme=item.get("scheme", ""),
                order=order,
            )
            for order, item in enumerate(data["actions"])
        )
    if "actors" in data:
        Actor.objects.filter(objective=objective).delete()
        Actor.objects.bulk_create(
            Actor(
                objective=objective,
                organisation=item["organisation"],
                role=item["role"],
                quadrant=item.get("quadrant", ""),
                order=order,
            )
            for order, item in enumerate(data["actors"])
        )
    if "means" in data:
        Means.objects.filter(objective=objective).delete()
        Means.objects.bulk_create(
            Means(
                objective=objective,
                kind=item["kind"],
                organisation=item["organisation"],
                detail=item.get("detail", ""),
                order=order,
            )
            for order, item in enumerate(data["means"])
        )


_SUBMITTED = {EntryStatus.SUBMITTED, EntryStatus.VALIDATED, EntryStatus.RETURNED}
_REVIEWED = {EntryStatus.VALIDATED, EntryStatus.RETURNED}


def _write_progress(
    contract: Contract,
    progress: list[dict[str, Any]],
    indicators: dict[tuple[str, str], Indicator],
    by,
) -> None:
    """Entries matched by (indicator, date), the n-th of the document with the n-th stored.

    Stored entries the document no longer lists are deleted when a document created them;
    entries typed on the platform are kept.
    """
    stored: dict[tuple[int, Any], list[ProgressEntry]] = defaultdict(list)
    for entry in ProgressEntry.objects.for_contract(contract).order_by("pk"):
        stored[(entry.indicator_id, entry.date)].append(entry)
    now = timezone.now()
    for data in progress:
        indicator = indicators[(data["objective"], data["indicator"])]
        day = _date(data["date"])
        matches = stored.get((indicator.pk, day))
        entry = matches.pop(0) if matches else None
        status = data["status"]
        values: dict[str, Any] = {
            "value": Decimal(data["value"]),
            "status": status,
            "comment": data.get("comment", ""),
        }
        if entry is None:
            entry = ProgressEntry(
                indicator=indicator, date=day, source=EntrySource.DOCUMENT, author=by
            )
            previous = ""
        else:
            previous = entry.status
        if previous != status:
            if status in _SUBMITTED and entry.submitted_at is None:
                values["submitted_at"] = now
            if status in _REVIEWED:
                values.update(reviewer=by, reviewed_at=now)
        if _assign(entry, values):
            if entry.pk is not None:
                entry.version += 1
            _persist(entry, by)
        if previous != status:
            EntryTransition.objects.create(
                entry=entry, from_status=previous, to_status=status, by=by, note=IMPORT_NOTE
            )
    for leftovers in stored.values():
        for entry in leftovers:
            if entry.source == EntrySource.DOCUMENT:
                _delete(entry, by)


def _write_contract_children(contract: Contract, document: dict[str, Any]) -> None:
    """Signatories, governance, documents and amendments: replaced when the document gives them."""
    if "signatories" in document:
        Signatory.objects.filter(contract=contract).delete()
        Signatory.objects.bulk_create(
            Signatory(
                contract=contract,
                organisation=item["organisation"],
                person=item.get("person", ""),
                role=item.get("role", ""),
                order=order,
            )
            for order, item in enumerate(document["signatories"])
        )
    if "governance" in document:
        GovernanceBody.objects.filter(contract=contract).delete()
        GovernanceBody.objects.bulk_create(
            GovernanceBody(
                contract=contract,
                kind=item["kind"],
                name=item.get("name", ""),
                role=item.get("role", ""),
                members=item.get("members", []),
                order=order,
            )
            for order, item in enumerate(document["governance"])
        )
    if "documents" in document:
        # Matched by (kind, title) so that a file uploaded in the admin stays attached.
        rows = ContractDocument.objects.filter(contract=contract)
        existing = {(row.kind, row.title): row for row in rows}
        for item in document["documents"]:
            row = existing.pop((item["kind"], item["title"]), None) or ContractDocument(
                contract=contract, kind=item["kind"], title=item["title"]
            )
            if _assign(row, {"dated": _date(item.get("date")), "url": item.get("url", "")}):
                row.save()
        for row in existing.values():
            row.delete()
    if "amendments" in document:
        Amendment.objects.filter(contract=contract).delete()
        Amendment.objects.bulk_create(
            Amendment(
                contract=contract,
                number=item["number"],
                signed_on=_date(item["signed_on"]),
                summary=item["summary"],
            )
            for item in document["amendments"]
        )
