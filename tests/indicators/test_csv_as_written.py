"""A CSV file reads as the program that wrote it meant it, even a short one, or is refused naming
the line to correct (no database)."""

import csv
import sys

import pytest

from exchange.progress_files import (
    MAX_ERRORS,
    MAX_ROWS,
    ProgressImportError,
    RowError,
    read_rows,
)

HEADER = "contrat;objectif;indicateur;date;valeur;commentaire\r\n"
ROW = "COT;O1;i1;31/12/2022;5;{}\r\n"


def _refusal(content: bytes) -> list[str]:
    with pytest.raises(ProgressImportError) as raised:
        _, rows = read_rows(content=content, filename="avancement.csv")
        list(rows)
    return [str(error) for error in raised.value.errors]


@pytest.mark.parametrize("comment", ["5 €", "coût : 12 €"])
@pytest.mark.parametrize("encoding", ["cp1252", "mac_roman", "iso8859_15"])
def test_a_short_csv_with_a_euro_sign_reads_it_in_each_encoding(encoding, comment):
    """Windows-1252, ISO-8859-15 and Mac Roman decode such a file equally well: the reading
    that gives French (« 5 € » rather than « 5 Ä » or « 5 Û ») wins."""
    content = (HEADER + ROW.format(comment)).encode(encoding)
    _, rows = read_rows(content=content, filename="a.csv")
    assert [row.cells["comment"] for row in rows] == [comment]


def test_a_windows_csv_with_a_half_and_a_euro_sign_is_not_read_as_iso_8859_15():
    """ISO-8859-15 puts « œ » where Windows-1252 puts « ½ »: a file holding « € » at a byte
    ISO-8859-15 lacks is Windows-1252."""
    content = (HEADER + ROW.format("½ journée à 5 €")).encode("cp1252")
    _, rows = read_rows(content=content, filename="a.csv")
    assert [row.cells["comment"] for row in rows] == ["½ journée à 5 €"]


@pytest.mark.parametrize(
    "comment",
    ["Montant\n€", "Budget en\n€", "Coût\n€\n€", "Montant\xa0:\n€", "Coût\nœ", "Montant\nŒ"],
)
def test_an_iso_8859_15_csv_whose_euro_sign_stands_alone_on_its_line_reads_it_as_euro(comment):
    """Alone on its line, « € », « œ » or « Œ » (bytes 0xA4, 0xBD, 0xBC) read as well in
    Windows-1252 (« ¤ », « ½ », « ¼ ») as in ISO-8859-15, and the detector prefers
    Windows-1252: without any byte where Windows-1252 puts its own « € » or « œ » (0x80–0x9F),
    the file is ISO-8859-15. A no-break space (0xA0, French typography) changes nothing."""
    content = (HEADER + ROW.format(f'"{comment}"')).encode("iso8859_15")
    _, rows = read_rows(content=content, filename="a.csv")
    assert [row.cells["comment"] for row in rows] == [comment]


def test_a_quote_left_open_is_refused_naming_the_line_where_it_opens():
    """The open quote swallows the lines after it until csv's field limit: the message names
    the line the user must correct, not the four thousandth line where reading stopped."""
    content = (
        HEADER
        + ROW.format("bilan")
        + "\r\n"
        + ROW.format("\"bilan de l'été")
        + ROW.format("suite") * 6_000
    ).encode()
    assert _refusal(content) == ["fichier : ligne 4 : CSV illisible (guillemet non fermé ?)"]


def test_a_quote_left_open_above_the_header_is_refused_in_french_naming_its_line():
    content = ('"Suivi 2022\r\n' + HEADER + ROW.format("suite") * 6_000).encode()
    assert _refusal(content) == ["fichier : ligne 1 : CSV illisible (guillemet non fermé ?)"]


@pytest.fixture(params=["csv's default", "raised by a library"])
def field_size_limit(request):
    """csv's field size limit is process-wide, and some libraries raise it on import
    (frictionless does): an open quote must be refused whatever it is."""
    default = csv.field_size_limit()
    if request.param != "csv's default":
        csv.field_size_limit(sys.maxsize)
    yield
    csv.field_size_limit(default)


@pytest.mark.parametrize(
    ("rows", "line"),
    [
        (ROW.format("bilan") + ROW.format("\"bilan de l'été") + ROW.format("suite") * 6_000, 3),
        (ROW.format("bilan") + ROW.format("\"bilan de l'été") + ROW.format("suite"), 3),
        (ROW.format("\"bilan de l'été"), 2),
        (ROW.format("bilan") * 3 + 'COT;O1;i1;31/12/2022;"5\r\n', 5),
    ],
)
def test_a_quote_left_open_in_a_file_of_any_size_is_refused_naming_its_line(
    field_size_limit, rows, line
):
    """Read leniently, the open quote would swallow the rows after it into one comment, and
    the file would be imported short of them without a word."""
    assert _refusal((HEADER + rows).encode()) == [
        f"fichier : ligne {line} : CSV illisible (guillemet non fermé ?)"
    ]


def test_quotes_closed_or_inside_a_cell_are_no_open_quote(field_size_limit):
    rows = ROW.format('"bilan\r\nsur deux lignes"') + ROW.format('12" de pluie')
    _, read = read_rows(content=(HEADER + rows).encode(), filename="a.csv")
    assert [row.cells["comment"] for row in read] == ["bilan\r\nsur deux lignes", '12" de pluie']


def test_several_missing_columns_are_named_in_french_on_one_line():
    error = RowError(3, "contract, objective", "colonne obligatoire absente")
    assert str(error) == "ligne 3 : contrat, objectif : colonne obligatoire absente"


def test_a_refusal_counts_every_error_beyond_those_it_lists():
    errors = [RowError(line, "date", "date invalide") for line in range(2, 2 + 4_000)]
    refusal = ProgressImportError(errors)
    assert refusal.total == 4_000
    assert len(refusal.errors) == MAX_ERRORS + 1


@pytest.mark.parametrize("content", [b"sep=;", b'"sep=;"\r\n'])
def test_a_csv_holding_only_excel_s_separator_line_has_no_column(content):
    header, rows = read_rows(content=content, filename="avancement.csv")
    assert (list(header), list(rows)) == ([], [])


def test_a_comment_on_two_lines_keeps_the_line_break_it_was_written_with():
    """The platform's own export writes a comment typed in a form (« \\r\\n ») between quotes:
    imported back, it is the very same text, so the entry is left alone. Its row is named by its
    first line, as the spreadsheet shows it."""
    content = (HEADER + ROW.format('"première ligne\r\nseconde ligne"') + ROW.format("x")).encode()
    _, rows = read_rows(content=content, filename="avancement.csv")
    assert [(row.line, row.cells["comment"]) for row in rows] == [
        (2, "première ligne\r\nseconde ligne"),
        (4, "x"),
    ]


def test_a_csv_macintosh_from_excel_with_carriage_returns_reads_every_row():
    """Excel's « CSV (Macintosh) » ends its lines with a carriage return only, in Mac Roman."""
    text = HEADER + ROW.format("été") + ROW.format("œuvre").replace("i1", "i2")
    _, rows = read_rows(content=text.replace("\r\n", "\r").encode("mac_roman"), filename="a.csv")
    assert [(row.line, row.cells["indicator"], row.cells["comment"]) for row in rows] == [
        (2, "i1", "été"),
        (3, "i2", "œuvre"),
    ]


def test_a_csv_saved_twice_with_a_byte_order_mark_keeps_its_first_column():
    """A UTF-8 file re-saved by a tool that adds its own mark starts with two: the second one
    would otherwise hide the « contrat » column."""
    content = "\ufeff\ufeff".encode() + (HEADER + ROW.format("x")).encode()
    header, _ = read_rows(content=content, filename="avancement.csv")
    assert header[:3] == ["contract", "objective", "indicator"]


def test_a_title_line_holding_one_column_name_is_no_header():
    """« Date ; 15/01/2023 » above the table names one column only: the header is the first line
    naming at least two."""
    content = ("Date;15/01/2023\r\n" + HEADER + ROW.format("x")).encode()
    header, rows = read_rows(content=content, filename="avancement.csv")
    assert (header.line, [row.line for row in rows]) == (2, [3])


def test_help_columns_between_parentheses_are_ignored_and_a_name_ending_in_one_is_not():
    names = "contrat;objectif;indicateur;(unité);(cible);date;valeur;commentaire (facultatif)"
    header, _ = read_rows(content=(names + "\r\n").encode(), filename="avancement.csv")
    assert list(header) == [
        "contract",
        "objective",
        "indicator",
        "",
        "",
        "date",
        "value",
        "commentaire (facultatif)",  # named as unknown by the import
    ]


def test_a_csv_without_any_column_name_is_read_to_be_refused_for_its_missing_columns():
    """No line names two columns: the first line is taken as the header, here a help column and
    an empty cell, and the import names every missing column."""
    header, rows = read_rows(content=b"(aide);\r\n1;2\r\n", filename="avancement.csv")
    assert (list(header), [row.cells for row in rows]) == ([""], [{}])


def test_a_table_starting_below_the_twentieth_line_is_not_looked_for():
    """The header is looked for within the first twenty non-blank lines only: a table below them
    is not read at length, its file is refused for its missing columns."""
    titles = [f"titre {n}\r\n" for n in range(1, 21)]
    content = "".join(titles) + HEADER
    header, rows = read_rows(content=content.encode(), filename="avancement.csv")
    assert (header.line, list(header), len(list(rows))) == (1, ["titre 1"], 20)
    content = "".join(titles[:19]) + HEADER
    header, _ = read_rows(content=content.encode(), filename="avancement.csv")
    assert header.line == 20


def test_a_csv_of_the_most_rows_allowed_is_read_and_one_more_row_is_refused():
    content = HEADER + ROW.format("x") * MAX_ROWS
    _, rows = read_rows(content=content.encode(), filename="avancement.csv")
    assert sum(1 for _ in rows) == MAX_ROWS
    assert _refusal((content + ROW.format("x")).encode()) == [
        "fichier : plus de 20\u202f000 lignes de données : découpez le fichier "
        "(au plus 20\u202f000 lignes par fichier)"
    ]


def test_a_row_missing_separators_is_marked_with_its_number_of_cells():
    content = (HEADER + "COT\r\nCOT;O1\r\n").encode()
    _, rows = read_rows(content=content, filename="avancement.csv")
    why = " : un séparateur manque sur cette ligne (rien n'est décalé d'une colonne à l'autre)"
    assert [row.misfit for row in rows] == [
        "1 cellule au lieu de 6" + why,
        "2 cellules au lieu de 6" + why,
    ]


def test_the_cells_past_the_last_column_are_kept_to_be_named():
    content = (HEADER + ROW.format("x").replace("\r\n", ";a;;b\r\n")).encode()
    _, rows = read_rows(content=content, filename="avancement.csv")
    assert [(row.cells["comment"], row.extra) for row in rows] == [("x", "a ; b")]


def test_an_empty_sheet_saved_by_excel_as_csv_utf_8_has_no_column():
    """Excel writes an empty sheet as its byte order mark alone."""
    header, rows = read_rows(content=b"\xef\xbb\xbf", filename="avancement.csv")
    assert (list(header), list(rows)) == ([], [])


@pytest.mark.parametrize("encoding", ["utf-32", "utf-16"])
def test_a_csv_whose_text_holds_nul_characters_is_refused_naming_the_encodings_read(encoding):
    """UTF-32 reads as UTF-16 full of NUL characters; a NUL in a UTF-16 comment could not be
    stored either (PostgreSQL refuses it)."""
    (refusal,) = _refusal((HEADER + ROW.format("a\x00b")).encode(encoding))
    assert refusal.startswith("fichier : encodage du fichier non reconnu")


def test_a_header_naming_two_known_columns_under_a_title_is_found():
    content = b"Suivi 2022\r\ncontrat;valeur;remarque\r\nCOT;5;x\r\n"
    header, rows = read_rows(content=content, filename="avancement.csv")
    assert (header.line, list(header), [row.line for row in rows]) == (
        2,
        ["contract", "value", "remarque"],
        [3],
    )
