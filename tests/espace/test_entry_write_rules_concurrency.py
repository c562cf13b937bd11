"""One value per indicator and date when form posts and imports race, on PostgreSQL."""

import datetime
import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections

from exchange.progress_import import progress_import
from indicators.models import ProgressEntry
from indicators.services import entry_save_draft

WRITERS = 8

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="SQLite sérialise toutes les écritures : la course n'existe qu'en PostgreSQL.",
    ),
    # serialized_rollback: the data migrations come back after the flush (test_concurrency.py).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _race(write: Callable[[int], str]) -> list[str]:
    """Run ``write(n)`` in WRITERS threads released together; their outcomes."""
    start = threading.Barrier(WRITERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        try:
            start.wait()
            result = write(n)
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == WRITERS
    return outcomes


def test_concurrent_form_posts_of_the_same_date_store_one_value(indicator_a, chef_a):
    def write(n: int) -> str:
        try:
            entry_save_draft(
                indicator=indicator_a,
                by=chef_a,
                date=datetime.date(2022, 12, 31),
                value=Decimal(100 + n),
            )
        except ValidationError as error:
            return " ".join(error.messages)
        return "saved"

    outcomes = _race(write)

    assert outcomes.count("saved") == 1
    assert outcomes.count("une valeur existe déjà au 31/12/2022 : modifiez-la") == WRITERS - 1
    assert ProgressEntry.objects.filter(indicator=indicator_a).count() == 1


def test_concurrent_imports_of_the_same_rows_create_once_then_correct(indicator_a, officer):
    def write(n: int) -> str:
        rows = "".join(
            f"COT-A;A1;{indicator_a.code};{day:02d}/12/2022;{n}\n" for day in range(1, 21)
        )
        content = f"contract;objective;indicator;date;value\n{rows}".encode()
        result = progress_import(content=content, filename="a.csv", by=officer)
        return f"{result.created}+{result.updated}"

    outcomes = _race(write)

    # The first import creates the 20 entries; every other one corrects them in place.
    assert sorted(outcomes) == ["0+20"] * (WRITERS - 1) + ["20+0"]
    ours = ProgressEntry.objects.filter(indicator=indicator_a)
    assert ours.count() == 20
    assert len(set(ours.values_list("value", flat=True))) == 1
