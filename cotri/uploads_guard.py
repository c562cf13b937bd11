"""The door of every uploaded spreadsheet: size, zip bombs, files that are not what they claim.

Pure Python (no Django, no model): the progress import (command, admin, front office) runs
``check_spreadsheet`` before any parser sees a byte; the admin's import form runs it on every
upload before the file is stored. ``check_archive`` and ``looks_binary`` serve any other upload
that may be a ZIP container (XLSX, ODS) or should be text (CSV).

Every refusal is an ``UploadRefused`` whose message is French and names the limit.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

from french.output import format_fixed

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_XLSX_MEMBERS = 50
MAX_XLSX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
BINARY_MAGICS = (ZIP_MAGIC, b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")
NOT_XLSX = "ce fichier n'est pas un classeur XLSX (enregistrez-le au format .xlsx)"


class UploadRefused(ValueError):
    """A file refused at the door; ``str(exc)`` is the French reason."""


def megabytes(size: int) -> str:
    """« 5,0 Mo »."""
    return f"{format_fixed(Decimal(size) / (1024 * 1024), 1)} Mo"


def is_xlsx_name(filename: str) -> bool:
    return filename.lower().endswith(".xlsx")


def is_ods_name(filename: str) -> bool:
    return filename.lower().endswith(".ods")


ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
NOT_ODS = "ce fichier n'est pas un classeur ODS (enregistrez-le au format .ods)"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def check_size(size: int, *, limit: int = MAX_FILE_BYTES) -> None:
    """Cheap: callers with an upload object call it before reading the file."""
    if size > limit:
        raise UploadRefused(
            f"fichier trop volumineux ({megabytes(size)}) : {limit // (1024 * 1024)} Mo au plus"
        )


def looks_binary(head: bytes) -> bool:
    """Starts like a known binary format, or holds NUL bytes: not a text (CSV) file."""
    return head.startswith(BINARY_MAGICS) or b"\x00" in head[:8192]


def check_archive(
    content: bytes,
    *,
    not_archive: str = NOT_XLSX,
    label: str = "classeur XLSX",
    max_members: int = MAX_XLSX_MEMBERS,
    max_uncompressed: int = MAX_XLSX_UNCOMPRESSED_BYTES,
) -> list[zipfile.ZipInfo]:
    """A ZIP container (XLSX, ODS) with few members and a bounded uncompressed size.

    Reads the central directory only: nothing is decompressed here. ``label`` names the file in
    the messages (« classeur XLSX », « classeur ODS »…).
    """
    if not content.startswith(ZIP_MAGIC):
        raise UploadRefused(not_archive)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise UploadRefused(not_archive) from None
    if len(members) > max_members:
        raise UploadRefused(f"{label} suspect : {len(members)} éléments ({max_members} au plus)")
    uncompressed = sum(member.file_size for member in members)
    if uncompressed > max_uncompressed:
        raise UploadRefused(
            f"{label} trop volumineux une fois décompressé ({megabytes(uncompressed)}) : "
            f"{max_uncompressed // (1024 * 1024)} Mo au plus"
        )
    return members


def check_spreadsheet(*, content: bytes, filename: str) -> None:
    """Refuse, before parsing, a file too big, a zip bomb, or one that is not what it claims.

    A name ending in ``.xlsx`` claims an Excel workbook, ``.ods`` a LibreOffice one; any other
    name claims a CSV text file (UTF-16 ones start with their BOM).
    """
    check_size(len(content))
    if not content.strip():
        raise UploadRefused("fichier vide")
    if is_xlsx_name(filename):
        members = check_archive(content)
        if "xl/workbook.xml" not in {member.filename for member in members}:
            raise UploadRefused(NOT_XLSX)
    elif is_ods_name(filename):
        members = check_archive(content, not_archive=NOT_ODS, label="classeur ODS")
        if "content.xml" not in {member.filename for member in members}:
            raise UploadRefused(NOT_ODS)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if "mimetype" not in names or archive.read("mimetype").strip() != ODS_MIMETYPE:
                raise UploadRefused(NOT_ODS)
    elif content.startswith(UTF16_BOMS):
        pass  # UTF-16 text is full of NUL bytes: the reader checks its decoded text instead
    elif looks_binary(content) or b"\x00" in content:  # NUL anywhere: PostgreSQL refuses it
        raise UploadRefused(
            "ce fichier n'est pas un CSV (contenu binaire) ; un classeur Excel doit porter "
            "l'extension .xlsx"
        )
