"""Celery tasks of the site-wide files and of bulk changes: thin, idempotent."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.cache import cache

from exchange.opendata_files import LOCK_KEY, opendata_generate, schedule_opendata

logger = logging.getLogger(__name__)

# Contracts refreshed by one task: an evaluation and a fiche PDF each stay well within the task
# time limit (settings: CELERY_TASK_SOFT_TIME_LIMIT) at this size; more are split in chunks.
REFRESH_CHUNK = 20


@shared_task(acks_late=True)
def generate_opendata() -> dict[str, dict]:
    """Write every open data file (nightly, and once per window after changes)."""
    cache.delete(LOCK_KEY)  # before reading: a change committed from now on schedules another run
    return opendata_generate()


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
