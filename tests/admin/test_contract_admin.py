"""Contract page: lifecycle actions, bonus cap and funding totals."""

from decimal import Decimal

from django.urls import reverse

from contracts.enums import ContractStatus
from contracts.models import ContractTransition
from funding.enums import TrancheKind, TrancheStatus
from tests.factories import (
    ContractFactory,
    IncontournableFactory,
    ObjectiveFactory,
    TrancheFactory,
)

CHANGELIST = reverse("admin:contracts_contract_changelist")


def _act(client, action, *contracts):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [c.pk for c in contracts]},
        follow=True,
    )


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def test_a_transition_action_moves_the_contract_and_logs_who_did_it(
    officer_client, officer, neighbour
):
    contract = ContractFactory(status=ContractStatus.DRAFT)

    response = _act(officer_client, "set_status_signed", contract)

    assert response.status_code == 200
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SIGNED
    transition = ContractTransition.objects.get(contract=contract)
    assert (transition.from_status, transition.to_status, transition.by) == (
        ContractStatus.DRAFT,
        ContractStatus.SIGNED,
        officer,
    )
    assert _messages(response) == [f"Passé au statut « Signé » : {contract.reference}."]
    assert contract.history.latest("history_date").history_user == officer
    neighbour.assert_unchanged()  # the action moved the selected contract only


def test_a_forbidden_transition_shows_an_error_and_changes_nothing(officer_client, neighbour):
    closed = ContractFactory(status=ContractStatus.CLOSED, reference="COT-CLOS")
    draft = ContractFactory(status=ContractStatus.DRAFT, reference="COT-BROUILLON")

    response = _act(officer_client, "set_status_active", closed, draft)

    assert response.status_code == 200
    assert _messages(response) == [
        "Changement refusé pour COT-BROUILLON : "
        "Passage impossible de « Brouillon » à « En cours ».",
        "Changement refusé pour COT-CLOS : Passage impossible de « Clos » à « En cours ».",
    ]
    closed.refresh_from_db()
    draft.refresh_from_db()
    assert (closed.status, draft.status) == (ContractStatus.CLOSED, ContractStatus.DRAFT)
    assert not ContractTransition.objects.exists()
    neighbour.assert_unchanged()


def test_the_list_shows_the_number_of_objectives(officer_client, neighbour):
    contract = ContractFactory(reference="COT-TROIS")
    ObjectiveFactory.create_batch(3, contract=contract)

    response = officer_client.get(CHANGELIST)

    counts = {r.pk: r._objective_count for r in response.context["cl"].result_list}
    # Officers list every contract: the neighbour's, with its one objective, too.
    assert counts == {contract.pk: 3, neighbour.contract.pk: 1}
    assert "COT-TROIS" in response.content.decode()
    assert "VOISIN-1" in response.content.decode()


def test_the_status_cannot_be_typed_on_the_contract_page(officer_client):
    contract = ContractFactory(status=ContractStatus.DRAFT)
    response = officer_client.get(reverse("admin:contracts_contract_change", args=[contract.pk]))
    assert "status" not in response.context["adminform"].form.fields


def test_the_contract_page_shows_the_bonus_cap_and_the_funding_totals(officer_client, neighbour):
    contract = ContractFactory(population=152_371, bonus_per_inhabitant=Decimal("1.00"))
    TrancheFactory(
        contract=contract, year=1, funder_id="ADEME", planned_amount=Decimal("270000.00")
    )
    TrancheFactory(
        contract=contract,
        year=3,
        funder_id="ADEME",
        kind=TrancheKind.BONUS,
        planned_amount=None,
        status=TrancheStatus.PLANNED,
    )

    response = officer_client.get(reverse("admin:contracts_contract_change", args=[contract.pk]))

    page = response.content.decode()
    assert "152\u202f371\u00a0€ (population × montant par habitant" in page
    assert "<tr><th>Total prévu</th><td>422\u202f371\u00a0€</td></tr>" in page
    assert "<tr><th>Année 3</th><td>152\u202f371\u00a0€</td></tr>" in page
    neighbour.assert_absent(page)  # its bonus tranche is not in this contract's totals


def test_a_contract_without_population_has_an_unknown_cap(officer_client):
    contract = ContractFactory(population=None)
    response = officer_client.get(reverse("admin:contracts_contract_change", args=[contract.pk]))
    assert "inconnu : la population de référence n&#x27;est pas renseignée" in (
        response.content.decode()
    )


def test_each_objective_on_the_contract_page_links_to_its_own_page(officer_client, neighbour):
    contract = ContractFactory()
    objective = ObjectiveFactory(contract=contract)

    response = officer_client.get(reverse("admin:contracts_contract_change", args=[contract.pk]))

    link = reverse("admin:indicators_objective_change", args=[objective.pk])
    assert f'href="{link}"' in response.content.decode()
    neighbour.assert_absent(response.content)  # the contract's own objectives only


def test_objectives_of_a_contract_pick_only_their_programme_incontournables(
    officer_client, neighbour
):
    contract = ContractFactory()
    objective = ObjectiveFactory(contract=contract)  # under an incontournable of its programme
    other = IncontournableFactory(title="Incontournable d'un autre référentiel")

    response = officer_client.get(reverse("admin:contracts_contract_change", args=[contract.pk]))

    field = response.context["inline_admin_formsets"][0].formset.forms[0].fields["incontournable"]
    choices = [value for value, _ in field.choices if value]
    assert objective.incontournable_id in choices
    assert other.pk not in choices
    assert neighbour.objective.incontournable_id not in choices  # the neighbour's referential
