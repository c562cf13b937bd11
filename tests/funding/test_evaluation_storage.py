"""How snapshots are written: one statement for many contracts (a COPY on PostgreSQL, an INSERT
elsewhere), recorded with the other queries so that query budgets and DEBUG logs see it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funding.evaluations import contracts_evaluate
from funding.models import Evaluation
from tests.funding.evaluation_builders import calaisis_contract

pytestmark = pytest.mark.django_db

# The evaluations' own table, not funding_evaluationinputs (what each evaluation read).
WRITE = re.compile(rf'^(INSERT INTO|COPY) "?{Evaluation._meta.db_table}"? ')


def test_many_snapshots_are_stored_in_one_statement_that_query_budgets_count():
    contracts = [calaisis_contract(reference=f"COTTRI-2021-{n}") for n in range(3)]

    with CaptureQueriesContext(connection) as queries:
        evaluations = contracts_evaluate(contracts=contracts)

    writes = [q["sql"] for q in queries if WRITE.match(q["sql"] or "")]
    assert len(writes) == 1, [q["sql"] for q in queries]
    assert all(e.created for e in evaluations)
    stored = Evaluation.objects.filter(contract__in=contracts)
    assert sorted(stored.values_list("pk", flat=True)) == sorted(e.pk for e in evaluations)
