"""After progress entries changed in bulk (a review action, an import): one task per action.

``indicators`` announces bulk changes with ``progress_changed(contract_ids=…)`` (inside the
review's transaction, after an import's commit). This receiver, the only one of that signal,
does per action, whatever the number of contracts:

- now: bump the cached fiches' generations (one cache write) and the overview's, and the
  comparison generation when a changed contract shows in comparisons (``cotri.public.compare``);
- after the commit: mark the contracts' evaluation inputs as changed (one upsert,
  ``funding.tasks.mark_inputs_changed``), bump the generations again, and enqueue **one**
  ``cotri.tasks.refresh_contracts`` task carrying the contract ids, delayed by the evaluation
  window. That task evaluates each contract, renders each published fiche, then schedules the
  open data files (coalesced per window), in chunks small enough for the task time limit.

Single-entry saves keep their per-contract signals (``funding.signals``,
``cotri.public.signals``), coalesced per contract and window.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

from cotri.public.cache import bump_comparison_generation, bump_fiche_generations
from cotri.public.compare import comparisons_read
from cotri.public.overview_cache import bump_overview_generation
from funding.tasks import coalesce_seconds, mark_inputs_changed

logger = logging.getLogger(__name__)


def schedule_contracts_refresh(contract_ids: Iterable[int]) -> None:
    """Re-evaluate these contracts and re-render their fiches once, after the commit, through one
    task (see the module's docstring). Safe outside a transaction (runs at once)."""
    ids = sorted(set(contract_ids))
    if not ids:
        return
    bump_fiche_generations(ids)
    bump_overview_generation()
    if comparisons_read(ids):
        bump_comparison_generation()

    def marks() -> None:
        mark_inputs_changed(ids)

    def enqueue() -> None:
        from cotri.tasks import refresh_contracts

        refresh_contracts.apply_async((ids,), countdown=coalesce_seconds())

    # robust: an unavailable broker must not turn a committed validation into an error page.
    transaction.on_commit(marks, robust=True)
    transaction.on_commit(enqueue, robust=True)


def progress_changed(sender, contract_ids=(), **kwargs) -> None:
    schedule_contracts_refresh(contract_ids)
