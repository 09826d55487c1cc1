"""Settings for conflictdb, read from the environment.

Every value an operator may need to change comes from an environment variable
(or from `.env` at the repository root, which `scripts/setup` writes for a
local install). Defaults are safe for local use; `CONFLICTDB_ENV=production`
turns on the checks that `manage.py check --deploy` expects and refuses to
start without a real SECRET_KEY.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

# A local install keeps its DATABASE_URL and SECRET_KEY in .env; real
# environment variables always win over it.
load_dotenv(BASE_DIR / ".env", override=False)


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean, failing loudly on a value that is neither yes nor no."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


PRODUCTION = env_str("CONFLICTDB_ENV", "development") == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET_KEY)
if PRODUCTION and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be set to a random string of 50+ characters in production")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files for /api/docs/, from PyPI: no CDN
    "simple_history",
    "csp",
    "events",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "conflictdb.security_headers.PermissionsPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "conflictdb.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "conflictdb.wsgi.application"

# PostgreSQL only. Persistent connections with a health check at the start of
# each request: a gunicorn worker reuses its connection, and if PostgreSQL
# restarted the dead connection is replaced instead of failing the request.
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/conflictdb"
DATABASE_URL = env_str("DATABASE_URL", DEFAULT_DATABASE_URL)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
# A read replica (streaming replication) for the reader pages and the API,
# only when REPLICA_DATABASE_URL is set; conflictdb/db_router.py decides which
# queries may go there. In tests it mirrors default instead of getting its own
# test database.
REPLICA_DATABASE_URL = env_str("REPLICA_DATABASE_URL", "")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = dj_database_url.parse(
        REPLICA_DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 600),
        conn_health_checks=True,
        test_options={"MIRROR": "default"},
    )
    DATABASE_ROUTERS = ["conflictdb.db_router.ReplicaRouter"]
    MIDDLEWARE.append("conflictdb.db_router.ReplicaRoutingMiddleware")  # after authentication: needs request.user
# A runaway query must not hold a worker for ever; 0 disables the limit.
_statement_timeout_ms = env_int("DB_STATEMENT_TIMEOUT_MS", 30_000)
for _alias, _db in DATABASES.items():
    if _db["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"conflictdb runs on PostgreSQL only; the {_alias} database URL names {_db['ENGINE']}")
    _db.setdefault("OPTIONS", {})
    _db["OPTIONS"].setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5))
    # Django turns psycopg's prepared statements off. Its own cursors bind on
    # the client and never prepare, so this only lets the statement of
    # events/story_insert.py be planned once per connection instead of per story.
    _db["OPTIONS"].setdefault("prepare_threshold", 5)
    if _statement_timeout_ms:
        _db["OPTIONS"]["options"] = f"-c statement_timeout={_statement_timeout_ms}"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's cache holds the API's rate-limit counts (events/api/throttling.py), the
# remembered slow counts (events/counting.py), chart results and choice lists.
# With REDIS_URL every worker shares it, and a Redis that is down or slow is
# skipped (logged) instead of failing the request: the limit then lets everyone
# through. Without REDIS_URL each worker keeps its own, in memory.
REDIS_URL = env_str("REDIS_URL", "")


def redis_caches(location: str, key_prefix: str) -> dict:
    """CACHES for a Redis at `location`: short socket timeouts, errors skipped (and logged)."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": key_prefix,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25},
        }
    }


if REDIS_URL:
    CACHES = redis_caches(REDIS_URL, env_str("CACHE_KEY_PREFIX", "conflictdb"))
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True  # a skipped Redis error is still a warning in the log

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

LOGIN_URL = "admin:login"

# Uploads through the admin ("Upload file"): refuse anything larger.
INGEST_MAX_FILE_BYTES = env_int("INGEST_MAX_FILE_BYTES", 50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)

# Map tiles for the reader's map; empty means points on shipped country outlines.
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")


def _api_rate(raw: str):
    """`API_RATE_LIMIT`: requests per client address, as DRF writes it ("600/min"); "off" for none."""
    if raw.strip().lower() in ("off", "0", "none", ""):
        return None
    if not re.fullmatch(r"[1-9]\d*/(s|sec|second|m|min|minute|h|hour|d|day)", raw.strip()):
        raise ImproperlyConfigured(f"API_RATE_LIMIT={raw!r} is not a rate like 600/min, 20/s, 10000/day or off")
    return raw.strip()


API_RATE_LIMIT = _api_rate(env_str("API_RATE_LIMIT", "600/min"))  # events/api/throttling.py

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # How many proxies in front add an X-Forwarded-For entry. 0: the rate limit counts
    # clients by the address that connects and ignores the header, which anyone can send.
    "NUM_PROXIES": env_int("API_NUM_PROXIES", 0),
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "conflictdb API",
    "DESCRIPTION": "Read-only access to curated, sourced conflict events.",
    "VERSION": "1.0",  # what /api/schema/ serves is events.exporting.SCHEMA_VERSION (events/api/urls.py)
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# Security: strict in production, relaxed enough for http://127.0.0.1 locally.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): pages load scripts, styles and fonts
# from this origin only and run no inline script; images may also be data:
# URIs and the map tiles of MAP_TILE_URL. Nothing may frame the site.
def _tile_source(url: str) -> list[str]:
    """The CSP source for a Leaflet tile URL template ({s}.tile.example.org -> *.tile.example.org)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "subdomain"))
    if not parts.scheme or not parts.netloc:
        return []
    host = parts.netloc.replace("subdomain", "*")
    return [f"{parts.scheme}://{host}"]


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_tile_source(MAP_TILE_URL)],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Permissions-Policy (conflictdb/security_headers.py): no page needs a camera,
# a microphone, the user's position or payments; deny them to everyone.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "fullscreen": ["self"],
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
