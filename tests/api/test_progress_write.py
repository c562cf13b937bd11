"""Writing progress through the API with a personal token, under the front office's rules."""

import pytest

from cotri.api.tokens import api_token_create, api_token_revoke
from indicators.enums import EntryStatus
from indicators.models import ProgressEntry
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db
URL = "/api/progress/"
ROW = {
    "contract": "COTTRI-2021-CALAISIS",
    "objective": "O1",
    "indicator": "renovations",
    "date": "2023-06-30",
    "value": "512.5",
    "comment": "Bilan du 1er semestre",
}


def _post(client, key, payload=ROW):
    return client.post(
        URL, payload, content_type="application/json", headers={"Authorization": f"Bearer {key}"}
    )


def test_a_chef_de_projet_submits_a_value_with_a_token(client, chef):
    _, key = api_token_create(user=chef, name="tableur")

    response = _post(client, key)

    assert response.status_code == 201
    data = response.json()
    assert (data["value"], data["status"], data["date"]) == ("512.5", "submitted", "2023-06-30")
    entry = ProgressEntry.objects.get(pk=data["id"])
    assert (entry.author, entry.status) == (chef, EntryStatus.SUBMITTED)
    assert entry.history.count() >= 1
    assert [t.to_status for t in entry.transitions.all()] == ["draft", "submitted"]


def test_a_draft_can_be_corrected_but_a_submitted_value_cannot(client, chef):
    _, key = api_token_create(user=chef, name="tableur")
    first = _post(client, key, {**ROW, "submit": False}).json()

    second = _post(client, key, {**ROW, "value": "600"})
    assert second.json()["id"] == first["id"]
    assert second.json()["value"] == "600"

    refused = _post(client, key, {**ROW, "value": "700"})
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("Une valeur soumise existe déjà au 30/06/2023")


def test_other_contracts_are_refused_in_french(client, chef, neighbour):
    other = ContractFactory(reference="AUTRE-CONTRAT")
    _, key = api_token_create(user=chef, name="tableur")

    response = _post(client, key, {**ROW, "contract": other.reference})

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Vous ne pouvez pas saisir l'avancement du contrat « AUTRE-CONTRAT »."
    }
    unknown = _post(client, key, {**ROW, "indicator": "inconnu"})
    assert unknown.status_code == 404
    assert not ProgressEntry.objects.filter(date="2023-06-30").exists()
    theirs = {**ROW, "contract": "VOISIN-1", "objective": "V1", "indicator": "voisin"}
    for date in ("2023-06-30", "2022-02-28"):  # a new date, the date of their submitted entry
        assert _post(client, key, {**theirs, "date": date}).status_code == 403
    neighbour.assert_unchanged()


def test_no_token_or_a_revoked_token_is_401(client, chef):
    token, key = api_token_create(user=chef, name="tableur")
    assert client.post(URL, ROW, content_type="application/json").status_code == 401
    assert _post(client, "cotri_faux").json() == {
        "detail": "Authentification requise : jeton d'API absent ou invalide."
    }

    api_token_revoke(token=token, by=chef)

    assert _post(client, key).status_code == 401
    assert token.key_hash not in key  # only the digest is stored


def test_bad_values_are_explained(client, chef):
    _, key = api_token_create(user=chef, name="tableur")

    response = _post(client, key, {**ROW, "value": "-1", "date": "31/12/2023"})

    assert response.status_code == 422
    assert {e["champ"] for e in response.json()["erreurs"]} == {"payload.value", "payload.date"}


def test_a_body_that_is_not_json_is_refused_in_french(client, chef):
    _, key = api_token_create(user=chef, name="tableur")

    response = client.post(
        URL, b"\xff{", content_type="application/json", headers={"Authorization": f"Bearer {key}"}
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Corps de la requête illisible : un objet JSON est attendu."
    }


def test_a_nul_character_in_the_body_is_refused_naming_the_field(client, chef):
    _, key = api_token_create(user=chef, name="tableur")
    before = ProgressEntry.objects.count()

    response = _post(client, key, {**ROW, "comment": "bilan\x00"})

    assert response.status_code == 422
    assert {"champ": "payload.comment", "message": "caractère nul interdit"} in response.json()[
        "erreurs"
    ]
    assert ProgressEntry.objects.count() == before
