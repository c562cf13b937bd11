"""Issue 10 item 1 and issue 17 item 3: the overview counts each commune once, says which
population it uses, totals the catalogue in the database, is cached and paginated."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from contracts.models import Contract
from french.output import format_number
from indicators.enums import EntryStatus
from indicators.models import IndicatorDefinition
from indicators.rules import EntryValue, IndicatorSpec, indicator_level
from territories.enums import GroupementType, TerritoryKind
from territories.models import Membership, Territory
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
    TerritoryFactory,
)
from tests.public.conftest import plain

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def commune(name, population):
    return TerritoryFactory(
        name=name, kind=TerritoryKind.COMMUNE, epci_type="", population=population
    )


def group(name, members, *, kind=TerritoryKind.EPCI, population=None):
    extra = (
        {"groupement_type": GroupementType.values[0], "epci_type": ""}
        if kind == "groupement"
        else {}
    )
    territory = TerritoryFactory(
        name=name,
        kind=kind,
        population=population if population is not None else sum(m.population for m in members),
        **extra,
    )
    for member in members:
        Membership.objects.create(group=territory, member=member)
    return territory


@pytest.fixture
def avesnois():
    """Fourmies is in the CC du Sud Avesnois, itself in the SCoT Sambre-Avesnois."""
    fourmies, wignehies = commune("Fourmies", 12_000), commune("Wignehies", 2_800)
    maubeuge = commune("Maubeuge", 29_000)
    sud = group("CC du Sud Avesnois", [fourmies, wignehies])
    agglo = group("CA Maubeuge Val de Sambre", [maubeuge])
    scot = group("Syndicat mixte du SCoT Sambre-Avesnois", [sud, agglo], kind="groupement")
    return {"fourmies": fourmies, "sud": sud, "agglo": agglo, "scot": scot}


def covered() -> int:
    text = plain(Client().get("/").content.decode())
    found = re.search(r"vit dans un territoire engagé \(([\d ]+) habitants\)", text).group(1)
    return int(found.replace(" ", ""))


def population(territory) -> int:
    """The Etalab population of a territory as stored (the neighbour's, which has no members)."""
    return Territory.objects.get(pk=territory.pk).population


@pytest.mark.parametrize(
    ("engaged", "expected"),
    [
        (["sud", "scot"], 43_800),  # the EPCI inside the syndicat mixte: once (not 58 600)
        (["sud"], 14_800),
        (["fourmies", "sud"], 14_800),  # a commune of an engaged EPCI: once
        (["fourmies", "agglo"], 41_000),
        (["sud", "sud"], 14_800),  # two contracts on one territory
        (["scot", "agglo", "fourmies"], 43_800),
    ],
)
def test_covered_population_counts_each_commune_once(avesnois, neighbour, engaged, expected):
    # The overview is regional: the neighbour's published contract covers its territory too
    # (no communes loaded: its own population), added to the Avesnois' figure.
    voisin = population(neighbour.contract.territory)
    assert covered() == voisin
    cache.clear()
    for name in engaged:
        ContractFactory(territory=avesnois[name])
    assert covered() == expected + voisin


def test_a_territory_without_loaded_members_counts_with_its_own_population(avesnois, neighbour):
    ContractFactory(territory=avesnois["sud"])
    ContractFactory(territory=TerritoryFactory(population=7_000))  # no communes loaded
    assert covered() == 21_800 + population(neighbour.contract.territory)


def test_unpublished_contracts_do_not_cover(avesnois, neighbour):
    ContractFactory(territory=avesnois["sud"])
    ContractFactory(territory=avesnois["agglo"], published=False)
    voisin = population(neighbour.contract.territory)
    assert covered() == 14_800 + voisin
    Contract.objects.filter(pk=neighbour.contract.pk).update(published=False)
    cache.clear()
    assert covered() == 14_800  # nor does the neighbour's, once unpublished
    Contract.objects.filter(pk=neighbour.contract.pk).update(published=True)


def test_headline_and_table_say_which_population_they_use(neighbour):
    boulonnais = TerritoryFactory(name="CA du Boulonnais", population=162_083)
    ContractFactory(territory=boulonnais, population=157_976, population_vintage=2019)
    text = plain(Client().get("/").content.decode())
    covered_population = 162_083 + population(neighbour.contract.territory)
    assert f"({plain(format_number(covered_population))} habitants)" in text
    assert "Population municipale Etalab (millésime 2021) des communes" in text
    assert "chaque commune comptée une fois" in text
    assert "Population de référence (figée à la signature)" in text
    assert "Population municipale actuelle (Etalab)" in text
    row = re.search(r"CA du Boulonnais.*?</tr>", text, re.S).group(0)
    assert re.search(r">157 976<.*>162 083<", row, re.S)


def _indicator(definition, accumulation, *, end=datetime.date(2023, 12, 31), baseline="0"):
    contract = ContractFactory(end=end)
    objective = ObjectiveFactory(contract=contract)
    return IndicatorFactory(
        objective=objective,
        definition=definition,
        accumulation=accumulation,
        baseline=D(baseline),
        target=D("1000"),
    )


def _level_by_rules(indicator, as_of):
    spec = IndicatorSpec(
        indicator.code,
        indicator.kind,
        indicator.direction,
        indicator.accumulation,
        indicator.baseline,
        indicator.target,
    )
    entries = [
        EntryValue(e.value, e.date, e.status, e.reviewed_at)
        for e in indicator.entries.filter(status=EntryStatus.VALIDATED).order_by("pk")
    ]
    return indicator_level(spec, entries, as_of)


def test_catalogue_totals_are_the_rules_levels_computed_by_the_database():
    definition = IndicatorDefinition.objects.create(
        code="logements", label="Logements rénovés", unit="logements"
    )
    reviewed = datetime.datetime(2024, 1, 15, 10, tzinfo=datetime.UTC)
    summed = _indicator(definition, "sum", baseline="5")
    for day, value, status in [
        (datetime.date(2021, 12, 31), "380", EntryStatus.VALIDATED),
        (datetime.date(2022, 12, 31), "465.5", EntryStatus.VALIDATED),
        (datetime.date(2024, 3, 31), "1000", EntryStatus.VALIDATED),  # after the end
        (datetime.date(2023, 6, 30), "7777", EntryStatus.SUBMITTED),  # never counted
    ]:
        ProgressEntryFactory(indicator=summed, date=day, value=D(value), status=status)
    latest = _indicator(definition, "latest")
    for day, value, at in [
        (datetime.date(2022, 12, 31), "30", reviewed),
        (datetime.date(2023, 3, 31), "41", reviewed),
        (datetime.date(2023, 6, 30), "40", reviewed),  # the latest date wins, not the largest
        (datetime.date(2024, 6, 30), "99", reviewed),  # after the end
    ]:
        ProgressEntryFactory(indicator=latest, date=day, value=D(value), reviewed_at=at)
    untouched = _indicator(definition, "latest", baseline="12")
    _indicator(definition, "sum")  # nothing reported: its baseline, 0
    hidden = _indicator(definition, "sum")
    hidden.objective.contract.published = False
    hidden.objective.contract.save()
    ProgressEntryFactory(indicator=hidden, value=D("5000"))

    as_of = datetime.date(2023, 12, 31)
    expected = sum(_level_by_rules(i, as_of) for i in (summed, latest, untouched))
    assert expected == D("5") + D("845.5") + D("40") + D("12")

    text = plain(Client().get("/").content.decode())
    assert 'Logements rénovés</td><td class="cotri-figures">902,5 logements</td><td>4</td>' in text


def test_the_overview_is_cached_and_follows_changes_at_once():
    definition = IndicatorDefinition.objects.create(code="km", label="Pistes", unit="km")
    indicator = _indicator(definition, "sum")
    ProgressEntryFactory(indicator=indicator, value=D("10"))
    client = Client()
    assert "10 km" in plain(client.get("/").content.decode())

    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert len(queries) == 0  # from the cache

    entry = ProgressEntryFactory(
        indicator=indicator,
        date=datetime.date(2022, 12, 31),
        value=D("2.5"),
        status=EntryStatus.SUBMITTED,
    )
    assert "12,5 km" not in plain(client.get("/").content.decode())
    entry.status = EntryStatus.VALIDATED
    entry.save()
    assert "12,5 km" in plain(client.get("/").content.decode())


def _queries(url="/") -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(url).status_code == 200
    return len(queries)


def test_overview_queries_are_constant_whatever_the_number_of_contracts():
    definition = IndicatorDefinition.objects.create(code="km", label="Pistes", unit="km")

    def add(count):
        for _ in range(count):
            indicator = _indicator(definition, "sum")
            for year in (2021, 2022, 2023):  # one value per date
                ProgressEntryFactory(indicator=indicator, date=datetime.date(year, 6, 30))
            group("Groupement", [commune("C", 1_000)], kind="groupement")

    add(2)
    few = _queries()
    add(20)
    assert _queries() == few <= 8


def test_the_list_is_paginated_and_keeps_the_filters(neighbour):
    contracts = [ContractFactory(title=f"Contrat {n:03d}") for n in range(55)]
    # 56 published fiches: the 55 and the neighbour's, listed last (« Territoire voisin » comes
    # after every « CC de test … » in the order of territory names).
    page1 = Client().get("/fiches/").content.decode()
    assert page1.count('href="/fiches/TEST-') == 50
    neighbour.assert_absent(page1)
    assert "Page 1 sur 2" in page1
    assert "56 territoires engagés" in page1
    page2 = Client().get("/fiches/", {"page": "2"}).content.decode()
    assert page2.count('href="/fiches/TEST-') == 5
    assert page2.count('href="/fiches/VOISIN-1/"') == 1
    programme = contracts[0].programme.code
    filtered = Client().get("/fiches/", {"programme": programme}).content.decode()
    assert filtered.count('href="/fiches/TEST-') == 1
    neighbour.assert_absent(filtered)
    assert "Page 1 sur" not in filtered
    again = Client().get("/fiches/", {"q": "Contrat", "page": "2"}).content.decode()
    assert "?q=Contrat&amp;page=1" in again
    assert Client().get("/fiches/", {"page": "abc"}).status_code == 200
