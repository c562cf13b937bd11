"""Under /api/ every error is JSON (issue 16.9), including a 500; elsewhere Django's pages."""

import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def unsafe_client():
    """A client that lets the server answer a 500 instead of raising in the test."""
    return Client(raise_request_exception=False)


def _boom(*args, **kwargs):
    raise RuntimeError("panne imprévue")


def test_an_unexpected_error_in_an_api_view_is_a_json_500_and_is_logged(
    unsafe_client, monkeypatch, caplog
):
    monkeypatch.setattr("contracts.models.Programme.objects.filter", _boom)

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = unsafe_client.get("/api/programmes/COTRI")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["detail"].startswith("Erreur interne du serveur")
    assert "panne imprévue" not in response.content.decode()  # no internals leak
    assert [r.exc_info[1].args for r in caplog.records] == [("panne imprévue",)]


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/nulle-part", 404), ("/api/programmes/INCONNU", 404), ("/api/contracts/x/y/z", 404)],
)
def test_errors_no_api_view_answers_are_json_too(client, path, status):
    response = client.get(path)

    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_the_handlers_answer_json_under_api_and_html_elsewhere(rf):
    from django.core.exceptions import PermissionDenied

    from cotri import errors as views

    for handler, status, args in (
        (views.bad_request, 400, (ValueError(),)),
        (views.permission_denied, 403, (PermissionDenied(),)),
        (views.page_not_found, 404, (ValueError(),)),
        (views.server_error, 500, ()),
    ):
        api = handler(rf.get("/api/quelque-chose"), *args)
        page = handler(rf.get("/fiches/quelque-chose/"), *args)
        assert (api.status_code, page.status_code) == (status, status)
        assert api["Content-Type"] == "application/json"
        assert page["Content-Type"].startswith("text/html")


def test_a_page_outside_the_api_keeps_its_html_404(client):
    response = client.get("/nulle-part/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
