"""Evaluations follow changes: scheduled after commit, once per contract and burst (eager mode).

These tests commit for real (``transaction=True``): callbacks run on commit as in production.
The real worker, the Redis broker and a killed worker are tested in tests/worker/.
"""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from celery.signals import task_prerun
from django.core.cache import cache
from django.db import transaction

from contracts.enums import ContractStatus
from cotri.celery import app
from funding.models import Evaluation
from funding.tasks import (
    enqueue_contract_evaluation,
    evaluate_all_active,
    evaluate_contract,
    lock_key,
    schedule_contract_evaluation,
)
from indicators.enums import EntryStatus
from indicators.models import ProgressEntry
from indicators.signals import progress_changed
from tests.funding.evaluation_builders import REVIEWED, calaisis_contract, entry, indicator_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def eager_celery(settings):
    """Tasks run in the test's thread; a private cache so that no lock survives the test."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def runs():
    """How many times the evaluation task ran, per contract id."""
    counter = Counter()

    def count(sender=None, args=(), **kwargs):
        if sender.name == evaluate_contract.name:
            counter[args[0]] += 1

    task_prerun.connect(count, weak=False)
    yield counter
    task_prerun.disconnect(count)


def submitted_entries(contract, count):
    renovations = indicator_of(contract, "renovations")
    return [
        # One value per indicator and date: one day each.
        entry(
            renovations,
            "1",
            on=datetime.date(2023, 10, 1) + datetime.timedelta(days=n),
            status=EntryStatus.SUBMITTED,
        )
        for n in range(count)
    ]


def validate(entries):
    for item in entries:
        item.status, item.reviewed_at = EntryStatus.VALIDATED, REVIEWED
        item.save()


def build(**kwargs):
    """A contract set up in one transaction (its own set-up schedules one evaluation)."""
    with transaction.atomic():
        return calaisis_contract(**kwargs)


def test_many_validations_in_one_transaction_give_one_evaluation_per_contract(runs):
    first, second = build(), build(reference="COTTRI-2021-AUTRE")
    with transaction.atomic():
        pending = submitted_entries(first, 30) + submitted_entries(second, 30)
    runs.clear()
    Evaluation.objects.all().delete()

    with transaction.atomic():
        validate(pending)

    assert runs == {first.pk: 1, second.pk: 1}
    assert Evaluation.objects.filter(contract=first).count() == 1
    level = Evaluation.objects.get(contract=first).objectives[0]["indicators"][0]["level"]
    assert Decimal(level) == 1250  # every validation of the burst is counted


def test_a_submission_and_a_validation_each_schedule_an_evaluation_a_draft_does_not(runs):
    # Submitted values are inputs of the snapshot (its pending values, issue 10): a submission
    # re-evaluates too; a draft is no input.
    contract = build()
    runs.clear()

    renovations = indicator_of(contract, "renovations")
    entry(renovations, "5", on=datetime.date(2023, 9, 1), status=EntryStatus.DRAFT)
    assert runs == {}

    pending = submitted_entries(contract, 1)
    assert runs == {contract.pk: 1}
    latest = Evaluation.objects.filter(contract=contract).latest("pk")
    assert Decimal(latest.objectives[0]["indicators"][0]["pending"]) == 36

    validate(pending)
    assert runs == {contract.pk: 2}
    latest = Evaluation.objects.filter(contract=contract).latest("pk")
    assert Decimal(latest.objectives[0]["indicators"][0]["level"]) == 1221


def test_sending_a_validated_entry_back_schedules_an_evaluation(runs):
    contract = build()
    validated = ProgressEntry.objects.get(indicator__code="renovations", value=420)

    validated.status = EntryStatus.RETURNED
    validated.save()

    latest = Evaluation.objects.filter(contract=contract).latest("pk")
    assert Decimal(latest.objectives[0]["indicators"][0]["level"]) == 800


def test_changing_an_objective_or_an_indicator_schedules_an_evaluation(runs):
    contract = build()
    haies = indicator_of(contract, "haies")
    runs.clear()

    haies.target = 100
    haies.save()
    assert runs == {contract.pk: 1}
    latest = Evaluation.objects.filter(contract=contract).latest("pk")
    assert latest.reasons[-1] == "O7 : 50,0 % < 60 %"

    objective = haies.objective
    objective.priority = True
    objective.save()
    assert runs == {contract.pk: 2}
    assert Evaluation.objects.filter(contract=contract, status="configuration_error").exists()


def test_a_rolled_back_savepoint_does_not_swallow_the_next_change(runs):
    contract = build()
    runs.clear()

    with transaction.atomic():
        try:
            with transaction.atomic():
                schedule_contract_evaluation(contract.pk)
                raise RuntimeError
        except RuntimeError:
            pass
        schedule_contract_evaluation(contract.pk)

    assert runs == {contract.pk: 1}


def test_a_bulk_import_signal_schedules_its_contracts(runs):
    contract = build()
    runs.clear()

    progress_changed.send(sender=ProgressEntry, contract_ids={contract.pk})

    assert runs == {contract.pk: 1}


def test_an_evaluation_already_waiting_is_not_enqueued_twice():
    contract = build()
    Evaluation.objects.all().delete()
    cache.add(lock_key(contract.pk), 1)  # as if an evaluation were waiting for its countdown

    assert enqueue_contract_evaluation(contract.pk) is False
    assert Evaluation.objects.count() == 0

    cache.delete(lock_key(contract.pk))
    assert enqueue_contract_evaluation(contract.pk) is True
    assert Evaluation.objects.count() == 1
    assert cache.get(lock_key(contract.pk)) is None  # the task freed it


def test_nightly_task_evaluates_every_active_contract(neighbour):
    active = build()
    build(reference="COTTRI-2018-CLOS", status=ContractStatus.CLOSED)
    Evaluation.objects.all().delete()

    # This test's active contract and the neighbour's (active too), not the closed one.
    assert evaluate_all_active.apply().get(disable_sync_subtasks=False) == 2
    evaluated = Evaluation.objects.values_list("contract", flat=True)
    assert sorted(evaluated) == sorted([active.pk, neighbour.contract.pk])


def test_the_task_is_idempotent_and_ignores_a_deleted_contract():
    contract = build()

    first = evaluate_contract.apply((contract.pk,)).get(disable_sync_subtasks=False)
    again = evaluate_contract.apply((contract.pk,)).get(disable_sync_subtasks=False)

    assert first == again
    assert Evaluation.objects.filter(contract=contract).count() == 1
    assert evaluate_contract.apply((contract.pk + 1000,)).get(disable_sync_subtasks=False) is None


def test_the_task_survives_a_lost_worker():
    assert evaluate_contract.acks_late is True
    assert evaluate_contract.max_retries == 5
    assert evaluate_contract.retry_backoff is True
