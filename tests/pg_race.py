"""Shared by the PostgreSQL race tests: their marks, and a wait for a session blocked on a lock.

The tests that make two sessions race for the same rows only mean something on PostgreSQL
(SQLite serialises every write); they use a real transaction per thread, so their database is
re-created after them (``serialized_rollback``).
"""

import time

import pytest
from django.conf import settings
from django.db import connection

RACE_MARKS = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="SQLite sérialise toutes les écritures : la course n'existe qu'en PostgreSQL.",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BLOCKED = """
    SELECT count(*) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND cardinality(pg_blocking_pids(pid)) > 0
"""


def wait_until_sessions_wait(count: int = 1, seconds: float = 30) -> bool:
    """Poll PostgreSQL until ``count`` other sessions of this database wait for a lock; False
    if they do not within ``seconds``."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # Within a transaction PostgreSQL keeps its first reading of the statistics.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(BLOCKED)
            if cursor.fetchone()[0] >= count:
                return True
            time.sleep(0.05)
    return False
