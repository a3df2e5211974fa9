"""A login counted as its limit's window ends is counted, not refused as a cache failure."""

from __future__ import annotations

import time

import pytest
from django_ratelimit import core

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/v1/auth/login"


@pytest.fixture
def window_ending_during_the_request(monkeypatch):
    """django-ratelimit then answers time_left == -1 with a real count, as found under load:
    the window's last second ticked over between choosing the window and counting in it."""
    monkeypatch.setattr(core, "_get_window", lambda value, period: int(time.time()) - 1)


def test_a_login_at_the_end_of_its_window_succeeds(api, user, window_ending_during_the_request):
    response = api.post(LOGIN, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200


def test_a_wrong_password_at_the_end_of_its_window_is_a_401_not_a_503(
    api, user, window_ending_during_the_request
):
    response = api.post(LOGIN, {"email": user.email, "password": "wrong"}, format="json")
    assert response.status_code == 401


def test_a_cache_that_cannot_count_still_refuses_logins(api, user, unreachable_cache):
    response = api.post(LOGIN, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 503
