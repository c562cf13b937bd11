"""Boundaries of the pure rules that mutation testing found unpinned (see docs/mutation.md)."""

import datetime
from decimal import Decimal

import pytest

from indicators.rules import (
    BonusRule,
    EntryValue,
    IndicatorInput,
    IndicatorSpec,
    ObjectiveSpec,
    evaluate,
    indicator_level,
    indicator_rate,
    projected_rate,
    rate_for_output,
)

D = Decimal
DAY = datetime.date(2022, 12, 31)
VALIDATED = datetime.datetime(2023, 1, 10, 9, 0, tzinfo=datetime.UTC)


def spec(**overrides) -> IndicatorSpec:
    fields = {
        "code": "ind",
        "kind": "quantity",
        "direction": "increase",
        "accumulation": "latest",
        "baseline": D("0"),
        "target": D("50"),
    }
    return IndicatorSpec(**{**fields, **overrides})


def value(amount: str, *, on=DAY, validated_at=VALIDATED) -> EntryValue:
    return EntryValue(value=D(amount), date=on, status="validated", validated_at=validated_at)


@pytest.mark.parametrize(
    ("values", "level"),
    [(["30", "40"], D("40")), (["40", "30"], D("30")), (["12", "31", "25"], D("25"))],
)
def test_latest_level_on_a_complete_tie_is_the_later_entry(values, level):
    # Same date, same validation instant: the later entry of the input (the later one saved) wins.
    entries = [value(v) for v in values]

    assert indicator_level(spec(), entries, DAY) == level


@pytest.mark.parametrize(
    ("direction", "baseline", "level", "rate"),
    [
        ("decrease", D("0"), D("1"), D("1")),
        ("increase", D("0.5"), D("1"), D("1")),
        ("decrease", D("0"), D("0"), D("0")),
    ],
)
def test_a_milestone_rate_is_level_over_target_whatever_its_direction(
    direction, baseline, level, rate
):
    milestone = spec(
        kind="milestone", accumulation="sum", direction=direction, baseline=baseline, target=D(1)
    )

    assert indicator_rate(milestone, level) == rate


@pytest.mark.parametrize("as_of", [datetime.date(2021, 1, 1), datetime.date(2020, 6, 30)])
def test_projection_on_or_before_the_start_day_is_the_current_rate(as_of):
    start, end = datetime.date(2021, 1, 1), datetime.date(2023, 12, 31)

    assert projected_rate(spec(), D("0.25"), as_of=as_of, start=start, end=end) == D("0.25")


@pytest.mark.parametrize(
    ("rate", "shown"),
    [
        (D(1220) / D(1500), D("0.8133")),
        (D("0.99999"), D("0.9999")),
        (D("0.12349"), D("0.1234")),
        (D("1.12345"), D("1.1234")),
    ],
)
def test_output_rates_keep_four_decimals_rounded_down(rate, shown):
    assert rate_for_output(rate) == shown


def test_a_duplicate_indicator_code_is_a_configuration_error():
    objective = ObjectiveSpec(
        code="O1",
        priority=True,
        indicators=(
            IndicatorInput(spec=spec(code="km"), entries=()),
            IndicatorInput(spec=spec(code="km", target=D("10")), entries=()),
        ),
    )
    rule = BonusRule(
        per_inhabitant=D("1"),
        objective_threshold=D("0.6"),
        priority_threshold=D("1"),
        priority_count=1,
    )

    result = evaluate(
        [objective],
        rule,
        population=1000,
        as_of=DAY,
        start=datetime.date(2021, 1, 1),
        end=datetime.date(2023, 12, 31),
    )

    assert list(result.reasons) == ["O1 / km : code d'indicateur en double"]
