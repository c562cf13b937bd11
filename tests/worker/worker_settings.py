"""Settings of the worker processes that tests/worker starts (TEST ONLY).

The production settings plus a short Redis visibility timeout, so that a task left unacknowledged
by a killed worker is delivered again within seconds instead of an hour.
"""

from cotri.settings import *  # noqa: F403

# Above the tests' 4 s coalescing countdown (tests/worker/conftest.py): a delayed message is
# unacknowledged too, and a shorter timeout would deliver it twice (the rule of cotri/settings.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 8,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
