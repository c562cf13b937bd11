"""The fiche territoriale web page: content, French formats, only validated values, 404s."""

import re

import pytest
from django.test import Client

from contracts.enums import ContractStatus
from tests.public.conftest import plain

pytestmark = pytest.mark.django_db

URL = "/fiches/COTTRI-2021-CALAISIS/"


def test_calaisis_fiche_shows_its_nine_objectives_and_funding(calaisis, neighbour):
    response = Client().get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    text = plain(html)
    assert "Objectifs (9, dont 3 prioritaires)" in text
    for number in range(1, 10):
        assert f'href="#objectif-O{number}"' in html
    assert "422 371 €" in text  # 270 000 € + bonus cap 152 371 €
    assert "270 000 €" in text
    assert "152 371 habitants" in text
    assert "du 01/01/2021 au 31/12/2023" in text
    assert "SyMPaC" in text
    assert "CC de la Région d&#x27;Audruicq" in text
    assert "Comité de pilotage" in text
    neighbour.assert_absent(html)  # the fiche of its own contract only


def test_only_validated_values_count(calaisis):
    text = plain(Client().get(URL).content.decode())
    assert "81,3 %" in text  # 1 220 / 1 500, rounded down
    assert "1 220" in text
    assert "Non atteint" in text  # O1 is a priority objective: 100 % needed
    assert "7 777" not in text and "7777" not in text  # submitted, not validated
    assert "8 888" not in text and "8888" not in text  # draft


def test_chart_is_svg_with_a_text_alternative(calaisis):
    html = Client().get(URL).content.decode()
    assert "<script" not in html.split('<main id="contenu"')[1].split("</main>")[0]
    svg = re.search(r'<svg class="cotri-chart".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in svg
    assert "<desc" in svg and "31/12/2021 : 380" in plain(svg)
    assert "Cible : 1 500 rénovations" in plain(svg)


def test_base_template_identity_comes_from_settings(calaisis, settings):
    settings.COTRI_SHOW_STATE_IDENTITY = False
    settings.COTRI_OPERATOR_NAME = "Région Hauts-de-France"
    html = Client().get(URL).content.decode()
    assert '<html lang="fr"' in html
    assert "République<br>française" not in html
    assert "cotri — Région Hauts-de-France" in html
    assert 'href="#contenu"' in html
    settings.COTRI_SHOW_STATE_IDENTITY = True
    assert "République<br>française" in Client().get(URL).content.decode()


def test_unpublished_contract_is_404_everywhere(calaisis):
    calaisis.published = False
    calaisis.save()
    client = Client()
    assert client.get(URL).status_code == 404
    assert client.get("/fiches/COTTRI-2021-CALAISIS.pdf").status_code == 404
    assert "COTTRI-2021-CALAISIS" not in client.get("/fiches/").content.decode()


def test_draft_contract_is_404_even_if_flagged_published(calaisis):
    type(calaisis).objects.filter(pk=calaisis.pk).update(status=ContractStatus.DRAFT)
    assert Client().get(URL).status_code == 404
    assert Client().get("/fiches/COTTRI-2021-CALAISIS.pdf").status_code == 404


def test_unknown_reference_is_404(db):
    assert Client().get("/fiches/INCONNU/").status_code == 404


def test_the_bench_floor_is_not_routed_outside_the_bench(db):
    # Only bench/bench_fiche.py sets COTRI_BENCH_FLOOR (cotri/public/urls.py).
    assert Client().get("/bench/plancher/").status_code == 404
