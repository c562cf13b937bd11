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
import functools
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher, make_password
from django.contrib.auth.models import Group

from contracts.enums import MembershipRole
from contracts.models import (
    Contract,
    Incontournable,
    IncontournableGroup,
    Programme,
    ProjectMembership,
    Referential,
)
from funding.enums import TrancheKind
from funding.models import Tranche
from indicators.enums import EntryStatus
from indicators.models import Indicator, Objective, ProgressEntry
from territories.models import Territory
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgrammeFactory,
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


@functools.cache
def _password(username: str) -> str:
    """``mot-de-passe-<username>``, hashed once with the tests' fast hasher (tests/conftest.py)."""
    return make_password(f"mot-de-passe-{username}", hasher=MD5PasswordHasher())


def build_neighbour(django_user_model) -> Neighbour:
    """Write the neighbour in one bulk insert per table (about twenty queries in all).

    Bulk inserts send no signal: building it schedules no evaluation, no fiche PDF and no open
    data file, and writes no history, whatever the test's transaction mode.
    """

    def one(model, instance):
        return model.objects.bulk_create([instance])[0]

    referential = one(Referential, Referential(code="voisin", name="Référentiel du voisin"))
    programme = one(
        Programme,
        ProgrammeFactory.build(
            code="VOISIN", name="Programme du voisin", short_name="Voisin", referential=referential
        ),
    )
    territory = one(Territory, TerritoryFactory.build(code="999999999", name="Territoire voisin"))
    contract = one(
        Contract,
        ContractFactory.build(
            reference="VOISIN-1",
            programme=programme,
            territory=territory,
            title="Contrat du voisin",
            published=True,
        ),
    )
    group = one(
        IncontournableGroup,
        IncontournableGroup(referential=referential, order=1, title="Domaines du voisin"),
    )
    incontournable = one(
        Incontournable,
        Incontournable(
            referential=referential, group=group, number=1, title="Incontournable du voisin"
        ),
    )
    objective = one(
        Objective,
        ObjectiveFactory.build(
            contract=contract,
            incontournable=incontournable,
            code="V1",
            title="Objectif du voisin",
            priority=True,
        ),
    )
    indicator = one(
        Indicator,
        IndicatorFactory.build(
            objective=objective, code="voisin", label="Indicateur du voisin", target=Decimal("40")
        ),
    )
    one(
        Tranche,
        TrancheFactory.build(
            contract=contract, kind=TrancheKind.BONUS, label="Bonus du voisin", year=3
        ),
    )
    users = {
        name: django_user_model(
            username=name, email=f"{name}@example.org", password=_password(name), **extra
        )
        for name, extra in (
            ("chef-voisin", {}),
            ("staff-communication", {"is_staff": True}),
            ("agent-parti", {"is_staff": True, "is_active": False}),
            ("chef-parti", {"is_active": False}),
        )
    }
    django_user_model.objects.bulk_create(users.values())
    chef, inactive_chef = users["chef-voisin"], users["chef-parti"]
    staff, inactive_officer = users["staff-communication"], users["agent-parti"]
    ProjectMembership.objects.bulk_create(
        ProjectMembership(user=user, territory=territory, role=MembershipRole.PROJECT_LEAD)
        for user in (chef, inactive_chef)
    )
    communication, _ = Group.objects.get_or_create(name="communication")
    officers, _ = Group.objects.get_or_create(name="officers")
    user_groups = django_user_model.groups.through
    user_groups.objects.bulk_create(
        [
            user_groups(user_id=staff.pk, group_id=communication.pk),
            user_groups(user_id=inactive_officer.pk, group_id=officers.pk),
        ]
    )
    entries = dict(
        zip(
            (EntryStatus.DRAFT, EntryStatus.SUBMITTED, EntryStatus.VALIDATED, EntryStatus.RETURNED),
            ProgressEntry.objects.bulk_create(
                ProgressEntryFactory.build(
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
            ),
            strict=True,
        )
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


def _uses_database(request) -> bool:
    names = request.fixturenames
    return (
        "db" in names
        or "transactional_db" in names
        or request.node.get_closest_marker("django_db") is not None
    )


@pytest.fixture(autouse=True)
def _neighbour_by_default(request):
    """Every test that uses the database has the neighbour, unless marked ``no_neighbour``.

    When the test ends, the neighbour's rows must be as they were built: whatever a test writes
    (an import, a validation, a decision, an admin action), it must not reach another territory's
    contract. A test whose very subject is a change of every contract (a whole-table action)
    says so with ``@pytest.mark.neighbour_changes("why")``.
    """
    if not _uses_database(request) or request.node.get_closest_marker("no_neighbour"):
        yield
        return
    neighbour = request.getfixturevalue("neighbour")
    yield
    if request.node.get_closest_marker("neighbour_changes") is None:
        neighbour.assert_unchanged()
