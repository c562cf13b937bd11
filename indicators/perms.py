"""Who may do what on objectives, indicators and progress entries.

Officers are staff members of the "officers" group (or superusers). Chefs de projet get access
to their territories' contracts through memberships (front office issue); until those exist, a
non-officer may edit no contract.
"""

OFFICERS_GROUP = "officers"


def is_officer(user) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.is_staff and user.groups.filter(name=OFFICERS_GROUP).exists()


def contracts_editable_by(user) -> set[int]:
    """Ids of the contracts whose progress this (non-officer) user may report."""
    return set()
