"""Writes on contracts: lifecycle transitions, each logged with who and when."""

from django.core.exceptions import ValidationError
from django.db import transaction

from contracts.enums import CONTRACT_TRANSITIONS, ContractStatus
from contracts.models import Amendment, Contract, ContractTransition


@transaction.atomic
def contract_set_status(*, contract: Contract, to_status: str, by=None, note: str = "") -> Contract:
    """Move a contract along its lifecycle (draft → signed → active → closed, or terminated)."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    from_status = contract.status
    if to_status == from_status:
        return contract
    if to_status not in CONTRACT_TRANSITIONS.get(from_status, frozenset()):
        raise ValidationError(
            "Passage impossible de « %(from)s » à « %(to)s ».",
            params={
                "from": ContractStatus(from_status).label,
                "to": ContractStatus(to_status).label,
            },
            code="invalid_transition",
        )
    contract.status = to_status
    contract._change_reason = f"Statut : {from_status} → {to_status}"
    if by is not None:
        contract._history_user = by
    contract.save(update_fields=["status", "updated_at"])
    ContractTransition.objects.create(
        contract=contract, from_status=from_status, to_status=to_status, by=by, note=note
    )
    return contract


@transaction.atomic
def amendment_apply(*, amendment: Amendment, by=None) -> Contract:
    """Apply what a saved amendment changes on its contract: today, the reference population.

    The only way to change the population of a signed contract (it is frozen at signature); the
    contract's history records the change with the reason « Avenant n° N ». Does nothing when the
    amendment carries no population or the same one.
    """
    contract = Contract.objects.select_for_update().get(pk=amendment.contract_id)
    if amendment.population is None:
        return contract
    new = (amendment.population, amendment.population_vintage or contract.population_vintage)
    if new == (contract.population, contract.population_vintage):
        return contract
    contract.population, contract.population_vintage = new
    contract._change_reason = f"Avenant n° {amendment.number} : population de référence"
    if by is not None:
        contract._history_user = by
    contract.save(update_fields=["population", "population_vintage", "updated_at"])
    return contract
