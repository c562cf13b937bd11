"""Files of many contracts read their evaluations in bulk: the number of queries of the objectives
table (open data ``objectifs.csv``, API and admin exports) does not grow with the contracts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import Contract
from exchange import exports
from funding.evaluations import contracts_evaluate, contracts_evaluation_preview
from funding.models import Evaluation
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
)

pytestmark = pytest.mark.django_db


def _contracts(count) -> list[Contract]:
    """``count`` published contracts of two objectives, each with a validated value of 60."""
    contracts = [ContractFactory() for _ in range(count)]
    for contract in contracts:
        for code in ("O1", "O2"):
            objective = ObjectiveFactory(contract=contract, code=code, priority=code == "O1")
            indicator = IndicatorFactory(objective=objective, target=Decimal("100"))
            ProgressEntryFactory(
                indicator=indicator, date=datetime.date(2022, 6, 30), value=Decimal("60")
            )
    return contracts


def _objectives_csv_queries() -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        lines = exports.table_csv(
            exports.objectives_table(Contract.objects.published()), open_data=True
        )
    return len(queries), lines.decode("utf-8-sig").splitlines()


def test_objectives_table_queries_do_not_grow_with_contracts(neighbour):
    _contracts(2)
    few, lines = _objectives_csv_queries()
    # Every published contract's objectives: the neighbour's one, and two per contract.
    assert len(lines) == 1 + 1 + 4
    _contracts(6)
    many, lines = _objectives_csv_queries()
    assert len(lines) == 1 + 1 + 16
    assert many == few, f"{few} requêtes pour 3 contrats, {many} pour 9"
    assert few <= 12
    ours = [line for line in lines[1:] if not line.startswith(f"{neighbour.contract.reference};")]
    assert len(ours) == 16
    # 60 of 100 validated: a rate of 0.6 on every objective, the evaluation date written.
    assert {tuple(line.split(";")[5:7]) for line in ours} == {("2023-12-31", "0.6")}


def test_batch_preview_reuses_stored_snapshots_and_writes_nothing():
    contracts = _contracts(3)[::-1]
    previews = contracts_evaluation_preview(contracts=contracts)
    assert [p.contract_id for p in previews] == [c.pk for c in contracts]
    assert all(p.pk is None for p in previews) and not Evaluation.objects.exists()
    stored = contracts_evaluate(contracts=contracts[:1])
    again = contracts_evaluation_preview(contracts=contracts)
    assert again[0].pk == stored[0].pk and again[1].pk is None
    assert [p.fingerprint for p in again] == [p.fingerprint for p in previews]
    assert Evaluation.objects.count() == 1


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_api_exports_stream_their_rows(client, file_format, neighbour):
    _contracts(2)
    response = client.get("/api/exports/progress", {"format": file_format})
    assert response.status_code == 200 and response.streaming
    body = response.getvalue()
    if file_format == "csv":
        lines = body.decode("utf-8-sig").splitlines()
        # The two contracts' values, and the neighbour's validated one (it is published).
        assert len(lines) == 1 + 4 + 1
        assert sum(line.startswith(f"{neighbour.contract.reference};") for line in lines) == 1
    else:
        assert body.startswith(b"PK")  # a zip: the XLSX written to a temporary file


def test_files_read_the_stored_snapshot_at_todays_date_else_a_preview():
    from funding.evaluations import contracts_latest_evaluation

    contracts = _contracts(3)
    stored = contracts_evaluate(contracts=contracts[:1])[0]
    contracts_evaluate(contracts=contracts[1:2], as_of=datetime.date(2022, 1, 31))  # another date
    latest = contracts_latest_evaluation(contracts=contracts)
    assert latest[0].pk == stored.pk
    assert latest[1].pk is None and latest[1].as_of == datetime.date(2023, 12, 31)
    assert latest[2].pk is None
    assert Evaluation.objects.count() == 2  # nothing written
