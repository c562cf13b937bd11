"""Where fiche PDFs are stored (no WeasyPrint here: the pages only read the stored files)."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from contracts.models import Contract

PDF_FOLDER = "fiches"


def _folder() -> Path:
    return Path(settings.MEDIA_ROOT) / PDF_FOLDER


def _pointer(reference: str) -> Path:
    return _folder() / f"{reference}.json"


def stored_fiche_pdf(*, contract: Contract) -> Path | None:
    """The latest stored PDF of the contract, or None if none was rendered yet."""
    return stored_fiche_pdf_for(contract.reference)


def stored_fiche_pdf_for(reference: str) -> Path | None:
    """The latest stored PDF under this reference (publication is the caller's business)."""
    try:
        pointer = json.loads(_pointer(reference).read_text())
    except (FileNotFoundError, ValueError):
        return None
    path = _folder() / Path(pointer.get("file", "")).name
    return path if path.suffix == ".pdf" and path.is_file() else None
