from decimal import Decimal

import pytest
from django.core.management import call_command

from exchange.progress_import import ProgressImportError, progress_import
from indicators.enums import EntryStatus
from indicators.models import EntryTransition, ProgressEntry
from tests.factories import ContractFactory, IndicatorFactory, ObjectiveFactory
from tests.files import zip_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def calaisis():
    contract = ContractFactory(reference="COTTRI-2021-CALAISIS")
    objective = ObjectiveFactory(contract=contract, code="O1")
    IndicatorFactory(objective=objective, code="renovations", target=Decimal("1500"))
    objective2 = ObjectiveFactory(contract=contract, code="O2")
    IndicatorFactory(objective=objective2, code="km", target=Decimal("50"))
    return contract


def _ours():
    """The entries of the test's contracts: the neighbour's (VOISIN-1) are never counted."""
    return ProgressEntry.objects.exclude(indicator__objective__contract__reference="VOISIN-1")


FRENCH_CSV = (
    "contract;objective;indicator;date;value;comment\r\n"
    "COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420;Bilan 2021 des conseillers\r\n"
    "\r\n"
    "COTTRI-2021-CALAISIS ; O2 ; km ; 31/12/2022 ; 12,5 ; Pistes réalisées \r\n"
).encode("cp1252")


def test_french_spreadsheet_csv_imports_with_history(calaisis, officer, neighbour):
    result = progress_import(content=FRENCH_CSV, filename="avancement.csv", by=officer)
    neighbour.assert_unchanged()

    assert (result.created, result.updated) == (2, 0)
    km = _ours().get(indicator__code="km")
    assert km.value == Decimal("12.5")
    assert km.date.isoformat() == "2022-12-31"
    assert km.comment == "Pistes réalisées"
    assert km.status == EntryStatus.VALIDATED
    assert km.history.get().history_user == officer
    assert EntryTransition.objects.filter(entry=km, to_status=EntryStatus.VALIDATED).exists()


def test_utf8_bom_and_comma_separator(calaisis):
    content = (
        "\ufeffcontract,objective,indicator,date,value\n"
        "COTTRI-2021-CALAISIS,O1,renovations,2021-12-31,420\n"
    ).encode()
    assert progress_import(content=content, filename="a.csv").created == 1


def test_one_bad_row_saves_nothing_and_every_bad_row_is_named(calaisis, neighbour):
    content = (
        b"contract;objective;indicator;date;value\n"
        b"COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420\n"
        b"COTTRI-2021-CALAISIS;O9;renovations;31/12/2021;1\n"
        b"COTTRI-2021-CALAISIS;O2;km;31/13/2022;1\n"
        b"COTTRI-2021-CALAISIS;O2;km;31/12/2022;-3\n"
        b"INCONNU;O2;km;31/12/2022;1\n"
    )
    with pytest.raises(ProgressImportError) as exc:
        progress_import(content=content, filename="a.csv")
    assert [str(e) for e in exc.value.errors] == [
        "ligne 3 : objectif : objectif « O9 » inconnu dans le contrat COTTRI-2021-CALAISIS",
        "ligne 4 : date : date invalide « 31/13/2022 » (attendu JJ/MM/AAAA ou AAAA-MM-JJ)",
        "ligne 5 : valeur : la valeur doit être positive ou nulle (« -3 »)",
        "ligne 6 : contrat : contrat inconnu « INCONNU »",
    ]
    assert _ours().count() == 0
    neighbour.assert_unchanged()


def test_reimport_updates_in_place_and_keeps_the_old_value_in_history(calaisis):
    progress_import(content=FRENCH_CSV, filename="a.csv")
    corrected = FRENCH_CSV.replace(b";420;", b";450;")
    result = progress_import(content=corrected, filename="a.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)  # one row as it was
    entry = _ours().get(indicator__code="renovations")
    assert entry.value == Decimal("450")
    assert [h.value for h in entry.history.order_by("history_date")] == [
        Decimal("420"),
        Decimal("450"),
    ]


def test_chef_de_projet_cannot_touch_other_contracts_nor_set_status(calaisis, stranger):
    content = (
        b"contract;objective;indicator;date;value;status\n"
        b"COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420;validated\n"
    )
    with pytest.raises(ProgressImportError) as exc:
        progress_import(
            content=content, filename="a.csv", by=stranger, officer=False, allowed_contract_ids=[]
        )
    assert [str(e) for e in exc.value.errors] == [
        "ligne 2 : contrat : contrat inconnu « COTTRI-2021-CALAISIS »"
    ]
    result = progress_import(
        content=content.replace(b";status", b"").replace(b";validated", b""),
        filename="a.csv",
        by=stranger,
        officer=False,
        allowed_contract_ids=[calaisis.pk],
    )
    assert result.created == 1
    assert _ours().get().status == EntryStatus.SUBMITTED


def test_a_chefs_rows_of_the_neighbours_contract_are_unknown_to_them(calaisis, stranger, neighbour):
    from contracts.enums import MembershipRole
    from contracts.models import ProjectMembership
    from exchange.progress_import import import_rights

    ProjectMembership.objects.create(
        user=stranger, territory=calaisis.territory, role=MembershipRole.PROJECT_LEAD
    )
    content = (
        b"contract;objective;indicator;date;value\n"
        b"COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420\n"
        b"VOISIN-1;V1;voisin;28/01/2022;9\n"  # the date of the neighbour's draft
        b"VOISIN-1;V1;voisin;31/12/2022;9\n"
    )
    with pytest.raises(ProgressImportError) as exc:
        progress_import(content=content, filename="a.csv", by=stranger, **import_rights(stranger))
    assert [str(e) for e in exc.value.errors] == [
        "ligne 3 : contrat : contrat inconnu « VOISIN-1 »",
        "ligne 4 : contrat : contrat inconnu « VOISIN-1 »",
    ]
    assert not _ours().exists()
    neighbour.assert_unchanged()
    # The neighbour's own chef may write these rows: the refusal is the rights, not the rows.
    chef = neighbour.chef
    mine = b"\n".join(line for line in content.split(b"\n") if b"CALAISIS" not in line)
    planned = progress_import(
        content=mine, filename="a.csv", by=chef, dry_run=True, **import_rights(chef)
    )
    assert (planned.created, planned.updated) == (1, 1)
    neighbour.assert_unchanged()


def test_xlsx_import(calaisis):
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["contract", "objective", "indicator", "date", "value"])
    sheet.append(["COTTRI-2021-CALAISIS", "O2", "km", "31/12/2022", 12.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    progress_import(content=buffer.getvalue(), filename="a.xlsx")
    assert _ours().get().value == Decimal("12.5")


def test_command_exit_status_and_error_lines(calaisis, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"contract;objective;indicator;date;value\nX;O1;r;01/01/2021;1\n")
    with pytest.raises(SystemExit) as exc:
        call_command("import_progress", str(bad))
    assert exc.value.code == 1
    assert "ligne 2 : contrat : contrat inconnu « X »" in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_bytes(FRENCH_CSV)
    call_command("import_progress", str(good), "--dry-run")
    assert _ours().count() == 0
    call_command("import_progress", str(good))
    assert _ours().count() == 2


def test_the_command_says_what_it_saved_and_what_was_already_so(calaisis, tmp_path, capsys):
    file = tmp_path / "avancement.csv"
    file.write_bytes(FRENCH_CSV)
    call_command("import_progress", str(file), "--dry-run")
    assert capsys.readouterr().out.strip() == (
        "2 saisies seraient importées (2 créées, 0 mise à jour) sur 1 contrat."
    )
    call_command("import_progress", str(file))
    assert capsys.readouterr().out.strip() == (
        "2 saisies importées (2 créées, 0 mise à jour) sur 1 contrat."
    )
    file.write_bytes(FRENCH_CSV.replace(b";420;", b";450;"))  # one row corrected, one as it was
    call_command("import_progress", str(file))
    assert capsys.readouterr().out.strip() == (
        "1 saisie importée (0 créée, 1 mise à jour) sur 1 contrat ; 1 ligne déjà à jour ignorée."
    )
    call_command("import_progress", str(file))  # the same file again: nothing to save
    assert capsys.readouterr().out.strip() == (
        "0 saisie importée (0 créée, 0 mise à jour) sur 0 contrat ; 2 lignes déjà à jour ignorées."
    )


# Guarding the door -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (
            b"a" * (5 * 1024 * 1024 + 1),
            "gros.csv",
            "fichier trop volumineux (5,0 Mo) : 5 Mo au plus",
        ),
        (b" \r\n", "vide.csv", "fichier vide"),
        (b"%PDF-1.7 ...", "avancement.csv", "ce fichier n'est pas un CSV (contenu binaire)"),
        (b"contract;objective\x00\x00", "avancement.csv", "n'est pas un CSV"),
        (zip_bytes({"xl/workbook.xml": b"<x/>"}), "classeur.csv", "n'est pas un CSV"),
        (FRENCH_CSV, "avancement.xlsx", "ce fichier n'est pas un classeur XLSX"),
        (b"PK\x03\x04 not a zip", "avancement.xlsx", "n'est pas un classeur XLSX"),
        (zip_bytes({"readme.txt": b"hello"}), "archive.xlsx", "n'est pas un classeur XLSX"),
        (
            zip_bytes({f"xl/f{i}.xml": b"" for i in range(51)}),
            "beaucoup.xlsx",
            "classeur XLSX suspect : 51 éléments (50 au plus)",
        ),
        (
            zip_bytes({"xl/workbook.xml": b"<x/>", "xl/bombe.xml": b"0" * (51 * 1024 * 1024)}),
            "bombe.xlsx",
            "classeur XLSX trop volumineux une fois décompressé (51,0 Mo) : 50 Mo au plus",
        ),
        (
            zip_bytes({"xl/workbook.xml": b"<pas un classeur"}),
            "abime.xlsx",
            "classeur XLSX illisible",
        ),
    ],
)
def test_files_that_are_too_big_or_not_what_they_claim_are_refused_in_french(
    calaisis, content, filename, message
):
    with pytest.raises(ProgressImportError) as raised:
        progress_import(content=content, filename=filename)

    (error,) = raised.value.errors
    assert (error.line, error.column) == (0, "fichier")
    assert message in error.message
    assert str(error).startswith("fichier : ")
    assert not _ours().exists()


def test_an_exported_comment_imports_back_without_its_apostrophe(calaisis):
    content = (
        b"contract;objective;indicator;date;value;comment\n"
        b"COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420;'- 3 ateliers\n"
    )
    progress_import(content=content, filename="a.csv")
    assert _ours().get().comment == "- 3 ateliers"


def test_cells_past_the_last_column_of_a_workbook_are_refused(calaisis):
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["contract", "objective", "indicator", "date", "value", None, None])
    workbook.active.append(["COTTRI-2021-CALAISIS", "O2", "km", "31/12/2022", 12, None, "note"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    with pytest.raises(ProgressImportError) as raised:
        progress_import(content=buffer.getvalue(), filename="a.xlsx")

    (error,) = raised.value.errors
    assert (error.line, error.column) == (2, "cellules en trop")
    assert error.message.startswith("« note » au-delà de la dernière colonne")
    assert not _ours().exists()


def test_a_dry_run_checks_everything_and_saves_nothing(calaisis, officer):
    result = progress_import(content=FRENCH_CSV, filename="a.csv", by=officer, dry_run=True)

    assert (result.created, result.updated) == (2, 0)
    assert [planned.line for planned in result.rows] == [2, 4]  # the blank line 3 counts
    assert not _ours().exists()
    assert not ProgressEntry.history.exists()
    assert not EntryTransition.objects.exists()


def test_rights_follow_the_user(calaisis, officer, stranger):
    from exchange.progress_import import import_rights

    assert import_rights(None) == {"officer": True, "allowed_contract_ids": None}
    assert import_rights(officer) == {"officer": True, "allowed_contract_ids": None}
    assert import_rights(stranger) == {"officer": False, "allowed_contract_ids": set()}


def test_the_guard_is_importable_from_its_old_home():
    from cotri import uploads_guard
    from exchange import progress_import as service

    assert service.MAX_FILE_BYTES == uploads_guard.MAX_FILE_BYTES == 5 * 1024 * 1024
    with pytest.raises(ProgressImportError, match="fichier vide"):
        service.check_upload(content=b"  ", filename="a.csv")
    with pytest.raises(uploads_guard.UploadRefused, match="fichier vide"):
        uploads_guard.check_spreadsheet(content=b"  ", filename="a.csv")
