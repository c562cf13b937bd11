"""Export a contract as a contract document (the JSON that ``import_contract`` reads back).

Keys come in the order of interfaces.md; optional keys are left out when empty. Decimals are
strings written the way interfaces.md writes them: money with 2 decimals ("270000.00"),
thresholds with at least 2 ("0.60", "0.625"), values without useless zeros ("1500", "12.5").
"""

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from contracts.models import Contract, ContractDocument
from funding.models import Tranche
from indicators.models import Indicator, Objective, ProgressEntry
from territories.enums import GroupementType, TerritoryKind
from territories.models import Membership

CENT = Decimal("0.01")


def money(value: Decimal) -> str:
    """270000 → "270000.00"."""
    return f"{value.quantize(CENT):f}"


def rate(value: Decimal) -> str:
    """0.6000 → "0.60", 0.6250 → "0.625", 1 → "1.00"."""
    text = f"{value.normalize():f}"
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"


def plain(value: Decimal) -> str:
    """1500.0000 → "1500", 12.5000 → "12.5", 0 → "0"."""
    if value == value.to_integral_value():
        return f"{value.quantize(Decimal(1)):f}"
    return f"{value.normalize():f}"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    """Set an optional key only when it holds something."""
    if value not in ("", None, [], {}):
        target[key] = value


def contract_document_export(*, contract: Contract) -> dict[str, Any]:
    """The contract document of ``contract``; a fixed number of queries whatever its size."""
    contract = (
        Contract.objects.select_related("programme", "territory")
        .prefetch_related(
            Prefetch(
                "territory__memberships",
                queryset=Membership.objects.select_related("member").order_by("pk"),
            ),
            Prefetch(
                "objectives",
                queryset=Objective.objects.select_related("incontournable").prefetch_related(
                    Prefetch("indicators", queryset=Indicator.objects.select_related("definition")),
                    "actions",
                    "actors",
                    "means",
                ),
            ),
            # Document order (an import stores it); rows made in the admin follow by year.
            Prefetch("tranches", queryset=Tranche.objects.order_by("order", "year", "pk")),
            "signatories",
            "governance",
            Prefetch("documents", queryset=ContractDocument.objects.order_by("pk")),
            "amendments",
        )
        .get(pk=contract.pk)
    )
    document: dict[str, Any] = {
        "reference": contract.reference,
        "programme": contract.programme.code,
        "title": contract.title,
    }
    _put(document, "summary", contract.summary)
    _put(document, "holder_siret", contract.holder_siret)
    document.update(
        {
            "territory": _territory(contract),
            "holder": contract.holder,
            "signed_on": _iso(contract.signed_on),
            "start": _iso(contract.start),
            "end": _iso(contract.end),
            "status": contract.status,
            "published": contract.published,
            "population": (
                None
                if contract.population is None
                else {"value": contract.population, "vintage": contract.population_vintage}
            ),
            "bonus_rule": {
                "per_inhabitant": money(contract.bonus_per_inhabitant),
                "objective_threshold": rate(contract.bonus_objective_threshold),
                "priority_threshold": rate(contract.bonus_priority_threshold),
                "priority_count": contract.bonus_priority_count,
                "cap": None if contract.bonus_cap is None else money(contract.bonus_cap),
                "mode": contract.bonus_mode,
            },
        }
    )
    _put(document, "tranches", [_tranche(tranche) for tranche in contract.tranches.all()])
    objectives = list(contract.objectives.all())
    document["objectives"] = [_objective(objective) for objective in objectives]
    _put(document, "progress", _progress(contract))
    _put(document, "signatories", [_signatory(item) for item in contract.signatories.all()])
    _put(document, "governance", [_governance(item) for item in contract.governance.all()])
    _put(document, "documents", [_document(item) for item in contract.documents.all()])
    _put(
        document,
        "amendments",
        [
            {
                "number": item.number,
                "signed_on": item.signed_on.isoformat(),
                "summary": item.summary,
            }
            for item in contract.amendments.all()
        ],
    )
    _put(document, "data_notes", contract.data_notes)
    return document


def _territory(contract: Contract) -> str | dict[str, Any]:
    territory = contract.territory
    if territory.kind != TerritoryKind.GROUPEMENT:
        return territory.code
    result: dict[str, Any] = {"code": territory.code, "name": territory.name, "kind": "groupement"}
    # "autre" is what an import assumes when the document gives no type: leave it implicit.
    if territory.groupement_type and territory.groupement_type != GroupementType.AUTRE:
        result["groupement_type"] = territory.groupement_type
    result["members"] = [membership.member.code for membership in territory.memberships.all()]
    return result


def _tranche(tranche) -> dict[str, Any]:
    result = {
        "label": tranche.label,
        "year": tranche.year,
        "funder": tranche.funder_id,  # the funder's code
        "kind": tranche.kind,
    }
    if tranche.planned_amount is not None:
        result["amount"] = money(tranche.planned_amount)
    return result


def _objective(objective: Objective) -> dict[str, Any]:
    result: dict[str, Any] = {
        "code": objective.code,
        "incontournable": objective.incontournable.number,
        "priority": objective.priority,
        "title": objective.title,
    }
    _put(result, "notes", objective.notes)
    result["indicators"] = [_indicator(indicator) for indicator in objective.indicators.all()]
    _put(result, "findings", list(objective.findings))
    _put(result, "links", list(objective.links))
    actions = []
    for action in objective.actions.all():
        item = {"title": action.title}
        _put(item, "lead", action.lead)
        item["status"] = action.status
        _put(item, "scheme", action.scheme)
        actions.append(item)
    _put(result, "actions", actions)
    actors = []
    for actor in objective.actors.all():
        item = {"organisation": actor.organisation, "role": actor.role}
        _put(item, "quadrant", actor.quadrant)
        actors.append(item)
    _put(result, "actors", actors)
    means = []
    for row in objective.means.all():
        item = {"kind": row.kind, "organisation": row.organisation}
        _put(item, "detail", row.detail)
        means.append(item)
    _put(result, "means", means)
    return result


def _indicator(indicator: Indicator) -> dict[str, Any]:
    result = {
        "code": indicator.code,
        "label": indicator.label,
        "unit": indicator.unit,
        "kind": indicator.kind,
        "direction": indicator.direction,
        "accumulation": indicator.accumulation,
        "baseline": plain(indicator.baseline),
        "target": plain(indicator.target),
    }
    if indicator.definition is not None:
        result["definition"] = indicator.definition.code
    return result


def _progress(contract: Contract) -> list[dict[str, Any]]:
    entries = (
        ProgressEntry.objects.for_contract(contract)
        .select_related("indicator__objective")
        .order_by(
            "indicator__objective__order",
            "indicator__objective__code",
            "indicator__order",
            "indicator__code",
            "date",
            "pk",
        )
    )
    result = []
    for entry in entries:
        item = {
            "objective": entry.indicator.objective.code,
            "indicator": entry.indicator.code,
            "date": entry.date.isoformat(),
            "value": plain(entry.value),
            "status": entry.status,
        }
        _put(item, "comment", entry.comment)
        result.append(item)
    return result


def _signatory(signatory) -> dict[str, Any]:
    result = {"organisation": signatory.organisation}
    _put(result, "person", signatory.person)
    _put(result, "role", signatory.role)
    return result


def _governance(body) -> dict[str, Any]:
    result: dict[str, Any] = {"kind": body.kind}
    _put(result, "name", body.name)
    _put(result, "role", body.role)
    _put(result, "members", list(body.members))
    return result


def _document(row) -> dict[str, Any]:
    result: dict[str, Any] = {"kind": row.kind, "title": row.title}
    _put(result, "date", _iso(row.dated))
    _put(result, "url", row.url)
    return result
