"""Issue 21 on the account pages: refused requests apart from usage, the day a key ends,
"just now", and sign-up errors in one round."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from accounts.models import ApiKey, Plan
from cloudbooks.api.throttling import refused_key, window_start
from tests.clock import minutes_into_this_hour
from tests.factories import client_for, html, make_api_key, make_user, signed_in

pytestmark = pytest.mark.django_db

ME = "/v1/users/me"


@pytest.fixture
def tiny_plan(db) -> Plan:
    """A plan of 5 requests an hour, the clock stopped 10 minutes into the current hour (the
    hour cannot roll over between the requests and the page)."""
    with time_machine.travel(minutes_into_this_hour(10), tick=False):
        yield Plan.objects.create(slug="tiny", name="Tiny", requests_per_hour=5)


def test_requests_over_the_limit_are_shown_as_refused_not_as_usage(tiny_plan):
    tina = make_user(email="tina@example.com", plan=tiny_plan)
    api = client_for(tina)
    statuses = [api.get(ME).status_code for _ in range(8)]
    assert statuses == [200] * 5 + [429] * 3

    page = html(signed_in(tina).get("/dashboard"))

    assert '<strong data-testid="used">5</strong> of 5 requests this hour' in page
    assert '<strong data-testid="refused">3</strong> refused' in page
    resets = datetime.fromtimestamp(window_start() + 3600, tz=UTC)
    assert f"requests are refused until {resets:%H:%M} UTC" in page
    assert 'value="5"' in page  # the meter: never past its maximum


def test_only_refused_requests_touch_the_refused_counter(tiny_plan):
    tina = make_user(email="tina@example.com", plan=tiny_plan)
    api = client_for(tina)
    for _ in range(5):
        assert api.get(ME).status_code == 200
    assert cache.get(refused_key(tina.pk, window_start())) is None
    assert api.get(ME).status_code == 429
    assert cache.get(refused_key(tina.pk, window_start())) == 1


def test_under_the_limit_no_banner_says_requests_are_refused(tiny_plan):
    tina = make_user(email="tina@example.com", plan=tiny_plan)
    client_for(tina).get(ME)
    page = html(signed_in(tina).get("/dashboard"))
    assert "refused until" not in page
    assert 'data-testid="refused"' not in page


def test_a_key_created_to_expire_on_a_day_is_listed_with_that_day():
    kim = make_user(email="kim@example.com")
    browser = signed_in(kim)
    picked = datetime.now(UTC).date() + timedelta(days=40)
    response = browser.post(
        "/dashboard/api-keys",
        {"name": "deploy", "scope": "read_write", "expires_on": picked.isoformat()},
    )
    assert response.status_code == 302
    page = html(browser.get("/dashboard/api-keys"))
    assert f">{picked:%b} {picked.day}, {picked.year}</time>" in page
    day_after = picked + timedelta(days=1)
    assert f"{day_after:%b} {day_after.day}, {day_after.year}" not in page


def test_a_key_used_seconds_ago_was_used_just_now_and_a_revoked_key_shows_when():
    kim = make_user(email="kim@example.com")
    used, _ = make_api_key(kim, name="busy")
    ApiKey.objects.filter(pk=used.pk).update(last_used_at=timezone.now())
    revoked, _ = make_api_key(kim, name="old")
    when = timezone.now() - timedelta(days=3)
    ApiKey.objects.filter(pk=revoked.pk).update(revoked_at=when)
    page = html(signed_in(kim).get("/dashboard/api-keys"))
    assert ">just now</time>" in page
    assert "0\xa0minutes" not in page and "0 minutes" not in page
    assert f">{when:%b} {when.day}, {when.year}</time>" in page


def test_sign_up_shows_the_email_and_the_password_errors_at_once():
    response = Client().post("/signup", {"name": "", "email": "not an email", "password": "123"})
    assert response.status_code == 200
    assert "valid email" in html(response)
    assert "too short" in html(response)
