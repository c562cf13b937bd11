"""The grants on the national SCDL « subventions » 2.1.1 schema, validated with frictionless.

SIRET numbers here are the schema documentation's own examples (valid Luhn keys), standing for
what officers enter; they are no fact about ADEME or the Région.
"""

import csv
import io
import json
from decimal import Decimal

import pytest
from frictionless import Dialect, Resource, Schema, formats

from exchange.opendata_files import folder, opendata_generate
from exchange.opendata_scdl import SCHEMA_PATH
from funding.enums import TrancheKind, TrancheStatus
from funding.models import Funder
from funding.services import contract_bonus_cap
from tests.factories import TrancheFactory

pytestmark = pytest.mark.django_db

FUNDER_SIRET = "23350001600040"
HOLDER_SIRET = "38047555800058"
HEADER = (
    "nomAttribuant;idAttribuant;dateConvention;referenceDecision;nomBeneficiaire;idBeneficiaire;"
    "rnaBeneficiaire;objet;montant;nature;conditionsVersement;datesPeriodeVersement;idRAE;"
    "notificationUE;pourcentageSubvention;dispositifAide"
)


def _report(path):
    resource = Resource(
        path=path.name,
        basepath=str(path.parent),
        schema=Schema.from_descriptor(json.loads(SCHEMA_PATH.read_text("utf-8"))),
        dialect=Dialect(controls=[formats.CsvControl(delimiter=";")]),
        encoding="utf-8-sig",
    )
    return resource.validate()


def _errors(report) -> list:
    return report.flatten(["rowNumber", "fieldName", "type"])


def _rows(path, reference: str = "COTTRI-2021-CALAISIS") -> list[dict]:
    """The rows of the file about the contract ``reference`` (the neighbour has its own)."""
    rows = csv.DictReader(io.StringIO(path.read_text("utf-8-sig")), delimiter=";")
    return [r for r in rows if reference in (r.get("referenceDecision"), r.get("contrat"))]


@pytest.fixture
def grants(dataset):
    """The Calaisis contract funded by ADEME (fixed + bonus) and the Région (one paid tranche)."""
    TrancheFactory(contract=dataset, funder_id="ADEME", planned_amount=Decimal("270000.00"))
    TrancheFactory(
        contract=dataset, funder_id="ADEME", year=3, kind=TrancheKind.BONUS, planned_amount=None
    )
    TrancheFactory(
        contract=dataset,
        funder_id="REGION",
        planned_amount=Decimal("45000.50"),
        status=TrancheStatus.PAID,
        paid_amount=Decimal("45000.50"),
        paid_on=dataset.start,
    )
    return dataset


def _officers_enter_sirets(contract, funders=("ADEME", "REGION")):
    for funder in Funder.objects.filter(code__in=funders):
        funder.siret = FUNDER_SIRET
        funder.full_clean()
        funder.save()
    contract.holder_siret = HOLDER_SIRET
    contract.full_clean()
    contract.save()


def test_the_grants_file_validates_against_the_scdl_schema(grants):
    _officers_enter_sirets(grants)
    written = opendata_generate(slugs=["subventions", "subventions-incompletes"])

    path = folder() / "subventions.csv"
    report = _report(path)
    assert report.valid, _errors(report)
    assert path.read_text("utf-8-sig").splitlines()[0] == HEADER
    rows = _rows(path)
    assert [(r["nomAttribuant"], r["referenceDecision"]) for r in rows] == [
        ("ADEME Hauts-de-France", "COTTRI-2021-CALAISIS"),
        ("Région Hauts-de-France", "COTTRI-2021-CALAISIS"),
    ]
    ademe, region = rows
    cap = contract_bonus_cap(contract=grants)  # a bonus not decided counts at its cap
    assert cap and Decimal(ademe["montant"]) == Decimal("270000.00") + cap
    assert (ademe["conditionsVersement"], ademe["datesPeriodeVersement"]) == (
        "échelonné",
        f"{grants.start.isoformat()}/{grants.end.isoformat()}",
    )
    assert (region["montant"], region["conditionsVersement"]) == ("45000.5", "unique")
    assert region["datesPeriodeVersement"] == grants.start.isoformat()  # the paid date
    assert (region["idAttribuant"], region["idBeneficiaire"]) == (FUNDER_SIRET, HOLDER_SIRET)
    assert (region["notificationUE"], region["pourcentageSubvention"]) == ("non", "1")
    assert region["nature"] == "aide en numéraire"
    assert _rows(folder() / "subventions-incompletes.csv") == []
    assert written["subventions-incompletes"]["rows"] == len(
        _rows(folder() / "subventions-incompletes.csv", "VOISIN-1")
    )  # only the neighbour's, whose holder has no SIRET


def test_without_sirets_rows_go_to_the_incomplete_file_and_the_grants_file_stays_valid(grants):
    """The demo's case: the seeds give no SIRET."""
    opendata_generate(slugs=["subventions", "subventions-incompletes"])

    report = _report(folder() / "subventions.csv")
    assert report.valid, _errors(report)
    assert _rows(folder() / "subventions.csv") == []
    incomplete = _rows(folder() / "subventions-incompletes.csv")
    assert [(r["contrat"], r["financeur"], r["champs_manquants"]) for r in incomplete] == [
        ("COTTRI-2021-CALAISIS", "ADEME", "idAttribuant | idBeneficiaire"),
        ("COTTRI-2021-CALAISIS", "REGION", "idAttribuant | idBeneficiaire"),
    ]
    assert {r["dans_subventions"] for r in incomplete} == {"false"}


def test_a_row_missing_only_the_holders_siret_is_published_and_flagged(grants):
    _officers_enter_sirets(grants, funders=("REGION",))
    grants.holder_siret = ""
    grants.save()
    opendata_generate(slugs=["subventions", "subventions-incompletes"])

    published = _rows(folder() / "subventions.csv")
    assert [(r["nomAttribuant"], r["idBeneficiaire"]) for r in published] == [
        ("Région Hauts-de-France", "")
    ]
    assert _report(folder() / "subventions.csv").valid
    incomplete = _rows(folder() / "subventions-incompletes.csv")
    assert [(r["financeur"], r["champs_manquants"], r["dans_subventions"]) for r in incomplete] == [
        ("ADEME", "idAttribuant | idBeneficiaire", "false"),
        ("REGION", "idBeneficiaire", "true"),
    ]


def test_the_validation_fails_when_a_required_column_is_missing(grants, tmp_path):
    _officers_enter_sirets(grants)
    opendata_generate(slugs=["subventions"])
    rows = _rows(folder() / "subventions.csv")
    broken = tmp_path / "sans-montant.csv"
    with broken.open("w", encoding="utf-8", newline="") as handle:
        names = [name for name in HEADER.split(";") if name != "montant"]
        writer = csv.DictWriter(handle, names, delimiter=";", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)

    report = _report(broken)
    assert not report.valid
    assert "missing-label" in {error[2] for error in _errors(report)}


@pytest.mark.parametrize(
    ("column", "value", "error"),
    [
        ("idAttribuant", "2335000160004", "constraint-error"),  # 13 digits
        ("notificationUE", "true", "type-error"),  # « oui » or « non » only
        ("nature", "subvention", "constraint-error"),
        ("pourcentageSubvention", "1.5", "constraint-error"),
        ("datesPeriodeVersement", "2021-01-01 - 2023-12-31", "constraint-error"),
        ("montant", "270 000,00", "type-error"),
    ],
)
def test_the_schema_refuses_wrong_values(grants, tmp_path, column, value, error):
    _officers_enter_sirets(grants)
    opendata_generate(slugs=["subventions"])
    rows = _rows(folder() / "subventions.csv")
    rows[0][column] = value
    broken = tmp_path / "faux.csv"
    with broken.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, HEADER.split(";"), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)

    assert (2, column, error) in [tuple(e) for e in _errors(_report(broken))]


def test_the_page_links_the_grants_files_and_the_national_schema(client, grants):
    opendata_generate()
    page = client.get("/donnees-ouvertes/").content.decode()

    assert 'href="/donnees-ouvertes/subventions.csv"' in page
    assert 'href="/donnees-ouvertes/subventions-incompletes.csv"' in page
    assert 'href="https://schema.data.gouv.fr/scdl/subventions/2.1.1/"' in page
    assert "<code>idAttribuant</code></td><td>texte</td>" in page
    response = client.get("/donnees-ouvertes/subventions.csv")
    assert response.status_code == 200
    # Read through, the streamed response is closed by the test client; closing it again would
    # send request_finished, whose handler drops the test's database connection.
    assert b"".join(response.streaming_content).decode("utf-8-sig").startswith(HEADER)
