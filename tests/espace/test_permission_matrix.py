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

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from contracts.models import ProjectMembership
from cotri.api.tokens import api_token_create
from exchange.export_jobs import export_job_run
from exchange.models import ExportJob
from exchange.opendata_files import opendata_generate
from indicators.enums import EntryStatus
from indicators.models import Evidence
from reporting.services import campaign_open
from reports.models import AnnualReport, DocumentStatus, ReportDocument
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
OFFICERS_THEN_405 = _row(302, 403, 403, 403, 405, 405)
OFFICERS_REDIRECT = _row(302, 403, 403, 403, 302, 302)

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
    # The progress file template shows what the contract page shows, to the same people.
    "espace:contract_template": (
        lambda o: [o["contract"].reference],
        {"GET": TERRITORY_A, "POST": SIGN_IN_THEN_405},
    ),
    # « Et si… »: read-only simulation (a GET form), for whoever may read the contract.
    "espace:simulator": (
        lambda o: [o["contract"].reference],
        {"GET": TERRITORY_A, "POST": SIGN_IN_THEN_405},
    ),
    # Objectives' workbooks: every member reads; the territory's chefs de projet edit.
    "espace:workbook": (
        lambda o: [o["contract"].reference, o["indicator"].objective.code],
        {"GET": TERRITORY_A, "POST": REPORT_ON_A},
    ),
    "espace:workbook_journal": (
        lambda o: [o["contract"].reference],
        {"GET": TERRITORY_A, "POST": SIGN_IN_THEN_405},
    ),
    # The annual report (reports/): every member and officer reads and downloads; the
    # territory's chefs de projet write its texts and generate it (an empty POST saves them).
    "espace:annual_report": (
        lambda o: [o["contract"].reference, 2022],
        {"GET": TERRITORY_A, "POST": _row(302, 302, 404, 403, 403, 403)},
    ),
    "espace:annual_report_status": (
        lambda o: [o["contract"].reference, 2022, o["annual_document"].pk],
        {"GET": TERRITORY_A, "POST": SIGN_IN_THEN_405},
    ),
    "espace:annual_report_file": (
        lambda o: [o["contract"].reference, 2022, o["annual_document"].pk, "pdf"],
        {"GET": TERRITORY_A, "POST": SIGN_IN_THEN_405},
    ),
    "espace:indicator": (lambda o: [o["indicator"].pk], {"GET": TERRITORY_A, "POST": REPORT_ON_A}),
    "espace:entry": (lambda o: [o["entry"].pk], {"GET": REPORT_ON_A, "POST": REPORT_ON_A}),
    "espace:evidence": (
        lambda o: [o["evidence"].pk],
        {"GET": TERRITORY_A, "POST": SIGN_IN_THEN_405},
    ),
    # « Retirer » a justificatif: the territory's chefs, on a draft; a POST that redirects.
    # chef_a's POST removes it, so the personas after see 404; without it they get 403
    # (tests/espace/test_notes_evidence.py::test_only_the_territory_chefs_remove_evidence).
    "espace:evidence_remove": (
        lambda o: [o["evidence"].pk],
        {"GET": SIGN_IN_THEN_405, "POST": _row(302, 302, 404, 404, 404, 404)},
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
    "public:legal-notice": (lambda o: [], {"GET": _all(200), "POST": _all(405)}),
    "public:personal-data": (lambda o: [], {"GET": _all(200), "POST": _all(405)}),
    "public:accessibility": (lambda o: [], {"GET": _all(200), "POST": _all(405)}),
    "public:site-map": (lambda o: [], {"GET": _all(200), "POST": _all(405)}),
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
    "api:contract_comparison": (
        lambda o: [o["contract"].reference],
        {"GET": _all(200), "POST": _all(405)},
    ),
    # Writes need a personal token (a session is not enough): tested with tokens in tests/api/.
    "api:progress_create": (lambda o: [], {"GET": _all(405), "POST": _all(401)}),
    "api:export_dataset": (lambda o: ["contracts"], {"GET": _all(200), "POST": _all(405)}),
    # Officers' pages under /admin/ (cotri/officers): the admin's login for anonymous visitors,
    # a French 403 for other signed-in users. Writes answer with a redirect to the accounts page
    # and a message (an empty POST changes nothing, or says what is missing).
    "officers:home": (lambda o: [], {"GET": OFFICERS_ONLY, "POST": OFFICERS_THEN_405}),
    "officers:accounts": (lambda o: [], {"GET": OFFICERS_ONLY, "POST": OFFICERS_THEN_405}),
    "officers:invite": (
        lambda o: [],
        {"GET": OFFICERS_ONLY, "POST": _row(302, 403, 403, 403, 400, 400)},
    ),
    "officers:resend": (
        lambda o: [o["chef"].pk],
        {"GET": OFFICERS_THEN_405, "POST": OFFICERS_REDIRECT},
    ),
    "officers:account_active": (
        lambda o: [o["chef"].pk],
        {"GET": OFFICERS_THEN_405, "POST": OFFICERS_REDIRECT},
    ),
    "officers:membership_role": (
        lambda o: [o["membership"].pk],
        {"GET": OFFICERS_THEN_405, "POST": OFFICERS_REDIRECT},
    ),
    # The officer's POST removes the access: the superuser's then finds nothing (404).
    "officers:membership_remove": (
        lambda o: [o["membership"].pk],
        {"GET": OFFICERS_THEN_405, "POST": _row(302, 403, 403, 403, 302, 404)},
    ),
    # « Mes exports »: each officer's own exports; another officer's file is a 404.
    "officers:exports": (lambda o: [], {"GET": OFFICERS_ONLY, "POST": OFFICERS_THEN_405}),
    "officers:export_download": (
        lambda o: [o["export_job"].pk],
        {"GET": _row(302, 403, 403, 403, 200, 404), "POST": OFFICERS_THEN_405},
    ),
    # The invitee's one-time link: anyone may open it; a wrong token shows the French refusal.
    "invitation_accept": (
        lambda o: ["MQ", "jeton-invalide"],
        {"GET": _all(200), "POST": _all(200)},
    ),
    # Reporting campaigns (reporting/urls.py): officers run them; the contract's chefs de projet
    # mark its report complete; everyone signed in sets their reminders in their profile.
    "reporting:campaigns": (lambda o: [], {"GET": OFFICERS_ONLY, "POST": SIGN_IN_THEN_405}),
    "reporting:campaign_create": (lambda o: [], {"GET": OFFICERS_ONLY, "POST": OFFICERS_ONLY}),
    "reporting:campaign_generate": (
        lambda o: [],
        {"GET": SIGN_IN_THEN_405, "POST": _row(302, 403, 403, 403, 302, 302)},
    ),
    "reporting:board": (
        lambda o: [o["campaign"].pk],
        {"GET": OFFICERS_ONLY, "POST": SIGN_IN_THEN_405},
    ),
    "reporting:board_export": (
        lambda o: [o["campaign"].pk, "csv"],
        {"GET": OFFICERS_ONLY, "POST": SIGN_IN_THEN_405},
    ),
    "reporting:campaign_close": (
        lambda o: [o["campaign"].pk],
        {"GET": SIGN_IN_THEN_405, "POST": _row(302, 403, 403, 403, 302, 302)},
    ),
    "reporting:report": (
        lambda o: [o["campaign"].pk, o["contract"].reference],
        {"GET": TERRITORY_A, "POST": SIGN_IN_THEN_405},
    ),
    "reporting:report_submit": (
        lambda o: [o["campaign"].pk, o["contract"].reference],
        {"GET": SIGN_IN_THEN_405, "POST": _row(302, 302, 404, 403, 403, 403)},
    ),
    "reporting:report_review": (
        lambda o: [o["campaign"].pk, o["contract"].reference],
        {"GET": SIGN_IN_THEN_405, "POST": OFFICERS_ONLY},
    ),
    "reporting:entry_unlock": (
        lambda o: [o["entry"].pk],
        {"GET": OFFICERS_ONLY, "POST": OFFICERS_ONLY},
    ),
    "reporting:profile": (lambda o: [], {"GET": MEMBERS_ONLY, "POST": _row(*[302] * 6)}),
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
def objects(indicator_a, chef_a, officer):
    entry = ProgressEntryFactory(indicator=indicator_a, author=chef_a, status=EntryStatus.DRAFT)
    evidence = Evidence.objects.create(
        entry=entry, file=ContentFile(b"%PDF-1.4", name="pv.pdf"), original_name="pv.pdf"
    )
    report = AnnualReport.objects.create(contract=indicator_a.objective.contract, year=2022)
    document = ReportDocument(report=report, status=DocumentStatus.DONE, progress=100)
    document.pdf.save("rapport.pdf", ContentFile(b"%PDF-1.7"), save=False)
    document.save()
    export_job = ExportJob.objects.create(
        user=officer,
        model="indicators.progressentry",
        title="Saisies d'avancement",
        resource="ProgressEntryExportResource",
        file_format="csv",
    )
    export_job_run(export_job.pk)
    return {
        "annual_document": document,
        "export_job": export_job,
        "contract": indicator_a.objective.contract,
        "indicator": indicator_a,
        "entry": entry,
        "evidence": evidence,
        "token": api_token_create(user=chef_a, name="tableur")[0],
        "chef": chef_a,
        "membership": ProjectMembership.objects.get(user=chef_a),
        "campaign": campaign_open(
            name="Bilan annuel 2022",
            period_start=datetime.date(2022, 1, 1),
            period_end=datetime.date(2022, 12, 31),
            due_on=datetime.date(2023, 1, 31),
            contracts=[indicator_a.objective.contract],
            by=officer,
        ),
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
