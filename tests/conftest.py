"""Fixtures shared by the whole suite: personas and authenticated API clients."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import make_user


@pytest.fixture(scope="session", autouse=True)
def _shifted_clock():
    """With CLOUDBOOKS_TEST_CLOCK_SHIFT_DAYS=N, Python's clock runs N days off for the whole run.

    CI's guard against tests that only pass on the day they were written (tests/clock.py):
    Redis and PostgreSQL keep the real date, so a test that pins a calendar date, or code that
    lets them judge a timestamp computed in Python, fails when the two disagree.
    """
    days = int(os.environ.get("CLOUDBOOKS_TEST_CLOCK_SHIFT_DAYS") or 0)
    if not days:
        yield
        return
    with time_machine.travel(timedelta(days=days), tick=True):
        yield


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    # The slow hasher protects real passwords; tests need only a real one that is quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # No collectstatic in tests: serve static files from the finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Every test starts with empty counters, revocation caches and sessions.
    cache.clear()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db):
    return make_user(email="owner@example.com", name="Olive Owner")


@pytest.fixture
def unreachable_cache(settings):
    """Point the default cache at a Redis that is not there (a closed local port)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
