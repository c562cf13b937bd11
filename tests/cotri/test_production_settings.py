"""Production is secure by default (issue 16.7): settings read in a fresh process."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {
    "COTRI_PRODUCTION": "true",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "cotri.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
}
NAMES = (
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
)


def _run(*args, **variables) -> subprocess.CompletedProcess:
    # Only the variables given: no .env, no developer's environment (a fresh HOME, cwd in /tmp).
    env = {"PATH": os.environ["PATH"], "HOME": "/tmp", "DJANGO_SETTINGS_MODULE": "cotri.settings"}
    env.update(variables)
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120, cwd=ROOT
    )


def _settings(**variables) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {NAMES!r}}}))"
    )
    done = _run("-c", code, **variables)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@pytest.fixture(autouse=True)
def _no_env_file():
    if (ROOT / ".env").exists() and "COTRI_PRODUCTION" in (ROOT / ".env").read_text():
        pytest.skip("un .env fixe COTRI_PRODUCTION : les valeurs par défaut ne sont pas testables")


def test_production_turns_https_cookies_and_hsts_on_by_default():
    assert _settings(**REQUIRED) == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
    }


def test_each_one_is_turned_off_only_explicitly():
    off = _settings(
        **REQUIRED, SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="0", SECURE_HSTS_PRELOAD="0"
    )
    assert (off["SECURE_SSL_REDIRECT"], off["SECURE_HSTS_SECONDS"]) == (False, 0)
    assert (off["SECURE_HSTS_PRELOAD"], off["SESSION_COOKIE_SECURE"]) == (False, True)


def test_a_laptop_stays_on_plain_http():
    laptop = _settings(SECRET_KEY="x" * 50)
    assert not any(laptop.values())


def test_check_deploy_passes_with_only_the_required_variables():
    done = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING", **REQUIRED)

    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout
