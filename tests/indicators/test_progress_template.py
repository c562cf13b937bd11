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
from exchange.progress_template import HEADER, progress_template_csv, progress_template_xlsx
from indicators.enums import EntryStatus
from tests.factories import (
    ContractFactory,
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
