"""The personas of tests/espace (chefs of territories A and B, a lecteur of A), reused here."""

import pytest
from django.contrib.auth.models import Group, Permission

from tests.espace.conftest import (  # noqa: F401  (fixtures)
    chef_a,
    chef_b,
    contract_a,
    contract_b,
    indicator_a,
    indicator_b,
    proconnect,
    reader_a,
)


@pytest.fixture
def officer_client(client, officer):
    """An officer with the group's model permissions (as ``officers_group_sync`` gives them)."""
    group = Group.objects.get(name="officers")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=("territories", "contracts", "indicators", "funding")
        )
    )
    client.force_login(officer)
    return client
