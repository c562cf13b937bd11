"""Reporting fixtures: the front office personas plus a campaign « Bilan annuel 2022 »."""

import datetime

import pytest

from reporting.services import campaign_open
from tests.espace.conftest import (  # noqa: F401 (fixtures)
    chef_a,
    chef_b,
    contract_a,
    contract_b,
    indicator_a,
    indicator_b,
    reader_a,
)

Y2022 = {
    "period_start": datetime.date(2022, 1, 1),
    "period_end": datetime.date(2022, 12, 31),
    "due_on": datetime.date(2023, 1, 31),
}


@pytest.fixture
def campaign(officer, indicator_a, indicator_b):  # noqa: F811 (fixtures)
    return campaign_open(
        name="Bilan annuel 2022",
        contracts=[indicator_a.objective.contract, indicator_b.objective.contract],
        by=officer,
        **Y2022,
    )


def report_of(campaign, contract):
    return campaign.reports.get(contract=contract)
