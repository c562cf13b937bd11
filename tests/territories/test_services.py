"""Groupements (members, population, vintage) and the commune counts the fiche shows."""

import pytest
from django.core.exceptions import ValidationError

from territories.enums import GroupementType, TerritoryKind
from territories.models import Territory
from territories.services import (
    groupement_refresh_population,
    groupement_save,
    region_territory_code,
    territory_commune_count,
    territory_commune_counts,
    territory_communes,
    territory_member_epcis,
)
from tests.factories import TerritoryFactory

pytestmark = pytest.mark.django_db

CALAISIS = ["200090751", "200072478", "246200844"]
BOULONNAIS = ["246200729", "200018083", "246200380"]


def save(code="PAYS-TEST", members=(), **kwargs) -> Territory:
    return groupement_save(
        code=code,
        name=kwargs.pop("name", "Pays de test"),
        groupement_type=kwargs.pop("groupement_type", GroupementType.PAYS),
        member_codes=list(members),
        **kwargs,
    )


def commune(code: str, population: int | None = 1000, vintage: int | None = 2022) -> Territory:
    return TerritoryFactory(
        code=code,
        kind=TerritoryKind.COMMUNE,
        epci_type="",
        name=f"Commune {code}",
        population=population,
        population_vintage=vintage,
    )


def epci(code: str, communes: list[Territory], name: str = "CC de test") -> Territory:
    territory = TerritoryFactory(
        code=code, name=name, population=sum(c.population for c in communes)
    )
    territory.members.set(communes)
    return territory


# --- The domain checks, on the shipped extract --------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "members", "communes", "population"),
    [
        ("PAYS-CALAISIS", "Pays du Calaisis", CALAISIS, 52, 152_282),
        ("PAYS-BOULONNAIS", "Pays Boulonnais", BOULONNAIS, 74, 157_976),
    ],
)
def test_pays_of_the_domain_checks(hdf, code, name, members, communes, population):
    pays = save(code, members, name=name)
    assert (pays.kind, pays.name, pays.groupement_type) == ("groupement", name, "pays")
    assert territory_commune_count(pays) == communes
    assert (pays.population, pays.population_vintage) == (population, 2022)
    assert sorted(pays.members.values_list("code", flat=True)) == sorted(members)


def test_hauts_de_france_counts(hdf):
    region = Territory.objects.get(code=region_territory_code("32"))
    assert region.children.count() == 5
    assert territory_commune_count(region) == 3782
    assert territory_commune_count(Territory.objects.get(code="62")) == 887


def test_groupement_of_communes_adds_up_like_the_groupement_of_their_epci(hdf):
    by_epci = save("PAYS-A", CALAISIS)
    commune_codes = territory_communes(by_epci).values_list("code", flat=True)
    by_commune = save("PAYS-B", commune_codes)
    assert by_commune.population == by_epci.population == 152_282
    assert territory_commune_count(by_commune) == 52
    assert not territory_member_epcis(by_commune).exists()


# --- groupement_save ----------------------------------------------------------------------------


def test_saving_again_sets_members_name_and_population_exactly():
    a, b, c = commune("62001", 100), commune("62002", 200), commune("62003", 400)
    pays = save(members=[a.code, b.code], name="Ancien nom")
    assert pays.population == 300
    again = save(members=[b.code, c.code, c.code], name="Nouveau nom", groupement_type="petr")
    assert again.pk == pays.pk
    pays.refresh_from_db()
    assert (pays.name, pays.groupement_type, pays.population) == ("Nouveau nom", "petr", 600)
    assert sorted(pays.members.values_list("code", flat=True)) == ["62002", "62003"]


def test_unknown_member_codes_are_each_named_and_nothing_is_saved():
    known = commune("62001")
    with pytest.raises(ValidationError) as error:
        save(members=[known.code, "200099999", "62999"])
    assert error.value.message_dict == {
        "member_codes": ["membre inconnu : 200099999", "membre inconnu : 62999"]
    }
    assert not Territory.objects.filter(code="PAYS-TEST").exists()


def test_members_must_be_epci_or_communes_counted_once():
    a = commune("62001")
    cc = epci("200000001", [a])
    TerritoryFactory(code="62", kind=TerritoryKind.DEPARTEMENT, epci_type="", name="Pas-de-Calais")
    with pytest.raises(ValidationError) as error:
        save(members=[cc.code, a.code, "62"])
    assert error.value.messages == [
        "62 (Pas-de-Calais) n'est ni un EPCI ni une commune",
        f"la commune 62001 (Commune 62001) est déjà comprise dans l'EPCI 200000001 ({cc.name})",
    ]


def test_other_invalid_input_is_refused_in_french():
    cc = epci("200000001", [commune("62001")])
    with pytest.raises(ValidationError) as error:
        save(code=cc.code, members=[], name=" ", groupement_type="club")
    assert error.value.message_dict == {
        "code": [f"le code 200000001 est déjà celui de {cc.name} (Communauté de communes)"],
        "name": ["le nom du groupement est obligatoire"],
        "groupement_type": ["nature de groupement inconnue : club"],
        "member_codes": ["un groupement doit compter au moins un membre"],
    }


def test_overlong_code_is_refused():
    with pytest.raises(ValidationError) as error:
        save(code="P" * 41, members=[commune("62001").code])
    assert error.value.message_dict == {"code": ["le code du groupement dépasse 40 caractères"]}


def test_mixed_vintages_give_the_oldest():
    recent, old = commune("62001", 100, 2023), commune("62002", 200, 2021)
    pays = save(members=[recent.code, old.code])
    assert (pays.population, pays.population_vintage) == (300, 2021)


def test_an_unknown_member_population_makes_the_sum_unknown():
    pays = save(members=[commune("62001", 100).code, commune("62002", None, None).code])
    assert (pays.population, pays.population_vintage) == (None, None)


def test_refresh_follows_a_member_population_change():
    a = commune("62001", 100)
    pays = save(members=[a.code, commune("62002", 200).code])
    Territory.objects.filter(pk=a.pk).update(population=150, population_vintage=2023)
    groupement_refresh_population(groupement=pays)
    pays.refresh_from_db()
    assert (pays.population, pays.population_vintage) == (350, 2022)


# --- Counts for the fiche -----------------------------------------------------------------------


@pytest.fixture
def mixed():
    """A groupement of two EPCI (2 + 1 communes) and one commune of its own."""
    cc = epci("200000001", [commune("62001"), commune("62002")], name="CC du Nord")
    ca = epci("200000002", [commune("62003")], name="CA de l'Aa")
    pays = save(members=[ca.code, cc.code, commune("62004").code])
    return pays, cc, ca


def test_commune_counts(mixed, django_assert_num_queries):
    pays, cc, ca = mixed
    lonely = Territory.objects.get(code="62004")
    with django_assert_num_queries(0):
        assert territory_commune_count(lonely) == 1
    with django_assert_num_queries(1):
        assert territory_commune_count(pays) == 4
    with django_assert_num_queries(1):
        assert territory_commune_count(cc) == 2
    with django_assert_num_queries(2):
        counts = territory_commune_counts([pays, cc, ca, lonely])
    assert counts == {pays.pk: 4, cc.pk: 2, ca.pk: 1, lonely.pk: 1}


def test_member_epcis_come_by_name_with_their_commune_count(mixed, django_assert_num_queries):
    pays, cc, ca = mixed
    with django_assert_num_queries(1):
        rows = [(e.code, e.commune_count) for e in territory_member_epcis(pays)]
    assert rows == [(ca.code, 1), (cc.code, 2)]
    assert not territory_member_epcis(cc).exists()
