"""An officer's decision on an evaluation: the bonus tranche gets the evaluated amount."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from french.output import format_date
from funding.enums import TrancheKind, TrancheStatus
from funding.models import Evaluation, EvaluationStatus, Tranche
from indicators.enums import EntryStatus
from indicators.models import ProgressEntry
from indicators.rules import format_euros_fr

from .loading import load_inputs
from .snapshot import fingerprint


def _already_decided(evaluation: Evaluation) -> ValidationError:
    decided = Evaluation.objects.decided().filter(contract_id=evaluation.contract_id).first()
    when = f" (évaluation au {format_date(decided.as_of)})" if decided else ""
    return ValidationError(
        "Le contrat %(reference)s a déjà une évaluation décidée%(when)s : "
        "une seule décision est possible par contrat.",
        params={"reference": evaluation.contract.reference, "when": when},
        code="contract_already_decided",
    )


def _bonus_tranche(evaluation: Evaluation) -> Tranche:
    tranches = list(
        Tranche.objects.select_for_update().filter(
            contract_id=evaluation.contract_id, kind=TrancheKind.BONUS
        )
    )
    if not tranches:
        raise ValidationError(
            "Le contrat n'a pas de tranche de bonus : ajoutez-la à l'échéancier avant de décider.",
            code="no_bonus_tranche",
        )
    if len(tranches) > 1:
        raise ValidationError(
            "Le contrat a plusieurs tranches de bonus : le montant décidé ne peut pas être "
            "réparti automatiquement.",
            code="several_bonus_tranches",
        )
    (tranche,) = tranches
    if tranche.status == TrancheStatus.PAID:
        raise ValidationError(
            "La tranche de bonus est déjà versée : son montant ne peut plus changer.",
            code="bonus_tranche_paid",
        )
    return tranche


def evaluation_inputs_changed(*, evaluation: Evaluation) -> bool:
    """Whether the contract's data at the evaluation's date no longer give this snapshot (the
    fingerprint of its inputs, read again now, differs). A constant number of queries."""
    (inputs,) = load_inputs([evaluation.contract], as_of=evaluation.as_of, today=evaluation.as_of)
    return fingerprint(inputs) != evaluation.fingerprint


def contract_entries_under_review(*, contract_id: int) -> int:
    """How many entries of the contract are still submitted or sent back (returned)."""
    return ProgressEntry.objects.filter(
        indicator__objective__contract_id=contract_id,
        status__in=(EntryStatus.SUBMITTED, EntryStatus.RETURNED),
    ).count()


@transaction.atomic
def evaluation_decide(*, evaluation: Evaluation, by) -> Evaluation:
    """Decide an evaluation: its amount becomes the planned amount of the bonus tranche.

    Refused (``ValidationError``, in French) for an evaluation with configuration errors, an
    evaluation already decided, a contract that already has a decided evaluation, or an
    evaluation whose inputs changed since it was computed (« réévaluez d'abord »).
    """
    evaluation = (
        Evaluation.objects.select_for_update().select_related("contract").get(pk=evaluation.pk)
    )
    if evaluation.is_decided:
        raise ValidationError("Cette évaluation est déjà décidée.", code="evaluation_decided")
    if evaluation.status == EvaluationStatus.CONFIGURATION_ERROR:
        raise ValidationError(
            "Une évaluation en erreur de configuration ne peut pas être décidée : "
            "corrigez le contrat, puis évaluez-le à nouveau.",
            code="evaluation_misconfigured",
        )
    if Evaluation.objects.decided().filter(contract_id=evaluation.contract_id).exists():
        raise _already_decided(evaluation)
    if evaluation_inputs_changed(evaluation=evaluation):
        raise ValidationError(
            "Les données ont changé depuis ce calcul : réévaluez d'abord.",
            code="evaluation_stale",
        )
    tranche = _bonus_tranche(evaluation)
    tranche.planned_amount = evaluation.bonus_amount
    tranche._history_user = by
    tranche._change_reason = (
        f"Bonus décidé : {format_euros_fr(evaluation.bonus_amount)} "
        f"(évaluation au {format_date(evaluation.as_of)})"
    )
    tranche.save(update_fields=["planned_amount"])
    evaluation.decided_at = timezone.now()
    evaluation.decided_by = by
    try:
        with transaction.atomic():
            evaluation.save(update_fields=["decided_at", "decided_by"])
    except IntegrityError as exc:  # another officer decided one at the same moment
        raise _already_decided(evaluation) from exc
    return evaluation
