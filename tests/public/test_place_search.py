"""Search by place: a commune or an EPCI typed in the overview's search finds the fiches of the
engaged territories that contain it, accents and case aside, and says why."""

import pytest
from django.core.cache import cache
from django.test import Client

from contracts.models import Contract
from cotri.public.overview import OverviewFilters, load_overview
from cotri.public.place_search import find_places
from territories.enums import EpciType, GroupementType, TerritoryKind
from territories.models import Membership, Territory
from tests.factories import ContractFactory, TerritoryFactory

pytestmark = pytest.mark.django_db

CALAISIS = 'href="/fiches/COTTRI-2021-CALAISIS/"'


def _commune(name: str, code: str, *groups: Territory) -> Territory:
    commune = TerritoryFactory(
        code=code, kind=TerritoryKind.COMMUNE, epci_type="", name=name, population=5_000
    )
    for group in groups:
        Membership.objects.create(group=group, member=commune)
    return commune


@pytest.fixture
def places(calaisis):
    """Communes of the Calaisis' EPCI (Etalab codes), a commune of an EPCI in no contract, and
    Fourmies in an EPCI and a SCoT that both have a contract (as in the seeds)."""
    opale = Territory.objects.get(code="200072478")  # CC Pays d'Opale
    audruicq_cc = Territory.objects.get(code="246200844")  # CC de la Région d'Audruicq
    _commune("Ardres", "62038", opale)
    _commune("Guînes", "62397", opale)
    _commune("Audruicq", "62057", audruicq_cc)
    mel = TerritoryFactory(
        code="200093201", name="Métropole Européenne de Lille", epci_type=EpciType.METRO
    )
    _commune("Lille", "59350", mel)
    sud_avesnois = TerritoryFactory(
        code="245900709", name="CC du Sud Avesnois", epci_type=EpciType.CC
    )
    scot = TerritoryFactory(
        code="SCOT-SAMBRE-AVESNOIS",
        kind=TerritoryKind.GROUPEMENT,
        epci_type="",
        groupement_type=GroupementType.SYNDICAT_MIXTE,
        name="SCoT Sambre-Avesnois",
    )
    Membership.objects.create(group=scot, member=sud_avesnois)
    _commune("Fourmies", "59249", sud_avesnois)
    ContractFactory(
        reference="COT-SUD-AVESNOIS", territory=sud_avesnois, title="COT du Sud Avesnois"
    )
    ContractFactory(reference="COT-SCOT-SAMBRE", territory=scot, title="COT du SCoT")
    return calaisis


def _search(text: str) -> str:
    return Client().get("/fiches/", {"q": text}).content.decode()


@pytest.mark.parametrize("typed", ["Ardres", "ardres", "ARDRES", " Ardres "])
def test_a_commune_finds_the_territory_that_contains_it(places, typed):
    html = _search(typed)
    assert CALAISIS in html
    assert "Ardres fait partie du Pays du Calaisis" in html
    assert "COT-SUD-AVESNOIS" not in html
    assert "1 fiche affichée." in html


@pytest.mark.parametrize("typed", ["Guînes", "guines", "GUINES", "GUÎNES"])
def test_accents_and_case_do_not_matter(places, typed):
    html = _search(typed)
    assert CALAISIS in html
    assert "Guînes fait partie du Pays du Calaisis" in html


def test_an_epci_finds_the_groupement_and_the_commune_of_the_same_name_comes_first(places):
    html = _search("Audruicq")
    assert "Audruicq fait partie du Pays du Calaisis" in html
    html = _search("region d’audruicq")  # typographic apostrophe, no accent
    assert CALAISIS in html
    assert "CC de la Région d&#x27;Audruicq fait partie du Pays du Calaisis" in html


def test_a_place_in_two_engaged_territories_finds_both(places):
    html = _search("fourmies")
    assert 'href="/fiches/COT-SUD-AVESNOIS/"' in html
    assert 'href="/fiches/COT-SCOT-SAMBRE/"' in html
    assert "Fourmies fait partie de la CC du Sud Avesnois" in html
    assert "Fourmies fait partie du SCoT Sambre-Avesnois" in html
    assert "2 fiches affichées." in html
    assert CALAISIS not in html


def test_a_place_in_no_engaged_territory_says_so(places):
    html = _search("lille")
    assert "0 fiche affichée." in html
    assert (
        "Lille et Métropole Européenne de Lille ne font partie d’aucun territoire engagé dans un "
        "contrat publié." in html
    )
    html = _search("Introuvable")
    assert "Aucune fiche ne correspond à ces critères." in html
    assert "aucun territoire engagé" not in html


def test_an_unpublished_contract_is_never_found_by_place(places):
    Contract.objects.filter(reference="COTTRI-2021-CALAISIS").update(published=False)
    cache.clear()
    html = _search("Ardres")
    assert CALAISIS not in html
    assert "Ardres ne fait partie d’aucun territoire engagé dans un contrat publié." in html


def test_the_other_filters_still_apply(places):
    html = Client().get("/fiches/", {"q": "fourmies", "programme": "NOPE"}).content.decode()
    assert "COT-SUD-AVESNOIS" not in html and "COT-SCOT-SAMBRE" not in html


def test_the_search_by_place_reads_two_queries_whatever_the_number_of_communes(
    places, django_assert_num_queries
):
    opale = Territory.objects.get(code="200072478")
    for number in range(60):  # more places than shown: the query is bounded, not the loop
        _commune(f"Ardres-le-Petit {number}", f"9{number:04d}", opale)
    load_overview(OverviewFilters(q=""))  # the cached overview, built once
    with django_assert_num_queries(2):
        overview = load_overview(OverviewFilters(q="ARDRES"))
    assert [r.reason for r in overview.rows] == ["Ardres fait partie du Pays du Calaisis"]


def test_short_keys_look_up_no_place(places, django_assert_num_queries):
    engaged = {places.territory_id: places.territory.name}
    with django_assert_num_queries(0):
        assert not find_places("ar", engaged).places_found
