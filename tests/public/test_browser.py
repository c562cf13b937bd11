"""The public pages in a real browser: no serious accessibility violation, usable at 320 px.

Needs Chromium (/usr/bin/chromium, `apt-get install chromium`) and axe-playwright-python (dev).
"""

import datetime
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe

from indicators.enums import ActorRole, MeansKind
from indicators.models import Action, Actor, Means
from tests.axe import serious_violations
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
    TerritoryFactory,
    TrancheFactory,
)

PAGES = ["/", "/fiches/", "/fiches/COTRI-TEST-NAVIGATEUR/"]

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def fiche(transactional_db):
    """A published contract built from factories: a transactional test may run after another
    has flushed the data migrations' rows (programmes, catalogue)."""
    contract = ContractFactory(
        reference="COTRI-TEST-NAVIGATEUR",
        title="COTRI du Pays de test",
        territory=TerritoryFactory(name="Pays de test", departement_code="62"),
    )
    TrancheFactory(contract=contract, planned_amount=Decimal("422371.00"))
    for number in range(1, 4):
        objective = ObjectiveFactory(contract=contract, code=f"O{number}", priority=True)
        Action.objects.create(objective=objective, title="Animer le réseau", lead="Syndicat")
        Actor.objects.create(
            objective=objective, organisation="ADEME", role=ActorRole.FUNDER, quadrant="engager"
        )
        Means.objects.create(objective=objective, kind=MeansKind.FINANCING, organisation="ADEME")
        indicator = IndicatorFactory(objective=objective, unit="km")
        for month in (3, 9):
            ProgressEntryFactory(indicator=indicator, date=datetime.date(2022, month, 1))
    return contract


def test_no_serious_or_critical_axe_violation(fiche, live_server, browser):
    page = browser.new_page()
    axe = Axe()
    found = {}
    for url in PAGES:
        page.goto(live_server.url + url)
        assert page.locator("h1").count() == 1
        found[url] = serious_violations(page, axe=axe)
    assert found == {url: [] for url in PAGES}


def test_fiche_is_usable_at_320_px(fiche, live_server, browser, neighbour):
    page = browser.new_page(viewport={"width": 320, "height": 640})
    page.goto(live_server.url + "/fiches/COTRI-TEST-NAVIGATEUR/")
    # Nothing but the wide tables' own scroll areas overflows the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_role("link", name="Télécharger la fiche (PDF)").wait_for()
    page.get_by_role("link", name="O1").first.click()
    assert page.url.endswith("#objectif-O1")
    page.goto(live_server.url + "/fiches/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_label("Rechercher un territoire").fill("pays de")
    page.get_by_role("button", name="Filtrer").click()
    assert page.get_by_role("link", name="Pays de test").is_visible()
    neighbour.assert_absent(page.content())  # the search keeps the territories it names
