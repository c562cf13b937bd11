"""Who may see, report on and edit objectives, indicators and entries (the one place to ask).

Officers are staff members of the "officers" group (or superusers); they validate or return
submitted entries. Whether one may review a given entry (an officer, a submitted entry, not their
own) is decided with its reasons in ``indicators.services`` (``is_officer``, ``check_four_eyes``
and the status transition checked by every review), not here. Chefs de projet report progress on
their territories' contracts through project memberships (contracts.perms); lecteurs only read.
Views, admin querysets and the API call these functions rather than testing roles themselves.
"""

from contracts.models import ProjectMembership
from contracts.perms import (
    OFFICERS_GROUP,
    can_report_on_contract,
    can_view_contract,
    contracts_reportable_by,
    contracts_visible_to,
    is_officer,
)
from indicators.enums import EntryStatus

__all__ = [
    "OFFICERS_GROUP",
    "can_edit_entry",
    "can_edit_workbook",
    "can_read_private_notes",
    "can_report_on_contract",
    "can_report_progress",
    "can_view_contract",
    "contracts_editable_by",
    "contracts_visible_to",
    "is_officer",
]

# A chef de projet may change an entry only while it is theirs to change.
EDITABLE_STATUSES = frozenset({EntryStatus.DRAFT, EntryStatus.RETURNED})


def contracts_editable_by(user) -> set[int]:
    """Ids of the contracts whose progress this user may report (chefs de projet)."""
    return set(contracts_reportable_by(user).values_list("pk", flat=True))


def can_report_progress(user, indicator) -> bool:
    return can_report_on_contract(user, indicator.objective.contract)


def can_edit_entry(user, entry) -> bool:
    """Drafts and returned entries are editable by the territory's chefs; validated never are."""
    return entry.status in EDITABLE_STATUSES and can_report_progress(user, entry.indicator)


def can_edit_workbook(user, objective) -> bool:
    """The workbook (état des lieux, actions, actors, means) is kept by the territory's chefs de
    projet; objectives, indicators, targets and priority stay the officers' (the admin)."""
    return can_report_on_contract(user, objective.contract)


def can_read_private_notes(user, contract) -> bool:
    """Working notes are the territory's: its members (chefs, lecteurs) only — not officers,
    not other territories, not the public."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return ProjectMembership.objects.filter(user=user, territory_id=contract.territory_id).exists()
