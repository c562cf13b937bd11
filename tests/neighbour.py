"""The neighbour: a second territory with its own contract, chef de projet and entries.

A filter that keeps a user to their contracts, or a queue to its status, can only be proven by
something it must leave out. The ``neighbour`` fixture builds that something: another territory
whose contract has objectives, indicators and entries in every status, its own chef de projet, a
staff user of another group than the officers, and inactive accounts (an officer and a chef).
Tests assert that its objects neither appear where they must not (``assert_absent``) nor change
(``assert_unchanged``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from contracts.enums import MembershipRole
from contracts.models import Contract, ProjectMembership
from funding.enums import TrancheKind
from indicators.enums import EntryStatus
from indicators.models import Indicator, Objective, ProgressEntry
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
    TerritoryFactory,
    TrancheFactory,
)

#: Words that only the neighbour's objects carry, so a page that shows them is caught.
MARKERS = ("VOISIN-1", "Objectif du voisin", "Indicateur du voisin", "Territoire voisin")


@dataclass
class Neighbour:
    contract: Contract
    objective: Objective
    indicator: Indicator
    entries: dict[str, ProgressEntry]
    chef: object
    staff_other_group: object
    inactive_officer: object
    inactive_chef: object
    _before: dict = field(default_factory=dict)

    def rows(self) -> dict:
        """Every field of every object of the neighbour's contract, as stored now."""
        contract = Contract.objects.filter(pk=self.contract.pk).values().get()
        objectives = list(Objective.objects.filter(contract=self.contract).values().order_by("pk"))
        indicators = list(
            Indicator.objects.filter(objective__contract=self.contract).values().order_by("pk")
        )
        entries = list(
            ProgressEntry.objects.filter(indicator__objective__contract=self.contract)
            .values()
            .order_by("pk")
        )
        tranches = list(self.contract.tranches.values().order_by("pk"))
        return {
            "contract": contract,
            "objectives": objectives,
            "indicators": indicators,
            "entries": entries,
            "tranches": tranches,
        }

    def assert_unchanged(self) -> None:
        assert self.rows() == self._before, "les objets du voisin ont changé"

    def assert_absent(self, content: bytes | str) -> None:
        text = content.decode() if isinstance(content, bytes) else content
        shown = [marker for marker in MARKERS if marker in text]
        assert not shown, f"la page montre le voisin : {shown}"


def _user(django_user_model, username: str, **extra):
    return django_user_model.objects.create_user(
        username, email=f"{username}@example.org", password=f"mot-de-passe-{username}", **extra
    )


def build_neighbour(django_user_model) -> Neighbour:
    territory = TerritoryFactory(name="Territoire voisin")
    contract = ContractFactory(
        reference="VOISIN-1", territory=territory, title="Contrat du voisin", published=True
    )
    objective = ObjectiveFactory(
        contract=contract, code="V1", title="Objectif du voisin", priority=True
    )
    indicator = IndicatorFactory(
        objective=objective, code="voisin", label="Indicateur du voisin", target=Decimal("40")
    )
    TrancheFactory(contract=contract, kind=TrancheKind.BONUS, label="Bonus du voisin", year=3)
    chef = _user(django_user_model, "chef-voisin")
    ProjectMembership.objects.create(
        user=chef, territory=territory, role=MembershipRole.PROJECT_LEAD
    )
    entries = {
        status: ProgressEntryFactory(
            indicator=indicator,
            author=chef,
            status=status,
            value=Decimal(value),
            date=datetime.date(2022, month, 28),
        )
        for month, (status, value) in enumerate(
            [
                (EntryStatus.DRAFT, "1.25"),
                (EntryStatus.SUBMITTED, "2.5"),
                (EntryStatus.VALIDATED, "3.75"),
                (EntryStatus.RETURNED, "5"),
            ],
            start=1,
        )
    }
    staff = _user(django_user_model, "staff-communication", is_staff=True)
    staff.groups.add(Group.objects.get_or_create(name="communication")[0])
    inactive_officer = _user(django_user_model, "agent-parti", is_staff=True, is_active=False)
    inactive_officer.groups.add(Group.objects.get_or_create(name="officers")[0])
    inactive_chef = _user(django_user_model, "chef-parti", is_active=False)
    ProjectMembership.objects.create(
        user=inactive_chef, territory=territory, role=MembershipRole.PROJECT_LEAD
    )
    neighbour = Neighbour(
        contract=contract,
        objective=objective,
        indicator=indicator,
        entries=entries,
        chef=chef,
        staff_other_group=staff,
        inactive_officer=inactive_officer,
        inactive_chef=inactive_chef,
    )
    neighbour._before = neighbour.rows()
    return neighbour


@pytest.fixture
def neighbour(db, django_user_model) -> Neighbour:
    return build_neighbour(django_user_model)
