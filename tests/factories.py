"""factory_boy factories for every app (one module keeps the cross-app SubFactories simple)."""

import datetime
from decimal import Decimal

import factory

from contracts.enums import ContractStatus
from contracts.models import (
    Contract,
    Incontournable,
    IncontournableGroup,
    Programme,
    Referential,
)
from funding.enums import TrancheKind
from funding.models import Tranche
from indicators.enums import EntryStatus
from indicators.models import Indicator, Objective, ProgressEntry
from territories.enums import EpciType, TerritoryKind
from territories.models import Territory


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory

    code = factory.Sequence(lambda n: f"2000{n:05d}")
    kind = TerritoryKind.EPCI
    epci_type = EpciType.CC
    name = factory.Sequence(lambda n: f"CC de test {n}")
    population = 10_000
    population_vintage = 2021


class ReferentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referential

    code = factory.Sequence(lambda n: f"ref-{n}")
    name = factory.Sequence(lambda n: f"Référentiel {n}")


class IncontournableGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncontournableGroup

    referential = factory.SubFactory(ReferentialFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = "Domaines de coopération"


class IncontournableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incontournable

    group = factory.SubFactory(IncontournableGroupFactory)
    referential = factory.SelfAttribute("group.referential")
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Incontournable {n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"PROG-{n}")
    name = factory.Sequence(lambda n: f"Programme de test {n}")
    short_name = factory.SelfAttribute("code")
    referential = factory.SubFactory(ReferentialFactory)


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    reference = factory.Sequence(lambda n: f"TEST-{n}")
    programme = factory.SubFactory(ProgrammeFactory)
    territory = factory.SubFactory(TerritoryFactory)
    title = factory.Sequence(lambda n: f"Contrat de test {n}")
    holder = "Structure porteuse de test"
    signed_on = datetime.date(2021, 1, 1)
    start = datetime.date(2021, 1, 1)
    end = datetime.date(2023, 12, 31)
    status = ContractStatus.ACTIVE
    population = 100_000
    population_vintage = 2020
    published = True


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    contract = factory.SubFactory(ContractFactory)
    incontournable = factory.LazyAttribute(
        lambda o: IncontournableFactory(
            referential=o.contract.programme.referential,
            group__referential=o.contract.programme.referential,
        )
    )
    code = factory.Sequence(lambda n: f"O{n}")
    title = factory.Sequence(lambda n: f"Objectif {n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    objective = factory.SubFactory(ObjectiveFactory)
    code = factory.Sequence(lambda n: f"ind-{n}")
    label = factory.Sequence(lambda n: f"Indicateur {n}")
    unit = "unités"
    baseline = Decimal("0")
    target = Decimal("100")


class ProgressEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressEntry

    indicator = factory.SubFactory(IndicatorFactory)
    date = datetime.date(2021, 12, 31)
    value = Decimal("10")
    status = EntryStatus.VALIDATED


class TrancheFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tranche

    contract = factory.SubFactory(ContractFactory)
    label = "Aide forfaitaire"
    year = 1
    funder_id = "ADEME"
    kind = TrancheKind.FIXED
    planned_amount = Decimal("100000.00")
