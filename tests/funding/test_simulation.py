"""« Et si… » gives what an evaluation gives once entries bringing the indicators to the typed
levels are validated (property test over random levels, both bonus modes)."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.models import Contract
from funding.evaluations import SimulationError, contract_evaluation_preview, contract_simulate
from indicators.enums import Accumulation, EntryStatus
from indicators.models import Indicator, Objective, ProgressEntry
from indicators.rules import entries_for_level
from tests.factories import IndicatorFactory
from tests.funding.evaluation_builders import END, REVIEWED, calaisis_contract

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def _levels(indicators):
    """For each indicator, maybe a level between 0 and twice its target (2 decimals)."""
    return st.fixed_dictionaries(
        {},
        optional={
            i.pk: st.decimals(
                min_value=Decimal(0), max_value=2 * i.target, places=2, allow_nan=False
            )
            for i in indicators
        },
    )


def _validate_levels(levels: dict[int, Decimal]) -> None:
    """What a chef and an officer would do: the indicator's validated entries give the level."""
    for indicator in Indicator.objects.filter(pk__in=levels):
        indicator.entries.filter(status=EntryStatus.VALIDATED).delete()
        value = levels[indicator.pk]
        if indicator.accumulation == Accumulation.SUM:
            value -= indicator.baseline
        ProgressEntry.objects.create(
            indicator=indicator,
            date=END,
            value=value,
            status=EntryStatus.VALIDATED,
            reviewed_at=REVIEWED,
        )


@pytest.fixture
def calaisis():
    return calaisis_contract()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), mode=st.sampled_from(["all_or_nothing", "prorata"]))
def test_simulation_reaches_the_evaluation_verdict_and_amount(calaisis, data, mode):
    indicators = list(Indicator.objects.filter(objective__contract=calaisis))
    levels = data.draw(_levels(indicators))
    try:
        with transaction.atomic():
            Contract.objects.filter(pk=calaisis.pk).update(bonus_mode=mode)
            contract = Contract.objects.get(pk=calaisis.pk)
            simulated = contract_simulate(contract=contract, levels=levels)
            _validate_levels(levels)
            evaluated = contract_evaluation_preview(contract=contract)
            assert simulated.eligible == evaluated.eligible
            assert simulated.bonus_amount == evaluated.bonus_amount
            assert simulated.reasons == evaluated.reasons
            for sim, ev in zip(simulated.objectives, evaluated.objectives, strict=True):
                assert (sim["code"], sim["rate"], sim["met"], sim["rate_with_pending"]) == (
                    ev["code"],
                    ev["rate"],
                    ev["met"],
                    ev["rate_with_pending"],
                )
            raise _Rollback
    except _Rollback:
        pass


def test_simulation_writes_nothing(calaisis, django_assert_max_num_queries):
    indicator = Indicator.objects.get(objective__contract=calaisis, code="renovations")
    counts = (ProgressEntry.objects.count(), ProgressEntry.history.count())

    with django_assert_max_num_queries(3) as context:
        contract_simulate(contract=calaisis, levels={indicator.pk: Decimal("1500")})

    assert not [q for q in context.captured_queries if not q["sql"].startswith("SELECT")]
    assert (ProgressEntry.objects.count(), ProgressEntry.history.count()) == counts


@pytest.mark.parametrize(
    ("accumulation", "baseline", "level", "value"),
    [
        ("sum", "0", "1500", "1500"),
        ("sum", "100", "250.5", "150.5"),
        ("latest", "20", "5", "5"),  # a level reached, not an increment
        ("latest", "0", "0", "0"),
    ],
)
def test_entries_for_level(accumulation, baseline, level, value):
    from indicators.rules import IndicatorSpec

    spec = IndicatorSpec("x", "quantity", "increase", accumulation, Decimal(baseline), Decimal(900))

    (entry,) = entries_for_level(spec, Decimal(level), as_of=END)

    assert (entry.value, entry.date, entry.status) == (Decimal(value), END, "validated")


def test_a_cumulative_level_below_its_baseline_is_refused(calaisis):
    indicator = Indicator.objects.get(objective__contract=calaisis, code="pistes")
    Indicator.objects.filter(pk=indicator.pk).update(baseline=Decimal("10"))

    with pytest.raises(SimulationError) as caught:
        contract_simulate(contract=calaisis, levels={indicator.pk: Decimal("9.99")})

    assert caught.value.indicator_id == indicator.pk
    assert "inférieur à sa valeur de référence" in str(caught.value)


def test_a_simulation_at_an_earlier_date_reads_the_contract_as_it_was_then(calaisis):
    pistes = Indicator.objects.get(objective__contract=calaisis, code="pistes")
    as_of = datetime.date(2021, 12, 31)

    simulated = contract_simulate(contract=calaisis, levels={pistes.pk: Decimal("50")}, as_of=as_of)

    evaluated = contract_evaluation_preview(contract=calaisis, as_of=as_of)
    assert simulated.as_of == evaluated.as_of == as_of
    assert simulated.objectives[0]["indicators"][0]["level"] == "420.0000"  # not yet 1 220
    assert (simulated.objectives, simulated.reasons) == (evaluated.objectives, evaluated.reasons)


def test_a_level_typed_for_the_second_indicator_of_an_objective_is_simulated(calaisis):
    objective = Objective.objects.get(contract=calaisis, code="O1")
    second = IndicatorFactory(objective=objective, code="renovations-bbc", order=1)

    simulated = contract_simulate(contract=calaisis, levels={second.pk: Decimal("60")})

    first_row, second_row = simulated.objectives[0]["indicators"]
    assert (first_row["code"], first_row["level"]) == ("renovations", "1220.0000")
    assert (second_row["code"], second_row["level"]) == ("renovations-bbc", "60.0000")
