"""Fixtures of the public pages: the Calaisis contract as shipped, with validated progress."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from contracts.models import Contract
from indicators.enums import EntryStatus
from indicators.models import Indicator
from territories.enums import EpciType, TerritoryKind
from tests.factories import ProgressEntryFactory, TerritoryFactory

CALAISIS_DOCUMENT = Path(settings.BASE_DIR) / "fixtures" / "contracts" / "COTTRI-2021-CALAISIS.json"

# The Pays du Calaisis' three EPCI (populations municipales of Etalab 6.0.0, 152 282 in all).
CALAISIS_EPCIS = [
    ("200090751", "CA Grand Calais Terres et Mers", EpciType.CA, 98_913),
    ("200072478", "CC Pays d'Opale", EpciType.CC, 25_182),
    ("246200844", "CC de la Région d'Audruicq", EpciType.CC, 28_187),
]


@pytest.fixture
def region(db):
    # 10 × the Calaisis' 152 282 inhabitants: the Calaisis covers exactly 10 % of it.
    return TerritoryFactory(
        code="REG-32",
        kind=TerritoryKind.REGION,
        epci_type="",
        name="Hauts-de-France",
        region_code="32",
        population=1_522_820,
    )


@pytest.fixture
def calaisis(db) -> Contract:
    """The seed contract imported from fixtures/contracts/, with O1's validated values
    (380 + 465 + 375 = 1 220 of 1 500: 81,3 %), one submitted and one draft value (never shown)."""
    for code, name, epci_type, population in CALAISIS_EPCIS:
        TerritoryFactory(
            code=code,
            name=name,
            epci_type=epci_type,
            population=population,
            population_vintage=2021,
        )
    call_command("import_contract", str(CALAISIS_DOCUMENT), verbosity=0)
    indicator = Indicator.objects.get(
        objective__contract__reference="COTTRI-2021-CALAISIS", objective__code="O1"
    )
    for day, value in [
        (datetime.date(2021, 12, 31), "380"),
        (datetime.date(2022, 12, 31), "465"),
        (datetime.date(2023, 6, 30), "375"),
    ]:
        ProgressEntryFactory(indicator=indicator, date=day, value=Decimal(value))
    ProgressEntryFactory(
        indicator=indicator,
        date=datetime.date(2023, 12, 15),
        value=Decimal("7777"),
        status=EntryStatus.SUBMITTED,
    )
    ProgressEntryFactory(
        indicator=indicator,
        date=datetime.date(2023, 12, 16),
        value=Decimal("8888"),
        status=EntryStatus.DRAFT,
    )
    return Contract.objects.get(reference="COTTRI-2021-CALAISIS")


def plain(text: str) -> str:
    """French typography's no-break spaces as plain spaces (to compare page and PDF text)."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")
