"""The fiche compares its catalogue indicators with similar engaged territories (ADR 0017)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contracts.enums import ContractStatus, MembershipRole
from contracts.models import Contract, ProjectMembership
from cotri.public.compare import FEW_TERRITORIES, NO_VALUE, fiche_comparison
from cotri.public.fiche import load_fiche
from cotri.public.pdf import fiche_pdf_bytes
from indicators.enums import Accumulation, EntryStatus
from indicators.models import Indicator, IndicatorDefinition
from indicators.services import entry_validate
from territories.enums import GroupementType, TerritoryKind
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ProgressEntryFactory,
    TerritoryFactory,
)
from tests.public.conftest import plain
from tests.public.test_pdf import pdf_text

pytestmark = pytest.mark.django_db

SECTION = "Comparaison avec les territoires similaires"


@pytest.fixture
def cycling() -> IndicatorDefinition:
    """A catalogue entry installed by the data migration (« km »)."""
    return IndicatorDefinition.objects.get(code="km-amenagements-cyclables")


def engaged(
    definition,
    *values,
    population=10_000,
    kind=TerritoryKind.EPCI,
    status=ContractStatus.ACTIVE,
    published=True,
    entry_status=EntryStatus.VALIDATED,
    territory=None,
    start=datetime.date(2021, 1, 1),
    demo=False,
) -> Contract:
    """A contract of a new territory (or ``territory``) whose indicator linked to ``definition``
    (None: no catalogue link) has ``values`` (one per year from 2021) of ``entry_status``."""
    if territory is None:
        extra = (
            {"epci_type": "", "groupement_type": GroupementType.PAYS}
            if kind == TerritoryKind.GROUPEMENT
            else {}
        )
        territory = TerritoryFactory(kind=kind, population=population, **extra)
    contract = ContractFactory(
        territory=territory,
        population=population,
        status=status,
        published=published,
        start=start,
        demo_data=demo,
    )
    indicator = IndicatorFactory(objective__contract=contract, definition=definition, unit="km")
    for year, value in enumerate(values, start=2021):
        ProgressEntryFactory(
            indicator=indicator,
            date=datetime.date(year, 12, 31),
            value=Decimal(value),
            status=entry_status,
        )
    return contract


def row_of(contract: Contract):
    comparison = load_fiche(contract).comparison
    assert comparison is not None and comparison.engaged
    (row,) = comparison.rows
    return row


def page(contract: Contract) -> str:
    response = Client().get(f"/fiches/{contract.reference}/")
    assert response.status_code == 200
    return plain(response.content.decode())


def words(html: str) -> str:
    """The page's text, tags and runs of white space as single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_two_territories_are_not_compared(cycling):
    first = engaged(cycling, "5")
    engaged(cycling, "7")
    row = row_of(first)
    assert not row.available and row.count == 2 and row.reason == FEW_TERRITORIES
    text = page(first)
    assert SECTION in text
    assert "comparaison indisponible (moins de trois territoires)" in text
    assert "sur 2" not in text


def test_three_territories_give_the_place_and_the_median_per_10_000_inhabitants(cycling):
    # 31 km for 20 000 inhabitants: 15,5 km per 10 000; 12 km for 10 000; 80 km for 40 000: 20.
    middle = engaged(cycling, "20", "11", population=20_000)  # sum: 31 km
    low = engaged(cycling, "12")
    high = engaged(cycling, "80", population=40_000)
    row = row_of(middle)
    assert row.available
    assert (row.value, row.median, row.rank, row.count) == (Decimal("15.5"), Decimal("15.5"), 2, 3)
    assert row.rank_text == "2ᵉ sur 3"
    assert row_of(high).rank_text == "1ᵉʳ sur 3"
    assert row_of(low).rank_text == "3ᵉ sur 3"
    text = page(middle)
    cells = "Aménagements cyclables réalisés (km pour 10 000 habitants) 15,5 15,5 2ᵉ sur 3"
    assert cells in words(text)
    assert "Comparaison avec les territoires du même type (EPCI), pour 10 000 habitants" in text
    assert "moins de trois territoires" not in text


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two(cycling):
    contracts = [engaged(cycling, value) for value in ("10", "20", "31", "45")]
    row = row_of(contracts[1])
    assert (row.median, row.rank, row.count) == (Decimal("25.5"), 3, 4)
    assert "25,5 4ᵉ" not in words(page(contracts[1]))
    assert "20 25,5 3ᵉ sur 4" in words(page(contracts[1]))


def test_kinds_are_not_mixed(cycling):
    epci = engaged(cycling, "5")
    engaged(cycling, "6")
    engaged(cycling, "7", kind=TerritoryKind.GROUPEMENT)
    assert row_of(epci).count == 2
    groupement = Contract.objects.get(territory__kind=TerritoryKind.GROUPEMENT)
    comparison = load_fiche(groupement).comparison
    assert comparison.kind_label.startswith("groupements")
    assert comparison.rows[0].count == 1


@pytest.mark.parametrize("status", [EntryStatus.DRAFT, EntryStatus.SUBMITTED, EntryStatus.RETURNED])
def test_only_validated_values_count(cycling, status):
    first = engaged(cycling, "5")
    second = engaged(cycling, "6")
    engaged(cycling, "1000", entry_status=status)  # reports nothing validated
    row = row_of(first)
    assert row.count == 2 and row.reason == FEW_TERRITORIES
    # a value not validated does not change a level either
    indicator = Indicator.objects.get(objective__contract=second)
    ProgressEntryFactory(
        indicator=indicator, date=datetime.date(2022, 12, 31), value=Decimal("900"), status=status
    )
    engaged(cycling, "4")
    row = row_of(first)
    assert (row.count, row.median, row.rank) == (3, Decimal("5"), 2)


def test_a_territory_without_validated_value_is_told_so(cycling):
    for value in ("5", "6", "7"):
        engaged(cycling, value)
    silent = engaged(cycling, "9", entry_status=EntryStatus.SUBMITTED)
    row = row_of(silent)
    assert row.reason == NO_VALUE and row.count == 3
    assert "aucune valeur validée pour ce territoire" in page(silent)


def test_indicators_outside_the_catalogue_are_not_compared(cycling):
    first = engaged(None, "5")
    engaged(None, "6")
    engaged(None, "7")
    assert load_fiche(first).comparison is None
    assert SECTION not in page(first)
    mixed = engaged(cycling, "5")
    assert row_of(mixed).count == 1


def test_drafts_and_unpublished_contracts_are_not_compared_ended_ones_are(cycling):
    first = engaged(cycling, "5")
    engaged(cycling, "9", status=ContractStatus.DRAFT)
    engaged(cycling, "10", published=False)
    assert row_of(first).count == 1
    engaged(cycling, "7", status=ContractStatus.CLOSED)
    engaged(cycling, "8", status=ContractStatus.TERMINATED)
    engaged(cycling, "11", status=ContractStatus.SIGNED)
    assert row_of(first).count == 4  # the overview's engaged territories: every published one


def test_an_ended_contract_is_compared_on_its_fiche(cycling):
    for value in ("5", "6", "7"):
        engaged(cycling, value)
    closed = engaged(cycling, "8", status=ContractStatus.CLOSED)
    comparison = load_fiche(closed).comparison
    assert comparison is not None and comparison.engaged
    assert [(row.count, row.rank) for row in comparison.rows] == [(4, 1)]
    assert "n’y figure pas" not in page(closed)


def test_a_territory_counts_once_with_its_latest_contract_or_the_fiche_s_own(cycling):
    older = engaged(cycling, "100", start=datetime.date(2019, 1, 1))
    newer = engaged(cycling, "1", territory=older.territory, start=datetime.date(2021, 1, 1))
    other = engaged(cycling, "5")
    engaged(cycling, "6")
    row = row_of(other)  # the territory of two contracts counts with the newer: 1
    assert (row.count, row.rank, row.median) == (3, 2, Decimal("5"))
    assert row_of(newer).rank == 3
    row = row_of(older)  # its own fiche: its own value
    assert (row.count, row.rank) == (3, 1)


def test_ties_share_a_place(cycling):
    first = engaged(cycling, "5")
    engaged(cycling, "5")
    engaged(cycling, "2")
    assert row_of(first).rank_text == "1ᵉʳ ex aequo sur 3"


def test_demonstration_values_are_labelled(cycling):
    first = engaged(cycling, "5")
    engaged(cycling, "6")
    engaged(cycling, "7", demo=True)
    assert row_of(first).demo
    assert "des valeurs comparées sont inventées pour la démonstration" in page(first)


def test_latest_indicators_count_their_latest_validated_value(cycling):
    first = engaged(cycling, "5", "3")
    Indicator.objects.filter(objective__contract=first).update(
        accumulation=Accumulation.LATEST, target=Decimal(10)
    )
    engaged(cycling, "4")
    engaged(cycling, "9")
    row = row_of(first)
    assert (row.value, row.rank) == (Decimal("3"), 3)


def test_the_comparison_reads_the_same_queries_for_3_and_10_territories(cycling):
    def queries(contract: Contract) -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(f"/fiches/{contract.reference}/").status_code == 200
        return len(captured)

    first = engaged(cycling, "5")
    engaged(cycling, "6")
    engaged(cycling, "7")
    few = queries(first)
    cache.clear()
    for expected in (1, 0):  # one aggregate, then the table from the cache
        with CaptureQueriesContext(connection) as captured:
            fiche_comparison(first, [cycling], timezone.localdate())
        assert len(captured) == expected
    for value in range(7):
        engaged(cycling, str(value + 10), "3")
    assert row_of(first).count == 10
    assert queries(first) == few


def test_a_value_validated_elsewhere_shows_at_once_on_a_cached_fiche(
    cycling, officer, django_capture_on_commit_callbacks
):
    first = engaged(cycling, "5")
    engaged(cycling, "6")
    assert "moins de trois territoires" in page(first)  # cached now
    third = engaged(cycling, "1", entry_status=EntryStatus.SUBMITTED)
    assert "moins de trois territoires" in page(first)  # a submitted value changes nothing
    entry = Indicator.objects.get(objective__contract=third).entries.get()
    with django_capture_on_commit_callbacks(execute=True):  # the rebuild runs after the commit
        entry_validate(entry=entry, by=officer)
    text = words(page(first))
    assert "2ᵉ sur 3" in text and "moins de trois territoires" not in text
    # a contract without catalogue indicator leaves the other fiches' cache alone
    elsewhere = engaged(None, "3", entry_status=EntryStatus.SUBMITTED)
    cache_hit = page(first)
    entry_validate(
        entry=Indicator.objects.get(objective__contract=elsewhere).entries.get(), by=officer
    )
    with CaptureQueriesContext(connection) as captured:
        assert page(first) == cache_hit
    assert len(captured) == 0


def test_the_pdf_shows_the_comparison(cycling):
    first = engaged(cycling, "20", "11", population=20_000)
    engaged(cycling, "12")
    engaged(cycling, "80", population=40_000)
    text = " ".join(pdf_text(fiche_pdf_bytes(load_fiche(first))).split())
    assert SECTION in text
    assert "2ᵉ sur 3" in text and "15,5" in text


def chef_of(django_user_model, territory, name: str):
    user = django_user_model.objects.create_user(name, password="x")
    ProjectMembership.objects.create(
        user=user, territory=territory, role=MembershipRole.PROJECT_LEAD
    )
    return user


def test_the_api_gives_the_comparison_to_every_reader_of_the_contract(
    cycling, officer, django_user_model
):
    first = engaged(cycling, "20", "11", population=20_000)
    other = engaged(cycling, "12")
    engaged(cycling, "80", population=40_000)
    hidden = engaged(cycling, "50", published=False)
    url = f"/api/contracts/{first.reference}/comparison"
    expected = {
        "contract": first.reference,
        "territory_kind": "epci",
        "engaged": True,
        "per_inhabitants": 10000,
        "minimum_territories": 3,
        "indicators": [
            {
                "definition": "km-amenagements-cyclables",
                "label": "Aménagements cyclables réalisés",
                "unit": "km",
                "available": True,
                "value": "15.5",
                "median": "15.5",
                "rank": 2,
                "territories": 3,
                "reason": None,
                "demonstration": False,
            }
        ],
    }
    readers = {
        "anonyme": None,
        "chef du contrat": chef_of(django_user_model, first.territory, "chef"),
        "chef d'un autre territoire": chef_of(django_user_model, other.territory, "autre"),
        "agent": officer,
    }
    for name, user in readers.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, name
        assert response.json() == expected, name
        hidden_response = client.get(f"/api/contracts/{hidden.reference}/comparison")
        if user is officer:  # officers read unpublished contracts: never compared
            data = hidden_response.json()
            assert data["engaged"] is False and data["indicators"] == []
        else:
            assert hidden_response.status_code == 404, name


def test_the_api_says_why_a_comparison_is_unavailable(cycling):
    first = engaged(cycling, "5")
    engaged(cycling, "6")
    (row,) = Client().get(f"/api/contracts/{first.reference}/comparison").json()["indicators"]
    assert row["available"] is False and row["value"] is None and row["territories"] == 2
    assert row["reason"] == FEW_TERRITORIES


def aggregates(captured) -> list[str]:
    """The aggregate queries over progress entries (``catalogue_levels``) among ``captured``."""
    return [
        query["sql"]
        for query in captured.captured_queries
        if "SUM(" in query["sql"] and "indicators_progressentry" in query["sql"]
    ]


@pytest.fixture
def rebuilds(monkeypatch) -> list[tuple]:
    """The rebuilds enqueued (a worker that has not run them yet)."""
    from cotri.public.tasks import rebuild_comparison_tables

    enqueued: list[tuple] = []
    monkeypatch.setattr(
        rebuild_comparison_tables, "apply_async", lambda *args, **kw: enqueued.append(args)
    )
    return enqueued


def test_a_cold_kind_builds_its_table_in_the_request_then_reuses_it(cycling, rebuilds):
    first = engaged(cycling, "5")
    second = engaged(cycling, "6")
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert "moins de trois territoires" in page(first)
    assert len(aggregates(captured)) == 1  # no table yet for EPCI: the only way to show one
    assert rebuilds == []
    with CaptureQueriesContext(connection) as captured:
        assert "moins de trois territoires" in page(second)
    assert aggregates(captured) == []


def test_a_fiche_after_a_validation_elsewhere_is_served_the_previous_table(
    cycling, officer, rebuilds, django_capture_on_commit_callbacks
):
    from cotri.public.tasks import rebuild_comparison_tables

    first = engaged(cycling, "5")
    second = engaged(cycling, "6")
    third = engaged(cycling, "1", entry_status=EntryStatus.SUBMITTED)
    fourth = engaged(cycling, "2", entry_status=EntryStatus.SUBMITTED)
    assert "moins de trois territoires" in page(first)  # the table is built, the fiche cached
    with django_capture_on_commit_callbacks(execute=True):
        for contract in (third, fourth):
            entry = Indicator.objects.get(objective__contract=contract).entries.get()
            entry_validate(entry=entry, by=officer)
    assert len(rebuilds) == 1  # a burst of validations: one rebuild, after the commit
    rebuilds.clear()
    # The worker has not run yet: fiches built now read the previous table, no aggregate.
    with CaptureQueriesContext(connection) as captured:
        assert "moins de trois territoires" in page(second)
        assert "aucune valeur validée pour ce territoire" in page(third)
        assert "moins de trois territoires" in page(first)  # still cached
    assert aggregates(captured) == []
    assert rebuilds == []  # one is already waiting
    # Had it been lost, the next stale read enqueues exactly one again.
    cache.delete("cotri:fiche:compare-rebuild:scheduled")
    for contract in (second, third):
        with CaptureQueriesContext(connection) as captured:
            load_fiche(contract)
        assert aggregates(captured) == []
    assert len(rebuilds) == 1
    # The worker rebuilds the table: every fiche follows, the cached ones included.
    assert rebuild_comparison_tables() == [TerritoryKind.EPCI]
    assert "2ᵉ sur 4" in words(page(first))
    with CaptureQueriesContext(connection) as captured:
        assert "4ᵉ sur 4" in words(page(third))
    assert aggregates(captured) == []
