"""Issue 17 item 6: GET /api/contracts/<ref>/evaluation never writes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funding.evaluations import contract_evaluate, evaluation_to_json
from funding.models import Evaluation, EvaluationInputs
from tests.funding.evaluation_builders import calaisis_contract, entry, indicator_of

pytestmark = pytest.mark.django_db
URL = "/api/contracts/COTTRI-2021-CALAISIS/evaluation"
WRITES = ("INSERT", "UPDATE", "DELETE", "COPY")


def _get(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    # The session middleware refreshing a signed-in session is the framework's, not the view's.
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(WRITES) and "django_session" not in q["sql"]
    ]
    return response, writes


@pytest.mark.parametrize("who", ["anonymous", "officer"])
@pytest.mark.parametrize("params", [{}, {"as_of": "2022-06-30"}, {"as_of": "2023-12-31"}])
def test_a_get_writes_nothing_whoever_asks(client, officer, who, params):
    contract = calaisis_contract()
    if who == "officer":
        client.force_login(officer)

    response, writes = _get(client, params)

    assert response.status_code == 200
    assert writes == []
    assert Evaluation.objects.count() == 0
    assert not EvaluationInputs.objects.filter(contract=contract).exists()


def test_a_get_serves_the_stored_snapshot_then_a_preview_once_the_data_changed(client):
    contract = calaisis_contract()
    stored = contract_evaluate(contract=contract)

    response, writes = _get(client, {})
    assert (writes, response.json()) == ([], evaluation_to_json(stored))

    entry(indicator_of(contract, "renovations"), "280", on=datetime.date(2023, 9, 30))
    response, writes = _get(client, {})
    assert writes == []
    assert response.json()["objectives"][0]["indicators"][0]["level"] == "1500"  # computed
    assert response.json()["eligible"] is True
    assert list(Evaluation.objects.all()) == [stored]  # and not stored
