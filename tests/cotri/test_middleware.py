"""A NUL character in an address is refused at the door, never reaching the database."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/territories/?departement=6%002",
        "/api/territories/%00",
        "/api/contracts/?q%00=1",
    ],
)
def test_the_api_answers_400_in_json(client, url):
    response = client.get(url)

    assert response.status_code == 400
    assert response.json() == {"detail": "Adresse invalide : elle contient un caractère nul (%00)."}


def test_pages_answer_400_in_plain_french(client):
    response = client.get("/fiches/?q=cal%00ais")

    assert response.status_code == 400
    assert "caractère nul" in response.content.decode()


def test_an_address_without_nul_goes_through(client):
    assert client.get("/api/territories/?departement=62").status_code == 200
