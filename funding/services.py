"""Reads on funding schedules: the bonus cap of a contract and the totals of its tranches."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from contracts.models import Contract
from funding.enums import TrancheKind, TrancheStatus
from funding.models import ProgrammeTranche, Tranche
from indicators.rules import BonusRule, bonus_cap, to_cents

ZERO = Decimal("0.00")


def contract_bonus_cap(*, contract: Contract) -> Decimal | None:
    """Population × € per inhabitant, limited by the absolute cap, to the cent (half up).

    ``None`` when the contract has no reference population: the cap is then unknown, never 0.
    """
    if contract.population is None:
        return None
    rule = BonusRule(
        per_inhabitant=contract.bonus_per_inhabitant,
        objective_threshold=contract.bonus_objective_threshold,
        priority_threshold=contract.bonus_priority_threshold,
        priority_count=contract.bonus_priority_count,
        cap=contract.bonus_cap,
        mode=contract.bonus_mode,
    )
    return to_cents(bonus_cap(rule, contract.population))


def tranche_planned_amount(*, tranche: Tranche) -> Decimal | None:
    """The planned amount, or the contract's cap for a bonus not decided yet (``None``: unknown)."""
    if tranche.planned_amount is not None:
        return tranche.planned_amount
    if tranche.kind == TrancheKind.BONUS:
        return contract_bonus_cap(contract=tranche.contract)
    return None


@dataclass
class FundingTotals:
    """Planned and paid money of a set of tranches, per funder and per contract year.

    ``undetermined`` counts bonus tranches whose amount is unknown (no reference population):
    they add nothing to the sums, and a display should say the total is incomplete.
    """

    planned: Decimal = ZERO
    paid: Decimal = ZERO
    by_funder: dict[str, Decimal] = field(default_factory=dict)
    by_year: dict[int, Decimal] = field(default_factory=dict)
    undetermined: int = 0

    def add(self, tranche: Tranche) -> None:
        amount = tranche_planned_amount(tranche=tranche)
        if amount is None:
            self.undetermined += 1
            return
        self.planned += amount
        code = tranche.funder_id  # the funder's code: no query
        self.by_funder[code] = self.by_funder.get(code, ZERO) + amount
        self.by_year[tranche.year] = self.by_year.get(tranche.year, ZERO) + amount
        if tranche.status == TrancheStatus.PAID and tranche.paid_amount is not None:
            self.paid += tranche.paid_amount

    def sorted(self) -> FundingTotals:
        """Funders by code, years ascending (for display)."""
        self.by_funder = dict(sorted(self.by_funder.items()))
        self.by_year = dict(sorted(self.by_year.items()))
        return self


@dataclass
class FundingSummary:
    total: FundingTotals
    by_contract: dict[int, FundingTotals]


def contract_funding_totals(*, contract: Contract) -> FundingTotals:
    """Totals of one contract's schedule (a bonus not decided yet counts at the cap)."""
    totals = FundingTotals()
    for tranche in Tranche.objects.filter(contract=contract):
        tranche.contract = contract  # the cap reads the contract: no query per tranche
        totals.add(tranche)
    return totals.sorted()


def funding_totals(*, contracts: Iterable[Contract] | None = None) -> FundingSummary:
    """Totals across contracts (all of them by default) and per contract, in one query."""
    tranches = Tranche.objects.select_related("contract")
    if contracts is not None:
        tranches = tranches.filter(contract__in=contracts)
    total = FundingTotals()
    by_contract: dict[int, FundingTotals] = {}
    for tranche in tranches:
        total.add(tranche)
        by_contract.setdefault(tranche.contract_id, FundingTotals()).add(tranche)
    for totals in by_contract.values():
        totals.sorted()
    return FundingSummary(total=total.sorted(), by_contract=by_contract)


def contract_tranches_from_programme(*, contract: Contract, by=None) -> list[Tranche]:
    """Give a new contract its programme's default tranches (``ProgrammeTranche``), in order.

    Does nothing when the contract already has tranches (returns ``[]``). Each tranche keeps a
    history record by ``by``.
    """
    if Tranche.objects.filter(contract=contract).exists():
        return []
    created = []
    for default in ProgrammeTranche.objects.filter(programme_id=contract.programme_id):
        tranche = Tranche(
            contract=contract,
            label=default.label,
            year=default.year,
            funder_id=default.funder_id,
            kind=default.kind,
            planned_amount=default.amount,
            order=default.order,
        )
        if by is not None:
            tranche._history_user = by
        tranche._change_reason = "Reprise des tranches par défaut du programme"
        tranche.save()
        created.append(tranche)
    return created
