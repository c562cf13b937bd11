"""The entry workflow services: transitions logged, e-mails to the other side, no lost update."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from indicators.enums import EntryStatus
from indicators.models import EntryTransition, ProgressEntry
from indicators.services import (
    EntryConflict,
    entry_return,
    entry_save_draft,
    entry_submit,
    entry_validate,
)

pytestmark = pytest.mark.django_db


def _draft(indicator, chef, value="12.5"):
    return entry_save_draft(
        indicator=indicator,
        by=chef,
        date=datetime.date(2022, 6, 30),
        value=Decimal(value),
        comment="Tronçon nord livré",
    )


def test_full_cycle_logs_each_transition_and_mails_the_other_side(
    indicator_a, chef_a, officer, django_capture_on_commit_callbacks
):
    entry = _draft(indicator_a, chef_a)
    assert entry.status == EntryStatus.DRAFT and entry.author == chef_a

    with django_capture_on_commit_callbacks(execute=True):
        entry_submit(entry=entry, by=chef_a)
    assert [m.to for m in mail.outbox] == [["agent@example.org"]]
    assert "Saisie à valider" in mail.outbox[0].subject
    assert "12,5 km au 30/06/2022" in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        entry_return(entry=entry, by=officer, note="Joindre le procès-verbal de réception.")
    assert mail.outbox[1].to == ["chefa@example.org"]
    assert "Joindre le procès-verbal" in mail.outbox[1].body

    entry = _draft_again(entry, chef_a)
    with django_capture_on_commit_callbacks(execute=True):
        entry_submit(entry=entry, by=chef_a)
        entry_validate(entry=entry, by=officer)
    assert "Saisie validée" in mail.outbox[3].subject

    steps = list(
        EntryTransition.objects.filter(entry=entry).values_list("from_status", "to_status", "by")
    )
    assert steps == [
        ("", "draft", chef_a.pk),
        ("draft", "submitted", chef_a.pk),
        ("submitted", "returned", officer.pk),
        ("returned", "draft", chef_a.pk),
        ("draft", "submitted", chef_a.pk),
        ("submitted", "validated", officer.pk),
    ]
    entry.refresh_from_db()
    assert entry.value == Decimal("14") and entry.reviewer == officer
    assert entry.history.first().history_user == officer


def _draft_again(entry, chef):
    return entry_save_draft(
        indicator=entry.indicator,
        by=chef,
        entry=entry,
        date=entry.date,
        value=Decimal("14"),
        comment="Avec le procès-verbal",
    )


def test_validated_entry_is_read_only_for_the_chef(validated_a, chef_a):
    with pytest.raises(ValidationError, match="ne se modifie plus"):
        _draft_again(validated_a, chef_a)
    validated_a.refresh_from_db()
    assert validated_a.value == Decimal("5") and validated_a.status == EntryStatus.VALIDATED


def test_other_territory_and_reader_cannot_report(indicator_a, chef_b, reader_a):
    for user in (chef_b, reader_a):
        with pytest.raises(PermissionDenied):
            _draft(indicator_a, user)
    assert not ProgressEntry.objects.filter(indicator=indicator_a).exists()


def test_only_officers_validate(submitted_a, chef_a):
    with pytest.raises(PermissionDenied):
        entry_validate(entry=submitted_a, by=chef_a)
    submitted_a.refresh_from_db()
    assert submitted_a.status == EntryStatus.SUBMITTED


def test_return_needs_a_note(submitted_a, officer):
    with pytest.raises(ValidationError, match="ce qu'il doit corriger"):
        entry_return(entry=submitted_a, by=officer, note="  ")


def test_second_save_from_the_same_version_is_refused_with_the_other_change(draft_a, chef_a):
    loaded_version = draft_a.version
    first = ProgressEntry.objects.get(pk=draft_a.pk)
    second = ProgressEntry.objects.get(pk=draft_a.pk)
    entry_save_draft(
        indicator=first.indicator,
        by=chef_a,
        entry=first,
        expected_version=loaded_version,
        date=first.date,
        value=Decimal("30"),
    )
    with pytest.raises(EntryConflict) as exc:
        entry_save_draft(
            indicator=second.indicator,
            by=chef_a,
            entry=second,
            expected_version=loaded_version,
            date=second.date,
            value=Decimal("31"),
        )
    message = " ".join(exc.value.messages)
    assert "modifiée par Prénom Chefa" in message and "valeur actuelle : 30 km" in message
    draft_a.refresh_from_db()
    assert draft_a.value == Decimal("30") and draft_a.version == loaded_version + 1


def test_admin_action_validates_only_submitted_entries(
    rf, officer, submitted_a, draft_a, django_capture_on_commit_callbacks, neighbour
):
    from django.contrib.admin.sites import site
    from django.contrib.messages.storage.fallback import FallbackStorage

    from cotri.espace.admin_actions import validate_entries

    request = rf.post("/admin/indicators/progressentry/")
    request.user = officer
    request.session = {}
    request._messages = FallbackStorage(request)
    with django_capture_on_commit_callbacks(execute=True):
        selected = ProgressEntry.objects.filter(pk__in=[submitted_a.pk, draft_a.pk])
        validate_entries(site._registry[ProgressEntry], request, selected)
    submitted_a.refresh_from_db()
    draft_a.refresh_from_db()
    assert (submitted_a.status, draft_a.status) == (EntryStatus.VALIDATED, EntryStatus.DRAFT)
    assert [str(m) for m in request._messages] == [
        "1 saisie validée.",
        "1 saisie non soumise laissée telle quelle.",
    ]
    assert [m.to for m in mail.outbox] == [["chefa@example.org"]]
    neighbour.assert_unchanged()
