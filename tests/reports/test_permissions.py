"""Who reads, writes and downloads the annual report: one test per URL per role.

Roles: anonymous (to the login page), the chef de projet of the contract (reads, writes,
generates, downloads), its lecteur (reads, downloads; 403 on writes), an officer (reads,
downloads; 403 on writes), the chef of another territory (404 everywhere, whatever exists)."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from reports.models import AnnualReport, DocumentStatus, ReportDocument

pytestmark = pytest.mark.django_db
YEAR = 2022


@pytest.fixture
def report(contract_a, chef_a):
    report = AnnualReport.objects.create(
        contract=contract_a, year=YEAR, highlights="Texte initial", updated_by=chef_a
    )
    return report


@pytest.fixture
def done(report, chef_a):
    document = ReportDocument(
        report=report,
        status=DocumentStatus.DONE,
        progress=100,
        generated_by=chef_a,
        generated_at=timezone.now(),
    )
    document.docx.save("COT-A-2022.docx", ContentFile(b"PK docx"), save=False)
    document.pdf.save("COT-A-2022.pdf", ContentFile(b"%PDF-1.7"), save=False)
    document.save()
    return document


def _client(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def users(chef_a, reader_a, officer, chef_b):
    return {"chef": chef_a, "lecteur": reader_a, "agent": officer, "autre chef": chef_b}


def _page(contract, year=YEAR):
    return reverse("espace:annual_report", args=[contract.reference, year])


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 302), ("chef", 200), ("lecteur", 200), ("agent", 200), ("autre chef", 404)],
)
def test_page_get(client, users, contract_a, report, role, status):
    response = _client(client, users.get(role)).get(_page(contract_a))
    assert response.status_code == status
    if role is None:
        assert response["Location"].startswith(reverse("espace:login"))
    if status == 200:
        text = response.content.decode()
        assert "Texte initial" in text
        assert ("Enregistrer et générer le rapport" in text) == (role == "chef")


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 302), ("chef", 302), ("lecteur", 403), ("agent", 403), ("autre chef", 404)],
)
def test_page_post(client, users, contract_a, report, role, status):
    data = {"highlights": "Texte modifié", "difficulties": "", "outlook": "", "action": "save"}
    response = _client(client, users.get(role)).post(_page(contract_a), data)
    assert response.status_code == status
    report.refresh_from_db()
    assert (report.highlights == "Texte modifié") == (role == "chef")
    assert report.documents.count() == 0


def test_a_chef_generating_queues_one_document_and_history_keeps_the_texts(
    client, chef_a, contract_a, report
):
    client.force_login(chef_a)
    data = {
        "highlights": "Version 2",
        "difficulties": "Aucune",
        "outlook": "",
        "action": "generate",
    }
    response = client.post(_page(contract_a), data)
    assert response.status_code == 302
    document = report.documents.get()
    assert document.generated_by == chef_a
    versions = list(report.history.order_by("history_date"))
    assert [v.highlights for v in versions] == ["Texte initial", "Version 2"]
    assert versions[-1].history_user == chef_a


@pytest.mark.parametrize("year", [2020, 2024])
def test_a_year_outside_the_contract_is_not_found(client, chef_a, contract_a, year):
    assert _client(client, chef_a).get(_page(contract_a, year)).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 302), ("chef", 200), ("lecteur", 200), ("agent", 200), ("autre chef", 404)],
)
def test_status_json(client, users, contract_a, done, role, status):
    url = reverse("espace:annual_report_status", args=[contract_a.reference, YEAR, done.pk])
    response = _client(client, users.get(role)).get(url)
    assert response.status_code == status
    if status == 200:
        assert response.json()["status"] == "done"
        assert response.json()["progress"] == 100


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 302), ("chef", 200), ("lecteur", 200), ("agent", 200), ("autre chef", 404)],
)
def test_download(client, users, contract_a, done, role, status, fmt):
    url = reverse("espace:annual_report_file", args=[contract_a.reference, YEAR, done.pk, fmt])
    response = _client(client, users.get(role)).get(url)
    assert response.status_code == status
    if status == 200:
        assert f"rapport-annuel-2022-COT-A.{fmt}" in response["Content-Disposition"]
        body = b"".join(response.streaming_content)
        assert body == (b"PK docx" if fmt == "docx" else b"%PDF-1.7")


def test_a_document_of_another_contract_is_not_found_under_this_one(
    client, chef_b, contract_b, done
):
    # chef_b's own contract in the URL, contract A's document id.
    url = reverse("espace:annual_report_file", args=[contract_b.reference, YEAR, done.pk, "pdf"])
    assert _client(client, chef_b).get(url).status_code == 404


def test_an_unfinished_document_cannot_be_downloaded(client, chef_a, contract_a, report):
    document = ReportDocument.objects.create(report=report, status=DocumentStatus.RUNNING)
    url = reverse(
        "espace:annual_report_file", args=[contract_a.reference, YEAR, document.pk, "pdf"]
    )
    assert _client(client, chef_a).get(url).status_code == 404


def test_the_files_are_not_under_a_public_url(client, done):
    assert client.get(f"/media/{done.pdf.name}").status_code == 404


@pytest.mark.parametrize("role", ["chef", "lecteur", "agent"])
def test_the_contract_page_links_each_year(client, users, contract_a, role):
    response = _client(client, users[role]).get(
        reverse("espace:contract", args=[contract_a.reference])
    )
    text = response.content.decode()
    for year in (2021, 2022, 2023):
        assert f'href="{_page(contract_a, year)}"' in text
        assert f"Rapport annuel {year}" in text
