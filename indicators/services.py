"""Progress entry workflow: draft → submitted → validated or returned, with no lost update.

Every write checks the version the user started from: the row is claimed with
``UPDATE … SET version = version + 1 WHERE pk = %s AND version = %s`` inside the transaction, so
of two users who started from the same version only the first one saves; the second gets a
French message saying who changed the entry, when, and to what. Each status change is logged
(``EntryTransition``: who, when, from, to) and e-mails the other side once the transaction
commits: officers when a chef de projet submits, the territory's chefs de projet when an officer
validates or returns.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from contracts.enums import MembershipRole
from contracts.perms import OFFICERS_GROUP
from indicators import perms
from indicators.enums import ENTRY_TRANSITIONS, EntrySource, EntryStatus
from indicators.models import EntryTransition, Evidence, Indicator, ProgressEntry


class EntryConflict(ValidationError):
    """Someone else saved the entry since the user loaded it."""


def entry_conflict(entry_pk: int) -> EntryConflict:
    """The refusal shown to the second writer: who changed the entry, when, and to what."""
    current = ProgressEntry.objects.select_related("indicator").get(pk=entry_pk)
    last = current.history.select_related("history_user").first()
    who = "un autre utilisateur"
    if last is not None and last.history_user is not None:
        who = last.history_user.get_full_name() or last.history_user.get_username()
    when = timezone.localtime(current.updated_at).strftime("%d/%m/%Y à %H:%M")
    value = f"{current.value.normalize():f}".replace(".", ",")
    return EntryConflict(
        f"Cette saisie a été modifiée par {who} le {when} pendant que vous la modifiiez "
        f"(valeur actuelle : {value} {current.indicator.unit}, statut : "
        f"{current.get_status_display().lower()}). Vos changements n'ont pas été enregistrés : "
        "rechargez la page pour repartir de la version actuelle.",
        code="entry_conflict",
    )


def _claim(entry: ProgressEntry, *, expected_version: int) -> None:
    """Bump the version if still ``expected_version`` (row locked until commit), else refuse."""
    claimed = ProgressEntry.objects.filter(pk=entry.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise entry_conflict(entry.pk)
    entry.version = expected_version + 1


def _check_transition(entry: ProgressEntry, to_status: str) -> None:
    if to_status not in ENTRY_TRANSITIONS[entry.status]:
        raise ValidationError(
            f"Une saisie « {entry.get_status_display().lower()} » ne peut pas passer au statut "
            f"« {EntryStatus(to_status).label.lower()} ».",
            code="entry_transition",
        )


def _log(entry: ProgressEntry, *, from_status: str, by, note: str = "") -> None:
    if from_status != entry.status:
        EntryTransition.objects.create(
            entry=entry, from_status=from_status, to_status=entry.status, by=by, note=note
        )


def _save(entry: ProgressEntry, *, by) -> None:
    entry._history_user = by
    entry.save()


# --- E-mails -------------------------------------------------------------------------------------


def _officer_emails() -> list[str]:
    users = get_user_model().objects.filter(
        is_active=True, is_staff=True, groups__name=OFFICERS_GROUP
    )
    return sorted({u.email for u in users if u.email})


def _chef_emails(entry: ProgressEntry) -> list[str]:
    users = get_user_model().objects.filter(
        is_active=True,
        project_memberships__territory_id=entry.indicator.objective.contract.territory_id,
        project_memberships__role=MembershipRole.PROJECT_LEAD,
    )
    emails = {u.email for u in users if u.email}
    if entry.author is not None and entry.author.email:
        emails.add(entry.author.email)
    return sorted(emails)


def import_submitted_notify(*, by, entries: list[ProgressEntry]) -> None:
    """One e-mail to the officers for the entries a chef de projet's file submitted."""
    submitted = [e for e in entries if e.status == EntryStatus.SUBMITTED]
    recipients = _officer_emails()
    if not submitted or not recipients:
        return
    context = {
        "by_name": by.get_full_name() or by.get_username(),
        "count": len(submitted),
        "contracts": sorted({e.indicator.objective.contract.reference for e in submitted}),
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    subject = render_to_string("emails/import_submitted_subject.txt", context).strip()
    body = render_to_string("emails/import_submitted_body.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients))


def _notify(template: str, *, entry: ProgressEntry, by, recipients: list[str]) -> None:
    if not recipients:
        return
    contract = entry.indicator.objective.contract
    context = {
        "entry": entry,
        "indicator": entry.indicator,
        "contract": contract,
        "by": by,
        "by_name": by.get_full_name() or by.get_username(),
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
    body = render_to_string(f"emails/{template}_body.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients))


# --- Services -------------------------------------------------------------------------------------


@transaction.atomic
def entry_save_draft(
    *,
    indicator: Indicator,
    by,
    date: datetime.date,
    value: Decimal,
    comment: str = "",
    entry: ProgressEntry | None = None,
    expected_version: int | None = None,
    private_note: str | None = None,
) -> ProgressEntry:
    """Create a draft, or change a draft or returned entry (which goes back to draft).

    ``comment`` is addressed to the officers; ``private_note`` is the territory's working note
    (``None``: left as it is, for callers that do not know it, such as the API).
    """
    if not perms.can_report_progress(by, indicator):
        raise PermissionDenied("Vous ne pouvez pas saisir l'avancement de ce contrat.")
    if entry is None:
        entry = ProgressEntry(
            indicator=indicator, author=by, source=EntrySource.MANUAL, status=EntryStatus.DRAFT
        )
        from_status = ""
    else:
        if entry.indicator_id != indicator.pk:
            raise PermissionDenied("Cette saisie ne concerne pas cet indicateur.")
        _claim(
            entry, expected_version=entry.version if expected_version is None else expected_version
        )
        entry.refresh_from_db(fields=["status"])
        from_status = entry.status
        if not perms.can_edit_entry(by, entry):
            raise ValidationError(
                "Une saisie soumise ou validée ne se modifie plus ; "
                "si elle doit changer, l'agent peut vous la renvoyer.",
                code="entry_locked",
            )
        entry.status = EntryStatus.DRAFT
    entry.date, entry.value, entry.comment = date, value, comment
    if private_note is not None:
        entry.private_note = private_note
    _save(entry, by=by)
    _log(entry, from_status=from_status, by=by)
    return entry


@transaction.atomic
def entry_submit(*, entry: ProgressEntry, by, expected_version: int | None = None) -> ProgressEntry:
    """A chef de projet sends a draft or corrected entry to the officers for validation."""
    _claim(entry, expected_version=entry.version if expected_version is None else expected_version)
    entry.refresh_from_db(fields=["status"])
    if not perms.can_report_progress(by, entry.indicator):
        raise PermissionDenied("Vous ne pouvez pas soumettre l'avancement de ce contrat.")
    from_status = entry.status
    _check_transition(entry, EntryStatus.SUBMITTED)
    entry.status = EntryStatus.SUBMITTED
    entry.submitted_at = timezone.now()
    _save(entry, by=by)
    _log(entry, from_status=from_status, by=by)
    _notify("entry_submitted", entry=entry, by=by, recipients=_officer_emails())
    return entry


def _review(
    entry: ProgressEntry, *, by, to_status: str, note: str, expected_version: int | None
) -> ProgressEntry:
    _claim(entry, expected_version=entry.version if expected_version is None else expected_version)
    entry.refresh_from_db(fields=["status"])
    if not perms.is_officer(by):
        raise PermissionDenied("Seuls les agents valident ou renvoient les saisies.")
    from_status = entry.status
    _check_transition(entry, to_status)
    entry.status = to_status
    entry.reviewer, entry.reviewed_at, entry.review_note = by, timezone.now(), note
    _save(entry, by=by)
    _log(entry, from_status=from_status, by=by, note=note)
    template = "entry_validated" if to_status == EntryStatus.VALIDATED else "entry_returned"
    _notify(template, entry=entry, by=by, recipients=_chef_emails(entry))
    return entry


@transaction.atomic
def entry_validate(
    *, entry: ProgressEntry, by, note: str = "", expected_version: int | None = None
) -> ProgressEntry:
    return _review(
        entry, by=by, to_status=EntryStatus.VALIDATED, note=note, expected_version=expected_version
    )


@transaction.atomic
def entry_return(
    *, entry: ProgressEntry, by, note: str, expected_version: int | None = None
) -> ProgressEntry:
    if not note.strip():
        raise ValidationError(
            "Indiquez au chef de projet ce qu'il doit corriger.", code="return_note_required"
        )
    return _review(
        entry, by=by, to_status=EntryStatus.RETURNED, note=note, expected_version=expected_version
    )


@transaction.atomic
@transaction.atomic
def entry_remove_evidence(*, evidence: Evidence, by) -> None:
    """« Retirer » a justificatif from a draft: the row and the stored file go.

    ``PermissionDenied`` unless ``by`` may edit the entry and the entry is a draft (a submitted
    or validated entry keeps its evidence: the officers rely on it).
    """
    entry = ProgressEntry.objects.select_for_update().get(pk=evidence.entry_id)
    if entry.status != EntryStatus.DRAFT or not perms.can_edit_entry(by, entry):
        raise PermissionDenied("Ce justificatif ne peut plus être retiré.")
    file = evidence.file
    evidence.delete()
    transaction.on_commit(lambda: file.delete(save=False))


def entry_add_evidence(*, entry: ProgressEntry, by, file: UploadedFile) -> Evidence:
    """Attach a justificatif (already checked for type and size by the form)."""
    if not perms.can_edit_entry(by, entry):
        raise PermissionDenied("Vous ne pouvez plus ajouter de justificatif à cette saisie.")
    return Evidence.objects.create(
        entry=entry, file=file, original_name=file.name[:255], size=file.size, uploaded_by=by
    )
