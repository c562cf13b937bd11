"""Pure rules of rates, eligibility and year-3 bonus (no Django, no database)."""

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from indicators.rules import (
    BonusRule,
    ConfigurationError,
    ContractResult,
    EntryValue,
    IndicatorInput,
    IndicatorSpec,
    ObjectiveSpec,
    Status,
    bonus_cap,
    evaluate,
    format_euros_fr,
    format_rate_fr,
    format_threshold_fr,
    indicator_level,
    indicator_pending,
    indicator_rate,
    projected_rate,
    rate_for_output,
)

D = Decimal
START, END = date(2021, 1, 1), date(2023, 12, 31)
CALAISIS_POPULATION = 152371
RULE = BonusRule(
    per_inhabitant=D("1.00"),
    objective_threshold=D("0.60"),
    priority_threshold=D("1.00"),
    priority_count=3,
)
NNBSP, NBSP = "\u202f", "\u00a0"


def spec(code="i", *, kind="quantity", direction="increase", accumulation="sum", baseline=0,
         target=1500):  # fmt: skip
    return IndicatorSpec(code, kind, direction, accumulation, D(baseline), D(target))


def validated(value, on=date(2021, 12, 31), at=None):
    return EntryValue(D(value), on, "validated", at)


def indicator(*values, code="i", **spec_kwargs):
    return IndicatorInput(spec(code, **spec_kwargs), tuple(validated(v) for v in values))


def objective(code, *indicators, priority=False):
    return ObjectiveSpec(code, priority, indicators)


def run(objectives, rule=RULE, *, population=CALAISIS_POPULATION, as_of=END):
    return evaluate(objectives, rule, population=population, as_of=as_of, start=START, end=END)


def calaisis(renovations="1500", haies="50", regal="1"):
    """The nine contractual objectives of the Calaisis COT TRI, three of them priority."""
    return [
        objective("O1", indicator(renovations, code="renovations", target=1500), priority=True),
        objective("O2", indicator("50", code="pistes", target=50)),
        objective("O3", indicator(regal, code="regal", kind="milestone", target=1), priority=True),
        objective("O4", indicator("1", code="cot-enr", kind="milestone", target=1), priority=True),
        objective("O5", indicator("10", code="adaptation", target=10)),
        objective("O6", indicator("50", code="ecoles", accumulation="latest", target=50)),
        objective("O7", indicator(haies, code="haies", target=50)),
        objective("O8", indicator("26", code="friches", target=26)),
        objective("O9", indicator("1", code="rdi", kind="milestone", target=1)),
    ]


def only(result: ContractResult, code: str):
    return next(o for o in result.objectives if o.code == code)


# --- The Calaisis rule --------------------------------------------------------------------------


def test_calaisis_cap_is_one_euro_per_inhabitant_and_totals_422_371():
    cap = run(calaisis()).bonus_cap
    assert cap == D("152371.00")
    assert D("270000.00") + cap == D("422371.00")
    assert format_euros_fr(D("270000") + cap) == f"422{NNBSP}371{NBSP}€"


def test_calaisis_all_objectives_met_pays_the_cap():
    result = run(calaisis())
    assert (result.status, result.eligible) == (Status.ELIGIBLE, True)
    assert result.bonus_amount == D("152371.00")
    assert result.reasons == ()


def test_calaisis_json_example_priority_objective_at_81_percent():
    objectives = calaisis()
    objectives[0] = objective(
        "O1",
        IndicatorInput(
            spec("renovations", target=1500),
            (
                validated("420", date(2021, 12, 31)),
                validated("800", date(2022, 12, 31)),
                EntryValue(D("35"), date(2023, 6, 30), "submitted"),
            ),
        ),
        priority=True,
    )
    result = run(objectives)
    o1 = only(result, "O1")
    assert (o1.threshold, o1.met) == (D("1.00"), False)
    assert D("0.81333333333333333333333") < o1.rate < D("0.81333333333333333333334")
    assert rate_for_output(o1.rate) == D("0.8133")
    assert o1.missing == D("280")
    assert o1.indicators[0].level == D("1220")
    assert o1.indicators[0].pending == D("35")
    assert (result.eligible, result.bonus_amount) == (False, D("0.00"))
    assert result.reasons == ("O1 (prioritaire) : 81,3 % < 100 %",)


# --- Thresholds ---------------------------------------------------------------------------------


def test_exactly_sixty_percent_passes():
    result = run(calaisis(haies="30"))
    assert only(result, "O7").rate == D("0.6")
    assert result.eligible is True


def test_just_below_sixty_percent_fails_and_never_displays_as_sixty():
    objectives = calaisis()
    objectives[6] = objective("O7", indicator("5999999", code="haies", target=10_000_000))
    result = run(objectives)
    assert only(result, "O7").rate == D("0.5999999")
    assert result.eligible is False
    assert result.reasons == ("O7 : 59,9 % < 60 %",)


def test_non_priority_reason_format():
    result = run(calaisis(haies="27.5"))
    assert result.reasons == ("O7 : 55,0 % < 60 %",)


@pytest.mark.parametrize(("done", "eligible"), [("9999", False), ("10000", True)])
def test_priority_objective_needs_exactly_one_hundred_percent(done, eligible):
    objectives = calaisis()
    objectives[0] = objective("O1", indicator(done, target=10_000), priority=True)
    result = run(objectives)
    assert result.eligible is eligible
    assert result.bonus_amount == (D("152371.00") if eligible else D("0.00"))
    if not eligible:
        assert result.reasons == ("O1 (prioritaire) : 99,9 % < 100 %",)


def test_over_achievement_is_kept_and_shown():
    result = run(calaisis(renovations="1680"))
    o1 = only(result, "O1")
    assert o1.rate == D("1.12")
    assert o1.missing == 0
    assert format_rate_fr(o1.rate) == "112,0 %"
    assert result.eligible is True


# --- Indicator levels and rates -----------------------------------------------------------------


def test_decreasing_indicator_rate_and_missing():
    consumption = spec(direction="decrease", accumulation="latest", baseline=100, target=60)
    assert indicator_rate(consumption, D("76")) == D("0.6")
    assert indicator_rate(consumption, D("60")) == 1
    assert indicator_rate(consumption, D("50")) == D("1.25")
    assert indicator_rate(consumption, D("110")) == 0  # worse than the baseline: never below 0
    result = run([objective("O1", indicator("90", direction="decrease", accumulation="latest",
                                            baseline=100, target=60))],
                 dataclasses.replace(RULE, priority_count=0))  # fmt: skip
    assert only(result, "O1").missing == D("14")  # 90 must fall to 76 to reach 60 %


def test_increasing_indicator_with_baseline():
    cycle_lanes = spec(baseline=20, target=70)
    assert indicator_level(cycle_lanes, [validated("10"), validated("20")], END) == D("50")
    assert indicator_rate(cycle_lanes, D("50")) == D("0.6")
    assert indicator_rate(cycle_lanes, D("10")) == 0


def test_milestone_is_zero_until_done():
    regal = spec(kind="milestone", accumulation="latest", target=1)
    assert indicator_rate(regal, indicator_level(regal, [], END)) == 0
    assert indicator_rate(regal, indicator_level(regal, [validated("1")], END)) == 1


def test_compound_objective_takes_the_minimum():
    lighting = objective(
        "O1",
        indicator("2000", code="total", target=2000),
        indicator("1200", code="facteur-4", target=1500),
        indicator("600", code="facteur-2", target=500),
    )
    result = run([lighting], dataclasses.replace(RULE, priority_count=0))
    o1 = only(result, "O1")
    assert [i.rate for i in o1.indicators] == [1, D("0.8"), D("1.2")]
    assert o1.rate == D("0.8")
    assert o1.missing is None  # no single unit: see each indicator
    assert [i.missing for i in o1.indicators] == [0, 0, 0]


def test_only_validated_entries_dated_up_to_as_of_count():
    renovations = spec()
    entries = [
        validated("100", date(2021, 6, 30)),
        validated("50", date(2022, 1, 1)),  # after as_of
        EntryValue(D("7"), date(2021, 6, 30), "submitted"),
        EntryValue(D("8"), date(2021, 7, 1), "submitted"),
        EntryValue(D("9"), date(2022, 1, 1), "submitted"),  # after as_of
        EntryValue(D("1000"), date(2021, 6, 30), "draft"),
        EntryValue(D("2000"), date(2021, 6, 30), "returned"),
    ]
    as_of = date(2021, 12, 31)
    assert indicator_level(renovations, entries, as_of) == D("100")
    assert indicator_pending(renovations, entries, as_of) == D("15")
    assert indicator_pending(renovations, entries[:2], as_of) is None


def test_latest_takes_the_latest_date_then_the_latest_validation():
    schools = spec(accumulation="latest", target=50)
    early, late = datetime(2022, 1, 5, tzinfo=UTC), datetime(2022, 2, 1, tzinfo=UTC)
    entries = [
        validated("40", date(2021, 12, 31), late),
        validated("30", date(2021, 12, 31), early),
        validated("20", date(2021, 6, 30), datetime(2023, 1, 1, tzinfo=UTC)),
    ]
    assert indicator_level(schools, entries, END) == D("40")
    assert indicator_level(schools, list(reversed(entries)), END) == D("40")
    assert indicator_level(schools, entries, date(2021, 12, 30)) == D("20")
    assert indicator_level(schools, [], END) == 0  # the baseline


def test_projection_extrapolates_progress_linearly():
    renovations = spec()
    start, end = date(2021, 1, 1), date(2021, 1, 11)
    at = {"start": start, "end": end}
    assert projected_rate(renovations, D("0.4"), as_of=date(2021, 1, 6), **at) == D("0.8")
    assert projected_rate(renovations, D("0.4"), as_of=start, **at) == D("0.4")
    assert projected_rate(renovations, D("0.4"), as_of=date(2020, 1, 1), **at) == D("0.4")
    assert projected_rate(renovations, D("0.4"), as_of=end, **at) == D("0.4")
    regal = spec(kind="milestone", target=1)
    assert projected_rate(regal, D("0"), as_of=date(2021, 1, 6), **at) == 0


def test_evaluation_projects_each_indicator_and_the_objective():
    as_of = date(2021, 1, 6)
    first = IndicatorInput(spec(target=1500), (validated("300", as_of),))
    second = IndicatorInput(spec("b", target=20), (validated("10", as_of),))
    result = evaluate(
        [objective("O1", first, second)],
        dataclasses.replace(RULE, priority_count=0),
        population=1000,
        as_of=as_of,
        start=date(2021, 1, 1),
        end=date(2021, 1, 11),
    )
    o1 = only(result, "O1")
    assert [i.projected_rate for i in o1.indicators] == [D("0.4"), D("1")]
    assert o1.projected_rate == D("0.4")


# --- Amounts ------------------------------------------------------------------------------------


def test_prorata_pays_the_mean_of_rates_capped_at_one():
    rule = dataclasses.replace(RULE, priority_count=0, mode="prorata")
    objectives = [
        objective("O1", indicator("1680", target=1500)),  # 112 % counts as 100 %
        objective("O2", indicator("40", target=50)),  # 80 %
        objective("O3", indicator("1", kind="milestone", target=1)),
    ]
    result = run(objectives, rule)
    # 152 371 × (1 + 0.8 + 1) / 3 = 142 212.9333…
    assert result.bonus_amount == D("142212.93")
    assert format_euros_fr(result.bonus_amount) == f"142{NNBSP}212,93{NBSP}€"


def test_prorata_pays_nothing_when_not_eligible():
    rule = dataclasses.replace(RULE, priority_count=0, mode="prorata")
    result = run([objective("O1", indicator("50", target=100))], rule)
    assert (result.eligible, result.bonus_amount) == (False, D("0.00"))


def test_absolute_cap_limits_the_bonus():
    rule = dataclasses.replace(RULE, cap=D("100000"))
    result = run(calaisis(), rule)
    assert result.bonus_cap == result.bonus_amount == D("100000.00")


def test_money_rounds_half_up_to_the_cent():
    rule = BonusRule(D("0.005"), D("0.5"), D("1"), 0)
    assert run([objective("O1", indicator("1", target=1))], rule, population=1).bonus_cap == D(
        "0.01"
    )  # half even would give 0.00
    prorata = BonusRule(D("0.25"), D("0.5"), D("1"), 0, mode="prorata")
    result = run([objective("O1", indicator("1", target=2))], prorata, population=1)
    assert result.bonus_amount == D("0.13")  # 0.125, half even would give 0.12
    assert bonus_cap(rule, 3) == D("0.015")  # exact until the very end


# --- Configuration errors -----------------------------------------------------------------------


def assert_no_verdict(result):
    assert result.status is Status.CONFIGURATION_ERROR
    assert result.eligible is None
    assert result.bonus_amount is None
    assert result.bonus_cap == D("152371.00")
    assert list(result.reasons) == [e.message for e in result.configuration_errors]


def test_objective_without_indicator_is_reported():
    objectives = calaisis()
    objectives[1] = objective("O2")
    result = run(objectives)
    assert_no_verdict(result)
    assert result.configuration_errors == (
        ConfigurationError("O2", "O2 : l'objectif n'a aucun indicateur"),
    )
    assert (only(result, "O2").rate, only(result, "O2").met) == (None, None)
    assert only(result, "O1").rate == 1  # what can be computed still is


def test_target_equal_to_baseline_is_reported_not_counted():
    objectives = calaisis()
    objectives[6] = objective("O7", indicator("50", code="haies", baseline=50, target=50))
    result = run(objectives)
    assert_no_verdict(result)
    assert result.reasons == ("O7 / haies : la cible est égale à la valeur de référence",)
    haies = only(result, "O7").indicators[0]
    assert (haies.level, haies.rate, haies.missing, haies.projected_rate) == (
        D("100"),
        None,
        None,
        None,
    )
    with pytest.raises(ValueError, match="haies : la cible est égale"):
        indicator_rate(spec("haies", baseline=50, target=50), D("60"))


@pytest.mark.parametrize(
    ("spec_kwargs", "message"),
    [
        ({"kind": "milestone", "target": 0}, "la cible d'un jalon doit être strictement positive"),
        ({"baseline": 10, "target": 5}, "à la hausse est inférieure à la valeur de référence"),
        ({"direction": "decrease", "baseline": 5, "target": 10}, "à la baisse est supérieure"),
    ],
)
def test_impossible_targets_are_reported(spec_kwargs, message):
    objectives = calaisis()
    objectives[1] = objective("O2", indicator("1", code="pistes", **spec_kwargs))
    result = run(objectives)
    assert_no_verdict(result)
    (error,) = result.configuration_errors
    assert error.path == "O2/pistes"
    assert error.message.startswith("O2 / pistes : ")
    assert message in error.message


def test_priority_count_mismatch_is_reported():
    objectives = calaisis()
    objectives[3] = dataclasses.replace(objectives[3], priority=False)
    result = run(objectives)
    assert_no_verdict(result)
    assert result.reasons == ("Nombre d'objectifs prioritaires : 2 au lieu de 3 (règle du bonus)",)


def test_duplicate_codes_and_empty_contract_are_reported():
    result = run([objective("O1", indicator("1", target=1)), objective("O1", indicator("1"))],
                 dataclasses.replace(RULE, priority_count=0))  # fmt: skip
    assert result.reasons == ("O1 : code d'objectif en double",)
    assert run([], dataclasses.replace(RULE, priority_count=0)).reasons == (
        "Le contrat n'a aucun objectif",
    )


# --- Types --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda: EntryValue(1.0, date(2021, 1, 1), "validated"),
        lambda: IndicatorSpec("i", "quantity", "increase", "sum", D(0), 1500.0),
        lambda: BonusRule(1.0, D("0.6"), D("1"), 3),
        lambda: BonusRule(D("1"), D("0.6"), D("1"), 3, cap=1e5),
        lambda: indicator_rate(spec(), 0.5),
        lambda: run(calaisis(), population=152371.0),
        lambda: rate_for_output(0.8133),
        lambda: format_euros_fr(422371.0),
    ],
)
def test_floats_are_refused(build):
    with pytest.raises(TypeError, match="float"):
        build()


def test_invalid_inputs_are_refused():
    with pytest.raises(ValueError):
        EntryValue(D("-1"), date(2021, 1, 1), "validated")  # corrections edit, never subtract
    with pytest.raises(ValueError):
        EntryValue(D("1"), date(2021, 1, 1), "approved")
    with pytest.raises(ValueError):
        EntryValue(D("NaN"), date(2021, 1, 1), "validated")
    with pytest.raises(TypeError):
        run(calaisis(), as_of=datetime(2023, 12, 31, tzinfo=UTC))
    with pytest.raises(ValueError):
        evaluate(calaisis(), RULE, population=1, as_of=END, start=END, end=START)


# --- Display ------------------------------------------------------------------------------------


def test_rates_display_rounded_down():
    assert format_rate_fr(D("0.59999")) == "59,9 %"
    assert format_rate_fr(D("0.81333")) == "81,3 %"
    assert format_rate_fr(D("0")) == "0,0 %"
    assert format_rate_fr(D("12.345")) == f"1{NNBSP}234,5 %"
    assert rate_for_output(D("0.81333")) == D("0.8133")
    assert rate_for_output(D("0.99999")) == D("0.9999")
    assert format_threshold_fr(D("1.00")) == "100 %"
    assert format_threshold_fr(D("0.6")) == "60 %"
    assert format_threshold_fr(D("0.625")) == "62,5 %"


def test_euros_display():
    assert format_euros_fr(D("422371")) == f"422{NNBSP}371{NBSP}€"
    assert format_euros_fr(D("152371.5")) == f"152{NNBSP}371,50{NBSP}€"
    assert format_euros_fr(D("0.005")) == f"0,01{NBSP}€"
    assert format_euros_fr(D("999")) == f"999{NBSP}€"


# --- Properties ---------------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=10_000, places=2)
positive = st.decimals(min_value=D("0.01"), max_value=10_000, places=2)
days = st.dates(min_value=date(2020, 6, 1), max_value=date(2024, 6, 30))
entries = st.lists(
    st.builds(
        EntryValue,
        value=money,
        date=days,
        status=st.sampled_from(["draft", "submitted", "validated", "returned"]),
        validated_at=st.none() | st.datetimes(timezones=st.just(UTC)),
    ),
    max_size=4,
)


@st.composite
def indicator_specs(draw, code, *, forced_sum_increase=False):
    if forced_sum_increase:
        kind, accumulation, direction = "quantity", "sum", "increase"
    else:
        kind = draw(st.sampled_from(["quantity", "milestone"]))
        accumulation = draw(st.sampled_from(["sum", "latest"]))
        direction = draw(st.sampled_from(["increase", "decrease"]))
    if kind == "milestone":
        return IndicatorSpec(code, kind, direction, accumulation, D(0), D(1))
    low, delta = draw(money), draw(positive)
    if direction == "increase":
        return IndicatorSpec(code, kind, direction, accumulation, low, low + delta)
    return IndicatorSpec(code, kind, direction, accumulation, low + delta, low)


@st.composite
def contracts(draw, *, consistent=False):
    objectives = []
    for index in range(draw(st.integers(1 if consistent else 0, 5))):
        count = draw(st.integers(1 if consistent else 0, 3))
        indicators = [
            IndicatorInput(
                draw(indicator_specs(f"i{j}", forced_sum_increase=index == j == 0)),
                draw(entries),
            )
            for j in range(count)
        ]
        objectives.append(ObjectiveSpec(f"O{index + 1}", draw(st.booleans()), indicators))
    priorities = sum(o.priority for o in objectives)
    rule = BonusRule(
        per_inhabitant=draw(st.decimals(min_value=0, max_value=5, places=3)),
        objective_threshold=draw(st.decimals(min_value=0, max_value=1, places=2)),
        priority_threshold=draw(st.decimals(min_value=0, max_value=D("1.5"), places=2)),
        priority_count=priorities if consistent else draw(st.sampled_from([priorities, 3])),
        cap=draw(st.none() | money),
        mode=draw(st.sampled_from(["all_or_nothing", "prorata"])),
    )
    return objectives, rule, draw(st.integers(0, 3_000_000)), draw(days)


def run_generated(objectives, rule, population, as_of):
    return evaluate(objectives, rule, population=population, as_of=as_of, start=START, end=END)


@given(contracts())
def test_amount_stays_between_zero_and_cap(contract):
    objectives, rule, population, as_of = contract
    result = run_generated(*contract)
    assert result.bonus_cap == min(
        population * rule.per_inhabitant, rule.cap if rule.cap is not None else D("Infinity")
    ).quantize(D("0.01"), rounding="ROUND_HALF_UP")
    if result.configuration_errors:
        assert (result.eligible, result.bonus_amount) == (None, None)
    else:
        assert 0 <= result.bonus_amount <= result.bonus_cap
        assert result.eligible is all(o.met for o in result.objectives)
        if not result.eligible:
            assert result.bonus_amount == 0
        elif rule.mode == "all_or_nothing":
            assert result.bonus_amount == result.bonus_cap
        assert len(result.reasons) == sum(not o.met for o in result.objectives)


@given(contracts(consistent=True), money, days)
def test_a_new_validated_entry_never_lowers_a_sum_indicator(contract, value, on):
    objectives, rule, population, as_of = contract
    assume(on <= as_of)
    before = run_generated(*contract)
    first = objectives[0].indicators[0]
    grown = IndicatorInput(first.spec, (*first.entries, validated(value, on)))
    objectives = [
        dataclasses.replace(objectives[0], indicators=(grown, *objectives[0].indicators[1:])),
        *objectives[1:],
    ]
    after = run_generated(objectives, rule, population, as_of)
    assert after.status is not Status.CONFIGURATION_ERROR
    assert after.objectives[0].indicators[0].rate >= before.objectives[0].indicators[0].rate
    assert after.objectives[0].rate >= before.objectives[0].rate
    if before.eligible:
        assert after.eligible
        assert after.bonus_amount >= before.bonus_amount


def walk(value):
    if dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from walk(getattr(value, f.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from walk(item)
    else:
        yield value


@given(contracts())
def test_no_float_anywhere_in_a_result(contract):
    leaves = list(walk(run_generated(*contract)))
    assert not any(isinstance(leaf, float) for leaf in leaves)
    assert all(leaf is None or isinstance(leaf, Decimal | bool | str | date) for leaf in leaves)


@given(
    st.decimals(min_value=0, max_value=3, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=D("0.001"), max_value=D("1.5"), places=3),
)
def test_a_failing_rate_never_displays_as_passing(rate, threshold):
    assume(rate < threshold)
    assert rate_for_output(rate) < threshold
    shown = D(format_rate_fr(rate).removesuffix(" %").replace(NNBSP, "").replace(",", "."))
    assert shown / 100 < threshold
