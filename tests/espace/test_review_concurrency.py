"""Two officers reviewing the same entry at once, on PostgreSQL: one decision wins, whole.

Removing the review's transaction or its row lock makes this fail: both officers would read
« soumise » and both decisions would be logged, the entry ending in whichever wrote last.
"""

import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections

from indicators.enums import EntryStatus
from indicators.models import EntryTransition, ProgressEntry
from indicators.services import entry_return, entry_validate


@pytest.mark.postgres
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="SQLite sérialise toutes les écritures : la course n'existe qu'en PostgreSQL.",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_validate_and_return_at_once_one_decision_wins(submitted_a, officer, superuser):
    # Unpublished: no fiche to render after the commit, the race is all this test runs.
    contract = submitted_a.indicator.objective.contract
    contract.published = False
    contract.save()
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def review(name: str, service, by, **extra) -> None:
        try:
            entry = ProgressEntry.objects.get(pk=submitted_a.pk)
            start.wait()
            try:
                service(entry=entry, by=by, **extra)
            except ValidationError:
                outcomes[name] = "refusée"
            else:
                outcomes[name] = "appliquée"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=review, args=("validation", entry_validate, officer)),
        threading.Thread(
            target=review, args=("renvoi", entry_return, superuser), kwargs={"note": "À revoir"}
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes.values()) == ["appliquée", "refusée"]
    (transition,) = EntryTransition.objects.filter(entry=submitted_a)
    submitted_a.refresh_from_db()
    winner = (
        EntryStatus.VALIDATED if outcomes["validation"] == "appliquée" else EntryStatus.RETURNED
    )
    assert submitted_a.status == transition.to_status == winner


@pytest.mark.postgres
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="Le test porte sur les transactions de PostgreSQL.",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("service", [entry_validate, entry_return])
def test_a_refused_review_leaves_the_entry_as_it_was(draft_a, officer, service):
    contract = draft_a.indicator.objective.contract
    contract.published = False
    contract.save()
    before = ProgressEntry.objects.filter(pk=draft_a.pk).values().get()

    with pytest.raises(ValidationError):
        service(entry=draft_a, by=officer, note="Pas encore soumise")

    # Nothing half-saved: not even the version, which would make the chef's open form stale.
    assert ProgressEntry.objects.filter(pk=draft_a.pk).values().get() == before
    assert not EntryTransition.objects.filter(entry=draft_a).exists()
