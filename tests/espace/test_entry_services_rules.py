"""Rules of the entry services that mutation testing found unpinned (docs/mutation.md, « Survivants
de indicators/services.py »): the whole conflict message, the version an officer validated from,
the justificatif recorded as uploaded."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.enums import MembershipRole
from exchange.progress_import import progress_import
from french.output import format_datetime
from indicators.enums import EntryStatus
from indicators.models import Evidence, ProgressEntry
from indicators.services import (
    EntryConflict,
    entries_review,
    entry_add_evidence,
    entry_return,
    entry_submit,
    entry_validate,
)
from tests.espace.conftest import _member

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 justificatif"


def test_a_conflict_with_a_change_of_unknown_author_says_so_in_full(draft_a, chef_a, neighbour):
    # The draft was written by no one the history knows (a factory, like a command run without
    # --as): the message names « un autre utilisateur », the time, the value and the status.
    stale = ProgressEntry.objects.get(pk=draft_a.pk)
    ProgressEntry.objects.filter(pk=draft_a.pk).update(version=draft_a.version + 1)

    with pytest.raises(EntryConflict) as conflict:
        entry_submit(entry=stale, by=chef_a)

    assert conflict.value.messages == [
        "Cette saisie a été modifiée par un autre utilisateur le "
        f"{format_datetime(draft_a.updated_at)} pendant que vous la modifiiez (valeur actuelle : "
        "12,5 km, statut : brouillon). Vos changements n'ont pas été enregistrés : rechargez la "
        "page pour repartir de la version actuelle."
    ]
    assert ProgressEntry.objects.get(pk=draft_a.pk).status == EntryStatus.DRAFT
    neighbour.assert_unchanged()


@pytest.mark.parametrize("review", [entry_validate, entry_return])
def test_an_officer_reviewing_a_stale_copy_is_refused(submitted_a, officer, review, neighbour):
    # The officer's page was loaded before the chef de projet corrected the entry again.
    stale = ProgressEntry.objects.get(pk=submitted_a.pk)
    ProgressEntry.objects.filter(pk=submitted_a.pk).update(
        value=Decimal("21"), version=submitted_a.version + 1
    )

    with pytest.raises(EntryConflict, match="valeur actuelle : 21 km"):
        review(entry=stale, by=officer, note="Joindre le procès-verbal.")

    submitted_a.refresh_from_db()
    assert submitted_a.status == EntryStatus.SUBMITTED and submitted_a.reviewer is None
    neighbour.assert_unchanged()


def test_the_version_the_officer_saw_wins_over_the_copy_in_hand(submitted_a, officer):
    # A fresh copy, but the form said the officer saw an older version: refused, not validated.
    seen = submitted_a.version
    ProgressEntry.objects.filter(pk=submitted_a.pk).update(version=seen + 1)
    fresh = ProgressEntry.objects.get(pk=submitted_a.pk)

    with pytest.raises(EntryConflict):
        entry_validate(entry=fresh, by=officer, expected_version=seen)

    assert ProgressEntry.objects.get(pk=submitted_a.pk).status == EntryStatus.SUBMITTED


def test_a_justificatif_is_recorded_as_uploaded(draft_a, chef_a, neighbour):
    upload = SimpleUploadedFile("pv-reception.pdf", PDF, content_type="application/pdf")

    evidence = entry_add_evidence(entry=draft_a, by=chef_a, file=upload)

    stored = Evidence.objects.get(pk=evidence.pk)
    assert stored.entry == draft_a and stored.uploaded_by == chef_a
    assert stored.original_name == "pv-reception.pdf" and stored.size == len(PDF)
    with stored.file.open("rb") as handle:
        assert handle.read() == PDF
    neighbour.assert_unchanged()


@pytest.mark.parametrize("status", [EntryStatus.SUBMITTED, EntryStatus.VALIDATED])
def test_no_justificatif_is_added_to_an_entry_under_review_or_validated(draft_a, chef_a, status):
    ProgressEntry.objects.filter(pk=draft_a.pk).update(status=status)
    draft_a.refresh_from_db()
    upload = SimpleUploadedFile("pv.pdf", PDF, content_type="application/pdf")

    with pytest.raises(PermissionDenied) as refused:
        entry_add_evidence(entry=draft_a, by=chef_a, file=upload)

    assert str(refused.value) == "Vous ne pouvez plus ajouter de justificatif à cette saisie."
    assert not Evidence.objects.filter(entry=draft_a).exists()


def test_only_the_territory_chefs_add_a_justificatif(draft_a, chef_b, officer):
    for user in (chef_b, officer):
        upload = SimpleUploadedFile("pv.pdf", PDF, content_type="application/pdf")
        with pytest.raises(PermissionDenied):
            entry_add_evidence(entry=draft_a, by=user, file=upload)
    assert not Evidence.objects.filter(entry=draft_a).exists()


SITE = "https://cotri.example.org/"  # a trailing slash, as an administrator may type it


def test_the_submission_e_mail_names_the_chef_and_links_the_queue(
    settings,
    django_user_model,
    draft_a,
    chef_a,
    officer,
    neighbour,
    django_capture_on_commit_callbacks,
):
    settings.SITE_URL = SITE
    not_staff = django_user_model.objects.create_user("exagent", email="exagent@example.org")
    not_staff.groups.add(Group.objects.get(name="officers"))
    with django_capture_on_commit_callbacks(execute=True):
        entry_submit(entry=draft_a, by=chef_a)

    # The officers only: not the neighbour's inactive officer nor its staff of another group, nor
    # a member of the officers' group who is no staff (no access to the admin: no officer).
    assert [(m.to, m.from_email) for m in mail.outbox] == [
        (["agent@example.org"], settings.DEFAULT_FROM_EMAIL)
    ]
    body = mail.outbox[0].body
    assert "Prénom Chefa a soumis une saisie d'avancement pour le contrat COT-A :" in body
    assert "Pour la valider ou la renvoyer : https://cotri.example.org/espace/validation/\n" in body
    neighbour.assert_absent(body)


def test_the_validation_e_mail_names_the_officer_by_login_and_links_the_contract(
    settings,
    django_user_model,
    submitted_a,
    chef_a,
    reader_a,
    officer,
    neighbour,
    django_capture_on_commit_callbacks,
):
    settings.SITE_URL = SITE
    territory = chef_a.project_memberships.get().territory
    no_mail = _member(django_user_model, "chefsansmail", territory, MembershipRole.PROJECT_LEAD)
    no_mail.email = ""
    no_mail.save()
    gone = _member(django_user_model, "chefpartie", territory, MembershipRole.PROJECT_LEAD)
    gone.is_active = False
    gone.save()
    with django_capture_on_commit_callbacks(execute=True):
        entry_validate(entry=submitted_a, by=officer)

    # chef_a is both the author and the territory's chef de projet: one e-mail. None to a chef de
    # projet with no address, to a former one (inactive), to the territory's lecteur.
    assert [(m.to, m.from_email) for m in mail.outbox] == [
        (["chefa@example.org"], settings.DEFAULT_FROM_EMAIL)
    ]
    body = mail.outbox[0].body
    assert "agent a validé votre saisie d'avancement pour le contrat COT-A :" in body
    assert "l'évaluation du contrat : https://cotri.example.org/espace/contrats/COT-A/\n" in body
    neighbour.assert_absent(body)


def test_the_return_e_mail_of_several_entries_lists_them_with_the_note(
    settings, indicator_a, chef_a, officer, neighbour, django_capture_on_commit_callbacks
):
    settings.SITE_URL = SITE
    officer.first_name, officer.last_name = "Alix", "Agent"
    officer.save()
    entries = [
        ProgressEntry.objects.create(
            indicator=indicator_a,
            author=chef_a,
            date=datetime.date(2022, month, 28),
            value=Decimal(month),
            status=EntryStatus.SUBMITTED,
        )
        for month in (3, 6)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        entries_review(
            entry_ids=[e.pk for e in entries],
            by=officer,
            to_status=EntryStatus.RETURNED,
            note="Joindre les procès-verbaux.",
        )

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["chefa@example.org"], "[cotri] 2 saisies à corriger")
    ]
    body = mail.outbox[0].body
    assert "Alix Agent vous a renvoyé 2 saisies d'avancement à corriger :" in body
    assert "Contrat COT-A — https://cotri.example.org/espace/contrats/COT-A/\n" in body
    link = f"https://cotri.example.org/espace/indicateurs/{indicator_a.pk}/"
    assert f"- Km de pistes cyclables : 3 km au 28/03/2022 — {link}\n" in body
    assert f"- Km de pistes cyclables : 6 km au 28/06/2022 — {link}\n" in body
    assert "Note de l'agent : Joindre les procès-verbaux.\n" in body
    neighbour.assert_absent(body)
    neighbour.assert_unchanged()


def test_a_file_sent_back_unchanged_mails_no_officer(
    submitted_a, chef_a, officer, contract_a, django_capture_on_commit_callbacks
):
    # The chef de projet re-imports the entry under review as it is: nothing to submit, so the
    # officers get no « 0 saisie à valider » e-mail.
    code = submitted_a.indicator.code
    content = f"contract;objective;indicator;date;value\nCOT-A;A1;{code};30/09/2022;20\n"

    with django_capture_on_commit_callbacks(execute=True):
        result = progress_import(
            content=content.encode(),
            filename="avancement.csv",
            by=chef_a,
            officer=False,
            allowed_contract_ids=[contract_a.pk],
        )

    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert mail.outbox == []


def test_the_import_e_mail_names_the_chef_counts_the_entries_and_links_the_queue(
    settings,
    indicator_a,
    chef_a,
    officer,
    contract_a,
    neighbour,
    django_capture_on_commit_callbacks,
):
    settings.SITE_URL = SITE
    code = indicator_a.code
    content = (
        "contract;objective;indicator;date;value\n"
        f"COT-A;A1;{code};30/06/2022;12,5\nCOT-A;A1;{code};31/12/2022;20\n"
    )

    with django_capture_on_commit_callbacks(execute=True):
        progress_import(
            content=content.encode(),
            filename="avancement.csv",
            by=chef_a,
            officer=False,
            allowed_contract_ids=[contract_a.pk],
        )

    assert [(m.to, m.from_email, m.subject) for m in mail.outbox] == [
        (["agent@example.org"], settings.DEFAULT_FROM_EMAIL, "[cotri] 2 saisies à valider (COT-A)")
    ]
    body = mail.outbox[0].body
    assert (
        "Prénom Chefa a importé un fichier d'avancement : 2 saisies soumises à la validation pour "
        "le contrat COT-A.\n\nPour les valider ou les renvoyer : "
        "https://cotri.example.org/espace/validation/\n"
    ) in body
    neighbour.assert_absent(body)
    neighbour.assert_unchanged()


def test_validating_an_entry_deleted_meanwhile_says_it_no_longer_exists(submitted_a, officer):
    stale = ProgressEntry.objects.get(pk=submitted_a.pk)
    ProgressEntry.objects.filter(pk=submitted_a.pk).delete()

    with pytest.raises(ProgressEntry.DoesNotExist) as gone:
        entry_validate(entry=stale, by=officer)

    assert str(gone.value) == "Cette saisie n'existe plus."


def test_one_returned_entry_gets_the_correction_e_mail(
    settings, submitted_a, chef_a, officer, django_capture_on_commit_callbacks
):
    settings.SITE_URL = SITE
    with django_capture_on_commit_callbacks(execute=True):
        entry_return(entry=submitted_a, by=officer, note="Joindre le procès-verbal.")

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["chefa@example.org"], "[cotri] Saisie à corriger : Km de pistes cyclables (COT-A)")
    ]
    link = f"https://cotri.example.org/espace/indicateurs/{submitted_a.indicator_id}/"
    assert f"Corrigez-la puis soumettez-la de nouveau : {link}\n" in mail.outbox[0].body


def test_submitting_a_validated_entry_says_which_statuses(validated_a, chef_a):
    with pytest.raises(ValidationError) as refused:
        entry_submit(entry=validated_a, by=chef_a)

    assert refused.value.messages == [
        "Une saisie « validée » ne peut pas passer au statut « soumise »."
    ]
