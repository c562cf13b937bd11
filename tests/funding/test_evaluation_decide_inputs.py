"""What the decision reads again before fixing the bonus: the evaluation's own inputs at its own
date, and the contract's entries still under review (shown on the confirmation page)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.enums import TrancheKind
from funding.evaluations import contract_evaluate, evaluation_decide, evaluation_inputs_changed
from funding.models import Evaluation, Tranche
from indicators.enums import EntryStatus
from tests.funding.evaluation_builders import END, calaisis_contract, entry, indicator_of

pytestmark = pytest.mark.django_db


def confirmation_page(client, evaluation) -> str:
    response = client.post(
        reverse("admin:funding_evaluation_change", args=[evaluation.pk]),
        {"CHANGE_FORM-action": "decide", "_selected_action": str(evaluation.pk), "index": "0"},
    )
    assert response.status_code == 200
    return response.content.decode()


def test_an_evaluation_dated_after_the_contracts_end_is_decided_on_its_own_date(
    superuser, neighbour
):
    """The tasks may evaluate at a given date, later than the end: the decision re-reads the
    inputs at that same date, not at the end (which would be another snapshot, « changed »)."""
    contract = calaisis_contract(renovations=("700", "800"), pending="")
    evaluation = contract_evaluate(contract=contract, as_of=END + datetime.timedelta(days=180))
    assert evaluation.as_of == datetime.date(2024, 6, 28)

    assert not evaluation_inputs_changed(evaluation=evaluation)
    evaluation_decide(evaluation=evaluation, by=superuser)

    tranche = Tranche.objects.get(contract=contract, kind=TrancheKind.BONUS)
    assert tranche.planned_amount == Decimal("152371.00")
    assert Evaluation.objects.get(pk=evaluation.pk).decided_by == superuser
    neighbour.assert_unchanged()


def test_the_confirmation_counts_the_contracts_entries_still_submitted_or_returned(
    client, superuser, neighbour
):
    """Submitted and returned entries of this contract are counted; its drafts and validated
    entries are not, nor the neighbour's entries (it has one in every status)."""
    contract = calaisis_contract(pending="35")  # one submitted entry of O1
    renovations = indicator_of(contract, "renovations")
    entry(renovations, "12", on=datetime.date(2023, 7, 31), status=EntryStatus.RETURNED)
    entry(renovations, "13", on=datetime.date(2023, 8, 31), status=EntryStatus.DRAFT)
    evaluation = contract_evaluate(contract=contract)
    client.force_login(superuser)

    page = confirmation_page(client, evaluation)

    assert (
        "<strong>2 saisies de ce contrat sont encore soumises ou renvoyées</strong> : "
        "elles ne sont pas comptées dans ce calcul."
    ) in page
    neighbour.assert_absent(page)


def test_the_confirmation_says_when_no_entry_of_the_contract_is_under_review(
    client, superuser, neighbour
):
    contract = calaisis_contract(pending="")
    entry(
        indicator_of(contract, "renovations"),
        "13",
        on=datetime.date(2023, 8, 31),
        status=EntryStatus.DRAFT,
    )
    evaluation = contract_evaluate(contract=contract)
    client.force_login(superuser)

    page = confirmation_page(client, evaluation)

    assert "Aucune saisie de ce contrat n'est en attente (soumise ou renvoyée)." in page
    assert "encore soumise" not in page
