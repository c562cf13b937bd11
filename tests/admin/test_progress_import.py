"""Officers import progress files through the admin: the service's rules, messages and history.

The admin hands the file to ``exchange.progress_import`` (the command's and the front office's
service): the same file gives the same French lines here and there, the whole file or nothing.
"""

import datetime
import html
import io
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exchange.progress_import import ProgressImportError, progress_import
from indicators.enums import EntrySource, EntryStatus
from indicators.models import EntryTransition, ProgressEntry
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
)
from tests.files import zip_bytes

pytestmark = pytest.mark.django_db
IMPORT_URL = reverse("admin:indicators_progressentry_import")
PROCESS_URL = reverse("admin:indicators_progressentry_process_import")
CSV, XLSX = "0", "1"  # the import formats, in order
HEADER = b"contract;objective;indicator;date;value\n"


@pytest.fixture
def calaisis():
    contract = ContractFactory(reference="COTTRI-2021-CALAISIS")
    objective = ObjectiveFactory(contract=contract, code="O1")
    renovations = IndicatorFactory(objective=objective, code="renovations", target=Decimal("1500"))
    conseils = IndicatorFactory(objective=objective, code="conseils", target=Decimal("2000"))
    return renovations, conseils


def _ours():
    """The Calaisis' entries: the neighbour's contract has its own (tests/neighbour.py)."""
    return ProgressEntry.objects.filter(
        indicator__objective__contract__reference="COTTRI-2021-CALAISIS"
    )


def _upload(client, content: bytes, name="avancement.csv", file_format=CSV):
    return client.post(
        IMPORT_URL,
        {"format": file_format, "import_file": SimpleUploadedFile(name, content), "resource": "0"},
    )


def _confirm(client, preview):
    form = preview.context["confirm_form"]
    return client.post(PROCESS_URL, {name: form.initial[name] for name in form.fields}, follow=True)


def _service_errors(content: bytes, filename="avancement.csv") -> list[str]:
    with pytest.raises(ProgressImportError) as raised:
        progress_import(content=content, filename=filename)
    return [str(error) for error in raised.value.errors]


def _xlsx(*rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


BAD_FILES = {
    "lignes fausses": (
        b"contract;objective;indicator;date;value;comment;status\n"
        b"COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420;Bilan 2021;\n"
        b"COTTRI-2021-CALAISIS;O1;renovations;31/12/2022;beaucoup;;\n"
        b"COTTRI-2021-CALAISIS;O9;conseils;31/12/2022;12;;\n"
        b"COTTRI-2021-CALAISIS;O1;conseils;31/13/2022;-3;;fini\n"
        b"COTTRI-2021-CALAISIS;O1;renovations;2021-12-31;10;;\n"
        b"INCONNU;O1;renovations;31/12/2021;1;;\n"
        b"COTTRI-2021-CALAISIS;O1;conseils;;12;;\n"
        b"COTTRI-2021-CALAISIS;O1;conseils;30/06/2021;12345678901234567;;\n"
    ),
    "virgule décimale dans un fichier à virgules": (
        b"contract,objective,indicator,date,value\n"
        b"\n"
        b"COTTRI-2021-CALAISIS,O1,renovations,31/12/2021,420\n"
        b"COTTRI-2021-CALAISIS,O1,conseils,31/12/2021,12,5\n"
    ),
    "en-tête": b"contract;objectif;date;value\nX;O1;31/12/2021;1\n",
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_file_gives_the_same_french_lines_in_the_admin_as_in_the_service(
    officer_client, calaisis, name
):
    content = BAD_FILES[name]
    expected = _service_errors(content)

    response = _upload(officer_client, content)

    assert response.status_code == 200
    assert response.context.get("confirm_form") is None  # no way to confirm a bad file
    page = response.content.decode()
    assert "Le fichier n'a pas été importé" in page
    shown = [html.unescape(line) for line in page.split("<li>")[1:]]
    shown = [line.split("</li>")[0] for line in shown if "</li>" in line]
    for line in expected:
        assert line in shown, (line, shown)
    assert _ours().count() == 0
    assert ProgressEntry.history.count() == 0


def test_every_bad_row_is_named_with_its_line_column_and_reason(calaisis):
    assert _service_errors(BAD_FILES["lignes fausses"]) == [
        "ligne 3 : valeur : nombre invalide « beaucoup »",
        "ligne 4 : objectif : objectif « O9 » inconnu dans le contrat COTTRI-2021-CALAISIS",
        "ligne 5 : date : date invalide « 31/13/2022 » (attendu JJ/MM/AAAA ou AAAA-MM-JJ)",
        "ligne 5 : valeur : la valeur doit être positive ou nulle (« -3 »)",
        "ligne 5 : statut : statut inconnu « fini » (attendu : draft, submitted, validated, "
        "returned)",
        "ligne 6 : date : doublon de la ligne 2 (même indicateur, même date)",
        "ligne 7 : contrat : contrat inconnu « INCONNU »",
        "ligne 8 : date : valeur obligatoire manquante",
        "ligne 9 : valeur : Assurez-vous qu’il n’y a pas plus de 16 chiffres au total.",
    ]
    assert _service_errors(BAD_FILES["virgule décimale dans un fichier à virgules"]) == [
        "ligne 4 : cellules en trop : « 5 » au-delà de la dernière colonne : une virgule "
        "décimale dans un fichier séparé par des virgules ? Mettez la valeur entre guillemets "
        "ou séparez les colonnes par « ; »."
    ]


def test_a_good_file_creates_entries_with_history_by_the_officer(
    officer_client, officer, calaisis, neighbour
):
    renovations, conseils = calaisis
    content = (
        "contract;objective;indicator;date;value;comment;status\n"
        "COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420,5;Bilan 2021;\n"
        "COTTRI-2021-CALAISIS;O1;conseils;2022-12-31;1 250;;soumise\n"
    ).encode("cp1252")  # what a French spreadsheet writes

    preview = _upload(officer_client, content)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "COTTRI-2021-CALAISIS" in page and "420,5" in page  # the preview table
    assert _ours().count() == 0  # the preview saves nothing
    assert ProgressEntry.history.count() == 0
    response = _confirm(officer_client, preview)

    assert response.status_code == 200
    assert "Import terminé (saisies d&#x27;avancement) : 2 ajouts" in response.content.decode()
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
    assert {(h.history_user, h.history_change_reason) for h in history} == {
        (officer, "Import de fichier")
    }
    assert EntryTransition.objects.filter(by=officer, from_status="").count() == 2
    neighbour.assert_absent(page)
    neighbour.assert_unchanged()  # a file naming one contract writes in that contract only


def test_a_row_for_an_existing_date_corrects_the_entry_and_keeps_the_old_value(
    officer_client, officer, calaisis, neighbour
):
    renovations, _ = calaisis
    entry = ProgressEntryFactory(
        indicator=renovations, date=datetime.date(2021, 12, 31), value=Decimal("400")
    )
    content = (
        b"contract,objective,indicator,date,value\n"
        b"COTTRI-2021-CALAISIS,O1,renovations,2021-12-31,420\n"
    )

    preview = _upload(officer_client, content)
    assert "400 → 420" in preview.content.decode()
    _confirm(officer_client, preview)

    entry.refresh_from_db()
    assert entry.value == Decimal("420")
    assert _ours().count() == 1
    assert [h.value for h in entry.history.order_by("history_date")] == [
        Decimal("400"),
        Decimal("420"),
    ]
    assert entry.history.latest("history_date").history_user == officer
    neighbour.assert_unchanged()


def test_a_bad_last_row_at_the_confirmation_step_saves_nothing(officer_client, calaisis):
    """The confirmation re-reads the stored file: a bad last row there still saves nothing."""
    good = [
        f"COTTRI-2021-CALAISIS;O1;renovations;{day:02d}/06/2022;{day}\n".encode()
        for day in range(1, 12)
    ]
    bad_last = b"COTTRI-2021-CALAISIS;O1;conseils;31/12/2021;douze\n"
    storage = admin.site.get_model_admin(ProgressEntry).get_tmp_storage_class()
    stored = storage(read_mode="rb")
    stored.save(HEADER + b"".join(good) + bad_last)

    response = officer_client.post(
        PROCESS_URL,
        {
            "import_file_name": stored.name,
            "original_file_name": "avancement.csv",
            "format": CSV,
            "resource": "0",
        },
        follow=True,
    )

    page = response.content.decode()
    assert "Import annulé : aucune ligne n&#x27;a été enregistrée." in page
    assert "ligne 13 : valeur : nombre invalide « douze »" in page
    assert _ours().count() == 0
    assert ProgressEntry.history.count() == 0
    assert EntryTransition.objects.count() == 0


def test_a_stored_file_gone_before_the_confirmation_is_refused_in_french(officer_client):
    response = officer_client.post(
        PROCESS_URL,
        {
            "import_file_name": "perdu",
            "original_file_name": "avancement.csv",
            "format": CSV,
            "resource": "0",
        },
        follow=True,
    )

    assert (
        "Import annulé : le fichier déposé n&#x27;est plus disponible" in response.content.decode()
    )


def test_the_confirmation_saves_nothing_when_the_data_changed_meanwhile(officer_client, calaisis):
    renovations, _ = calaisis
    content = (
        HEADER + b"COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420\n"
        b"COTTRI-2021-CALAISIS;O1;conseils;31/12/2021;10\n"
    )
    preview = _upload(officer_client, content)
    # Between preview and confirmation, the indicator of the last row is renamed.
    renovations.objective.indicators.filter(code="conseils").update(code="conseils-2")

    response = _confirm(officer_client, preview)

    page = response.content.decode()
    assert "Import annulé : aucune ligne n&#x27;a été enregistrée." in page
    assert "ligne 3 : indicateur : indicateur « conseils » inconnu" in page
    assert _ours().count() == 0


def test_an_xlsx_file_with_number_and_date_cells_is_imported(officer_client, calaisis):
    renovations, _ = calaisis
    content = _xlsx(
        ["Contract", "objective", "indicator", "date", "value", "comment"],
        ["COTTRI-2021-CALAISIS", "O1", "renovations", datetime.date(2021, 12, 31), 0.1],
    )

    _confirm(officer_client, _upload(officer_client, content, "avancement.xlsx", XLSX))

    entry = ProgressEntry.objects.get(indicator=renovations)
    assert entry.value == Decimal("0.1")  # not 0.1000000000000000055…
    assert entry.date == datetime.date(2021, 12, 31)


@pytest.mark.parametrize(
    ("content", "name", "file_format", "message"),
    [
        (b"a" * (5 * 1024 * 1024 + 1), "gros.csv", CSV, "fichier trop volumineux (5,0 Mo)"),
        (b"%PDF-1.7 ...", "avancement.csv", CSV, "ce fichier n&#x27;est pas un CSV"),
        (b"contract;objective;date", "avancement.xlsx", XLSX, "pas un classeur XLSX"),
        (
            zip_bytes({"xl/workbook.xml": b"<x/>", "xl/bombe.xml": b"0" * (51 * 1024 * 1024)}),
            "bombe.xlsx",
            XLSX,
            "classeur XLSX trop volumineux une fois décompressé (51,0 Mo)",
        ),
        (
            zip_bytes({f"xl/f{i}.xml": b"" for i in range(51)}),
            "beaucoup.xlsx",
            XLSX,
            "classeur XLSX suspect : 51 éléments (50 au plus)",
        ),
        (b"contract;value\n", "avancement.csv", XLSX, "ne correspond pas au format choisi"),
    ],
)
def test_the_upload_door_refuses_files_before_storing_them(
    officer_client, calaisis, content, name, file_format, message
):
    response = _upload(officer_client, content, name, file_format)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context.get("confirm_form") is None
    assert response.context.get("result") is None  # never handed to a parser
    assert _ours().count() == 0


def test_the_admin_and_the_service_refuse_a_damaged_workbook_alike(officer_client, calaisis):
    content = zip_bytes({"xl/workbook.xml": b"<pas un classeur"})
    (expected,) = _service_errors(content, "abime.xlsx")

    page = _upload(officer_client, content, "abime.xlsx", XLSX).content.decode()

    assert expected == "fichier : classeur XLSX illisible ou endommagé"
    assert expected in page


def test_an_officer_who_may_only_read_entries_cannot_import(client, officer):
    officer.groups.get(name="officers").permissions.set(
        Permission.objects.filter(codename="view_progressentry")
    )
    client.force_login(officer)

    assert client.get(reverse("admin:indicators_progressentry_changelist")).status_code == 200
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(PROCESS_URL, {}).status_code == 403


def test_staff_outside_the_officers_group_import_with_a_chef_de_projet_s_rights(
    client, officer, calaisis, neighbour
):
    officer.groups.clear()
    officer.user_permissions.set(
        Permission.objects.filter(
            codename__in=("add_progressentry", "change_progressentry", "view_progressentry")
        )
    )
    client.force_login(officer)
    content = HEADER + b"COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420\n"

    page = _upload(client, content).content.decode()

    assert "ligne 2 : contrat : contrat inconnu « COTTRI-2021-CALAISIS »" in page
    assert _ours().count() == 0
    neighbour.assert_absent(page)  # no other contract named, nor the neighbour's


def test_the_import_and_export_pages_open(officer_client):
    assert officer_client.get(IMPORT_URL).status_code == 200
    export = officer_client.get(reverse("admin:indicators_progressentry_export"))
    assert export.status_code == 200


def test_an_officer_s_file_imported_again_leaves_its_unchanged_rows_alone(
    officer, stranger, calaisis, neighbour
):
    """An export sent back: identical rows keep their version, reviewer and history."""
    renovations, conseils = calaisis
    reviewed = datetime.datetime(2022, 1, 5, 9, 0, tzinfo=datetime.UTC)
    kept = ProgressEntryFactory(
        indicator=renovations,
        value=Decimal("420"),
        comment="=Bilan",
        status=EntryStatus.VALIDATED,
        reviewer=stranger,
        reviewed_at=reviewed,
    )
    corrected = ProgressEntryFactory(indicator=conseils, value=Decimal("10"))
    submitted = ProgressEntryFactory(
        indicator=conseils, date=datetime.date(2022, 6, 30), status=EntryStatus.SUBMITTED
    )
    before = ProgressEntry.objects.values().get(pk=kept.pk)
    history = kept.history.count()
    content = (
        b"contract;objective;indicator;date;value;comment;status\n"
        b"COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420,00;'=Bilan;valid\xc3\xa9e\n"
        b"COTTRI-2021-CALAISIS;O1;conseils;31/12/2021;12;;\n"
        + f"COTTRI-2021-CALAISIS;O1;conseils;30/06/2022;{submitted.value};;\n".encode()
        + b"VOISIN-1;V1;voisin;28/03/2022;3,75;;\n"  # the neighbour's validated entry, as it is
    )

    result = progress_import(content=content, filename="avancement.csv", by=officer)

    assert (result.created, result.updated, result.unchanged) == (0, 2, 2)
    assert ProgressEntry.objects.values().get(pk=kept.pk) == before
    assert kept.history.count() == history
    corrected.refresh_from_db()
    assert (corrected.value, corrected.reviewer) == (Decimal("12"), officer)
    submitted.refresh_from_db()  # the same value, another status: validated by the officer
    assert (submitted.status, submitted.reviewer) == (EntryStatus.VALIDATED, officer)
    neighbour.assert_unchanged()
