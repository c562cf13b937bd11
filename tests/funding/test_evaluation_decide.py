"""Deciding an evaluation: the bonus tranche gets the amount, once per contract, with history."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funding.enums import TrancheKind, TrancheStatus
from funding.evaluations import contract_evaluate, evaluation_decide
from funding.models import Evaluation, EvaluationLocked, Tranche
from tests.factories import ObjectiveFactory
from tests.funding.evaluation_builders import calaisis_contract, entry, indicator_of

pytestmark = pytest.mark.django_db
D = Decimal


def bonus_tranche(contract):
    return Tranche.objects.get(contract=contract, kind=TrancheKind.BONUS)


def test_deciding_sets_the_bonus_tranche_amount_with_history(officer):
    contract = calaisis_contract(renovations=("700", "800"), pending="")
    evaluation = contract_evaluate(contract=contract)

    decided = evaluation_decide(evaluation=evaluation, by=officer)

    tranche = bonus_tranche(contract)
    assert tranche.planned_amount == D("152371.00")
    record = tranche.history.first()
    assert record.history_user == officer
    assert record.history_change_reason == (
        "Bonus décidé : 152\u202f371\u00a0€ (évaluation au 31/12/2023)"
    )
    assert decided.decided_by == officer
    assert Evaluation.objects.get(pk=evaluation.pk).decided_at is not None


def test_deciding_a_non_eligible_evaluation_sets_zero(officer):
    contract = calaisis_contract()
    evaluation_decide(evaluation=contract_evaluate(contract=contract), by=officer)

    assert bonus_tranche(contract).planned_amount == D("0.00")


def test_only_one_evaluation_per_contract_can_be_decided(officer):
    contract = calaisis_contract()
    first = contract_evaluate(contract=contract)
    evaluation_decide(evaluation=first, by=officer)
    entry(indicator_of(contract, "renovations"), "280", on=datetime.date(2023, 11, 30))
    second = contract_evaluate(contract=contract)

    with pytest.raises(ValidationError) as refused:
        evaluation_decide(evaluation=second, by=officer)

    assert refused.value.messages == [
        f"Le contrat {contract.reference} a déjà une évaluation décidée (évaluation au "
        "31/12/2023) : une seule décision est possible par contrat."
    ]
    assert bonus_tranche(contract).planned_amount == D("0.00")
    assert Evaluation.objects.get(pk=second.pk).decided_at is None


def test_a_decided_evaluation_cannot_be_decided_again_nor_changed_nor_deleted(officer):
    evaluation = contract_evaluate(contract=calaisis_contract())
    evaluation = evaluation_decide(evaluation=evaluation, by=officer)

    with pytest.raises(ValidationError, match="déjà décidée"):
        evaluation_decide(evaluation=evaluation, by=officer)
    evaluation.decided_at = evaluation.decided_at + datetime.timedelta(days=1)
    with pytest.raises(EvaluationLocked, match="décidée"):
        evaluation.save(update_fields=["decided_at"])
    with pytest.raises(EvaluationLocked):
        Evaluation.objects.get(pk=evaluation.pk).delete()
    with pytest.raises(EvaluationLocked):
        Evaluation.objects.filter(pk=evaluation.pk).delete()
    assert Evaluation.objects.filter(pk=evaluation.pk).exists()


def test_an_evaluation_with_a_configuration_error_cannot_be_decided(officer):
    contract = calaisis_contract()
    ObjectiveFactory(contract=contract, code="O10")
    evaluation = contract_evaluate(contract=contract)

    with pytest.raises(ValidationError, match="erreur de configuration"):
        evaluation_decide(evaluation=evaluation, by=officer)
    assert bonus_tranche(contract).planned_amount is None


def test_a_contract_without_bonus_tranche_cannot_be_decided(officer):
    contract = calaisis_contract()
    Tranche.objects.filter(contract=contract, kind=TrancheKind.BONUS).delete()
    evaluation = contract_evaluate(contract=contract)

    with pytest.raises(ValidationError) as refused:
        evaluation_decide(evaluation=evaluation, by=officer)
    assert refused.value.messages == [
        "Le contrat n'a pas de tranche de bonus : ajoutez-la à l'échéancier avant de décider."
    ]
    assert Evaluation.objects.get(pk=evaluation.pk).decided_at is None


def test_a_contract_with_two_bonus_tranches_cannot_be_decided(officer):
    contract = calaisis_contract()
    second = bonus_tranche(contract)
    second.pk, second.year, second.label = None, second.year + 1, "Bonus, seconde part"
    second.save()
    evaluation = contract_evaluate(contract=contract)

    with pytest.raises(ValidationError) as refused:
        evaluation_decide(evaluation=evaluation, by=officer)
    assert refused.value.messages == [
        "Le contrat a plusieurs tranches de bonus : le montant décidé ne peut pas être réparti "
        "automatiquement."
    ]
    assert Evaluation.objects.get(pk=evaluation.pk).decided_at is None
    assert [t.planned_amount for t in Tranche.objects.filter(contract=contract, kind="bonus")] == [
        None,
        None,
    ]


def test_a_paid_bonus_tranche_cannot_be_changed_by_a_decision(officer):
    contract = calaisis_contract()
    tranche = bonus_tranche(contract)
    tranche.status, tranche.paid_amount = TrancheStatus.PAID, D("1000.00")
    tranche.paid_on, tranche.planned_amount = datetime.date(2024, 3, 1), D("1000.00")
    tranche.save()

    with pytest.raises(ValidationError) as refused:
        evaluation_decide(evaluation=contract_evaluate(contract=contract), by=officer)
    assert refused.value.messages == [
        "La tranche de bonus est déjà versée : son montant ne peut plus changer."
    ]
    assert bonus_tranche(contract).planned_amount == D("1000.00")
