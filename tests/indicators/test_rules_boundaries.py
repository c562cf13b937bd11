"""Boundaries of the pure rules that mutation testing found unpinned (see docs/mutation.md)."""

import datetime
from decimal import Decimal, localcontext

import pytest

from indicators.rules import (
    BonusRule,
    EntryValue,
    IndicatorInput,
    IndicatorSpec,
    ObjectiveSpec,
    entries_for_level,
    entries_with_level,
    evaluate,
    indicator_level,
    indicator_level_with_pending,
    indicator_rate,
    projected_rate,
    rate_for_output,
)

D = Decimal
DAY = datetime.date(2022, 12, 31)
START, END = datetime.date(2021, 1, 1), datetime.date(2023, 12, 31)
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


def rule(priority_count=0, **overrides) -> BonusRule:
    fields = {
        "per_inhabitant": D("1"),
        "objective_threshold": D("0.6"),
        "priority_threshold": D("1"),
        "priority_count": priority_count,
    }
    return BonusRule(**{**fields, **overrides})


def objective(code, *indicators, priority=False) -> ObjectiveSpec:
    return ObjectiveSpec(code=code, priority=priority, indicators=indicators)


def submitted(amount: str, *, on=DAY) -> EntryValue:
    return EntryValue(value=D(amount), date=on, status="submitted")


def test_a_contract_ending_on_its_start_day_is_evaluated():
    # The database allows end == start (contract_end_after_start is ``end >= start``).
    item = IndicatorInput(spec=spec(target=D("100")), entries=(value("60"),))

    result = evaluate([objective("O1", item)], rule(), population=10, as_of=DAY, start=DAY, end=DAY)

    (o1,) = result.objectives
    assert (o1.rate, o1.projected_rate, result.eligible) == (D("0.6"), D("0.6"), True)


@pytest.mark.parametrize(("level", "projected_met"), [("30", True), ("29.99", False)])
def test_an_objective_projected_exactly_at_its_threshold_is_projected_met(level, projected_met):
    # Half-way through the period at 30 %, the straight line ends at 60 %: the threshold, met.
    start, end = datetime.date(2021, 1, 1), datetime.date(2021, 1, 11)
    as_of = datetime.date(2021, 1, 6)
    item = IndicatorInput(spec(target=D("100")), (value(level, on=as_of),))

    result = evaluate(
        [objective("O1", item)], rule(), population=10, as_of=as_of, start=start, end=end
    )

    (o1,) = result.objectives
    assert o1.projected_rate == D(level) * 2 / 100
    assert (o1.met, o1.projected_met) == (False, projected_met)
    assert (result.as_of, result.status, result.eligible) == (as_of, "not_eligible", False)


def test_rates_with_pending_count_submitted_values_and_the_objective_takes_the_lowest():
    renovations = IndicatorInput(
        spec(code="renovations", accumulation="sum", target=D("100")),
        (value("30"), submitted("20"), submitted("5", on=datetime.date(2023, 1, 1))),
    )
    schools = IndicatorInput(
        spec(code="ecoles", target=D("10")), (value("8"), submitted("9", on=START))
    )

    result = evaluate(
        [objective("O1", renovations, schools)],
        rule(),
        population=10,
        as_of=DAY,
        start=START,
        end=END,
    )

    (o1,) = result.objectives
    assert [(i.code, i.baseline, i.target) for i in o1.indicators] == [
        ("renovations", D("0"), D("100")),
        ("ecoles", D("0"), D("10")),
    ]
    assert [i.rate for i in o1.indicators] == [D("0.3"), D("0.8")]
    # the submission of 2023 comes after as_of; the older submitted 9 does not replace the 8
    assert [i.rate_with_pending for i in o1.indicators] == [D("0.5"), D("0.8")]
    assert (o1.rate, o1.rate_with_pending, o1.met) == (D("0.3"), D("0.5"), False)


@pytest.mark.parametrize("order", [1, -1])
def test_a_submitted_value_of_the_same_day_does_not_replace_the_validated_one(order):
    # Latest value: on the same date a validated entry beats one never validated, in any order.
    entries = [value("40"), submitted("45")][::order]

    assert indicator_level_with_pending(spec(), entries, DAY) == D("40")
    assert indicator_level_with_pending(spec(), [*entries, value("41")], DAY) == D("41")


def test_configuration_errors_name_their_place_in_the_evaluation_json():
    # ``path`` is written next to the message in the evaluation JSON (errors[].path).
    duplicate = IndicatorInput(spec(code="km"), ())
    contract = [
        objective("O1", IndicatorInput(spec(), ())),
        objective("O1", duplicate, duplicate, priority=True),
    ]

    errors = evaluate(
        contract, rule(priority_count=2), population=1, as_of=DAY, start=START, end=END
    ).configuration_errors
    empty = evaluate([], rule(), population=1, as_of=DAY, start=START, end=END)

    assert [(e.path, e.message) for e in errors] == [
        ("O1/km", "O1 / km : code d'indicateur en double"),
        ("O1", "O1 : code d'objectif en double"),
        (
            "bonus_rule.priority_count",
            "Nombre d'objectifs prioritaires : 1 au lieu de 2 (règle du bonus)",
        ),
    ]
    assert [(e.path, e.message) for e in empty.configuration_errors] == [
        ("objectives", "Le contrat n'a aucun objectif")
    ]


def test_zero_is_a_value_a_population_and_an_amount():
    zero = EntryValue(value=D("0"), date=DAY, status="validated")
    item = IndicatorInput(spec(target=D("1")), (zero,))

    result = evaluate(
        [objective("O1", item)],
        rule(per_inhabitant=D("0"), objective_threshold=D("0")),
        population=0,
        as_of=DAY,
        start=START,
        end=END,
    )

    assert (result.eligible, result.bonus_cap, result.bonus_amount) == (True, D("0.00"), D("0.00"))


@pytest.mark.parametrize(
    "build",
    [
        lambda: EntryValue(value=True, date=DAY, status="validated"),
        lambda: rule(per_inhabitant=True),
        lambda: rule(priority_count=True),
    ],
)
def test_booleans_are_no_numbers(build):
    with pytest.raises(TypeError, match="bool"):
        build()


@pytest.mark.parametrize(
    "field", ["per_inhabitant", "objective_threshold", "priority_threshold", "cap"]
)
def test_a_bonus_rule_refuses_negative_amounts_and_thresholds(field):
    with pytest.raises(ValueError, match=f"{field} must not be negative"):
        rule(**{field: D("-0.01")})


@pytest.mark.parametrize("mode", [None, "all_or_nothing"])
def test_all_or_nothing_pays_the_whole_cap_when_every_objective_passes_below_100(mode):
    item = IndicatorInput(spec(target=D("100")), (value("80"),))
    bonus_rule = rule() if mode is None else rule(mode=mode)

    result = evaluate(
        [objective("O1", item)], bonus_rule, population=1000, as_of=DAY, start=START, end=END
    )

    assert (result.eligible, result.bonus_amount) == (True, D("1000.00"))
    prorata = evaluate(
        [objective("O1", item)],
        rule(mode="prorata"),
        population=1000,
        as_of=DAY,
        start=START,
        end=END,
    )
    assert prorata.bonus_amount == D("800.00")


def test_a_rate_is_never_rounded_above_its_exact_value():
    # Two thirds, divided in 60 digits toward -inf: never 0.67 nor …667 (see indicators/rules).
    rate = indicator_rate(spec(target=D("3")), D("2"))

    assert rate == D("0." + "6" * 60)
    with localcontext(prec=100):
        assert rate * 3 < 2
    # Projected over 4 days after 3: 8/9 from the level, at most the rounded rate × 4/3 without.
    day = datetime.timedelta(days=1)
    days = {"start": START, "as_of": START + 3 * day, "end": START + 4 * day}
    from_level = projected_rate(spec(target=D("3")), rate, level=D("2"), **days)
    carried_on = projected_rate(spec(target=D("3")), rate, **days)
    with localcontext(prec=100):
        assert from_level * 9 < 8
        assert carried_on * 3 <= rate * 4


def test_a_pace_that_exactly_reaches_the_target_is_projected_at_100_percent():
    # 2 of 3 done after 2 of the 3 days: at this pace the target is reached on the last day.
    item = IndicatorInput(spec(target=D("3")), (value("2", on=datetime.date(2021, 1, 3)),))

    result = evaluate(
        [objective("O1", item, priority=True)],
        rule(priority_count=1),
        population=1,
        as_of=datetime.date(2021, 1, 3),
        start=datetime.date(2021, 1, 1),
        end=datetime.date(2021, 1, 4),
    )

    (o1,) = result.objectives
    assert (o1.projected_rate, o1.projected_met) == (1, True)


@pytest.mark.parametrize(
    ("spec_kwargs", "message"),
    [
        (
            {"kind": "milestone", "target": D("0")},
            "O1 / ind : la cible d'un jalon doit être strictement positive",
        ),
        (
            {"baseline": D("10"), "target": D("5")},
            "O1 / ind : la cible d'un indicateur à la hausse est inférieure à la valeur de "
            "référence",
        ),
        (
            {"direction": "decrease", "baseline": D("5"), "target": D("10")},
            "O1 / ind : la cible d'un indicateur à la baisse est supérieure à la valeur de "
            "référence",
        ),
    ],
)
def test_an_impossible_target_is_reported_in_full(spec_kwargs, message):
    item = IndicatorInput(spec(**spec_kwargs), ())

    result = evaluate(
        [objective("O1", item)], rule(), population=1, as_of=DAY, start=START, end=END
    )

    assert [(e.path, e.message) for e in result.configuration_errors] == [("O1/ind", message)]


@pytest.mark.parametrize(
    "build",
    [
        lambda: EntryValue(value=D("1"), date="2022-12-31", status="validated"),
        lambda: EntryValue(value=D("1"), date=VALIDATED, status="validated"),
        lambda: entries_for_level(spec(), D("1"), as_of=VALIDATED),
    ],
)
def test_a_date_is_a_date_never_a_string_nor_a_datetime(build):
    # A datetime is a date subclass that never compares with dates: refused up front.
    with pytest.raises(TypeError, match="must be a date"):
        build()


# --- « Et si… » (indicators/rules/simulation.py) -------------------------------------------------


@pytest.mark.parametrize(
    ("accumulation", "baseline", "level", "entry"),
    [
        ("sum", "20", "20", "0"),  # exactly the baseline: an increment of 0
        ("sum", "20", "35.5", "15.5"),
        ("latest", "20", "5", "5"),  # a latest value may fall below the baseline
        ("latest", "0", "0", "0"),
    ],
)
def test_the_simulated_level_is_one_validated_entry_on_the_day(
    accumulation, baseline, level, entry
):
    indicator = spec(accumulation=accumulation, baseline=D(baseline), target=D("50"))

    (simulated,) = entries_for_level(indicator, D(level), as_of=DAY)

    assert simulated == EntryValue(value=D(entry), date=DAY, status="validated")
    assert indicator_level(indicator, [simulated], DAY) == D(level)


@pytest.mark.parametrize(
    ("accumulation", "level", "message"),
    [
        ("latest", "-0.01", "la valeur doit être positive ou nulle"),
        ("sum", "-1", "la valeur doit être positive ou nulle"),
        (
            "sum",
            "19.99",
            "le niveau d'un indicateur cumulé ne peut pas être inférieur à sa valeur de référence",
        ),
    ],
)
def test_a_simulated_level_no_entry_can_give_is_refused(accumulation, level, message):
    indicator = spec(accumulation=accumulation, baseline=D("20"), target=D("50"))

    with pytest.raises(ValueError) as refused:
        entries_for_level(indicator, D(level), as_of=DAY)

    assert str(refused.value) == message


def test_simulating_replaces_the_validated_entries_and_keeps_the_others():
    indicator = spec(accumulation="sum", target=D("50"))
    draft = EntryValue(value=D("7"), date=DAY, status="draft")
    pending = submitted("3")
    entries = [value("10"), pending, value("12"), draft]

    simulated = entries_with_level(indicator, entries, D("40"), as_of=END)

    assert simulated == (pending, draft, EntryValue(value=D("40"), date=END, status="validated"))
    assert indicator_level(indicator, simulated, END) == D("40")
