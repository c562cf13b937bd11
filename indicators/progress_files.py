"""Reading a progress file (CSV or XLSX) into numbered rows of text cells, and its errors.

It accepts what French spreadsheet software writes: UTF-8 with or without BOM or Windows-1252,
``;`` or ``,`` separators, ``DD/MM/YYYY`` dates, decimal commas, blank lines and stray spaces.
Line numbers are the file's (the header is line 1; blank lines count), so that a message points
at the line a spreadsheet shows. The door (size, zip bombs, disguised files) is
``cotri.uploads_guard``; the rows' meaning is ``indicators.progress_import``.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass

from cotri.uploads_guard import UploadRefused, check_spreadsheet, is_xlsx_name
from french import input as french_input

COLUMNS = ("contract", "objective", "indicator", "date", "value", "comment", "status")
REQUIRED = ("contract", "objective", "indicator", "date", "value")
EXTRA_CELLS = "cellules en trop"


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.line == 0:  # the whole file, not one of its lines
            return f"{self.column} : {self.message}"
        return f"ligne {self.line} : {self.column} : {self.message}"


class ProgressImportError(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def file_error(message: str) -> ProgressImportError:
    return ProgressImportError([RowError(0, "fichier", message)])


@dataclass(frozen=True)
class Row:
    line: int
    cells: dict[str, str]
    extra: str = ""  # non-blank cells past the last header column


def _row(line: int, header: list[str], texts: list[str]) -> Row:
    cells = {name: (texts[i] if i < len(texts) else "") for i, name in enumerate(header)}
    extra = " ; ".join(text for text in texts[len(header) :] if text)
    return Row(line=line, cells=cells, extra=extra)


# CSV ---------------------------------------------------------------------------------------------


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252")  # accepts nearly any byte


def read_csv(content: bytes) -> tuple[list[str], Iterator[Row]]:
    text = _decode(content)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    for cells in reader:
        if any(c.strip() for c in cells):
            header = [c.strip().lower() for c in cells]
            break

    def rows() -> Iterator[Row]:
        for cells in reader:
            if any(c.strip() for c in cells):
                yield _row(reader.line_num, header, [c.strip() for c in cells])

    return header, rows()


# XLSX --------------------------------------------------------------------------------------------


def _cell_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime.datetime):
        return cell.date().isoformat()
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    if isinstance(cell, float):
        # openpyxl gives floats for numeric cells: repr keeps the shortest exact text (0.1).
        return repr(cell)
    return str(cell).strip()


def read_xlsx(content: bytes) -> tuple[list[str], Iterator[Row]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    header: list[str] = []
    header_line = 0
    for header_line, cells in enumerate(iterator, start=1):  # noqa: B007
        if any(_cell_text(c) for c in cells):
            header = [_cell_text(c).lower() for c in cells]
            while header and not header[-1]:  # trailing empty header cells of a wide sheet
                header.pop()
            break

    def rows() -> Iterator[Row]:
        for line, cells in enumerate(iterator, start=header_line + 1):
            texts = [_cell_text(c) for c in cells]
            if any(texts):
                yield _row(line, header, texts)

    return header, rows()


def read_rows(*, content: bytes, filename: str) -> tuple[list[str], Iterator[Row]]:
    """Guard the door, then read the header and the non-blank rows (lazily)."""
    check_upload(content=content, filename=filename)
    if is_xlsx_name(filename):
        try:
            header, rows = read_xlsx(content)
            return header, _damaged_workbook_guard(rows)
        except ProgressImportError:
            raise
        except Exception:  # openpyxl raises many kinds of errors on a damaged workbook
            raise file_error("classeur XLSX illisible ou endommagé") from None
    return read_csv(content)


def _damaged_workbook_guard(rows: Iterator[Row]) -> Iterator[Row]:
    try:
        yield from rows
    except Exception:  # a sheet may break only when its rows are read
        raise file_error("classeur XLSX illisible ou endommagé") from None


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
