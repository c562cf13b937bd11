"""Reminders sent by a real Celery worker on Redis: once per person per day, across restarts."""

import datetime

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.db import transaction

from cotri.celery import app
from reporting.models import SentReminder
from reporting.services import campaign_open, report_submit
from reporting.tasks import send_reminders
from tests.espace.conftest import (  # noqa: F401 (fixtures)
    chef_a,
    chef_b,
    contract_a,
    contract_b,
    indicator_a,
    indicator_b,
)
from tests.worker.waiting import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
FOURTEEN_DAYS_BEFORE = "2023-01-17"
DUE = "2023-01-31"


@pytest.fixture
def campaign(officer, contract_a, contract_b):  # noqa: F811 (fixtures)
    with transaction.atomic():
        return campaign_open(
            name="Bilan annuel 2022",
            contracts=[contract_a, contract_b],
            period_start=datetime.date(2022, 1, 1),
            period_end=datetime.date(2022, 12, 31),
            due_on=datetime.date(2023, 1, 31),
            by=officer,
        )


@pytest.fixture
def runs():
    """Return values of the reminder tasks the worker finished, in order."""
    done = []

    def collect(sender=None, retval=None, **kwargs):
        if sender.name == send_reminders.name:
            done.append(retval)

    task_postrun.connect(collect, weak=False)
    yield done
    task_postrun.disconnect(collect)


def _run(runs: list, today: str) -> dict:
    before = len(runs)
    send_reminders.apply_async(kwargs={"today": today})
    wait_for(lambda: len(runs) > before, timeout=30, what="the reminder task")
    return runs[-1]


def _worker():
    return start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30)


def test_one_reminder_per_late_chef_then_nothing_more_that_day_even_after_a_restart(
    celery_on_redis,
    runs,
    campaign,
    officer,
    neighbour,
    chef_a,  # noqa: F811
    chef_b,  # noqa: F811
    contract_a,  # noqa: F811
):
    with _worker():
        first = _run(runs, FOURTEEN_DAYS_BEFORE)
        again = _run(runs, FOURTEEN_DAYS_BEFORE)  # beat fired twice

    # Chefs A and B, and the officers' digest: the neighbour's submitted entry awaits validation.
    # The neighbour's chef is in no campaign: no reminder; inactive accounts get none.
    assert (first["sent"], again["sent"], again["already_sent"]) == (3, 0, 3)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [chef_a.email, chef_b.email, officer.email]
    )
    day = datetime.date(2023, 1, 17)
    for chef in (chef_a, chef_b):
        assert SentReminder.objects.filter(day=day, user=chef).count() == 1
    assert not SentReminder.objects.filter(
        user__in=[neighbour.chef, neighbour.inactive_chef, neighbour.inactive_officer]
    ).exists()

    with _worker():  # the worker restarted: the day's rows are in the database
        assert _run(runs, FOURTEEN_DAYS_BEFORE)["sent"] == 0
        # Chef A submits; on the due date only chef B is reminded.
        report_submit(report=campaign.reports.get(contract=contract_a), by=chef_a)
        mail.outbox.clear()
        due = _run(runs, DUE)

    assert due["sent"] == 2  # chef B, and the officers' digest (A's report awaits validation)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([chef_b.email, officer.email])
    assert neighbour.chef.email not in recipients
    assert SentReminder.objects.filter(day=day, user__in=[chef_a, chef_b]).count() == 2
    neighbour.assert_unchanged()


def test_three_runs_queued_at_once_send_each_email_once(
    celery_on_redis,
    runs,
    campaign,
    officer,
    neighbour,
    chef_a,  # noqa: F811
    chef_b,  # noqa: F811
):
    for _ in range(3):
        send_reminders.apply_async(kwargs={"today": DUE})
    with _worker():
        wait_for(lambda: len(runs) == 3, timeout=30, what="three reminder tasks")
    sent = [run["sent"] for run in runs]

    # Chefs A and B on the due date, and the officers' digest (the neighbour's submitted entry).
    assert sorted(sent) == [0, 0, 3]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [chef_a.email, chef_b.email, officer.email]
    )
    assert neighbour.chef.email not in [m.to[0] for m in mail.outbox]
