"""Progress entries edited in the admin: status changes are logged, evidence is described."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.enums import EntryStatus
from indicators.models import EntryTransition, Evidence, ProgressEntry
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
    TrancheFactory,
)


def _entry_form(entry, **changes):
    data = {
        "indicator": entry.indicator_id,
        "date": entry.date.strftime("%d/%m/%Y"),
        "value": str(entry.value),
        "comment": entry.comment,
        "status": entry.status,
        "review_note": "",
        "author": "",
        "reviewer": "",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "transitions-TOTAL_FORMS": "0",
        "transitions-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_posting_another_status_in_the_change_form_leaves_the_status_unchanged(
    officer_client, officer
):
    entry = ProgressEntryFactory(status=EntryStatus.SUBMITTED, value=Decimal("12.5"))
    url = reverse("admin:indicators_progressentry_change", args=[entry.pk])

    response = officer_client.post(
        url,
        _entry_form(
            entry,
            value="13",
            status=EntryStatus.VALIDATED,
            reviewer=str(officer.pk),
            review_note="validée à la main",
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry.refresh_from_db()
    assert entry.value == Decimal("13")  # the other fields are still edited here
    assert (entry.status, entry.reviewer, entry.review_note) == (EntryStatus.SUBMITTED, None, "")
    assert not EntryTransition.objects.filter(entry=entry).exists()
    assert entry.history.latest("history_date").history_user == officer


def test_the_change_form_shows_the_status_without_a_field_to_set_it(officer_client):
    entry = ProgressEntryFactory(status=EntryStatus.SUBMITTED)

    response = officer_client.get(reverse("admin:indicators_progressentry_change", args=[entry.pk]))

    assert "status" not in response.context["adminform"].form.fields
    assert "Soumise" in response.content.decode()


def test_reverting_to_an_old_version_keeps_the_current_status(officer_client):
    entry = ProgressEntryFactory(status=EntryStatus.SUBMITTED, value=Decimal("10"))
    first = entry.history.get()
    entry.status, entry.value = EntryStatus.VALIDATED, Decimal("11")
    entry.save()
    url = reverse(
        "admin:indicators_progressentry_simple_history", args=[entry.pk, first.history_id]
    )

    ProgressEntry.objects.filter(pk=entry.pk).update(version=3)  # edited meanwhile
    page = officer_client.get(url)
    loaded = page.context["adminform"].form["loaded_version"].value()
    assert loaded == 3

    # A validated value changes only with a reason (four eyes, issue 16.4).
    data = _entry_form(first.instance, loaded_version=loaded, change_reason="Erreur de saisie")
    response = officer_client.post(url, data)

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.value == Decimal("10")
    assert entry.status == EntryStatus.VALIDATED
    assert entry.version == 4  # onwards from the current version, never back to an old one


def test_the_validate_action_changes_the_status_logs_it_and_mails_the_author(
    officer_client, officer, stranger, mailoutbox, django_capture_on_commit_callbacks, neighbour
):
    entry = ProgressEntryFactory(status=EntryStatus.SUBMITTED, author=stranger)

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("admin:indicators_progressentry_changelist"),
            {"action": "validate_entries", "_selected_action": [entry.pk]},
            follow=True,
        )

    assert "1 saisie validée." in response.content.decode()
    entry.refresh_from_db()
    assert (entry.status, entry.reviewer) == (EntryStatus.VALIDATED, officer)
    transition = EntryTransition.objects.get(entry=entry)
    assert (transition.from_status, transition.to_status, transition.by) == (
        EntryStatus.SUBMITTED,
        EntryStatus.VALIDATED,
        officer,
    )
    assert [message.to for message in mailoutbox] == [[stranger.email]]
    neighbour.assert_unchanged()  # the action validated the selected entry only


def test_an_uploaded_evidence_file_keeps_its_name_size_and_uploader(officer_client, officer):
    entry = ProgressEntryFactory()
    url = reverse("admin:indicators_progressentry_change", args=[entry.pk])
    data = _entry_form(
        entry,
        **{
            "evidence-TOTAL_FORMS": "1",
            "evidence-0-file": SimpleUploadedFile("bilan 2021.pdf", b"%PDF-1.4 bilan"),
        },
    )

    response = officer_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    evidence = Evidence.objects.get(entry=entry)
    assert evidence.original_name.startswith("bilan")
    assert evidence.size == len(b"%PDF-1.4 bilan")
    assert evidence.uploaded_by == officer


@pytest.mark.parametrize(
    "make",
    [
        lambda: ContractFactory(),
        lambda: ObjectiveFactory(),
        lambda: IndicatorFactory(),
        lambda: ProgressEntryFactory(),
        lambda: TrancheFactory(),
    ],
    ids=["contrat", "objectif", "indicateur", "saisie", "tranche"],
)
def test_officers_read_the_history_of_an_object(officer_client, make):
    obj = make()
    opts = obj._meta
    history = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])

    response = officer_client.get(history)

    assert response.status_code == 200
    version = obj.history.get()
    response = officer_client.get(
        reverse(
            f"admin:{opts.app_label}_{opts.model_name}_simple_history",
            args=[obj.pk, version.history_id],
        )
    )
    assert response.status_code == 200


def test_the_contract_page_costs_the_same_with_more_objectives(officer_client):
    contract = ContractFactory(start=datetime.date(2021, 1, 1))
    url = reverse("admin:contracts_contract_change", args=[contract.pk])

    def count():
        with CaptureQueriesContext(connection) as context:
            assert officer_client.get(url).status_code == 200
        return len(context.captured_queries)

    ObjectiveFactory.create_batch(3, contract=contract)
    few = count()
    ObjectiveFactory.create_batch(6, contract=contract)
    assert count() == few


def test_a_save_over_someone_elses_change_is_refused_with_their_change(officer_client, officer):
    entry = ProgressEntryFactory(status=EntryStatus.DRAFT, value=Decimal("12.5"))
    url = reverse("admin:indicators_progressentry_change", args=[entry.pk])
    loaded = entry.version
    # Two officers opened the same entry; the first one saves 14.
    first = officer_client.post(url, _entry_form(entry, value="14", loaded_version=str(loaded)))
    assert first.status_code == 302

    response = officer_client.post(url, _entry_form(entry, value="13", loaded_version=str(loaded)))

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert "modifiée par" in errors[0] and "valeur actuelle : 14" in errors[0]
    entry.refresh_from_db()
    assert entry.value == Decimal("14")


def test_a_save_from_the_current_version_goes_through(officer_client):
    entry = ProgressEntryFactory(status=EntryStatus.DRAFT, value=Decimal("12.5"))
    url = reverse("admin:indicators_progressentry_change", args=[entry.pk])

    response = officer_client.post(
        url, _entry_form(entry, value="13", loaded_version=str(entry.version))
    )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.value, entry.version) == (Decimal("13"), 2)
