"""The fingerprint of an evaluation's inputs does not depend on how PostgreSQL reads them.

An evaluation is "à jour" when its stored fingerprint equals the one of the inputs read again
(``evaluation_inputs_changed``). PostgreSQL may group the totals of the « somme » indicators by
sorting or by hashing, depending on its statistics: the rows then come back in another order. The
same entries must still give the same fingerprint, or an evaluation would look stale after the
database's statistics change.
"""

import datetime

import pytest
from django.db import connection

from funding.evaluations.loading import load_inputs
from funding.evaluations.snapshot import fingerprint
from indicators.enums import EntryStatus
from tests.factories import ContractFactory, IndicatorFactory, ObjectiveFactory
from tests.funding.evaluation_builders import END, entry

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the plans compared are PostgreSQL's"
    ),
]

TODAY = datetime.date(2024, 2, 1)


def _contract_with_sum_indicators(count: int):
    contract = ContractFactory(population=10_000, start=datetime.date(2021, 1, 1), end=END)
    objective = ObjectiveFactory(contract=contract, code="O1", priority=True)
    for n in range(count):
        indicator = IndicatorFactory(objective=objective, code=f"somme-{n}", accumulation="sum")
        entry(indicator, "10", on=datetime.date(2022, 6, 30))
        entry(indicator, "5", on=datetime.date(2023, 6, 30), status=EntryStatus.SUBMITTED)
    return contract


def _fingerprint_with(contract, **settings) -> str:
    with connection.cursor() as cursor:
        for name, value in settings.items():
            cursor.execute(f"SET LOCAL {name} = {value}")  # until the test's transaction ends
    (inputs,) = load_inputs([contract], as_of=END, today=TODAY)
    return fingerprint(inputs)


def test_the_same_entries_give_the_same_fingerprint_whether_postgresql_sorts_or_hashes():
    # Twelve indicators, each with a validated and a submitted total: read in hash order, the
    # two totals of at least one indicator come back swapped (all in order: 1 chance in 4 096).
    contract = _contract_with_sum_indicators(12)

    sorted_plan = _fingerprint_with(contract, enable_hashagg="off", enable_sort="on")
    hashed_plan = _fingerprint_with(contract, enable_hashagg="on", enable_sort="off")

    assert hashed_plan == sorted_plan
