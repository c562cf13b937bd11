"""Open data page and CSV files: published contracts and validated values only."""

from decimal import Decimal

import pytest

from exchange.opendata_files import opendata_generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(dataset):
    """The files as the nightly (or after-change) task writes them."""
    return opendata_generate()


def _lines(response) -> list[str]:
    # The test client closes the response itself (a streamed one once read through); closing it
    # again would send request_finished, whose handler drops the test's database connection.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8-sig").splitlines()


def test_page_documents_every_file_and_the_licence(client, files):
    response = client.get("/donnees-ouvertes/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Licence Ouverte / Open Licence version 2.0 (Etalab 2.0)" in page
    for slug in (
        "contrats",
        "objectifs",
        "indicateurs",
        "valeurs",
        "subventions",
        "subventions-incompletes",
    ):
        assert f'href="/donnees-ouvertes/{slug}.csv"' in page
    assert "<code>population</code></td><td>entier</td><td>habitants</td>" in page


def test_contracts_file_lists_published_contracts_only(client, files, neighbour):
    response = client.get("/donnees-ouvertes/contrats.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = _lines(response)
    assert lines[0].startswith("reference;programme;titre;territoire_code")
    # The neighbour's contract is published: it is open data like the others.
    assert [line.split(";")[0] for line in lines[1:]] == [
        "COTCLIMAT-2022-MEL",
        "COTTRI-2021-CALAISIS",
        neighbour.contract.reference,
    ]
    assert ";2021-01-01;2021-01-01;2023-12-31;100000;2020" in lines[2]


def test_values_file_holds_validated_values_with_machine_formats(client, files, neighbour):
    lines = _lines(client.get("/donnees-ouvertes/valeurs.csv"))

    # Of the neighbour's four entries, only the validated one is published.
    assert neighbour.entries["validated"].value == Decimal("3.75")
    assert lines == [
        "contrat;objectif;indicateur;date;valeur;commentaire;demonstration",
        "COTTRI-2021-CALAISIS;O1;renovations;2021-12-31;420;;false",
        "VOISIN-1;V1;voisin;2022-03-28;3.75;;false",
    ]


def test_objectives_and_indicators_files(client, files):
    objectives = _lines(client.get("/donnees-ouvertes/objectifs.csv"))
    indicators = _lines(client.get("/donnees-ouvertes/indicateurs.csv"))

    # the last column says whether the values are demonstration ones (issue 10)
    assert objectives[1].split(";")[-5:] == ["2023-12-31", "0.28", "1", "false", "false"]
    assert indicators[1].split(";")[2:4] == ["renovations", "Rénovations"]
    assert indicators[1].endswith(";0;1500;false")


def test_unknown_file_is_404(client):
    assert client.get("/donnees-ouvertes/secrets.csv").status_code == 404


def test_files_are_stored_and_served_with_their_date(client, dataset, settings, neighbour):
    assert client.get("/donnees-ouvertes/valeurs.csv").status_code == 503  # never generated
    written = opendata_generate()
    # The dataset's published values and contracts, and the neighbour's (one validated value).
    assert written["valeurs"]["rows"] == 1 + 1 and written["contrats"]["rows"] == 2 + 1
    response = client.get("/donnees-ouvertes/contrats.csv")
    assert response.status_code == 200 and response.streaming  # the stored file, not rebuilt
    assert _lines(response)[0].startswith("reference;")
    day = written["contrats"]["generated_at"][:10]
    assert f'filename="cotri-contrats-{day}.csv"' in response["Content-Disposition"]
    assert response["Last-Modified"].endswith("GMT")
    page = client.get("/donnees-ouvertes/").content.decode()
    assert "3 lignes, mis à jour le " in page


def test_changes_regenerate_the_files_once_after_commit(
    client, django_capture_on_commit_callbacks, neighbour
):
    from tests.factories import ContractFactory

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ContractFactory.create_batch(3, title="Contrat modifié")
    assert sum(getattr(c, "opendata", False) for c in callbacks) == 1  # one run for the burst
    lines = _lines(client.get("/donnees-ouvertes/contrats.csv"))
    changed = [line for line in lines[1:] if "Contrat modifié" in line]
    others = [line.split(";")[0] for line in lines[1:] if "Contrat modifié" not in line]
    # The three new contracts, and the neighbour's, published and built before (no signal).
    assert len(changed) == 3 and others == [neighbour.contract.reference]


def test_open_data_files_name_their_columns_in_french_and_show_no_internal_path(
    client, files, settings
):
    """Issue 14: no English column name (the progress import file's names stay in the import
    and export of progress, fixed by interfaces.md), no path of the server's disk."""
    english = {"contract", "objective", "indicator", "value", "comment", "status", "path", "file"}
    for slug in files:
        lines = _lines(client.get(f"/donnees-ouvertes/{slug}.csv"))
        assert not english & set(lines[0].split(";")), slug
        body = "\n".join(lines)
        assert str(settings.MEDIA_ROOT) not in body and "/opendata/" not in body, slug
    page = client.get("/donnees-ouvertes/").content.decode()
    assert str(settings.MEDIA_ROOT) not in page


def test_the_api_shows_no_internal_path(client, dataset, settings):
    """A contract's stored document (a file on the server's disk) is never named by its path."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from contracts.models import ContractDocument

    stored = ContractDocument.objects.create(
        contract=dataset,
        kind=ContractDocument._meta.get_field("kind").choices[0][0],
        title="Convention signée",
        file=SimpleUploadedFile("convention.pdf", b"%PDF-1.4 test"),
    )
    assert stored.file.name.startswith("contracts/documents/")
    for url in ("/api/contracts/COTTRI-2021-CALAISIS", "/api/contracts/", "/api/territories/"):
        body = client.get(url).content.decode()
        assert "contracts/documents/" not in body and str(settings.MEDIA_ROOT) not in body, url
    document = client.get("/api/contracts/COTTRI-2021-CALAISIS").json()
    assert document["documents"] == [{"kind": stored.kind, "title": "Convention signée"}]
