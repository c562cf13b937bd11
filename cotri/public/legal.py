"""Legal and trust pages of the public site, linked from the footer (DSFR footer's bottom list):
mentions légales, données personnelles, accessibility statement (RGAA form), plan du site.

Who publishes and hosts the site comes from settings (``COTRI_OPERATOR_NAME``,
``COTRI_OPERATOR_ADDRESS``, ``COTRI_PUBLICATION_DIRECTOR``, ``COTRI_HOST_NAME``,
``COTRI_HOST_ADDRESS``, ``COTRI_CONTACT_EMAIL``): unset, they read « à compléter ». Retention
periods are the ones the code enforces, read from settings where they are settings.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cotri.public.overview_cache import overview_data
from french.output import format_count


@dataclass(frozen=True)
class AuditedPage:
    """A page the browser tests check with axe-core at 375 and 1 280 px
    (tests/public/test_phone.py reads this list: the statement and the audit cannot drift)."""

    label: str
    path: str  # « <référence> » stands for a published fiche's reference


AUDITED_PAGES = [
    AuditedPage("Accueil et synthèse régionale", "/"),
    AuditedPage("Liste et recherche des fiches territoriales", "/fiches/"),
    AuditedPage("Une fiche territoriale", "/fiches/<référence>/"),
    AuditedPage("Données ouvertes", "/donnees-ouvertes/"),
    AuditedPage("Mentions légales", "/mentions-legales/"),
    AuditedPage("Données personnelles", "/donnees-personnelles/"),
    AuditedPage("Déclaration d’accessibilité", "/accessibilite/"),
    AuditedPage("Plan du site", "/plan-du-site/"),
    AuditedPage("Page d’erreur « Page introuvable »", "/page-inexistante/"),
    AuditedPage("Connexion à l’espace des territoires", "/espace/connexion/"),
]

# The front office's journeys checked by tests/espace/test_browser.py (at 1 280 px).
AUDITED_JOURNEYS = [
    "connexion, contrats, saisie d’une valeur et soumission (chef de projet)",
    "file de validation et validation d’une saisie (agent)",
    "création et révocation d’un jeton d’API",
]


def _publisher() -> dict:
    return {
        "operator_name": settings.COTRI_OPERATOR_NAME,
        "operator_address": settings.COTRI_OPERATOR_ADDRESS,
        "publication_director": settings.COTRI_PUBLICATION_DIRECTOR,
        "host_name": settings.COTRI_HOST_NAME,
        "host_address": settings.COTRI_HOST_ADDRESS,
        "contact_email": settings.COTRI_CONTACT_EMAIL,
        "site_url": settings.SITE_URL,
    }


@require_safe
def legal_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "public/legal/mentions.html", _publisher())


@require_safe
def personal_data(request: HttpRequest) -> HttpResponse:
    hours = settings.SESSION_COOKIE_AGE // 3600
    cooloff = int(settings.AXES_COOLOFF_TIME.total_seconds() // 3600)
    days = int(getattr(settings, "COTRI_INVITATION_DAYS", 7))
    context = {
        **_publisher(),
        "session_hours": format_count(hours, "heure"),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff": format_count(cooloff, "heure"),
        "invitation_days": format_count(days, "jour"),
        "proconnect": settings.PROCONNECT_ENABLED,
    }
    return render(request, "public/legal/donnees_personnelles.html", context)


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    context = {
        **_publisher(),
        "audited_pages": AUDITED_PAGES,
        "audited_journeys": AUDITED_JOURNEYS,
        "axe_version": _axe_version(),
    }
    return render(request, "public/legal/accessibilite.html", context)


def _axe_version() -> str:
    """The axe-core version the browser tests run (bundled with axe-playwright-python, a dev
    dependency), e.g. "4.12.1"; "" where the dev dependencies are not installed."""
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or spec.origin is None:
        return ""
    script = Path(spec.origin).with_name("axe.min.js")
    head = script.read_text(encoding="utf-8")[:200] if script.is_file() else ""
    marker = head.find("axe v")
    return head[marker + 5 :].split()[0] if marker >= 0 else ""


@require_safe
def site_map(request: HttpRequest) -> HttpResponse:
    """Every public page, with one link per published fiche (from the cached overview)."""
    rows = overview_data().rows
    return render(request, "public/legal/plan.html", {"rows": rows})
