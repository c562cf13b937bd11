"""Thin Celery tasks of the reporting cycle (the beat schedule is in settings)."""

import datetime

from celery import shared_task
from django.utils import timezone

from reporting.reminders import reminders_send


@shared_task(name="reporting.tasks.send_reminders", ignore_result=True)
def send_reminders(today: str | None = None) -> dict:
    """The day's reminders; safe to run twice the same day.

    ``today``: ISO date (« 2023-01-17 »); beat passes none, meaning today's date in Paris.
    Returns ``{"sent": n, "already_sent": n, "opted_out": n}``.
    """
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    run = reminders_send(today=day)
    return {"sent": run.sent, "already_sent": run.already_sent, "opted_out": run.opted_out}
