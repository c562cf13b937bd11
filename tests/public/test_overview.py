"""The regional overview: engaged territories, coverage, catalogue totals, filters, links."""

from decimal import Decimal

import pytest
from django.test import Client

from contracts.enums import ContractStatus
from french.output import format_number, format_rate
from territories.models import Territory
from tests.factories import ContractFactory, TerritoryFactory
from tests.public.conftest import plain

pytestmark = pytest.mark.django_db


@pytest.fixture
def others(db):
    arras = ContractFactory(
        reference="COTRI-2017-ARRAS",
        title="COTRI de la CU d'Arras",
        territory=TerritoryFactory(name="CU d'Arras", departement_code="62", population=100_000),
        status=ContractStatus.CLOSED,
    )
    hidden = ContractFactory(
        reference="COTRI-CACHE",
        title="Contrat non publié",
        territory=TerritoryFactory(name="CC cachée", departement_code="59"),
        published=False,
    )
    return arras, hidden


def test_overview_links_every_published_fiche_only(calaisis, others, neighbour):
    for url in ("/", "/fiches/"):
        html = Client().get(url).content.decode()
        assert 'href="/fiches/COTTRI-2021-CALAISIS/"' in html
        assert 'href="/fiches/COTRI-2017-ARRAS/"' in html
        assert 'href="/fiches/VOISIN-1/"' in html  # every published fiche, the neighbour's too
        assert "COTRI-CACHE" not in html and "CC cachée" not in html
        assert "3 territoires engagés" in html


def test_overview_shows_the_share_of_the_region_covered(calaisis, region, neighbour):
    # The Pays du Calaisis' members (152 282, 10 % of the region) and the neighbour's territory
    # (published, no members loaded: its own population).
    covered = 152_282 + Territory.objects.get(pk=neighbour.contract.territory_id).population
    text = plain(Client().get("/").content.decode())
    assert plain(format_rate(Decimal(covered) / Decimal(1_522_820))) in text
    assert f"({plain(format_number(covered))} habitants)" in text
    assert "Hauts-de-France (1 522 820 habitants)" in text


def test_overview_totals_catalogue_indicators_from_validated_values(calaisis):
    text = plain(Client().get("/fiches/").content.decode())
    assert "Logements rénovés" in text
    assert "1 220 logements" in text or "1 220 " in text
    assert "7 777" not in text


def test_filters_and_search(calaisis, others):
    client = Client()
    html = client.get("/fiches/", {"q": "calais"}).content.decode()
    assert 'href="/fiches/COTTRI-2021-CALAISIS/"' in html
    assert 'href="/fiches/COTRI-2017-ARRAS/"' not in html
    html = client.get("/fiches/", {"departement": "62"}).content.decode()
    assert 'href="/fiches/COTRI-2017-ARRAS/"' in html
    assert 'href="/fiches/COTTRI-2021-CALAISIS/"' not in html  # members carry no département here
    html = client.get("/fiches/", {"programme": calaisis.programme.code}).content.decode()
    assert 'href="/fiches/COTTRI-2021-CALAISIS/"' in html
    assert 'href="/fiches/COTRI-2017-ARRAS/"' not in html
    html = client.get("/fiches/", {"q": "introuvable"}).content.decode()
    assert "Aucune fiche ne correspond à ces critères." in html
