"""Legal and trust pages: mentions légales, données personnelles, accessibility statement, plan
du site — read by everyone, linked from every page's footer, publisher and host from settings."""

import pytest
from django.test import Client

from contracts.enums import MembershipRole
from contracts.models import ProjectMembership
from cotri.public.legal import AUDITED_PAGES
from tests.factories import ContractFactory, TerritoryFactory

pytestmark = pytest.mark.django_db

PAGES = ["/mentions-legales/", "/donnees-personnelles/", "/accessibilite/", "/plan-du-site/"]


@pytest.fixture
def contracts(db):
    shown = ContractFactory(
        reference="COT-VISIBLE",
        title="COT du Pays visible",
        territory=TerritoryFactory(name="Pays visible"),
    )
    ContractFactory(
        reference="COT-CACHE", territory=TerritoryFactory(name="CC cachée"), published=False
    )
    return shown


def _chef(django_user_model, username, territory):
    user = django_user_model.objects.create_user(username, password="mot-de-passe")
    ProjectMembership.objects.create(
        user=user, territory=territory, role=MembershipRole.PROJECT_LEAD
    )
    return user


@pytest.fixture
def clients(contracts, officer, django_user_model):
    """Anonymous, the chef of the contract, a chef of another territory, an officer."""
    result = {"anonyme": Client()}
    chef = _chef(django_user_model, "chef", contracts.territory)
    other = _chef(django_user_model, "autre", TerritoryFactory(name="Ailleurs"))
    for name, user in [
        ("chef du contrat", chef),
        ("chef d’un autre territoire", other),
        ("agent", officer),
    ]:
        client = Client()
        client.force_login(user)
        result[name] = client
    return result


@pytest.mark.parametrize("url", PAGES)
def test_every_role_reads_the_legal_pages(clients, url):
    for role, client in clients.items():
        response = client.get(url)
        assert response.status_code == 200, role
        assert response["Content-Type"].startswith("text/html"), role
        assert client.post(url).status_code == 405, role


@pytest.mark.parametrize("url", [f"{page}inconnue/" for page in PAGES])
def test_below_a_legal_page_is_not_found(db, url):
    assert Client().get(url).status_code == 404


def test_the_footer_links_the_legal_pages_and_the_espace(contracts, clients):
    for url in [
        "/",
        "/fiches/COT-VISIBLE/",
        "/donnees-ouvertes/",
        "/mentions-legales/",
        "/introuvable/",
        "/espace/connexion/",
    ]:
        html = Client().get(url).content.decode()
        for link in PAGES + ["/espace/"]:
            assert f'href="{link}"' in html, (url, link)
        assert "Accessibilité : partiellement conforme" in html
        assert 'rel="icon"' in html and "favicon" in html
        assert 'aria-controls="menu-mobile"' in html and 'class="fr-header__menu-links"' in html


def test_publisher_and_host_come_from_settings(db, settings):
    html = Client().get("/mentions-legales/").content.decode()
    assert html.count("à compléter") >= 3  # never an invented person or host
    settings.COTRI_PUBLICATION_DIRECTOR = "Directrice de test"
    settings.COTRI_HOST_NAME = "Hébergeur de test"
    settings.COTRI_HOST_ADDRESS = "1 rue de test, 59000 Lille"
    settings.COTRI_CONTACT_EMAIL = "contact@example.org"
    html = Client().get("/mentions-legales/").content.decode()
    for text in ["Directrice de test", "Hébergeur de test", "1 rue de test, 59000 Lille"]:
        assert text in html
    assert 'href="mailto:contact@example.org"' in html


def test_the_personal_data_page_states_the_periods_the_code_enforces(db, settings):
    settings.SESSION_COOKIE_AGE = 8 * 3600
    settings.AXES_FAILURE_LIMIT = 5
    settings.COTRI_INVITATION_DAYS = 7
    html = Client().get("/donnees-personnelles/").content.decode()
    assert "la session expire après 8 heures sans activité" in html
    assert "après 5 échecs" in html
    assert "expire après 7 jours" in html
    assert "1 heure" in html  # django-axes' cool-off
    assert "ProConnect" not in html  # off by default
    settings.COTRI_INVITATION_DAYS = 1
    assert "expire après 1 jour ;" in Client().get("/donnees-personnelles/").content.decode()


def test_the_accessibility_statement_lists_the_audited_pages(db):
    html = Client().get("/accessibilite/").content.decode()
    assert "partiellement conforme" in html
    assert "0 anomalie grave ou critique" in html
    for page in AUDITED_PAGES:
        assert f"<code>{page.path.replace('<', '&lt;').replace('>', '&gt;')}</code>" in html
    assert "axe-core 4." in html  # the version the tests run
    assert "Les fiches territoriales en PDF n’ont pas été vérifiées" in html
    assert "Défenseur des droits" in html


def test_the_site_map_links_every_published_fiche_only(contracts):
    html = Client().get("/plan-du-site/").content.decode()
    assert 'href="/fiches/COT-VISIBLE/"' in html
    assert "COT-CACHE" not in html and "CC cachée" not in html
    for link in ["/", "/fiches/", "/donnees-ouvertes/", "/api/docs", "/espace/"] + PAGES[:-1]:
        assert f'href="{link}"' in html
