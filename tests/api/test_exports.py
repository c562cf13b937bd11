"""Spreadsheet exports: formula neutralisation (for any text), CSV and XLSX files."""

import csv
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from cotri.formulas import restore
from exchange.exports import FORMULA_TRIGGERS, Column, Table, neutralise, table_csv, table_xlsx

COLUMNS = (Column("texte", "texte", "", ""), Column("valeur", "décimal", "", ""))


def _table(text: str) -> Table:
    return Table("essai", "Essai", COLUMNS, [(text, Decimal("12.5"))])


@given(st.text())
def test_no_text_is_run_as_a_formula_and_harmless_text_is_kept(text):
    safe = neutralise(text)

    assert not safe.startswith(FORMULA_TRIGGERS)
    assert neutralise(safe) == safe  # the admin's resources and the writers may both apply it
    if not text.startswith(FORMULA_TRIGGERS):
        assert safe == text
    else:
        assert safe == "'" + text
    if not (text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS)):
        assert restore(safe) == text  # an exported comment imports back unchanged


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=50))
def test_csv_and_xlsx_cells_never_start_a_formula(text):
    rows = list(csv.reader(io.StringIO(table_csv(_table(text)).decode("utf-8-sig")), delimiter=";"))
    assert not rows[1][0].startswith(FORMULA_TRIGGERS)

    sheet = load_workbook(io.BytesIO(table_xlsx(_table(text)))).active
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type != "f"
    assert not str(cell.value or "").startswith(FORMULA_TRIGGERS)


def test_csv_is_utf8_with_bom_semicolons_and_french_numbers():
    content = table_csv(_table("=SOMME(A1:A2)"))

    assert content.startswith("\ufeff".encode())
    assert content.decode("utf-8-sig").splitlines() == ["texte;valeur", "'=SOMME(A1:A2);12,5"]


def test_xlsx_keeps_numbers_as_numbers():
    sheet = load_workbook(io.BytesIO(table_xlsx(_table("Rénovations")))).active

    assert [c.value for c in sheet[2]] == ["Rénovations", 12.5]


@pytest.mark.django_db
def test_progress_export_from_the_api_shows_anonymous_readers_validated_values(
    client, dataset, officer, neighbour
):
    response = client.get("/api/exports/progress")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="cotri-avancement.csv"' in response["Content-Disposition"]
    lines = response.getvalue().decode("utf-8-sig").splitlines()
    # The neighbour's contract is published: its validated value is public, the others are not.
    assert lines == [
        "contract;objective;indicator;date;value;comment;status",
        "COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420;;validated",
        "VOISIN-1;V1;voisin;28/03/2022;3,75;;validated",
    ]
    client.force_login(officer)
    officer_lines = client.get("/api/exports/progress").getvalue().decode("utf-8-sig")
    # An officer reads every entry: the dataset's two and the neighbour's four.
    assert len(officer_lines.splitlines()) == 1 + 2 + len(neighbour.entries)
    assert officer_lines.count("VOISIN-1;") == len(neighbour.entries)


@pytest.mark.django_db
@pytest.mark.parametrize("dataset_name", ["contracts", "objectives", "indicators", "evaluations"])
def test_every_dataset_downloads_as_xlsx(client, dataset, dataset_name, neighbour):
    from contracts.models import Contract
    from funding.evaluations import contract_evaluate

    # One stored evaluation (a GET of the evaluation API stores nothing).
    contract_evaluate(contract=Contract.objects.get(reference="COTTRI-2021-CALAISIS"))

    response = client.get(f"/api/exports/{dataset_name}", {"format": "xlsx"})

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    references = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert references == {"COTTRI-2021-CALAISIS"} | (
        {"COTCLIMAT-2022-MEL"} if dataset_name == "contracts" else set()
    ) | (
        # The neighbour's contract is published too; only its evaluation was never stored.
        {neighbour.contract.reference} if dataset_name != "evaluations" else set()
    )


@pytest.mark.django_db
def test_objectives_export_carries_the_rates(client, dataset):
    lines = client.get("/api/exports/objectives").getvalue().decode("utf-8-sig").splitlines()

    assert lines[1].split(";")[-3:] == ["0,28", "1", "non"]


@pytest.mark.django_db
def test_unknown_dataset_is_refused_in_french(client):
    response = client.get("/api/exports/secrets")

    assert response.status_code == 422
    assert response.json()["erreurs"] == [{"champ": "dataset", "message": "valeur non autorisée"}]
