"""The interest × influence map of an objective's actors, drawn in SVG (page and PDF)."""

import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from pypdf import PdfReader

from cotri.public.charts import MAX_LINES, _wrap, actor_map
from cotri.public.fiche import load_fiche
from cotri.public.pdf import fiche_pdf_bytes
from indicators.enums import ActorRole, Quadrant
from indicators.models import Actor, Objective
from tests.public.conftest import plain

SVG = "{http://www.w3.org/2000/svg}"
URL = "/fiches/COTTRI-2021-CALAISIS/"

PLACES = {
    "ADEME": Quadrant.ENGAGE,
    "Région Hauts-de-France": Quadrant.ENGAGE,
    "Notaires": Quadrant.INFORM,
    "Agences immobilières": Quadrant.SATISFY,
    "CD2E": Quadrant.WATCH,
}


def quadrant_texts(svg: str) -> dict[str, str]:
    """The text written in each quadrant group, by quadrant code."""
    root = ET.fromstring(svg)
    return {
        group.get("data-quadrant"): " ".join(t.text or "" for t in group.iter(f"{SVG}text"))
        for group in root.iter(f"{SVG}g")
    }


@pytest.fixture
def placed(calaisis):
    """O1's actors of the Calaisis document, five of them given a place on the map."""
    objective = Objective.objects.get(contract=calaisis, code="O1")
    for name, quadrant in PLACES.items():
        Actor.objects.filter(objective=objective, organisation=name).update(quadrant=quadrant)
    return calaisis


def test_each_name_is_written_in_its_quadrant():
    svg = actor_map(
        dom_id="carte",
        title="Carte des acteurs",
        quadrants=[
            ("satisfaire", "Satisfaire", "peu concernés, très influents", ["Préfecture"]),
            ("engager", "Engager", "très concernés, très influents", ["ADEME", "Région"]),
            ("veiller", "Veiller", "peu concernés, peu influents", []),
            ("informer", "Informer", "très concernés, peu influents", ["Notaires"]),
        ],
    )
    texts = quadrant_texts(svg)
    assert "Préfecture" in texts["satisfaire"]
    assert "ADEME" in texts["engager"] and "Région" in texts["engager"]
    assert "(aucun)" in texts["veiller"]
    assert "Notaires" in texts["informer"] and "ADEME" not in texts["informer"]
    assert 'role="img"' in svg and "<desc" in svg
    assert "Intérêt" in svg and "Influence" in svg
    assert "Engager (très concernés, très influents) : ADEME, Région." in svg  # text alternative


def test_long_names_are_wrapped_and_cut_and_overflow_is_counted():
    name = "Syndicat intercommunal pour la valorisation et l’élimination des déchets du Calaisis"
    lines = _wrap(name)
    assert len(lines) == 2 and all(len(line) <= 40 for line in lines)
    assert lines[-1].endswith("…")
    many = [f"Commune n° {n}" for n in range(1, 21)]
    svg = actor_map(
        dom_id="c",
        title="t",
        quadrants=[("engager", "Engager", "", many), ("informer", "Informer", "", [])]
        + [("satisfaire", "Satisfaire", "", []), ("veiller", "Veiller", "", [name])],
    )
    engaged = quadrant_texts(svg)["engager"]
    assert engaged.count("•") == MAX_LINES - 1
    assert "… et 12 autres, voir le tableau" in engaged
    assert "Commune n° 20" in svg  # still in the text alternative
    ET.fromstring(svg)  # well-formed


@pytest.mark.django_db
def test_the_fiche_draws_the_map_and_lists_unplaced_actors_apart(placed, neighbour):
    html = Client().get(URL).content.decode()
    neighbour.assert_absent(html)  # the Calaisis' fiche: its own objectives only
    svg = re.search(r'<svg class="cotri-actor-map-chart".*?</svg>', html, re.S).group(0)
    texts = quadrant_texts(svg)
    for name, quadrant in PLACES.items():
        assert name in texts[quadrant], name
    apart = plain(html).split("Sans place sur la carte : ")[1].split("</p>")[0]
    assert "Notaires" not in apart and "ADIL" in apart and "Habitants, copropriétaires" in apart
    assert "Engager (très concerné, très influent)" in html  # the table: role and place


@pytest.mark.django_db
def test_without_any_place_no_map_is_drawn(calaisis):
    html = Client().get(URL).content.decode()
    assert "cotri-actor-map-chart" not in html
    assert "Aucun acteur n’est placé sur la carte intérêt × influence" in html


@pytest.mark.django_db
def test_the_pdf_holds_the_map(placed):
    data = fiche_pdf_bytes(load_fiche(placed))
    text = plain("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
    for name in [*PLACES, "Engager", "Satisfaire", "Veiller", "Informer", "Influence", "Intérêt"]:
        assert name in text, name
    assert ActorRole.LEAD.label in text
