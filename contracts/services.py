"""Writes on contracts: lifecycle transitions, each logged with who and when."""

from django.core.exceptions import ValidationError
from django.db import transaction

from contracts.enums import CONTRACT_TRANSITIONS, ContractStatus
from contracts.models import Contract, ContractTransition


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
