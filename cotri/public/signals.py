"""When what a fiche shows changes: drop its cached page and re-render its PDF.

``connect_fiche_signals()`` is called once at start-up (CotriConfig.ready). Handlers only find
the contract, bump its fiche's cache generation (cache.py) and schedule the PDF: the render runs
after the commit, once per window (tasks.py).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from contracts.models import Contract, GovernanceBody
from cotri import refresh
from cotri.public.cache import bump_fiche_generation
from cotri.public.overview_cache import bump_overview_generation
from cotri.public.tasks import schedule_fiche_pdf
from exchange.opendata_files import schedule_opendata
from funding.models import Evaluation, Tranche
from indicators.enums import EntryStatus
from indicators.models import Action, Actor, Indicator, Means, Objective, ProgressEntry
from indicators.signals import progress_changed


def _contract_of_objective(objective_id: int) -> int | None:
    objectives = Objective.objects.filter(pk=objective_id)
    return objectives.values_list("contract_id", flat=True).first()


# Where each model finds its contract's id.
CONTRACT_OF = {
    Tranche: lambda obj: obj.contract_id,
    Evaluation: lambda obj: obj.contract_id,
    GovernanceBody: lambda obj: obj.contract_id,
    Objective: lambda obj: obj.contract_id,
    Action: lambda obj: _contract_of_objective(obj.objective_id),
    Actor: lambda obj: _contract_of_objective(obj.objective_id),
    Means: lambda obj: _contract_of_objective(obj.objective_id),
    Indicator: lambda obj: _contract_of_objective(obj.objective_id),
}

# A validated value appears on the fiche; one sent back disappears from it.
SHOWN_STATUSES = frozenset({EntryStatus.VALIDATED, EntryStatus.RETURNED})


def _schedule(contract_id: int | None) -> None:
    if contract_id is not None:
        bump_fiche_generation(contract_id)
        bump_overview_generation()
        schedule_fiche_pdf(contract_id)
        schedule_opendata()  # once per transaction, then once per window


def contract_changed(sender, instance, raw=False, **kwargs):
    """Saved (status, publication, reference…) or deleted."""
    if not raw:
        _schedule(instance.pk)


def part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _schedule(CONTRACT_OF[sender](instance))


def entry_changed(sender, instance, raw=False, **kwargs):
    if not raw and instance.status in SHOWN_STATUSES:
        indicators = Indicator.objects.filter(pk=instance.indicator_id)
        _schedule(indicators.values_list("objective__contract_id", flat=True).first())


def connect_fiche_signals() -> None:
    uid = "cotri.public.fiche_pdf"
    post_save.connect(contract_changed, sender=Contract, dispatch_uid=f"{uid}.contract")
    post_delete.connect(contract_changed, sender=Contract, dispatch_uid=f"{uid}.contract-delete")
    for model in CONTRACT_OF:
        post_save.connect(part_changed, sender=model, dispatch_uid=f"{uid}.save.{model.__name__}")
        if model is not Evaluation:
            post_delete.connect(
                part_changed, sender=model, dispatch_uid=f"{uid}.delete.{model.__name__}"
            )
    post_save.connect(entry_changed, sender=ProgressEntry, dispatch_uid=f"{uid}.entry")
    post_delete.connect(entry_changed, sender=ProgressEntry, dispatch_uid=f"{uid}.entry-delete")
    # Entries written in bulk (reviews, imports): cotri.refresh, one task per action.
    progress_changed.connect(refresh.progress_changed, dispatch_uid="cotri.refresh.entries")
