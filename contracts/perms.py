"""Who may see or report on which contracts, through project memberships.

Officers (staff of the "officers" group) and superusers see every contract; everyone else sees
the contracts of the territories they are members of. The membership is read on each call, so
revoking it takes effect on the next request.
"""

from django.db.models import QuerySet

from contracts.enums import MembershipRole
from contracts.models import Contract, ProjectMembership

OFFICERS_GROUP = "officers"


def is_officer(user) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.is_staff and user.groups.filter(name=OFFICERS_GROUP).exists()


def _member_territory_ids(user, roles: tuple[str, ...]) -> QuerySet:
    return ProjectMembership.objects.filter(user=user, role__in=roles).values("territory_id")


def contracts_visible_to(user) -> QuerySet[Contract]:
    """Contracts this user may read: all for officers, their territories' for members."""
    if not user or not user.is_authenticated or not user.is_active:
        return Contract.objects.none()
    if is_officer(user):
        return Contract.objects.all()
    territories = _member_territory_ids(user, tuple(MembershipRole.values))
    return Contract.objects.filter(territory_id__in=territories)


def contracts_reportable_by(user) -> QuerySet[Contract]:
    """Contracts whose progress this user may report: chefs de projet of the territory only."""
    if not user or not user.is_authenticated or not user.is_active:
        return Contract.objects.none()
    territories = _member_territory_ids(user, (MembershipRole.PROJECT_LEAD,))
    return Contract.objects.filter(territory_id__in=territories)


def can_view_contract(user, contract: Contract) -> bool:
    return contracts_visible_to(user).filter(pk=contract.pk).exists()


def can_report_on_contract(user, contract: Contract) -> bool:
    return contracts_reportable_by(user).filter(pk=contract.pk).exists()
