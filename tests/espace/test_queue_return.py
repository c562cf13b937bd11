"""An officer sends entries back from the validation queue: the note reaches the entry, the
message says « renvoyée »; a refused review says which action was not done, and why."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.enums import EntryStatus
from indicators.models import EntryTransition
from indicators.services import OWN_ENTRY_MESSAGE, entry_save_draft, entry_submit

pytestmark = pytest.mark.django_db

NOTE = "Joindre le procès-verbal de réception."


def test_returning_from_the_queue_sends_the_entry_back_with_the_note(
    client, officer, submitted_a, neighbour
):
    client.force_login(officer)

    response = client.post(
        reverse("espace:queue"),
        {"entries": [submitted_a.pk], "action": "return", "note": NOTE},
        follow=True,
    )

    assert response.status_code == 200
    assert "1 saisie renvoyée." in response.text
    assert "validée" not in response.text
    submitted_a.refresh_from_db()
    assert submitted_a.status == EntryStatus.RETURNED
    assert submitted_a.reviewer == officer
    assert submitted_a.review_note == NOTE
    assert EntryTransition.objects.filter(
        entry=submitted_a, to_status=EntryStatus.RETURNED, by=officer
    ).exists()
    neighbour.assert_unchanged()  # its submitted entry still waits in the queue


@pytest.mark.parametrize(
    ("action", "summary"),
    [
        ("validate", "La saisie choisie n'a pas été validée :"),
        ("return", "La saisie choisie n'a pas été renvoyée :"),
    ],
)
def test_a_refused_review_from_the_queue_says_what_was_not_done_and_why(
    client, indicator_a, officer_and_chef, neighbour, action, summary
):
    entry = entry_save_draft(
        indicator=indicator_a,
        by=officer_and_chef,
        date=datetime.date(2022, 12, 31),
        value=Decimal("7"),
    )
    entry_submit(entry=entry, by=officer_and_chef)
    client.force_login(officer_and_chef)

    response = client.post(
        reverse("espace:queue"),
        {"entries": [entry.pk], "action": action, "note": NOTE},
        follow=True,
    )

    page = response.content.decode().replace("&#x27;", "'")
    assert summary in page
    assert OWN_ENTRY_MESSAGE in page
    assert "1 saisie validée." not in page and "1 saisie renvoyée." not in page
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    neighbour.assert_unchanged()
