"""No lost update: many chefs de projet saving the same entry at once, on PostgreSQL."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connections

from indicators.enums import EntryStatus
from indicators.models import EntryTransition, ProgressEntry
from indicators.services import EntryConflict, entry_save_draft
from tests.factories import ProgressEntryFactory

WRITERS = 12


@pytest.mark.postgres
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="SQLite sérialise toutes les écritures : la course n'existe qu'en PostgreSQL.",
)
# serialized_rollback: the data migrations (programmes, catalogue, officers' group) come back
# after the flush, as the other transactional tests expect.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_many_writers_from_the_same_version_only_one_wins(indicator_a, chef_a):
    entry = ProgressEntryFactory(
        indicator=indicator_a, author=chef_a, status=EntryStatus.DRAFT, value=Decimal("1")
    )
    start = threading.Barrier(WRITERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def write(n: int) -> None:
        try:
            mine = ProgressEntry.objects.select_related("indicator").get(pk=entry.pk)
            start.wait()  # everyone has read version 1 before anyone writes
            try:
                entry_save_draft(
                    indicator=mine.indicator,
                    by=chef_a,
                    entry=mine,
                    expected_version=1,
                    date=datetime.date(2022, 1, 1),
                    value=Decimal(100 + n),
                )
            except EntryConflict:
                result = "refused"
            else:
                result = f"saved {100 + n}"
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    saved = [o for o in outcomes if o.startswith("saved")]
    assert len(outcomes) == WRITERS
    assert len(saved) == 1 and outcomes.count("refused") == WRITERS - 1
    entry.refresh_from_db()
    assert entry.version == 2
    assert saved == [f"saved {entry.value:.0f}"]  # the stored value is the winner's, intact
    assert entry.history.count() == 2  # creation + the one accepted save
    assert EntryTransition.objects.filter(entry=entry).count() == 0  # draft stayed draft
