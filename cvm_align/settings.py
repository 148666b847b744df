"""Settings for cvm-align: one module, driven by environment variables.

Without any environment the project runs on embedded defaults (SQLite file,
Celery in eager mode, local-memory cache) so that a fresh checkout "just works"
with DEBUG on. With DEBUG off, the production values are required, and a missing
or malformed one stops start-up with a single line naming the variable.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_email_url
from django.utils.translation import gettext_lazy as _
from environs import Env, EnvValidationError, ValidationError

BASE_DIR = Path(__file__).resolve().parent.parent

env = Env(eager=False)
env.read_env(BASE_DIR / ".env", recurse=False)

DEBUG = env.bool("DEBUG", default=False)


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ValidationError(message)


def _dev_default(value) -> dict:
    # In DEBUG the embedded default is fine; in production the value must be set
    # explicitly, so a forgotten variable cannot silently fall back to SQLite etc.
    return {"default": value} if DEBUG else {}


SECRET_KEY = env.str(
    "SECRET_KEY",
    **_dev_default("insecure-development-key-do-not-use-in-production"),
    validate=lambda value: _check(
        DEBUG or (len(value) >= 50 and len(set(value)) >= 5),
        "must be at least 50 random characters",
    ),
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", **_dev_default(["127.0.0.1", "localhost", "testserver"]))
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS",
    default=[],
    validate=lambda origins: _check(
        all(o.startswith(("http://", "https://")) for o in origins),
        "each origin must start with http:// or https://",
    ),
)
DATABASES = {
    "default": env.dj_db_url(
        "DATABASE_URL",
        **_dev_default(f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env.int("DATABASE_CONN_MAX_AGE", default=60),
    )
}
if str((DATABASES["default"] or {}).get("ENGINE", "")).endswith("postgresql") and env.bool(
    "DATABASE_POOL", default=True
):
    # A pool per process (psycopg's, through Django): under ASGI every request and
    # every live connection's database work runs in a thread of its own, and
    # persistent connections would be one per thread, left open when it ends (a
    # room of hundreds ran PostgreSQL out of connections). A request borrows a
    # connection and gives it back; past `max_size` it waits up to `timeout`.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2,
        "max_size": env.int("DATABASE_POOL_SIZE", default=20),
        "timeout": 10,
    }
if str((DATABASES["default"] or {}).get("ENGINE", "")).endswith("sqlite3"):
    # Concurrent writers queue instead of failing with "database is locked": each
    # transaction takes SQLite's write lock when it begins (a deferred one that read
    # first could not wait for it later and would fail at once), and a request waits
    # up to 20 s for the lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL",
    default="",
    validate=lambda url: _check(
        url == "" or url.startswith(("redis://", "rediss://", "amqp://")),
        "must be a redis://, rediss:// or amqp:// URL",
    ),
)
REDIS_URL = env.str(
    "REDIS_URL",
    default="",
    validate=lambda url: _check(
        url == "" or url.startswith(("redis://", "rediss://", "unix://")),
        "must be a redis://, rediss:// or unix:// URL",
    ),
)
# Names on the channel layer start with this (one Redis may serve several sites).
CHANNEL_PREFIX = env.str("CHANNEL_PREFIX", default="cvm")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
LOG_LEVEL = env.log_level("LOG_LEVEL", default="INFO")
# Invitations and password resets are mailed; without a mail server in production
# nobody could join or recover an account, so it is required there. In DEBUG the
# messages are printed to the terminal.
EMAIL_URL = env.str(
    "EMAIL_URL",
    **_dev_default("console://"),
    validate=lambda url: _check(
        urlsplit(url).scheme in dj_email_url.SCHEMES,
        "must be a smtp://, submission:// or console:// URL (or file://, memory://, dummy://)",
    ),
)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL",
    **_dev_default("cvm-align <cvm-align@localhost>"),
    validate=lambda value: _check("@" in value, "must be an address, e.g. cvm@example.com"),
)
# The seal of the signed reports (alignment/report/seal.py): a PKCS#12 file with
# the organisation's certificate and key. Without one, a self-signed certificate
# is made on first use in REPORT_SIGNING_HOME, outside the code, and kept there:
# web and worker processes must share that folder (the worker seals, the web
# checks uploaded PDFs against it). `manage.py check` warns about it in production.
REPORT_SIGNING_P12 = env.str(
    "REPORT_SIGNING_P12",
    default="",
    validate=lambda path: _check(
        path == "" or Path(path).expanduser().is_file(), "must name a readable PKCS#12 file"
    ),
)
REPORT_SIGNING_PASSPHRASE = env.str("REPORT_SIGNING_PASSPHRASE", default="")
# A time-stamp server (RFC 3161) makes the seal PAdES B-T; empty, B-B.
REPORT_SIGNING_TSA_URL = env.str(
    "REPORT_SIGNING_TSA_URL",
    default="",
    validate=lambda url: _check(
        url == "" or url.startswith(("http://", "https://")), "must be an http(s):// URL"
    ),
)
REPORT_SIGNING_HOME = env.path(
    "REPORT_SIGNING_HOME", default=Path.home() / ".local" / "share" / "cvm-align"
)
# The organisation that runs this instance: the O= of the self-signed seal.
CVM_ORGANISATION = env.str("CVM_ORGANISATION", default="")

try:
    env.seal()
except EnvValidationError as error:
    # One clear line, naming each variable, instead of a traceback.
    problems = "; ".join(
        f"{name}: {' '.join(messages) if isinstance(messages, list) else messages}"
        for name, messages in error.error_messages.items()
    )
    sys.exit(f"cvm-align: invalid configuration (DEBUG is off): {problems}")

EMAIL_CONFIG = dj_email_url.parse(EMAIL_URL)
EMAIL_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_HOST = EMAIL_CONFIG["EMAIL_HOST"] or "localhost"
EMAIL_PORT = EMAIL_CONFIG["EMAIL_PORT"] or 25
EMAIL_HOST_USER = EMAIL_CONFIG["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = EMAIL_CONFIG["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = EMAIL_CONFIG["EMAIL_USE_TLS"]
EMAIL_USE_SSL = EMAIL_CONFIG["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = EMAIL_CONFIG["EMAIL_TIMEOUT"] or 10
if EMAIL_CONFIG["EMAIL_FILE_PATH"]:
    EMAIL_FILE_PATH = EMAIL_CONFIG["EMAIL_FILE_PATH"]
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Application definition

INSTALLED_APPS = [
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    # Third party
    "channels",
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    # Ours
    "flavors",
    "handshakes",
    "alignment",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Sees every response last but static files: pages for a session are private.
    "alignment.middleware.private_responses",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cvm_align.urls"
WSGI_APPLICATION = "cvm_align.wsgi.application"
# HTTP and the live pages' WebSocket connections (Django Channels).
ASGI_APPLICATION = "cvm_align.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # Last: while a page is rendered for the page cache, it replaces
                # the CSRF token with a slot mark.
                "alignment.context_processors.page_slots",
            ],
        },
    },
]

AUTH_USER_MODEL = "alignment.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out login never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "alignment:home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: after 5 failures from the same address and username the
# account is locked for 15 minutes; the login page says so in plain words.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
# The sign-in form posts the email as "username" (Django's AuthenticationForm).
AXES_USERNAME_FORM_FIELD = "username"
# Failures count against the normalised address that sign-in matches, so another
# spelling of a locked address (case, full-width letters) is the same lock.
AXES_USERNAME_CALLABLE = "alignment.models.accounts.axes_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Internationalisation

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("it", _("Italian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

# Static and media files

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Cache: local memory on the embedded default, Redis in production. Sessions,
# presence ("who is here"), each workshop's live-sync state and the rendered
# pages (alignment.realtime.pagecache) live here; everything in it can be rebuilt.

if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis rather than Django's own backend, which builds a new
            # client on every call: 0.05 ms against 0.13 ms per cache call on the
            # 2-core machine `make bench` runs on.
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cvm",
            "OPTIONS": {
                # Under ASGI many threads use the cache at once: past the limit a
                # call waits for a connection (up to 5 s) instead of failing.
                "CONNECTION_POOL_CLASS": "redis.BlockingConnectionPool",
                "CONNECTION_POOL_KWARGS": {"max_connections": 200, "timeout": 5},
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            # Room for the pages of a few workshops (Django's default keeps 300 entries).
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Live push (alignment.realtime.push): changes reach every open page of a
# workshop through a channel layer. In one process it is in memory; with Redis,
# its pub/sub connects every web process (and the Celery worker, which publishes
# when a report is rendered), on every machine.

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": CHANNEL_PREFIX},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Celery: eager (in-process) unless a broker is configured.

CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_RESULT_BACKEND = CELERY_RESULT_BACKEND or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else None
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}

# Security. In production every `check --deploy` setting is on.

# Sessions are read from the cache, so the live-sync poll costs no session query.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy: only our own origin, and no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint and fontTools narrate every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # pyHanko logs every signature that fails a check with its traceback; on
        # the verify page a broken or foreign signature is an answer, not a fault.
        "pyhanko": {"level": "ERROR"},
        "pyhanko_certvalidator": {"level": "ERROR"},
    },
}

# Forms render through our templates, so every field shows its label, help and
# errors in the same place on every page.
FORM_RENDERER = "cvm_align.forms.FormRenderer"
