"""Admin lists and the validation queue at national size: what they read does not grow with the
tables (page-only counts, estimated totals, index-friendly search and order, a paginated queue)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cotri.admin_scale import EXACT_COUNT_BELOW, EstimatedCountPaginator, _estimated_rows
from indicators.enums import EntryStatus
from indicators.models import ProgressEntry
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
)


def _rows(response):
    return list(response.context["cl"].result_list)


@pytest.mark.django_db
def test_indicator_list_counts_the_entries_of_its_page_rows(officer_client, neighbour):
    busy, idle = IndicatorFactory(label="Très suivi"), IndicatorFactory(label="Pas suivi")
    for month in (1, 2, 3):
        ProgressEntryFactory(indicator=busy, date=datetime.date(2022, month, 1))
    response = officer_client.get(reverse("admin:indicators_indicator_changelist"))
    counts = {obj.pk: obj._entry_count for obj in _rows(response)}
    # Officers list every contract's indicators: the neighbour's has its four entries.
    assert counts == {busy.pk: 3, idle.pk: 0, neighbour.indicator.pk: len(neighbour.entries)}
    assert "Très suivi" in response.text


@pytest.mark.django_db
def test_objective_list_counts_the_indicators_of_its_page_rows(officer_client, neighbour):
    objective = ObjectiveFactory()
    IndicatorFactory.create_batch(2, objective=objective)
    empty = ObjectiveFactory()
    response = officer_client.get(reverse("admin:indicators_objective_changelist"))
    assert {o.pk: o._indicator_count for o in _rows(response)} == {
        objective.pk: 2,
        empty.pk: 0,
        neighbour.objective.pk: 1,  # officers list every contract's objectives
    }


@pytest.fixture
def searchable(db):
    lille = ContractFactory(reference="COTRI-2021-LILLE")
    calais = ContractFactory(reference="COTRI-2022-CALAIS")
    velo = IndicatorFactory(
        objective=ObjectiveFactory(contract=lille, code="O3"), code="km-velo", label="Pistes vélo"
    )
    dechets = IndicatorFactory(
        objective=ObjectiveFactory(contract=calais, code="O7"),
        code="tonnes",
        label="Déchets évités",
    )
    return {
        "velo": ProgressEntryFactory(indicator=velo),
        "dechets": ProgressEntryFactory(indicator=dechets),
    }


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("cotri-2021", {"velo"}),  # reference prefix, any case
        ("COTRI-", {"velo", "dechets"}),
        ("2021-LILLE", set()),  # a reference is searched from its start
        ("O7", {"dechets"}),  # objective code, exact
        ("km-velo", {"velo"}),  # indicator code, exact
        ("km", set()),
        ("évités", {"dechets"}),  # a word of the indicator's label
    ],
)
def test_entry_search_reads_references_codes_and_labels(officer_client, searchable, term, expected):
    response = officer_client.get(reverse("admin:indicators_progressentry_changelist"), {"q": term})
    found = {name for name, entry in searchable.items() if entry in _rows(response)}
    assert found == expected


@pytest.mark.django_db
def test_entry_list_is_newest_first_without_date_hierarchy(officer_client, neighbour):
    entries = [ProgressEntryFactory() for _ in range(3)]
    response = officer_client.get(reverse("admin:indicators_progressentry_changelist"))
    # Newest first on the primary key: ours, then the neighbour's (written before), whatever
    # their dates (the neighbour's are in 2022, ours in 2021).
    assert _rows(response) == entries[::-1] + list(neighbour.entries.values())[::-1]
    assert response.context["cl"].date_hierarchy is None
    assert not response.context["cl"].show_full_result_count


@pytest.mark.django_db
def test_estimated_count_only_for_a_whole_large_postgresql_table(monkeypatch, neighbour):
    ProgressEntryFactory.create_batch(3)
    everything = ProgressEntry.objects.all()
    rows = 3 + len(neighbour.entries)  # the whole table: ours and the neighbour's
    assert _estimated_rows(everything.filter(status=EntryStatus.VALIDATED)) is None
    if connection.vendor != "postgresql":
        assert _estimated_rows(everything) is None
        assert EstimatedCountPaginator(everything, 10).count == rows
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE indicators_progressentry")
    assert _estimated_rows(everything) == rows  # the statistics, fresh here
    assert EstimatedCountPaginator(everything, 10).count == rows  # small: counted exactly
    monkeypatch.setattr("cotri.admin_scale.EXACT_COUNT_BELOW", 2)
    with CaptureQueriesContext(connection) as queries:
        assert EstimatedCountPaginator(everything, 10).count == rows
    assert "COUNT" not in queries[-1]["sql"].upper()
    assert EXACT_COUNT_BELOW >= 10_000


# --- The validation queue -------------------------------------------------------------------------


def _submit(indicator, count):
    ProgressEntry.objects.bulk_create(
        ProgressEntry(
            indicator=indicator,
            date=datetime.date(2021, 1, 1) + datetime.timedelta(days=n),
            value=Decimal(n),
            status=EntryStatus.SUBMITTED,
        )
        for n in range(count)
    )


def _queue(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("espace:queue"), params)
    assert response.status_code == 200
    return response, len(queries)


@pytest.mark.django_db
def test_queue_is_paginated_with_constant_queries(client, officer, neighbour):
    client.force_login(officer)
    indicator = IndicatorFactory()
    _submit(indicator, 10)
    _, few = _queue(client)
    _submit(IndicatorFactory(objective=ObjectiveFactory()), 95)
    response, many = _queue(client)
    assert many == few
    # Officers review every contract's entries: the neighbour's submitted one is in the queue.
    assert "106 saisies soumises" in response.text and "page 1 sur 2" in response.text
    assert response.text.count('name="entries"') == 100
    second, _ = _queue(client, page=2)
    assert second.text.count('name="entries"') == 6
    assert "Page précédente" in second.text
