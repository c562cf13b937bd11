"""Evaluations run by a real Celery worker on Redis: coalescing, and a worker killed mid-task."""

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from decimal import Decimal
from urllib.parse import quote

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from cotri.celery import app
from funding.models import Evaluation
from funding.tasks import evaluate_contract
from indicators.enums import EntryStatus
from indicators.models import ProgressEntry
from tests.funding.evaluation_builders import REVIEWED, calaisis_contract, indicator_of
from tests.worker.waiting import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def build(**kwargs):
    with transaction.atomic():
        return calaisis_contract(**kwargs)


@pytest.fixture
def finished():
    """Evaluation tasks finished by the worker thread, per contract id."""
    counter = Counter()

    def count(sender=None, args=(), **kwargs):
        if sender.name == evaluate_contract.name:
            counter[args[0]] += 1

    task_postrun.connect(count, weak=False)
    yield counter
    task_postrun.disconnect(count)


@pytest.fixture
def worker(celery_on_redis):
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as w:
        yield w


def test_a_real_worker_evaluates_a_contract_after_a_change(worker, finished):
    contract = build()  # its objectives and validated entries schedule one evaluation

    wait_for(lambda: finished[contract.pk] == 1, timeout=30, what="the evaluation")

    evaluation = Evaluation.objects.get(contract=contract)
    assert Decimal(evaluation.objectives[0]["indicators"][0]["level"]) == 1220


def test_a_burst_of_200_validations_gives_one_evaluation_per_contract(worker, finished):
    contracts = [build(), build(reference="COTTRI-2021-AUTRE")]
    wait_for(lambda: len(finished) == 2, timeout=30, what="the first evaluations")
    pending = ProgressEntry.objects.bulk_create(
        ProgressEntry(
            indicator=indicator_of(contract, "renovations"),
            # One value per indicator and date: a hundred days, within the contract.
            date=datetime.date(2023, 7, 1) + datetime.timedelta(days=n),
            value=1,
            status=EntryStatus.SUBMITTED,
        )
        for contract in contracts
        for n in range(100)
    )
    finished.clear()

    for item in pending:  # 200 validations, each committed on its own
        with transaction.atomic():
            item.status, item.reviewed_at = EntryStatus.VALIDATED, REVIEWED
            item.save()

    wait_for(lambda: len(finished) == 2, timeout=30, what="the evaluations after the burst")
    time.sleep(settings.COTRI_EVALUATION_COALESCE_SECONDS + 2)  # nothing else is coming
    assert finished == {contracts[0].pk: 1, contracts[1].pk: 1}
    for contract in contracts:
        latest = Evaluation.objects.filter(contract=contract).latest("pk")
        assert Decimal(latest.objectives[0]["indicators"][0]["level"]) == 1320
        assert Evaluation.objects.filter(contract=contract).count() == 2


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{quote(db['USER'])}{password}@{db['HOST']}{port}/{db['NAME']}"


def _start_worker_process(redis_url: str, queue: str, **extra_env) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.worker.worker_settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **extra_env,
    }
    command = [
        sys.executable, "-m", "celery", "-A", "cotri", "worker", "--pool=solo",
        "-Q", queue, "-n", f"{queue}-{uuid.uuid4().hex[:6]}@%h",
        "--without-heartbeat", "--without-mingle", "--without-gossip", "--loglevel=WARNING",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # warm shutdown
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_worker_killed_during_an_evaluation_leaves_exactly_one_snapshot(celery_on_redis):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker processes must reach the test database")
    contract = build()
    evaluations = Evaluation.objects.filter(contract=contract)
    evaluations.delete()  # only the evaluation below counts
    queue = f"kill-test-{uuid.uuid4().hex[:8]}"
    started = f"cotri:test:evaluation-started:{contract.pk}"
    evaluate_contract.apply_async((contract.pk,), queue=queue)

    first = _start_worker_process(celery_on_redis, queue, COTRI_TEST_EVALUATION_DELAY="120")
    try:
        wait_for(lambda: cache.get(started) is not None, timeout=60, what="the task to start")
        assert cache.get(started) == first.pid  # the solo pool runs the task in the worker
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        _stop(first)
    assert not evaluations.exists()  # killed inside the transaction: nothing committed

    second = _start_worker_process(celery_on_redis, queue)
    try:
        wait_for(lambda: evaluations.exists(), timeout=60, what="the redelivered task")
        broker = redis.Redis.from_url(celery_on_redis)
        wait_for(lambda: broker.hlen("unacked") == 0, timeout=30, what="the acknowledgement")
    finally:
        _stop(second)

    assert evaluations.count() == 1
    assert Decimal(evaluations.get().objectives[0]["indicators"][0]["level"]) == 1220
    assert not Evaluation.objects.exclude(contract=contract).exists()  # the neighbour's: none
