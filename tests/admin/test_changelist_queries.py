"""The officers' lists cost the same number of queries with 5 rows as with 15."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.enums import TrancheKind
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
    TerritoryFactory,
    TrancheFactory,
)

N = 5


def _make_territories(n, officer):
    for _ in range(n):
        TerritoryFactory()


def _make_contracts(n, officer):
    for _ in range(n):
        contract = ContractFactory()
        ObjectiveFactory.create_batch(2, contract=contract)


def _make_objectives(n, officer):
    for _ in range(n):
        IndicatorFactory(objective=ObjectiveFactory())


def _make_indicators(n, officer):
    for _ in range(n):
        ProgressEntryFactory(indicator=IndicatorFactory())


def _make_entries(n, officer):
    for _ in range(n):
        ProgressEntryFactory(author=officer)


def _make_tranches(n, officer):
    for _ in range(n):
        contract = ContractFactory()
        TrancheFactory(contract=contract)
        TrancheFactory(contract=contract, kind=TrancheKind.BONUS, planned_amount=None, year=3)


CASES = {
    "territories_territory": _make_territories,
    "contracts_contract": _make_contracts,
    "indicators_objective": _make_objectives,
    "indicators_indicator": _make_indicators,
    "indicators_progressentry": _make_entries,
    "funding_tranche": _make_tranches,
}
# Tranches: two rows per contract.
ROWS_PER_CALL = {"funding_tranche": 2}
# The neighbour's rows (tests/neighbour.py) are in every list before the test makes its own:
# officers see every contract. Its contract has one objective, one indicator, one entry in each of
# the four statuses and one bonus tranche.
NEIGHBOUR_ROWS = {"indicators_progressentry": 4}

# Measured on SQLite and PostgreSQL (session, user, groups/permissions, count, page, filters).
BUDGET = 12
# Funders are data since issue 14: the tranches' « financeur » filter lists them (one query).
BUDGETS = {"funding_tranche": BUDGET + 1}


def _queries(client, url, expected_rows):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == expected_rows
    return len(context.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("name", CASES)
def test_changelist_queries_do_not_grow_with_rows(officer_client, officer, name):
    url = reverse(f"admin:{name}_changelist")
    make, per_call = CASES[name], ROWS_PER_CALL.get(name, 1)
    baseline = NEIGHBOUR_ROWS.get(name, 1)
    # Warms the session and the content types cache; the officer sees the neighbour's rows.
    _queries(officer_client, url, baseline)

    make(N, officer)
    few = _queries(officer_client, url, baseline + N * per_call)
    make(2 * N, officer)
    many = _queries(officer_client, url, baseline + 3 * N * per_call)

    assert few == many, f"{name}: {few} requêtes pour {N} lignes, {many} pour {3 * N}"
    assert many <= BUDGETS.get(name, BUDGET), f"{name}: {many} requêtes"
