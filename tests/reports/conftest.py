"""Fixtures of the annual report: the demo's Calaisis (seed document + the demo progress rows,
marked as demonstration like ``manage.py demo`` does) and the espace personas."""

import csv
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from contracts.enums import MembershipRole
from contracts.models import Contract, ProjectMembership
from cotri.management.commands.demo import Command as DemoCommand
from tests.espace.conftest import (  # noqa: F401 - fixtures
    chef_a,
    chef_b,
    contract_a,
    contract_b,
    indicator_a,
    reader_a,
)
from tests.factories import TerritoryFactory
from tests.public.conftest import CALAISIS_DOCUMENT, CALAISIS_EPCIS

DEMO_CSV = Path(settings.BASE_DIR) / "fixtures" / "demo" / "progress-demo.csv"


@pytest.fixture
def demo_calaisis(db, tmp_path):
    """COTTRI-2021-CALAISIS as the demo has it: its EPCI, the seed document, the demonstration
    progress rows of fixtures/demo/ for the Calaisis, the demonstration label."""
    for code, name, epci_type, population in CALAISIS_EPCIS:
        TerritoryFactory(code=code, name=name, epci_type=epci_type, population=population)
    call_command("import_contract", str(CALAISIS_DOCUMENT), verbosity=0)
    with DEMO_CSV.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    kept = tmp_path / "calaisis.csv"
    with kept.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(
            [rows[0], *[r for r in rows[1:] if r[0] == "COTTRI-2021-CALAISIS"]]
        )
    call_command("import_progress", str(kept), verbosity=0)
    DemoCommand()._mark_demo_contracts(kept)
    return Contract.objects.select_related("territory", "programme").get(
        reference="COTTRI-2021-CALAISIS"
    )


@pytest.fixture
def chef_calaisis(django_user_model, demo_calaisis):
    user = django_user_model.objects.create_user(
        "chef.calaisis", password="mot-de-passe-chef", first_name="Camille", last_name="Calais"
    )
    ProjectMembership.objects.create(
        user=user, territory=demo_calaisis.territory, role=MembershipRole.PROJECT_LEAD
    )
    return user
