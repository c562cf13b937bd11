"""The year-3 bonus on the chef's contract page and the « et si… » simulator.

Every figure on the page is checked against the evaluation service, never against a number
written here twice; the demo's Calaisis story (« non éligible » because of O1 alone, cap
152 371 €) is pinned once on the real demo data.
"""

import csv
import html
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts.enums import MembershipRole
from contracts.models import Contract, ProjectMembership
from funding.evaluations import (
    contract_evaluate,
    contract_evaluation_preview,
    contract_simulate,
    evaluation_decide,
    objective_rows_fr,
)
from funding.models import Evaluation
from indicators.models import Indicator, ProgressEntry
from tests.factories import IndicatorFactory
from tests.funding.evaluation_builders import calaisis_contract

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _text(response) -> str:
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


def _chef_of(contract, django_user_model, username="chef.calaisis"):
    user = django_user_model.objects.create_user(username, password="mot-de-passe-chef")
    ProjectMembership.objects.create(
        user=user, territory=contract.territory, role=MembershipRole.PROJECT_LEAD
    )
    return user


@pytest.fixture
def demo_calaisis(tmp_path):
    """The demo's Calaisis: Etalab territories, the seed document, the demo progress rows."""
    call_command("import_territories", verbosity=0)
    call_command(
        "import_contract", str(ROOT / "fixtures/contracts/COTTRI-2021-CALAISIS.json"), verbosity=0
    )
    source = ROOT / "fixtures/demo/progress-demo.csv"
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    kept = tmp_path / "calaisis.csv"
    with kept.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(
            [rows[0], *[r for r in rows[1:] if r[0] == "COTTRI-2021-CALAISIS"]]
        )
    call_command("import_progress", str(kept), verbosity=0)
    return Contract.objects.get(reference="COTTRI-2021-CALAISIS")


def _assert_page_shows_the_evaluation(text: str, evaluation) -> None:
    for row in objective_rows_fr(evaluation):
        label = f"{row['code']} (prioritaire)" if row["priority"] else row["code"]
        end = evaluation.contract_end.strftime("%d/%m/%Y")
        verdict = "atteint" if row["projected_met"] else "non atteint"
        cells = [
            label,
            row["rate"],
            row["threshold"],
            row["missing"],
            row["with_pending"],
            f"{row['projected']} : à ce rythme, objectif {verdict} le {end}",
        ]
        expected = "".join(f"<td>{c}</td>" for c in cells[1:]).replace("\u202f", " ")
        assert f'<th scope="row">{label}</th>' in text
        assert expected in text.replace("\n        ", ""), (row["code"], expected)


def test_demo_calaisis_chef_reads_non_eligible_with_o1_reason_and_the_cap(
    client, demo_calaisis, django_user_model, neighbour
):
    chef = _chef_of(demo_calaisis, django_user_model)
    client.force_login(chef)

    text = _text(client.get(reverse("espace:contract", args=[demo_calaisis.reference])))
    neighbour.assert_absent(text)

    evaluation = contract_evaluation_preview(contract=demo_calaisis)
    assert evaluation.eligible is False
    assert evaluation.bonus_cap == Decimal("152371.00")
    assert evaluation.reasons == ["O1 (prioritaire) : 81,3 % < 100 %"]
    assert ">non éligible</span>" in text
    assert "152 371 € au plus" in text
    assert "<li>O1 (prioritaire) : 81,3 % < 100 %</li>" in text
    _assert_page_shows_the_evaluation(text, evaluation)
    o1 = next(r for r in objective_rows_fr(evaluation) if r["code"] == "O1")
    assert (o1["missing"], o1["with_pending"]) == ("280 rénovations", "83,6 %")
    assert "à ce rythme, objectif non atteint le 31/12/2023" in text
    # the schedule: 270 000 € fixed + the bonus at its cap until decided
    assert "Aide forfaitaire" in text and "152 371 € au plus" in text
    assert "prévu 422 371 €" in text


def test_decided_amount_and_paid_tranche_are_shown(client, django_user_model):
    contract = calaisis_contract(renovations=("700", "800"), pending="")
    chef = _chef_of(contract, django_user_model)
    evaluation = contract_evaluate(contract=contract)
    assert evaluation.eligible is True
    evaluation_decide(evaluation=evaluation, by=None)
    client.force_login(chef)

    text = _text(client.get(reverse("espace:contract", args=[contract.reference])))

    assert ">éligible</span>" in text
    assert "Montant décidé : 152 371 €" in text
    assert "Le montant n'est pas encore décidé" not in text
    assert "à ce rythme, objectif atteint le 31/12/2023" in text


def test_configuration_error_is_said_not_hidden(client, django_user_model):
    contract = calaisis_contract()
    Indicator.objects.filter(objective__contract=contract, objective__code="O2").update(
        baseline=Decimal("5"), target=Decimal("5")
    )
    client.force_login(_chef_of(contract, django_user_model))

    text = _text(client.get(reverse("espace:contract", args=[contract.reference])))

    assert ">erreur de configuration</span>" in text
    assert "la cible est égale à la valeur de référence" in text


# --- Simulator ----------------------------------------------------------------------------------


def _rows_written() -> tuple[int, int]:
    return ProgressEntry.objects.count(), Evaluation.objects.count()


def _renovations(contract) -> Indicator:
    return Indicator.objects.get(objective__contract=contract, objective__code="O1")


@pytest.mark.parametrize(
    ("typed", "verdict", "amount"),
    [
        ("1 500", "éligible", "152 371 €"),  # French grouping
        ("1499,99", "non éligible", "0 €"),  # decimal comma, just below 100 %
        ("1\u202f600", "éligible", "152 371 €"),  # narrow no-break space, over-achievement
    ],
)
def test_simulator_answers_with_the_rules_and_writes_nothing(
    client, django_user_model, typed, verdict, amount, neighbour
):
    contract = calaisis_contract()
    client.force_login(_chef_of(contract, django_user_model))
    indicator = _renovations(contract)
    before = _rows_written()

    response = client.get(
        reverse("espace:simulator", args=[contract.reference]), {f"i{indicator.pk}": typed}
    )

    assert response.status_code == 200
    assert _rows_written() == before
    neighbour.assert_unchanged()
    simulated = response.context["simulated"]
    assert simulated.verdict == verdict
    text = _text(response)
    assert f">{verdict}</span>" in text.split('id="bonus-simule"')[1].split("</p>")[0]
    assert f"montant à ce jour : {amount}" in text.split('id="bonus-simule"')[1]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("beaucoup", "nombre invalide « beaucoup »"),
        ("-3", "la valeur doit être positive ou nulle"),
        ("1,2,3", "nombre invalide"),
    ],
)
def test_simulator_names_the_indicator_on_bad_input(client, django_user_model, typed, message):
    contract = calaisis_contract()
    client.force_login(_chef_of(contract, django_user_model))
    indicator = _renovations(contract)

    response = client.get(
        reverse("espace:simulator", args=[contract.reference]), {f"i{indicator.pk}": typed}
    )

    assert response.status_code == 200
    assert response.context["simulated"] is None
    errors = response.context["form"].errors[f"i{indicator.pk}"]
    assert any(indicator.label in e and message in e for e in errors), errors


def test_simulator_refuses_a_cumulative_level_below_the_baseline(client, django_user_model):
    contract = calaisis_contract()
    indicator = _renovations(contract)
    Indicator.objects.filter(pk=indicator.pk).update(baseline=Decimal("100"))
    client.force_login(_chef_of(contract, django_user_model))

    response = client.get(
        reverse("espace:simulator", args=[contract.reference]), {f"i{indicator.pk}": "50"}
    )

    errors = response.context["form"].errors[f"i{indicator.pk}"]
    assert "inférieur à sa valeur de référence" in errors[0]


def test_empty_simulation_equals_the_current_evaluation():
    contract = calaisis_contract()
    current = contract_evaluation_preview(contract=contract)

    simulated = contract_simulate(contract=contract, levels={})

    assert (simulated.eligible, simulated.bonus_amount, simulated.reasons) == (
        current.eligible,
        current.bonus_amount,
        current.reasons,
    )
    assert simulated.objectives == current.objectives
    assert simulated.pk is None


def test_simulator_queries_do_not_grow_with_indicators(client, django_user_model):
    contract = calaisis_contract()
    client.force_login(_chef_of(contract, django_user_model))
    url = reverse("espace:simulator", args=[contract.reference])

    def queries() -> int:
        levels = {f"i{i.pk}": "1" for i in Indicator.objects.filter(objective__contract=contract)}
        with CaptureQueriesContext(connection) as context:
            assert client.get(url, levels).status_code == 200
        return len(context)

    before = queries()
    objective = contract.objectives.get(code="O2")
    for n in range(5):
        IndicatorFactory(objective=objective, code=f"extra-{n}", target=Decimal("10"))

    assert queries() == before <= 16
