"""Re-evaluate a contract when what its evaluation reads changes (connected in apps.py).

Handlers stay one-liners: the scheduler in funding.tasks coalesces bursts and runs on commit.
"""

from indicators.enums import EntryStatus

from .tasks import (
    schedule_contract_evaluation,
    schedule_indicator_evaluation,
    schedule_objective_evaluation,
)

# A validation, a correction of a validated value, a validated entry sent back for review, or a
# submitted value (the snapshot shows pending values): drafts are no input of an evaluation.
RESCORING_STATUSES = frozenset({EntryStatus.VALIDATED, EntryStatus.RETURNED, EntryStatus.SUBMITTED})


def entry_changed(sender, instance, raw=False, **kwargs):
    if not raw and instance.status in RESCORING_STATUSES:
        schedule_indicator_evaluation(instance.indicator_id)


def contract_changed(sender, instance, raw=False, **kwargs):
    """Reference population, dates, bonus rule… (a save that changes nothing gives back the same
    snapshot: evaluations are idempotent)."""
    if not raw:
        schedule_contract_evaluation(instance.pk)


def objective_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule_contract_evaluation(instance.contract_id)


def indicator_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule_objective_evaluation(instance.objective_id)
