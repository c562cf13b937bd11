"""Officers import progress files through the admin: the whole file or nothing, with history."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.enums import EntrySource, EntryStatus
from indicators.models import EntryTransition, ProgressEntry
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
)

IMPORT_URL = reverse("admin:indicators_progressentry_import")
PROCESS_URL = reverse("admin:indicators_progressentry_process_import")
CSV_FORMAT = "0"  # first of the import formats (CSV, XLSX)


@pytest.fixture
def calaisis():
    contract = ContractFactory(reference="COTTRI-2021-CALAISIS")
    objective = ObjectiveFactory(contract=contract, code="O1")
    renovations = IndicatorFactory(objective=objective, code="renovations", target=Decimal("1500"))
    conseils = IndicatorFactory(objective=objective, code="conseils", target=Decimal("2000"))
    return renovations, conseils


def _upload(client, content: bytes, name="avancement.csv"):
    return client.post(
        IMPORT_URL,
        {"format": CSV_FORMAT, "import_file": SimpleUploadedFile(name, content), "resource": "0"},
    )


def _confirm(client, preview):
    form = preview.context["confirm_form"]
    return client.post(PROCESS_URL, {name: form.initial[name] for name in form.fields}, follow=True)


def test_a_file_with_one_bad_row_saves_nothing_and_names_the_row(officer_client, calaisis):
    content = (
        b"contract;objective;indicator;date;value;comment\n"
        b"COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420;Bilan 2021\n"
        b"COTTRI-2021-CALAISIS;O1;renovations;31/12/2022;beaucoup;Bilan 2022\n"
        b"COTTRI-2021-CALAISIS;O9;conseils;31/12/2022;12;\n"
    )

    response = _upload(officer_client, content)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Le fichier n'a pas été importé" in page
    assert "Ligne 3 : value : nombre invalide « beaucoup »" in page
    assert "Ligne 4 : objective : objectif « O9 » inconnu dans le contrat" in page
    assert response.context.get("confirm_form") is None  # no way to confirm a bad file
    assert ProgressEntry.objects.count() == 0
    assert ProgressEntry.history.count() == 0


def test_a_good_file_creates_entries_with_history_by_the_officer(officer_client, officer, calaisis):
    renovations, conseils = calaisis
    content = (
        "contract;objective;indicator;date;value;comment;status\n"
        "COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420,5;Bilan 2021;\n"
        "COTTRI-2021-CALAISIS;O1;conseils;2022-12-31;1 250;;soumise\n"
    ).encode("cp1252")  # what a French spreadsheet writes

    preview = _upload(officer_client, content)
    assert preview.status_code == 200
    assert ProgressEntry.objects.count() == 0  # the preview saves nothing
    response = _confirm(officer_client, preview)

    assert response.status_code == 200
    assert "Import terminé" in response.content.decode()
    first = ProgressEntry.objects.get(indicator=renovations)
    assert first.value == Decimal("420.5") and isinstance(first.value, Decimal)
    assert first.date == datetime.date(2021, 12, 31)
    assert first.status == EntryStatus.VALIDATED  # officers' rows without a status
    assert first.source == EntrySource.IMPORT
    assert first.author == officer and first.reviewer == officer
    second = ProgressEntry.objects.get(indicator=conseils)
    assert second.value == Decimal("1250") and second.status == EntryStatus.SUBMITTED
    history = ProgressEntry.history.filter(history_type="+")
    assert history.count() == 2
    assert {h.history_user for h in history} == {officer}
    assert EntryTransition.objects.filter(by=officer, from_status="").count() == 2


def test_a_row_for_an_existing_date_corrects_the_entry_and_keeps_the_old_value(
    officer_client, officer, calaisis
):
    renovations, _ = calaisis
    entry = ProgressEntryFactory(
        indicator=renovations, date=datetime.date(2021, 12, 31), value=Decimal("400")
    )
    content = (
        b"contract,objective,indicator,date,value\n"
        b"COTTRI-2021-CALAISIS,O1,renovations,2021-12-31,420\n"
    )

    _confirm(officer_client, _upload(officer_client, content))

    entry.refresh_from_db()
    assert entry.value == Decimal("420")
    assert ProgressEntry.objects.count() == 1
    assert [h.value for h in entry.history.order_by("history_date")] == [
        Decimal("400"),
        Decimal("420"),
    ]
    assert entry.history.latest("history_date").history_user == officer


def test_the_confirmation_saves_nothing_when_the_data_changed_meanwhile(officer_client, calaisis):
    renovations, _ = calaisis
    content = (
        b"contract;objective;indicator;date;value\n"
        b"COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420\n"
        b"COTTRI-2021-CALAISIS;O1;conseils;31/12/2021;10\n"
    )
    preview = _upload(officer_client, content)
    # Between preview and confirmation, an indicator of the file is renamed.
    renovations.objective.indicators.filter(code="conseils").update(code="conseils-2")

    response = _confirm(officer_client, preview)

    page = response.content.decode()
    assert "Import annulé : aucune ligne n&#x27;a été enregistrée." in page
    assert "Ligne 3 : indicator" in page
    assert ProgressEntry.objects.count() == 0


def test_a_missing_column_is_reported_in_french(officer_client, calaisis):
    response = _upload(officer_client, b"contract;objective;date;value\nX;O1;31/12/2021;1\n")
    page = response.content.decode()
    assert "colonne(s) obligatoire(s) absente(s) : indicator" in page
    assert ProgressEntry.objects.count() == 0


def test_the_same_indicator_and_date_twice_is_refused(officer_client, calaisis):
    content = (
        b"contract;objective;indicator;date;value\n"
        b"COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420\n"
        b"COTTRI-2021-CALAISIS;O1;renovations;2021-12-31;10\n"
    )
    page = _upload(officer_client, content).content.decode()
    assert "Ligne 3 : date : doublon de la ligne 2" in page
    assert ProgressEntry.objects.count() == 0


def test_progress_entries_export_round_trips(officer_client, calaisis):
    renovations, _ = calaisis
    entry = ProgressEntryFactory(
        indicator=renovations, value=Decimal("1500.25"), comment="Bilan, 2021"
    )
    columns = ("contract", "objective", "indicator", "date", "value", "comment", "status")
    response = officer_client.post(
        reverse("admin:indicators_progressentry_export"),
        {
            "format": "0",
            "resource": "0",
            **{f"progressentryresource_{column}": "on" for column in columns},
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert text.splitlines()[0] == ",".join(columns)
    assert "COTTRI-2021-CALAISIS,O1,renovations,31/12/2021" in text

    # The exported file imports back onto the same entry, unchanged.
    _confirm(officer_client, _upload(officer_client, response.content))
    entry.refresh_from_db()
    assert ProgressEntry.objects.get() == entry
    assert (entry.value, entry.comment) == (Decimal("1500.25"), "Bilan, 2021")


def test_an_xlsx_file_with_number_and_date_cells_is_imported(officer_client, calaisis):
    import io

    from openpyxl import Workbook

    renovations, _ = calaisis
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Contract", "objective", "indicator", "date", "value", "comment"])
    sheet.append(["COTTRI-2021-CALAISIS", "O1", "renovations", datetime.date(2021, 12, 31), 0.1])
    buffer = io.BytesIO()
    workbook.save(buffer)

    preview = officer_client.post(
        IMPORT_URL,
        {
            "format": "1",
            "resource": "0",
            "import_file": SimpleUploadedFile("avancement.xlsx", buffer.getvalue()),
        },
    )
    _confirm(officer_client, preview)

    entry = ProgressEntry.objects.get(indicator=renovations)
    assert entry.value == Decimal("0.1")  # not 0.1000000000000000055…
    assert entry.date == datetime.date(2021, 12, 31)


def test_an_officer_who_may_only_read_entries_cannot_import(client, officer):
    from django.contrib.auth.models import Permission

    officer.groups.get(name="officers").permissions.set(
        Permission.objects.filter(codename="view_progressentry")
    )
    client.force_login(officer)

    assert client.get(reverse("admin:indicators_progressentry_changelist")).status_code == 200
    assert client.get(IMPORT_URL).status_code == 403


def test_the_import_and_export_pages_open(officer_client):
    assert officer_client.get(IMPORT_URL).status_code == 200
    export = officer_client.get(reverse("admin:indicators_progressentry_export"))
    assert export.status_code == 200


def test_line_numbers_count_blank_lines_and_stray_cells_are_reported(officer_client, calaisis):
    content = (
        b"contract,objective,indicator,date,value\n"
        b"\n"
        b"COTTRI-2021-CALAISIS,O1,renovations,31/12/2021,420\n"
        b"COTTRI-2021-CALAISIS,O1,conseils,31/12/2021,12,5\n"
    )

    page = _upload(officer_client, content).content.decode()

    assert "Ligne 4 : cellules au-delà de la dernière colonne (« 5 »)" in page
    assert ProgressEntry.objects.count() == 0
