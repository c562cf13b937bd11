"""Shared fixtures: personas for every role, strict templates."""

import pytest
from django.contrib.auth.models import Group


@pytest.fixture(autouse=True)
def _strict_templates(settings):
    # A template that reads an unknown variable fails the test instead of rendering "".
    for template in settings.TEMPLATES:
        template.setdefault("OPTIONS", {})["string_if_invalid"] = _InvalidVariable("%s")


class _InvalidVariable(str):
    def __mod__(self, other):
        raise AssertionError(f"Variable de gabarit inconnue : {other!r}")


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in the test's process unless a test starts a real worker (tests/worker/)."""
    from cotri.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache (Redis in CI) outlives a test: locks and keys must not leak into the next one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def officer(django_user_model):
    user = django_user_model.objects.create_user(
        "agent", email="agent@example.org", password="mot-de-passe-agent", is_staff=True
    )
    group, _ = Group.objects.get_or_create(name="officers")
    user.groups.add(group)
    return user


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        "admin", email="admin@example.org", password="mot-de-passe-admin"
    )


@pytest.fixture
def stranger(django_user_model):
    return django_user_model.objects.create_user(
        "inconnu", email="inconnu@example.org", password="mot-de-passe-inconnu"
    )
