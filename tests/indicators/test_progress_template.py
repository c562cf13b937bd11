"""« Télécharger le modèle »: one row per indicator, help columns the import ignores, typed cells;
filled with openpyxl or through LibreOffice and sent back through any door, it imports."""

import datetime
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from exchange.progress_files import read_rows
from exchange.progress_template import (
    HEADER,
    progress_template_csv,
    progress_template_xlsx,
    template_rows,
)
from indicators.enums import EntryStatus
from tests.factories import (
    ContractFactory,
    IncontournableFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
)
from tests.indicators.sheet_paths import PATHS, chef_of, import_through, officer_with_rights

pytestmark = pytest.mark.django_db
SOFFICE = shutil.which("soffice")


@pytest.fixture
def contract():
    contract = ContractFactory(reference="COT-MODELE")
    o1 = ObjectiveFactory(contract=contract, code="O1", title="=Réduire les déchets")
    taux = IndicatorFactory(objective=o1, code="taux", label="Taux de tri", unit="%", order=1)
    IndicatorFactory(objective=o1, code="km", label="Pistes", unit="km", order=2)
    IndicatorFactory(objective=ObjectiveFactory(contract=contract, code="O2"), code="t", unit="t")
    ProgressEntryFactory(indicator=taux, date=datetime.date(2021, 12, 31), value=Decimal("40"))
    ProgressEntryFactory(indicator=taux, date=datetime.date(2022, 6, 30), value=Decimal("42.5"))
    ProgressEntryFactory(
        indicator=taux,
        date=datetime.date(2023, 3, 31),
        value=Decimal("99"),
        status=EntryStatus.SUBMITTED,  # not validated: not the latest validated value
    )
    return contract


def _sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def test_the_xlsx_template_has_one_typed_row_per_indicator_and_read_only_help(contract):
    sheet = _sheet(progress_template_xlsx(contract=contract))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADER
    assert [row[:3] for row in rows[1:]] == [
        ("COT-MODELE", "O1", "taux"),
        ("COT-MODELE", "O1", "km"),
        ("COT-MODELE", "O2", "t"),
    ]
    taux = rows[1]
    assert taux[3] == "'=Réduire les déchets"  # a title is never run as a formula
    assert taux[4:7] == ("Taux de tri", "%", 100)
    assert (taux[7], taux[8]) == (42.5, datetime.datetime(2022, 6, 30))
    assert rows[2][7] is None  # no validated value yet
    assert sheet.protection.sheet
    assert sheet["A2"].protection.locked and sheet["H2"].protection.locked
    assert not any(sheet.cell(2, c).protection.locked for c in (10, 11, 12))
    assert sheet["J2"].number_format == "DD/MM/YYYY"
    validations = {
        str(v.sqref): (v.type, v.operator, v.formula1)
        for v in sheet.data_validations.dataValidation
    }
    assert validations == {
        "J2:J4": ("date", "greaterThan", "DATE(2000,1,1)"),
        "K2:K4": ("decimal", "greaterThanOrEqual", "0"),
    }


def test_the_template_as_downloaded_imports_nothing_and_refuses_nothing(contract):
    for content, name in (
        (progress_template_xlsx(contract=contract), "m.xlsx"),
        (progress_template_csv(contract=contract), "m.csv"),
    ):
        header, rows = read_rows(content=content, filename=name)
        assert [c for c in header if c] == ["contract", "objective", "indicator"] + [
            "date",
            "value",
            "comment",
        ]
        assert len(list(rows)) == 3


def _filled_xlsx(contract) -> bytes:
    workbook = load_workbook(io.BytesIO(progress_template_xlsx(contract=contract)))
    sheet = workbook.active
    sheet["J2"], sheet["K2"], sheet["L2"] = datetime.date(2022, 12, 31), 0.455, "Bilan annuel"
    sheet["K2"].number_format = "0.0%"  # typed as « 45,5 % »
    sheet["J3"], sheet["K3"] = datetime.date(2022, 12, 31), 12.5
    # the row of « t » is left empty
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FILLED = [
    ["O1", "km", "2022-12-31", "12.5", ""],
    ["O1", "taux", "2022-12-31", "45.5", "Bilan annuel"],
]


@pytest.fixture
def through(contract, client, officer, django_user_model, tmp_path):
    officer = officer_with_rights(officer)
    chef = chef_of(django_user_model, contract)

    def run(path, content, filename):
        return import_through(
            path,
            content=content,
            filename=filename,
            contract=contract,
            client=client,
            officer=officer,
            chef=chef,
            tmp_path=tmp_path,
        )

    return run


def _imported(outcome):
    """The rows the file brought (the fixture's entries are dated earlier or submitted)."""
    return sorted(r for r in outcome.rows if r[2] == "2022-12-31")


@pytest.mark.parametrize("path", PATHS)
def test_the_template_filled_with_openpyxl_imports_through_each_door(contract, through, path):
    outcome = through(path, _filled_xlsx(contract), "modele.xlsx")
    assert outcome.errors == []
    assert _imported(outcome) == FILLED


@pytest.mark.parametrize("path", PATHS)
def test_the_csv_template_filled_in_a_text_editor_imports_through_each_door(
    contract, through, path
):
    lines = progress_template_csv(contract=contract).decode("utf-8-sig").splitlines()
    assert all(line.endswith(";;;") for line in lines[1:])  # date, valeur, commentaire to fill
    lines[1] = lines[1].removesuffix(";;;") + ";31/12/2022;45,5 %;Bilan annuel"
    lines[2] = lines[2].removesuffix(";;;") + ";31/12/2022;12,5;"
    content = ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")
    outcome = through(path, content, "modele.csv")
    assert outcome.errors == []
    assert _imported(outcome) == FILLED


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize(
    ("target", "extension"), [("xlsx:Calc MS Excel 2007 XML", "xlsx"), ("ods:calc8", "ods")]
)
def test_the_template_saved_again_by_libreoffice_imports(
    contract, through, tmp_path, target, extension
):
    source = tmp_path / "modele-rempli.xlsx"
    source.write_bytes(_filled_xlsx(contract))
    outdir = tmp_path / "libreoffice"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path}/profil",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    saved = outdir / f"modele-rempli.{extension}"
    outcome = through("espace", saved.read_bytes(), saved.name)
    assert outcome.errors == []
    assert _imported(outcome) == FILLED


def test_the_contract_page_offers_the_template_to_its_chef_not_to_a_reader(
    client, contract, django_user_model, neighbour
):
    chef = chef_of(django_user_model, contract)
    client.force_login(chef)
    page = client.get(reverse("espace:contract", args=["COT-MODELE"])).content.decode()
    assert "Télécharger le modèle (XLSX)" in page
    download = client.get(reverse("espace:contract_template", args=["COT-MODELE"]))
    assert download["Content-Disposition"] == (
        'attachment; filename="modele-avancement-COT-MODELE.xlsx"'
    )
    assert _sheet(download.content)["C2"].value == "taux"
    csv_download = client.get(
        reverse("espace:contract_template", args=["COT-MODELE"]), {"format": "csv"}
    )
    assert csv_download.content.startswith("\ufeffcontrat;objectif;indicateur".encode())
    neighbour.assert_absent(page)
    neighbour.assert_absent(csv_download.content.decode("utf-8-sig"))
    cells = _sheet(download.content).iter_rows(values_only=True)
    neighbour.assert_absent(" ".join(str(cell) for row in cells for cell in row))
    # The neighbour's template is no more this chef's than its contract page.
    assert client.get(reverse("espace:contract_template", args=["VOISIN-1"])).status_code == 404


def test_the_admin_contract_page_links_the_template(client, contract, officer, neighbour):
    client.force_login(officer_with_rights(officer))
    page = client.get(reverse("admin:contracts_contract_change", args=[contract.pk]))
    url = reverse("admin:indicators_progressentry_template", args=[contract.pk])
    assert url in page.content.decode()
    download = client.get(url, {"format": "csv"})
    assert download.status_code == 200
    assert b"COT-MODELE;O1;taux" in download.content
    neighbour.assert_absent(download.content.decode("utf-8-sig"))  # one contract's template


# Cell by cell (written for the mutation campaign, docs/mutation.md): each test reads a whole
# file, a whole message or every attribute a spreadsheet shows, so that a changed word, a dropped
# row or a lost format is noticed.


@pytest.fixture
def ordered():
    """Objectives and indicators created in an order that is not the page's."""
    contract = ContractFactory(reference="COT-ORDRE")
    referential = contract.programme.referential
    second, first = (
        IncontournableFactory(referential=referential, group__referential=referential, number=n)
        for n in (2, 1)
    )
    # Under the second incontournable although created first and coded « A ».
    a = ObjectiveFactory(contract=contract, incontournable=second, code="A", title="Eau")
    IndicatorFactory(objective=a, code="eau", label="Captages", unit="u", order=0)
    # Same incontournable: the objective's order, then its code, decide.
    d = ObjectiveFactory(contract=contract, incontournable=first, code="D", order=1, title="D")
    IndicatorFactory(objective=d, code="d1", label="D un", unit="u", order=0)
    c = ObjectiveFactory(contract=contract, incontournable=first, code="C", order=1, title="C")
    IndicatorFactory(objective=c, code="c1", label="C un", unit="u", order=5)
    b = ObjectiveFactory(contract=contract, incontournable=first, code="B", order=2, title="B")
    # Within an objective, the indicator's order, not its creation.
    IndicatorFactory(objective=b, code="b-second", label="B deux", unit="u", order=2)
    IndicatorFactory(objective=b, code="b-first", label="B un", unit="u", order=1)
    return contract


def test_the_rows_follow_the_contract_page_order(ordered):
    assert [(r.objective, r.indicator) for r in template_rows(contract=ordered)] == [
        ("C", "c1"),
        ("D", "d1"),
        ("B", "b-first"),
        ("B", "b-second"),
        ("A", "eau"),
    ]
    xlsx = load_workbook(io.BytesIO(progress_template_xlsx(contract=ordered))).active
    assert [row[2] for row in xlsx.iter_rows(min_row=2, values_only=True)] == [
        "c1",
        "d1",
        "b-first",
        "b-second",
        "eau",
    ]


@pytest.fixture
def tri():
    contract = ContractFactory(reference="COT-TRI")
    objective = ObjectiveFactory(contract=contract, code="O1", title="@Trier plus")
    sorting = IndicatorFactory(
        objective=objective,
        code="tri",
        label="+Taux de tri",
        unit="-%",
        target=Decimal("1234.5"),
        order=1,
    )
    # Created in the reverse order of their dates: the latest validated value is the latest date.
    ProgressEntryFactory(indicator=sorting, date=datetime.date(2022, 6, 30), value=Decimal("42.50"))
    ProgressEntryFactory(indicator=sorting, date=datetime.date(2021, 12, 31), value=Decimal("40"))
    ProgressEntryFactory(
        indicator=sorting,
        date=datetime.date(2023, 1, 31),
        value=Decimal("99"),
        status=EntryStatus.SUBMITTED,
    )
    IndicatorFactory(
        objective=objective, code="km", label="Pistes", unit="km", target=Decimal("0"), order=2
    )
    return contract


def test_the_latest_validated_value_is_the_one_of_the_latest_date_not_the_latest_typed(tri):
    rows = template_rows(contract=tri)
    assert rows[0].contract == "COT-TRI"
    assert (rows[0].latest_value, rows[0].latest_date) == (
        Decimal("42.50"),
        datetime.date(2022, 6, 30),
    )
    assert (rows[1].latest_value, rows[1].latest_date) == (None, None)


def test_the_csv_template_is_the_whole_expected_text(tri):
    content = progress_template_csv(contract=tri)
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the accents
    assert content.decode("utf-8-sig") == (
        "contrat;objectif;indicateur;(intitulé de l'objectif);(libellé de l'indicateur);"
        "(unité);(cible);(dernière valeur validée);(date de la dernière valeur validée);"
        "date;valeur;commentaire\r\n"
        "COT-TRI;O1;tri;'@Trier plus;'+Taux de tri;'-%;1\u202f234,5;42,5;30/06/2022;;;\r\n"
        "COT-TRI;O1;km;'@Trier plus;Pistes;km;0;;;;;\r\n"
    )


def test_the_xlsx_template_cells_are_typed_formatted_and_only_the_cells_to_fill_are_open(tri):
    sheet = load_workbook(io.BytesIO(progress_template_xlsx(contract=tri))).active
    assert sheet.title == "Avancement"
    assert [cell.value for cell in sheet[1]] == list(HEADER)
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert [cell.value for cell in sheet[2]] == [
        "COT-TRI",
        "O1",
        "tri",
        "'@Trier plus",
        "'+Taux de tri",
        "'-%",
        1234.5,
        42.5,
        datetime.datetime(2022, 6, 30),
        None,
        None,
        None,
    ]
    assert [cell.value for cell in sheet[3]][6:9] == [0, None, None]
    for line in (2, 3):
        # Texts stay texts, whatever they start with; the help columns are grey and locked.
        assert [sheet.cell(line, c).data_type for c in range(1, 7)] == ["s"] * 6
        for column in range(1, 10):
            cell = sheet.cell(line, column)
            # Hexadecimal colours are read in any case: only the colour itself is checked.
            assert (cell.fill.fill_type, cell.fill.fgColor.rgb.upper()) == ("solid", "00EEEEEE")
            assert cell.protection.locked
        formats = [sheet.cell(line, c).number_format for c in range(9, 13)]
        assert formats == ["DD/MM/YYYY", "DD/MM/YYYY", "General", "@"]
        for column in (10, 11, 12):
            cell = sheet.cell(line, column)
            assert cell.fill.fill_type is None
            assert not cell.protection.locked
    assert [sheet.cell(2, c).number_format for c in (7, 8)] == ["General", "General"]
    assert sheet.freeze_panes == "D2"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKL"}
    assert widths == dict(zip("ABCDEFGHIJKL", (18, 10, 14, 40, 40, 10, 10, 14, 14, 12, 12, 40)))


def test_the_xlsx_template_sheet_is_protected_but_rows_can_be_added_sorted_and_filtered(tri):
    protection = load_workbook(io.BytesIO(progress_template_xlsx(contract=tri))).active.protection
    assert protection.sheet
    # In the file format, False allows: rows inserted and deleted, sorted, filtered, resized.
    assert (
        protection.insertRows,
        protection.deleteRows,
        protection.sort,
        protection.autoFilter,
        protection.formatColumns,
    ) == (False, False, False, False, False)
    assert protection.password is None


def test_the_spreadsheet_explains_in_french_what_a_date_and_a_value_must_be(tri):
    sheet = load_workbook(io.BytesIO(progress_template_xlsx(contract=tri))).active
    validations = {
        str(v.sqref): (
            v.type,
            v.operator,
            v.formula1,
            v.allow_blank,
            v.showErrorMessage,
            v.errorTitle,
            v.error,
            v.showInputMessage,
            v.promptTitle,
            v.prompt,
        )
        for v in sheet.data_validations.dataValidation
    }
    assert validations == {
        "J2:J3": (
            "date",
            "greaterThan",
            "DATE(2000,1,1)",
            True,
            True,
            "Date invalide",
            "Saisissez une date au format JJ/MM/AAAA.",
            True,
            "Date de la valeur",
            "JJ/MM/AAAA, dans la période du contrat.",
        ),
        "K2:K3": (
            "decimal",
            "greaterThanOrEqual",
            "0",
            True,
            True,
            "Valeur invalide",
            "Saisissez un nombre positif ou nul, dans l'unité de l'indicateur.",
            True,
            "Valeur",
            "Un nombre positif ou nul, dans l'unité indiquée en colonne F.",
        ),
    }


def test_the_template_of_a_contract_without_indicators_still_has_a_line_to_fill():
    contract = ContractFactory(reference="COT-VIDE")
    sheet = load_workbook(io.BytesIO(progress_template_xlsx(contract=contract))).active
    assert list(sheet.iter_rows(values_only=True)) == [HEADER]
    ranges = sorted(str(v.sqref) for v in sheet.data_validations.dataValidation)
    assert ranges == ["J2", "K2"]  # one line, never J2:J1
    assert progress_template_csv(contract=contract).decode("utf-8-sig").count("\r\n") == 1


def test_the_template_takes_two_queries_whatever_the_number_of_indicators(
    tri, django_assert_num_queries
):
    objective = tri.objectives.get()
    for n in range(5):
        indicator = IndicatorFactory(objective=objective, code=f"n{n}", order=10 + n)
        ProgressEntryFactory(indicator=indicator, date=datetime.date(2022, 1, 31))
    with django_assert_num_queries(2):
        rows = template_rows(contract=tri)
    assert [(r.objective_title, r.label) for r in rows[:2]] == [
        ("@Trier plus", "+Taux de tri"),
        ("@Trier plus", "Pistes"),
    ]
    assert [r.latest_value for r in rows[2:]] == [Decimal("10")] * 5
    with django_assert_num_queries(2):
        progress_template_xlsx(contract=tri)
    with django_assert_num_queries(2):
        progress_template_csv(contract=tri)


def test_the_downloads_say_their_type(client, tri, django_user_model):
    client.force_login(chef_of(django_user_model, tri))
    url = reverse("espace:contract_template", args=["COT-TRI"])
    xlsx, csv = client.get(url), client.get(url, {"format": "csv"})
    assert xlsx["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert csv["Content-Disposition"] == 'attachment; filename="modele-avancement-COT-TRI.csv"'
