"""Contracts: list with filters, the contract document, objectives with rates, evaluation."""

from datetime import date

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Query, Router
from ninja.pagination import paginate

from contracts.enums import ContractStatus
from cotri.public.compare import (
    MIN_TERRITORIES,
    PER_INHABITANTS,
    fiche_comparison,
    is_engaged,
)
from exchange.documents.exporter import contract_document_export, plain
from funding.evaluations import (
    contract_evaluation_preview,
    evaluation_to_json,
    evaluation_to_public_json,
)
from indicators.enums import EntryStatus
from indicators.models import IndicatorDefinition, Objective
from indicators.perms import is_officer

from .pagination import Pagination
from .schemas import (
    ComparisonOut,
    ContractDocumentOut,
    ContractSummaryOut,
    ErrorOut,
    EvaluationOut,
    LegacyErrorOut,
    ObjectivesOut,
)
from .visibility import contract_or_404, visible_contracts

router = Router(tags=["Contrats"])
JSON_OPTIONS = {"ensure_ascii": False}


class ContractRow(ContractSummaryOut):
    @staticmethod
    def resolve_programme(obj) -> str:
        return obj.programme.code

    @staticmethod
    def resolve_territory(obj) -> str:
        return obj.territory.code

    @staticmethod
    def resolve_territory_name(obj) -> str:
        return obj.territory.name

    @staticmethod
    def resolve_departement_code(obj) -> str:
        return obj.territory.departement_code

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


@router.get("/", response=list[ContractRow], summary="Contrats")
@paginate(Pagination)
def contract_list(
    request,
    programme: str | None = Query(None, max_length=40, description="Code du programme."),
    departement: str | None = Query(
        None, max_length=3, description="Code du département du territoire (59, 62…)."
    ),
    status: ContractStatus | None = Query(None, description="Statut du contrat."),  # noqa: B008
    territory: str | None = Query(None, max_length=40, description="Code du territoire."),
):
    contracts = visible_contracts(request.user).select_related("programme", "territory")
    if programme:
        contracts = contracts.filter(programme__code=programme)
    if departement:
        contracts = contracts.filter(territory__departement_code=departement)
    if status:
        contracts = contracts.filter(status=status)
    if territory:
        contracts = contracts.filter(territory__code=territory)
    return contracts.order_by("reference")


@router.get(
    "/{reference}",
    response={200: ContractDocumentOut, 404: ErrorOut},
    summary="Document de contrat",
    description=(
        "Le document de contrat (JSON d'`import_contract`). Les lecteurs anonymes n'y voient que "
        "les valeurs validées."
    ),
)
def contract_document(request, reference: str):
    contract = contract_or_404(request.user, reference)
    document = contract_document_export(contract=contract)
    if not is_officer(request.user):
        document["progress"] = [
            entry
            for entry in document.get("progress", [])
            if entry["status"] == EntryStatus.VALIDATED
        ]
    return document


@router.get(
    "/{reference}/objectives",
    response={200: ObjectivesOut, 404: ErrorOut},
    summary="Objectifs et taux d'atteinte",
    description="Taux calculés sur les seules valeurs validées, à la date d'évaluation par défaut.",
)
def contract_objectives(request, reference: str):
    contract = contract_or_404(request.user, reference)
    evaluation = evaluation_to_json(contract_evaluation_preview(contract=contract))
    rates = {o["code"]: o for o in evaluation["objectives"]}
    objectives = (
        Objective.objects.filter(contract=contract)
        .select_related("incontournable")
        .prefetch_related("indicators")
        .order_by("order", "code")
    )
    result = []
    for objective in objectives:
        rated = rates.get(objective.code, {})
        indicator_rates = {i["code"]: i for i in rated.get("indicators", [])}
        result.append(
            {
                "code": objective.code,
                "title": objective.title,
                "incontournable": objective.incontournable.number,
                "priority": objective.priority,
                "rate": rated.get("rate"),
                "threshold": rated.get("threshold"),
                "met": rated.get("met"),
                "indicators": [
                    {
                        "code": indicator.code,
                        "label": indicator.label,
                        "unit": indicator.unit,
                        "kind": indicator.kind,
                        "direction": indicator.direction,
                        "accumulation": indicator.accumulation,
                        "baseline": plain(indicator.baseline),
                        "target": plain(indicator.target),
                        "level": indicator_rates.get(indicator.code, {}).get("level"),
                        "rate": indicator_rates.get(indicator.code, {}).get("rate"),
                    }
                    for indicator in objective.indicators.all()
                ],
            }
        )
    return {"contract": contract.reference, "as_of": evaluation["as_of"], "objectives": result}


@router.get(
    "/{reference}/comparison",
    response={200: ComparisonOut, 404: ErrorOut},
    summary="Comparaison avec les territoires similaires",
    description=(
        "Pour chaque indicateur du catalogue du contrat : niveau validé pour 10 000 habitants, "
        "médiane et rang parmi les territoires du même type engagés dans un contrat publié signé "
        "ou en cours ; disponible à partir de trois territoires (comme sur la fiche)."
    ),
)
def contract_comparison(request, reference: str):
    contract = contract_or_404(request.user, reference)
    definitions = IndicatorDefinition.objects.filter(
        indicators__objective__contract=contract
    ).distinct()
    comparison = fiche_comparison(contract, list(definitions), timezone.localdate())
    rows = comparison.rows if comparison else []
    return {
        "contract": contract.reference,
        "territory_kind": contract.territory.kind,
        "engaged": is_engaged(contract),
        "per_inhabitants": PER_INHABITANTS,
        "minimum_territories": MIN_TERRITORIES,
        "indicators": [
            {
                "definition": row.definition.code,
                "label": row.definition.label,
                "unit": row.definition.unit,
                "available": row.available,
                "value": plain(row.value_shown) if row.available else None,
                "median": plain(row.median_shown) if row.available else None,
                "rank": row.rank if row.available else None,
                "territories": row.count,
                "reason": row.reason or None,
                "demonstration": row.demo,
            }
            for row in rows
        ],
    }


def _legacy_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"erreur": message}, status=status, json_dumps_params=JSON_OPTIONS)


@router.get(
    "/{reference}/evaluation",
    response={200: EvaluationOut, 400: LegacyErrorOut, 404: LegacyErrorOut},
    summary="Évaluation du bonus",
    description=(
        "L'évaluation du bonus de 3e année à `as_of` (par défaut : la plus proche d'aujourd'hui "
        "et de la fin du contrat) : l'instantané enregistré pour les données actuelles, sinon "
        "le même calcul, non enregistré (une lecture n'écrit jamais). Pour le public, une "
        "évaluation en erreur de configuration se lit « Évaluation du bonus non disponible »."
    ),
)
def contract_evaluation(
    request: HttpRequest,
    reference: str,
    as_of: str | None = Query(None, description="Date d'évaluation, AAAA-MM-JJ."),
):
    # Kept byte-compatible with the former plain view (errors under "erreur").
    contract = visible_contracts(request.user).filter(reference=reference).first()
    if contract is None:
        return _legacy_error(f"Contrat introuvable : « {reference} ».", 404)
    day = None
    if as_of is not None:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            return _legacy_error(
                "Paramètre « as_of » invalide : date attendue au format AAAA-MM-JJ "
                "(par exemple 2023-12-31).",
                400,
            )
    # A GET never writes (issue 17): the stored snapshot of the current inputs, or the same
    # evaluation computed and not stored. Snapshots are stored by tasks and officers' actions.
    evaluation = contract_evaluation_preview(contract=contract, as_of=day)
    officer = is_officer(request.user)
    data = evaluation_to_json(evaluation) if officer else evaluation_to_public_json(evaluation)
    return JsonResponse(data, json_dumps_params=JSON_OPTIONS)
