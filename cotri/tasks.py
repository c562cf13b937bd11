"""Celery tasks of the site-wide files: thin, idempotent."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from exchange.opendata_files import LOCK_KEY, api_files_generate, opendata_generate

# Whole tables at national size take minutes: the file tasks get their own limits.
_FILE_LIMITS = {
    "soft_time_limit": settings.COTRI_FILE_TASK_SOFT_TIME_LIMIT,
    "time_limit": settings.COTRI_FILE_TASK_SOFT_TIME_LIMIT + 60,
}


@shared_task(acks_late=False, **_FILE_LIMITS)
def generate_opendata() -> dict[str, dict]:
    """Write every open data file and the anonymous API files (nightly, and once per window
    after changes); returns {slug: metadata} (the API files' under ``api/<dataset>``)."""
    cache.delete(LOCK_KEY)  # before reading: a change committed from now on schedules another run
    written = opendata_generate()
    written.update({f"api/{k}": v for k, v in api_files_generate().items()})
    return written


@shared_task(acks_late=False, **_FILE_LIMITS)
def run_export_job(job_id: int) -> str | None:
    """Write the file of an officer's export (``exchange.export_jobs``); returns its status."""
    from exchange.export_jobs import export_job_run

    job = export_job_run(job_id)
    return job.status if job else None


@shared_task
def purge_export_jobs() -> int:
    """Delete the officers' exports older than ``COTRI_EXPORT_KEEP_DAYS`` (daily)."""
    from exchange.export_jobs import export_jobs_purge

    return export_jobs_purge()
