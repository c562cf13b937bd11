"""The `evaluate` command and GET /api/contracts/<ref>/evaluation (interfaces.md)."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from funding.models import Evaluation
from tests.funding.evaluation_builders import calaisis_contract

pytestmark = pytest.mark.django_db
URL = "/api/contracts/{}/evaluation"


def run(*args):
    out = StringIO()
    call_command("evaluate", *args, stdout=out)
    return out.getvalue()


def test_command_prints_the_json_of_interfaces_md():
    calaisis_contract()

    (line,) = run("COTTRI-2021-CALAISIS", "--json").splitlines()

    data = json.loads(line)
    assert data["contract"] == "COTTRI-2021-CALAISIS"
    assert (data["eligible"], data["bonus_cap"], data["bonus_amount"]) == (
        False,
        "152371.00",
        "0.00",
    )
    assert data["objectives"][0]["rate"] == "0.8133"
    assert data["reasons"] == ["O1 (prioritaire) : 81,3 % < 100 %"]
    assert "81,3 %" in line  # French text is written as is, not as \u escapes


def test_command_prints_a_french_summary_and_stores_the_snapshot():
    calaisis_contract()

    output = run("COTTRI-2021-CALAISIS")

    assert output.splitlines()[:2] == [
        "COTTRI-2021-CALAISIS au 31/12/2023 : non éligible — bonus de 0\u00a0€ "
        "sur un plafond de 152\u202f371\u00a0€",
        "  • O1 (prioritaire) : 81,3 % < 100 %",
    ]
    assert "1 contrat évalué, 1 nouvel instantané." in output
    assert Evaluation.objects.count() == 1
    assert "0 nouvel instantané" in run("COTTRI-2021-CALAISIS")


def test_command_all_prints_one_json_object_per_line_at_the_given_date():
    calaisis_contract()
    calaisis_contract(reference="COTTRI-2021-AUTRE", published=False)

    lines = run("--all", "--as-of", "2022-12-31", "--json").splitlines()

    # --all: every contract of the database, the neighbour's too.
    assert [json.loads(line)["contract"] for line in lines] == [
        "COTTRI-2021-AUTRE",
        "COTTRI-2021-CALAISIS",
        "VOISIN-1",
    ]
    assert {json.loads(line)["as_of"] for line in lines} == {"2022-12-31"}


def test_command_names_an_unknown_reference():
    calaisis_contract()

    with pytest.raises(CommandError, match="Contrat inconnu : NOPE"):
        run("COTTRI-2021-CALAISIS", "NOPE")
    assert Evaluation.objects.count() == 0


def test_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        run("--all", "--as-of", "31/12/2023")


def test_api_gives_anonymous_users_the_same_json_as_the_command(client):
    calaisis_contract()
    line = run("COTTRI-2021-CALAISIS", "--json")

    response = client.get(URL.format("COTTRI-2021-CALAISIS"))

    assert response.status_code == 200
    assert response.json() == json.loads(line)
    assert Evaluation.objects.count() == 1  # the command's snapshot, not a second one


def test_api_hides_unpublished_contracts_from_anonymous_users_but_not_from_officers(
    client, officer
):
    calaisis_contract(published=False)

    response = client.get(URL.format("COTTRI-2021-CALAISIS"))
    assert response.status_code == 404
    assert response.json() == {"erreur": "Contrat introuvable : « COTTRI-2021-CALAISIS »."}
    assert client.get(URL.format("INCONNU")).status_code == 404

    client.force_login(officer)
    assert client.get(URL.format("COTTRI-2021-CALAISIS")).json()["bonus_amount"] == "0.00"


def test_api_refuses_a_bad_date_in_french(client):
    calaisis_contract()

    response = client.get(URL.format("COTTRI-2021-CALAISIS"), {"as_of": "2023-13-01"})

    assert response.status_code == 400
    assert response.json()["erreur"].startswith("Paramètre « as_of » invalide")


def test_api_at_another_date_stores_nothing_for_anyone(client, officer):
    calaisis_contract()

    response = client.get(URL.format("COTTRI-2021-CALAISIS"), {"as_of": "2022-06-30"})

    assert response.json()["as_of"] == "2022-06-30"
    assert response.json()["objectives"][0]["indicators"][0]["level"] == "420"
    assert Evaluation.objects.count() == 0
    client.force_login(officer)
    client.get(URL.format("COTTRI-2021-CALAISIS"), {"as_of": "2022-06-30"})
    assert Evaluation.objects.count() == 0  # a GET never writes, whoever reads (issue 17)
    client.logout()
    again = client.get(URL.format("COTTRI-2021-CALAISIS"), {"as_of": "2022-06-30"})
    assert again.json() == response.json()


def test_api_shows_a_configuration_error_to_officers_only(client, officer):
    contract = calaisis_contract(population=None)

    data = client.get(URL.format(contract.reference)).json()

    assert data["status"] == "unavailable"
    assert data["reasons"] == ["Évaluation du bonus non disponible"]
    assert data["errors"] == []
    assert (data["eligible"], data["bonus_cap"], data["bonus_amount"]) == (None, None, None)
    client.force_login(officer)
    data = client.get(URL.format(contract.reference)).json()
    assert data["status"] == "configuration_error"
    assert data["errors"][0]["path"] == "population"


def test_api_answers_get_only(client):
    calaisis_contract()

    assert client.post(URL.format("COTTRI-2021-CALAISIS")).status_code == 405
