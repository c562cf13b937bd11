"""Fixtures of the contracts tests: the Calaisis territories and contract documents."""

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest

from indicators.models import IndicatorDefinition
from territories.enums import EpciType
from tests.factories import TerritoryFactory

DATA = Path(__file__).parent / "data"

# The Pays du Calaisis' three EPCI (populations municipales of Etalab 6.0.0, 152 282 in all).
CALAISIS_EPCIS = [
    ("200090751", "CA Grand Calais Terres et Mers", EpciType.CA, 98_913),
    ("200072478", "CC Pays d'Opale", EpciType.CC, 25_182),
    ("246200844", "CC de la Région d'Audruicq", EpciType.CC, 28_187),
]


def as_json(document: dict) -> dict:
    """What a reader of the document gets: plain JSON types, groupement members as a set.

    Members are exported in the order the groupement got them, and
    territories.services.groupement_save adds them in no particular order.
    """
    document = json.loads(json.dumps(document, ensure_ascii=False))
    if isinstance(document.get("territory"), dict):
        document["territory"]["members"] = sorted(document["territory"]["members"])
    return document


def read_document(name: str) -> dict:
    """A document of tests/contracts/data, decimals as Decimal like the importer reads them."""
    return json.loads((DATA / name).read_text(encoding="utf-8"), parse_float=Decimal)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # The personas are created with a password; the default hasher costs ~0.5 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def calaisis_epcis(db):
    return [
        TerritoryFactory(
            code=code,
            name=name,
            epci_type=epci_type,
            population=population,
            population_vintage=2021,
        )
        for code, name, epci_type, population in CALAISIS_EPCIS
    ]


@pytest.fixture
def calaisis(calaisis_epcis) -> dict:
    """interfaces.md's example document (a fresh copy for each test)."""
    return copy.deepcopy(read_document("calaisis.json"))


@pytest.fixture
def rich(db) -> dict:
    """A document using every key of the schema, on an EPCI given by its code."""
    TerritoryFactory(
        code="246200729", name="CA du Boulonnais", epci_type=EpciType.CA, population=114_000
    )
    # Installed by the catalogue data migration.
    assert IndicatorDefinition.objects.filter(code="km-amenagements-cyclables").exists()
    return read_document("rich.json")
