"""The front office in a real browser: a chef reports, an officer validates; axe finds no
serious or critical violation on any page of the way.

Needs Chromium (/usr/bin/chromium, `apt-get install chromium`) and axe-playwright-python (dev).
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from indicators.enums import EntryStatus
from indicators.models import ProgressEntry

# serialized_rollback: the data migrations (programmes, catalogue) survive the flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _serious(axe: Axe, page) -> list:
    violations = axe.run(page).response["violations"]
    return [
        (v["id"], [n["target"] for n in v["nodes"]])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def _sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/espace/connexion/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(base + "/espace/")


def test_chef_reports_officer_validates_without_accessibility_violation(
    live_server, browser, chef_a, officer, indicator_a
):
    base, axe, found = live_server.url, Axe(), {}
    page = browser.new_page()

    page.goto(base + "/espace/connexion/")
    found["connexion"] = _serious(axe, page)
    _sign_in(page, base, "chefa", "mot-de-passe-chefa")
    found["mes contrats"] = _serious(axe, page)
    page.get_by_role("link", name="COT-A").click()
    found["contrat"] = _serious(axe, page)
    page.get_by_role("link", name="Km de pistes cyclables").click()
    found["indicateur"] = _serious(axe, page)
    page.get_by_label("Date de la valeur").fill("2022-06-30")
    page.get_by_role("textbox", name="Valeur Nombre décimal").fill("12,5")
    page.get_by_role("button", name="Soumettre pour validation").click()
    page.get_by_text("Saisie soumise").wait_for()
    assert page.get_by_role("cell", name="12,5 km").is_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    _sign_in(page, base, "agent", "mot-de-passe-agent")
    page.goto(base + "/espace/validation/")
    found["validation"] = _serious(axe, page)
    page.get_by_label("Choisir la saisie Km de pistes cyclables du 30/06/2022").check()
    page.get_by_label("Valider", exact=True).check(force=True)  # DSFR hides the native radio
    page.get_by_role("button", name="Appliquer").click()
    page.get_by_text("1 saisie(s) validée(s)").wait_for()
    page.wait_for_load_state("networkidle")
    page.close()

    assert found == dict.fromkeys(found, [])
    assert ProgressEntry.objects.get().status == EntryStatus.VALIDATED
