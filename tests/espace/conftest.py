"""Personas of the front office: chefs de projet of territories A and B, a lecteur of A."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from contracts.enums import MembershipRole
from contracts.models import ProjectMembership
from indicators.enums import EntryStatus
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
)


def _member(django_user_model, username: str, territory, role: str):
    user = django_user_model.objects.create_user(
        username,
        email=f"{username}@example.org",
        password=f"mot-de-passe-{username}",
        first_name="Prénom",
        last_name=username.capitalize(),
    )
    ProjectMembership.objects.create(user=user, territory=territory, role=role)
    return user


@pytest.fixture
def contract_a(db):
    return ContractFactory(reference="COT-A")


@pytest.fixture
def contract_b(db):
    return ContractFactory(reference="COT-B")


@pytest.fixture
def indicator_a(contract_a):
    objective = ObjectiveFactory(contract=contract_a, code="A1", priority=True)
    return IndicatorFactory(objective=objective, label="Km de pistes cyclables", unit="km")


@pytest.fixture
def indicator_b(contract_b):
    return IndicatorFactory(objective=ObjectiveFactory(contract=contract_b, code="B1"))


@pytest.fixture
def chef_a(django_user_model, contract_a):
    return _member(django_user_model, "chefa", contract_a.territory, MembershipRole.PROJECT_LEAD)


@pytest.fixture
def chef_b(django_user_model, contract_b):
    return _member(django_user_model, "chefb", contract_b.territory, MembershipRole.PROJECT_LEAD)


@pytest.fixture
def reader_a(django_user_model, contract_a):
    return _member(django_user_model, "lecteura", contract_a.territory, MembershipRole.READER)


@pytest.fixture
def officer_and_chef(django_user_model, contract_a):
    """An officer who is also a chef de projet of territory A (four eyes: not their entries)."""
    user = django_user_model.objects.create_user(
        "double", email="double@example.org", password="mot-de-passe-double", is_staff=True
    )
    user.groups.add(Group.objects.get_or_create(name="officers")[0])
    ProjectMembership.objects.create(
        user=user, territory=contract_a.territory, role=MembershipRole.PROJECT_LEAD
    )
    return user


@pytest.fixture
def draft_a(indicator_a, chef_a):
    return ProgressEntryFactory(
        indicator=indicator_a,
        author=chef_a,
        status=EntryStatus.DRAFT,
        value=Decimal("12.5"),
        date=datetime.date(2022, 6, 30),
    )


@pytest.fixture
def submitted_a(indicator_a, chef_a):
    return ProgressEntryFactory(
        indicator=indicator_a,
        author=chef_a,
        status=EntryStatus.SUBMITTED,
        value=Decimal("20"),
        date=datetime.date(2022, 9, 30),
    )


@pytest.fixture
def validated_a(indicator_a, chef_a):
    return ProgressEntryFactory(
        indicator=indicator_a, author=chef_a, status=EntryStatus.VALIDATED, value=Decimal("5")
    )


@pytest.fixture
def proconnect(settings):
    """ProConnect turned on against a tiny local provider; the URLs are rebuilt both ways."""
    from tests.espace.oidc_provider import Provider

    with Provider() as provider:
        settings.PROCONNECT_ENABLED = True
        settings.AUTHENTICATION_BACKENDS = [
            *settings.AUTHENTICATION_BACKENDS,
            "cotri.proconnect.ProConnectBackend",
        ]
        for name, value in provider.settings().items():
            setattr(settings, name, value)
        _reload_urlconf()
        try:
            yield provider
        finally:
            settings.PROCONNECT_ENABLED = False
            _reload_urlconf()


def _reload_urlconf() -> None:
    import importlib

    from django.urls import clear_url_caches

    import cotri.urls

    importlib.reload(cotri.urls)
    clear_url_caches()
