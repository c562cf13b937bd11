"""The annual report in a real browser: the chef opens the contract, « Rapport annuel 2022 »,
writes the three texts, generates; the page follows the generation (its script polls the status
URL) and lists the DOCX and the PDF, which download and read back. axe finds no serious or
critical violation; screenshots in artifacts/screenshots/<test-name>/."""

import re

import pytest
from docx import Document

from tests.axe import serious_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_chef_writes_generates_and_downloads_the_annual_report(
    live_server, browser, screenshot, demo_calaisis, chef_calaisis
):
    base = live_server.url
    page = browser.new_page(locale="fr-FR")
    page.goto(base + "/espace/connexion/")
    page.get_by_label("Nom d’utilisateur").fill("chef.calaisis")
    page.get_by_label("Mot de passe").fill("mot-de-passe-chef")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(base + "/espace/")
    page.goto(base + "/espace/contrats/COTTRI-2021-CALAISIS/")
    page.get_by_role("link", name="Rapport annuel 2022").click()
    page.wait_for_url(re.compile(r".*/rapports/2022/$"))
    assert serious_violations(page) == []
    screenshot(page, "rapport-vide")

    page.get_by_role("textbox", name=re.compile("^Faits marquants")).fill(
        "Charte du REGAL préparée avec les partenaires."
    )
    page.get_by_role("textbox", name=re.compile("^Difficultés rencontrées")).fill(
        "Recrutement retardé."
    )
    page.get_by_role("textbox", name=re.compile("^Perspectives")).fill("Signature du COT ENR.")
    page.get_by_role("button", name="Enregistrer et générer le rapport").click()
    page.get_by_text("la génération du rapport est lancée").wait_for()
    screenshot(page, "generation-lancee")
    # The script reloads the page when the task ends (eager: right after the response).
    page.get_by_role("link", name="PDF").wait_for(timeout=120_000)
    assert serious_violations(page) == []
    screenshot(page, "documents")

    with page.expect_download() as download:
        page.get_by_role("link", name="DOCX (modifiable)").click()
    assert download.value.suggested_filename == "rapport-annuel-2022-COTTRI-2021-CALAISIS.docx"
    docx = Document(str(download.value.path()))
    headings = [p.text for p in docx.paragraphs if p.style.name.startswith("Heading")]
    assert "Faits marquants" in headings
    assert any(p.text == "Charte du REGAL préparée avec les partenaires." for p in docx.paragraphs)


def test_the_page_script_follows_a_running_generation_and_reloads_when_done(
    live_server, browser, screenshot, chef_a, contract_a
):
    from reports.models import AnnualReport, DocumentStatus, ReportDocument

    report = AnnualReport.objects.create(contract=contract_a, year=2022)
    document = ReportDocument.objects.create(
        report=report, status=DocumentStatus.RUNNING, progress=20
    )
    base = live_server.url
    page = browser.new_page(locale="fr-FR")
    page.goto(base + "/espace/connexion/")
    page.get_by_label("Nom d’utilisateur").fill("chefa")
    page.get_by_label("Mot de passe").fill("mot-de-passe-chefa")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(base + "/espace/")
    page.goto(base + "/espace/contrats/COT-A/rapports/2022/")
    status = page.get_by_role("status")
    assert status.inner_text().replace("\u202f", " ") == "Génération en cours : 20 %"
    assert serious_violations(page) == []
    screenshot(page, "generation-20")

    # What the task writes as it goes; the script shows it without reloading.
    ReportDocument.objects.filter(pk=document.pk).update(progress=60)
    page.get_by_text(re.compile("Génération en cours : 60")).wait_for(timeout=15_000)
    screenshot(page, "generation-60")
    ReportDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.DONE, progress=100)
    page.get_by_role("link", name="DOCX (modifiable)").wait_for(timeout=15_000)
    screenshot(page, "generation-terminee")
