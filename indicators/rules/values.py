"""Enums, validated inputs and result records of the rules (plain frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, localcontext
from enum import StrEnum

CONTEXT = Context(prec=60, rounding=ROUND_FLOOR)
ZERO = Decimal(0)
ONE = Decimal(1)
CENT = Decimal("0.01")


class Kind(StrEnum):
    QUANTITY = "quantity"
    MILESTONE = "milestone"


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"


class Accumulation(StrEnum):
    SUM = "sum"
    LATEST = "latest"


class EntryStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    VALIDATED = "validated"
    RETURNED = "returned"


class BonusMode(StrEnum):
    ALL_OR_NOTHING = "all_or_nothing"
    PRORATA = "prorata"


class Status(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    CONFIGURATION_ERROR = "configuration_error"


def as_decimal(value: object, name: str, *, non_negative: bool = False) -> Decimal:
    """Decimal or int (never bool, never float: binary rounding would bend verdicts)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal, got {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"{name} must be finite, got {value}")
    if non_negative and value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")
    return value


def as_count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")
    return value


def as_date(value: object, name: str) -> date:
    # A datetime is a date subclass but does not compare with dates: refuse it up front.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"{name} must be a date, got {type(value).__name__}")
    return value


def to_cents(amount: Decimal) -> Decimal:
    """Money rounded to the cent, half up (never half even)."""
    with localcontext(CONTEXT):
        return as_decimal(amount, "amount").quantize(CENT, rounding=ROUND_HALF_UP)


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)  # normalising fields of a frozen dataclass


# --- Inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    code: str
    kind: Kind
    direction: Direction
    accumulation: Accumulation
    baseline: Decimal
    target: Decimal

    def __post_init__(self) -> None:
        _set(self, "kind", Kind(self.kind))
        _set(self, "direction", Direction(self.direction))
        _set(self, "accumulation", Accumulation(self.accumulation))
        _set(self, "baseline", as_decimal(self.baseline, "baseline"))
        _set(self, "target", as_decimal(self.target, "target"))


@dataclass(frozen=True, slots=True)
class EntryValue:
    """One reported value; values are never negative (a correction edits the entry)."""

    value: Decimal
    date: date
    status: EntryStatus
    validated_at: datetime | None = None

    def __post_init__(self) -> None:
        _set(self, "value", as_decimal(self.value, "value", non_negative=True))
        as_date(self.date, "date")
        _set(self, "status", EntryStatus(self.status))
        if self.validated_at is not None and not isinstance(self.validated_at, datetime):
            raise TypeError("validated_at must be a datetime or None")


@dataclass(frozen=True, slots=True)
class IndicatorInput:
    spec: IndicatorSpec
    entries: tuple[EntryValue, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.spec, IndicatorSpec):
            raise TypeError("spec must be an IndicatorSpec")
        _set(self, "entries", tuple(self.entries))
        if not all(isinstance(entry, EntryValue) for entry in self.entries):
            raise TypeError("entries must be EntryValue instances")


@dataclass(frozen=True, slots=True)
class ObjectiveSpec:
    code: str
    priority: bool
    indicators: tuple[IndicatorInput, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.priority, bool):
            raise TypeError("priority must be a bool")
        _set(self, "indicators", tuple(self.indicators))
        if not all(isinstance(item, IndicatorInput) for item in self.indicators):
            raise TypeError("indicators must be IndicatorInput instances")


@dataclass(frozen=True, slots=True)
class BonusRule:
    per_inhabitant: Decimal
    objective_threshold: Decimal
    priority_threshold: Decimal
    priority_count: int
    cap: Decimal | None = None
    mode: BonusMode = BonusMode.ALL_OR_NOTHING

    def __post_init__(self) -> None:
        for name in ("per_inhabitant", "objective_threshold", "priority_threshold"):
            _set(self, name, as_decimal(getattr(self, name), name, non_negative=True))
        as_count(self.priority_count, "priority_count")
        if self.cap is not None:
            _set(self, "cap", as_decimal(self.cap, "cap", non_negative=True))
        _set(self, "mode", BonusMode(self.mode))

    def threshold(self, priority: bool) -> Decimal:
        """A priority objective must pass both thresholds, hence the max."""
        if priority:
            return max(self.objective_threshold, self.priority_threshold)
        return self.objective_threshold


# --- Outputs -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConfigurationError:
    """A reported (never raised) setup problem; ``path`` is ``"O2/haies"``, ``"O2"`` or a rule
    field, ``message`` is complete French text naming the objective / indicator."""

    path: str
    message: str


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    code: str
    baseline: Decimal
    target: Decimal
    level: Decimal
    rate: Decimal | None  # None when the indicator is misconfigured
    pending: Decimal | None  # submitted, not counted; None when nothing is submitted
    missing: Decimal | None  # in the indicator's unit, to reach the objective's threshold
    projected_rate: Decimal | None  # straight line: the current pace carried on to the end
    rate_with_pending: Decimal | None = None  # if the submitted values were validated


@dataclass(frozen=True, slots=True)
class ObjectiveResult:
    code: str
    priority: bool
    threshold: Decimal
    rate: Decimal | None  # min of the indicators' rates; None on a configuration error
    met: bool | None
    missing: Decimal | None  # the single indicator's missing value; None if several indicators
    projected_rate: Decimal | None  # straight line: the current pace carried on to the end
    indicators: tuple[IndicatorResult, ...]
    errors: tuple[ConfigurationError, ...]
    rate_with_pending: Decimal | None = None  # min of the indicators' rates with pending values
    projected_met: bool | None = None  # projected_rate ≥ threshold: met at the end at this pace


@dataclass(frozen=True, slots=True)
class ContractResult:
    as_of: date
    status: Status
    eligible: bool | None  # None when there are configuration errors
    bonus_cap: Decimal
    bonus_amount: Decimal | None  # None when there are configuration errors
    objectives: tuple[ObjectiveResult, ...]
    reasons: tuple[str, ...]
    configuration_errors: tuple[ConfigurationError, ...]
