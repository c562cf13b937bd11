"""Celery tasks of funding: thin, take ids, idempotent (a snapshot is stored once per inputs).

Evaluations follow changes in bursts: ``schedule_contract_evaluation`` runs after the commit and
enqueues at most one evaluation per contract per window (a cache lock, ``cache.add``), delayed by
the window so that it reads the whole burst. The task frees the lock before reading: a change
committed after that schedules another evaluation, so none is ever missed.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Collection
from datetime import date

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, OperationalError, transaction
from django.utils import timezone

from contracts.models import Contract
from funding.evaluations import contract_evaluate
from funding.models import EvaluationInputs
from indicators.models import Indicator, Objective

logger = logging.getLogger(__name__)

TASK_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
}


def coalesce_seconds() -> int:
    """Length of a burst window (setting ``COTRI_EVALUATION_COALESCE_SECONDS``, default 60)."""
    return int(getattr(settings, "COTRI_EVALUATION_COALESCE_SECONDS", 60))


def lock_key(contract_id: int) -> str:
    return f"cotri:evaluation:scheduled:{contract_id}"


def _test_only_delay(contract_id: int) -> None:
    """TEST ONLY (tests/worker): with ``COTRI_TEST_EVALUATION_DELAY`` set to seconds, mark the
    start in the cache and sleep inside the evaluation's transaction, so that a test can kill the
    worker in the middle of an evaluation. Never set it anywhere else."""
    delay = os.environ.get("COTRI_TEST_EVALUATION_DELAY")
    if not delay:
        return
    cache.set(f"cotri:test:evaluation-started:{contract_id}", os.getpid(), timeout=600)
    time.sleep(float(delay))


@shared_task(**TASK_OPTIONS)
def evaluate_contract(self, contract_id: int, as_of: str | None = None) -> int | None:
    """Evaluate one contract and store its snapshot; return the evaluation's id."""
    cache.delete(lock_key(contract_id))  # before reading: later changes schedule a new run
    contract = Contract.objects.filter(pk=contract_id).first()
    if contract is None:
        return None
    with transaction.atomic():
        evaluation = contract_evaluate(
            contract=contract, as_of=date.fromisoformat(as_of) if as_of else None
        )
        _test_only_delay(contract_id)
    return evaluation.pk


@shared_task(**TASK_OPTIONS)
def evaluate_all_active(self) -> int:
    """Nightly: one evaluation task per active contract; return how many were enqueued."""
    count = 0
    for contract_id in Contract.objects.active().values_list("pk", flat=True).iterator():
        count += enqueue_contract_evaluation(contract_id, countdown=0)
    return count


def enqueue_contract_evaluation(contract_id: int, *, countdown: int | None = None) -> bool:
    """Enqueue an evaluation unless one is already waiting for this contract."""
    countdown = coalesce_seconds() if countdown is None else countdown
    if not cache.add(lock_key(contract_id), 1, timeout=countdown + 60):
        return False
    try:
        evaluate_contract.apply_async((contract_id,), countdown=countdown)
    except Exception:
        cache.delete(lock_key(contract_id))  # do not block the next change for nothing
        raise
    return True


def inputs_changed(contract_id: int) -> bool:
    """The contract's evaluation inputs changed (committed): mark its snapshots stale until the
    next evaluation reads them (``EvaluationInputs``), then enqueue that evaluation."""
    try:
        marks = EvaluationInputs.objects.filter(contract_id=contract_id)
        if not marks.update(changed_at=timezone.now()):
            EvaluationInputs.objects.update_or_create(
                contract_id=contract_id, defaults={"changed_at": timezone.now()}
            )
    except DatabaseError:  # a contract deleted meanwhile: nothing left to mark
        logger.warning("Contrat %s : changement de données non enregistré", contract_id)
    return enqueue_contract_evaluation(contract_id)


def mark_inputs_changed(contract_ids: Collection[int]) -> None:
    """Mark these contracts' evaluation inputs as changed now (committed changes), in one query
    whatever their number (``INSERT … ON CONFLICT DO UPDATE``). Call it after the commit; the
    evaluation is enqueued by the caller (``cotri.refresh``: one task for a whole action)."""
    if not contract_ids:
        return
    now = timezone.now()
    try:
        with transaction.atomic():  # a savepoint when called inside a transaction
            EvaluationInputs.objects.bulk_create(
                [EvaluationInputs(contract_id=pk, changed_at=now) for pk in sorted(contract_ids)],
                update_conflicts=True,
                unique_fields=["contract"],
                update_fields=["changed_at"],
            )
    except DatabaseError:  # a contract deleted meanwhile: mark the others one by one
        logger.warning("Contrats %s : changement de données marqué un à un", sorted(contract_ids))
        for contract_id in contract_ids:
            _mark_one(contract_id, now)


def _mark_one(contract_id: int, now) -> None:
    try:
        with transaction.atomic():
            EvaluationInputs.objects.update_or_create(
                contract_id=contract_id, defaults={"changed_at": now}
            )
    except DatabaseError:
        logger.warning("Contrat %s : changement de données non enregistré", contract_id)


def schedule_contract_evaluation(contract_id: int | None) -> None:
    """After the current transaction commits, mark the contract's evaluation inputs as changed
    and evaluate it (once per burst)."""
    if contract_id is None:
        return
    connection = transaction.get_connection()
    # Once per contract and transaction: a 200-row validation registers one callback. The
    # callbacks of a rolled-back savepoint are dropped by Django, so are the marks.
    if connection.in_atomic_block and any(
        getattr(callback, "evaluation_contract_id", None) == contract_id
        for _savepoints, callback, _robust in connection.run_on_commit
    ):
        return
    callback = functools.partial(inputs_changed, contract_id)
    callback.evaluation_contract_id = contract_id
    # robust: an unavailable broker must not turn a committed validation into an error page.
    transaction.on_commit(callback, robust=True)


def schedule_indicator_evaluation(indicator_id: int | None) -> None:
    contract_id = (
        Indicator.objects.filter(pk=indicator_id).values_list("objective__contract_id").first()
    )
    schedule_contract_evaluation(contract_id[0] if contract_id else None)


def schedule_objective_evaluation(objective_id: int | None) -> None:
    contract_id = Objective.objects.filter(pk=objective_id).values_list("contract_id").first()
    schedule_contract_evaluation(contract_id[0] if contract_id else None)
