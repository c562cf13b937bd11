"""Each cell of a spreadsheet reads as the user sees it in its place: the decimals shown, whatever
the locale of the program that wrote it, blank cells keeping the cells after them in their
columns, texts on several lines or with a formatted word read whole (no database)."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from exchange.progress_files import (
    ProgressImportError,
    displayed_number,
    parse_value,
    read_rows,
)
from tests.files import zip_bytes

NAMES = ("contrat", "objectif", "indicateur", "date", "valeur", "commentaire")


def _string(text: str, repeat: int = 1) -> str:
    repeated = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return (
        f'<table:table-cell{repeated} office:value-type="string"><text:p>{text}</text:p>'
        "</table:table-cell>"
    )


def _number(kind: str, value: str, shown: str) -> str:
    text = f"<text:p>{shown}</text:p>" if shown else ""
    return (
        f'<table:table-cell office:value-type="{kind}" office:value="{value}">{text}'
        "</table:table-cell>"
    )


def _blank(repeat: int = 1) -> str:
    return f'<table:table-cell table:number-columns-repeated="{repeat}"/>'


def _ods(*rows: str, names=NAMES) -> bytes:
    """An ODS file as LibreOffice writes it: header, then ``rows`` (XML of table rows)."""
    header = "".join(_string(name) for name in names)
    content = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content
  xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">
<office:body><office:spreadsheet><table:table table:name="Feuille1">
<table:table-row>{header}</table:table-row>{"".join(rows)}
</table:table></office:spreadsheet></office:body></office:document-content>"""
    return _zip(content.encode())


def _zip(content_xml: bytes) -> bytes:
    return zip_bytes(
        {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": content_xml}
    )


def _row(*cells: str, repeat: int = 1) -> str:
    repeated = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{repeated}>{''.join(cells)}</table:table-row>"


def _codes() -> list[str]:
    return [_string("COT"), _string("O1"), _string("i1"), _string("31/12/2022")]


def _rows(content: bytes):
    header, rows = read_rows(content=content, filename="avancement.ods")
    return header, list(rows)


# ODS numbers: the decimals the cell shows --------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "stored", "shown", "read"),
    [
        ("float", "12.46", "12", "12"),
        ("float", "2.5", "3", "3"),  # half up, as spreadsheets round
        ("float", "0.456", "0,46", "0.46"),
        ("float", "1234.5678", "1,234.57", "1234.57"),  # LibreOffice in English
        ("currency", "1234.5", "1 234,50 €", "1234.5"),
        ("percentage", "0.4555", "45,6 %", "45.6"),
        ("float", "0.000123", "1,23E-04", "0.000123"),  # scientific: the value itself
        ("float", "12.5", "", "12.5"),  # written without its text by other programs
    ],
)
def test_an_ods_number_reads_with_the_decimals_its_text_shows_in_any_locale(
    kind, stored, shown, read
):
    _, rows = _rows(_ods(_row(*_codes(), _number(kind, stored, shown))))
    assert [row.cells["value"] for row in rows] == [read]


@pytest.mark.parametrize(
    ("stored", "shown", "read"),
    [
        ("1234567", "1 235", "1235"),  # French, thousands
        ("1234567", "1.235", "1235"),  # German or Belgian: « . » between thousands
        ("1234567", "1,235", "1235"),  # English: « , » between thousands
        ("1234567", "1'235", "1235"),  # Swiss
        ("1234567", "1 235 k€", "1235"),
        ("1234567", "1,2", "1.2"),  # millions, one decimal
        ("1234567890", "1 235", "1235"),  # thousands of millions shown in millions
        ("1234567890123", "1 235", "1235"),  # shown in thousands of millions
        ("0", "-", "0"),  # an accounting format shows zero as a dash
        ("0", "- €", "0"),
    ],
)
def test_an_ods_number_in_a_scaled_format_reads_as_shown_whatever_the_separators(
    stored, shown, read
):
    """« 1 235 » for 1 234 567 (a format in thousands): the user reads thousands, and the file
    gives what they read, never the stored millions. The text depends on the language of the
    program that wrote the file, so the value is scaled, not the text parsed: « 1.235 » written
    by a German LibreOffice is 1 235 too, not 1,235."""
    (row,) = _rows(_ods(_row(*_codes(), _number("float", stored, shown))))[1]
    assert parse_value(row.cells["value"]) == Decimal(read)


@pytest.mark.parametrize(
    ("stored", "shown", "read"),
    [
        ("0.1234567890123456789", "0,123456789012346", "0.123456789012346"),  # 15 decimals
        ("0.12345678901234567", "0,1234567890123457", "0.12345678901234567"),  # 16: as stored
        ("12345678901234567", "1", "12345678901234567"),  # no format in thousands fits it
        ("1234567890123456", "1", "1234567890123456"),  # nor in thousands of trillions
    ],
)
def test_an_ods_number_is_rounded_as_shown_up_to_fifteen_decimals_and_else_read_as_stored(
    stored, shown, read
):
    """Beyond 15 decimals (what a spreadsheet's number holds) or beyond any format in
    thousands, the text cannot say more than the stored value: the value is read as stored."""
    (row,) = _rows(_ods(_row(*_codes(), _number("float", stored, shown))))[1]
    assert row.cells["value"] == read


# XLSX numbers: what the format shows -------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "number_format", "shown"),
    [
        (0.1 + 0.7, "General", "0.8"),  # 0.7999999999999999: General shows 15 digits
        (12.25, None, "12.25"),  # no format: General
        (12.25, "[Red]General", "12.25"),
        (12.25, "General;[Red]-General", "12.25"),
        (12.25, ";;;", "12.25"),  # hidden by its format: the value typed
        (1234.567, "0.00E+00", "1234.567"),  # scientific: the value itself
        (1234.567, "0.00e+00", "1234.567"),
        (1.25, "# ?/?", "1.25"),  # a fraction: the value itself
        (1234567890, "#,##0,,", "1235"),  # in millions
        (-0.4, "0", "0"),  # never « -0 »
    ],
)
def test_an_xlsx_number_reads_as_its_format_shows_it(stored, number_format, shown):
    assert displayed_number(stored, number_format) == shown


def test_xlsx_true_false_and_time_cells_read_as_a_french_spreadsheet_shows_them():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([*NAMES, "statut"])
    sheet.append(["COT", "O1", "i1", datetime.time(14, 30), True, False, "validée"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _, rows = read_rows(content=buffer.getvalue(), filename="avancement.xlsx")
    rows = list(rows)
    assert [(r.cells["date"], r.cells["value"], r.cells["comment"]) for r in rows] == [
        ("14:30:00", "VRAI", "FAUX")
    ]
    with pytest.raises(ValueError, match="nombre invalide"):  # never read as 1
        parse_value(rows[0].cells["value"])


# ODS layout: blank and repeated cells, repeated rows ---------------------------------------------


def test_adjacent_blank_cells_of_an_ods_row_keep_the_next_cells_in_their_columns():
    """The template's help columns « (dernière valeur validée) » and « (date de la dernière
    valeur validée) » are blank for a new indicator: LibreOffice writes them as one cell
    repeated twice, and the date, value and comment after them stay in their columns."""
    names = ("contrat", "objectif", "indicateur", "(unité)", "(cible)", "date", "valeur")
    row = _row(
        _string("COT"),
        _string("O1"),
        _string("i1"),
        _blank(repeat=2),
        _string("31/12/2022"),
        _number("float", "12", "12"),
        _blank(repeat=1000),
    )
    header, rows = _rows(_ods(row, names=names))
    assert list(header) == ["contract", "objective", "indicator", "", "", "date", "value"]
    assert [(r.cells["date"], r.cells["value"], r.extra) for r in rows] == [
        ("31/12/2022", "12", "")
    ]


def test_a_blank_comment_between_a_value_and_a_status_is_kept_as_blank():
    names = (*NAMES, "statut")
    row = _row(*_codes(), _number("float", "3", "3"), _blank(), _string("validée"))
    _, rows = _rows(_ods(row, names=names))
    assert [(r.cells["comment"], r.cells["status"]) for r in rows] == [("", "validée")]


def test_a_text_repeated_in_adjacent_ods_cells_fills_each_of_them():
    row = _row(
        _string("COT"),
        _string("O1", repeat=2),
        _string("31/12/2022"),
        _string("7", repeat=2),
    )
    _, rows = _rows(_ods(row))
    assert [(r.cells["indicator"], r.cells["value"], r.cells["comment"]) for r in rows] == [
        ("O1", "7", "7")
    ]


def test_blank_and_repeated_ods_rows_keep_the_line_numbers_a_spreadsheet_shows():
    rows_xml = (
        _row(_blank(repeat=1024), repeat=3),  # lines 2 to 4
        _row(*_codes(), _string("5"), repeat=2),  # lines 5 and 6, identical
        _row(_string("COT"), _string("O1"), _string("i2"), _string("31/12/2022"), _string("6")),
    )
    _, rows = _rows(_ods(*rows_xml))
    assert [(r.line, r.cells["indicator"], r.misfit) for r in rows] == [
        (5, "i1", ""),  # a row shorter than the header is no shifted CSV row
        (6, "i1", ""),
        (7, "i2", ""),
    ]


# ODS texts and dates -----------------------------------------------------------------------------


def test_an_ods_comment_on_two_lines_or_with_a_formatted_word_reads_whole():
    comment = (
        '<table:table-cell office:value-type="string">'
        "<text:p>Bilan <text:span>réalisé</text:span> à l'été</text:p>"
        "<text:p>seconde ligne</text:p></table:table-cell>"
    )
    _, rows = _rows(_ods(_row(*_codes(), _string("5"), comment)))
    assert rows[0].cells["comment"] == "Bilan réalisé à l'été\nseconde ligne"


def test_an_ods_date_cell_without_its_date_reads_blank_never_a_made_up_date():
    broken = '<table:table-cell office:value-type="date"><text:p>??</text:p></table:table-cell>'
    row = _row(_string("COT"), _string("O1"), _string("i1"), broken, _string("5"))
    _, rows = _rows(_ods(row))
    assert rows[0].cells["date"] == ""


def test_a_file_named_ods_holding_an_unreadable_sheet_is_refused_in_french():
    content = zip_bytes(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": b"<office:document-content><broken",
        }
    )
    with pytest.raises(ProgressImportError) as raised:
        _rows(content)
    assert [str(e) for e in raised.value.errors] == [
        "fichier : classeur ODS illisible ou endommagé"
    ]


def test_an_ods_sheet_that_breaks_after_its_header_is_refused_in_french():
    header = "".join(_string(name) for name in NAMES)
    content = _zip(
        (
            "<office:document-content"
            ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
            ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
            ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
            f"<table:table><table:table-row>{header}</table:table-row><table:table-row><broken"
        ).encode()
    )
    with pytest.raises(ProgressImportError) as raised:
        _rows(content)
    assert [str(e) for e in raised.value.errors] == [
        "fichier : classeur ODS illisible ou endommagé"
    ]


# Value cells holding text ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["45%", "45 %", "45\u202f%", "45\u00a0%"])
def test_a_percentage_typed_with_or_without_a_space_reads_as_its_number(text):
    assert parse_value(text) == Decimal("45")


@pytest.mark.parametrize(("text", "named"), [("%", "%"), ("12 X %", "12 X")])
def test_a_percent_sign_without_a_number_is_refused_naming_what_was_typed(text, named):
    with pytest.raises(ValueError, match=f"^nombre invalide « {named} »$"):
        parse_value(text)


def test_blank_ods_cells_written_one_by_one_keep_the_next_cells_in_their_columns():
    """Other programs than LibreOffice write each blank cell on its own: two of them in a row
    still keep the date and the value after them in their columns."""
    names = ("contrat", "objectif", "indicateur", "(unité)", "(cible)", "date", "valeur")
    row = _row(
        _string("COT"),
        _string("O1"),
        _string("i1"),
        _blank(),
        _blank(),
        _string("31/12/2022"),
        _number("float", "12", "12"),
    )
    _, rows = _rows(_ods(row, names=names))
    assert [(r.cells["date"], r.cells["value"]) for r in rows] == [("31/12/2022", "12")]


def test_an_ods_row_ending_before_the_last_columns_reads_them_blank():
    row = _row(*_codes(), _number("float", "5", "5"), _blank(repeat=1000))
    _, rows = _rows(_ods(row, names=(*NAMES, "statut")))
    assert [(r.cells["comment"], r.cells["status"]) for r in rows] == [("", "")]


def test_a_file_named_xlsx_holding_an_unreadable_workbook_is_refused_in_french():
    content = zip_bytes({"xl/workbook.xml": b"<pas un classeur"})
    with pytest.raises(ProgressImportError) as raised:
        read_rows(content=content, filename="abime.xlsx")
    assert [str(e) for e in raised.value.errors] == [
        "fichier : classeur XLSX illisible ou endommagé"
    ]
