"""The officers' group: staff members of ADEME and the Région who run the contracts."""

from django.contrib.auth.models import Group, Permission

from indicators.perms import OFFICERS_GROUP

OFFICER_APPS = ("territories", "contracts", "indicators", "funding", "reporting")


def officers_group_sync(**kwargs) -> Group:
    """Create the officers' group and give it every permission of the domain apps (idempotent)."""
    group, _ = Group.objects.get_or_create(name=OFFICERS_GROUP)
    permissions = Permission.objects.filter(content_type__app_label__in=OFFICER_APPS)
    group.permissions.add(*permissions)
    return group
