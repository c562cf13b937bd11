"""Officers for the admin tests: the "officers" group holds every permission of the four apps.

The demo command must give the real "officers" group the same permissions (see the report).
"""

import pytest
from django.contrib.auth.models import Group, Permission

ADMIN_APPS = ("territories", "contracts", "indicators", "funding", "reporting")


@pytest.fixture
def officer(officer):
    group = Group.objects.get(name="officers")
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))
    return officer


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client
