"""Every URL of the project × every persona × GET/POST answers the status written here.

A URL pattern missing from MATRIX fails ``test_every_url_pattern_is_in_the_matrix``: a new view
cannot ship without saying who may reach it. The admin's ~200 generated URLs are summarised by
representative ones (index, a changelist, the memberships' changelist, a change form): the admin
lets in active staff only and then applies Django's model permissions, the same for every
ModelAdmin, so one of each kind shows the gate holds.

POST bodies are empty: a persona allowed in gets the form back with errors (200), one not
allowed gets 302 (to the login), 403 or 404 (another territory's object), and read-only URLs
405.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cotri.api.tokens import api_token_create
from cotri.opendata_files import opendata_generate
from indicators.enums import EntryStatus
from indicators.models import Evidence
from tests.factories import ProgressEntryFactory

PERSONAS = ("anonymous", "chef_a", "chef_b", "reader", "officer", "superuser")


def _all(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status)


def _row(anonymous, chef_a, chef_b, reader, officer, superuser) -> dict[str, int]:
    return dict(zip(PERSONAS, (anonymous, chef_a, chef_b, reader, officer, superuser), strict=True))


MEMBERS_ONLY = _row(302, 200, 200, 200, 200, 200)
TERRITORY_A = _row(302, 200, 404, 200, 200, 200)  # visible to A's members and officers
REPORT_ON_A = _row(302, 200, 404, 403, 403, 403)  # chefs de projet of A only
OFFICERS_ONLY = _row(302, 403, 403, 403, 200, 200)
ANONYMOUS_ONLY = _row(200, 302, 302, 302, 302, 302)  # signed-in users are sent to their space
SIGN_IN_THEN_405 = _row(302, 405, 405, 405, 405, 405)
STAFF_ONLY = _row(302, 302, 302, 302, 200, 200)  # the admin sends others to its login
CHEFS_ONLY = _row(302, 200, 200, 403, 403, 403)  # any chef de projet, whatever the territory
OWNER_ONLY = _row(302, 200, 404, 404, 404, 404)  # chef_a's own object; others' is 404

# name → (reverse args from the objects, {method: {persona: status}})
MATRIX = {
    # A probe: answers any method, says nothing about users.
    "healthz": (lambda o: [], {"GET": _all(200), "POST": _all(200)}),
    # Chefs de projet's space (sign-in first, then the method is checked).
    "espace:home": (lambda o: [], {"GET": MEMBERS_ONLY, "POST": SIGN_IN_THEN_405}),
    "espace:contract": (
        lambda o: [o["contract"].reference],
        {"GET": TERRITORY_A, "POST": SIGN_IN_THEN_405},
    ),
    "espace:indicator": (lambda o: [o["indicator"].pk], {"GET": TERRITORY_A, "POST": REPORT_ON_A}),
    "espace:entry": (lambda o: [o["entry"].pk], {"GET": REPORT_ON_A, "POST": REPORT_ON_A}),
    "espace:evidence": (
        lambda o: [o["evidence"].pk],
        {"GET": TERRITORY_A, "POST": SIGN_IN_THEN_405},
    ),
    "espace:queue": (lambda o: [], {"GET": OFFICERS_ONLY, "POST": OFFICERS_ONLY}),
    "espace:login": (lambda o: [], {"GET": ANONYMOUS_ONLY, "POST": ANONYMOUS_ONLY}),
    # Progress files: any chef de projet, for their own contracts (the rows say which).
    "espace:import": (lambda o: [], {"GET": CHEFS_ONLY, "POST": CHEFS_ONLY}),
    # Personal API tokens: everyone signed in lists and revokes their own; only chefs de projet
    # create one. The revocation page asks first (GET); its POST revokes and redirects.
    "espace:tokens": (lambda o: [], {"GET": MEMBERS_ONLY, "POST": SIGN_IN_THEN_405}),
    "espace:token_create": (lambda o: [], {"GET": SIGN_IN_THEN_405, "POST": CHEFS_ONLY}),
    "espace:token_revoke": (
        lambda o: [o["token"].pk],
        {"GET": OWNER_ONLY, "POST": _row(302, 302, 404, 404, 404, 404)},
    ),
    "espace:logout": (lambda o: [], {"GET": _all(405), "POST": _all(302)}),
    "espace:password_reset": (lambda o: [], {"GET": _all(200), "POST": _all(200)}),
    "espace:password_reset_done": (lambda o: [], {"GET": _all(200), "POST": _all(405)}),
    "espace:password_reset_confirm": (
        lambda o: ["MQ", "jeton-invalide"],
        {"GET": _all(200), "POST": _all(200)},
    ),
    "espace:password_reset_complete": (lambda o: [], {"GET": _all(200), "POST": _all(405)}),
    # Public pages: published contracts, for everyone; read-only.
    "public:home": (lambda o: [], {"GET": _all(200), "POST": _all(405)}),
    "public:overview": (lambda o: [], {"GET": _all(200), "POST": _all(405)}),
    "public:fiche": (lambda o: [o["contract"].reference], {"GET": _all(200), "POST": _all(405)}),
    # The PDF is served once rendered by the worker: 404 before, for everyone alike.
    "public:fiche-pdf": (
        lambda o: [o["contract"].reference],
        {"GET": _all(404), "POST": _all(405)},
    ),
    "opendata": (lambda o: [], {"GET": _all(200), "POST": _all(405)}),
    # The stored file, as the open data task writes it.
    "opendata-file": (
        lambda o: (opendata_generate(slugs=["contrats"]), ["contrats"])[1],
        {"GET": _all(200), "POST": _all(405)},
    ),
    # Open data API: published contracts for everyone (officers see all), read-only. Its
    # schema and docs pages (django-ninja) answer any method with the same public document.
    "api:openapi-json": (lambda o: [], {"GET": _all(200), "POST": _all(200)}),
    "api:openapi-view": (lambda o: [], {"GET": _all(200), "POST": _all(200)}),
    "api:api-root": (lambda o: [], {"GET": _all(404), "POST": _all(404)}),
    "api:territory_list": (lambda o: [], {"GET": _all(200), "POST": _all(405)}),
    "api:territory_detail": (
        lambda o: [o["contract"].territory.code],
        {"GET": _all(200), "POST": _all(405)},
    ),
    "api:programme_list": (lambda o: [], {"GET": _all(200), "POST": _all(405)}),
    "api:programme_detail": (
        lambda o: [o["contract"].programme.code],
        {"GET": _all(200), "POST": _all(405)},
    ),
    "api:contract_list": (lambda o: [], {"GET": _all(200), "POST": _all(405)}),
    "api:contract_document": (
        lambda o: [o["contract"].reference],
        {"GET": _all(200), "POST": _all(405)},
    ),
    "api:contract_objectives": (
        lambda o: [o["contract"].reference],
        {"GET": _all(200), "POST": _all(405)},
    ),
    "api:contract_evaluation": (
        lambda o: [o["contract"].reference],
        {"GET": _all(200), "POST": _all(405)},
    ),
    # Writes need a personal token (a session is not enough): tested with tokens in tests/api/.
    "api:progress_create": (lambda o: [], {"GET": _all(405), "POST": _all(401)}),
    "api:export_dataset": (lambda o: ["contracts"], {"GET": _all(200), "POST": _all(405)}),
}

# Only routed when PROCONNECT_ENABLED (off by default): checked with ProConnect turned on. The
# start sends anyone to the provider; the callback without a valid code and state signs nobody in
# and sends back to the login page.
PROCONNECT_MATRIX = {
    "oidc_authentication_init": (lambda o: [], {"GET": _all(302), "POST": _all(405)}),
    "oidc_authentication_callback": (lambda o: [], {"GET": _all(302), "POST": _all(405)}),
}

# Representative admin URLs (see the module docstring); GET only, the admin's POSTs go through
# the same gate.
ADMIN_SAMPLES = {
    "admin:index": lambda o: [],
    "admin:contracts_contract_changelist": lambda o: [],
    "admin:contracts_projectmembership_changelist": lambda o: [],
    "admin:indicators_progressentry_change": lambda o: [o["entry"].pk],
}


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or pattern.pattern}"


def test_every_url_pattern_is_in_the_matrix():
    names = {n for n in _walk(get_resolver().url_patterns) if not n.startswith("admin:")}
    names.discard("media")  # DEBUG-only file serving, never in production
    assert sorted(names - MATRIX.keys()) == [], "URL sans ligne dans la matrice des permissions"
    assert sorted(MATRIX.keys() - names) == [], "ligne de matrice sans URL"


@pytest.mark.django_db
def test_proconnect_url_patterns_are_in_the_matrix(proconnect):
    names = {n for n in _walk(get_resolver().url_patterns) if not n.startswith("admin:")}
    names.discard("media")
    assert sorted(names - MATRIX.keys() - PROCONNECT_MATRIX.keys()) == []
    assert sorted(PROCONNECT_MATRIX.keys() - names) == []


@pytest.fixture
def personas(chef_a, chef_b, reader_a, officer, superuser):
    return {
        "anonymous": None,
        "chef_a": chef_a,
        "chef_b": chef_b,
        "reader": reader_a,
        "officer": officer,
        "superuser": superuser,
    }


@pytest.fixture
def objects(indicator_a, chef_a):
    entry = ProgressEntryFactory(indicator=indicator_a, author=chef_a, status=EntryStatus.DRAFT)
    evidence = Evidence.objects.create(
        entry=entry, file=ContentFile(b"%PDF-1.4", name="pv.pdf"), original_name="pv.pdf"
    )
    return {
        "contract": indicator_a.objective.contract,
        "indicator": indicator_a,
        "entry": entry,
        "evidence": evidence,
        "token": api_token_create(user=chef_a, name="tableur")[0],
    }


def _status(client, user, method: str, url: str) -> int:
    client.logout()
    if user is not None:
        client.force_login(user)
    response = (client.get if method == "GET" else client.post)(url)
    if response.streaming:  # reading a download to the end closes its file
        b"".join(response.streaming_content)
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(client, personas, objects, name):
    assert _wrong(client, personas, objects, name, MATRIX[name]) == []


def _wrong(client, personas, objects, name, row) -> list[str]:
    args, expected = row
    url = reverse(name, args=args(objects))
    return [
        f"{method} {persona}: {got} au lieu de {expected[method][persona]}"
        for method in ("GET", "POST")
        for persona, user in personas.items()
        if (got := _status(client, user, method, url)) != expected[method][persona]
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PROCONNECT_MATRIX))
def test_proconnect_matrix(client, personas, objects, proconnect, name):
    assert _wrong(client, personas, objects, name, PROCONNECT_MATRIX[name]) == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ADMIN_SAMPLES))
def test_admin_samples(client, personas, objects, name):
    url = reverse(name, args=ADMIN_SAMPLES[name](objects))
    got = {p: _status(client, user, "GET", url) for p, user in personas.items()}
    assert got == STAFF_ONLY
