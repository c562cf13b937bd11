"""The reader of progress files: each kind of file a French spreadsheet program writes is read as
the user sees it, or refused whole with a French message naming the line (several inputs each)."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from exchange.progress_files import (
    ProgressImportError,
    displayed_number,
    parse_value,
    read_rows,
)
from tests.files import zip_bytes

FRENCH = "contrat;objectif;indicateur;date;valeur;commentaire\r\n"
ROW = "COT;O1;i1;31/12/2022;12,5;Bilan réalisé à l'été, œuvre « commune »\r\n"


def _read(content: bytes, filename: str = "avancement.csv"):
    header, rows = read_rows(content=content, filename=filename)
    return header, list(rows)


def _refusal(content: bytes, filename: str = "avancement.csv") -> list[str]:
    with pytest.raises(ProgressImportError) as raised:
        _read(content, filename)
    return [str(error) for error in raised.value.errors]


def _xlsx(rows, *, formats=None, epoch_1904=False) -> bytes:
    workbook = Workbook()
    if epoch_1904:
        workbook.epoch = CALENDAR_MAC_1904
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for coordinate, number_format in (formats or {}).items():
        sheet[coordinate].number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# XLSX: the value displayed -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "number_format", "shown"),
    [
        (0.45, "0%", "45"),
        (0.455, "0.0%", "45.5"),
        (1, "0%", "100"),
        (0.0725, "0.00%", "7.25"),
        (12.345, "0.0", "12.3"),
        (12.35, "0.0", "12.4"),
        (2.5, "0", "3"),
        (1234.5, '#,##0.00\\ "€"', "1234.5"),
        (1234.5, "#,##0.0", "1234.5"),
        (1234567, "#,##0,", "1235"),
        (7.25, "[Red]0.0;[Blue]-0.0", "7.3"),
        (0.1 + 0.2, "General", "0.3"),
        (3, "0.00", "3"),
        (0.5, "@", "0.5"),
        (42, "General", "42"),
    ],
)
def test_a_number_cell_reads_as_its_format_displays_it(stored, number_format, shown):
    assert displayed_number(stored, number_format) == shown


@pytest.mark.parametrize("epoch_1904", [False, True], ids=["1900", "1904"])
def test_an_xlsx_row_reads_percent_rounded_and_date_cells_as_shown(epoch_1904):
    content = _xlsx(
        [
            ["contrat", "objectif", "indicateur", "date", "valeur", "commentaire"],
            ["COT", "O1", "taux", datetime.date(2022, 12, 31), 0.45, "atteint"],
            ["COT", "O1", "km", datetime.datetime(2023, 6, 30, 14, 5), 12.46, None],
            ["COT", "O1", "t", "31/12/2022", "1\u00a0234,5", "texte"],
        ],
        formats={"E2": "0%", "E3": "0.0", "D2": "DD/MM/YYYY"},
        epoch_1904=epoch_1904,
    )
    _, rows = _read(content, "a.xlsx")
    assert [(r.cells["date"], r.cells["value"]) for r in rows] == [
        ("2022-12-31", "45"),
        ("2023-06-30", "12.5"),
        ("31/12/2022", "1\u00a0234,5"),
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [("45 %", "45"), ("45,5\u00a0%", "45.5"), ("12,5", "12.5"), ("1\u202f234,5", "1234.5")],
)
def test_a_text_cell_holding_a_french_number_reads_as_shown(text, value):
    assert parse_value(text) == Decimal(value)


def test_empty_trailing_rows_and_columns_of_a_sheet_are_ignored():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Contrat", "Objectif", "Indicateur", "Date", "Valeur"])
    sheet.append(["COT", "O1", "i1", "31/12/2022", 3])
    sheet["Z200"].number_format = "0.00"  # a formatted, empty cell far away
    sheet["Z200"].value = None
    sheet["K150"] = ""
    buffer = io.BytesIO()
    workbook.save(buffer)
    header, rows = _read(buffer.getvalue(), "a.xlsx")
    assert list(header) == ["contract", "objective", "indicator", "date", "value"]
    assert [(r.line, r.extra) for r in rows] == [(2, "")]


# CSV: encodings, separators, hint line, header ---------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252", "mac_roman"])
def test_a_csv_in_each_encoding_french_programs_write_reads_its_accents(encoding):
    _, rows = _read((FRENCH + ROW + ROW.replace("i1", "i2")).encode(encoding))
    assert rows[0].cells["comment"] == "Bilan réalisé à l'été, œuvre « commune »"
    assert [r.line for r in rows] == [2, 3]


def test_an_iso_8859_15_csv_reads_its_euro_and_oe():
    text = FRENCH + "COT;O1;i1;31/12/2022;5;Cœur de ville : 5 € par habitant\r\n"
    _, rows = _read(text.encode("iso8859_15"))
    assert rows[0].cells["comment"] == "Cœur de ville : 5 € par habitant"


@pytest.mark.parametrize(
    "content",
    [
        "合同;目标;指标;日期;数值\n城市;一;二;2022;12\n".encode("gb18030") * 3,
        "контракт;цель;показатель\nгород;один;два\n".encode("koi8_r") * 3,
        (FRENCH + ROW).encode("utf-32"),
    ],
    ids=["gb18030", "koi8-r", "utf-32"],
)
def test_a_csv_in_another_encoding_is_refused_naming_the_accepted_ones(content):
    assert _refusal(content) == [
        "fichier : encodage du fichier non reconnu : enregistrez-le en CSV avec l'un des "
        "encodages UTF-8 (avec ou sans BOM), UTF-16 avec BOM, Windows-1252, ISO-8859-15, "
        "Mac Roman"
    ]


@pytest.mark.parametrize(
    ("hint", "separator"),
    [("sep=;", ";"), ("sep=,", ","), ('"sep=;"', ";"), ("SEP=\t", "\t"), ("sep=|", "|")],
)
def test_excel_s_separator_hint_line_sets_the_separator_and_is_skipped(hint, separator):
    lines = [hint, FRENCH.strip(), ROW.strip().replace("12,5", "12")]
    content = "\r\n".join(line.replace(";", separator) for line in lines).encode("utf-8-sig")
    header, rows = _read(content)
    assert header[:5] == ["contract", "objective", "indicator", "date", "value"]
    assert header.line == 2
    assert [(r.line, r.cells["value"]) for r in rows] == [(3, "12")]


@pytest.mark.parametrize(
    "above",
    [
        "",
        "Suivi des indicateurs 2022\r\n",
        "Suivi des indicateurs 2022;;;;;\r\nExporté le 15/01/2023;;;;;\r\n;;;;;\r\n",
        "\r\nCommune de Calais\r\nDate : 31/12/2022\r\n\r\n",
    ],
    ids=["none", "title", "title-date-blank", "blank-title-date"],
)
@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_title_and_date_lines_above_the_header_are_skipped(above, separator):
    content = (above + FRENCH + ROW.replace("12,5", "12")).replace(";", separator)
    header, rows = _read(content.encode("utf-8"))
    skipped = above.count("\n")
    assert header.line == skipped + 1
    assert [(r.line, r.cells["indicator"], r.cells["value"]) for r in rows] == [
        (skipped + 2, "i1", "12")
    ]


@pytest.mark.parametrize(
    "names",
    [
        "contrat;objectif;indicateur;date;valeur;commentaire;statut",
        "CONTRAT;Objectif;INDICATEUR;Date;Valeur;Commentaire;Statut",
        " Contrat ; Objéctif ; Indicateur ; DATE ; Valeur ; Commentaire ; Statut ",
        "contract;objective;indicator;date;value;comment;status",
        "Contrat;objective;Indicateur;date;value;Commentaire;statut",
    ],
)
def test_french_or_english_column_names_case_and_accents_aside(names):
    header, _ = _read((names + "\r\n" + ROW).encode("utf-8"))
    assert list(header) == [
        "contract",
        "objective",
        "indicator",
        "date",
        "value",
        "comment",
        "status",
    ]


@pytest.mark.parametrize(
    ("row", "cells"),
    [
        ("COT;O1;i1;31/12/2022\r\n", 4),
        ("COT;O1;i1;31/12/2022;12\r\n", 5),
        ("COT\r\n", 1),
    ],
)
def test_a_csv_row_with_missing_cells_is_marked_with_its_line_never_shifted(row, cells):
    _, rows = _read((FRENCH + ROW + row).encode("utf-8"))
    assert rows[0].misfit == ""
    assert rows[1].line == 3
    assert rows[1].misfit.startswith(f"{cells} cellule")
    assert "au lieu de 6" in rows[1].misfit


def test_trailing_separators_of_a_padded_sheet_are_not_missing_cells():
    content = (FRENCH.replace("\r\n", ";;\r\n") + ROW.replace("\r\n", ";;\r\n")).encode()
    _, rows = _read(content)
    assert (rows[0].misfit, rows[0].extra) == ("", "")


# ODS ---------------------------------------------------------------------------------------------

ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content
  xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">
<office:body><office:spreadsheet><table:table table:name="Feuille1">
<table:table-row><table:table-cell office:value-type="string"><text:p>Titre</text:p>
</table:table-cell></table:table-row>
<table:table-row>{header}</table:table-row>
<table:table-row>
 <table:table-cell office:value-type="string"><text:p>COT</text:p></table:table-cell>
 <table:table-cell office:value-type="string"><text:p>O1</text:p></table:table-cell>
 <table:table-cell office:value-type="string"><text:p>taux</text:p></table:table-cell>
 <table:table-cell office:value-type="date" office:date-value="2022-12-31T00:00:00">
  <text:p>31/12/2022</text:p></table:table-cell>
 <table:table-cell office:value-type="percentage" office:value="0.4555">
  <text:p>45,6 %</text:p></table:table-cell>
 <table:table-cell table:number-columns-repeated="1000"/>
</table:table-row>
<table:table-row table:number-rows-repeated="1048570"><table:table-cell
 table:number-columns-repeated="1024"/></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"""


def _ods(content_xml: str) -> bytes:
    return zip_bytes(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": content_xml.encode(),
        }
    )


def test_an_ods_sheet_reads_percent_as_shown_and_skips_a_million_blank_rows():
    names = ["contrat", "objectif", "indicateur", "date", "valeur"]
    header = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{n}</text:p></table:table-cell>'
        for n in names
    )
    header, rows = _read(_ods(ODS_CONTENT.format(header=header)), "a.ods")
    assert header.line == 2
    assert [(r.line, r.cells["date"], r.cells["value"], r.extra) for r in rows] == [
        (3, "2022-12-31", "45.6", "")
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 not a zip", "ce fichier n'est pas un classeur ODS"),
        (zip_bytes({"content.xml": b"<x/>"}), "ce fichier n'est pas un classeur ODS"),
        (
            zip_bytes(
                {
                    "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                    "content.xml": b"<unclosed",
                }
            ),
            "classeur ODS illisible ou endommagé",
        ),
    ],
)
def test_a_file_named_ods_that_is_not_one_is_refused_in_french(content, message):
    assert message in _refusal(content, "a.ods")[0]
