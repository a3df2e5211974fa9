"""The naive build: `DJANGO_SETTINGS_MODULE=bench.naive.settings`, its own gunicorn.

What a team would ship first for `GET /v1/users/me`: Django's default middleware
(`startproject`'s list), stock DRF with SimpleJWT's `JWTAuthentication` and DRF's
`UserRateThrottle` on the same Redis cache, and a plain `ModelSerializer` on an `APIView`.
The same database, cache and gunicorn.conf.py as the application: a second reference
beside the bare floor. The throttle's rate is high enough never to refuse in a run.
"""

from __future__ import annotations

from bench.config import NAIVE_THROTTLE_RATE
from bench.settings import *  # noqa: F403

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "bench.naive.urls"

# DRF's defaults, but for the three choices the issue names.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework_simplejwt.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": NAIVE_THROTTLE_RATE},
}
