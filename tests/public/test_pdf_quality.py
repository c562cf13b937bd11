"""Issue 14 item 4: the fiche PDF is a tagged PDF/UA-1 document with its title, language and data
date, no heading ends a page and every chart is on the page of its table (read back with pypdf
and pdftotext)."""

import datetime
import io
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.core.management import call_command
from pypdf import PdfReader

from contracts.models import Contract
from cotri.public.fiche import load_fiche
from cotri.public.pdf import (
    BASE_URL,
    PdfMetadata,
    fiche_pdf_bytes,
    fiche_pdf_html,
    pdf_bytes,
    pdf_render,
)
from cotri.public.storage import stored_fiche_pdf
from tests.public.pdf_layout import (
    page_texts,
    pages_ending_with_a_heading,
    pages_ending_with_heading_text,
    pages_of,
    structure_contents,
)

pytestmark = pytest.mark.django_db

TITLE = "Fiche territoriale — Pays du Calaisis — COTTRI-2021-CALAISIS"
PDFUA = "http://www.aiim.org/pdfua/ns/id/"
DC = "http://purl.org/dc/elements/1.1/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _xmp(reader: PdfReader) -> ET.Element:
    data = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    start, end = data.index(b"<rdf:RDF"), data.index(b"</rdf:RDF>") + len(b"</rdf:RDF>")
    return ET.fromstring(data[start:end])


def _figures(reader: PdfReader) -> list[dict]:
    """The /Figure structure elements (each chart, bar and map), with their attributes."""
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, dict):
            if node.get("/S") == "/Figure":
                found.append(node)
            kids = node.get("/K")
            kids = kids.get_object() if kids is not None else []
            for kid in kids if isinstance(kids, list) else [kids]:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_the_fiche_pdf_is_tagged_pdf_ua_with_title_language_and_data_date(calaisis):
    data = fiche_pdf_bytes(load_fiche(calaisis))
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]

    # Tagged: marked content, a structure tree, the document's language.
    assert root["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "fr"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    tags = {tag for content in structure_contents(reader) for tag in content.tags}
    assert {"/Document", "/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/Caption"} <= tags
    assert "/Figure" in tags
    figures = _figures(reader)
    assert len(figures) >= 9 + 9  # a chart and a bar per objective, the actor maps
    assert all(str(f.get("/Alt", "")).strip() for f in figures)  # every figure has its text
    assert any(str(f["/Alt"]).startswith("Rénovations réalisées après conseil") for f in figures)

    # Document information: title, author (cotri and its operator), subject, data date.
    info = reader.metadata
    assert info.title == TITLE
    assert info.author == "cotri — ADEME Hauts-de-France"
    assert info.creator == "cotri"
    assert info.producer.startswith("WeasyPrint")
    assert info.subject.endswith("Pays du Calaisis — Données au 30/06/2023.")
    assert "données au 30/06/2023" in info["/Keywords"]
    assert "COTTRI-2021-CALAISIS" in info["/Keywords"]
    assert info["/DataDate"] == "2023-06-30"
    assert info.creation_date is not None

    # XMP: PDF/UA-1 identification, the title and the author.
    xmp = _xmp(reader)
    parts = {d.get(f"{{{PDFUA}}}part") for d in xmp.iter(f"{{{RDF}}}Description")}
    assert "1" in parts
    assert xmp.find(f".//{{{DC}}}title//{{{RDF}}}li").text == TITLE
    assert xmp.find(f".//{{{DC}}}creator//{{{RDF}}}li").text == "cotri — ADEME Hauts-de-France"
    assert "30/06/2023" in xmp.find(f".//{{{DC}}}description//{{{RDF}}}li").text

    # Visible: the data date in the footer of every page.
    texts = page_texts(data)
    assert len(texts) > 1
    assert all("Données au 30/06/2023 (valeurs validées)" in t for t in texts)


def test_every_demo_fiche_keeps_headings_and_charts_with_what_follows():
    """The demo (``manage.py demo``) renders every published fiche: read each stored PDF."""
    call_command("demo", verbosity=0)
    demo = Contract.objects.published().exclude(reference__startswith="VOISIN")  # the neighbour's
    contracts = list(demo.select_related("programme", "territory"))
    assert len(contracts) == 10
    charts = 0
    for contract in contracts:
        data = stored_fiche_pdf(contract=contract).read_bytes()
        reader = PdfReader(io.BytesIO(data))
        assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"].value is True, contract.reference
        fiche = load_fiche(contract)
        assert reader.metadata.title == (
            f"Fiche territoriale — {contract.territory.name} — {contract.reference}"
        )
        # No page ends with a heading: neither in the structure tree nor in the text.
        assert pages_ending_with_a_heading(data) == {}, contract.reference
        assert pages_ending_with_heading_text(data, fiche_pdf_html(fiche)) == {}, contract.reference
        # Each chart's caption is on the page of its objective's indicator table.
        for objective in fiche.objectives:
            table = f"Indicateurs de l’objectif {objective.objective.code}"
            captions = [
                f"{i.indicator.label} : niveau validé dans le temps" for i in objective.indicators
            ]
            found = pages_of(data, [table, *captions])
            assert len(found[table]) == 1, (contract.reference, table, found)
            for caption in captions:
                assert found[caption] == found[table], (contract.reference, caption, found)
                charts += 1
    assert charts == 6 + 9  # Boulonnais and Calaisis: the demo's charts were all checked


# --- The checks can fail: the same documents without the print stylesheet's rules ---------------


def _metadata() -> PdfMetadata:
    return PdfMetadata(
        title="Document d’essai",
        kind="essai",
        reference="ESSAI",
        data_date=datetime.date(2023, 6, 30),
        subject="Document d’essai de la mise en page",
    )


def _document(body: str, *, spacer_mm: int, override: str) -> bytes:
    """A page of ``spacer_mm`` of blank space, then ``body``, styled by the print stylesheet
    and, after it, ``override``."""
    html = (
        f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Essai</title>'
        f'<link rel="stylesheet" href="{BASE_URL}{settings.STATIC_URL.lstrip("/")}css/print.css">'
        f"<style>{override}</style></head><body>"
        f'<div style="height: {spacer_mm}mm"></div>{body}</body></html>'
    )
    return pdf_bytes(html, metadata=_metadata())


HEADING_BODY = (
    '<section><h2 id="financement">Financement</h2>'
    '<table><caption>Échéancier de financement</caption><thead><tr><th scope="col">Tranche</th>'
    '<th scope="col">Prévu</th></tr></thead><tbody>'
    + "".join(f"<tr><td>Tranche {n}</td><td>{n} 000 €</td></tr>" for n in range(1, 9))
    + "</tbody></table></section>"
)
SPACERS = range(223, 248, 4)


def _lone_headings(override: str) -> list[tuple[int, dict, dict]]:
    found = []
    for spacer in SPACERS:
        data = _document(HEADING_BODY, spacer_mm=spacer, override=override)
        structure = pages_ending_with_a_heading(data)
        text = pages_ending_with_heading_text(data, HEADING_BODY)
        assert (structure == {}) == (text == {}), (spacer, structure, text)  # both agree
        if structure:
            found.append((spacer, structure, text))
    return found


def test_without_the_print_rules_a_heading_is_left_alone_and_the_checks_say_so():
    lone = _lone_headings("h2, caption { break-after: auto; }")
    found = [(structure, text) for _, structure, text in lone]
    # Some spacing leaves the heading alone, another the table's caption: both checks see it.
    assert ({1: "/H2"}, {1: "financement"}) in found
    assert ({1: "/Caption"}, {1: "échéancier de financement"}) in found
    # The print stylesheet's rules move the heading to the next page with its table.
    assert _lone_headings("") == []


def _indicators_body() -> str:
    figures = "".join(
        '<figure class="cotri-figure"><svg class="cotri-chart" role="img" viewBox="0 0 640 240" '
        'width="640" height="240" xmlns="http://www.w3.org/2000/svg">'
        f'<title>Indicateur {n}</title><rect x="10" y="10" width="600" height="200" fill="#eee"/>'
        f"</svg><figcaption>Indicateur {n} : niveau validé dans le temps</figcaption></figure>"
        for n in (1, 2, 3)
    )
    return (
        '<article><div class="cotri-indicators"><table><caption>Indicateurs de l’objectif O1'
        '</caption><thead><tr><th scope="col">Indicateur</th></tr></thead><tbody>'
        + "".join(f"<tr><td>Indicateur {n}</td></tr>" for n in (1, 2, 3))
        + f"</tbody></table>{figures}</div></article>"
    )


def _charts_apart(override: str) -> list[int]:
    apart = []
    captions = [f"Indicateur {n} : niveau validé dans le temps" for n in (1, 2, 3)]
    for spacer in range(60, 200, 20):
        data = _document(_indicators_body(), spacer_mm=spacer, override=override)
        found = pages_of(data, ["Indicateurs de l’objectif O1", *captions])
        table = found["Indicateurs de l’objectif O1"]
        if any(found[c] != table for c in captions):
            apart.append(spacer)
    return apart


def test_without_the_print_rules_a_chart_leaves_its_table_and_the_check_says_so():
    assert _charts_apart(".cotri-indicators { break-inside: auto; }")
    assert _charts_apart("") == []


def test_another_document_gets_the_layout_tags_and_metadata(settings, tmp_path):
    """What the annual report will do: a template extending pdf/base.html, its own metadata."""
    (tmp_path / "rapport.html").write_text(
        '{% extends "pdf/base.html" %}{% block content %}<h1>Rapport annuel 2023</h1>'
        "<p>Synthèse des contrats.</p>{% endblock %}",
        encoding="utf-8",
    )
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine.get("DIRS", [])]}]
    data = pdf_render("rapport.html", {}, metadata=_metadata())
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/Lang"] == "fr"
    assert reader.metadata.title == "Document d’essai"
    assert reader.metadata["/DataDate"] == "2023-06-30"
    (text,) = page_texts(data)
    for shown in [
        "Rapport annuel 2023",
        "ADEME Hauts-de-France — essai",  # running header: operator and kind
        "ESSAI",  # running header: reference
        "Données au 30/06/2023 (valeurs validées)",  # running footer
        "Page 1 / 1",
    ]:
        assert shown in text
