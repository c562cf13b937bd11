"""The front office as a chef de projet, a lecteur and an officer use it."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts.models import ProjectMembership
from indicators.enums import EntryStatus
from indicators.models import EntryTransition, Evidence, ProgressEntry
from tests.factories import IndicatorFactory, ObjectiveFactory
from tests.files import zip_bytes

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _entry_data(**overrides):
    data = {"date": "30/06/2022", "value": "12,5", "comment": "Tronçon nord", "action": "draft"}
    data.update(overrides)
    return data


def test_my_contracts_lists_only_my_territory(client, chef_a, contract_a, contract_b, neighbour):
    client.force_login(chef_a)
    response = client.get(reverse("espace:home"))
    assert response.status_code == 200
    assert "COT-A" in response.text and "COT-B" not in response.text
    neighbour.assert_absent(response.content)
    assert "Saisie et soumission" in response.text


def test_contract_page_shows_objectives_with_rate_threshold_and_missing(
    client, chef_a, indicator_a, validated_a
):
    client.force_login(chef_a)
    url = reverse("espace:contract", args=["COT-A"])
    with CaptureQueriesContext(connection) as one_objective:
        client.get(url)
    for code in ("A2", "A3", "A4"):
        objective = ObjectiveFactory(contract=indicator_a.objective.contract, code=code)
        IndicatorFactory.create_batch(2, objective=objective)
    with CaptureQueriesContext(connection) as four_objectives:
        response = client.get(url)
    # More objectives and indicators must not mean more queries.
    assert len(four_objectives) == len(one_objective) <= 30
    assert response.status_code == 200
    text = response.text
    assert "Prioritaire" in text and "Km de pistes cyclables" in text
    assert "<strong>5,0" in text  # 5 km validated of 100
    assert "Non atteint" in text and "manque : 95 km" in text
    assert "A2" in text and "A4" in text


def test_chef_enters_a_french_decimal_and_submits(
    client, chef_a, officer, indicator_a, django_capture_on_commit_callbacks, neighbour
):
    client.force_login(chef_a)
    url = reverse("espace:indicator", args=[indicator_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _entry_data(action="submit"), follow=True)
    assert response.status_code == 200
    entry = ProgressEntry.objects.get(indicator=indicator_a)
    assert entry.value == Decimal("12.5") and entry.date == datetime.date(2022, 6, 30)
    assert entry.status == EntryStatus.SUBMITTED and entry.author == chef_a
    assert "Saisie soumise" in response.text
    assert "12,5 km" in response.text
    assert [m.to for m in mail.outbox] == [["agent@example.org"]]
    neighbour.assert_unchanged()


def test_a_chef_is_told_whether_the_entry_was_kept_as_a_draft_or_submitted(
    client, chef_a, indicator_a, neighbour
):
    client.force_login(chef_a)
    url = reverse("espace:indicator", args=[indicator_a.pk])

    draft = client.post(url, _entry_data(), follow=True)
    entry = ProgressEntry.objects.get(indicator=indicator_a)
    submitted = client.post(
        reverse("espace:entry", args=[entry.pk]),
        _entry_data(action="submit", version=entry.version),
        follow=True,
    )

    assert [str(m) for m in draft.context["messages"]] == ["Brouillon enregistré."]
    assert [str(m) for m in submitted.context["messages"]] == [
        "Saisie soumise : un agent va la relire."
    ]
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    neighbour.assert_unchanged()


def test_evidence_accepted_when_content_matches_extension(client, chef_a, indicator_a):
    client.force_login(chef_a)
    upload = SimpleUploadedFile("pv.pdf", PDF, content_type="application/pdf")
    client.post(reverse("espace:indicator", args=[indicator_a.pk]), _entry_data(evidence=upload))
    evidence = Evidence.objects.get()
    assert evidence.original_name == "pv.pdf" and evidence.size == len(PDF)
    page = client.get(reverse("espace:indicator", args=[indicator_a.pk]))
    download = reverse("espace:evidence", args=[evidence.pk])
    assert download in page.text
    response = client.get(download)
    assert b"".join(response.streaming_content) == PDF
    assert 'filename="pv.pdf"' in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.JPG", b"\xff\xd8\xff\xe0\x00\x10JFIF"),
        ("plan.png", b"\x89PNG\r\n\x1a\n\x00\x00"),
        ("suivi.xlsx", zip_bytes({"xl/workbook.xml": b"<workbook/>"})),
        ("suivi.ods", zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})),
        ("suivi.csv", "date;valeur\n30/06/2022;12,5\n".encode("cp1252")),
    ],
)
def test_other_accepted_evidence_types(client, chef_a, indicator_a, name, content):
    client.force_login(chef_a)
    upload = SimpleUploadedFile(name, content)
    response = client.post(
        reverse("espace:indicator", args=[indicator_a.pk]), _entry_data(evidence=upload)
    )
    assert response.status_code == 302
    assert Evidence.objects.get().original_name == name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("pv.pdf", b"MZ\x90\x00 not a pdf", "ne correspond pas à son extension"),
        ("script.exe", b"MZ\x90\x00", "Type de fichier non accepté"),
        ("photo.png", b"\xff\xd8\xff\xe0 jpeg bytes", "ne correspond pas"),
        ("suivi.xlsx", b"PK\x03\x04 truncated", "pas un classeur XLSX lisible"),
        (
            "bombe.ods",
            zip_bytes({"content.xml": b"0" * (51 * 1024 * 1024)}),
            "classeur ODS trop volumineux une fois décompressé",
        ),
        ("suivi.ods", zip_bytes({f"f{n}.xml": b"" for n in range(60)}), "60 éléments"),
    ],
)
def test_evidence_refused_by_type_or_content(client, chef_a, indicator_a, name, content, message):
    client.force_login(chef_a)
    upload = SimpleUploadedFile(name, content)
    response = client.post(
        reverse("espace:indicator", args=[indicator_a.pk]), _entry_data(evidence=upload)
    )
    assert response.status_code == 200
    assert message in response.text
    assert not ProgressEntry.objects.filter(indicator=indicator_a).exists()
    assert not Evidence.objects.exists()  # the neighbour has no evidence


def test_evidence_over_10_mb_refused(client, chef_a, indicator_a):
    client.force_login(chef_a)
    upload = SimpleUploadedFile("gros.pdf", PDF + b"0" * (10 * 1024 * 1024))
    response = client.post(
        reverse("espace:indicator", args=[indicator_a.pk]), _entry_data(evidence=upload)
    )
    assert "dépasse 10 Mo" in response.text
    assert not ProgressEntry.objects.filter(indicator=indicator_a).exists()


def test_returned_entry_shows_note_and_can_be_corrected_and_resubmitted(
    client, chef_a, officer, submitted_a
):
    from indicators.services import entry_return

    entry_return(entry=submitted_a, by=officer, note="Préciser la date de réception.")
    client.force_login(chef_a)
    url = reverse("espace:entry", args=[submitted_a.pk])
    page = client.get(url)
    assert "Préciser la date de réception." in page.text
    submitted_a.refresh_from_db()
    response = client.post(
        url, _entry_data(value="21", action="submit", version=submitted_a.version)
    )
    assert response.status_code == 302
    submitted_a.refresh_from_db()
    assert submitted_a.status == EntryStatus.SUBMITTED and submitted_a.value == Decimal("21")


def test_stale_form_is_refused_with_a_clear_message(client, chef_a, draft_a):
    client.force_login(chef_a)
    url = reverse("espace:entry", args=[draft_a.pk])
    stale_version = draft_a.version
    client.post(url, _entry_data(value="13", version=stale_version))
    response = client.post(url, _entry_data(value="99", version=stale_version))
    assert response.status_code == 200
    assert "a été modifiée par" in response.text and "valeur actuelle : 13 km" in response.text
    draft_a.refresh_from_db()
    assert draft_a.value == Decimal("13")


def test_validated_entry_cannot_be_edited_by_the_chef(client, chef_a, validated_a):
    client.force_login(chef_a)
    url = reverse("espace:entry", args=[validated_a.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _entry_data(version=validated_a.version)).status_code == 403
    validated_a.refresh_from_db()
    assert validated_a.value == Decimal("5")


def test_reader_sees_but_cannot_report(client, reader_a, indicator_a):
    client.force_login(reader_a)
    url = reverse("espace:indicator", args=[indicator_a.pk])
    page = client.get(url)
    assert page.status_code == 200 and "lecture seule" in page.text
    assert client.post(url, _entry_data()).status_code == 403
    assert not ProgressEntry.objects.filter(indicator=indicator_a).exists()


def test_other_territory_answers_404(client, chef_b, indicator_a, draft_a, neighbour):
    client.force_login(chef_b)
    assert client.get(reverse("espace:contract", args=["COT-A"])).status_code == 404
    assert client.get(reverse("espace:indicator", args=[indicator_a.pk])).status_code == 404
    assert client.post(reverse("espace:entry", args=[draft_a.pk]), _entry_data()).status_code == 404
    # Nor the neighbour's entries, in any status.
    for entry in neighbour.entries.values():
        assert client.get(reverse("espace:entry", args=[entry.pk])).status_code == 404
    neighbour.assert_unchanged()


def test_revoking_a_membership_takes_effect_on_the_next_request(client, chef_a, indicator_a):
    client.force_login(chef_a)
    url = reverse("espace:indicator", args=[indicator_a.pk])
    assert client.get(url).status_code == 200
    ProjectMembership.objects.filter(user=chef_a).delete()
    assert client.get(url).status_code == 404
    assert "COT-A" not in client.get(reverse("espace:home")).text


def test_officer_validates_in_bulk_and_chefs_are_told(
    client, officer, chef_a, indicator_a, django_capture_on_commit_callbacks, neighbour
):
    entries = [
        ProgressEntry.objects.create(
            indicator=indicator_a,
            author=chef_a,
            date=datetime.date(2022, m, 1),
            value=m,
            status=EntryStatus.SUBMITTED,
        )
        for m in (3, 6)
    ]
    client.force_login(officer)
    url = reverse("espace:queue")
    page = client.get(url, {"territory": indicator_a.objective.contract.territory_id})
    assert page.status_code == 200 and "2 saisies soumises" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"entries": [e.pk for e in entries], "action": "validate", "note": ""}, follow=True
        )
    assert "2 saisies validées" in response.text
    assert {e.status for e in ProgressEntry.objects.filter(pk__in=[e.pk for e in entries])} == {
        "validated"
    }
    neighbour.assert_unchanged()  # its submitted entry waits in the queue, untouched
    assert EntryTransition.objects.filter(to_status="validated", by=officer).count() == 2
    # One e-mail per recipient, summing up their entries.
    assert [m.to for m in mail.outbox] == [["chefa@example.org"]]
    assert mail.outbox[0].subject == "[cotri] 2 saisies validées"
    assert "au 01/03/2022" in mail.outbox[0].body and "au 01/06/2022" in mail.outbox[0].body


def test_bulk_return_requires_a_note(client, officer, submitted_a):
    client.force_login(officer)
    response = client.post(
        reverse("espace:queue"), {"entries": [submitted_a.pk], "action": "return", "note": ""}
    )
    assert response.status_code == 200 and "doit corriger" in response.text
    submitted_a.refresh_from_db()
    assert submitted_a.status == EntryStatus.SUBMITTED


def test_queue_is_for_officers_only(client, chef_a):
    client.force_login(chef_a)
    assert client.get(reverse("espace:queue")).status_code == 403
