"""A small published dataset for the API tests (and schemathesis)."""

import datetime
from decimal import Decimal

import pytest

from contracts.enums import ContractStatus, MembershipRole
from contracts.models import ProjectMembership
from indicators.enums import EntryStatus
from territories.enums import TerritoryKind
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgrammeFactory,
    ProgressEntryFactory,
    TerritoryFactory,
)


@pytest.fixture
def dataset(db):
    """Two published contracts (62 and 59), one unpublished, one draft."""
    cottri = ProgrammeFactory(code="TEST-TRI", short_name="Test TRI")
    climat = ProgrammeFactory(code="TEST-CLIMAT", short_name="Test Climat")
    calaisis = TerritoryFactory(
        code="PAYS-CALAISIS",
        kind=TerritoryKind.GROUPEMENT,
        epci_type="",
        name="Pays du Calaisis",
        departement_code="62",
        region_code="32",
    )
    lille = TerritoryFactory(
        code="200093201", name="Métropole Européenne de Lille", departement_code="59"
    )
    hidden = TerritoryFactory(code="200000001", name="CC cachée", departement_code="80")
    published = ContractFactory(
        reference="COTTRI-2021-CALAISIS", programme=cottri, territory=calaisis
    )
    ContractFactory(
        reference="COTCLIMAT-2022-MEL",
        programme=climat,
        territory=lille,
        status=ContractStatus.SIGNED,
    )
    ContractFactory(
        reference="COTTRI-2021-CACHE", programme=cottri, territory=hidden, published=False
    )
    ContractFactory(
        reference="COTTRI-2024-BROUILLON",
        programme=cottri,
        territory=hidden,
        status=ContractStatus.DRAFT,
    )
    objective = ObjectiveFactory(contract=published, code="O1", priority=True)
    indicator = IndicatorFactory(
        objective=objective, code="renovations", label="Rénovations", target=Decimal("1500")
    )
    ProgressEntryFactory(
        indicator=indicator, date=datetime.date(2021, 12, 31), value=Decimal("420")
    )
    ProgressEntryFactory(
        indicator=indicator,
        date=datetime.date(2022, 12, 31),
        value=Decimal("35"),
        status=EntryStatus.SUBMITTED,
    )
    return published


@pytest.fixture
def chef(django_user_model, dataset):
    """A chef de projet of the published contract's territory."""
    user = django_user_model.objects.create_user("chef", password="mot-de-passe-chef")
    ProjectMembership.objects.create(
        user=user, territory=dataset.territory, role=MembershipRole.PROJECT_LEAD
    )
    return user
