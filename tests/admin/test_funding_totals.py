"""Funding totals read by the contract page (funding.services)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.enums import TrancheKind, TrancheStatus
from funding.services import contract_bonus_cap, contract_funding_totals, funding_totals
from tests.factories import ContractFactory, TrancheFactory

pytestmark = pytest.mark.django_db


def _calaisis(**contract):
    contract = ContractFactory(population=152_371, **contract)
    TrancheFactory(
        contract=contract,
        label="Aide forfaitaire années 1 et 2",
        year=1,
        funder_id="ADEME",
        planned_amount=Decimal("270000.00"),
        status=TrancheStatus.PAID,
        paid_amount=Decimal("270000.00"),
        paid_on="2022-03-01",
    )
    TrancheFactory(
        contract=contract, label="Bonus", year=3, kind=TrancheKind.BONUS, planned_amount=None
    )
    return contract


def test_an_undecided_bonus_counts_at_the_cap_calaisis():
    totals = contract_funding_totals(contract=_calaisis())

    assert totals.planned == Decimal("422371.00")
    assert totals.paid == Decimal("270000.00")
    assert totals.by_funder == {"ADEME": Decimal("422371.00")}
    assert totals.by_year == {1: Decimal("270000.00"), 3: Decimal("152371.00")}
    assert totals.undetermined == 0


def test_a_decided_bonus_counts_at_its_amount():
    contract = _calaisis()
    contract.tranches.filter(kind=TrancheKind.BONUS).update(planned_amount=Decimal("0.00"))
    assert contract_funding_totals(contract=contract).planned == Decimal("270000.00")


def test_the_cap_is_limited_by_the_absolute_cap_and_rounded_half_up():
    assert contract_bonus_cap(
        contract=ContractFactory(population=152_371, bonus_cap=Decimal("100000.00"))
    ) == Decimal("100000.00")
    # 3 × 0.005 = 0.015 € → 0.02 € (half up, never half even)
    unsaved = ContractFactory.build(population=3, bonus_per_inhabitant=Decimal("0.005"))
    assert contract_bonus_cap(contract=unsaved) == Decimal("0.02")


def test_a_bonus_without_population_is_unknown_not_zero():
    contract = _calaisis()
    contract.population = None
    contract.save()
    totals = contract_funding_totals(contract=contract)
    assert contract_bonus_cap(contract=contract) is None
    assert totals.undetermined == 1
    assert totals.planned == Decimal("270000.00")


def test_totals_across_contracts_per_funder_and_per_year_in_one_query(neighbour):
    first = _calaisis()
    second = ContractFactory(population=10_000)
    TrancheFactory(contract=second, year=2, funder_id="REGION", planned_amount=Decimal("50000.00"))
    ContractFactory()  # no tranche: not in the totals

    with CaptureQueriesContext(connection) as context:
        summary = funding_totals()

    assert len(context.captured_queries) == 1
    # Every contract counts, the neighbour's too: its bonus is decided at 100 000 € (ADEME, year 3).
    assert summary.by_contract[neighbour.contract.pk].planned == Decimal("100000.00")
    assert summary.total.planned == Decimal("472371.00") + Decimal("100000.00")
    assert summary.total.by_funder == {
        "ADEME": Decimal("422371.00") + Decimal("100000.00"),
        "REGION": Decimal("50000.00"),
    }
    assert list(summary.total.by_funder) == ["ADEME", "REGION"]
    assert summary.total.by_year == {
        1: Decimal("270000.00"),
        2: Decimal("50000.00"),
        3: Decimal("152371.00") + Decimal("100000.00"),
    }
    assert summary.by_contract[second.pk].planned == Decimal("50000.00")
    assert funding_totals(contracts=[first]).total.planned == Decimal("422371.00")


def test_the_tranche_list_shows_an_undecided_bonus_at_the_cap(officer_client, neighbour):
    _calaisis()
    page = officer_client.get(reverse("admin:funding_tranche_changelist")).content.decode()
    assert "152\u202f371\u00a0€ (plafond du bonus, non encore décidé)" in page
    assert "270\u202f000\u00a0€" in page
    assert "Bonus du voisin" in page  # officers list every contract's tranches
