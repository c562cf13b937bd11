"""What an evaluation snapshot is computed from: a change of any input gives a new snapshot (the
stored one is found changed, and cannot be decided), and what the snapshot stores of it."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import F

from funding.evaluations import (
    contract_evaluate,
    contracts_evaluation_preview,
    evaluation_inputs_changed,
    evaluation_to_json,
)
from funding.models import Evaluation, EvaluationInputs
from indicators.enums import EntryStatus
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgrammeFactory,
    TerritoryFactory,
)
from tests.funding.evaluation_builders import END, calaisis_contract, entry, indicator_of

pytestmark = pytest.mark.django_db
D = Decimal


def _start(contract):
    contract.start = datetime.date(2021, 7, 1)
    contract.save()


def _end(contract):  # evaluated at END all the same: only the projection's horizon moves
    contract.end = datetime.date(2024, 12, 31)
    contract.save()


def _per_inhabitant(contract):
    contract.bonus_per_inhabitant = D("1.50")
    contract.save()


def _objective_threshold(contract):
    contract.bonus_objective_threshold = D("0.70")
    contract.save()


def _priority_threshold(contract):
    contract.bonus_priority_threshold = D("0.80")
    contract.save()


def _cap(contract):
    contract.bonus_cap = D("100000.00")
    contract.save()


def _baseline(contract):
    haies = indicator_of(contract, "haies")
    haies.baseline = D("10")
    haies.save()


def _target(contract):
    haies = indicator_of(contract, "haies")
    haies.target = D("60")
    haies.save()


def _pending_value_corrected(contract):  # same date, same status: only the value changes
    indicator_of(contract, "renovations").entries.filter(status=EntryStatus.SUBMITTED).update(
        value=D("40")
    )


CHANGES = [
    _start,
    _end,
    _per_inhabitant,
    _objective_threshold,
    _priority_threshold,
    _cap,
    _baseline,
    _target,
    _pending_value_corrected,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__.strip("_"))
def test_a_change_of_any_input_gives_a_new_snapshot_and_the_old_one_is_found_changed(change):
    contract = calaisis_contract()
    first = contract_evaluate(contract=contract, as_of=END)

    change(contract)
    second = contract_evaluate(contract=contract, as_of=END)

    assert second.pk != first.pk
    assert second.fingerprint != first.fingerprint
    assert evaluation_inputs_changed(evaluation=first)
    assert not evaluation_inputs_changed(evaluation=second)


def test_a_validated_value_moved_after_the_pending_one_gives_a_new_rate_with_pending():
    # ecoles is a "latest" indicator: the later of its validated and submitted values is its
    # level with the pending entries; only the dates say which one is later.
    contract = calaisis_contract()
    ecoles = indicator_of(contract, "ecoles")
    entry(ecoles, "45", on=datetime.date(2023, 6, 30), status=EntryStatus.SUBMITTED)
    first = contract_evaluate(contract=contract)
    assert _ecoles(first)["rate_with_pending"] == "0.9000"  # 50 validated on 2022-12-31

    ecoles.entries.filter(value=D("50")).update(date=datetime.date(2023, 9, 30))
    second = contract_evaluate(contract=contract)

    assert second.pk != first.pk
    assert _ecoles(second)["indicators"][0]["level"] == "50"
    assert _ecoles(second)["rate_with_pending"] == "1.0000"


def _ecoles(evaluation):
    return next(o for o in evaluation_to_json(evaluation)["objectives"] if o["code"] == "O6")


def test_a_rate_a_hair_below_100_percent_is_never_stored_nor_shown_as_100_percent():
    contract = calaisis_contract(renovations=("99999999998",), pending="")
    renovations = indicator_of(contract, "renovations")
    renovations.target = D("99999999999")
    renovations.save()

    evaluation = contract_evaluate(contract=contract)

    o1 = evaluation.objectives[0]
    assert (o1["rate"], o1["indicators"][0]["rate"]) == ("0.9999999999", "0.9999999999")
    assert o1["met"] is False
    assert evaluation_to_json(evaluation)["objectives"][0]["rate"] == "0.9999"
    assert evaluation_to_json(evaluation)["reasons"] == ["O1 (prioritaire) : 99,9 % < 100 %"]


def test_the_snapshot_keeps_the_bonus_rule_population_and_dates_it_was_computed_with():
    contract = calaisis_contract(
        renovations=("700", "800"),
        pending="",
        bonus_per_inhabitant=D("1.5"),
        bonus_objective_threshold=D("0.625"),
        bonus_priority_threshold=D("0.8"),
        bonus_cap=D("100000"),
        bonus_mode="prorata",
    )

    evaluation = contract_evaluate(contract=contract)

    assert evaluation.rule == {
        "per_inhabitant": "1.50",
        "objective_threshold": "0.625",
        "priority_threshold": "0.80",
        "priority_count": 3,
        "cap": "100000.00",
        "mode": "prorata",
    }
    # 152 371 × 1.50 = 228 556.50, above the absolute cap; every objective reached: the cap.
    assert (evaluation.bonus_cap, evaluation.bonus_amount) == (D("100000.00"), D("100000.00"))
    # What the bonus was computed from, shown beside the rule in the admin and on the espace.
    assert (evaluation.population, evaluation.contract_start, evaluation.contract_end) == (
        152_371,
        datetime.date(2021, 1, 1),
        END,
    )


POPULATION_MISSING = "Le contrat n'a pas de population de référence : le plafond est inconnu"
DATES_MISSING = "Le contrat n'a pas de dates de début et de fin"


def test_a_contract_without_population_nor_dates_names_both_errors_and_still_shows_its_levels():
    contract = calaisis_contract(population=None, start=None, end=None)

    evaluation = contract_evaluate(contract=contract)
    data = evaluation_to_json(evaluation)

    assert evaluation.as_of == datetime.date.today()  # no end: the contract is evaluated today
    assert (data["status"], data["eligible"], data["bonus_cap"], data["bonus_amount"]) == (
        "configuration_error",
        None,
        None,
        None,
    )
    assert data["errors"] == [
        {"path": "population", "message": POPULATION_MISSING},
        {"path": "dates", "message": DATES_MISSING},
    ]
    assert data["reasons"] == [POPULATION_MISSING, DATES_MISSING]
    renovations = data["objectives"][0]["indicators"][0]
    assert (renovations["level"], renovations["pending"]) == ("1220", "35")


@pytest.mark.parametrize("dates", [{"start": None}, {"end": None}], ids=["no-start", "no-end"])
def test_one_missing_date_is_a_configuration_error_whatever_the_evaluation_date(dates):
    contract = calaisis_contract(**dates)

    # After the end (an evaluation at a given date, as the tasks do) and at the default date.
    for as_of in (datetime.date(2024, 6, 30), None):
        data = evaluation_to_json(contract_evaluate(contract=contract, as_of=as_of))

        assert data["errors"] == [{"path": "dates", "message": DATES_MISSING}]
        assert (data["status"], data["eligible"], data["bonus_amount"]) == (
            "configuration_error",
            None,
            None,
        )
        assert data["bonus_cap"] == "152371.00"
        assert data["objectives"][0]["indicators"][0]["level"] == "1220"


def test_a_region_of_many_contracts_reads_each_contracts_own_objectives_and_entries():
    # Past 50 nearly contiguous contracts (and indicators), the loading reads a range of ids
    # rather than a list: the first and the last ones must stay inside it, and a contract in
    # the range but not asked for (the 27th) must be skipped without stopping the reading.
    programme, territory = ProgrammeFactory(), TerritoryFactory()
    contracts = []
    for n in range(1, 54):
        contract = ContractFactory(programme=programme, territory=territory, bonus_priority_count=0)
        indicator = IndicatorFactory(objective__contract=contract, code="tonnes", target=D("100"))
        entry(indicator, str(n), on=datetime.date(2023, 6, 30))
        contracts.append(contract)
    asked = contracts[:26] + contracts[27:]

    previews = contracts_evaluation_preview(contracts=asked)

    levels = [evaluation_to_json(p)["objectives"][0]["indicators"][0]["level"] for p in previews]
    assert levels == [str(n) for n in range(1, 54) if n != 27]
    assert [len(p.objectives) for p in previews] == [1] * 52


def test_a_contract_with_many_latest_indicators_reads_each_ones_latest_value():
    # Past 100 distinct latest dates, the entries are read from the earliest of them on, then
    # each indicator keeps the entry of its own latest date.
    contract = ContractFactory(bonus_priority_count=0)
    objective = ObjectiveFactory(contract=contract, code="O1")
    first = datetime.date(2022, 1, 1)
    for n in range(101):
        indicator = IndicatorFactory(objective=objective, code=f"i{n:03}", accumulation="latest")
        on = first + datetime.timedelta(days=n)
        entry(indicator, "1", on=on - datetime.timedelta(days=1))
        entry(indicator, str(n + 2), on=on)

    evaluation = contract_evaluate(contract=contract)

    levels = [D(i["level"]) for i in evaluation.objectives[0]["indicators"]]
    assert levels == [n + 2 for n in range(101)]


def test_the_snapshot_names_each_indicator_and_counts_its_validated_and_submitted_entries():
    contract = calaisis_contract()
    renovations = indicator_of(contract, "renovations")
    entry(renovations, "7", on=datetime.date(2023, 7, 31), status=EntryStatus.DRAFT)
    entry(renovations, "8", on=datetime.date(2023, 8, 31), status=EntryStatus.RETURNED)
    entry(renovations, "9", on=datetime.date(2024, 1, 31))  # after the contract's end

    evaluation = contract_evaluate(contract=contract)

    o1 = evaluation.objectives[0]
    assert (o1["code"], o1["title"], o1["priority"], o1["errors"]) == (
        "O1",
        "Objectif O1",
        True,
        [],
    )
    shown = ("code", "label", "unit", "kind", "accumulation")
    counts = ("validated_entries", "submitted_entries")
    ind = o1["indicators"][0]
    assert [ind[k] for k in shown + counts] == [
        "renovations",
        "Renovations",
        "unités",
        "quantity",
        "sum",
        2,
        1,
    ]
    assert [D(ind[k]) for k in ("baseline", "target", "level", "pending", "missing")] == [
        0,
        1500,
        1220,
        35,
        280,
    ]
    ecoles = evaluation.objectives[5]["indicators"][0]
    assert [ecoles[k] for k in shown + counts] == [
        "ecoles",
        "Ecoles",
        "unités",
        "quantity",
        "latest",
        2,
        0,
    ]
    assert (D(ecoles["level"]), ecoles["pending"]) == (50, None)


def test_objectives_and_indicators_keep_the_order_the_contract_gives_them():
    contract = ContractFactory(bonus_priority_count=0)
    # Created in another order than the contract's: by order, then by code.
    for code, order in (("B", 1), ("C", 0), ("A", 1)):
        objective = ObjectiveFactory(contract=contract, code=code, order=order)
        for ind_code, ind_order in (("y", 1), ("z", 0), ("x", 1)):
            IndicatorFactory(objective=objective, code=f"{code}-{ind_code}", order=ind_order)

    evaluation = contract_evaluate(contract=contract)

    assert [(o["code"], [i["code"] for i in o["indicators"]]) for o in evaluation.objectives] == [
        ("C", ["C-z", "C-x", "C-y"]),
        ("A", ["A-z", "A-x", "A-y"]),
        ("B", ["B-z", "B-x", "B-y"]),
    ]


def test_an_objectives_configuration_errors_are_stored_with_it_for_the_admin_table():
    contract = calaisis_contract()
    haies = indicator_of(contract, "haies")
    haies.baseline = haies.target
    haies.save()

    evaluation = contract_evaluate(contract=contract)

    o7 = evaluation.objectives[6]
    assert (o7["code"], o7["errors"]) == (
        "O7",
        ["O7 / haies : la cible est égale à la valeur de référence"],
    )
    assert [o["errors"] for o in evaluation.objectives if o["code"] != "O7"] == [[]] * 8


def test_a_snapshot_at_another_date_is_not_taken_for_the_current_one_even_with_the_same_entries():
    # Only "latest" values, all before mid-2023: the entries read at mid-2023 and at the end are
    # the same; the evaluation date alone tells the two snapshots apart.
    contract = ContractFactory(bonus_priority_count=0)
    indicator = IndicatorFactory(objective__contract=contract, accumulation="latest")
    entry(indicator, "40", on=datetime.date(2022, 6, 30))
    dated = contract_evaluate(contract=contract, as_of=datetime.date(2023, 6, 30))
    current = contract_evaluate(contract=contract)  # at the end: the check of the inputs
    # The contract's inputs changed once, before that check (the scheduler's mark).
    EvaluationInputs.objects.filter(contract=contract).update(
        changed_at=F("checked_at") - datetime.timedelta(minutes=1)
    )

    assert dated.fingerprint != current.fingerprint
    assert list(Evaluation.objects.filter(contract=contract).fresh()) == [current]
    assert list(Evaluation.objects.filter(contract=contract).stale()) == [dated]
