"""Public reads of the JSON API: published contracts and validated values only."""

import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_and_docs_are_served(client):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "API cotri"
    assert {
        "/api/contracts/",
        "/api/contracts/{reference}",
        "/api/contracts/{reference}/objectives",
        "/api/contracts/{reference}/evaluation",
        "/api/territories/",
        "/api/programmes/",
    } <= set(schema["paths"])
    assert client.get("/api/docs").status_code == 200


def test_anonymous_readers_list_published_contracts_only(client, dataset):
    data = client.get("/api/contracts/").json()

    # The neighbour's contract is published: the public reads it too.
    assert data["count"] == 3
    assert [c["reference"] for c in data["items"]] == [
        "COTCLIMAT-2022-MEL",
        "COTTRI-2021-CALAISIS",
        "VOISIN-1",
    ]
    calaisis = data["items"][1]
    assert (calaisis["programme"], calaisis["territory"], calaisis["departement_code"]) == (
        "TEST-TRI",
        "PAYS-CALAISIS",
        "62",
    )
    assert calaisis["status_label"] == "En cours"


def test_officers_also_list_unpublished_contracts(client, dataset, officer):
    client.force_login(officer)

    assert client.get("/api/contracts/").json()["count"] == 4 + 1  # and VOISIN-1


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"programme": "TEST-TRI"}, ["COTTRI-2021-CALAISIS"]),
        ({"departement": "59"}, ["COTCLIMAT-2022-MEL"]),
        ({"status": "signed"}, ["COTCLIMAT-2022-MEL"]),
        ({"status": "active", "departement": "59"}, []),
        ({"territory": "PAYS-CALAISIS"}, ["COTTRI-2021-CALAISIS"]),
    ],
)
def test_contracts_filter_by_programme_departement_and_status(client, dataset, params, expected):
    data = client.get("/api/contracts/", params).json()

    assert [c["reference"] for c in data["items"]] == expected


def test_contracts_are_paginated(client, dataset):
    first = client.get("/api/contracts/", {"page_size": 1}).json()
    second = client.get("/api/contracts/", {"page_size": 1, "page": 2}).json()

    third = client.get("/api/contracts/", {"page_size": 1, "page": 3}).json()

    assert (first["count"], first["page"], first["page_size"]) == (3, 1, 1)
    assert [c["reference"] for c in first["items"] + second["items"] + third["items"]] == [
        "COTCLIMAT-2022-MEL",
        "COTTRI-2021-CALAISIS",
        "VOISIN-1",
    ]
    assert client.get("/api/contracts/", {"page": 4, "page_size": 1}).json()["items"] == []


def test_bad_parameters_are_explained_in_french(client, dataset):
    response = client.get("/api/contracts/", {"page": "zéro", "page_size": 1000})

    assert response.status_code == 422
    data = response.json()
    assert data["detail"] == "Paramètres invalides."
    assert {(e["champ"], e["message"]) for e in data["erreurs"]} == {
        ("page", "nombre entier attendu"),
        ("page_size", "valeur trop grande"),
    }


def test_contract_document_shows_anonymous_readers_validated_values_only(
    client, dataset, officer, neighbour
):
    response = client.get("/api/contracts/COTTRI-2021-CALAISIS")
    neighbour.assert_absent(response.content)
    document = response.json()

    assert document["reference"] == "COTTRI-2021-CALAISIS"
    assert document["objectives"][0]["indicators"][0]["target"] == "1500"
    assert [(p["value"], p["status"]) for p in document["progress"]] == [("420", "validated")]

    client.force_login(officer)
    officer_response = client.get("/api/contracts/COTTRI-2021-CALAISIS")
    neighbour.assert_absent(officer_response.content)
    officer_view = officer_response.json()
    assert [p["status"] for p in officer_view["progress"]] == ["validated", "submitted"]


@pytest.mark.parametrize("reference", ["COTTRI-2021-CACHE", "COTTRI-2024-BROUILLON", "NOPE"])
def test_unpublished_draft_or_unknown_contracts_are_404_in_french(client, dataset, reference):
    for path in ("", "/objectives"):
        response = client.get(f"/api/contracts/{reference}{path}")

        assert response.status_code == 404
        assert response.json() == {"detail": f"Contrat introuvable : « {reference} »."}


def test_objectives_come_with_their_rates_from_validated_values(client, dataset):
    data = client.get("/api/contracts/COTTRI-2021-CALAISIS/objectives").json()

    assert data["as_of"] == "2023-12-31"
    (objective,) = data["objectives"]
    assert (objective["code"], objective["priority"], objective["rate"]) == ("O1", True, "0.2800")
    (indicator,) = objective["indicators"]
    assert (indicator["level"], indicator["target"], indicator["rate"]) == ("420", "1500", "0.2800")


def test_evaluation_is_served_by_the_api(client, dataset):
    data = client.get("/api/contracts/COTTRI-2021-CALAISIS/evaluation").json()

    assert data["contract"] == "COTTRI-2021-CALAISIS"
    assert data["objectives"][0]["indicators"][0]["level"] == "420"
    response = client.get("/api/contracts/COTTRI-2021-CACHE/evaluation")
    assert response.status_code == 404


def test_territories_are_the_engaged_ones(client, dataset):
    data = client.get("/api/territories/").json()

    # The neighbour's territory is engaged in its published contract.
    assert [t["code"] for t in data["items"]] == ["200093201", "PAYS-CALAISIS", "999999999"]
    assert client.get("/api/territories/", {"departement": "62"}).json()["count"] == 1
    assert client.get("/api/territories/PAYS-CALAISIS").json()["name"] == "Pays du Calaisis"
    hidden = client.get("/api/territories/200000001")
    assert hidden.status_code == 404
    assert hidden.json() == {"detail": "Territoire introuvable : « 200000001 »."}


def test_programmes_are_public(client, dataset):
    data = client.get("/api/programmes/").json()

    codes = [p["code"] for p in data["items"]]
    assert {"COTRI", "COT-TRI", "COT-CLIMAT", "TEST-TRI", "TEST-CLIMAT"} <= set(codes)
    assert codes == sorted(codes)
    assert client.get("/api/programmes/TEST-TRI").json()["short_name"] == "Test TRI"
    assert client.get("/api/programmes/NOPE").status_code == 404


def test_reading_is_get_only(client, dataset):
    assert client.post("/api/contracts/").status_code == 405
