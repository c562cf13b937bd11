"""Signing in through ProConnect against a real (tiny, local) OIDC provider, over HTTP.

The Django test client plays the browser: cotri sends it to the provider with state and nonce;
the provider (tests/espace/oidc_provider.py) issues a code; the callback exchanges it for an
RS256-signed id_token, fetches the signed userinfo and checks both against the JWKS.
"""

import os
import subprocess
import sys
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.espace.oidc_provider import CLIENT_ID

pytestmark = pytest.mark.django_db
CALLBACK = "http://testserver/oidc/callback/"


def _start(client, next_url: str = "") -> dict:
    """Click on « S'identifier avec ProConnect »: the query cotri sends to the provider."""
    response = client.get("/oidc/authenticate/" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302
    return {k: v[0] for k, v in parse_qs(urlparse(response["Location"]).query).items()}


def _sign_in(client, provider, email: str, **claims):
    query = _start(client)
    code = provider.authorize(
        nonce=query["nonce"], redirect_uri=query["redirect_uri"], email=email, **claims
    )
    return client.get("/oidc/callback/", {"code": code, "state": query["state"]}, follow=True)


def _signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_off_by_default_no_button_no_urls(client):
    assert "ProConnect" not in client.get(reverse("espace:login")).text
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/").status_code == 404


def test_the_login_page_shows_the_button_to_the_provider(client, proconnect):
    page = client.get(reverse("espace:login") + "?next=/espace/jetons/").text
    assert "S’identifier avec</span>" in page and 'fr-connect__brand">ProConnect' in page
    assert 'href="/oidc/authenticate/?next=/espace/jetons/"' in page

    response = client.get("/oidc/authenticate/")

    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        f"{proconnect.base_url}/authorize"
    )
    query = parse_qs(location.query)
    assert query["response_type"] == ["code"] and query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == [CALLBACK]
    assert set(query["scope"][0].split()) >= {"openid", "email"}
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32


def test_an_agent_is_matched_to_the_existing_account_by_email(
    client, proconnect, chef_a, contract_a
):
    users = get_user_model().objects.count()

    response = _sign_in(client, proconnect, "CHEFA@Example.org")  # case does not matter

    assert response.redirect_chain[-1] == (reverse("espace:home"), 302)
    assert _signed_in_as(client) == str(chef_a.pk)
    assert "COT-A" in response.text
    assert get_user_model().objects.count() == users  # nobody created
    (exchange,) = proconnect.token_requests
    assert exchange["grant_type"] == "authorization_code" and exchange["redirect_uri"] == CALLBACK


def test_next_page_is_kept_through_the_provider(client, proconnect, chef_a):
    query = _start(client, "/espace/jetons/")
    code = proconnect.authorize(
        nonce=query["nonce"], redirect_uri=query["redirect_uri"], email="chefa@example.org"
    )
    response = client.get("/oidc/callback/", {"code": code, "state": query["state"]})
    assert response["Location"] == "/espace/jetons/"


def test_an_unknown_email_is_refused_in_french_and_no_account_is_created(client, proconnect):
    users = get_user_model().objects.count()

    response = _sign_in(client, proconnect, "nouvel.agent@region.fr")

    assert response.redirect_chain[-1] == (reverse("espace:login"), 302)
    assert "Aucun compte cotri ne correspond à l&#x27;adresse nouvel.agent@region.fr" in (
        response.text
    )
    assert "Les comptes ne sont pas créés à la première connexion" in response.text
    assert _signed_in_as(client) is None
    assert get_user_model().objects.count() == users


def test_an_inactive_account_is_refused(client, proconnect, chef_a):
    chef_a.is_active = False
    chef_a.save()

    response = _sign_in(client, proconnect, "chefa@example.org")

    assert "est désactivé" in response.text
    assert _signed_in_as(client) is None
    assert client.get(reverse("espace:home")).status_code == 302


def test_an_unverified_email_is_refused(client, proconnect, chef_a):
    response = _sign_in(client, proconnect, "chefa@example.org", email_verified=False)
    assert "adresse électronique vérifiée" in response.text
    assert _signed_in_as(client) is None


def test_a_forged_state_or_a_token_for_another_client_signs_nobody_in(client, proconnect, chef_a):
    query = _start(client)
    code = proconnect.authorize(
        nonce=query["nonce"], redirect_uri=query["redirect_uri"], email="chefa@example.org"
    )
    forged = client.get("/oidc/callback/", {"code": code, "state": "etat-invente"}, follow=True)
    assert "La connexion avec ProConnect n&#x27;a pas abouti" in forged.text
    assert _signed_in_as(client) is None

    other = _sign_in(client, proconnect, "chefa@example.org", _aud="un-autre-service")
    assert "La connexion avec ProConnect n&#x27;a pas abouti" in other.text
    assert _signed_in_as(client) is None


def test_a_code_used_twice_is_refused(client, proconnect, chef_a):
    query = _start(client)
    code = proconnect.authorize(
        nonce=query["nonce"], redirect_uri=query["redirect_uri"], email="chefa@example.org"
    )
    client.get("/oidc/callback/", {"code": code, "state": query["state"]})
    client.post(reverse("espace:logout"))

    again = client.get("/oidc/callback/", {"code": code, "state": query["state"]}, follow=True)

    assert _signed_in_as(client) is None
    assert "n&#x27;a pas abouti" in again.text


def test_a_deactivated_account_is_signed_out_on_its_next_request(client, proconnect, chef_a):
    _sign_in(client, proconnect, "chefa@example.org")
    assert client.get(reverse("espace:home")).status_code == 200

    get_user_model().objects.filter(pk=chef_a.pk).update(is_active=False)

    assert client.get(reverse("espace:home")).status_code == 302


def _django_with(env: dict) -> subprocess.CompletedProcess:
    """A fresh Python reading the real settings from these variables."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from django.urls import reverse; "
        "print(reverse('oidc_authentication_init'), settings.OIDC_OP_TOKEN_ENDPOINT, "
        "settings.AUTHENTICATION_BACKENDS[-1])"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("PROCONNECT_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "cotri.settings", "SECRET_KEY": "test", **env},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=django_settings.BASE_DIR,
    )


def test_the_environment_turns_it_on():
    on = _django_with(
        {
            "PROCONNECT_ENABLED": "true",
            "PROCONNECT_BASE_URL": "https://fca.integ01.dev-agentconnect.fr/api/v2/",
            "PROCONNECT_CLIENT_ID": "id",
            "PROCONNECT_CLIENT_SECRET": "secret",
        }
    )
    assert on.stdout.split() == [
        "/oidc/authenticate/",
        "https://fca.integ01.dev-agentconnect.fr/api/v2/token",
        "cotri.proconnect.ProConnectBackend",
    ], on.stderr

    missing = _django_with({"PROCONNECT_ENABLED": "true"})
    assert missing.returncode != 0
    assert "PROCONNECT_BASE_URL (une adresse https://) est requis" in missing.stderr


def test_signing_out_also_ends_the_proconnect_session(client, proconnect, chef_a):
    _sign_in(client, proconnect, "chefa@example.org")

    response = client.post(reverse("espace:logout"))

    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        f"{proconnect.base_url}/session/end"
    )
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["id_token_hint"] == proconnect.id_tokens[-1]
    assert query["post_logout_redirect_uri"] == "http://testserver/espace/connexion/"
    assert query["state"]
    assert _signed_in_as(client) is None


def test_a_password_sign_in_signs_out_of_cotri_only(client, proconnect, chef_a):
    client.force_login(chef_a)
    assert client.post(reverse("espace:logout"))["Location"] == reverse("espace:login")
