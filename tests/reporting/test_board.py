"""The completeness board: states, counts, punctuality, filters, export, constant queries."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cotri.templatetags.french import date_fr
from indicators.enums import EntryStatus
from reporting.board import campaign_board
from reporting.enums import ReportState
from reporting.services import campaign_open, report_submit, report_validate
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
    TerritoryFactory,
)
from tests.reporting.conftest import Y2022, report_of

pytestmark = pytest.mark.django_db
D = datetime.date
AFTER_DUE = D(2023, 2, 15)


def _submitted_on(report, day: datetime.date) -> None:
    """Move a report's submission to a given Paris day (the clock of the test)."""
    report.submitted_at = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 23))
    report.save()


def test_states_counts_and_punctuality(campaign, contract_a, contract_b, indicator_a, chef_a):
    second = IndicatorFactory(objective=indicator_a.objective)
    ProgressEntryFactory(indicator=indicator_a, date=D(2022, 6, 30), status=EntryStatus.SUBMITTED)
    ProgressEntryFactory(indicator=second, date=D(2021, 6, 30), status=EntryStatus.VALIDATED)
    report = report_submit(report=report_of(campaign, contract_a), by=chef_a)
    _submitted_on(report, D(2023, 1, 31))  # on the due date: on time

    board = campaign_board(campaign=campaign, today=AFTER_DUE)

    rows = {r.contract.reference: r for r in board.rows}
    a, b = rows["COT-A"], rows["COT-B"]
    assert (a.state, a.reported, a.expected, a.on_time, a.late) == (
        ReportState.SUBMITTED,
        1,  # the 2021 value is outside the period
        2,
        True,
        False,
    )
    assert [i.pk for i in a.missing] == [second.pk]
    assert (b.state, b.reported, b.expected, b.on_time, b.late) == (
        ReportState.NOT_STARTED,
        0,
        1,
        None,
        True,
    )
    assert board.on_time_rate == Decimal("0.5")


def test_a_report_submitted_after_the_due_date_is_late(campaign, contract_a, chef_a):
    report = report_submit(report=report_of(campaign, contract_a), by=chef_a)
    _submitted_on(report, D(2023, 2, 1))

    row = next(
        r for r in campaign_board(campaign=campaign, today=AFTER_DUE).rows if r.report == report
    )

    assert (row.on_time, row.late) == (False, True)


def test_a_draft_value_in_the_period_makes_a_draft_report(campaign, indicator_b):
    ProgressEntryFactory(indicator=indicator_b, date=D(2022, 3, 1), status=EntryStatus.DRAFT)
    rows = {
        r.contract.reference: r for r in campaign_board(campaign=campaign, today=D(2023, 1, 1)).rows
    }
    assert rows["COT-B"].state == ReportState.DRAFT
    assert rows["COT-B"].reported == 0  # a draft is not reported yet
    assert rows["COT-A"].late is False  # before the due date nobody is late


def test_filters_by_programme_departement_and_state(officer, campaign, contract_a, chef_a):
    _submitted_on(report_submit(report=report_of(campaign, contract_a), by=chef_a), D(2023, 1, 20))
    contract_a.territory.departement_code = "62"
    contract_a.territory.save()

    def refs(**filters):
        board = campaign_board(campaign=campaign, today=AFTER_DUE, **filters)
        return [r.contract.reference for r in board.rows]

    assert refs(departement="62") == ["COT-A"]
    assert refs(programme=contract_a.programme) == ["COT-A"]
    assert refs(state="submitted") == ["COT-A"]
    assert refs(state="not_started") == ["COT-B"]
    assert refs(state="late") == ["COT-B"]


def _campaign_with(officer, n: int):
    contracts = []
    for _ in range(n):
        contract = ContractFactory(territory=TerritoryFactory())
        for _ in range(2):
            indicator = IndicatorFactory(objective=ObjectiveFactory(contract=contract))
            ProgressEntryFactory(indicator=indicator, date=D(2022, 5, 1))
        contracts.append(contract)
    return campaign_open(name=f"Bilan {n}", contracts=contracts, by=officer, **Y2022)


def test_the_board_page_costs_the_same_queries_for_3_or_15_contracts(
    officer, client, django_assert_num_queries
):
    client.force_login(officer)
    small, large = _campaign_with(officer, 3), _campaign_with(officer, 15)
    client.get(reverse("reporting:board", args=[small.pk]))  # warm the session and caches

    counts = []
    for campaign in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("reporting:board", args=[campaign.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_num_queries(counts[1]):
        client.get(reverse("reporting:board", args=[large.pk]) + "?state=late")


def test_csv_and_xlsx_exports_read_back(officer, client, campaign, contract_a, chef_a, neighbour):
    report = report_submit(report=report_of(campaign, contract_a), by=chef_a)
    report_validate(report=report, by=officer)
    client.force_login(officer)

    raw = client.get(reverse("reporting:board_export", args=[campaign.pk, "csv"])).content
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    by_ref = {r["contrat"]: r for r in rows}
    today = date_fr(timezone.localdate())
    assert by_ref["COT-A"]["etat"] == "Validé"
    assert by_ref["COT-A"]["remis_par"] == "Prénom Chefa"
    assert by_ref["COT-A"]["remis_le"] == today
    assert by_ref["COT-B"]["etat"] == "Non commencé"
    assert by_ref["COT-B"]["date_limite"] == "31/01/2023"
    neighbour.assert_absent(raw)  # the campaign's contracts only

    xlsx = client.get(reverse("reporting:board_export", args=[campaign.pk, "xlsx"])).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    values = list(sheet.values)
    assert values[0][:3] == ("campagne", "contrat", "territoire")
    assert {v[1] for v in values[1:]} == {"COT-A", "COT-B"}
    assert client.get(f"/espace/campagnes/{campaign.pk}/completude.pdf").status_code == 404


def test_only_the_chosen_indicators_are_expected_and_counted(officer, contract_a, indicator_a):
    other = IndicatorFactory(objective=indicator_a.objective)
    ProgressEntryFactory(indicator=other, date=D(2022, 5, 1), status=EntryStatus.VALIDATED)
    campaign = campaign_open(
        name="Bilan ciblé",
        contracts=[contract_a],
        expected_indicators=[indicator_a],
        by=officer,
        **Y2022,
    )

    (row,) = campaign_board(campaign=campaign, today=D(2023, 1, 1)).rows
    assert (row.reported, row.expected, row.state) == (0, 1, ReportState.NOT_STARTED)
    assert [i.pk for i in row.missing] == [indicator_a.pk]

    ProgressEntryFactory(indicator=indicator_a, date=D(2022, 5, 1), status=EntryStatus.SUBMITTED)
    (row,) = campaign_board(campaign=campaign, today=D(2023, 1, 1)).rows
    assert (row.reported, row.expected, row.state, row.missing) == (1, 1, ReportState.DRAFT, [])
