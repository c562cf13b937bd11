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
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail, send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from contracts.enums import MembershipRole
from contracts.perms import OFFICERS_GROUP
from french.output import format_date, format_datetime, format_number
from indicators import entry_rules, perms
from indicators.enums import ENTRY_TRANSITIONS, EntrySource, EntryStatus
from indicators.locks import check_entry_unlocked
from indicators.models import EntryTransition, Evidence, Indicator, ProgressEntry
from indicators.signals import progress_changed


class EntryConflict(ValidationError):
    """Someone else saved the entry since the user loaded it."""


def entry_conflict(entry_pk: int) -> EntryConflict:
    """The refusal shown to the second writer: who changed the entry, when, and to what."""
    current = ProgressEntry.objects.select_related("indicator").get(pk=entry_pk)
    last = current.history.select_related("history_user").first()
    who = "un autre utilisateur"
    if last is not None and last.history_user is not None:
        who = last.history_user.get_full_name() or last.history_user.get_username()
    when = format_datetime(current.updated_at)
    value = format_number(current.value)
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


OWN_ENTRY_MESSAGE = (
    "Vous ne pouvez ni valider ni renvoyer une saisie que vous avez écrite : "
    "un autre agent doit la relire."
)


def check_four_eyes(*, entry: ProgressEntry, by) -> None:
    """Raise ``ValidationError`` (code ``own_entry``) when ``by`` wrote ``entry``.

    Nobody reviews their own entry, even a user who is both an officer and a chef de projet.
    Reads ``entry.author_id`` only: no query (the bulk validation calls it per entry).
    """
    if entry.author_id is not None and entry.author_id == getattr(by, "pk", None):
        raise ValidationError(OWN_ENTRY_MESSAGE, code="own_entry")


def _log(entry: ProgressEntry, *, from_status: str, by) -> None:
    """Log a chef de projet's status change (the reviews log theirs in bulk, with their note)."""
    if from_status != entry.status:
        EntryTransition.objects.create(
            entry=entry, from_status=from_status, to_status=entry.status, by=by
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
        "by_name": by.get_full_name() or by.get_username(),
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
    body = render_to_string(f"emails/{template}_body.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients))


def _chef_emails_by_territory(territory_ids: set[int]) -> dict[int, set[str]]:
    """{territory id: e-mails of its active chefs de projet}, in one query."""
    rows = (
        get_user_model()
        .objects.filter(
            is_active=True,
            project_memberships__territory_id__in=territory_ids,
            project_memberships__role=MembershipRole.PROJECT_LEAD,
        )
        .exclude(email="")
        .values_list("project_memberships__territory_id", "email")
    )
    emails: dict[int, set[str]] = defaultdict(set)
    for territory_id, email in rows:
        emails[territory_id].add(email)
    return emails


def _notify_reviewed(entries: list[ProgressEntry], *, by, to_status: str) -> None:
    """One e-mail per recipient (the territory's chefs de projet, the entry's author) listing
    their reviewed entries; sent after the commit over one connection."""
    territory_ids = {e.indicator.objective.contract.territory_id for e in entries}
    chefs = _chef_emails_by_territory(territory_ids)
    per_recipient: dict[str, list[ProgressEntry]] = defaultdict(list)
    for entry in entries:
        recipients = set(chefs.get(entry.indicator.objective.contract.territory_id, ()))
        if entry.author is not None and entry.author.email:
            recipients.add(entry.author.email)
        for email in recipients:
            per_recipient[email].append(entry)
    if not per_recipient:
        return
    single = "entry_validated" if to_status == EntryStatus.VALIDATED else "entry_returned"
    common = {
        "by_name": by.get_full_name() or by.get_username(),
        "site_url": settings.SITE_URL.rstrip("/"),
        "validated": to_status == EntryStatus.VALIDATED,
    }
    rendered: dict[tuple[int, ...], tuple[str, str]] = {}
    messages = []
    for email, mine in sorted(per_recipient.items()):
        key = tuple(e.pk for e in mine)
        if key not in rendered:
            if len(mine) == 1:
                entry = mine[0]
                contract = entry.indicator.objective.contract
                context = {**common, "entry": entry, "indicator": entry.indicator}
                context["contract"] = contract
                template = single
            else:
                by_contract: dict = defaultdict(list)
                for entry in mine:
                    by_contract[entry.indicator.objective.contract].append(entry)
                context = {
                    **common,
                    "count": len(mine),
                    "note": mine[0].review_note,
                    "contracts": sorted(by_contract.items(), key=lambda item: item[0].reference),
                }
                template = "entries_reviewed"
            subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
            rendered[key] = (subject, render_to_string(f"emails/{template}_body.txt", context))
        subject, body = rendered[key]
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
    transaction.on_commit(lambda: send_mass_mail(messages))


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

    Raises ``ValidationError({"date": [...]})`` when the date is outside the contract's period or
    already holds another entry of the indicator (``indicators.entry_rules``), and
    ``ValidationError`` in a locked period (``indicators.locks``).
    ``comment`` is addressed to the officers; ``private_note`` is the territory's working note
    (``None``: left as it is, for callers that do not know it, such as the API).
    """
    if not perms.can_report_progress(by, indicator):
        raise PermissionDenied("Vous ne pouvez pas saisir l'avancement de ce contrat.")
    check_entry_unlocked(indicator=indicator, date=date, entry=entry)
    entry_rules.lock_indicators([indicator.pk])
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
    entry_rules.check_entry(indicator=indicator, date=date, exclude_pk=entry.pk)
    entry.date, entry.value, entry.comment = date, value, comment
    if private_note is not None:
        entry.private_note = private_note
    try:
        with transaction.atomic():  # a savepoint: the refusal leaves the transaction usable
            _save(entry, by=by)
    except IntegrityError as error:  # a concurrent writer won the date (no row lock on SQLite)
        if not entry_rules.is_duplicate_error(error):
            raise
        raise ValidationError(
            {"date": [entry_rules.duplicate_message(date)]}, code="entry_date"
        ) from None
    _log(entry, from_status=from_status, by=by)
    return entry


@transaction.atomic
def entry_submit(*, entry: ProgressEntry, by, expected_version: int | None = None) -> ProgressEntry:
    """A chef de projet sends a draft or corrected entry to the officers for validation."""
    _claim(entry, expected_version=entry.version if expected_version is None else expected_version)
    entry.refresh_from_db(fields=["status"])
    if not perms.can_report_progress(by, entry.indicator):
        raise PermissionDenied("Vous ne pouvez pas soumettre l'avancement de ce contrat.")
    check_entry_unlocked(indicator=entry.indicator, date=entry.date, entry=entry)
    from_status = entry.status
    _check_transition(entry, EntryStatus.SUBMITTED)
    entry.status = EntryStatus.SUBMITTED
    entry.submitted_at = timezone.now()
    _save(entry, by=by)
    _log(entry, from_status=from_status, by=by)
    _notify("entry_submitted", entry=entry, by=by, recipients=_officer_emails())
    return entry


@dataclass
class ReviewOutcome:
    """What one review action did: the entries reviewed (all those asked for)."""

    reviewed: list[ProgressEntry] = field(default_factory=list)


class EntriesRefused(ValidationError):
    """A review action refused whole: one or more chosen entries may not be reviewed.

    ``refused``: [(entry, ValidationError)], in entry id order; ``messages``: one French line per
    refused entry, naming it (indicator, date, contract), then its reason.
    """

    def __init__(self, refused: list[tuple[ProgressEntry, ValidationError]]) -> None:
        self.refused = refused
        super().__init__(
            [
                ValidationError(f"{entry_label(entry)} : {' '.join(error.messages)}")
                for entry, error in refused
            ],
            code="entries_refused",
        )


def entry_label(entry: ProgressEntry) -> str:
    """« Saisie « <indicator> » au <date> (<contract reference>) » (no query when the entry was
    fetched with its indicator, objective and contract)."""
    contract = entry.indicator.objective.contract
    return f"Saisie « {entry.indicator.label} » au {format_date(entry.date)} ({contract.reference})"


def _review_refusal(
    entry: ProgressEntry, *, by, to_status: str, expected_version: int | None
) -> ValidationError | None:
    """Why ``by`` may not review this (locked) entry, or None: the one place per-entry rules go."""
    if expected_version is not None and entry.version != expected_version:
        return entry_conflict(entry.pk)
    try:
        check_four_eyes(entry=entry, by=by)
        _check_transition(entry, to_status)
    except ValidationError as exc:
        return exc
    return None


@transaction.atomic
def entries_review(
    *,
    entry_ids: Collection[int],
    by,
    to_status: str,
    note: str = "",
    expected_versions: Mapping[int, int] | None = None,
) -> ReviewOutcome:
    """Validate or return N entries in one transaction, all or none, with a bounded number of
    queries (about ten, whatever N and the number of contracts).

    ``to_status``: ``EntryStatus.VALIDATED`` or ``EntryStatus.RETURNED`` (a return needs a
    ``note``). ``expected_versions``: {entry id: version the officer saw}; an entry changed since
    is refused, not overwritten. Entries are locked (``SELECT … FOR UPDATE``, id order), checked
    one by one (``_review_refusal``: version, four eyes, status), then written together: one
    UPDATE, one history INSERT, one transition INSERT. After the commit: one e-mail per
    recipient summarising their entries, and the ``progress_changed`` signal naming the
    contracts (``cotri.refresh``: one task for the whole action, which evaluates each contract
    and renders its fiche once).
    Raises PermissionDenied when ``by`` is not an officer, ValidationError for a return with no
    note, ``EntriesRefused`` (a ValidationError naming every refused entry) when any chosen entry
    may not be reviewed: then nothing is saved. Ids of entries that no longer exist are ignored.
    """
    if not perms.is_officer(by):
        raise PermissionDenied("Seuls les agents valident ou renvoient les saisies.")
    if to_status not in (EntryStatus.VALIDATED, EntryStatus.RETURNED):
        raise ValueError(f"Statut de relecture inconnu : {to_status}")
    if to_status == EntryStatus.RETURNED and not note.strip():
        raise ValidationError(
            "Indiquez au chef de projet ce qu'il doit corriger.", code="return_note_required"
        )
    expected_versions = expected_versions or {}
    locked = (
        ProgressEntry.objects.select_for_update(of=("self",))
        .filter(pk__in=list(entry_ids))
        .select_related("indicator__objective__contract", "author")
        .order_by("pk")
    )
    outcome = ReviewOutcome()
    refused: list[tuple[ProgressEntry, ValidationError]] = []
    for entry in locked:
        refusal = _review_refusal(
            entry, by=by, to_status=to_status, expected_version=expected_versions.get(entry.pk)
        )
        if refusal is None:
            outcome.reviewed.append(entry)
        else:
            refused.append((entry, refusal))
    if refused:
        raise EntriesRefused(refused)  # nothing written yet: the rows are only locked
    if not outcome.reviewed:
        return outcome
    now = timezone.now()
    ProgressEntry.objects.filter(pk__in=[e.pk for e in outcome.reviewed]).update(
        status=to_status,
        reviewer=by,
        reviewed_at=now,
        review_note=note,
        version=F("version") + 1,
        updated_at=now,
    )
    transitions = []
    for entry in outcome.reviewed:
        transitions.append(
            EntryTransition(
                entry=entry, from_status=entry.status, to_status=to_status, by=by, note=note
            )
        )
        entry.status, entry.reviewer, entry.reviewed_at = to_status, by, now
        entry.review_note, entry.version, entry.updated_at = note, entry.version + 1, now
    ProgressEntry.history.bulk_history_create(
        outcome.reviewed, update=True, default_user=by, default_date=now
    )
    EntryTransition.objects.bulk_create(transitions)
    _notify_reviewed(outcome.reviewed, by=by, to_status=to_status)
    contract_ids = {e.indicator.objective.contract_id for e in outcome.reviewed}
    # Sent inside the transaction: the receiver acts at once where it is safe (the fiches' cache
    # generations) and defers the rest to the commit, once for the whole action (cotri.refresh).
    progress_changed.send(sender=ProgressEntry, contract_ids=contract_ids)
    return outcome


def _review_one(
    entry: ProgressEntry, *, by, to_status: str, note: str, expected_version: int | None
) -> ProgressEntry:
    try:
        outcome = entries_review(
            entry_ids=[entry.pk],
            by=by,
            to_status=to_status,
            note=note,
            expected_versions={
                entry.pk: entry.version if expected_version is None else expected_version
            },
        )
    except EntriesRefused as refused:
        raise refused.refused[0][1] from None  # one entry: its own reason, as it was
    if not outcome.reviewed:
        raise ProgressEntry.DoesNotExist("Cette saisie n'existe plus.")
    reviewed = outcome.reviewed[0]
    for name in ("status", "reviewer", "reviewed_at", "review_note", "version", "updated_at"):
        setattr(entry, name, getattr(reviewed, name))
    return entry


@transaction.atomic
def entry_validate(
    *, entry: ProgressEntry, by, note: str = "", expected_version: int | None = None
) -> ProgressEntry:
    return _review_one(
        entry, by=by, to_status=EntryStatus.VALIDATED, note=note, expected_version=expected_version
    )


@transaction.atomic
def entry_return(
    *, entry: ProgressEntry, by, note: str, expected_version: int | None = None
) -> ProgressEntry:
    return _review_one(
        entry, by=by, to_status=EntryStatus.RETURNED, note=note, expected_version=expected_version
    )


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
