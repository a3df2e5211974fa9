"""Credentials: API keys, client.login() with transparent renewal, logout, rate-limit state."""

from __future__ import annotations

import platform
from datetime import timedelta

import httpx
import pytest
import time_machine
from cloudbooks_sdk import APIError, AuthenticationError, Client, RateLimit, __version__
from rest_framework_simplejwt.tokens import AccessToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from accounts.models import Plan, RevokedAccessToken
from tests.clock import end_of_hour, minutes_into_this_hour
from tests.factories import PASSWORD, make_user
from tests.sdk.conftest import live

pytestmark = live


@pytest.fixture
def login(base_url, owner):
    clients: list[Client] = []

    def login(**options) -> Client:
        client = Client(base_url=base_url, **options)
        clients.append(client)
        client.login(owner.email, PASSWORD)
        return client

    yield login
    for client in clients:
        client.close()


def raw_me(base_url: str, token: str) -> httpx.Response:
    """GET /users/me with a bare bearer token, outside the SDK."""
    return httpx.get(f"{base_url}/users/me", headers={"Authorization": f"Bearer {token}"})


def test_login_keeps_the_user_and_an_access_token(login, owner):
    client = login()
    assert client.user is not None and client.user.email == owner.email
    assert client.last_response.request_id.startswith("req_")
    assert client.users.me().id == str(owner.pk)
    assert client.access_token and not client.access_token.startswith("sk_live_")


def test_login_with_a_wrong_password_is_an_authentication_error(base_url, owner):
    with Client(base_url=base_url) as client, pytest.raises(AuthenticationError) as caught:
        client.login(owner.email, "not the password")
    assert caught.value.status == 401
    assert caught.value.code == "unauthorized"
    assert caught.value.message == "Invalid email or password"


def test_the_access_token_is_renewed_before_it_expires(login, base_url, owner):
    with time_machine.travel(minutes_into_this_hour(10), tick=False) as clock:
        client = login()
        first = client.access_token
        clock.shift(timedelta(minutes=16))  # past the 15-minute access lifetime
        assert raw_me(base_url, first).status_code == 401  # the server agrees it expired

        assert client.users.me().email == owner.email
        assert client.access_token != first


def test_the_access_token_is_renewed_shortly_before_expiry_not_after(login):
    with time_machine.travel(minutes_into_this_hour(10), tick=False) as clock:
        client = login()
        first = client.access_token
        clock.shift(timedelta(minutes=14))
        client.users.me()
        assert client.access_token == first
        clock.shift(timedelta(seconds=40))  # within the last 30 seconds of its life
        client.users.me()
        assert client.access_token != first


def test_a_401_renews_the_token_once_and_retries(login, base_url, owner):
    client = login()
    revoked = client.access_token
    # Refuse that access token alone, behind the client's back: its row in the revocation
    # table, which the server reads with the user (a logout would end the refresh token too).
    access = AccessToken(revoked)
    RevokedAccessToken.objects.create(
        jti=access["jti"], user=owner, expires_at=datetime_from_epoch(access["exp"])
    )
    assert raw_me(base_url, revoked).status_code == 401

    assert client.users.me().email == owner.email
    assert client.access_token != revoked


def test_a_401_that_renewal_cannot_cure_is_raised(login, base_url):
    client = login()
    rotated = client._session.refresh
    client.refresh()
    # Reusing a rotated refresh token revokes the whole chain, the client's current refresh
    # token and its access token too: renewing cannot help.
    assert httpx.post(f"{base_url}/auth/refresh", json={"refresh": rotated}).status_code == 401
    assert raw_me(base_url, client.access_token).status_code == 401

    with pytest.raises(AuthenticationError) as caught:
        client.users.me()
    assert caught.value.status == 401


def test_logout_revokes_the_access_and_the_refresh_token(login, base_url):
    client = login()
    access, refresh = client.access_token, client._session.refresh
    client.logout()
    assert client.access_token is None
    assert raw_me(base_url, access).status_code == 401
    response = httpx.post(f"{base_url}/auth/refresh", json={"refresh": refresh})
    assert response.status_code == 401


def test_logout_of_an_api_key_client_says_it_needs_a_login(connect, owner):
    with pytest.raises(APIError, match="API key"):
        connect(owner).logout()


def test_requests_name_the_sdk_in_the_user_agent(connect):
    user_agent = connect()._http.headers["User-Agent"]
    assert user_agent == f"cloudbooks-sdk/{__version__} python/{platform.python_version()}"


def test_the_default_base_url_is_production(monkeypatch):
    monkeypatch.delenv("CLOUDBOOKS_BASE_URL", raising=False)
    with Client(api_key="sk_live_x") as client:
        assert client.base_url == "https://api.cloudbooks.com/v1"


def test_rate_limit_reflects_the_last_response(connect, owner):
    client = connect(owner)
    assert client.rate_limit is None  # nothing asked yet
    now = minutes_into_this_hour(10)
    with time_machine.travel(now, tick=False):
        client.users.me()
        first = client.rate_limit
        client.users.me()
    window_end = end_of_hour(now)
    assert first == RateLimit(limit=1000, remaining=999, reset=window_end)
    assert client.rate_limit == RateLimit(limit=1000, remaining=998, reset=window_end)


def test_rate_limit_is_none_on_an_unlimited_plan(connect):
    unlimited = make_user(plan=Plan.objects.get(slug="enterprise"))
    client = connect(unlimited)
    client.users.me()
    assert client.rate_limit is None
