"""PDFs of the platform, and the fiche as PDF: rendered with WeasyPrint off the request.

Every PDF (the fiche, and any other document « with the fiche's layout ») goes through
:func:`pdf_html` and :func:`pdf_bytes`: one base template (``templates/pdf/base.html``), one print
stylesheet (``static/css/print.css``: A4, typography, no heading alone at the bottom of a page,
a chart kept with its table), a tagged PDF/UA-1 file whose metadata come from one
:class:`PdfMetadata` (ADR 0014).

The fiche is stored content-addressed.
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
from dataclasses import dataclass
from datetime import date
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
from french.output import format_date, format_iso_date, format_iso_instant

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


# --- Any PDF of the platform: one stylesheet, tagged PDF/UA-1, metadata from one object ----------

PRINT_STYLESHEET = "css/print.css"  # the shared print stylesheet (A4, typography, page breaks)
PDF_VARIANT = "pdf/ua-1"  # tagged (structure tree, /MarkInfo, /Lang), PDF/UA identification in XMP
PDF_LANGUAGE = "fr"


@dataclass(frozen=True)
class PdfMetadata:
    """What a PDF says about itself, in its metadata and in its running header and footer.

    - ``title``: document title (``/Title``, XMP ``dc:title``; viewers show it instead of the file
      name), e.g. « Fiche territoriale — Pays du Calaisis — COTTRI-2021-CALAISIS ».
    - ``kind``: short label in the running header, after the operator, e.g. « fiche territoriale ».
    - ``reference``: printed at the top right of every page (a contract reference, a year…).
    - ``data_date``: the date of the data shown (Europe/Paris day); printed in the footer of every
      page (« Données au 30/06/2023 »), in ``/Subject`` and ``/Keywords``, and as ISO 8601 in the
      custom ``/DataDate`` entry of the document information.
    - ``subject``: one sentence describing the document (``/Subject``, XMP ``dc:description``);
      « — Données au 30/06/2023. » is appended to it.
    - ``keywords``: extra keywords (``/Keywords``).
    - ``data_note``: printed after the date in the footer, e.g. « (valeurs validées) ».
    """

    title: str
    kind: str
    reference: str
    data_date: date
    subject: str
    keywords: tuple[str, ...] = ()
    data_note: str = "(valeurs validées)"

    @property
    def data_date_label(self) -> str:
        """« Données au 30/06/2023 »."""
        return f"Données au {format_date(self.data_date)}"

    @property
    def author(self) -> str:
        """« cotri — ADEME Hauts-de-France »: the platform and its operator."""
        return f"cotri — {settings.COTRI_OPERATOR_NAME}"

    @property
    def description(self) -> str:
        return f"{self.subject} — {self.data_date_label}."

    @property
    def all_keywords(self) -> list[str]:
        return [*self.keywords, self.reference, self.data_date_label.lower()]


def pdf_html(template_name: str, context: dict, *, metadata: PdfMetadata) -> str:
    """The HTML of a PDF: ``template_name`` extends ``pdf/base.html`` (head, metadata, shared
    print stylesheet, running header and footer) and fills its ``content`` block.

    The template sees ``context``, ``pdf_meta`` (the metadata) and the operator's identity (the
    context processor's variables: the render runs outside any request)."""
    return render_to_string(
        template_name, {**identity(None), **context, "pdf": True, "pdf_meta": metadata}
    )


def pdf_bytes(html: str, *, metadata: PdfMetadata) -> bytes:
    """Render ``html`` (from :func:`pdf_html`) to a tagged PDF/UA-1 document.

    The document information and XMP metadata (title, language « fr », author, creator « cotri »,
    subject and keywords with the data date, creation date, ``/DataDate``) come from
    ``metadata``. Resources are read by :class:`StaticOnlyFetcher`: any other URL, or a missing
    static file, raises :class:`FicheRenderError` (nothing is written)."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render()
    info = document.metadata
    info.title = metadata.title
    info.lang = PDF_LANGUAGE
    info.authors = [metadata.author]
    info.generator = "cotri"
    info.description = metadata.description
    info.keywords = metadata.all_keywords
    info.created = info.modified = format_iso_instant(timezone.now())
    info.custom = {"DataDate": format_iso_date(metadata.data_date)}
    return document.write_pdf(pdf_variant=PDF_VARIANT, custom_metadata=True)


def pdf_render(template_name: str, context: dict, *, metadata: PdfMetadata) -> bytes:
    """:func:`pdf_html` then :func:`pdf_bytes`: a template extending ``pdf/base.html`` as a
    tagged PDF/UA-1 document (raises :class:`FicheRenderError` on any failed fetch)."""
    return pdf_bytes(pdf_html(template_name, context, metadata=metadata), metadata=metadata)


def pdf_content_key(html: str) -> str:
    """SHA-256 (hex) of everything a PDF is made from: the HTML (data included), the shared
    print stylesheet and the renderer's version. WeasyPrint's bytes are not reproducible
    (embedded fonts and metadata carry the time of the render), so a stored PDF is addressed by
    its inputs: the same data never renders twice."""
    digest = hashlib.sha256(html.encode())
    digest.update(weasyprint.__version__.encode())
    digest.update(PDF_VARIANT.encode())
    stylesheet = finders.find(PRINT_STYLESHEET)
    if stylesheet:
        digest.update(Path(stylesheet).read_bytes())
    return digest.hexdigest()


# --- The fiche territoriale -----------------------------------------------------------------------


def fiche_pdf_metadata(fiche: Fiche) -> PdfMetadata:
    """Title « Fiche territoriale — <territoire> — <référence> »; the data date is the latest
    validated value's (the evaluation date when there is none)."""
    contract = fiche.contract
    return PdfMetadata(
        title=f"Fiche territoriale — {fiche.territory.name} — {contract.reference}",
        kind="fiche territoriale",
        reference=contract.reference,
        data_date=fiche.data_date or fiche.as_of,
        subject=(
            f"Fiche territoriale du contrat « {contract.title} » ({contract.programme.name}), "
            f"{fiche.territory.name}"
        ),
        keywords=("fiche territoriale", contract.programme.short_name, fiche.territory.name),
    )


def fiche_pdf_html(fiche: Fiche) -> str:
    return pdf_html("public/fiche_pdf.html", {"fiche": fiche}, metadata=fiche_pdf_metadata(fiche))


def fiche_pdf_bytes(fiche: Fiche, html: str | None = None) -> bytes:
    """Render the fiche to PDF bytes (raises FicheRenderError on any failed fetch)."""
    html = fiche_pdf_html(fiche) if html is None else html
    return pdf_bytes(html, metadata=fiche_pdf_metadata(fiche))


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


def contract_render_fiche_pdf(*, contract: Contract, force: bool = False) -> Path:
    """Render and store the fiche PDF of a published contract; return the stored file.

    Nothing is rendered when a file for the same inputs is stored already (unless ``force``).
    """
    fiche = load_fiche(contract)
    html = fiche_pdf_html(fiche)
    key = pdf_content_key(html)
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
