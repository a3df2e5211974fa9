"""The 429 message is ours, whole sentences, and names the same wait as `Retry-After`."""

from __future__ import annotations

import time

import pytest
import time_machine
from rest_framework import exceptions

from accounts.models import Plan
from cloudbooks.api.exceptions import exception_handler
from cloudbooks.api.throttling import WINDOW_SECONDS, window_start
from tests.api.envelope import assert_envelope
from tests.factories import client_for, make_user

ME = "/v1/users/me"


@pytest.fixture
def ten_minutes_into_this_hour():
    """A moment derived from now: 10 minutes into the current clock hour, 50 minutes left."""
    moment = window_start(time.time()) + 600
    with time_machine.travel(moment, tick=False):
        yield WINDOW_SECONDS - 600


@pytest.mark.django_db
def test_metered_user_over_the_plan_limit_reads_two_sentences(ten_minutes_into_this_hour):
    tiny = Plan.objects.create(slug="tiny", name="Tiny", requests_per_hour=5)
    api = client_for(make_user(email="metered@example.com", plan=tiny))
    for _ in range(5):
        assert api.get(ME).status_code == 200

    response = api.get(ME)

    error = assert_envelope(response, 429, "rate_limit_exceeded")
    wait = ten_minutes_into_this_hour
    assert error["message"] == (
        f"Rate limit of 5 requests per hour for the Tiny plan exceeded. "
        f"Try again in {wait} seconds."
    )
    assert "Expected available" not in error["message"]
    assert response["Retry-After"] == str(wait)
    reset = window_start() + WINDOW_SECONDS
    assert error["details"] == {"plan": "tiny", "limit": 5, "reset": reset}


@pytest.mark.django_db
def test_stranger_hammering_login_gets_our_wording_not_drfs(api, settings):
    settings.LOGIN_RATE_PER_IP = "2/m"
    body = {"email": "nobody@example.com", "password": "wrong"}
    for _ in range(2):
        assert api.post("/v1/auth/login", body, format="json").status_code == 401

    response = api.post("/v1/auth/login", body, format="json")

    error = assert_envelope(response, 429, "rate_limit_exceeded")
    wait = int(response["Retry-After"])
    assert error["message"].endswith(f"Try again in {wait} second{'' if wait == 1 else 's'}.")
    assert "Expected available" not in error["message"]


def test_drfs_own_throttled_is_answered_in_our_words():
    # DRF raises a bare Throttled from `APIView.throttled`; the envelope still speaks for us.
    response = exception_handler(exceptions.Throttled(wait=2.2), {"view": None})
    assert response.status_code == 429
    assert response.data["error"]["message"] == "Too many requests. Try again in 3 seconds."
    assert response["Retry-After"] == "3"
