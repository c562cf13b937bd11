"""Officers' admin of evaluations: objectives table, banner, « Évaluer maintenant », « Décider »."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.enums import TrancheKind
from funding.evaluations import contract_evaluate
from funding.models import Evaluation, Tranche
from tests.factories import ObjectiveFactory
from tests.funding.evaluation_builders import calaisis_contract, entry, indicator_of

pytestmark = pytest.mark.django_db


def change_url(evaluation):
    return reverse("admin:funding_evaluation_change", args=[evaluation.pk])


def form_action(evaluation, action, **extra):
    return {
        "CHANGE_FORM-action": action,
        "_selected_action": str(evaluation.pk),
        "index": "0",
        **extra,
    }


@pytest.fixture
def reader(django_user_model):
    """A staff member who may read evaluations, not evaluate nor decide."""
    user = django_user_model.objects.create_user("lecteur", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_evaluation"))
    return user


def test_the_evaluation_page_shows_the_per_objective_table(client, superuser):
    evaluation = contract_evaluate(contract=calaisis_contract())
    client.force_login(superuser)

    page = client.get(change_url(evaluation)).content.decode()

    assert "non éligible — bonus de 0\u00a0€ sur un plafond de 152\u202f371\u00a0€" in page
    assert "O1 (prioritaire) — Objectif O1" in page
    assert "<td>81,3 %</td>" in page
    assert "<td>100 %</td>" in page
    assert "<strong>non atteint</strong>" in page
    assert "<td>280 unités</td>" in page
    assert "en attente : 35 unités" in page
    assert "O1 (prioritaire) : 81,3 % &lt; 100 %" in page
    rule = "1\u00a0€ par habitant ; seuil par objectif 60 %, 3 objectifs prioritaires à 100 %"
    assert rule in page
    assert "evaluation-configuration-error" not in page


def test_a_configuration_error_shows_a_banner(client, superuser):
    contract = calaisis_contract()
    ObjectiveFactory(contract=contract, code="O10")
    evaluation = contract_evaluate(contract=contract)
    client.force_login(superuser)

    page = client.get(change_url(evaluation)).content.decode()

    assert "Erreur de configuration : ce contrat ne peut pas être évalué." in page
    assert "<li>O10 : l&#x27;objectif n&#x27;a aucun indicateur</li>" in page


def test_evaluate_now_stores_a_snapshot_of_the_current_data(client, superuser):
    contract = calaisis_contract()
    first = contract_evaluate(contract=contract)
    entry(indicator_of(contract, "renovations"), "280", on=datetime.date(2023, 11, 30))
    client.force_login(superuser)

    response = client.post(change_url(first), form_action(first, "evaluate_now"), follow=True)

    latest = Evaluation.objects.filter(contract=contract).latest("pk")
    assert latest.pk != first.pk
    assert latest.eligible is True
    assert latest.created_by == superuser
    assert response.redirect_chain[-1][0] == change_url(latest)
    assert "éligible — bonus de 152\u202f371\u00a0€" in response.content.decode()


def test_evaluate_now_reports_a_configuration_error_as_an_error(client, superuser):
    contract = calaisis_contract(population=None)
    client.force_login(superuser)
    url = reverse("admin:funding_evaluation_evaluate_contract", args=[contract.pk])

    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)

    page = response.content.decode()
    assert 'class="error"' in page
    assert "Évaluation impossible : Le contrat n&#x27;a pas de population de référence" in page
    assert Evaluation.objects.filter(contract=contract).count() == 1


def test_decide_asks_for_confirmation_then_sets_the_bonus(client, superuser):
    contract = calaisis_contract(renovations=("700", "800"), pending="")
    evaluation = contract_evaluate(contract=contract)
    client.force_login(superuser)

    confirmation = client.post(change_url(evaluation), form_action(evaluation, "decide"))
    assert confirmation.status_code == 200
    assert "Oui, décider (152\u202f371\u00a0€)" in confirmation.content.decode()
    assert Evaluation.objects.decided().count() == 0

    response = client.post(
        change_url(evaluation), form_action(evaluation, "decide", confirmation="oui"), follow=True
    )

    assert "fixée à 152\u202f371\u00a0€" in response.content.decode()
    tranche = Tranche.objects.get(contract=contract, kind=TrancheKind.BONUS)
    assert tranche.planned_amount == Decimal("152371.00")
    assert tranche.history.first().history_user == superuser
    assert Evaluation.objects.get(pk=evaluation.pk).decided_by == superuser


def test_a_refused_decision_is_explained(client, superuser):
    contract = calaisis_contract()
    Tranche.objects.filter(contract=contract, kind=TrancheKind.BONUS).delete()
    evaluation = contract_evaluate(contract=contract)
    client.force_login(superuser)

    response = client.post(
        change_url(evaluation), form_action(evaluation, "decide", confirmation="oui"), follow=True
    )

    assert "pas de tranche de bonus" in response.content.decode()
    assert Evaluation.objects.decided().count() == 0


def test_a_reader_can_neither_evaluate_nor_decide(client, reader):
    evaluation = contract_evaluate(contract=calaisis_contract())
    client.force_login(reader)

    page = client.get(change_url(evaluation)).content.decode()
    assert 'value="decide"' not in page
    assert 'value="evaluate_now"' not in page
    client.post(change_url(evaluation), form_action(evaluation, "decide", confirmation="oui"))
    url = reverse("admin:funding_evaluation_evaluate_contract", args=[evaluation.contract_id])

    assert client.post(url).status_code == 403
    assert Evaluation.objects.decided().count() == 0
    assert Evaluation.objects.count() == 1


def test_the_list_filters_by_contract_in_a_constant_number_of_queries(client, superuser):
    contracts = [calaisis_contract(reference=f"C-{n}") for n in range(4)]
    for contract in contracts:
        contract_evaluate(contract=contract)
    client.force_login(superuser)
    url = reverse("admin:funding_evaluation_changelist")

    response = client.get(url, {"contract__id__exact": contracts[0].pk})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1

    with CaptureQueriesContext(connection) as few:
        client.get(url, {"contract__id__exact": contracts[0].pk})
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
