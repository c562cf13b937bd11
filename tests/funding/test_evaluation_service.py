"""Evaluation snapshots: which entries count, what is stored, idempotence, immutability."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from contracts.enums import BonusMode
from funding.evaluations import contract_evaluate, contracts_evaluate, evaluation_to_json
from funding.models import Evaluation, EvaluationLocked, EvaluationStatus
from indicators.enums import EntryStatus
from tests.factories import ContractFactory, IndicatorFactory, ObjectiveFactory
from tests.funding.evaluation_builders import (
    END,
    REVIEWED,
    calaisis_contract,
    entry,
    indicator_of,
)

pytestmark = pytest.mark.django_db
D = Decimal


def objective_json(data, code):
    return next(o for o in data["objectives"] if o["code"] == code)


def test_calaisis_is_not_eligible_with_o1_at_81_3_percent():
    contract = calaisis_contract()

    data = evaluation_to_json(contract_evaluate(contract=contract))

    assert data["contract"] == "COTTRI-2021-CALAISIS"
    assert data["as_of"] == "2023-12-31"  # the contract's end, earlier than today
    assert data["eligible"] is False
    assert data["bonus_cap"] == "152371.00"
    assert data["bonus_amount"] == "0.00"
    assert data["reasons"] == ["O1 (prioritaire) : 81,3 % < 100 %"]
    o1 = objective_json(data, "O1")
    assert o1 == {
        "code": "O1",
        "priority": True,
        "rate": "0.8133",
        "threshold": "1.00",
        "met": False,
        "missing": "280",
        "projected_rate": "0.8133",
        "rate_with_pending": "0.8366",  # (1220 + 35) / 1500
        "projected_met": False,
        "indicators": [
            {
                "code": "renovations",
                "level": "1220",
                "target": "1500",
                "rate": "0.8133",
                "pending": "35",
                "projected_rate": "0.8133",
                "rate_with_pending": "0.8366",
                "missing": "280",
            }
        ],
    }
    assert objective_json(data, "O2")["threshold"] == "0.60"
    assert objective_json(data, "O6")["indicators"][0]["level"] == "50"  # latest, not 80


def test_every_objective_reached_gives_the_cap():
    contract = calaisis_contract(renovations=("700", "800"), pending="")

    evaluation = contract_evaluate(contract=contract)

    assert evaluation.status == EvaluationStatus.ELIGIBLE
    assert evaluation.eligible is True
    assert evaluation.bonus_amount == D("152371.00")
    assert evaluation_to_json(evaluation)["reasons"] == []


def test_prorata_mode_pays_the_mean_of_capped_rates():
    # O1 at 1 200 / 1 500 is below 100 % for a priority objective: make the priority threshold
    # 0.80 so the contract is eligible, then the amount is cap × mean(min(1, rate)).
    contract = calaisis_contract(
        renovations=("400", "800"),
        pending="",
        bonus_mode=BonusMode.PRORATA,
        bonus_priority_threshold=D("0.80"),
    )

    evaluation = contract_evaluate(contract=contract)

    # mean = (0.8 + 8 × 1) / 9; 152 371 × 8.8 / 9 = 148 984.977… → 148 984.98 (half up)
    assert evaluation.eligible is True
    assert evaluation.bonus_amount == D("148984.98")


def test_a_threshold_is_compared_on_exact_values():
    contract = calaisis_contract(renovations=("1499.9999",), pending="")

    data = evaluation_to_json(contract_evaluate(contract=contract))

    o1 = objective_json(data, "O1")
    assert o1["met"] is False
    assert o1["rate"] == "0.9999"  # rounded down: a failing rate never shows as passing
    assert data["reasons"] == ["O1 (prioritaire) : 99,9 % < 100 %"]


def test_same_inputs_give_back_the_stored_snapshot():
    contract = calaisis_contract()

    first = contract_evaluate(contract=contract)
    again = contract_evaluate(contract=contract)

    assert first.created is True
    assert again.created is False
    assert again.pk == first.pk
    assert Evaluation.objects.filter(contract=contract).count() == 1


def test_a_new_validated_entry_gives_a_new_snapshot_and_a_draft_does_not():
    contract = calaisis_contract()
    first = contract_evaluate(contract=contract)
    renovations = indicator_of(contract, "renovations")

    entry(renovations, "5", on=datetime.date(2023, 9, 30), status=EntryStatus.DRAFT)
    assert contract_evaluate(contract=contract).pk == first.pk

    entry(renovations, "5", on=datetime.date(2023, 10, 31))
    second = contract_evaluate(contract=contract)

    assert second.pk != first.pk
    assert evaluation_to_json(second)["objectives"][0]["indicators"][0]["level"] == "1225"
    assert evaluation_to_json(first)["objectives"][0]["indicators"][0]["level"] == "1220"


def test_a_validation_of_the_pending_value_changes_level_and_pending():
    contract = calaisis_contract()
    pending = indicator_of(contract, "renovations").entries.get(status=EntryStatus.SUBMITTED)
    pending.status, pending.reviewed_at = EntryStatus.VALIDATED, REVIEWED
    pending.save()

    o1 = evaluation_to_json(contract_evaluate(contract=contract))["objectives"][0]

    assert o1["indicators"][0]["level"] == "1255"
    assert o1["indicators"][0]["pending"] is None
    assert o1["missing"] == "245"


def test_entries_after_the_evaluation_date_do_not_count():
    contract = calaisis_contract()
    evaluation = contract_evaluate(contract=contract, as_of=datetime.date(2022, 6, 30))

    data = evaluation_to_json(evaluation)

    renovations = objective_json(data, "O1")["indicators"][0]
    assert data["as_of"] == "2022-06-30"
    assert renovations["level"] == "420"
    assert renovations["pending"] is None  # submitted on 2023-06-30
    # 420 / 1500 = 0.28 after 545 of 1094 days: 0.28 × 1094 / 545 = 0.5620…
    assert renovations["projected_rate"] == "0.5620"


def test_a_tie_on_the_latest_value_cannot_be_stored():
    """One value per indicator and date (issue 16.2): a correction edits the entry instead."""
    contract = calaisis_contract()
    ecoles = indicator_of(contract, "ecoles")
    on = datetime.date(2023, 12, 31)
    entry(ecoles, "45", on=on, reviewed_at=REVIEWED + datetime.timedelta(days=2))
    with pytest.raises(IntegrityError), transaction.atomic():
        entry(ecoles, "20", on=on, reviewed_at=REVIEWED + datetime.timedelta(days=1))

    data = evaluation_to_json(contract_evaluate(contract=contract))

    assert objective_json(data, "O6")["indicators"][0]["level"] == "45"


def test_default_date_is_today_for_a_running_contract():
    today = datetime.date.today()
    contract = calaisis_contract(
        start=today - datetime.timedelta(days=400), end=today + datetime.timedelta(days=300)
    )

    assert contract_evaluate(contract=contract).as_of == today


def test_an_objective_without_indicator_is_a_configuration_error():
    contract = calaisis_contract(renovations=("700", "800"), pending="")
    ObjectiveFactory(contract=contract, code="O10", title="Objectif sans indicateur")

    evaluation = contract_evaluate(contract=contract)
    data = evaluation_to_json(evaluation)

    assert evaluation.status == EvaluationStatus.CONFIGURATION_ERROR
    assert data["eligible"] is None
    assert data["bonus_amount"] is None
    assert data["bonus_cap"] == "152371.00"
    assert data["errors"] == [{"path": "O10", "message": "O10 : l'objectif n'a aucun indicateur"}]
    assert data["reasons"] == ["O10 : l'objectif n'a aucun indicateur"]
    assert objective_json(data, "O10")["rate"] is None
    assert objective_json(data, "O1")["rate"] == "1.0000"  # levels are still shown


def test_a_target_equal_to_its_baseline_is_a_configuration_error():
    contract = calaisis_contract()
    haies = indicator_of(contract, "haies")
    haies.baseline = haies.target
    haies.save()

    data = evaluation_to_json(contract_evaluate(contract=contract))

    assert data["status"] == "configuration_error"
    assert data["reasons"] == ["O7 / haies : la cible est égale à la valeur de référence"]


def test_a_contract_without_population_has_no_cap_and_no_amount():
    contract = calaisis_contract(renovations=("700", "800"), pending="", population=None)

    data = evaluation_to_json(contract_evaluate(contract=contract))

    assert data["eligible"] is None
    assert data["bonus_cap"] is None
    assert data["bonus_amount"] is None
    assert data["reasons"][0].startswith("Le contrat n'a pas de population de référence")


def test_priority_count_differing_from_the_rule_is_a_configuration_error():
    contract = calaisis_contract(bonus_priority_count=2)

    data = evaluation_to_json(contract_evaluate(contract=contract))

    assert data["status"] == "configuration_error"
    assert "Nombre d'objectifs prioritaires : 3 au lieu de 2" in data["reasons"][0]


def test_snapshot_stores_decimal_strings_never_floats():
    contract = calaisis_contract()
    evaluation = contract_evaluate(contract=contract)
    evaluation = Evaluation.objects.get(pk=evaluation.pk)

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                yield from walk(item)
        elif isinstance(value, list):
            for item in value:
                yield from walk(item)
        else:
            yield value

    values = [*walk(evaluation.objectives), *walk(evaluation.rule)]
    assert not any(isinstance(v, float) for v in values)
    o1 = evaluation.objectives[0]
    assert o1["rate"] == "0.8133333333"  # rounded down to 10 decimals
    assert D(o1["indicators"][0]["level"]) == 1220
    assert evaluation.rule["objective_threshold"] == "0.60"
    assert evaluation.objectives[0]["title"] == "Objectif O1"


def test_a_snapshot_cannot_be_changed():
    evaluation = contract_evaluate(contract=calaisis_contract())

    evaluation.bonus_amount = D("152371.00")
    with pytest.raises(EvaluationLocked):
        evaluation.save()
    with pytest.raises(EvaluationLocked):
        Evaluation.objects.filter(pk=evaluation.pk).update(bonus_amount=D("1"))
    assert Evaluation.objects.get(pk=evaluation.pk).bonus_amount == D("0.00")


def test_several_contracts_are_evaluated_each_at_its_own_date():
    ended = calaisis_contract()
    other = calaisis_contract(reference="COTTRI-2020-AUTRE", end=datetime.date(2022, 12, 31))

    first, second = contracts_evaluate(contracts=[ended, other])

    assert (first.contract, first.as_of) == (ended, END)
    assert (second.contract, second.as_of) == (other, datetime.date(2022, 12, 31))
    renovations = evaluation_to_json(second)["objectives"][0]["indicators"][0]
    assert renovations["level"] == "1220"  # 2021 and 2022 entries only
    assert renovations["pending"] is None


def _contract_with_objectives(count):
    contract = ContractFactory(bonus_priority_count=1)
    for n in range(count):
        objective = ObjectiveFactory(contract=contract, code=f"O{n}", priority=n == 0)
        for accumulation in ("sum", "latest"):
            indicator = IndicatorFactory(objective=objective, accumulation=accumulation)
            for year in (2021, 2022):
                entry(indicator, "30", on=datetime.date(year, 6, 30))
    return contract


def test_queries_do_not_grow_with_objectives():
    small, large = _contract_with_objectives(3), _contract_with_objectives(30)

    with CaptureQueriesContext(connection) as small_queries:
        contract_evaluate(contract=small)
    with CaptureQueriesContext(connection) as large_queries:
        evaluation = contract_evaluate(contract=large)

    assert len(evaluation.objectives) == 30
    assert len(large_queries) == len(small_queries)
    assert len(large_queries) <= 9  # 9: the evaluation also records what it read (staleness)


def test_queries_do_not_grow_with_contracts():
    contracts = [_contract_with_objectives(2) for _ in range(6)]

    with CaptureQueriesContext(connection) as one:
        contracts_evaluate(contracts=contracts[:1])
    with CaptureQueriesContext(connection) as five:
        contracts_evaluate(contracts=contracts[1:])

    assert len(five) == len(one)


def test_a_snapshot_stored_meanwhile_by_another_process_is_returned_not_duplicated():
    from django.utils import timezone

    from funding.evaluations.loading import load_inputs
    from funding.evaluations.service import _insert_or_get
    from funding.evaluations.snapshot import build_evaluation, fingerprint

    contract = calaisis_contract()
    other = calaisis_contract(reference="COTTRI-2021-AUTRE")
    # Two candidates computed before the other process wrote the first contract's snapshot.
    inputs = load_inputs([contract, other], as_of=None, today=timezone.localdate())
    candidates = [build_evaluation(i, fingerprint_hex=fingerprint(i)) for i in inputs]
    meanwhile = contract_evaluate(contract=contract)

    stored = _insert_or_get({(c.contract_id, c.as_of, c.fingerprint): c for c in candidates})

    first, second = stored.values()
    assert (first.pk, first.created) == (meanwhile.pk, False)
    assert second.created is True and second.pk is not None
    assert Evaluation.objects.filter(contract=contract).count() == 1
    assert Evaluation.objects.filter(contract=other).count() == 1


def test_thresholds_are_inclusive_and_an_objective_takes_its_weakest_indicator():
    contract = calaisis_contract(renovations=("700", "800"), pending="")
    haies = indicator_of(contract, "haies")
    haies.entries.update(value=D("30"))  # 30 / 50 = exactly 60 %
    # A second indicator of O7, to decrease from 100 to 50: 70 reached is (100 - 70) / 50 = 60 %.
    IndicatorFactory(
        objective=haies.objective,
        code="pesticides",
        direction="decrease",
        accumulation="latest",
        baseline=D("100"),
        target=D("50"),
    )
    pesticides = indicator_of(contract, "pesticides")
    entry(pesticides, "90", on=datetime.date(2022, 12, 31))
    entry(pesticides, "70", on=datetime.date(2023, 12, 31))

    data = evaluation_to_json(contract_evaluate(contract=contract))

    o7 = objective_json(data, "O7")
    assert (o7["rate"], o7["met"], o7["missing"]) == ("0.6000", True, None)
    assert [i["rate"] for i in o7["indicators"]] == ["0.6000", "0.6000"]
    assert o7["indicators"][1]["level"] == "70"
    assert data["eligible"] is True
    assert data["bonus_amount"] == "152371.00"

    later = REVIEWED + datetime.timedelta(hours=1)
    pesticides.entries.filter(date=datetime.date(2023, 12, 31)).update(  # a correction
        value=D("71"), reviewed_at=later
    )
    data = evaluation_to_json(contract_evaluate(contract=contract))

    o7 = objective_json(data, "O7")
    assert (o7["rate"], o7["met"]) == ("0.5800", False)
    assert o7["indicators"][1]["missing"] == "1"
    assert data["reasons"] == ["O7 : 58,0 % < 60 %"]
    assert data["bonus_amount"] == "0.00"
