"""Site-wide views."""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse


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
