"""`POST /v1/auth/logout` (docs/api.md): the login is refused at once, everywhere, durably."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
import requests
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Plan, RevokedAccessToken
from tests.accounts.markers import transactional
from tests.api.envelope import assert_envelope, assert_unauthorized
from tests.factories import PASSWORD, client_for, make_api_key, make_login

pytestmark = pytest.mark.django_db

LOGIN = "/v1/auth/login"
REFRESH = "/v1/auth/refresh"
LOGOUT = "/v1/auth/logout"
ME = "/v1/users/me"


def log_in(user) -> dict:
    response = APIClient().post(LOGIN, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    return response.json()


def test_logout_is_204_and_the_access_token_is_refused_from_then_on(
    user, django_capture_on_commit_callbacks
):
    session = log_in(user)
    api = client_for(user, session["token"])
    assert api.get(ME).status_code == 200  # (and the "not revoked" state is now cached)
    # The test runs inside a transaction that never commits; run what a commit would.
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(LOGOUT)
    assert response.status_code == 204
    assert response.content == b""
    assert_unauthorized(api.get(ME))
    assert_unauthorized(api.post(LOGOUT))


def test_the_refusal_survives_a_cache_flush(user):
    session = log_in(user)
    api = client_for(user, session["token"])
    assert api.post(LOGOUT).status_code == 204
    cache.clear()  # a Redis flush or restart
    assert_unauthorized(api.get(ME))
    assert RevokedAccessToken.objects.filter(user=user).count() == 1


def test_a_fresh_client_with_no_local_state_is_refused_too(user):
    session = log_in(user)
    assert client_for(user, session["token"]).post(LOGOUT).status_code == 204
    cache.clear()
    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"Bearer {session['token']}")
    assert_unauthorized(fresh.get(ME))


def test_the_refresh_token_given_is_blacklisted(user, api):
    session = log_in(user)
    response = client_for(user, session["token"]).post(
        LOGOUT, {"refresh": session["refresh"]}, format="json"
    )
    assert response.status_code == 204
    assert_unauthorized(api.post(REFRESH, {"refresh": session["refresh"]}, format="json"))


def test_without_a_refresh_token_logout_still_ends_the_refresh_token_of_that_login(user, api):
    """Logout ends the access token's whole login: its refresh token dies with it."""
    session = log_in(user)
    assert client_for(user, session["token"]).post(LOGOUT).status_code == 204
    response = api.post(REFRESH, {"refresh": session["refresh"]}, format="json")
    assert_unauthorized(response)
    assert "logging out" in response.json()["error"]["message"]


def test_other_sessions_of_the_same_user_keep_working(user, api):
    phone = log_in(user)
    laptop = log_in(user)
    _, key = make_api_key(user)
    assert (
        client_for(user, phone["token"])
        .post(LOGOUT, {"refresh": phone["refresh"]}, format="json")
        .status_code
        == 204
    )
    assert client_for(user, laptop["token"]).get(ME).status_code == 200
    assert api.post(REFRESH, {"refresh": laptop["refresh"]}, format="json").status_code == 200
    assert client_for(user, key).get(ME).status_code == 200


def test_logout_with_someone_elses_refresh_token_is_400_and_changes_nothing(user, outsider, api):
    mine = log_in(user)
    theirs = log_in(outsider)
    response = client_for(user, mine["token"]).post(
        LOGOUT, {"refresh": theirs["refresh"]}, format="json"
    )
    error = assert_envelope(response, 400, "invalid_request")
    assert error["details"]["field"] == "refresh"
    assert client_for(user, mine["token"]).get(ME).status_code == 200
    assert api.post(REFRESH, {"refresh": theirs["refresh"]}, format="json").status_code == 200


def test_logout_with_a_garbage_refresh_token_is_400(user):
    response = client_for(user, log_in(user)["token"]).post(
        LOGOUT, {"refresh": "garbage"}, format="json"
    )
    assert assert_envelope(response, 400, "invalid_request")["details"]["field"] == "refresh"


def test_logout_with_an_api_key_is_403(user):
    _, key = make_api_key(user)
    api = client_for(user, key)
    assert_envelope(api.post(LOGOUT), 403, "forbidden")
    assert api.get(ME).status_code == 200  # the key is not revoked by it


def test_logout_without_credentials_is_401(api):
    assert_unauthorized(api.post(LOGOUT))


@transactional
def test_logout_over_a_live_server_and_after_a_cache_flush(live_server):
    from tests.factories import make_user

    user = make_user()
    base = live_server.url
    session = requests.post(
        f"{base}{LOGIN}", json={"email": user.email, "password": PASSWORD}, timeout=10
    ).json()
    bearer = {"Authorization": f"Bearer {session['token']}"}
    assert requests.get(f"{base}{ME}", headers=bearer, timeout=10).status_code == 200
    assert requests.post(f"{base}{LOGOUT}", headers=bearer, timeout=10).status_code == 204
    refused = requests.get(f"{base}{ME}", headers=bearer, timeout=10)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthorized"
    cache.clear()
    assert requests.get(f"{base}{ME}", headers=bearer, timeout=10).status_code == 401


# A second server process: its own interpreter, its own memory, the same database and cache,
# exactly like a second gunicorn worker. It answers one GET /v1/users/me per token on stdin.
WORKER = """
import datetime, os, sys
import django
import time_machine
# The test process's clock, moved as CI's clock guard moves it (tests/conftest.py).
days = int(os.environ.get("CLOUDBOOKS_TEST_CLOCK_SHIFT_DAYS") or 0)
if days:
    time_machine.travel(datetime.timedelta(days=days), tick=True).start()
django.setup()
from django.test import Client
client = Client()
for line in sys.stdin:
    response = client.get("/v1/users/me", HTTP_AUTHORIZATION="Bearer " + line.strip())
    print(response.status_code, flush=True)
"""


@transactional
def test_logout_on_one_process_is_seen_by_another():
    if connection.vendor != "postgresql":
        pytest.skip("needs a database two processes share (the SQLite test database is in memory)")
    from tests.factories import make_user

    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cloudbooks.settings",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        # The same cache as this process when it is shared (Redis); else the worker's own.
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
    }
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=django_settings.BASE_DIR,
    )

    def worker_status(token: str) -> int:
        worker.stdin.write(token + "\n")
        worker.stdin.flush()
        return int(worker.stdout.readline())

    try:
        user = make_user()
        session = make_login(user)
        other_session = make_login(user)
        # The worker has seen the token as valid (and may have remembered that).
        assert worker_status(session.access) == 200
        # This process logs out.
        assert client_for(user, session.access).post(LOGOUT).status_code == 204
        # The worker refuses it at once, and keeps the user's other session.
        assert worker_status(session.access) == 401
        assert worker_status(other_session.access) == 200
        # Even with the cache flushed.
        cache.clear()
        assert worker_status(session.access) == 401
    finally:
        worker.stdin.close()
        worker.wait(timeout=30)
        worker.stdout.close()


def test_logout_ends_every_token_the_login_has_rotated_to(user, api):
    first = log_in(user)
    rotated = api.post(REFRESH, {"refresh": first["refresh"]}, format="json").json()
    assert client_for(user, first["token"]).post(LOGOUT).status_code == 204
    assert_unauthorized(client_for(user, rotated["token"]).get(ME))
    assert_unauthorized(api.post(REFRESH, {"refresh": rotated["refresh"]}, format="json"))


def test_refreshing_after_logout_says_the_login_was_ended(user, api):
    session = log_in(user)
    client_for(user, session["token"]).post(LOGOUT, {"refresh": session["refresh"]}, format="json")
    error = assert_unauthorized(api.post(REFRESH, {"refresh": session["refresh"]}, format="json"))
    assert error["message"] == "This login was ended by logging out; sign in again"


def test_logout_is_not_refused_when_the_hours_budget_is_spent(user):
    user.plan = Plan.objects.create(slug="two", name="Two", requests_per_hour=2)
    user.save(update_fields=["plan"])
    session = log_in(user)
    api = client_for(user, session["token"])
    with time_machine.travel(time.time(), tick=False):  # one clock hour for the budget
        for _ in range(2):
            assert api.get(ME).status_code == 200
        assert_envelope(api.get(ME), 429, "rate_limit_exceeded")
        response = api.post(LOGOUT)
    assert response.status_code == 204
    # Counted and told, like every request of a metered plan.
    assert response["X-RateLimit-Limit"] == "2"
    assert response["X-RateLimit-Remaining"] == "0"
    assert_unauthorized(api.get(ME))
