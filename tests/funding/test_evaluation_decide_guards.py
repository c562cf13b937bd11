"""What guards the decision of an evaluation: the contract's own bonus tranche only, one decision
per evaluation and per contract, and a transaction that holds under two officers at once."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections

from funding.enums import TrancheKind
from funding.evaluations import contract_evaluate, evaluation_decide
from funding.models import Evaluation, Tranche
from tests.funding.evaluation_builders import calaisis_contract

D = Decimal


def _bonus(contract) -> Tranche:
    return Tranche.objects.get(contract=contract, kind=TrancheKind.BONUS)


@pytest.mark.django_db
def test_deciding_touches_the_contracts_own_bonus_tranche_only(officer, neighbour):
    contract = calaisis_contract(renovations=("700", "800"), pending="")

    evaluation_decide(evaluation=contract_evaluate(contract=contract), by=officer)

    assert _bonus(contract).planned_amount == D("152371.00")
    neighbour.assert_unchanged()


@pytest.mark.django_db
def test_an_evaluation_is_decided_once(officer):
    evaluation = contract_evaluate(contract=calaisis_contract())
    evaluation_decide(evaluation=evaluation, by=officer)
    first = Evaluation.objects.get(pk=evaluation.pk).decided_at

    with pytest.raises(ValidationError, match="Cette évaluation est déjà décidée"):
        evaluation_decide(evaluation=evaluation, by=officer)

    assert Evaluation.objects.get(pk=evaluation.pk).decided_at == first


@pytest.mark.postgres
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="SQLite sérialise toutes les écritures : la course n'existe qu'en PostgreSQL.",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_deciding_two_evaluations_of_one_contract_at_once(officer, superuser):
    # Unpublished: no fiche to render after each commit, the race is all this test runs.
    contract = calaisis_contract(renovations=("700", "800"), pending="", published=False)
    # Two snapshots of the same data at two dates: both fresh, both decidable on their own.
    eligible = contract_evaluate(contract=contract, as_of=datetime.date(2023, 12, 31))
    smaller = contract_evaluate(contract=contract, as_of=datetime.date(2022, 6, 30))
    assert (eligible.bonus_amount, smaller.bonus_amount) == (D("152371.00"), D("0.00"))
    start = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def decide(evaluation, by) -> None:
        try:
            start.wait()
            try:
                evaluation_decide(evaluation=evaluation, by=by)
            except ValidationError as refused:
                outcomes[evaluation.pk] = refused.messages[0]
            else:
                outcomes[evaluation.pk] = "décidée"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(eligible, officer)),
        threading.Thread(target=decide, args=(smaller, superuser)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(outcomes) == 2
    assert list(outcomes.values()).count("décidée") == 1
    (refusal,) = (text for text in outcomes.values() if text != "décidée")
    assert "a déjà une évaluation décidée" in refusal
    (decided,) = Evaluation.objects.decided().filter(contract=contract)
    assert outcomes[decided.pk] == "décidée"
    # The tranche holds the amount of the decision that won, never the other one's.
    assert _bonus(contract).planned_amount == decided.bonus_amount
