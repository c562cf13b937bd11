"""Celery tasks of the public fiches: thin, take ids, idempotent (same inputs, same file).

A burst of changes on a published contract gives one render: ``schedule_fiche_pdf`` enqueues at
most one task per contract per window (a cache lock), delayed by the window; the task frees the
lock before reading, so a change committed after that schedules another render.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from contracts.models import Contract
from cotri.public.pdf import contract_forget_fiche_pdf, contract_render_fiche_pdf

logger = logging.getLogger(__name__)


def fiche_lock_key(contract_id: int) -> str:
    """Held while a render of the contract's fiche is waiting (freed when the render starts)."""
    return f"cotri:fiche-pdf:scheduled:{contract_id}"


def _window() -> int:
    return int(getattr(settings, "COTRI_FICHE_COALESCE_SECONDS", 60))


def hold_fiche_renders(contract_ids: list[int]) -> None:
    """Take these contracts' render locks at once (one cache write), as if their renders were
    waiting: a change meanwhile schedules none; the caller renders them (which frees each)."""
    timeout = _window() * 2 + 60
    cache.set_many({fiche_lock_key(pk): 1 for pk in contract_ids}, timeout=timeout)


def schedule_fiche_pdf(contract_id: int) -> None:
    """After the commit, render the contract's fiche once per window."""

    def enqueue() -> None:
        window = _window()
        if cache.add(fiche_lock_key(contract_id), 1, timeout=window * 2 + 60):
            render_fiche_pdf.apply_async((contract_id,), countdown=window)

    transaction.on_commit(enqueue)


@shared_task(acks_late=True)
def render_fiche_pdf(contract_id: int) -> str | None:
    """Render and store the fiche PDF of a published contract (forget it when not public)."""
    cache.delete(fiche_lock_key(contract_id))
    contract = (
        Contract.objects.published()
        .select_related("programme__referential", "territory")
        .filter(pk=contract_id)
        .first()
    )
    if contract is None:
        stale = Contract.objects.filter(pk=contract_id).first()
        if stale is not None:
            contract_forget_fiche_pdf(contract=stale)
        return None
    return contract_render_fiche_pdf(contract=contract).name


@shared_task
def render_all_fiche_pdfs() -> int:
    """Nightly: one render task per published fiche (unchanged inputs are skipped); return how
    many were rendered or enqueued. One task per fiche keeps every task within the task time
    limit (settings: CELERY_TASK_TIME_LIMIT), whatever the number of contracts."""
    count = 0
    for contract_id, reference in Contract.objects.published().values_list("pk", "reference"):
        try:
            render_fiche_pdf.delay(contract_id)
            count += 1
        except Exception:  # one broken fiche (run at once when eager) must not stop the others
            logger.exception("Fiche PDF de %s non rendue", reference)
    return count


@shared_task(acks_late=True)
def rebuild_comparison_tables() -> list[str]:
    """Rebuild the comparison tables of every kind shown so far (compare.py, ADR 0017): one
    aggregate query per kind, never in a request. Frees the lock before reading, so a
    validation committed meanwhile schedules another rebuild."""
    from django.utils import timezone

    from cotri.public.compare import REBUILD_LOCK_KEY, rebuild_tables

    cache.delete(REBUILD_LOCK_KEY)
    return rebuild_tables(timezone.localdate())
