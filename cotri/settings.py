"""Settings for cotri, read from the environment (django-environ).

With no variable set, the project runs on a laptop with no server: SQLite file, Celery eager,
console e-mail, static files served by WhiteNoise. Production sets DATABASE_URL, REDIS_URL,
SECRET_KEY, ALLOWED_HOSTS and friends (see README and docker-compose.yml).
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
ENV_FILE = BASE_DIR / ".env"

env = environ.Env()
if ENV_FILE.exists():
    env.read_env(str(ENV_FILE))

# Production refuses laptop conveniences (generated secret key, demo data).
COTRI_PRODUCTION = env.bool("COTRI_PRODUCTION", default=False)


def _local_secret_key() -> str:
    """Return SECRET_KEY, creating a random one in the untracked .env on a laptop."""
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if COTRI_PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY doit être défini en production.")
    key = secrets.token_urlsafe(50)
    with ENV_FILE.open("a", encoding="utf-8") as fh:
        fh.write(f"SECRET_KEY={key}\n")
    return key


SECRET_KEY = _local_secret_key()
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "cotri.errors.csrf_failure"  # French page, in the layout of the area
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "dsfr",
    "import_export",
    "simple_history",
    "axes",
    "cotri",
    "territories",
    "contracts",
    "indicators",
    "funding",
    "reporting",
    "reports",
    "exchange",
    "ninja",
    "cotri.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "cotri.headers.SecurityHeadersMiddleware",
    "cotri.middleware.RejectNulCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns lockouts into the French lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cotri.urls"
WSGI_APPLICATION = "cotri.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cotri.public.context_processors.identity",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if COTRI_PRODUCTION and not REDIS_URL:
    # Workers share the fiche cache and the task queue through Redis: a per-process cache would
    # keep serving an unpublished fiche in the other workers (docs/adr/0007-fiche-cache.md).
    raise ImproperlyConfigured("REDIS_URL doit être défini en production.")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "cotri.public.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            # An unreachable Redis is a cache miss (redis_cache.py), after one second at most.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/admin/login/"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out users before any check
    "django.contrib.auth.backends.ModelBackend",
]
# Repeated failed logins (admin and /espace/) lock the username + address out for one hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_COOLOFF_MESSAGE = "Trop de tentatives de connexion ont échoué : réessayez dans une heure."
AXES_PERMALOCK_MESSAGE = "Trop de tentatives de connexion ont échoué : contactez un agent."
AXES_IPWARE_PROXY_COUNT = 1 if env.bool("BEHIND_TLS_PROXY", default=False) else None
AXES_VERBOSE = False

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
# Nothing is grouped implicitly (« millésime 2 021 »): quantities are formatted by french.output.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)

# Django 6.1 mailers: console by default, SMTP when EMAIL_HOST is set. Production never prints
# e-mails: without EMAIL_HOST it hands them to the host's own relay (localhost:25, no TLS).
_EMAIL_HOST = env.str("EMAIL_HOST", default="")
if _EMAIL_HOST or COTRI_PRODUCTION:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _EMAIL_HOST or "localhost",
                "port": env.int("EMAIL_PORT", default=587 if _EMAIL_HOST else 25),
                "username": env.str("EMAIL_HOST_USER", default=""),
                "password": env.str("EMAIL_HOST_PASSWORD", default=""),
                "use_tls": env.bool("EMAIL_USE_TLS", default=bool(_EMAIL_HOST)),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cotri <ne-pas-repondre@cotri.local>")

# Security: on by default in production (HTTPS redirect, secure cookies, HSTS for a year), each
# turned off only by its variable set to false/0; relaxed by default on plain-HTTP laptops.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=COTRI_PRODUCTION)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=COTRI_PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=COTRI_PRODUCTION)
SECURE_HSTS_SECONDS = env.int(
    "SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365 if COTRI_PRODUCTION else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=COTRI_PRODUCTION
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=COTRI_PRODUCTION)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
# Content-Security-Policy (Django's own): every script, style, font and image is served by the
# site itself (DSFR, the API docs' Swagger UI are self-hosted); inline style attributes remain
# allowed (the admin's, django-import-export's and simple-history's templates use some).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SESSION_SAVE_EVERY_REQUEST = True  # the session expires after inactivity, not after login

# Celery: eager with no broker, Redis when REDIS_URL is set.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "evaluate-active-contracts-nightly": {
        "task": "funding.tasks.evaluate_all_active",
        "schedule": crontab(hour=2, minute=30),
    },
    "render-fiche-pdfs-nightly": {
        "task": "cotri.public.tasks.render_all_fiche_pdfs",
        "schedule": crontab(hour=3, minute=30),  # after the nightly evaluations
    },
    "generate-opendata-nightly": {
        "task": "cotri.tasks.generate_opendata",
        "schedule": crontab(hour=4, minute=0),  # after the evaluations and fiches
    },
    "purge-export-jobs-daily": {
        "task": "cotri.tasks.purge_export_jobs",
        "schedule": crontab(hour=5, minute=0),
    },
    "send-reporting-reminders-daily": {
        "task": "reporting.tasks.send_reminders",
        "schedule": crontab(hour=7, minute=0),  # Paris time (CELERY_TIMEZONE); once a day
    },
}
# A burst of changes on one contract gives one evaluation after this delay.
COTRI_EVALUATION_COALESCE_SECONDS = env.int("COTRI_EVALUATION_COALESCE_SECONDS", default=60)
# Likewise one fiche PDF render per published contract after this delay.
COTRI_FICHE_COALESCE_SECONDS = env.int("COTRI_FICHE_COALESCE_SECONDS", default=60)
# Open data files are regenerated once per window after changes (and nightly).
COTRI_OPENDATA_COALESCE_SECONDS = env.int("COTRI_OPENDATA_COALESCE_SECONDS", default=600)

# Officers' admin exports: a selection above this many rows is written by a task (« Mes
# exports »), smaller ones at once; files are kept this many days; progress saved this often.
COTRI_EXPORT_SYNC_MAX_ROWS = env.int("COTRI_EXPORT_SYNC_MAX_ROWS", default=10_000)
COTRI_EXPORT_KEEP_DAYS = env.int("COTRI_EXPORT_KEEP_DAYS", default=7)
COTRI_EXPORT_PROGRESS_SECONDS = env.float("COTRI_EXPORT_PROGRESS_SECONDS", default=2.0)
# The file tasks (officers' exports, open data) read whole tables at national size: minutes, not
# seconds. They are acknowledged on receipt (a lost run is asked again, never run twice).
COTRI_FILE_TASK_SOFT_TIME_LIMIT = env.int("COTRI_FILE_TASK_SOFT_TIME_LIMIT", default=1800)

# Task limits, from the longest task: one contract's evaluation or one fiche PDF render (a few
# seconds; the nightly sweeps only enqueue one task per contract). A task past the soft limit
# is stopped (its transaction rolls back), past the hard limit its process is killed.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=150)
# Redis redelivers a message left unacknowledged (a killed worker: acks_late) after the
# visibility timeout. It must exceed the longest countdown (the coalescing windows: delayed
# messages are unacknowledged too) plus the hard limit, or a running task would be delivered a
# second time; just above that, a killed evaluation or render is redone within minutes.
_VISIBILITY_FLOOR = (
    max(COTRI_EVALUATION_COALESCE_SECONDS, COTRI_FICHE_COALESCE_SECONDS) + CELERY_TASK_TIME_LIMIT
)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=_VISIBILITY_FLOOR + 90)
}
if CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= _VISIBILITY_FLOOR:
    raise ImproperlyConfigured(
        f"CELERY_VISIBILITY_TIMEOUT doit dépasser {_VISIBILITY_FLOOR} s (plus long délai de "
        "regroupement + CELERY_TASK_TIME_LIMIT) : sinon une tâche en cours serait relancée."
    )
if CELERY_TASK_SOFT_TIME_LIMIT >= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "CELERY_TASK_SOFT_TIME_LIMIT doit être inférieur à CELERY_TASK_TIME_LIMIT."
    )

# Admin imports keep the previewed file between preview and confirmation: in the shared cache
# when there is one, so several web containers can serve the two requests.
IMPORT_EXPORT_TMP_STORAGE_CLASS = (
    "import_export.tmp_storages.CacheStorage"
    if REDIS_URL
    else "import_export.tmp_storages.TempFolderStorage"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- ProConnect: optional sign-in of public agents (OIDC), off by default ----------------------
# See docs/adr/0006-proconnect.md. The agent is matched to an existing active account by e-mail;
# no account is created. Endpoints follow ProConnect's layout under PROCONNECT_BASE_URL, e.g.
# https://fca.integ01.dev-agentconnect.fr/api/v2 (integration).
PROCONNECT_ENABLED = env.bool("PROCONNECT_ENABLED", default=False)
if PROCONNECT_ENABLED:
    _proconnect = env.str("PROCONNECT_BASE_URL", default="").rstrip("/")
    if not _proconnect or (COTRI_PRODUCTION and not _proconnect.startswith("https://")):
        raise ImproperlyConfigured(
            "PROCONNECT_BASE_URL (une adresse https://) est requis quand PROCONNECT_ENABLED "
            "est vrai."
        )
    AUTHENTICATION_BACKENDS.append("cotri.proconnect.ProConnectBackend")
    OIDC_RP_CLIENT_ID = env.str("PROCONNECT_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env.str("PROCONNECT_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = env.str("PROCONNECT_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = env.str("PROCONNECT_SCOPES", default="openid email given_name usual_name")
    OIDC_OP_AUTHORIZATION_ENDPOINT = f"{_proconnect}/authorize"
    OIDC_OP_TOKEN_ENDPOINT = f"{_proconnect}/token"
    OIDC_OP_USER_ENDPOINT = f"{_proconnect}/userinfo"
    OIDC_OP_JWKS_ENDPOINT = f"{_proconnect}/jwks"
    OIDC_OP_LOGOUT_ENDPOINT = f"{_proconnect}/session/end"  # cotri.espace.login.LogoutView
    OIDC_STORE_ID_TOKEN = True  # the id_token_hint of that logout
    OIDC_CREATE_USER = False
    OIDC_TIMEOUT = 10
    OIDC_CALLBACK_CLASS = "cotri.proconnect.ProConnectCallbackView"
    LOGIN_REDIRECT_URL = "/espace/"
    LOGIN_REDIRECT_URL_FAILURE = "/espace/connexion/"

# Identity shown in headers of public pages and PDFs (the State identity is optional).
COTRI_SHOW_STATE_IDENTITY = env.bool("COTRI_SHOW_STATE_IDENTITY", default=True)
COTRI_OPERATOR_NAME = env.str("COTRI_OPERATOR_NAME", default="ADEME Hauts-de-France")

# Who publishes the site, shown on the legal pages (/mentions-legales/, /donnees-personnelles/).
# Unset or empty (docker-compose passes ""), they read « à compléter »: never an invented person.
_TO_COMPLETE = "à compléter"
COTRI_PUBLICATION_DIRECTOR = env.str("COTRI_PUBLICATION_DIRECTOR", default="") or _TO_COMPLETE
COTRI_HOST_NAME = env.str("COTRI_HOST_NAME", default="") or _TO_COMPLETE
COTRI_HOST_ADDRESS = env.str("COTRI_HOST_ADDRESS", default="") or _TO_COMPLETE
COTRI_CONTACT_EMAIL = env.str("COTRI_CONTACT_EMAIL", default="")
COTRI_OPERATOR_ADDRESS = env.str("COTRI_OPERATOR_ADDRESS", default="") or _TO_COMPLETE
