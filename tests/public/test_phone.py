"""Every public page on a phone (375 px) and a laptop (1 280 px), in a real browser: the DSFR
header's « Menu » button opens the navigation on the phone, no script error reaches the console,
axe finds no serious or critical violation. The pages are the accessibility statement's list
(``cotri.public.legal.AUDITED_PAGES``): what the statement claims is what this test checks.

Needs Chromium (/usr/bin/chromium) and axe-playwright-python (dev).
"""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe

from cotri.public.legal import AUDITED_PAGES
from tests.axe import serious_violations
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
    TerritoryFactory,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REFERENCE = "COTRI-TEST-TELEPHONE"
PATHS = [page.path.replace("<référence>", REFERENCE) for page in AUDITED_PAGES]
NOT_FOUND = "/page-inexistante/"


@pytest.fixture
def fiche(transactional_db):
    contract = ContractFactory(
        reference=REFERENCE,
        title="COTRI du Pays de test",
        territory=TerritoryFactory(name="Pays de test", departement_code="62"),
    )
    indicator = IndicatorFactory(
        objective=ObjectiveFactory(contract=contract, code="O1", priority=True), unit="km"
    )
    ProgressEntryFactory(indicator=indicator, date=datetime.date(2022, 3, 1))
    return contract


def _watch(page) -> list[str]:
    """Console errors and uncaught exceptions of the page, as they come. The 404 page's own
    « Failed to load resource: 404 » is its status, not a script error."""
    errors: list[str] = []

    def on_console(message) -> None:
        if message.type != "error":
            return
        if "404" in message.text and message.location.get("url", "").endswith(NOT_FOUND):
            return
        errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    return errors


def test_on_a_phone_the_menu_opens_on_every_public_page(fiche, live_server, browser, screenshot):
    page = browser.new_page(viewport={"width": 375, "height": 740}, locale="fr-FR")
    errors, axe, found = _watch(page), Axe(), {}
    for path in PATHS:
        response = page.goto(live_server.url + path, wait_until="networkidle")
        assert response.status == (404 if path == NOT_FOUND else 200), path
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
        found[path] = serious_violations(page, axe=axe)
        menu = page.get_by_role("button", name="Menu")
        assert menu.is_visible(), path
        menu.click()
        dialog = page.locator("#menu-mobile")
        dialog.wait_for(state="visible")
        # The DSFR script copied the header's links into the menu.
        assert dialog.get_by_role("link").count() >= 1, path
        assert page.locator(".fr-header__menu-links .fr-btns-group").count() == 1, path
        # The open menu itself (the page behind it is inert while it is open).
        found[f"{path} (menu ouvert)"] = serious_violations(page, "#menu-mobile", axe=axe)
        if path in ("/", "/plan-du-site/"):
            screenshot(page, f"menu-ouvert-{path.strip('/') or 'accueil'}")
        dialog.get_by_role("button", name="Fermer").click()
        dialog.wait_for(state="hidden")
    page.close()
    assert errors == []
    assert found == dict.fromkeys(found, [])


def test_on_a_laptop_every_public_page_is_clean(fiche, live_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    errors, axe, found = _watch(page), Axe(), {}
    for path in PATHS:
        page.goto(live_server.url + path, wait_until="networkidle")
        found[path] = serious_violations(page, axe=axe)
        assert not page.get_by_role("button", name="Menu").is_visible(), path
        header = page.locator(".fr-header__tools-links")
        way_in = "Se connecter" if path.startswith("/espace/") else "Espace des territoires"
        assert header.get_by_role("link", name=way_in).is_visible(), path
        footer = page.locator("footer")
        for name in ("Plan du site", "Mentions légales", "Données personnelles"):
            assert footer.get_by_role("link", name=name).is_visible(), (path, name)
        assert footer.get_by_role("link", name="Accessibilité : partiellement conforme").count()
    page.close()
    assert errors == []
    assert found == dict.fromkeys(found, [])


def test_the_search_by_place_on_a_phone(fiche, live_server, browser):
    from territories.enums import TerritoryKind
    from territories.models import Membership

    commune = TerritoryFactory(kind=TerritoryKind.COMMUNE, epci_type="", name="Guînes")
    Membership.objects.create(group=fiche.territory, member=commune)
    page = browser.new_page(viewport={"width": 375, "height": 740}, locale="fr-FR")
    errors = _watch(page)
    page.goto(live_server.url + "/fiches/")
    page.get_by_label("Rechercher un territoire ou une commune").fill("GUINES")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_text("Guînes fait partie du Pays de test").wait_for()
    assert page.get_by_role("link", name="Pays de test").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.close()
    assert errors == []
