"""The fiche as PDF: same figures as the page, stored off the request, static-only fetches."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from pypdf import PdfReader

from cotri.public.fiche import load_fiche
from cotri.public.pdf import (
    BASE_URL,
    FicheRenderError,
    StaticOnlyFetcher,
    fiche_pdf_bytes,
    fiche_pdf_html,
)
from cotri.public.tasks import render_all_fiche_pdfs, render_fiche_pdf
from tests.public.conftest import plain

pytestmark = pytest.mark.django_db

PDF_URL = "/fiches/COTTRI-2021-CALAISIS.pdf"


def pdf_text(data: bytes) -> str:
    return plain("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def test_pdf_is_404_until_rendered_then_served_from_storage(calaisis, settings):
    client = Client()
    assert client.get(PDF_URL).status_code == 404
    name = render_fiche_pdf(calaisis.pk)
    stored = Path(settings.MEDIA_ROOT) / "fiches" / name
    assert stored.is_file()
    pointer = json.loads((stored.parent / "COTTRI-2021-CALAISIS.json").read_text())
    assert pointer["file"] == name
    response = client.get(PDF_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    assert data == stored.read_bytes()
    assert data.startswith(b"%PDF-")


def test_pdf_holds_the_same_figures_as_the_page(calaisis):
    render_fiche_pdf(calaisis.pk)
    client = Client()
    page = plain(client.get("/fiches/COTTRI-2021-CALAISIS/").content.decode())
    text = pdf_text(b"".join(client.get(PDF_URL).streaming_content))
    for figure in ["422 371 €", "270 000 €", "81,3 %", "1 220", "152 371 habitants", "31/12/2023"]:
        assert figure in page
        assert figure in text
    assert "Objectifs (9, dont 3 prioritaires)" in text
    for number in range(1, 10):
        assert f"O{number} —" in text
    assert "7 777" not in text  # submitted values never appear
    assert "Page 1 / " in text  # running footer with page numbers
    assert "Données au 30/06/2023" in text  # date of the data (latest validated value)


def test_same_data_is_not_rendered_twice_and_a_change_replaces_the_file(calaisis, settings):
    first = render_fiche_pdf(calaisis.pk)
    assert render_fiche_pdf(calaisis.pk) == first
    calaisis.holder = "SyMPaC (Syndicat mixte du Pays du Calaisis)"
    calaisis.save()
    second = render_fiche_pdf(calaisis.pk)
    assert second != first
    folder = Path(settings.MEDIA_ROOT) / "fiches"
    assert sorted(p.name for p in folder.glob("*.pdf")) == [second]
    assert "Syndicat mixte du Pays du Calaisis" in pdf_text((folder / second).read_bytes())


def test_unpublishing_forgets_the_stored_pdf(calaisis, settings, neighbour):
    render_fiche_pdf(calaisis.pk)
    calaisis.published = False
    calaisis.save()
    assert render_fiche_pdf(calaisis.pk) is None
    folder = Path(settings.MEDIA_ROOT) / "fiches"
    assert not list(folder.glob("*.pdf"))
    # The nightly render skips the unpublished fiche: only the neighbour's, still published.
    assert render_all_fiche_pdfs() == 1
    assert [p.name.startswith("VOISIN-1-") for p in folder.glob("*.pdf")] == [True]
    neighbour.assert_unchanged()


def test_render_fiche_command_writes_the_file(calaisis, tmp_path):
    target = tmp_path / "calaisis.pdf"
    out = io.StringIO()
    call_command("render_fiche", "COTTRI-2021-CALAISIS", "-o", str(target), stdout=out)
    assert "422 371 €" in pdf_text(target.read_bytes())
    assert out.getvalue() == f"COTTRI-2021-CALAISIS : {target}\n"


def test_render_fiche_command_refuses_unpublished(calaisis):
    calaisis.published = False
    calaisis.save()
    with pytest.raises(Exception, match="Aucune fiche publiée pour : COTTRI-2021-CALAISIS"):
        call_command("render_fiche", "COTTRI-2021-CALAISIS")


def test_fetcher_reads_only_the_projects_static_files():
    fetcher = StaticOnlyFetcher()
    response = fetcher.fetch(f"{BASE_URL}static/css/print.css")
    assert b"@page" in response.read()
    for url in [
        "https://example.org/static/css/print.css",
        "file:///etc/passwd",
        f"{BASE_URL}media/fiches/x.pdf",
        f"{BASE_URL}static/../cotri/settings.py",
        f"{BASE_URL}static/css/absent.css",
    ]:
        with pytest.raises(FicheRenderError):
            fetcher.fetch(url)


def test_a_failed_fetch_fails_the_render(calaisis):
    fiche = load_fiche(calaisis)
    html = fiche_pdf_html(fiche).replace(
        "</body>", '<img src="https://example.org/tracker.png" alt=""></body>'
    )
    with pytest.raises(FicheRenderError):
        fiche_pdf_bytes(fiche, html)
    missing = fiche_pdf_html(fiche).replace("css/print.css", "css/absent.css")
    with pytest.raises(FicheRenderError):
        fiche_pdf_bytes(fiche, missing)
