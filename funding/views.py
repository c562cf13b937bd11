"""JSON API of evaluations: ``GET /api/contracts/<reference>/evaluation[?as_of=YYYY-MM-DD]``."""

from datetime import date

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from contracts.models import Contract
from funding.evaluations import (
    contract_evaluate,
    contract_evaluation_preview,
    default_as_of,
    evaluation_to_json,
)

JSON_OPTIONS = {"ensure_ascii": False}


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"erreur": message}, status=status, json_dumps_params=JSON_OPTIONS)


def _visible_contract(request, reference: str) -> Contract | None:
    """Published contracts for everyone; officers (staff) also see the unpublished ones."""
    contracts = Contract.objects.all()
    if not request.user.is_staff:
        contracts = contracts.published()
    return contracts.filter(reference=reference).first()


@require_GET
def contract_evaluation(request, reference: str):
    """The contract's evaluation at ``as_of`` (default: the earlier of today and its end).

    The snapshot of the current data is fetched, or computed and stored. An anonymous request
    for another date is answered without storing anything, so that nobody can fill the table
    with arbitrary dates; officers' requests store the snapshot.
    """
    contract = _visible_contract(request, reference)
    if contract is None:
        return _error(f"Contrat introuvable : « {reference} ».", 404)
    as_of = None
    if "as_of" in request.GET:
        try:
            as_of = date.fromisoformat(request.GET["as_of"])
        except ValueError:
            return _error(
                "Paramètre « as_of » invalide : date attendue au format AAAA-MM-JJ "
                "(par exemple 2023-12-31).",
                400,
            )
    default = as_of is None or as_of == default_as_of(contract, timezone.localdate())
    if request.user.is_staff or default:
        evaluation = contract_evaluate(contract=contract, as_of=as_of)
    else:
        evaluation = contract_evaluation_preview(contract=contract, as_of=as_of)
    return JsonResponse(evaluation_to_json(evaluation), json_dumps_params=JSON_OPTIONS)
