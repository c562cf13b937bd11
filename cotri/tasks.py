"""Celery tasks of the site-wide files: thin, idempotent."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache

from exchange.opendata_files import LOCK_KEY, opendata_generate


@shared_task(acks_late=True)
def generate_opendata() -> dict[str, dict]:
    """Write every open data file (nightly, and once per window after changes)."""
    cache.delete(LOCK_KEY)  # before reading: a change committed from now on schedules another run
    return opendata_generate()
