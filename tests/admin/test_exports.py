"""Officers download the admin's lists as CSV or XLSX: the API's columns, nothing a formula."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from exchange.exports import (
    CONTRACT_COLUMNS,
    EVALUATION_COLUMNS,
    OBJECTIVE_COLUMNS,
    PROGRESS_COLUMNS,
)
from funding.evaluations import contracts_evaluate
from indicators.models import ProgressEntry
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgrammeFactory,
    ProgressEntryFactory,
    TerritoryFactory,
)
from tests.funding.evaluation_builders import calaisis_contract

pytestmark = pytest.mark.django_db
CSV, XLSX = "0", "1"


def _export(client, admin_name: str, resource: str, columns, file_format=CSV, query=""):
    """The export page as an officer uses it: opened from the list (filters in the URL), posted."""
    url = reverse(f"admin:{admin_name}_export") + query
    assert client.get(url).status_code == 200
    data = {"format": file_format, "resource": "0"}
    data.update({f"{resource.lower()}_{column.name}": "on" for column in columns})
    response = client.post(url, data)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response


def _csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def formulas():
    """An objective titled "=1+1" in a contract whose holder is "@SUM(A1)"."""
    contract = ContractFactory(reference="COT-FORMULES", holder="@SUM(A1)", title="-2+3")
    ObjectiveFactory(contract=contract, code="O1", title="=1+1")
    return contract


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_formulas_are_neutralised_in_the_objectives_and_contracts_exports(
    officer_client, formulas, file_format
):
    read = _csv_rows if file_format == CSV else _xlsx_rows
    objectives = read(
        _export(
            officer_client,
            "indicators_objective",
            "ObjectiveExportResource",
            OBJECTIVE_COLUMNS,
            file_format,
        )
    )
    contracts = read(
        _export(
            officer_client,
            "contracts_contract",
            "ContractExportResource",
            CONTRACT_COLUMNS,
            file_format,
        )
    )

    assert objectives[0][:3] == ["Contrat", "Objectif", "Intitulé"]
    # Officers export every contract: the neighbour's objective and contract come after ours.
    assert [row[0] for row in objectives[1:]] == ["COT-FORMULES", "VOISIN-1"]
    assert objectives[1][2] == "'=1+1"
    assert [row[0] for row in contracts[1:]] == ["COT-FORMULES", "VOISIN-1"]
    contract = contracts[1]
    assert contracts[0][6] == "Structure porteuse"
    assert contract[6] == "'@SUM(A1)"
    assert contract[2] == "'-2+3"
    if file_format == XLSX:
        sheet = load_workbook(
            io.BytesIO(
                _export(
                    officer_client,
                    "indicators_objective",
                    "ObjectiveExportResource",
                    OBJECTIVE_COLUMNS,
                    XLSX,
                ).content
            )
        ).active
        assert sheet.cell(row=2, column=3).data_type == "s"  # a string, never a formula


def test_objectives_come_with_their_current_rates_and_verdicts(officer_client):
    calaisis_contract()

    rows = _csv_rows(
        _export(
            officer_client, "indicators_objective", "ObjectiveExportResource", OBJECTIVE_COLUMNS
        )
    )

    header, first = rows[0], rows[1]
    assert header[-4:] == ["Date d'évaluation", "Taux d'atteinte", "Seuil", "Atteint"]
    assert first[:2] == ["COTTRI-2021-CALAISIS", "O1"]
    assert first[-3:] == ["0,8133", "1", "non"]  # 1220 / 1500, priority threshold 100 %
    api = officer_client.get("/api/exports/objectives").getvalue().decode("utf-8-sig")
    assert ";".join(first) in api.splitlines()  # the same line as the API's


def test_the_export_keeps_the_list_filters(officer_client):
    tri, climat = ProgrammeFactory(code="T-TRI"), ProgrammeFactory(code="T-CLIMAT")
    kept = ContractFactory(reference="COT-TRI-1", programme=tri)
    ContractFactory(reference="COT-CLIMAT-1", programme=climat)
    ObjectiveFactory(contract=kept, code="O1")
    ObjectiveFactory(contract=ContractFactory(programme=climat), code="O1")

    contracts = _csv_rows(
        _export(
            officer_client,
            "contracts_contract",
            "ContractExportResource",
            CONTRACT_COLUMNS,
            query=f"?programme__id__exact={tri.pk}",
        )
    )
    objectives = _csv_rows(
        _export(
            officer_client,
            "indicators_objective",
            "ObjectiveExportResource",
            OBJECTIVE_COLUMNS,
            query=f"?contract__programme__id__exact={tri.pk}",
        )
    )
    searched = _csv_rows(
        _export(
            officer_client,
            "contracts_contract",
            "ContractExportResource",
            CONTRACT_COLUMNS,
            query="?q=CLIMAT-1",
        )
    )

    assert [row[0] for row in contracts[1:]] == ["COT-TRI-1"]
    assert [row[0] for row in objectives[1:]] == ["COT-TRI-1"]
    assert [row[0] for row in searched[1:]] == ["COT-CLIMAT-1"]


def test_officers_may_untick_columns(officer_client, formulas):
    url = reverse("admin:contracts_contract_export")
    response = officer_client.post(
        url,
        {
            "format": CSV,
            "resource": "0",
            "contractexportresource_reference": "on",
            "contractexportresource_porteur": "on",
        },
    )

    assert _csv_rows(response) == [
        ["Référence", "Structure porteuse"],
        ["COT-FORMULES", "'@SUM(A1)"],
        ["VOISIN-1", "Structure porteuse de test"],  # officers export every contract
    ]


def test_progress_entries_export_and_import_back(officer_client, neighbour):
    contract = ContractFactory(reference="COTTRI-2021-CALAISIS")
    indicator = IndicatorFactory(
        objective=ObjectiveFactory(contract=contract, code="O1"), code="renovations"
    )
    entry = ProgressEntryFactory(
        indicator=indicator, value=Decimal("1500.25"), comment="+ Bilan, 2021"
    )
    response = _export(
        officer_client,
        "indicators_progressentry",
        "ProgressEntryExportResource",
        PROGRESS_COLUMNS,
    )

    assert _csv_rows(response) == [
        ["Contrat", "Objectif", "Indicateur", "Date", "Valeur", "Commentaire", "Statut"],
        ["COTTRI-2021-CALAISIS", "O1", "renovations", "31/12/2021", "1500,25", "'+ Bilan, 2021"]
        + ["Validée"],
        # Officers export every contract's entries: the neighbour's four, in every status.
        ["VOISIN-1", "V1", "voisin", "28/01/2022", "1,25", "", "Brouillon"],
        ["VOISIN-1", "V1", "voisin", "28/02/2022", "2,5", "", "Soumise"],
        ["VOISIN-1", "V1", "voisin", "28/03/2022", "3,75", "", "Validée"],
        ["VOISIN-1", "V1", "voisin", "28/04/2022", "5", "", "Renvoyée"],
    ]
    # The whole exported file imports back and changes nothing: no entry created, no new version,
    # reviewer or history for ours, the neighbour's untouched (an export sent back as it was).
    before = ProgressEntry.objects.values().get(pk=entry.pk)
    history = ProgressEntry.history.count()
    preview = officer_client.post(
        reverse("admin:indicators_progressentry_import"),
        {
            "format": CSV,
            "resource": "0",
            "import_file": SimpleUploadedFile("export.csv", response.content),
        },
    )
    form = preview.context["confirm_form"]
    done = officer_client.post(
        reverse("admin:indicators_progressentry_process_import"),
        {name: form.initial[name] for name in form.fields},
        follow=True,
    )
    # The officer is told that every line was already so (ours and the neighbour's four).
    rows = 1 + len(neighbour.entries)
    assert [str(m) for m in done.context["messages"]] == [
        f"Import terminé (saisies d'avancement) : 0 ajout, 0 mise à jour, {rows} lignes inchangées."
    ]
    assert ProgressEntry.objects.for_contract(contract).get() == entry
    assert ProgressEntry.objects.values().get(pk=entry.pk) == before
    assert (before["value"], before["comment"]) == (Decimal("1500.25"), "+ Bilan, 2021")
    assert ProgressEntry.objects.count() == 1 + len(neighbour.entries)
    assert ProgressEntry.history.count() == history
    neighbour.assert_unchanged()


def test_evaluations_export_as_xlsx_with_numbers_and_dates(officer_client, officer):
    contract = calaisis_contract()
    contracts_evaluate(contracts=[contract], by=officer, as_of=datetime.date(2023, 12, 31))

    rows = _xlsx_rows(
        _export(
            officer_client,
            "funding_evaluation",
            "EvaluationExportResource",
            EVALUATION_COLUMNS,
            XLSX,
        )
    )

    assert rows[0][:3] == ["Contrat", "Date d'évaluation", "Résultat"]
    (row,) = rows[1:]
    assert row[0] == "COTTRI-2021-CALAISIS"
    assert row[1] == datetime.datetime(2023, 12, 31)  # a date cell
    assert row[2] == "Non éligible"  # the status label, not its code
    assert row[4] == 152371  # the cap, a number


def test_the_export_buttons_are_for_officers_who_may_view_the_model(client, officer):
    ContractFactory()
    client.force_login(officer)
    changelist = client.get(reverse("admin:contracts_contract_changelist")).content.decode()
    assert reverse("admin:contracts_contract_export") in changelist

    officer.groups.get(name="officers").permissions.set(
        Permission.objects.filter(codename="view_objective")
    )
    assert client.get(reverse("admin:contracts_contract_export")).status_code == 403
    assert client.get(reverse("admin:indicators_objective_export")).status_code == 200


def test_territories_export_through_the_same_writer(officer_client):
    TerritoryFactory(code="62", name="+Pas-de-Calais", population=1_450_000)

    response = officer_client.post(
        reverse("admin:territories_territory_export"),
        {
            "format": CSV,
            "resource": "0",
            "territoryresource_code": "on",
            "territoryresource_name": "on",
        },
    )

    assert _csv_rows(response) == [
        ["code", "name"],
        ["62", "'+Pas-de-Calais"],
        ["999999999", "Territoire voisin"],  # officers export every territory
    ]
