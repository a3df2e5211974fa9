"""The bare floor: `DJANGO_SETTINGS_MODULE=bench.settings_floor`, served by its own gunicorn.

The production settings (the same database, cache, DEBUG off, the same gunicorn.conf.py),
but only the two middlewares a bare Django deployment keeps, and a URLconf that holds the
floor view alone: what `GET /v1/users/me` costs Django itself, with none of our layers.
"""

from __future__ import annotations

from bench.settings import *  # noqa: F403

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "bench.urls_floor"
