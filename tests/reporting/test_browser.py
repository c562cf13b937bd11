"""The reporting cycle in a real browser (Chromium, axe on every step, screenshots kept):
an officer opens « Bilan annuel 2022 » for the COT TRI contracts; the Calaisis chef sees it on
/espace/, reports, marks it complete; the officer sees the board change and validates; once the
campaign is closed the chef can no longer enter a 2022 value.
"""

import pytest

from contracts.enums import MembershipRole
from contracts.models import Incontournable, Programme, ProjectMembership
from indicators.models import ProgressEntry
from reporting.enums import CampaignStatus, ReportStatus
from reporting.models import Campaign
from territories.enums import TerritoryKind
from tests.espace.test_browser import _journey, _sign_in
from tests.factories import (
    ContractFactory,
    IncontournableFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgrammeFactory,
    TerritoryFactory,
)

# Committed for real (the live server's threads read the data). Every transactional test of the
# suite restores the migrated data (serialized_rollback): one without it would let the flush's
# post_migrate recreate the officers' group under a new id, and the next restore collide.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
REFERENCE = "COTTRI-2021-CALAISIS"


@pytest.fixture
def calaisis(django_user_model, officer):
    programme = Programme.objects.filter(code="COT-TRI").first() or ProgrammeFactory(
        code="COT-TRI", short_name="COT TRI"
    )
    incontournable = Incontournable.objects.filter(referential=programme.referential).first()
    territory = TerritoryFactory(
        code="PAYS-CALAISIS", kind=TerritoryKind.GROUPEMENT, epci_type="", name="Pays du Calaisis"
    )
    contract = ContractFactory(reference=REFERENCE, programme=programme, territory=territory)
    objective = ObjectiveFactory(
        contract=contract,
        code="O1",
        incontournable=incontournable
        or IncontournableFactory(
            referential=programme.referential, group__referential=programme.referential
        ),
    )
    IndicatorFactory(
        objective=objective, label="Rénovations réalisées", unit="rénovations", target=1500
    )
    chef = django_user_model.objects.create_user(
        "chef.pays-du-calaisis", email="chef@calaisis.example.org", password="demo-chef-cotri"
    )
    ProjectMembership.objects.create(
        user=chef, territory=territory, role=MembershipRole.PROJECT_LEAD
    )
    return contract


def _sign_out(page):
    page.get_by_role("button", name="Se déconnecter").click()


def test_campaign_opened_reported_validated_closed(
    live_server, browser, screenshot, calaisis, neighbour
):
    base = live_server.url
    page, step, found = _journey(browser, screenshot)
    programme = Programme.objects.get(code="COT-TRI")

    # The officer opens « Bilan annuel 2022 » for every COT TRI contract in progress.
    _sign_in(page, base, "agent", "mot-de-passe-agent")
    page.get_by_role("link", name="Campagnes").first.click()
    step("campagnes")
    page.get_by_role("link", name="Ouvrir une campagne").click()
    page.get_by_label("Nom").fill("Bilan annuel 2022")
    page.get_by_label("Programme").select_option(str(programme.pk))
    page.get_by_label("Début de la période").fill("2022-01-01")
    page.get_by_label("Fin de la période").fill("2022-12-31")
    page.get_by_label("Date limite de remise").fill("2023-01-31")
    step("ouvrir-une-campagne")
    page.get_by_role("button", name="Ouvrir la campagne").click()
    page.get_by_text("Campagne « Bilan annuel 2022 » ouverte.").wait_for()
    row = page.get_by_role("row", name=REFERENCE)
    assert "non commencé\t0 / 1\ten retard" in row.inner_text().lower()  # due 31/01/2023: past
    step("tableau-de-completude")
    neighbour.assert_absent(page.content())  # the campaign is the COT TRI contracts' only
    _sign_out(page)

    # The Calaisis chef sees it at the top of their space, reports, marks it complete.
    _sign_in(page, base, "chef.pays-du-calaisis", "demo-chef-cotri")
    todo = page.get_by_role("region", name="À faire")
    assert "à remettre au plus tard le 31/01/2023" in todo.inner_text()
    step("a-faire")
    neighbour.assert_absent(page.content())  # the chef's space: their contracts only
    todo.get_by_role("link", name=f"Bilan annuel 2022 — {REFERENCE}").click()
    step("rapport-a-remettre")
    page.get_by_role("link", name="O1 — Rénovations réalisées").click()
    page.get_by_label("Date de la valeur").fill("2022-12-31")
    page.get_by_role("textbox", name="Valeur Nombre décimal").fill("420")
    page.get_by_role("button", name="Soumettre pour validation").click()
    page.get_by_text("Saisie soumise").wait_for()
    page.goto(base + "/espace/")
    page.get_by_role("link", name=f"Bilan annuel 2022 — {REFERENCE}").click()
    page.get_by_label("Message aux agents (facultatif)").fill("Bilan 2022 complet.")
    page.get_by_role("button", name="Marquer le rapport comme complet").click()
    page.get_by_text("Rapport remis : les agents vont le relire.").wait_for()
    step("rapport-remis")
    neighbour.assert_absent(page.content())
    _sign_out(page)

    # The officer sees the board change, and validates.
    _sign_in(page, base, "agent", "mot-de-passe-agent")
    campaign = Campaign.objects.get()
    page.goto(f"{base}/espace/campagnes/{campaign.pk}/")
    row = page.get_by_role("row", name=REFERENCE)
    assert "remis\t1 / 1\ten retard\t" in row.inner_text().lower()  # remis after 31/01/2023
    assert page.locator("#taux-ponctualite").inner_text() == "0,0 %"
    step("tableau-rapport-remis")
    row.get_by_role("link", name=REFERENCE).click()
    assert "Bilan 2022 complet." in page.content()
    page.get_by_label("Valider le rapport").check(force=True)  # DSFR hides the native radio
    page.get_by_role("button", name="Appliquer").click()
    page.get_by_text("Rapport validé.").wait_for()
    page.goto(f"{base}/espace/campagnes/{campaign.pk}/")
    assert "validé" in page.get_by_role("row", name=REFERENCE).inner_text().lower()
    page.get_by_role("button", name="Clore la campagne").click()
    page.get_by_text("les valeurs de sa période sont verrouillées").wait_for()
    step("campagne-close")
    _sign_out(page)

    # The chef can no longer enter a 2022 value.
    _sign_in(page, base, "chef.pays-du-calaisis", "demo-chef-cotri")
    page.get_by_role("link", name=REFERENCE).first.click()
    page.get_by_role("link", name="Rénovations réalisées").click()
    page.get_by_label("Date de la valeur").fill("2022-06-30")
    page.get_by_role("textbox", name="Valeur Nombre décimal").fill("12")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_text("est close (campagne « Bilan annuel 2022 »)").wait_for()
    step("valeur-2022-refusee")
    neighbour.assert_absent(page.content())
    page.close()

    assert found == dict.fromkeys(found, [])
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    assert campaign.reports.get().status == ReportStatus.VALIDATED
    assert not campaign.reports.filter(contract=neighbour.contract).exists()
    assert ProgressEntry.objects.filter(indicator__objective__contract=calaisis).count() == 1
    neighbour.assert_unchanged()  # closing the campaign locks its own contracts' values only
