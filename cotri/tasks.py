"""Celery tasks of the site-wide files and of bulk changes: thin, idempotent."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from exchange.opendata_files import (
    LOCK_KEY,
    api_files_generate,
    opendata_generate,
    schedule_opendata,
)

logger = logging.getLogger(__name__)

# Contracts refreshed by one task: an evaluation and a fiche PDF each stay well within the task
# time limit (settings: CELERY_TASK_SOFT_TIME_LIMIT) at this size; more are split in chunks.
REFRESH_CHUNK = 20

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


@shared_task(acks_late=True)
def refresh_contracts(contract_ids: list[int]) -> int:
    """Evaluate each contract and render its fiche PDF once, then schedule the open data files;
    return the number of contracts refreshed here (0 when split).

    Enqueued once per bulk action (``cotri.refresh``). Over ``REFRESH_CHUNK`` contracts, the task
    splits itself into chunk tasks. One contract's failure does not stop the others; the first
    one is raised at the end (the task is then marked failed and logged).
    """
    from cotri.public.tasks import hold_fiche_renders, render_fiche_pdf
    from funding.tasks import evaluate_contract

    ids = sorted(set(contract_ids))
    if len(ids) > REFRESH_CHUNK:
        for start in range(0, len(ids), REFRESH_CHUNK):
            refresh_contracts.apply_async((ids[start : start + REFRESH_CHUNK],))
        return 0
    # The evaluations' own saves would schedule one more render each: hold the renders' locks,
    # the renders below free them.
    hold_fiche_renders(ids)
    failures: list[Exception] = []
    for task in (evaluate_contract, render_fiche_pdf):
        for contract_id in ids:
            try:
                task.apply((contract_id,), throw=True)
            except Exception as exc:  # the other contracts still run
                logger.exception("Contrat %s : %s en échec", contract_id, task.name)
                failures.append(exc)
    schedule_opendata()
    if failures:
        raise failures[0]
    return len(ids)
