"""Two notes on an entry (comment to the officers, private working note of the territory) and
the evidence list of the entry's form."""

import os

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.timezone import localtime

from contracts.enums import MembershipRole
from contracts.models import ProjectMembership
from cotri.templatetags.french import date_fr
from indicators.enums import EntryStatus
from indicators.models import Evidence, ProgressEntry
from indicators.perms import can_read_private_notes
from indicators.services import entry_validate

pytestmark = pytest.mark.django_db
PRIVATE = "Relancer M. Dupont avant le comité"
COMMENT = "Bilan des conseillers FAIRE"
PDF = b"%PDF-1.4 justificatif"


@pytest.fixture
def noted_entry(client, chef_a, indicator_a):
    client.force_login(chef_a)
    client.post(
        reverse("espace:indicator", args=[indicator_a.pk]),
        {
            "date": "30/06/2022",
            "value": "12,5",
            "comment": COMMENT,
            "private_note": PRIVATE,
            "action": "submit",
        },
    )
    client.logout()
    return ProgressEntry.objects.get(indicator=indicator_a)


def _page(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    return response.status_code, response.content.decode()


def test_the_territory_members_read_the_private_note(
    client, chef_a, reader_a, noted_entry, neighbour
):
    assert noted_entry.private_note == PRIVATE and noted_entry.comment == COMMENT
    url = reverse("espace:indicator", args=[noted_entry.indicator_id])
    for user in (chef_a, reader_a):
        status, text = _page(client, user, url)
        assert status == 200 and PRIVATE in text and COMMENT in text
        neighbour.assert_absent(text)


def test_officers_read_the_comment_never_the_private_note(client, officer, superuser, noted_entry):
    pages = [
        reverse("espace:indicator", args=[noted_entry.indicator_id]),
        reverse("espace:queue"),
        reverse("admin:indicators_progressentry_change", args=[noted_entry.pk]),
        reverse("admin:indicators_progressentry_history", args=[noted_entry.pk]),
        reverse("admin:indicators_progressentry_changelist"),
    ]
    for user in (officer, superuser):
        for url in pages:
            status, text = _page(client, user, url)
            assert status == 200, url
            assert PRIVATE not in text, (user, url)
    assert COMMENT in _page(client, officer, pages[1])[1]


def test_an_officer_who_is_chef_of_another_territory_never_reads_this_ones_note(
    client, officer, contract_b, noted_entry, neighbour
):
    """Officers see every contract; a membership elsewhere opens no other territory's notes."""
    ProjectMembership.objects.create(
        user=officer, territory=contract_b.territory, role=MembershipRole.PROJECT_LEAD
    )
    url = reverse("espace:indicator", args=[noted_entry.indicator_id])

    status, text = _page(client, officer, url)

    assert status == 200 and COMMENT in text
    assert PRIVATE not in text
    assert not can_read_private_notes(officer, noted_entry.indicator.objective.contract)
    assert can_read_private_notes(officer, contract_b)


def test_no_account_reads_private_notes_not_even_a_deactivated_member(
    chef_a, contract_a, neighbour
):
    assert can_read_private_notes(chef_a, contract_a)
    assert can_read_private_notes(neighbour.chef, neighbour.contract)
    assert not can_read_private_notes(neighbour.inactive_chef, neighbour.contract)
    assert not can_read_private_notes(AnonymousUser(), contract_a)
    assert not can_read_private_notes(None, contract_a)


def test_other_territories_and_the_public_never_read_either(
    client, chef_b, officer, noted_entry, django_capture_on_commit_callbacks, neighbour
):
    entry_validate(entry=noted_entry, by=officer, note="")
    contract = noted_entry.indicator.objective.contract
    indicator_url = reverse("espace:indicator", args=[noted_entry.indicator_id])
    assert _page(client, chef_b, indicator_url)[0] == 404
    fiche = reverse("public:fiche", args=[contract.reference])
    status, text = _page(client, None, fiche)
    assert status == 200
    assert PRIVATE not in text and COMMENT not in text
    neighbour.assert_absent(text)


def test_an_officer_makes_a_comment_public_on_the_fiche(client, officer, noted_entry):
    entry_validate(entry=noted_entry, by=officer, note="")
    ProgressEntry.objects.filter(pk=noted_entry.pk).update(comment_public=True)
    contract = noted_entry.indicator.objective.contract

    status, text = _page(client, None, reverse("public:fiche", args=[contract.reference]))

    assert status == 200
    assert f"30/06/2022 — {COMMENT}" in text
    assert PRIVATE not in text


def test_editing_through_the_api_keeps_the_private_note(chef_a, draft_a):
    from indicators.services import entry_save_draft

    ProgressEntry.objects.filter(pk=draft_a.pk).update(private_note=PRIVATE)
    draft_a.refresh_from_db()

    entry_save_draft(
        indicator=draft_a.indicator,
        by=chef_a,
        entry=draft_a,
        date=draft_a.date,
        value=draft_a.value,
        comment="corrigé",
    )

    draft_a.refresh_from_db()
    assert (draft_a.comment, draft_a.private_note) == ("corrigé", PRIVATE)


# --- Evidence ------------------------------------------------------------------------------------


def _evidence(entry, user, name="pv.pdf"):
    return Evidence.objects.create(
        entry=entry,
        file=ContentFile(PDF, name=name),
        original_name=name,
        size=len(PDF),
        uploaded_by=user,
    )


def test_the_edit_form_lists_evidence_and_states_the_rules_before_upload(client, chef_a, draft_a):
    chef_a.first_name, chef_a.last_name = "Camille", "Martin"
    chef_a.save()
    first = _evidence(draft_a, chef_a, "pv.pdf")
    _evidence(draft_a, chef_a, "photo.jpg")
    client.force_login(chef_a)

    text = client.get(reverse("espace:entry", args=[draft_a.pk])).content.decode()

    assert reverse("espace:evidence", args=[first.pk]) in text
    assert "pv.pdf" in text and "photo.jpg" in text
    assert "21\xa0octets" in text  # size
    assert date_fr(localtime(first.uploaded_at)) in text  # Europe/Paris date
    assert "Camille Martin" in text
    assert text.count(">Retirer<") == 2
    rules = text.index("Formats acceptés : .pdf, .jpg, .jpeg, .png, .xlsx, .csv, .ods ; 10 Mo")
    assert rules < text.index('type="file"')


def test_retirer_removes_the_row_and_the_file(
    client, chef_a, draft_a, django_capture_on_commit_callbacks
):
    evidence = _evidence(draft_a, chef_a)
    path = evidence.file.path
    client.force_login(chef_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("espace:evidence_remove", args=[evidence.pk]))

    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert not os.path.exists(path)


@pytest.mark.parametrize(
    "status", [EntryStatus.SUBMITTED, EntryStatus.VALIDATED, EntryStatus.RETURNED]
)
def test_evidence_of_a_non_draft_stays(client, chef_a, draft_a, status):
    evidence = _evidence(draft_a, chef_a)
    ProgressEntry.objects.filter(pk=draft_a.pk).update(status=status)
    client.force_login(chef_a)

    response = client.post(reverse("espace:evidence_remove", args=[evidence.pk]))

    assert response.status_code == 403
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_the_edit_form_of_a_returned_entry_offers_no_retirer(client, chef_a, draft_a):
    _evidence(draft_a, chef_a)
    ProgressEntry.objects.filter(pk=draft_a.pk).update(status=EntryStatus.RETURNED)
    client.force_login(chef_a)

    text = client.get(reverse("espace:entry", args=[draft_a.pk])).content.decode()

    assert "pv.pdf" in text and ">Retirer<" not in text


@pytest.mark.parametrize(
    ("persona", "status"),
    [("chef_b", 404), ("reader_a", 403), ("officer", 403), ("superuser", 403)],
)
def test_only_the_territory_chefs_remove_evidence(
    request, client, chef_a, draft_a, persona, status
):
    evidence = _evidence(draft_a, chef_a)
    client.force_login(request.getfixturevalue(persona))

    response = client.post(reverse("espace:evidence_remove", args=[evidence.pk]))

    assert response.status_code == status
    assert Evidence.objects.filter(pk=evidence.pk).exists()
