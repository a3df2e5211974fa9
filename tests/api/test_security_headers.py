"""Security headers and HTTPS (README) on real responses: API, pages and errors alike."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from tests.factories import client_for, make_api_key

pytestmark = pytest.mark.django_db

ME = "/v1/users/me"
ONE_YEAR = 31536000


@pytest.fixture
def production_https(settings):
    """What a production deployment runs with: HTTPS only, HSTS for a year, subdomains too."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = ONE_YEAR
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = False
    return settings


def assert_hardening_headers(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_an_authenticated_api_response_sends_the_hardening_headers(user):
    response = client_for(user).get(ME)
    assert response.status_code == 200
    assert_hardening_headers(response)


def test_an_api_key_response_sends_them_too(user):
    _, raw = make_api_key(user)
    response = client_for(user, token=raw).get(ME)
    assert response.status_code == 200
    assert_hardening_headers(response)


@pytest.mark.parametrize(
    ("path", "status"),
    [(ME, 401), ("/v1/no-such-endpoint", 404), ("/healthz", 200), ("/", 200), ("/docs", 200)],
)
def test_errors_pages_and_health_send_the_hardening_headers(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert_hardening_headers(response)


def test_hsts_is_sent_over_https_with_the_configured_age(production_https, user):
    response = client_for(user).get(ME, secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == f"max-age={ONE_YEAR}; includeSubDomains"
    assert_hardening_headers(response)


@pytest.mark.parametrize(
    ("seconds", "subdomains", "preload", "expected"),
    [
        (600, False, False, "max-age=600"),
        (63072000, True, True, "max-age=63072000; includeSubDomains; preload"),
    ],
)
def test_hsts_age_subdomains_and_preload_are_configurable(
    production_https, client, seconds, subdomains, preload, expected
):
    production_https.SECURE_HSTS_SECONDS = seconds
    production_https.SECURE_HSTS_INCLUDE_SUBDOMAINS = subdomains
    production_https.SECURE_HSTS_PRELOAD = preload
    assert client.get("/healthz", secure=True)["Strict-Transport-Security"] == expected


def test_hsts_can_be_turned_off(production_https, client):
    production_https.SECURE_HSTS_SECONDS = 0
    response = client.get("/healthz", secure=True)
    assert "Strict-Transport-Security" not in response
    assert_hardening_headers(response)


def test_hsts_is_never_sent_over_plain_http(settings, client):
    # Browsers ignore it there (RFC 6797 §7.2); a proxy could have stripped HTTPS anyway.
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = ONE_YEAR
    assert "Strict-Transport-Security" not in client.get("/healthz")


def test_plain_http_is_redirected_to_https_but_healthz_is_not(production_https, client):
    response = client.get(ME)
    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{ME}"
    # The load balancer's health probe speaks plain HTTP to the process.
    assert client.get("/healthz").status_code == 200


def test_https_seen_by_a_trusted_proxy_counts_as_https(production_https, client):
    production_https.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == f"max-age={ONE_YEAR}; includeSubDomains"


def test_deploy_checks_pass_with_production_settings(production_https):
    production_https.DEBUG = False
    production_https.SECRET_KEY = secrets.token_urlsafe(50)
    production_https.ALLOWED_HOSTS = ["api.cloudbooks.example"]
    production_https.CACHES = {
        **production_https.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        },
    }
    # Raises SystemCheckError on any warning, as `.ci/run` does with --fail-level WARNING.
    call_command("check", deploy=True, fail_level="WARNING", verbosity=0)


def test_the_hsts_age_is_read_from_the_environment():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECURE_HSTS_SECONDS": "86400",
        "DJANGO_SETTINGS_MODULE": "cloudbooks.settings",
    }
    printed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from cloudbooks import settings; print(settings.SECURE_HSTS_SECONDS)",
        ],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert printed.stdout.strip() == "86400"
