"""Settings of the worker processes that tests/worker starts (TEST ONLY).

The production settings plus a short Redis visibility timeout, so that a task left unacknowledged
by a killed worker is delivered again within seconds instead of an hour.
"""

from cotri.settings import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
