"""The fiche as PDF: rendered with WeasyPrint off the request, stored content-addressed.

Files: ``MEDIA_ROOT/fiches/<reference>-<sha256 of the inputs, 16 digits>.pdf`` and a pointer
``MEDIA_ROOT/fiches/<reference>.json`` naming the latest one; the view serves the pointed file and
never renders. The URL fetcher reads only the project's own static files: any other URL, or a
static file that cannot be found, stops the render (a fiche never silently loses its styles).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from contracts.models import Contract
from cotri.public.context_processors import identity
from cotri.public.fiche import Fiche, load_fiche
from cotri.public.storage import _folder, _pointer, stored_fiche_pdf
from french.output import format_iso_instant

with warnings.catch_warnings():
    # Without the system's libharfbuzz-subset (Debian bookworm), WeasyPrint warns once at import
    # that a future version will need it; today's PDFs are the same.
    warnings.filterwarnings("ignore", "HarfBuzz-Subset", DeprecationWarning)
    import weasyprint
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

BASE_URL = "https://cotri.invalid/"  # never fetched: only the static prefix is resolved locally


class FicheRenderError(FatalURLFetchingError):
    """A resource of the fiche could not be read: the render stops."""


class StaticOnlyFetcher(URLFetcher):
    """Serves ``BASE_URL + STATIC_URL`` paths from the static files; refuses everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("https",), fail_on_errors=True)

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        prefix = settings.STATIC_URL
        base = urlsplit(BASE_URL)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(
            prefix
        ):
            raise FicheRenderError(f"Ressource refusée dans une fiche PDF : {url}")
        relative = unquote(parts.path[len(prefix) :])
        if ".." in Path(relative).parts:
            raise FicheRenderError(f"Ressource refusée dans une fiche PDF : {url}")
        found = finders.find(relative)
        if not found and settings.STATIC_ROOT:
            candidate = Path(settings.STATIC_ROOT) / relative
            found = str(candidate) if candidate.is_file() else None
        if not found:
            raise FicheRenderError(f"Fichier statique introuvable pour la fiche PDF : {relative}")
        # The response keeps the requested URL so that relative URLs in a stylesheet (fonts)
        # resolve under the static prefix again.
        return URLFetcherResponse(url, Path(found).read_bytes(), headers=_content_type(relative))


def _content_type(name: str) -> dict:
    types = {
        ".css": "text/css",
        ".woff2": "font/woff2",
        ".woff": "font/woff",
        ".svg": "image/svg+xml",
        ".png": "image/png",
    }
    return {"Content-Type": types.get(Path(name).suffix, "application/octet-stream")}


def fiche_pdf_html(fiche: Fiche) -> str:
    # Rendered outside a request: the identity the context processor gives pages is added here.
    context = {"fiche": fiche, "pdf": True, **identity(None)}
    return render_to_string("public/fiche_pdf.html", context)


def fiche_pdf_bytes(fiche: Fiche, html: str | None = None) -> bytes:
    """Render the fiche to PDF bytes (raises FicheRenderError on any failed fetch)."""
    html = fiche_pdf_html(fiche) if html is None else html
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    return document.write_pdf()


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _content_key(html: str) -> str:
    """SHA-256 of everything the PDF is made from: the HTML (data included), the stylesheet and
    the renderer's version. WeasyPrint's bytes are not reproducible (embedded fonts carry the
    time of the render), so the address is that of the inputs: the same data never renders twice.
    """
    digest = hashlib.sha256(html.encode())
    digest.update(weasyprint.__version__.encode())
    stylesheet = finders.find("css/fiche-pdf.css")
    if stylesheet:
        digest.update(Path(stylesheet).read_bytes())
    return digest.hexdigest()


def contract_render_fiche_pdf(*, contract: Contract, force: bool = False) -> Path:
    """Render and store the fiche PDF of a published contract; return the stored file.

    Nothing is rendered when a file for the same inputs is stored already (unless ``force``).
    """
    fiche = load_fiche(contract)
    html = fiche_pdf_html(fiche)
    key = _content_key(html)
    path = _folder() / f"{contract.reference}-{key[:16]}.pdf"
    previous = stored_fiche_pdf(contract=contract)
    if force or not path.exists():
        _write_atomic(path, fiche_pdf_bytes(fiche, html))
    if previous == path and not force:
        return path
    pointer = {
        "reference": contract.reference,
        "file": path.name,
        "sha256": key,
        "data_date": fiche.data_date.isoformat() if fiche.data_date else None,
        "rendered_at": format_iso_instant(timezone.now()),
    }
    _write_atomic(_pointer(contract.reference), json.dumps(pointer).encode())
    if previous is not None and previous != path:
        previous.unlink(missing_ok=True)  # readers already holding it keep their open file
    return path


def contract_forget_fiche_pdf(*, contract: Contract) -> None:
    """Remove the stored PDF of a contract that is no longer public."""
    previous = stored_fiche_pdf(contract=contract)
    _pointer(contract.reference).unlink(missing_ok=True)
    if previous is not None:
        previous.unlink(missing_ok=True)
