"""The fiche page and the overview read a constant number of queries.

The fiche page is cached (ADR 0007): these counts are those of the uncached build, the cache being
emptied before each request; a cached request reads none (tests/public/test_cache.py).
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from contracts.models import Contract
from indicators.enums import ActorRole, MeansKind, Quadrant
from indicators.models import Action, Actor, Means
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
    TrancheFactory,
)

pytestmark = pytest.mark.django_db


def contract_with(objectives: int) -> Contract:
    contract = ContractFactory()
    TrancheFactory(contract=contract)
    for number in range(objectives):
        objective = ObjectiveFactory(contract=contract, priority=number < 3)
        Action.objects.create(objective=objective, title=f"Action {number}", lead="Porteur")
        Actor.objects.create(
            objective=objective,
            organisation=f"Acteur {number}",
            role=ActorRole.LEAD,
            quadrant=Quadrant.ENGAGE,
        )
        Means.objects.create(objective=objective, kind=MeansKind.FINANCING, organisation="ADEME")
        for _ in range(2):
            indicator = IndicatorFactory(objective=objective)
            for month in (3, 6, 9):
                ProgressEntryFactory(indicator=indicator, date=datetime.date(2022, month, 1))
    return contract


def count_queries(url: str) -> int:
    cache.clear()
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_fiche_queries_do_not_grow_with_objectives_and_entries(django_assert_max_num_queries):
    small, large = contract_with(3), contract_with(30)
    small_count = count_queries(f"/fiches/{small.reference}/")
    large_count = count_queries(f"/fiches/{large.reference}/")
    assert small_count == large_count
    cache.clear()
    with django_assert_max_num_queries(14):
        Client().get(f"/fiches/{large.reference}/")


def test_overview_queries_do_not_grow_with_contracts(django_assert_max_num_queries):
    contract_with(3)
    few = count_queries("/fiches/")
    for _ in range(5):
        contract_with(2)
    assert count_queries("/fiches/") == few
    with django_assert_max_num_queries(8):
        Client().get("/")
