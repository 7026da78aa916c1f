"""Settings for the negotiation tracker, read from the environment.

Defaults give a local development setup on an SQLite file in the project;
``TRACKER_ENV=production`` switches on the deployment hardening.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    return env(name, str(default)).lower() in ("1", "true", "yes", "on")


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


PRODUCTION = env("TRACKER_ENV") == "production"

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
    SECRET_KEY = "django-insecure-local-development-only-key-never-use-in-production-0123"
if PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.syndication",
    "django_htmx",
    "template_partials",
    "simple_history",
    "csp",
    "axes",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses pages for clients that accept gzip, with Django's random
    # padding against BREACH-style length attacks (max_random_bytes). After
    # whitenoise, which sends static files already compressed.
    "django.middleware.gzip.GZipMiddleware",
    # ETags and 304s for read pages; outside the session and CSRF middleware
    # so that it sees the cookies they set (see tracker/revalidation.py).
    "tracker.revalidation.RevalidationMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tracker.timezones.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

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
                "tracker.following.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so a
    # read-then-write transaction waits for another writer instead of failing
    # with "database is locked"; WAL lets readers go on during a write.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses a locked-out login before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overview"
LOGOUT_REDIRECT_URL = "overview"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Where the site is reached from outside: digests' links are built on it.
SITE_URL = env("SITE_URL", "http://localhost:8000").rstrip("/")

# Email (digests): printed to the console unless EMAIL_HOST names an SMTP server.
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(env("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "tracker@localhost")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# In production, collectstatic writes each file with its hash in the name and
# a .gz and (with the brotli package) .br copy that whitenoise sends as is.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# History: an index on (history_date, id) keeps "latest first" pages fast.
SIMPLE_HISTORY_DATE_INDEX = "composite"

# Caches: Redis where CACHE_URL or REDIS_URL names one (redis://host:6379/0),
# otherwise files under var/cache (file:///path to move them, locmem:// for
# one process's memory). The rendered tables of the plan pages and the stance
# matrix ("fragments") are keyed on Change.marker(), so any recorded write
# retires them. Files need no server, and every worker of a host shares them:
# a table is rendered once per change, not once per worker, and it lives on
# disk (30-110 KB compressed for a 1.5 MB table), not in each worker's memory.
# Redis bounds its memory itself (maxmemory); files are culled past MAX_ENTRIES.
FRAGMENT_ENTRIES = 200
FRAGMENT_SECONDS = 3600


def cache_from_url(url, name, **params):
    scheme = url.partition(":")[0]
    if scheme in ("redis", "rediss", "unix"):
        backend, location = "django.core.cache.backends.redis.RedisCache", url
        params.pop("OPTIONS", None)  # MAX_ENTRIES is for the embedded caches only
        params["KEY_PREFIX"] = name
    elif scheme == "file":
        backend = "django.core.cache.backends.filebased.FileBasedCache"
        location = str(Path(urlparse(url).path) / name)
    elif scheme == "locmem":
        backend, location = "django.core.cache.backends.locmem.LocMemCache", name
    else:
        raise ImproperlyConfigured(
            f"CACHE_URL {url!r}: use redis://, rediss://, unix://, file:///path or locmem://."
        )
    return {"BACKEND": backend, "LOCATION": location, **params}


CACHE_URL = env("CACHE_URL") or env("REDIS_URL") or f"file://{BASE_DIR / 'var' / 'cache'}"
CACHES = {
    "default": cache_from_url(CACHE_URL, "default"),
    "fragments": cache_from_url(
        CACHE_URL,
        "fragments",
        TIMEOUT=FRAGMENT_SECONDS,
        OPTIONS={"MAX_ENTRIES": FRAGMENT_ENTRIES},
    ),
    # The API's request counts (per token, per address): shared by the workers.
    "throttle": cache_from_url(CACHE_URL, "throttle"),
}

# The JSON API under /api/ (tracker/api/): read-only, cursor-paginated, a
# token (Authorization: Token <key>) or the session, or nothing for what an
# anonymous visitor may read. Throttled per token, and per address otherwise.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tracker.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tracker.api.auth.ReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "tracker.api.pagination.Cursor",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "tracker.api.auth.TokenRateThrottle",
        "tracker.api.auth.AddressRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": env("TRACKER_API_RATE_TOKEN", "5000/hour"),
        "address": env("TRACKER_API_RATE_ADDRESS", "1000/hour"),
    },
    "NUM_PROXIES": int(env("TRACKER_PROXY_COUNT", "0")),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Negotiation tracker API",
    "DESCRIPTION": "Read-only: plans, points, parties, statements and their codings, sources.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the drf-spectacular-sidecar package's static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "kind": each its own enum in the schema.
    "ENUM_NAME_OVERRIDES": {
        "PartyKindEnum": "tracker.models.Party.Kind",
        "SourceKindEnum": "tracker.models.Source.Kind",
        "EventKindEnum": "tracker.models.Event.Kind",
        "PointLinkKindEnum": "tracker.models.PointLink.Kind",
    },
}

# Import: a fixture over either limit is refused before it is parsed whole
# (a gzip file counts by its decompressed size).
TRACKER_IMPORT_MAX_BYTES = int(env("TRACKER_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
TRACKER_IMPORT_MAX_OBJECTS = int(env("TRACKER_IMPORT_MAX_OBJECTS", "100000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# Security -------------------------------------------------------------------

# Headers sent everywhere (they cost nothing in development).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

if PRODUCTION:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips
    # it from clients). TRACKER_SSL_REDIRECT=0 is only for benchmarking on
    # 127.0.0.1 over plain http with no proxy in front.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("TRACKER_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # __Host- cookies are secure, host-only and path=/: a sibling subdomain
    # cannot plant or overwrite them.
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Content-Security-Policy (django-csp 4): no inline script or style anywhere,
# htmx is told not to eval (<meta name="htmx-config"> in base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Login throttling (django-axes): AXES_FAILURE_LIMIT failed sign-ins for one
# username from one address lock that pair out for the cool-off.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(env("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tracker.security.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# The client address is REMOTE_ADDR unless a proxy count is given: otherwise a
# client could pick its own X-Forwarded-For and escape the lockout.
if env("TRACKER_PROXY_COUNT"):
    AXES_IPWARE_PROXY_COUNT = int(env("TRACKER_PROXY_COUNT"))
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
