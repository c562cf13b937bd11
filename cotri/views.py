"""Site-wide views."""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views import defaults


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "not healthy", reported as 503
        return False


def _broker_ok() -> bool | None:
    """None when no broker is configured (eager mode), else whether Redis answers a PING."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return None
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        return bool(client.ping())
    except redis.RedisError:
        return False


def healthz(request):
    database = _database_ok()
    broker = _broker_ok()
    healthy = database and broker is not False
    body = {
        "status": "ok" if healthy else "erreur",
        "database": "ok" if database else "erreur",
        "broker": {None: "non configuré", True: "ok", False: "erreur"}[broker],
    }
    return JsonResponse(body, status=200 if healthy else 503)


# --- Errors no view answered: JSON under /api/, Django's pages elsewhere (urls.handler*) --------

API_ERRORS = {
    400: "Requête invalide.",
    403: "Accès refusé.",
    404: "Ressource introuvable.",
    500: "Erreur interne du serveur : l'équipe technique est prévenue ; réessayez plus tard.",
}


def _api_error(request, status: int):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": API_ERRORS[status]}, status=status)
    return None


def bad_request(request, exception):
    return _api_error(request, 400) or defaults.bad_request(request, exception)


def permission_denied(request, exception):
    return _api_error(request, 403) or defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    return _api_error(request, 404) or defaults.page_not_found(request, exception)


def server_error(request):
    return _api_error(request, 500) or defaults.server_error(request)
