"""Rules of a contract: objective verdicts, configuration errors, year-3 bonus."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal, localcontext

from .display import format_rate_fr, format_threshold_fr
from .rates import (
    indicator_level,
    indicator_level_with_pending,
    indicator_missing,
    indicator_pending,
    indicator_problem,
    indicator_rate,
    projected_rate,
)
from .values import (
    CONTEXT,
    ONE,
    ZERO,
    BonusMode,
    BonusRule,
    ConfigurationError,
    ContractResult,
    IndicatorInput,
    IndicatorResult,
    ObjectiveResult,
    ObjectiveSpec,
    Status,
    as_count,
    as_date,
    to_cents,
)


def bonus_cap(rule: BonusRule, population: int) -> Decimal:
    """Exact (unrounded) cap: population × per-inhabitant amount, limited by the absolute cap."""
    with localcontext(CONTEXT):
        cap = as_count(population, "population") * rule.per_inhabitant
    return cap if rule.cap is None else min(cap, rule.cap)


def _evaluate_indicator(
    item: IndicatorInput, threshold: Decimal, as_of: date, start: date, end: date
) -> IndicatorResult:
    spec = item.spec
    level = indicator_level(spec, item.entries, as_of)
    rate = missing = projected = with_pending = None
    if indicator_problem(spec) is None:
        rate = indicator_rate(spec, level)
        missing = indicator_missing(spec, level, threshold)
        projected = projected_rate(spec, rate, as_of=as_of, start=start, end=end, level=level)
        with_pending = indicator_rate(spec, indicator_level_with_pending(spec, item.entries, as_of))
    return IndicatorResult(
        code=spec.code,
        baseline=spec.baseline,
        target=spec.target,
        level=level,
        rate=rate,
        pending=indicator_pending(spec, item.entries, as_of),
        missing=missing,
        projected_rate=projected,
        rate_with_pending=with_pending,
    )


def _objective_errors(objective: ObjectiveSpec) -> list[ConfigurationError]:
    code = objective.code
    if not objective.indicators:
        return [ConfigurationError(code, f"{code} : l'objectif n'a aucun indicateur")]
    errors, seen = [], set()
    for item in objective.indicators:
        path, label = f"{code}/{item.spec.code}", f"{code} / {item.spec.code}"
        if item.spec.code in seen:
            errors.append(ConfigurationError(path, f"{label} : code d'indicateur en double"))
        seen.add(item.spec.code)
        if (problem := indicator_problem(item.spec)) is not None:
            errors.append(ConfigurationError(path, f"{label} : {problem}"))
    return errors


def evaluate_objective(
    objective: ObjectiveSpec, rule: BonusRule, *, as_of: date, start: date, end: date
) -> ObjectiveResult:
    threshold = rule.threshold(objective.priority)
    indicators = tuple(
        _evaluate_indicator(item, threshold, as_of, start, end) for item in objective.indicators
    )
    errors = tuple(_objective_errors(objective))
    rate = met = missing = projected = with_pending = projected_met = None
    if not errors:
        rate = min(i.rate for i in indicators)
        met = rate >= threshold
        projected = min(i.projected_rate for i in indicators)
        with_pending = min(i.rate_with_pending for i in indicators)
        projected_met = projected >= threshold
        if len(indicators) == 1:
            missing = indicators[0].missing
    return ObjectiveResult(
        code=objective.code,
        priority=objective.priority,
        threshold=threshold,
        rate=rate,
        met=met,
        missing=missing,
        projected_rate=projected,
        indicators=indicators,
        errors=errors,
        rate_with_pending=with_pending,
        projected_met=projected_met,
    )


def _contract_errors(
    objectives: Sequence[ObjectiveSpec], rule: BonusRule
) -> list[ConfigurationError]:
    errors = []
    if not objectives:
        errors.append(ConfigurationError("objectives", "Le contrat n'a aucun objectif"))
    seen = set()
    for objective in objectives:
        if objective.code in seen:
            message = f"{objective.code} : code d'objectif en double"
            errors.append(ConfigurationError(objective.code, message))
        seen.add(objective.code)
    count = sum(1 for objective in objectives if objective.priority)
    if count != rule.priority_count:
        message = (
            f"Nombre d'objectifs prioritaires : {count} au lieu de {rule.priority_count} "
            "(règle du bonus)"
        )
        errors.append(ConfigurationError("bonus_rule.priority_count", message))
    return errors


def failure_reason(objective: ObjectiveResult) -> str:
    """« O1 (prioritaire) : 81,3 % < 100 % » for an objective below its threshold."""
    label = f"{objective.code} (prioritaire)" if objective.priority else objective.code
    rate, threshold = format_rate_fr(objective.rate), format_threshold_fr(objective.threshold)
    return f"{label} : {rate} < {threshold}"


def evaluate(
    objectives: Iterable[ObjectiveSpec],
    rule: BonusRule,
    *,
    population: int,
    as_of: date,
    start: date,
    end: date,
) -> ContractResult:
    """Evaluate a contract at ``as_of``: rates, verdicts, year-3 bonus and French reasons.

    ``reasons`` holds the configuration error messages when there are any (then nothing is
    eligible and there is no amount), otherwise one line per objective below its threshold.
    """
    if not isinstance(rule, BonusRule):
        raise TypeError("rule must be a BonusRule")
    for name, value in (("as_of", as_of), ("start", start), ("end", end)):
        as_date(value, name)
    if start > end:
        raise ValueError("start must not be after end")
    objectives = tuple(objectives)
    if not all(isinstance(objective, ObjectiveSpec) for objective in objectives):
        raise TypeError("objectives must be ObjectiveSpec instances")
    cap = bonus_cap(rule, population)
    results = tuple(
        evaluate_objective(objective, rule, as_of=as_of, start=start, end=end)
        for objective in objectives
    )
    errors = tuple(e for r in results for e in r.errors) + tuple(_contract_errors(objectives, rule))
    if errors:
        status, eligible, amount = Status.CONFIGURATION_ERROR, None, None
        reasons = tuple(error.message for error in errors)
    else:
        reasons = tuple(failure_reason(r) for r in results if not r.met)
        eligible = not reasons
        status = Status.ELIGIBLE if eligible else Status.NOT_ELIGIBLE
        amount = ZERO
        if eligible and rule.mode is BonusMode.ALL_OR_NOTHING:
            amount = cap
        elif eligible:
            with localcontext(CONTEXT):
                # min(1, mean) written as min(n, total) / n: a single, last division.
                total = sum((min(ONE, r.rate) for r in results), ZERO)
                amount = cap * min(len(results), total) / len(results)
        amount = to_cents(amount)
    return ContractResult(
        as_of=as_of,
        status=status,
        eligible=eligible,
        bonus_cap=to_cents(cap),
        bonus_amount=amount,
        objectives=results,
        reasons=reasons,
        configuration_errors=errors,
    )
