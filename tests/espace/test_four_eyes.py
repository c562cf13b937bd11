"""Four eyes (issue 16.4): nobody validates or returns their own entry; a validated value changed
in the admin needs a reason, kept in the entry's history."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.enums import EntryStatus
from indicators.services import (
    OWN_ENTRY_MESSAGE,
    entry_return,
    entry_save_draft,
    entry_submit,
    entry_validate,
)
from tests.factories import ProgressEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_entry(indicator_a, officer_and_chef):
    entry = entry_save_draft(
        indicator=indicator_a,
        by=officer_and_chef,
        date=datetime.date(2022, 12, 31),
        value=Decimal("7"),
    )
    return entry_submit(entry=entry, by=officer_and_chef)


def test_the_service_refuses_to_review_ones_own_entry(own_entry, officer_and_chef, officer):
    for review in (
        lambda: entry_validate(entry=own_entry, by=officer_and_chef),
        lambda: entry_return(entry=own_entry, by=officer_and_chef, note="À corriger"),
    ):
        with pytest.raises(ValidationError) as refused:
            review()
        assert refused.value.messages == [OWN_ENTRY_MESSAGE]
        own_entry.refresh_from_db()
        assert own_entry.status == EntryStatus.SUBMITTED

    entry_validate(entry=own_entry, by=officer)  # another officer may
    own_entry.refresh_from_db()
    assert (own_entry.status, own_entry.reviewer) == (EntryStatus.VALIDATED, officer)


def test_the_queue_refuses_it(client, own_entry, officer_and_chef, neighbour):
    client.force_login(officer_and_chef)
    response = client.post(
        reverse("espace:queue"),
        {"entries": [own_entry.pk], "action": "validate", "note": ""},
        follow=True,
    )

    assert OWN_ENTRY_MESSAGE.replace("'", "&#x27;") in response.content.decode()
    own_entry.refresh_from_db()
    assert own_entry.status == EntryStatus.SUBMITTED
    neighbour.assert_unchanged()


def test_the_admin_action_refuses_it(client, own_entry, officer_and_chef, chef_a, indicator_a):
    other = ProgressEntryFactory(
        indicator=indicator_a,
        author=chef_a,
        date=datetime.date(2023, 6, 30),
        status=EntryStatus.SUBMITTED,
    )
    client.force_login(officer_and_chef)
    response = client.post(
        reverse("admin:indicators_progressentry_changelist"),
        {"action": "validate_entries", "_selected_action": [own_entry.pk, other.pk]},
        follow=True,
    )

    # All or none: the other entry is not validated either; the message names the refused one.
    page = response.content.decode().replace("&#x27;", "'")
    assert "Aucune des 2 saisies choisies n'a été validée" in page
    assert f"Saisie « {indicator_a.label} » au 31/12/2022 (COT-A) : {OWN_ENTRY_MESSAGE}" in page
    own_entry.refresh_from_db()
    other.refresh_from_db()
    assert (own_entry.status, other.status) == (EntryStatus.SUBMITTED, EntryStatus.SUBMITTED)


def _admin_form(entry, **changes):
    data = {
        "indicator": entry.indicator_id,
        "date": entry.date.strftime("%d/%m/%Y"),
        "value": str(entry.value),
        "comment": entry.comment,
        "author": "",
        "change_reason": "",
        "loaded_version": entry.version,
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "transitions-TOTAL_FORMS": "0",
        "transitions-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_changing_a_validated_value_in_the_admin_needs_a_reason_kept_in_history(client, officer):
    entry = ProgressEntryFactory(status=EntryStatus.VALIDATED, value=Decimal("12"))
    client.force_login(officer)
    url = reverse("admin:indicators_progressentry_change", args=[entry.pk])

    refused = client.post(url, _admin_form(entry, value="15"))

    assert refused.status_code == 200
    assert "indiquez le motif de la modification" in refused.content.decode()
    entry.refresh_from_db()
    assert entry.value == Decimal("12")

    saved = client.post(url, _admin_form(entry, value="15", change_reason="Erreur de report"))

    assert saved.status_code == 302
    entry.refresh_from_db()
    latest = entry.history.latest("history_date")
    assert (entry.value, latest.history_change_reason) == (Decimal("15"), "Erreur de report")
    assert latest.prev_record.value == Decimal("12")


def test_a_draft_or_an_unchanged_validated_entry_needs_no_reason(client, officer, indicator_a):
    draft = ProgressEntryFactory(indicator=indicator_a, status=EntryStatus.DRAFT)
    validated = ProgressEntryFactory(
        indicator=indicator_a, date=datetime.date(2022, 6, 30), status=EntryStatus.VALIDATED
    )
    client.force_login(officer)

    for entry, changes in ((draft, {"value": "99"}), (validated, {})):
        url = reverse("admin:indicators_progressentry_change", args=[entry.pk])
        assert client.post(url, _admin_form(entry, **changes)).status_code == 302
