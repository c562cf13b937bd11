"""The chef de projet steers toward the bonus in a real browser: the bonus block of the contract
page, the « et si… » simulator, then the objective's workbook. axe finds no serious or critical
violation on any page of the way; every step leaves a screenshot."""

import pytest

from contracts.enums import MembershipRole
from contracts.models import ProjectMembership
from funding.models import Evaluation
from indicators.models import Action, ProgressEntry
from tests.espace.test_browser import _journey, _sign_in
from tests.funding.evaluation_builders import calaisis_contract

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_chef_reads_the_bonus_simulates_then_keeps_the_workbook(
    live_server, browser, screenshot, django_user_model, neighbour
):
    contract = calaisis_contract(published=False)  # no fiche PDF rendered at each save
    chef = django_user_model.objects.create_user("chef.calaisis", password="mot-de-passe-chef")
    ProjectMembership.objects.create(
        user=chef, territory=contract.territory, role=MembershipRole.PROJECT_LEAD
    )
    entries, evaluations = ProgressEntry.objects.count(), Evaluation.objects.count()
    base = live_server.url
    page, step, found = _journey(browser, screenshot)

    _sign_in(page, base, "chef.calaisis", "mot-de-passe-chef")
    neighbour.assert_absent(page.content())  # the chef's contracts only
    page.get_by_role("link", name="COTTRI-2021-CALAISIS").click()
    neighbour.assert_absent(page.content())
    bonus = page.locator("section", has=page.locator("#bonus"))
    assert "non éligible" in bonus.inner_text().lower()  # the DSFR badge is in capitals
    assert "152\u202f371\u00a0€ au plus" in bonus.inner_text()
    assert "O1 (prioritaire) : 81,3 % < 100 %" in bonus.inner_text()
    step("contrat-bonus")

    # « Et si… » O1 reached 1 500 rénovations?
    page.get_by_role("link", name="Et si… : simuler le bonus avec d'autres valeurs").click()
    step("simulateur")
    page.get_by_label("O1 — Renovations").fill("1 500")
    page.get_by_role("button", name="Simuler").click()
    simulated = page.locator("section", has=page.locator("#bonus-simule"))
    verdict = simulated.locator(".fr-badge").first.inner_text().lower()
    assert verdict == "éligible"
    assert "montant à ce jour : 152\u202f371\u00a0€" in simulated.inner_text()
    step("simulation-eligible")
    neighbour.assert_absent(page.content())
    page.get_by_label("O1 — Renovations").fill("beaucoup")
    page.get_by_role("button", name="Simuler").click()
    page.get_by_text("nombre invalide « beaucoup »").wait_for()
    step("simulation-erreur")

    # The workbook of O1: a finding and an action.
    page.goto(f"{base}/espace/contrats/COTTRI-2021-CALAISIS/")
    page.get_by_role("link", name="Carnet de l'objectif O1").click()
    step("carnet")
    page.get_by_label("État des lieux").fill("Ingénierie limitée (conseillers FAIRE)")
    page.locator("#id_actions-0-title").fill("Guichet unique de la rénovation")
    page.locator("#id_actions-0-lead").fill("GCT&M")
    page.locator("#id_actions-0-status").select_option("en_cours")
    page.get_by_role("button", name="Enregistrer le carnet").click()
    page.get_by_text("Carnet enregistré.").wait_for()
    step("carnet-enregistre")
    neighbour.assert_absent(page.content())
    page.get_by_role("link", name="voir le journal des carnets").click()
    page.get_by_text("Action « Guichet unique de la rénovation » ajoutée").wait_for()
    step("journal")
    neighbour.assert_absent(page.content())  # the journal of the chef's own workbooks
    page.close()

    assert found == dict.fromkeys(found, [])
    assert Action.objects.get(objective__contract=contract).lead == "GCT&M"
    assert not Action.objects.filter(objective__contract=neighbour.contract).exists()
    neighbour.assert_unchanged()
    assert (ProgressEntry.objects.count(), Evaluation.objects.count()) == (entries, evaluations)
