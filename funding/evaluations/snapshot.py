"""Turn a contract's inputs into an (unsaved) Evaluation: fingerprint, rules, stored snapshot.

Stored decimals are plain decimal strings (``format(value, "f")``: never a float, never an
exponent). Rates are stored rounded down to 10 decimals: every display rounds down further
(4 decimals in JSON, 0.1 % in French), so nothing shown changes, and verdicts are stored as
booleans computed by the rules on exact values.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from decimal import ROUND_FLOOR, Context, Decimal, localcontext

from funding.models import Evaluation, EvaluationStatus
from indicators.rules import (
    BonusRule,
    ContractResult,
    IndicatorResult,
    ObjectiveResult,
    Status,
    evaluate,
    to_cents,
)

from .loading import ContractInputs, IndicatorRow

# Bump when the stored snapshot changes shape: the same data then gives a new snapshot.
SNAPSHOT_VERSION = 3  # 2: rate_with_pending, projected verdict; 3: projection from the level
RATE_STEP = Decimal("1E-10")
_EXACT = Context(prec=200)


def plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def rate_text(rate: Decimal | None) -> str | None:
    if rate is None:
        return None
    return format(rate.quantize(RATE_STEP, rounding=ROUND_FLOOR, context=_EXACT), "f")


def decimal_text(value: Decimal | None) -> str | None:
    """Exact decimal string without exponent or trailing zeros ("1220", "17.5", "0")."""
    if value is None:
        return None
    with localcontext(_EXACT):
        text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def threshold_text(value: Decimal) -> str:
    """At least two decimals, as the contract documents write them ("0.60", "1.00", "0.625")."""
    text = decimal_text(value)
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


def money_text(value: Decimal | None) -> str | None:
    return None if value is None else format(to_cents(value), "f")


def rule_json(rule: BonusRule) -> dict:
    """The rule as the contract documents write it (decimal strings)."""
    return {
        "per_inhabitant": money_text(rule.per_inhabitant),
        "objective_threshold": threshold_text(rule.objective_threshold),
        "priority_threshold": threshold_text(rule.priority_threshold),
        "priority_count": rule.priority_count,
        "cap": money_text(rule.cap),
        "mode": str(rule.mode),
    }


def _indicator_inputs(row: IndicatorRow) -> list:
    spec = row.spec
    return [
        row.code,
        row.label,
        row.unit,
        spec.kind,
        spec.direction,
        spec.accumulation,
        decimal_text(spec.baseline),
        decimal_text(spec.target),
        row.validated_count,
        row.submitted_count,
        [
            [
                str(e.date),
                e.status,
                decimal_text(e.value),
                e.validated_at and e.validated_at.isoformat(),
            ]
            for e in row.entries
        ],
    ]


def fingerprint(inputs: ContractInputs) -> str:
    """SHA-256 of everything the snapshot is computed from (positional, canonical JSON)."""
    contract, rule = inputs.contract, inputs.rule
    canonical = [
        SNAPSHOT_VERSION,
        str(inputs.as_of),
        contract.population,
        contract.start and str(contract.start),
        contract.end and str(contract.end),
        # Normalised: "1" and "1.00" (a contract in memory, the same read back) are one input.
        [
            decimal_text(rule.per_inhabitant),
            decimal_text(rule.objective_threshold),
            decimal_text(rule.priority_threshold),
            rule.priority_count,
            decimal_text(rule.cap),
            rule.mode,
        ],
        [
            [o.code, o.title, o.priority, [_indicator_inputs(i) for i in o.indicators]]
            for o in inputs.objectives
        ],
    ]
    text = json.dumps(canonical, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _run_rules(inputs: ContractInputs) -> ContractResult:
    contract = inputs.contract
    # Missing dates or population are reported as configuration errors; the rules still compute
    # every level they can, with the evaluation date standing in for the unknown dates.
    start = contract.start or min(inputs.as_of, contract.end or inputs.as_of)
    end = contract.end or max(inputs.as_of, start)
    result = evaluate(
        [o.spec() for o in inputs.objectives],
        inputs.rule,
        population=contract.population or 0,
        as_of=inputs.as_of,
        start=start,
        end=end,
    )
    if not inputs.problems:
        return result
    errors = (*inputs.problems, *result.configuration_errors)
    return dataclasses.replace(
        result,
        status=Status.CONFIGURATION_ERROR,
        eligible=None,
        bonus_amount=None,
        reasons=tuple(e.message for e in errors),
        configuration_errors=errors,
    )


def _indicator_json(row: IndicatorRow, result: IndicatorResult) -> dict:
    return {
        "code": row.code,
        "label": row.label,
        "unit": row.unit,
        "kind": str(row.spec.kind),
        "accumulation": str(row.spec.accumulation),
        "baseline": plain(result.baseline),
        "target": plain(result.target),
        "level": plain(result.level),
        "rate": rate_text(result.rate),
        "pending": plain(result.pending),
        "missing": plain(result.missing),
        "projected_rate": rate_text(result.projected_rate),
        "rate_with_pending": rate_text(result.rate_with_pending),
        "validated_entries": row.validated_count,
        "submitted_entries": row.submitted_count,
    }


def _objective_json(title: str, rows: list[IndicatorRow], result: ObjectiveResult) -> dict:
    return {
        "code": result.code,
        "title": title,
        "priority": result.priority,
        "threshold": plain(result.threshold),
        "rate": rate_text(result.rate),
        "met": result.met,
        "missing": plain(result.missing),
        "projected_rate": rate_text(result.projected_rate),
        "rate_with_pending": rate_text(result.rate_with_pending),
        "projected_met": result.projected_met,
        "errors": [e.message for e in result.errors],
        "indicators": [_indicator_json(r, i) for r, i in zip(rows, result.indicators, strict=True)],
    }


def build_evaluation(inputs: ContractInputs, *, fingerprint_hex: str, by=None) -> Evaluation:
    """The unsaved snapshot of one contract (the caller stores it idempotently)."""
    contract = inputs.contract
    result = _run_rules(inputs)
    bonus_cap = result.bonus_cap if contract.population is not None else None
    return Evaluation(
        contract=contract,
        as_of=inputs.as_of,
        fingerprint=fingerprint_hex,
        status=EvaluationStatus(str(result.status)),
        eligible=result.eligible,
        bonus_cap=bonus_cap,
        bonus_amount=result.bonus_amount,
        population=contract.population,
        contract_start=contract.start,
        contract_end=contract.end,
        rule=rule_json(inputs.rule),
        objectives=[
            _objective_json(o.title, o.indicators, r)
            for o, r in zip(inputs.objectives, result.objectives, strict=True)
        ],
        reasons=list(result.reasons),
        errors=[{"path": e.path, "message": e.message} for e in result.configuration_errors],
        created_by=by,
    )
