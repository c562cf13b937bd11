"""When what a fiche shows changes: drop its cached page and re-render its PDF.

``connect_fiche_signals()`` is called once at start-up (CotriConfig.ready). Handlers only find
the contract, bump its fiche's cache generation (cache.py) and schedule the PDF: the render runs
after the commit, once per window (tasks.py).

The comparison with similar territories (compare.py) shows other contracts' validated values:
what changes it bumps the comparison generation of every fiche (cache.py) — a catalogue
indicator's shown entry, a contract, an indicator, a bulk import. Other contracts' stored PDFs
follow at the nightly render (ADR 0017).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from contracts.models import Contract, GovernanceBody
from cotri import refresh
from cotri.public.cache import bump_comparison_generation, bump_fiche_generation
from cotri.public.overview_cache import bump_overview_generation
from cotri.public.tasks import schedule_fiche_pdf
from exchange.opendata_files import schedule_opendata
from funding.models import Evaluation, Funder, Tranche
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
    """Saved (status, publication, reference, population…) or deleted."""
    if not raw:
        _schedule(instance.pk)
        bump_comparison_generation()


def part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _schedule(CONTRACT_OF[sender](instance))
        if sender is Indicator:  # its catalogue link, baseline or accumulation may have changed
            bump_comparison_generation()


def entry_changed(sender, instance, raw=False, **kwargs):
    if not raw and instance.status in SHOWN_STATUSES:
        indicators = Indicator.objects.filter(pk=instance.indicator_id)
        found = indicators.values_list("objective__contract_id", "definition_id").first()
        contract_id, definition_id = found or (None, None)
        _schedule(contract_id)
        if definition_id is not None:
            bump_comparison_generation()


def funder_changed(sender, instance, raw=False, **kwargs):
    """A funder's name shows on the fiches of its contracts; its SIRET in the open data."""
    if raw:
        return
    contract_ids = set(
        Tranche.objects.filter(funder_id=instance.code).values_list("contract_id", flat=True)
    )
    for contract_id in sorted(contract_ids):
        _schedule(contract_id)
    schedule_opendata()


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
    post_save.connect(funder_changed, sender=Funder, dispatch_uid=f"{uid}.funder")
