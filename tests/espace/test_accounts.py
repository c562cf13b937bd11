"""Signing in and out, French password reset, throttled failed logins."""

import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post(
        reverse("espace:login"),
        {"username": username, "password": password},
        REMOTE_ADDR="10.0.0.1",
    )


def test_chef_signs_in_lands_on_contracts_and_signs_out(client, chef_a, contract_a, neighbour):
    page = client.get(reverse("espace:login"))
    assert "Connexion à l" in page.text and "Mot de passe oublié" in page.text
    response = _login(client, "chefa", "mot-de-passe-chefa")
    assert response.status_code == 302 and response["Location"] == reverse("espace:home")
    home = client.get(reverse("espace:home")).text
    assert "COT-A" in home
    neighbour.assert_absent(home)
    client.post(reverse("espace:logout"))
    assert client.get(reverse("espace:home")).status_code == 302


def test_wrong_password_is_explained_in_french(client, chef_a):
    response = _login(client, "chefa", "pas-le-bon")
    assert response.status_code == 200 and "Identifiant ou mot de passe incorrect" in response.text


def test_five_failures_lock_the_account_out_even_with_the_right_password(client, chef_a):
    for _ in range(5):
        _login(client, "chefa", "pas-le-bon")
    response = _login(client, "chefa", "mot-de-passe-chefa")
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.text
    assert client.get(reverse("espace:home")).status_code == 302


def test_password_reset_by_french_email(client, chef_a):
    client.post(reverse("espace:password_reset"), {"email": "chefa@example.org"})
    (message,) = mail.outbox
    assert message.subject == "[cotri] Choisir un nouveau mot de passe"
    assert "Vous avez demandé à choisir un nouveau mot de passe" in message.body
    link = re.search(r"http://testserver(/espace/mot-de-passe/nouveau/\S+)", message.body)[1]
    form_url = client.get(link).url  # Django swaps the token for a session one
    response = client.post(
        form_url,
        {"new_password1": "Un-nouveau-mot-2-passe", "new_password2": "Un-nouveau-mot-2-passe"},
    )
    assert response.status_code == 302
    assert _login(client, "chefa", "Un-nouveau-mot-2-passe").status_code == 302


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post(
        reverse("espace:password_reset"), {"email": "personne@example.org"}, follow=True
    )
    assert "Vérifiez votre messagerie" in response.text
    assert mail.outbox == []
