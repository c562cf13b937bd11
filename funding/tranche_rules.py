"""What a funding tranche may hold (issue 16.3): decided money is frozen, no bonus above its cap.

- Once an evaluation of the contract is decided, the bonus tranche's planned amount is the decided
  amount and nothing else: it changes only through a decision (``funding.evaluations.decide``),
  and the tranche stays a bonus.
- A bonus tranche's planned or paid amount never exceeds the contract's cap (reference population
  × € per inhabitant, limited by the absolute cap: ``contract_bonus_cap``); with no reference
  population the cap is unknown and nothing is compared.

``Tranche.clean`` (every admin form and inline) and ``Tranche.save`` (every other writer: the
contract documents, scripts) ask ``tranche_check``. A database constraint cannot compare with
another table (the contract's population, the decided evaluation), so the model is the gate.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from french.output import format_date
from funding.enums import TrancheKind
from funding.models import Evaluation, Tranche
from funding.services import contract_bonus_cap
from indicators.rules import format_euros_fr


def tranche_errors(*, tranche: Tranche) -> dict[str, str]:
    """French messages by field name (``planned_amount``, ``paid_amount``, ``kind``); ``{}`` if ok.

    At most two queries (the decided evaluation; the stored kind of a tranche no longer a bonus).
    """
    if tranche.contract_id is None:
        return {}
    errors: dict[str, str] = {}
    decided = (
        Evaluation.objects.decided()
        .filter(contract_id=tranche.contract_id)
        .only("bonus_amount", "as_of")
        .first()
    )
    if decided is not None:
        frozen = (
            f"le bonus de ce contrat est décidé ({format_euros_fr(decided.bonus_amount)}, "
            f"évaluation au {format_date(decided.as_of)}) : son montant ne change que par une "
            "nouvelle décision"
        )
        if tranche.kind != TrancheKind.BONUS:
            was_bonus = (
                tranche.pk is not None
                and Tranche.objects.filter(pk=tranche.pk, kind=TrancheKind.BONUS).exists()
            )
            if was_bonus:
                errors["kind"] = frozen.capitalize() + "."
            return errors
        if tranche.planned_amount != decided.bonus_amount:
            errors["planned_amount"] = frozen.capitalize() + "."
    elif tranche.kind != TrancheKind.BONUS:
        return errors
    cap = contract_bonus_cap(contract=tranche.contract)
    if cap is None:
        return errors
    for name in ("planned_amount", "paid_amount"):
        amount = getattr(tranche, name)
        if name not in errors and amount is not None and amount > cap:
            errors[name] = (
                f"{format_euros_fr(amount)} dépasse le plafond du bonus de ce contrat "
                f"({format_euros_fr(cap)} : population de référence × montant par habitant)."
            )
    return errors


def tranche_check(*, tranche: Tranche) -> None:
    """Raise ``ValidationError`` keyed by field when ``tranche_errors`` finds anything."""
    errors = tranche_errors(tranche=tranche)
    if errors:
        raise ValidationError(errors, code="tranche_amount")
