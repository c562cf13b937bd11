"""Real Celery workers on the machine's Redis (not eager mode).

Skipped when ``REDIS_URL`` is not set (a laptop with SQLite); CI sets it. Everything runs on a
dedicated Redis database (15, or ``COTRI_TEST_REDIS_DB``), flushed before each test: broker,
results and the locks of the evaluation scheduler, so that no message of another test run is
ever consumed.
"""

import os
from urllib.parse import urlparse

import pytest
import redis
from django.conf import settings

from cotri.celery import app

# Two test runs on one machine (two worktrees) each set their own database.
REDIS_DB = int(os.environ.get("COTRI_TEST_REDIS_DB", "15"))
WORKER_CONF_KEYS = (
    "broker_url",
    "result_backend",
    "task_always_eager",
    "broker_transport_options",
)


@pytest.fixture
def redis_url():
    if not settings.REDIS_URL:
        pytest.skip("needs a real Redis: set REDIS_URL (CI does) to run the worker tests")
    url = urlparse(settings.REDIS_URL)._replace(path=f"/{REDIS_DB}").geturl()
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


def _reset_connections():
    # The app keeps its producer pool for the broker it first used; kombu keeps one pool per
    # broker URL (shared, so never closed here): dropping the references picks the current URL.
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture
def celery_on_redis(settings, redis_url):
    """The project's Celery app and cache on the dedicated Redis database; short burst window."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    settings.COTRI_EVALUATION_COALESCE_SECONDS = 4
    saved = {key: app.conf[key] for key in WORKER_CONF_KEYS}
    app.conf.update(
        broker_url=redis_url,
        result_backend=redis_url,
        task_always_eager=False,
        broker_transport_options={},
    )
    _reset_connections()
    yield redis_url
    app.conf.update(saved)
    _reset_connections()
