"""What files and lists of many contracts read: the latest stored snapshot at each contract's
evaluation date, else a preview computed in bulk; and what each evaluation records of its read."""

import datetime

import pytest
from django.utils import timezone

from funding.evaluations import (
    contract_evaluate,
    contract_evaluation_preview,
    contracts_evaluation_preview,
    contracts_latest_evaluation,
    evaluation_to_json,
)
from funding.models import Evaluation, EvaluationInputs
from tests.funding.evaluation_builders import END, calaisis_contract, entry, indicator_of

pytestmark = pytest.mark.django_db

MID_2023 = datetime.date(2023, 6, 30)


def renovations_level(evaluation):
    return evaluation_to_json(evaluation)["objectives"][0]["indicators"][0]["level"]


def test_files_read_each_contracts_latest_snapshot_at_its_evaluation_date(neighbour):
    updated = calaisis_contract()
    contract_evaluate(contract=updated)
    entry(indicator_of(updated, "renovations"), "5", on=datetime.date(2023, 10, 31))
    latest = contract_evaluate(contract=updated)
    # Evaluated only in mid-2023: that snapshot says nothing of its evaluation at its end.
    dated = calaisis_contract(reference="COTTRI-2021-DATEE")
    contract_evaluate(contract=dated, as_of=MID_2023)
    never = calaisis_contract(reference="COTTRI-2021-JAMAIS")
    stored = Evaluation.objects.count()

    read = contracts_latest_evaluation(contracts=[never, updated, dated])

    assert [e.contract for e in read] == [never, updated, dated]
    assert all(e.contract is c for e, c in zip(read, [never, updated, dated], strict=True))
    assert all(e.created is False for e in read)
    assert read[1].pk == latest.pk
    assert renovations_level(read[1]) == "1225"
    assert [(e.pk, e.as_of) for e in (read[0], read[2])] == [(None, END), (None, END)]
    assert renovations_level(read[0]) == renovations_level(read[2]) == "1220"
    assert Evaluation.objects.count() == stored  # nothing written
    neighbour.assert_unchanged()


def test_a_preview_of_many_contracts_reuses_stored_snapshots_and_writes_nothing():
    first = calaisis_contract()
    second = calaisis_contract(reference="COTTRI-2021-SECOND")
    stored = contract_evaluate(contract=second)
    count = Evaluation.objects.count()

    previews = contracts_evaluation_preview(contracts=[second, first])

    assert [e.contract for e in previews] == [second, first]
    assert previews[0].contract is second and previews[1].contract is first
    assert (previews[0].pk, previews[0].created) == (stored.pk, False)
    assert (previews[1].pk, previews[1].created) == (None, False)
    assert previews[1].fingerprint == contract_evaluate(contract=first).fingerprint
    assert Evaluation.objects.count() == count + 1  # only the evaluation just above


def test_a_preview_at_a_given_date_reads_the_entries_up_to_that_date():
    contract = calaisis_contract()
    stored = contract_evaluate(contract=contract, as_of=MID_2023)

    (many,) = contracts_evaluation_preview(contracts=[contract], as_of=MID_2023)
    one = contract_evaluation_preview(contract=contract, as_of=MID_2023)

    assert many.as_of == one.as_of == MID_2023
    assert many.pk == one.pk == stored.pk
    assert renovations_level(many) == "1220"  # the 2021 and 2022 values, both counted
    assert (many.created, one.created) == (False, False)
    assert one.contract is contract


def test_a_single_preview_is_unsaved_until_the_contract_is_evaluated():
    contract = calaisis_contract()

    preview = contract_evaluation_preview(contract=contract)

    assert (preview.pk, preview.created, preview.as_of) == (None, False, END)
    assert not Evaluation.objects.filter(contract=contract).exists()
    stored = contract_evaluate(contract=contract)
    assert preview.fingerprint == stored.fingerprint
    assert contract_evaluation_preview(contract=contract).pk == stored.pk


def test_an_evaluation_records_when_it_read_the_inputs_only_at_the_default_date():
    contract = calaisis_contract()
    contract_evaluate(contract=contract, as_of=MID_2023)
    assert not EvaluationInputs.objects.filter(contract=contract).exists()

    before = timezone.now()
    first = contract_evaluate(contract=contract)
    check = EvaluationInputs.objects.get(contract=contract)
    assert check.fingerprint == first.fingerprint
    assert before <= check.checked_at <= timezone.now()

    entry(indicator_of(contract, "renovations"), "5", on=datetime.date(2023, 10, 31))
    second = contract_evaluate(contract=contract)
    check_again = EvaluationInputs.objects.get(contract=contract)
    assert check_again.fingerprint == second.fingerprint != first.fingerprint
    assert check_again.checked_at > check.checked_at


def test_an_evaluation_asked_by_an_officer_names_them(officer):
    contract = calaisis_contract()

    evaluation = contract_evaluate(contract=contract, by=officer)

    assert Evaluation.objects.get(pk=evaluation.pk).created_by == officer


def _stored_meanwhile(contract):
    """The unsaved candidate of a run that read ``contract``'s inputs, and the snapshot another
    process stored for the same inputs before this run could write its own."""
    from funding.evaluations.loading import load_inputs
    from funding.evaluations.snapshot import build_evaluation, fingerprint

    (inputs,) = load_inputs([contract], as_of=None, today=timezone.localdate())
    candidate = build_evaluation(inputs, fingerprint_hex=fingerprint(inputs))
    return candidate, (candidate.contract_id, candidate.as_of, candidate.fingerprint)


def test_a_snapshot_stored_meanwhile_is_the_contracts_own_even_when_another_has_the_same_inputs():
    from funding.evaluations.service import _insert_or_get

    twin = calaisis_contract()  # same inputs, hence the same fingerprint, another contract
    twin_snapshot = contract_evaluate(contract=twin)
    contract = calaisis_contract(reference="COTTRI-2021-JUMEAU")
    assert contract_evaluation_preview(contract=contract).pk is None  # not the twin's snapshot
    candidate, key = _stored_meanwhile(contract)
    meanwhile = contract_evaluate(contract=contract)
    assert meanwhile.fingerprint == twin_snapshot.fingerprint

    (returned,) = _insert_or_get({key: candidate}).values()

    assert (returned.pk, returned.created) == (meanwhile.pk, False)
    assert returned.contract is contract


def test_a_snapshot_stored_meanwhile_is_the_one_of_the_same_inputs_not_the_latest():
    from funding.evaluations.service import _insert_or_get

    contract = calaisis_contract()
    earlier = contract_evaluate(contract=contract)  # inputs read again below
    late = entry(indicator_of(contract, "renovations"), "5", on=datetime.date(2023, 10, 31))
    later = contract_evaluate(contract=contract)  # other inputs, stored after
    late.delete()
    candidate, key = _stored_meanwhile(contract)

    (returned,) = _insert_or_get({key: candidate}).values()

    assert later.pk != earlier.pk
    assert (returned.pk, returned.fingerprint) == (earlier.pk, earlier.fingerprint)
    assert renovations_level(returned) == "1220"
    assert contract_evaluation_preview(contract=contract).pk == earlier.pk
