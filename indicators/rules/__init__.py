"""Pure rules of the objective contracts: achievement rates, year-3 bonus, French display.

This package imports no Django so that the evaluation service, the API and the front office share
one implementation that tests drive with plain values and hypothesis. Import from here
(``from indicators.rules import evaluate``); the submodules are an implementation detail:
``values`` (enums, inputs, results), ``rates`` (one indicator), ``evaluation`` (a contract),
``display`` (French formatting).

Decisions:
- Every number is a ``Decimal`` (``int`` is accepted and converted). A ``float`` raises
  ``TypeError``: binary rounding could turn a failing 0.59999 into a passing 0.60.
- Rates are divided in a 60-digit context rounding toward -inf, so a computed rate is never above
  its exact value and a threshold (at most 60 digits) is passed exactly when the exact rate passes.
  Nothing is quantised on the verdict path; money is rounded to the cent, half up, at the very end.
- Configuration errors are records (``ConfigurationError``), not exceptions: the evaluation still
  returns every level it could compute, but its ``status`` is ``Status.CONFIGURATION_ERROR``,
  ``eligible`` and ``bonus_amount`` are ``None``, the misconfigured objectives have no rate, and
  ``reasons`` lists the errors' French messages.
"""

from .display import (
    EURO_SEP,
    THOUSANDS_SEP,
    format_euros_fr,
    format_rate_fr,
    format_threshold_fr,
    rate_for_output,
)
from .evaluation import bonus_cap, evaluate, evaluate_objective, failure_reason
from .rates import (
    indicator_level,
    indicator_level_with_pending,
    indicator_missing,
    indicator_pending,
    indicator_problem,
    indicator_rate,
    projected_rate,
)
from .simulation import entries_for_level, entries_with_level
from .values import (
    Accumulation,
    BonusMode,
    BonusRule,
    ConfigurationError,
    ContractResult,
    Direction,
    EntryStatus,
    EntryValue,
    IndicatorInput,
    IndicatorResult,
    IndicatorSpec,
    Kind,
    ObjectiveResult,
    ObjectiveSpec,
    Status,
    to_cents,
)

__all__ = [
    "EURO_SEP",
    "THOUSANDS_SEP",
    "Accumulation",
    "BonusMode",
    "BonusRule",
    "ConfigurationError",
    "ContractResult",
    "Direction",
    "EntryStatus",
    "EntryValue",
    "IndicatorInput",
    "IndicatorResult",
    "IndicatorSpec",
    "Kind",
    "ObjectiveResult",
    "ObjectiveSpec",
    "Status",
    "bonus_cap",
    "evaluate",
    "evaluate_objective",
    "failure_reason",
    "format_euros_fr",
    "format_rate_fr",
    "format_threshold_fr",
    "entries_for_level",
    "entries_with_level",
    "indicator_level",
    "indicator_level_with_pending",
    "indicator_missing",
    "indicator_pending",
    "indicator_problem",
    "indicator_rate",
    "projected_rate",
    "rate_for_output",
    "to_cents",
]
