"""French error pages with DEBUG off: DSFR layout outside the admin, the admin's layout inside."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

DSFR = 'class="fr-header"'
ADMIN = 'id="site-name"'


@pytest.fixture
def failing(settings, client):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.officers.urls_failing"
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    ("path", "status", "title", "layout"),
    [
        ("/panne/", 500, "Erreur inattendue", DSFR),
        ("/espace/panne/", 500, "Erreur inattendue", DSFR),
        ("/admin/panne/", 500, "Erreur inattendue", ADMIN),
        ("/douteux/", 400, "Requête incorrecte", DSFR),
        ("/fiches/INCONNU/", 404, "Page introuvable", DSFR),
        ("/espace/contrats/INCONNU/", 404, "Page introuvable", DSFR),
        ("/admin/page-inconnue/", 404, "Page introuvable", ADMIN),
    ],
)
def test_error_pages_are_french_in_the_layout_of_their_area(
    failing, officer, path, status, title, layout
):
    failing.force_login(officer)
    response = failing.get(path)
    assert response.status_code == status
    page = response.text
    assert f"<h1>{title}</h1>" in page and '<html lang="fr"' in page
    assert layout in page
    assert (DSFR if layout == ADMIN else ADMIN) not in page
    assert "Traceback" not in page and "panne simulée" not in page


@pytest.mark.parametrize(("path", "layout"), [("/admin/refus/", ADMIN), ("/espace/refus/", DSFR)])
def test_a_permission_denied_message_is_shown(failing, officer, path, layout):
    failing.force_login(officer)
    response = failing.get(path)
    assert response.status_code == 403
    assert "Accès refusé" in response.text and layout in response.text
    assert "Seuls les agents de la Région décident des versements." in response.text


def test_a_chef_on_an_officers_page_reads_why(failing, chef_a):
    failing.force_login(chef_a)
    response = failing.get(reverse("officers:home"))
    assert response.status_code == 403
    assert "réservée aux agents de l’ADEME et de la Région" in response.text.replace("&#x27;", "’")


def test_a_bad_host_answers_a_french_400(failing):
    response = failing.get("/", HTTP_HOST="ailleurs.example")
    assert response.status_code == 400
    assert "Requête incorrecte" in response.text


@pytest.mark.parametrize(
    ("url", "layout"), [("/espace/connexion/", DSFR), ("/admin/login/", ADMIN)]
)
def test_a_csrf_failure_is_explained_in_french(settings, client, url, layout):
    settings.DEBUG = False
    client.handler.enforce_csrf_checks = True
    response = client.post(url, {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Formulaire expiré" in response.text and layout in response.text
