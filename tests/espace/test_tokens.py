"""Personal API tokens in /espace/: created, used on the API, revoked — through real HTTP."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from cotri.api.models import ApiToken
from cotri.api.tokens import MAX_ACTIVE_TOKENS, api_token_create
from indicators.enums import EntryStatus
from indicators.models import ProgressEntry

pytestmark = pytest.mark.django_db
API = "/api/progress/"


def _row(indicator):
    objective = indicator.objective
    return {
        "contract": objective.contract.reference,
        "objective": objective.code,
        "indicator": indicator.code,
        "date": "2023-06-30",
        "value": "12.5",
    }


def _api_post(key, payload):
    # A fresh client: no session cookie, the token alone must carry the request.
    return Client().post(
        API, payload, content_type="application/json", headers={"Authorization": f"Bearer {key}"}
    )


def test_create_use_on_the_api_then_revoke(client, chef_a, indicator_a):
    client.force_login(chef_a)
    assert "Créer le jeton" in client.get(reverse("espace:tokens")).text

    created = client.post(reverse("espace:token_create"), {"name": "Tableur de suivi"})

    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    key = re.search(r'id="nouveau-jeton" type="text" readonly value="(cotri_[^"]+)"', created.text)[
        1
    ]
    assert "Copiez ce jeton maintenant" in created.text
    token = ApiToken.objects.get(user=chef_a)
    assert (token.name, token.prefix) == ("Tableur de suivi", key[:12])
    listing = client.get(reverse("espace:tokens")).text
    assert key not in listing and f"{token.prefix}…" in listing and "Actif" in listing

    written = _api_post(key, _row(indicator_a))

    assert written.status_code == 201, written.text
    entry = ProgressEntry.objects.get(pk=written.json()["id"])
    assert (entry.author, entry.status) == (chef_a, EntryStatus.SUBMITTED)
    token.refresh_from_db()
    assert token.last_used_at is not None

    revoke_url = reverse("espace:token_revoke", args=[token.pk])
    confirm = client.get(revoke_url)
    assert "Confirmer la révocation" in confirm.text
    token.refresh_from_db()
    assert token.revoked_at is None  # asking is not revoking

    done = client.post(revoke_url, follow=True)

    assert done.redirect_chain == [(reverse("espace:tokens"), 302)]
    assert "révoqué : l&#x27;API le refuse désormais" in done.text
    refused = _api_post(key, {**_row(indicator_a), "date": "2023-12-31"})
    assert refused.status_code == 401
    assert refused.json() == {
        "detail": "Authentification requise : jeton d'API absent ou invalide."
    }
    assert not ProgressEntry.objects.filter(date="2023-12-31").exists()


def test_revoking_someone_elses_token_is_404_and_changes_nothing(client, chef_a, chef_b):
    token, _ = api_token_create(user=chef_a, name="Jeton de Chef A")
    client.force_login(chef_b)
    url = reverse("espace:token_revoke", args=[token.pk])

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404

    token.refresh_from_db()
    assert token.revoked_at is None
    assert "Jeton de Chef A" not in client.get(reverse("espace:tokens")).text


def test_lecteurs_and_officers_get_no_token(client, reader_a, officer):
    for user in (reader_a, officer):
        client.force_login(user)
        page = client.get(reverse("espace:tokens"))
        assert "réservés aux chefs de projet" in page.text and "Créer le jeton" not in page.text
        assert client.post(reverse("espace:token_create"), {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_create_and_revoke_are_post_only_and_need_the_csrf_token(chef_a):
    token, _ = api_token_create(user=chef_a, name="tableur")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(chef_a)

    assert browser.get(reverse("espace:token_create")).status_code == 405
    assert browser.post(reverse("espace:token_create"), {"name": "x"}).status_code == 403
    assert browser.post(reverse("espace:token_revoke", args=[token.pk])).status_code == 403

    assert ApiToken.objects.count() == 1
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_name_is_required_and_active_tokens_are_capped(client, chef_a):
    client.force_login(chef_a)
    missing = client.post(reverse("espace:token_create"), {"name": "  "})
    assert "Ce champ est obligatoire" in missing.text and not ApiToken.objects.exists()

    for number in range(MAX_ACTIVE_TOKENS):
        api_token_create(user=chef_a, name=f"jeton {number}")
    refused = client.post(reverse("espace:token_create"), {"name": "un de trop"})

    assert f"Vous avez déjà {MAX_ACTIVE_TOKENS} jetons actifs" in refused.text
    assert ApiToken.objects.count() == MAX_ACTIVE_TOKENS


def test_a_former_chef_keeps_no_write_access_but_can_revoke(client, chef_a, indicator_a):
    token, key = api_token_create(user=chef_a, name="tableur")
    chef_a.project_memberships.all().delete()

    assert _api_post(key, _row(indicator_a)).status_code == 403
    client.force_login(chef_a)
    client.post(reverse("espace:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
