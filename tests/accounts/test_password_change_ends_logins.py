"""A password change ends every other login: token families and dashboard sessions.

The caller's own login (the token family of the access token used) or dashboard session
carries on; API keys are not logins and keep working.
"""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import TokenFamily
from tests.api.envelope import assert_unauthorized
from tests.factories import PASSWORD, client_for, make_api_key

pytestmark = pytest.mark.django_db

LOGIN = "/v1/auth/login"
REFRESH = "/v1/auth/refresh"
ME = "/v1/users/me"
NEW_PASSWORD = "a brand new passphrase"


def log_in(user) -> dict:
    response = APIClient().post(LOGIN, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    return response.json()


def refresh(token: str):
    return APIClient().post(REFRESH, {"refresh": token}, format="json")


def signed_in_browser(user) -> Client:
    browser = Client()
    assert browser.post("/login", {"email": user.email, "password": PASSWORD}).status_code == 302
    return browser


def test_an_api_password_change_ends_the_attackers_login_but_not_the_callers(user):
    mine, attackers = log_in(user), log_in(user)
    _, key = make_api_key(user)
    response = client_for(user, mine["token"]).patch(
        ME, {"password": NEW_PASSWORD, "current_password": PASSWORD}, format="json"
    )
    assert response.status_code == 200

    assert_unauthorized(client_for(user, attackers["token"]).get(ME))
    refused = refresh(attackers["refresh"])
    assert_unauthorized(refused)
    assert "password change" in refused.json()["error"]["message"]

    assert client_for(user, mine["token"]).get(ME).status_code == 200
    assert refresh(mine["refresh"]).status_code == 200
    assert client_for(user, key).get(ME).status_code == 200


def test_a_rotated_stolen_refresh_token_does_not_outlive_a_password_change(user):
    stolen = log_in(user)
    rotated = refresh(stolen["refresh"]).json()  # the thief keeps rotating it
    mine = log_in(user)
    client_for(user, mine["token"]).patch(
        ME, {"password": NEW_PASSWORD, "current_password": PASSWORD}, format="json"
    )
    assert_unauthorized(refresh(rotated["refresh"]))
    assert_unauthorized(client_for(user, rotated["token"]).get(ME))


def test_an_api_password_change_ends_every_dashboard_session(user):
    browser = signed_in_browser(user)
    assert browser.get("/dashboard").status_code == 200
    mine = log_in(user)
    client_for(user, mine["token"]).patch(
        ME, {"password": NEW_PASSWORD, "current_password": PASSWORD}, format="json"
    )
    response = browser.get("/dashboard")
    assert response.status_code == 302
    assert response["Location"].startswith("/login")


def test_an_api_key_password_change_ends_every_login(user):
    login = log_in(user)
    _, key = make_api_key(user)
    response = client_for(user, key).patch(
        ME, {"password": NEW_PASSWORD, "current_password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert_unauthorized(client_for(user, login["token"]).get(ME))
    assert not TokenFamily.objects.filter(revoked_at__isnull=True).exists()


def test_a_dashboard_password_change_ends_other_sessions_and_every_api_login(user):
    mine, other = signed_in_browser(user), signed_in_browser(user)
    login = log_in(user)
    response = mine.post(
        "/dashboard/profile",
        {"form": "password", "current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 302

    assert mine.get("/dashboard").status_code == 200
    assert other.get("/dashboard").status_code == 302
    assert_unauthorized(client_for(user, login["token"]).get(ME))
    assert_unauthorized(refresh(login["refresh"]))


def test_a_wrong_current_password_ends_nothing(user):
    mine, other = log_in(user), log_in(user)
    response = client_for(user, mine["token"]).patch(
        ME, {"password": NEW_PASSWORD, "current_password": "wrong password"}, format="json"
    )
    assert response.status_code == 400
    assert client_for(user, other["token"]).get(ME).status_code == 200
    assert refresh(other["refresh"]).status_code == 200


def test_a_name_change_ends_nothing(user):
    mine, other = log_in(user), log_in(user)
    response = client_for(user, mine["token"]).patch(ME, {"name": "Olive O."}, format="json")
    assert response.status_code == 200
    assert client_for(user, other["token"]).get(ME).status_code == 200
