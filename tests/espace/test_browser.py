"""The front office in a real browser: a chef reports « 12,5 », an officer validates, the chef
sees the new rate; a chef creates and revokes an API token. axe finds no serious or critical
violation on any page of the way, and every step leaves a screenshot in
artifacts/screenshots/<test-name>/ (git-ignored, kept by CI).

Needs Chromium (/usr/bin/chromium, `apt-get install chromium`) and axe-playwright-python (dev).
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from cotri.api.models import ApiToken
from indicators.enums import EntryStatus
from indicators.models import ProgressEntry
from tests.axe import serious_violations

# serialized_rollback: the data migrations (programmes, catalogue) survive the flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _journey(browser, screenshot):
    """A French page, and ``step(name)``: check the page with axe, then keep its picture."""
    page, axe, found = browser.new_page(locale="fr-FR"), Axe(), {}

    def step(name: str) -> None:
        found[name] = serious_violations(page, axe=axe)
        screenshot(page, name)

    return page, step, found


def _sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/espace/connexion/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(base + "/espace/")


def test_chef_reports_officer_validates_chef_sees_the_new_rate(
    live_server, browser, screenshot, chef_a, officer, indicator_a, neighbour
):
    base = live_server.url
    page, step, found = _journey(browser, screenshot)  # French dates in the screenshots

    # The chef de projet signs in, opens the contract and the indicator, enters « 12,5 ».
    page.goto(base + "/espace/connexion/")
    step("connexion")
    _sign_in(page, base, "chefa", "mot-de-passe-chefa")
    step("mes-contrats")
    neighbour.assert_absent(page.content())  # chef A's contracts only
    page.get_by_role("link", name="COT-A").click()
    step("contrat-avant")
    neighbour.assert_absent(page.content())
    page.get_by_role("link", name="Km de pistes cyclables").click()
    step("indicateur")
    neighbour.assert_absent(page.content())
    page.get_by_label("Date de la valeur").fill("2022-06-30")
    page.get_by_role("textbox", name="Valeur Nombre décimal").fill("12,5")
    screenshot(page, "saisie-12-5")
    page.get_by_role("button", name="Soumettre pour validation").click()
    page.get_by_text("Saisie soumise").wait_for()
    assert page.get_by_role("cell", name="12,5 km").is_visible()
    step("saisie-soumise")
    page.get_by_role("button", name="Se déconnecter").click()

    # The officer validates it from the queue.
    _sign_in(page, base, "agent", "mot-de-passe-agent")
    page.goto(base + "/espace/validation/")
    step("file-de-validation")
    # An officer's queue holds every contract's submitted entries: the neighbour's waits too.
    assert "Indicateur du voisin" in page.content()
    page.get_by_label("Choisir la saisie Km de pistes cyclables du 30/06/2022").check()
    page.get_by_label("Valider", exact=True).check(force=True)  # DSFR hides the native radio
    page.get_by_role("button", name="Appliquer").click()
    page.get_by_text("1 saisie validée").wait_for()
    step("saisie-validee")
    assert "Indicateur du voisin" in page.content()  # still waiting: only the one chosen
    page.get_by_role("button", name="Se déconnecter").click()

    # The chef de projet comes back and sees the new rate: 12,5 km of 100 km.
    _sign_in(page, base, "chefa", "mot-de-passe-chefa")
    page.get_by_role("link", name="COT-A").click()
    rate = page.locator("p", has_text="Taux d'atteinte").locator("strong")
    assert rate.inner_text() == "12,5 %"
    assert page.get_by_role("cell", name="12,5 km").first.is_visible()
    step("contrat-nouveau-taux")
    page.wait_for_load_state("networkidle")
    neighbour.assert_absent(page.content())
    page.close()

    assert found == dict.fromkeys(found, [])
    assert ProgressEntry.objects.get(indicator=indicator_a).status == EntryStatus.VALIDATED
    neighbour.assert_unchanged()


def test_chef_creates_then_revokes_an_api_token(
    live_server, browser, screenshot, chef_a, neighbour
):
    base = live_server.url
    page, step, found = _journey(browser, screenshot)

    _sign_in(page, base, "chefa", "mot-de-passe-chefa")
    page.get_by_role("link", name="Jetons d’API").click()
    step("jetons")
    page.get_by_label("Nom du jeton").fill("Tableur de suivi")
    page.get_by_role("button", name="Créer le jeton").click()
    key = page.get_by_label("Votre nouveau jeton").input_value()
    assert key.startswith("cotri_")
    step("jeton-cree")
    page.get_by_role("link", name="Révoquer le jeton Tableur de suivi").click()
    step("confirmer-la-revocation")
    page.get_by_role("button", name="Confirmer la révocation").click()
    page.get_by_text("révoqué : l'API le refuse désormais").wait_for()
    assert key not in page.content()
    step("jeton-revoque")
    page.close()

    assert found == dict.fromkeys(found, [])
    assert ApiToken.objects.get(user=chef_a).revoked_at is not None
    assert not ApiToken.objects.filter(user=neighbour.chef).exists()


def test_login_page_with_the_proconnect_button(live_server, browser, screenshot, proconnect):
    page = browser.new_page(locale="fr-FR")
    page.goto(live_server.url + "/espace/connexion/")
    button = page.get_by_role("link", name="S’identifier avec ProConnect")
    assert button.get_attribute("href") == "/oidc/authenticate/"
    found = serious_violations(page)
    screenshot(page, "connexion-proconnect")
    page.close()
    assert found == []


def test_chef_imports_a_french_spreadsheet_file(
    live_server, browser, screenshot, chef_a, indicator_a, tmp_path, neighbour
):
    base = live_server.url
    page, step, found = _journey(browser, screenshot)
    csv_file = tmp_path / "avancement.csv"
    csv_file.write_bytes(
        "contract;objective;indicator;date;value;comment\r\n"
        f"COT-A;A1;{indicator_a.code};30/06/2022;12,5;Premier semestre\r\n".encode("cp1252")
    )

    _sign_in(page, base, "chefa", "mot-de-passe-chefa")
    page.get_by_role("link", name="Importer un fichier d’avancement").click()
    step("import")
    page.get_by_label("Fichier d'avancement").set_input_files(str(csv_file))
    page.get_by_role("button", name="Prévisualiser").click()
    page.get_by_text("1 saisie à créer").wait_for()
    step("import-apercu")
    page.get_by_role("button", name="Confirmer l’import et soumettre").click()
    page.get_by_text("1 saisie créée").wait_for()
    step("import-confirme")
    neighbour.assert_absent(page.content())
    page.close()

    assert found == dict.fromkeys(found, [])
    entry = ProgressEntry.objects.get(indicator=indicator_a)
    assert (str(entry.value), entry.status) == ("12.5000", EntryStatus.SUBMITTED)
    neighbour.assert_unchanged()
