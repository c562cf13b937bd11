"""French error pages: the DSFR layout on the public site and /espace/, the admin's under /admin/.

Wired by ``handler400/403/404/500`` in ``cotri/urls.py`` and ``CSRF_FAILURE_VIEW``; under
``/api/`` they answer JSON (``{"detail": "…"}``) instead. Django
calls them only when DEBUG is off. A ``PermissionDenied("…")`` raised with a message shows that
message. The 500 page renders without the request's context (no database, no session) and falls
back to plain HTML if even that fails: it must answer while something is broken.
"""

import logging

from django.contrib import admin
from django.http import HttpResponse, JsonResponse
from django.template import loader

from cotri.public.context_processors import identity

logger = logging.getLogger(__name__)

PAGES = {
    400: (
        "Requête incorrecte",
        "Le serveur n’a pas compris la demande envoyée par votre navigateur. Revenez à la page "
        "précédente et réessayez.",
    ),
    403: (
        "Accès refusé",
        "Vous n’avez pas le droit d’ouvrir cette page avec votre compte.",
    ),
    404: (
        "Page introuvable",
        "La page que vous cherchez n’existe pas, n’est pas publiée ou ne vous est pas accessible. "
        "Vérifiez l’adresse, ou repartez de l’accueil.",
    ),
    500: (
        "Erreur inattendue",
        "Une erreur s’est produite de notre côté ; elle a été enregistrée. Réessayez dans quelques "
        "instants.",
    ),
}
CSRF_TITLE = "Formulaire expiré"
CSRF_MESSAGE = (
    "Le formulaire a expiré ou votre navigateur bloque les cookies de ce site. Rechargez la page, "
    "puis envoyez-le de nouveau."
)
_FALLBACK = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{title} — cotri</title>'
    '</head><body><main><h1>{title}</h1><p>{message}</p><p><a href="/">Retour à l’accueil</a>'
    "</p></main></body></html>"
)


# Under /api/ every error is JSON, even the ones no API view answered.
API_ERRORS = {
    400: "Requête invalide.",
    403: "Accès refusé.",
    404: "Ressource introuvable.",
    500: "Erreur interne du serveur : l'équipe technique est prévenue ; réessayez plus tard.",
}


def _template(request) -> str:
    path = getattr(request, "path", "") or ""
    return "admin/cotri/error.html" if path.startswith("/admin/") else "errors/page.html"


def _page(request, status: int, *, title: str, message: str, detail: str = "", use_request=True):
    if (getattr(request, "path", "") or "").startswith("/api/"):
        return JsonResponse({"detail": API_ERRORS[status]}, status=status)
    context = {
        **identity(None),
        **_admin_context(request, use_request),
        "status": status,
        "title": title,
        "message": message,
        "detail": detail,
        "is_admin": _template(request).startswith("admin/"),
    }
    try:
        template = loader.get_template(_template(request))
        html = template.render(context, request if use_request else None)
    except Exception:  # an error page must answer whatever is broken
        logger.exception("Error page %s could not be rendered", status)
        html = _FALLBACK.format(title=title, message=message)
    return HttpResponse(html, status=status)


def _admin_context(request, use_request: bool) -> dict:
    if not _template(request).startswith("admin/"):
        return {}
    if use_request:
        try:
            return admin.site.each_context(request)
        except Exception:  # e.g. the database is what failed
            logger.exception("Admin context unavailable for an error page")
    return {
        "site_header": admin.site.site_header,
        "site_title": admin.site.site_title,
        "site_url": "/",
        "has_permission": False,
        "is_nav_sidebar_enabled": False,
        "available_apps": [],
        "is_popup": False,
    }


def _detail(exception) -> str:
    """The message given to ``PermissionDenied("…")``, if any (never an internal repr)."""
    if exception is None or not exception.args:
        return ""
    message = exception.args[0]
    return message if isinstance(message, str) else ""


def bad_request(request, exception=None):
    return _page(request, 400, title=PAGES[400][0], message=PAGES[400][1])


def permission_denied(request, exception=None):
    return _page(
        request, 403, title=PAGES[403][0], message=PAGES[403][1], detail=_detail(exception)
    )


def page_not_found(request, exception=None):
    return _page(request, 404, title=PAGES[404][0], message=PAGES[404][1])


def server_error(request):
    return _page(request, 500, title=PAGES[500][0], message=PAGES[500][1], use_request=False)


def csrf_failure(request, reason=""):
    return _page(request, 403, title=CSRF_TITLE, message=CSRF_MESSAGE)
