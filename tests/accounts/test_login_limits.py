"""Brute-force limits on login (docs/api.md): per client IP and per email, failing closed."""

from __future__ import annotations

import pytest
import time_machine

from accounts.models import TokenFamily
from tests.api.envelope import assert_envelope, assert_unauthorized
from tests.clock import minutes_into_this_hour
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/v1/auth/login"
WRONG = "wrong password"


@pytest.fixture(autouse=True)
def frozen_clock():
    """All attempts of a test fall in one rate-limit window, wherever the wall clock is."""
    with time_machine.travel(minutes_into_this_hour(10), tick=False) as clock:
        yield clock


def attempt(api, email: str, password: str, **extra):
    return api.post(LOGIN, {"email": email, "password": password}, format="json", **extra)


def assert_limited(response) -> None:
    """Our 429 envelope with Retry-After: never django-ratelimit's bare 403."""
    error = assert_envelope(response, 429, "rate_limit_exceeded")
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 60
    assert error["details"]["retry_after"] == retry_after


# --- Per email: failed attempts ---------------------------------------------------------------


def test_failures_per_email_are_limited_even_for_the_right_password(api, user, settings):
    settings.LOGIN_FAILURES_PER_EMAIL = "3/m"
    for _ in range(3):
        assert_unauthorized(attempt(api, user.email, WRONG))
    assert_limited(attempt(api, user.email, PASSWORD))
    assert not TokenFamily.objects.exists()


def test_the_email_limit_ignores_the_case_of_the_address(api, user, settings):
    settings.LOGIN_FAILURES_PER_EMAIL = "3/m"
    for email in ["owner@example.com", "OWNER@example.com", "Owner@Example.com"]:
        assert_unauthorized(attempt(api, email, WRONG))
    assert_limited(attempt(api, "oWnEr@example.com", PASSWORD))


def test_the_email_limit_counts_across_client_addresses(api, user, settings):
    settings.LOGIN_FAILURES_PER_EMAIL = "2/m"
    assert_unauthorized(attempt(api, user.email, WRONG, REMOTE_ADDR="198.51.100.1"))
    assert_unauthorized(attempt(api, user.email, WRONG, REMOTE_ADDR="198.51.100.2"))
    assert_limited(attempt(api, user.email, PASSWORD, REMOTE_ADDR="198.51.100.3"))


def test_the_email_limit_of_one_user_does_not_lock_out_another(api, user, outsider, settings):
    settings.LOGIN_FAILURES_PER_EMAIL = "2/m"
    for _ in range(2):
        attempt(api, user.email, WRONG)
    assert_limited(attempt(api, user.email, PASSWORD))
    assert attempt(api, outsider.email, PASSWORD).status_code == 200


def test_unknown_emails_are_limited_like_known_ones(api, settings):
    settings.LOGIN_FAILURES_PER_EMAIL = "2/m"
    for _ in range(2):
        assert_unauthorized(attempt(api, "nobody@example.com", WRONG))
    assert_limited(attempt(api, "nobody@example.com", WRONG))


def test_successful_logins_do_not_use_up_the_email_limit(api, user, settings):
    settings.LOGIN_FAILURES_PER_EMAIL = "2/m"
    for _ in range(5):
        assert attempt(api, user.email, PASSWORD).status_code == 200


def test_the_email_limit_lifts_after_retry_after(api, user, settings, frozen_clock):
    settings.LOGIN_FAILURES_PER_EMAIL = "2/m"
    for _ in range(2):
        attempt(api, user.email, WRONG)
    limited = attempt(api, user.email, PASSWORD)
    assert_limited(limited)
    frozen_clock.shift(int(limited["Retry-After"]))
    assert attempt(api, user.email, PASSWORD).status_code == 200


# --- Per client IP: every attempt -------------------------------------------------------------


def test_attempts_per_ip_are_limited_whatever_their_outcome(api, user, outsider, settings):
    settings.LOGIN_RATE_PER_IP = "3/m"
    assert attempt(api, user.email, PASSWORD).status_code == 200
    assert_unauthorized(attempt(api, outsider.email, WRONG))
    assert_envelope(attempt(api, "not-an-email", "x"), 400, "invalid_request")
    assert_limited(attempt(api, outsider.email, PASSWORD))
    # Another client is not affected.
    assert attempt(api, outsider.email, PASSWORD, REMOTE_ADDR="203.0.113.50").status_code == 200


def test_the_ip_limit_is_checked_before_the_body_is_read(api, settings):
    settings.LOGIN_RATE_PER_IP = "1/m"
    api.post(LOGIN, "{}", content_type="application/json")
    assert_limited(api.post(LOGIN, "{not json", content_type="application/json"))


# --- Which address is the client's -----------------------------------------------------------


def test_without_trusted_proxies_x_forwarded_for_is_ignored(api, user, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.LOGIN_RATE_PER_IP = "2/m"
    for forwarded in ["198.51.100.1", "198.51.100.2"]:
        attempt(api, user.email, WRONG, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    # A new X-Forwarded-For does not make a new client: REMOTE_ADDR is the client.
    assert_limited(
        attempt(
            api, user.email, PASSWORD, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.3"
        )
    )


def test_with_one_trusted_proxy_the_rightmost_forwarded_address_is_the_client(api, user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_RATE_PER_IP = "2/m"
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    # The client forges whatever it likes on the left; the proxy appends what it saw.
    for forged in ["1.1.1.1", "2.2.2.2"]:
        attempt(api, user.email, WRONG, HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.7", **proxy)
    assert_limited(
        attempt(api, user.email, PASSWORD, HTTP_X_FORWARDED_FOR="3.3.3.3, 203.0.113.7", **proxy)
    )
    # Another client behind the same proxy is not affected.
    other = attempt(api, user.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy)
    assert other.status_code == 200


def test_with_two_trusted_proxies_the_second_address_from_the_right_is_the_client(
    api, user, settings
):
    settings.TRUSTED_PROXY_COUNT = 2
    settings.LOGIN_RATE_PER_IP = "2/m"
    inner_proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for forged in ["1.1.1.1", "2.2.2.2"]:
        attempt(
            api,
            user.email,
            WRONG,
            HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.7, 10.0.0.1",
            **inner_proxy,
        )
    assert_limited(
        attempt(
            api, user.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1", **inner_proxy
        )
    )
    other = attempt(
        api, user.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8, 10.0.0.1", **inner_proxy
    )
    assert other.status_code == 200


# --- Failing closed ---------------------------------------------------------------------------


def test_login_is_refused_with_503_when_the_limits_cannot_be_counted(api, user, unreachable_cache):
    response = attempt(api, user.email, PASSWORD)
    assert_envelope(response, 503, "service_unavailable")
    assert "token" not in response.content.decode()
    assert not TokenFamily.objects.exists()
