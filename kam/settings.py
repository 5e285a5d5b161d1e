"""KAM settings: everything comes from the environment, with defaults that run anywhere.

Embedded defaults: a SQLite file, tasks run in-process, an in-memory cache. Production sets
DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=false (see .env.example).
Unsafe combinations are refused by the system checks in kam/checks.py.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import django_stubs_ext
import environ

# Django's generic classes (ModelAdmin[Account], QuerySet[Contact]…) subscriptable at run
# time, as the type checker reads them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# The default key is public: kam.E001 refuses it when DEBUG is off.
DEFAULT_SECRET_KEY = "django-insecure-kam-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env("SECRET_KEY", default=DEFAULT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "axes",
    "kam",
    "notifications",
    "accounts",
    "relationships",
    "valuation",
    "portfolio",
    "inbox",
    "search",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of the request: the language cookie, then Accept-Language, else English
    # (after the session, before anything that renders); kam.language.UserLanguageMiddleware
    # below puts a signed-in person's own choice over it (kam/language.py).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "kam.middleware.RejectNulInQueryMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kam.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kam.urls"
WSGI_APPLICATION = "kam.wsgi.application"

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
                "kam.context_processors.navigation",
                "kam.language.language_choices",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'kam.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves a small team at once: write-ahead logging lets readers go on
    # while one person saves, each transaction takes the write lock when it begins (a deferred
    # one that read first could not take it later and failed at once with "database is
    # locked"), and a writer waits up to 20 s for another's save instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# Persistent connections, checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache, read as an empty cache while Redis is down (kam/cache.py).
            "BACKEND": "kam.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="kam"),
            # An unreachable Redis costs a request at most these seconds, not TCP's minutes.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: with REDIS_URL the broker is Redis; without it tasks run in-process (eager).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("KAM_TASKS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env("KAM_CELERY_QUEUE", default="kam")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A page that queues a job must not hang when the broker is down.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# A running analysis whose worker has not reported for this long is failed by the sweep.
KAM_ANALYSIS_STALE_SECONDS = env.int("KAM_ANALYSIS_STALE_SECONDS", default=15 * 60)
# A queued run older than this is sent to the workers again by the sweep (the broker may
# have lost it: a Redis restart without persistence, or a queue unreachable when it was made).
KAM_ANALYSIS_REQUEUE_SECONDS = env.int("KAM_ANALYSIS_REQUEUE_SECONDS", default=2 * 60)
# The analysis aggregates service activities in this many parts at once, each on its own
# database connection, beside the run's connection reading everything else (PostgreSQL).
# On 2 cores one part is fastest (more parts cost more work in all); raise it on a database
# server with cores to spare.
KAM_ANALYSIS_READ_PARTS = env.int("KAM_ANALYSIS_READ_PARTS", default=1)
# An activities CSV file of at least this many rows loads a partition of its own
# (valuation/importing/segments.py); smaller files go into the table's main partition.
KAM_IMPORT_SEGMENT_ROWS = env.int("KAM_IMPORT_SEGMENT_ROWS", default=100_000)
# Uploaded import files: at most this size (the import_data command reads any size), an XLSX
# workbook at most this size unpacked, and kept this many days after their import finished.
KAM_UPLOAD_MAX_BYTES = env.int("KAM_UPLOAD_MAX_BYTES", default=200 * 1024 * 1024)
KAM_IMPORT_XLSX_MAX_UNPACKED_BYTES = env.int(
    "KAM_IMPORT_XLSX_MAX_UNPACKED_BYTES", default=500 * 1024 * 1024
)
KAM_IMPORT_FILE_RETENTION_DAYS = env.int("KAM_IMPORT_FILE_RETENTION_DAYS", default=30)
# A queued import older than this is sent to the workers again by the sweep.
KAM_IMPORT_REQUEUE_SECONDS = env.int("KAM_IMPORT_REQUEUE_SECONDS", default=5 * 60)

# Every password a person chooses (create_user, the admin's forms) passes these; the demo
# users' public password is set by code (demo/users.py) and passes them too.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in that resists guessing (django-axes, kam/signin.py): after KAM_SIGNIN_FAILURE_LIMIT
# failed sign-ins for one username, from whatever address (the team shares an office), that
# username is refused on /login/ and /admin/login/ for KAM_SIGNIN_COOLOFF_MINUTES, even with
# the right password. A success resets the count. Failures go to the `axes` and `kam.signin`
# loggers and to the admin's access failure log.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("KAM_SIGNIN_LOCKOUT", default=True)
AXES_FAILURE_LIMIT = env.int("KAM_SIGNIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("KAM_SIGNIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# Attempts during the lockout neither count nor extend it: it ends when announced.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "kam.signin.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Axes' log lines name the username and address (passwords are always masked).
AXES_SENSITIVE_PARAMETERS: list[str] = []
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"

LANGUAGE_CODE = "en-gb"
# The interface's languages (issue 21): British English, the default, and simplified Chinese.
# The catalogue is locale/zh_Hans/LC_MESSAGES/django.po (and djangojs.po for static/js); its
# .mo files are compiled by the build (make install/run/test, the Docker image), not committed.
LANGUAGES = [("en-gb", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own number formats per language (kam/formats/): Chinese business software groups
# thousands with commas, where Django's zh_Hans formats group nothing.
FORMAT_MODULE_PATH = ["kam.formats"]
# The language cookie an anonymous visitor's choice is kept in (a signed-in person's is kept
# on their preference, kam.models.UserPreference).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
# The one base currency money is stored in (DOMAIN.md), as an ISO 4217 code: how the pages
# show amounts (kam/formatting.py). The stored amounts are not converted.
KAM_CURRENCY = env("KAM_CURRENCY", default="EUR").upper()

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Serve static files from the finders when nothing was collected (development, tests).
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Security: production (DEBUG off) is HTTPS only by default: plain http is redirected, HSTS
# for a year with subdomains, cookies only over HTTPS; each can be overridden. With DEBUG on
# (`make run`) none of this applies, so the embedded run over http works. Whether a request
# came over HTTPS is read from X-Forwarded-Proto only when KAM_BEHIND_TLS_PROXY says TLS ends
# at a proxy in front (which must set the header and be the only way in); otherwise anyone
# could send the header.
KAM_BEHIND_TLS_PROXY = env.bool("KAM_BEHIND_TLS_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if KAM_BEHIND_TLS_PROXY else None
HTTPS_ONLY = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS_ONLY)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=HTTPS_ONLY)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=HTTPS_ONLY)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if HTTPS_ONLY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS_ONLY)
# Preloading commits the domain in browsers for good: only its owner opts in. Django's
# deploy check warns about it being off (security.W021); that default is deliberate.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# axes.W006 asks to lock by address too; sign-in locks by username alone on purpose, since the
# team signs in from one office address that five typos must not lock for everybody.
SILENCED_SYSTEM_CHECKS = ["security.W021", "axes.W006"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# API limits, "N/unit" (unit s, m, h or d), empty for none: generous, so that people and
# scripts never meet them; the benchmarks and the fuzzer raise them (bench/pages.py).
KAM_THROTTLE_USER = env("KAM_THROTTLE_USER", default="6000/min")
KAM_THROTTLE_ANON = env("KAM_THROTTLE_ANON", default="300/min")
# Days an API token is accepted after it was issued; empty: tokens never expire.
_TOKEN_DAYS = env.str("KAM_API_TOKEN_LIFETIME_DAYS", default="").strip()
KAM_API_TOKEN_LIFETIME_DAYS = int(_TOKEN_DAYS) if _TOKEN_DAYS else None

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous call answers 401 with a WWW-Authenticate header.
        # Tokens expire after KAM_API_TOKEN_LIFETIME_DAYS (kam/authentication.py).
        "kam.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bodies go through the input policy (kam/input_policy.py).
    "DEFAULT_PARSER_CLASSES": [
        "kam.input_policy.SafeJSONParser",
        "kam.input_policy.SafeFormParser",
        "kam.input_policy.SafeMultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "kam.api.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        # django-filter's backend, a related object filtered by id (kam/api.py).
        "kam.api.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # The schema documents every error answer too (kam/schema.py).
    "DEFAULT_SCHEMA_CLASS": "kam.schema.KamAutoSchema",
    "EXCEPTION_HANDLER": "kam.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Rate limits (kam/throttling.py): per signed-in user, and per address for callers
    # without one (invalid tokens included); 429 with Retry-After beyond them.
    "DEFAULT_THROTTLE_CLASSES": [
        "kam.throttling.AnonRateThrottle",
        "kam.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": KAM_THROTTLE_ANON or None,
        "user": KAM_THROTTLE_USER or None,
    },
    # The client address is the peer's, or the one the TLS proxy in front saw.
    "NUM_PROXIES": 1 if KAM_BEHIND_TLS_PROXY else 0,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "KAM API",
    "DESCRIPTION": "Strategic key account management: accounts, relationships, value, analysis.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema and the docs need a signed-in user, like every endpoint (CONTRACT.md); the
    # authentication classes are the API's own (token or session).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SERVE_AUTHENTICATION": None,
    # Swagger UI from static/ (drf-spectacular-sidecar), not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Bodies are documented as JSON, the API's format (the browsable API's HTML forms also
    # post form data, which the parsers keep accepting).
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # One name per choice set that several models or fields share.
    "ENUM_NAME_OVERRIDES": {
        "DesignationEnum": "accounts.models.Designation",
        "PlanStatusEnum": "accounts.models.PlanStatus",
        "ChannelEnum": "relationships.models.Channel",
        "NotificationKindEnum": "notifications.models.Kind",
    },
}

# Content-Security-Policy (django-csp) on every page and API answer: scripts, styles, fonts
# and fetches from this origin only, no inline script or style (templates keep none:
# tests/kam/test_templates.py), no eval. Images may also be data: URLs (Swagger UI's icons)
# and blob: URLs (plotly draws a chart into one for "Download plot as png").
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    # Django's own loggers print through the root handler only (its default configuration
    # gives "django" a console handler of its own under DEBUG: every line printed twice).
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# E-mail (notifications, the daily digest, the weekly summary): Django's e-mail framework.
# With EMAIL_HOST set, SMTP; otherwise the console backend prints every e-mail (the embedded
# run). EMAIL_BACKEND overrides either. E-mails are sent by Celery tasks, never in a request.
EMAIL_HOST = env("EMAIL_HOST", default="")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.smtp.EmailBackend"
        if EMAIL_HOST
        else "django.core.mail.backends.console.EmailBackend"
    ),
)
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=bool(EMAIL_HOST))
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
# An unreachable SMTP server costs a send at most this many seconds (then it is retried).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="KAM <kam@localhost>")
# A notification's e-mail that failed is tried again after this many seconds, then twice and
# four times as long (three tries more), then given up and logged.
KAM_EMAIL_RETRY_SECONDS = env.int("KAM_EMAIL_RETRY_SECONDS", default=30)
# The address people reach KAM at, for the links in e-mails.
KAM_SITE_URL = env("KAM_SITE_URL", default="http://localhost:8000")

# Uploaded import files larger than this are written to disk rather than kept in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
