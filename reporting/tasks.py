"""Thin Celery tasks of the reporting cycle (the beat schedule is in settings)."""

from celery import shared_task
from django.utils import timezone

from reporting.reminders import reminders_send


@shared_task(name="reporting.tasks.send_reminders")
def send_reminders() -> dict:
    """Today's reminders, with today's date in Paris (``TIME_ZONE``); safe to run twice."""
    run = reminders_send(today=timezone.localdate())
    return {"sent": run.sent, "already_sent": run.already_sent, "opted_out": run.opted_out}
