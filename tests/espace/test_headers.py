"""Security headers (issue 16.5): CSP and Permissions-Policy on every page, private pages never
stored, and the pages still work under the policy in a real browser."""

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import reverse

from tests.factories import ContractFactory, ProgressEntryFactory

PUBLIC = ["/", "/fiches/", "/api/", "/api/docs", "/api/openapi.json", "/donnees-ouvertes/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", [*PUBLIC, "/espace/", "/admin/", "/healthz", "/nulle-part/"])
def test_every_answer_carries_the_csp_and_the_permissions_policy(client, path):
    response = client.get(path)

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_may_be_cached(client, path):
    assert "no-store" not in client.get(path).get("Cache-Control", "")


def _close(response) -> None:
    """Close a response as Django's test client does: without letting request_finished close
    the test's database connection (its transaction would be lost)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_private_pages_are_never_stored(client, chef_a, officer, indicator_a, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from indicators.models import Evidence

    entry = ProgressEntryFactory(indicator=indicator_a, author=chef_a)
    evidence = Evidence.objects.create(
        entry=entry,
        file=SimpleUploadedFile("pv.pdf", b"%PDF-1.4\n%%EOF\n"),
        original_name="pv.pdf",
        size=15,
    )
    anonymous = ["/espace/", "/espace/connexion/", "/admin/login/"]
    as_chef = [
        "/espace/",
        reverse("espace:indicator", args=[indicator_a.pk]),
        "/espace/jetons/",
        "/espace/import/",
        reverse("espace:evidence", args=[evidence.pk]),
    ]
    as_officer = ["/espace/validation/", "/admin/", "/admin/indicators/progressentry/"]

    for user, paths in ((None, anonymous), (chef_a, as_chef), (officer, as_officer)):
        client.logout()
        if user is not None:
            client.force_login(user)
        for path in paths:
            response = client.get(path)
            _close(response)  # the evidence download is a file
            assert response.status_code in (200, 302), path
            assert response["Cache-Control"] == "no-store, private", path


@pytest.mark.django_db
def test_an_api_call_with_a_token_is_private(client, chef_a):
    response = client.get("/api/programmes/", headers={"Authorization": "Bearer cotri_faux"})
    assert response["Cache-Control"] == "no-store, private"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pages_run_under_the_policy_without_a_violation(live_server, browser):
    """DSFR's scripts and styles, the fiche's charts and the API docs' Swagger UI load under the
    policy: the browser reports no violation and the docs render their operations."""
    ContractFactory(reference="COTRI-CSP", published=True)
    page = browser.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    for path in ["/", "/fiches/COTRI-CSP/", "/espace/connexion/", "/admin/login/"]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".opblock", timeout=15000)  # Swagger UI ran and read the schema
    page.close()

    assert violations == []
