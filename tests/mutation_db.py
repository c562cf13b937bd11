"""Mutation runs start every pytest session from a copy of one migrated SQLite file.

mutmut (``make mutation``, docs/mutation.md) runs one pytest session per mutant; creating the
test database by migrations costs about 25 s of each on this project's machine. With the
environment variable ``COTRI_MUTATION_DB`` set to a file path (SQLite only):

- if the file does not exist, the session first migrates a new database there (mutmut's first
  session, which maps the tests, does it once);
- every session then works on its own copy of it (``<path>.<pid>``), removed when it ends, and
  only checks the migrations (``--reuse-db``).

Without the variable, this plugin does nothing. ``make mutation`` removes the file first, so a
new migration is never missed. Loaded by ``tests/conftest.py`` (``pytest_plugins``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ENV = "COTRI_MUTATION_DB"


def _template() -> Path | None:
    value = os.environ.get(ENV)
    return Path(value) if value else None


def _session_copy(template: Path) -> Path:
    return template.with_name(f"{template.name}.{os.getpid()}")


def pytest_configure(config):
    if _template() is not None:
        config.option.reuse_db = True  # keep the database: never re-create it by migrations


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_blocker):
    """pytest-django's hook before the test database is set up: point it at this session's copy."""
    template = _template()
    if template is None:
        return
    from django.db import connections

    connection = connections["default"]
    if connection.vendor != "sqlite":
        raise RuntimeError(f"{ENV} : base SQLite seulement (retirer DATABASE_URL)")
    test_settings = connection.settings_dict.setdefault("TEST", {})
    if not template.exists():
        building = template.with_name(f"{template.name}.building")
        building.unlink(missing_ok=True)
        test_settings["NAME"] = str(building)
        with django_db_blocker.unblock():
            connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True)
            connection.close()
        building.replace(template)  # migrated, untouched by any test
    name = _session_copy(template)
    shutil.copyfile(template, name)
    test_settings["NAME"] = str(name)


def pytest_sessionfinish(session):
    template = _template()
    if template is not None:
        _session_copy(template).unlink(missing_ok=True)
