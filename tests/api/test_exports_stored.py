"""Anonymous API exports are the files the open data task stored, not rows read per request."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from cotri.tasks import generate_opendata
from exchange.opendata_files import api_stored_file
from indicators.models import Indicator
from tests.factories import ProgressEntryFactory

# Whole-table files: every row of the table is in them, the neighbour's too, and these tests
# count the rows of their own fixture.
pytestmark = [pytest.mark.django_db, pytest.mark.no_neighbour]


def _read(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_anonymous_readers_get_the_stored_file_with_its_date(
    client, dataset, officer, django_assert_max_num_queries
):
    written = generate_opendata.apply().get()
    assert written["api/progress"]["rows"] == 1
    # A value validated after the generation: in the next generation, not in this file.
    ProgressEntryFactory(
        indicator=Indicator.objects.get(code="renovations"),
        date=datetime.date(2023, 6, 30),
        value=Decimal("800"),
    )

    with django_assert_max_num_queries(0):
        response = client.get("/api/exports/progress")
        content = _read(response)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="cotri-avancement.csv"' in response["Content-Disposition"]
    _path, meta = api_stored_file("progress", "csv")
    assert response["Last-Modified"] and meta["rows"] == 1
    assert content.decode("utf-8-sig").splitlines() == [
        "contract;objective;indicator;date;value;comment;status",
        "COTTRI-2021-CALAISIS;O1;renovations;31/12/2021;420;;validated",
    ]
    # Signed-in readers' files depend on their rights: read from the database.
    client.force_login(officer)
    assert len(_read(client.get("/api/exports/progress")).splitlines()) == 4


@pytest.mark.parametrize(
    "name", ["contracts", "objectives", "indicators", "progress", "evaluations"]
)
def test_the_stored_files_are_what_the_api_would_stream(client, dataset, name, settings, tmp_path):
    streamed = {
        f: _read(client.get(f"/api/exports/{name}", {"format": f})) for f in ("csv", "xlsx")
    }
    generate_opendata.apply().get()
    stored = {f: _read(client.get(f"/api/exports/{name}", {"format": f})) for f in ("csv", "xlsx")}

    assert stored["csv"] == streamed["csv"]

    def rows(content):
        return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))

    assert rows(stored["xlsx"]) == rows(streamed["xlsx"])
    assert api_stored_file(name, "xlsx") is not None


def test_before_any_generation_the_file_is_streamed_and_a_generation_scheduled(
    client, dataset, django_capture_on_commit_callbacks
):
    from django.db import connection

    # The fixture's own writes already scheduled a run in this (never committed) transaction.
    connection.run_on_commit.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/api/exports/progress", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(_read(response))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "COTTRI-2021-CALAISIS"
    ]
    assert api_stored_file("progress", "xlsx") is not None  # the task ran (eager)
