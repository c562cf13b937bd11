"""What each reader may see: officers everything, everyone else published contracts only."""

from ninja.errors import HttpError

from contracts.models import Contract, ContractQuerySet
from indicators.perms import is_officer


def visible_contracts(user) -> ContractQuerySet:
    contracts = Contract.objects.all()
    if is_officer(user):
        return contracts
    return contracts.published()


def contract_or_404(user, reference: str) -> Contract:
    contract = (
        visible_contracts(user)
        .select_related("programme", "territory")
        .filter(reference=reference)
        .first()
    )
    if contract is None:
        raise HttpError(404, f"Contrat introuvable : « {reference} ».")
    return contract
