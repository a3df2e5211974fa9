"""CloudBooks settings.

Every value that differs between a laptop and production is read from the environment here,
and only here (README), through helpers that fail loudly on a value they cannot read.
Unset, the project runs on SQLite and a local-memory cache with no set-up at all.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or (minimum is not None and value < minimum):
        at_least = "" if minimum is None else f" of at least {minimum}"
        raise ImproperlyConfigured(f"{name} must be a whole number{at_least}, got {raw!r}")
    return value


# django-ratelimit's own rate syntax (django_ratelimit.core.rate_re), matched in full: it reads
# only a prefix, so "10/M" or "10/15min" would quietly become another rate, and a string it
# cannot read at all fails at the first login (a 503 on every one), not here.
_RATE = re.compile(r"(\d+)/(\d*)([smhd])?")


def env_rate(name: str, default: str) -> str:
    """A django-ratelimit rate: a count, "/", an optional multiplier and a unit ("10/15m")."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    rate = raw.strip()
    match = _RATE.fullmatch(rate)
    # A count of 0 would refuse every attempt; a multiplier of 0 is a window of no time.
    if match is None or int(match[1]) < 1 or (match[2] and int(match[2]) < 1):
        raise ImproperlyConfigured(
            f"{name} must be a rate: a count of at least 1, '/', an optional multiplier and "
            f"a unit s, m, h or d (seconds when left out), e.g. 60/m, 10/15m or 5/h; got {raw!r}"
        )
    return rate


def env_choice(name: str, default: str, choices: list[str]) -> str:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    if raw not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {raw!r}")
    return raw


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(set DJANGO_DEBUG=1 for local development)."
        )
    # Development only: a fixed, obviously-insecure key so sessions survive a restart.
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)

# How many reverse proxies in front of us append to X-Forwarded-For. 0: trust REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

INSTALLED_APPS = [
    # The admin, on our own site: the dashboard's sign-in limits and a second factor for staff.
    "accounts.admin_config.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "cloudbooks",
    "accounts",
    "orgs",
    "projects",
]

MIDDLEWARE = [
    "cloudbooks.api.middleware.RequestIdMiddleware",
    "cloudbooks.api.middleware.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cloudbooks.api.middleware.BodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed a second factor (the admin's OTP)?
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# --- The SDK test server ----------------------------------------------------------------------

# `python3 dev.py sdk-server` turns this on for the throwaway server the SDKs' tests run
# against: requests may then inject errors with the `CloudBooks-Test-Fault` header
# (cloudbooks/api/testcontrols.py). Never in production: refused unless every allowed host is
# a loopback name, and a system check warns whenever it is on (cloudbooks.W002).
SDK_TEST_SERVER = env_bool("CLOUDBOOKS_SDK_TEST_SERVER", False)
if SDK_TEST_SERVER:
    _public_hosts = set(ALLOWED_HOSTS) - {"127.0.0.1", "localhost", "[::1]", "::1"}
    if _public_hosts or not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "CLOUDBOOKS_SDK_TEST_SERVER lets any client inject errors; it is for "
            "`python3 dev.py sdk-server` on the loopback only, but DJANGO_ALLOWED_HOSTS allows "
            f"{sorted(_public_hosts) or 'no host'}."
        )
    # Right after the request id and the access log: a fault is answered before anything else.
    MIDDLEWARE.insert(2, "cloudbooks.api.testcontrols.FaultMiddleware")

ROOT_URLCONF = "cloudbooks.urls"
WSGI_APPLICATION = "cloudbooks.wsgi.application"
ASGI_APPLICATION = "cloudbooks.asgi.application"

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

# --- Storage -------------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Persistent connections, checked before reuse so a restarted PostgreSQL heals itself.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
if SDK_TEST_SERVER and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The SDK test server serves SQLite from several threads: writers queue for the lock
    # (BEGIN IMMEDIATE, up to 20 s) instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis backend with one client per pool, not per call (cloudbooks/cache.py).
            "BACKEND": "cloudbooks.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cb",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "cloudbooks",
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login"
LOGIN_REDIRECT_URL = "/dashboard"

# Staff reach the admin only after a second factor (TOTP), enrolled at their first sign-in.
# On wherever DEBUG is off; a laptop may switch it on too (ADMIN_REQUIRE_2FA=1).
ADMIN_REQUIRE_2FA = env_bool("ADMIN_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "CloudBooks"
# TOTP secrets are never shown in the admin's device pages: a superuser resets a lost device
# by deleting it, and its owner enrols again at the next sign-in.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Internationalisation ------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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
# Tests and `runserver` serve files straight from the finders; no collectstatic needed there.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Request bodies ------------------------------------------------------------------------

# The largest body any request may carry, API or page; larger ones get 413 before anything
# parses them, and a body of unknown length (chunked) gets 411 (BodyLimitMiddleware).
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 1024 * 1024, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES

# --- Security ------------------------------------------------------------------------------

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
# Preloading binds the whole domain and every subdomain to HTTPS in browsers for months, with
# no quick way back: the operator opts in (DJANGO_SECURE_HSTS_PRELOAD=1), so the deploy check
# that merely reminds of it (security.W021) is silenced rather than the choice made for them.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts only from our own origin, never inline, so an
# injected <script> or on*= attribute does not run. Styles allow 'unsafe-inline' because the
# admin and Swagger UI (/docs) write style attributes and <style> blocks; our own pages use
# only the stylesheet. Swagger UI draws its icons from data: URIs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SAMESITE = "Lax"
# Sessions in the cache with the database behind it: shared by every process (docs/architecture.md).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- The API -------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.api.authentication.BearerAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "cloudbooks.api.permissions.KeyScopePermission",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "cloudbooks.api.parsers.JSONParser",
        "cloudbooks.api.parsers.FormParser",
        "cloudbooks.api.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "cloudbooks.api.negotiation.JSONOnlyNegotiation",
    "DEFAULT_THROTTLE_CLASSES": ["cloudbooks.api.throttling.PlanRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "cloudbooks.api.pagination.CursorPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "cloudbooks.api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "cloudbooks.api.schema.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%S.%fZ",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 15, minimum=1)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 7, minimum=1)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": SECRET_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}

# The official SDKs, listed on /docs (the schema's description) and in the README; one row per
# folder in sdk/ (tests/api/test_schema.py fails on a folder missing here).
OFFICIAL_SDKS = [
    ("Python", "pip install cloudbooks-sdk", "sdk/python"),
    ("TypeScript and JavaScript", "npm install @cloudbooks/sdk", "sdk/typescript"),
    ("Ruby", "gem install cloudbooks", "sdk/ruby"),
    ("PHP", "composer require cloudbooks/sdk", "sdk/php"),
    ("Go", "go get github.com/cloudbooks/go-sdk", "sdk/go"),
    ("Java", "com.cloudbooks:cloudbooks-sdk (Maven, Gradle)", "sdk/java"),
]

SPECTACULAR_SETTINGS = {
    "TITLE": "CloudBooks API",
    "DESCRIPTION": """
The CloudBooks REST API.

**Credentials.** Send `Authorization: Bearer <token>`, where the token is an access token
from `POST /v1/auth/login` (15 minutes; renew it with `POST /v1/auth/refresh`) or an API key
`sk_live_…` from the dashboard. A `read_only` key gets 403 on every unsafe method.

**Errors.** Every error has the body
`{"error": {"code", "message", "details", "request_id"}}`; for validation errors
`details.field` and `details.issue` name the first invalid field and `details.errors` lists
them all. Every response carries `X-Request-Id`.

**Rate limits.** Each user's plan allows a number of requests per clock hour, shared by all
of the user's tokens and keys. Responses of metered plans carry `X-RateLimit-Limit`,
`X-RateLimit-Remaining`, `X-RateLimit-Reset` (Unix seconds) and the IETF `RateLimit-Policy`
and `RateLimit` fields; over the limit the answer is 429 `rate_limit_exceeded` with
`Retry-After`. Login is limited per client IP and per email.

**Lists** are cursor-paginated, newest first: `?limit=` (1–100, default 20) and the `next` and
`previous` URLs of the response.

**Idempotent writes.** Every `POST` takes an optional `Idempotency-Key` (1–255 printable
ASCII characters): a repeat with the same key and body answers the first answer again, with
`Idempotent-Replayed: true`, and writes nothing twice.

**Official SDKs**, each in the repository's `sdk/<language>/`, tested against a live server:

"""
    + "\n".join(
        f"- **{name}**: `{install}` (`{folder}/`)" for name, install, folder in OFFICIAL_SDKS
    )
    + "\n",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and /docs are public: no credentials read, no budget spent.
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": r"/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cloudbooks.api.schema.strip_trailing_slashes",
        "cloudbooks.api.schema.document_idempotency",
        # Last: it gives every response its headers and examples, those added by hooks above too.
        "cloudbooks.api.schema.finalize_schema",
    ],
    "SERVERS": [
        {"url": "https://api.cloudbooks.com", "description": "Production"},
        {"url": "http://127.0.0.1:8000", "description": "A local server (`python3 dev.py`)"},
    ],
    "TAGS": [
        {"name": "auth", "description": "Log in, renew and revoke access tokens."},
        {
            "name": "users",
            "description": "Your account, and the users you share an organization with.",
        },
        {"name": "organizations", "description": "Organizations and their members."},
        {"name": "projects", "description": "The projects of your organizations."},
    ],
}

# --- Logging -------------------------------------------------------------------------------

_LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "WARN", "ERROR", "CRITICAL", "FATAL", "NOTSET"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cloudbooks.api.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "cloudbooks.api.jsonlog.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        },
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        },
    },
    "loggers": {
        # One JSON line per request (cloudbooks.api.middleware.AccessLogMiddleware).
        "cloudbooks.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
    },
    # logging's own level names, as it spells them (it refuses "info" too).
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", "INFO", _LOG_LEVELS)},
}

# --- Brute-force limits (django-ratelimit) ---------------------------------------------------

LOGIN_RATE_PER_IP = env_rate("LOGIN_RATE_PER_IP", "60/m")
# Wrong passwords for one account from one client network; trips first (README "Security").
LOGIN_FAILURES_PER_ACCOUNT_IP = env_rate("LOGIN_FAILURES_PER_ACCOUNT_IP", "10/15m")
# Wrong passwords for one account from anywhere: the hourly cap on guesses at it.
LOGIN_FAILURES_PER_EMAIL = env_rate("LOGIN_FAILURES_PER_EMAIL", "50/h")
# A network an account signed in from stays exempt from the account-wide limit this long.
LOGIN_KNOWN_NETWORK_DAYS = env_int("LOGIN_KNOWN_NETWORK_DAYS", 30, minimum=1)
SIGNUP_RATE_PER_IP = env_rate("SIGNUP_RATE_PER_IP", "10/h")
SIGNUP_RATE_PER_EMAIL = env_rate("SIGNUP_RATE_PER_EMAIL", "5/h")
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = False
