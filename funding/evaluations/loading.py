"""Load what the rules need for many contracts in a constant number of queries.

One query reads the objectives with their indicators (a LEFT JOIN keeps objectives without any),
one aggregates the counted entries per indicator and status (sum, count, latest date), one reads
the entries on the latest date of ``latest`` indicators. The rules then receive, per indicator
and status:

- ``sum``: one entry carrying the sum of the counted values (the rules only add them up);
- ``latest``: every entry of the latest date (the rules break ties on the validation time).

So the rules decide levels, ties and verdicts; the database only adds, counts and filters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from operator import or_

from django.db.models import Count, Max, Q, Sum

from contracts.models import Contract
from indicators.enums import Accumulation, EntryStatus
from indicators.models import Objective, ProgressEntry
from indicators.rules import (
    BonusRule,
    ConfigurationError,
    EntryValue,
    IndicatorInput,
    IndicatorSpec,
    ObjectiveSpec,
)

COUNTED = (EntryStatus.VALIDATED, EntryStatus.SUBMITTED)


def default_as_of(contract: Contract, today: date) -> date:
    """The earlier of today and the contract's end (today when the end is unknown)."""
    return min(today, contract.end) if contract.end else today


def contract_rule(contract: Contract) -> BonusRule:
    return BonusRule(
        per_inhabitant=contract.bonus_per_inhabitant,
        objective_threshold=contract.bonus_objective_threshold,
        priority_threshold=contract.bonus_priority_threshold,
        priority_count=contract.bonus_priority_count,
        cap=contract.bonus_cap,
        mode=contract.bonus_mode,
    )


@dataclass(slots=True)
class IndicatorRow:
    id: int
    code: str
    label: str
    unit: str
    spec: IndicatorSpec
    as_of: date  # the contract's evaluation date
    validated_count: int = 0
    submitted_count: int = 0
    entries: list[EntryValue] = field(default_factory=list)


@dataclass(slots=True)
class ObjectiveRow:
    id: int
    code: str
    title: str
    priority: bool
    indicators: list[IndicatorRow] = field(default_factory=list)

    def spec(self) -> ObjectiveSpec:
        return ObjectiveSpec(
            self.code,
            self.priority,
            tuple(IndicatorInput(i.spec, tuple(i.entries)) for i in self.indicators),
        )


@dataclass(slots=True)
class ContractInputs:
    """Everything one evaluation is computed from (and nothing else)."""

    contract: Contract
    as_of: date
    rule: BonusRule
    objectives: list[ObjectiveRow] = field(default_factory=list)
    problems: list[ConfigurationError] = field(default_factory=list)


def _contract_problems(contract: Contract) -> list[ConfigurationError]:
    problems = []
    if contract.population is None:
        message = "Le contrat n'a pas de population de référence : le plafond est inconnu"
        problems.append(ConfigurationError("population", message))
    if contract.start is None or contract.end is None:
        message = "Le contrat n'a pas de dates de début et de fin"
        problems.append(ConfigurationError("dates", message))
    return problems


def _id_filter(field_name: str, ids) -> Q:
    """``field IN ids``, or a range scan when the ids are nearly contiguous (a whole region):
    cheaper than a long list; rows of ids outside the set are then skipped in Python."""
    ids = sorted(ids)
    low, high = ids[0], ids[-1]
    if len(ids) > 50 and high - low < 2 * len(ids):
        return Q(**{f"{field_name}__gte": low, f"{field_name}__lte": high})
    return Q(**{f"{field_name}__in": ids})


def _load_objectives(by_contract: dict[int, ContractInputs]) -> dict[int, IndicatorRow]:
    rows = (
        Objective.objects.filter(_id_filter("contract_id", by_contract))
        .order_by("contract_id", "order", "code", "pk", "indicators__order", "indicators__code")
        .values_list(
            "pk",
            "contract_id",
            "code",
            "title",
            "priority",
            "indicators__pk",
            "indicators__code",
            "indicators__label",
            "indicators__unit",
            "indicators__kind",
            "indicators__direction",
            "indicators__accumulation",
            "indicators__baseline",
            "indicators__target",
        )
    )
    indicators: dict[int, IndicatorRow] = {}
    current: ObjectiveRow | None = None
    for pk, contract_id, code, title, priority, ind_pk, *ind in rows:
        inputs = by_contract.get(contract_id)
        if inputs is None:  # outside the chunk (range scan)
            continue
        if current is None or current.id != pk:
            current = ObjectiveRow(pk, code, title, priority)
            inputs.objectives.append(current)
        if ind_pk is None:
            continue
        ind_code, label, unit, kind, direction, accumulation, baseline, target = ind
        spec = IndicatorSpec(ind_code, kind, direction, accumulation, baseline, target)
        row = IndicatorRow(ind_pk, ind_code, label, unit, spec, inputs.as_of)
        current.indicators.append(row)
        indicators[ind_pk] = row
    return indicators


def _counted_entries(by_contract: dict[int, ContractInputs], indicators: dict[int, IndicatorRow]):
    """Validated and submitted entries dated on or before each contract's evaluation date."""
    groups: dict[date, list[int]] = defaultdict(list)
    for contract_id, inputs in by_contract.items():
        groups[inputs.as_of].append(contract_id)
    if len(groups) == 1:  # one date for all: no join needed
        (as_of,) = groups
        scope = _id_filter("indicator_id", indicators) & Q(date__lte=as_of)
    else:
        scope = reduce(
            or_,
            (
                Q(indicator__objective__contract_id__in=ids, date__lte=as_of)
                for as_of, ids in groups.items()
            ),
        )
    return ProgressEntry.objects.filter(scope, status__in=COUNTED).order_by()


def _load_entries(by_contract: dict[int, ContractInputs], indicators: dict[int, IndicatorRow]):
    entries = _counted_entries(by_contract, indicators)
    # Ordered: the fingerprint reads each indicator's totals in this order, and PostgreSQL groups
    # by sorting or by hashing as its statistics say (same entries, same fingerprint).
    totals = (
        entries.values_list("indicator_id", "status")
        .annotate(total=Sum("value"), count=Count("pk"), last=Max("date"))
        .order_by("indicator_id", "status")
    )
    latest_dates: dict[tuple[int, str], date] = {}
    for indicator_id, status, total, count, last in totals:
        row = indicators.get(indicator_id)
        if row is None:
            continue
        if status == EntryStatus.VALIDATED:
            row.validated_count = count
        else:
            row.submitted_count = count
        if row.spec.accumulation == Accumulation.SUM:
            row.entries.append(EntryValue(total, row.as_of, status))
        else:
            latest_dates[indicator_id, status] = last
    if not latest_dates:
        return
    dates = set(latest_dates.values())
    on_dates = Q(date__in=dates) if len(dates) <= 100 else Q(date__gte=min(dates))
    candidates = (
        entries.filter(on_dates, indicator__accumulation=Accumulation.LATEST)
        .order_by("indicator_id", "pk")  # on a complete tie, the rules keep the later entry
        .values_list("indicator_id", "status", "date", "value", "reviewed_at")
    )
    for indicator_id, status, on, value, reviewed_at in candidates:
        if latest_dates.get((indicator_id, status)) != on:
            continue
        validated_at = reviewed_at if status == EntryStatus.VALIDATED else None
        indicators[indicator_id].entries.append(EntryValue(value, on, status, validated_at))


def load_inputs(
    contracts: Sequence[Contract], *, as_of: date | None, today: date
) -> list[ContractInputs]:
    """The inputs of every contract, in a constant number of queries (1 to 3)."""
    by_contract: dict[int, ContractInputs] = {}
    for contract in contracts:
        by_contract[contract.pk] = ContractInputs(
            contract=contract,
            as_of=as_of or default_as_of(contract, today),
            rule=contract_rule(contract),
            problems=_contract_problems(contract),
        )
    if by_contract:
        indicators = _load_objectives(by_contract)
        if indicators:
            _load_entries(by_contract, indicators)
    return list(by_contract.values())
