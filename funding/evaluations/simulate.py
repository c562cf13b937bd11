"""« Et si… » : evaluate a contract with hypothetical levels for some indicators, saving nothing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.utils import timezone

from contracts.models import Contract
from funding.models import Evaluation
from indicators.rules import entries_with_level

from .loading import load_inputs
from .snapshot import build_evaluation


class SimulationError(ValueError):
    """A hypothetical level no entry can give; ``indicator_id`` says which, message in French."""

    def __init__(self, indicator_id: int, message: str):
        super().__init__(message)
        self.indicator_id = indicator_id


def contract_simulate(
    *, contract: Contract, levels: Mapping[int, Decimal], as_of: date | None = None
) -> Evaluation:
    """An UNSAVED evaluation of ``contract`` where each indicator id of ``levels`` has reached
    that level (in the indicator's unit) at the evaluation date; other indicators keep their
    validated entries and every indicator keeps its pending ones.

    The same loading and the same rules as ``contract_evaluate``: the verdict, reasons and amount
    are those an evaluation gives once entries bringing the indicators to these levels are
    validated. Writes nothing (no entry, no snapshot); 1 to 3 queries. Raises
    ``SimulationError`` for a level no entry can give (negative, or below a cumulative
    indicator's baseline). Ids that are not the contract's indicators are ignored.
    """
    (inputs,) = load_inputs([contract], as_of=as_of, today=timezone.localdate())
    for objective in inputs.objectives:
        for row in objective.indicators:
            if row.id not in levels:
                continue
            try:
                row.entries = list(
                    entries_with_level(row.spec, row.entries, levels[row.id], as_of=inputs.as_of)
                )
            except ValueError as exc:
                raise SimulationError(row.id, str(exc)) from None
            row.validated_count = 1
    evaluation = build_evaluation(inputs, fingerprint_hex="")
    evaluation.created = False
    return evaluation
