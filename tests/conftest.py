"""Shared fixtures: personas for every role, strict templates, the browser and its screenshots."""

import re
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from hypothesis import settings as hypothesis_settings

from tools.local import CHROMIUM, CHROMIUM_ARGS

pytest_plugins = ["tests.neighbour", "tests.mutation_db"]

# Property tests check values, not speed: Hypothesis' 200 ms deadline per example fails them on a
# loaded machine (speed targets live in bench/).
hypothesis_settings.register_profile("cotri", deadline=None)
hypothesis_settings.load_profile("cotri")


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
    """Tasks run in the test's process unless a test starts a real worker (tests/worker/).

    A worker's pool, once built in this process, marks it as a worker where ``result.get()`` is
    refused; every test starts from a process that is not one."""
    from celery._state import _set_task_join_will_block

    from cotri.celery import app

    _set_task_join_will_block(False)

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


@pytest.fixture
def browser(monkeypatch):
    """Headless Chromium driven by Playwright, for the user journeys and axe-core checks."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM is only used by the
    # fixtures before and after, never while a page is open.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        # Inside this block Django's connections live in Playwright's context (its greenlet):
        # the test's ORM calls opened one here. Close it now, cleanly; killed from outside,
        # it broke the next test that reused it.
        connections.close_all()
    _end_idle_server_sessions()


# Git-ignored; CI keeps the folder as an artefact of the browser journeys.
SCREENSHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"


@pytest.fixture
def screenshot(request):
    """``screenshot(page, "step")`` saves artifacts/screenshots/<test-name>/NN-step.png, one per
    step of the journey in order; the test's folder starts empty so no stale step remains."""
    folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "-", request.node.name, flags=re.ASCII).strip("-")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    taken: list[Path] = []

    def take(page, step: str) -> Path:
        name = re.sub(r"[^\w-]+", "-", step.lower(), flags=re.ASCII).strip("-")
        path = folder / f"{len(taken) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        taken.append(path)
        return path

    return take


def _end_idle_server_sessions() -> None:
    """On PostgreSQL the live server's threads may keep an idle session after the browser is
    gone, which would stop pytest-django from dropping the test database at the end."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle'"
        )
