"""Reading a progress file (CSV, XLSX or ODS) into numbered rows of text cells, and its errors.

The rule: every file a French user's spreadsheet program saves is read exactly as the user sees it
on screen, or refused whole with a French message naming the line. So:

- XLSX cells give the value they display: a percentage-formatted 0.45 reads « 45 », a number
  formatted with one decimal reads rounded to it, a formula its cached result, a date cell its
  date in either date system (1900 or 1904); text cells holding French numbers stay text for
  ``parse_decimal``. ODS (LibreOffice's own format) is read the same way from its XML.
- CSV: the encoding is detected by charset-normalizer among those French programs write
  (``ENCODINGS``) or the file is refused naming them; Excel's ``sep=;`` hint line sets the
  separator and is skipped; otherwise ``;``, ``,`` or a tab is the one that finds the header.
  A row whose number of cells differs from the header's is refused with its line number.
- Title or date lines above the header are skipped (the header is the first line holding at
  least two column names, within the first ``HEADER_SEARCH_LINES``); empty trailing rows and
  columns are ignored. Column names are French or English, case- and accent-insensitive; help
  columns written between parentheses, « (unité) », are ignored (the template's).
- Bounds: at most ``MAX_ROWS`` data rows per file (more is refused at once, before any row is
  checked), at most ``MAX_ERRORS`` errors listed, then « … et N autres erreurs » with the total.

Line numbers are the file's (line 1 is the first line, blank lines count), so that a message
points at the line a spreadsheet shows. The door (size, zip bombs, disguised files) is
``cotri.uploads_guard``; the rows' meaning is ``exchange.progress_import``.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from defusedxml import ElementTree

from cotri.uploads_guard import UploadRefused, check_spreadsheet, is_ods_name, is_xlsx_name
from french import input as french_input
from french import output as french_output

COLUMNS = ("contract", "objective", "indicator", "date", "value", "comment", "status")
REQUIRED = ("contract", "objective", "indicator", "date", "value")
#: The names a user reads, in files and messages.
FRENCH_NAMES = {
    "contract": "contrat",
    "objective": "objectif",
    "indicator": "indicateur",
    "date": "date",
    "value": "valeur",
    "comment": "commentaire",
    "status": "statut",
}
EXTRA_CELLS = "cellules en trop"
MAX_ROWS = 20_000
MAX_ERRORS = 100
HEADER_SEARCH_LINES = 20
#: Python codec → name a user knows; the CSV encodings accepted.
ENCODINGS = {
    "utf_8": "UTF-8 (avec ou sans BOM)",
    "utf_16": "UTF-16 avec BOM",
    "cp1252": "Windows-1252",
    "iso8859_15": "ISO-8859-15",
    "mac_roman": "Mac Roman",
}


def _fold(text: str) -> str:
    """« Commentaire » → « commentaire », « Intitulé » → « intitule »: names compared loosely."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\ufeff", ""))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.lower().split())


ALIASES = {
    **{name: name for name in COLUMNS},
    **{_fold(french): name for name, french in FRENCH_NAMES.items()},
}


def french_name(column: str) -> str:
    """« value » → « valeur »; several columns « contract, objective » → « contrat, objectif »."""
    return ", ".join(FRENCH_NAMES.get(part, part) for part in column.split(", "))


@dataclass(frozen=True)
class RowError:
    line: int
    column: str  # the internal name(s) or a French label; shown in French
    message: str

    def __str__(self) -> str:
        if self.line == 0:  # the whole file, not one of its lines
            return f"{self.label} : {self.message}"
        return f"ligne {self.line} : {self.label} : {self.message}"

    @property
    def label(self) -> str:
        return french_name(self.column)


@dataclass(frozen=True)
class MoreErrors(RowError):
    """The last line of a bounded error list: how many more, and the total."""

    line: int = 0
    column: str = "fichier"
    message: str = ""
    more: int = 0
    total: int = 0

    def __str__(self) -> str:
        others = "autre erreur" if self.more == 1 else "autres erreurs"
        return f"… et {_spaced(self.more)} {others} ({_spaced(self.total)} en tout)"


def _spaced(number: int) -> str:
    return french_output.format_number(number)


@dataclass
class ErrorList:
    """Errors of a file: the first ``limit`` kept, the others only counted (bounded memory)."""

    limit: int = MAX_ERRORS
    kept: list[RowError] = field(default_factory=list)
    total: int = 0

    def add(self, error: RowError) -> None:
        self.total += 1
        if len(self.kept) < self.limit:
            self.kept.append(error)

    def extend(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            self.add(error)

    def __bool__(self) -> bool:
        return self.total > 0


class ProgressImportError(Exception):
    """A refused file. ``errors``: at most ``MAX_ERRORS`` errors, then a ``MoreErrors`` line;
    ``total``: how many errors the file holds."""

    def __init__(self, errors: list[RowError] | ErrorList):
        if isinstance(errors, ErrorList):
            kept, total = list(errors.kept), errors.total
        else:
            kept, total = list(errors[:MAX_ERRORS]), len(errors)
        if total > len(kept):
            kept.append(MoreErrors(more=total - len(kept), total=total))
        self.errors = kept
        self.total = total
        super().__init__("\n".join(str(e) for e in kept))


def file_error(message: str) -> ProgressImportError:
    return ProgressImportError([RowError(0, "fichier", message)])


@dataclass(frozen=True)
class Row:
    line: int
    cells: dict[str, str]
    extra: str = ""  # non-blank cells past the last header column
    misfit: str = ""  # a CSV row whose number of cells differs from the header's: why


class Header(list):
    """The header's internal column names ("" for an ignored column), and its ``line``."""

    line: int = 1


# Header and rows, whatever the format -----------------------------------------------------------


def _known(cells: list[str]) -> int:
    return sum(1 for cell in cells if _fold(cell) in ALIASES)


def _header_names(cells: list[str]) -> list[str]:
    """Internal names; help columns « (…) » become "" (ignored); unknown names stay as written."""
    names = []
    for cell in cells:
        text = cell.strip()
        if text.startswith("(") and text.endswith(")"):
            names.append("")
        else:
            names.append(ALIASES.get(_fold(text), text.lower()))
    while names and not names[-1] and not cells[len(names) - 1].strip():
        names.pop()  # empty trailing columns of a wide sheet
    return names


def _split(
    records: Iterator[tuple[int, list[str]]], *, strict_width: bool
) -> tuple[list[str], Iterator[Row]]:
    """Find the header among the first non-blank records, then yield the data rows (lazily).

    ``records`` are ``(line, cells)``; blank records are skipped. ``strict_width`` (CSV): a row
    with fewer cells than the header's columns is marked, never padded (a missing separator would
    shift its cells); extra non-blank cells are marked by every format.
    """
    head: list[tuple[int, list[str]]] = []
    for line, cells in records:
        if not any(c.strip() for c in cells):
            continue
        head.append((line, cells))
        if _known(cells) >= 2 or len(head) >= HEADER_SEARCH_LINES:
            break
    if not head:
        return [], iter(())
    found = next((i for i, (_, cells) in enumerate(head) if _known(cells) >= 2), 0)
    header_line, header_cells = head[found]
    header = Header(_header_names(header_cells))
    header.line = header_line
    rest = head[found + 1 :]

    def rows() -> Iterator[Row]:
        count = 0
        for line, cells in _chain(rest, records):
            texts = [c.strip() for c in cells]
            if not any(texts):
                continue
            count += 1
            if count > MAX_ROWS:
                raise file_error(
                    f"plus de {_spaced(MAX_ROWS)} lignes de données : découpez le fichier "
                    f"(au plus {_spaced(MAX_ROWS)} lignes par fichier)"
                )
            cells_by_name = {
                name: (texts[i] if i < len(texts) else "") for i, name in enumerate(header) if name
            }
            extra = " ; ".join(text for text in texts[len(header) :] if text)
            misfit = ""
            if strict_width and len(cells) < len(header):
                misfit = (
                    f"{len(cells)} cellule{'s' if len(cells) > 1 else ''} au lieu de "
                    f"{len(header)} : un séparateur manque sur cette ligne (rien n'est décalé "
                    "d'une colonne à l'autre)"
                )
            yield Row(line=line, cells=cells_by_name, extra=extra, misfit=misfit)

    return header, rows()


def _chain(first: list, then: Iterator) -> Iterator:
    yield from first
    yield from then


# CSV ---------------------------------------------------------------------------------------------

SEP_HINT = re.compile(r'^\s*"?sep=(.)"?\s*$', re.IGNORECASE)
DELIMITERS = (";", ",", "\t")


def _unknown_encoding() -> ProgressImportError:
    return file_error(
        "encodage du fichier non reconnu : enregistrez-le en CSV avec l'un des encodages "
        f"{', '.join(ENCODINGS.values())}"
    )


def decode(content: bytes) -> str:
    """The text of a CSV in one of ``ENCODINGS`` (detected by charset-normalizer), or refused."""
    from charset_normalizer import from_bytes

    try:
        return content.decode("utf-8-sig")  # the common case, and the cheapest to confirm
    except UnicodeDecodeError:
        pass
    matches = list(from_bytes(content, cp_isolation=list(ENCODINGS), preemptive_behaviour=True))
    candidates = [match.encoding for match in matches]
    encoding = None
    if matches:
        # Short files often decode equally well as Windows-1252 and Mac Roman: among the
        # detector's best, the one that reads as French (é, è, à… rather than Ž, ‚) wins.
        least = min(match.chaos for match in matches)
        tied = [match for match in matches if match.chaos == least]
        encoding = max(tied, key=lambda match: _french_letters(str(match))).encoding
    # Windows-1252 and ISO-8859-15 differ on 8 letters only; a file without any of the bytes
    # 0x80–0x9F (where 1252 puts €, œ…) but with 0xA4 or 0xBD is an ISO-8859-15 « € » or « œ ».
    if (
        encoding == "cp1252"
        and "iso8859_15" in candidates
        and not any(0x80 <= b <= 0x9F for b in content)
        and (b"\xa4" in content or b"\xbd" in content or b"\xbc" in content)
    ):
        encoding = "iso8859_15"
    if encoding is None:
        raise _unknown_encoding()
    text = content.decode(encoding)
    return text.removeprefix("\ufeff")


FRENCH_LETTERS = frozenset("éèêëàâçîïôûùüÿœæÉÈÊËÀÂÇÎÏÔÛÙÜŸŒÆ€«»°")


def _french_letters(text: str) -> int:
    return sum(1 for c in text if c in FRENCH_LETTERS)


def read_csv(content: bytes) -> tuple[list[str], Iterator[Row]]:
    text = decode(content)
    if "\x00" in text:  # UTF-32 starts like UTF-16 and decodes into NUL characters
        raise _unknown_encoding()
    first_end = text.find("\n")
    first_line = text if first_end < 0 else text[:first_end]
    hint = SEP_HINT.match(first_line.rstrip("\r"))
    if hint:
        delimiters = (hint.group(1),)
    else:
        sample = text[:65536].splitlines()[:HEADER_SEARCH_LINES]
        delimiters = sorted(
            DELIMITERS,
            key=lambda d: -max((_known(line.split(d)) for line in sample), default=0),
        )
    delimiter = delimiters[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    ended = [0]  # the line where the last record read ends: the next one starts after it

    def records() -> Iterator[tuple[int, list[str]]]:
        start = 0
        for cells in reader:
            start = ended[0] + 1  # a quoted cell on several lines: its row's first line
            ended[0] = reader.line_num
            if hint and start == 1:
                continue
            yield start, cells
        if start and _open_at_end(text, start, delimiter):
            ended[0] = start - 1  # the guards name the line where the quote opens
            raise csv.Error("unexpected end of data")

    try:
        header, rows = _split(records(), strict_width=True)
    except csv.Error:
        raise _unclosed_quote(ended) from None
    return header, _csv_errors_guard(rows, ended)


def _open_at_end(text: str, first_line: int, delimiter: str) -> bool:
    """Whether the file's last record, from ``first_line``, ends inside an open quote.

    Read leniently, such a record swallows every line after its quote without error, or fails
    only past csv's field size limit, which is process-wide and raised by some libraries: a
    strict reading of that record alone tells it whatever the limit."""
    lines = itertools.islice(io.StringIO(text, newline=""), first_line - 1, None)
    try:
        for _ in csv.reader(lines, delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "end of data" in str(exc)  # CPython's words for a quote still open at the end
    return False


def _unclosed_quote(ended: list[int]) -> ProgressImportError:
    # A quote left open swallows the lines after it: the line named is the one where the
    # unreadable record starts, not where the reader gave up.
    return file_error(f"ligne {ended[0] + 1} : CSV illisible (guillemet non fermé ?)")


def _csv_errors_guard(rows: Iterator[Row], ended: list[int]) -> Iterator[Row]:
    try:
        yield from rows
    except csv.Error:
        raise _unclosed_quote(ended) from None


# XLSX --------------------------------------------------------------------------------------------

_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]')
_DECIMALS = re.compile(r"\.([0#?]+)")
_SCALING = re.compile(r"[0#?](,+)(?![0#?])")


def displayed_number(value: int | float, number_format: str | None) -> str:
    """The number a cell of this format shows, as plain text (« 45 », « 12.35 »).

    Percent signs multiply by 100, the decimals shown round half up (as spreadsheets do),
    thousands-scaling commas divide by 1 000. « General » shows at most 15 significant digits
    (0.1 + 0.2 shows 0.3). Other formats (scientific, fractions, text) show the value itself.
    """
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    number = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    section = _QUOTED.sub("", (number_format or "General").split(";")[0])
    if section.lower() in ("general", "", "@") or re.search(r"[eE][+-]|/", section):
        with localcontext() as context:
            context.prec = 15
            number = +number
        return _plain(number)
    number *= Decimal(100) ** section.count("%")
    for commas in _SCALING.findall(section):
        number /= Decimal(1000) ** len(commas)
    match = _DECIMALS.search(section)
    places = len(match.group(1)) if match else 0
    return _plain(number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _plain(number: Decimal) -> str:
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _xlsx_text(cell) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time | datetime.timedelta):
        return str(value)
    if isinstance(value, int | float):
        return displayed_number(value, getattr(cell, "number_format", None))
    return str(value).strip()


def read_xlsx(content: bytes) -> tuple[list[str], Iterator[Row]]:
    from openpyxl import load_workbook

    # data_only: a formula cell gives the result its program saved, which is what it shows.
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheet = workbook.worksheets[0]

    def records() -> Iterator[tuple[int, list[str]]]:
        for line, cells in enumerate(sheet.iter_rows(), start=1):
            yield line, [_xlsx_text(cell) for cell in cells]

    return _split(records(), strict_width=False)


# ODS ---------------------------------------------------------------------------------------------

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_MAX_REPEAT = 1_000  # a repeated non-empty cell or row is expanded at most this many times


def _ods_cell_text(cell) -> str:
    paragraphs = ["".join(p.itertext()) for p in cell.iter(f"{{{_TEXT}}}p")]
    shown = "\n".join(paragraphs).strip()
    kind = cell.get(f"{{{_OFFICE}}}value-type")
    if kind in ("float", "percentage", "currency"):
        raw = cell.get(f"{{{_OFFICE}}}value")
        try:
            number = Decimal(raw)
        except (InvalidOperation, TypeError):
            return shown
        if kind == "percentage":
            number *= 100
        return _ods_as_shown(number, shown)
    if kind == "date":
        return (cell.get(f"{{{_OFFICE}}}date-value") or "")[:10]
    return shown


def _ods_as_shown(number: Decimal, shown: str) -> str:
    """Round ``number`` to the decimals the cell's text shows (the text is locale-dependent,
    so its digits are counted rather than parsed)."""
    digits = sum(c.isdigit() for c in shown)
    if "E" in shown.upper() or not digits:  # scientific, or a text for the value (« - » for 0)
        return _plain(number)
    # Fewer digits than the value's integer part: a format in thousands or millions, « 1 235 »
    # or « 1,2 » for 1 234 567 (display factor 1 000 or 1 000 000). The value is scaled as the
    # cell shows it, whatever the thousands separator of the program that wrote the file.
    scaled = number
    for _ in range(_MAX_DISPLAY_SCALE + 1):
        integer = len(str(abs(int(scaled)))) if abs(scaled) >= 1 else 1
        places = digits - integer
        if places >= 0:
            break
        scaled = scaled.scaleb(-3)
    else:  # no such format: the value as stored
        return _plain(number)
    if places > 15:
        return _plain(number)
    return _plain(scaled.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


_MAX_DISPLAY_SCALE = 4  # thousands, millions, billions, trillions


def read_ods(content: bytes) -> tuple[list[str], Iterator[Row]]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    stream = archive.open("content.xml")

    def records() -> Iterator[tuple[int, list[str]]]:
        line = 0
        depth = 0  # inside the first table only
        cells: list[str] = []
        blanks = 0  # blank cells met since the row's last non-blank one
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            tag = element.tag
            if tag == f"{{{_TABLE}}}table":
                if event == "start":
                    depth += 1
                    continue
                return  # the first sheet only
            if event != "end" or not depth:
                continue
            if tag in (f"{{{_TABLE}}}table-cell", f"{{{_TABLE}}}covered-table-cell"):
                text = _ods_cell_text(element)
                repeat = int(element.get(f"{{{_TABLE}}}number-columns-repeated", "1"))
                if text:
                    # Blank cells count only before a non-blank one: LibreOffice writes two
                    # adjacent blank cells as one repeated cell, the row's end as thousands.
                    cells.extend([""] * min(blanks, _MAX_REPEAT))
                    cells.extend([text] * min(repeat, _MAX_REPEAT))
                    blanks = 0
                else:
                    blanks += repeat
                element.clear()
            elif tag == f"{{{_TABLE}}}table-row":
                repeat = int(element.get(f"{{{_TABLE}}}number-rows-repeated", "1"))
                if cells:
                    for _ in range(min(repeat, _MAX_REPEAT)):
                        line += 1
                        yield line, list(cells)
                else:
                    line += repeat  # blank rows, often a million of them: counted, not built
                cells = []
                blanks = 0
                element.clear()

    return _split(records(), strict_width=False)


# The door ----------------------------------------------------------------------------------------


def read_rows(*, content: bytes, filename: str) -> tuple[list[str], Iterator[Row]]:
    """Guard the door, then read the header (internal names) and the non-blank rows (lazily)."""
    check_upload(content=content, filename=filename)
    if is_xlsx_name(filename) or is_ods_name(filename):
        label = "classeur ODS" if is_ods_name(filename) else "classeur XLSX"
        reader = read_ods if is_ods_name(filename) else read_xlsx
        try:
            header, rows = reader(content)
            return header, _damaged_workbook_guard(rows, label)
        except ProgressImportError:
            raise
        except Exception:  # openpyxl and the XML parser raise many kinds of errors
            raise file_error(f"{label} illisible ou endommagé") from None
    return read_csv(content)


def _damaged_workbook_guard(rows: Iterator[Row], label: str) -> Iterator[Row]:
    try:
        yield from rows
    except ProgressImportError:
        raise
    except Exception:  # a sheet may break only when its rows are read
        raise file_error(f"{label} illisible ou endommagé") from None


def check_upload(*, content: bytes, filename: str) -> None:
    """``cotri.uploads_guard.check_spreadsheet`` with its refusal as an import error."""
    try:
        check_spreadsheet(content=content, filename=filename)
    except UploadRefused as exc:
        raise file_error(str(exc)) from None


# Cells -------------------------------------------------------------------------------------------


# French numbers and dates: the one input module (kept here under their old names).
parse_date = french_input.parse_date
parse_decimal = french_input.parse_decimal


def parse_value(text: str) -> Decimal:
    """A value cell as shown: « 12,5 », « 1 234,5 », « 45 % » (a percentage shows 45)."""
    shown = text.rstrip()
    if shown.endswith("%"):
        shown = shown[:-1].rstrip(" \u00a0\u202f")
    return parse_decimal(shown) if shown else parse_decimal(text)
