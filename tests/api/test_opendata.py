"""Open data page and CSV files: published contracts and validated values only."""

import pytest

pytestmark = pytest.mark.django_db


def _lines(response) -> list[str]:
    return response.content.decode("utf-8-sig").splitlines()


def test_page_documents_every_file_and_the_licence(client, dataset):
    response = client.get("/donnees-ouvertes/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Licence Ouverte / Open Licence version 2.0 (Etalab 2.0)" in page
    for slug in ("contrats", "objectifs", "indicateurs", "valeurs"):
        assert f'href="/donnees-ouvertes/{slug}.csv"' in page
    assert "<code>population</code></td><td>entier</td><td>habitants</td>" in page


def test_contracts_file_lists_published_contracts_only(client, dataset):
    response = client.get("/donnees-ouvertes/contrats.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = _lines(response)
    assert lines[0].startswith("reference;programme;titre;territoire_code")
    assert [line.split(";")[0] for line in lines[1:]] == [
        "COTCLIMAT-2022-MEL",
        "COTTRI-2021-CALAISIS",
    ]
    assert ";2021-01-01;2021-01-01;2023-12-31;100000;2020" in lines[2]


def test_values_file_holds_validated_values_with_machine_formats(client, dataset):
    lines = _lines(client.get("/donnees-ouvertes/valeurs.csv"))

    assert lines == [
        "contract;objective;indicator;date;value;comment;status;demonstration",
        "COTTRI-2021-CALAISIS;O1;renovations;2021-12-31;420;;validated;false",
    ]


def test_objectives_and_indicators_files(client, dataset):
    objectives = _lines(client.get("/donnees-ouvertes/objectifs.csv"))
    indicators = _lines(client.get("/donnees-ouvertes/indicateurs.csv"))

    # the last column says whether the values are demonstration ones (issue 10)
    assert objectives[1].split(";")[-5:] == ["2023-12-31", "0.28", "1", "false", "false"]
    assert indicators[1].split(";")[2:4] == ["renovations", "Rénovations"]
    assert indicators[1].endswith(";0;1500;false")


def test_unknown_file_is_404(client):
    assert client.get("/donnees-ouvertes/secrets.csv").status_code == 404
